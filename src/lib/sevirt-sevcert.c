/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV certificates (0x824 bytes: CEK, OCA, PEK, PDH, the owner's GODH):
 * parse, read, create unsigned, verify, accessors.  Layout in
 * sevirt-cert-private.h.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-cert-private.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-util.h"

const char *
sevirt_cert_usage_to_string(guint32 usage)
{
    switch (usage) {
    case SEVIRT_CERT_USAGE_ARK: return "ARK";
    case SEVIRT_CERT_USAGE_ASK: return "ASK";
    case SEVIRT_CERT_USAGE_NONE: return "none";
    case SEVIRT_CERT_USAGE_OCA: return "OCA";
    case SEVIRT_CERT_USAGE_PEK: return "PEK";
    case SEVIRT_CERT_USAGE_PDH: return "PDH";
    case SEVIRT_CERT_USAGE_CEK: return "CEK";
    }
    return NULL;
}

const char *
sevirt_cert_algo_to_string(guint32 algo)
{
    switch (algo) {
    case SEVIRT_CERT_ALGO_NONE: return "none";
    case SEVIRT_CERT_ALGO_RSA_SHA256: return "RSA-SHA256";
    case SEVIRT_CERT_ALGO_ECDSA_SHA256: return "ECDSA-SHA256";
    case SEVIRT_CERT_ALGO_ECDH_SHA256: return "ECDH-SHA256";
    case SEVIRT_CERT_ALGO_RSA_SHA384: return "RSA-SHA384";
    case SEVIRT_CERT_ALGO_ECDSA_SHA384: return "ECDSA-SHA384";
    case SEVIRT_CERT_ALGO_ECDH_SHA384: return "ECDH-SHA384";
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Keys */

EVP_PKEY *
sevirt_key_generate_p384(GError **error)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");

    if (!key)
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot generate a P-384 key"));
    return key;
}

/* ---------------------------------------------------------------------- */
/* SEV certificates */

static EVP_PKEY *
sev_cert_load_key(const guint8 *data, const char *what, GError **error)
{
    guint32 algo = sevirt_le32(data + SEV_OFF_ALGO);
    const guint8 *pk = data + SEV_OFF_PUBKEY;
    g_autoptr(GError) local = NULL;
    EVP_PKEY *key = NULL;

    if (algo_is_ec(algo)) {
        guint32 curve = sevirt_le32(pk + SEV_EC_OFF_CURVE);
        gsize size = 0;
        const char *group = curve_group(curve, &size);

        if (!group) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' has an unknown elliptic curve %u"), what, curve);
            return NULL;
        }
        key = sevirt_ec_key_from_le(group, pk + SEV_EC_OFF_QX, pk + SEV_EC_OFF_QY,
                                    size, &local);
    } else if (algo_is_rsa(algo)) {
        guint32 bits = sevirt_le32(pk + SEV_RSA_OFF_BITS);

        if (bits != 2048 && bits != 4096) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' has an RSA key of unsupported size %u"), what, bits);
            return NULL;
        }
        key = sevirt_rsa_key_from_le(pk + SEV_RSA_OFF_MOD, bits / 8,
                                     pk + SEV_RSA_OFF_EXP, bits / 8, &local);
    } else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has an unknown key algorithm 0x%x"), what, algo);
        return NULL;
    }
    if (!key)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' holds an invalid public key: %s"), what, local->message);
    return key;
}

