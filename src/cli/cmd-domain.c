/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lifecycle commands: create, start, stop, destroy, delete, wait, list,
 * status, ip.
 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "cli.h"
#include "cli-attest.h"
#include "cli-spec.h"

/* Lifecycle commands want libvirt events (stop, wait), and the event loop
 * must exist before the connection is opened. */
static virConnectPtr
lifecycle_connect(SevirtCli *cli, GError **error)
{
    if (!cli->conn && !sevirt_event_loop_start(error))
        return NULL;
    return sevirt_cli_connect(cli, error);
}

static virDomainPtr
lookup(SevirtCli *cli, const char *ident, GError **error)
{
    virConnectPtr conn = lifecycle_connect(cli, error);

    return conn ? sevirt_lookup_domain(conn, ident, error) : NULL;
}

static void
cli_progress(const char *message, gpointer data)
{
    sevirt_cli_step(data, "%s", message);
}

static char *
policy_string(const SevirtDomainInfo *info)
{
    if (!info->policy_set)
        return NULL;
    if (info->sev_type == SEVIRT_SEV_SNP)
        return g_strdup_printf("0x%" G_GINT64_MODIFIER "x", info->policy);
    return g_strdup_printf("0x%04" G_GINT64_MODIFIER "x", info->policy);
}

static void
json_add_strings(JsonBuilder *b, const char *member, const GPtrArray *values)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (guint i = 0; values && i < values->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(values, i));
    json_builder_end_array(b);
}

/* ------------------------------------------------------------------ */
/* create */

typedef struct {
    SevirtCliSpecOptions spec;    /* first: see cli-spec.h */
    gboolean start;
    gboolean paused;
} CreateOpts;
G_STATIC_ASSERT(G_STRUCT_OFFSET(CreateOpts, spec) == 0);

