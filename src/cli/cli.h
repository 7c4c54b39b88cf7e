/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sevirt command: shared types for the command tables.
 *
 * Each command group (cmd-host.c, cmd-domain.c, ...) exports one
 * SevirtCmdGroup: a static table of commands in the manner of virsh.  A
 * command's options live in a struct of its own, allocated zeroed for each
 * invocation, as virsh hands every command its own vshCmd: the command's
 * entries() fills in the defaults and returns a GOptionEntry table pointing
 * into that struct.  main.c adds the options every command accepts
 * (--connect, --json, --quiet), parses, checks the number of positional
 * arguments and calls run() with the parsed struct.  run() reports failure
 * through GError; the error code decides the exit status (see
 * sevirt_cli_exit_code()).
 */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>

#include "sevirt.h"
#include "sevirt-util.h"

G_BEGIN_DECLS

/* Exit statuses.  Stable: documented in sevirt(1), scripts rely on them. */
typedef enum {
    SEVIRT_EXIT_OK = 0,
    SEVIRT_EXIT_FAILURE = 1,      /* the operation failed */
    SEVIRT_EXIT_USAGE = 2,        /* bad command line or invalid input */
    SEVIRT_EXIT_LIBVIRT = 3,      /* cannot connect, or a libvirt call failed */
    SEVIRT_EXIT_UNSUPPORTED = 4,  /* the host cannot do it (no SEV, old libvirt) */
    SEVIRT_EXIT_VERIFY = 5,       /* verification failed: certificates, measurement */
    SEVIRT_EXIT_TIMEOUT = 6,      /* a wait timed out */
    SEVIRT_EXIT_NOT_FOUND = 7,    /* domain, volume, pool, network or file not found */
    SEVIRT_EXIT_PARTIAL = 8,      /* fleet: partly applied (a host or a guest failed) */
} SevirtExitCode;

/* Said wherever the emulated SEV platform shows (sevirt-qemu-emu). */
#define SEVIRT_CLI_EMULATED_NOTICE \
    N_("EMULATED SEV PLATFORM: no memory encryption, no confidentiality; for development and tests only")

typedef struct _SevirtCli SevirtCli;

/*
 * Sets the defaults in @opts (a zeroed struct of SevirtCmd.opts_size bytes)
 * and returns its option table, NULL-terminated, whose arg_data point into
 * @opts; the caller frees the table with g_free().
 */
typedef GOptionEntry *(*SevirtCmdEntries)(gpointer opts);

/* @opts: the command's parsed option struct (NULL without options). */
typedef gboolean (*SevirtCmdRun)(SevirtCli *cli, gconstpointer opts, char **args,
                                 GError **error);

typedef enum {
    SEVIRT_CMD_HIDDEN = 1 << 0,   /* not listed by 'help' */
} SevirtCmdFlags;

typedef struct {
    const char *name;
    const char *args;         /* positional arguments for the usage line, N_() */
    const char *summary;      /* one line, N_() */
    const char *description;  /* longer text shown by --help, N_(), may be NULL */
    gsize opts_size;          /* size of the option struct; 0: no options */
    SevirtCmdEntries entries; /* NULL: no options */
    guint min_args;
    guint max_args;           /* G_MAXUINT: any number */
    SevirtCmdRun run;
    guint flags;
    /* NULL-terminated words the first argument is one of (for completion), or NULL */
    const char *const *subcommands;
} SevirtCmd;

/* The options of a command in a table: its struct's size and entries(). */
#define SEVIRT_CMD_OPTIONS(type, entries_func) sizeof(type), entries_func

typedef struct {
    const char *title;        /* N_() */
    const SevirtCmd *cmds;    /* terminated by an entry with name == NULL */
} SevirtCmdGroup;

struct _SevirtCli {
    char *uri;                /* --connect (-c), NULL = libvirt's default */
    gboolean json;            /* --json: machine-readable output on stdout */
    gboolean quiet;           /* --quiet: no progress messages */
    virConnectPtr conn;       /* opened on demand by sevirt_cli_connect() */
    int exit_status;          /* when run() succeeds ('run': the command's status) */
};

/*
 * One invocation's options: the command's option struct and the table
 * GOption fills it through.
 */
typedef struct {
    gpointer data;            /* NULL when the command has no options */
    GOptionEntry *entries;    /* NULL when the command has no options */
} SevirtCmdOpts;

/* New option struct of @cmd, with its defaults, and its table. */
SevirtCmdOpts *sevirt_cmd_opts_new(const SevirtCmd *cmd);
/* Frees the values GOption stored (strings, string arrays) and @opts. */
void sevirt_cmd_opts_free(SevirtCmdOpts *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtCmdOpts, sevirt_cmd_opts_free)

/* Command groups, in the order 'help' lists them. */
extern const SevirtCmdGroup sevirt_cmds_host;
extern const SevirtCmdGroup sevirt_cmds_xml;
extern const SevirtCmdGroup sevirt_cmds_domain;
extern const SevirtCmdGroup sevirt_cmds_attest;
extern const SevirtCmdGroup sevirt_cmds_snp;
extern const SevirtCmdGroup sevirt_cmds_launch;
extern const SevirtCmdGroup sevirt_cmds_emu;
extern const SevirtCmdGroup sevirt_cmds_fleet;
extern const SevirtCmdGroup sevirt_cmds_run;

/**
 * sevirt_cli_connect:
 * Opens (once) the libvirt connection named by --connect /
 * LIBVIRT_DEFAULT_URI and returns it; the CLI owns it.
 */
virConnectPtr sevirt_cli_connect(SevirtCli *cli, GError **error);

/* Progress/step messages: stdout normally, stderr with --json, none with --quiet. */
void sevirt_cli_step(SevirtCli *cli, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* "warning: ..." on stderr (also with --quiet). */
void sevirt_cli_warn(SevirtCli *cli, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Prints @root as pretty JSON on stdout and takes ownership of it. */
void sevirt_cli_print_json(SevirtCli *cli, JsonNode *root);

/* Adds @member with @value, or null when @value is NULL. */
void sevirt_cli_json_add_string(JsonBuilder *b, const char *member, const char *value);

/**
 * sevirt_cli_run_emulator:
 * @arg: (nullable)
 *
 * Runs the emulated SEV platform's program on this host with one of its
 * own options (--emu-setup, --emu-purge, --emu-forget), relaying what it
 * prints as steps.
 */
gboolean sevirt_cli_run_emulator(SevirtCli *cli, const char *emulator, const char *option,
                                 const char *arg, GError **error);

/* A library error's message with the advice naming sevirt's options or
 * commands that its code calls for (cli-advice.c). */
char *sevirt_cli_error_text(const GError *error);

/* A host check's fix, worded from its hint when it has one, or NULL. */
char *sevirt_cli_check_fix(const SevirtHostCheck *check);

/* A host check's detail, with what its hint says a PASS allows. */
char *sevirt_cli_check_detail(const SevirtHostCheck *check);

/* sevirt_attest_spec_check() with the messages naming the options too. */
gboolean sevirt_cli_attest_check(const SevirtVmSpec *spec, GError **error);

/* Maps an error from a command to its exit status. */
SevirtExitCode sevirt_cli_exit_code(const GError *error);

/* Sets a SEVIRT_ERROR_INVALID error for a bad option value. */
gboolean sevirt_cli_usage_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

G_END_DECLS
