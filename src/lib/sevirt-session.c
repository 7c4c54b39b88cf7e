/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest owner's launch session: ECDH with the PDH, KDF, wrapping of TEK/TIK.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-cert-private.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-session-private.h"

struct _SevirtSession {
    SevirtSevCert *godh;
    SevirtSessionBlob blob;
    SevirtSecret *tek;
    SevirtSecret *tik;
};

gboolean
sevirt_session_check_pdh(const SevirtSevCert *pdh, const char *what, GError **error)
{
    guint32 usage = sevirt_sev_cert_get_usage(pdh);
    guint32 algo = sevirt_sev_cert_get_algo(pdh);
    guint32 curve = sevirt_sev_cert_get_curve(pdh);

    if (usage != SEVIRT_CERT_USAGE_PDH) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has usage %s (0x%x), not PDH (0x1003)"),
                    what, sevirt_cert_usage_to_string(usage), usage);
        return FALSE;
    }
    if (algo != SEVIRT_CERT_ALGO_ECDH_SHA256 && algo != SEVIRT_CERT_ALGO_ECDH_SHA384) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("PDH certificate '%s' has a %s key, not an ECDH key"),
                    what, sevirt_cert_algo_to_string(algo));
        return FALSE;
    }
    if (curve != SEVIRT_CERT_CURVE_P384) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("PDH certificate '%s' uses curve %s, not P-384"),
                    what, curve == SEVIRT_CERT_CURVE_P256 ? "P-256" : "?");
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_kdf(const guint8 *key, gsize key_len, const char *label,
           const guint8 *context, gsize context_len,
           guint8 *out, gsize out_len, GError **error)
{
    static const guint8 zero = 0;
    guint8 bits_le[4];
    gsize done = 0;

    sevirt_put_le32(bits_le, (guint32) (out_len * 8));
    for (guint32 i = 1; done < out_len; i++) {
        guint8 counter_le[4];
        guint8 block[SEVIRT_SHA256_LEN];
        SevirtBuf parts[] = {
            { counter_le, sizeof(counter_le) },
            { label, strlen(label) },
            { &zero, 1 },
            { context, context ? context_len : 0 },
            { bits_le, sizeof(bits_le) },
        };
        gsize n = MIN(out_len - done, sizeof(block));

        sevirt_put_le32(counter_le, i);
        if (!sevirt_hmac_sha256(key, key_len, parts, G_N_ELEMENTS(parts), block, error))
            return FALSE;
        memcpy(out + done, block, n);
        sevirt_cleanse(block, sizeof(block));
        done += n;
    }
    return TRUE;
}

gboolean
sevirt_session_derive_keys(const guint8 *shared, gsize shared_len,
                           const guint8 nonce[SEVIRT_KEY_SIZE], SevirtSecret **kek,
                           SevirtSecret **kik, GError **error)
{
    g_autoptr(SevirtSecret) master = sevirt_secret_new(SEVIRT_SESSION_KEY_SIZE);
    g_autoptr(SevirtSecret) k_e = sevirt_secret_new(SEVIRT_SESSION_KEY_SIZE);
    g_autoptr(SevirtSecret) k_i = sevirt_secret_new(SEVIRT_SESSION_KEY_SIZE);

    if (!sevirt_kdf(shared, shared_len, "sev-master-secret", nonce, SEVIRT_KEY_SIZE,
                    master->data, master->len, error) ||
        !sevirt_kdf(master->data, master->len, "sev-kek", NULL, 0,
                    k_e->data, k_e->len, error) ||
        !sevirt_kdf(master->data, master->len, "sev-kik", NULL, 0,
                    k_i->data, k_i->len, error))
        return FALSE;
    *kek = g_steal_pointer(&k_e);
    *kik = g_steal_pointer(&k_i);
    return TRUE;
}

gboolean
sevirt_policy_mac(const SevirtSecret *tik, guint32 policy, guint8 mac[SEVIRT_MAC_SIZE],
                  GError **error)
{
    guint8 policy_le[4];
    SevirtBuf part = { policy_le, sizeof(policy_le) };

    sevirt_put_le32(policy_le, policy);
    return sevirt_hmac_sha256(tik->data, tik->len, &part, 1, mac, error);
}