static GOptionEntry *
create_entries(gpointer data)
{
    CreateOpts *o = data;
    const GOptionEntry entries[] = {
        SEVIRT_CLI_SPEC_OPTION_ENTRIES(&o->spec),
        SEVIRT_CLI_ATTEST_OPTION_ENTRIES(&o->spec),
        { "start", 0, 0, G_OPTION_ARG_NONE, &o->start,
          N_("start the guest once it is defined"), NULL },
        { "paused", 0, 0, G_OPTION_ARG_NONE, &o->paused,
          N_("start it with its vCPUs paused (implies --start)"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static void
create_json(SevirtCli *cli, virDomainPtr dom, const SevirtVmSpec *spec, GPtrArray *notes,
            const SevirtCliAttest *attest)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    char uuid[VIR_UUID_STRING_BUFLEN] = "";
    int state = VIR_DOMAIN_NOSTATE;
    int reason;

    /* Both were just set by libvirt; a failure here leaves them unknown. */
    if (virDomainGetUUIDString(dom, uuid) < 0 || virDomainGetState(dom, &state, &reason, 0) < 0)
        virResetLastError();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, spec->name);
    json_builder_set_member_name(b, "uuid");
    json_builder_add_string_value(b, uuid);
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, sevirt_domain_state_to_string(state));
    json_add_strings(b, "owned_volumes", spec->owned_volumes);
    json_add_strings(b, "notes", notes);
    sevirt_cli_attest_json(b, attest);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

/* The host's capabilities give the defaults; a driver without domain
 * capabilities (libvirt's test driver) leaves them to libvirt. */
static gboolean
create_host_caps(SevirtCli *cli, virConnectPtr conn, const SevirtVmSpec *spec,
                 SevirtHostCaps **caps, GError **error)
{
    g_autoptr(GError) local = NULL;

    *caps = sevirt_cli_spec_query_caps(conn, spec, &local);
    if (*caps)
        return TRUE;
    if (!g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    sevirt_cli_warn(cli, _("%s; the defaults are left to libvirt"), local->message);
    return TRUE;
}

static gboolean
cmd_create(SevirtCli *cli, gconstpointer data, char **args, GError **error)
{
    const CreateOpts *o = data;
    g_autoptr(SevirtVmSpec) spec = sevirt_cli_spec_load(&o->spec, args[0], error);
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomain) dom = NULL;
    g_auto(SevirtCliAttest) attest = { .cli = cli, .notes = notes };
    SevirtCreateOptions opts = {
        .start = o->start,
        .paused = o->paused,
        .progress = cli_progress,
        .progress_data = cli,
        .notes = notes,
    };
    virConnectPtr conn;

    /* An inconsistent attest request is a usage error: no host asked. */
    if (!spec || (spec->attest && !sevirt_cli_attest_check(spec, error)) ||
        !(conn = lifecycle_connect(cli, error)) ||
        !create_host_caps(cli, conn, spec, &caps, error))
        return FALSE;
    opts.caps = caps;
    if (spec->attest) {
        opts.spec_hook = sevirt_cli_attest_hook;
        opts.hook_data = &attest;
    }
    dom = sevirt_domain_create(conn, spec, &opts, error);
    if (!dom)
        sevirt_cli_attest_rollback(&attest);
    /* With --json the notes are in the result, unless there is none. */
    for (guint i = 0; (!cli->json || !dom) && i < notes->len; i++)
        sevirt_cli_warn(cli, "%s", (const char *) g_ptr_array_index(notes, i));
    if (!dom)
        return FALSE;
    if (cli->json)
        create_json(cli, dom, spec, notes, &attest);
    else if (o->paused)
        sevirt_cli_step(cli, _("Domain '%s' created and started paused"), spec->name);
    else if (o->start)
        sevirt_cli_step(cli, _("Domain '%s' created and started"), spec->name);
    else
        sevirt_cli_step(cli, _("Domain '%s' created"), spec->name);
    if (attest.written && !cli->json)
        sevirt_cli_step(cli, _("The guest owner's keys are in '%s' (delete leaves them): launch the guest with 'sevirt launch %s --tk %s --firmware FILE'"),
                        attest.keys_dir, spec->name, attest.files.tk);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* start, stop, destroy, delete, wait */

typedef struct {
    gboolean paused;
} StartOpts;

static GOptionEntry *
start_entries(gpointer data)
{
    StartOpts *o = data;
    const GOptionEntry entries[] = {
        { "paused", 0, 0, G_OPTION_ARG_NONE, &o->paused,
          N_("start with the vCPUs paused (resume with 'virsh resume')"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static gboolean
cmd_start(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const StartOpts *o = opts;
    g_autoptr(virDomain) dom = lookup(cli, args[0], error);

    if (!dom || !sevirt_domain_start(dom, o->paused, error))
        return FALSE;
    sevirt_cli_step(cli, o->paused ? _("Domain '%s' started paused") : _("Domain '%s' started"),
                    virDomainGetName(dom));
    return TRUE;
}

typedef struct {
    gint timeout;
} StopOpts;

static GOptionEntry *
stop_entries(gpointer data)
{
    StopOpts *o = data;
    const GOptionEntry entries[] = {
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o->timeout,
          N_("seconds to wait for the guest to power off before destroying it (default 60)"),
          N_("SECONDS") },
        { NULL }
    };

    o->timeout = 60;
    return g_memdup2(entries, sizeof(entries));
}

static gboolean
cmd_stop(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const StopOpts *o = opts;
    g_autoptr(virDomain) dom = NULL;
    SevirtStopResult result;

    if (o->timeout < 0)
        return sevirt_cli_usage_error(error, _("--timeout must not be negative"));
    dom = lookup(cli, args[0], error);
    if (!dom || !sevirt_domain_stop(dom, o->timeout, &result, error))
        return FALSE;
    switch (result) {
    case SEVIRT_STOP_WAS_OFF:
        sevirt_cli_step(cli, _("Domain '%s' is not running"), virDomainGetName(dom));
        break;
    case SEVIRT_STOP_SHUT_DOWN:
        sevirt_cli_step(cli, _("Domain '%s' shut down"), virDomainGetName(dom));
        break;
    case SEVIRT_STOP_DESTROYED:
        sevirt_cli_warn(cli, ngettext("domain '%s' did not shut down within %d second; destroyed it",
                                      "domain '%s' did not shut down within %d seconds; destroyed it",
                                      o->timeout),
                        virDomainGetName(dom), o->timeout);
        break;
    }
    return TRUE;
}

static gboolean
cmd_destroy(SevirtCli *cli, gconstpointer opts G_GNUC_UNUSED, char **args, GError **error)
{
    g_autoptr(virDomain) dom = lookup(cli, args[0], error);

    if (!dom || !sevirt_domain_destroy(dom, error))
        return FALSE;
    sevirt_cli_step(cli, _("Domain '%s' destroyed"), virDomainGetName(dom));
    return TRUE;
}

typedef struct {
    gboolean keep_storage;
} DeleteOpts;

static GOptionEntry *
delete_entries(gpointer data)
{
    DeleteOpts *o = data;
    const GOptionEntry entries[] = {
        { "keep-storage", 0, 0, G_OPTION_ARG_NONE, &o->keep_storage,
          N_("keep the volumes sevirt created for the domain"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/*
 * The emulated SEV platform keeps a record of each guest it launched (and
 * the secrets it received, in clear, for tests) in its state directory on
 * the host: once the guest is deleted, have the emulator drop it too.  Only
 * the host's root can, and only on this host; elsewhere, say what stays.
 */
static void
forget_emulated_guest(SevirtCli *cli, virConnectPtr conn, const char *emulator,
                      const char *uuid)
{
    g_autoptr(GError) local = NULL;

    if (!sevirt_emulator_is_emulated(emulator))
        return;
    if (!sevirt_conn_is_local(conn) || geteuid() != 0)
        sevirt_cli_warn(cli, _("the emulated SEV platform's record of guest %s stays on the host: remove it there as root with '%s --emu-forget %s'"),
                        uuid, emulator, uuid);
    else if (!sevirt_cli_run_emulator(cli, emulator, "--emu-forget", uuid, &local))
        sevirt_cli_warn(cli, _("the emulated SEV platform's record of guest %s stays on the host: %s"),
                        uuid, local->message);
}

static gboolean
cmd_delete(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const DeleteOpts *o = opts;
    g_autoptr(virDomain) dom = lookup(cli, args[0], error);
    g_autofree char *name = NULL;
    g_autofree char *emulator = NULL;
    g_autoptr(GError) local = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!dom)
        return FALSE;
    name = g_strdup(virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the UUID of domain '%s'"), name);
        return FALSE;
    }
    emulator = sevirt_domain_get_emulator(dom, &local);
    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (!sevirt_domain_delete(dom, o->keep_storage, cli_progress, cli, error))
        return FALSE;
    forget_emulated_guest(cli, virDomainGetConnect(dom), emulator, uuid);
    sevirt_cli_step(cli, _("Domain '%s' deleted"), name);
    return TRUE;
}

typedef struct {
    char *state;
    gint timeout;
} WaitOpts;

static GOptionEntry *
wait_entries(gpointer data)
{
    WaitOpts *o = data;
    const GOptionEntry entries[] = {
        { "state", 's', 0, G_OPTION_ARG_STRING, &o->state,
          N_("the state to wait for: running, paused or shutoff (required)"), N_("STATE") },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o->timeout,
          N_("give up after this many seconds (exit status 6); default: wait forever"),
          N_("SECONDS") },
        { NULL }
    };

    o->timeout = -1;
    return g_memdup2(entries, sizeof(entries));
}

static gboolean
cmd_wait(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const WaitOpts *o = opts;
    g_autoptr(virDomain) dom = NULL;
    SevirtWaitState state;

    if (!o->state)
        return sevirt_cli_usage_error(error, _("--state is required"));
    if (!sevirt_wait_state_from_string(o->state, &state, error))
        return FALSE;
    dom = lookup(cli, args[0], error);
    if (!dom || !sevirt_domain_wait(dom, state, o->timeout, error))
        return FALSE;
    sevirt_cli_step(cli, _("Domain '%s' is %s"), virDomainGetName(dom), o->state);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* list, status, ip */

static void
json_add_int(JsonBuilder *b, const char *member, gint64 value)
{
    json_builder_set_member_name(b, member);
    json_builder_add_int_value(b, value);
}

static void
json_add_addresses(JsonBuilder *b, GPtrArray *addresses)
{
    json_builder_set_member_name(b, "addresses");
    json_builder_begin_array(b);
    for (guint i = 0; addresses && i < addresses->len; i++) {
        const SevirtAddress *a = addresses->pdata[i];

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "address", a->address);
        json_add_int(b, "prefix", a->prefix);
        sevirt_cli_json_add_string(b, "family", a->ipv6 ? "ipv6" : "ipv4");
        sevirt_cli_json_add_string(b, "interface", a->iface);
        sevirt_cli_json_add_string(b, "mac", a->mac);
        sevirt_cli_json_add_string(b, "source", a->source);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* The members list and status share. */
static void
json_add_info(JsonBuilder *b, const SevirtDomainInfo *info)
{
    g_autofree char *policy = policy_string(info);

    sevirt_cli_json_add_string(b, "name", info->name);
    sevirt_cli_json_add_string(b, "uuid", info->uuid);
    sevirt_cli_json_add_string(b, "state", sevirt_domain_state_to_string(info->state));
    sevirt_cli_json_add_string(b, "sev", sevirt_sev_type_to_string(info->sev_type));
    sevirt_cli_json_add_string(b, "policy", policy);
    json_add_int(b, "vcpus", info->vcpus);
    json_add_int(b, "memory_mib", info->memory_kib / 1024);
    json_add_addresses(b, info->addresses);
}

/* "192.168.122.5" or "-" for the list's IP column. */
static const char *
first_address(const SevirtDomainInfo *info)
{
    return info->addresses && info->addresses->len ?
           ((SevirtAddress *) info->addresses->pdata[0])->address : "-";
}

typedef struct {
    gboolean all;
} ListOpts;

static GOptionEntry *
list_entries(gpointer data)
{
    ListOpts *o = data;
    const GOptionEntry entries[] = {
        { "all", 'a', 0, G_OPTION_ARG_NONE, &o->all,
          N_("also list domains that are not running"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static gboolean
cmd_list(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED, GError **error)
{
    const ListOpts *o = opts;
    virConnectPtr conn = lifecycle_connect(cli, error);
    g_autoptr(GPtrArray) infos = NULL;

    if (!conn || !(infos = sevirt_domain_list(conn, o->all, error)))
        return FALSE;

    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "domains");
        json_builder_begin_array(b);
        for (guint i = 0; i < infos->len; i++) {
            json_builder_begin_object(b);
            json_add_info(b, infos->pdata[i]);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
        return TRUE;
    }

    printf("%-24s %-14s %-8s %-10s %5s %10s  %s\n", _("NAME"), _("STATE"), _("SEV"),
           _("POLICY"), _("VCPUS"), _("MEMORY"), _("IP"));
    for (guint i = 0; i < infos->len; i++) {
        const SevirtDomainInfo *info = infos->pdata[i];
        g_autofree char *policy = policy_string(info);
        g_autofree char *mem = g_strdup_printf("%" G_GUINT64_FORMAT " MiB", info->memory_kib / 1024);

        printf("%-24s %-14s %-8s %-10s %5u %10s  %s\n", info->name,
               sevirt_domain_state_to_string(info->state),
               sevirt_sev_type_to_string(info->sev_type), policy ? policy : "-",
               info->vcpus, mem, first_address(info));
    }
    return TRUE;
}

static void
status_json(SevirtCli *cli, const SevirtDomainInfo *info)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_add_info(b, info);
    json_builder_set_member_name(b, "managed");
    json_builder_add_boolean_value(b, info->managed);
    json_builder_set_member_name(b, "persistent");
    json_builder_add_boolean_value(b, info->persistent);
    sevirt_cli_json_add_string(b, "emulator", info->emulator);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, info->emulated);
    json_builder_set_member_name(b, "uptime_seconds");
    if (info->uptime_s >= 0)
        json_builder_add_int_value(b, info->uptime_s);
    else
        json_builder_add_null_value(b);

    json_builder_set_member_name(b, "disks");
    json_builder_begin_array(b);
    for (guint i = 0; i < info->disks->len; i++) {
        const SevirtDiskInfo *d = info->disks->pdata[i];

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "target", d->target);
        sevirt_cli_json_add_string(b, "device", d->device);
        sevirt_cli_json_add_string(b, "source", d->source);
        sevirt_cli_json_add_string(b, "format", d->format);
        json_builder_set_member_name(b, "readonly");
        json_builder_add_boolean_value(b, d->readonly);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);

    json_builder_set_member_name(b, "networks");
    json_builder_begin_array(b);
    for (guint i = 0; i < info->nics->len; i++) {
        const SevirtNicInfo *n = info->nics->pdata[i];

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "type", n->type);
        sevirt_cli_json_add_string(b, "source", n->source);
        sevirt_cli_json_add_string(b, "mac", n->mac);
        sevirt_cli_json_add_string(b, "model", n->model);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);

    json_add_strings(b, "owned_volumes", info->owned_volumes);

    json_builder_set_member_name(b, "launch_security");
    json_builder_begin_object(b);
    for (guint i = 0; i < info->launch_security->len; i++) {
        const SevirtParam *p = info->launch_security->pdata[i];

        sevirt_cli_json_add_string(b, p->name, p->value);
    }
    json_builder_end_object(b);
    sevirt_cli_json_add_string(b, "launch_security_note", info->launch_security_note);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static char *
uptime_string(gint64 s)
{
    if (s < 0)
        return g_strdup(_("unknown"));
    return g_strdup_printf("%" G_GINT64_FORMAT "d %02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT
                           ":%02" G_GINT64_FORMAT, s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

static void
status_text(const SevirtDomainInfo *info)
{
    g_autofree char *policy = policy_string(info);
    g_autofree char *uptime = uptime_string(info->uptime_s);

    printf(_("Name:            %s\n"), info->name);
    printf(_("UUID:            %s\n"), info->uuid);
    printf(_("State:           %s\n"), sevirt_domain_state_to_string(info->state));
    printf(_("Managed:         %s\n"), info->managed ? _("yes") : _("no"));
    printf(_("SEV:             %s\n"), sevirt_sev_type_to_string(info->sev_type));
    printf(_("Policy:          %s\n"), policy ? policy : "-");
    if (info->emulator)
        printf(_("Emulator:        %s\n"), info->emulator);
    if (info->emulated)
        printf(_("Platform:        %s\n"), _(SEVIRT_CLI_EMULATED_NOTICE));
    printf(_("vCPUs:           %u\n"), info->vcpus);
    printf(_("Memory:          %" G_GUINT64_FORMAT " MiB\n"), info->memory_kib / 1024);
    printf(_("Uptime:          %s\n"), uptime);
    for (guint i = 0; i < info->addresses->len; i++) {
        const SevirtAddress *a = info->addresses->pdata[i];

        printf(_("Address:         %s/%u (%s, %s)\n"), a->address, a->prefix,
               a->iface ? a->iface : "-", a->source);
    }
    for (guint i = 0; i < info->disks->len; i++) {
        const SevirtDiskInfo *d = info->disks->pdata[i];

        printf(_("Disk:            %s %s %s (%s%s)\n"), d->target ? d->target : "-",
               d->device ? d->device : "disk", d->source ? d->source : "-",
               d->format ? d->format : "raw", d->readonly ? _(", read-only") : "");
    }
    for (guint i = 0; i < info->nics->len; i++) {
        const SevirtNicInfo *n = info->nics->pdata[i];

        printf(_("Network:         %s %s %s %s\n"), n->type ? n->type : "-",
               n->source ? n->source : "-", n->mac ? n->mac : "-", n->model ? n->model : "-");
    }
    for (guint i = 0; i < info->owned_volumes->len; i++)
        printf(_("Owned volume:    %s\n"), (const char *) info->owned_volumes->pdata[i]);
    for (guint i = 0; i < info->launch_security->len; i++) {
        const SevirtParam *p = info->launch_security->pdata[i];

        printf(_("Launch security: %s=%s\n"), p->name, p->value);
    }
    if (info->launch_security_note)
        printf(_("Launch security: %s\n"), info->launch_security_note);
}

static gboolean
cmd_status(SevirtCli *cli, gconstpointer opts G_GNUC_UNUSED, char **args, GError **error)
{
    g_autoptr(virDomain) dom = lookup(cli, args[0], error);
    g_autoptr(SevirtDomainInfo) info = NULL;

    if (!dom || !(info = sevirt_domain_status(dom, error)))
        return FALSE;
    if (cli->json)
        status_json(cli, info);
    else
        status_text(info);
    return TRUE;
}

typedef struct {
    gint wait;
} IpOpts;

static GOptionEntry *
ip_entries(gpointer data)
{
    IpOpts *o = data;
    const GOptionEntry entries[] = {
        { "wait", 'w', 0, G_OPTION_ARG_INT, &o->wait,
          N_("keep asking for up to SECONDS until an address shows up (exit status 6 if none)"),
          N_("SECONDS") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static gboolean
cmd_ip(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const IpOpts *o = opts;
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(GPtrArray) addrs = NULL;

    if (o->wait < 0)
        return sevirt_cli_usage_error(error, _("--wait must not be negative"));
    dom = lookup(cli, args[0], error);
    if (!dom || !(addrs = sevirt_domain_addresses(dom, o->wait, error)))
        return FALSE;
    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "name", virDomainGetName(dom));
        json_add_addresses(b, addrs);
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
        return TRUE;
    }
    for (guint i = 0; i < addrs->len; i++)
        printf("%s\n", ((SevirtAddress *) addrs->pdata[i])->address);
    return TRUE;
}

static const SevirtCmd domain_cmds[] = {
    { "create", N_("[NAME]"), N_("create a guest: volumes, cloud-init seed, definition"),
      N_("Creates the guest described by the options or the --spec file (NAME overrides the\n"
         "file's name) through the libvirt API, in steps: new volumes (qcow2 overlays on a\n"
         "backing volume, or blank), the cloud-init seed ISO uploaded into a pool, checks of\n"
         "networks and shared folders, then the definition with sevirt's metadata listing the\n"
         "volumes it created; --start or --paused starts it.  Any failure undoes every step\n"
         "already done; a name that exists is refused and left alone.\n"
         "With --attest it first makes the guest owner's launch session for the platform's\n"
         "PDH (--pdh FILE, or --from-host) into --keys-dir and puts it in the definition,\n"
         "ready for 'sevirt launch'."),
      SEVIRT_CMD_OPTIONS(CreateOpts, create_entries), 0, 1, cmd_create, 0 },
    { "start", N_("DOMAIN"), N_("start a defined guest"),
      N_("Starts the guest (a name or UUID).  For an SEV, SEV-ES or SEV-SNP guest the host's "
         "domain capabilities for the guest's emulator are checked first."),
      SEVIRT_CMD_OPTIONS(StartOpts, start_entries), 1, 1, cmd_start, 0 },
    { "stop", N_("DOMAIN"), N_("shut a guest down, destroying it after a timeout"),
      N_("Sends an ACPI power-button event and waits for the guest to power off "
         "(libvirt lifecycle events); destroys it when --timeout passes and says so."),
      SEVIRT_CMD_OPTIONS(StopOpts, stop_entries), 1, 1, cmd_stop, 0 },
    { "destroy", N_("DOMAIN"), N_("power a guest off at once"), NULL,
      0, NULL, 1, 1, cmd_destroy, 0 },
    { "delete", N_("DOMAIN"), N_("remove a guest, its NVRAM and the volumes sevirt created"),
      N_("Destroys the guest if it runs, undefines it with its NVRAM and deletes the volumes "
         "recorded in sevirt's metadata, and no others."),
      SEVIRT_CMD_OPTIONS(DeleteOpts, delete_entries), 1, 1, cmd_delete, 0 },
    { "wait", N_("DOMAIN"), N_("wait until a guest is running, paused or shut off"), NULL,
      SEVIRT_CMD_OPTIONS(WaitOpts, wait_entries), 1, 1, cmd_wait, 0 },
    { "list", NULL, N_("list the guests sevirt manages"),
      N_("Lists the domains that carry sevirt's metadata with their state, SEV type, policy, "
         "vCPUs, memory and IP address (from DHCP leases)."),
      SEVIRT_CMD_OPTIONS(ListOpts, list_entries), 0, 0, cmd_list, 0 },
    { "status", N_("DOMAIN"), N_("show everything about a guest"),
      N_("State, SEV type and policy, vCPUs, memory, uptime (when sevirt started it), "
         "addresses, disks, networks, the volumes sevirt owns and, for a running SEV guest, "
         "its launch security information."),
      0, NULL, 1, 1, cmd_status, 0 },
    { "ip", N_("DOMAIN"), N_("print a guest's IP addresses"),
      N_("Asks the DHCP leases of libvirt networks, then the QEMU guest agent, then the "
         "host's ARP table, and prints the first answer, one address per line."),
      SEVIRT_CMD_OPTIONS(IpOpts, ip_entries), 1, 1, cmd_ip, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_domain = {
    N_("Lifecycle"), domain_cmds,
};
