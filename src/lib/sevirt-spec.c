/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-cloudinit.h"
#include "sevirt-conn.h"
#include "sevirt-error.h"
#include "sevirt-hostcaps.h"
#include "sevirt-policy.h"
#include "sevirt-spec.h"
#include "sevirt-storage.h"
#include "sevirt-util.h"

static const char *const sev_type_names[] = {
    [SEVIRT_SEV_NONE] = "none",
    [SEVIRT_SEV_SEV] = "sev",
    [SEVIRT_SEV_ES] = "sev-es",
    [SEVIRT_SEV_SNP] = "sev-snp",
};

const char *
sevirt_sev_type_to_string(SevirtSevType type)
{
    g_return_val_if_fail(type < G_N_ELEMENTS(sev_type_names), NULL);
    return sev_type_names[type];
}

gboolean
sevirt_sev_type_from_string(const char *str, SevirtSevType *type, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_type_names); i++) {
        if (g_ascii_strcasecmp(str, sev_type_names[i]) == 0) {
            *type = i;
            return TRUE;
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Unknown SEV type '%s': expected sev, sev-es, sev-snp or none"), str);
    return FALSE;
}

static const char *const virt_type_names[] = {
    [SEVIRT_VIRT_KVM] = "kvm",
    [SEVIRT_VIRT_QEMU] = "qemu",
};

const char *
sevirt_virt_type_to_string(SevirtVirtType type)
{
    g_return_val_if_fail(type < G_N_ELEMENTS(virt_type_names), NULL);
    return virt_type_names[type];
}

gboolean
sevirt_virt_type_from_string(const char *str, SevirtVirtType *type, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(virt_type_names); i++) {
        if (g_ascii_strcasecmp(str, virt_type_names[i]) == 0) {
            *type = i;
            return TRUE;
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Unknown virtualization type '%s': expected kvm or qemu"), str);
    return FALSE;
}

SevirtVmSpec *
sevirt_vm_spec_new(void)
{
    SevirtVmSpec *spec = g_new0(SevirtVmSpec, 1);

    spec->vcpus = SEVIRT_DEFAULT_VCPUS;
    spec->memory_mib = SEVIRT_DEFAULT_MEMORY_MIB;
    spec->sev_type = SEVIRT_SEV_SEV;
    spec->cbitpos = -1;
    spec->reduced_phys_bits = -1;
    spec->virt_type = SEVIRT_VIRT_KVM;
    spec->disks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_disk_spec_free);
    spec->networks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_net_spec_free);
    spec->shares = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_share_spec_free);
    spec->owned_volumes = g_ptr_array_new_with_free_func(g_free);
    spec->marks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return spec;
}

void
sevirt_vm_spec_free(SevirtVmSpec *spec)
{
    if (!spec)
        return;
    g_free(spec->name);
    g_free(spec->dh_cert);
    g_free(spec->session);
    sevirt_attest_spec_free(spec->attest);
    g_free(spec->kernel);
    g_free(spec->initrd);
    g_free(spec->cmdline);
    g_free(spec->firmware);
    g_free(spec->emulator);
    g_free(spec->cpu);
    g_free(spec->machine);
    g_ptr_array_unref(spec->disks);
    g_ptr_array_unref(spec->networks);
    g_ptr_array_unref(spec->shares);
    sevirt_cloud_init_spec_free(spec->cloud_init);
    g_ptr_array_unref(spec->owned_volumes);
    g_free(spec->policy_text);
    g_hash_table_unref(spec->marks);
    g_free(spec);
}

void
sevirt_vm_spec_set_mark(SevirtVmSpec *spec, const char *field, const char *location)
{
    g_hash_table_replace(spec->marks, g_strdup(field), g_strdup(location));
}

/* @key is @field, one of its keys ("sev.policy") or one of its items ("disks[1]"). */
static gboolean
mark_is_within(gpointer key, gpointer value G_GNUC_UNUSED, gpointer field)
{
    const char *k = key;
    gsize len = strlen(field);

    return strncmp(k, field, len) == 0 && (k[len] == '\0' || k[len] == '.' || k[len] == '[');
}

void
sevirt_vm_spec_clear_mark(SevirtVmSpec *spec, const char *field)
{
    g_hash_table_foreach_remove(spec->marks, mark_is_within, (gpointer) field);
}

const char *
sevirt_vm_spec_get_mark(const SevirtVmSpec *spec, const char *field)
{
    return field ? g_hash_table_lookup(spec->marks, field) : NULL;
}

