/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV platform: emulator-setup.
 *
 * libvirt 9.0 names /dev/sev for every SEV domain: it allows the device in
 * the domain's device cgroup (which fails when the node is missing) and its
 * security manager opens the node read-write to lock it (which fails for a
 * node no driver answers).  On a host without SEV hardware the emulated
 * platform therefore needs a /dev/sev that exists and can be opened: a
 * node of the null device (1:3), which gives access to nothing.  The rest
 * of the setup is the emulator's state directory and platform identity,
 * made by the emulator itself so that it lands where the emulator looks.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxml/xpath.h>

#include "cli.h"

#define DEV_SEV "/dev/sev"
/* The null device: openable, reads nothing, and no SEV driver is ever 1:3. */
#define PLACEHOLDER_MAJOR 1
#define PLACEHOLDER_MINOR 3

static char *opt_emulator;
static gboolean opt_undo;
static gboolean opt_purge;

static const GOptionEntry setup_entries[] = {
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &opt_emulator,
      N_("the emulator program (default: the installed sevirt-qemu-emu)"), N_("PATH") },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &opt_undo,
      N_("remove the /dev/sev placeholder again"), NULL },
    { "purge", 0, 0, G_OPTION_ARG_NONE, &opt_purge,
      N_("with --undo: also delete the state directory (platform identity, domain records, received secrets)"), NULL },
    { NULL }
};

typedef enum {
    DEV_SEV_ABSENT,
    DEV_SEV_PLACEHOLDER,
    DEV_SEV_OTHER,
} DevSevKind;

static DevSevKind
dev_sev_kind(GError **error)
{
    struct stat st;

    if (lstat(DEV_SEV, &st) < 0) {
        if (errno == ENOENT)
            return DEV_SEV_ABSENT;
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot examine '%s': %s"), DEV_SEV, g_strerror(errno));
        return DEV_SEV_OTHER;
    }
    if (S_ISCHR(st.st_mode) && major(st.st_rdev) == PLACEHOLDER_MAJOR &&
        minor(st.st_rdev) == PLACEHOLDER_MINOR)
        return DEV_SEV_PLACEHOLDER;
    return DEV_SEV_OTHER;
}

/* The user and group the QEMU driver runs guests as: the DAC security
 * model's base label, "+UID:+GID". */
static gboolean
qemu_run_ids(virConnectPtr conn, guint64 *uid, guint64 *gid, GError **error)
{
    g_autofree char *caps = virConnectGetCapabilities(conn);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(xmlXPathObject) obj = NULL;
    g_auto(GStrv) ids = NULL;

    *uid = *gid = 0;
    if (!caps) {
        sevirt_error_libvirt(error, _("Cannot get the host capabilities"));
        return FALSE;
    }
    doc = xmlReadMemory(caps, strlen(caps), "capabilities.xml", NULL, XML_PARSE_NONET);
    if (!doc || !(ctx = xmlXPathNewContext(doc))) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_LIBVIRT,
                    _("Cannot parse the host capabilities"));
        return FALSE;
    }
    obj = xmlXPathEvalExpression(BAD_CAST
        "string((/capabilities/host/secmodel[model='dac']/baselabel[@type='qemu'] |"
        " /capabilities/host/secmodel[model='dac']/baselabel[@type='kvm'])[1])", ctx);
    if (!obj || !obj->stringval || !*obj->stringval)
        return TRUE;   /* no DAC driver: guests run as root */
    ids = g_strsplit((const char *) obj->stringval, ":", 2);
    if (g_strv_length(ids) != 2 ||
        !sevirt_parse_uint(_("DAC base label user"), ids[0] + (ids[0][0] == '+'), G_MAXUINT32 - 1, uid, error) ||
        !sevirt_parse_uint(_("DAC base label group"), ids[1] + (ids[1][0] == '+'), G_MAXUINT32 - 1, gid, error))
        return FALSE;
    return TRUE;
}

/* Runs the emulator with one of its --emu- options, relaying its lines. */
static gboolean
run_emulator(SevirtCli *cli, const char *emulator, const char *option, const char *arg,
             GError **error)
{
    const char *argv[] = { emulator, option, arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_auto(GStrv) lines = NULL;
    gint status = 0;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &err, &status, error))
        return FALSE;
    lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (*lines[i])
            sevirt_cli_step(cli, "%s", lines[i]);
    }
    if (!g_spawn_check_exit_status(status, NULL)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("'%s %s' failed: %s"), emulator, option, g_strstrip(err));
        return FALSE;
    }
    return TRUE;
}

/* libvirt keys its capability cache on the emulator binary's ctime:
 * changing it makes libvirt probe the emulator again. */
static gboolean
refresh_libvirt_cache(SevirtCli *cli, const char *emulator, GError **error)
{
    struct stat st;

    if (stat(emulator, &st) < 0 || chmod(emulator, st.st_mode & 07777) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot update the ctime of '%s': %s"), emulator, g_strerror(errno));
        return FALSE;
    }
    sevirt_cli_step(cli, _("updated the ctime of %s so that libvirt probes it again"), emulator);
    return TRUE;
}

