/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host commands: version, host-info, host-check.
 */
#include <config.h>

#include <stdio.h>

#include "cli.h"

static gboolean
cmd_version(SevirtCli *cli, gconstpointer opts G_GNUC_UNUSED, char **args G_GNUC_UNUSED, GError **error)
{
    unsigned long lib_local = 0;
    unsigned long lib_daemon = 0;
    unsigned long hv = 0;
    const char *hv_type;
    virConnectPtr conn;
    g_autofree char *local_s = NULL;
    g_autofree char *daemon_s = NULL;
    g_autofree char *hv_s = NULL;

    if (virGetVersion(&lib_local, NULL, NULL) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the libvirt library version"));
        return FALSE;
    }
    conn = sevirt_cli_connect(cli, error);
    if (!conn)
        return FALSE;
    if (!sevirt_conn_lib_version(conn, &lib_daemon, error))
        return FALSE;
    hv_type = virConnectGetType(conn);
    if (virConnectGetVersion(conn, &hv) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the hypervisor version"));
        return FALSE;
    }
    local_s = sevirt_version_string(lib_local);
    daemon_s = sevirt_version_string(lib_daemon);
    hv_s = sevirt_version_string(hv);

    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "sevirt_version");
        json_builder_add_string_value(b, PACKAGE_VERSION);
        json_builder_set_member_name(b, "libvirt_library_version");
        json_builder_add_string_value(b, local_s);
        json_builder_set_member_name(b, "libvirt_version");
        json_builder_add_string_value(b, daemon_s);
        json_builder_set_member_name(b, "hypervisor");
        json_builder_add_string_value(b, hv_type ? hv_type : "");
        json_builder_set_member_name(b, "hypervisor_version");
        json_builder_add_string_value(b, hv_s);
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
        return TRUE;
    }

    printf(_("sevirt:              %s\n"), PACKAGE_VERSION);
    printf(_("libvirt library:     %s\n"), local_s);
    printf(_("libvirt daemon:      %s\n"), daemon_s);
    printf(_("Running hypervisor:  %s %s\n"), hv_type ? hv_type : "?", hv_s);
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* host-info, host-check */

/* The options of both; host-info leaves sev unset. */
typedef struct {
    char *emulator;
    char *virt_type;
    char *machine;
    char *sev;
} HostOpts;

#define HOST_CAPS_OPTION_ENTRIES(o) \
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &(o)->emulator, \
      N_("emulator binary to ask about (default: the host's)"), N_("PATH") }, \
    { "virt-type", 0, 0, G_OPTION_ARG_STRING, &(o)->virt_type, \
      N_("kvm or qemu (default: kvm, else qemu)"), N_("TYPE") }, \
    { "machine", 0, 0, G_OPTION_ARG_STRING, &(o)->machine, \
      N_("machine type (default q35)"), N_("MACHINE") }

