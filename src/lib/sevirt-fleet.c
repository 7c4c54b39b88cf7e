/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleet manifests: the YAML model and its loader (sevirt-fleet.h).  The
 * value syntax and the "FILE:LINE:COLUMN" errors are the spec files'.
 */
#include <config.h>

#include <string.h>
#include <glib/gi18n-lib.h>
#include <openssl/evp.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-fleet.h"
#include "sevirt-secret.h"
#include "sevirt-specfile.h"
#include "sevirt-specfile-private.h"
#include "sevirt-util.h"
#include "sevirt-yaml-private.h"

#define MANIFEST_MAX (1024 * 1024)
#define SPEC_MAX (1024 * 1024)
#define INDEX_MARK "{index}"
/* More guests than one manifest group could sensibly ask for is a typo. */
#define GROUP_COUNT_MAX 10000

typedef struct {
    const char *what;
    yaml_document_t *doc;
    SevirtFleetManifest *m;
} Loader;

static yaml_node_t *
node_at(Loader *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

static int
node_index(Loader *ld, yaml_node_t *node)
{
    return (int) (node - ld->doc->nodes.start) + 1;
}

static const char *
want_scalar(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    const char *s = sevirt_yaml_scalar(v);

    if (!s) {
        sevirt_yaml_error(error, ld->what, v, _("'%s' must be a single value, not a %s"),
                          key, v->type == YAML_MAPPING_NODE ? _("mapping") : _("list"));
        return NULL;
    }
    if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (!*s || g_str_equal(s, "~") || g_str_equal(s, "null"))) {
        sevirt_yaml_error(error, ld->what, v, _("'%s' has no value"), key);
        return NULL;
    }
    return s;
}

static gboolean
want_uint(Loader *ld, const char *key, yaml_node_t *v, guint64 min, guint64 max, guint64 *out,
          GError **error)
{
    const char *s = want_scalar(ld, key, v, error);

    if (!s)
        return FALSE;
    if (!sevirt_parse_uint(key, s, max, out, NULL) || *out < min)
        return sevirt_yaml_error(error, ld->what, v,
                                 _("'%s' must be a whole number from %" G_GUINT64_FORMAT
                                   " to %" G_GUINT64_FORMAT ", not '%s'"), key, min, max, s);
    return TRUE;
}

static gboolean
want_bool(Loader *ld, const char *key, yaml_node_t *v, gboolean *out, GError **error)
{
    static const char *const yes[] = { "true", "yes", "on", NULL };
    static const char *const no[] = { "false", "no", "off", NULL };
    const char *s = want_scalar(ld, key, v, error);

    if (!s)
        return FALSE;
    *out = g_strv_contains(yes, s);
    if (*out || g_strv_contains(no, s))
        return TRUE;
    return sevirt_yaml_error(error, ld->what, v, _("'%s' must be true or false, not '%s'"),
                             key, s);
}

/*
 * Checks that @map is a mapping whose keys are all in @known, each once;
 * @section names it in errors.
 */
static gboolean
check_keys(Loader *ld, yaml_node_t *map, const char *section, const char *const *known,
           GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (map->type != YAML_MAPPING_NODE)
        return sevirt_yaml_error(error, ld->what, map,
                                 _("'%s' must be a mapping of keys to values"), section);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *key = sevirt_yaml_scalar(k);

        if (!key)
            return sevirt_yaml_error(error, ld->what, k, _("keys in '%s' must be plain names"),
                                     section);
        if (known && !g_strv_contains(known, key)) {
            g_autofree char *list = g_strjoinv(", ", (char **) known);

            return sevirt_yaml_error(error, ld->what, k,
                                     _("unknown key '%s' in '%s' (known keys: %s)"),
                                     key, section, list);
        }
        if (!g_hash_table_add(seen, (gpointer) key))
            return sevirt_yaml_error(error, ld->what, k, _("duplicate key '%s' in '%s'"),
                                     key, section);
    }
    return TRUE;
}