static gboolean
sev_cert_check_header(const guint8 *data, const char *what, GError **error)
{
    guint32 version = sevirt_le32(data + SEV_OFF_VERSION);
    guint32 usage = sevirt_le32(data + SEV_OFF_USAGE);

    if (version != 1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has version %u, expected 1"), what, version);
        return FALSE;
    }
    if (!usage_is_sev_cert(usage)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has usage 0x%x, which no SEV certificate has"),
                    what, usage);
        return FALSE;
    }
    for (guint slot = 0; slot < 2; slot++) {
        const guint8 *sig = data + SEV_OFF_SIG(slot);
        guint32 sig_usage = sevirt_le32(sig + SEV_SIG_OFF_USAGE);
        guint32 sig_algo = sevirt_le32(sig + SEV_SIG_OFF_ALGO);

        if (sig_usage == SEVIRT_CERT_USAGE_NONE)
            continue;
        if (!sevirt_cert_usage_to_string(sig_usage) || sig_usage == SEVIRT_CERT_USAGE_PDH ||
            !(algo_is_rsa(sig_algo) || algo_is_ecdsa(sig_algo))) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' has an invalid signature %u (usage 0x%x, algorithm 0x%x)"),
                        what, slot + 1, sig_usage, sig_algo);
            return FALSE;
        }
    }
    return TRUE;
}

SevirtSevCert *
sevirt_sev_cert_parse(const guint8 *data, gsize len, const char *what, GError **error)
{
    g_autoptr(SevirtSevCert) cert = NULL;

    if (len != SEVIRT_SEV_CERT_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has %" G_GSIZE_FORMAT " bytes, an SEV certificate has %d"),
                    what, len, SEVIRT_SEV_CERT_SIZE);
        return NULL;
    }
    if (!sev_cert_check_header(data, what, error))
        return NULL;
    cert = g_new0(SevirtSevCert, 1);
    memcpy(cert->data, data, SEVIRT_SEV_CERT_SIZE);
    cert->key = sev_cert_load_key(cert->data, what, error);
    if (!cert->key)
        return NULL;
    return g_steal_pointer(&cert);
}

/* TRUE when @data is non-empty text made only of base64 characters and spaces. */
static gboolean
looks_like_base64(const guint8 *data, gsize len)
{
    gsize n = 0;

    for (gsize i = 0; i < len; i++) {
        if (g_ascii_isspace(data[i]))
            continue;
        if (!g_ascii_isalnum(data[i]) && data[i] != '+' && data[i] != '/' && data[i] != '=')
            return FALSE;
        n++;
    }
    return n > 0;
}

guint8 *
sevirt_cert_read_raw_or_base64(const char *path, gsize expect_len, const char *kind,
                               gsize *len, GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autofree char *text = NULL;
    g_autofree char *what = NULL;
    gsize n = 0;

    data = sevirt_file_read(path, CERT_FILE_MAX, &n, error);
    if (!data)
        return NULL;
    if (n == expect_len) {
        *len = n;
        return g_steal_pointer(&data);
    }
    if (!looks_like_base64(data, n)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("File '%s' has %" G_GSIZE_FORMAT " bytes, expected %s of %" G_GSIZE_FORMAT " bytes (raw or base64)"),
                    path, n, kind, expect_len);
        return NULL;
    }
    text = g_strndup((const char *) data, n);
    what = g_strdup_printf(_("File '%s'"), path);
    return sevirt_base64_decode_strict(what, text, expect_len, len, error);
}

SevirtSevCert *
sevirt_sev_cert_read(const char *path, GError **error)
{
    g_autofree guint8 *data = NULL;
    gsize len = 0;

    data = sevirt_cert_read_raw_or_base64(path, SEVIRT_SEV_CERT_SIZE, _("an SEV certificate"), &len, error);
    if (!data)
        return NULL;
    return sevirt_sev_cert_parse(data, len, path, error);
}

