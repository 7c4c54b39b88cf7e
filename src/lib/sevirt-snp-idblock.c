/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP ID block and ID authentication information (SEV-SNP ABI,
 * SNP_LAUNCH_FINISH), signed with OpenSSL 3 EVP.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(BIO, BIO_free)

/* ID auth layout */
#define AUTH_ID_KEY_ALGO    0x000
#define AUTH_AUTH_KEY_ALGO  0x004
#define AUTH_ID_BLOCK_SIG   0x040
#define AUTH_ID_KEY         0x240
#define AUTH_ID_KEY_SIG     0x680
#define AUTH_AUTHOR_KEY     0x880
#define ALGO_ECDSA_P384_SHA384 1
/* SEV public key: u32 curve, then QX and QY in 72-byte fields */
#define CURVE_P384          2
#define COORD_FIELD         72
#define P384_LEN            48

struct _SevirtSnpIdKey {
    EVP_PKEY *pkey;
};

void
sevirt_snp_id_block_build(const SevirtSnpIdBlockParams *p, guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE])
{
    memcpy(block, p->ld, 48);
    memcpy(block + 0x30, p->family_id, 16);
    memcpy(block + 0x40, p->image_id, 16);
    sevirt_put_le32(block + 0x50, p->version);
    sevirt_put_le32(block + 0x54, p->guest_svn);
    sevirt_put_le64(block + 0x58, p->policy);
}

void
sevirt_snp_id_key_free(SevirtSnpIdKey *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    g_free(key);
}

static gboolean
is_p384(EVP_PKEY *pkey)
{
    g_autofree char *group = sevirt_ec_key_group(pkey);

    return g_strcmp0(group, "P-384") == 0 || g_strcmp0(group, "secp384r1") == 0;
}

SevirtSnpIdKey *
sevirt_snp_id_key_read(const char *path, gboolean allow_insecure, GError **error)
{
    g_autoptr(SevirtSecret) pem = sevirt_file_read_secret(path, 0, allow_insecure, error);
    g_autoptr(BIO) bio = NULL;
    SevirtSnpIdKey *key;
    EVP_PKEY *pkey;

    if (!pem)
        return NULL;
    bio = BIO_new_mem_buf(pem->data, pem->len);
    pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    if (!pkey || !is_p384(pkey)) {
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' is not a PEM ECDSA P-384 private key"), path);
        return NULL;
    }
    key = g_new0(SevirtSnpIdKey, 1);
    key->pkey = pkey;
    return key;
}

gboolean
sevirt_snp_id_key_public(const SevirtSnpIdKey *key, guint8 pub[SEVIRT_SNP_PUBKEY_SIZE],
                         GError **error)
{
    memset(pub, 0, SEVIRT_SNP_PUBKEY_SIZE);
    sevirt_put_le32(pub, CURVE_P384);
    return sevirt_ec_key_to_le(key->pkey, pub + 4, pub + 4 + COORD_FIELD, COORD_FIELD, error);
}

gboolean
sevirt_snp_id_key_digest(const SevirtSnpIdKey *key, guint8 digest[SEVIRT_SNP_KEY_DIGEST_SIZE],
                         GError **error)
{
    guint8 pub[SEVIRT_SNP_PUBKEY_SIZE];
    SevirtBuf part = { pub, sizeof(pub) };

    return sevirt_snp_id_key_public(key, pub, error) &&
           sevirt_digest(EVP_sha384(), &part, 1, digest, error);
}

/* Signs @data and writes R, S little-endian into a SEV signature. */
static gboolean
sign_sev(EVP_PKEY *pkey, const guint8 *data, gsize len, guint8 sig[SEVIRT_SNP_SIGNATURE_SIZE],
         GError **error)
{
    g_autofree guint8 *der = NULL;
    g_autoptr(ECDSA_SIG) esig = NULL;
    const unsigned char *p;
    const BIGNUM *r, *s;
    gsize der_len = 0;

    der = sevirt_sign(pkey, EVP_sha384(), data, len, &der_len, error);
    if (!der)
        return FALSE;
    p = der;
    esig = d2i_ECDSA_SIG(NULL, &p, der_len);
    memset(sig, 0, SEVIRT_SNP_SIGNATURE_SIZE);
    if (!esig)
        goto fail;
    ECDSA_SIG_get0(esig, &r, &s);
    if (BN_bn2lebinpad(r, sig, COORD_FIELD) < 0 ||
        BN_bn2lebinpad(s, sig + COORD_FIELD, COORD_FIELD) < 0)
        goto fail;
    return TRUE;

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode an ECDSA signature"));
    return FALSE;
}