gboolean
sevirt_vm_spec_locate_error(const SevirtVmSpec *spec, const char *field, GError **error)
{
    const char *location = sevirt_vm_spec_get_mark(spec, field);

    if (location)
        g_prefix_error(error, "%s: ", location);
    return FALSE;
}

void
sevirt_attest_spec_free(SevirtAttestSpec *attest)
{
    if (!attest)
        return;
    g_free(attest->pdh);
    g_free(attest->ark);
    g_free(attest->ask);
    g_free(attest->keys_dir);
    g_free(attest);
}

SevirtDiskSpec *
sevirt_disk_spec_new(SevirtDiskKind kind)
{
    SevirtDiskSpec *disk = g_new0(SevirtDiskSpec, 1);

    disk->kind = kind;
    return disk;
}

void
sevirt_disk_spec_free(SevirtDiskSpec *disk)
{
    if (!disk)
        return;
    g_free(disk->path);
    g_free(disk->pool);
    g_free(disk->volume);
    g_free(disk->format);
    g_free(disk->backing);
    g_free(disk);
}

SevirtNetSpec *
sevirt_net_spec_new(SevirtNetKind kind)
{
    SevirtNetSpec *net = g_new0(SevirtNetSpec, 1);

    net->kind = kind;
    net->portfwds = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_port_forward_free);
    return net;
}

void
sevirt_net_spec_free(SevirtNetSpec *net)
{
    if (!net)
        return;
    g_free(net->source);
    g_free(net->mac);
    g_ptr_array_unref(net->portfwds);
    g_free(net);
}

void
sevirt_port_forward_free(SevirtPortForward *fwd)
{
    if (!fwd)
        return;
    g_free(fwd->proto);
    g_free(fwd);
}

SevirtShareSpec *
sevirt_share_spec_new(void)
{
    return g_new0(SevirtShareSpec, 1);
}

void
sevirt_share_spec_free(SevirtShareSpec *share)
{
    if (!share)
        return;
    g_free(share->source_dir);
    g_free(share->tag);
    g_free(share);
}

void
sevirt_cloud_init_spec_free(SevirtCloudInitSpec *ci)
{
    if (!ci)
        return;
    g_free(ci->user_data);
    g_free(ci->meta_data);
    g_free(ci->network_config);
    g_free(ci->ssh_key);
    g_free(ci->hostname);
    g_free(ci->pool);
    g_free(ci);
}

/* ---------------------------------------------------------------------- */
/* option values: KEY=VALUE lists */

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

/* ---------------------------------------------------------------------- */
/* validation */

gboolean
sevirt_vm_spec_is_attested(const SevirtVmSpec *spec)
{
    return spec->dh_cert != NULL || spec->session != NULL;
}

static gboolean spec_invalid(const SevirtVmSpec *spec, const char *field, GError **error,
                             const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* A bad value of @field (a spec file key, or NULL): at its place in the
 * spec file when it came from one. */
static gboolean
spec_invalid(const SevirtVmSpec *spec, const char *field, GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, msg);
    return sevirt_vm_spec_locate_error(spec, field, error);
}

static gboolean
validate_name(const SevirtVmSpec *spec, GError **error)
{
    const char *name = spec->name;

    if (!name || !*name)
        return spec_invalid(spec, "name", error, _("The domain name is empty"));
    if (!g_utf8_validate(name, -1, NULL))
        return spec_invalid(spec, "name", error, _("The domain name is not valid UTF-8"));
    /* libvirt's QEMU driver refuses '/', and names become file names. */
    if (strchr(name, '/'))
        return spec_invalid(spec, "name", error, _("Invalid domain name '%s': it contains '/'"),
                            name);
    for (const char *p = name; *p; p++) {
        if (g_ascii_iscntrl(*p))
            return spec_invalid(spec, "name", error,
                                _("Invalid domain name '%s': it contains a control character"),
                                name);
    }
    if (strlen(name) > 200)
        return spec_invalid(spec, "name", error,
                            _("Invalid domain name '%s': longer than 200 bytes"), name);
    return TRUE;
}

