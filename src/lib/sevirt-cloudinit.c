/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs/libisofs.h>

#include "sevirt-cloudinit.h"
#include "sevirt-error.h"
#include "sevirt-util.h"
#include "sevirt-yaml-private.h"

/* cloud-init files are small; anything bigger is a mistake on the command line. */
#define CLOUD_INIT_FILE_MAX (16 * 1024 * 1024)

static char *
read_text_file(const char *path, gsize *len, GError **error)
{
    g_autofree guint8 *data = sevirt_file_read(path, CLOUD_INIT_FILE_MAX, len, error);

    if (!data)
        return NULL;
    return g_strndup((const char *) data, *len);
}

static gboolean
check_yaml(const char *path, const char *text, gsize len, GError **error)
{
    g_auto(yaml_document_t) doc = { 0 };

    return sevirt_yaml_load(path, text, len, &doc, error);
}

static int
yaml_output_gstring(void *data, unsigned char *buffer, size_t size)
{
    g_string_append_len(data, (const char *) buffer, size);
    return 1;
}

static int
add_scalar(yaml_document_t *doc, const char *value)
{
    return yaml_document_add_scalar(doc, NULL, (yaml_char_t *) value, -1, YAML_ANY_SCALAR_STYLE);
}

/* Sets @key to the scalar @value: replaces the value of an existing key when
 * @replace, keeps it otherwise, appends the pair when the key is absent. */
static void
mapping_set(yaml_document_t *doc, int map, const char *key, const char *value, gboolean replace)
{
    yaml_node_pair_t *p = sevirt_yaml_mapping_pair(doc, yaml_document_get_node(doc, map), key);

    if (!p)
        yaml_document_append_mapping_pair(doc, map, add_scalar(doc, key), add_scalar(doc, value));
    else if (replace)
        p->value = add_scalar(doc, value);
}

static const char *const ssh_key_types[] = {
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-dss", NULL
};

/* The key blob (RFC 4253 section 6.6) starts with its type as an SSH string. */
static gboolean
ssh_blob_has_type(const char *b64, const char *type)
{
    gsize len = 0;
    g_autofree guint8 *blob = sevirt_base64_decode_strict("key", b64, 0, &len, NULL);
    gsize type_len = strlen(type);

    return blob && len > 4 + type_len &&
           ((guint32) blob[0] << 24 | (guint32) blob[1] << 16 | (guint32) blob[2] << 8 | blob[3]) ==
               type_len &&
           memcmp(blob + 4, type, type_len) == 0;
}

/* Why @line is no OpenSSH public key, or NULL when it is one. */
static const char *
ssh_key_line_problem(const char *line)
{
    g_auto(GStrv) fields = g_strsplit_set(line, " \t", 3);

    if (strstr(line, "PRIVATE KEY"))
        return _("it is a private key: give the public key (the .pub file)");
    if (!fields[0] || !fields[1] || !*fields[1])
        return _("expected 'TYPE BASE64 [COMMENT]'");
    if (!g_strv_contains(ssh_key_types, fields[0]))
        return _("unknown key type (expected ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521, "
                 "sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com or ssh-dss)");
    if (!ssh_blob_has_type(fields[1], fields[0]))
        return _("the key data is not a base64 key of its type");
    return NULL;
}

GStrv
sevirt_ssh_public_keys_read(const char *path, GError **error)
{
    gsize len = 0;
    g_autofree char *text = read_text_file(path, &len, error);
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = NULL;

    if (!text)
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        const char *problem;

        if (!*line || line[0] == '#')
            continue;
        problem = ssh_key_line_problem(line);
        if (problem) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("'%s' line %u is not an OpenSSH public key: %s"), path, i + 1, problem);
            return NULL;
        }
        g_ptr_array_add(keys, g_strdup(line));
    }
    if (!keys->len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("'%s' holds no public key"), path);
        return NULL;
    }
    g_ptr_array_add(keys, NULL);
    return (GStrv) g_ptr_array_free(g_steal_pointer(&keys), FALSE);
}

