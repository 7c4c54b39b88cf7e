/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One-shot jobs ('sevirt run'): a transient guest boots a kernel and
 * initramfs directly, runs one command from its read-only shares, streams
 * the command's output back over virtio-serial channels, reports its exit
 * status and powers off; nothing is defined and nothing is left.
 *
 * The guest side is sevirt's run image (tools/build-run-image.sh, its init
 * in data/run-guest/init); this module speaks its protocol:
 *  - kernel command line: sevirt.argv= and sevirt.env=, base64 of
 *    NUL-terminated strings, and one sevirt.share=TAG[,ro] per share;
 *  - channels org.sevirt.run.stdout and org.sevirt.run.stderr carry the
 *    command's output, org.sevirt.run.status one line, "exit N" (or
 *    "init-error TEXT" when the init cannot run the command).
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "sevirt-domain.h"
#include "sevirt-spec.h"

G_BEGIN_DECLS

/* The guest's channels and the prefix of its transient domain's name. */
#define SEVIRT_RUN_CHANNEL_STDOUT "org.sevirt.run.stdout"
#define SEVIRT_RUN_CHANNEL_STDERR "org.sevirt.run.stderr"
#define SEVIRT_RUN_CHANNEL_STATUS "org.sevirt.run.status"
#define SEVIRT_RUN_NAME_PREFIX "sevirt-run-"
/* x86 kernels keep the first 2048 bytes of their command line. */
#define SEVIRT_RUN_CMDLINE_MAX 2047
/* The run image's file names in its directory. */
#define SEVIRT_RUN_KERNEL_FILE "vmlinuz"
#define SEVIRT_RUN_INITRD_FILE "initrd.img"

typedef enum {
    SEVIRT_RUN_STDOUT,
    SEVIRT_RUN_STDERR,
} SevirtRunStream;

/* Called in the thread that called sevirt_run(), with each piece of output. */
typedef void (*SevirtRunOutputFunc)(SevirtRunStream stream, const char *data, gsize len,
                                    gpointer user_data);

typedef enum {
    SEVIRT_RUN_EXITED,         /* the command exited: exit_status is its status */
    SEVIRT_RUN_TIMED_OUT,      /* still running after timeout_s: the guest was destroyed */
    SEVIRT_RUN_CANCELLED,      /* @cancellable fired: the guest was destroyed */
    SEVIRT_RUN_GUEST_STOPPED,  /* the guest stopped before reporting a status */
    SEVIRT_RUN_INIT_FAILED,    /* the guest's init could not run the command */
} SevirtRunEnd;

typedef struct {
    SevirtRunEnd end;
    int exit_status;           /* SEVIRT_RUN_EXITED only */
    char *name;                /* the transient domain's name */
    char *detail;              /* (nullable) why the guest stopped, or the init's message */
} SevirtRunResult;

void sevirt_run_result_clear(SevirtRunResult *result);

typedef struct {
    /* The guest: sev_type, memory, vcpus, kernel, initrd, shares, emulator,
     * virt type; sevirt_run() sets its name, command line, networks (none)
     * and kernel hashes (on for SEV types) and validates it. */
    SevirtVmSpec *spec;
    const SevirtHostCaps *caps;   /* (nullable) defaults, as for sevirt_domain_create() */
    char **argv;                  /* the command, at least one element */
    char **env;                   /* (nullable) KEY=VALUE each */
    guint timeout_s;              /* 0: none */
    const char *pool;             /* where kernel and initrd are uploaded for the run:
                                   * always when given, else "default" on a remote host */
    SevirtRunOutputFunc output;
    gpointer output_data;
    SevirtProgressFunc progress;  /* (nullable) one line per step */
    gpointer progress_data;
    GCancellable *cancellable;    /* (nullable) destroys the guest when cancelled */
} SevirtRunOptions;

/**
 * sevirt_run_cmdline:
 * @spec: its shares are passed to the guest
 *
 * The kernel command line that hands @argv and @env to the run image's
 * init.  Fails with SEVIRT_ERROR_INVALID when @argv is empty, an @env item
 * has no KEY=, a share tag has characters other than [A-Za-z0-9_.-], or the
 * line would be longer than SEVIRT_RUN_CMDLINE_MAX.
 */
char *sevirt_run_cmdline(const SevirtVmSpec *spec, char *const *argv, char *const *env,
                         GError **error);

/**
 * sevirt_run_domxml:
 * @spec: a validated spec (sevirt_run() prepares it)
 *
 * The transient domain's XML: sevirt_domxml_build()'s, with the run
 * image's three channels, no network, destroy on reboot, and, without
 * SEV, no UEFI firmware (the BIOS boots the kernel sooner).
 */
char *sevirt_run_domxml(const SevirtVmSpec *spec, GError **error);

/**
 * sevirt_run:
 * @conn: an open connection; sevirt_event_loop_start() must have been
 *        called before it was opened
 *
 * Creates the transient guest paused (virDomainCreateXML, destroyed
 * automatically should this connection close), opens its channels as
 * libvirt streams, resumes it and relays its output until it reports the
 * command's exit status; then destroys what is left of it and deletes the
 * kernel and initrd volumes it uploaded (remote host, or @opts->pool).  Returns FALSE
 * only when the guest could not be set up or started; how the run ended is
 * in @result.
 */
gboolean sevirt_run(virConnectPtr conn, const SevirtRunOptions *opts, SevirtRunResult *result,
                    GError **error);

G_END_DECLS
