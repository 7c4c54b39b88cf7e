/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whole platform certificate chains: ARK -> ASK -> CEK, OCA -> PEK (CEK as
 * second signer) -> PDH.  Verification link by link, libvirt's PEK‖OCA‖CEK
 * blob, a directory of certificate files.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-cert-private.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-util.h"

void
sevirt_cert_chain_clear(SevirtCertChain *chain)
{
    g_clear_pointer(&chain->ark, sevirt_amd_cert_free);
    g_clear_pointer(&chain->ask, sevirt_amd_cert_free);
    g_clear_pointer(&chain->cek, sevirt_sev_cert_free);
    g_clear_pointer(&chain->oca, sevirt_sev_cert_free);
    g_clear_pointer(&chain->pek, sevirt_sev_cert_free);
    g_clear_pointer(&chain->pdh, sevirt_sev_cert_free);
}

const char *
sevirt_chain_link_to_string(SevirtChainLink link)
{
    switch (link) {
    case SEVIRT_CHAIN_LINK_ARK_SELF: return "ARK self-signature";
    case SEVIRT_CHAIN_LINK_ARK_ASK: return "ARK -> ASK";
    case SEVIRT_CHAIN_LINK_ASK_CEK: return "ASK -> CEK";
    case SEVIRT_CHAIN_LINK_OCA_SELF: return "OCA self-signature";
    case SEVIRT_CHAIN_LINK_OCA_PEK: return "OCA -> PEK";
    case SEVIRT_CHAIN_LINK_CEK_PEK: return "CEK -> PEK";
    case SEVIRT_CHAIN_LINK_PEK_PDH: return "PEK -> PDH";
    case SEVIRT_CHAIN_LINK_COUNT: break;
    }
    return "?";
}

/* Checks a certificate sits where its usage says it belongs. */
static gboolean
check_usage(guint32 have, SevirtCertUsage want, GError **error)
{
    if (have == want)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("the certificate given as %s has usage %s"),
                sevirt_cert_usage_to_string(want),
                sevirt_cert_usage_to_string(have) ? sevirt_cert_usage_to_string(have) : "?");
    return FALSE;
}

static gboolean
verify_link(const SevirtCertChain *c, SevirtChainLink link, GError **error)
{
    switch (link) {
    case SEVIRT_CHAIN_LINK_ARK_SELF:
        return check_usage(sevirt_amd_cert_get_usage(c->ark), SEVIRT_CERT_USAGE_ARK, error) &&
               sevirt_amd_cert_verify(c->ark, c->ark, error);
    case SEVIRT_CHAIN_LINK_ARK_ASK:
        return check_usage(sevirt_amd_cert_get_usage(c->ask), SEVIRT_CERT_USAGE_ASK, error) &&
               sevirt_amd_cert_verify(c->ark, c->ask, error);
    case SEVIRT_CHAIN_LINK_ASK_CEK:
        return check_usage(sevirt_sev_cert_get_usage(c->cek), SEVIRT_CERT_USAGE_CEK, error) &&
               sevirt_amd_cert_verify_cek(c->ask, c->cek, error);
    case SEVIRT_CHAIN_LINK_OCA_SELF:
        return check_usage(sevirt_sev_cert_get_usage(c->oca), SEVIRT_CERT_USAGE_OCA, error) &&
               sevirt_sev_cert_verify(c->oca, c->oca, error);
    case SEVIRT_CHAIN_LINK_OCA_PEK:
        return check_usage(sevirt_sev_cert_get_usage(c->pek), SEVIRT_CERT_USAGE_PEK, error) &&
               sevirt_sev_cert_verify(c->oca, c->pek, error);
    case SEVIRT_CHAIN_LINK_CEK_PEK:
        return sevirt_sev_cert_verify(c->cek, c->pek, error);
    case SEVIRT_CHAIN_LINK_PEK_PDH:
        return check_usage(sevirt_sev_cert_get_usage(c->pdh), SEVIRT_CERT_USAGE_PDH, error) &&
               sevirt_sev_cert_verify(c->pek, c->pdh, error);
    case SEVIRT_CHAIN_LINK_COUNT:
        break;
    }
    g_assert_not_reached();
}