/* A mapping of names to single values, as labels are. */
static GHashTable *
want_labels(Loader *ld, const char *key, yaml_node_t *v, GError **error)
{
    g_autoptr(GHashTable) labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    if (!check_keys(ld, v, key, NULL, error))
        return NULL;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        const char *name = sevirt_yaml_scalar(node_at(ld, p->key));
        const char *value = want_scalar(ld, name, node_at(ld, p->value), error);

        if (!value)
            return NULL;
        g_hash_table_insert(labels, g_strdup(name), g_strdup(value));
    }
    return g_steal_pointer(&labels);
}

/* ------------------------------------------------------------------ */
/* hosts */

static void
fleet_host_free(SevirtFleetHost *h)
{
    g_free(h->uri);
    g_hash_table_unref(h->labels);
    g_free(h->location);
    g_free(h);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetHost, fleet_host_free)

static gboolean
load_host(Loader *ld, yaml_node_t *item, GError **error)
{
    static const char *const keys[] = { "uri", "labels", "max_guests", NULL };
    g_autoptr(SevirtFleetHost) h = g_new0(SevirtFleetHost, 1);
    yaml_node_t *v;

    h->labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    h->max_guests = -1;
    h->location = sevirt_yaml_location(ld->what, item);
    if (item->type == YAML_SCALAR_NODE) {
        /* "- qemu+ssh://h1/system": a host without labels or limits */
        const char *uri = want_scalar(ld, "hosts", item, error);

        if (!uri)
            return FALSE;
        h->uri = g_strdup(uri);
    } else {
        if (!check_keys(ld, item, _("a host"), keys, error))
            return FALSE;
        if (!(v = sevirt_yaml_mapping_get(ld->doc, item, "uri")))
            return sevirt_yaml_error(error, ld->what, item, _("a host needs a 'uri'"));
        if (!want_scalar(ld, "uri", v, error))
            return FALSE;
        h->uri = g_strdup(sevirt_yaml_scalar(v));
        if ((v = sevirt_yaml_mapping_get(ld->doc, item, "labels"))) {
            g_hash_table_unref(h->labels);
            if (!(h->labels = want_labels(ld, "labels", v, error)))
                return FALSE;
        }
        if ((v = sevirt_yaml_mapping_get(ld->doc, item, "max_guests"))) {
            guint64 n;

            if (!want_uint(ld, "max_guests", v, 0, G_MAXINT, &n, error))
                return FALSE;
            h->max_guests = (gint) n;
        }
    }
    for (guint i = 0; i < ld->m->hosts->len; i++) {
        const SevirtFleetHost *o = g_ptr_array_index(ld->m->hosts, i);

        if (g_str_equal(o->uri, h->uri))
            return sevirt_yaml_error(error, ld->what, item,
                                     _("host '%s' is listed twice (first at %s)"),
                                     h->uri, o->location);
    }
    g_ptr_array_add(ld->m->hosts, g_steal_pointer(&h));
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* groups */

static void
fleet_attest_free(SevirtFleetAttest *a)
{
    if (!a)
        return;
    g_free(a->keys_dir);
    g_free(a->firmware);
    g_free(a->secret_file);
    g_free(a->ark);
    g_free(a->ask);
    g_free(a);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetAttest, fleet_attest_free)

static void
fleet_group_free(SevirtFleetGroup *g)
{
    g_free(g->name);
    if (g->match)
        g_hash_table_unref(g->match);
    g_free(g->hash);
    g_free(g->location);
    g_free(g->spec_path);
    g_free(g->spec_text);
    g_free(g->emulator);
    g_free(g->virt_type);
    g_free(g->machine);
    fleet_attest_free(g->attest);
    g_free(g);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetGroup, fleet_group_free)

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* A canonical text of a YAML value: mapping keys sorted, comments and
 * layout gone, so the hash changes only when what the spec says does. */
static void
canon(yaml_document_t *doc, yaml_node_t *node, GString *out)
{
    switch (node->type) {
    case YAML_SCALAR_NODE:
        g_string_append_printf(out, "%zu:", node->data.scalar.length);
        g_string_append_len(out, (const char *) node->data.scalar.value,
                            (gssize) node->data.scalar.length);
        break;
    case YAML_SEQUENCE_NODE:
        g_string_append_c(out, '[');
        for (yaml_node_item_t *i = node->data.sequence.items.start;
             i < node->data.sequence.items.top; i++) {
            canon(doc, yaml_document_get_node(doc, *i), out);
            g_string_append_c(out, ',');
        }
        g_string_append_c(out, ']');
        break;
    case YAML_MAPPING_NODE: {
        g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);

        for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
             p < node->data.mapping.pairs.top; p++) {
            g_autoptr(GString) kv = g_string_new(NULL);

            canon(doc, yaml_document_get_node(doc, p->key), kv);
            g_string_append_c(kv, '=');
            canon(doc, yaml_document_get_node(doc, p->value), kv);
            g_ptr_array_add(parts, g_string_free(g_steal_pointer(&kv), FALSE));
        }
        g_ptr_array_sort(parts, compare_strings);
        g_string_append_c(out, '{');
        for (guint i = 0; i < parts->len; i++)
            g_string_append_printf(out, "%s,", (const char *) g_ptr_array_index(parts, i));
        g_string_append_c(out, '}');
        break;
    }
    default:
        break;
    }
}

