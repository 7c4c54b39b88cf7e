/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sevirt fleet plan|apply|status|destroy FILE: many guests over many
 * hosts from one manifest (sevirt-fleet.h).
 */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli-attest.h"
#include "sevirt-fleet.h"

typedef struct {
    char *jobs;
} FleetOpts;

static const char *const fleet_actions[] = { "plan", "apply", "status", "destroy", NULL };

static GOptionEntry *
fleet_entries(gpointer data)
{
    FleetOpts *o = data;
    const GOptionEntry entries[] = {
        { "jobs", 'j', 0, G_OPTION_ARG_STRING, &o->jobs,
          N_("apply, destroy: guests made or removed at once on each host (default 2)"), N_("N") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static const char *
host_uri(const SevirtFleetManifest *m, guint h)
{
    return ((const SevirtFleetHost *) g_ptr_array_index(m->hosts, h))->uri;
}

/* Unreachable hosts are warnings: the plan covers the others. */
static void
warn_unreachable(SevirtCli *cli, const SevirtFleetPlan *plan)
{
    for (guint i = 0; i < plan->unreachable->len; i++)
        sevirt_cli_warn(cli, _("host not read, its guests are left out: %s"),
                        (const char *) g_ptr_array_index(plan->unreachable, i));
}

static gboolean
plan_problems(const SevirtFleetPlan *plan, GError **error)
{
    g_autoptr(GString) text = NULL;

    if (!plan->problems->len)
        return TRUE;
    text = g_string_new(_("The fleet does not fit; nothing was changed:"));
    for (guint i = 0; i < plan->problems->len; i++)
        g_string_append_printf(text, " %s%s", (const char *) g_ptr_array_index(plan->problems, i),
                               i + 1 < plan->problems->len ? ";" : "");
    g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, text->str);
    return FALSE;
}

static gboolean
unreachable_error(const SevirtFleetPlan *plan, GError **error)
{
    if (!plan->unreachable->len)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_PARTIAL,
                g_dngettext(GETTEXT_PACKAGE, "%u host could not be read",
                            "%u hosts could not be read", plan->unreachable->len),
                plan->unreachable->len);
    return FALSE;
}

static void
summary_line(const SevirtFleetPlan *plan)
{
    printf(_("Plan: %u to create, %u to replace, %u to delete, %u unchanged.\n"),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_CREATE),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_REPLACE),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_DELETE),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_KEEP));
}

static gboolean
plan_is_empty(const SevirtFleetPlan *plan)
{
    return sevirt_fleet_plan_count(plan, SEVIRT_FLEET_KEEP) == plan->actions->len;
}

static void
plan_text(const SevirtFleetManifest *m, const SevirtFleetPlan *plan)
{
    if (plan_is_empty(plan)) {
        printf(_("No changes: the fleet '%s' is as the manifest says (%u guests).\n"), m->name,
               plan->actions->len);
        return;
    }
    printf("%-8s %-24s %-20s %s\n", _("ACTION"), _("GUEST"), _("GROUP"), _("HOST"));
    for (guint i = 0; i < plan->actions->len; i++) {
        const SevirtFleetAction *a = g_ptr_array_index(plan->actions, i);

        if (a->kind == SEVIRT_FLEET_KEEP)
            continue;
        printf("%-8s %-24s %-20s %s%s%s%s\n", sevirt_fleet_action_kind_to_string(a->kind),
               a->name, a->group ? a->group->name : "-", host_uri(m, a->host),
               a->why ? " (" : "", a->why ? a->why : "", a->why ? ")" : "");
    }
    summary_line(plan);
}

/*
 * A group whose guests' platforms verify under the manifest's own root
 * proves nothing about them: every result says so, as create --attest does.
 */
static GPtrArray *
root_warnings(const SevirtFleetManifest *m)
{
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < m->groups->len; i++) {
        const SevirtFleetGroup *g = g_ptr_array_index(m->groups, i);
        g_autofree char *warning = NULL;

        if (!g->attest || !g->attest->ark)
            continue;
        warning = g_strdup_printf(_(SEVIRT_CLI_NOT_AMD_ROOT), g->attest->ark);
        g_ptr_array_add(warnings, g_strdup_printf(_("group '%s': %s"), g->name, warning));
    }
    return warnings;
}

