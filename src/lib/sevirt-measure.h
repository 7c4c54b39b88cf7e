/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV and SEV-ES launch measurement.
 *
 * The launch digest LD is SHA-256 over what the PSP encrypted into the
 * guest before it ran: the firmware image, the kernel hashes table (direct
 * kernel boot with kernelHashes='yes') and, for SEV-ES, the VMSA of every
 * vCPU.  The PSP reports
 *
 *   MEASURE = HMAC-SHA256(TIK, 0x04 ‖ api_major ‖ api_minor ‖ build ‖
 *                              le32 policy ‖ LD ‖ MNONCE)
 *
 * with its random MNONCE; libvirt returns MEASURE ‖ MNONCE in base64 as
 * sev-measurement.  The guest owner recomputes it from the inputs it
 * expects and compares.
 */
#pragma once

#include <glib.h>

#include "sevirt-secretbuf.h"

G_BEGIN_DECLS

#define SEVIRT_LAUNCH_DIGEST_SIZE 32
#define SEVIRT_MEASURE_SIZE 32
#define SEVIRT_MNONCE_SIZE 16
#define SEVIRT_VMSA_SIZE 4096
#define SEVIRT_KERNEL_HASHES_TABLE_SIZE 176

/*
 * The largest images read for a launch digest.  x86 firmware lives in the
 * flash below 4 GiB, which QEMU caps at 16 MiB (OVMF images are 2 to 4 MiB);
 * a kernel image is tens of MiB; an initrd may be large but not unbounded.
 * Each reader reads one byte more at most, never an endless file.
 */
#define SEVIRT_FIRMWARE_FILE_MAX ((gsize) 16 << 20)
#define SEVIRT_KERNEL_FILE_MAX ((gsize) 256 << 20)
#define SEVIRT_INITRD_FILE_MAX ((gsize) 1 << 30)

/* sev-measurement as libvirt reports it (48 bytes). */
typedef struct {
    guint8 measure[SEVIRT_MEASURE_SIZE];
    guint8 nonce[SEVIRT_MNONCE_SIZE];
} SevirtMeasurement;

G_STATIC_ASSERT(sizeof(SevirtMeasurement) == 48);

/* Guest launch facts the PSP puts into the measurement. */
typedef struct {
    guint8 api_major;
    guint8 api_minor;
    guint8 build_id;
    guint32 policy;
} SevirtLaunchInfo;

typedef enum {
    /* VMSAs with MXCSR 0x1f80 and x87 FCW 0x37f, the reset values newer
     * host kernels put in; older ones (and QEMU's own files) leave 0. */
    SEVIRT_VMSA_FPU_INIT = 1 << 0,
} SevirtVmsaFlags;

/**
 * sevirt_cpu_signature:
 * The CPUID(1).EAX signature QEMU puts in RDX of every VMSA, from the
 * host's family, model and stepping.
 */
guint32 sevirt_cpu_signature(guint family, guint model, guint stepping);

/**
 * sevirt_vmsa_build:
 * @vmsa: (out) SEVIRT_VMSA_SIZE bytes
 * @boot_cpu: TRUE for vCPU 0 (reset at 0xfffffff0), FALSE for the others
 * @ap_reset_addr: the firmware's SEV-ES reset address (other vCPUs)
 * @cpu_signature: sevirt_cpu_signature()
 * @sev_features: SEV features field (0 for SEV-ES under QEMU)
 *
 * The initial VMSA QEMU/KVM hand to LAUNCH_UPDATE_VMSA.
 */
void sevirt_vmsa_build(guint8 vmsa[SEVIRT_VMSA_SIZE], gboolean boot_cpu,
                       guint32 ap_reset_addr, guint32 cpu_signature,
                       guint64 sev_features, SevirtVmsaFlags flags);

/**
 * sevirt_kernel_hashes_table:
 * @kernel: the kernel image as QEMU loads it
 * @initrd: (nullable) the initrd; NULL when none is given
 * @cmdline: (nullable) the command line; NULL when none is given
 * @table: (out) the padded table QEMU puts into the firmware's hash area
 */
gboolean sevirt_kernel_hashes_table(const guint8 *kernel, gsize kernel_len,
                                    const guint8 *initrd, gsize initrd_len,
                                    const char *cmdline,
                                    guint8 table[SEVIRT_KERNEL_HASHES_TABLE_SIZE],
                                    GError **error);

/**
 * SevirtLaunchInput:
 * @firmware: the firmware image (all of it, as QEMU maps it)
 * @kernel: (nullable) kernel image for kernel hashes; NULL: no table
 * @initrd: (nullable) initrd (only with @kernel)
 * @cmdline: (nullable) command line (only with @kernel)
 * @num_cpus: SEV-ES: number of vCPUs (VMSAs measured); 0 for SEV
 * @vmsa_cpu0: (nullable) VMSA of vCPU 0 (SEVIRT_VMSA_SIZE bytes) to use
 *             instead of building one
 * @vmsa_cpu1: (nullable) VMSA of the other vCPUs, likewise
 * @cpu_signature: for built VMSAs (sevirt_cpu_signature())
 * @vmsa_flags: for built VMSAs
 */
typedef struct {
    const guint8 *firmware;
    gsize firmware_len;
    const guint8 *kernel;
    gsize kernel_len;
    const guint8 *initrd;
    gsize initrd_len;
    const char *cmdline;
    guint num_cpus;
    const guint8 *vmsa_cpu0;
    const guint8 *vmsa_cpu1;
    guint32 cpu_signature;
    SevirtVmsaFlags vmsa_flags;
} SevirtLaunchInput;

/**
 * sevirt_launch_digest:
 * @digest: (out) the launch digest LD
 *
 * Fails (SEVIRT_ERROR_UNSUPPORTED) when a kernel is given but the firmware
 * reserves no kernel-hashes area, or VMSAs must be built and the firmware
 * has no SEV-ES reset block; SEVIRT_ERROR_INVALID for inconsistent input.
 */
gboolean sevirt_launch_digest(const SevirtLaunchInput *input,
                              guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE],
                              GError **error);

/**
 * sevirt_measurement_compute:
 * @tik: the transport integrity key (16 bytes)
 * @measure: (out) MEASURE
 */
gboolean sevirt_measurement_compute(const SevirtSecret *tik,
                                    const SevirtLaunchInfo *info,
                                    const guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE],
                                    const guint8 nonce[SEVIRT_MNONCE_SIZE],
                                    guint8 measure[SEVIRT_MEASURE_SIZE],
                                    GError **error);

/**
 * sevirt_measurement_verify:
 * @reported: what the platform reported
 *
 * Recomputes MEASURE with @reported's nonce and compares in constant time.
 * A mismatch is SEVIRT_ERROR_VERIFY.
 */
gboolean sevirt_measurement_verify(const SevirtSecret *tik,
                                   const SevirtLaunchInfo *info,
                                   const guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE],
                                   const SevirtMeasurement *reported,
                                   GError **error);

/**
 * sevirt_measurement_parse:
 * @what: name of the input for messages ("--measurement")
 * @b64: sev-measurement in base64 (48 bytes once decoded)
 */
gboolean sevirt_measurement_parse(const char *what, const char *b64,
                                  SevirtMeasurement *measurement, GError **error);

/** base64 of MEASURE ‖ MNONCE, the form libvirt reports. */
char *sevirt_measurement_to_base64(const SevirtMeasurement *measurement);

G_END_DECLS
