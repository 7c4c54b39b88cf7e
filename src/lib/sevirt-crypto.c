/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OpenSSL 3 helpers for the attestation modules; see sevirt-crypto-private.h.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"

void
sevirt_crypto_error(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *ours = NULL;
    unsigned long err = ERR_get_error();

    va_start(ap, fmt);
    ours = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (err) {
        char buf[256];

        ERR_error_string_n(err, buf, sizeof(buf));
        g_set_error(error, SEVIRT_ERROR, code, "%s: %s", ours, buf);
    } else {
        g_set_error_literal(error, SEVIRT_ERROR, code, ours);
    }
    ERR_clear_error();
}

gboolean
sevirt_random_bytes(guint8 *buf, gsize len, GError **error)
{
    if (RAND_priv_bytes(buf, len) != 1) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot generate random bytes"));
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_hmac_sha256(const guint8 *key, gsize key_len,
                   const SevirtBuf *parts, gsize n_parts,
                   guint8 out[SEVIRT_SHA256_LEN], GError **error)
{
    g_autoptr(EVP_MAC) mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    g_autoptr(EVP_MAC_CTX) ctx = NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) "SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    gsize out_len = 0;

    if (!mac || !(ctx = EVP_MAC_CTX_new(mac)) ||
        !EVP_MAC_init(ctx, key, key_len, params))
        goto fail;
    for (gsize i = 0; i < n_parts; i++) {
        if (parts[i].len && !EVP_MAC_update(ctx, parts[i].data, parts[i].len))
            goto fail;
    }
    if (!EVP_MAC_final(ctx, out, &out_len, SEVIRT_SHA256_LEN) ||
        out_len != SEVIRT_SHA256_LEN)
        goto fail;
    return TRUE;

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("HMAC-SHA256 failed"));
    return FALSE;
}

gboolean
sevirt_aes128_ctr(const guint8 key[SEVIRT_KEY_SIZE], const guint8 iv[SEVIRT_KEY_SIZE],
                  const guint8 *in, gsize len, guint8 *out, GError **error)
{
    g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    int fin = 0;

    if (len > G_MAXINT) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("AES-128-CTR input is too large"));
        return FALSE;
    }
    if (!ctx ||
        !EVP_EncryptInit_ex2(ctx, EVP_aes_128_ctr(), key, iv, NULL) ||
        !EVP_EncryptUpdate(ctx, out, &n, in, (int) len) ||
        !EVP_EncryptFinal_ex(ctx, out + n, &fin)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("AES-128-CTR failed"));
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_memeq_const(const void *a, const void *b, gsize len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

gboolean
sevirt_digest(const EVP_MD *md, const SevirtBuf *parts, gsize n_parts,
              guint8 *out, GError **error)
{
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();

    if (!ctx || !EVP_DigestInit_ex2(ctx, md, NULL))
        goto fail;
    for (gsize i = 0; i < n_parts; i++) {
        if (parts[i].len && !EVP_DigestUpdate(ctx, parts[i].data, parts[i].len))
            goto fail;
    }
    if (!EVP_DigestFinal_ex(ctx, out, NULL))
        goto fail;
    return TRUE;

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot compute a digest"));
    return FALSE;
}

/* Builds a key of @type ("EC", "RSA") from public parameters. */
static EVP_PKEY *
sevirt_pkey_from_params(const char *type, OSSL_PARAM_BLD *bld, GError **error)
{
    g_autoptr(OSSL_PARAM) params = OSSL_PARAM_BLD_to_param(bld);
    g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    g_autoptr(EVP_PKEY_CTX) check = NULL;
    EVP_PKEY *key = NULL;

    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID, _("Invalid %s public key"), type);
        return NULL;
    }
    check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!check || EVP_PKEY_public_check(check) <= 0) {
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID, _("Invalid %s public key"), type);
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

EVP_PKEY *
sevirt_ec_key_from_le(const char *group, const guint8 *x, const guint8 *y,
                      gsize size, GError **error)
{
    g_autoptr(OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new();
    g_autofree guint8 *point = g_malloc(1 + 2 * size);

    /* SEC1 uncompressed point: 0x04 || X || Y, big-endian */
    point[0] = 0x04;
    for (gsize i = 0; i < size; i++) {
        point[1 + i] = x[size - 1 - i];
        point[1 + size + i] = y[size - 1 - i];
    }
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * size)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot build an EC key"));
        return NULL;
    }
    return sevirt_pkey_from_params("EC", bld, error);
}