/* Appends the keys of an OpenSSH public key file to public-keys. */
static gboolean
add_public_keys(yaml_document_t *doc, int map, const char *path, GError **error)
{
    g_auto(GStrv) keys = sevirt_ssh_public_keys_read(path, error);
    yaml_node_pair_t *p;
    int seq;

    if (!keys)
        return FALSE;
    p = sevirt_yaml_mapping_pair(doc, yaml_document_get_node(doc, map), "public-keys");
    if (!p) {
        seq = yaml_document_add_sequence(doc, NULL, YAML_BLOCK_SEQUENCE_STYLE);
        yaml_document_append_mapping_pair(doc, map, add_scalar(doc, "public-keys"), seq);
    } else {
        if (yaml_document_get_node(doc, p->value)->type != YAML_SEQUENCE_NODE)
            p->value = yaml_document_add_sequence(doc, NULL, YAML_BLOCK_SEQUENCE_STYLE);
        seq = p->value;
    }

    for (guint i = 0; keys[i]; i++)
        yaml_document_append_sequence_item(doc, seq, add_scalar(doc, keys[i]));
    return TRUE;
}

/* Loads the user's meta-data file, or starts an empty mapping; returns the
 * root mapping's index. */
static int
meta_data_start(yaml_document_t *doc, const char *path, GError **error)
{
    gsize len = 0;
    g_autofree char *text = NULL;
    yaml_node_t *root;

    if (!path) {
        yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1);
        return yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE);
    }
    text = read_text_file(path, &len, error);
    if (!text || !sevirt_yaml_load(path, text, len, doc, error))
        return 0;
    root = yaml_document_get_root_node(doc);
    if (!root) {
        yaml_document_delete(doc);
        yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1);
        return yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE);
    }
    if (root->type != YAML_MAPPING_NODE) {
        sevirt_yaml_error(error, path, root, _("meta-data must be a mapping of keys to values"));
        return 0;
    }
    return 1;   /* libyaml numbers nodes from 1; the root comes first */
}

char *
sevirt_cloud_init_meta_data(const SevirtCloudInitSpec *ci, const char *instance_id,
                            const char *default_hostname, GError **error)
{
    g_auto(yaml_document_t) doc = { 0 };
    yaml_emitter_t emitter;
    g_autoptr(GString) out = g_string_new(NULL);
    int map;
    gboolean ok;

    map = meta_data_start(&doc, ci->meta_data, error);
    if (!map)
        return NULL;
    mapping_set(&doc, map, "instance-id", instance_id, FALSE);
    if (ci->hostname)
        mapping_set(&doc, map, "local-hostname", ci->hostname, TRUE);
    else
        mapping_set(&doc, map, "local-hostname", default_hostname, FALSE);
    if (ci->ssh_key && !add_public_keys(&doc, map, ci->ssh_key, error))
        return NULL;

    yaml_emitter_initialize(&emitter);
    yaml_emitter_set_output(&emitter, yaml_output_gstring, out);
    yaml_emitter_set_unicode(&emitter, 1);
    yaml_emitter_set_width(&emitter, -1);   /* never fold long ssh keys */
    ok = yaml_emitter_open(&emitter) && yaml_emitter_dump(&emitter, &doc) &&
         yaml_emitter_close(&emitter) && yaml_emitter_flush(&emitter);
    if (!ok)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot write the cloud-init meta-data: %s"),
                    emitter.problem ? emitter.problem : _("YAML emitter error"));
    yaml_emitter_delete(&emitter);
    return ok ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

static gpointer
isofs_init_once(gpointer data G_GNUC_UNUSED)
{
    if (iso_init() < 0)
        return GINT_TO_POINTER(FALSE);
    /* libisofs prints to stderr by default; the library never prints. */
    iso_set_msgs_severities("NEVER", "NEVER", "sevirt");
    return GINT_TO_POINTER(TRUE);
}

static gboolean
isofs_check(int ret, const char *what, GError **error)
{
    if (ret >= 0)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                _("Cannot build the cloud-init seed image: %s failed (libisofs error 0x%x)"),
                what, (unsigned) ret);
    return FALSE;
}

static void
iso_image_release(IsoImage *image)
{
    iso_image_unref(image);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IsoImage, iso_image_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IsoWriteOpts, iso_write_opts_free)

