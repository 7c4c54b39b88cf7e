/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV and AMD certificates: the published Naples, Rome and Milan chains,
 * tampered variants, malformed input, and chains sevirt mints itself.
 */
#include <config.h>

#include <string.h>
#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-crypto-private.h"

static char *
vec(const char *gen, const char *name)
{
    g_autofree char *rel = g_build_filename("sev-certs", gen, name, NULL);

    return sevirt_test_vector(rel);
}

static void
read_chain(const char *gen, SevirtCertChain *chain)
{
    g_autofree char *rel = g_build_filename("sev-certs", gen, NULL);
    g_autofree char *dir = sevirt_test_vector(rel);
    g_autoptr(GError) error = NULL;

    if (!sevirt_cert_chain_read_dir(chain, dir, &error))
        fail_msg("cannot read the %s chain: %s", gen, error->message);
}

static void
test_published_chains_verify(void **state G_GNUC_UNUSED)
{
    const char *gens[] = { "naples", "rome" };

    for (guint i = 0; i < G_N_ELEMENTS(gens); i++) {
        g_auto(SevirtCertChain) chain = { 0 };
        g_autoptr(GError) error = NULL;
        SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;

        read_chain(gens[i], &chain);
        if (!sevirt_cert_chain_verify(&chain, &failed, &error))
            fail_msg("%s: %s", gens[i], error->message);
        assert_int_equal(sevirt_sev_cert_get_usage(chain.pdh), SEVIRT_CERT_USAGE_PDH);
        assert_int_equal(sevirt_sev_cert_get_algo(chain.pdh), SEVIRT_CERT_ALGO_ECDH_SHA256);
        assert_int_equal(sevirt_sev_cert_get_curve(chain.pdh), SEVIRT_CERT_CURVE_P384);
    }
}

static void
test_milan_roots(void **state G_GNUC_UNUSED)
{
    g_autofree char *ark_path = vec("milan", "ark.cert");
    g_autofree char *ask_path = vec("milan", "ask.cert");
    g_autoptr(SevirtAmdCert) ark = NULL;
    g_autoptr(SevirtAmdCert) ask = NULL;
    g_autoptr(GError) error = NULL;

    ark = sevirt_amd_cert_read(ark_path, &error);
    assert_non_null(ark);
    ask = sevirt_amd_cert_read(ask_path, &error);
    assert_non_null(ask);
    assert_int_equal(sevirt_amd_cert_get_key_bits(ark), 4096);
    assert_true(sevirt_amd_cert_verify(ark, ark, &error));
    assert_true(sevirt_amd_cert_verify(ark, ask, &error));
    /* the ASK does not sign AMD certificates, and not itself */
    assert_false(sevirt_amd_cert_verify(ask, ask, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "only an ARK");
}

/* Rome certificates do not verify under Naples (or Milan) roots. */
static void
test_wrong_generation_roots(void **state G_GNUC_UNUSED)
{
    const char *roots[] = { "naples", "milan" };

    for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
        g_auto(SevirtCertChain) chain = { 0 };
        g_autoptr(GError) error = NULL;
        g_autofree char *ark = vec(roots[i], "ark.cert");
        g_autofree char *ask = vec(roots[i], "ask.cert");
        SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;

        read_chain("rome", &chain);
        sevirt_amd_cert_free(chain.ark);
        sevirt_amd_cert_free(chain.ask);
        chain.ark = sevirt_amd_cert_read(ark, &error);
        chain.ask = sevirt_amd_cert_read(ask, &error);
        assert_non_null(chain.ark);
        assert_non_null(chain.ask);
        assert_false(sevirt_cert_chain_verify(&chain, &failed, &error));
        assert_int_equal(failed, SEVIRT_CHAIN_LINK_ASK_CEK);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                                 "Certificate chain broken at ASK -> CEK");
    }

    /* Rome ARK with the Naples ASK: the ASK names another certifier. */
    {
        g_auto(SevirtCertChain) chain = { 0 };
        g_autoptr(GError) error = NULL;
        g_autofree char *ask = vec("naples", "ask.cert");
        SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;

        read_chain("rome", &chain);
        sevirt_amd_cert_free(chain.ask);
        chain.ask = sevirt_amd_cert_read(ask, &error);
        assert_false(sevirt_cert_chain_verify(&chain, &failed, &error));
        assert_int_equal(failed, SEVIRT_CHAIN_LINK_ARK_ASK);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "key ids differ");
    }
}

