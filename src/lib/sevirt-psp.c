/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PSP's side of LAUNCH_START and LAUNCH_SECRET, in software.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-psp.h"
#include "sevirt-session-private.h"

G_DEFINE_QUARK(sevirt-psp-error-quark, sevirt_psp_error)

SevirtFwStatus
sevirt_psp_error_fw_status(const GError *error)
{
    if (!error)
        return SEVIRT_FW_SUCCESS;
    if (error->domain != SEVIRT_PSP_ERROR)
        return SEVIRT_FW_INVALID_PARAM;
    switch ((SevirtPspError) error->code) {
    case SEVIRT_PSP_ERROR_LENGTH:
        return SEVIRT_FW_INVALID_LENGTH;
    case SEVIRT_PSP_ERROR_CERTIFICATE:
        return SEVIRT_FW_INVALID_CERTIFICATE;
    case SEVIRT_PSP_ERROR_WRAP_MAC:
    case SEVIRT_PSP_ERROR_POLICY_MAC:
    case SEVIRT_PSP_ERROR_SECRET_MAC:
        return SEVIRT_FW_BAD_MEASUREMENT;
    case SEVIRT_PSP_ERROR_SECRET_FLAGS:
    case SEVIRT_PSP_ERROR_FAILED:
        break;
    }
    return SEVIRT_FW_INVALID_PARAM;
}

/* Re-files an error from the shared helpers under the PSP domain. */
static gboolean
psp_fail(GError **error, GError *local, SevirtPspError code, const char *what)
{
    g_set_error(error, SEVIRT_PSP_ERROR, code, "%s: %s", what, local->message);
    g_error_free(local);
    return FALSE;
}

/* The owner's key from the GODH certificate: an ECDH P-384 PDH-usage key. */
static EVP_PKEY *
godh_public_key(const guint8 *godh, gsize godh_len, GError **error)
{
    g_autoptr(SevirtSevCert) cert = NULL;
    GError *local = NULL;

    if (godh_len != SEVIRT_SEV_CERT_SIZE) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_LENGTH,
                    _("The guest owner's DH certificate has %" G_GSIZE_FORMAT " bytes, expected %d"),
                    godh_len, SEVIRT_SEV_CERT_SIZE);
        return NULL;
    }
    cert = sevirt_sev_cert_parse(godh, godh_len, "dhCert", &local);
    if (!cert || !sevirt_session_check_pdh(cert, "dhCert", &local)) {
        psp_fail(error, local, SEVIRT_PSP_ERROR_CERTIFICATE,
                 _("Invalid guest owner DH certificate"));
        return NULL;
    }
    return sevirt_sev_cert_get_public_key(cert);
}