void
sevirt_snp_id_auth_assemble(const guint8 id_block_sig[SEVIRT_SNP_SIGNATURE_SIZE],
                            const guint8 id_key_pub[SEVIRT_SNP_PUBKEY_SIZE],
                            const guint8 *id_key_sig, const guint8 *author_key_pub,
                            guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE])
{
    memset(auth, 0, SEVIRT_SNP_ID_AUTH_SIZE);
    sevirt_put_le32(auth + AUTH_ID_KEY_ALGO, ALGO_ECDSA_P384_SHA384);
    memcpy(auth + AUTH_ID_BLOCK_SIG, id_block_sig, SEVIRT_SNP_SIGNATURE_SIZE);
    memcpy(auth + AUTH_ID_KEY, id_key_pub, SEVIRT_SNP_PUBKEY_SIZE);
    if (id_key_sig && author_key_pub) {
        sevirt_put_le32(auth + AUTH_AUTH_KEY_ALGO, ALGO_ECDSA_P384_SHA384);
        memcpy(auth + AUTH_ID_KEY_SIG, id_key_sig, SEVIRT_SNP_SIGNATURE_SIZE);
        memcpy(auth + AUTH_AUTHOR_KEY, author_key_pub, SEVIRT_SNP_PUBKEY_SIZE);
    }
}

gboolean
sevirt_snp_id_auth_build(const guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE],
                         const SevirtSnpIdKey *id_key, const SevirtSnpIdKey *author_key,
                         guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE], GError **error)
{
    guint8 block_sig[SEVIRT_SNP_SIGNATURE_SIZE];
    guint8 id_pub[SEVIRT_SNP_PUBKEY_SIZE];
    guint8 key_sig[SEVIRT_SNP_SIGNATURE_SIZE];
    guint8 author_pub[SEVIRT_SNP_PUBKEY_SIZE];

    if (!sign_sev(id_key->pkey, block, SEVIRT_SNP_ID_BLOCK_SIZE, block_sig, error) ||
        !sevirt_snp_id_key_public(id_key, id_pub, error))
        return FALSE;
    if (author_key &&
        (!sign_sev(author_key->pkey, id_pub, sizeof(id_pub), key_sig, error) ||
         !sevirt_snp_id_key_public(author_key, author_pub, error)))
        return FALSE;
    sevirt_snp_id_auth_assemble(block_sig, id_pub, author_key ? key_sig : NULL,
                                author_key ? author_pub : NULL, auth);
    return TRUE;
}

/* Verifies a SEV signature of @data under a SEV public key. */
static gboolean
verify_sev(const guint8 pub[SEVIRT_SNP_PUBKEY_SIZE], const guint8 sig[SEVIRT_SNP_SIGNATURE_SIZE],
           const guint8 *data, gsize len, const char *what, GError **error)
{
    g_autoptr(EVP_PKEY) key = NULL;
    g_autoptr(ECDSA_SIG) esig = ECDSA_SIG_new();
    g_autofree guint8 *der = NULL;
    BIGNUM *r = BN_lebin2bn(sig, P384_LEN, NULL);
    BIGNUM *s = BN_lebin2bn(sig + COORD_FIELD, P384_LEN, NULL);
    unsigned char *p = NULL;
    int der_len;

    if (sevirt_le32(pub) != CURVE_P384 ||
        !(key = sevirt_ec_key_from_le("P-384", pub + 4, pub + 4 + COORD_FIELD, P384_LEN, NULL))) {
        BN_free(r);
        BN_free(s);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, _("%s: not a P-384 public key"), what);
        return FALSE;
    }
    if (!esig || !r || !s || !ECDSA_SIG_set0(esig, r, s)) {
        BN_free(r);
        BN_free(s);
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode an ECDSA signature"));
        return FALSE;
    }
    der_len = i2d_ECDSA_SIG(esig, &p);
    if (der_len <= 0) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode an ECDSA signature"));
        return FALSE;
    }
    der = g_memdup2(p, der_len);
    OPENSSL_free(p);
    if (!sevirt_verify(key, EVP_sha384(), data, len, der, der_len, NULL)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, _("%s does not verify"), what);
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_snp_id_auth_verify(const guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE],
                          const guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE], GError **error)
{
    if (!verify_sev(auth + AUTH_ID_KEY, auth + AUTH_ID_BLOCK_SIG, block, SEVIRT_SNP_ID_BLOCK_SIZE,
                    _("the ID block signature"), error))
        return FALSE;
    if (sevirt_le32(auth + AUTH_AUTH_KEY_ALGO) == 0)
        return TRUE;
    return verify_sev(auth + AUTH_AUTHOR_KEY, auth + AUTH_ID_KEY_SIG, auth + AUTH_ID_KEY,
                      SEVIRT_SNP_PUBKEY_SIZE, _("the author key's signature of the ID key"), error);
}
