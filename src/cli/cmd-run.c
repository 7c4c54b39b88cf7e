/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run: one command in a transient confidential guest (sevirt-run.h).
 */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

#define RUN_DEFAULT_MEMORY_MIB 256
/* As timeout(1). */
#define RUN_EXIT_TIMEOUT 124
/* The guest ended without the command's status. */
#define RUN_EXIT_NO_STATUS 125

typedef struct {
    char *sev;
    char *kernel;
    char *initrd;
    char **shares;
    char *memory;
    char *vcpus;
    char *timeout;
    char **env;
    char *emulator;
    char *virt_type;
    char *pool;
    gboolean no_kernel_hashes;
    char *firmware;
} RunOpts;

static GOptionEntry *
run_entries(gpointer data)
{
    RunOpts *o = data;
    const GOptionEntry entries[] = {
        { "sev", 0, 0, G_OPTION_ARG_STRING, &o->sev,
          N_("memory encryption: sev, sev-es, sev-snp or none (default)"), N_("TYPE") },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &o->kernel,
          N_("kernel to boot (default: sevirt's run image)"), N_("FILE") },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &o->initrd,
          N_("initrd to boot (default: sevirt's run image)"), N_("FILE") },
        { "share", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->shares,
          N_("share a host folder, mounted on /mnt/TAG; the command starts in the first; "
             "repeatable"), N_("DIR:TAG[:ro]") },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &o->memory,
          N_("guest memory in MiB (default 256)"), N_("MiB") },
        { "vcpus", 0, 0, G_OPTION_ARG_STRING, &o->vcpus,
          N_("number of vCPUs (default 1)"), N_("N") },
        { "timeout", 0, 0, G_OPTION_ARG_STRING, &o->timeout,
          N_("destroy the guest and exit 124 after this many seconds (default: none)"),
          N_("SECONDS") },
        { "env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->env,
          N_("an environment variable of the command; repeatable"), N_("KEY=VALUE") },
        { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &o->emulator,
          N_("emulator binary (default: the host's)"), N_("PATH") },
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &o->firmware,
          N_("SEV types: firmware image (default: libvirt picks one)"), N_("PATH") },
        { "virt-type", 0, 0, G_OPTION_ARG_STRING, &o->virt_type,
          N_("kvm (default) or qemu (TCG)"), N_("TYPE") },
        { "no-kernel-hashes", 0, 0, G_OPTION_ARG_NONE, &o->no_kernel_hashes,
          N_("SEV types: do not measure the kernel, initrd and command line (for firmware "
             "without a hashes area; the job is then not part of the measurement)"), NULL },
        { "pool", 0, 0, G_OPTION_ARG_STRING, &o->pool,
          N_("upload the kernel and initrd into this pool for the run (remote hosts: "
             "always, default: default)"), N_("POOL") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/* The run image's directory: $SEVIRT_RUN_IMAGE_DIR, else the installed one. */
static char *
image_file(const char *name)
{
    const char *dir = g_getenv("SEVIRT_RUN_IMAGE_DIR");

    if (!dir || !*dir)
        return g_build_filename(PKGDATADIR, "run-guest", name, NULL);
    return g_build_filename(dir, name, NULL);
}

static gboolean
boot_file(const char *given, const char *name, char **path, GError **error)
{
    g_autofree char *file = given ? g_strdup(given) : image_file(name);

    if (!g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    given ? _("'%s' is not a file")
                          : _("'%s' is missing: build the run image with tools/build-run-image.sh, "
                              "or set SEVIRT_RUN_IMAGE_DIR"), file);
        return FALSE;
    }
    /* libvirt reads it as QEMU's user: an absolute path. */
    *path = g_canonicalize_filename(file, NULL);
    return TRUE;
}

static gboolean
parse_spec(const RunOpts *o, SevirtVmSpec *spec, GError **error)
{
    guint64 value;

    spec->memory_mib = RUN_DEFAULT_MEMORY_MIB;
    if (o->sev && !sevirt_sev_type_from_string(o->sev, &spec->sev_type, error))
        return FALSE;
    if (!o->sev)
        spec->sev_type = SEVIRT_SEV_NONE;
    if (o->memory) {
        if (!sevirt_parse_uint("--memory", o->memory, SEVIRT_MAX_MEMORY_MIB, &value, error))
            return FALSE;
        spec->memory_mib = value;
    }
    if (o->vcpus) {
        if (!sevirt_parse_uint("--vcpus", o->vcpus, SEVIRT_MAX_VCPUS, &value, error))
            return FALSE;
        spec->vcpus = value;
    }
    if (o->virt_type) {
        if (!sevirt_virt_type_from_string(o->virt_type, &spec->virt_type, error))
            return FALSE;
        spec->virt_type_set = TRUE;
    }
    if (o->no_kernel_hashes)
        spec->kernel_hashes = SEVIRT_TRISTATE_NO;
    spec->emulator = g_strdup(o->emulator);
    spec->firmware = g_strdup(o->firmware);
    for (guint i = 0; o->shares && o->shares[i]; i++) {
        SevirtShareSpec *share = sevirt_share_spec_parse("--share", o->shares[i], error);

        if (!share)
            return FALSE;
        g_ptr_array_add(spec->shares, share);
    }
    return boot_file(o->kernel, SEVIRT_RUN_KERNEL_FILE, &spec->kernel, error) &&
           boot_file(o->initrd, SEVIRT_RUN_INITRD_FILE, &spec->initrd, error);
}

/* ---------------------------------------------------------------------- */
/* output and signals */

static void
write_all(int fd, const char *data, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0)
            return;   /* a closed pipe: the output has nowhere to go */
        data += n;
        len -= n;
    }
}

