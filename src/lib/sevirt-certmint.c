/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minting certificates for an emulated SEV platform: RSA keys, signing SEV
 * and AMD certificates, generating a whole chain, private keys as PEM.
 * Part of the platform convenience library (src/emu and the tests), not of
 * the installed libsevirt: a guest owner only ever verifies.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include "sevirt-cert-private.h"
#include "sevirt-certmint.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-util.h"

EVP_PKEY *
sevirt_key_generate_rsa(guint bits, GError **error)
{
    EVP_PKEY *key;

    if (bits != 2048 && bits != 4096) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("RSA keys of AMD certificates have 2048 or 4096 bits, not %u"), bits);
        return NULL;
    }
    key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) bits);
    if (!key)
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot generate an RSA key"));
    return key;
}

SevirtSecret *
sevirt_key_to_pem(EVP_PKEY *key, GError **error)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    SevirtSecret *pem = NULL;
    char *p = NULL;
    long len;

    if (!bio || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot serialise a private key"));
    } else {
        len = BIO_get_mem_data(bio, &p);
        pem = sevirt_secret_new_from((const guint8 *) p, len);
    }
    BIO_free(bio);
    return pem;
}

EVP_PKEY *
sevirt_key_from_pem(const guint8 *pem, gsize len, const char *what, GError **error)
{
    BIO *bio = BIO_new_mem_buf(pem, (int) MIN(len, (gsize) G_MAXINT));
    EVP_PKEY *key = NULL;

    if (bio)
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!key)
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID,
                            _("'%s' does not hold a PEM private key"), what);
    return key;
}

/* Writes a signature made by @signer over @body into a 512-byte slot area. */
static gboolean
sign_into_slot(EVP_PKEY *signer, const EVP_MD *md, const guint8 *body, gsize body_len,
               guint8 out[SEV_SIG_BYTES_LEN], GError **error)
{
    g_autofree guint8 *sig = NULL;
    gsize sig_len = 0;

    sig = sevirt_sign(signer, md, body, body_len, &sig_len, error);
    if (!sig)
        return FALSE;
    memset(out, 0, SEV_SIG_BYTES_LEN);
    if (EVP_PKEY_is_a(signer, "EC")) {
        const guint8 *p = sig;
        g_autoptr(ECDSA_SIG) es = d2i_ECDSA_SIG(NULL, &p, sig_len);

        if (!es ||
            BN_bn2lebinpad(ECDSA_SIG_get0_r(es), out + SEV_ECDSA_OFF_R, SEV_EC_COORD_LEN) < 0 ||
            BN_bn2lebinpad(ECDSA_SIG_get0_s(es), out + SEV_ECDSA_OFF_S, SEV_EC_COORD_LEN) < 0) {
            sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode an ECDSA signature"));
            return FALSE;
        }
    } else {
        if (sig_len > SEV_SIG_BYTES_LEN) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("RSA signature too long (%" G_GSIZE_FORMAT " bytes)"), sig_len);
            return FALSE;
        }
        copy_reversed(out, sig, sig_len);
    }
    return TRUE;
}

/* The digest an RSA or EC signing key uses for SEV signatures. */
static guint32
signer_algo(EVP_PKEY *signer)
{
    if (EVP_PKEY_is_a(signer, "EC"))
        return SEVIRT_CERT_ALGO_ECDSA_SHA256;
    if (EVP_PKEY_is_a(signer, "RSA"))
        return EVP_PKEY_get_bits(signer) >= 4096 ? SEVIRT_CERT_ALGO_RSA_SHA384
                                                 : SEVIRT_CERT_ALGO_RSA_SHA256;
    return SEVIRT_CERT_ALGO_NONE;
}

gboolean
sevirt_sev_cert_sign(SevirtSevCert *cert, guint slot, SevirtCertUsage signer_usage,
                     EVP_PKEY *signer, GError **error)
{
    guint8 *sig = cert->data + SEV_OFF_SIG(slot);
    guint32 algo = signer_algo(signer);

    if (slot > 1 || algo == SEVIRT_CERT_ALGO_NONE ||
        signer_usage == SEVIRT_CERT_USAGE_PDH || signer_usage == SEVIRT_CERT_USAGE_NONE ||
        !sevirt_cert_usage_to_string(signer_usage)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Invalid signature slot %u, signer usage 0x%x or signing key"),
                    slot, signer_usage);
        return FALSE;
    }
    if (!sign_into_slot(signer, algo_digest(algo), cert->data, SEV_BODY_LEN,
                        sig + SEV_SIG_OFF_BYTES, error))
        return FALSE;
    sevirt_put_le32(sig + SEV_SIG_OFF_USAGE, signer_usage);
    sevirt_put_le32(sig + SEV_SIG_OFF_ALGO, algo);
    return TRUE;
}