/* Adds a file named @name holding @text; libisofs takes over a malloc()ed copy. */
static gboolean
iso_add_text(IsoImage *image, const char *name, const char *text, GError **error)
{
    gsize len = strlen(text);
    unsigned char *buf = malloc(len ? len : 1);
    IsoStream *stream = NULL;
    IsoFile *file = NULL;

    if (!buf)
        return isofs_check(ISO_OUT_OF_MEM, name, error);
    memcpy(buf, text, len);
    if (!isofs_check(iso_memory_stream_new(buf, len, &stream), name, error)) {
        free(buf);
        return FALSE;
    }
    if (!isofs_check(iso_image_add_new_file(image, iso_image_get_root(image), name,
                                            stream, &file), name, error)) {
        iso_stream_unref(stream);
        return FALSE;
    }
    iso_node_set_permissions((IsoNode *) file, 0444);
    return TRUE;
}

/* Runs libisofs' writer and collects the image it produces. */
static GBytes *
iso_write_to_memory(IsoImage *image, GError **error)
{
    g_autoptr(IsoWriteOpts) opts = NULL;
    struct burn_source *src = NULL;
    g_autoptr(GByteArray) out = g_byte_array_new();
    unsigned char block[2048];
    int n;

    if (!isofs_check(iso_write_opts_new(&opts, 0), _("setting up the writer"), error))
        return NULL;
    iso_write_opts_set_rockridge(opts, 1);
    iso_write_opts_set_joliet(opts, 1);
    /* Keep the label lower case as in genisoimage -V cidata; libisofs would
     * otherwise upper-case it to ISO 9660 d-characters. */
    iso_write_opts_set_relaxed_vol_atts(opts, 1);
    if (!isofs_check(iso_image_create_burn_source(image, opts, &src), _("writing"), error))
        return NULL;
    while ((n = src->read_xt(src, block, sizeof(block))) > 0)
        g_byte_array_append(out, block, n);
    src->free_data(src);
    free(src);
    if (!isofs_check(n < 0 ? ISO_WRITE_ERROR : 0, _("writing"), error))
        return NULL;
    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

static char *
user_data_text(const SevirtCloudInitSpec *ci, GError **error)
{
    gsize len = 0;
    g_autofree char *text = NULL;

    if (!ci->user_data)
        return g_strdup("#cloud-config\n");
    text = read_text_file(ci->user_data, &len, error);
    if (!text)
        return NULL;
    /* A typo in cloud-config otherwise only shows up in the guest's logs. */
    if (g_str_has_prefix(text, "#cloud-config") && !check_yaml(ci->user_data, text, len, error))
        return NULL;
    return g_steal_pointer(&text);
}

GBytes *
sevirt_cloud_init_seed_build(const SevirtCloudInitSpec *ci, const char *instance_id,
                             const char *default_hostname, GError **error)
{
    static GOnce once = G_ONCE_INIT;
    g_autoptr(IsoImage) image = NULL;
    g_autofree char *user_data = NULL;
    g_autofree char *meta_data = NULL;
    g_autofree char *network_config = NULL;

    user_data = user_data_text(ci, error);
    if (!user_data)
        return NULL;
    meta_data = sevirt_cloud_init_meta_data(ci, instance_id, default_hostname, error);
    if (!meta_data)
        return NULL;
    if (ci->network_config) {
        gsize len = 0;

        network_config = read_text_file(ci->network_config, &len, error);
        if (!network_config || !check_yaml(ci->network_config, network_config, len, error))
            return NULL;
    }

    if (!GPOINTER_TO_INT(g_once(&once, isofs_init_once, NULL))) {
        isofs_check(ISO_FATAL_ERROR, "iso_init", error);
        return NULL;
    }
    if (!isofs_check(iso_image_new(SEVIRT_CLOUD_INIT_LABEL, &image), _("creating the image"), error))
        return NULL;
    if (!iso_add_text(image, "user-data", user_data, error) ||
        !iso_add_text(image, "meta-data", meta_data, error) ||
        (network_config && !iso_add_text(image, "network-config", network_config, error)))
        return NULL;
    return iso_write_to_memory(image, error);
}
