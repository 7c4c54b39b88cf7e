/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleets: carrying a plan out.  One thread and one connection per host (a
 * libvirt connection may be shared by threads: its calls are serialised
 * on the wire, each waits for its own answer), and a pool of workers on
 * it so that one host makes several guests at once.
 */
#include <config.h>

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt-autoptr.h"
#include "sevirt-conn.h"
#include "sevirt-create.h"
#include "sevirt-domain.h"
#include "sevirt-error.h"
#include "sevirt-fleet.h"
#include "sevirt-fleet-private.h"
#include "sevirt-storage.h"

#define DEFAULT_JOBS_PER_HOST 2

typedef struct _Run Run;

typedef struct {
    Run *run;
    guint index;              /* the host's index in the manifest */
    GPtrArray *actions;       /* SevirtFleetAction* (borrowed) to carry out */
    virConnectPtr conn;
    GPtrArray *caps;          /* SevirtHostCaps* per group, NULL where none */
    SevirtFleetHostResult *result;
} HostRun;

struct _Run {
    const SevirtFleetManifest *m;
    const SevirtFleetApplyOptions *opts;
    GMutex lock;              /* serialises progress calls and results */
};

static void
report(HostRun *hr, SevirtFleetEventKind kind, const SevirtFleetAction *a, const char *msg)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&hr->run->lock);

    switch (kind) {
    case SEVIRT_FLEET_EVENT_DONE:
        hr->result->done++;
        break;
    case SEVIRT_FLEET_EVENT_FAILED:
        hr->result->failed++;
        break;
    default:
        break;
    }
    if (hr->run->opts->progress)
        hr->run->opts->progress(kind, hr->index, a, msg, hr->run->opts->progress_data);
}

static gboolean
delete_guest(HostRun *hr, const char *name, GError **error)
{
    g_autoptr(virDomain) dom = sevirt_lookup_domain(hr->conn, name, error);

    if (!dom)
        return FALSE;
    return sevirt_domain_delete(dom, FALSE, NULL, NULL, error);
}

/*
 * A create that a host crash cut short (its libvirtd killed between the
 * volumes and the definition) leaves volumes that no rollback removed.
 * They carry the names sevirt gives this guest's new volumes and seed,
 * and no domain of that name exists (create is only planned for a missing
 * name): remove them so that a re-run converges.
 */
static gboolean
remove_leftover_volumes(HostRun *hr, const SevirtFleetAction *a, GError **error)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_fleet_guest_spec(a->group, a->index, error);
    g_autofree char *seed = NULL;

    if (!spec || !sevirt_create_prepare(spec, g_ptr_array_index(hr->caps, a->group->id),
                                        SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES, NULL, error))
        return FALSE;
    seed = g_strconcat(spec->name, SEVIRT_SEED_VOLUME_SUFFIX, NULL);
    for (guint i = 0; i < spec->disks->len; i++) {
        const SevirtDiskSpec *d = g_ptr_array_index(spec->disks, i);
        g_autofree char *pv = NULL;
        g_autoptr(virStorageVol) vol = NULL;

        if (d->kind != SEVIRT_DISK_NEW_VOLUME &&
            !(d->kind == SEVIRT_DISK_VOLUME && d->cdrom && g_strcmp0(d->volume, seed) == 0))
            continue;
        vol = sevirt_volume_lookup(hr->conn, d->pool, d->volume, NULL);
        if (!vol)
            continue;
        pv = g_strdup_printf("%s/%s", d->pool, d->volume);
        if (!sevirt_volume_delete(hr->conn, pv, error))
            return FALSE;
    }
    return TRUE;
}

/*
 * Makes the guest; for a group with an attested launch also launches it.
 * @note: (out) what the result must say: an attested guest whose host
 * verified only under the manifest's other root is trusted by nothing.
 */
static gboolean
create_once(HostRun *hr, const SevirtFleetAction *a, const char **note, GError **error)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_fleet_guest_spec(a->group, a->index, error);
    g_autoptr(virDomain) dom = NULL;
    SevirtCreateOptions opts = {
        .caps = g_ptr_array_index(hr->caps, a->group->id),
        .start = a->group->start,
    };
    gboolean amd_root = FALSE;

    if (!spec)
        return FALSE;
    if (!a->group->attest)
        return (dom = sevirt_domain_create(hr->conn, spec, &opts, error)) != NULL;
    if (!sevirt_fleet_attest_create(hr->conn, a->group, spec, &opts, &amd_root, error))
        return FALSE;
    *note = amd_root ? N_("attested: measurement verified, secret injected")
                     : N_("attested: measurement verified, secret injected; THE ROOT IS NOT AMD'S");
    return TRUE;
}

static gboolean
domain_exists(virConnectPtr conn, const char *name)
{
    g_autoptr(virDomain) dom = virDomainLookupByName(conn, name);

    virResetLastError();
    return dom != NULL;
}

static gboolean
create_guest(HostRun *hr, const SevirtFleetAction *a, const char **note, GError **error)
{
    g_autoptr(GError) local = NULL;
    gboolean ok = create_once(hr, a, note, &local);

    /* A volume in the way of a guest that does not exist is left over;
     * the volumes of a domain that does are never touched. */
    if (!ok && g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS) &&
        !domain_exists(hr->conn, a->name)) {
        g_clear_error(&local);
        if (!remove_leftover_volumes(hr, a, error))
            return FALSE;
        ok = create_once(hr, a, note, &local);
    }
    if (!ok)
        g_propagate_error(error, g_steal_pointer(&local));
    return ok;
}

