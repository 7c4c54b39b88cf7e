/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attested create: policy and platform (see sevirt-attest.h).
 */
#include <config.h>

#include <glib/gi18n-lib.h>

#include "sevirt-attest.h"
#include "sevirt-error.h"
#include "sevirt-platform.h"
#include "sevirt-policy.h"
#include "sevirt-session.h"

gboolean
sevirt_attest_settle_policy(SevirtVmSpec *spec, char **note, guint32 *policy, GError **error)
{
    g_autofree char *local_note = NULL;
    guint64 p;

    if (!sevirt_vm_spec_resolve_policy(spec, error))
        return FALSE;
    p = spec->policy_set ? spec->policy : sevirt_policy_default(spec->sev_type);
    if (!sevirt_policy_check(spec->sev_type, &p, &local_note, error))
        return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
    if (note)
        *note = g_steal_pointer(&local_note);
    spec->policy = p;
    spec->policy_set = TRUE;
    *policy = (guint32) p;
    return TRUE;
}

void
sevirt_attest_trust_clear(SevirtAttestTrust *trust)
{
    g_clear_pointer(&trust->who, g_free);
}

SevirtSevCert *
sevirt_attest_host_pdh(virConnectPtr conn, const char *emulator, const char *ark,
                       const char *ask, SevirtAttestTrust *trust, GError **error)
{
    g_autoptr(SevirtPlatformInfo) info = sevirt_platform_info_query(conn, emulator, error);
    g_autoptr(SevirtSevCert) pdh = NULL;

    if (!info)
        return NULL;
    trust->emulated = info->emulated;
    trust->who = g_strdup(info->emulator ? info->emulator : _("the host"));
    if (!sevirt_cert_chain_verify_root(&info->chain, trust->who, ark, ask, &trust->amd_root,
                                       &trust->gen, error))
        return NULL;
    pdh = g_steal_pointer(&info->chain.pdh);
    if (!sevirt_session_check_pdh(pdh, _("the host's PDH"), error))
        return NULL;
    return g_steal_pointer(&pdh);
}
