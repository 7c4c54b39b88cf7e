/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GUIDs as SEV structures hold them.
 *
 * The OVMF footer table, the kernel hashes table and the LAUNCH_SECRET table
 * store GUIDs in the mixed-endian "bytes_le" order of EFI: the first three
 * fields little-endian, the last eight bytes as written.  SevirtGuid holds
 * exactly those 16 bytes, so it can be compared to and copied from firmware
 * images directly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEVIRT_GUID_SIZE 16
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus NUL */
#define SEVIRT_GUID_STRING_SIZE 37

typedef struct {
    guint8 bytes[SEVIRT_GUID_SIZE];
} SevirtGuid;

/**
 * SEVIRT_GUID_INIT:
 *
 * A SevirtGuid initialiser written like an EFI_GUID definition, e.g.
 * SEVIRT_GUID_INIT(0x96b582de, 0x1fb2, 0x45f7,
 *                  0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d)
 * for 96b582de-1fb2-45f7-baea-a366c55a082d.
 */
#define SEVIRT_GUID_INIT(d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7) \
    { { (d1) & 0xff, ((d1) >> 8) & 0xff, ((d1) >> 16) & 0xff, ((d1) >> 24) & 0xff, \
        (d2) & 0xff, ((d2) >> 8) & 0xff, (d3) & 0xff, ((d3) >> 8) & 0xff, \
        (b0), (b1), (b2), (b3), (b4), (b5), (b6), (b7) } }

/**
 * sevirt_guid_parse:
 * @text: canonical text form, case-insensitive
 *        ("736869e5-84f0-4973-92ec-06879ce3da0b")
 *
 * Fails with SEVIRT_ERROR_INVALID on anything else.
 */
gboolean sevirt_guid_parse(const char *text, SevirtGuid *guid, GError **error);

/** Formats @guid in lower-case canonical text into @out. */
void sevirt_guid_format(const SevirtGuid *guid, char out[SEVIRT_GUID_STRING_SIZE]);

gboolean sevirt_guid_equal(const SevirtGuid *a, const SevirtGuid *b);

G_END_DECLS