static void
run_output(SevirtRunStream stream, const char *data, gsize len, gpointer user_data G_GNUC_UNUSED)
{
    write_all(stream == SEVIRT_RUN_STDERR ? STDERR_FILENO : STDOUT_FILENO, data, len);
}

static void
cli_progress(const char *message, gpointer data)
{
    SevirtCli *cli = data;

    /* stdout is the command's: steps go to stderr, and only with --json off. */
    if (!cli->quiet)
        g_printerr("%s\n", message);
}

typedef struct {
    GCancellable *cancellable;
    volatile gint signal;
} SignalWatch;

static gpointer
signal_thread(gpointer data)
{
    SignalWatch *watch = data;
    sigset_t set;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigwait(&set, &sig) == 0) {
        g_atomic_int_set(&watch->signal, sig);
        g_cancellable_cancel(watch->cancellable);
    }
    return NULL;
}

/* SIGINT and SIGTERM cancel the run (the guest is destroyed) rather than
 * kill sevirt: blocked in every thread, taken by one that sigwait()s.
 * Called before any other thread starts, so that they inherit the mask. */
static void
watch_signals(SignalWatch *watch)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    g_thread_unref(g_thread_new("sevirt-signals", signal_thread, watch));
}

/* ---------------------------------------------------------------------- */

static int
report_end(SevirtCli *cli, const SevirtRunResult *result, const SevirtRunOptions *ropts,
           const SignalWatch *watch)
{
    switch (result->end) {
    case SEVIRT_RUN_EXITED:
        return result->exit_status;
    case SEVIRT_RUN_TIMED_OUT:
        g_printerr(_("error: the command did not finish within %u seconds; guest '%s' destroyed\n"),
                   ropts->timeout_s, result->name);
        return RUN_EXIT_TIMEOUT;
    case SEVIRT_RUN_CANCELLED:
        g_printerr(_("error: interrupted; guest '%s' destroyed\n"), result->name);
        return 128 + g_atomic_int_get(&watch->signal);
    case SEVIRT_RUN_GUEST_STOPPED:
        g_printerr(_("error: guest '%s' stopped before the command finished: %s\n"),
                   result->name, result->detail);
        return RUN_EXIT_NO_STATUS;
    case SEVIRT_RUN_INIT_FAILED:
        g_printerr(_("error: the guest could not run the command: %s\n"), result->detail);
        return RUN_EXIT_NO_STATUS;
    }
    (void) cli;
    return RUN_EXIT_NO_STATUS;
}

static gboolean
cmd_run(SevirtCli *cli, gconstpointer data, char **args, GError **error)
{
    const RunOpts *o = data;
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    static SignalWatch watch;   /* the signal thread outlives this call */
    SevirtRunOptions ropts = { 0 };
    SevirtRunResult result = { 0 };
    virConnectPtr conn;
    guint64 timeout = 0;

    if (cli->json)
        return sevirt_cli_usage_error(error, _("'sevirt run' has no JSON output: stdout is the command's"));
    if (!parse_spec(o, spec, error))
        return FALSE;
    if (o->timeout && !sevirt_parse_uint("--timeout", o->timeout, G_MAXUINT / 2, &timeout, error))
        return FALSE;

    if (sevirt_emulator_is_emulated(spec->emulator))
        sevirt_cli_warn(cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
    watch.cancellable = cancellable;
    watch_signals(&watch);
    if (!sevirt_event_loop_start(error))
        return FALSE;
    conn = sevirt_cli_connect(cli, error);
    if (!conn)
        return FALSE;
    caps = sevirt_host_caps_query(conn, spec->emulator,
                                  spec->virt_type_set ? sevirt_virt_type_to_string(spec->virt_type)
                                                      : NULL, NULL, error);
    if (!caps)
        return FALSE;

    ropts.spec = spec;
    ropts.caps = caps;
    /* GOption leaves the "--" that ends sevirt's options. */
    ropts.argv = g_strcmp0(args[0], "--") == 0 ? args + 1 : args;
    ropts.env = o->env;
    ropts.timeout_s = timeout;
    ropts.pool = o->pool;
    ropts.output = run_output;
    ropts.progress = cli_progress;
    ropts.progress_data = cli;
    ropts.cancellable = cancellable;
    if (!sevirt_run(conn, &ropts, &result, error)) {
        sevirt_run_result_clear(&result);
        return FALSE;
    }
    cli->exit_status = report_end(cli, &result, &ropts, &watch);
    sevirt_run_result_clear(&result);
    return TRUE;
}

static const SevirtCmd run_cmds[] = {
    { "run", N_("-- COMMAND [ARG...]"), N_("run one command in a transient guest"),
      N_("Boots a transient guest (nothing is defined) from a kernel and initrd, by default\n"
         "sevirt's run image, runs COMMAND in it with the --env variables only, the --share\n"
         "folders mounted on /mnt/TAG (read-only with :ro), streams its output to stdout and\n"
         "stderr and exits with its exit status.  With --sev, the kernel, initrd and command\n"
         "line (which carries the command) are measured (kernel hashes).  The guest is\n"
         "destroyed when the command ends, on --timeout (exit 124), on SIGINT or SIGTERM\n"
         "(exit 128 + the signal) and when sevirt's connection closes.  A guest that stops\n"
         "without reporting the command's status gives exit 125.  On a remote host the\n"
         "kernel and initrd are uploaded to --pool for the run.  Put '--' before COMMAND."),
      SEVIRT_CMD_OPTIONS(RunOpts, run_entries), 1, G_MAXUINT, cmd_run, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_run = {
    N_("Jobs"), run_cmds,
};
