/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP attestation reports against every set of tests/data/snp/report:
 * the decoded fields match expected.json, each set's chain, signature and
 * TCB binding verify, the owner's checks hold on the right values and fail
 * on wrong ones, and every report under negative/ fails.
 */
#include <config.h>

#include <string.h>

#include <json-glib/json-glib.h>

#include "test-common.h"
#include "sevirt.h"

typedef struct {
    const char *set;
    const char *report;       /* NULL: a chain-only set */
    const char *vek;
    const char *ark;          /* with ask; NULL: chain */
    const char *ask;
    const char *chain;
} ReportSet;

static const ReportSet sets[] = {
    { "go-sev-guest-milan-vcek", "attestation.bin", "vcek.der", "ark.pem", "ask.pem", NULL },
    { "synthetic-v5-testroot", "report.bin", "vcek.der", "ark.der", "ask.der", NULL },
    { "trustee-azure-genoa-vcek", "report.bin", "vcek-genoa.pem", "ark.pem", "ask.pem", NULL },
    { "trustee-e2e-genoa-vcek-reconstructed", "report.bin", "vcek.der", "ark.pem", "ask.pem", NULL },
    { "trustee-milan-vcek", "test-report.bin", "test-vcek.der", "ark.pem", "ask.pem", NULL },
    { "trustee-milan-vlek", "test-vlek-report.bin", "test-vlek.der", "ark.pem", "asvk.pem", NULL },
    { "virtee-sev-milan-vcek", "report_milan.hex", "vcek.der", NULL, NULL, "cert_chain_milan.pem" },
    { "virtee-sev-turin-chain", NULL, "vcek_turin.der", NULL, NULL, "cert_chain_turin.pem" },
};

static char *
path_of(const char *set, const char *file)
{
    g_autofree char *rel = g_build_filename("snp/report", set, file, NULL);

    return sevirt_test_data_path(rel);
}

static SevirtSnpCert *
cert(const char *set, const char *file)
{
    g_autofree char *p = path_of(set, file);
    g_autoptr(GError) error = NULL;
    SevirtSnpCert *c = sevirt_snp_cert_read(p, &error);

    if (!c)
        fail_msg("%s", error->message);
    return c;
}

static JsonObject *
expected(JsonParser *parser, const char *set)
{
    g_autofree char *p = path_of(set, "expected.json");
    g_autoptr(GError) error = NULL;

    if (!json_parser_load_from_file(parser, p, &error))
        fail_msg("%s", error->message);
    return json_node_get_object(json_parser_get_root(parser));
}

static void
hex_is(const char *what, const guint8 *data, gsize len, const char *want)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (gsize i = 0; i < len; i++)
        g_string_append_printf(s, "%02x", data[i]);
    if (g_strcmp0(s->str, want) != 0)
        fail_msg("%s: %s, expected %s", what, s->str, want);
}

static void
fields_match(const char *set, const SevirtSnpReport *r, JsonObject *f)
{
    SevirtSnpTcb t;
    JsonObject *td = json_object_get_object_member(f, "reported_tcb_decoded");

    assert_int_equal(r->version, json_object_get_int_member(f, "version"));
    assert_int_equal(r->guest_svn, json_object_get_int_member(f, "guest_svn"));
    assert_int_equal(r->policy, json_object_get_int_member(f, "policy"));
    assert_int_equal(r->vmpl, json_object_get_int_member(f, "vmpl"));
    assert_int_equal(r->platform_info, json_object_get_int_member(f, "platform_info"));
    assert_int_equal(r->signer_info, json_object_get_int_member(f, "signer_info"));
    assert_true(r->reported_tcb == (guint64) json_object_get_int_member(f, "reported_tcb"));
    assert_true(r->current_tcb == (guint64) json_object_get_int_member(f, "current_tcb"));
    assert_true(r->launch_tcb == (guint64) json_object_get_int_member(f, "launch_tcb"));
    assert_int_equal(r->current_major, json_object_get_int_member(f, "current_major"));
    assert_int_equal(r->current_minor, json_object_get_int_member(f, "current_minor"));
    hex_is(set, r->measurement, 48, json_object_get_string_member(f, "measurement"));
    hex_is(set, r->report_data, 64, json_object_get_string_member(f, "report_data"));
    hex_is(set, r->host_data, 32, json_object_get_string_member(f, "host_data"));
    hex_is(set, r->chip_id, 64, json_object_get_string_member(f, "chip_id"));
    hex_is(set, r->id_key_digest, 48, json_object_get_string_member(f, "id_key_digest"));
    hex_is(set, r->author_key_digest, 48, json_object_get_string_member(f, "author_key_digest"));
    hex_is(set, r->family_id, 16, json_object_get_string_member(f, "family_id"));
    hex_is(set, r->report_id, 32, json_object_get_string_member(f, "report_id"));
    if (json_object_has_member(f, "launch_mit_vector")) {
        assert_int_equal(r->launch_mit_vector, json_object_get_int_member(f, "launch_mit_vector"));
        assert_int_equal(r->current_mit_vector, json_object_get_int_member(f, "current_mit_vector"));
    }
    if (json_object_has_member(f, "cpuid_fam_id"))
        assert_int_equal(r->cpuid_fam_id, json_object_get_int_member(f, "cpuid_fam_id"));
    sevirt_snp_tcb_decode(r->reported_tcb, sevirt_snp_report_is_turin(r), &t);
    assert_int_equal(t.bootloader, json_object_get_int_member(td, "bootloader"));
    assert_int_equal(t.tee, json_object_get_int_member(td, "tee"));
    assert_int_equal(t.snp, json_object_get_int_member(td, "snp"));
    assert_int_equal(t.microcode, json_object_get_int_member(td, "microcode"));
    assert_string_equal(sevirt_snp_signer_to_string(sevirt_snp_report_get_signer(r)),
                        json_object_get_string_member(f, "signing_key"));
}

