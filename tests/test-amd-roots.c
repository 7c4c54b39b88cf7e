/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in AMD roots: they are AMD's published certificates, each ARK
 * is self-signed, each ASK / ASVK chains to the ARK of its generation and
 * to no other, and a platform's generation is found from its chain.
 */
#include <config.h>

#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-crypto-private.h"

static const SevirtAmdGeneration sev_gens[] = {
    SEVIRT_AMD_GEN_NAPLES, SEVIRT_AMD_GEN_ROME, SEVIRT_AMD_GEN_MILAN,
};
static const SevirtAmdGeneration snp_gens[] = {
    SEVIRT_AMD_GEN_MILAN, SEVIRT_AMD_GEN_GENOA, SEVIRT_AMD_GEN_TURIN,
};

static GBytes *
vector_bytes(const char *rel)
{
    g_autofree char *path = sevirt_test_vector(rel);
    g_autoptr(GError) error = NULL;
    char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &error))
        fail_msg("%s", error->message);
    return g_bytes_new_take(data, len);
}

static void
test_generation_names(void **state G_GNUC_UNUSED)
{
    assert_string_equal(sevirt_amd_generation_to_string(SEVIRT_AMD_GEN_NAPLES), "Naples");
    assert_string_equal(sevirt_amd_generation_to_string(SEVIRT_AMD_GEN_TURIN), "Turin");
    assert_null(sevirt_amd_generation_to_string(SEVIRT_AMD_GEN_UNKNOWN));
    assert_null(sevirt_amd_generation_to_string(99));
    assert_int_equal(sevirt_amd_generation_from_string("genoa"), SEVIRT_AMD_GEN_GENOA);
    assert_int_equal(sevirt_amd_generation_from_string("ROME"), SEVIRT_AMD_GEN_ROME);
    assert_int_equal(sevirt_amd_generation_from_string("Bergamo"), SEVIRT_AMD_GEN_UNKNOWN);
    assert_int_equal(sevirt_amd_generation_from_string(NULL), SEVIRT_AMD_GEN_UNKNOWN);
}

/* The built-in SEV roots are AMD's published files, byte for byte. */
static void
test_sev_roots_are_published(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_gens); i++) {
        g_autofree char *gen = g_ascii_strdown(sevirt_amd_generation_to_string(sev_gens[i]), -1);
        g_autofree char *ark_rel = g_strdup_printf("sev-certs/%s/ark.cert", gen);
        g_autofree char *ask_rel = g_strdup_printf("sev-certs/%s/ask.cert", gen);
        g_autoptr(GBytes) ark_file = vector_bytes(ark_rel);
        g_autoptr(GBytes) ask_file = vector_bytes(ask_rel);
        g_autoptr(SevirtAmdCert) ark = NULL;
        g_autoptr(SevirtAmdCert) ask = NULL;
        g_autoptr(GError) error = NULL;
        const guint8 *data;
        gsize len = 0;

        if (!sevirt_amd_roots_sev_get(sev_gens[i], &ark, &ask, &error))
            fail_msg("%s: %s", gen, error->message);
        data = sevirt_amd_cert_get_data(ark, &len);
        assert_int_equal(len, g_bytes_get_size(ark_file));
        assert_memory_equal(data, g_bytes_get_data(ark_file, NULL), len);
        data = sevirt_amd_cert_get_data(ask, &len);
        assert_int_equal(len, g_bytes_get_size(ask_file));
        assert_memory_equal(data, g_bytes_get_data(ask_file, NULL), len);
        assert_true(sevirt_amd_roots_sev_is_builtin(ark));
        assert_true(sevirt_amd_roots_sev_is_builtin(ask));
    }
}

