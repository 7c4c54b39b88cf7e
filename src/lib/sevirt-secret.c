/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LAUNCH_SECRET table and packet, guest owner's side.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-secret.h"

#define TABLE_HEADER_LEN (SEVIRT_GUID_SIZE + 4)
#define ENTRY_HEADER_LEN (SEVIRT_GUID_SIZE + 4)
#define AES_BLOCK 16

static const SevirtGuid guid_secret_table =
    SEVIRT_GUID_INIT(0x1e74f542, 0x71dd, 0x4d66, 0x96, 0x3e, 0xef, 0x42, 0x87, 0xff, 0x17, 0x3b);
const SevirtGuid sevirt_secret_guid_luks_key =
    SEVIRT_GUID_INIT(0x736869e5, 0x84f0, 0x4973, 0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b);

static const struct {
    const char *alias;
    const SevirtGuid *guid;
} secret_aliases[] = {
    { "luks-key", &sevirt_secret_guid_luks_key },
};

typedef struct {
    SevirtGuid guid;
    SevirtSecret *data;
} SecretEntry;

struct _SevirtSecretTable {
    GArray *entries;    /* SecretEntry */
};

gboolean
sevirt_secret_guid_parse(const char *text, SevirtGuid *guid, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(secret_aliases); i++) {
        if (g_str_equal(text, secret_aliases[i].alias)) {
            *guid = *secret_aliases[i].guid;
            return TRUE;
        }
    }
    if (sevirt_guid_parse(text, guid, NULL))
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("'%s' is neither a GUID nor a known secret alias (luks-key)"), text);
    return FALSE;
}

static void
secret_entry_clear(gpointer p)
{
    SecretEntry *e = p;

    sevirt_secret_free(e->data);
}

SevirtSecretTable *
sevirt_secret_table_new(void)
{
    SevirtSecretTable *table = g_new0(SevirtSecretTable, 1);

    table->entries = g_array_new(FALSE, TRUE, sizeof(SecretEntry));
    g_array_set_clear_func(table->entries, secret_entry_clear);
    return table;
}

void
sevirt_secret_table_free(SevirtSecretTable *table)
{
    if (!table)
        return;
    g_array_unref(table->entries);
    g_free(table);
}

const guint8 *
sevirt_secret_table_lookup(const SevirtSecretTable *table, const SevirtGuid *guid, gsize *len)
{
    for (guint i = 0; i < table->entries->len; i++) {
        const SecretEntry *e = &g_array_index(table->entries, SecretEntry, i);

        if (sevirt_guid_equal(&e->guid, guid)) {
            *len = e->data->len;
            return e->data->data;
        }
    }
    return NULL;
}

/* The table's length once serialised, padding included. */
static gsize
table_padded_len(const SevirtSecretTable *table, gsize extra)
{
    gsize total = TABLE_HEADER_LEN + extra;

    for (guint i = 0; i < table->entries->len; i++)
        total += ENTRY_HEADER_LEN + g_array_index(table->entries, SecretEntry, i).data->len;
    return total + (AES_BLOCK - total % AES_BLOCK) % AES_BLOCK;
}

gboolean
sevirt_secret_table_add(SevirtSecretTable *table, const SevirtGuid *guid,
                        const guint8 *data, gsize len, GError **error)
{
    SecretEntry entry;
    gsize dummy;

    if (sevirt_secret_table_lookup(table, guid, &dummy)) {
        char text[SEVIRT_GUID_STRING_SIZE];

        sevirt_guid_format(guid, text);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("A secret for GUID %s is given twice"), text);
        return FALSE;
    }
    if (len == 0) {
        char text[SEVIRT_GUID_STRING_SIZE];

        sevirt_guid_format(guid, text);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The secret for GUID %s is empty"), text);
        return FALSE;
    }
    /* bounded before the sum, so that it cannot wrap */
    if (len > SEVIRT_SECRET_PACKET_MAX ||
        table_padded_len(table, ENTRY_HEADER_LEN + len) > SEVIRT_SECRET_PACKET_MAX) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The secrets would take more than the %u bytes a secret packet may hold"),
                    SEVIRT_SECRET_PACKET_MAX);
        return FALSE;
    }
    entry.guid = *guid;
    entry.data = sevirt_secret_new_from(data, len);
    g_array_append_val(table->entries, entry);
    return TRUE;
}

guint
sevirt_secret_table_get_count(const SevirtSecretTable *table)
{
    return table->entries->len;
}

const guint8 *
sevirt_secret_table_get(const SevirtSecretTable *table, guint index,
                        SevirtGuid *guid, gsize *len)
{
    const SecretEntry *e;

    g_return_val_if_fail(index < table->entries->len, NULL);
    e = &g_array_index(table->entries, SecretEntry, index);
    *guid = e->guid;
    *len = e->data->len;
    return e->data->data;
}

