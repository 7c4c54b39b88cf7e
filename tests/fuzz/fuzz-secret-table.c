/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: an SEV secret table (the GUIDed table OVMF reads, and the
 * emulated PSP decrypts from a guest owner's packet).  What parses must
 * serialise again and parse to the same entries.
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(SevirtSecretTable) table = NULL;
    g_autoptr(SevirtSecretTable) again = NULL;
    g_autoptr(SevirtSecret) blob = NULL;
    g_autoptr(GError) error = NULL;
    guint count;

    fuzz_init();
    table = sevirt_secret_table_parse(data, size, &error);
    if (!table) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    count = sevirt_secret_table_get_count(table);
    blob = sevirt_secret_table_serialize(table);
    again = sevirt_secret_table_parse(blob->data, blob->len,
                                      &error);
    g_assert_no_error(error);
    g_assert(sevirt_secret_table_get_count(again) == count);
    for (guint i = 0; i < count; i++) {
        SevirtGuid guid, guid2;
        gsize len = 0, len2 = 0;
        const guint8 *a = sevirt_secret_table_get(table, i, &guid, &len);
        const guint8 *b = sevirt_secret_table_get(again, i, &guid2, &len2);

        g_assert(len == len2 && memcmp(&guid, &guid2, sizeof(guid)) == 0);
        g_assert(len == 0 || memcmp(a, b, len) == 0);
        g_assert(sevirt_secret_table_lookup(table, &guid, &len) != NULL || len == 0);
    }
    return 0;
}