static void
copy_chain(const SevirtCertChain *from, SevirtCertChain *to)
{
    to->ark = sevirt_amd_cert_copy(from->ark);
    to->ask = sevirt_amd_cert_copy(from->ask);
    to->cek = sevirt_sev_cert_copy(from->cek);
    to->oca = sevirt_sev_cert_copy(from->oca);
    to->pek = sevirt_sev_cert_copy(from->pek);
    to->pdh = sevirt_sev_cert_copy(from->pdh);
}

/*
 * Verifies a copy of @base where the certificate first checked by link
 * @which has byte @off flipped.  TRUE when that is noticed, while parsing
 * or while verifying.
 */
static gboolean
tampered_chain_fails(const SevirtCertChain *base, SevirtChainLink which, gsize off,
                     SevirtChainLink *failed)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *copy = NULL;
    gsize len = 0;

    copy_chain(base, &chain);
    *failed = SEVIRT_CHAIN_LINK_COUNT;
    if (which == SEVIRT_CHAIN_LINK_ARK_SELF || which == SEVIRT_CHAIN_LINK_ARK_ASK) {
        SevirtAmdCert **slot = which == SEVIRT_CHAIN_LINK_ARK_SELF ? &chain.ark : &chain.ask;
        const guint8 *data = sevirt_amd_cert_get_data(*slot, &len);

        copy = g_memdup2(data, len);
        copy[off % len] ^= 0x01;
        sevirt_amd_cert_free(*slot);
        *slot = sevirt_amd_cert_parse(copy, len, "tampered", &error);
        if (!*slot)
            return TRUE;
    } else {
        SevirtSevCert **slot = which == SEVIRT_CHAIN_LINK_ASK_CEK ? &chain.cek :
                               which == SEVIRT_CHAIN_LINK_OCA_SELF ? &chain.oca :
                               which == SEVIRT_CHAIN_LINK_OCA_PEK ? &chain.pek : &chain.pdh;

        len = SEVIRT_SEV_CERT_SIZE;
        copy = g_memdup2(sevirt_sev_cert_get_data(*slot), len);
        copy[off % len] ^= 0x01;
        sevirt_sev_cert_free(*slot);
        *slot = sevirt_sev_cert_parse(copy, len, "tampered", &error);
        if (!*slot)
            return TRUE;
    }
    return !sevirt_cert_chain_verify(&chain, failed, &error);
}

static void
test_tampered_chains_fail(void **state G_GNUC_UNUSED)
{
    const char *gens[] = { "naples", "rome" };
    /* the certificate to tamper with, named by the first link it is in */
    const SevirtChainLink certs[] = {
        SEVIRT_CHAIN_LINK_ARK_SELF, SEVIRT_CHAIN_LINK_ARK_ASK, SEVIRT_CHAIN_LINK_ASK_CEK,
        SEVIRT_CHAIN_LINK_OCA_SELF, SEVIRT_CHAIN_LINK_OCA_PEK, SEVIRT_CHAIN_LINK_PEK_PDH,
    };

    for (guint g = 0; g < G_N_ELEMENTS(gens); g++) {
        g_auto(SevirtCertChain) base = { 0 };

        read_chain(gens[g], &base);
        for (guint c = 0; c < G_N_ELEMENTS(certs); c++) {
            gboolean amd = certs[c] == SEVIRT_CHAIN_LINK_ARK_SELF ||
                           certs[c] == SEVIRT_CHAIN_LINK_ARK_ASK;
            /* signed body: AMD header+exponent+modulus; SEV bytes 0..0x414 */
            gsize body = amd ? 0x40 + 2 * sevirt_amd_cert_get_key_bits(base.ark) / 8 : 0x414;
            SevirtChainLink failed;
            gsize sig_off = amd ? body + 7 : 0x414 + 8 + 5;

            /* a spread of offsets across the body */
            for (gsize off = 0; off < body; off += 97) {
                if (!tampered_chain_fails(&base, certs[c], off, &failed))
                    fail_msg("%s: flipping byte 0x%zx of the certificate checked by '%s' went unnoticed",
                             gens[g], off, sevirt_chain_link_to_string(certs[c]));
            }
            /* a broken signature is reported at the link that checks it */
            assert_true(tampered_chain_fails(&base, certs[c], sig_off, &failed));
            assert_int_equal(failed, certs[c]);
        }
    }
}

