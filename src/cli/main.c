/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sevirt: entry point, global options, command dispatch, help, completion.
 *
 * Built twice.  src/cli/sevirt-full (installed in pkglibexecdir) has every
 * command and links libvirt.  src/cli/sevirt, the installed command, is
 * this file built with SEVIRT_CLI_FRONT: it runs the offline commands of
 * its own cmd_groups in-process, linked against libsevirt-core only, and
 * execv()s sevirt-full with the same argv for everything else (see
 * front_delegate()).  Loading libvirt and the libraries it pulls in costs
 * more than measuring a firmware image; exec rather than dlopen() of a
 * libvirt module keeps the full command an ordinary program: same process,
 * so exit status, signals and the terminal are its own, and valgrind,
 * ASan and gdb see a plain binary with nothing loaded at run time.
 */
#include <config.h>

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifdef SEVIRT_CLI_FRONT
/*
 * The groups the front runs itself: their commands must need nothing but
 * libsevirt-core (tests/check-front-deps.sh fails if the front links
 * libvirt).  Help, completion and every other command are sevirt-full's,
 * which has these groups too, so each command is listed in one table only.
 */
static const SevirtCmdGroup *const cmd_groups[] = {
    &sevirt_cmds_snp,
    NULL,
};
#else
static const SevirtCmdGroup *const cmd_groups[] = {
    &sevirt_cmds_host,
    &sevirt_cmds_xml,
    &sevirt_cmds_domain,
    &sevirt_cmds_attest,
    &sevirt_cmds_snp,
    &sevirt_cmds_launch,
    &sevirt_cmds_emu,
    &sevirt_cmds_fleet,
    &sevirt_cmds_run,
    NULL,
};
#endif

/* Options every command accepts after its name, as well as before it. */
typedef struct {
    char *connect;
    gboolean json;
    gboolean quiet;
} CommonOpts;

