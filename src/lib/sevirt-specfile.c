/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The YAML spec file: one handler per key (the key table below), each
 * checking its value's type and marking where it is in the file.
 *
 * Over 700 lines on purpose: the key table is as long as the model;
 * the checks across keys are sevirt-spec.c's validation, list items go
 * through sevirt-specitems.c.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-specfile.h"
#include "sevirt-util.h"
#include "sevirt-specfile-private.h"
#include "sevirt-yaml-private.h"

#define SPEC_FILE_MAX (1024 * 1024)

typedef struct {
    const char *what;       /* file name for messages */
    const char *base_dir;
    yaml_document_t *doc;
    SevirtVmSpec *spec;
} Loader;

typedef gboolean (*KeyFunc)(Loader *ld, const char *key, yaml_node_t *value, GError **error);

typedef struct _KeyEntry KeyEntry;

struct _KeyEntry {
    const char *key;
    KeyFunc func;
    const KeyEntry *section;   /* the keys of a mapping value (sev:, cloud_init:) */
};

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

/* Records where the value of spec key @field is, for validation's errors. */
static void
mark(Loader *ld, const char *field, const yaml_node_t *value)
{
    g_autofree char *location = sevirt_yaml_location(ld->what, value);

    sevirt_vm_spec_set_mark(ld->spec, field, location);
}

/*
 * Applies @table to every pair of mapping @map and marks each value as
 * "PREFIX.KEY" (@prefix NULL: the top level); @section names the mapping in
 * errors.
 */
static gboolean
load_mapping(Loader *ld, yaml_node_t *map, const char *prefix, const char *section,
             const KeyEntry *table, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (map->type != YAML_MAPPING_NODE)
        return sevirt_yaml_error(error, ld->what, map, _("'%s' must be a mapping of keys to values"),
                                 section);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *knode = node_at(ld, p->key);
        const char *key = sevirt_yaml_scalar(knode);
        g_autofree char *field = NULL;
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
        field = prefix ? g_strdup_printf("%s.%s", prefix, key) : g_strdup(key);
        mark(ld, field, node_at(ld, p->value));
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

    if (!want_uint(ld, key, v, 1, SEVIRT_MAX_VCPUS, &n, error))
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
key_machine(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->machine, error);
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

/* Kept as text: its flag names depend on the final SEV type, which a
 * command-line --sev may still change; validation parses it. */
static gboolean
key_sev_policy(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    if (!want_string(ld, key, v, &ld->spec->policy_text, error))
        return FALSE;
    ld->spec->policy_set = FALSE;
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
    return want_b64_file(ld, key, v, SEVIRT_DH_CERT_SIZE, &ld->spec->dh_cert, error);
}

static gboolean
key_sev_session(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_b64_file(ld, key, v, SEVIRT_SESSION_SIZE, &ld->spec->session, error);
}

/* SNP: the ID block and ID auth as 'sevirt id-block' writes them (base64 files). */
static gboolean
key_sev_id_block(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_b64_file(ld, key, v, SEVIRT_SNP_ID_BLOCK_SIZE, &ld->spec->id_block, error);
}

static gboolean
key_sev_id_auth(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_b64_file(ld, key, v, SEVIRT_SNP_ID_AUTH_SIZE, &ld->spec->id_auth, error);
}

static gboolean
key_sev_author_key(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_bool(ld, key, v, &ld->spec->author_key, error);
}

/* Host data is short: base64 in the file itself, checked by validation. */
static gboolean
key_sev_host_data(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &ld->spec->host_data, error);
}

static gboolean
key_sev_guest_visible_workarounds(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_b64_file(ld, key, v, SEVIRT_GUEST_WORKAROUNDS_SIZE,
                         &ld->spec->guest_visible_workarounds, error);
}

static gboolean
key_sev_vcek(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    gboolean on;

    if (!want_bool(ld, key, v, &on, error))
        return FALSE;
    ld->spec->vcek = on ? SEVIRT_TRISTATE_YES : SEVIRT_TRISTATE_NO;
    return TRUE;
}

/* create --attest: the session is made by 'sevirt create' (sevirt_attest_spec_check()). */
static SevirtAttestSpec *
attest(Loader *ld)
{
    if (!ld->spec->attest)
        ld->spec->attest = g_new0(SevirtAttestSpec, 1);
    return ld->spec->attest;
}

static gboolean
key_sev_attest(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_bool(ld, key, v, &attest(ld)->enabled, error);
}

static gboolean
key_sev_pdh(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &attest(ld)->pdh, error);
}

static gboolean
key_sev_from_host(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_bool(ld, key, v, &attest(ld)->from_host, error);
}

