/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch session: KDF and wrapping vectors, the PDH checks, and round
 * trips through the software PSP (sevirt-psp) holding the PDH private key of
 * the committed test platform (tests/data/test-only-keys: the chain's
 * generation is test-cert's business), including every way LAUNCH_START
 * must refuse a session.
 */
#include <config.h>

#include <string.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-crypto-private.h"
#include "sevirt-psp.h"
#include "sevirt-session-private.h"

static void
unhex(const char *hex, guint8 *out, gsize len)
{
    assert_int_equal(strlen(hex), 2 * len);
    for (gsize i = 0; i < len; i++)
        out[i] = (g_ascii_xdigit_value(hex[2 * i]) << 4) | g_ascii_xdigit_value(hex[2 * i + 1]);
}

static void
test_kdf_and_wrap_vectors(void **state G_GNUC_UNUSED)
{
    static const guint8 zero[16] = { 0 };
    g_autoptr(SevirtSecret) kek = NULL;
    g_autoptr(SevirtSecret) kik = NULL;
    g_autoptr(SevirtSecret) tek = sevirt_secret_new(16);
    g_autoptr(SevirtSecret) tik = sevirt_secret_new(16);
    g_autoptr(GError) error = NULL;
    SevirtSessionBlob blob = { { 0 } };
    guint8 master[16], want[32];

    assert_true(sevirt_kdf(zero, 16, "sev-master-secret", zero, 16, master, 16, &error));
    unhex("ab4d269fcc62bedb4511d56c386ce706", want, 16);
    assert_memory_equal(master, want, 16);

    assert_true(sevirt_session_derive_keys(zero, 16, zero, &kek, &kik, &error));
    assert_true(sevirt_session_wrap(kek, kik, tek, tik, 0, &blob, &error));
    unhex("2137bc7f9bb8bd7c3e55a576a15d3454b3856b8ba27afadf46dcfee9f02c02c4", want, 32);
    assert_memory_equal(blob.wrap_tk, want, 32);
    unhex("3176c0752738bd9d5e86689534020f528c088f16238826b000b327dee6aeed7d", want, 32);
    assert_memory_equal(blob.wrap_mac, want, 32);
    unhex("aa7855e13839dd767cd5da7c1ff5036540c9264b7a803029315e55375287b4af", want, 32);
    assert_memory_equal(blob.policy_mac, want, 32);

    /* longer outputs take more than one HMAC block and stay a prefix-free stream */
    {
        guint8 long_out[40], short_out[32];

        assert_true(sevirt_kdf(zero, 16, "sev-kek", NULL, 0, long_out, 40, &error));
        assert_true(sevirt_kdf(zero, 16, "sev-kek", NULL, 0, short_out, 32, &error));
        /* the length is part of each block, so the outputs differ */
        assert_memory_not_equal(long_out, short_out, 32);
    }

    tek->len = 15;
    assert_false(sevirt_session_wrap(kek, kik, tek, tik, 0, &blob, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "16 bytes");
    tek->len = 16;
}

static SevirtSevCert *
vector_cert(const char *gen, const char *name)
{
    g_autofree char *rel = g_build_filename("sev-certs", gen, name, NULL);
    g_autofree char *path = sevirt_test_vector(rel);
    g_autoptr(GError) error = NULL;
    SevirtSevCert *cert = sevirt_sev_cert_read(path, &error);

    if (!cert)
        fail_msg("%s", error->message);
    return cert;
}

static void
test_check_pdh(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSevCert) pdh = vector_cert("rome", "pdh.cert");
    g_autoptr(SevirtSevCert) pek = vector_cert("rome", "pek.cert");
    g_autoptr(SevirtSevCert) p256 = NULL;
    g_autoptr(SevirtSevCert) ecdsa_pdh = NULL;
    g_autoptr(EVP_PKEY) key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    g_autoptr(GError) error = NULL;
    guint8 raw[SEVIRT_SEV_CERT_SIZE];
    guint8 x[72] = { 0 }, y[72] = { 0 };

    assert_true(sevirt_session_check_pdh(pdh, "pdh.cert", &error));
    assert_false(sevirt_session_check_pdh(pek, "pek.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "Certificate 'pek.cert' has usage PEK (0x1002), not PDH (0x1003)");

    /* a PDH-usage certificate with an ECDSA key */
    memcpy(raw, sevirt_sev_cert_get_data(pdh), sizeof(raw));
    sevirt_put_le32(raw + 0x0C, SEVIRT_CERT_ALGO_ECDSA_SHA256);
    ecdsa_pdh = sevirt_sev_cert_parse(raw, sizeof(raw), "ecdsa.cert", &error);
    assert_non_null(ecdsa_pdh);
    assert_false(sevirt_session_check_pdh(ecdsa_pdh, "ecdsa.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "ECDSA-SHA256 key, not an ECDH key");

    /* a PDH on P-256 */
    assert_true(sevirt_ec_key_to_le(key, x, y, 32, &error));
    memset(raw + 0x10, 0, 0x404);
    sevirt_put_le32(raw + 0x0C, SEVIRT_CERT_ALGO_ECDH_SHA256);
    sevirt_put_le32(raw + 0x10, SEVIRT_CERT_CURVE_P256);
    memcpy(raw + 0x14, x, 72);
    memcpy(raw + 0x14 + 72, y, 72);
    p256 = sevirt_sev_cert_parse(raw, sizeof(raw), "p256.cert", &error);
    assert_non_null(p256);
    assert_false(sevirt_session_check_pdh(p256, "p256.cert", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "curve P-256, not P-384");
    /* and sevirt_session_new() refuses it too */
    assert_null(sevirt_session_new(p256, 0x33, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "not P-384");
}

typedef struct {
    SevirtCertChain chain;
    EVP_PKEY *pdh_key;
} Platform;

static int
platform_setup(void **state)
{
    Platform *p = g_new0(Platform, 1);

    sevirt_test_platform_load(&p->chain, &p->pdh_key);
    *state = p;
    return 0;
}

static int
platform_teardown(void **state)
{
    Platform *p = *state;

    sevirt_cert_chain_clear(&p->chain);
    EVP_PKEY_free(p->pdh_key);
    g_free(p);
    return 0;
}

static void
test_session_round_trip(void **state)
{
    Platform *p = *state;
    g_autoptr(SevirtSession) session = NULL;
    g_autoptr(SevirtSecret) tek = NULL;
    g_autoptr(SevirtSecret) tik = NULL;
    g_autoptr(GError) error = NULL;
    const SevirtSevCert *godh;
    const SevirtSessionBlob *blob;

    session = sevirt_session_new(p->chain.pdh, 0x33, &error);
    assert_non_null(session);
    godh = sevirt_session_get_godh(session);
    blob = sevirt_session_get_blob(session);
    assert_int_equal(sevirt_sev_cert_get_usage(godh), SEVIRT_CERT_USAGE_PDH);
    assert_int_equal(sevirt_sev_cert_get_algo(godh), SEVIRT_CERT_ALGO_ECDH_SHA256);
    assert_int_equal(sevirt_sev_cert_get_curve(godh), SEVIRT_CERT_CURVE_P384);
    assert_int_equal(sevirt_session_get_tek(session)->len, 16);

    if (!sevirt_psp_unwrap_session(p->pdh_key, sevirt_sev_cert_get_data(godh),
                                   SEVIRT_SEV_CERT_SIZE, (const guint8 *) blob,
                                   sizeof(*blob), 0x33, &tek, &tik, &error))
        fail_msg("%s", error->message);
    assert_memory_equal(tek->data, sevirt_session_get_tek(session)->data, 16);
    assert_memory_equal(tik->data, sevirt_session_get_tik(session)->data, 16);

    /* two sessions never share keys, nonce or IV */
    {
        g_autoptr(SevirtSession) other = sevirt_session_new(p->chain.pdh, 0x33, &error);
        const SevirtSessionBlob *other_blob;

        assert_non_null(other);
        other_blob = sevirt_session_get_blob(other);
        assert_memory_not_equal(sevirt_session_get_tek(other)->data,
                                sevirt_session_get_tek(session)->data, 16);
        assert_memory_not_equal(other_blob->nonce, blob->nonce, 16);
        assert_memory_not_equal(other_blob->wrap_iv, blob->wrap_iv, 16);
    }
}

/* Unwraps a (tampered) session and expects @code. */
static void
expect_refused(EVP_PKEY *pdh_key, const guint8 *godh, gsize godh_len,
               const SevirtSessionBlob *blob, gsize blob_len, guint32 policy,
               SevirtPspError code, SevirtFwStatus status)
{
    g_autoptr(SevirtSecret) tek = NULL;
    g_autoptr(SevirtSecret) tik = NULL;
    g_autoptr(GError) error = NULL;

    assert_false(sevirt_psp_unwrap_session(pdh_key, godh, godh_len, (const guint8 *) blob,
                                           blob_len, policy, &tek, &tik, &error));
    assert_null(tek);
    assert_null(tik);
    assert_non_null(error);
    if (error->domain != SEVIRT_PSP_ERROR || error->code != (int) code)
        fail_msg("expected PSP error %d, got %s", code, error->message);
    assert_int_equal(sevirt_psp_error_fw_status(error), status);
}

static void
test_session_refusals(void **state)
{
    Platform *p = *state;
    g_autoptr(SevirtSession) session = sevirt_session_new(p->chain.pdh, 0x5, NULL);
    g_autoptr(EVP_PKEY) other_key = sevirt_key_generate_p384(NULL);
    g_autoptr(SevirtSevCert) pek = vector_cert("rome", "pek.cert");
    guint8 godh[SEVIRT_SEV_CERT_SIZE];
    SevirtSessionBlob blob;

    assert_non_null(session);
    memcpy(godh, sevirt_sev_cert_get_data(sevirt_session_get_godh(session)), sizeof(godh));
    blob = *sevirt_session_get_blob(session);

    /* another platform's PDH key: the wrapping MAC fails */
    expect_refused(other_key, godh, sizeof(godh), &blob, sizeof(blob), 0x5,
                   SEVIRT_PSP_ERROR_WRAP_MAC, SEVIRT_FW_BAD_MEASUREMENT);
    /* a session made for another policy */
    expect_refused(p->pdh_key, godh, sizeof(godh), &blob, sizeof(blob), 0x7,
                   SEVIRT_PSP_ERROR_POLICY_MAC, SEVIRT_FW_BAD_MEASUREMENT);
    /* tampered fields of the blob */
    for (gsize off = 0; off < 96; off += 7) {
        SevirtSessionBlob bad = blob;
        /* the wrap MAC covers nonce (via KIK) and wrapped keys, not the IV:
         * a changed IV unwraps a wrong TIK, caught by the policy MAC */
        gboolean iv = off >= G_STRUCT_OFFSET(SevirtSessionBlob, wrap_iv) &&
                      off < G_STRUCT_OFFSET(SevirtSessionBlob, wrap_mac);

        ((guint8 *) &bad)[off] ^= 0x80;
        expect_refused(p->pdh_key, godh, sizeof(godh), &bad, sizeof(bad), 0x5,
                       iv ? SEVIRT_PSP_ERROR_POLICY_MAC : SEVIRT_PSP_ERROR_WRAP_MAC,
                       SEVIRT_FW_BAD_MEASUREMENT);
    }
    {
        SevirtSessionBlob bad = blob;

        bad.policy_mac[5] ^= 1;
        expect_refused(p->pdh_key, godh, sizeof(godh), &bad, sizeof(bad), 0x5,
                       SEVIRT_PSP_ERROR_POLICY_MAC, SEVIRT_FW_BAD_MEASUREMENT);
    }
    /* the owner's key moved off the curve, or not a PDH at all */
    godh[0x14] ^= 1;
    expect_refused(p->pdh_key, godh, sizeof(godh), &blob, sizeof(blob), 0x5,
                   SEVIRT_PSP_ERROR_CERTIFICATE, SEVIRT_FW_INVALID_CERTIFICATE);
    godh[0x14] ^= 1;
    expect_refused(p->pdh_key, sevirt_sev_cert_get_data(pek), SEVIRT_SEV_CERT_SIZE,
                   &blob, sizeof(blob), 0x5,
                   SEVIRT_PSP_ERROR_CERTIFICATE, SEVIRT_FW_INVALID_CERTIFICATE);
    /* wrong lengths */
    expect_refused(p->pdh_key, godh, sizeof(godh) - 1, &blob, sizeof(blob), 0x5,
                   SEVIRT_PSP_ERROR_LENGTH, SEVIRT_FW_INVALID_LENGTH);
    expect_refused(p->pdh_key, godh, sizeof(godh), &blob, sizeof(blob) - 1, 0x5,
                   SEVIRT_PSP_ERROR_LENGTH, SEVIRT_FW_INVALID_LENGTH);
    /* untouched, it still works */
    {
        g_autoptr(SevirtSecret) tek = NULL;
        g_autoptr(SevirtSecret) tik = NULL;

        assert_true(sevirt_psp_unwrap_session(p->pdh_key, godh, sizeof(godh),
                                              (const guint8 *) &blob, sizeof(blob), 0x5,
                                              &tek, &tik, NULL));
    }
}

/* A session for a real platform's PDH (the published Naples one) builds fine. */
static void
test_session_for_published_pdh(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSevCert) pdh = vector_cert("naples", "pdh.cert");
    g_autoptr(SevirtSession) session = NULL;
    g_autoptr(GError) error = NULL;

    session = sevirt_session_new(pdh, 0x1, &error);
    assert_non_null(session);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kdf_and_wrap_vectors),
        cmocka_unit_test(test_check_pdh),
        cmocka_unit_test(test_session_for_published_pdh),
        cmocka_unit_test_setup_teardown(test_session_round_trip, platform_setup, platform_teardown),
        cmocka_unit_test_setup_teardown(test_session_refusals, platform_setup, platform_teardown),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, NULL, NULL));
}
