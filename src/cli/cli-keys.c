/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest owner's files: transport keys, secrets, new output files.
 */
#include <config.h>

#include <string.h>

#include "cli-keys.h"

/*
 * sevirt_file_read_secret(), with the way round a refusal for a key file
 * others may read or another user owns: the library names no option.
 */
static SevirtSecret *
read_key_file(const char *path, gsize expect_len, gboolean insecure, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtSecret) lax = NULL;
    SevirtSecret *secret = sevirt_file_read_secret(path, expect_len, insecure, &local);

    if (secret)
        return secret;
    if (!insecure && g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE) &&
        (lax = sevirt_file_read_secret(path, expect_len, TRUE, NULL))) {
        g_set_error(error, local->domain, local->code, _("%s, or pass --insecure-keys"),
                    local->message);
        return NULL;
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return NULL;
}

gboolean
sevirt_cli_read_transport_keys(const SevirtCliKeyFiles *files, SevirtSecret **tek,
                               SevirtSecret **tik, GError **error)
{
    g_autoptr(SevirtSecret) tk = NULL;

    if (files->tk && (files->tek || files->tik))
        return sevirt_cli_usage_error(error, _("--tk and --tek/--tik are mutually exclusive"));
    if (files->tk) {
        tk = read_key_file(files->tk, 2 * SEVIRT_CLI_KEY_SIZE, files->insecure, error);
        if (!tk)
            return FALSE;
        if (tek)
            *tek = sevirt_secret_new_from(tk->data, SEVIRT_CLI_KEY_SIZE);
        *tik = sevirt_secret_new_from(tk->data + SEVIRT_CLI_KEY_SIZE, SEVIRT_CLI_KEY_SIZE);
        return TRUE;
    }
    if (!tek && !files->tik)
        return sevirt_cli_usage_error(error, _("give the TIK with --tik FILE or --tk FILE"));
    if (tek && (!files->tek || !files->tik))
        return sevirt_cli_usage_error(error, _("give --tk FILE, or both --tek FILE and --tik FILE"));
    if (tek && !(*tek = read_key_file(files->tek, SEVIRT_CLI_KEY_SIZE, files->insecure, error)))
        return FALSE;
    *tik = read_key_file(files->tik, SEVIRT_CLI_KEY_SIZE, files->insecure, error);
    return *tik != NULL;
}

gboolean
sevirt_cli_add_secret(SevirtCli *cli, SevirtSecretTable *table, const char *spec,
                      gboolean insecure, GError **error)
{
    const char *colon = strchr(spec, ':');
    g_autofree char *name = NULL;
    g_autoptr(SevirtSecret) data = NULL;
    SevirtGuid guid;

    if (!colon || colon == spec || !colon[1])
        return sevirt_cli_usage_error(error, _("--secret '%s': expected GUID-OR-ALIAS:FILE"), spec);
    name = g_strndup(spec, colon - spec);
    if (!sevirt_secret_guid_parse(name, &guid, error))
        return FALSE;
    data = read_key_file(colon + 1, 0, insecure, error);
    if (!data)
        return FALSE;
    if (data->len == 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("Secret file '%s' is empty"),
                    colon + 1);
        return FALSE;
    }
    if (sevirt_guid_equal(&guid, &sevirt_secret_guid_luks_key) &&
        data->data[data->len - 1] != '\0')
        sevirt_cli_warn(cli, _("the disk passphrase in '%s' does not end with a NUL byte, which GRUB expects (printf 'passphrase\\0' > FILE)"),
                        colon + 1);
    return sevirt_secret_table_add(table, &guid, data->data, data->len, error);
}

gboolean
sevirt_cli_write_new_files(const SevirtCliOutFile *files, guint n, GError **error)
{
    return sevirt_files_write_new_all(files, n, error);
}

/* CPUID(1).EAX holds families up to 0xf + 0xff (base 0xf plus extended). */
#define CPU_FAMILY_MAX (0xf + 0xff)

gboolean
sevirt_cli_expect_parse(const SevirtCliExpectOptions *opts, SevirtLaunchInput *in,
                        gboolean *cpu_given, GError **error)
{
    gboolean any_cpu = opts->cpu_family || opts->cpu_model || opts->cpu_stepping;
    guint64 num_cpus = 0, family = 0, model = 0, stepping = 0;

    if (!opts->firmware)
        return sevirt_cli_usage_error(error, _("option --firmware is required: the firmware image the guest must boot"));
    if (!opts->kernel && (opts->initrd || opts->cmdline))
        return sevirt_cli_usage_error(error, _("--initrd and --cmdline need --kernel"));
    if (opts->num_cpus) {
        if (!sevirt_parse_uint("--num-cpus", opts->num_cpus, SEVIRT_MAX_VCPUS, &num_cpus, error))
            return FALSE;
        if (num_cpus == 0)
            return sevirt_cli_usage_error(error, _("--num-cpus must be at least 1"));
    }
    if (any_cpu) {
        if (!opts->cpu_family || !opts->cpu_model || !opts->cpu_stepping)
            return sevirt_cli_usage_error(error, _("--cpu-family, --cpu-model and --cpu-stepping go together"));
        if (!sevirt_parse_uint("--cpu-family", opts->cpu_family, CPU_FAMILY_MAX, &family, error) ||
            !sevirt_parse_uint("--cpu-model", opts->cpu_model, 0xff, &model, error) ||
            !sevirt_parse_uint("--cpu-stepping", opts->cpu_stepping, 0xf, &stepping, error))
            return FALSE;
    }
    if (cpu_given)
        *cpu_given = any_cpu;
    in->num_cpus = num_cpus;
    in->cpu_signature = any_cpu ? sevirt_cpu_signature(family, model, stepping) : 0;
    in->vmsa_flags = opts->vmsa_fpu_init ? SEVIRT_VMSA_FPU_INIT : 0;
    in->cmdline = opts->kernel ? opts->cmdline : NULL;
    return TRUE;
}

void
sevirt_cli_launch_images_clear(SevirtCliLaunchImages *images)
{
    g_clear_pointer(&images->firmware, g_free);
    g_clear_pointer(&images->kernel, g_free);
    g_clear_pointer(&images->initrd, g_free);
}

gboolean
sevirt_cli_expect_read_images(const SevirtCliExpectOptions *opts, SevirtCliLaunchImages *images,
                              SevirtLaunchInput *in, GError **error)
{
    if (!(images->firmware = sevirt_file_read(opts->firmware, SEVIRT_FIRMWARE_FILE_MAX,
                                              &in->firmware_len, error)) ||
        (opts->kernel && !(images->kernel = sevirt_file_read(opts->kernel, SEVIRT_KERNEL_FILE_MAX,
                                                             &in->kernel_len, error))) ||
        (opts->initrd && !(images->initrd = sevirt_file_read(opts->initrd, SEVIRT_INITRD_FILE_MAX,
                                                             &in->initrd_len, error))))
        return FALSE;
    in->firmware = images->firmware;
    in->kernel = images->kernel;
    in->initrd = images->initrd;
    return TRUE;
}

char *
sevirt_cli_hex(const guint8 *data, gsize len)
{
    GString *hex = g_string_sized_new(2 * len);

    for (gsize i = 0; i < len; i++)
        g_string_append_printf(hex, "%02x", data[i]);
    return g_string_free(hex, FALSE);
}