SevirtSevCert *
sevirt_sev_cert_new(SevirtCertUsage usage, guint8 api_major, guint8 api_minor,
                    EVP_PKEY *key, GError **error)
{
    g_autoptr(SevirtSevCert) cert = g_new0(SevirtSevCert, 1);
    guint8 *pk = cert->data + SEV_OFF_PUBKEY;
    guint32 algo;

    if (!usage_is_sev_cert(usage)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Usage 0x%x is not the usage of an SEV certificate"), usage);
        return NULL;
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        g_autofree char *group = sevirt_ec_key_group(key);

        if (g_strcmp0(group, "secp384r1") != 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV certificates need a P-384 key, not %s"), group ? group : "?");
            return NULL;
        }
        algo = usage == SEVIRT_CERT_USAGE_PDH ? SEVIRT_CERT_ALGO_ECDH_SHA256
                                              : SEVIRT_CERT_ALGO_ECDSA_SHA256;
        sevirt_put_le32(pk + SEV_EC_OFF_CURVE, SEVIRT_CERT_CURVE_P384);
        if (!sevirt_ec_key_to_le(key, pk + SEV_EC_OFF_QX, pk + SEV_EC_OFF_QY,
                                 SEV_EC_COORD_LEN, error))
            return NULL;
    } else if (EVP_PKEY_is_a(key, "RSA") && usage != SEVIRT_CERT_USAGE_PDH) {
        int bits = EVP_PKEY_get_bits(key);

        if (bits != 2048 && bits != 4096) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV certificates take 2048- or 4096-bit RSA keys, not %d-bit"), bits);
            return NULL;
        }
        algo = bits == 4096 ? SEVIRT_CERT_ALGO_RSA_SHA384 : SEVIRT_CERT_ALGO_RSA_SHA256;
        sevirt_put_le32(pk + SEV_RSA_OFF_BITS, bits);
        if (!sevirt_rsa_key_to_le(key, pk + SEV_RSA_OFF_MOD, pk + SEV_RSA_OFF_EXP,
                                  bits / 8, error))
            return NULL;
    } else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Unsupported key type for an SEV %s certificate"),
                    sevirt_cert_usage_to_string(usage));
        return NULL;
    }

    sevirt_put_le32(cert->data + SEV_OFF_VERSION, 1);
    cert->data[SEV_OFF_API_MAJOR] = api_major;
    cert->data[SEV_OFF_API_MINOR] = api_minor;
    sevirt_put_le32(cert->data + SEV_OFF_USAGE, usage);
    sevirt_put_le32(cert->data + SEV_OFF_ALGO, algo);
    for (guint slot = 0; slot < 2; slot++) {
        sevirt_put_le32(cert->data + SEV_OFF_SIG(slot) + SEV_SIG_OFF_USAGE, SEVIRT_CERT_USAGE_NONE);
        sevirt_put_le32(cert->data + SEV_OFF_SIG(slot) + SEV_SIG_OFF_ALGO, SEVIRT_CERT_ALGO_NONE);
    }
    cert->key = sev_cert_load_key(cert->data, "new", error);
    if (!cert->key)
        return NULL;
    return g_steal_pointer(&cert);
}

/* Verifies one signature slot of an SEV certificate with @key. */
static gboolean
verify_slot(EVP_PKEY *key, const guint8 *body, const guint8 *slot, GError **error)
{
    guint32 algo = sevirt_le32(slot + SEV_SIG_OFF_ALGO);
    const guint8 *bytes = slot + SEV_SIG_OFF_BYTES;

    if (EVP_PKEY_is_a(key, "EC") && algo_is_ecdsa(algo)) {
        g_autoptr(ECDSA_SIG) es = ECDSA_SIG_new();
        BIGNUM *r = BN_lebin2bn(bytes + SEV_ECDSA_OFF_R, SEV_EC_COORD_LEN, NULL);
        BIGNUM *s = BN_lebin2bn(bytes + SEV_ECDSA_OFF_S, SEV_EC_COORD_LEN, NULL);
        g_autofree guint8 *der = NULL;
        guint8 *p = NULL;
        int der_len;

        if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
            BN_free(r);
            BN_free(s);
            sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode an ECDSA signature"));
            return FALSE;
        }
        der_len = i2d_ECDSA_SIG(es, &p);
        if (der_len <= 0) {
            sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode an ECDSA signature"));
            return FALSE;
        }
        der = g_memdup2(p, der_len);
        OPENSSL_free(p);
        return sevirt_verify(key, algo_digest(algo), body, SEV_BODY_LEN, der, der_len, error);
    }
    if (EVP_PKEY_is_a(key, "RSA") && algo_is_rsa(algo)) {
        gsize n = EVP_PKEY_get_size(key);
        g_autofree guint8 *sig = g_malloc(n);

        if (n > SEV_SIG_BYTES_LEN)
            n = SEV_SIG_BYTES_LEN;
        copy_reversed(sig, bytes, n);
        return sevirt_verify(key, algo_digest(algo), body, SEV_BODY_LEN, sig, n, error);
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("signature algorithm %s does not match the signer's key"),
                sevirt_cert_algo_to_string(algo) ? sevirt_cert_algo_to_string(algo) : "?");
    return FALSE;
}