static void
load_roots(const ReportSet *s, SevirtSnpCert **ark, SevirtSnpCert **ask)
{
    g_autoptr(GError) error = NULL;

    if (s->chain) {
        g_autofree char *p = path_of(s->set, s->chain);

        if (!sevirt_snp_cert_chain_read(p, ask, ark, &error))
            fail_msg("%s", error->message);
    } else {
        *ark = cert(s->set, s->ark);
        *ask = cert(s->set, s->ask);
    }
}

static void
assert_all_passed(const char *set, GPtrArray *checks, gboolean ok)
{
    for (guint i = 0; i < checks->len; i++) {
        SevirtSnpCheck *c = checks->pdata[i];

        if (!c->passed)
            fail_msg("%s: check %s failed: %s", set, c->name, c->detail);
    }
    assert_true(ok);
}

static void
test_sets(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
        const ReportSet *s = &sets[i];
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(SevirtSnpCert) ark = NULL;
        g_autoptr(SevirtSnpCert) ask = NULL;
        g_autoptr(SevirtSnpCert) vek = cert(s->set, s->vek);
        g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
        g_auto(SevirtSnpVekInfo) info = { 0 };
        g_autoptr(GError) error = NULL;
        JsonObject *exp = expected(parser, s->set);
        JsonObject *vi = json_object_get_object_member(exp, "vek_info");
        SevirtSnpRoots roots;
        SevirtSnpReport r;
        gboolean ok;

        load_roots(s, &ark, &ask);
        roots.ark = ark;
        roots.ask = ask;
        assert_true(json_object_get_boolean_member(exp, "chain_valid"));
        ok = sevirt_snp_roots_verify(&roots, checks);
        assert_all_passed(s->set, checks, ok);
        assert_true(sevirt_snp_vek_info_get(vek, &info, &error));
        assert_int_equal(info.tcb.bootloader, json_object_get_int_member(vi, "bl_spl"));
        assert_int_equal(info.tcb.microcode, json_object_get_int_member(vi, "ucode_spl"));
        assert_string_equal(info.product_name, json_object_get_string_member(vi, "product_name"));
        if (json_object_has_member(vi, "hwid"))
            hex_is(s->set, info.hwid, info.hwid_len, json_object_get_string_member(vi, "hwid"));
        else
            assert_int_equal(info.hwid_len, 0);
        assert_true(sevirt_snp_cert_verify_issued(vek, ask, &error));
        if (!s->report)
            continue;
        {
            g_autofree char *p = path_of(s->set, s->report);

            if (!sevirt_snp_report_read(p, &r, &error))
                fail_msg("%s", error->message);
        }
        fields_match(s->set, &r, json_object_get_object_member(exp, "fields"));
        ok = sevirt_snp_report_verify(&r, &roots, vek, NULL, checks);
        assert_all_passed(s->set, checks, ok);
    }
}

