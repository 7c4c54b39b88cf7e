/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV platform: reading the QEMU command line libvirt built and
 * rewriting it for the real QEMU.
 *
 * libvirt starts the emulator exactly as it would start QEMU.  What only SEV
 * hardware can do is taken out (the sev-guest object and the machine's
 * confidential-guest-support property, both recorded here), and the QMP
 * monitor libvirt talks to is replaced by a socket the emulator proxies.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
    EMU_MODE_PASSTHROUGH, /* no QMP monitor on the command line: run QEMU as is */
    EMU_MODE_PROBE,       /* libvirt's capability probe: -qmp unix:PATH,server=on */
    EMU_MODE_DOMAIN,      /* a domain: -chardev socket,id=X,fd=N,server=on + -mon */
} EmuMode;

/* The -object sev-guest libvirt asked for. */
/* What sev-snp-guest takes when cbitpos and reduced-phys-bits are not
 * given (QEMU asks the host's CPUID; these are an EPYC's values). */
#define EMU_DEFAULT_SNP_CBITPOS 51
#define EMU_DEFAULT_SNP_REDUCED_PHYS_BITS 1

typedef struct {
    char *id;
    guint cbitpos;
    guint reduced_phys_bits;
    guint32 policy;
    char *dh_cert_file;       /* NULL: no guest-owner session */
    char *session_file;
    gboolean kernel_hashes;

    /* sev-snp-guest (policy above is then unused; dh-cert-file and
     * session-file do not exist there) */
    gboolean snp;
    guint64 snp_policy;
    char *id_block;           /* base64 of the 96-byte ID block, or NULL */
    char *id_auth;            /* base64 of the 4 KiB ID auth info, or NULL */
    gboolean author_key_enabled;
    char *host_data;          /* base64 of 32 bytes, or NULL */
    char *guest_visible_workarounds; /* base64 of 16 bytes, or NULL */
} EmuSevGuest;

typedef struct {
    EmuMode mode;

    /* The libvirt side of the monitor: an inherited listening socket
     * (domain mode) or a UNIX socket path to listen on (probe mode). */
    int monitor_fd;           /* -1 when none */
    char *monitor_path;       /* NULL when none */

    EmuSevGuest *sev;         /* NULL: not an SEV guest */
    GPtrArray *removed;       /* arguments taken out or changed, as given */

    char *firmware;           /* pflash unit 0 file or -bios, NULL if none */
    gboolean firmware_pflash; /* TRUE: mapped as pflash, FALSE: -bios */
    char *kernel;
    char *initrd;
    char *append;
    guint smp_cpus;           /* vCPUs at boot (default 1) */
    guint64 ram_bytes;        /* -m (default 128 MiB, as QEMU) */
    char *cpu_model;          /* -cpu, NULL if not given */
    char *name;               /* -name guest=NAME */
    char *uuid;               /* -uuid */

    /* Everything else, in order; internal to emu-args.c. */
    GPtrArray *argv;
    gint monitor_chardev_at;  /* index in argv of the monitor's -chardev value */
    gint monitor_mon_at;      /* probe mode: index of the -qmp value */
} EmuArgs;

void emu_args_free(EmuArgs *args);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EmuArgs, emu_args_free)

/**
 * emu_args_parse:
 * @argv: the arguments after argv[0], NULL-terminated
 *
 * Parses what the emulator needs from a QEMU command line.  Fails on a
 * command line the emulated platform cannot honour: a confidential guest
 * object other than sev-guest, a machine naming an object that is not on
 * the command line, malformed sev-guest properties.
 */
EmuArgs *emu_args_parse(const char *const *argv, GError **error);

/**
 * emu_args_qemu_argv:
 * @args: the parsed command line
 * @qemu: path of the real QEMU (becomes argv[0])
 * @qemu_monitor_fd: the socket the real QEMU talks QMP on (ignored in
 *                   pass-through mode)
 *
 * Returns: the command line for the real QEMU (g_strfreev()).
 */
char **emu_args_qemu_argv(const EmuArgs *args, const char *qemu, int qemu_monitor_fd);

/**
 * emu_opts_parse:
 * @text: a QEMU option value, either JSON ("{...}") or key=value,key=value
 *        with ",," for a literal comma
 * @implied_key: the key of a leading bare value ("qom-type" for -object,
 *               "type" for -machine, "backend" for -chardev), or NULL
 *
 * Returns: the properties as a JSON object (key=value values are strings).
 */
JsonObject *emu_opts_parse(const char *text, const char *implied_key, GError **error);

G_END_DECLS
