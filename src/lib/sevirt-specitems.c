/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The KEY=VALUE items of a disk, a NIC, a shared folder and a cloud-init
 * seed ("pool=P,size=20,backing=base.qcow2"): the values of --disk,
 * --network, --share and --cloud-init, and the list items of a spec file,
 * which sevirt-specfile.c reads as these strings (a mapping item is turned
 * into one first).  Because the spec file format uses this grammar, it
 * lives in the library beside the model (sevirt-spec.c) rather than in the
 * command line.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-spec.h"
#include "sevirt-storage.h"
#include "sevirt-util.h"

typedef struct {
    char *key;
    char *value;   /* NULL for a bare word */
} SpecItem;

static void
spec_item_free(SpecItem *item)
{
    g_free(item->key);
    g_free(item->value);
    g_free(item);
}

static gboolean invalid_value(GError **error, const char *what, const char *text,
                              const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* "WHAT: invalid value 'TEXT': REASON", the form sevirt_parse_uint() uses. */
static gboolean
invalid_value(GError **error, const char *what, const char *text, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *reason = NULL;

    va_start(ap, fmt);
    reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("%s: invalid value '%s': %s"), what, text, reason);
    return FALSE;
}

/*
 * Splits "a=1,b=2,word" into items.  Every key except those in @repeatable
 * may appear once; a key needs a non-empty value.
 */
static GPtrArray *
split_items(const char *what, const char *text, const char *const *repeatable, GError **error)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify) spec_item_free);
    g_auto(GStrv) parts = NULL;

    if (!text || !*text) {
        invalid_value(error, what, "", _("empty value"));
        return NULL;
    }
    parts = g_strsplit(text, ",", -1);
    for (guint i = 0; parts[i]; i++) {
        g_auto(GStrv) kv = g_strsplit(parts[i], "=", 2);
        SpecItem *item;

        if (!kv[0] || !*kv[0]) {
            invalid_value(error, what, text, _("empty item"));
            return NULL;
        }
        if (kv[1] && !*kv[1]) {
            invalid_value(error, what, text, _("'%s=' needs a value"), kv[0]);
            return NULL;
        }
        for (guint j = 0; j < items->len; j++) {
            SpecItem *seen = g_ptr_array_index(items, j);

            if (g_str_equal(seen->key, kv[0]) &&
                !(repeatable && g_strv_contains(repeatable, kv[0]))) {
                invalid_value(error, what, text, _("'%s' is given twice"), kv[0]);
                return NULL;
            }
        }
        item = g_new0(SpecItem, 1);
        item->key = g_strdup(kv[0]);
        item->value = g_strdup(kv[1]);
        g_ptr_array_add(items, item);
    }
    return g_steal_pointer(&items);
}

/* The value of @key, or NULL. */
static const char *
item_value(GPtrArray *items, const char *key)
{
    for (guint i = 0; i < items->len; i++) {
        SpecItem *item = g_ptr_array_index(items, i);

        if (g_str_equal(item->key, key))
            return item->value;
    }
    return NULL;
}

static gboolean
item_present(GPtrArray *items, const char *key)
{
    for (guint i = 0; i < items->len; i++) {
        if (g_str_equal(((SpecItem *) g_ptr_array_index(items, i))->key, key))
            return TRUE;
    }
    return FALSE;
}

/* Every item must be one of @keys (as KEY=VALUE) or @words (bare). */
static gboolean
check_items(const char *what, const char *text, GPtrArray *items,
            const char *const *keys, const char *const *words, GError **error)
{
    for (guint i = 0; i < items->len; i++) {
        SpecItem *item = g_ptr_array_index(items, i);
        gboolean is_key = keys && g_strv_contains(keys, item->key);
        gboolean is_word = words && g_strv_contains(words, item->key);

        if (!is_key && !is_word)
            return invalid_value(error, what, text, _("unknown key '%s'"), item->key);
        if (is_key && !is_word && !item->value)
            return invalid_value(error, what, text, _("'%s' needs a value (%s=...)"),
                                 item->key, item->key);
        if (is_word && !is_key && item->value)
            return invalid_value(error, what, text, _("'%s' takes no value"), item->key);
    }
    return TRUE;
}