gboolean
sevirt_psp_unwrap_session(EVP_PKEY *pdh_key,
                          const guint8 *godh, gsize godh_len,
                          const guint8 *session, gsize session_len,
                          guint32 policy, SevirtSecret **tek, SevirtSecret **tik,
                          GError **error)
{
    g_autoptr(EVP_PKEY) peer = NULL;
    g_autoptr(SevirtSecret) z = NULL;
    g_autoptr(SevirtSecret) kek = NULL;
    g_autoptr(SevirtSecret) kik = NULL;
    g_autoptr(SevirtSecret) tk = sevirt_secret_new(2 * SEVIRT_SESSION_KEY_SIZE);
    g_autoptr(SevirtSecret) k_e = NULL;
    g_autoptr(SevirtSecret) k_i = NULL;
    SevirtSessionBlob blob;
    SevirtBuf wrapped = { blob.wrap_tk, sizeof(blob.wrap_tk) };
    guint8 mac[SEVIRT_MAC_SIZE];
    GError *local = NULL;

    if (session_len != sizeof(blob)) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_LENGTH,
                    _("The session blob has %" G_GSIZE_FORMAT " bytes, expected %d"),
                    session_len, SEVIRT_SESSION_BLOB_SIZE);
        return FALSE;
    }
    memcpy(&blob, session, sizeof(blob));
    if (!(peer = godh_public_key(godh, godh_len, error)))
        return FALSE;
    if (!(z = sevirt_ecdh_shared_secret(pdh_key, peer, &local)) ||
        !sevirt_session_derive_keys(z->data, z->len, blob.nonce, &kek, &kik, &local) ||
        !sevirt_hmac_sha256(kik->data, kik->len, &wrapped, 1, mac, &local))
        return psp_fail(error, local, SEVIRT_PSP_ERROR_FAILED, _("LAUNCH_START failed"));

    if (!sevirt_memeq_const(mac, blob.wrap_mac, sizeof(mac))) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_WRAP_MAC,
                    _("The session's wrapped keys fail their integrity check (made for another platform's PDH, or altered)"));
        return FALSE;
    }
    if (!sevirt_aes128_ctr(kek->data, blob.wrap_iv, blob.wrap_tk, sizeof(blob.wrap_tk),
                           tk->data, &local))
        return psp_fail(error, local, SEVIRT_PSP_ERROR_FAILED, _("LAUNCH_START failed"));
    k_e = sevirt_secret_new_from(tk->data, SEVIRT_SESSION_KEY_SIZE);
    k_i = sevirt_secret_new_from(tk->data + SEVIRT_SESSION_KEY_SIZE, SEVIRT_SESSION_KEY_SIZE);

    if (!sevirt_policy_mac(k_i, policy, mac, &local))
        return psp_fail(error, local, SEVIRT_PSP_ERROR_FAILED, _("LAUNCH_START failed"));
    if (!sevirt_memeq_const(mac, blob.policy_mac, sizeof(mac))) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_POLICY_MAC,
                    _("The session was made for another guest policy than 0x%x"), policy);
        return FALSE;
    }
    *tek = g_steal_pointer(&k_e);
    *tik = g_steal_pointer(&k_i);
    return TRUE;
}

SevirtSecret *
sevirt_psp_open_secret(const SevirtSecret *tek, const SevirtSecret *tik,
                       const guint8 measure[SEVIRT_MEASURE_SIZE],
                       const guint8 *header, gsize header_len,
                       const guint8 *payload, gsize payload_len,
                       GError **error)
{
    SevirtSecretHeader hdr;
    g_autoptr(SevirtSecret) plain = NULL;
    guint8 mac[SEVIRT_MAC_SIZE];
    GError *local = NULL;

    if (tek->len != SEVIRT_SESSION_KEY_SIZE || tik->len != SEVIRT_SESSION_KEY_SIZE ||
        header_len != sizeof(hdr) || payload_len == 0 ||
        payload_len > SEVIRT_SECRET_PACKET_MAX) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_LENGTH,
                    _("Bad secret packet: header of %" G_GSIZE_FORMAT " bytes (expected %d), payload of %" G_GSIZE_FORMAT " bytes, or keys of the wrong size"),
                    header_len, (int) sizeof(hdr), payload_len);
        return NULL;
    }
    memcpy(&hdr, header, sizeof(hdr));
    if (sevirt_le32(hdr.flags) != 0) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_SECRET_FLAGS,
                    _("Bad secret packet: flags 0x%x are not supported"), sevirt_le32(hdr.flags));
        return NULL;
    }
    if (!sevirt_secret_header_mac(tik, &hdr, payload, payload_len, measure, mac, &local)) {
        psp_fail(error, local, SEVIRT_PSP_ERROR_FAILED, _("LAUNCH_SECRET failed"));
        return NULL;
    }
    if (!sevirt_memeq_const(mac, hdr.mac, sizeof(mac))) {
        g_set_error(error, SEVIRT_PSP_ERROR, SEVIRT_PSP_ERROR_SECRET_MAC,
                    _("Bad secret packet: its MAC does not match (another TIK or measurement, or altered)"));
        return NULL;
    }
    plain = sevirt_secret_new(payload_len);
    if (!sevirt_aes128_ctr(tek->data, hdr.iv, payload, payload_len, plain->data, &local)) {
        psp_fail(error, local, SEVIRT_PSP_ERROR_FAILED, _("LAUNCH_SECRET failed"));
        return NULL;
    }
    return g_steal_pointer(&plain);
}
