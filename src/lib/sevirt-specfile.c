/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-specfile.h"
#include "sevirt-storage.h"
#include "sevirt-util.h"
#include "sevirt-yaml-private.h"

/* Sizes of the guest owner's blobs (sev-reference.md). */
#define DH_CERT_LEN 0x824
#define SESSION_LEN 0x80
#define SPEC_FILE_MAX (1024 * 1024)

typedef struct {
    const char *what;       /* file name for messages */
    const char *base_dir;
    yaml_document_t *doc;
    SevirtVmSpec *spec;
} Loader;

typedef gboolean (*KeyFunc)(Loader *ld, const char *key, yaml_node_t *value, GError **error);

typedef struct {
    const char *key;
    KeyFunc func;
} KeyEntry;

static yaml_node_t *
node_at(Loader *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

/* ------------------------------------------------------------------ */
/* typed values */

static const char *
want_scalar(Loader *ld, const char *key, yaml_node_t *value, GError **error)
{
    const char *s = sevirt_yaml_scalar(value);

    if (!s) {
        sevirt_yaml_error(error, ld->what, value, _("'%s' must be a single value, not a %s"),
                          key, value->type == YAML_MAPPING_NODE ? _("mapping") : _("list"));
        return NULL;
    }
    /* A bare "key:" or "key: ~" is YAML's null, not a value. */
    if (value->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (!*s || g_str_equal(s, "~") || g_str_equal(s, "null"))) {
        sevirt_yaml_error(error, ld->what, value, _("'%s' has no value"), key);
        return NULL;
    }
    return s;
}

static gboolean
want_string(Loader *ld, const char *key, yaml_node_t *value, char **out, GError **error)
{
    const char *s = want_scalar(ld, key, value, error);

    if (!s)
        return FALSE;
    g_free(*out);
    *out = g_strdup(s);
    return TRUE;
}

static gboolean
want_uint(Loader *ld, const char *key, yaml_node_t *value, guint64 min, guint64 max,
          guint64 *out, GError **error)
{
    const char *s = want_scalar(ld, key, value, error);
    g_autoptr(GError) local = NULL;

    if (!s)
        return FALSE;
    if (!sevirt_parse_uint(key, s, max, out, &local) || *out < min)
        return sevirt_yaml_error(error, ld->what, value,
                                 _("'%s' must be a whole number from %" G_GUINT64_FORMAT
                                   " to %" G_GUINT64_FORMAT ", not '%s'"), key, min, max, s);
    return TRUE;
}

static gboolean
want_bool(Loader *ld, const char *key, yaml_node_t *value, gboolean *out, GError **error)
{
    static const char *const yes[] = { "true", "yes", "on", NULL };
    static const char *const no[] = { "false", "no", "off", NULL };
    const char *s = want_scalar(ld, key, value, error);

    if (!s)
        return FALSE;
    if (g_strv_contains(yes, s)) {
        *out = TRUE;
        return TRUE;
    }
    if (g_strv_contains(no, s)) {
        *out = FALSE;
        return TRUE;
    }
    return sevirt_yaml_error(error, ld->what, value,
                             _("'%s' must be true or false, not '%s'"), key, s);
}

/* A file sevirt reads itself: relative to the spec file's folder. */
static char *
local_path(Loader *ld, const char *path)
{
    if (g_path_is_absolute(path))
        return g_strdup(path);
    return g_build_filename(ld->base_dir, path, NULL);
}

static gboolean
want_local_file(Loader *ld, const char *key, yaml_node_t *value, char **out, GError **error)
{
    const char *s = want_scalar(ld, key, value, error);

    if (!s)
        return FALSE;
    g_free(*out);
    *out = local_path(ld, s);
    return TRUE;
}

/* Applies @table to every pair of mapping @map; @section names it in errors. */
static gboolean
load_mapping(Loader *ld, yaml_node_t *map, const char *section, const KeyEntry *table,
             GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (map->type != YAML_MAPPING_NODE)
        return sevirt_yaml_error(error, ld->what, map, _("'%s' must be a mapping of keys to values"),
                                 section);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *knode = node_at(ld, p->key);
        const char *key = sevirt_yaml_scalar(knode);
        const KeyEntry *e;

        if (!key)
            return sevirt_yaml_error(error, ld->what, knode, _("keys in '%s' must be plain names"),
                                     section);
        for (e = table; e->key && !g_str_equal(e->key, key); e++)
            ;
        if (!e->key) {
            g_autoptr(GString) known = g_string_new(NULL);

            for (e = table; e->key; e++)
                g_string_append_printf(known, "%s%s", known->len ? ", " : "", e->key);
            return sevirt_yaml_error(error, ld->what, knode,
                                     _("unknown key '%s' in '%s' (known keys: %s)"),
                                     key, section, known->str);
        }
        if (!g_hash_table_add(seen, (gpointer) key))
            return sevirt_yaml_error(error, ld->what, knode, _("duplicate key '%s' in '%s'"),
                                     key, section);
        if (!e->func(ld, key, node_at(ld, p->value), error))
            return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* top-level scalars */

static gboolean
key_name(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->name, error);
}

static gboolean
key_vcpus(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    guint64 n;

    if (!want_uint(ld, key, v, 1, 4096, &n, error))
        return FALSE;
    ld->spec->vcpus = n;
    return TRUE;
}

static gboolean
key_memory(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_uint(ld, key, v, 1, G_MAXUINT32, &ld->spec->memory_mib, error);
}

static gboolean
key_firmware(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->firmware, error);
}