static gboolean
check_format(const char *what, const char *text, const char *format, GError **error)
{
    static const char *const formats[] = { "raw", "qcow2", "qed", "vmdk", "vdi", "vpc", NULL };

    if (format && !g_strv_contains(formats, format))
        return invalid_value(error, what, text,
                             _("unknown format '%s' (raw, qcow2, qed, vmdk, vdi, vpc)"), format);
    return TRUE;
}

static gboolean
parse_disk_source(SevirtDiskSpec *disk, const char *what, const char *text,
                  GPtrArray *items, GError **error)
{
    const char *size = item_value(items, "size");

    switch (disk->kind) {
    case SEVIRT_DISK_PATH:
        disk->path = g_strdup(item_value(items, "path"));
        if (!g_path_is_absolute(disk->path))
            return invalid_value(error, what, text, _("path '%s' is not absolute"), disk->path);
        break;
    case SEVIRT_DISK_VOLUME: {
        const char *vol = item_value(items, "vol");

        if (!sevirt_volume_split(vol, &disk->pool, &disk->volume, NULL))
            return invalid_value(error, what, text, _("vol= takes POOL/VOLUME, got '%s'"), vol);
        break;
    }
    case SEVIRT_DISK_NEW_VOLUME:
        disk->pool = g_strdup(item_value(items, "pool"));
        disk->backing = g_strdup(item_value(items, "backing"));
        disk->volume = g_strdup(item_value(items, "name"));
        if (size) {
            g_autofree char *size_what = g_strdup_printf("%s size", what);

            if (!sevirt_parse_uint(size_what, size, 1024 * 1024, &disk->size_gib, error))
                return FALSE;
            if (disk->size_gib == 0)
                return invalid_value(error, what, text, _("size must be at least 1 GiB"));
        } else if (!disk->backing) {
            return invalid_value(error, what, text,
                                 _("a new volume needs size=GiB (or backing=VOLUME to take its size)"));
        }
        if (disk->volume && strchr(disk->volume, '/'))
            return invalid_value(error, what, text, _("volume name '%s' contains '/'"), disk->volume);
        break;
    }
    return TRUE;
}

SevirtDiskSpec *
sevirt_disk_spec_parse(const char *what, const char *text, GError **error)
{
    static const char *const keys[] = { "path", "vol", "pool", "size", "backing", "format",
                                        "name", NULL };
    static const char *const words[] = { "readonly", NULL };
    static const char *const path_keys[] = { "path", "format", "readonly", NULL };
    static const char *const vol_keys[] = { "vol", "format", "readonly", NULL };
    static const char *const new_keys[] = { "pool", "size", "backing", "format", "name",
                                            "readonly", NULL };
    g_autoptr(GPtrArray) items = split_items(what, text, NULL, error);
    g_autoptr(SevirtDiskSpec) disk = NULL;
    const char *const *allowed = new_keys;
    guint sources = 0;

    if (!items || !check_items(what, text, items, keys, words, error))
        return NULL;
    sources = item_present(items, "path") + item_present(items, "vol") + item_present(items, "pool");
    if (sources != 1) {
        invalid_value(error, what, text, _("give exactly one of path=, vol= or pool="));
        return NULL;
    }
    if (item_present(items, "path")) {
        disk = sevirt_disk_spec_new(SEVIRT_DISK_PATH);
        allowed = path_keys;
    } else if (item_present(items, "vol")) {
        disk = sevirt_disk_spec_new(SEVIRT_DISK_VOLUME);
        allowed = vol_keys;
    } else {
        disk = sevirt_disk_spec_new(SEVIRT_DISK_NEW_VOLUME);
    }
    for (guint i = 0; i < items->len; i++) {
        SpecItem *item = g_ptr_array_index(items, i);

        if (!g_strv_contains(allowed, item->key)) {
            invalid_value(error, what, text, _("'%s' does not go with %s="), item->key,
                          disk->kind == SEVIRT_DISK_PATH ? "path" : "vol");
            return NULL;
        }
    }
    disk->format = g_strdup(item_value(items, "format"));
    disk->readonly = item_present(items, "readonly");
    if (!check_format(what, text, disk->format, error) ||
        !parse_disk_source(disk, what, text, items, error))
        return NULL;
    if (disk->kind == SEVIRT_DISK_NEW_VOLUME && disk->backing && disk->format &&
        !g_str_equal(disk->format, "qcow2")) {
        invalid_value(error, what, text, _("an overlay on backing= must be qcow2, not %s"),
                      disk->format);
        return NULL;
    }
    return g_steal_pointer(&disk);
}