SevirtAmdCert *
sevirt_amd_cert_new(SevirtCertUsage usage,
                    const guint8 key_id[SEVIRT_AMD_KEY_ID_SIZE],
                    const guint8 certifying_id[SEVIRT_AMD_KEY_ID_SIZE],
                    EVP_PKEY *key, GError **error)
{
    g_autoptr(SevirtAmdCert) cert = NULL;
    int bits = EVP_PKEY_is_a(key, "RSA") ? EVP_PKEY_get_bits(key) : 0;

    if ((usage != SEVIRT_CERT_USAGE_ARK && usage != SEVIRT_CERT_USAGE_ASK) ||
        (bits != 2048 && bits != 4096)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("AMD certificates are ARK or ASK certificates with 2048- or 4096-bit RSA keys"));
        return NULL;
    }
    cert = g_new0(SevirtAmdCert, 1);
    cert->exp_len = cert->mod_len = bits / 8;
    cert->len = AMD_OFF_EXP + 3 * cert->mod_len;
    cert->data = g_malloc0(cert->len);
    sevirt_put_le32(cert->data + AMD_OFF_VERSION, 1);
    memcpy(cert->data + AMD_OFF_KEY_ID, key_id, SEVIRT_AMD_KEY_ID_SIZE);
    memcpy(cert->data + AMD_OFF_CERT_ID, certifying_id, SEVIRT_AMD_KEY_ID_SIZE);
    sevirt_put_le32(cert->data + AMD_OFF_USAGE, usage);
    sevirt_put_le32(cert->data + AMD_OFF_EXP_BITS, bits);
    sevirt_put_le32(cert->data + AMD_OFF_MOD_BITS, bits);
    if (!sevirt_rsa_key_to_le(key, cert->data + AMD_OFF_EXP + cert->exp_len,
                              cert->data + AMD_OFF_EXP, cert->mod_len, error))
        return NULL;
    cert->key = sevirt_rsa_key_from_le(cert->data + AMD_OFF_EXP + cert->exp_len, cert->mod_len,
                                       cert->data + AMD_OFF_EXP, cert->exp_len, error);
    if (!cert->key)
        return NULL;
    return g_steal_pointer(&cert);
}

gboolean
sevirt_amd_cert_sign(SevirtAmdCert *cert, EVP_PKEY *signer, GError **error)
{
    g_autofree guint8 *sig = NULL;
    gsize sig_len = 0;
    guint8 *out = cert->data + amd_body_len(cert);

    if (!EVP_PKEY_is_a(signer, "RSA") ||
        (gsize) EVP_PKEY_get_size(signer) != cert->mod_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("An AMD certificate is signed by an RSA key of its own size"));
        return FALSE;
    }
    sig = sevirt_sign(signer, rsa_digest_for_bits(cert->mod_len * 8), cert->data,
                      amd_body_len(cert), &sig_len, error);
    if (!sig)
        return FALSE;
    memset(out, 0, cert->mod_len);
    copy_reversed(out, sig, MIN(sig_len, cert->mod_len));
    return TRUE;
}

gboolean
sevirt_cert_chain_generate(SevirtCertChain *chain, EVP_PKEY **pdh_key,
                           guint8 api_major, guint8 api_minor, guint rsa_bits,
                           GError **error)
{
    g_auto(SevirtCertChain) c = { 0 };
    g_autoptr(EVP_PKEY) ark_key = NULL;
    g_autoptr(EVP_PKEY) ask_key = NULL;
    g_autoptr(EVP_PKEY) cek_key = NULL;
    g_autoptr(EVP_PKEY) oca_key = NULL;
    g_autoptr(EVP_PKEY) pek_key = NULL;
    g_autoptr(EVP_PKEY) pdh = NULL;
    guint8 ark_id[SEVIRT_AMD_KEY_ID_SIZE];
    guint8 ask_id[SEVIRT_AMD_KEY_ID_SIZE];

    if (!sevirt_random_bytes(ark_id, sizeof(ark_id), error) ||
        !sevirt_random_bytes(ask_id, sizeof(ask_id), error) ||
        !(ark_key = sevirt_key_generate_rsa(rsa_bits, error)) ||
        !(ask_key = sevirt_key_generate_rsa(rsa_bits, error)) ||
        !(cek_key = sevirt_key_generate_p384(error)) ||
        !(oca_key = sevirt_key_generate_p384(error)) ||
        !(pek_key = sevirt_key_generate_p384(error)) ||
        !(pdh = sevirt_key_generate_p384(error)))
        return FALSE;

    if (!(c.ark = sevirt_amd_cert_new(SEVIRT_CERT_USAGE_ARK, ark_id, ark_id, ark_key, error)) ||
        !sevirt_amd_cert_sign(c.ark, ark_key, error) ||
        !(c.ask = sevirt_amd_cert_new(SEVIRT_CERT_USAGE_ASK, ask_id, ark_id, ask_key, error)) ||
        !sevirt_amd_cert_sign(c.ask, ark_key, error) ||
        !(c.cek = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_CEK, api_major, api_minor, cek_key, error)) ||
        !sevirt_sev_cert_sign(c.cek, 0, SEVIRT_CERT_USAGE_ASK, ask_key, error) ||
        !(c.oca = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_OCA, api_major, api_minor, oca_key, error)) ||
        !sevirt_sev_cert_sign(c.oca, 0, SEVIRT_CERT_USAGE_OCA, oca_key, error) ||
        !(c.pek = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_PEK, api_major, api_minor, pek_key, error)) ||
        !sevirt_sev_cert_sign(c.pek, 0, SEVIRT_CERT_USAGE_OCA, oca_key, error) ||
        !sevirt_sev_cert_sign(c.pek, 1, SEVIRT_CERT_USAGE_CEK, cek_key, error) ||
        !(c.pdh = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_PDH, api_major, api_minor, pdh, error)) ||
        !sevirt_sev_cert_sign(c.pdh, 0, SEVIRT_CERT_USAGE_PEK, pek_key, error))
        return FALSE;

    sevirt_cert_chain_clear(chain);
    *chain = c;
    memset(&c, 0, sizeof(c));
    *pdh_key = g_steal_pointer(&pdh);
    return TRUE;
}
