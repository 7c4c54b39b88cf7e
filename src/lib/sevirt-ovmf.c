/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-ovmf.h"

/* GUID of the table, then its u16 length, sit in the image's last 48 bytes. */
#define FOOTER_GUID_FROM_END  48
#define FOOTER_LEN_FROM_END   50
#define ENTRY_HEADER_LEN      (2 + SEVIRT_GUID_SIZE)

const SevirtGuid sevirt_ovmf_guid_footer =
    SEVIRT_GUID_INIT(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d);
const SevirtGuid sevirt_ovmf_guid_sev_es_reset_block =
    SEVIRT_GUID_INIT(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e);
const SevirtGuid sevirt_ovmf_guid_secret_area =
    SEVIRT_GUID_INIT(0x4c2eb361, 0x7d9b, 0x4cc3, 0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94);
const SevirtGuid sevirt_ovmf_guid_hash_table_area =
    SEVIRT_GUID_INIT(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54);
const SevirtGuid sevirt_ovmf_guid_snp_metadata =
    SEVIRT_GUID_INIT(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc);

typedef struct {
    SevirtGuid guid;
    GBytes *data;
} OvmfEntry;

struct _SevirtOvmf {
    gboolean has_table;
    GArray *entries;    /* OvmfEntry */
};

static void
ovmf_entry_clear(gpointer p)
{
    OvmfEntry *e = p;

    g_bytes_unref(e->data);
}

void
sevirt_ovmf_free(SevirtOvmf *ovmf)
{
    if (!ovmf)
        return;
    g_array_unref(ovmf->entries);
    g_free(ovmf);
}

SevirtOvmf *
sevirt_ovmf_parse(const guint8 *image, gsize len, const char *what, GError **error)
{
    g_autoptr(SevirtOvmf) ovmf = g_new0(SevirtOvmf, 1);
    const guint8 *table;
    gsize table_len;

    ovmf->entries = g_array_new(FALSE, TRUE, sizeof(OvmfEntry));
    g_array_set_clear_func(ovmf->entries, ovmf_entry_clear);
    if (len < FOOTER_LEN_FROM_END ||
        memcmp(image + len - FOOTER_GUID_FROM_END, sevirt_ovmf_guid_footer.bytes,
               SEVIRT_GUID_SIZE) != 0)
        return g_steal_pointer(&ovmf);

    /* The table length counts the footer's own GUID and length. */
    table_len = sevirt_le16(image + len - FOOTER_LEN_FROM_END);
    if (table_len < ENTRY_HEADER_LEN || table_len > len - (FOOTER_GUID_FROM_END - SEVIRT_GUID_SIZE)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Firmware '%s' has a malformed footer table (length %" G_GSIZE_FORMAT ")"),
                    what, table_len);
        return NULL;
    }
    ovmf->has_table = TRUE;
    table_len -= ENTRY_HEADER_LEN;
    table = image + len - FOOTER_LEN_FROM_END - table_len;

    while (table_len > 0) {
        OvmfEntry entry;
        gsize entry_len;

        if (table_len < ENTRY_HEADER_LEN ||
            (entry_len = sevirt_le16(table + table_len - ENTRY_HEADER_LEN)) < ENTRY_HEADER_LEN ||
            entry_len > table_len) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Firmware '%s' has a malformed footer table entry"), what);
            return NULL;
        }
        memcpy(entry.guid.bytes, table + table_len - SEVIRT_GUID_SIZE, SEVIRT_GUID_SIZE);
        entry.data = g_bytes_new(table + table_len - entry_len, entry_len - ENTRY_HEADER_LEN);
        g_array_append_val(ovmf->entries, entry);
        table_len -= entry_len;
    }
    return g_steal_pointer(&ovmf);
}

gboolean
sevirt_ovmf_has_table(const SevirtOvmf *ovmf)
{
    return ovmf->has_table;
}

const guint8 *
sevirt_ovmf_get_entry(const SevirtOvmf *ovmf, const SevirtGuid *guid, gsize *len)
{
    for (guint i = 0; i < ovmf->entries->len; i++) {
        const OvmfEntry *e = &g_array_index(ovmf->entries, OvmfEntry, i);

        if (sevirt_guid_equal(&e->guid, guid))
            return g_bytes_get_data(e->data, len);
    }
    *len = 0;
    return NULL;
}