static void
common_opts_clear(CommonOpts *o)
{
    g_clear_pointer(&o->connect, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CommonOpts, common_opts_clear)

static GOptionEntry *
common_entries(CommonOpts *o)
{
    const GOptionEntry entries[] = {
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &o->connect,
          N_("libvirt connection URI (default: LIBVIRT_DEFAULT_URI, then libvirt's default)"), N_("URI") },
        { "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
          N_("machine-readable JSON output"), NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet,
          N_("no progress messages"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static const SevirtCmd *
find_cmd(const char *name)
{
    for (guint g = 0; cmd_groups[g]; g++) {
        for (const SevirtCmd *cmd = cmd_groups[g]->cmds; cmd->name; cmd++) {
            if (g_str_equal(cmd->name, name))
                return cmd;
        }
    }
    return NULL;
}

/* Damerau-free Levenshtein distance, enough for "did you mean". */
static guint
edit_distance(const char *a, const char *b)
{
    gsize la = strlen(a), lb = strlen(b);
    g_autofree guint *prev = g_new(guint, lb + 1);
    g_autofree guint *cur = g_new(guint, lb + 1);

    for (gsize j = 0; j <= lb; j++)
        prev[j] = j;
    for (gsize i = 1; i <= la; i++) {
        cur[0] = i;
        for (gsize j = 1; j <= lb; j++) {
            guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

            cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        }
        memcpy(prev, cur, (lb + 1) * sizeof(guint));
    }
    return prev[lb];
}

static const char *
suggest_cmd(const char *name)
{
    const char *best = NULL;
    guint best_dist = G_MAXUINT;

    for (guint g = 0; cmd_groups[g]; g++) {
        for (const SevirtCmd *cmd = cmd_groups[g]->cmds; cmd->name; cmd++) {
            guint d;

            if (cmd->flags & SEVIRT_CMD_HIDDEN)
                continue;
            d = edit_distance(name, cmd->name);
            /* A prefix ("host" for "host-info") is a good guess too. */
            if (g_str_has_prefix(cmd->name, name) && strlen(name) >= 3)
                d = MIN(d, 1);
            if (d < best_dist) {
                best_dist = d;
                best = cmd->name;
            }
        }
    }
    return best_dist <= MAX(2u, strlen(name) / 3) ? best : NULL;
}

static void
print_usage(FILE *out)
{
    fprintf(out, _("Usage: sevirt [-c URI | --connect URI] [--json] [-q] COMMAND [ARGS...]\n"
                   "       sevirt help [COMMAND]\n"));
}

static void
print_command_list(void)
{
    print_usage(stdout);
    printf("\n%s\n", _("Run AMD SEV, SEV-ES and SEV-SNP confidential guests on libvirt hosts."));
    for (guint g = 0; cmd_groups[g]; g++) {
        printf("\n %s:\n", _(cmd_groups[g]->title));
        for (const SevirtCmd *cmd = cmd_groups[g]->cmds; cmd->name; cmd++) {
            if (cmd->flags & SEVIRT_CMD_HIDDEN)
                continue;
            printf("    %-22s %s\n", cmd->name, _(cmd->summary));
        }
    }
    printf("\n%s\n", _("Global options:\n"
                       "    -c, --connect URI      libvirt connection URI\n"
                       "    --json                 machine-readable JSON output\n"
                       "    -q, --quiet            no progress messages\n"
                       "    -V, --version          print the version and exit\n"
                       "    -h, --help             print this help"));
    printf("\n%s\n", _("Run 'sevirt COMMAND --help' for the options of a command; see sevirt(1)."));
}

static GOptionContext *
make_context(const SevirtCmd *cmd, const SevirtCmdOpts *opts, CommonOpts *common)
{
    g_autofree GOptionEntry *common_table = common_entries(common);
    GOptionContext *ctx = g_option_context_new(cmd->args ? _(cmd->args) : NULL);
    g_autofree char *prgname = g_strdup_printf("sevirt %s", cmd->name);

    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_set_summary(ctx, _(cmd->summary));
    if (cmd->description)
        g_option_context_set_description(ctx, _(cmd->description));
    if (opts->entries)
        g_option_context_add_main_entries(ctx, opts->entries, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, common_table, GETTEXT_PACKAGE);
    /* GLib's usage line reads "Usage: sevirt COMMAND [OPTION...] ARGS". */
    g_set_prgname(prgname);
    return ctx;
}

static void
print_cmd_help(const SevirtCmd *cmd)
{
    g_autoptr(SevirtCmdOpts) opts = sevirt_cmd_opts_new(cmd);
    g_auto(CommonOpts) common = { 0 };
    g_autoptr(GOptionContext) ctx = make_context(cmd, opts, &common);
    g_autofree char *text = g_option_context_get_help(ctx, FALSE, NULL);

    fputs(text, stdout);
}

/*
 * Every error is printed here, escaped here: a message is built from names
 * and paths the user, a guest or libvirt gave (a domain name, a file name,
 * libvirt's own text quoting them), in the library, in libvirt and in
 * GLib; escaping at each source would miss one, and the library's callers
 * other than this terminal want the raw text.
 */
static int
report_error(const GError *error)
{
    g_autofree char *text = sevirt_cli_error_text(error);
    g_autofree char *msg = sevirt_escape_control(text, FALSE);

    g_printerr(_("error: %s\n"), msg);
    return sevirt_cli_exit_code(error);
}

static int
usage_error(const char *cmd_name, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static int
usage_error(const char *cmd_name, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *safe = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    safe = sevirt_escape_control(msg, FALSE);
    g_printerr(_("error: %s\n"), safe);
    if (cmd_name)
        g_printerr(_("Try 'sevirt %s --help'.\n"), cmd_name);
    else
        g_printerr(_("Try 'sevirt help'.\n"));
    return SEVIRT_EXIT_USAGE;
}

/* An unknown command, with the nearest known one when there is one. */
static int
unknown_cmd(const char *name)
{
    const char *guess = suggest_cmd(name);

    if (guess)
        return usage_error(NULL, _("unknown command '%s', did you mean '%s'?"), name, guess);
    return usage_error(NULL, _("unknown command '%s'"), name);
}

static int
run_help(char **args)
{
    const SevirtCmd *cmd;

    if (!args[0]) {
        print_command_list();
        return SEVIRT_EXIT_OK;
    }
    cmd = find_cmd(args[0]);
    if (!cmd)
        return unknown_cmd(args[0]);
    print_cmd_help(cmd);
    return SEVIRT_EXIT_OK;
}

/* Long option names of @cmd, for shell completion. */
static void
complete_options(const SevirtCmd *cmd, const char *prefix)
{
    g_autoptr(SevirtCmdOpts) opts = cmd ? sevirt_cmd_opts_new(cmd) : NULL;
    g_auto(CommonOpts) common = { 0 };
    g_autofree GOptionEntry *common_table = common_entries(&common);
    const GOptionEntry *tables[] = { opts ? opts->entries : NULL, common_table };

    for (guint t = 0; t < G_N_ELEMENTS(tables); t++) {
        for (const GOptionEntry *e = tables[t]; e && e->long_name; e++) {
            g_autofree char *opt = g_strdup_printf("--%s", e->long_name);

            if (g_str_has_prefix(opt, prefix))
                printf("%s\n", opt);
        }
    }
    if (g_str_has_prefix("--help", prefix))
        printf("--help\n");
}

/*
 * "sevirt complete -- WORD..." prints completions for the last WORD, given
 * the words before it; data/sevirt.bash-completion calls it so that the
 * command tables stay the only list of commands and options.
 */
static int
run_complete(char **words)
{
    guint n = words ? g_strv_length(words) : 0;
    const char *cur = n ? words[n - 1] : "";
    const SevirtCmd *cmd = NULL;
    guint cmd_at = 0;

    for (guint i = 0; i + 1 < n; i++) {
        if (words[i][0] != '-') {
            /* skip the value of a global -c/--connect */
            if (i > 0 && (g_str_equal(words[i - 1], "-c") ||
                          g_str_equal(words[i - 1], "--connect")))
                continue;
            cmd = find_cmd(words[i]);
            cmd_at = i;
            break;
        }
    }

    if (cur[0] == '-') {
        complete_options(cmd, cur);
        return SEVIRT_EXIT_OK;
    }
    if (cmd && cmd->subcommands && cmd_at + 2 == n) {
        for (guint i = 0; cmd->subcommands[i]; i++)
            if (g_str_has_prefix(cmd->subcommands[i], cur))
                printf("%s\n", cmd->subcommands[i]);
        return SEVIRT_EXIT_OK;
    }
    if (cmd)
        return SEVIRT_EXIT_OK;   /* positional arguments: let the shell complete files */
    for (guint g = 0; cmd_groups[g]; g++) {
        for (const SevirtCmd *c = cmd_groups[g]->cmds; c->name; c++) {
            if (!(c->flags & SEVIRT_CMD_HIDDEN) && g_str_has_prefix(c->name, cur))
                printf("%s\n", c->name);
        }
    }
    if (g_str_has_prefix("help", cur))
        printf("help\n");
    return SEVIRT_EXIT_OK;
}

static int
run_command(SevirtCli *cli, const SevirtCmd *cmd, int argc, char **argv)
{
    g_autoptr(SevirtCmdOpts) opts = sevirt_cmd_opts_new(cmd);
    g_auto(CommonOpts) common = { 0 };
    g_autoptr(GOptionContext) ctx = make_context(cmd, opts, &common);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) args = NULL;
    guint nargs;

    /* GOption wants argv[0]; argv[0] is the command name here. */
    if (!g_option_context_parse(ctx, &argc, &argv, &error))
        return usage_error(cmd->name, "%s", error->message);

    /* Everything left after argv[0] is positional; "--" was consumed. */
    args = g_new0(char *, argc);
    for (int i = 1; i < argc; i++)
        args[i - 1] = g_strdup(argv[i]);
    nargs = argc - 1;

    if (common.connect) {
        g_free(cli->uri);
        cli->uri = g_steal_pointer(&common.connect);
    }
    cli->json |= common.json;
    cli->quiet |= common.quiet;

    if (nargs < cmd->min_args)
        return usage_error(cmd->name, _("command '%s' requires %s"),
                           cmd->name, cmd->args ? _(cmd->args) : "");
    if (nargs > cmd->max_args)
        return usage_error(cmd->name, _("unexpected argument '%s'"),
                           args[cmd->max_args]);

    if (!cmd->run(cli, opts->data, args, &error))
        return report_error(error);
    return cli->exit_status;
}

#ifdef SEVIRT_CLI_FRONT
/*
 * sevirt-full next to this program when it is there (the build tree, where
 * both are src/cli/), else the installed one.  No libtool wrapper stands in
 * between: both link only convenience libraries.
 */
static char *
front_full_path(void)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

    if (self) {
        g_autofree char *dir = g_path_get_dirname(self);
        g_autofree char *sibling = g_build_filename(dir, "sevirt-full", NULL);

        if (g_file_test(sibling, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer(&sibling);
    }
    return g_strdup(PKGLIBEXECDIR "/sevirt-full");
}

/*
 * The index of the command word in @argv when all before it are global
 * options main() knows, else -1.  Whatever this does not recognise (-h,
 * -V, an option added to main() later, a bad one) goes to sevirt-full,
 * which parses it as it always did: at worst slower, never different.
 */
static int
front_command_index(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (a[0] != '-')
            return i;
        if (g_str_equal(a, "-c") || g_str_equal(a, "--connect"))
            i++;
        else if (g_str_equal(a, "--"))
            return i + 1 < argc ? i + 1 : -1;
        else if (!g_str_has_prefix(a, "--connect=") && !g_str_equal(a, "--json") &&
                 !g_str_equal(a, "-q") && !g_str_equal(a, "--quiet"))
            return -1;
    }
    return -1;
}

/*
 * Returns only when the command is one of the front's own; otherwise
 * replaces this process with sevirt-full, argv unchanged, before anything
 * is printed.
 */
static void
front_delegate(int argc, char **argv)
{
    int i = front_command_index(argc, argv);
    g_autofree char *full = NULL;
    g_autofree char *msg = NULL;
    g_autofree char *safe = NULL;
    int err;

    if (i >= 0 && find_cmd(argv[i]))
        return;
    full = front_full_path();
    execv(full, argv);
    err = errno;
    msg = g_strdup_printf(_("cannot run %s: %s"), full, g_strerror(err));
    safe = sevirt_escape_control(msg, FALSE);
    g_printerr(_("error: %s\n"), safe);
    exit(SEVIRT_EXIT_FAILURE);
}
#endif

int
main(int argc, char **argv)
{
    SevirtCli cli = { 0 };
    const SevirtCmd *cmd;
    int i;
    int ret;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_prgname("sevirt");
#ifdef SEVIRT_CLI_FRONT
    front_delegate(argc, argv);
#endif

    /* Global options come before the command, as with virsh. */
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];

        if (g_str_equal(a, "-c") || g_str_equal(a, "--connect")) {
            if (i + 1 >= argc)
                return usage_error(NULL, _("option '%s' needs a URI"), a);
            g_free(cli.uri);
            cli.uri = g_strdup(argv[++i]);
        } else if (g_str_has_prefix(a, "--connect=")) {
            g_free(cli.uri);
            cli.uri = g_strdup(a + strlen("--connect="));
        } else if (g_str_equal(a, "--json")) {
            cli.json = TRUE;
        } else if (g_str_equal(a, "-q") || g_str_equal(a, "--quiet")) {
            cli.quiet = TRUE;
        } else if (g_str_equal(a, "-h") || g_str_equal(a, "--help")) {
            print_command_list();
            return SEVIRT_EXIT_OK;
        } else if (g_str_equal(a, "-V") || g_str_equal(a, "--version")) {
            printf("sevirt %s\n", PACKAGE_VERSION);
            return SEVIRT_EXIT_OK;
        } else if (g_str_equal(a, "--")) {
            i++;
            break;
        } else {
            return usage_error(NULL, _("unknown option '%s'"), a);
        }
    }

    if (i >= argc) {
        print_usage(stderr);
        g_printerr(_("Try 'sevirt help'.\n"));
        return SEVIRT_EXIT_USAGE;
    }

    if (g_str_equal(argv[i], "help"))
        return run_help(argv + i + 1);
    if (g_str_equal(argv[i], "complete")) {
        int w = i + 1;

        if (w < argc && g_str_equal(argv[w], "--"))
            w++;
        return run_complete(argv + w);
    }

    cmd = find_cmd(argv[i]);
    if (!cmd)
        return unknown_cmd(argv[i]);

    ret = run_command(&cli, cmd, argc - i, argv + i);
#ifndef SEVIRT_CLI_FRONT
    if (cli.conn)
        virConnectClose(cli.conn);
#endif
    g_free(cli.uri);
    return ret;
}
