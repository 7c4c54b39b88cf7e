/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV platform certificates.
 *
 * Two formats make up a platform's chain:
 *  - SEV certificates (SevirtSevCert, 0x824 bytes): CEK, OCA, PEK, PDH and
 *    the guest owner's DH certificate;
 *  - AMD certificates (SevirtAmdCert, RSA): the ARK and ASK of a processor
 *    generation, as AMD publishes them.
 *
 * The chain is ARK (self-signed) -> ASK -> CEK, OCA (self-signed) -> PEK,
 * CEK -> PEK (second signature), PEK -> PDH.  Certificates are parsed,
 * serialised and verified here; minting them (for an emulated platform,
 * whose chain verifies under its own ARK only, never under AMD's) is not
 * part of the installed library.
 *
 * Keys are OpenSSL 3 EVP_PKEY handles; sevirt never prints key material.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/* Size of an SEV certificate, and of libvirt's cert-chain (PEK‖OCA‖CEK). */
#define SEVIRT_SEV_CERT_SIZE 0x824
#define SEVIRT_SEV_CERT_CHAIN_SIZE (3 * SEVIRT_SEV_CERT_SIZE)
/* Length of an AMD certificate key id. */
#define SEVIRT_AMD_KEY_ID_SIZE 16

typedef enum {
    SEVIRT_CERT_USAGE_ARK = 0x0,
    SEVIRT_CERT_USAGE_ASK = 0x13,
    SEVIRT_CERT_USAGE_NONE = 0x1000,   /* an empty signature slot */
    SEVIRT_CERT_USAGE_OCA = 0x1001,
    SEVIRT_CERT_USAGE_PEK = 0x1002,
    SEVIRT_CERT_USAGE_PDH = 0x1003,
    SEVIRT_CERT_USAGE_CEK = 0x1004,
} SevirtCertUsage;

typedef enum {
    SEVIRT_CERT_ALGO_NONE = 0x0,       /* an empty signature slot */
    SEVIRT_CERT_ALGO_RSA_SHA256 = 0x1,
    SEVIRT_CERT_ALGO_ECDSA_SHA256 = 0x2,
    SEVIRT_CERT_ALGO_ECDH_SHA256 = 0x3,
    SEVIRT_CERT_ALGO_RSA_SHA384 = 0x101,
    SEVIRT_CERT_ALGO_ECDSA_SHA384 = 0x102,
    SEVIRT_CERT_ALGO_ECDH_SHA384 = 0x103,
} SevirtCertAlgo;

/* Elliptic curves of SEV certificate keys. */
typedef enum {
    SEVIRT_CERT_CURVE_P256 = 1,
    SEVIRT_CERT_CURVE_P384 = 2,
} SevirtCertCurve;

/** "ARK", "PDH", ... or NULL for an unknown value. */
const char *sevirt_cert_usage_to_string(guint32 usage);
/** "ECDH-SHA256", ... or NULL for an unknown value. */
const char *sevirt_cert_algo_to_string(guint32 algo);

/* ---------------------------------------------------------------------- */
/* SEV certificates (0x824 bytes) */

typedef struct _SevirtSevCert SevirtSevCert;

/**
 * sevirt_sev_cert_parse:
 * @what: name of the input for error messages (a file name)
 *
 * Parses and checks an SEV certificate: exact size, version 1, a known
 * usage and key algorithm, a key that is a valid point on a supported curve
 * (or a valid RSA key), known signature slots.  Errors are
 * SEVIRT_ERROR_INVALID and name @what.
 */
SevirtSevCert *sevirt_sev_cert_parse(const guint8 *data, gsize len,
                                     const char *what, GError **error);

/**
 * sevirt_sev_cert_read:
 * Reads an SEV certificate file, raw (0x824 bytes) or base64 (as virsh
 * nodesevinfo and libvirt's dhCert carry it).
 */
SevirtSevCert *sevirt_sev_cert_read(const char *path, GError **error);

/**
 * sevirt_sev_cert_verify:
 * @issuer: the certificate whose key signed @subject
 *
 * TRUE when one of @subject's signature slots is marked with @issuer's
 * usage and verifies with @issuer's key.  SEVIRT_ERROR_VERIFY otherwise.
 */
gboolean sevirt_sev_cert_verify(const SevirtSevCert *issuer,
                                const SevirtSevCert *subject, GError **error);

void sevirt_sev_cert_free(SevirtSevCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtSevCert, sevirt_sev_cert_free)

SevirtSevCert *sevirt_sev_cert_copy(const SevirtSevCert *cert);
/** The SEVIRT_SEV_CERT_SIZE bytes of the certificate. */
const guint8 *sevirt_sev_cert_get_data(const SevirtSevCert *cert);
SevirtCertUsage sevirt_sev_cert_get_usage(const SevirtSevCert *cert);
SevirtCertAlgo sevirt_sev_cert_get_algo(const SevirtSevCert *cert);
/** Curve of an EC key; 0 for an RSA key. */
guint32 sevirt_sev_cert_get_curve(const SevirtSevCert *cert);
void sevirt_sev_cert_get_api_version(const SevirtSevCert *cert,
                                     guint8 *major, guint8 *minor);
/** A new reference to the certificate's public key. */
EVP_PKEY *sevirt_sev_cert_get_public_key(const SevirtSevCert *cert);

/* ---------------------------------------------------------------------- */
/* AMD certificates (ARK, ASK) */

typedef struct _SevirtAmdCert SevirtAmdCert;

/**
 * sevirt_amd_cert_parse:
 * Parses an AMD root (ARK) or signing (ASK) certificate: version 1, usage
 * ARK or ASK, a 2048- or 4096-bit RSA key, exact length.
 */
SevirtAmdCert *sevirt_amd_cert_parse(const guint8 *data, gsize len,
                                     const char *what, GError **error);
SevirtAmdCert *sevirt_amd_cert_read(const char *path, GError **error);

/**
 * sevirt_amd_cert_verify:
 * TRUE when @subject names @issuer's key id as its certifier and its
 * signature verifies with @issuer's key.  SEVIRT_ERROR_VERIFY otherwise.
 */
gboolean sevirt_amd_cert_verify(const SevirtAmdCert *issuer,
                                const SevirtAmdCert *subject, GError **error);

/** Verifies that @ask signed @cek (the CEK's ASK signature slot). */
gboolean sevirt_amd_cert_verify_cek(const SevirtAmdCert *ask,
                                    const SevirtSevCert *cek, GError **error);

void sevirt_amd_cert_free(SevirtAmdCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtAmdCert, sevirt_amd_cert_free)

SevirtAmdCert *sevirt_amd_cert_copy(const SevirtAmdCert *cert);
/** The serialised certificate. */
const guint8 *sevirt_amd_cert_get_data(const SevirtAmdCert *cert, gsize *len);
SevirtCertUsage sevirt_amd_cert_get_usage(const SevirtAmdCert *cert);
const guint8 *sevirt_amd_cert_get_key_id(const SevirtAmdCert *cert);
const guint8 *sevirt_amd_cert_get_certifying_id(const SevirtAmdCert *cert);
guint sevirt_amd_cert_get_key_bits(const SevirtAmdCert *cert);

/* ---------------------------------------------------------------------- */
/* Whole chains */

typedef struct {
    SevirtAmdCert *ark;
    SevirtAmdCert *ask;
    SevirtSevCert *cek;
    SevirtSevCert *oca;
    SevirtSevCert *pek;
    SevirtSevCert *pdh;
} SevirtCertChain;

void sevirt_cert_chain_clear(SevirtCertChain *chain);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtCertChain, sevirt_cert_chain_clear)