static gboolean
group_hash(SevirtFleetGroup *g, yaml_document_t *doc, yaml_node_t *spec, GError **error)
{
    g_autoptr(GString) text = g_string_new("sevirt-fleet-spec-1\n");
    guint8 digest[SEVIRT_SHA256_LEN];
    SevirtBuf part;

    canon(doc, spec, text);
    g_string_append_printf(text, "\nsev=%s\n",
                           g->sev_set ? sevirt_sev_type_to_string(g->sev_override) : "");
    /* an attested guest's domain carries a session: not the same guest */
    if (g->attest)
        g_string_append(text, "attest\n");
    part.data = text->str;
    part.len = text->len;
    if (!sevirt_digest(EVP_sha256(), &part, 1, digest, error))
        return FALSE;
    g->hash = g_malloc(2 * sizeof(digest) + 1);
    for (gsize i = 0; i < sizeof(digest); i++)
        g_snprintf(g->hash + 2 * i, 3, "%02x", digest[i]);
    return TRUE;
}

char *
sevirt_fleet_guest_name(const SevirtFleetGroup *group, guint index)
{
    g_autofree char *num = g_strdup_printf("%u", index);
    g_auto(GStrv) parts = g_strsplit(group->name, INDEX_MARK, -1);

    return g_strjoinv(num, parts);
}

SevirtVmSpec *
sevirt_fleet_guest_spec(const SevirtFleetGroup *group, guint index, GError **error)
{
    SevirtFleetManifest *m = group->manifest;
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
    gboolean ok;

    if (group->spec_path) {
        g_autofree char *dir = g_path_get_dirname(group->spec_path);

        ok = sevirt_spec_file_parse(group->spec_path, group->spec_text, group->spec_len, dir,
                                    spec, error);
    } else {
        yaml_document_t *doc = m->doc;

        ok = sevirt_spec_file_parse_node(m->path, m->base_dir, doc,
                                         yaml_document_get_node(doc, group->spec_node), spec,
                                         error);
    }
    if (!ok)
        return NULL;
    g_free(spec->name);
    spec->name = sevirt_fleet_guest_name(group, index);
    if (group->sev_set) {
        spec->sev_type = group->sev_override;
        sevirt_vm_spec_clear_mark(spec, "sev.type");
    }
    spec->fleet = sevirt_fleet_member_new(m->name, group->name, group->hash);
    return g_steal_pointer(&spec);
}

