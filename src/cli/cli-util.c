/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stdio.h>

#include "cli.h"

SevirtCmdOpts *
sevirt_cmd_opts_new(const SevirtCmd *cmd)
{
    SevirtCmdOpts *opts = g_new0(SevirtCmdOpts, 1);

    if (cmd->entries) {
        opts->data = g_malloc0(cmd->opts_size);
        opts->entries = cmd->entries(opts->data);
    }
    return opts;
}

/* What GOption allocated for the options given: the entries say where. */
void
sevirt_cmd_opts_free(SevirtCmdOpts *opts)
{
    if (!opts)
        return;
    for (const GOptionEntry *e = opts->entries; e && e->long_name; e++) {
        switch (e->arg) {
        case G_OPTION_ARG_STRING:
        case G_OPTION_ARG_FILENAME:
            g_clear_pointer((char **) e->arg_data, g_free);
            break;
        case G_OPTION_ARG_STRING_ARRAY:
        case G_OPTION_ARG_FILENAME_ARRAY:
            g_clear_pointer((char ***) e->arg_data, g_strfreev);
            break;
        default:
            break;
        }
    }
    g_free(opts->entries);
    g_free(opts->data);
    g_free(opts);
}

void
sevirt_cli_step(SevirtCli *cli, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *safe = NULL;

    if (cli->quiet)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* names in progress lines are escaped as in errors (main.c) */
    safe = sevirt_escape_control(msg, TRUE);
    fprintf(cli->json ? stderr : stdout, "%s\n", safe);
    fflush(cli->json ? stderr : stdout);
}

void
sevirt_cli_warn(SevirtCli *cli G_GNUC_UNUSED, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *safe = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    safe = sevirt_escape_control(msg, FALSE);
    fprintf(stderr, _("warning: %s\n"), safe);
}

void
sevirt_cli_print_json(SevirtCli *cli G_GNUC_UNUSED, JsonNode *root)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;

    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
    fflush(stdout);
    json_node_unref(root);
}

SevirtExitCode
sevirt_cli_exit_code(const GError *error)
{
    if (!error)
        return SEVIRT_EXIT_OK;
    if (error->domain == G_OPTION_ERROR)
        return SEVIRT_EXIT_USAGE;
    if (error->domain != SEVIRT_ERROR)
        return SEVIRT_EXIT_FAILURE;

    switch ((SevirtErrorCode) error->code) {
    case SEVIRT_ERROR_INVALID:
    case SEVIRT_ERROR_KEY_FILE_MODE:
    case SEVIRT_ERROR_NO_OWNER_SESSION:
        return SEVIRT_EXIT_USAGE;
    case SEVIRT_ERROR_LIBVIRT:
        return SEVIRT_EXIT_LIBVIRT;
    case SEVIRT_ERROR_UNSUPPORTED:
    case SEVIRT_ERROR_NO_PLATFORM:
        return SEVIRT_EXIT_UNSUPPORTED;
    case SEVIRT_ERROR_VERIFY:
    case SEVIRT_ERROR_NO_SECRET_AREA:
    case SEVIRT_ERROR_NO_CPU_SIGNATURE:
    case SEVIRT_ERROR_MEASURED_FPU_INIT:
    case SEVIRT_ERROR_MEASURED_NO_FPU_INIT:
        return SEVIRT_EXIT_VERIFY;
    case SEVIRT_ERROR_TIMEOUT:
        return SEVIRT_EXIT_TIMEOUT;
    case SEVIRT_ERROR_NOT_FOUND:
        return SEVIRT_EXIT_NOT_FOUND;
    case SEVIRT_ERROR_PARTIAL:
        return SEVIRT_EXIT_PARTIAL;
    case SEVIRT_ERROR_EXISTS:
    case SEVIRT_ERROR_FAILED:
    default:
        return SEVIRT_EXIT_FAILURE;
    }
}

gboolean
sevirt_cli_usage_error(GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, msg);
    return FALSE;
}

gboolean
sevirt_cli_run_emulator(SevirtCli *cli, const char *emulator, const char *option, const char *arg,
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
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("'%s %s' failed: %s"), emulator, option, g_strstrip(err));
        return FALSE;
    }
    return TRUE;
}

void
sevirt_cli_json_add_string(JsonBuilder *b, const char *member, const char *value)
{
    json_builder_set_member_name(b, member);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}
