/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside libsevirt's certificates: byte layouts, the structures behind the
 * opaque SevirtSevCert and SevirtAmdCert, and helpers shared by the SEV
 * certificate, AMD certificate and chain modules and by the minting code of
 * the emulated platform (sevirt-certmint.c).  Not installed.
 *
 * Byte layouts: the SEV API specification (chapter "Certificates"),
 * summarised in sev-reference.md.  All integers are little-endian; ECDSA
 * r/s, EC coordinates and RSA numbers are stored little-endian too.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#include "sevirt-cert.h"

G_BEGIN_DECLS

/* SEV certificate layout */
#define SEV_OFF_VERSION     0x000
#define SEV_OFF_API_MAJOR   0x004
#define SEV_OFF_API_MINOR   0x005
#define SEV_OFF_USAGE       0x008
#define SEV_OFF_ALGO        0x00C
#define SEV_OFF_PUBKEY      0x010
#define SEV_BODY_LEN        0x414        /* what the signatures cover */
#define SEV_OFF_SIG(slot)   (0x414 + (slot) * 0x208)
#define SEV_SIG_OFF_USAGE   0x000
#define SEV_SIG_OFF_ALGO    0x004
#define SEV_SIG_OFF_BYTES   0x008
#define SEV_SIG_BYTES_LEN   512
/* within the public key area */
#define SEV_EC_OFF_CURVE    0x000
#define SEV_EC_OFF_QX       0x004
#define SEV_EC_OFF_QY       0x04C
#define SEV_EC_COORD_LEN    72
#define SEV_RSA_OFF_BITS    0x000
#define SEV_RSA_OFF_EXP     0x004
#define SEV_RSA_OFF_MOD     0x204
#define SEV_RSA_MAX_LEN     512
/* ECDSA signature within a slot */
#define SEV_ECDSA_OFF_R     0x000
#define SEV_ECDSA_OFF_S     0x048

/* AMD certificate layout */
#define AMD_OFF_VERSION     0x00
#define AMD_OFF_KEY_ID      0x04
#define AMD_OFF_CERT_ID     0x14
#define AMD_OFF_USAGE       0x24
#define AMD_OFF_EXP_BITS    0x38
#define AMD_OFF_MOD_BITS    0x3C
#define AMD_OFF_EXP         0x40

#define CERT_FILE_MAX (64 * 1024)

struct _SevirtSevCert {
    guint8 data[SEVIRT_SEV_CERT_SIZE];
    EVP_PKEY *key;
};

struct _SevirtAmdCert {
    guint8 *data;
    gsize len;
    guint exp_len;      /* bytes */
    guint mod_len;      /* bytes */
    EVP_PKEY *key;
};

/* The usages an SEV certificate can have: OCA, PEK, PDH, CEK (not ARK, ASK). */
static inline gboolean
usage_is_sev_cert(guint32 usage)
{
    return sevirt_cert_usage_to_string(usage) && usage != SEVIRT_CERT_USAGE_NONE &&
           usage != SEVIRT_CERT_USAGE_ARK && usage != SEVIRT_CERT_USAGE_ASK;
}

static inline gboolean
algo_is_rsa(guint32 algo)
{
    return algo == SEVIRT_CERT_ALGO_RSA_SHA256 || algo == SEVIRT_CERT_ALGO_RSA_SHA384;
}

static inline gboolean
algo_is_ecdsa(guint32 algo)
{
    return algo == SEVIRT_CERT_ALGO_ECDSA_SHA256 || algo == SEVIRT_CERT_ALGO_ECDSA_SHA384;
}

static inline gboolean
algo_is_ec(guint32 algo)
{
    return algo_is_ecdsa(algo) ||
           algo == SEVIRT_CERT_ALGO_ECDH_SHA256 || algo == SEVIRT_CERT_ALGO_ECDH_SHA384;
}

static inline const EVP_MD *
algo_digest(guint32 algo)
{
    return algo >= 0x100 ? EVP_sha384() : EVP_sha256();
}

/* OpenSSL group name and coordinate size of an SEV curve. */
static inline const char *
curve_group(guint32 curve, gsize *size)
{
    switch (curve) {
    case SEVIRT_CERT_CURVE_P256:
        *size = 32;
        return "prime256v1";
    case SEVIRT_CERT_CURVE_P384:
        *size = 48;
        return "secp384r1";
    }
    return NULL;
}

/*
 * Copies @n bytes in reverse order: the certificates store RSA signatures
 * little-endian, OpenSSL takes and gives them big-endian.
 */
static inline void
copy_reversed(guint8 *out, const guint8 *in, gsize n)
{
    for (gsize i = 0; i < n; i++)
        out[i] = in[n - 1 - i];
}

/* AMD signs with SHA-256 under 2048-bit keys, SHA-384 under 4096-bit keys. */
static inline const EVP_MD *
rsa_digest_for_bits(guint bits)
{
    return bits >= 4096 ? EVP_sha384() : EVP_sha256();
}

/* What an AMD certificate's signature covers: everything before it. */
static inline gsize
amd_body_len(const SevirtAmdCert *cert)
{
    return AMD_OFF_EXP + cert->exp_len + cert->mod_len;
}

/*
 * Reads a file holding @expect_len raw bytes, or the same as base64 text
 * (virsh and libvirt's XML show the SEV blobs in base64).
 */
guint8 *sevirt_cert_read_raw_or_base64(const char *path, gsize expect_len,
                                       const char *kind, gsize *len,
                                       GError **error);

/*
 * Verifies that the signer (@key, whose certificate has @usage) signed the
 * SEV certificate @subject in one of its slots.
 */
gboolean sevirt_sev_cert_verify_signed_by(EVP_PKEY *key, guint32 usage,
                                          const SevirtSevCert *subject,
                                          GError **error);

/** A fresh ECDSA/ECDH key on NIST P-384 (what SEV platforms use). */
EVP_PKEY *sevirt_key_generate_p384(GError **error);

/**
 * sevirt_sev_cert_new:
 * @usage: the certificate's usage (PDH, PEK, OCA, CEK)
 * @key: its public key: P-384 (any usage) or RSA
 *
 * Creates an unsigned version-1 certificate.  The key algorithm follows
 * from @usage and @key: ECDH-SHA256 for a PDH, ECDSA-SHA256 for other EC
 * keys, RSA-SHA256 (2048-bit) or RSA-SHA384 (4096-bit) for RSA keys.  Both
 * signature slots are empty.  The guest owner's DH certificate is
 * sevirt_sev_cert_new(SEVIRT_CERT_USAGE_PDH, 0, 0, key): firmware does not
 * check its signatures.
 */
SevirtSevCert *sevirt_sev_cert_new(SevirtCertUsage usage, guint8 api_major,
                                   guint8 api_minor, EVP_PKEY *key,
                                   GError **error);

G_END_DECLS