/* The spec of @g: a file (read once, its YAML hashed) or an inline mapping. */
static gboolean
load_group_spec(Loader *ld, SevirtFleetGroup *g, yaml_node_t *v, GError **error)
{
    g_auto(yaml_document_t) fdoc = { 0 };
    const char *file;
    yaml_node_t *root;

    if (v->type == YAML_MAPPING_NODE) {
        g->spec_node = node_index(ld, v);
        return group_hash(g, ld->doc, v, error);
    }
    if (!(file = want_scalar(ld, "spec", v, error)))
        return FALSE;
    g->spec_path = g_path_is_absolute(file) ? g_strdup(file) :
                   g_build_filename(ld->m->base_dir, file, NULL);
    g->spec_text = (char *) sevirt_file_read(g->spec_path, SPEC_MAX, &g->spec_len, NULL);
    if (!g->spec_text)
        return sevirt_yaml_error(error, ld->what, v, _("cannot read the spec file '%s'"),
                                 g->spec_path);
    if (!sevirt_yaml_load(g->spec_path, g->spec_text, g->spec_len, &fdoc, error))
        return FALSE;
    if (!(root = yaml_document_get_root_node(&fdoc)))
        return sevirt_yaml_error(error, g->spec_path, NULL, _("the spec file is empty"));
    return group_hash(g, &fdoc, root, error);
}

static gboolean
load_placement(Loader *ld, SevirtFleetGroup *g, yaml_node_t *v, GError **error)
{
    static const char *const keys[] = { "label", NULL };
    const char *s = sevirt_yaml_scalar(v);
    yaml_node_t *label;

    if (s) {
        if (g_str_equal(s, "spread"))
            g->placement = SEVIRT_FLEET_SPREAD;
        else if (g_str_equal(s, "pack"))
            g->placement = SEVIRT_FLEET_PACK;
        else
            return sevirt_yaml_error(error, ld->what, v,
                                     _("'placement' must be spread, pack or {label: {NAME: VALUE}}, not '%s'"),
                                     s);
        return TRUE;
    }
    if (!check_keys(ld, v, "placement", keys, error))
        return FALSE;
    if (!(label = sevirt_yaml_mapping_get(ld->doc, v, "label")))
        return sevirt_yaml_error(error, ld->what, v, _("'placement' needs 'label'"));
    if (!(g->match = want_labels(ld, "label", label, error)))
        return FALSE;
    if (g_hash_table_size(g->match) == 0)
        return sevirt_yaml_error(error, ld->what, label, _("'label' names no label"));
    g->placement = SEVIRT_FLEET_LABEL;
    return TRUE;
}

/* The spec of guest 1, validated offline: bad values show before any host
 * is asked, and placement learns the memory, vCPUs and SEV type. */
static gboolean
check_group_spec(SevirtFleetGroup *g, GError **error)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_fleet_guest_spec(g, 1, error);
    g_autoptr(GError) local = NULL;

    if (!spec)
        return FALSE;
    if (!sevirt_vm_spec_validate(spec, NULL, NULL, &local)) {
        const char *src = g->spec_path ? g->spec_path : g->manifest->path;

        /* An error at a value already names its place in the file. */
        if (g_str_has_prefix(local->message, src) && local->message[strlen(src)] == ':')
            g_set_error(error, SEVIRT_ERROR, local->code, _("%s (group '%s')"), local->message,
                        g->name);
        else
            g_set_error(error, SEVIRT_ERROR, local->code, _("%s: group '%s': %s"), g->location,
                        g->name, local->message);
        return FALSE;
    }
    g->sev_type = spec->sev_type;
    g->vcpus = spec->vcpus;
    g->memory_mib = spec->memory_mib;
    g->emulator = g_strdup(spec->emulator);
    g->virt_type = spec->virt_type_set ? g_strdup(sevirt_virt_type_to_string(spec->virt_type)) : NULL;
    g->machine = g_strdup(spec->machine);
    g->kernel = spec->kernel != NULL;
    return TRUE;
}

/* A path of the attest mapping, resolved against the manifest's folder. */
static gboolean
want_path(Loader *ld, const char *key, yaml_node_t *v, char **out, GError **error)
{
    const char *s = want_scalar(ld, key, v, error);

    if (!s)
        return FALSE;
    *out = g_path_is_absolute(s) ? g_strdup(s) : g_build_filename(ld->m->base_dir, s, NULL);
    return TRUE;
}