static gboolean
key_cpu(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->cpu, error);
}

static gboolean
key_emulator(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->emulator, error);
}

static gboolean
key_virt_type(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    const char *s = want_scalar(ld, key, v, error);
    g_autoptr(GError) local = NULL;

    if (!s)
        return FALSE;
    if (!sevirt_virt_type_from_string(s, &ld->spec->virt_type, &local))
        return sevirt_yaml_error(error, ld->what, v, "%s", local->message);
    ld->spec->virt_type_set = TRUE;
    return TRUE;
}

static gboolean
key_kernel(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->kernel, error);
}

static gboolean
key_initrd(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->initrd, error);
}

static gboolean
key_cmdline(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->cmdline, error);
}

/* ------------------------------------------------------------------ */
/* sev: */

static gboolean
key_sev_type(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    const char *s = want_scalar(ld, key, v, error);
    g_autoptr(GError) local = NULL;

    if (!s)
        return FALSE;
    if (!sevirt_sev_type_from_string(s, &ld->spec->sev_type, &local))
        return sevirt_yaml_error(error, ld->what, v, "%s", local->message);
    return TRUE;
}

static gboolean
key_sev_policy(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    if (!want_uint(ld, key, v, 0, G_MAXUINT64, &ld->spec->policy, error))
        return FALSE;
    ld->spec->policy_set = TRUE;
    return TRUE;
}

static gboolean
key_sev_cbitpos(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    guint64 n;

    if (!want_uint(ld, key, v, 0, 63, &n, error))
        return FALSE;
    ld->spec->cbitpos = n;
    return TRUE;
}

static gboolean
key_sev_reduced_phys_bits(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    guint64 n;

    if (!want_uint(ld, key, v, 0, 63, &n, error))
        return FALSE;
    ld->spec->reduced_phys_bits = n;
    return TRUE;
}

static gboolean
key_sev_kernel_hashes(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    gboolean on;

    if (!want_bool(ld, key, v, &on, error))
        return FALSE;
    ld->spec->kernel_hashes = on ? SEVIRT_TRISTATE_YES : SEVIRT_TRISTATE_NO;
    return TRUE;
}

/* dh_cert and session: base64 files as guest-owner tools write them. */
static gboolean
want_b64_file(Loader *ld, const char *key, yaml_node_t *v, gsize expect, char **out, GError **error)
{
    g_autofree char *path = NULL;
    g_autofree guint8 *bytes = NULL;
    g_autoptr(GError) local = NULL;
    char *b64 = NULL;
    gsize len = 0;

    if (!want_local_file(ld, key, v, &path, error))
        return FALSE;
    bytes = sevirt_base64_file_read(path, expect, &len, &b64, &local);
    if (!bytes)
        return sevirt_yaml_error(error, ld->what, v, "%s", local->message);
    g_free(*out);
    *out = b64;
    return TRUE;
}

