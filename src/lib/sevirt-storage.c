/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt-autoptr.h"
#include "sevirt-error.h"
#include "sevirt-storage.h"
#include "sevirt-xml-private.h"

virStoragePoolPtr
sevirt_pool_lookup(virConnectPtr conn, const char *pool, GError **error)
{
    g_autoptr(virStoragePool) p = virStoragePoolLookupByName(conn, pool);
    int active;

    if (!p) {
        sevirt_error_libvirt(error, _("Storage pool '%s' not found"), pool);
        return NULL;
    }
    active = virStoragePoolIsActive(p);
    if (active < 0) {
        sevirt_error_libvirt(error, _("Cannot get the state of storage pool '%s'"), pool);
        return NULL;
    }
    if (!active) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Storage pool '%s' is not active (start it with 'virsh pool-start %s')"),
                    pool, pool);
        return NULL;
    }
    return g_steal_pointer(&p);
}

gboolean
sevirt_volume_split(const char *pool_vol, char **pool, char **volume, GError **error)
{
    const char *slash = strchr(pool_vol, '/');

    if (!slash || slash == pool_vol || !slash[1] || strchr(slash + 1, '/')) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Invalid volume reference '%s': expected POOL/VOLUME"), pool_vol);
        return FALSE;
    }
    *pool = g_strndup(pool_vol, slash - pool_vol);
    *volume = g_strdup(slash + 1);
    return TRUE;
}

static virStorageVolPtr
volume_lookup_in(virStoragePoolPtr p, const char *pool, const char *volume, GError **error)
{
    virStorageVolPtr vol = virStorageVolLookupByName(p, volume);

    if (!vol)
        sevirt_error_libvirt(error, _("Volume '%s/%s' not found"), pool, volume);
    return vol;
}

virStorageVolPtr
sevirt_volume_lookup(virConnectPtr conn, const char *pool, const char *volume, GError **error)
{
    g_autoptr(virStoragePool) p = sevirt_pool_lookup(conn, pool, error);

    if (!p)
        return NULL;
    return volume_lookup_in(p, pool, volume, error);
}

/* Fails with SEVIRT_ERROR_EXISTS when @name is taken in @p: creating over an
 * existing volume must never happen, and rollback must never delete it. */
static gboolean
volume_name_is_free(virStoragePoolPtr p, const char *pool, const char *name, GError **error)
{
    g_autoptr(virStorageVol) vol = virStorageVolLookupByName(p, name);

    if (vol) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS,
                    _("Volume '%s/%s' already exists"), pool, name);
        return FALSE;
    }
    virResetLastError();
    return TRUE;
}

/* The format libvirt reports for @vol (target/format/@type), e.g. "qcow2". */
static char *
volume_format(virStorageVolPtr vol, const char *what, GError **error)
{
    g_autofree char *xml = virStorageVolGetXMLDesc(vol, 0);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    char *format;

    if (!xml) {
        sevirt_error_libvirt(error, _("Cannot read the XML of volume '%s'"), what);
        return NULL;
    }
    doc = sevirt_xml_parse(xml, what, NULL);
    if (!doc) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_LIBVIRT,
                    _("libvirt returned malformed XML for volume '%s'"), what);
        return NULL;
    }
    ctx = sevirt_xpath_new(doc);
    format = sevirt_xpath_string(ctx, "/volume/target/format/@type");
    return format ? format : g_strdup("raw");
}

static char *
volume_xml(const char *name, const char *format, guint64 capacity,
           const char *backing_path, const char *backing_format)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "volume");
    xmlNodePtr node;
    g_autofree char *cap = g_strdup_printf("%" G_GUINT64_FORMAT, capacity);
    xmlChar *buf = NULL;
    int len = 0;
    char *out;

    xmlDocSetRootElement(doc, root);
    xmlNewTextChild(root, NULL, BAD_CAST "name", BAD_CAST name);
    node = xmlNewTextChild(root, NULL, BAD_CAST "capacity", BAD_CAST cap);
    xmlNewProp(node, BAD_CAST "unit", BAD_CAST "bytes");
    /* No <allocation>: sparse, which is what an overlay or a seed wants. */
    node = xmlNewChild(root, NULL, BAD_CAST "target", NULL);
    node = xmlNewChild(node, NULL, BAD_CAST "format", NULL);
    xmlNewProp(node, BAD_CAST "type", BAD_CAST format);
    if (backing_path) {
        node = xmlNewChild(root, NULL, BAD_CAST "backingStore", NULL);
        xmlNewTextChild(node, NULL, BAD_CAST "path", BAD_CAST backing_path);
        node = xmlNewChild(node, NULL, BAD_CAST "format", NULL);
        xmlNewProp(node, BAD_CAST "type", BAD_CAST backing_format);
    }
    xmlDocDumpFormatMemory(doc, &buf, &len, 1);
    out = g_strndup((const char *) buf, len);
    xmlFree(buf);
    return out;
}

