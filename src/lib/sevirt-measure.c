/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Launch digest and measurement for SEV / SEV-ES guests.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-guid.h"
#include "sevirt-measure.h"
#include "sevirt-ovmf.h"
#include "sevirt-util.h"

/* Kernel hashes table (QEMU's SevHashTable): GUIDs and sizes. */
static const SevirtGuid guid_hash_table =
    SEVIRT_GUID_INIT(0x9438d606, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21);
static const SevirtGuid guid_hash_cmdline =
    SEVIRT_GUID_INIT(0x97d02dd8, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a);
static const SevirtGuid guid_hash_initrd =
    SEVIRT_GUID_INIT(0x44baf731, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d);
static const SevirtGuid guid_hash_kernel =
    SEVIRT_GUID_INIT(0x4de79437, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b);
#define HASH_ENTRY_LEN (SEVIRT_GUID_SIZE + 2 + SEVIRT_SHA256_LEN)     /* 50 */
#define HASH_TABLE_LEN (SEVIRT_GUID_SIZE + 2 + 3 * HASH_ENTRY_LEN)    /* 168 */

/* VMSA offsets (struct sev_es_save_area) */
#define VMSA_SEG_ES     0x000
#define VMSA_SEG_CS     0x010
#define VMSA_SEG_SS     0x020
#define VMSA_SEG_DS     0x030
#define VMSA_SEG_FS     0x040
#define VMSA_SEG_GS     0x050
#define VMSA_SEG_GDTR   0x060
#define VMSA_SEG_LDTR   0x070
#define VMSA_SEG_IDTR   0x080
#define VMSA_SEG_TR     0x090
#define VMSA_EFER       0x0D0
#define VMSA_CR4        0x148
#define VMSA_CR0        0x158
#define VMSA_DR7        0x160
#define VMSA_DR6        0x168
#define VMSA_RFLAGS     0x170
#define VMSA_RIP        0x178
#define VMSA_G_PAT      0x268
#define VMSA_RDX        0x310
#define VMSA_SEV_FEATURES 0x3B0
#define VMSA_XCR0       0x3E8
#define VMSA_MXCSR      0x408
#define VMSA_X87_FCW    0x410

/* The boot vCPU starts at the architectural reset vector. */
#define BSP_RESET_ADDR  0xfffffff0u

guint32
sevirt_cpu_signature(guint family, guint model, guint stepping)
{
    guint32 sig = stepping & 0xf;

    family &= 0xfff;
    model &= 0xff;
    if (family > 0xf)
        sig |= ((family - 0xf) << 20) | (0xf << 8);
    else
        sig |= family << 8;
    sig |= ((model >> 4) << 16) | ((model & 0xf) << 4);
    return sig;
}

static void
vmsa_seg(guint8 *vmsa, gsize off, guint16 selector, guint16 attrib,
         guint32 limit, guint64 base)
{
    sevirt_put_le16(vmsa + off, selector);
    sevirt_put_le16(vmsa + off + 2, attrib);
    sevirt_put_le32(vmsa + off + 4, limit);
    sevirt_put_le64(vmsa + off + 8, base);
}

