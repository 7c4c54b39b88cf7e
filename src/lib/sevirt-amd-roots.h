/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AMD's root certificates, built into the library.
 *
 * A platform's certificate chain proves only what its root proves: a chain
 * under a root the host supplies could come from anyone.  Like virtee/sev's
 * builtin certificates, sevirt carries AMD's published roots as data and
 * verifies chains up to them:
 *  - SEV / SEV-ES: the ARK and ASK (AMD's RSA certificate format) of
 *    Naples, Rome and Milan;
 *  - SEV-SNP: the X.509 ARK, ASK (signs VCEKs) and ASVK (signs VLEKs) of
 *    Milan, Genoa and Turin.
 * The generation of a platform is found from its chain (which built-in ASK
 * signed the CEK, or which ASK/ASVK issued a VCEK/VLEK).
 */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

#include "sevirt-cert.h"

G_BEGIN_DECLS

typedef enum {
    SEVIRT_AMD_GEN_UNKNOWN = 0,
    SEVIRT_AMD_GEN_NAPLES,
    SEVIRT_AMD_GEN_ROME,
    SEVIRT_AMD_GEN_MILAN,
    SEVIRT_AMD_GEN_GENOA,
    SEVIRT_AMD_GEN_TURIN,
} SevirtAmdGeneration;

/** "Naples", "Rome", ... or NULL for SEVIRT_AMD_GEN_UNKNOWN / an unknown value. */
const char *sevirt_amd_generation_to_string(SevirtAmdGeneration gen);
/** The generation named @name (any case), SEVIRT_AMD_GEN_UNKNOWN when none. */
SevirtAmdGeneration sevirt_amd_generation_from_string(const char *name);

/* ---------------------------------------------------------------------- */
/* SEV / SEV-ES roots (AMD certificate format) */

/**
 * sevirt_amd_roots_sev_get:
 * @ark: (out) (optional) AMD's ARK of @gen
 * @ask: (out) (optional) AMD's ASK of @gen
 *
 * SEVIRT_ERROR_NOT_FOUND when sevirt has no SEV roots for @gen.
 */
gboolean sevirt_amd_roots_sev_get(SevirtAmdGeneration gen, SevirtAmdCert **ark,
                                  SevirtAmdCert **ask, GError **error);

/**
 * sevirt_amd_roots_sev_find:
 * @cek: a platform's CEK
 *
 * The generation whose built-in ASK signed @cek (an SEV certificate names
 * no key id for its signer: the signature decides), or
 * SEVIRT_AMD_GEN_UNKNOWN when none did.
 */
SevirtAmdGeneration sevirt_amd_roots_sev_find(const SevirtSevCert *cek);

/**
 * sevirt_amd_roots_sev_is_builtin:
 * TRUE when @cert is, byte for byte, one of the built-in SEV ARKs or ASKs.
 */
gboolean sevirt_amd_roots_sev_is_builtin(const SevirtAmdCert *cert);

/**
 * sevirt_amd_roots_verify_chain:
 * @chain: a platform's PDH, PEK, OCA and CEK.  With its ark and ask NULL
 *         (the default: what a guest owner must do), the chain is verified
 *         up to AMD's built-in ARK and ASK of the generation whose ASK
 *         signed the CEK, which are then put into @chain.  With ark and ask
 *         set (another root: an emulated platform's, for development), it
 *         is verified up to those, and @amd_root tells whether they are AMD's.
 * @gen: (out) (optional) the generation; SEVIRT_AMD_GEN_UNKNOWN when the
 *       given ASK is none of AMD's, or none of AMD's signed the CEK
 * @amd_root: (out) (optional) TRUE when the chain's ARK is one of AMD's
 *            built-in ARKs (both set also when a link fails)
 * @failed: (out) (optional) the first link that failed
 *
 * SEVIRT_ERROR_VERIFY when a link fails, and with the built-in roots when
 * none of AMD's ASKs signed the CEK (@failed is then the ASK -> CEK link).
 */
gboolean sevirt_amd_roots_verify_chain(SevirtCertChain *chain, SevirtAmdGeneration *gen,
                                       gboolean *amd_root, SevirtChainLink *failed,
                                       GError **error);

/* ---------------------------------------------------------------------- */
/* SEV-SNP roots (X.509, RSASSA-PSS with SHA-384) */

typedef enum {
    SEVIRT_AMD_SNP_ARK,
    SEVIRT_AMD_SNP_ASK,     /* signs VCEKs */
    SEVIRT_AMD_SNP_ASVK,    /* signs VLEKs */
} SevirtAmdSnpCert;

/**
 * sevirt_amd_roots_snp_get_der:
 * @len: (out) its length
 *
 * The DER of a built-in SNP certificate, or NULL (and *@len = 0) when
 * sevirt has none for @gen.
 */
const guint8 *sevirt_amd_roots_snp_get_der(SevirtAmdGeneration gen,
                                           SevirtAmdSnpCert which, gsize *len);

/**
 * sevirt_amd_roots_snp_get:
 * A new X509 handle on a built-in SNP certificate; SEVIRT_ERROR_NOT_FOUND
 * when sevirt has none for @gen.
 */
X509 *sevirt_amd_roots_snp_get(SevirtAmdGeneration gen, SevirtAmdSnpCert which,
                               GError **error);

/**
 * sevirt_amd_roots_snp_find:
 * @cert: a VCEK or VLEK
 * @which: (out) (optional) SEVIRT_AMD_SNP_ASK or SEVIRT_AMD_SNP_ASVK: the
 *         built-in certificate that issued @cert
 *
 * The generation whose built-in ASK or ASVK is @cert's issuer (same name,
 * and its signature verifies), or SEVIRT_AMD_GEN_UNKNOWN.
 */
SevirtAmdGeneration sevirt_amd_roots_snp_find(X509 *cert, SevirtAmdSnpCert *which);

G_END_DECLS