static gboolean
key_sev_dh_cert(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_b64_file(ld, key, v, DH_CERT_LEN, &ld->spec->dh_cert, error);
}

static gboolean
key_sev_session(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_b64_file(ld, key, v, SESSION_LEN, &ld->spec->session, error);
}

static const KeyEntry sev_keys[] = {
    { "type", key_sev_type },
    { "policy", key_sev_policy },
    { "cbitpos", key_sev_cbitpos },
    { "reduced_phys_bits", key_sev_reduced_phys_bits },
    { "kernel_hashes", key_sev_kernel_hashes },
    { "dh_cert", key_sev_dh_cert },
    { "session", key_sev_session },
    { NULL }
};

static gboolean
key_sev(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_mapping(ld, v, key, sev_keys, error);
}

/* ------------------------------------------------------------------ */
/* cloud_init: */

static SevirtCloudInitSpec *
cloud_init(Loader *ld)
{
    if (!ld->spec->cloud_init)
        ld->spec->cloud_init = g_new0(SevirtCloudInitSpec, 1);
    return ld->spec->cloud_init;
}

static gboolean
key_ci_user_data(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &cloud_init(ld)->user_data, error);
}

static gboolean
key_ci_meta_data(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &cloud_init(ld)->meta_data, error);
}

static gboolean
key_ci_network_config(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &cloud_init(ld)->network_config, error);
}

static gboolean
key_ci_ssh_key(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &cloud_init(ld)->ssh_key, error);
}

static gboolean
key_ci_hostname(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &cloud_init(ld)->hostname, error);
}

static const KeyEntry cloud_init_keys[] = {
    { "user_data", key_ci_user_data },
    { "meta_data", key_ci_meta_data },
    { "network_config", key_ci_network_config },
    { "ssh_key", key_ci_ssh_key },
    { "hostname", key_ci_hostname },
    { NULL }
};

static gboolean
key_cloud_init(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    sevirt_cloud_init_spec_free(ld->spec->cloud_init);
    ld->spec->cloud_init = NULL;
    cloud_init(ld);
    return load_mapping(ld, v, key, cloud_init_keys, error);
}

/* ------------------------------------------------------------------ */
/* list items: "key=value,..." strings, as on the command line, or mappings */

typedef struct {
    char *key;
    char *value;          /* NULL for a bare word such as "user" */
    yaml_node_t *node;    /* for positions (the item, or the mapping value) */
    yaml_node_t *list;    /* a sequence value (portfwd: [...]), else NULL */
} ItemPair;

static void
item_pair_free(ItemPair *p)
{
    g_free(p->key);
    g_free(p->value);
    g_free(p);
}

static void
pairs_add(GPtrArray *pairs, const char *key, const char *value, yaml_node_t *node)
{
    ItemPair *p = g_new0(ItemPair, 1);

    p->key = g_strdup(key);
    p->value = g_strdup(value);
    p->node = node;
    g_ptr_array_add(pairs, p);
}

