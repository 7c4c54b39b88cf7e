/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host commands: version.
 */
#include <config.h>

#include <stdio.h>

#include "cli.h"

static gboolean
cmd_version(SevirtCli *cli, char **args G_GNUC_UNUSED, GError **error)
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

static const SevirtCmd host_cmds[] = {
    { "version", NULL, N_("show the versions of sevirt, libvirt and the hypervisor"),
      NULL, NULL, 0, 0, cmd_version, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_host = {
    N_("Host"), host_cmds,
};
