/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * create --attest: the launch session made while the guest is created.
 */
#include <config.h>

#include <glib/gstdio.h>

#include "cli-attest.h"
#include "sevirt-amd-roots.h"
#include "sevirt-attest.h"

void
sevirt_cli_attest_clear(SevirtCliAttest *attest)
{
    g_clear_pointer(&attest->keys_dir, g_free);
    g_clear_pointer(&attest->ark, g_free);
    sevirt_session_files_clear(&attest->files);
}

/* The policy the session is bound to, settled as validation would. */
static gboolean
settle_policy(SevirtCliAttest *attest, SevirtVmSpec *spec, GError **error)
{
    g_autofree char *note = NULL;

    if (!sevirt_attest_settle_policy(spec, &note, &attest->policy, error))
        return FALSE;
    if (note && attest->notes)
        g_ptr_array_add(attest->notes, g_steal_pointer(&note));
    return TRUE;
}

void
sevirt_cli_chain_advise(GError **error)
{
    g_autofree char *message = NULL;

    if (!error || !*error)
        return;
    message = (*error)->message;
    (*error)->message = g_strdup_printf(_("%s; to verify under another root (an emulated platform's, for development), run with --ark FILE --ask FILE"),
                                        message);
}

gboolean
sevirt_cli_chain_read_root(SevirtCertChain *chain, const char *ark, const char *ask,
                           GError **error)
{
    if (!ark != !ask)
        return sevirt_cli_usage_error(error, _("--ark and --ask go together"));
    if (!ark)
        return TRUE;
    return (chain->ark = sevirt_amd_cert_read(ark, error)) &&
           (chain->ask = sevirt_amd_cert_read(ask, error));
}

gboolean
sevirt_cli_chain_read_beside(SevirtCertChain *chain, const char *pdh_path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(pdh_path);
    g_autofree char *pek = g_build_filename(dir, "pek.cert", NULL);
    g_autofree char *oca = g_build_filename(dir, "oca.cert", NULL);
    g_autofree char *cek = g_build_filename(dir, "cek.cert", NULL);

    if ((chain->pek = sevirt_sev_cert_read(pek, error)) &&
        (chain->oca = sevirt_sev_cert_read(oca, error)) &&
        (chain->cek = sevirt_sev_cert_read(cek, error)))
        return TRUE;
    g_prefix_error(error, _("The chain of '%s' (pek.cert, oca.cert and cek.cert beside it): "),
                   pdh_path);
    return FALSE;
}

gboolean
sevirt_cli_chain_verify(SevirtCli *cli, SevirtCertChain *chain, const char *who,
                        const char *ark, const char *ask, gboolean *amd_root, GError **error)
{
    SevirtAmdGeneration gen = SEVIRT_AMD_GEN_UNKNOWN;

    *amd_root = FALSE;
    if (!ark != !ask)
        return sevirt_cli_usage_error(error, _("--ark and --ask go together"));
    if (!sevirt_cert_chain_verify_root(chain, who, ark, ask, amd_root, &gen, error)) {
        if (!ark)
            sevirt_cli_chain_advise(error);
        return FALSE;
    }
    sevirt_cli_chain_report(cli, who, ark, *amd_root, gen);
    return TRUE;
}

void
sevirt_cli_chain_report(SevirtCli *cli, const char *who, const char *ark, gboolean amd_root,
                        SevirtAmdGeneration gen)
{
    if (amd_root) {
        sevirt_cli_step(cli, _("The certificate chain of %s verifies up to AMD's %s root"),
                        who, sevirt_amd_generation_to_string(gen));
    } else {
        sevirt_cli_warn(cli, _(SEVIRT_CLI_NOT_AMD_ROOT), ark);
        sevirt_cli_step(cli, _("The certificate chain of %s verifies under '%s', which is NOT an AMD root"),
                        who, ark);
    }
}

/* Nothing goes on with a chain that does not verify. */
static gboolean
verify_platform_chain(SevirtCliAttest *attest, SevirtCertChain *chain, const char *who,
                      const SevirtAttestSpec *a, GError **error)
{
    if (!sevirt_cli_chain_verify(attest->cli, chain, who, a->ark, a->ask, &attest->amd_root,
                                 error))
        return FALSE;
    attest->chain_verified = TRUE;
    if (!attest->amd_root)
        attest->ark = g_strdup(a->ark);
    return TRUE;
}

/* The PDH of a file, or of the host (or the guest's emulator). */
static SevirtSevCert *
platform_pdh(SevirtCliAttest *attest, virConnectPtr conn, const SevirtVmSpec *spec,
             GError **error)
{
    const SevirtAttestSpec *a = spec->attest;
    g_autoptr(SevirtSevCert) pdh = NULL;
    const char *what = a->pdh;

    if (a->pdh) {
        g_auto(SevirtCertChain) chain = { 0 };

        if (!(pdh = sevirt_sev_cert_read(a->pdh, error)) ||
            !sevirt_session_check_pdh(pdh, what, error))
            return NULL;
        chain.pdh = sevirt_sev_cert_copy(pdh);
        if (!sevirt_cli_chain_read_beside(&chain, a->pdh, error) ||
            !verify_platform_chain(attest, &chain, a->pdh, a, error))
            return NULL;
    } else {
        g_auto(SevirtAttestTrust) trust = { 0 };
        g_autoptr(GError) local = NULL;

        if (!a->ark != !a->ask) {
            sevirt_cli_usage_error(error, _("--ark and --ask go together"));
            return NULL;
        }
        pdh = sevirt_attest_host_pdh(conn, spec->emulator, a->ark, a->ask, &trust, &local);
        if (!pdh) {
            if (!a->ark && g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY))
                sevirt_cli_chain_advise(&local);
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
        attest->emulated = trust.emulated;
        if (trust.emulated)
            sevirt_cli_step(attest->cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
        sevirt_cli_step(attest->cli, _("Took the PDH of %s"), trust.who);
        sevirt_cli_chain_report(attest->cli, trust.who, a->ark, trust.amd_root, trust.gen);
        attest->chain_verified = TRUE;
        attest->amd_root = trust.amd_root;
        if (!trust.amd_root)
            attest->ark = g_strdup(a->ark);
        return g_steal_pointer(&pdh);
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
        !sevirt_session_files_check_free(a->keys_dir, TRUE, error))
        return FALSE;
    if (!(pdh = platform_pdh(attest, conn, spec, error)))
        return FALSE;

    attest->keys_dir = g_strdup(a->keys_dir);
    attest->dir_created = !g_file_test(a->keys_dir, G_FILE_TEST_EXISTS);
    if (!sevirt_session_files_write(pdh, attest->policy, a->keys_dir, TRUE, &attest->files, error))
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
    json_builder_set_member_name(b, "amd_root");
    json_builder_add_boolean_value(b, attest->amd_root);
    if (!attest->amd_root && attest->ark) {
        g_autofree char *warning = g_strdup_printf(_(SEVIRT_CLI_NOT_AMD_ROOT), attest->ark);

        sevirt_cli_json_add_string(b, "warning", warning);
    }
    json_add_path(b, "keys_dir", attest->keys_dir);
    json_add_path(b, "dh_cert", attest->files.godh);
    json_add_path(b, "session", attest->files.session);
    json_add_path(b, "tek", attest->files.tek);
    json_add_path(b, "tik", attest->files.tik);
    json_add_path(b, "tk", attest->files.tk);
    json_builder_end_object(b);
}