/* The pairs of one list item, from either form. */
static GPtrArray *
item_pairs(Loader *ld, const char *section, yaml_node_t *item, GError **error)
{
    g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func((GDestroyNotify) item_pair_free);

    if (item->type == YAML_SCALAR_NODE) {
        g_auto(GStrv) parts = g_strsplit(sevirt_yaml_scalar(item), ",", -1);

        for (guint i = 0; parts[i]; i++) {
            char *eq = strchr(parts[i], '=');

            if (eq)
                *eq = '\0';
            if (!*parts[i]) {
                sevirt_yaml_error(error, ld->what, item, _("empty option in '%s' item '%s'"),
                                  section, sevirt_yaml_scalar(item));
                return NULL;
            }
            pairs_add(pairs, parts[i], eq ? eq + 1 : NULL, item);
        }
        return g_steal_pointer(&pairs);
    }
    if (item->type != YAML_MAPPING_NODE) {
        sevirt_yaml_error(error, ld->what, item,
                          _("items of '%s' must be \"key=value,...\" strings or mappings"), section);
        return NULL;
    }
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        yaml_node_t *v = node_at(ld, p->value);
        const char *key = sevirt_yaml_scalar(k);

        if (!key) {
            sevirt_yaml_error(error, ld->what, k, _("keys in '%s' must be plain names"), section);
            return NULL;
        }
        if (v->type == YAML_SEQUENCE_NODE) {
            pairs_add(pairs, key, NULL, v);
            ((ItemPair *) pairs->pdata[pairs->len - 1])->list = v;
        } else {
            const char *s = want_scalar(ld, key, v, error);

            if (!s)
                return NULL;
            pairs_add(pairs, key, s, v);
        }
    }
    return g_steal_pointer(&pairs);
}

static gboolean
pair_needs_value(Loader *ld, const ItemPair *p, GError **error)
{
    if (p->value && *p->value)
        return TRUE;
    return sevirt_yaml_error(error, ld->what, p->node, _("'%s' needs a value"), p->key);
}

static gboolean
pair_uint(Loader *ld, const ItemPair *p, guint64 min, guint64 max, guint64 *out, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (!pair_needs_value(ld, p, error))
        return FALSE;
    if (!sevirt_parse_uint(p->key, p->value, max, out, &local) || *out < min)
        return sevirt_yaml_error(error, ld->what, p->node,
                                 _("'%s' must be a whole number from %" G_GUINT64_FORMAT
                                   " to %" G_GUINT64_FORMAT ", not '%s'"),
                                 p->key, min, max, p->value);
    return TRUE;
}

static gboolean
unknown_item_key(Loader *ld, const char *section, const ItemPair *p, const char *known,
                 GError **error)
{
    return sevirt_yaml_error(error, ld->what, p->node,
                             _("unknown key '%s' in a '%s' item (known keys: %s)"),
                             p->key, section, known);
}

static gboolean
set_disk_kind(Loader *ld, SevirtDiskSpec *disk, gboolean *kind_set, SevirtDiskKind kind,
              const ItemPair *p, GError **error)
{
    if (*kind_set)
        return sevirt_yaml_error(error, ld->what, p->node,
                                 _("a disk takes exactly one of path, vol and pool"));
    *kind_set = TRUE;
    disk->kind = kind;
    return pair_needs_value(ld, p, error);
}