static void
test_sev_roots_chain(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_gens); i++) {
        g_autoptr(SevirtAmdCert) ark = NULL;
        g_autoptr(SevirtAmdCert) ask = NULL;
        g_autoptr(GError) error = NULL;

        assert_true(sevirt_amd_roots_sev_get(sev_gens[i], &ark, &ask, &error));
        assert_int_equal(sevirt_amd_cert_get_usage(ark), SEVIRT_CERT_USAGE_ARK);
        assert_int_equal(sevirt_amd_cert_get_usage(ask), SEVIRT_CERT_USAGE_ASK);
        if (!sevirt_amd_cert_verify(ark, ark, &error))
            fail_msg("%s ARK self-signature: %s",
                     sevirt_amd_generation_to_string(sev_gens[i]), error->message);
        if (!sevirt_amd_cert_verify(ark, ask, &error))
            fail_msg("%s ARK -> ASK: %s",
                     sevirt_amd_generation_to_string(sev_gens[i]), error->message);
        /* no ASK verifies under another generation's ARK */
        for (guint j = 0; j < G_N_ELEMENTS(sev_gens); j++) {
            g_autoptr(SevirtAmdCert) other = NULL;

            if (j == i)
                continue;
            assert_true(sevirt_amd_roots_sev_get(sev_gens[j], &other, NULL, &error));
            assert_false(sevirt_amd_cert_verify(other, ask, &error));
            g_clear_error(&error);
        }
    }
}

static void
test_sev_roots_missing(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtAmdCert) ark = NULL;
    g_autoptr(GError) error = NULL;

    /* no published SEV-format Genoa roots are built in (SNP ones are) */
    assert_false(sevirt_amd_roots_sev_get(SEVIRT_AMD_GEN_GENOA, &ark, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "for Genoa processors");
    assert_null(ark);
    assert_false(sevirt_amd_roots_sev_get(SEVIRT_AMD_GEN_UNKNOWN, &ark, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "unknown processor generation");
}

static SevirtSevCert *
cek_of(const char *gen, gsize flip)
{
    g_autofree char *rel = g_strdup_printf("sev-certs/%s/cek.cert", gen);
    g_autoptr(GBytes) raw = vector_bytes(rel);
    g_autofree guint8 *data = g_memdup2(g_bytes_get_data(raw, NULL), g_bytes_get_size(raw));
    g_autoptr(GError) error = NULL;
    SevirtSevCert *cek;

    if (flip)
        data[flip] ^= 0x01;
    cek = sevirt_sev_cert_parse(data, g_bytes_get_size(raw), rel, &error);
    if (!cek)
        fail_msg("%s", error->message);
    return cek;
}

/* The generation follows from which built-in ASK signed the CEK. */
static void
test_sev_find_generation(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSevCert) naples = cek_of("naples", 0);
    g_autoptr(SevirtSevCert) rome = cek_of("rome", 0);
    /* a byte of the signed body (the public key) flipped */
    g_autoptr(SevirtSevCert) flipped = cek_of("rome", 0x100);
    g_auto(SevirtCertChain) minted = { 0 };
    g_autoptr(EVP_PKEY) pdh_key = NULL;

    assert_int_equal(sevirt_amd_roots_sev_find(naples), SEVIRT_AMD_GEN_NAPLES);
    assert_int_equal(sevirt_amd_roots_sev_find(rome), SEVIRT_AMD_GEN_ROME);
    assert_int_equal(sevirt_amd_roots_sev_find(flipped), SEVIRT_AMD_GEN_UNKNOWN);
    /* a chain minted under a root of its own has no AMD generation */
    sevirt_test_platform_load(&minted, &pdh_key);
    assert_int_equal(sevirt_amd_roots_sev_find(minted.cek), SEVIRT_AMD_GEN_UNKNOWN);
    assert_false(sevirt_amd_roots_sev_is_builtin(minted.ark));
    assert_false(sevirt_amd_roots_sev_is_builtin(minted.ask));
}

static void
read_platform(const char *gen, SevirtCertChain *chain, gsize pdh_flip)
{
    static const char *const names[] = { "pdh.cert", "pek.cert", "oca.cert", "cek.cert" };
    SevirtSevCert **certs[] = { &chain->pdh, &chain->pek, &chain->oca, &chain->cek };

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *rel = g_strdup_printf("sev-certs/%s/%s", gen, names[i]);
        g_autoptr(GBytes) raw = vector_bytes(rel);
        g_autofree guint8 *data = g_memdup2(g_bytes_get_data(raw, NULL), g_bytes_get_size(raw));
        g_autoptr(GError) error = NULL;

        if (i == 0 && pdh_flip)
            data[pdh_flip] ^= 0x01;
        *certs[i] = sevirt_sev_cert_parse(data, g_bytes_get_size(raw), rel, &error);
        if (!*certs[i])
            fail_msg("%s", error->message);
    }
}