SevirtSecret *
sevirt_secret_table_serialize(const SevirtSecretTable *table)
{
    gsize total = TABLE_HEADER_LEN;
    SevirtSecret *out;
    guint8 *p;

    for (guint i = 0; i < table->entries->len; i++)
        total += ENTRY_HEADER_LEN + g_array_index(table->entries, SecretEntry, i).data->len;

    /* zero-padded to whole AES blocks; within 32 bits, as table_add keeps it */
    out = sevirt_secret_new(table_padded_len(table, 0));
    memcpy(out->data, guid_secret_table.bytes, SEVIRT_GUID_SIZE);
    sevirt_put_le32(out->data + SEVIRT_GUID_SIZE, total);
    p = out->data + TABLE_HEADER_LEN;
    for (guint i = 0; i < table->entries->len; i++) {
        const SecretEntry *e = &g_array_index(table->entries, SecretEntry, i);

        memcpy(p, e->guid.bytes, SEVIRT_GUID_SIZE);
        sevirt_put_le32(p + SEVIRT_GUID_SIZE, ENTRY_HEADER_LEN + e->data->len);
        memcpy(p + ENTRY_HEADER_LEN, e->data->data, e->data->len);
        p += ENTRY_HEADER_LEN + e->data->len;
    }
    return out;
}

SevirtSecretTable *
sevirt_secret_table_parse(const guint8 *data, gsize len, GError **error)
{
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    gsize total;
    gsize off = TABLE_HEADER_LEN;

    if (len < TABLE_HEADER_LEN ||
        memcmp(data, guid_secret_table.bytes, SEVIRT_GUID_SIZE) != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The secret does not start with the secret table GUID"));
        return NULL;
    }
    total = sevirt_le32(data + SEVIRT_GUID_SIZE);
    if (total < TABLE_HEADER_LEN || total > len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The secret table length %" G_GSIZE_FORMAT " does not fit its %" G_GSIZE_FORMAT " bytes"),
                    total, len);
        return NULL;
    }
    while (off < total) {
        SevirtGuid guid;
        gsize entry_len;

        if (total - off < ENTRY_HEADER_LEN ||
            (entry_len = sevirt_le32(data + off + SEVIRT_GUID_SIZE)) < ENTRY_HEADER_LEN ||
            entry_len > total - off) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("The secret table has a malformed entry at offset %" G_GSIZE_FORMAT), off);
            return NULL;
        }
        memcpy(guid.bytes, data + off, SEVIRT_GUID_SIZE);
        if (!sevirt_secret_table_add(table, &guid, data + off + ENTRY_HEADER_LEN,
                                     entry_len - ENTRY_HEADER_LEN, error))
            return NULL;
        off += entry_len;
    }
    return g_steal_pointer(&table);
}

gboolean
sevirt_secret_header_mac(const SevirtSecret *tik, const SevirtSecretHeader *header,
                         const guint8 *ciphertext, gsize len,
                         const guint8 measure[SEVIRT_MEASURE_SIZE],
                         guint8 mac[SEVIRT_MAC_SIZE], GError **error)
{
    static const guint8 tag = 0x01;
    guint8 len_le[4];
    /* GUEST_LENGTH and TRANS_LENGTH: the same, nothing is compressed */
    SevirtBuf parts[] = {
        { &tag, 1 },
        { header->flags, sizeof(header->flags) },
        { header->iv, sizeof(header->iv) },
        { len_le, sizeof(len_le) },
        { len_le, sizeof(len_le) },
        { ciphertext, len },
        { measure, SEVIRT_MEASURE_SIZE },
    };

    sevirt_put_le32(len_le, (guint32) len);
    return sevirt_hmac_sha256(tik->data, tik->len, parts, G_N_ELEMENTS(parts), mac, error);
}

gboolean
sevirt_secret_packet_build(const SevirtSecret *tek, const SevirtSecret *tik,
                           const guint8 measure[SEVIRT_MEASURE_SIZE],
                           const guint8 *iv, const SevirtSecretTable *table,
                           SevirtSecretHeader *header, GBytes **payload,
                           GError **error)
{
    g_autoptr(SevirtSecret) plain = NULL;
    g_autofree guint8 *cipher = NULL;
    gsize len;

    if (tek->len != SEVIRT_KEY_SIZE || tik->len != SEVIRT_KEY_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("TEK and TIK must be 16 bytes each"));
        return FALSE;
    }
    if (sevirt_secret_table_get_count(table) == 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("No secret to put into the packet"));
        return FALSE;
    }
    memset(header, 0, sizeof(*header));
    if (iv)
        memcpy(header->iv, iv, SEVIRT_SECRET_IV_SIZE);
    else if (!sevirt_random_bytes(header->iv, SEVIRT_SECRET_IV_SIZE, error))
        return FALSE;

    plain = sevirt_secret_table_serialize(table);
    len = plain->len;
    cipher = g_malloc(len);
    if (!sevirt_aes128_ctr(tek->data, header->iv, plain->data, len, cipher, error) ||
        !sevirt_secret_header_mac(tik, header, cipher, len, measure, header->mac, error))
        return FALSE;
    *payload = g_bytes_new_take(g_steal_pointer(&cipher), len);
    return TRUE;
}
