/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sevirt-qemu-emu: the emulated SEV platform.
 *
 * A libvirt domain names this program as its <emulator>.  It reads the
 * command line libvirt built, takes out what only SEV hardware can do, forks
 * the QMP proxy that plays the AMD PSP, and then execs the real QEMU in its
 * own process: the process libvirt started and tracks is the real QEMU from
 * then on, so signals, exit status, CPU accounting, cgroups and vCPU threads
 * are QEMU's own.  The proxy lives as long as QEMU's monitor connection.
 *
 * It provides no memory encryption and no confidentiality at all.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "sevirt.h"
#include "sevirt-util.h"
#include "emu-args.h"
#include "emu-platform.h"
#include "emu-psp.h"
#include "emu-qmp.h"

#define PROG "sevirt-qemu-emu"

typedef struct {
    GMainLoop *loop;
    EmuPsp *psp;
} EmuProxyCtx;

static void G_GNUC_NORETURN G_GNUC_PRINTF(1, 2)
die(const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_printerr("%s: %s\n", PROG, msg);
    g_free(msg);
    exit(EXIT_FAILURE);
}

static void
announce(const EmuArgs *args, const EmuPlatform *platform)
{
    g_printerr(_("%s: EMULATED SEV PLATFORM: no memory encryption, no confidentiality; for development and tests only\n"),
               PROG);
    g_printerr(_("%s: real QEMU: %s; state directory: %s\n"), PROG, platform->qemu,
               platform->state_dir);
    for (guint i = 0; i < args->removed->len; i++)
        g_printerr(_("%s: not passed to QEMU: %s\n"), PROG,
                   (const char *) g_ptr_array_index(args->removed, i));
}

static EmuQmpAction
proxy_command(const char *name, JsonObject *arguments, JsonNode **ret, GError **error,
              gpointer data)
{
    EmuProxyCtx *ctx = data;

    return emu_psp_qmp_command(ctx->psp, name, arguments, ret, error);
}

static gboolean
proxy_response(const char *name, JsonObject *arguments, JsonObject *response, gpointer data)
{
    EmuProxyCtx *ctx = data;

    return emu_psp_qmp_response(ctx->psp, name, arguments, response);
}

static void
proxy_qemu_gone(gpointer data)
{
    EmuProxyCtx *ctx = data;

    g_main_loop_quit(ctx->loop);
}

static gboolean
proxy_signal(gpointer data)
{
    EmuProxyCtx *ctx = data;

    g_main_loop_quit(ctx->loop);
    return G_SOURCE_CONTINUE;
}

/* The proxy keeps only its two sockets and stdio: descriptors libvirt passed
 * for QEMU (taps, chardevs) belong to QEMU alone. */
static void
close_other_fds(int keep1, int keep2)
{
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    const char *entry;

    if (!dir)
        return;
    while ((entry = g_dir_read_name(dir))) {
        int fd = atoi(entry);

        if (fd > 2 && fd != keep1 && fd != keep2)
            g_array_append_val(fds, fd);
    }
    g_clear_pointer(&dir, g_dir_close);
    for (guint i = 0; i < fds->len; i++)
        close(g_array_index(fds, int, i));
}

static void
redirect_stdio_to_null(void)
{
    int fd = open("/dev/null", O_RDWR);

    if (fd < 0)
        return;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
}