/* AMD's real chains verify with no root given: the built-in one is found. */
static void
test_verify_chain_builtin(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *name;
        SevirtAmdGeneration gen;
    } chains[] = {
        { "naples", SEVIRT_AMD_GEN_NAPLES },
        { "rome", SEVIRT_AMD_GEN_ROME },
    };

    for (guint i = 0; i < G_N_ELEMENTS(chains); i++) {
        g_auto(SevirtCertChain) chain = { 0 };
        g_auto(SevirtCertChain) flipped = { 0 };
        g_autoptr(GError) error = NULL;
        SevirtAmdGeneration gen = SEVIRT_AMD_GEN_UNKNOWN;
        SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;
        gboolean amd_root = FALSE;

        read_platform(chains[i].name, &chain, 0);
        if (!sevirt_amd_roots_verify_chain(&chain, &gen, &amd_root, &failed, &error))
            fail_msg("%s: %s", chains[i].name, error->message);
        assert_int_equal(gen, chains[i].gen);
        assert_true(amd_root);
        assert_int_equal(failed, SEVIRT_CHAIN_LINK_COUNT);
        assert_true(sevirt_amd_roots_sev_is_builtin(chain.ark));
        assert_true(sevirt_amd_roots_sev_is_builtin(chain.ask));

        /* one flipped byte of the PDH's signed body (its API version) */
        read_platform(chains[i].name, &flipped, 5);
        assert_false(sevirt_amd_roots_verify_chain(&flipped, &gen, &amd_root, &failed, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "broken at PEK -> PDH");
        assert_int_equal(failed, SEVIRT_CHAIN_LINK_PEK_PDH);
    }
}

/* A chain under a root of its own verifies only when that root is given,
 * and is then reported as not AMD's. */