static gboolean
parse_mac(const char *what, const char *text, const char *mac, GError **error)
{
    g_auto(GStrv) octets = g_strsplit(mac, ":", -1);
    guint64 first = 0;

    if (g_strv_length(octets) != 6)
        return invalid_value(error, what, text, _("MAC address '%s' is not six hex pairs"), mac);
    for (guint i = 0; i < 6; i++) {
        guint64 v;

        if (strlen(octets[i]) != 2 || !g_ascii_string_to_unsigned(octets[i], 16, 0, 255, &v, NULL))
            return invalid_value(error, what, text, _("MAC address '%s' is not six hex pairs"), mac);
        if (i == 0)
            first = v;
    }
    if (first & 1)
        return invalid_value(error, what, text, _("MAC address '%s' is a multicast address"), mac);
    return TRUE;
}

/* HOSTPORT:GUESTPORT[/tcp|udp] */
static SevirtPortForward *
parse_portfwd(const char *what, const char *text, const char *value, GError **error)
{
    g_autofree char *ports = g_strdup(value);
    char *proto = strchr(ports, '/');
    char *colon;
    guint64 host, guest;
    SevirtPortForward *fwd;

    if (proto) {
        *proto++ = '\0';
        if (!g_str_equal(proto, "tcp") && !g_str_equal(proto, "udp")) {
            invalid_value(error, what, text, _("port forward protocol '%s' is not tcp or udp"), proto);
            return NULL;
        }
    }
    colon = strchr(ports, ':');
    if (!colon) {
        invalid_value(error, what, text, _("portfwd= takes HOSTPORT:GUESTPORT[/tcp|udp], got '%s'"),
                      value);
        return NULL;
    }
    *colon = '\0';
    if (!g_ascii_string_to_unsigned(ports, 10, 1, 65535, &host, NULL) ||
        !g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &guest, NULL)) {
        invalid_value(error, what, text, _("port forward '%s' needs ports between 1 and 65535"),
                      value);
        return NULL;
    }
    fwd = g_new0(SevirtPortForward, 1);
    fwd->host_port = host;
    fwd->guest_port = guest;
    fwd->proto = g_strdup(proto ? proto : "tcp");
    return fwd;
}

