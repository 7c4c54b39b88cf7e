/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LAUNCH_SECRET: the packet a guest owner injects into a paused SEV guest
 * once its measurement checked out.
 *
 * The plaintext is a GUID table OVMF understands:
 *   GUID 1e74f542-71dd-4d66-963e-ef4287ff173b ‖ le32 total length,
 *   then entries GUID ‖ le32 (20 + len) ‖ data,
 * zero-padded to a multiple of 16.  It is encrypted with AES-128-CTR under
 * the TEK; the header carries flags, IV and an HMAC-SHA256 under the TIK
 * that also covers the launch measurement, so the PSP accepts the packet
 * only for the guest that was measured.
 */
#pragma once

#include <glib.h>

#include "sevirt-guid.h"
#include "sevirt-measure.h"
#include "sevirt-secretbuf.h"

G_BEGIN_DECLS

#define SEVIRT_SECRET_IV_SIZE 16
/*
 * The largest secret packet payload (the padded secret table): Linux hands
 * LAUNCH_SECRET at most SEV_FW_BLOB_MAX_SIZE (16 KiB) of transport data,
 * and the software PSP refuses more, as that path does.
 */
#define SEVIRT_SECRET_PACKET_MAX 0x4000

/* The packet header libvirt takes as sev-secret-header (52 bytes). */
typedef struct {
    guint8 flags[4];                    /* le32, 0 */
    guint8 iv[SEVIRT_SECRET_IV_SIZE];
    guint8 mac[SEVIRT_MAC_SIZE];
} SevirtSecretHeader;

G_STATIC_ASSERT(sizeof(SevirtSecretHeader) == 52);

/* Disk passphrase GUID (GRUB cryptodisk, OVMF's "luks-key" alias). */
extern const SevirtGuid sevirt_secret_guid_luks_key;

/**
 * sevirt_secret_guid_parse:
 * @text: a GUID, or an alias ("luks-key")
 */
gboolean sevirt_secret_guid_parse(const char *text, SevirtGuid *guid, GError **error);

typedef struct _SevirtSecretTable SevirtSecretTable;

SevirtSecretTable *sevirt_secret_table_new(void);
void sevirt_secret_table_free(SevirtSecretTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtSecretTable, sevirt_secret_table_free)

/**
 * sevirt_secret_table_add:
 * Adds (a copy of) @data under @guid; a GUID may appear once, a secret is
 * not empty, and the table stays within SEVIRT_SECRET_PACKET_MAX once
 * padded (SEVIRT_ERROR_INVALID otherwise).
 */
gboolean sevirt_secret_table_add(SevirtSecretTable *table, const SevirtGuid *guid,
                                 const guint8 *data, gsize len, GError **error);

guint sevirt_secret_table_get_count(const SevirtSecretTable *table);
/** Entry @index: its GUID and data (owned by the table). */
const guint8 *sevirt_secret_table_get(const SevirtSecretTable *table, guint index,
                                      SevirtGuid *guid, gsize *len);
/** Data stored under @guid, or NULL. */
const guint8 *sevirt_secret_table_lookup(const SevirtSecretTable *table,
                                         const SevirtGuid *guid, gsize *len);

/** The padded plaintext table, in a cleansed buffer. */
SevirtSecret *sevirt_secret_table_serialize(const SevirtSecretTable *table);

/**
 * sevirt_secret_table_parse:
 * Reads a decrypted table (what the guest firmware finds).  Trailing
 * padding after the table's length is allowed; anything malformed is
 * SEVIRT_ERROR_INVALID.
 */
SevirtSecretTable *sevirt_secret_table_parse(const guint8 *data, gsize len,
                                             GError **error);

/**
 * sevirt_secret_packet_build:
 * @tek: transport encryption key (16 bytes)
 * @tik: transport integrity key (16 bytes)
 * @measure: the guest's verified launch measurement (MEASURE, 32 bytes)
 * @iv: (nullable) the IV to use; NULL picks a random one (always, unless
 *      reproducing a known packet)
 * @header: (out) the packet header
 * @payload: (out) the ciphertext, as long as the padded table
 */
gboolean sevirt_secret_packet_build(const SevirtSecret *tek, const SevirtSecret *tik,
                                    const guint8 measure[SEVIRT_MEASURE_SIZE],
                                    const guint8 *iv,
                                    const SevirtSecretTable *table,
                                    SevirtSecretHeader *header, GBytes **payload,
                                    GError **error);

/**
 * sevirt_secret_header_mac:
 * HMAC-SHA256(TIK, 0x01 ‖ flags ‖ IV ‖ le32 len ‖ le32 len ‖ ciphertext ‖
 * MEASURE), the header MAC.  Shared by the owner and the PSP side.
 */
gboolean sevirt_secret_header_mac(const SevirtSecret *tik, const SevirtSecretHeader *header,
                                  const guint8 *ciphertext, gsize len,
                                  const guint8 measure[SEVIRT_MEASURE_SIZE],
                                  guint8 mac[SEVIRT_MAC_SIZE], GError **error);

G_END_DECLS
