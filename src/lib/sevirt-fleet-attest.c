/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleets: the attested launch of a guest, as 'sevirt create --attest' and
 * 'sevirt launch' make it for one: a session for the host's verified
 * platform written into keys_dir/NAME, the guest defined with it, then
 * launched paused, its measurement checked against the owner's firmware,
 * the secret injected and the guest resumed.
 */
#include <config.h>

#include <glib/gi18n-lib.h>

#include "sevirt-attest.h"
#include "sevirt-autoptr.h"
#include "sevirt-create.h"
#include "sevirt-domain.h"
#include "sevirt-error.h"
#include "sevirt-fleet-private.h"
#include "sevirt-launch.h"
#include "sevirt-util.h"

typedef struct {
    const SevirtFleetAttest *at;
    char *dir;                  /* keys_dir/NAME */
    guint32 policy;
    gboolean written;
    gboolean amd_root;
    SevirtSessionFiles files;
} Session;

/* The SevirtCreateHook: the session, once the name is known to be free. */
static gboolean
session_hook(virConnectPtr conn, SevirtVmSpec *spec, gpointer data, GError **error)
{
    Session *s = data;
    g_auto(SevirtAttestTrust) trust = { 0 };
    g_autoptr(SevirtSevCert) pdh = NULL;

    if (!sevirt_attest_settle_policy(spec, NULL, &s->policy, error) ||
        !sevirt_session_files_check_free(s->dir, TRUE, error))
        return FALSE;
    pdh = sevirt_attest_host_pdh(conn, spec->emulator, s->at->ark, s->at->ask, &trust, error);
    if (!pdh || !sevirt_session_files_write(pdh, s->policy, s->dir, TRUE, &s->files, error))
        return FALSE;
    s->written = TRUE;
    s->amd_root = trust.amd_root;
    g_free(spec->dh_cert);
    g_free(spec->session);
    spec->dh_cert = g_strdup(s->files.godh_b64);
    spec->session = g_strdup(s->files.session_b64);
    return TRUE;
}

/* The secret to inject, read now (a 0600 file of the owner's). */
static SevirtSecretTable *
read_secrets(const SevirtFleetAttest *at, GError **error)
{
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autoptr(SevirtSecret) data = NULL;

    if (!at->secret_file)
        return g_steal_pointer(&table);
    if (!(data = sevirt_file_read_secret(at->secret_file, 0, FALSE, error)))
        return NULL;
    if (data->len == 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("Secret file '%s' is empty"),
                    at->secret_file);
        return NULL;
    }
    if (!sevirt_secret_table_add(table, &at->secret_guid, data->data, data->len, error))
        return NULL;
    return g_steal_pointer(&table);
}

static gboolean
launch(virDomainPtr dom, const Session *s, GError **error)
{
    const SevirtFleetAttest *at = s->at;
    g_autoptr(SevirtSecret) tek = NULL;
    g_autoptr(SevirtSecret) tik = NULL;
    g_autoptr(SevirtSecretTable) secrets = NULL;
    g_autofree guint8 *firmware = NULL;
    g_auto(SevirtLaunchResult) result = { 0 };
    SevirtLaunchOptions opts = {
        .firmware_name = at->firmware,
        .policy_set = TRUE,
        .policy = s->policy,
        .secret_address_set = at->secret_address_set,
        .secret_address = at->secret_address,
    };

    if (!(tek = sevirt_file_read_secret(s->files.tek, SEVIRT_TRANSPORT_KEY_SIZE, FALSE, error)) ||
        !(tik = sevirt_file_read_secret(s->files.tik, SEVIRT_TRANSPORT_KEY_SIZE, FALSE, error)) ||
        !(secrets = read_secrets(at, error)) ||
        !(firmware = sevirt_file_read(at->firmware, SEVIRT_FIRMWARE_FILE_MAX,
                                      &opts.expected.firmware_len, error)))
        return FALSE;
    opts.tek = tek;
    opts.tik = tik;
    opts.secrets = secrets;
    opts.expected.firmware = firmware;
    return sevirt_launch(dom, &opts, &result, error);
}

gboolean
sevirt_fleet_attest_create(virConnectPtr conn, const SevirtFleetGroup *group, SevirtVmSpec *spec,
                           const SevirtCreateOptions *create_opts, gboolean *amd_root,
                           GError **error)
{
    Session s = { .at = group->attest };
    SevirtCreateOptions opts = *create_opts;
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(GError) local = NULL;
    gboolean ok;

    s.dir = g_build_filename(group->attest->keys_dir, spec->name, NULL);
    /* A guest is only created when it does not exist: a session left in
     * its folder belongs to a guest that is gone, and is of no use. */
    sevirt_session_files_remove(s.dir);
    opts.spec_hook = session_hook;
    opts.hook_data = &s;
    opts.start = FALSE;         /* launch starts it, paused, to measure it */
    dom = sevirt_domain_create(conn, spec, &opts, &local);
    ok = dom && launch(dom, &s, &local);
    if (!ok) {
        /* Nothing half-made: a guest that failed its measurement is gone,
         * with its session, so that a new run makes it afresh. */
        if (dom)
            sevirt_domain_delete(dom, FALSE, NULL, NULL, NULL);
        if (s.written)
            sevirt_session_files_remove(s.dir);
        g_propagate_error(error, g_steal_pointer(&local));
    }
    *amd_root = s.amd_root;
    sevirt_session_files_clear(&s.files);
    g_free(s.dir);
    return ok;
}