/* secret: GUID-OR-ALIAS:FILE */
static gboolean
load_attest_secret(Loader *ld, SevirtFleetAttest *a, yaml_node_t *v, GError **error)
{
    const char *s = want_scalar(ld, "secret", v, error);
    const char *colon = s ? strchr(s, ':') : NULL;
    g_autofree char *name = NULL;
    g_autoptr(GError) local = NULL;

    if (!s)
        return FALSE;
    if (!colon || colon == s || !colon[1])
        return sevirt_yaml_error(error, ld->what, v,
                                 _("'secret' must be GUID-OR-ALIAS:FILE, not '%s'"), s);
    name = g_strndup(s, colon - s);
    if (!sevirt_secret_guid_parse(name, &a->secret_guid, &local))
        return sevirt_yaml_error(error, ld->what, v, "%s", local->message);
    a->secret_file = g_path_is_absolute(colon + 1) ? g_strdup(colon + 1) :
                     g_build_filename(ld->m->base_dir, colon + 1, NULL);
    return TRUE;
}

static gboolean
load_attest(Loader *ld, SevirtFleetGroup *g, yaml_node_t *v, GError **error)
{
    static const char *const keys[] = { "keys_dir", "firmware", "secret", "secret_address",
                                        "ark", "ask", NULL };
    g_autoptr(SevirtFleetAttest) a = g_new0(SevirtFleetAttest, 1);
    yaml_node_t *k;

    if (!check_keys(ld, v, "attest", keys, error))
        return FALSE;
    if (!(k = sevirt_yaml_mapping_get(ld->doc, v, "keys_dir")))
        return sevirt_yaml_error(error, ld->what, v,
                                 _("'attest' needs 'keys_dir' (where each guest's session and keys go)"));
    if (!want_path(ld, "keys_dir", k, &a->keys_dir, error))
        return FALSE;
    if (!(k = sevirt_yaml_mapping_get(ld->doc, v, "firmware")))
        return sevirt_yaml_error(error, ld->what, v,
                                 _("'attest' needs 'firmware' (the owner's copy of the firmware the guests boot, to check their measurement)"));
    if (!want_path(ld, "firmware", k, &a->firmware, error))
        return FALSE;
    if ((k = sevirt_yaml_mapping_get(ld->doc, v, "secret")) &&
        !load_attest_secret(ld, a, k, error))
        return FALSE;
    if ((k = sevirt_yaml_mapping_get(ld->doc, v, "secret_address"))) {
        if (!want_uint(ld, "secret_address", k, 0, G_MAXUINT64, &a->secret_address, error))
            return FALSE;
        a->secret_address_set = TRUE;
    }
    if ((k = sevirt_yaml_mapping_get(ld->doc, v, "ark")) &&
        !want_path(ld, "ark", k, &a->ark, error))
        return FALSE;
    if ((k = sevirt_yaml_mapping_get(ld->doc, v, "ask")) &&
        !want_path(ld, "ask", k, &a->ask, error))
        return FALSE;
    if (!a->ark != !a->ask)
        return sevirt_yaml_error(error, ld->what, v,
                                 _("'ark' and 'ask' go together: the ARK and ASK files of another root"));
    g->attest = g_steal_pointer(&a);
    return TRUE;
}

/* After the spec: an attested launch is for SEV and SEV-ES guests, started. */
static gboolean
check_group_attest(Loader *ld, SevirtFleetGroup *g, yaml_node_t *item, GError **error)
{
    yaml_node_t *v = sevirt_yaml_mapping_get(ld->doc, item, "attest");
    yaml_node_t *start = sevirt_yaml_mapping_get(ld->doc, item, "start");

    if (!g->attest)
        return TRUE;
    if (g->sev_type == SEVIRT_SEV_SNP)
        return sevirt_yaml_error(error, ld->what, v,
                                 _("group '%s': 'attest' is not supported for sev-snp guests yet"),
                                 g->name);
    if (g->sev_type != SEVIRT_SEV_SEV && g->sev_type != SEVIRT_SEV_ES)
        return sevirt_yaml_error(error, ld->what, v,
                                 _("group '%s': 'attest' needs sev or sev-es guests, not %s"),
                                 g->name, sevirt_sev_type_to_string(g->sev_type));
    /* the launch checks the firmware alone: a measured kernel boot would
     * need the owner's copies of kernel, initrd and command line too */
    if (g->kernel)
        return sevirt_yaml_error(error, ld->what, v,
                                 _("group '%s': 'attest' does not support a direct kernel boot yet"),
                                 g->name);
    if (start && !g->start)
        return sevirt_yaml_error(error, ld->what, start,
                                 _("group '%s': an attested launch starts its guests: 'start' cannot be false"),
                                 g->name);
    g->start = TRUE;
    return TRUE;
}