SevirtNetSpec *
sevirt_net_spec_parse(const char *what, const char *text, GError **error)
{
    static const char *const repeatable[] = { "portfwd", NULL };
    static const char *const keys[] = { "network", "bridge", "mac", "portfwd", NULL };
    static const char *const words[] = { "user", "none", NULL };
    g_autoptr(GPtrArray) items = split_items(what, text, repeatable, error);
    g_autoptr(SevirtNetSpec) net = NULL;
    const char *mac;
    guint kinds;

    if (!items || !check_items(what, text, items, keys, words, error))
        return NULL;
    kinds = item_present(items, "network") + item_present(items, "bridge") +
            item_present(items, "user") + item_present(items, "none");
    if (kinds != 1) {
        invalid_value(error, what, text, _("give exactly one of network=, bridge=, user or none"));
        return NULL;
    }
    if (item_present(items, "none")) {
        if (items->len != 1) {
            invalid_value(error, what, text, _("'none' takes no other key"));
            return NULL;
        }
        return sevirt_net_spec_new(SEVIRT_NET_NONE);
    }
    if (item_present(items, "portfwd") && !item_present(items, "user")) {
        invalid_value(error, what, text, _("portfwd= only goes with user networking"));
        return NULL;
    }
    if (item_present(items, "network")) {
        net = sevirt_net_spec_new(SEVIRT_NET_NETWORK);
        net->source = g_strdup(item_value(items, "network"));
    } else if (item_present(items, "bridge")) {
        const char *bridge = item_value(items, "bridge");

        /* A host interface name: IFNAMSIZ, and the characters libvirt's schema takes. */
        if (strlen(bridge) > 15 || strspn(bridge, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                  "0123456789_.-:") != strlen(bridge)) {
            invalid_value(error, what, text, _("'%s' is not a host interface name"), bridge);
            return NULL;
        }
        net = sevirt_net_spec_new(SEVIRT_NET_BRIDGE);
        net->source = g_strdup(bridge);
    } else {
        net = sevirt_net_spec_new(SEVIRT_NET_USER);
    }
    mac = item_value(items, "mac");
    if (mac) {
        if (!parse_mac(what, text, mac, error))
            return NULL;
        net->mac = g_ascii_strdown(mac, -1);
    }
    for (guint i = 0; i < items->len; i++) {
        SpecItem *item = g_ptr_array_index(items, i);
        SevirtPortForward *fwd;

        if (!g_str_equal(item->key, "portfwd"))
            continue;
        fwd = parse_portfwd(what, text, item->value, error);
        if (!fwd)
            return NULL;
        g_ptr_array_add(net->portfwds, fwd);
    }
    return g_steal_pointer(&net);
}

gboolean
sevirt_cloud_init_spec_parse(const char *what, const char *text, SevirtCloudInitSpec *ci,
                             GError **error)
{
    static const char *const keys[] = { "user-data", "meta-data", "network-config", "pool", NULL };
    g_autoptr(GPtrArray) items = split_items(what, text, NULL, error);

    if (!items || !check_items(what, text, items, keys, NULL, error))
        return FALSE;
    g_free(ci->user_data);
    ci->user_data = g_strdup(item_value(items, "user-data"));
    g_free(ci->meta_data);
    ci->meta_data = g_strdup(item_value(items, "meta-data"));
    g_free(ci->network_config);
    ci->network_config = g_strdup(item_value(items, "network-config"));
    g_free(ci->pool);
    ci->pool = g_strdup(item_value(items, "pool"));
    return TRUE;
}

SevirtShareSpec *
sevirt_share_spec_parse(const char *what, const char *text, GError **error)
{
    g_autoptr(SevirtShareSpec) share = sevirt_share_spec_new();
    g_autofree char *rest = g_strdup(text ? text : "");
    char *colon;

    /* Split from the right: the source directory may contain colons. */
    if (g_str_has_suffix(rest, ":ro")) {
        share->readonly = TRUE;
        rest[strlen(rest) - 3] = '\0';
    }
    colon = strrchr(rest, ':');
    if (!colon) {
        invalid_value(error, what, text ? text : "", _("expected SOURCE_DIR:TAG[:ro]"));
        return NULL;
    }
    *colon = '\0';
    share->source_dir = g_strdup(rest);
    share->tag = g_strdup(colon + 1);
    if (!g_path_is_absolute(share->source_dir)) {
        invalid_value(error, what, text, _("source directory '%s' is not absolute"),
                      share->source_dir);
        return NULL;
    }
    if (!*share->tag) {
        invalid_value(error, what, text, _("the mount tag is empty"));
        return NULL;
    }
    /* virtio-9p carries the tag in a 16-bit length field, but Linux guests
     * only look at the first 31 bytes (MAX_TAG_LEN before Linux 6.x). */
    if (strlen(share->tag) > 31) {
        invalid_value(error, what, text, _("the mount tag '%s' is longer than 31 bytes"),
                      share->tag);
        return NULL;
    }
    return g_steal_pointer(&share);
}
