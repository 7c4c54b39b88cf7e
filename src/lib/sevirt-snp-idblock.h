/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SEV-SNP ID block and ID authentication information the host passes to
 * SNP_LAUNCH_FINISH (libvirt's <idBlock> and <idAuth>, base64): the owner
 * signs the expected launch digest and policy with an ID key (P-384),
 * itself optionally signed by an author key.  The PSP refuses to launch a
 * guest whose measurement or policy differ, and puts the SHA-384 digests
 * of both public keys into every attestation report.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEVIRT_SNP_ID_BLOCK_SIZE 96
#define SEVIRT_SNP_ID_AUTH_SIZE 4096
/* SEV-format ECDSA public key and signature */
#define SEVIRT_SNP_PUBKEY_SIZE 0x404
#define SEVIRT_SNP_SIGNATURE_SIZE 0x200
#define SEVIRT_SNP_KEY_DIGEST_SIZE 48

typedef struct {
    guint8 ld[48];            /* the expected launch digest (MEASUREMENT) */
    guint8 family_id[16];
    guint8 image_id[16];
    guint32 version;          /* 1 */
    guint32 guest_svn;
    guint64 policy;
} SevirtSnpIdBlockParams;

/** The 96-byte ID block, little-endian. */
void sevirt_snp_id_block_build(const SevirtSnpIdBlockParams *params,
                               guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE]);

/* An ECDSA P-384 private key (ID key or author key). */
typedef struct _SevirtSnpIdKey SevirtSnpIdKey;

/**
 * sevirt_snp_id_key_read:
 * @path: a PEM private key (PKCS#8 or SEC1) on curve P-384
 * @allow_insecure: accept a file group/other can access
 *
 * The file is read into a cleansed buffer; SEVIRT_ERROR_INVALID when it is
 * not a P-384 private key.
 */
SevirtSnpIdKey *sevirt_snp_id_key_read(const char *path, gboolean allow_insecure,
                                       GError **error);
void sevirt_snp_id_key_free(SevirtSnpIdKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtSnpIdKey, sevirt_snp_id_key_free)

/** The public key in SEV format (curve 2, QX, QY little-endian, zero-padded). */
gboolean sevirt_snp_id_key_public(const SevirtSnpIdKey *key,
                                  guint8 pub[SEVIRT_SNP_PUBKEY_SIZE], GError **error);

/** SHA-384 of the SEV-format public key: ID_KEY_DIGEST / AUTHOR_KEY_DIGEST. */
gboolean sevirt_snp_id_key_digest(const SevirtSnpIdKey *key,
                                  guint8 digest[SEVIRT_SNP_KEY_DIGEST_SIZE], GError **error);

/**
 * sevirt_snp_id_auth_assemble:
 * @id_block_sig: the ID key's SEV-format signature of the ID block
 * @id_key_pub: the ID key, SEV format
 * @id_key_sig: (nullable) the author key's signature of @id_key_pub
 * @author_key_pub: (nullable) the author key, SEV format
 * @auth: (out) the 4096-byte ID authentication information
 */
void sevirt_snp_id_auth_assemble(const guint8 id_block_sig[SEVIRT_SNP_SIGNATURE_SIZE],
                                 const guint8 id_key_pub[SEVIRT_SNP_PUBKEY_SIZE],
                                 const guint8 *id_key_sig, const guint8 *author_key_pub,
                                 guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE]);

/**
 * sevirt_snp_id_auth_build:
 * @author_key: (nullable) without it the ID key is not endorsed
 *              (AUTHOR_KEY_EN must then be 0)
 *
 * Signs @block with @id_key and the ID key with @author_key (ECDSA P-384,
 * SHA-384; signatures are randomised) and assembles the ID auth.
 */
gboolean sevirt_snp_id_auth_build(const guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE],
                                  const SevirtSnpIdKey *id_key,
                                  const SevirtSnpIdKey *author_key,
                                  guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE], GError **error);

/**
 * sevirt_snp_id_auth_verify:
 *
 * Checks what the PSP checks: the ID block signature under the ID key in
 * @auth and, when @auth carries an author key, its signature of the ID key.
 * SEVIRT_ERROR_VERIFY when one does not hold.
 */
gboolean sevirt_snp_id_auth_verify(const guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE],
                                   const guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE], GError **error);

G_END_DECLS
