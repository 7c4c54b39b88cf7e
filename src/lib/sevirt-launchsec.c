/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <glib/gi18n-lib.h>

#include "sevirt.h"
#include "sevirt-util.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-xml-private.h"

#define LS "/domain/launchSecurity"

void
sevirt_launch_security_free(SevirtLaunchSecurity *ls)
{
    if (!ls)
        return;
    g_free(ls->type);
    g_free(ls->dh_cert);
    g_free(ls->session);
    g_free(ls->guest_visible_workarounds);
    g_free(ls->id_block);
    g_free(ls->id_auth);
    g_free(ls->host_data);
    g_free(ls);
}

/* libvirt's virTristateBool attributes: "yes", "no" or absent. */
static SevirtTristate
read_tristate(xmlXPathContext *ctx, const char *expr)
{
    g_autofree char *text = sevirt_xpath_string(ctx, expr);

    if (g_strcmp0(text, "yes") == 0)
        return SEVIRT_TRISTATE_YES;
    if (g_strcmp0(text, "no") == 0)
        return SEVIRT_TRISTATE_NO;
    return SEVIRT_TRISTATE_DEFAULT;
}

/* An optional number: -1 when absent, an error naming @what when malformed. */
static gboolean
read_int(xmlXPathContext *ctx, const char *expr, const char *what, gint *value, GError **error)
{
    g_autofree char *text = sevirt_xpath_string(ctx, expr);
    guint64 v;

    *value = -1;
    if (!text)
        return TRUE;
    if (!sevirt_parse_uint(what, text, G_MAXINT, &v, error))
        return FALSE;
    *value = (gint) v;
    return TRUE;
}

/* SEV policies are 32 bits; SEV-SNP's are 64. */
static gboolean
read_policy(xmlXPathContext *ctx, SevirtLaunchSecurity *ls, GError **error)
{
    g_autofree char *text = sevirt_xpath_string(ctx, LS "/policy");
    guint64 max = g_strcmp0(ls->type, "sev-snp") == 0 ? G_MAXUINT64 : G_MAXUINT32;

    if (!text)
        return TRUE;
    if (!sevirt_parse_uint(_("<launchSecurity><policy>"), text, max, &ls->policy, error))
        return FALSE;
    ls->policy_set = TRUE;
    return TRUE;
}

static SevirtSevType
sev_type_of(const SevirtLaunchSecurity *ls)
{
    if (g_strcmp0(ls->type, "sev-snp") == 0)
        return SEVIRT_SEV_SNP;
    if (g_strcmp0(ls->type, "sev") == 0)
        return ls->policy_set && (ls->policy & SEVIRT_SEV_POLICY_ES) ? SEVIRT_SEV_ES
                                                                     : SEVIRT_SEV_SEV;
    return SEVIRT_SEV_NONE;
}

SevirtLaunchSecurity *
sevirt_launch_security_read(xmlXPathContext *ctx, GError **error)
{
    g_autoptr(SevirtLaunchSecurity) ls = g_new0(SevirtLaunchSecurity, 1);

    ls->cbitpos = -1;
    ls->reduced_phys_bits = -1;
    ls->type = sevirt_xpath_string(ctx, LS "/@type");
    if (!ls->type)
        return g_steal_pointer(&ls);
    if (!read_policy(ctx, ls, error) ||
        !read_int(ctx, LS "/cbitpos", _("<launchSecurity><cbitpos>"), &ls->cbitpos, error) ||
        !read_int(ctx, LS "/reducedPhysBits", _("<launchSecurity><reducedPhysBits>"),
                  &ls->reduced_phys_bits, error))
        return NULL;
    ls->sev_type = sev_type_of(ls);
    ls->kernel_hashes = read_tristate(ctx, LS "/@kernelHashes");
    ls->dh_cert = sevirt_xpath_string(ctx, LS "/dhCert");
    ls->session = sevirt_xpath_string(ctx, LS "/session");
    ls->guest_visible_workarounds = sevirt_xpath_string(ctx, LS "/guestVisibleWorkarounds");
    ls->id_block = sevirt_xpath_string(ctx, LS "/idBlock");
    ls->id_auth = sevirt_xpath_string(ctx, LS "/idAuth");
    ls->host_data = sevirt_xpath_string(ctx, LS "/hostData");
    ls->author_key = read_tristate(ctx, LS "/@authorKey");
    ls->vcek = read_tristate(ctx, LS "/@vcek");
    return g_steal_pointer(&ls);
}
