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
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli.h"

/* The placeholder is the null device (SEVIRT_DEV_SEV_PLACEHOLDER_MAJOR and
 * _MINOR): openable, reads nothing, and no SEV driver is ever 1:3. */
#define DEV_SEV SEVIRT_DEV_SEV_PATH

typedef struct {
    char *emulator;
    char *user;
    gboolean undo;
    gboolean purge;
    char *keep_secrets;
} SetupOpts;

static GOptionEntry *
setup_entries(gpointer data)
{
    SetupOpts *o = data;
    const GOptionEntry entries[] = {
        { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &o->emulator,
          N_("the emulator program (default: the installed sevirt-qemu-emu)"), N_("PATH") },
        { "user", 0, 0, G_OPTION_ARG_STRING, &o->user,
          N_("user (and group) QEMU runs as (default: the owner of /var/lib/libvirt/qemu)"), N_("USER[:GROUP]") },
        { "undo", 0, 0, G_OPTION_ARG_NONE, &o->undo,
          N_("remove the /dev/sev placeholder again"), NULL },
        { "purge", 0, 0, G_OPTION_ARG_NONE, &o->purge,
          N_("with --undo: also delete the state directory (platform identity, domain records, received secrets)"), NULL },
        { "keep-secrets", 0, 0, G_OPTION_ARG_STRING, &o->keep_secrets,
          N_("yes: keep the secrets guests receive, decrypted, in their records (for tests and demonstrations); no: keep none (the default)"), N_("yes|no") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/* A user or group by name or number. */
static gboolean
lookup_id(const char *text, gboolean is_user, guint64 *id, GError **error)
{
    if (g_ascii_isdigit(text[0]))
        return sevirt_parse_uint("--user", text, G_MAXUINT32 - 1, id, error);
    if (is_user) {
        struct passwd *pw = getpwnam(text);

        if (pw) {
            *id = pw->pw_uid;
            return TRUE;
        }
    } else {
        struct group *gr = getgrnam(text);

        if (gr) {
            *id = gr->gr_gid;
            return TRUE;
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("--user: no %s '%s' on this host"), is_user ? _("user") : _("group"), text);
    return FALSE;
}

/*
 * The user and group the QEMU driver runs guests (and so the emulator) as.
 * libvirtd gives its QEMU state directory to them each time it starts
 * (qemu.conf user/group), so its owner answers without parsing qemu.conf;
 * --user overrides.
 */
#define QEMU_DRIVER_LIBDIR "/var/lib/libvirt/qemu"

static gboolean
qemu_run_ids(const char *user, guint64 *uid, guint64 *gid, GError **error)
{
    g_auto(GStrv) parts = NULL;
    struct stat st;

    if (!user) {
        if (stat(QEMU_DRIVER_LIBDIR, &st) < 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                        _("Cannot find the user QEMU runs as ('%s': %s); give it with --user"),
                        QEMU_DRIVER_LIBDIR, g_strerror(errno));
            return FALSE;
        }
        *uid = st.st_uid;
        *gid = st.st_gid;
        return TRUE;
    }
    parts = g_strsplit(user, ":", 2);
    if (!lookup_id(parts[0], TRUE, uid, error))
        return FALSE;
    if (parts[1])
        return lookup_id(parts[1], FALSE, gid, error);
    {
        struct passwd *pw = getpwuid(*uid);

        *gid = pw ? pw->pw_gid : *uid;
    }
    return TRUE;
}

static gboolean
setup_dev_sev(SevirtCli *cli, GError **error)
{
    SevirtDevSev kind;

    if (!sevirt_dev_sev_examine(DEV_SEV, &kind, error))
        return FALSE;
    switch (kind) {
    case SEVIRT_DEV_SEV_PLACEHOLDER:
        sevirt_cli_step(cli, _("kept the placeholder %s (null device 1:3)"), DEV_SEV);
        return TRUE;
    case SEVIRT_DEV_SEV_DEVICE:
    case SEVIRT_DEV_SEV_NOT_DEVICE:
        sevirt_cli_step(cli, _("left %s alone: it is not the emulator's placeholder (SEV hardware?)"),
                        DEV_SEV);
        return TRUE;
    case SEVIRT_DEV_SEV_ABSENT:
        break;
    }
    if (mknod(DEV_SEV, S_IFCHR | 0600,
              makedev(SEVIRT_DEV_SEV_PLACEHOLDER_MAJOR, SEVIRT_DEV_SEV_PLACEHOLDER_MINOR)) < 0) {
        int saved = errno;

        /* made by a setup running at the same time */
        if (saved == EEXIST && sevirt_dev_sev_examine(DEV_SEV, &kind, NULL) &&
            kind == SEVIRT_DEV_SEV_PLACEHOLDER) {
            sevirt_cli_step(cli, _("kept the placeholder %s (null device 1:3)"), DEV_SEV);
            return TRUE;
        }
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), DEV_SEV, g_strerror(saved));
        return FALSE;
    }
    sevirt_cli_step(cli, _("created %s as a placeholder (null device 1:3): libvirt 9.0 allows and locks it for every SEV domain; it gives access to nothing"),
                    DEV_SEV);
    return TRUE;
}

static gboolean
undo_dev_sev(SevirtCli *cli, GError **error)
{
    SevirtDevSev kind;

    if (!sevirt_dev_sev_examine(DEV_SEV, &kind, error))
        return FALSE;
    switch (kind) {
    case SEVIRT_DEV_SEV_ABSENT:
        sevirt_cli_step(cli, _("no %s placeholder to remove"), DEV_SEV);
        return TRUE;
    case SEVIRT_DEV_SEV_DEVICE:
    case SEVIRT_DEV_SEV_NOT_DEVICE:
        sevirt_cli_step(cli, _("left %s alone: it is not the emulator's placeholder"), DEV_SEV);
        return TRUE;
    case SEVIRT_DEV_SEV_PLACEHOLDER:
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

/* A libvirt URI without a host part (or naming localhost) is this host. */
static gboolean
uri_is_local(const char *uri)
{
    g_autoptr(GUri) parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    const char *host = parsed ? g_uri_get_host(parsed) : NULL;

    return parsed && (!host || !*host || g_str_equal(host, "localhost"));
}

/* The UUIDs of every domain libvirt knows, comma-separated (maybe none). */
static char *
known_domains(SevirtCli *cli, GError **error)
{
    virConnectPtr conn = sevirt_cli_connect(cli, error);
    g_autoptr(GString) uuids = g_string_new(NULL);
    virDomainPtr *doms = NULL;
    int n;

    if (!conn)
        return NULL;
    n = virConnectListAllDomains(conn, &doms, 0);
    if (n < 0) {
        sevirt_error_libvirt(error, _("Cannot list the domains"));
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];

        if (virDomainGetUUIDString(doms[i], uuid) == 0)
            g_string_append_printf(uuids, "%s%s", uuids->len ? "," : "", uuid);
        virDomainFree(doms[i]);
    }
    free(doms);
    return g_string_free(g_steal_pointer(&uuids), FALSE);
}

/*
 * Records of guests libvirt no longer knows (undefined without 'sevirt
 * delete') go, with the secrets they received.
 */
static gboolean
prune_records(SevirtCli *cli, const char *emulator, GError **error)
{
    g_autofree char *known = known_domains(cli, error);

    return known && sevirt_cli_run_emulator(cli, emulator, "--emu-prune", known, error);
}

static gboolean
cmd_emulator_setup(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED,
                   GError **error)
{
    const SetupOpts *o = opts;
    g_autofree char *emulator = g_strdup(o->emulator ? o->emulator
                                                      : LIBEXECDIR "/sevirt-qemu-emu");
    guint64 uid = 0, gid = 0;
    g_autofree char *owner = NULL;

    if (o->purge && !o->undo)
        return sevirt_cli_usage_error(error, _("--purge goes with --undo"));
    if (o->keep_secrets && o->undo)
        return sevirt_cli_usage_error(error, _("--keep-secrets does not go with --undo"));
    if (o->keep_secrets && !g_str_equal(o->keep_secrets, "yes") &&
        !g_str_equal(o->keep_secrets, "no"))
        return sevirt_cli_usage_error(error, _("--keep-secrets takes yes or no, not '%s'"),
                                      o->keep_secrets);
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
    if (cli->uri && !uri_is_local(cli->uri)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("emulator-setup prepares this host; '%s' is another host"), cli->uri);
        return FALSE;
    }

    sevirt_cli_step(cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
    if (o->undo) {
        if (!undo_dev_sev(cli, error))
            return FALSE;
        if (o->purge)
            return sevirt_cli_run_emulator(cli, emulator, "--emu-purge", NULL, error);
        return TRUE;
    }

    if (!qemu_run_ids(o->user, &uid, &gid, error) || !setup_dev_sev(cli, error))
        return FALSE;
    owner = g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, uid, gid);
    return sevirt_cli_run_emulator(cli, emulator, "--emu-setup", owner, error) &&
           (!o->keep_secrets ||
            sevirt_cli_run_emulator(cli, emulator, "--emu-keep-secrets", o->keep_secrets, error)) &&
           prune_records(cli, emulator, error);
}

static const SevirtCmd emu_cmds[] = {
    { "emulator-setup", NULL,
      N_("prepare this host for the emulated SEV platform (or undo it)"),
      N_("The emulated SEV platform (sevirt-qemu-emu) lets libvirt run SEV, SEV-ES\n"
         "and (libvirt 10.5 or later) SEV-SNP guests on a host without SEV hardware,\n"
         "with NO memory encryption and NO\n"
         "confidentiality. This command, run as root on that host, says each thing it\n"
         "does: it creates /dev/sev as a null-device placeholder when the host has\n"
         "none (libvirt 9.0 puts /dev/sev in every SEV domain's device cgroup and\n"
         "opens it), creates the emulator's state directory and its platform identity\n"
         "(emulated ARK, ASK, CEK, OCA, PEK, PDH; for SEV-SNP an emulated ARK, ASK\n"
         "and VCEK) once, and makes libvirt probe the\n"
         "emulator again, and removes the records of guests libvirt no longer knows.\n"
         "The emulator keeps the secrets guests receive only after --keep-secrets yes\n"
         "(until --keep-secrets no). Running it again changes nothing else.\n"
         "--undo removes the placeholder; --undo --purge also deletes the state\n"
         "directory."),
      SEVIRT_CMD_OPTIONS(SetupOpts, setup_entries), 0, 0, cmd_emulator_setup, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_emu = {
    N_("Emulated SEV platform"), emu_cmds,
};
