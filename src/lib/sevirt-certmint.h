/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minting an SEV platform identity, for the emulated platform and the
 * tests: RSA keys for an ARK/ASK, private keys as PEM, signing SEV and AMD
 * certificates, generating a whole chain.  Not installed: libsevirt only
 * parses and verifies certificates.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#include "sevirt-cert-private.h"
#include "sevirt-util.h"

G_BEGIN_DECLS

/** A fresh RSA key of @bits (2048 or 4096) for an emulated ARK/ASK. */
EVP_PKEY *sevirt_key_generate_rsa(guint bits, GError **error);
/** The private key as unencrypted PKCS#8 PEM, in a cleansed buffer. */
SevirtSecret *sevirt_key_to_pem(EVP_PKEY *key, GError **error);
/**
 * sevirt_key_from_pem:
 * @what: name of the input for errors (a file name)
 *
 * Reads a private key written by sevirt_key_to_pem().
 */
EVP_PKEY *sevirt_key_from_pem(const guint8 *pem, gsize len, const char *what,
                              GError **error);

/**
 * sevirt_sev_cert_sign:
 * @slot: 0 or 1, the signature slot to fill
 * @signer_usage: usage of the signing certificate (OCA, CEK, PEK, ASK)
 * @signer: its private key (EC: ECDSA-SHA256; RSA: RSASSA-PSS with SHA-256
 *          for 2048-bit keys, SHA-384 for 4096-bit keys)
 */
gboolean sevirt_sev_cert_sign(SevirtSevCert *cert, guint slot,
                              SevirtCertUsage signer_usage, EVP_PKEY *signer,
                              GError **error);

/**
 * sevirt_amd_cert_new:
 * @usage: SEVIRT_CERT_USAGE_ARK or SEVIRT_CERT_USAGE_ASK
 * @key_id: this key's id
 * @certifying_id: the signer's key id (@key_id for a self-signed ARK)
 * @key: RSA key, 2048 or 4096 bits
 *
 * Creates an unsigned certificate (signature zero).
 */
SevirtAmdCert *sevirt_amd_cert_new(SevirtCertUsage usage,
                                   const guint8 key_id[SEVIRT_AMD_KEY_ID_SIZE],
                                   const guint8 certifying_id[SEVIRT_AMD_KEY_ID_SIZE],
                                   EVP_PKEY *key, GError **error);

/** Signs with @signer (RSASSA-PSS, SHA-256 for 2048-bit, SHA-384 for 4096-bit keys). */
gboolean sevirt_amd_cert_sign(SevirtAmdCert *cert, EVP_PKEY *signer,
                              GError **error);

/**
 * sevirt_cert_chain_generate:
 * @pdh_key: (out) the PDH private key
 * @rsa_bits: ARK/ASK key size, 2048 (SHA-256) or 4096 (SHA-384)
 *
 * Mints a complete, self-consistent platform identity: random ARK and ASK
 * key ids, ARK -> ASK -> CEK, OCA -> PEK (CEK as second signer) -> PDH.
 * The other private keys are discarded.  For an emulated platform only.
 */
gboolean sevirt_cert_chain_generate(SevirtCertChain *chain, EVP_PKEY **pdh_key,
                                    guint8 api_major, guint8 api_minor,
                                    guint rsa_bits, GError **error);

G_END_DECLS