static GOptionEntry *
host_info_entries(gpointer data)
{
    HostOpts *o = data;
    const GOptionEntry entries[] = {
        HOST_CAPS_OPTION_ENTRIES(o),
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static GOptionEntry *
host_check_entries(gpointer data)
{
    HostOpts *o = data;
    const GOptionEntry entries[] = {
        HOST_CAPS_OPTION_ENTRIES(o),
        { "sev", 0, 0, G_OPTION_ARG_STRING, &o->sev,
          N_("the SEV type guests need: sev (default), sev-es or sev-snp"), N_("TYPE") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static SevirtHostCaps *
query_caps(SevirtCli *cli, const HostOpts *o, GError **error)
{
    virConnectPtr conn;
    SevirtVirtType vt;

    if (o->virt_type && !sevirt_virt_type_from_string(o->virt_type, &vt, error)) {
        g_prefix_error(error, "--virt-type: ");
        return NULL;
    }
    conn = sevirt_cli_connect(cli, error);
    if (!conn)
        return NULL;
    return sevirt_host_caps_query(conn, o->emulator,
                                  o->virt_type ? sevirt_virt_type_to_string(vt) : NULL,
                                  o->machine, error);
}

static void
json_add_int(JsonBuilder *b, const char *name, gint value)
{
    json_builder_set_member_name(b, name);
    if (value < 0)
        json_builder_add_null_value(b);
    else
        json_builder_add_int_value(b, value);
}

static void
json_add_tristate(JsonBuilder *b, const char *name, SevirtTristate value)
{
    json_builder_set_member_name(b, name);
    if (value == SEVIRT_TRISTATE_DEFAULT)
        json_builder_add_null_value(b);
    else
        json_builder_add_boolean_value(b, value == SEVIRT_TRISTATE_YES);
}

/* Free slots of a pool: null when unknown or unlimited ("slots_limited"). */
static void
json_add_free_slots(JsonBuilder *b, const char *name, const SevirtHostCaps *caps,
                    SevirtSevType type)
{
    gint free_slots = sevirt_host_caps_free_slots(caps, type);

    json_add_int(b, name, free_slots == SEVIRT_HOST_SLOTS_UNLIMITED ? -1 : free_slots);
}

/* "emulated_platform": what the emulator says about itself, or null. */
static void
json_add_emulated_platform(JsonBuilder *b, const SevirtHostCaps *caps)
{
    const SevirtEmuInfo *info = caps->emu_info;
    g_autofree char *api = NULL;

    json_builder_set_member_name(b, "emulated_platform");
    if (!caps->emulated) {
        json_builder_add_null_value(b);
        return;
    }
    if (info && info->api_major >= 0 && info->api_minor >= 0)
        api = g_strdup_printf("%d.%d", info->api_major, info->api_minor);
    json_builder_begin_object(b);
    /* For scripts: the emulator's own words, never translated. */
    sevirt_cli_json_add_string(b, "notice", "EMULATED SEV PLATFORM: no memory encryption, no confidentiality");
    sevirt_cli_json_add_string(b, "state_dir", info ? info->state_dir : NULL);
    sevirt_cli_json_add_string(b, "qemu", info ? info->qemu : NULL);
    sevirt_cli_json_add_string(b, "api_version", api);
    json_add_int(b, "build_id", info ? info->build_id : -1);
    json_add_int(b, "cpu_family", info ? info->cpu_family : -1);
    json_add_int(b, "cpu_model", info ? info->cpu_model : -1);
    json_add_int(b, "cpu_stepping", info ? info->cpu_stepping : -1);
    sevirt_cli_json_add_string(b, "identity_dir", info ? info->identity_dir : NULL);
    if (info)
        sevirt_cli_json_add_string(b, "error", info->identity_error);
    else
        sevirt_cli_json_add_string(b, "error", caps->emu_info_error ? caps->emu_info_error
                                                         : _("remote host: the emulator cannot be asked"));
    json_builder_end_object(b);
}

static void
json_add_firmware(JsonBuilder *b, const SevirtHostCaps *caps)
{
    json_builder_set_member_name(b, "firmware");
    json_builder_begin_array(b);
    if (caps->firmware_known) {
        for (guint i = 0; i < caps->firmware->len; i++) {
            const SevirtFirmware *fw = g_ptr_array_index(caps->firmware, i);

            json_builder_begin_object(b);
            sevirt_cli_json_add_string(b, "path", fw->executable);
            sevirt_cli_json_add_string(b, "descriptor", fw->descriptor);
            sevirt_cli_json_add_string(b, "description", fw->description);
            json_builder_set_member_name(b, "features");
            json_builder_begin_array(b);
            for (guint j = 0; fw->features[j]; j++)
                json_builder_add_string_value(b, fw->features[j]);
            json_builder_end_array(b);
            json_builder_end_object(b);
        }
    } else {
        /* Remote host: only the loader paths libvirt lists, features unknown. */
        for (guint i = 0; caps->loaders && i < caps->loaders->len; i++) {
            json_builder_begin_object(b);
            sevirt_cli_json_add_string(b, "path", g_ptr_array_index(caps->loaders, i));
            json_builder_set_member_name(b, "features");
            json_builder_add_null_value(b);
            json_builder_end_object(b);
        }
    }
    json_builder_end_array(b);
}

static void
print_host_info_json(SevirtCli *cli, const SevirtHostCaps *caps)
{
    static const SevirtSevType types[] = { SEVIRT_SEV_SEV, SEVIRT_SEV_ES, SEVIRT_SEV_SNP };
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *lv = sevirt_version_string(caps->libvirt_version);
    g_autofree char *hv = sevirt_version_string(caps->hypervisor_version);

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "uri", caps->uri);
    sevirt_cli_json_add_string(b, "libvirt_version", lv);
    sevirt_cli_json_add_string(b, "hypervisor_version", hv);
    sevirt_cli_json_add_string(b, "emulator", caps->emulator);
    sevirt_cli_json_add_string(b, "domain_type", caps->domain_type);
    sevirt_cli_json_add_string(b, "machine", caps->machine);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, caps->emulated);
    json_add_emulated_platform(b, caps);
    json_builder_set_member_name(b, "sev");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "supported");
    json_builder_add_boolean_value(b, caps->sev);
    json_add_int(b, "cbitpos", caps->cbitpos);
    json_add_int(b, "reduced_phys_bits", caps->reduced_phys_bits);
    /* The emulated platform has no ASIDs: no limits, so no counts. */
    json_builder_set_member_name(b, "slots_limited");
    json_builder_add_boolean_value(b, !caps->emulated);
    json_add_int(b, "max_guests", caps->max_guests);
    json_add_int(b, "max_es_guests", caps->max_es_guests);
    json_add_int(b, "guests_running", caps->guests_running);
    json_add_int(b, "es_guests_running", caps->es_guests_running);
    json_add_free_slots(b, "free_slots", caps, SEVIRT_SEV_SEV);
    json_add_free_slots(b, "es_free_slots", caps, SEVIRT_SEV_ES);
    json_add_free_slots(b, "snp_free_slots", caps, SEVIRT_SEV_SNP);
    json_builder_end_object(b);
    /* As libvirt >= 10.5 lists them; null when its domcaps do not. */
    json_builder_set_member_name(b, "launch_security_types");
    if (caps->launch_security_types) {
        json_builder_begin_array(b);
        for (guint i = 0; i < caps->launch_security_types->len; i++)
            json_builder_add_string_value(b, g_ptr_array_index(caps->launch_security_types, i));
        json_builder_end_array(b);
    } else {
        json_builder_add_null_value(b);
    }
    json_builder_set_member_name(b, "types");
    json_builder_begin_array(b);
    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        if (sevirt_host_caps_supports(caps, types[i]))
            json_builder_add_string_value(b, sevirt_sev_type_to_string(types[i]));
    }
    json_builder_end_array(b);
    json_add_tristate(b, "passt", caps->passt);
    json_add_firmware(b, caps);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

/* "3 running, 12 of 15 slots free" */
static char *
describe_slots(const SevirtHostCaps *caps, SevirtSevType type)
{
    gint running = type == SEVIRT_SEV_SEV ? caps->guests_running : caps->es_guests_running;
    gint max = type == SEVIRT_SEV_SEV ? caps->max_guests : caps->max_es_guests;

    if (caps->emulated)
        return g_strdup_printf(_("%d running, no slot limit (the emulated platform has no ASIDs)"),
                               running);
    if (max < 0)
        return g_strdup_printf(_("%d running, slot count not reported"), running);
    return g_strdup_printf(ngettext("%d running, %d of %d slot free",
                                    "%d running, %d of %d slots free", max),
                           running, sevirt_host_caps_free_slots(caps, type), max);
}

/* libvirt's own list (domcaps <launchSecurity>, libvirt >= 10.5). */
static void
print_launch_security_types(const SevirtHostCaps *caps)
{
    g_autoptr(GString) list = NULL;

    if (!caps->launch_security_types) {
        printf(_("Launch security: not listed by this libvirt (10.5 and later list it)\n"));
        return;
    }
    if (caps->launch_security_types->len == 0) {
        printf(_("Launch security: libvirt reports none supported\n"));
        return;
    }
    list = g_string_new(NULL);
    for (guint i = 0; i < caps->launch_security_types->len; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "",
                               (const char *) g_ptr_array_index(caps->launch_security_types, i));
    printf(_("Launch security: %s (as libvirt lists them)\n"), list->str);
}

/* What the emulated platform says about itself, under the "Platform:" line. */
static void
print_emulated_platform(const SevirtHostCaps *caps)
{
    const SevirtEmuInfo *info = caps->emu_info;
    g_autofree char *summary = NULL;

    printf(_("Platform:        EMULATED by sevirt: guests get NO memory encryption and "
             "NO confidentiality\n"));
    if (!info) {
        printf(_("Emulator state:  unknown (%s)\n"),
               caps->emu_info_error ? caps->emu_info_error
                                    : _("remote host: the emulator cannot be asked"));
        return;
    }
    summary = sevirt_emu_info_summary(info);
    printf(_("Emulator state:  %s\n"), info->state_dir ? info->state_dir : "?");
    if (info->identity_dir)
        printf(_("Identity:        %s\n"), info->identity_dir);
    else
        printf(_("Identity:        none (%s)\n"), info->identity_error);
    printf(_("Emulates:        %s\n"), summary);
    printf(_("Real QEMU:       %s\n"), info->qemu ? info->qemu : "?");
}

static void
print_passt(const SevirtHostCaps *caps)
{
    g_autofree char *why = NULL;

    switch (caps->passt) {
    case SEVIRT_TRISTATE_YES:
        printf(_("User network:    yes (passt)\n"));
        break;
    case SEVIRT_TRISTATE_NO:
        why = sevirt_host_caps_passt_refusal(caps);
        printf(_("User network:    no: %s\n"), why);
        break;
    case SEVIRT_TRISTATE_DEFAULT:
    default:
        printf(_("User network:    unknown\n"));
        break;
    }
}

static void
print_firmware(const SevirtHostCaps *caps)
{
    printf("%s\n", _("Firmware:"));
    if (!caps->firmware_known) {
        printf("  %s\n", _("(remote host: descriptors not readable; libvirt lists these loaders)"));
        for (guint i = 0; caps->loaders && i < caps->loaders->len; i++)
            printf("  %s\n", (const char *) g_ptr_array_index(caps->loaders, i));
        return;
    }
    if (caps->firmware->len == 0)
        printf("  %s\n", _("(no QEMU firmware descriptors found)"));
    for (guint i = 0; i < caps->firmware->len; i++) {
        const SevirtFirmware *fw = g_ptr_array_index(caps->firmware, i);
        g_autofree char *features = g_strjoinv(", ", fw->features);

        printf("  %s\n      %s\n", fw->executable, *features ? features : _("(no features)"));
    }
}

static void
print_host_info_text(const SevirtHostCaps *caps)
{
    g_autofree char *lv = sevirt_version_string(caps->libvirt_version);
    g_autofree char *hv = sevirt_version_string(caps->hypervisor_version);
    const char *yes = _("yes"), *no = _("no");

    printf(_("Connection:      %s\n"), caps->uri ? caps->uri : "?");
    printf(_("libvirt:         %s\n"), lv);
    printf(_("Hypervisor:      QEMU %s\n"), hv);
    printf(_("Emulator:        %s (%s, %s)\n"), caps->emulator ? caps->emulator : "?",
           caps->domain_type ? caps->domain_type : "?", caps->machine ? caps->machine : "?");
    if (caps->emulated)
        print_emulated_platform(caps);
    if (caps->sev)
        printf(_("SEV:             yes (cbitpos %d, reduced-phys-bits %d)\n"),
               caps->cbitpos, caps->reduced_phys_bits);
    else
        printf(_("SEV:             no\n"));
    printf(_("SEV-ES:          %s\n"), sevirt_host_caps_supports(caps, SEVIRT_SEV_ES) ? yes : no);
    printf(_("SEV-SNP:         %s\n"), sevirt_host_caps_supports(caps, SEVIRT_SEV_SNP) ? yes : no);
    print_launch_security_types(caps);
    if (caps->sev) {
        g_autofree char *sev_slots = describe_slots(caps, SEVIRT_SEV_SEV);
        g_autofree char *es_slots = describe_slots(caps, SEVIRT_SEV_ES);

        printf(_("SEV guests:      %s\n"), sev_slots);
        printf(_("SEV-ES guests:   %s\n"), es_slots);
        if (sevirt_host_caps_supports(caps, SEVIRT_SEV_SNP))
            printf(_("SEV-SNP guests:  share the SEV-ES slots\n"));
    } else {
        printf(_("This host cannot run SEV, SEV-ES or SEV-SNP guests: libvirt reports no SEV "
                 "support for %s. Run 'sevirt host-check' to see why.\n"),
               caps->emulator ? caps->emulator : _("its emulator"));
    }
    print_passt(caps);
    print_firmware(caps);
}

static gboolean
cmd_host_info(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED, GError **error)
{
    g_autoptr(SevirtHostCaps) caps = query_caps(cli, opts, error);

    if (!caps)
        return FALSE;
    if (cli->json)
        print_host_info_json(cli, caps);
    else
        print_host_info_text(caps);
    return TRUE;
}

static void
print_checks_json(SevirtCli *cli, const SevirtHostCaps *caps, SevirtSevType type,
                  const GPtrArray *checks)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "uri", caps->uri);
    sevirt_cli_json_add_string(b, "type", sevirt_sev_type_to_string(type));
    sevirt_cli_json_add_string(b, "emulator", caps->emulator);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, caps->emulated);
    json_add_emulated_platform(b, caps);
    json_builder_set_member_name(b, "passed");
    json_builder_add_boolean_value(b, !sevirt_host_check_failed(checks));
    json_builder_set_member_name(b, "checks");
    json_builder_begin_array(b);
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "status", sevirt_check_status_to_string(c->status));
        sevirt_cli_json_add_string(b, "name", c->name);
        sevirt_cli_json_add_string(b, "detail", c->detail);
        sevirt_cli_json_add_string(b, "fix", c->fix);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static void