static void G_GNUC_NORETURN
run_proxy(EmuMode mode, pid_t qemu_pid, int qemu_fd, int listen_fd, EmuPsp *psp)
{
    EmuProxyCtx ctx = { 0 };
    const EmuQmpHooks hooks = {
        .command = proxy_command,
        .response = proxy_response,
        .qemu_gone = proxy_qemu_gone,
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuQmp) qmp = NULL;

    if (mode == EMU_MODE_PROBE) {
        /* QEMU daemonizes and its first process exits: the proxy must not
         * die with it, nor hold the pipes libvirt reads until they close. */
        redirect_stdio_to_null();
        setsid();
    } else {
        /* The domain's QEMU is our parent: go when it goes. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != qemu_pid)
            _exit(EXIT_SUCCESS);
    }
    close_other_fds(qemu_fd, listen_fd);
    signal(SIGPIPE, SIG_IGN);

    ctx.loop = g_main_loop_new(NULL, FALSE);
    ctx.psp = psp;
    g_unix_signal_add(SIGTERM, proxy_signal, &ctx);
    g_unix_signal_add(SIGINT, proxy_signal, &ctx);
    g_unix_signal_add(SIGHUP, proxy_signal, &ctx);

    qmp = emu_qmp_new(qemu_fd, listen_fd, &hooks, &ctx, &error);
    if (!qmp) {
        g_printerr("%s: %s\n", PROG, error->message);
        _exit(EXIT_FAILURE);
    }
    g_main_loop_run(ctx.loop);
    g_clear_pointer(&qmp, emu_qmp_free);
    emu_psp_free(psp);
    g_main_loop_unref(ctx.loop);
    _exit(EXIT_SUCCESS);
}

static void G_GNUC_NORETURN
exec_qemu(const char *qemu, char **qemu_argv)
{
    execv(qemu, qemu_argv);
    die(_("Cannot run the real QEMU '%s': %s"), qemu, g_strerror(errno));
}

/* Refuses a configuration whose "real QEMU" is this program again. */
static void
check_not_self(const char *qemu)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *target = realpath(qemu, NULL);

    if (!target)
        die(_("the real QEMU '%s' does not exist: %s"), qemu, g_strerror(errno));
    if (self && g_str_equal(self, target))
        die(_("the real QEMU '%s' is this emulator itself; set [emulator] qemu in emu.conf"), qemu);
}

static void
print_setup_step(const char *message, gpointer data G_GNUC_UNUSED)
{
    printf("%s\n", message);
    fflush(stdout);
}

/*
 * libvirt caches what it probed of an emulator until the binary's ctime
 * changes: after a new identity (or none), change it so that libvirt asks
 * again instead of reporting a PDH that is gone.
 */
static void
refresh_libvirt_cache(void)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    struct stat st;

    if (!self || stat(self, &st) < 0 || chmod(self, st.st_mode & 07777) < 0)
        die(_("Cannot update the ctime of '%s': %s"), self ? self : PROG, g_strerror(errno));
    printf(_("updated the ctime of %s so that libvirt probes it again\n"), self);
}

/* --emu-setup UID:GID: see emu_platform_setup(); run by 'sevirt emulator-setup'. */
static int
run_setup(const char *owner)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) ids = g_strsplit(owner ? owner : "", ":", 2);
    guint64 uid, gid;
    gboolean created = FALSE;

    if (g_strv_length(ids) != 2 ||
        !sevirt_parse_uint("--emu-setup UID", ids[0], G_MAXUINT32 - 1, &uid, &error) ||
        !sevirt_parse_uint("--emu-setup GID", ids[1], G_MAXUINT32 - 1, &gid, &error))
        die("%s", error ? error->message : _("--emu-setup needs UID:GID"));
    if (!emu_platform_setup(emu_platform_state_dir(), uid, gid, &created,
                            print_setup_step, NULL, &error))
        die("%s", error->message);
    if (created)
        refresh_libvirt_cache();
    return EXIT_SUCCESS;
}

static int
run_purge(void)
{
    g_autoptr(GError) error = NULL;
    gboolean removed = FALSE;

    if (!emu_platform_purge(emu_platform_state_dir(), &removed, print_setup_step, NULL, &error))
        die("%s", error->message);
    if (removed)
        refresh_libvirt_cache();
    return EXIT_SUCCESS;
}

/* --emu-forget UUID: see emu_platform_forget(); run by 'sevirt delete'. */
static int
run_forget(const char *uuid)
{
    g_autoptr(GError) error = NULL;

    if (!emu_platform_forget(emu_platform_state_dir(), uuid, print_setup_step, NULL, &error))
        die("%s", error->message);
    return EXIT_SUCCESS;
}

/* --emu-keep-secrets yes|no: see emu_platform_set_keep_secrets(); run by
 * 'sevirt emulator-setup [--keep-secrets]'. */
static int
run_keep_secrets(const char *value)
{
    g_autoptr(GError) error = NULL;
    gboolean keep = g_str_equal(value, "yes");

    if (!keep && !g_str_equal(value, "no"))
        die(_("--emu-keep-secrets takes yes or no, not '%s'"), value);
    if (!emu_platform_set_keep_secrets(emu_platform_state_dir(), keep, print_setup_step, NULL,
                                       &error))
        die("%s", error->message);
    return EXIT_SUCCESS;
}

/* --emu-prune UUID,...: see emu_platform_prune(); run by 'sevirt
 * emulator-setup' with the domains libvirt knows (maybe none: ""). */
static int
run_prune(const char *known)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) uuids = g_strsplit(known, ",", -1);

    if (!emu_platform_prune(emu_platform_state_dir(), (const char *const *) uuids,
                            print_setup_step, NULL, &error))
        die("%s", error->message);
    return EXIT_SUCCESS;
}

