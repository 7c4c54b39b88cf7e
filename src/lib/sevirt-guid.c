/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-guid.h"

/*
 * Position in the text form of each of the 16 bytes, in bytes_le order:
 * the first three fields are byte-swapped.
 */
static const guint8 guid_text_pos[SEVIRT_GUID_SIZE] = {
    6, 4, 2, 0,  11, 9,  16, 14,
    19, 21, 24, 26, 28, 30, 32, 34,
};

gboolean
sevirt_guid_parse(const char *text, SevirtGuid *guid, GError **error)
{
    SevirtGuid out;

    if (!text || strlen(text) != SEVIRT_GUID_STRING_SIZE - 1)
        goto bad;
    for (guint i = 0; i < SEVIRT_GUID_STRING_SIZE - 1; i++) {
        gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? text[i] != '-' : !g_ascii_isxdigit(text[i]))
            goto bad;
    }
    for (guint i = 0; i < SEVIRT_GUID_SIZE; i++) {
        const char *p = text + guid_text_pos[i];

        out.bytes[i] = (g_ascii_xdigit_value(p[0]) << 4) | g_ascii_xdigit_value(p[1]);
    }
    *guid = out;
    return TRUE;

 bad:
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("'%s' is not a GUID (expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
                text ? text : "");
    return FALSE;
}

void
sevirt_guid_format(const SevirtGuid *guid, char out[SEVIRT_GUID_STRING_SIZE])
{
    static const char hex[] = "0123456789abcdef";

    memset(out, '-', SEVIRT_GUID_STRING_SIZE - 1);
    out[SEVIRT_GUID_STRING_SIZE - 1] = '\0';
    for (guint i = 0; i < SEVIRT_GUID_SIZE; i++) {
        out[guid_text_pos[i]] = hex[guid->bytes[i] >> 4];
        out[guid_text_pos[i] + 1] = hex[guid->bytes[i] & 0xf];
    }
}

gboolean
sevirt_guid_equal(const SevirtGuid *a, const SevirtGuid *b)
{
    return memcmp(a->bytes, b->bytes, SEVIRT_GUID_SIZE) == 0;
}
