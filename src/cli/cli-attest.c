/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * create --attest: the launch session made while the guest is created.
 */
#include <config.h>

#include <glib/gstdio.h>

#include "cli-attest.h"

void
sevirt_cli_attest_clear(SevirtCliAttest *attest)
{
    g_clear_pointer(&attest->keys_dir, g_free);
    sevirt_cli_session_files_clear(&attest->files);
}

/*
 * The policy the session is bound to must be the one the domain gets:
 * settle it now as validation would (the default of the SEV type, the ES
 * bit forced on for SEV-ES), so that validation later changes nothing.
 */
static gboolean
settle_policy(SevirtCliAttest *attest, SevirtVmSpec *spec, GError **error)
{
    g_autofree char *note = NULL;
    guint64 policy;

    if (!sevirt_vm_spec_resolve_policy(spec, error))
        return FALSE;
    policy = spec->policy_set ? spec->policy : sevirt_policy_default(spec->sev_type);
    if (!sevirt_policy_check(spec->sev_type, &policy, &note, error))
        return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
    if (note && attest->notes)
        g_ptr_array_add(attest->notes, g_steal_pointer(&note));
    spec->policy = policy;
    spec->policy_set = TRUE;
    attest->policy = (guint32) policy;
    return TRUE;
}

/* With AMD's ARK and ASK, the host's PEK, OCA, CEK and PDH must chain to them. */
static gboolean
verify_host_chain(SevirtCliAttest *attest, SevirtPlatformInfo *info, const SevirtAttestSpec *a,
                  GError **error)
{
    const char *who = info->emulator ? info->emulator : _("the host");

    if (!a->ark) {
        sevirt_cli_warn(attest->cli, _("the PDH of %s is used without verifying its certificate chain: give --ark and --ask to verify it"),
                        who);
        return TRUE;
    }
    if (!(info->chain.ark = sevirt_amd_cert_read(a->ark, error)) ||
        !(info->chain.ask = sevirt_amd_cert_read(a->ask, error)))
        return FALSE;
    if (!sevirt_cert_chain_verify(&info->chain, NULL, error)) {
        g_prefix_error(error, _("The certificate chain of %s does not verify under '%s' and '%s': "),
                       who, a->ark, a->ask);
        return FALSE;
    }
    sevirt_cli_step(attest->cli, _("The certificate chain of %s verifies under '%s' and '%s'"),
                    who, a->ark, a->ask);
    attest->chain_verified = TRUE;
    return TRUE;
}

/* The PDH of a file, or of the host (or the guest's emulator). */
static SevirtSevCert *
platform_pdh(SevirtCliAttest *attest, virConnectPtr conn, const SevirtVmSpec *spec,
             GError **error)
{
    const SevirtAttestSpec *a = spec->attest;
    g_autoptr(SevirtPlatformInfo) info = NULL;
    g_autoptr(SevirtSevCert) pdh = NULL;
    const char *what = a->pdh;

    if (a->pdh) {
        pdh = sevirt_sev_cert_read(a->pdh, error);
    } else {
        info = sevirt_platform_info_query(conn, spec->emulator, error);
        if (!info)
            return NULL;
        attest->emulated = info->emulated;
        if (info->emulated)
            sevirt_cli_step(attest->cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
        sevirt_cli_step(attest->cli, _("Took the PDH of %s"),
                        info->emulator ? info->emulator : _("the host"));
        if (!verify_host_chain(attest, info, a, error))
            return NULL;
        pdh = g_steal_pointer(&info->chain.pdh);
        what = _("the host's PDH");
    }
    if (!pdh || !sevirt_session_check_pdh(pdh, what, error))
        return NULL;
    return g_steal_pointer(&pdh);
}

gboolean
sevirt_cli_attest_hook(virConnectPtr conn, SevirtVmSpec *spec, gpointer data, GError **error)
{
    SevirtCliAttest *attest = data;
    const SevirtAttestSpec *a = spec->attest;
    g_autoptr(SevirtSevCert) pdh = NULL;

    if (!sevirt_cli_attest_check(spec, error))
        return FALSE;
    if (!a->enabled)
        return TRUE;
    /* Everything that can be refused is, before the host is asked anything. */
    if (!settle_policy(attest, spec, error) ||
        !sevirt_cli_session_check_free(a->keys_dir, TRUE, error))
        return FALSE;
    if (!(pdh = platform_pdh(attest, conn, spec, error)))
        return FALSE;

    attest->keys_dir = g_strdup(a->keys_dir);
    attest->dir_created = !g_file_test(a->keys_dir, G_FILE_TEST_EXISTS);
    if (!sevirt_cli_session_write(pdh, attest->policy, a->keys_dir, TRUE, &attest->files, error))
        return FALSE;
    attest->written = TRUE;
    spec->dh_cert = g_strdup(attest->files.godh_b64);
    spec->session = g_strdup(attest->files.session_b64);
    sevirt_cli_step(attest->cli, _("Launch session for policy 0x%04x written to '%s': tek.bin, tik.bin and tk.bin (mode 0600), godh.b64, session.b64"),
                    attest->policy, a->keys_dir);
    return TRUE;
}

void
sevirt_cli_attest_rollback(SevirtCliAttest *attest)
{
    const char *files[] = {
        attest->files.tek, attest->files.tik, attest->files.tk,
        attest->files.godh, attest->files.session,
    };

    if (attest->written) {
        sevirt_cli_step(attest->cli, _("Undoing: removing the launch session written to '%s'"),
                        attest->keys_dir);
        for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
            if (files[i])
                g_unlink(files[i]);
        }
        attest->written = FALSE;
    }
    /* only if empty: the owner may have put something there meanwhile */
    if (attest->dir_created && g_rmdir(attest->keys_dir) == 0)
        attest->dir_created = FALSE;
}

static void
json_add_path(JsonBuilder *b, const char *member, const char *path)
{
    json_builder_set_member_name(b, member);
    json_builder_add_string_value(b, path);
}

void
sevirt_cli_attest_json(JsonBuilder *b, const SevirtCliAttest *attest)
{
    if (!attest->written)
        return;
    json_builder_set_member_name(b, "attest");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "policy");
    json_builder_add_int_value(b, attest->policy);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, attest->emulated);
    json_builder_set_member_name(b, "chain_verified");
    json_builder_add_boolean_value(b, attest->chain_verified);
    json_add_path(b, "keys_dir", attest->keys_dir);
    json_add_path(b, "dh_cert", attest->files.godh);
    json_add_path(b, "session", attest->files.session);
    json_add_path(b, "tek", attest->files.tek);
    json_add_path(b, "tik", attest->files.tik);
    json_add_path(b, "tk", attest->files.tk);
    json_builder_end_object(b);
}