/* The test root's chain must not pass under AMD's Genoa roots. */
static void
test_foreign_roots(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSnpCert) ark = cert("amd-roots/genoa", "ark.pem");
    g_autoptr(SevirtSnpCert) ask = cert("amd-roots/genoa", "ask.pem");
    g_autoptr(SevirtSnpCert) test_ask = cert("synthetic-v5-testroot", "ask.der");
    g_autoptr(SevirtSnpCert) vek = cert("synthetic-v5-testroot", "vcek.der");
    g_autoptr(SevirtSnpCert) milan_ark = cert("trustee-milan-vcek", "ark.pem");
    g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
    g_autoptr(GError) error = NULL;
    SevirtSnpRoots roots = { ark, ask };
    SevirtSnpReport r;
    g_autofree char *p = path_of("synthetic-v5-testroot", "report.bin");

    assert_false(sevirt_snp_cert_verify_issued(vek, ask, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "not issued by");
    assert_false(sevirt_snp_cert_verify_issued(test_ask, ark, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "ARK-Genoa");
    /* an ASK never verifies under another product's ARK */
    roots.ark = milan_ark;
    assert_false(sevirt_snp_roots_verify(&roots, checks));
    roots.ark = ark;
    assert_true(sevirt_snp_report_read(p, &r, NULL));
    assert_false(sevirt_snp_report_verify(&r, &roots, vek, NULL, checks));
}

static void
test_negative(void **state G_GNUC_UNUSED)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(SevirtSnpCert) vek = cert("go-sev-guest-milan-vcek", "vcek.der");
    JsonArray *cases = json_object_get_array_member(expected(parser, "negative"), "cases");
    guint n = json_array_get_length(cases);

    assert_true(n >= 13);
    for (guint i = 0; i < n; i++) {
        const char *file = json_object_get_string_member(json_array_get_object_element(cases, i), "file");
        g_autofree char *p = path_of("negative", file);
        g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
        g_autoptr(GError) error = NULL;
        SevirtSnpReport r;

        if (!sevirt_snp_report_read(p, &r, &error)) {
            /* wrong sizes are malformed input */
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "bytes instead of 1184");
            continue;
        }
        if (sevirt_snp_report_verify(&r, NULL, vek, NULL, checks))
            fail_msg("negative/%s verified", file);
        assert_false(sevirt_snp_report_verify_signature(&r, vek, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "");
    }
}

/* The modified trustee VCEKs do not chain to the Milan ASK. */
static void
test_negative_veks(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSnpCert) ask = cert("trustee-milan-vcek", "ask.pem");
    const char *files[] = { "negative-test-vcek-invalid-legacy.der", "negative-test-vcek-invalid-new.der" };

    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autoptr(SevirtSnpCert) vek = cert("trustee-milan-vcek", files[i]);
        g_autoptr(GError) error = NULL;

        assert_false(sevirt_snp_cert_verify_issued(vek, ask, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "does not verify");
    }
}

static gboolean
check_passed(GPtrArray *checks, const char *name)
{
    for (guint i = 0; i < checks->len; i++) {
        SevirtSnpCheck *c = checks->pdata[i];

        if (g_str_equal(c->name, name))
            return c->passed;
    }
    fail_msg("no check %s", name);
    return FALSE;
}

/* The owner's checks on the go-sev-guest report (values from its check_test.go). */
static void
test_expectations(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSnpCert) vek = cert("go-sev-guest-milan-vcek", "vcek.der");
    g_autofree char *p = path_of("go-sev-guest-milan-vcek", "attestation.bin");
    guint8 meas[48], rd[64], chip[64], zero48[48] = { 0 };
    SevirtSnpExpect x = { 0 };
    SevirtSnpReport r;

    assert_true(sevirt_snp_report_read(p, &r, NULL));
    assert_true(sevirt_snp_hex_parse("m", "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01", meas, 48, NULL));
    assert_true(sevirt_snp_hex_parse("rd", "01020304050000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", rd, 64, NULL));
    assert_true(sevirt_snp_hex_parse("c", "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d", chip, 64, NULL));
    x.measurement = meas;
    x.report_data = rd;
    x.chip_id = chip;
    x.id_key_digest = zero48;
    x.check_policy = TRUE;
    x.policy = 0xB0000;
    x.check_vmpl = TRUE;
    x.vmpl = 0;
    x.check_min_tcb = TRUE;
    assert_true(sevirt_snp_tcb_parse("t", "bootloader=2,tee=0,snp=5,microcode=68", &x.min_tcb, NULL));
    {
        g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);

        assert_true(sevirt_snp_report_verify(&r, NULL, vek, &x, checks));
    }
    /* each wrong expectation fails its own check, and only that one */
    meas[47] ^= 1;
    x.vmpl = 1;
    x.min_tcb.snp = 6;
    x.policy_deny = SEVIRT_SNP_POLICY_DEBUG;
    x.policy_require = SEVIRT_SNP_POLICY_SINGLE_SOCKET;
    {
        g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);

        assert_false(sevirt_snp_report_verify(&r, NULL, vek, &x, checks));
        assert_false(check_passed(checks, "measurement"));
        assert_false(check_passed(checks, "vmpl"));
        assert_false(check_passed(checks, "min_tcb"));
        assert_false(check_passed(checks, "policy"));
        assert_true(check_passed(checks, "signature"));
        assert_true(check_passed(checks, "report_data"));
        assert_true(check_passed(checks, "chip_id_expected"));
        assert_true(check_passed(checks, "tcb"));
        for (guint i = 0; i < checks->len; i++) {
            SevirtSnpCheck *c = checks->pdata[i];

            if (g_str_equal(c->name, "policy")) {
                assert_non_null(strstr(c->detail, "forbidden flags set: debug"));
                assert_non_null(strstr(c->detail, "required flags not set: single-socket"));
            }
        }
    }
    /* the Milan VCEK of another chip: chip_id and TCB binding fail */
    {
        g_autoptr(SevirtSnpCert) other = cert("trustee-milan-vcek", "test-vcek.der");
        g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);

        assert_false(sevirt_snp_report_verify(&r, NULL, other, NULL, checks));
        assert_false(check_passed(checks, "signature"));
        assert_false(check_passed(checks, "chip_id"));
        assert_false(check_passed(checks, "tcb"));
    }
}