void
sevirt_vmsa_build(guint8 vmsa[SEVIRT_VMSA_SIZE], gboolean boot_cpu,
                  guint32 ap_reset_addr, guint32 cpu_signature,
                  guint64 sev_features, SevirtVmsaFlags flags)
{
    guint32 reset = boot_cpu ? BSP_RESET_ADDR : ap_reset_addr;

    memset(vmsa, 0, SEVIRT_VMSA_SIZE);
    /* Segment state after x86 reset, as QEMU's x86_cpu_reset() sets it. */
    vmsa_seg(vmsa, VMSA_SEG_ES, 0, 0x93, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_CS, 0xf000, 0x9b, 0xffff, reset & 0xffff0000);
    vmsa_seg(vmsa, VMSA_SEG_SS, 0, 0x93, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_DS, 0, 0x93, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_FS, 0, 0x93, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_GS, 0, 0x93, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_GDTR, 0, 0, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_LDTR, 0, 0x82, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_IDTR, 0, 0, 0xffff, 0);
    vmsa_seg(vmsa, VMSA_SEG_TR, 0, 0x8b, 0xffff, 0);
    /* KVM sets EFER.SVME and CR4.MCE; the rest is the reset state. */
    sevirt_put_le64(vmsa + VMSA_EFER, 0x1000);
    sevirt_put_le64(vmsa + VMSA_CR4, 0x40);
    sevirt_put_le64(vmsa + VMSA_CR0, 0x10);
    sevirt_put_le64(vmsa + VMSA_DR7, 0x400);
    sevirt_put_le64(vmsa + VMSA_DR6, 0xffff0ff0);
    sevirt_put_le64(vmsa + VMSA_RFLAGS, 0x2);
    sevirt_put_le64(vmsa + VMSA_RIP, reset & 0xffff);
    sevirt_put_le64(vmsa + VMSA_G_PAT, G_GUINT64_CONSTANT(0x0007040600070406));
    sevirt_put_le64(vmsa + VMSA_RDX, cpu_signature);
    sevirt_put_le64(vmsa + VMSA_SEV_FEATURES, sev_features);
    sevirt_put_le64(vmsa + VMSA_XCR0, 0x1);
    if (flags & SEVIRT_VMSA_FPU_INIT) {
        sevirt_put_le32(vmsa + VMSA_MXCSR, 0x1f80);
        sevirt_put_le16(vmsa + VMSA_X87_FCW, 0x37f);
    }
}

static gboolean
hash_entry(guint8 *out, const SevirtGuid *guid, const SevirtBuf *parts, gsize n_parts,
           GError **error)
{
    memcpy(out, guid->bytes, SEVIRT_GUID_SIZE);
    sevirt_put_le16(out + SEVIRT_GUID_SIZE, HASH_ENTRY_LEN);
    return sevirt_digest(EVP_sha256(), parts, n_parts, out + SEVIRT_GUID_SIZE + 2, error);
}

gboolean
sevirt_kernel_hashes_table(const guint8 *kernel, gsize kernel_len,
                           const guint8 *initrd, gsize initrd_len,
                           const char *cmdline,
                           guint8 table[SEVIRT_KERNEL_HASHES_TABLE_SIZE],
                           GError **error)
{
    static const guint8 nul = 0;
    guint8 *entry = table + SEVIRT_GUID_SIZE + 2;
    /* The command line is hashed with its terminating NUL; none = "". */
    SevirtBuf cmd[] = {
        { cmdline, cmdline ? strlen(cmdline) : 0 },
        { &nul, 1 },
    };
    SevirtBuf ird = { initrd, initrd ? initrd_len : 0 };
    SevirtBuf krn = { kernel, kernel_len };

    memset(table, 0, SEVIRT_KERNEL_HASHES_TABLE_SIZE);
    memcpy(table, guid_hash_table.bytes, SEVIRT_GUID_SIZE);
    sevirt_put_le16(table + SEVIRT_GUID_SIZE, HASH_TABLE_LEN);
    return hash_entry(entry, &guid_hash_cmdline, cmd, G_N_ELEMENTS(cmd), error) &&
           hash_entry(entry + HASH_ENTRY_LEN, &guid_hash_initrd, &ird, 1, error) &&
           hash_entry(entry + 2 * HASH_ENTRY_LEN, &guid_hash_kernel, &krn, 1, error);
}

/* Checks the firmware can take what @input asks and reads its AP reset address. */
static gboolean
check_firmware(const SevirtLaunchInput *input, gboolean build_vmsas,
               guint32 *ap_reset_addr, GError **error)
{
    g_autoptr(SevirtOvmf) ovmf = NULL;

    if (!input->kernel && !build_vmsas)
        return TRUE;
    ovmf = sevirt_ovmf_parse(input->firmware, input->firmware_len, _("firmware"), error);
    if (!ovmf)
        return FALSE;
    if (input->kernel && !sevirt_ovmf_get_hash_table_area(ovmf, NULL, NULL)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("The firmware reserves no kernel hashes area in its footer table, so a measured direct kernel boot (kernelHashes) is impossible with it"));
        return FALSE;
    }
    if (build_vmsas)
        return sevirt_ovmf_get_sev_es_reset_addr(ovmf, ap_reset_addr, error);
    return TRUE;
}

