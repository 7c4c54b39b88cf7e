/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV platform's configuration and identity.
 */
#include <config.h>

#include <errno.h>

#include <glib/gi18n.h>

#include "sevirt.h"
#include "emu-platform.h"

void
emu_platform_free(EmuPlatform *platform)
{
    if (!platform)
        return;
    g_free(platform->state_dir);
    g_free(platform->qemu);
    g_free(platform);
}

const char *
emu_platform_state_dir(void)
{
    const char *dir = g_getenv("SEVIRT_EMU_STATE_DIR");

    return dir && *dir ? dir : EMU_STATE_DIR;
}

static gboolean
conf_get_uint(GKeyFile *kf, const char *path, const char *group, const char *key,
              guint max, guint *value, GError **error)
{
    g_autofree char *text = g_key_file_get_value(kf, group, key, NULL);
    g_autofree char *what = NULL;
    guint64 v;

    if (!text)
        return TRUE;
    what = g_strdup_printf("'%s' [%s] %s", path, group, key);
    if (!sevirt_parse_uint(what, g_strstrip(text), max, &v, error))
        return FALSE;
    *value = v;
    return TRUE;
}

EmuPlatform *
emu_platform_load(const char *state_dir, GError **error)
{
    g_autoptr(EmuPlatform) platform = g_new0(EmuPlatform, 1);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *conf = g_build_filename(state_dir, "emu.conf", NULL);
    g_autoptr(GError) local = NULL;
    g_autofree char *qemu = NULL;

    platform->state_dir = g_strdup(state_dir);
    platform->cbitpos = EMU_DEFAULT_CBITPOS;
    platform->reduced_phys_bits = EMU_DEFAULT_REDUCED_PHYS_BITS;
    platform->api_major = EMU_DEFAULT_API_MAJOR;
    platform->api_minor = EMU_DEFAULT_API_MINOR;
    platform->build_id = EMU_DEFAULT_BUILD_ID;
    platform->cpu_family = EMU_DEFAULT_CPU_FAMILY;
    platform->cpu_model = EMU_DEFAULT_CPU_MODEL;
    platform->cpu_stepping = EMU_DEFAULT_CPU_STEPPING;

    if (!g_key_file_load_from_file(kf, conf, G_KEY_FILE_NONE, &local)) {
        if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Cannot read '%s': %s"), conf, local->message);
            return NULL;
        }
    }
    qemu = g_key_file_get_string(kf, "emulator", "qemu", NULL);
    platform->qemu = qemu && *qemu ? g_strdup(g_strstrip(qemu)) : g_strdup(QEMU_SYSTEM_X86_64);

    if (!conf_get_uint(kf, conf, "platform", "cbitpos", 63, &platform->cbitpos, error) ||
        !conf_get_uint(kf, conf, "platform", "reduced-phys-bits", 63, &platform->reduced_phys_bits, error) ||
        !conf_get_uint(kf, conf, "platform", "api-major", 255, &platform->api_major, error) ||
        !conf_get_uint(kf, conf, "platform", "api-minor", 255, &platform->api_minor, error) ||
        !conf_get_uint(kf, conf, "platform", "build-id", 255, &platform->build_id, error) ||
        !conf_get_uint(kf, conf, "platform", "cpu-family", 0xff + 0xf, &platform->cpu_family, error) ||
        !conf_get_uint(kf, conf, "platform", "cpu-model", 255, &platform->cpu_model, error) ||
        !conf_get_uint(kf, conf, "platform", "cpu-stepping", 15, &platform->cpu_stepping, error))
        return NULL;
    return g_steal_pointer(&platform);
}