static void
test_sev_cert_malformed(void **state G_GNUC_UNUSED)
{
    g_autofree char *path = vec("rome", "pdh.cert");
    g_autofree guint8 *raw = NULL;
    g_autofree guint8 *bad = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;

    assert_true(g_file_get_contents(path, (char **) &raw, &len, NULL));
    assert_int_equal(len, SEVIRT_SEV_CERT_SIZE);

    assert_null(sevirt_sev_cert_parse(raw, len - 1, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "Certificate 'x.cert' has 2083 bytes");
    bad = g_malloc0(len + 1);
    memcpy(bad, raw, len);
    assert_null(sevirt_sev_cert_parse(bad, len + 1, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "2085 bytes");

    /* version */
    bad[0] = 2;
    assert_null(sevirt_sev_cert_parse(bad, len, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "version 2");
    bad[0] = 1;
    /* usage */
    sevirt_put_le32(bad + 8, 0x1234);
    assert_null(sevirt_sev_cert_parse(bad, len, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "usage 0x1234");
    sevirt_put_le32(bad + 8, SEVIRT_CERT_USAGE_PDH);
    /* key algorithm */
    sevirt_put_le32(bad + 12, 0x77);
    assert_null(sevirt_sev_cert_parse(bad, len, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "unknown key algorithm 0x77");
    sevirt_put_le32(bad + 12, SEVIRT_CERT_ALGO_ECDH_SHA256);
    /* curve */
    sevirt_put_le32(bad + 0x10, 9);
    assert_null(sevirt_sev_cert_parse(bad, len, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "unknown elliptic curve 9");
    sevirt_put_le32(bad + 0x10, SEVIRT_CERT_CURVE_P384);
    /* a point off the curve */
    bad[0x14] ^= 0x01;
    assert_null(sevirt_sev_cert_parse(bad, len, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "invalid public key");
    bad[0x14] ^= 0x01;
    /* signature slot with an unknown algorithm */
    sevirt_put_le32(bad + 0x414 + 4, 0x55);
    assert_null(sevirt_sev_cert_parse(bad, len, "x.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "invalid signature 1");
}

static void
test_amd_cert_malformed(void **state G_GNUC_UNUSED)
{
    g_autofree char *path = vec("rome", "ark.cert");
    g_autofree guint8 *raw = NULL;
    g_autofree guint8 *bad = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtAmdCert) cert = NULL;
    gsize len = 0;
    gsize out_len = 0;

    assert_true(g_file_get_contents(path, (char **) &raw, &len, NULL));
    cert = sevirt_amd_cert_parse(raw, len, "ark.cert", &error);
    assert_non_null(cert);
    /* serialising gives back the same bytes */
    assert_memory_equal(sevirt_amd_cert_get_data(cert, &out_len), raw, len);
    assert_int_equal(out_len, len);

    assert_null(sevirt_amd_cert_parse(raw, 20, "ark.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "truncated");
    assert_null(sevirt_amd_cert_parse(raw, len - 1, "ark.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "expected 1600");
    bad = g_memdup2(raw, len);
    sevirt_put_le32(bad + 0x24, SEVIRT_CERT_USAGE_PDH);
    assert_null(sevirt_amd_cert_parse(bad, len, "ark.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "usage 0x1003");
    sevirt_put_le32(bad + 0x24, 0);
    sevirt_put_le32(bad + 0x3C, 3072);
    assert_null(sevirt_amd_cert_parse(bad, len, "ark.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "unsupported RSA key");
    /* an SEV certificate given where an AMD one is expected */
    g_clear_pointer(&raw, g_free);
    g_free(path);
    path = vec("rome", "cek.cert");
    assert_true(g_file_get_contents(path, (char **) &raw, &len, NULL));
    assert_null(sevirt_amd_cert_parse(raw, len, "cek.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "is an SEV certificate (2084 bytes), not an AMD");
}

/* Certificates are read raw or base64; anything else is refused clearly. */
static void
test_cert_files(void **state G_GNUC_UNUSED)
{
    g_autofree char *pdh_path = vec("rome", "pdh.cert");
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *b64_path = g_build_filename(dir, "pdh.b64", NULL);
    g_autofree char *junk_path = g_build_filename(dir, "junk.cert", NULL);
    g_autofree char *text_path = g_build_filename(dir, "text.cert", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.cert", NULL);
    g_autofree guint8 *raw = NULL;
    g_autofree char *b64 = NULL;
    g_autoptr(SevirtSevCert) cert = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;

    assert_true(g_file_get_contents(pdh_path, (char **) &raw, &len, NULL));
    b64 = g_base64_encode(raw, len);
    assert_true(g_file_set_contents(b64_path, b64, -1, NULL));
    cert = sevirt_sev_cert_read(b64_path, &error);
    assert_non_null(cert);
    assert_memory_equal(sevirt_sev_cert_get_data(cert), raw, len);

    assert_true(g_file_set_contents(junk_path, (const char *) raw, 100, NULL));
    assert_null(sevirt_sev_cert_read(junk_path, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "has 100 bytes");
    assert_true(g_file_set_contents(text_path, "AAAA", -1, NULL));
    assert_null(sevirt_sev_cert_read(text_path, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "decodes to 3 bytes");
    assert_null(sevirt_sev_cert_read(missing, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "missing.cert");

    g_unlink(b64_path);
    g_unlink(junk_path);
    g_unlink(text_path);
    g_rmdir(dir);
}

/* Swapped certificates are named by the link where they are found wrong. */
static void
test_chain_wrong_places(void **state G_GNUC_UNUSED)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_autoptr(GError) error = NULL;
    SevirtSevCert *tmp;
    SevirtChainLink failed;

    read_chain("rome", &chain);
    tmp = chain.oca;
    chain.oca = chain.pek;
    chain.pek = tmp;
    assert_false(sevirt_cert_chain_verify(&chain, &failed, &error));
    assert_int_equal(failed, SEVIRT_CHAIN_LINK_OCA_SELF);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "broken at OCA self-signature: the certificate given as OCA has usage PEK");

    g_clear_pointer(&chain.pdh, sevirt_sev_cert_free);
    assert_false(sevirt_cert_chain_verify(&chain, &failed, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "incomplete");
}

/* libvirt's cert-chain blob: PEK‖OCA‖CEK. */
static void
test_platform_blob(void **state G_GNUC_UNUSED)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_auto(SevirtCertChain) again = { 0 };
    g_autoptr(GBytes) blob = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "cert-chain", NULL);
    g_autofree char *b64 = NULL;

    read_chain("naples", &chain);
    blob = sevirt_cert_chain_get_platform(&chain);
    assert_int_equal(g_bytes_get_size(blob), SEVIRT_SEV_CERT_CHAIN_SIZE);
    b64 = g_base64_encode(g_bytes_get_data(blob, NULL), g_bytes_get_size(blob));
    assert_true(g_file_set_contents(path, b64, -1, NULL));
    assert_true(sevirt_cert_chain_read_platform(&again, path, &error));
    assert_memory_equal(sevirt_sev_cert_get_data(again.pek), sevirt_sev_cert_get_data(chain.pek),
                        SEVIRT_SEV_CERT_SIZE);
    assert_memory_equal(sevirt_sev_cert_get_data(again.cek), sevirt_sev_cert_get_data(chain.cek),
                        SEVIRT_SEV_CERT_SIZE);
    /* truncated chain */
    assert_true(g_file_set_contents(path, g_bytes_get_data(blob, NULL), 2 * SEVIRT_SEV_CERT_SIZE, NULL));
    assert_false(sevirt_cert_chain_read_platform(&again, path, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "PEK+OCA+CEK");
    g_unlink(path);
    g_rmdir(dir);
}

/* A chain sevirt mints verifies under its own roots only. */
static void
test_generated_chain(void **state G_GNUC_UNUSED)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_auto(SevirtCertChain) mixed = { 0 };
    g_autoptr(EVP_PKEY) pdh_key = NULL;
    g_autoptr(EVP_PKEY) back = NULL;
    g_autoptr(SevirtSecret) pem = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *rome_ark = vec("rome", "ark.cert");
    g_autofree char *rome_ask = vec("rome", "ask.cert");
    SevirtChainLink failed;
    guint8 major, minor;

    if (!sevirt_cert_chain_generate(&chain, &pdh_key, 1, 55, 2048, &error))
        fail_msg("%s", error->message);
    if (!sevirt_cert_chain_verify(&chain, NULL, &error))
        fail_msg("%s", error->message);
    sevirt_sev_cert_get_api_version(chain.pdh, &major, &minor);
    assert_int_equal(major, 1);
    assert_int_equal(minor, 55);

    /* the PEM round trip keeps the key */
    pem = sevirt_key_to_pem(pdh_key, &error);
    assert_non_null(pem);
    back = sevirt_key_from_pem(pem->data, pem->len, "pdh.pem", &error);
    assert_non_null(back);
    assert_int_equal(EVP_PKEY_eq(back, pdh_key), 1);
    assert_null(sevirt_key_from_pem((const guint8 *) "junk", 4, "pdh.pem", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "'pdh.pem'");

    /* under AMD's Rome roots it must fail */
    mixed.ark = sevirt_amd_cert_read(rome_ark, &error);
    mixed.ask = sevirt_amd_cert_read(rome_ask, &error);
    mixed.cek = sevirt_sev_cert_copy(chain.cek);
    mixed.oca = sevirt_sev_cert_copy(chain.oca);
    mixed.pek = sevirt_sev_cert_copy(chain.pek);
    mixed.pdh = sevirt_sev_cert_copy(chain.pdh);
    assert_false(sevirt_cert_chain_verify(&mixed, &failed, &error));
    assert_int_equal(failed, SEVIRT_CHAIN_LINK_ASK_CEK);
    g_clear_error(&error);
    /* and its ASK does not chain to AMD's ARK */
    sevirt_amd_cert_free(mixed.ask);
    mixed.ask = sevirt_amd_cert_copy(chain.ask);
    assert_false(sevirt_cert_chain_verify(&mixed, &failed, &error));
    assert_int_equal(failed, SEVIRT_CHAIN_LINK_ARK_ASK);
}

/* A 4096-bit emulated root signs with SHA-384, like Rome and Milan.  (The
 * key is committed: generating RSA-4096 keys is the emulator's test.) */
static void
test_generated_chain_4096(void **state G_GNUC_UNUSED)
{
    g_autoptr(EVP_PKEY) ark_key = NULL;
    g_autoptr(EVP_PKEY) cek_key = NULL;
    g_autoptr(SevirtAmdCert) ark = NULL;
    g_autoptr(SevirtSevCert) cek = NULL;
    g_autoptr(GError) error = NULL;
    guint8 id[SEVIRT_AMD_KEY_ID_SIZE] = { 1, 2, 3 };

    ark_key = sevirt_test_key_load("rsa4096.key");
    assert_int_equal(EVP_PKEY_get_bits(ark_key), 4096);
    ark = sevirt_amd_cert_new(SEVIRT_CERT_USAGE_ARK, id, id, ark_key, &error);
    assert_non_null(ark);
    assert_true(sevirt_amd_cert_sign(ark, ark_key, &error));
    assert_true(sevirt_amd_cert_verify(ark, ark, &error));
    cek_key = sevirt_key_generate_p384(&error);
    cek = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_CEK, 0, 22, cek_key, &error);
    assert_non_null(cek);
    assert_true(sevirt_sev_cert_sign(cek, 0, SEVIRT_CERT_USAGE_ASK, ark_key, &error));
    assert_int_equal(sevirt_le32(sevirt_sev_cert_get_data(cek) + 0x414 + 4),
                     SEVIRT_CERT_ALGO_RSA_SHA384);
    assert_true(sevirt_amd_cert_verify_cek(ark, cek, &error));

    assert_null(sevirt_key_generate_rsa(1024, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "2048 or 4096");
    assert_false(sevirt_sev_cert_sign(cek, 2, SEVIRT_CERT_USAGE_ASK, ark_key, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "slot 2");
}

static void
test_names(void **state G_GNUC_UNUSED)
{
    assert_string_equal(sevirt_cert_usage_to_string(SEVIRT_CERT_USAGE_PDH), "PDH");
    assert_string_equal(sevirt_cert_algo_to_string(SEVIRT_CERT_ALGO_ECDSA_SHA384), "ECDSA-SHA384");
    assert_null(sevirt_cert_usage_to_string(0x42));
    assert_string_equal(sevirt_chain_link_to_string(SEVIRT_CHAIN_LINK_CEK_PEK), "CEK -> PEK");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_chains_verify),
        cmocka_unit_test(test_milan_roots),
        cmocka_unit_test(test_wrong_generation_roots),
        cmocka_unit_test(test_tampered_chains_fail),
        cmocka_unit_test(test_sev_cert_malformed),
        cmocka_unit_test(test_amd_cert_malformed),
        cmocka_unit_test(test_cert_files),
        cmocka_unit_test(test_chain_wrong_places),
        cmocka_unit_test(test_platform_blob),
        cmocka_unit_test(test_generated_chain),
        cmocka_unit_test(test_generated_chain_4096),
        cmocka_unit_test(test_names),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, NULL, NULL));
}
