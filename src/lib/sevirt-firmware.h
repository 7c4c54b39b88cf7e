/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Firmware images a host offers, with which confidential features, as its
 * QEMU firmware descriptors describe them.
 */
#pragma once

#include <glib.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/* Where QEMU firmware descriptors live, in increasing order of priority
 * (a file in a later directory replaces one with the same name). */
#define SEVIRT_FIRMWARE_DESCRIPTOR_DIRS "/usr/share/qemu/firmware:/etc/qemu/firmware"

/**
 * SevirtFirmware:
 * One firmware image as a QEMU firmware descriptor (docs/interop/firmware.json)
 * describes it.
 */
typedef struct {
    char *descriptor;      /* the JSON file it came from */
    char *description;
    char *executable;      /* the firmware image */
    char *nvram_template;  /* NULL: no variable store (stateless or ROM) */
    char *device;          /* "flash" or "memory" */
    char *mode;            /* flash mode: "split", "combined", "stateless" (NULL: split) */
    GStrv features;        /* "amd-sev", "amd-sev-es", "amd-sev-snp", "secure-boot", ... */
} SevirtFirmware;

void sevirt_firmware_free(SevirtFirmware *fw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFirmware, sevirt_firmware_free)

/** sevirt_firmware_has_feature: whether @fw lists @feature. */
gboolean sevirt_firmware_has_feature(const SevirtFirmware *fw, const char *feature);

/**
 * sevirt_firmware_feature_for:
 * The descriptor feature a guest of @type needs: "amd-sev", "amd-sev-es",
 * "amd-sev-snp", or NULL for a plain guest.
 */
const char *sevirt_firmware_feature_for(SevirtSevType type);

/**
 * sevirt_firmware_parse:
 * @path: a JSON firmware descriptor
 *
 * Parses one descriptor with json-glib.  Returns NULL with an error naming
 * the file when it is not a descriptor sevirt understands.
 */
SevirtFirmware *sevirt_firmware_parse(const char *path, GError **error);

/**
 * sevirt_firmware_list_load:
 * @dirs: (nullable) colon-separated directories, lowest priority first;
 *        NULL means SEVIRT_FIRMWARE_DESCRIPTOR_DIRS
 *
 * Loads every x86_64 UEFI descriptor of @dirs, sorted by file name as QEMU
 * and libvirt do (a name in a later directory overrides an earlier one; an
 * empty file hides it).  Missing directories are fine; unreadable or
 * malformed descriptors are skipped, as libvirt skips them.
 *
 * Returns: (transfer full): array of SevirtFirmware*
 */
GPtrArray *sevirt_firmware_list_load(const char *dirs);

/**
 * sevirt_firmware_list_find:
 * @firmware: (element-type SevirtFirmware): descriptors in priority order
 *
 * Returns the first descriptor that lists the feature @type needs and
 * neither needs SMM nor enrolls Secure Boot keys (neither works with
 * SEV-ES), or NULL.  Any of them can also run stateless: libvirt then gets
 * it as a read-only pflash without a variable store.
 */
const SevirtFirmware *sevirt_firmware_list_find(const GPtrArray *firmware, SevirtSevType type);

G_END_DECLS