static gboolean
validate_sizes(const SevirtVmSpec *spec, const SevirtHostCaps *caps, GError **error)
{
    guint max_vcpus = caps && caps->max_vcpus > 0 ? (guint) caps->max_vcpus : SEVIRT_MAX_VCPUS;

    if (spec->vcpus < 1 || spec->vcpus > max_vcpus)
        return spec_invalid(spec, "vcpus", error, _("Invalid vCPU count %u: expected 1 to %u"),
                            spec->vcpus, max_vcpus);
    if (spec->memory_mib < SEVIRT_MIN_MEMORY_MIB || spec->memory_mib > SEVIRT_MAX_MEMORY_MIB)
        return spec_invalid(spec, "memory", error,
                            _("Invalid memory size %" G_GUINT64_FORMAT " MiB: expected %d to %"
                              G_GUINT64_FORMAT " MiB"),
                            spec->memory_mib, SEVIRT_MIN_MEMORY_MIB, SEVIRT_MAX_MEMORY_MIB);
    return TRUE;
}

/* The key of the attested launch's blob that is given (dhCert first). */
static const char *
blob_field(const SevirtVmSpec *spec)
{
    return spec->dh_cert ? "sev.dh_cert" : "sev.session";
}

/* A spec file's policy is parsed only now, for the final type: a --sev
 * applied after the file decides the family of its flag names. */
gboolean
sevirt_vm_spec_resolve_policy(SevirtVmSpec *spec, GError **error)
{
    if (spec->policy_set || !spec->policy_text)
        return TRUE;
    if (!sevirt_policy_parse("policy", spec->sev_type, spec->policy_text, &spec->policy, error))
        return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
    spec->policy_set = TRUE;
    return TRUE;
}

/* What no plain guest may carry. */
static gboolean
validate_plain(const SevirtVmSpec *spec, GError **error)
{
    if (spec->policy_set)
        return spec_invalid(spec, "sev.policy", error,
                            _("A plain guest (SEV type 'none') takes no policy"));
    if (sevirt_vm_spec_is_attested(spec))
        return spec_invalid(spec, blob_field(spec), error,
                            _("A plain guest (SEV type 'none') takes no dhCert or session"));
    if (spec->cbitpos >= 0 || spec->reduced_phys_bits >= 0)
        return spec_invalid(spec, spec->cbitpos >= 0 ? "sev.cbitpos" : "sev.reduced_phys_bits",
                            error, _("A plain guest (SEV type 'none') takes no cbitpos or "
                                     "reduced-phys-bits"));
    if (spec->kernel_hashes == SEVIRT_TRISTATE_YES)
        return spec_invalid(spec, "sev.kernel_hashes", error,
                            _("Kernel hashes need an SEV type: a plain guest has no measurement"));
    return TRUE;
}