/* The links of a chain, in the order they are checked. */
typedef enum {
    SEVIRT_CHAIN_LINK_ARK_SELF,
    SEVIRT_CHAIN_LINK_ARK_ASK,
    SEVIRT_CHAIN_LINK_ASK_CEK,
    SEVIRT_CHAIN_LINK_OCA_SELF,
    SEVIRT_CHAIN_LINK_OCA_PEK,
    SEVIRT_CHAIN_LINK_CEK_PEK,
    SEVIRT_CHAIN_LINK_PEK_PDH,
    SEVIRT_CHAIN_LINK_COUNT,
} SevirtChainLink;

/** "ARK -> ASK", "OCA self-signature", ... */
const char *sevirt_chain_link_to_string(SevirtChainLink link);

/**
 * sevirt_cert_chain_verify:
 * @failed: (out) (optional) the first link that failed; links before it
 *          verified
 *
 * Checks each certificate has the usage of its place, then every link in
 * SevirtChainLink order.  On failure, SEVIRT_ERROR_VERIFY with a message
 * naming the link ("Certificate chain broken at ASK -> CEK: ...").  The ARK
 * is trusted as given: compare it with AMD's published one yourself.
 */
gboolean sevirt_cert_chain_verify(const SevirtCertChain *chain,
                                  SevirtChainLink *failed, GError **error);

/**
 * sevirt_cert_chain_read_platform:
 * Reads libvirt's cert-chain (PEK‖OCA‖CEK, raw or base64) into @chain's
 * pek, oca and cek.
 */
gboolean sevirt_cert_chain_read_platform(SevirtCertChain *chain,
                                         const char *path, GError **error);

/** The PEK‖OCA‖CEK blob libvirt and QEMU report as cert-chain. */
GBytes *sevirt_cert_chain_get_platform(const SevirtCertChain *chain);

/**
 * sevirt_cert_chain_read_dir:
 * Reads ark.cert, ask.cert, cek.cert, oca.cert, pek.cert and pdh.cert
 * from @dir.
 */
gboolean sevirt_cert_chain_read_dir(SevirtCertChain *chain, const char *dir,
                                    GError **error);

G_END_DECLS