gboolean
sevirt_sev_cert_verify_signed_by(EVP_PKEY *key, guint32 usage,
                                 const SevirtSevCert *subject, GError **error)
{
    g_autoptr(GError) first = NULL;

    for (guint slot = 0; slot < 2; slot++) {
        const guint8 *sig = subject->data + SEV_OFF_SIG(slot);
        g_autoptr(GError) local = NULL;

        if (sevirt_le32(sig + SEV_SIG_OFF_USAGE) != usage)
            continue;
        if (verify_slot(key, subject->data, sig, &local))
            return TRUE;
        if (!first)
            first = g_steal_pointer(&local);
    }
    if (first) {
        g_propagate_error(error, g_steal_pointer(&first));
        return FALSE;
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("no signature slot for the %s"), sevirt_cert_usage_to_string(usage));
    return FALSE;
}

gboolean
sevirt_sev_cert_verify(const SevirtSevCert *issuer, const SevirtSevCert *subject,
                       GError **error)
{
    guint32 algo = sevirt_sev_cert_get_algo(issuer);

    if (!algo_is_ecdsa(algo) && !algo_is_rsa(algo)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("the %s key (%s) cannot sign"),
                    sevirt_cert_usage_to_string(sevirt_sev_cert_get_usage(issuer)),
                    sevirt_cert_algo_to_string(algo));
        return FALSE;
    }
    return sevirt_sev_cert_verify_signed_by(issuer->key, sevirt_sev_cert_get_usage(issuer), subject, error);
}

void
sevirt_sev_cert_free(SevirtSevCert *cert)
{
    if (!cert)
        return;
    EVP_PKEY_free(cert->key);
    g_free(cert);
}

SevirtSevCert *
sevirt_sev_cert_copy(const SevirtSevCert *cert)
{
    SevirtSevCert *copy = g_new0(SevirtSevCert, 1);

    memcpy(copy->data, cert->data, SEVIRT_SEV_CERT_SIZE);
    EVP_PKEY_up_ref(cert->key);
    copy->key = cert->key;
    return copy;
}

const guint8 *
sevirt_sev_cert_get_data(const SevirtSevCert *cert)
{
    return cert->data;
}

SevirtCertUsage
sevirt_sev_cert_get_usage(const SevirtSevCert *cert)
{
    return sevirt_le32(cert->data + SEV_OFF_USAGE);
}

SevirtCertAlgo
sevirt_sev_cert_get_algo(const SevirtSevCert *cert)
{
    return sevirt_le32(cert->data + SEV_OFF_ALGO);
}

guint32
sevirt_sev_cert_get_curve(const SevirtSevCert *cert)
{
    if (!algo_is_ec(sevirt_sev_cert_get_algo(cert)))
        return 0;
    return sevirt_le32(cert->data + SEV_OFF_PUBKEY + SEV_EC_OFF_CURVE);
}

void
sevirt_sev_cert_get_api_version(const SevirtSevCert *cert, guint8 *major, guint8 *minor)
{
    *major = cert->data[SEV_OFF_API_MAJOR];
    *minor = cert->data[SEV_OFF_API_MINOR];
}

EVP_PKEY *
sevirt_sev_cert_get_public_key(const SevirtSevCert *cert)
{
    EVP_PKEY_up_ref(cert->key);
    return cert->key;
}