gboolean
sevirt_launch_digest(const SevirtLaunchInput *input,
                     guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE], GError **error)
{
    g_autoptr(EVP_MD_CTX) ctx = NULL;
    guint8 table[SEVIRT_KERNEL_HASHES_TABLE_SIZE];
    guint8 vmsa0[SEVIRT_VMSA_SIZE];
    guint8 vmsa1[SEVIRT_VMSA_SIZE];
    gboolean build_vmsas = input->num_cpus > 0 && !input->vmsa_cpu0;
    guint32 ap_reset_addr = 0;

    if (!input->firmware) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("No firmware image given"));
        return FALSE;
    }
    if (!input->kernel && (input->initrd || input->cmdline)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("An initrd or command line is only measured with a kernel"));
        return FALSE;
    }
    if (input->num_cpus > 1 && input->vmsa_cpu0 && !input->vmsa_cpu1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("A VMSA for the additional vCPUs is needed with %u vCPUs"),
                    input->num_cpus);
        return FALSE;
    }
    if (!check_firmware(input, build_vmsas, &ap_reset_addr, error))
        return FALSE;

    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex2(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, input->firmware, input->firmware_len))
        goto fail;
    if (input->kernel) {
        if (!sevirt_kernel_hashes_table(input->kernel, input->kernel_len,
                                        input->initrd, input->initrd_len,
                                        input->cmdline, table, error))
            return FALSE;
        if (!EVP_DigestUpdate(ctx, table, sizeof(table)))
            goto fail;
    }
    if (input->num_cpus > 0) {
        const guint8 *cpu0 = input->vmsa_cpu0;
        const guint8 *cpu1 = input->vmsa_cpu1;

        if (build_vmsas) {
            sevirt_vmsa_build(vmsa0, TRUE, ap_reset_addr, input->cpu_signature, 0,
                              input->vmsa_flags);
            sevirt_vmsa_build(vmsa1, FALSE, ap_reset_addr, input->cpu_signature, 0,
                              input->vmsa_flags);
            cpu0 = vmsa0;
            cpu1 = vmsa1;
        }
        if (!EVP_DigestUpdate(ctx, cpu0, SEVIRT_VMSA_SIZE))
            goto fail;
        for (guint i = 1; i < input->num_cpus; i++) {
            if (!EVP_DigestUpdate(ctx, cpu1, SEVIRT_VMSA_SIZE))
                goto fail;
        }
    }
    if (!EVP_DigestFinal_ex(ctx, digest, NULL))
        goto fail;
    return TRUE;

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot compute the launch digest"));
    return FALSE;
}

gboolean
sevirt_measurement_compute(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                           const guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE],
                           const guint8 nonce[SEVIRT_MNONCE_SIZE],
                           guint8 measure[SEVIRT_MEASURE_SIZE], GError **error)
{
    guint8 head[8] = { 0x04, info->api_major, info->api_minor, info->build_id };
    SevirtBuf parts[] = {
        { head, sizeof(head) },
        { digest, SEVIRT_LAUNCH_DIGEST_SIZE },
        { nonce, SEVIRT_MNONCE_SIZE },
    };

    if (tik->len != SEVIRT_KEY_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The TIK must be 16 bytes, not %" G_GSIZE_FORMAT), tik->len);
        return FALSE;
    }
    sevirt_put_le32(head + 4, info->policy);
    return sevirt_hmac_sha256(tik->data, tik->len, parts, G_N_ELEMENTS(parts), measure, error);
}

gboolean
sevirt_measurement_verify(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                          const guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE],
                          const SevirtMeasurement *reported, GError **error)
{
    guint8 expected[SEVIRT_MEASURE_SIZE];

    if (!sevirt_measurement_compute(tik, info, digest, reported->nonce, expected, error))
        return FALSE;
    if (!sevirt_memeq_const(expected, reported->measure, SEVIRT_MEASURE_SIZE)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("Launch measurement does not match the expected one: the guest is not running what was expected (or the TIK, policy, API version or build differ)"));
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_measurement_parse(const char *what, const char *b64,
                         SevirtMeasurement *measurement, GError **error)
{
    g_autofree guint8 *raw = NULL;
    gsize len = 0;

    raw = sevirt_base64_decode_strict(what, b64, sizeof(*measurement), &len, error);
    if (!raw)
        return FALSE;
    memcpy(measurement, raw, sizeof(*measurement));
    return TRUE;
}

char *
sevirt_measurement_to_base64(const SevirtMeasurement *measurement)
{
    return g_base64_encode((const guchar *) measurement, sizeof(*measurement));
}
