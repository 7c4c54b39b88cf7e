/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP launch digest (the MEASUREMENT field of an attestation report).
 *
 * The PSP keeps a SHA-384 chain over every page the host adds before the
 * guest runs: LD' = SHA-384(PAGE_INFO) where PAGE_INFO (0x70 bytes) is
 * LD ‖ contents ‖ u16 0x70 ‖ page type ‖ is_imi ‖ VMPL3..1 permissions ‖
 * reserved ‖ u64 GPA.  QEMU adds the OVMF image (normal pages ending at
 * 4 GiB), the pages the firmware's SEV metadata asks for (zero, secrets,
 * CPUID, kernel hashes) and one VMSA page per vCPU, in that order; this is
 * what sev-snp-measure computes, with its names for the inputs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEVIRT_SNP_DIGEST_SIZE 48

/* The VMM that builds the guest: the VMSAs and page order differ. */
typedef enum {
    SEVIRT_VMM_QEMU,
    SEVIRT_VMM_EC2,
    SEVIRT_VMM_GCE,
} SevirtVmmType;

/** sev-snp-measure's --vmm-type names: "QEMU"/"qemu", "ec2", "gce". */
gboolean sevirt_vmm_type_parse(const char *what, const char *text, SevirtVmmType *vmm,
                               GError **error);
const char *sevirt_vmm_type_to_string(SevirtVmmType vmm);

/**
 * sevirt_vcpu_type_signature:
 * @name: a QEMU CPU model as sev-snp-measure names it (EPYC, EPYC-v4,
 *        EPYC-Rome, EPYC-Milan, EPYC-Genoa, EPYC-Turin, ...)
 * @signature: (out) its CPUID(1).EAX signature
 *
 * SEVIRT_ERROR_INVALID naming the known types when @name is not one.
 */
gboolean sevirt_vcpu_type_signature(const char *what, const char *name, guint32 *signature,
                                    GError **error);

/**
 * SevirtSnpLaunchInput:
 * @firmware: the OVMF image
 * @firmware_name: (nullable) its name for messages (a file name)
 * @ovmf_hash: (nullable) precomputed sevirt_snp_ovmf_hash() of the image
 *             (SEVIRT_SNP_DIGEST_SIZE bytes) to start from instead of
 *             hashing it; the image is still needed for its metadata
 * @kernel: (nullable) kernel for measured direct boot; NULL: none
 * @initrd: (nullable) initrd (only with @kernel)
 * @cmdline: (nullable) kernel command line (only with @kernel)
 * @num_cpus: vCPUs (one VMSA page each), at least 1
 * @cpu_signature: CPUID(1).EAX put in RDX of the VMSAs (QEMU, EC2)
 * @guest_features: SEV_FEATURES of the VMSAs (0x1 = SNPActive)
 * @vmm: the VMM's VMSA and page-order conventions
 * @allow_no_metadata: measure a firmware without SEV metadata as
 *             sev-snp-measure does (its pages and the VMSAs only); such
 *             a firmware does not boot SNP guests, so it is refused
 *             unless this is set
 */
typedef struct {
    const guint8 *firmware;
    gsize firmware_len;
    const char *firmware_name;
    const guint8 *ovmf_hash;
    const guint8 *kernel;
    gsize kernel_len;
    const guint8 *initrd;
    gsize initrd_len;
    const char *cmdline;
    guint num_cpus;
    guint32 cpu_signature;
    guint64 guest_features;
    SevirtVmmType vmm;
    gboolean allow_no_metadata;
} SevirtSnpLaunchInput;

/**
 * sevirt_snp_ovmf_hash:
 * @digest: (out) the chain after the firmware pages alone (sev-snp-measure's
 *          --snp-ovmf-hash value)
 */
gboolean sevirt_snp_ovmf_hash(const guint8 *firmware, gsize len,
                              guint8 digest[SEVIRT_SNP_DIGEST_SIZE], GError **error);

/**
 * sevirt_snp_launch_digest:
 * @digest: (out) the expected MEASUREMENT
 *
 * SEVIRT_ERROR_UNSUPPORTED when the firmware has no SEV metadata (unless
 * allowed), or a kernel is given and its metadata has no kernel hashes
 * section; SEVIRT_ERROR_INVALID for malformed firmware or inconsistent
 * input.
 */
gboolean sevirt_snp_launch_digest(const SevirtSnpLaunchInput *input,
                                  guint8 digest[SEVIRT_SNP_DIGEST_SIZE], GError **error);

/**
 * SevirtSnpLaunchFiles:
 * The guest owner's inputs of an SNP launch digest as files, as 'sevirt
 * measure --mode snp' and 'sevirt launch' take them.
 * @firmware: the OVMF image (the owner's copy)
 * @kernel, @initrd, @cmdline: a measured direct boot; @initrd and
 *          @cmdline only with @kernel, a NULL @cmdline is measured as ""
 *          (as QEMU and sev-snp-measure do)
 * @ovmf_hash: (nullable) a precomputed sevirt_snp_ovmf_hash() of @firmware
 * The other fields are SevirtSnpLaunchInput's.
 */
typedef struct {
    const char *firmware;
    const char *kernel;
    const char *initrd;
    const char *cmdline;
    const guint8 *ovmf_hash;
    guint num_cpus;
    guint32 cpu_signature;
    guint64 guest_features;
    SevirtVmmType vmm;
} SevirtSnpLaunchFiles;

/* Firmware, kernel and initrd are read whole; larger files are refused. */
#define SEVIRT_SNP_IMAGE_FILE_MAX ((gsize) 256 << 20)

/**
 * sevirt_snp_launch_digest_files:
 * @digest: (out) the expected MEASUREMENT
 *
 * Reads the files of @files and computes sevirt_snp_launch_digest() of
 * them.  Errors name the file that cannot be read, and are those of
 * sevirt_snp_launch_digest() otherwise.
 */
gboolean sevirt_snp_launch_digest_files(const SevirtSnpLaunchFiles *files,
                                        guint8 digest[SEVIRT_SNP_DIGEST_SIZE], GError **error);

/**
 * sevirt_snp_hex_parse:
 * @what: name of the input for messages
 * @text: hex digits (upper or lower case, an optional 0x prefix,
 *        surrounding whitespace allowed)
 * @out: (out) exactly @len bytes
 *
 * SEVIRT_ERROR_INVALID naming @what when @text is not 2 * @len hex digits.
 */
gboolean sevirt_snp_hex_parse(const char *what, const char *text, guint8 *out, gsize len,
                              GError **error);

G_END_DECLS