static void
action_run(gpointer data, gpointer user_data)
{
    const SevirtFleetAction *a = data;
    HostRun *hr = user_data;
    g_autoptr(GError) local = NULL;
    const char *note = NULL;
    gboolean ok = TRUE;

    /* A cancelled run starts nothing new; what runs finishes or rolls back. */
    if (g_cancellable_is_cancelled(hr->run->opts->cancel)) {
        g_mutex_lock(&hr->run->lock);
        hr->result->skipped++;
        g_mutex_unlock(&hr->run->lock);
        return;
    }
    if (a->kind == SEVIRT_FLEET_DELETE || a->kind == SEVIRT_FLEET_REPLACE)
        ok = delete_guest(hr, a->name, &local);
    if (ok && (a->kind == SEVIRT_FLEET_CREATE || a->kind == SEVIRT_FLEET_REPLACE))
        ok = create_guest(hr, a, &note, &local);
    report(hr, ok ? SEVIRT_FLEET_EVENT_DONE : SEVIRT_FLEET_EVENT_FAILED, a,
           ok ? (note ? _(note) : NULL) : local->message);
}

/* Runs the actions for which @want says yes, @jobs at a time, and waits. */
static void
run_phase(HostRun *hr, gboolean deletes, guint jobs)
{
    GThreadPool *pool = g_thread_pool_new(action_run, hr, (gint) jobs, TRUE, NULL);

    for (guint i = 0; i < hr->actions->len; i++) {
        SevirtFleetAction *a = g_ptr_array_index(hr->actions, i);

        if ((a->kind == SEVIRT_FLEET_DELETE) == deletes)
            g_thread_pool_push(pool, a, NULL);
    }
    g_thread_pool_free(pool, FALSE, TRUE);
}

static gpointer
host_thread(gpointer data)
{
    HostRun *hr = data;
    const SevirtFleetHost *host = g_ptr_array_index(hr->run->m->hosts, hr->index);
    const SevirtFleetApplyOptions *o = hr->run->opts;
    g_autoptr(GError) local = NULL;
    gint64 t0 = g_get_monotonic_time();

    hr->conn = sevirt_connect(host->uri, NULL, &local);
    if (!hr->conn) {
        hr->result->error = g_strdup(local->message);
        hr->result->skipped = hr->actions->len;
        report(hr, SEVIRT_FLEET_EVENT_HOST_FAILED, NULL, local->message);
        return NULL;
    }
    report(hr, SEVIRT_FLEET_EVENT_CONNECTED, NULL, NULL);
    hr->caps = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_host_caps_free);
    for (guint i = 0; i < hr->run->m->groups->len; i++)
        g_ptr_array_add(hr->caps, sevirt_fleet_group_caps(hr->conn,
                                                          g_ptr_array_index(hr->run->m->groups, i)));
    /* Deletions first: they free the slots and names creations need. */
    run_phase(hr, TRUE, o->jobs_per_host ? o->jobs_per_host : DEFAULT_JOBS_PER_HOST);
    run_phase(hr, FALSE, o->jobs_per_host ? o->jobs_per_host : DEFAULT_JOBS_PER_HOST);
    g_ptr_array_unref(hr->caps);
    virConnectClose(hr->conn);
    hr->result->elapsed_us = g_get_monotonic_time() - t0;
    return NULL;
}

static gboolean
apply_outcome(const SevirtFleetApplyOptions *opts, GArray *results, GError **error)
{
    guint done = 0, failed = 0, skipped = 0, hosts_down = 0;

    for (guint h = 0; h < results->len; h++) {
        const SevirtFleetHostResult *r = &g_array_index(results, SevirtFleetHostResult, h);

        done += r->done;
        failed += r->failed;
        skipped += r->skipped;
        hosts_down += r->error != NULL;
    }
    if (g_cancellable_is_cancelled(opts->cancel)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_PARTIAL,
                    _("Cancelled: %u changes made, %u failed, %u not started"),
                    done, failed, skipped);
        return FALSE;
    }
    if (failed || skipped) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_PARTIAL,
                    _("Partly applied: %u changes made, %u failed, %u not tried; unreachable hosts: %u; run it again to converge"),
                    done, failed, skipped, hosts_down);
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_fleet_apply(const SevirtFleetManifest *m, const SevirtFleetPlan *plan,
                   const SevirtFleetApplyOptions *opts, GArray *results, GError **error)
{
    guint n = m->hosts->len;
    Run run = { m, opts, { 0 } };
    g_autofree HostRun *hosts = g_new0(HostRun, n);
    g_autofree GThread **threads = g_new0(GThread *, n);

    g_mutex_init(&run.lock);
    sevirt_libvirt_init();
    g_array_set_size(results, n);
    for (guint h = 0; h < n; h++) {
        hosts[h].run = &run;
        hosts[h].index = h;
        hosts[h].actions = g_ptr_array_new();
        hosts[h].result = &g_array_index(results, SevirtFleetHostResult, h);
        memset(hosts[h].result, 0, sizeof(SevirtFleetHostResult));
    }
    for (guint i = 0; i < plan->actions->len; i++) {
        SevirtFleetAction *a = g_ptr_array_index(plan->actions, i);

        if (a->kind != SEVIRT_FLEET_KEEP)
            g_ptr_array_add(hosts[a->host].actions, a);
    }
    for (guint h = 0; h < n; h++)
        threads[h] = hosts[h].actions->len ? g_thread_new("sevirt-fleet", host_thread, &hosts[h])
                                           : NULL;
    for (guint h = 0; h < n; h++) {
        if (threads[h])
            g_thread_join(threads[h]);
        g_ptr_array_unref(hosts[h].actions);
    }
    g_mutex_clear(&run.lock);
    return apply_outcome(opts, results, error);
}
