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
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "sevirt.h"
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
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_printerr("%s: %s\n", PROG, msg);
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

static void
proxy_response(const char *name, JsonObject *arguments, JsonObject *response, gpointer data)
{
    EmuProxyCtx *ctx = data;

    emu_psp_qmp_response(ctx->psp, name, arguments, response);
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
    (void) argc;

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