print_checks_text(const GPtrArray *checks)
{
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

        printf("%s  %s: %s\n", sevirt_check_status_to_string(c->status), c->name, c->detail);
        if (c->fix)
            printf(_("      fix: %s\n"), c->fix);
    }
}

static gboolean
cmd_host_check(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED, GError **error)
{
    const HostOpts *o = opts;
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(GPtrArray) checks = NULL;
    SevirtSevType type = SEVIRT_SEV_SEV;
    guint failed = 0;

    if (o->sev) {
        if (!sevirt_sev_type_from_string(o->sev, &type, error)) {
            g_prefix_error(error, "--sev: ");
            return FALSE;
        }
        if (type == SEVIRT_SEV_NONE)
            return sevirt_cli_usage_error(error, _("--sev: invalid value 'none': host-check "
                                                   "checks sev, sev-es or sev-snp"));
    }
    caps = query_caps(cli, o, error);
    if (!caps)
        return FALSE;
    checks = sevirt_host_check(caps, type, sevirt_conn_is_local(cli->conn) ? "/" : NULL);
    if (cli->json)
        print_checks_json(cli, caps, type, checks);
    else
        print_checks_text(checks);

    for (guint i = 0; i < checks->len; i++)
        failed += ((SevirtHostCheck *) g_ptr_array_index(checks, i))->status == SEVIRT_CHECK_FAIL;
    if (failed) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    g_dngettext(GETTEXT_PACKAGE,
                                "%u check failed: this host cannot run %s guests",
                                "%u checks failed: this host cannot run %s guests", failed),
                    failed, sevirt_sev_type_to_string(type));
        return FALSE;
    }
    return TRUE;
}