static SevirtDiskSpec *
disk_from_pairs(Loader *ld, yaml_node_t *item, GPtrArray *pairs, GError **error)
{
    g_autoptr(SevirtDiskSpec) disk = sevirt_disk_spec_new(SEVIRT_DISK_PATH);
    gboolean kind_set = FALSE;
    gboolean new_only = FALSE;

    for (guint i = 0; i < pairs->len; i++) {
        const ItemPair *p = pairs->pdata[i];

        if (p->list)
            return sevirt_yaml_error(error, ld->what, p->node, _("'%s' must be a single value"),
                                     p->key), NULL;
        if (g_str_equal(p->key, "path")) {
            if (!set_disk_kind(ld, disk, &kind_set, SEVIRT_DISK_PATH, p, error))
                return NULL;
            disk->path = g_strdup(p->value);
        } else if (g_str_equal(p->key, "vol")) {
            g_autoptr(GError) local = NULL;

            if (!set_disk_kind(ld, disk, &kind_set, SEVIRT_DISK_VOLUME, p, error))
                return NULL;
            if (!sevirt_volume_split(p->value, &disk->pool, &disk->volume, &local))
                return sevirt_yaml_error(error, ld->what, p->node, "%s", local->message), NULL;
        } else if (g_str_equal(p->key, "pool")) {
            if (!set_disk_kind(ld, disk, &kind_set, SEVIRT_DISK_NEW_VOLUME, p, error))
                return NULL;
            disk->pool = g_strdup(p->value);
        } else if (g_str_equal(p->key, "size")) {
            if (!pair_uint(ld, p, 1, 1024 * 1024, &disk->size_gib, error))
                return NULL;
            new_only = TRUE;
        } else if (g_str_equal(p->key, "backing")) {
            if (!pair_needs_value(ld, p, error))
                return NULL;
            disk->backing = g_strdup(p->value);
            new_only = TRUE;
        } else if (g_str_equal(p->key, "name")) {
            if (!pair_needs_value(ld, p, error))
                return NULL;
            g_free(disk->volume);
            disk->volume = g_strdup(p->value);
            new_only = TRUE;
        } else if (g_str_equal(p->key, "format")) {
            if (!pair_needs_value(ld, p, error))
                return NULL;
            disk->format = g_strdup(p->value);
        } else {
            return unknown_item_key(ld, "disks", p, "path, vol, pool, size, backing, name, format",
                                    error), NULL;
        }
    }
    if (!kind_set)
        return sevirt_yaml_error(error, ld->what, item,
                                 _("a disk needs path=FILE, vol=POOL/VOLUME or pool=POOL")), NULL;
    if (new_only && disk->kind != SEVIRT_DISK_NEW_VOLUME)
        return sevirt_yaml_error(error, ld->what, item,
                                 _("size, backing and name only go with pool=POOL")), NULL;
    if (disk->kind == SEVIRT_DISK_NEW_VOLUME && !disk->size_gib && !disk->backing)
        return sevirt_yaml_error(error, ld->what, item,
                                 _("a new volume in pool '%s' needs size=GiB or backing=VOLUME"),
                                 disk->pool), NULL;
    return g_steal_pointer(&disk);
}

/* "HOSTPORT:GUESTPORT[/tcp|udp]" */
static gboolean
add_portfwd(Loader *ld, SevirtNetSpec *net, const char *text, yaml_node_t *node, GError **error)
{
    g_auto(GStrv) proto = g_strsplit(text, "/", 2);
    g_auto(GStrv) ports = g_strsplit(proto[0], ":", -1);
    g_autoptr(GError) local = NULL;
    SevirtPortForward *fwd;
    guint64 host, guest;

    if (g_strv_length(ports) != 2 ||
        !sevirt_parse_uint("portfwd", ports[0], 65535, &host, &local) || !host ||
        !sevirt_parse_uint("portfwd", ports[1], 65535, &guest, &local) || !guest ||
        (proto[1] && !g_str_equal(proto[1], "tcp") && !g_str_equal(proto[1], "udp")))
        return sevirt_yaml_error(error, ld->what, node,
                                 _("'portfwd' must be HOSTPORT:GUESTPORT[/tcp|udp] with ports "
                                   "from 1 to 65535, not '%s'"), text);
    fwd = g_new0(SevirtPortForward, 1);
    fwd->host_port = host;
    fwd->guest_port = guest;
    fwd->proto = g_strdup(proto[1] ? proto[1] : "tcp");
    g_ptr_array_add(net->portfwds, fwd);
    return TRUE;
}

static gboolean
set_net_kind(Loader *ld, SevirtNetSpec *net, gboolean *kind_set, SevirtNetKind kind,
             const ItemPair *p, gboolean wants_value, GError **error)
{
    if (*kind_set)
        return sevirt_yaml_error(error, ld->what, p->node,
                                 _("a network takes exactly one of network, bridge, user and none"));
    *kind_set = TRUE;
    net->kind = kind;
    if (wants_value) {
        if (!pair_needs_value(ld, p, error))
            return FALSE;
        net->source = g_strdup(p->value);
    } else if (p->value && !g_str_equal(p->value, "true") && !g_str_equal(p->value, "yes")) {
        return sevirt_yaml_error(error, ld->what, p->node, _("'%s' takes no value"), p->key);
    }
    return TRUE;
}

