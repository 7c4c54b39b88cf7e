/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AMD's root certificates as data (src/lib/sevirt-amd-roots-data.h is
 * generated from data/amd-roots/ by tools/gen-amd-roots.py).
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/err.h>

#include "sevirt-amd-roots.h"
#include "sevirt-amd-roots-data.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"

typedef struct {
    SevirtAmdGeneration gen;
    const guint8 *ark;
    gsize ark_len;
    const guint8 *ask;
    gsize ask_len;
} SevRoots;

#define SEV_ROOTS(gen, name) \
    { gen, sev_##name##_ark, sizeof(sev_##name##_ark), sev_##name##_ask, sizeof(sev_##name##_ask) }

static const SevRoots sev_roots[] = {
    SEV_ROOTS(SEVIRT_AMD_GEN_NAPLES, naples),
    SEV_ROOTS(SEVIRT_AMD_GEN_ROME, rome),
    SEV_ROOTS(SEVIRT_AMD_GEN_MILAN, milan),
};

typedef struct {
    SevirtAmdGeneration gen;
    const guint8 *der[3];       /* indexed by SevirtAmdSnpCert */
    gsize len[3];
} SnpRoots;

#define SNP_ROOTS(gen, name) \
    { gen, { snp_##name##_ark, snp_##name##_ask, snp_##name##_asvk }, \
      { sizeof(snp_##name##_ark), sizeof(snp_##name##_ask), sizeof(snp_##name##_asvk) } }

static const SnpRoots snp_roots[] = {
    SNP_ROOTS(SEVIRT_AMD_GEN_MILAN, milan),
    SNP_ROOTS(SEVIRT_AMD_GEN_GENOA, genoa),
    SNP_ROOTS(SEVIRT_AMD_GEN_TURIN, turin),
};

static const char *const generation_names[] = {
    [SEVIRT_AMD_GEN_NAPLES] = "Naples",
    [SEVIRT_AMD_GEN_ROME] = "Rome",
    [SEVIRT_AMD_GEN_MILAN] = "Milan",
    [SEVIRT_AMD_GEN_GENOA] = "Genoa",
    [SEVIRT_AMD_GEN_TURIN] = "Turin",
};

const char *
sevirt_amd_generation_to_string(SevirtAmdGeneration gen)
{
    if ((guint) gen >= G_N_ELEMENTS(generation_names))
        return NULL;
    return generation_names[gen];
}

SevirtAmdGeneration
sevirt_amd_generation_from_string(const char *name)
{
    for (guint i = 0; name && i < G_N_ELEMENTS(generation_names); i++) {
        if (generation_names[i] && g_ascii_strcasecmp(name, generation_names[i]) == 0)
            return i;
    }
    return SEVIRT_AMD_GEN_UNKNOWN;
}

static const SevRoots *
sev_roots_of(SevirtAmdGeneration gen)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_roots); i++) {
        if (sev_roots[i].gen == gen)
            return &sev_roots[i];
    }
    return NULL;
}

static const SnpRoots *
snp_roots_of(SevirtAmdGeneration gen)
{
    for (guint i = 0; i < G_N_ELEMENTS(snp_roots); i++) {
        if (snp_roots[i].gen == gen)
            return &snp_roots[i];
    }
    return NULL;
}

static void
set_not_found(GError **error, const char *what, SevirtAmdGeneration gen)
{
    const char *name = sevirt_amd_generation_to_string(gen);

    if (name)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("No built-in AMD %s root certificates for %s processors"), what, name);
    else
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("No built-in AMD %s root certificates for an unknown processor generation"),
                    what);
}

gboolean
sevirt_amd_roots_sev_get(SevirtAmdGeneration gen, SevirtAmdCert **ark,
                         SevirtAmdCert **ask, GError **error)
{
    const SevRoots *roots = sev_roots_of(gen);
    g_autoptr(SevirtAmdCert) a = NULL;
    g_autoptr(SevirtAmdCert) s = NULL;

    if (!roots) {
        set_not_found(error, "SEV", gen);
        return FALSE;
    }
    /* the data is fixed and checked by the unit tests: parsing cannot fail */
    a = sevirt_amd_cert_parse(roots->ark, roots->ark_len, "built-in ARK", error);
    s = a ? sevirt_amd_cert_parse(roots->ask, roots->ask_len, "built-in ASK", error) : NULL;
    if (!s)
        return FALSE;
    if (ark)
        *ark = g_steal_pointer(&a);
    if (ask)
        *ask = g_steal_pointer(&s);
    return TRUE;
}

SevirtAmdGeneration
sevirt_amd_roots_sev_find(const SevirtSevCert *cek)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_roots); i++) {
        g_autoptr(SevirtAmdCert) ask = NULL;

        if (!sevirt_amd_roots_sev_get(sev_roots[i].gen, NULL, &ask, NULL))
            continue;
        if (sevirt_amd_cert_verify_cek(ask, cek, NULL))
            return sev_roots[i].gen;
    }
    return SEVIRT_AMD_GEN_UNKNOWN;
}