static void
test_verify_chain_other_root(void **state G_GNUC_UNUSED)
{
    g_auto(SevirtCertChain) minted = { 0 };
    g_autoptr(EVP_PKEY) pdh_key = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtAmdCert) ark = NULL;
    g_autoptr(SevirtAmdCert) ask = NULL;
    SevirtAmdGeneration gen = SEVIRT_AMD_GEN_ROME;
    SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;
    gboolean amd_root = TRUE;

    sevirt_test_platform_load(&minted, &pdh_key);
    ark = g_steal_pointer(&minted.ark);
    ask = g_steal_pointer(&minted.ask);
    /* no root given: the built-in ones, which did not sign its CEK */
    assert_false(sevirt_amd_roots_verify_chain(&minted, &gen, &amd_root, &failed, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "does not lead to an AMD root");
    assert_int_equal(failed, SEVIRT_CHAIN_LINK_ASK_CEK);
    assert_int_equal(gen, SEVIRT_AMD_GEN_UNKNOWN);
    assert_null(minted.ark);

    /* its own root named explicitly */
    minted.ark = sevirt_amd_cert_copy(ark);
    minted.ask = sevirt_amd_cert_copy(ask);
    failed = SEVIRT_CHAIN_LINK_COUNT;
    assert_true(sevirt_amd_roots_verify_chain(&minted, &gen, &amd_root, &failed, &error));
    g_assert_no_error(error);
    assert_false(amd_root);
    assert_int_equal(gen, SEVIRT_AMD_GEN_UNKNOWN);

    /* an ARK without its ASK */
    g_clear_pointer(&minted.ask, sevirt_amd_cert_free);
    assert_false(sevirt_amd_roots_verify_chain(&minted, NULL, NULL, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "an ARK goes with its ASK");
}

/* AMD's roots given explicitly are recognised as AMD's; another
 * generation's fail at ASK -> CEK. */
static void
test_verify_chain_given_amd_root(void **state G_GNUC_UNUSED)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_auto(SevirtCertChain) wrong = { 0 };
    g_autoptr(GError) error = NULL;
    SevirtAmdGeneration gen = SEVIRT_AMD_GEN_UNKNOWN;
    SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;
    gboolean amd_root = FALSE;

    read_platform("rome", &chain, 0);
    assert_true(sevirt_amd_roots_sev_get(SEVIRT_AMD_GEN_ROME, &chain.ark, &chain.ask, &error));
    assert_true(sevirt_amd_roots_verify_chain(&chain, &gen, &amd_root, &failed, &error));
    assert_int_equal(gen, SEVIRT_AMD_GEN_ROME);
    assert_true(amd_root);

    read_platform("rome", &wrong, 0);
    assert_true(sevirt_amd_roots_sev_get(SEVIRT_AMD_GEN_NAPLES, &wrong.ark, &wrong.ask, &error));
    assert_false(sevirt_amd_roots_verify_chain(&wrong, &gen, &amd_root, &failed, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "broken at ASK -> CEK");
    assert_int_equal(failed, SEVIRT_CHAIN_LINK_ASK_CEK);
    assert_int_equal(gen, SEVIRT_AMD_GEN_NAPLES);
    assert_true(amd_root);
}

/* sha256 of the DER and subject CN of each built-in SNP certificate, as
 * the published vectors list them (ARK, ASK, ASVK per generation). */
static const struct {
    SevirtAmdGeneration gen;
    SevirtAmdSnpCert which;
    const char *cn;
    const char *sha256;
} snp_expected[] = {
    { SEVIRT_AMD_GEN_MILAN, SEVIRT_AMD_SNP_ARK, "ARK-Milan",
      "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd" },
    { SEVIRT_AMD_GEN_MILAN, SEVIRT_AMD_SNP_ASK, "SEV-Milan",
      "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b" },
    { SEVIRT_AMD_GEN_MILAN, SEVIRT_AMD_SNP_ASVK, "SEV-VLEK-Milan",
      "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5" },
    { SEVIRT_AMD_GEN_GENOA, SEVIRT_AMD_SNP_ARK, "ARK-Genoa",
      "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1" },
    { SEVIRT_AMD_GEN_GENOA, SEVIRT_AMD_SNP_ASK, "SEV-Genoa",
      "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521" },
    { SEVIRT_AMD_GEN_GENOA, SEVIRT_AMD_SNP_ASVK, "SEV-VLEK-Genoa",
      "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372" },
    { SEVIRT_AMD_GEN_TURIN, SEVIRT_AMD_SNP_ARK, "ARK-Turin",
      "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a" },
    { SEVIRT_AMD_GEN_TURIN, SEVIRT_AMD_SNP_ASK, "SEV-Turin",
      "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185" },
    { SEVIRT_AMD_GEN_TURIN, SEVIRT_AMD_SNP_ASVK, "SEV-VLEK-Turin",
      "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c" },
};

static char *
subject_cn(X509 *cert)
{
    char cn[64] = "";

    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
    return g_strdup(cn);
}

static void
test_snp_roots_are_published(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(snp_expected); i++) {
        gsize len = 0;
        const guint8 *der = sevirt_amd_roots_snp_get_der(snp_expected[i].gen,
                                                         snp_expected[i].which, &len);
        g_autofree char *sum = NULL;
        g_autofree char *cn = NULL;
        g_autoptr(X509) cert = NULL;
        g_autoptr(GError) error = NULL;

        assert_non_null(der);
        sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, der, len);
        assert_string_equal(sum, snp_expected[i].sha256);
        cert = sevirt_amd_roots_snp_get(snp_expected[i].gen, snp_expected[i].which, &error);
        assert_non_null(cert);
        cn = subject_cn(cert);
        assert_string_equal(cn, snp_expected[i].cn);
    }
}

static gboolean
x509_signed_by(X509 *cert, X509 *issuer)
{
    gboolean ok = X509_verify(cert, X509_get0_pubkey(issuer)) == 1;

    ERR_clear_error();
    return ok;
}