gboolean
sevirt_ovmf_get_sev_es_reset_addr(const SevirtOvmf *ovmf, guint32 *addr, GError **error)
{
    gsize len = 0;
    const guint8 *data = sevirt_ovmf_get_entry(ovmf, &sevirt_ovmf_guid_sev_es_reset_block, &len);

    if (!data || len < 4) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("The firmware has no SEV-ES reset block in its footer table, so it cannot boot SEV-ES guests"));
        return FALSE;
    }
    *addr = sevirt_le32(data);
    return TRUE;
}

/* An area entry holds u32 base, u32 size; both zero means "not reserved". */
static gboolean
get_area(const SevirtOvmf *ovmf, const SevirtGuid *guid, guint32 *base, guint32 *size)
{
    gsize len = 0;
    const guint8 *data = sevirt_ovmf_get_entry(ovmf, guid, &len);

    if (!data || len < 8 || sevirt_le32(data + 4) == 0)
        return FALSE;
    if (base)
        *base = sevirt_le32(data);
    if (size)
        *size = sevirt_le32(data + 4);
    return TRUE;
}

gboolean
sevirt_ovmf_get_secret_area(const SevirtOvmf *ovmf, guint32 *base, guint32 *size)
{
    return get_area(ovmf, &sevirt_ovmf_guid_secret_area, base, size);
}

gboolean
sevirt_ovmf_get_hash_table_area(const SevirtOvmf *ovmf, guint32 *base, guint32 *size)
{
    return get_area(ovmf, &sevirt_ovmf_guid_hash_table_area, base, size);
}

gboolean
sevirt_ovmf_get_snp_metadata_offset(const SevirtOvmf *ovmf, guint32 *offset)
{
    gsize len = 0;
    const guint8 *data = sevirt_ovmf_get_entry(ovmf, &sevirt_ovmf_guid_snp_metadata, &len);

    if (!data || len < 4)
        return FALSE;
    *offset = sevirt_le32(data);
    return TRUE;
}

/* The "ASEV" header: signature, u32 size, u32 version, u32 number of items. */
#define SNP_META_HEADER_LEN 16
#define SNP_META_ITEM_LEN   12
#define SNP_META_VERSION    1

static gboolean
snp_meta_bad(GError **error, const char *what, const char *why)
{
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Firmware '%s' has malformed SEV metadata: %s"), what, why);
    return FALSE;
}

GArray *
sevirt_ovmf_get_snp_sections(const SevirtOvmf *ovmf, const guint8 *image, gsize len,
                             const char *what, GError **error)
{
    g_autoptr(GArray) sections = NULL;
    const guint8 *meta;
    guint32 offset = 0, count;

    if (!sevirt_ovmf_get_snp_metadata_offset(ovmf, &offset)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("Firmware '%s' has no SEV metadata (no SNP sections in its footer table), so it cannot launch SEV-SNP guests"),
                    what);
        return NULL;
    }
    if (offset > len || offset < SNP_META_HEADER_LEN) {
        snp_meta_bad(error, what, _("its offset lies outside the image"));
        return NULL;
    }
    meta = image + len - offset;
    if (memcmp(meta, "ASEV", 4) != 0) {
        snp_meta_bad(error, what, _("no 'ASEV' signature at the offset the footer gives"));
        return NULL;
    }
    if (sevirt_le32(meta + 8) != SNP_META_VERSION) {
        snp_meta_bad(error, what, _("unknown version"));
        return NULL;
    }
    count = sevirt_le32(meta + 12);
    if (count > (offset - SNP_META_HEADER_LEN) / SNP_META_ITEM_LEN) {
        snp_meta_bad(error, what, _("its items run past the end of the image"));
        return NULL;
    }
    sections = g_array_sized_new(FALSE, FALSE, sizeof(SevirtSnpSection), count);
    for (guint32 i = 0; i < count; i++) {
        const guint8 *item = meta + SNP_META_HEADER_LEN + i * SNP_META_ITEM_LEN;
        SevirtSnpSection s = {
            .gpa = sevirt_le32(item),
            .size = sevirt_le32(item + 4),
            .type = sevirt_le32(item + 8),
        };

        g_array_append_val(sections, s);
    }
    return g_steal_pointer(&sections);
}