static gboolean
load_group_keys(Loader *ld, SevirtFleetGroup *g, yaml_node_t *item, GError **error)
{
    yaml_node_t *v;
    guint64 n;

    if (!(v = sevirt_yaml_mapping_get(ld->doc, item, "name")))
        return sevirt_yaml_error(error, ld->what, item, _("a guest group needs a 'name'"));
    if (!want_scalar(ld, "name", v, error))
        return FALSE;
    g->name = g_strdup(sevirt_yaml_scalar(v));
    if ((v = sevirt_yaml_mapping_get(ld->doc, item, "count"))) {
        if (!want_uint(ld, "count", v, 1, GROUP_COUNT_MAX, &n, error))
            return FALSE;
        g->count = (guint) n;
    }
    if (g->count > 1 && !strstr(g->name, INDEX_MARK))
        return sevirt_yaml_error(error, ld->what, item,
                                 _("group '%s' has %u guests: its name needs '%s'"),
                                 g->name, g->count, INDEX_MARK);
    if ((v = sevirt_yaml_mapping_get(ld->doc, item, "sev"))) {
        const char *s = want_scalar(ld, "sev", v, error);
        g_autoptr(GError) local = NULL;

        if (!s)
            return FALSE;
        if (!sevirt_sev_type_from_string(s, &g->sev_override, &local))
            return sevirt_yaml_error(error, ld->what, v, "%s", local->message);
        g->sev_set = TRUE;
    }
    if ((v = sevirt_yaml_mapping_get(ld->doc, item, "start")) &&
        !want_bool(ld, "start", v, &g->start, error))
        return FALSE;
    if ((v = sevirt_yaml_mapping_get(ld->doc, item, "placement")) &&
        !load_placement(ld, g, v, error))
        return FALSE;
    if ((v = sevirt_yaml_mapping_get(ld->doc, item, "attest")) && !load_attest(ld, g, v, error))
        return FALSE;
    if (!(v = sevirt_yaml_mapping_get(ld->doc, item, "spec")))
        return sevirt_yaml_error(error, ld->what, item,
                                 _("group '%s' needs a 'spec' (a spec file or a mapping of its keys)"),
                                 g->name);
    return load_group_spec(ld, g, v, error);
}