static gboolean
key_sev_ark(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &attest(ld)->ark, error);
}

static gboolean
key_sev_ask(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &attest(ld)->ask, error);
}

static gboolean
key_sev_keys_dir(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_local_file(ld, key, v, &attest(ld)->keys_dir, error);
}

static const KeyEntry sev_keys[] = {
    { "type", key_sev_type },
    { "policy", key_sev_policy },
    { "cbitpos", key_sev_cbitpos },
    { "reduced_phys_bits", key_sev_reduced_phys_bits },
    { "kernel_hashes", key_sev_kernel_hashes },
    { "dh_cert", key_sev_dh_cert },
    { "session", key_sev_session },
    { "id_block", key_sev_id_block },
    { "id_auth", key_sev_id_auth },
    { "author_key", key_sev_author_key },
    { "host_data", key_sev_host_data },
    { "guest_visible_workarounds", key_sev_guest_visible_workarounds },
    { "vcek", key_sev_vcek },
    { "attest", key_sev_attest },
    { "pdh", key_sev_pdh },
    { "from_host", key_sev_from_host },
    { "ark", key_sev_ark },
    { "ask", key_sev_ask },
    { "keys_dir", key_sev_keys_dir },
    { NULL }
};

static gboolean
key_sev(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_mapping(ld, v, key, key, sev_keys, error);
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

static gboolean
key_ci_pool(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return want_string(ld, key, v, &cloud_init(ld)->pool, error);
}

static const KeyEntry cloud_init_keys[] = {
    { "user_data", key_ci_user_data },
    { "meta_data", key_ci_meta_data },
    { "network_config", key_ci_network_config },
    { "ssh_key", key_ci_ssh_key },
    { "hostname", key_ci_hostname },
    { "pool", key_ci_pool },
    { NULL }
};

static gboolean
key_cloud_init(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    sevirt_cloud_init_spec_free(ld->spec->cloud_init);
    ld->spec->cloud_init = NULL;
    sevirt_vm_spec_clear_mark(ld->spec, key);
    cloud_init(ld);
    return load_mapping(ld, v, key, key, cloud_init_keys, error);
}

/* ------------------------------------------------------------------ */
/* list items: the option strings of --disk, --network and --share, or
 * mappings with the same keys, which are turned into those strings so that
 * one parser (sevirt_*_spec_parse) reads both the command line and files */

static gboolean
append_option(Loader *ld, GString *text, const char *key, yaml_node_t *v, GError **error)
{
    const char *s = want_scalar(ld, key, v, error);

    if (!s)
        return FALSE;
    if (strchr(s, ','))
        return sevirt_yaml_error(error, ld->what, v, _("'%s' cannot contain a comma"), key);
    if (text->len)
        g_string_append_c(text, ',');
    /* Flags such as user, none or readonly: "key: true" is the bare word. */
    if (g_str_equal(s, "true") || g_str_equal(s, "yes"))
        g_string_append(text, key);
    else if (!g_str_equal(s, "false") && !g_str_equal(s, "no"))
        g_string_append_printf(text, "%s=%s", key, s);
    return TRUE;
}

/* "key=value,..." for a mapping item; a list value repeats its key. */
static char *
mapping_to_option(Loader *ld, yaml_node_t *item, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        yaml_node_t *v = node_at(ld, p->value);
        const char *key = sevirt_yaml_scalar(k);

        if (!key) {
            sevirt_yaml_error(error, ld->what, k, _("keys must be plain names"));
            return NULL;
        }
        if (v->type != YAML_SEQUENCE_NODE) {
            if (!append_option(ld, text, key, v, error))
                return NULL;
            continue;
        }
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            if (!append_option(ld, text, key, node_at(ld, *it), error))
                return NULL;
        }
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* A share mapping {source, tag, readonly} as SOURCE_DIR:TAG[:ro]. */
static char *
share_mapping_to_option(Loader *ld, yaml_node_t *item, GError **error)
{
    yaml_node_t *src = sevirt_yaml_mapping_get(ld->doc, item, "source");
    yaml_node_t *tag = sevirt_yaml_mapping_get(ld->doc, item, "tag");
    yaml_node_t *ro = sevirt_yaml_mapping_get(ld->doc, item, "readonly");
    gboolean readonly = FALSE;
    const char *s, *t;

    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *key = sevirt_yaml_scalar(k);
        static const char *const known[] = { "source", "tag", "readonly", NULL };

        if (!key || !g_strv_contains(known, key)) {
            sevirt_yaml_error(error, ld->what, k,
                              _("unknown key '%s' in a 'shares' item (known keys: source, tag, readonly)"),
                              key ? key : "?");
            return NULL;
        }
    }
    if (!src || !tag) {
        sevirt_yaml_error(error, ld->what, item, _("a share needs source and tag"));
        return NULL;
    }
    if (!(s = want_scalar(ld, "source", src, error)) || !(t = want_scalar(ld, "tag", tag, error)) ||
        (ro && !want_bool(ld, "readonly", ro, &readonly, error)))
        return NULL;
    return g_strdup_printf("%s:%s%s", s, t, readonly ? ":ro" : "");
}