gboolean
sevirt_cert_chain_verify(const SevirtCertChain *chain, SevirtChainLink *failed,
                         GError **error)
{
    if (!chain->ark || !chain->ask || !chain->cek || !chain->oca ||
        !chain->pek || !chain->pdh) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate chain is incomplete: ARK, ASK, CEK, OCA, PEK and PDH are all needed"));
        return FALSE;
    }
    for (guint link = 0; link < SEVIRT_CHAIN_LINK_COUNT; link++) {
        g_autoptr(GError) local = NULL;

        if (verify_link(chain, link, &local))
            continue;
        if (failed)
            *failed = link;
        g_set_error(error, SEVIRT_ERROR, local->code,
                    _("Certificate chain broken at %s: %s"),
                    sevirt_chain_link_to_string(link), local->message);
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_cert_chain_read_platform(SevirtCertChain *chain, const char *path, GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autofree char *what_pek = g_strdup_printf(_("%s (PEK)"), path);
    g_autofree char *what_oca = g_strdup_printf(_("%s (OCA)"), path);
    g_autofree char *what_cek = g_strdup_printf(_("%s (CEK)"), path);
    g_autoptr(SevirtSevCert) pek = NULL;
    g_autoptr(SevirtSevCert) oca = NULL;
    g_autoptr(SevirtSevCert) cek = NULL;
    gsize len = 0;

    data = sevirt_cert_read_raw_or_base64(path, SEVIRT_SEV_CERT_CHAIN_SIZE,
                                          _("a PEK+OCA+CEK certificate chain"), &len, error);
    if (!data ||
        !(pek = sevirt_sev_cert_parse(data, SEVIRT_SEV_CERT_SIZE, what_pek, error)) ||
        !(oca = sevirt_sev_cert_parse(data + SEVIRT_SEV_CERT_SIZE, SEVIRT_SEV_CERT_SIZE,
                                      what_oca, error)) ||
        !(cek = sevirt_sev_cert_parse(data + 2 * SEVIRT_SEV_CERT_SIZE, SEVIRT_SEV_CERT_SIZE,
                                      what_cek, error)))
        return FALSE;
    g_clear_pointer(&chain->pek, sevirt_sev_cert_free);
    g_clear_pointer(&chain->oca, sevirt_sev_cert_free);
    g_clear_pointer(&chain->cek, sevirt_sev_cert_free);
    chain->pek = g_steal_pointer(&pek);
    chain->oca = g_steal_pointer(&oca);
    chain->cek = g_steal_pointer(&cek);
    return TRUE;
}

GBytes *
sevirt_cert_chain_get_platform(const SevirtCertChain *chain)
{
    guint8 *blob = g_malloc(SEVIRT_SEV_CERT_CHAIN_SIZE);

    memcpy(blob, chain->pek->data, SEVIRT_SEV_CERT_SIZE);
    memcpy(blob + SEVIRT_SEV_CERT_SIZE, chain->oca->data, SEVIRT_SEV_CERT_SIZE);
    memcpy(blob + 2 * SEVIRT_SEV_CERT_SIZE, chain->cek->data, SEVIRT_SEV_CERT_SIZE);
    return g_bytes_new_take(blob, SEVIRT_SEV_CERT_CHAIN_SIZE);
}

gboolean
sevirt_cert_chain_read_dir(SevirtCertChain *chain, const char *dir, GError **error)
{
    g_auto(SevirtCertChain) c = { 0 };
    g_autofree char *ark = g_build_filename(dir, "ark.cert", NULL);
    g_autofree char *ask = g_build_filename(dir, "ask.cert", NULL);
    g_autofree char *cek = g_build_filename(dir, "cek.cert", NULL);
    g_autofree char *oca = g_build_filename(dir, "oca.cert", NULL);
    g_autofree char *pek = g_build_filename(dir, "pek.cert", NULL);
    g_autofree char *pdh = g_build_filename(dir, "pdh.cert", NULL);

    if (!(c.ark = sevirt_amd_cert_read(ark, error)) ||
        !(c.ask = sevirt_amd_cert_read(ask, error)) ||
        !(c.cek = sevirt_sev_cert_read(cek, error)) ||
        !(c.oca = sevirt_sev_cert_read(oca, error)) ||
        !(c.pek = sevirt_sev_cert_read(pek, error)) ||
        !(c.pdh = sevirt_sev_cert_read(pdh, error)))
        return FALSE;
    sevirt_cert_chain_clear(chain);
    *chain = c;
    memset(&c, 0, sizeof(c));
    return TRUE;
}