/* Writes big number parameter @name of @key little-endian into @size bytes. */
static gboolean
sevirt_key_param_to_le(EVP_PKEY *key, const char *name, guint8 *out, gsize size,
                       GError **error)
{
    g_autoptr(BIGNUM) bn = NULL;

    if (!EVP_PKEY_get_bn_param(key, name, &bn) ||
        BN_bn2lebinpad(bn, out, size) < 0) {
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID,
                            _("Cannot read key parameter '%s'"), name);
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_ec_key_to_le(EVP_PKEY *key, guint8 *x, guint8 *y, gsize size, GError **error)
{
    return sevirt_key_param_to_le(key, OSSL_PKEY_PARAM_EC_PUB_X, x, size, error) &&
           sevirt_key_param_to_le(key, OSSL_PKEY_PARAM_EC_PUB_Y, y, size, error);
}

char *
sevirt_ec_key_group(EVP_PKEY *key)
{
    char name[64];
    size_t len = 0;

    if (!EVP_PKEY_is_a(key, "EC") ||
        !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                        name, sizeof(name), &len))
        return NULL;
    return g_strndup(name, len);
}

EVP_PKEY *
sevirt_rsa_key_from_le(const guint8 *n, gsize n_len, const guint8 *e, gsize e_len,
                       GError **error)
{
    g_autoptr(OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new();
    g_autoptr(BIGNUM) bn_n = BN_lebin2bn(n, n_len, NULL);
    g_autoptr(BIGNUM) bn_e = BN_lebin2bn(e, e_len, NULL);

    if (!bld || !bn_n || !bn_e ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot build an RSA key"));
        return NULL;
    }
    return sevirt_pkey_from_params("RSA", bld, error);
}

gboolean
sevirt_rsa_key_to_le(EVP_PKEY *key, guint8 *n, guint8 *e, gsize size, GError **error)
{
    return sevirt_key_param_to_le(key, OSSL_PKEY_PARAM_RSA_N, n, size, error) &&
           sevirt_key_param_to_le(key, OSSL_PKEY_PARAM_RSA_E, e, size, error);
}

/* RSA keys sign with RSASSA-PSS, salt as long as the digest (AMD's choice). */
static gboolean
sevirt_set_pss(EVP_PKEY *key, EVP_PKEY_CTX *pctx)
{
    if (!EVP_PKEY_is_a(key, "RSA"))
        return TRUE;
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
}

guint8 *
sevirt_sign(EVP_PKEY *key, const EVP_MD *md, const guint8 *data, gsize len,
            gsize *sig_len, GError **error)
{
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    g_autofree guint8 *sig = NULL;
    size_t slen = 0;

    if (!ctx || EVP_DigestSignInit_ex(ctx, &pctx, EVP_MD_get0_name(md), NULL, NULL, key, NULL) <= 0 ||
        !sevirt_set_pss(key, pctx) ||
        EVP_DigestSign(ctx, NULL, &slen, data, len) <= 0)
        goto fail;
    sig = g_malloc(slen);
    if (EVP_DigestSign(ctx, sig, &slen, data, len) <= 0)
        goto fail;
    *sig_len = slen;
    return g_steal_pointer(&sig);

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot sign"));
    return NULL;
}

gboolean
sevirt_verify(EVP_PKEY *key, const EVP_MD *md, const guint8 *data, gsize len,
              const guint8 *sig, gsize sig_len, GError **error)
{
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;

    if (!ctx || EVP_DigestVerifyInit_ex(ctx, &pctx, EVP_MD_get0_name(md), NULL, NULL, key, NULL) <= 0 ||
        !sevirt_set_pss(key, pctx)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot set up signature verification"));
        return FALSE;
    }
    if (EVP_DigestVerify(ctx, sig, sig_len, data, len) != 1) {
        /* A bad signature is a verdict, not a library failure. */
        ERR_clear_error();
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("signature does not verify"));
        return FALSE;
    }
    return TRUE;
}