gboolean
sevirt_amd_roots_sev_is_builtin(const SevirtAmdCert *cert)
{
    gsize len = 0;
    const guint8 *data = sevirt_amd_cert_get_data(cert, &len);

    for (guint i = 0; i < G_N_ELEMENTS(sev_roots); i++) {
        const SevRoots *r = &sev_roots[i];

        if ((len == r->ark_len && memcmp(data, r->ark, len) == 0) ||
            (len == r->ask_len && memcmp(data, r->ask, len) == 0))
            return TRUE;
    }
    return FALSE;
}

/* The generation of an ASK: the built-in ASK with the same key id. */
static SevirtAmdGeneration
sev_generation_of_ask(const SevirtAmdCert *ask)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_roots); i++) {
        g_autoptr(SevirtAmdCert) builtin = NULL;

        if (sevirt_amd_roots_sev_get(sev_roots[i].gen, NULL, &builtin, NULL) &&
            memcmp(sevirt_amd_cert_get_key_id(builtin), sevirt_amd_cert_get_key_id(ask),
                   SEVIRT_AMD_KEY_ID_SIZE) == 0)
            return sev_roots[i].gen;
    }
    return SEVIRT_AMD_GEN_UNKNOWN;
}

static gboolean
use_builtin_roots(SevirtCertChain *chain, SevirtAmdGeneration *gen, SevirtChainLink *failed,
                  GError **error)
{
    if (!chain->cek) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate chain is incomplete: ARK, ASK, CEK, OCA, PEK and PDH are all needed"));
        return FALSE;
    }
    *gen = sevirt_amd_roots_sev_find(chain->cek);
    if (*gen == SEVIRT_AMD_GEN_UNKNOWN) {
        if (failed)
            *failed = SEVIRT_CHAIN_LINK_ASK_CEK;
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("Certificate chain does not lead to an AMD root: none of AMD's "
                      "built-in ASKs (Naples, Rome, Milan) signed the CEK"));
        return FALSE;
    }
    return sevirt_amd_roots_sev_get(*gen, &chain->ark, &chain->ask, error);
}

gboolean
sevirt_amd_roots_verify_chain(SevirtCertChain *chain, SevirtAmdGeneration *gen,
                              gboolean *amd_root, SevirtChainLink *failed, GError **error)
{
    SevirtAmdGeneration found = SEVIRT_AMD_GEN_UNKNOWN;

    if (gen)
        *gen = SEVIRT_AMD_GEN_UNKNOWN;
    if (amd_root)
        *amd_root = FALSE;
    if (!chain->ark != !chain->ask) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate chain is incomplete: an ARK goes with its ASK"));
        return FALSE;
    }
    if (!chain->ark) {
        if (amd_root)
            *amd_root = TRUE;
        if (!use_builtin_roots(chain, &found, failed, error))
            return FALSE;
    } else {
        found = sev_generation_of_ask(chain->ask);
        if (amd_root)
            *amd_root = sevirt_amd_roots_sev_is_builtin(chain->ark);
    }
    if (gen)
        *gen = found;
    return sevirt_cert_chain_verify(chain, failed, error);
}

const guint8 *
sevirt_amd_roots_snp_get_der(SevirtAmdGeneration gen, SevirtAmdSnpCert which, gsize *len)
{
    const SnpRoots *roots = snp_roots_of(gen);

    if (!roots || (guint) which > SEVIRT_AMD_SNP_ASVK) {
        *len = 0;
        return NULL;
    }
    *len = roots->len[which];
    return roots->der[which];
}

X509 *
sevirt_amd_roots_snp_get(SevirtAmdGeneration gen, SevirtAmdSnpCert which, GError **error)
{
    gsize len = 0;
    const unsigned char *der = sevirt_amd_roots_snp_get_der(gen, which, &len);
    X509 *cert;

    if (!der) {
        set_not_found(error, "SEV-SNP", gen);
        return NULL;
    }
    cert = d2i_X509(NULL, &der, (long) len);
    if (!cert) {
        ERR_clear_error();
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("The built-in SEV-SNP certificate of %s cannot be decoded"),
                    sevirt_amd_generation_to_string(gen));
    }
    return cert;
}

static gboolean
snp_issued_by(X509 *cert, X509 *issuer)
{
    EVP_PKEY *key = X509_get0_pubkey(issuer);

    if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0)
        return FALSE;
    if (key && X509_verify(cert, key) == 1)
        return TRUE;
    ERR_clear_error();
    return FALSE;
}

SevirtAmdGeneration
sevirt_amd_roots_snp_find(X509 *cert, SevirtAmdSnpCert *which)
{
    static const SevirtAmdSnpCert signers[] = { SEVIRT_AMD_SNP_ASK, SEVIRT_AMD_SNP_ASVK };

    for (guint i = 0; i < G_N_ELEMENTS(snp_roots); i++) {
        for (guint j = 0; j < G_N_ELEMENTS(signers); j++) {
            g_autoptr(X509) issuer = sevirt_amd_roots_snp_get(snp_roots[i].gen, signers[j], NULL);

            if (issuer && snp_issued_by(cert, issuer)) {
                if (which)
                    *which = signers[j];
                return snp_roots[i].gen;
            }
        }
    }
    return SEVIRT_AMD_GEN_UNKNOWN;
}