virStorageVolPtr
sevirt_volume_create(virConnectPtr conn, const char *pool, const char *name,
                     const char *format, guint64 capacity, const char *backing,
                     GError **error)
{
    g_autoptr(virStoragePool) p = sevirt_pool_lookup(conn, pool, error);
    g_autoptr(virStorageVol) base = NULL;
    g_autofree char *base_path = NULL;
    g_autofree char *base_format = NULL;
    g_autofree char *xml = NULL;
    virStorageVolPtr vol;

    if (!p || !volume_name_is_free(p, pool, name, error))
        return NULL;
    if (!format)
        format = "qcow2";

    if (backing) {
        g_autofree char *what = g_strdup_printf("%s/%s", pool, backing);
        virStorageVolInfo info;

        base = volume_lookup_in(p, pool, backing, error);
        if (!base)
            return NULL;
        base_path = virStorageVolGetPath(base);
        if (!base_path || virStorageVolGetInfo(base, &info) < 0) {
            sevirt_error_libvirt(error, _("Cannot inspect backing volume '%s'"), what);
            return NULL;
        }
        base_format = volume_format(base, what, error);
        if (!base_format)
            return NULL;
        if (capacity == 0)
            capacity = info.capacity;
        if (capacity < info.capacity) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Volume '%s/%s' would be smaller (%" G_GUINT64_FORMAT
                          " bytes) than its backing volume '%s' (%llu bytes)"),
                        pool, name, capacity, what, info.capacity);
            return NULL;
        }
    } else if (capacity == 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Volume '%s/%s' needs a size or a backing volume"), pool, name);
        return NULL;
    }

    xml = volume_xml(name, format, capacity, base_path, base_format);
    vol = virStorageVolCreateXML(p, xml, 0);
    if (!vol)
        sevirt_error_libvirt(error, _("Cannot create volume '%s/%s'"), pool, name);
    return vol;
}

/* Sends @data through @st in chunks small enough for libvirt's RPC limit. */
static gboolean
stream_send_all(virStreamPtr st, GBytes *data)
{
    gsize len = 0;
    const char *bytes = g_bytes_get_data(data, &len);
    const gsize chunk = 256 * 1024;

    for (gsize off = 0; off < len;) {
        int n = virStreamSend(st, bytes + off, MIN(chunk, len - off));

        if (n < 0)
            return FALSE;
        off += n;
    }
    return TRUE;
}

virStorageVolPtr
sevirt_volume_upload(virConnectPtr conn, const char *pool, const char *name,
                     GBytes *data, GError **error)
{
    g_autoptr(virStorageVol) vol = NULL;
    g_autoptr(virStream) st = NULL;
    gsize len = g_bytes_get_size(data);

    vol = sevirt_volume_create(conn, pool, name, "raw", len, NULL, error);
    if (!vol)
        return NULL;

    st = virStreamNew(conn, 0);
    if (!st || virStorageVolUpload(vol, st, 0, len, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot upload to volume '%s/%s'"), pool, name);
        goto fail;
    }
    if (!stream_send_all(st, data)) {
        sevirt_error_libvirt(error, _("Cannot upload to volume '%s/%s'"), pool, name);
        virStreamAbort(st);
        goto fail;
    }
    if (virStreamFinish(st) < 0) {
        sevirt_error_libvirt(error, _("Cannot finish the upload to volume '%s/%s'"), pool, name);
        goto fail;
    }
    return g_steal_pointer(&vol);

fail:
    /* Keep the upload's error; the half-written volume goes regardless. */
    virStorageVolDelete(vol, 0);
    virResetLastError();
    return NULL;
}

gboolean
sevirt_volume_delete(virConnectPtr conn, const char *pool_vol, GError **error)
{
    g_autofree char *pool = NULL;
    g_autofree char *name = NULL;
    g_autoptr(virStorageVol) vol = NULL;

    if (!sevirt_volume_split(pool_vol, &pool, &name, error))
        return FALSE;
    vol = sevirt_volume_lookup(conn, pool, name, error);
    if (!vol)
        return FALSE;
    if (virStorageVolDelete(vol, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot delete volume '%s'"), pool_vol);
        return FALSE;
    }
    return TRUE;
}