static void
plan_json(SevirtCli *cli, const SevirtFleetManifest *m, const SevirtFleetPlan *plan)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(GPtrArray) warnings = root_warnings(m);

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "fleet", m->name);
    json_builder_set_member_name(b, "actions");
    json_builder_begin_array(b);
    for (guint i = 0; i < plan->actions->len; i++) {
        const SevirtFleetAction *a = g_ptr_array_index(plan->actions, i);

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "action", sevirt_fleet_action_kind_to_string(a->kind));
        sevirt_cli_json_add_string(b, "guest", a->name);
        sevirt_cli_json_add_string(b, "group", a->group ? a->group->name : NULL);
        sevirt_cli_json_add_string(b, "host", host_uri(m, a->host));
        sevirt_cli_json_add_string(b, "reason", a->why);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "problems");
    json_builder_begin_array(b);
    for (guint i = 0; i < plan->problems->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(plan->problems, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "warnings");
    json_builder_begin_array(b);
    for (guint i = 0; i < warnings->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(warnings, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "unreachable");
    json_builder_begin_array(b);
    for (guint i = 0; i < plan->unreachable->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(plan->unreachable, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

/* ------------------------------------------------------------------ */
/* progress */

typedef struct {
    SevirtCli *cli;
    const SevirtFleetManifest *m;
    gboolean tty;
    guint *total;          /* per host: actions to carry out */
    guint *done;           /* per host: finished (done or failed) */
    guint *failed;
    char **state;          /* per host: "connecting", "unreachable", ... */
    GCancellable *cancel;
    gint64 t0;
    gboolean drawn;
} Progress;

/* The end of a long URI, which tells hosts apart (their socket paths or
 * names differ there), in 44 columns. */
static const char *
host_label(const char *uri)
{
    gsize len = strlen(uri);

    return len > 44 ? uri + len - 44 : uri;
}

static void
progress_draw(Progress *p)
{
    guint n = p->m->hosts->len;
    gint64 elapsed = g_get_monotonic_time() - p->t0;

    if (p->drawn)
        printf("\033[%uA", n);
    for (guint h = 0; h < n; h++) {
        g_autofree char *eta = NULL;

        if (p->done[h] && p->done[h] < p->total[h] && !g_cancellable_is_cancelled(p->cancel))
            eta = g_strdup_printf(_(", ETA %.0f s"),
                                  (double) elapsed / 1e6 / p->done[h] * (p->total[h] - p->done[h]));
        printf("\033[2K%-44s %4u/%-4u %s%s", host_label(host_uri(p->m, h)), p->done[h],
               p->total[h],
               g_cancellable_is_cancelled(p->cancel) && p->done[h] < p->total[h] ?
               _("stopping: finishing or rolling back the guests being made") :
               p->state[h] ? p->state[h] : "", eta ? eta : "");
        if (p->failed[h])
            printf(_(", %u failed"), p->failed[h]);
        printf("\n");
    }
    p->drawn = TRUE;
    fflush(stdout);
}

static void
progress_cb(SevirtFleetEventKind kind, guint host, const SevirtFleetAction *a,
            const char *message, gpointer data)
{
    Progress *p = data;
    const char *uri = host_uri(p->m, host);

    switch (kind) {
    case SEVIRT_FLEET_EVENT_CONNECTED:
        g_free(p->state[host]);
        p->state[host] = g_strdup(_("working"));
        break;
    case SEVIRT_FLEET_EVENT_HOST_FAILED:
        g_free(p->state[host]);
        p->state[host] = g_strdup(_("unreachable"));
        if (!p->tty)
            sevirt_cli_warn(p->cli, _("%s: %s"), uri, message);
        break;
    case SEVIRT_FLEET_EVENT_DONE:
    case SEVIRT_FLEET_EVENT_FAILED:
        p->done[host]++;
        if (kind == SEVIRT_FLEET_EVENT_FAILED)
            p->failed[host]++;
        if (p->done[host] == p->total[host]) {
            g_free(p->state[host]);
            p->state[host] = g_strdup(_("finished"));
        }
        if (kind == SEVIRT_FLEET_EVENT_FAILED)
            sevirt_cli_warn(p->cli, _("%s: %s %s failed: %s"), uri,
                            sevirt_fleet_action_kind_to_string(a->kind), a->name, message);
        else if (!p->tty && message)
            sevirt_cli_step(p->cli, _("%s: %s %s done (%u/%u): %s"), uri,
                            sevirt_fleet_action_kind_to_string(a->kind), a->name,
                            p->done[host], p->total[host], message);
        else if (!p->tty)
            sevirt_cli_step(p->cli, _("%s: %s %s done (%u/%u)"), uri,
                            sevirt_fleet_action_kind_to_string(a->kind), a->name,
                            p->done[host], p->total[host]);
        break;
    }
    if (p->tty)
        progress_draw(p);
}

/* ------------------------------------------------------------------ */
/* Ctrl-C: the workers finish (or roll back) the guests they are making */

static gpointer
signal_thread(gpointer data)
{
    GCancellable *cancel = data;
    sigset_t set;
    int sig;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigwait(&set, &sig) == 0) {
        /* On a terminal the progress lines say it (a line here would
         * break their redrawing). */
        if (!isatty(STDOUT_FILENO))
            g_printerr(_("Stopping: the guests being made are finished or rolled back...\n"));
        g_cancellable_cancel(cancel);
    }
    return NULL;
}

/* Signals go to the watcher thread only: set before any thread starts. */
static void
watch_signals(GCancellable *cancel)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    g_thread_unref(g_thread_new("sevirt-signals", signal_thread, g_object_ref(cancel)));
}

static void
host_result_clear(gpointer data)
{
    g_free(((SevirtFleetHostResult *) data)->error);
}

static void
results_text(SevirtCli *cli, const SevirtFleetManifest *m, GArray *results)
{
    for (guint h = 0; h < results->len; h++) {
        const SevirtFleetHostResult *r = &g_array_index(results, SevirtFleetHostResult, h);

        if (r->error)
            sevirt_cli_step(cli, _("%s: unreachable, %u changes not tried: %s"), host_uri(m, h),
                            r->skipped, r->error);
        else if (r->done + r->failed + r->skipped)
            sevirt_cli_step(cli, _("%s: %u changes made, %u failed, %u not tried (%.1f s)"),
                            host_uri(m, h), r->done, r->failed, r->skipped,
                            (double) r->elapsed_us / 1e6);
    }
}

static gboolean
run_plan(SevirtCli *cli, guint jobs, const SevirtFleetManifest *m,
         const SevirtFleetPlan *plan, GError **error)
{
    guint n = m->hosts->len;
    g_autoptr(GCancellable) cancel = g_cancellable_new();
    g_autoptr(GArray) results = g_array_new(FALSE, TRUE, sizeof(SevirtFleetHostResult));
    g_autofree guint *total = g_new0(guint, n);
    g_autofree guint *done = g_new0(guint, n);
    g_autofree guint *failed = g_new0(guint, n);
    g_auto(GStrv) state = g_new0(char *, n + 1);
    Progress p = { cli, m, !cli->quiet && !cli->json && isatty(STDOUT_FILENO), total, done,
                   failed, state, cancel, g_get_monotonic_time(), FALSE };
    SevirtFleetApplyOptions opts = { .cancel = cancel, .progress = progress_cb,
                                     .progress_data = &p };
    gboolean ok;

    opts.jobs_per_host = jobs;
    g_array_set_clear_func(results, host_result_clear);
    for (guint i = 0; i < plan->actions->len; i++) {
        const SevirtFleetAction *a = g_ptr_array_index(plan->actions, i);

        total[a->host] += a->kind != SEVIRT_FLEET_KEEP;
    }
    for (guint h = 0; h < n; h++)
        state[h] = g_strdup(total[h] ? _("connecting") : _("nothing to do"));
    watch_signals(cancel);
    if (p.tty)
        progress_draw(&p);
    ok = sevirt_fleet_apply(m, plan, &opts, results, error);
    if (!p.tty || !ok)
        results_text(cli, m, results);
    return ok;
}

/* ------------------------------------------------------------------ */
/* the actions */

static void
warn_roots(SevirtCli *cli, const SevirtFleetManifest *m)
{
    g_autoptr(GPtrArray) warnings = root_warnings(m);

    for (guint i = 0; i < warnings->len; i++)
        sevirt_cli_warn(cli, "%s", (const char *) g_ptr_array_index(warnings, i));
}

static gboolean
fleet_plan(SevirtCli *cli, const SevirtFleetManifest *m, GError **error)
{
    g_autoptr(GPtrArray) states = sevirt_fleet_survey(m, FALSE);
    g_autoptr(SevirtFleetPlan) plan = sevirt_fleet_plan(m, states);

    warn_unreachable(cli, plan);
    warn_roots(cli, m);
    if (cli->json)
        plan_json(cli, m, plan);
    else
        plan_text(m, plan);
    return plan_problems(plan, error) && unreachable_error(plan, error);
}

static gboolean
fleet_apply(SevirtCli *cli, guint jobs, const SevirtFleetManifest *m, GError **error)
{
    g_autoptr(GPtrArray) states = sevirt_fleet_survey(m, FALSE);
    g_autoptr(SevirtFleetPlan) plan = sevirt_fleet_plan(m, states);

    warn_unreachable(cli, plan);
    warn_roots(cli, m);
    if (!plan_problems(plan, error))
        return FALSE;
    if (plan_is_empty(plan)) {
        sevirt_cli_step(cli, _("No changes: the fleet '%s' is as the manifest says (%u guests)."),
                        m->name, plan->actions->len);
        return unreachable_error(plan, error);
    }
    if (!cli->quiet && !cli->json) {
        printf(_("Plan: %u to create, %u to replace, %u to delete, %u unchanged.\n"),
               sevirt_fleet_plan_count(plan, SEVIRT_FLEET_CREATE),
               sevirt_fleet_plan_count(plan, SEVIRT_FLEET_REPLACE),
               sevirt_fleet_plan_count(plan, SEVIRT_FLEET_DELETE),
               sevirt_fleet_plan_count(plan, SEVIRT_FLEET_KEEP));
    }
    if (!run_plan(cli, jobs, m, plan, error))
        return FALSE;
    sevirt_cli_step(cli, _("Fleet '%s' applied."), m->name);
    return unreachable_error(plan, error);
}

static gboolean
fleet_destroy(SevirtCli *cli, guint jobs, const SevirtFleetManifest *m, GError **error)
{
    g_autoptr(GPtrArray) states = sevirt_fleet_survey(m, FALSE);
    g_autoptr(SevirtFleetPlan) plan = sevirt_fleet_plan_destroy(m, states);

    warn_unreachable(cli, plan);
    if (!plan->actions->len) {
        sevirt_cli_step(cli, _("No guest of the fleet '%s' found."), m->name);
        return unreachable_error(plan, error);
    }
    if (!run_plan(cli, jobs, m, plan, error))
        return FALSE;
    sevirt_cli_step(cli, _("Fleet '%s' destroyed: %u guests removed."), m->name,
                    plan->actions->len);
    return unreachable_error(plan, error);
}

static char *
policy_text(const SevirtFleetGuest *g)
{
    return g->policy_set ? g_strdup_printf("0x%" G_GINT64_MODIFIER "x", g->policy) : NULL;
}

static void
status_json(SevirtCli *cli, const SevirtFleetManifest *m, GPtrArray *states)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "fleet", m->name);
    json_builder_set_member_name(b, "hosts");
    json_builder_begin_array(b);
    for (guint h = 0; h < states->len; h++) {
        const SevirtFleetHostState *s = g_ptr_array_index(states, h);

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "uri", s->host->uri);
        sevirt_cli_json_add_string(b, "error", s->error);
        json_builder_set_member_name(b, "guests");
        json_builder_begin_array(b);
        for (guint i = 0; i < s->guests->len; i++) {
            const SevirtFleetGuest *g = g_ptr_array_index(s->guests, i);
            g_autofree char *policy = policy_text(g);

            json_builder_begin_object(b);
            sevirt_cli_json_add_string(b, "name", g->name);
            sevirt_cli_json_add_string(b, "group", g->group);
            sevirt_cli_json_add_string(b, "state", sevirt_domain_state_to_string(g->state));
            sevirt_cli_json_add_string(b, "sev", sevirt_sev_type_to_string(g->sev_type));
            sevirt_cli_json_add_string(b, "policy", policy);
            sevirt_cli_json_add_string(b, "ip", g->address);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
fleet_status(SevirtCli *cli, const SevirtFleetManifest *m, GError **error)
{
    g_autoptr(GPtrArray) states = sevirt_fleet_survey(m, TRUE);
    g_autoptr(SevirtFleetPlan) plan = sevirt_fleet_plan(m, states);

    warn_unreachable(cli, plan);
    warn_roots(cli, m);
    if (cli->json) {
        status_json(cli, m, states);
        return unreachable_error(plan, error);
    }
    printf("%-44s %-24s %-10s %-8s %-10s %s\n", _("HOST"), _("GUEST"), _("STATE"), _("SEV"),
           _("POLICY"), _("IP"));
    for (guint h = 0; h < states->len; h++) {
        const SevirtFleetHostState *s = g_ptr_array_index(states, h);

        for (guint i = 0; i < s->guests->len; i++) {
            const SevirtFleetGuest *g = g_ptr_array_index(s->guests, i);
            g_autofree char *policy = policy_text(g);

            printf("%-44s %-24s %-10s %-8s %-10s %s\n", host_label(s->host->uri), g->name,
                   sevirt_domain_state_to_string(g->state), sevirt_sev_type_to_string(g->sev_type),
                   policy ? policy : "-", g->address ? g->address : "-");
        }
    }
    printf(_("%u guests as the manifest says, %u to create, %u to replace, %u to delete.\n"),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_KEEP),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_CREATE),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_REPLACE),
           sevirt_fleet_plan_count(plan, SEVIRT_FLEET_DELETE));
    return unreachable_error(plan, error);
}