/* --emu-info: what the platform is, for tools and people (JSON). */
static int
run_info(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuPlatform) platform = emu_platform_load(emu_platform_state_dir(), &error);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    if (!platform)
        die("%s", error->message);
    root = emu_platform_describe(platform);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
    return EXIT_SUCCESS;
}

/* The emulator's own options start with --emu-, which QEMU has none of. */
static int
run_own_option(int argc, char **argv)
{
    if (g_str_equal(argv[1], "--emu-info") && argc == 2)
        return run_info();
    if (g_str_equal(argv[1], "--emu-setup") && argc == 3)
        return run_setup(argv[2]);
    if (g_str_equal(argv[1], "--emu-purge") && argc == 2)
        return run_purge();
    if (g_str_equal(argv[1], "--emu-forget") && argc == 3)
        return run_forget(argv[2]);
    if (g_str_equal(argv[1], "--emu-keep-secrets") && argc == 3)
        return run_keep_secrets(argv[2]);
    if (g_str_equal(argv[1], "--emu-prune") && argc == 3)
        return run_prune(argv[2]);
    die(_("usage: %s --emu-info | --emu-setup UID:GID | --emu-purge | --emu-forget UUID | "
          "--emu-keep-secrets yes|no | --emu-prune UUID,... | QEMU-OPTIONS..."),
        PROG);
}

/* Loads the platform identity the guest needs; see emu_psp_new(). */
static void
load_identity(EmuPlatform *platform, const EmuArgs *args)
{
    g_autoptr(GError) error = NULL;

    if (args->mode == EMU_MODE_DOMAIN && args->sev) {
        if (!emu_platform_load_identity(platform, args->sev->dh_cert_file != NULL, &error))
            die("%s", error->message);
        return;
    }
    /* without it query-sev-capabilities says the platform is not set up */
    emu_platform_load_identity(platform, FALSE, NULL);
}

static int
monitor_listen_fd(const EmuArgs *args)
{
    g_autoptr(GError) error = NULL;
    struct stat st;
    int fd;

    if (args->monitor_fd < 0) {
        fd = emu_qmp_listen_unix(args->monitor_path, &error);
        if (fd < 0)
            die("%s", error->message);
        return fd;
    }
    if (fstat(args->monitor_fd, &st) < 0 || !S_ISSOCK(st.st_mode))
        die(_("monitor descriptor %d is not a socket"), args->monitor_fd);
    fcntl(args->monitor_fd, F_SETFD, FD_CLOEXEC);
    return args->monitor_fd;
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuPlatform) platform = NULL;
    g_autoptr(EmuArgs) args = NULL;
    g_autoptr(EmuPsp) psp = NULL;
    g_auto(GStrv) qemu_argv = NULL;
    int sv[2];
    int listen_fd;
    pid_t self;
    pid_t pid;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    if (argc >= 2 && g_str_has_prefix(argv[1], "--emu-"))
        return run_own_option(argc, argv);

    platform = emu_platform_load(emu_platform_state_dir(), &error);
    if (!platform)
        die("%s", error->message);
    check_not_self(platform->qemu);

    args = emu_args_parse((const char *const *) argv + 1, &error);
    if (!args)
        die("%s", error->message);
    if (args->mode == EMU_MODE_PASSTHROUGH) {
        qemu_argv = emu_args_qemu_argv(args, platform->qemu, -1);
        exec_qemu(platform->qemu, qemu_argv);
    }
    if (args->mode == EMU_MODE_DOMAIN)
        announce(args, platform);

    load_identity(platform, args);
    psp = emu_psp_new(platform, args, &error);
    if (!psp)
        die("%s", error->message);

    listen_fd = monitor_listen_fd(args);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        die(_("Cannot create the monitor socket pair: %s"), g_strerror(errno));

    self = getpid();
    pid = fork();
    if (pid < 0)
        die(_("Cannot fork the QMP proxy: %s"), g_strerror(errno));
    if (pid == 0) {
        close(sv[1]);
        run_proxy(args->mode, self, sv[0], listen_fd, g_steal_pointer(&psp));
    }

    close(sv[0]);
    close(listen_fd);
    fcntl(sv[1], F_SETFD, 0);
    qemu_argv = emu_args_qemu_argv(args, platform->qemu, sv[1]);
    exec_qemu(platform->qemu, qemu_argv);
}
