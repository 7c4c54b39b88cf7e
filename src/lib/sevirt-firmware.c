/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU firmware descriptors (docs/interop/firmware.json): which firmware
 * images the host offers, with which confidential features.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sevirt.h"
#include "sevirt-firmware.h"
#include "sevirt-util.h"

/* ---------------------------------------------------------------------- */
/* firmware descriptors */

void
sevirt_firmware_free(SevirtFirmware *fw)
{
    if (!fw)
        return;
    g_free(fw->descriptor);
    g_free(fw->description);
    g_free(fw->executable);
    g_free(fw->nvram_template);
    g_free(fw->device);
    g_free(fw->mode);
    g_strfreev(fw->features);
    g_free(fw);
}

gboolean
sevirt_firmware_has_feature(const SevirtFirmware *fw, const char *feature)
{
    return fw->features && g_strv_contains((const char *const *) fw->features, feature);
}

const char *
sevirt_firmware_feature_for(SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_SEV:
        return "amd-sev";
    case SEVIRT_SEV_ES:
        return "amd-sev-es";
    case SEVIRT_SEV_SNP:
        return "amd-sev-snp";
    case SEVIRT_SEV_NONE:
    default:
        return NULL;
    }
}

/* json-glib < 1.6 has no *_with_default for arrays and objects. */
static JsonArray *
json_member_array(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    return node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}

static JsonObject *
json_member_object(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static GStrv
json_string_array(JsonObject *obj, const char *member)
{
    JsonArray *array = json_member_array(obj, member);
    GStrvBuilder *builder = g_strv_builder_new();
    GStrv result;

    for (guint i = 0; array && i < json_array_get_length(array); i++) {
        const char *s = json_node_get_string(json_array_get_element(array, i));

        if (s)
            g_strv_builder_add(builder, s);
    }
    result = g_strv_builder_end(builder);
    g_strv_builder_unref(builder);
    return result;
}

static gboolean
firmware_targets_x86_64(JsonObject *root)
{
    JsonArray *targets = json_member_array(root, "targets");

    for (guint i = 0; targets && i < json_array_get_length(targets); i++) {
        JsonObject *t = json_array_get_object_element(targets, i);

        if (t && g_strcmp0(json_object_get_string_member_with_default(t, "architecture", NULL),
                           "x86_64") == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
firmware_bad(GError **error, const char *path, const char *why)
{
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Firmware descriptor '%s' is not usable: %s"), path, why);
    return FALSE;
}

static gboolean
firmware_fill_mapping(SevirtFirmware *fw, JsonObject *mapping, const char *path, GError **error)
{
    const char *device = json_object_get_string_member_with_default(mapping, "device", NULL);

    if (!device)
        return firmware_bad(error, path, _("its mapping has no device"));
    fw->device = g_strdup(device);
    if (g_str_equal(device, "flash")) {
        JsonObject *exe = json_member_object(mapping, "executable");
        JsonObject *nvram = json_member_object(mapping, "nvram-template");

        if (!exe || !json_object_get_string_member_with_default(exe, "filename", NULL))
            return firmware_bad(error, path, _("its flash mapping has no executable"));
        fw->executable = g_strdup(json_object_get_string_member(exe, "filename"));
        if (nvram)
            fw->nvram_template = g_strdup(json_object_get_string_member_with_default(nvram, "filename", NULL));
        fw->mode = g_strdup(json_object_get_string_member_with_default(mapping, "mode", NULL));
    } else if (g_str_equal(device, "memory")) {
        const char *filename = json_object_get_string_member_with_default(mapping, "filename", NULL);

        if (!filename)
            return firmware_bad(error, path, _("its memory mapping has no filename"));
        fw->executable = g_strdup(filename);
    } else {
        return firmware_bad(error, path, _("only flash and memory firmware can boot a guest"));
    }
    return TRUE;
}

/* QEMU's firmware descriptors take a few KiB. */
#define FIRMWARE_DESCRIPTOR_MAX (64 * 1024)

SevirtFirmware *
sevirt_firmware_parse(const char *path, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtFirmware) fw = g_new0(SevirtFirmware, 1);
    g_auto(GStrv) interfaces = NULL;
    JsonNode *root_node;
    JsonObject *root;
    JsonObject *mapping;

    g_autofree char *text = NULL;
    gsize len = 0;

    /* the library's reader: a FIFO or device named here neither blocks nor streams */
    text = (char *) sevirt_file_read(path, FIRMWARE_DESCRIPTOR_MAX, &len, error);
    if (!text)
        return NULL;
    if (!json_parser_load_from_data(parser, text, len, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse firmware descriptor '%s': %s"), path, local->message);
        return NULL;
    }
    root_node = json_parser_get_root(parser);
    if (!root_node || !JSON_NODE_HOLDS_OBJECT(root_node)) {
        firmware_bad(error, path, _("it is not a JSON object"));
        return NULL;
    }
    root = json_node_get_object(root_node);
    interfaces = json_string_array(root, "interface-types");
    if (!g_strv_contains((const char *const *) interfaces, "uefi")) {
        firmware_bad(error, path, _("it is not a UEFI firmware"));
        return NULL;
    }
    if (!firmware_targets_x86_64(root)) {
        firmware_bad(error, path, _("it does not target x86_64"));
        return NULL;
    }
    mapping = json_member_object(root, "mapping");
    if (!mapping) {
        firmware_bad(error, path, _("it has no mapping"));
        return NULL;
    }
    if (!firmware_fill_mapping(fw, mapping, path, error))
        return NULL;
    fw->descriptor = g_strdup(path);
    fw->description = g_strdup(json_object_get_string_member_with_default(root, "description", ""));
    fw->features = json_string_array(root, "features");
    return g_steal_pointer(&fw);
}

/* Maps descriptor file name -> full path, later directories winning. */
static void
collect_descriptor_names(const char *dir, GHashTable *by_name)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".json"))
            g_hash_table_replace(by_name, g_strdup(name), g_build_filename(dir, name, NULL));
    }
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
sevirt_firmware_list_load(const char *dirs)
{
    g_auto(GStrv) dirv = g_strsplit(dirs ? dirs : SEVIRT_FIRMWARE_DESCRIPTOR_DIRS, ":", -1);
    g_autoptr(GHashTable) by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree const char **names = NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_firmware_free);
    guint n = 0;

    for (guint i = 0; dirv[i]; i++) {
        if (*dirv[i])
            collect_descriptor_names(dirv[i], by_name);
    }
    names = (const char **) g_hash_table_get_keys_as_array(by_name, &n);
    qsort(names, n, sizeof(char *), compare_names);
    for (guint i = 0; i < n; i++) {
        const char *path = g_hash_table_lookup(by_name, names[i]);
        GStatBuf st;
        SevirtFirmware *fw;

        /* An empty file masks a descriptor of the same name (QEMU's rule). */
        if (g_stat(path, &st) == 0 && st.st_size == 0)
            continue;
        fw = sevirt_firmware_parse(path, NULL);
        if (fw)
            g_ptr_array_add(list, fw);
    }
    return list;
}


const SevirtFirmware *
sevirt_firmware_list_find(const GPtrArray *firmware, SevirtSevType type)
{
    const char *feature = sevirt_firmware_feature_for(type);

    for (guint i = 0; feature && i < firmware->len; i++) {
        const SevirtFirmware *fw = g_ptr_array_index(firmware, i);

        if (sevirt_firmware_has_feature(fw, feature) &&
            !sevirt_firmware_has_feature(fw, "requires-smm") &&
            !sevirt_firmware_has_feature(fw, "enrolled-keys"))
            return fw;
    }
    return NULL;
}