static void
test_parsers(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    guint8 buf[SEVIRT_SNP_REPORT_SIZE] = { 0 };
    SevirtSnpTcb t;
    SevirtSnpReport r;
    guint64 bits = 0;
    guint8 b[4];

    assert_true(sevirt_snp_tcb_parse("--min-tcb", "fmc=1,snp=3", &t, NULL));
    assert_int_equal(t.fmc, 1);
    assert_int_equal(t.snp, 3);
    assert_false(sevirt_snp_tcb_parse("--min-tcb", "ucode=3", &t, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "'ucode=3'");
    assert_false(sevirt_snp_tcb_parse("--min-tcb", "snp=300", &t, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "--min-tcb");
    assert_true(sevirt_snp_policy_flag_parse("p", "debug, smt", &bits, NULL));
    assert_true(bits == (SEVIRT_SNP_POLICY_DEBUG | SEVIRT_SNP_POLICY_SMT));
    assert_false(sevirt_snp_policy_flag_parse("--policy-deny", "dbg", &bits, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "'dbg'");
    assert_true(sevirt_snp_bytes_parse("x", "0xDEADbeef", b, 4, NULL));
    assert_int_equal(b[0], 0xde);
    assert_true(sevirt_snp_bytes_parse("x", "3q2+7w==", b, 4, NULL));
    assert_int_equal(b[3], 0xef);
    assert_false(sevirt_snp_bytes_parse("--host-data", "abc", b, 4, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "--host-data");
    /* versions outside 2..5 are refused, Turin's family switches the TCB layout */
    assert_false(sevirt_snp_report_parse(buf, sizeof(buf), "r", &r, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "unknown version 0");
    buf[0] = 3;
    buf[0x188] = 0x1A;
    assert_true(sevirt_snp_report_parse(buf, sizeof(buf), "r", &r, NULL));
    assert_true(sevirt_snp_report_is_turin(&r));
    sevirt_snp_tcb_decode(G_GUINT64_CONSTANT(0x0900000004030201), TRUE, &t);
    assert_int_equal(t.fmc, 1);
    assert_int_equal(t.bootloader, 2);
    assert_int_equal(t.tee, 3);
    assert_int_equal(t.snp, 4);
    assert_int_equal(t.microcode, 9);
    sevirt_snp_tcb_decode(G_GUINT64_CONSTANT(0x0905000000000302), FALSE, &t);
    assert_int_equal(t.bootloader, 2);
    assert_int_equal(t.tee, 3);
    assert_int_equal(t.snp, 5);
    assert_int_equal(t.microcode, 9);
}

/* A certificate from PEM text in memory (the emulated platform's reply) is
 * the one its file holds; other text is refused. */
static void
test_cert_from_pem(void **state G_GNUC_UNUSED)
{
    g_autofree char *p = path_of("trustee-milan-vcek", "ark.pem");
    g_autofree char *pem = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtSnpCert) from_file = cert("trustee-milan-vcek", "ark.pem");
    g_autoptr(SevirtSnpCert) from_text = NULL;
    g_autofree char *cn = NULL;

    assert_true(g_file_get_contents(p, &pem, NULL, NULL));
    from_text = sevirt_snp_cert_from_pem(pem, "the reply's VCEK", &error);
    assert_non_null(from_text);
    cn = sevirt_snp_cert_get_subject_cn(from_text);
    assert_string_equal(cn, "ARK-Milan");
    assert_true(sevirt_snp_cert_is_amd_ark(from_text));
    assert_true(sevirt_snp_cert_verify_issued(from_file, from_text, NULL));
    assert_null(sevirt_snp_cert_from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n", "the reply's VCEK",
                                         &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "the reply's VCEK");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets),
        cmocka_unit_test(test_foreign_roots),
        cmocka_unit_test(test_negative),
        cmocka_unit_test(test_negative_veks),
        cmocka_unit_test(test_expectations),
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_cert_from_pem),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