static gboolean
cmd_fleet(SevirtCli *cli, gconstpointer data, char **args, GError **error)
{
    const FleetOpts *o = data;
    g_autoptr(SevirtFleetManifest) m = NULL;
    guint64 jobs = 0;

    if (!g_strv_contains(fleet_actions, args[0]))
        return sevirt_cli_usage_error(error, _("Unknown fleet action '%s' (plan, apply, status or destroy)"),
                                      args[0]);
    /* Checked before any host is asked. */
    if (o->jobs && (!sevirt_parse_uint("--jobs", o->jobs, 64, &jobs, NULL) || jobs == 0))
        return sevirt_cli_usage_error(error, _("--jobs must be a number from 1 to 64, not '%s'"),
                                      o->jobs);
    if (!(m = sevirt_fleet_manifest_load(args[1], error)))
        return FALSE;
    if (g_str_equal(args[0], "plan"))
        return fleet_plan(cli, m, error);
    if (g_str_equal(args[0], "apply"))
        return fleet_apply(cli, (guint) jobs, m, error);
    if (g_str_equal(args[0], "status"))
        return fleet_status(cli, m, error);
    return fleet_destroy(cli, (guint) jobs, m, error);
}

static const SevirtCmd fleet_cmds[] = {
    { "fleet", N_("plan|apply|status|destroy MANIFEST"),
      N_("provision many guests over many hosts from one manifest"),
      N_("plan: read every host and show what apply would do (--json); apply: do it, hosts in "
         "parallel; status: the fleet's guests across hosts (--json); destroy: remove them and "
         "their volumes.  Exit status 8: partly done (a host unreachable, a guest failed); "
         "run it again to converge."),
      SEVIRT_CMD_OPTIONS(FleetOpts, fleet_entries), 2, 2, cmd_fleet, 0, fleet_actions },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_fleet = {
    N_("Fleets"),
    fleet_cmds,
};
