/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Probing an emulator binary: whether it is sevirt's emulated SEV platform,
 * and what that platform says about itself ('sevirt-qemu-emu --emu-info').
 */
#include <config.h>

#include <stdlib.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sevirt.h"
#include "sevirt-emuinfo-private.h"
#include "sevirt-emuprobe.h"

/* json-glib < 1.6 has no json_object_get_object_member_with_default. */
static JsonObject *
json_member_object(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* ---------------------------------------------------------------------- */
/* the emulated SEV platform */

gboolean
sevirt_emulator_is_emulated(const char *path)
{
    g_autofree char *base = NULL;
    g_autofree char *resolved = NULL;

    if (!path || !*path)
        return FALSE;
    base = g_path_get_basename(path);
    if (g_str_equal(base, SEVIRT_EMULATOR_BASENAME))
        return TRUE;
    /* A link under another name (qemu-sev, say) must not hide that nothing
     * is encrypted.  Only this machine's files can be followed. */
    resolved = realpath(path, NULL);
    if (!resolved)
        return FALSE;
    g_free(base);
    base = g_path_get_basename(resolved);
    return g_str_equal(base, SEVIRT_EMULATOR_BASENAME);
}

void
sevirt_emu_info_free(SevirtEmuInfo *info)
{
    if (!info)
        return;
    g_free(info->notice);
    g_free(info->state_dir);
    g_free(info->qemu);
    g_free(info->identity_dir);
    g_free(info->identity_error);
    g_free(info);
}

static char *
json_member_strdup(JsonObject *obj, const char *member)
{
    return g_strdup(json_object_get_string_member_with_default(obj, member, NULL));
}

static gint
json_member_uint(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    if (!node || json_node_get_value_type(node) != G_TYPE_INT64)
        return -1;
    return CLAMP(json_node_get_int(node), -1, G_MAXINT);
}

SevirtEmuInfo *
sevirt_emu_info_parse(const char *json, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtEmuInfo) info = NULL;
    JsonNode *root_node;
    JsonObject *root;
    JsonObject *identity;

    if (!json_parser_load_from_data(parser, json, -1, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse the emulated platform's description: %s"), local->message);
        return NULL;
    }
    root_node = json_parser_get_root(parser);
    root = root_node && JSON_NODE_HOLDS_OBJECT(root_node) ? json_node_get_object(root_node) : NULL;
    if (!root ||
        !json_object_get_boolean_member_with_default(root, SEVIRT_EMU_INFO_EMULATED, FALSE)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse the emulated platform's description: it does not say "
                      "\"emulated\": true"));
        return NULL;
    }
    info = g_new0(SevirtEmuInfo, 1);
    info->notice = json_member_strdup(root, SEVIRT_EMU_INFO_NOTICE);
    info->state_dir = json_member_strdup(root, SEVIRT_EMU_INFO_STATE_DIR);
    info->qemu = json_member_strdup(root, SEVIRT_EMU_INFO_QEMU);
    info->api_major = json_member_uint(root, SEVIRT_EMU_INFO_API_MAJOR);
    info->api_minor = json_member_uint(root, SEVIRT_EMU_INFO_API_MINOR);
    info->build_id = json_member_uint(root, SEVIRT_EMU_INFO_BUILD_ID);
    info->cpu_family = json_member_uint(root, SEVIRT_EMU_INFO_CPU_FAMILY);
    info->cpu_model = json_member_uint(root, SEVIRT_EMU_INFO_CPU_MODEL);
    info->cpu_stepping = json_member_uint(root, SEVIRT_EMU_INFO_CPU_STEPPING);
    identity = json_member_object(root, SEVIRT_EMU_INFO_IDENTITY);
    if (identity)
        info->identity_dir = json_member_strdup(identity, SEVIRT_EMU_INFO_IDENTITY_DIR);
    if (!info->identity_dir)
        info->identity_error = g_strdup(json_object_get_string_member_with_default(
            root, SEVIRT_EMU_INFO_IDENTITY_ERROR, _("the platform has no identity")));
    return g_steal_pointer(&info);
}

static void
append_reported(GString *s, const char *label, gint value)
{
    if (value < 0)
        g_string_append_printf(s, "%s?", label);
    else
        g_string_append_printf(s, "%s%d", label, value);
}

char *
sevirt_emu_info_summary(const SevirtEmuInfo *info)
{
    GString *s = g_string_new(NULL);

    /* Labels are the SEV API's and AMD's terms: not translated. */
    append_reported(s, "SEV API ", info->api_major);
    append_reported(s, ".", info->api_minor);
    append_reported(s, " build ", info->build_id);
    append_reported(s, ", CPU family ", info->cpu_family);
    append_reported(s, " model ", info->cpu_model);
    append_reported(s, " stepping ", info->cpu_stepping);
    return g_string_free(s, FALSE);
}

SevirtEmuInfo *
sevirt_emu_info_query(const char *emulator, GError **error)
{
    const char *argv[] = { emulator, "--emu-info", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) local = NULL;
    gint status = 0;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &err, &status, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot run '%s --emu-info': %s"), emulator, local->message);
        return NULL;
    }
    if (!g_spawn_check_wait_status(status, &local)) {
        g_strstrip(err);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, _("'%s --emu-info' failed: %s"),
                    emulator, *err ? err : local->message);
        return NULL;
    }
    return sevirt_emu_info_parse(out, error);
}