static SevirtNetSpec *
net_from_pairs(Loader *ld, yaml_node_t *item, GPtrArray *pairs, GError **error)
{
    g_autoptr(SevirtNetSpec) net = sevirt_net_spec_new(SEVIRT_NET_NETWORK);
    gboolean kind_set = FALSE;

    for (guint i = 0; i < pairs->len; i++) {
        const ItemPair *p = pairs->pdata[i];

        if (p->list && !g_str_equal(p->key, "portfwd"))
            return sevirt_yaml_error(error, ld->what, p->node, _("'%s' must be a single value"),
                                     p->key), NULL;
        if (g_str_equal(p->key, "network")) {
            if (!set_net_kind(ld, net, &kind_set, SEVIRT_NET_NETWORK, p, TRUE, error))
                return NULL;
        } else if (g_str_equal(p->key, "bridge")) {
            if (!set_net_kind(ld, net, &kind_set, SEVIRT_NET_BRIDGE, p, TRUE, error))
                return NULL;
        } else if (g_str_equal(p->key, "user")) {
            if (!set_net_kind(ld, net, &kind_set, SEVIRT_NET_USER, p, FALSE, error))
                return NULL;
        } else if (g_str_equal(p->key, "none")) {
            if (!set_net_kind(ld, net, &kind_set, SEVIRT_NET_NONE, p, FALSE, error))
                return NULL;
        } else if (g_str_equal(p->key, "mac")) {
            if (!pair_needs_value(ld, p, error))
                return NULL;
            net->mac = g_strdup(p->value);
        } else if (g_str_equal(p->key, "portfwd") && p->list) {
            for (yaml_node_item_t *it = p->list->data.sequence.items.start;
                 it < p->list->data.sequence.items.top; it++) {
                yaml_node_t *fnode = node_at(ld, *it);
                const char *s = want_scalar(ld, p->key, fnode, error);

                if (!s || !add_portfwd(ld, net, s, fnode, error))
                    return NULL;
            }
        } else if (g_str_equal(p->key, "portfwd")) {
            if (!pair_needs_value(ld, p, error) || !add_portfwd(ld, net, p->value, p->node, error))
                return NULL;
        } else {
            return unknown_item_key(ld, "networks", p, "network, bridge, user, none, portfwd, mac",
                                    error), NULL;
        }
    }
    if (!kind_set)
        return sevirt_yaml_error(error, ld->what, item,
                                 _("a network needs network=NAME, bridge=BR, user or none")), NULL;
    if (net->portfwds->len && net->kind != SEVIRT_NET_USER)
        return sevirt_yaml_error(error, ld->what, item, _("portfwd only goes with user")), NULL;
    return g_steal_pointer(&net);
}

/* "SOURCE_DIR:TAG[:ro]" or {source, tag, readonly} */
static SevirtShareSpec *
share_from_item(Loader *ld, yaml_node_t *item, GError **error)
{
    g_autoptr(SevirtShareSpec) share = sevirt_share_spec_new();

    if (item->type == YAML_SCALAR_NODE) {
        const char *text = sevirt_yaml_scalar(item);
        g_auto(GStrv) parts = g_strsplit(text, ":", -1);
        guint n = g_strv_length(parts);

        if (n < 2 || n > 3 || !*parts[0] || !*parts[1] || (n == 3 && !g_str_equal(parts[2], "ro")))
            return sevirt_yaml_error(error, ld->what, item,
                                     _("a share must be SOURCE_DIR:TAG[:ro], not '%s'"), text), NULL;
        share->source_dir = g_strdup(parts[0]);
        share->tag = g_strdup(parts[1]);
        share->readonly = n == 3;
        return g_steal_pointer(&share);
    }
    if (item->type != YAML_MAPPING_NODE)
        return sevirt_yaml_error(error, ld->what, item,
                                 _("items of 'shares' must be SOURCE_DIR:TAG[:ro] strings or mappings")),
               NULL;
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        yaml_node_t *v = node_at(ld, p->value);
        const char *key = sevirt_yaml_scalar(k);

        if (g_strcmp0(key, "source") == 0) {
            if (!want_string(ld, key, v, &share->source_dir, error))
                return NULL;
        } else if (g_strcmp0(key, "tag") == 0) {
            if (!want_string(ld, key, v, &share->tag, error))
                return NULL;
        } else if (g_strcmp0(key, "readonly") == 0) {
            if (!want_bool(ld, key, v, &share->readonly, error))
                return NULL;
        } else {
            return sevirt_yaml_error(error, ld->what, k,
                                     _("unknown key '%s' in a 'shares' item (known keys: source, tag, readonly)"),
                                     key ? key : "?"), NULL;
        }
    }
    if (!share->source_dir || !share->tag)
        return sevirt_yaml_error(error, ld->what, item, _("a share needs source and tag")), NULL;
    return g_steal_pointer(&share);
}

