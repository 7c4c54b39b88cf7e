/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage through libvirt storage pools and volumes only: no qemu-img and
 * no file access on the host, so a remote qemu+ssh:// host behaves exactly
 * like the local one.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * sevirt_pool_lookup:
 * @pool: name of a storage pool
 *
 * Returns: the pool, or NULL with SEVIRT_ERROR_NOT_FOUND ("Storage pool 'x'
 * not found") or SEVIRT_ERROR_INVALID when the pool is not active.
 */
virStoragePoolPtr sevirt_pool_lookup(virConnectPtr conn, const char *pool, GError **error);

/**
 * sevirt_volume_split:
 * @pool_vol: "POOL/VOLUME"
 * @pool: (out) pool name
 * @volume: (out) volume name
 *
 * Splits a "POOL/VOLUME" reference at its first '/'; both parts must be
 * non-empty and the volume part must not contain another '/'.
 */
gboolean sevirt_volume_split(const char *pool_vol, char **pool, char **volume, GError **error);

/**
 * sevirt_volume_lookup:
 * @pool: pool name
 * @volume: volume name
 *
 * Returns: the volume or NULL with SEVIRT_ERROR_NOT_FOUND naming
 * "POOL/VOLUME".
 */
virStorageVolPtr sevirt_volume_lookup(virConnectPtr conn, const char *pool,
                                      const char *volume, GError **error);

/**
 * sevirt_volume_create:
 * @pool: pool name
 * @name: name of the new volume; a volume of that name must not exist
 *        (SEVIRT_ERROR_EXISTS)
 * @format: volume format ("qcow2", "raw"); NULL means qcow2
 * @capacity: size in bytes; 0 takes the backing volume's capacity
 * @backing: (nullable) name of an existing volume in the same pool that
 *           becomes the backing store of the new (copy-on-write) volume;
 *           its format is read from its own volume XML
 *
 * Creates a volume with virStorageVolCreateXML; the volume XML is built
 * with libxml2.  Returns: the new volume, or NULL with the error set.
 */
virStorageVolPtr sevirt_volume_create(virConnectPtr conn, const char *pool,
                                      const char *name, const char *format,
                                      guint64 capacity, const char *backing,
                                      GError **error);

/**
 * sevirt_volume_upload:
 * @pool: pool name
 * @name: name of the new raw volume (must not exist)
 * @data: the bytes the volume will hold
 *
 * Creates a raw volume exactly @data long and fills it through
 * virStorageVolUpload and a libvirt stream (works over remote
 * connections).  On any failure the new volume is deleted again.
 */
virStorageVolPtr sevirt_volume_upload(virConnectPtr conn, const char *pool,
                                      const char *name, GBytes *data,
                                      GError **error);

/**
 * sevirt_volume_delete:
 * @pool_vol: "POOL/VOLUME"
 *
 * Deletes a volume.  A volume (or pool) that no longer exists is reported
 * as SEVIRT_ERROR_NOT_FOUND so callers can treat it as already done.
 */
gboolean sevirt_volume_delete(virConnectPtr conn, const char *pool_vol, GError **error);

G_END_DECLS
