/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal OpenSSL 3 helpers shared by the attestation modules (and the
 * emulated platform, which links the convenience library): g_autoptr for the
 * OpenSSL types, HMAC-SHA256, AES-128-CTR, little-endian big numbers, and
 * building keys from the raw little-endian coordinates SEV structures hold.
 *
 * Only non-deprecated OpenSSL 3 interfaces are used (EVP_PKEY with
 * OSSL_PARAM, EVP_MAC, EVP_PKEY_derive); the build defines
 * OPENSSL_NO_DEPRECATED.
 */
#pragma once

#include <glib.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "sevirt-secretbuf.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MAC, EVP_MAC_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MAC_CTX, EVP_MAC_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BIGNUM, BN_clear_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ECDSA_SIG, ECDSA_SIG_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OSSL_PARAM, OSSL_PARAM_free)

/* One piece of a message fed to sevirt_hmac_sha256(). */
typedef struct {
    const void *data;
    gsize len;
} SevirtBuf;

#define SEVIRT_SHA256_LEN 32
#define SEVIRT_SHA384_LEN 48

/**
 * sevirt_crypto_error:
 * @code: SEVIRT_ERROR code
 *
 * Sets @error to sevirt's message followed by the first OpenSSL error on the
 * thread's queue (if any), then clears the queue so it never leaks into a
 * later, unrelated error.
 */
void sevirt_crypto_error(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/** Fills @buf from the OpenSSL CSPRNG. */
gboolean sevirt_random_bytes(guint8 *buf, gsize len, GError **error);

/**
 * sevirt_hmac_sha256:
 * @out: 32 bytes
 * @parts: the message, as @n_parts consecutive pieces
 */
gboolean sevirt_hmac_sha256(const guint8 *key, gsize key_len,
                            const SevirtBuf *parts, gsize n_parts,
                            guint8 out[SEVIRT_SHA256_LEN], GError **error);

/** AES-128-CTR with a 16-byte @key and @iv; @out may equal @in. */
gboolean sevirt_aes128_ctr(const guint8 key[SEVIRT_KEY_SIZE], const guint8 iv[SEVIRT_KEY_SIZE],
                           const guint8 *in, gsize len, guint8 *out,
                           GError **error);

/** Constant-time comparison: TRUE when the @len bytes are equal. */
gboolean sevirt_memeq_const(const void *a, const void *b, gsize len);

/** One-shot SHA-256 / SHA-384 of several pieces. */
gboolean sevirt_digest(const EVP_MD *md, const SevirtBuf *parts, gsize n_parts,
                       guint8 *out, GError **error);

/**
 * sevirt_ec_key_from_le:
 * @group: OpenSSL group name ("P-384")
 * @x: @size bytes, little-endian
 * @y: @size bytes, little-endian
 *
 * Builds a public EC key and checks that the point lies on the curve.
 */
EVP_PKEY *sevirt_ec_key_from_le(const char *group, const guint8 *x,
                                const guint8 *y, gsize size, GError **error);

/** Writes the affine coordinates of an EC key, little-endian, zero-padded to @size. */
gboolean sevirt_ec_key_to_le(EVP_PKEY *key, guint8 *x, guint8 *y, gsize size,
                             GError **error);

/** Name of the curve of an EC key ("P-384"), or NULL; g_free() it. */
char *sevirt_ec_key_group(EVP_PKEY *key);

/** Builds a public RSA key from a little-endian modulus and exponent. */
EVP_PKEY *sevirt_rsa_key_from_le(const guint8 *n, gsize n_len,
                                 const guint8 *e, gsize e_len, GError **error);

/** Writes the RSA modulus and exponent little-endian, zero-padded to @size each. */
gboolean sevirt_rsa_key_to_le(EVP_PKEY *key, guint8 *n, guint8 *e, gsize size,
                              GError **error);

/**
 * sevirt_sign / sevirt_verify:
 * @md: digest (EVP_sha256() / EVP_sha384())
 * @sig: for EC keys a DER ECDSA-Sig-Value, for RSA keys the big-endian
 *       RSASSA-PSS signature (salt length = digest length, as AMD uses)
 *
 * sevirt_verify() fails with SEVIRT_ERROR_VERIFY when the signature does
 * not match.
 */
guint8 *sevirt_sign(EVP_PKEY *key, const EVP_MD *md, const guint8 *data,
                    gsize len, gsize *sig_len, GError **error);
gboolean sevirt_verify(EVP_PKEY *key, const EVP_MD *md, const guint8 *data,
                       gsize len, const guint8 *sig, gsize sig_len,
                       GError **error);

/* Little-endian helpers for packed SEV structures. */
static inline guint32
sevirt_le32(const guint8 *p)
{
    return (guint32) p[0] | ((guint32) p[1] << 8) |
           ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint16
sevirt_le16(const guint8 *p)
{
    return (guint16) (p[0] | (p[1] << 8));
}

static inline void
sevirt_put_le16(guint8 *p, guint16 v)
{
    p[0] = v & 0xff;
    p[1] = v >> 8;
}

static inline void
sevirt_put_le32(guint8 *p, guint32 v)
{
    for (guint i = 0; i < 4; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}

static inline void
sevirt_put_le64(guint8 *p, guint64 v)
{
    for (guint i = 0; i < 8; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}

G_END_DECLS