static gboolean
check_host_support(const SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags,
                   GError **error)
{
    const char *type = sevirt_sev_type_to_string(spec->sev_type);

    if (spec->sev_type == SEVIRT_SEV_SNP && caps->libvirt_version &&
        caps->libvirt_version < SEVIRT_LIBVIRT_SNP_VERSION) {
        g_autofree char *found = sevirt_version_string(caps->libvirt_version);

        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("SEV-SNP guests need libvirt 10.5 or later on the host, which runs libvirt %s"),
                    found);
        return FALSE;
    }
    if (!(flags & SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES) &&
        !sevirt_host_caps_supports(caps, spec->sev_type)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("The host cannot run %s guests with %s (libvirt's domain capabilities "
                      "report no support; see 'sevirt host-check')"),
                    type, caps->emulator ? caps->emulator : _("its default emulator"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_blob(const SevirtVmSpec *spec, const char *field, const char *what, const char *b64,
              gsize size, GError **error)
{
    g_autofree guint8 *raw = NULL;
    gsize len = 0;

    raw = sevirt_base64_decode_strict(what, b64, size, &len, error);
    return raw || sevirt_vm_spec_locate_error(spec, field, error);
}

static gboolean
validate_launch_security(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                         GPtrArray *notes, GError **error)
{
    g_autofree char *note = NULL;

    if (!spec->policy_set) {
        spec->policy = sevirt_policy_default(spec->sev_type);
        spec->policy_set = TRUE;
    }
    if (!sevirt_policy_check(spec->sev_type, &spec->policy, &note, error))
        return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
    if (note && notes)
        g_ptr_array_add(notes, g_steal_pointer(&note));

    if (caps && spec->cbitpos < 0)
        spec->cbitpos = caps->cbitpos;
    if (caps && spec->reduced_phys_bits < 0)
        spec->reduced_phys_bits = caps->reduced_phys_bits;
    if (spec->cbitpos > 63)
        return spec_invalid(spec, "sev.cbitpos", error, _("Invalid cbitpos %d: expected 0 to 63"),
                            spec->cbitpos);
    if (spec->reduced_phys_bits > 63)
        return spec_invalid(spec, "sev.reduced_phys_bits", error,
                            _("Invalid reduced-phys-bits %d: expected 0 to 63"),
                            spec->reduced_phys_bits);

    if (sevirt_vm_spec_is_attested(spec)) {
        if (spec->sev_type == SEVIRT_SEV_SNP)
            return spec_invalid(spec, blob_field(spec), error,
                                _("SEV-SNP guests take no dhCert or session: "
                                  "they are attested with a report instead"));
        if (!spec->dh_cert || !spec->session)
            return spec_invalid(spec, blob_field(spec), error,
                                _("An attested launch needs both the dhCert and the session"));
        if (!validate_blob(spec, "sev.dh_cert", _("dhCert"), spec->dh_cert, SEVIRT_DH_CERT_SIZE,
                           error) ||
            !validate_blob(spec, "sev.session", _("session"), spec->session, SEVIRT_SESSION_SIZE,
                           error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
validate_boot(SevirtVmSpec *spec, GError **error)
{
    if (!spec->kernel) {
        if (spec->initrd)
            return spec_invalid(spec, "initrd", error,
                                _("An initrd needs a kernel (direct kernel boot)"));
        if (spec->cmdline)
            return spec_invalid(spec, "cmdline", error,
                                _("A kernel command line needs a kernel (direct kernel boot)"));
        if (spec->kernel_hashes == SEVIRT_TRISTATE_YES)
            return spec_invalid(spec, "sev.kernel_hashes", error,
                                _("Kernel hashes need a kernel (direct kernel boot)"));
        spec->kernel_hashes = SEVIRT_TRISTATE_NO;
        return TRUE;
    }
    if (!g_path_is_absolute(spec->kernel))
        return spec_invalid(spec, "kernel", error, _("Kernel path '%s' is not absolute"),
                            spec->kernel);
    if (spec->initrd && !g_path_is_absolute(spec->initrd))
        return spec_invalid(spec, "initrd", error, _("Initrd path '%s' is not absolute"),
                            spec->initrd);
    /* Measured direct boot is the point of SEV with a kernel: on by default. */
    if (spec->kernel_hashes == SEVIRT_TRISTATE_DEFAULT)
        spec->kernel_hashes = spec->sev_type == SEVIRT_SEV_NONE ? SEVIRT_TRISTATE_NO
                                                                 : SEVIRT_TRISTATE_YES;
    return TRUE;
}

/*
 * An attested launch measures the firmware image only, so the guest must
 * not get a variable store: sevirt names the image and marks it stateless.
 * With "auto", pick the first descriptor that supports the SEV type.
 */
static gboolean
resolve_attested_firmware(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                          GPtrArray *notes, GError **error)
{
    g_autoptr(GPtrArray) local = NULL;
    const GPtrArray *firmware;
    const SevirtFirmware *fw;

    if (spec->firmware || !sevirt_vm_spec_is_attested(spec))
        return TRUE;
    if (caps && !caps->firmware_known)
        return spec_invalid(spec, NULL, error,
                            _("An attested launch needs a stateless firmware, and the "
                              "firmware descriptors of a remote host cannot be read: "
                              "give the firmware path"));
    if (caps) {
        firmware = caps->firmware;
    } else {
        /* Offline XML: the firmware of this machine. */
        local = sevirt_firmware_list_load(NULL);
        firmware = local;
    }
    fw = sevirt_firmware_list_find(firmware, spec->sev_type);
    if (!fw)
        return spec_invalid(spec, NULL, error,
                            _("An attested launch needs a stateless firmware and no firmware "
                              "descriptor lists '%s': give the firmware path"),
                            sevirt_firmware_feature_for(spec->sev_type));
    spec->firmware = g_strdup(fw->executable);
    if (notes)
        g_ptr_array_add(notes, g_strdup_printf(_("attested launch: using firmware %s without a "
                                                 "variable store"), fw->executable));
    return TRUE;
}

static gboolean
validate_paths(SevirtVmSpec *spec, GError **error)
{
    if (spec->firmware && g_str_equal(spec->firmware, "auto"))
        g_clear_pointer(&spec->firmware, g_free);
    if (spec->firmware && !g_path_is_absolute(spec->firmware))
        return spec_invalid(spec, "firmware", error, _("Firmware path '%s' is not absolute"),
                            spec->firmware);
    if (spec->emulator && !g_path_is_absolute(spec->emulator))
        return spec_invalid(spec, "emulator", error, _("Emulator path '%s' is not absolute"),
                            spec->emulator);
    if (spec->cpu && !*spec->cpu)
        return spec_invalid(spec, "cpu", error, _("The CPU model is empty"));
    if (spec->machine && !*spec->machine)
        return spec_invalid(spec, "machine", error, _("The machine type is empty"));
    return TRUE;
}

static const char *
format_from_path(const char *path)
{
    return g_str_has_suffix(path, ".qcow2") ? "qcow2" : "raw";
}

static gboolean
validate_disks(SevirtVmSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->disks->len; i++) {
        SevirtDiskSpec *disk = g_ptr_array_index(spec->disks, i);

        if (disk->kind == SEVIRT_DISK_PATH && !disk->format)
            disk->format = g_strdup(disk->cdrom ? "raw" : format_from_path(disk->path));
        if (disk->kind != SEVIRT_DISK_NEW_VOLUME)
            continue;
        if (!disk->format)
            disk->format = g_strdup("qcow2");
        if (!disk->volume)
            disk->volume = g_strdup_printf("%s-disk%u.%s", spec->name, i, disk->format);
        if (disk->backing && !g_str_equal(disk->format, "qcow2")) {
            g_autofree char *field = g_strdup_printf("disks[%u]", i);

            return spec_invalid(spec, field, error,
                                _("Disk %u: an overlay on '%s' must be qcow2, not %s"),
                                i, disk->backing, disk->format);
        }
    }
    return TRUE;
}

static gboolean
validate_networks(const SevirtVmSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->networks->len; i++) {
        const SevirtNetSpec *net = g_ptr_array_index(spec->networks, i);

        if (net->kind == SEVIRT_NET_NONE && spec->networks->len > 1) {
            g_autofree char *field = g_strdup_printf("networks[%u]", i);

            return spec_invalid(spec, field, error,
                                _("Network 'none' cannot be combined with other networks"));
        }
    }
    return TRUE;
}

/* Refused here rather than by libvirt at define time, after the volumes. */
static gboolean
check_host_networks(const SevirtVmSpec *spec, const SevirtHostCaps *caps, GError **error)
{
    for (guint i = 0; caps->passt == SEVIRT_TRISTATE_NO && i < spec->networks->len; i++) {
        const SevirtNetSpec *net = g_ptr_array_index(spec->networks, i);
        g_autofree char *why = NULL;
        g_autofree char *field = NULL;

        if (net->kind != SEVIRT_NET_USER)
            continue;
        why = sevirt_host_caps_passt_refusal(caps);
        field = g_strdup_printf("networks[%u]", i);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("%s; use network=NAME or bridge=BR"), why);
        return sevirt_vm_spec_locate_error(spec, field, error);
    }
    return TRUE;
}

static gboolean
validate_shares(const SevirtVmSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->shares->len; i++) {
        const SevirtShareSpec *a = g_ptr_array_index(spec->shares, i);

        for (guint j = i + 1; j < spec->shares->len; j++) {
            const SevirtShareSpec *b = g_ptr_array_index(spec->shares, j);

            if (g_str_equal(a->tag, b->tag)) {
                g_autofree char *field = g_strdup_printf("shares[%u]", j);

                return spec_invalid(spec, field, error, _("Two shares use the mount tag '%s'"),
                                    a->tag);
            }
        }
    }
    return TRUE;
}

/* An error about a cloud-init file names its key when the spec file gave
 * it (at its place there), else its option. */
static gboolean
seed_file_error(const SevirtVmSpec *spec, const char *field, const char *option, GError **error)
{
    g_prefix_error(error, "%s: ", sevirt_vm_spec_get_mark(spec, field) ? field : option);
    return sevirt_vm_spec_locate_error(spec, field, error);
}

/* The files sevirt reads itself for the seed: checked before create makes anything. */
static gboolean
check_seed_file(const SevirtVmSpec *spec, const char *field, const char *option,
                const char *path, GError **error)
{
    if (!path || sevirt_file_check_readable(path, error))
        return TRUE;
    return seed_file_error(spec, field, option, error);
}

static gboolean
validate_cloud_init(const SevirtVmSpec *spec, GError **error)
{
    const SevirtCloudInitSpec *ci = spec->cloud_init;
    g_auto(GStrv) keys = NULL;

    if (!ci)
        return TRUE;
    if (!check_seed_file(spec, "cloud_init.user_data", "--cloud-init user-data", ci->user_data,
                         error) ||
        !check_seed_file(spec, "cloud_init.meta_data", "--cloud-init meta-data", ci->meta_data,
                         error) ||
        !check_seed_file(spec, "cloud_init.network_config", "--cloud-init network-config",
                         ci->network_config, error) ||
        !check_seed_file(spec, "cloud_init.ssh_key", "--ssh-key", ci->ssh_key, error))
        return FALSE;
    if (ci->ssh_key && !(keys = sevirt_ssh_public_keys_read(ci->ssh_key, error)))
        return seed_file_error(spec, "cloud_init.ssh_key", "--ssh-key", error);
    return TRUE;
}

gboolean
sevirt_vm_spec_validate(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                        GPtrArray *notes, GError **error)
{
    return sevirt_vm_spec_validate_full(spec, caps, SEVIRT_SPEC_VALIDATE_DEFAULT, notes, error);
}

gboolean
sevirt_vm_spec_validate_full(SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags,
                             GPtrArray *notes, GError **error)
{
    if (!validate_name(spec, error) ||
        !validate_sizes(spec, caps, error) ||
        !validate_paths(spec, error) ||
        !validate_boot(spec, error) ||
        !validate_cloud_init(spec, error) ||
        !sevirt_vm_spec_resolve_policy(spec, error))
        return FALSE;

    if (spec->sev_type == SEVIRT_SEV_NONE) {
        if (!validate_plain(spec, error))
            return FALSE;
    } else {
        if (caps && !check_host_support(spec, caps, flags, error))
            return FALSE;
        if (!validate_launch_security(spec, caps, notes, error) ||
            !resolve_attested_firmware(spec, caps, notes, error))
            return FALSE;
    }

    if (!spec->virt_type_set && caps && caps->domain_type &&
        !sevirt_virt_type_from_string(caps->domain_type, &spec->virt_type, NULL))
        spec->virt_type = SEVIRT_VIRT_KVM;
    spec->virt_type_set = TRUE;

    return validate_disks(spec, error) &&
           validate_networks(spec, error) &&
           (!caps || check_host_networks(spec, caps, error)) &&
           validate_shares(spec, error);
}

gboolean
sevirt_attest_spec_check(const SevirtVmSpec *spec, GError **error)
{
    const SevirtAttestSpec *a = spec->attest;

    /* The messages name the options and keys of the request themselves. */
    if (!a->enabled) {
        if (a->pdh || a->from_host || a->ark || a->ask || a->keys_dir)
            return spec_invalid(spec, NULL, error,
                                _("--pdh, --from-host, --ark, --ask and --keys-dir (spec keys "
                                  "sev.pdh, sev.from_host, sev.ark, sev.ask, sev.keys_dir) "
                                  "go with --attest (sev.attest)"));
        return TRUE;
    }
    if (spec->sev_type != SEVIRT_SEV_SEV && spec->sev_type != SEVIRT_SEV_ES)
        return spec_invalid(spec, "sev.attest", error,
                            _("--attest makes a launch session for an SEV or SEV-ES guest, "
                              "not for SEV type '%s'"),
                            sevirt_sev_type_to_string(spec->sev_type));
    if (spec->dh_cert || spec->session)
        return spec_invalid(spec, "sev.attest", error,
                            _("--attest makes the dhCert and session itself: give neither "
                              "--dh-cert nor --session (sev.dh_cert, sev.session) with it"));
    if (!a->pdh == !a->from_host)
        return spec_invalid(spec, "sev.attest", error,
                            _("--attest needs the platform's PDH: give either --pdh FILE "
                              "or --from-host (sev.pdh, sev.from_host)"));
    if (!a->keys_dir)
        return spec_invalid(spec, "sev.attest", error,
                            _("--attest needs --keys-dir DIR (sev.keys_dir), where the "
                              "session and the guest owner's keys go"));
    if (!a->ark != !a->ask)
        return spec_invalid(spec, a->ark ? "sev.ark" : "sev.ask", error,
                            _("--ark and --ask (sev.ark, sev.ask) go together"));
    return TRUE;
}