typedef gpointer (*ItemFunc)(Loader *ld, yaml_node_t *item, GError **error);

static gpointer
disk_item(Loader *ld, yaml_node_t *item, GError **error)
{
    g_autoptr(GPtrArray) pairs = item_pairs(ld, "disks", item, error);

    return pairs ? disk_from_pairs(ld, item, pairs, error) : NULL;
}

static gpointer
net_item(Loader *ld, yaml_node_t *item, GError **error)
{
    g_autoptr(GPtrArray) pairs = item_pairs(ld, "networks", item, error);

    return pairs ? net_from_pairs(ld, item, pairs, error) : NULL;
}

static gpointer
share_item(Loader *ld, yaml_node_t *item, GError **error)
{
    return share_from_item(ld, item, error);
}

/* Replaces @list with the items of sequence @v. */
static gboolean
load_list(Loader *ld, const char *key, yaml_node_t *v, GPtrArray *list, ItemFunc func,
          GError **error)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return sevirt_yaml_error(error, ld->what, v, _("'%s' must be a list"), key);
    g_ptr_array_set_size(list, 0);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        gpointer item = func(ld, node_at(ld, *it), error);

        if (!item)
            return FALSE;
        g_ptr_array_add(list, item);
    }
    return TRUE;
}

static gboolean
key_disks(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_list(ld, key, v, ld->spec->disks, disk_item, error);
}

static gboolean
key_networks(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_list(ld, key, v, ld->spec->networks, net_item, error);
}

static gboolean
key_shares(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_list(ld, key, v, ld->spec->shares, share_item, error);
}

/* ------------------------------------------------------------------ */

static const KeyEntry top_keys[] = {
    { "name", key_name },
    { "vcpus", key_vcpus },
    { "memory", key_memory },
    { "sev", key_sev },
    { "firmware", key_firmware },
    { "cpu", key_cpu },
    { "emulator", key_emulator },
    { "virt_type", key_virt_type },
    { "kernel", key_kernel },
    { "initrd", key_initrd },
    { "cmdline", key_cmdline },
    { "disks", key_disks },
    { "networks", key_networks },
    { "cloud_init", key_cloud_init },
    { "shares", key_shares },
    { NULL }
};

gboolean
sevirt_spec_file_parse(const char *what, const char *text, gsize len, const char *base_dir,
                       SevirtVmSpec *spec, GError **error)
{
    g_auto(yaml_document_t) doc = { 0 };
    Loader ld = { what, base_dir, &doc, spec };
    yaml_node_t *root;

    if (!sevirt_yaml_load(what, text, len, &doc, error))
        return FALSE;
    root = yaml_document_get_root_node(&doc);
    if (!root)
        return sevirt_yaml_error(error, what, NULL, _("the spec file is empty"));
    return load_mapping(&ld, root, _("the spec file"), top_keys, error);
}

gboolean
sevirt_spec_file_load(const char *path, SevirtVmSpec *spec, GError **error)
{
    gsize len = 0;
    g_autofree guint8 *data = sevirt_file_read(path, SPEC_FILE_MAX, &len, error);
    g_autofree char *dir = NULL;

    if (!data)
        return FALSE;
    dir = g_path_get_dirname(path);
    return sevirt_spec_file_parse(path, (const char *) data, len, dir, spec, error);
}