typedef gpointer (*OptionParser)(const char *what, const char *text, GError **error);

/* Parses one item with the command line's parser; errors get its position. */
static gpointer
parse_item(Loader *ld, const char *section, guint index, yaml_node_t *item,
           OptionParser parse, GError **error)
{
    g_autofree char *text = NULL;
    g_autofree char *what = g_strdup_printf("%s[%u]", section, index);
    g_autoptr(GError) local = NULL;
    gpointer result;

    if (item->type == YAML_SCALAR_NODE)
        text = g_strdup(sevirt_yaml_scalar(item));
    else if (item->type == YAML_MAPPING_NODE && g_str_equal(section, "shares"))
        text = share_mapping_to_option(ld, item, error);
    else if (item->type == YAML_MAPPING_NODE)
        text = mapping_to_option(ld, item, error);
    else
        sevirt_yaml_error(error, ld->what, item,
                          _("items of '%s' must be strings as on the command line, or mappings"),
                          section);
    if (!text)
        return NULL;
    result = parse(what, text, &local);
    if (!result)
        sevirt_yaml_error(error, ld->what, item, "%s", local->message);
    return result;
}

/* Replaces @list with the items of sequence @v, each marked as "KEY[i]". */
static gboolean
load_list(Loader *ld, const char *key, yaml_node_t *v, GPtrArray *list, OptionParser parse,
          GError **error)
{
    guint i = 0;

    if (v->type != YAML_SEQUENCE_NODE)
        return sevirt_yaml_error(error, ld->what, v, _("'%s' must be a list"), key);
    g_ptr_array_set_size(list, 0);
    sevirt_vm_spec_clear_mark(ld->spec, key);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        g_autofree char *field = g_strdup_printf("%s[%u]", key, i);
        gpointer item = parse_item(ld, key, i++, node_at(ld, *it), parse, error);

        if (!item)
            return FALSE;
        g_ptr_array_add(list, item);
        mark(ld, field, node_at(ld, *it));
    }
    return TRUE;
}

static gboolean
key_disks(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_list(ld, key, v, ld->spec->disks, (OptionParser) sevirt_disk_spec_parse, error);
}

static gboolean
key_networks(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_list(ld, key, v, ld->spec->networks, (OptionParser) sevirt_net_spec_parse, error);
}

static gboolean
key_shares(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    return load_list(ld, key, v, ld->spec->shares, (OptionParser) sevirt_share_spec_parse, error);
}
/* ------------------------------------------------------------------ */

static const KeyEntry top_keys[] = {
    { "name", key_name },
    { "vcpus", key_vcpus },
    { "memory", key_memory },
    { "sev", key_sev, sev_keys },
    { "firmware", key_firmware },
    { "cpu", key_cpu },
    { "machine", key_machine },
    { "emulator", key_emulator },
    { "virt_type", key_virt_type },
    { "kernel", key_kernel },
    { "initrd", key_initrd },
    { "cmdline", key_cmdline },
    { "disks", key_disks },
    { "networks", key_networks },
    { "cloud_init", key_cloud_init, cloud_init_keys },
    { "shares", key_shares },
    { NULL }
};

GStrv
sevirt_spec_file_keys(void)
{
    GPtrArray *keys = g_ptr_array_new();

    for (const KeyEntry *e = top_keys; e->key; e++) {
        if (!e->section) {
            g_ptr_array_add(keys, g_strdup(e->key));
            continue;
        }
        for (const KeyEntry *sub = e->section; sub->key; sub++)
            g_ptr_array_add(keys, g_strdup_printf("%s.%s", e->key, sub->key));
    }
    g_ptr_array_add(keys, NULL);
    return (GStrv) g_ptr_array_free(keys, FALSE);
}

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
    return load_mapping(&ld, root, NULL, _("the spec file"), top_keys, error);
}

gboolean
sevirt_spec_file_parse_node(const char *what, const char *base_dir, yaml_document_t *doc,
                            yaml_node_t *node, SevirtVmSpec *spec, GError **error)
{
    Loader ld = { what, base_dir, doc, spec };

    return load_mapping(&ld, node, NULL, _("the spec"), top_keys, error);
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