gboolean
sevirt_session_wrap(const SevirtSecret *kek, const SevirtSecret *kik,
                    const SevirtSecret *tek, const SevirtSecret *tik,
                    guint32 policy, SevirtSessionBlob *blob, GError **error)
{
    g_autoptr(SevirtSecret) tk = sevirt_secret_new(2 * SEVIRT_SESSION_KEY_SIZE);
    SevirtBuf wrapped = { blob->wrap_tk, sizeof(blob->wrap_tk) };

    if (kek->len != SEVIRT_SESSION_KEY_SIZE || kik->len != SEVIRT_SESSION_KEY_SIZE ||
        tek->len != SEVIRT_SESSION_KEY_SIZE || tik->len != SEVIRT_SESSION_KEY_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Session keys must be %d bytes"), SEVIRT_SESSION_KEY_SIZE);
        return FALSE;
    }
    memcpy(tk->data, tek->data, SEVIRT_SESSION_KEY_SIZE);
    memcpy(tk->data + SEVIRT_SESSION_KEY_SIZE, tik->data, SEVIRT_SESSION_KEY_SIZE);
    return sevirt_aes128_ctr(kek->data, blob->wrap_iv, tk->data, tk->len,
                             blob->wrap_tk, error) &&
           sevirt_hmac_sha256(kik->data, kik->len, &wrapped, 1, blob->wrap_mac, error) &&
           sevirt_policy_mac(tik, policy, blob->policy_mac, error);
}

SevirtSecret *
sevirt_ecdh_shared_secret(EVP_PKEY *own, EVP_PKEY *peer, GError **error)
{
    g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL);
    g_autoptr(SevirtSecret) z = NULL;
    size_t len = 0;

    if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 ||
        EVP_PKEY_derive_set_peer(ctx, peer) <= 0 ||
        EVP_PKEY_derive(ctx, NULL, &len) <= 0)
        goto fail;
    z = sevirt_secret_new(len);
    if (EVP_PKEY_derive(ctx, z->data, &len) <= 0)
        goto fail;
    z->len = len;
    return g_steal_pointer(&z);

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_INVALID, _("ECDH key agreement failed"));
    return NULL;
}

SevirtSession *
sevirt_session_new(const SevirtSevCert *pdh, guint32 policy, GError **error)
{
    g_autoptr(SevirtSession) session = g_new0(SevirtSession, 1);
    g_autoptr(EVP_PKEY) own = NULL;
    g_autoptr(EVP_PKEY) peer = NULL;
    g_autoptr(SevirtSecret) z = NULL;
    g_autoptr(SevirtSecret) kek = NULL;
    g_autoptr(SevirtSecret) kik = NULL;

    if (!sevirt_session_check_pdh(pdh, "PDH", error))
        return NULL;
    session->tek = sevirt_secret_new(SEVIRT_SESSION_KEY_SIZE);
    session->tik = sevirt_secret_new(SEVIRT_SESSION_KEY_SIZE);
    peer = sevirt_sev_cert_get_public_key(pdh);
    if (!(own = sevirt_key_generate_p384(error)) ||
        !(session->godh = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_PDH, 0, 0, own, error)) ||
        !(z = sevirt_ecdh_shared_secret(own, peer, error)) ||
        !sevirt_random_bytes(session->blob.nonce, sizeof(session->blob.nonce), error) ||
        !sevirt_random_bytes(session->blob.wrap_iv, sizeof(session->blob.wrap_iv), error) ||
        !sevirt_random_bytes(session->tek->data, session->tek->len, error) ||
        !sevirt_random_bytes(session->tik->data, session->tik->len, error) ||
        !sevirt_session_derive_keys(z->data, z->len, session->blob.nonce, &kek, &kik, error) ||
        !sevirt_session_wrap(kek, kik, session->tek, session->tik, policy,
                             &session->blob, error))
        return NULL;
    return g_steal_pointer(&session);
}

void
sevirt_session_free(SevirtSession *session)
{
    if (!session)
        return;
    sevirt_sev_cert_free(session->godh);
    sevirt_secret_free(session->tek);
    sevirt_secret_free(session->tik);
    g_free(session);
}

const SevirtSevCert *
sevirt_session_get_godh(const SevirtSession *session)
{
    return session->godh;
}

const SevirtSessionBlob *
sevirt_session_get_blob(const SevirtSession *session)
{
    return &session->blob;
}

const SevirtSecret *
sevirt_session_get_tek(const SevirtSession *session)
{
    return session->tek;
}

const SevirtSecret *
sevirt_session_get_tik(const SevirtSession *session)
{
    return session->tik;
}
