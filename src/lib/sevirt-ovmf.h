/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OVMF footer table: GUID-tagged entries near the end of a firmware
 * image that tell the VMM (and us) where the SEV-ES AP reset vector, the
 * launch-secret area, the kernel-hashes area and the SNP metadata are.
 *
 * The table ends 32 bytes before the end of the image with the footer GUID
 * 96b582de-1fb2-45f7-baea-a366c55a082d preceded by the table's u16 length;
 * entries are walked backwards, each ending with GUID and preceded by a u16
 * length that counts its data plus 18.
 */
#pragma once

#include <glib.h>

#include "sevirt-guid.h"

G_BEGIN_DECLS

typedef struct _SevirtOvmf SevirtOvmf;

/* Entry GUIDs */
extern const SevirtGuid sevirt_ovmf_guid_footer;
extern const SevirtGuid sevirt_ovmf_guid_sev_es_reset_block;
extern const SevirtGuid sevirt_ovmf_guid_secret_area;
extern const SevirtGuid sevirt_ovmf_guid_hash_table_area;
extern const SevirtGuid sevirt_ovmf_guid_snp_metadata;

/**
 * sevirt_ovmf_parse:
 * @image: the firmware image (as QEMU loads it)
 * @what: name for error messages (a file name)
 *
 * Reads the footer table.  An image without the footer GUID parses into an
 * empty table (plain SEV needs none); a footer whose lengths do not fit the
 * image is an error (SEVIRT_ERROR_INVALID).  The entry data is copied: the
 * image need not outlive the result.
 */
SevirtOvmf *sevirt_ovmf_parse(const guint8 *image, gsize len, const char *what,
                              GError **error);
void sevirt_ovmf_free(SevirtOvmf *ovmf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtOvmf, sevirt_ovmf_free)

/** Whether the image carries a footer table at all. */
gboolean sevirt_ovmf_has_table(const SevirtOvmf *ovmf);

/** Data of the entry @guid (without GUID and length), or NULL. */
const guint8 *sevirt_ovmf_get_entry(const SevirtOvmf *ovmf, const SevirtGuid *guid,
                                    gsize *len);

/**
 * sevirt_ovmf_get_sev_es_reset_addr:
 * The AP reset address SEV-ES VMSAs of vCPUs other than the first start
 * at; SEVIRT_ERROR_UNSUPPORTED when the firmware has no SEV-ES reset block.
 */
gboolean sevirt_ovmf_get_sev_es_reset_addr(const SevirtOvmf *ovmf, guint32 *addr,
                                           GError **error);

/**
 * sevirt_ovmf_get_secret_area / sevirt_ovmf_get_hash_table_area:
 * @base: (out) (optional) guest physical address
 * @size: (out) (optional) size in bytes
 *
 * TRUE when the firmware reserves the area.  Builds that list the entry
 * with base and size 0 (Debian's OVMF_CODE_4M.fd) count as not having it.
 */
gboolean sevirt_ovmf_get_secret_area(const SevirtOvmf *ovmf, guint32 *base, guint32 *size);
gboolean sevirt_ovmf_get_hash_table_area(const SevirtOvmf *ovmf, guint32 *base, guint32 *size);

/** Offset from the end of the image of the SNP metadata ("ASEV"), if any. */
gboolean sevirt_ovmf_get_snp_metadata_offset(const SevirtOvmf *ovmf, guint32 *offset);

/* SEV metadata section types (OvmfPkg/ResetVector SEV metadata). */
typedef enum {
    SEVIRT_SNP_SECTION_SEC_MEM = 1,
    SEVIRT_SNP_SECTION_SECRETS = 2,
    SEVIRT_SNP_SECTION_CPUID = 3,
    SEVIRT_SNP_SECTION_SVSM_CAA = 4,
    SEVIRT_SNP_SECTION_KERNEL_HASHES = 0x10,
} SevirtSnpSectionType;

typedef struct {
    guint32 gpa;
    guint32 size;
    guint32 type;       /* SevirtSnpSectionType, or an unknown value */
} SevirtSnpSection;

/**
 * sevirt_ovmf_get_snp_sections:
 * @ovmf: the footer table of @image
 * @image: the image it was parsed from
 * @what: name for error messages
 *
 * Reads the SEV metadata ("ASEV" header at the offset from the end of the
 * image the metadata entry gives) into an array of SevirtSnpSection, in
 * image order.  SEVIRT_ERROR_UNSUPPORTED when the image has no metadata
 * entry (such a firmware cannot run SNP guests), SEVIRT_ERROR_INVALID when
 * the header or items do not fit the image.
 */
GArray *sevirt_ovmf_get_snp_sections(const SevirtOvmf *ovmf, const guint8 *image, gsize len,
                                     const char *what, GError **error);

G_END_DECLS