static gboolean
load_group(Loader *ld, yaml_node_t *item, GHashTable *names, GError **error)
{
    static const char *const keys[] = { "name", "count", "spec", "sev", "placement", "start",
                                        "attest", NULL };
    g_autoptr(SevirtFleetGroup) g = g_new0(SevirtFleetGroup, 1);

    g->manifest = ld->m;
    g->id = ld->m->groups->len;
    g->count = 1;
    g->location = sevirt_yaml_location(ld->what, item);
    if (!check_keys(ld, item, _("a guest group"), keys, error) ||
        !load_group_keys(ld, g, item, error) || !check_group_spec(g, error) ||
        !check_group_attest(ld, g, item, error))
        return FALSE;
    for (guint i = 1; i <= g->count; i++) {
        g_autofree char *name = sevirt_fleet_guest_name(g, i);
        const char *other = g_hash_table_lookup(names, name);

        if (other)
            return sevirt_yaml_error(error, ld->what, item,
                                     _("group '%s' makes guest '%s', as group '%s' does"),
                                     g->name, name, other);
        g_hash_table_insert(names, g_steal_pointer(&name), g->name);
    }
    g_ptr_array_add(ld->m->groups, g_steal_pointer(&g));
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* the manifest */

void
sevirt_fleet_manifest_free(SevirtFleetManifest *m)
{
    if (!m)
        return;
    g_free(m->path);
    g_free(m->name);
    g_ptr_array_unref(m->hosts);
    g_ptr_array_unref(m->groups);
    g_free(m->base_dir);
    if (m->doc) {
        yaml_document_delete(m->doc);
        g_free(m->doc);
    }
    g_free(m);
}

static gboolean
want_list(Loader *ld, yaml_node_t *root, const char *key, yaml_node_t **out, GError **error)
{
    *out = sevirt_yaml_mapping_get(ld->doc, root, key);
    if (!*out)
        return sevirt_yaml_error(error, ld->what, root, _("the manifest needs '%s'"), key);
    if ((*out)->type != YAML_SEQUENCE_NODE ||
        (*out)->data.sequence.items.start == (*out)->data.sequence.items.top)
        return sevirt_yaml_error(error, ld->what, *out, _("'%s' must be a list of one or more entries"),
                                 key);
    return TRUE;
}

static gboolean
load_fleet_name(Loader *ld, yaml_node_t *root, GError **error)
{
    yaml_node_t *v = sevirt_yaml_mapping_get(ld->doc, root, "fleet");
    const char *s;

    if (!v)
        return sevirt_yaml_error(error, ld->what, root, _("the manifest needs 'fleet' (its name)"));
    if (!(s = want_scalar(ld, "fleet", v, error)))
        return FALSE;
    for (const char *c = s; *c; c++)
        if (!g_ascii_isalnum(*c) && !strchr("-_.", *c))
            return sevirt_yaml_error(error, ld->what, v,
                                     _("the fleet name '%s' may hold only letters, digits, '-', '_' and '.'"),
                                     s);
    ld->m->name = g_strdup(s);
    return TRUE;
}

static gboolean
load_root(Loader *ld, yaml_node_t *root, GError **error)
{
    static const char *const keys[] = { "fleet", "hosts", "guests", NULL };
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    yaml_node_t *hosts, *guests;

    if (!check_keys(ld, root, _("the manifest"), keys, error) ||
        !load_fleet_name(ld, root, error) ||
        !want_list(ld, root, "hosts", &hosts, error) ||
        !want_list(ld, root, "guests", &guests, error))
        return FALSE;
    for (yaml_node_item_t *i = hosts->data.sequence.items.start;
         i < hosts->data.sequence.items.top; i++)
        if (!load_host(ld, node_at(ld, *i), error))
            return FALSE;
    for (yaml_node_item_t *i = guests->data.sequence.items.start;
         i < guests->data.sequence.items.top; i++)
        if (!load_group(ld, node_at(ld, *i), names, error))
            return FALSE;
    return TRUE;
}

SevirtFleetManifest *
sevirt_fleet_manifest_parse(const char *what, const char *text, gsize len, const char *base_dir,
                            GError **error)
{
    g_autoptr(SevirtFleetManifest) m = g_new0(SevirtFleetManifest, 1);
    Loader ld = { what, NULL, m };
    yaml_node_t *root;

    m->path = g_strdup(what);
    m->base_dir = g_strdup(base_dir);
    m->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) fleet_host_free);
    m->groups = g_ptr_array_new_with_free_func((GDestroyNotify) fleet_group_free);
    m->doc = g_new0(yaml_document_t, 1);
    if (!sevirt_yaml_load(what, text, len, m->doc, error)) {
        g_clear_pointer(&m->doc, g_free);
        return NULL;
    }
    ld.doc = m->doc;
    if (!(root = yaml_document_get_root_node(m->doc))) {
        sevirt_yaml_error(error, what, NULL, _("the manifest is empty"));
        return NULL;
    }
    return load_root(&ld, root, error) ? g_steal_pointer(&m) : NULL;
}

SevirtFleetManifest *
sevirt_fleet_manifest_load(const char *path, GError **error)
{
    gsize len = 0;
    g_autofree guint8 *data = sevirt_file_read(path, MANIFEST_MAX, &len, error);
    g_autofree char *dir = NULL;

    if (!data)
        return NULL;
    dir = g_path_get_dirname(path);
    return sevirt_fleet_manifest_parse(path, (const char *) data, len, dir, error);
}