static void
test_snp_roots_chain(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(snp_gens); i++) {
        g_autoptr(X509) ark = sevirt_amd_roots_snp_get(snp_gens[i], SEVIRT_AMD_SNP_ARK, NULL);
        g_autoptr(X509) ask = sevirt_amd_roots_snp_get(snp_gens[i], SEVIRT_AMD_SNP_ASK, NULL);
        g_autoptr(X509) asvk = sevirt_amd_roots_snp_get(snp_gens[i], SEVIRT_AMD_SNP_ASVK, NULL);

        assert_non_null(ark);
        assert_non_null(ask);
        assert_non_null(asvk);
        assert_true(x509_signed_by(ark, ark));
        assert_true(x509_signed_by(ask, ark));
        assert_true(x509_signed_by(asvk, ark));
        /* an ASK never verifies under another product's ARK */
        for (guint j = 0; j < G_N_ELEMENTS(snp_gens); j++) {
            g_autoptr(X509) other = NULL;

            if (j == i)
                continue;
            other = sevirt_amd_roots_snp_get(snp_gens[j], SEVIRT_AMD_SNP_ARK, NULL);
            assert_false(x509_signed_by(ask, other));
            assert_false(x509_signed_by(asvk, other));
        }
    }
}

static void
test_snp_roots_missing(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    gsize len = 1;

    /* SEV-SNP starts with Milan */
    assert_null(sevirt_amd_roots_snp_get_der(SEVIRT_AMD_GEN_ROME, SEVIRT_AMD_SNP_ARK, &len));
    assert_int_equal(len, 0);
    assert_null(sevirt_amd_roots_snp_get(SEVIRT_AMD_GEN_NAPLES, SEVIRT_AMD_SNP_ASK, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "SEV-SNP");
    assert_null(sevirt_amd_roots_snp_get_der(SEVIRT_AMD_GEN_MILAN, 7, &len));
}

static X509 *
x509_of(const char *rel, gsize flip)
{
    g_autoptr(GBytes) raw = vector_bytes(rel);
    g_autofree guint8 *data = g_memdup2(g_bytes_get_data(raw, NULL), g_bytes_get_size(raw));
    const unsigned char *p = data;
    X509 *cert;

    if (flip)
        data[flip] ^= 0x01;
    cert = d2i_X509(NULL, &p, (long) g_bytes_get_size(raw));
    assert_non_null(cert);
    return cert;
}

static void
test_snp_find_generation(void **state G_GNUC_UNUSED)
{
    g_autoptr(X509) vcek = x509_of("snp/vcek-milan.der", 0);
    g_autoptr(X509) vlek = x509_of("snp/vlek-milan.der", 0);
    /* byte 0x100 lies in the signed body (the subject), not in the DER framing */
    g_autoptr(X509) flipped = x509_of("snp/vcek-milan.der", 0x100);
    g_autoptr(X509) ask = sevirt_amd_roots_snp_get(SEVIRT_AMD_GEN_GENOA, SEVIRT_AMD_SNP_ASK, NULL);
    SevirtAmdSnpCert which = SEVIRT_AMD_SNP_ARK;

    assert_int_equal(sevirt_amd_roots_snp_find(vcek, &which), SEVIRT_AMD_GEN_MILAN);
    assert_int_equal(which, SEVIRT_AMD_SNP_ASK);
    assert_int_equal(sevirt_amd_roots_snp_find(vlek, &which), SEVIRT_AMD_GEN_MILAN);
    assert_int_equal(which, SEVIRT_AMD_SNP_ASVK);
    assert_int_equal(sevirt_amd_roots_snp_find(flipped, NULL), SEVIRT_AMD_GEN_UNKNOWN);
    /* an ASK is issued by an ARK, not by an ASK or ASVK */
    assert_int_equal(sevirt_amd_roots_snp_find(ask, NULL), SEVIRT_AMD_GEN_UNKNOWN);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generation_names),
        cmocka_unit_test(test_sev_roots_are_published),
        cmocka_unit_test(test_sev_roots_chain),
        cmocka_unit_test(test_sev_roots_missing),
        cmocka_unit_test(test_sev_find_generation),
        cmocka_unit_test(test_verify_chain_builtin),
        cmocka_unit_test(test_verify_chain_other_root),
        cmocka_unit_test(test_verify_chain_given_amd_root),
        cmocka_unit_test(test_snp_roots_are_published),
        cmocka_unit_test(test_snp_roots_chain),
        cmocka_unit_test(test_snp_roots_missing),
        cmocka_unit_test(test_snp_find_generation),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, NULL, NULL));
}