static gboolean
setup_dev_sev(SevirtCli *cli, GError **error)
{
    g_autoptr(GError) local = NULL;

    switch (dev_sev_kind(&local)) {
    case DEV_SEV_PLACEHOLDER:
        sevirt_cli_step(cli, _("kept the placeholder %s (null device 1:3)"), DEV_SEV);
        return TRUE;
    case DEV_SEV_OTHER:
        if (local) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        sevirt_cli_step(cli, _("left %s alone: it is not the emulator's placeholder (SEV hardware?)"),
                        DEV_SEV);
        return TRUE;
    case DEV_SEV_ABSENT:
        break;
    }
    if (mknod(DEV_SEV, S_IFCHR | 0600, makedev(PLACEHOLDER_MAJOR, PLACEHOLDER_MINOR)) < 0) {
        /* made by a setup running at the same time */
        if (errno == EEXIST && dev_sev_kind(NULL) == DEV_SEV_PLACEHOLDER) {
            sevirt_cli_step(cli, _("kept the placeholder %s (null device 1:3)"), DEV_SEV);
            return TRUE;
        }
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), DEV_SEV, g_strerror(errno));
        return FALSE;
    }
    sevirt_cli_step(cli, _("created %s as a placeholder (null device 1:3): libvirt 9.0 allows and locks it for every SEV domain; it gives access to nothing"),
                    DEV_SEV);
    return TRUE;
}

static gboolean
undo_dev_sev(SevirtCli *cli, GError **error)
{
    g_autoptr(GError) local = NULL;

    switch (dev_sev_kind(&local)) {
    case DEV_SEV_ABSENT:
        sevirt_cli_step(cli, _("no %s placeholder to remove"), DEV_SEV);
        return TRUE;
    case DEV_SEV_OTHER:
        if (local) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        sevirt_cli_step(cli, _("left %s alone: it is not the emulator's placeholder"), DEV_SEV);
        return TRUE;
    case DEV_SEV_PLACEHOLDER:
        break;
    }
    if (g_unlink(DEV_SEV) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot remove '%s': %s"), DEV_SEV, g_strerror(errno));
        return FALSE;
    }
    sevirt_cli_step(cli, _("removed the placeholder %s"), DEV_SEV);
    return TRUE;
}

static gboolean
cmd_emulator_setup(SevirtCli *cli, char **args G_GNUC_UNUSED, GError **error)
{
    g_autofree char *emulator = g_strdup(opt_emulator ? opt_emulator
                                                      : LIBEXECDIR "/sevirt-qemu-emu");
    virConnectPtr conn;
    guint64 uid = 0, gid = 0;
    g_autofree char *owner = NULL;

    if (opt_purge && !opt_undo)
        return sevirt_cli_usage_error(error, _("--purge goes with --undo"));
    if (!g_file_test(emulator, G_FILE_TEST_IS_EXECUTABLE)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("emulator '%s' not found or not executable"), emulator);
        return FALSE;
    }
    if (geteuid() != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("emulator-setup must run as root: it changes /dev and the emulator's state directory"));
        return FALSE;
    }
    conn = sevirt_cli_connect(cli, error);
    if (!conn)
        return FALSE;
    if (!sevirt_conn_is_local(conn)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("emulator-setup prepares this host; the connection '%s' is to another host"),
                    virConnectGetURI(conn) ? virConnectGetURI(conn) : "");
        return FALSE;
    }

    sevirt_cli_step(cli, _("EMULATED SEV PLATFORM: no memory encryption, no confidentiality; for development and tests only"));
    if (opt_undo) {
        if (!undo_dev_sev(cli, error))
            return FALSE;
        if (opt_purge)
            return run_emulator(cli, emulator, "--emu-purge", NULL, error) &&
                   refresh_libvirt_cache(cli, emulator, error);
        return TRUE;
    }

    if (!qemu_run_ids(conn, &uid, &gid, error) || !setup_dev_sev(cli, error))
        return FALSE;
    owner = g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, uid, gid);
    return run_emulator(cli, emulator, "--emu-setup", owner, error) &&
           refresh_libvirt_cache(cli, emulator, error);
}

static const SevirtCmd emu_cmds[] = {
    { "emulator-setup", NULL,
      N_("prepare this host for the emulated SEV platform (or undo it)"),
      N_("The emulated SEV platform (sevirt-qemu-emu) lets libvirt run SEV and SEV-ES\n"
         "guests on a host without SEV hardware, with NO memory encryption and NO\n"
         "confidentiality. This command, run as root on that host, says each thing it\n"
         "does: it creates /dev/sev as a null-device placeholder when the host has\n"
         "none (libvirt 9.0 puts /dev/sev in every SEV domain's device cgroup and\n"
         "opens it), creates the emulator's state directory and its platform identity\n"
         "(emulated ARK, ASK, CEK, OCA, PEK, PDH) once, and makes libvirt probe the\n"
         "emulator again. Running it again changes nothing. --undo removes the\n"
         "placeholder; --undo --purge also deletes the state directory."),
      setup_entries, 0, 0, cmd_emulator_setup, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_emu = {
    N_("Emulated SEV platform"), emu_cmds,
};