static const SevirtCmd host_cmds[] = {
    { "version", NULL, N_("show the versions of sevirt, libvirt and the hypervisor"),
      NULL, 0, NULL, 0, 0, cmd_version, 0 },
    { "host-info", NULL, N_("show what the host offers for SEV, SEV-ES and SEV-SNP guests"),
      N_("Reports the libvirt and QEMU versions, whether SEV, SEV-ES and SEV-SNP are\n"
         "usable with the emulator, cbitpos, reduced-phys-bits, the ASID slots and how\n"
         "many are in use, whether user-mode networking (passt) works, and the firmware\n"
         "images with their confidential features. With the emulated SEV platform\n"
         "(--emulator PATH/sevirt-qemu-emu) it says that guests get no memory\n"
         "encryption, and shows the emulator's state directory, SEV API version and\n"
         "CPU signature. A host without SEV is reported plainly, with exit status 0."),
      SEVIRT_CMD_OPTIONS(HostOpts, host_info_entries), 0, 0, cmd_host_info, 0 },
    { "host-check", NULL, N_("check that the host can run confidential guests"),
      N_("Runs preflight checks in the spirit of virt-host-validate: one PASS, WARN or\n"
         "FAIL line per check with the fix. With the emulated SEV platform\n"
         "(--emulator PATH/sevirt-qemu-emu) it checks what that platform needs instead\n"
         "of SEV hardware: its identity and the /dev/sev placeholder of 'sevirt\n"
         "emulator-setup'. Exits 4 when any check fails."),
      SEVIRT_CMD_OPTIONS(HostOpts, host_check_entries), 0, 0, cmd_host_check, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_host = {
    N_("Host"), host_cmds,
};
