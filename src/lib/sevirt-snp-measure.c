/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP launch digest, as the PSP computes it for the pages QEMU (or EC2,
 * GCE) adds at launch; the conventions follow sev-snp-measure, the tool
 * guest owners compare against.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-measure.h"
#include "sevirt-ovmf.h"
#include "sevirt-snp-measure.h"
#include "sevirt-util.h"

#define PAGE_SIZE       4096
#define PAGE_INFO_LEN   0x70
#define FOUR_GIB        G_GUINT64_CONSTANT(0x100000000)
/* Every VMSA is measured at this GPA, whatever the vCPU. */
#define VMSA_GPA        G_GUINT64_CONSTANT(0xFFFFFFFFF000)
#define BSP_EIP         0xfffffff0u
/* RDX of GCE and EC2 VMSAs: those VMMs do not pass the CPU signature. */
#define FIXED_RDX       0x600

enum {
    PAGE_TYPE_NORMAL = 1,
    PAGE_TYPE_VMSA = 2,
    PAGE_TYPE_ZERO = 3,
    PAGE_TYPE_UNMEASURED = 4,
    PAGE_TYPE_SECRETS = 5,
    PAGE_TYPE_CPUID = 6,
};

/* Fields of struct sev_es_save_area that EC2 and GCE set differently. */
#define VMSA_CS_ATTRIB  0x012
#define VMSA_SS_ATTRIB  0x022
#define VMSA_TR_ATTRIB  0x092
#define VMSA_G_PAT      0x268
#define GCE_G_PAT       G_GUINT64_CONSTANT(0x00070106)

typedef struct {
    EVP_MD_CTX *ctx;
    EVP_MD *md;     /* fetched once: an implicit fetch per page costs more than the hash */
    guint8 ld[SEVIRT_SNP_DIGEST_SIZE];
} Gctx;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MD, EVP_MD_free)

static const struct {
    const char *name;
    guint family, model, stepping;
} vcpu_types[] = {
    /* sev-snp-measure's vcpu_types.py */
    { "EPYC", 23, 1, 2 },
    { "EPYC-v1", 23, 1, 2 },
    { "EPYC-v2", 23, 1, 2 },
    { "EPYC-IBPB", 23, 1, 2 },
    { "EPYC-v3", 23, 1, 2 },
    { "EPYC-v4", 23, 1, 2 },
    { "EPYC-Rome", 23, 49, 0 },
    { "EPYC-Rome-v1", 23, 49, 0 },
    { "EPYC-Rome-v2", 23, 49, 0 },
    { "EPYC-Rome-v3", 23, 49, 0 },
    { "EPYC-Milan", 25, 1, 1 },
    { "EPYC-Milan-v1", 25, 1, 1 },
    { "EPYC-Milan-v2", 25, 1, 1 },
    { "EPYC-Genoa", 25, 17, 0 },
    { "EPYC-Genoa-v1", 25, 17, 0 },
    { "EPYC-Turin", 26, 0, 0 },
    { "EPYC-Turin-v1", 26, 0, 0 },
};

gboolean
sevirt_vcpu_type_signature(const char *what, const char *name, guint32 *signature,
                           GError **error)
{
    g_autoptr(GString) known = g_string_new(NULL);

    for (guint i = 0; i < G_N_ELEMENTS(vcpu_types); i++) {
        if (g_ascii_strcasecmp(name, vcpu_types[i].name) == 0) {
            *signature = sevirt_cpu_signature(vcpu_types[i].family, vcpu_types[i].model,
                                              vcpu_types[i].stepping);
            return TRUE;
        }
        g_string_append_printf(known, "%s%s", i ? ", " : "", vcpu_types[i].name);
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("%s: unknown vCPU type '%s' (known: %s)"), what, name, known->str);
    return FALSE;
}

gboolean
sevirt_vmm_type_parse(const char *what, const char *text, SevirtVmmType *vmm, GError **error)
{
    if (g_ascii_strcasecmp(text, "qemu") == 0)
        *vmm = SEVIRT_VMM_QEMU;
    else if (g_ascii_strcasecmp(text, "ec2") == 0)
        *vmm = SEVIRT_VMM_EC2;
    else if (g_ascii_strcasecmp(text, "gce") == 0)
        *vmm = SEVIRT_VMM_GCE;
    else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: unknown VMM type '%s' (known: QEMU, ec2, gce)"), what, text);
        return FALSE;
    }
    return TRUE;
}

const char *
sevirt_vmm_type_to_string(SevirtVmmType vmm)
{
    switch (vmm) {
    case SEVIRT_VMM_EC2:
        return "ec2";
    case SEVIRT_VMM_GCE:
        return "gce";
    case SEVIRT_VMM_QEMU:
    default:
        return "QEMU";
    }
}

static gboolean
sha384(const Gctx *g, const guint8 *data, gsize len, guint8 out[SEVIRT_SNP_DIGEST_SIZE])
{
    EVP_MD_CTX *ctx = g->ctx;

    return EVP_DigestInit_ex2(ctx, g->md, NULL) &&
           EVP_DigestUpdate(ctx, data, len) &&
           EVP_DigestFinal_ex(ctx, out, NULL);
}

/* One PAGE_INFO step of the chain. */
static gboolean
gctx_update(Gctx *g, guint8 type, guint64 gpa, const guint8 contents[SEVIRT_SNP_DIGEST_SIZE])
{
    guint8 info[PAGE_INFO_LEN] = { 0 };

    memcpy(info, g->ld, SEVIRT_SNP_DIGEST_SIZE);
    memcpy(info + 0x30, contents, SEVIRT_SNP_DIGEST_SIZE);
    sevirt_put_le16(info + 0x60, PAGE_INFO_LEN);
    info[0x62] = type;
    /* is_imi, VMPL3..1 permissions and the reserved byte stay 0 */
    sevirt_put_le64(info + 0x68, gpa);
    return sha384(g, info, sizeof(info), g->ld);
}

/* Normal pages: contents is the SHA-384 of each 4 KiB (the last may be short). */
static gboolean
gctx_normal_pages(Gctx *g, guint64 gpa, const guint8 *data, gsize len)
{
    guint8 hash[SEVIRT_SNP_DIGEST_SIZE];

    for (gsize off = 0; off < len; off += PAGE_SIZE) {
        if (!sha384(g, data + off, MIN(PAGE_SIZE, len - off), hash) ||
            !gctx_update(g, PAGE_TYPE_NORMAL, gpa + off, hash))
            return FALSE;
    }
    return TRUE;
}

/* Zero, secrets, CPUID pages: contents all zero, one step per 4 KiB. */
static gboolean
gctx_empty_pages(Gctx *g, guint8 type, guint64 gpa, guint64 size)
{
    static const guint8 zero[SEVIRT_SNP_DIGEST_SIZE];

    for (guint64 off = 0; off < size; off += PAGE_SIZE) {
        if (!gctx_update(g, type, gpa + off, zero))
            return FALSE;
    }
    return TRUE;
}

static gboolean
gctx_firmware(Gctx *g, const guint8 *firmware, gsize len)
{
    return gctx_normal_pages(g, FOUR_GIB - len, firmware, len);
}

gboolean
sevirt_snp_ovmf_hash(const guint8 *firmware, gsize len,
                     guint8 digest[SEVIRT_SNP_DIGEST_SIZE], GError **error)
{
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
    g_autoptr(EVP_MD) md = EVP_MD_fetch(NULL, "SHA384", NULL);
    Gctx g = { ctx, md, { 0 } };

    if (len == 0 || len > FOUR_GIB) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The firmware image is empty or larger than 4 GiB"));
        return FALSE;
    }
    if (!ctx || !md || !gctx_firmware(&g, firmware, len)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot hash the firmware"));
        return FALSE;
    }
    memcpy(digest, g.ld, SEVIRT_SNP_DIGEST_SIZE);
    return TRUE;
}

/* The page QEMU fills with the kernel hashes table, at the table's offset. */
static gboolean
kernel_hashes_page(const SevirtSnpLaunchInput *input, const SevirtOvmf *ovmf,
                   guint8 page[PAGE_SIZE], GError **error)
{
    gsize len = 0;
    const guint8 *area = sevirt_ovmf_get_entry(ovmf, &sevirt_ovmf_guid_hash_table_area, &len);
    guint32 offset = area && len >= 4 ? sevirt_le32(area) & (PAGE_SIZE - 1) : 0;

    memset(page, 0, PAGE_SIZE);
    if (offset + SEVIRT_KERNEL_HASHES_TABLE_SIZE > PAGE_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The firmware's kernel hashes table crosses a page boundary"));
        return FALSE;
    }
    return sevirt_kernel_hashes_table(input->kernel, input->kernel_len,
                                      input->initrd, input->initrd_len,
                                      input->cmdline, page + offset, error);
}

static gboolean
measure_section(Gctx *g, const SevirtSnpLaunchInput *input, const SevirtOvmf *ovmf,
                const SevirtSnpSection *s, GError **error)
{
    guint8 page[PAGE_SIZE];

    switch (s->type) {
    case SEVIRT_SNP_SECTION_SEC_MEM:
        /* GCE leaves the firmware's early memory unmeasured */
        return gctx_empty_pages(g, input->vmm == SEVIRT_VMM_GCE ? PAGE_TYPE_UNMEASURED : PAGE_TYPE_ZERO,
                                s->gpa, s->size);
    case SEVIRT_SNP_SECTION_SVSM_CAA:
        return gctx_empty_pages(g, PAGE_TYPE_ZERO, s->gpa, s->size);
    case SEVIRT_SNP_SECTION_SECRETS:
        return gctx_empty_pages(g, PAGE_TYPE_SECRETS, s->gpa, PAGE_SIZE);
    case SEVIRT_SNP_SECTION_CPUID:
        /* EC2 adds the CPUID page after all the others */
        return input->vmm == SEVIRT_VMM_EC2 ||
               gctx_empty_pages(g, PAGE_TYPE_CPUID, s->gpa, PAGE_SIZE);
    case SEVIRT_SNP_SECTION_KERNEL_HASHES:
        if (!input->kernel)
            return gctx_empty_pages(g, PAGE_TYPE_ZERO, s->gpa, s->size);
        return kernel_hashes_page(input, ovmf, page, error) &&
               gctx_normal_pages(g, s->gpa, page, PAGE_SIZE);
    default:
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The firmware's SEV metadata has a section of unknown type 0x%x"), s->type);
        return FALSE;
    }
}

static gboolean
has_section(const GArray *sections, guint32 type)
{
    for (guint i = 0; sections && i < sections->len; i++) {
        if (g_array_index(sections, SevirtSnpSection, i).type == type)
            return TRUE;
    }
    return FALSE;
}

static gboolean
measure_metadata(Gctx *g, const SevirtSnpLaunchInput *input, const SevirtOvmf *ovmf,
                 const GArray *sections, GError **error)
{
    for (guint i = 0; sections && i < sections->len; i++) {
        if (!measure_section(g, input, ovmf, &g_array_index(sections, SevirtSnpSection, i), error))
            return FALSE;
    }
    for (guint i = 0; input->vmm == SEVIRT_VMM_EC2 && sections && i < sections->len; i++) {
        const SevirtSnpSection *s = &g_array_index(sections, SevirtSnpSection, i);

        if (s->type == SEVIRT_SNP_SECTION_CPUID &&
            !gctx_empty_pages(g, PAGE_TYPE_CPUID, s->gpa, PAGE_SIZE))
            return FALSE;
    }
    return TRUE;
}

/* The VMSA QEMU's conventions give, adjusted to the VMM's. */
static void
build_vmsa(guint8 vmsa[SEVIRT_VMSA_SIZE], const SevirtSnpLaunchInput *input,
           gboolean boot_cpu, guint32 ap_eip)
{
    switch (input->vmm) {
    case SEVIRT_VMM_EC2:
        sevirt_vmsa_build(vmsa, boot_cpu, ap_eip, FIXED_RDX, input->guest_features, 0);
        sevirt_put_le16(vmsa + VMSA_CS_ATTRIB, boot_cpu ? 0x9a : 0x9b);
        sevirt_put_le16(vmsa + VMSA_SS_ATTRIB, 0x92);
        sevirt_put_le16(vmsa + VMSA_TR_ATTRIB, 0x83);
        break;
    case SEVIRT_VMM_GCE:
        /* GCE's hypervisor overwrites the default PAT */
        sevirt_vmsa_build(vmsa, boot_cpu, ap_eip, FIXED_RDX, input->guest_features, 0);
        sevirt_put_le64(vmsa + VMSA_G_PAT, GCE_G_PAT);
        break;
    case SEVIRT_VMM_QEMU:
    default:
        sevirt_vmsa_build(vmsa, boot_cpu, ap_eip, input->cpu_signature,
                          input->guest_features, SEVIRT_VMSA_FPU_INIT);
        break;
    }
}

static gboolean
measure_vmsas(Gctx *g, const SevirtSnpLaunchInput *input, const SevirtOvmf *ovmf,
              GError **error)
{
    guint8 vmsa[SEVIRT_VMSA_SIZE];
    guint8 hash[2][SEVIRT_SNP_DIGEST_SIZE];
    guint32 ap_eip = 0;

    if (input->num_cpus > 1 && !sevirt_ovmf_get_sev_es_reset_addr(ovmf, &ap_eip, error))
        return FALSE;
    /* vCPU 0 starts at the reset vector, all others alike at the AP address */
    for (guint i = 0; i < 2; i++) {
        build_vmsa(vmsa, input, i == 0, ap_eip);
        if (!sha384(g, vmsa, sizeof(vmsa), hash[i]))
            goto fail;
    }
    for (guint cpu = 0; cpu < input->num_cpus; cpu++) {
        if (!gctx_update(g, PAGE_TYPE_VMSA, VMSA_GPA, hash[cpu == 0 ? 0 : 1]))
            goto fail;
    }
    return TRUE;

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot hash the VMSAs"));
    return FALSE;
}

static gboolean
check_input(const SevirtSnpLaunchInput *input, GError **error)
{
    const char *why = NULL;

    if (!input->firmware || input->firmware_len == 0 || input->firmware_len > FOUR_GIB)
        why = _("The firmware image is missing, empty or larger than 4 GiB");
    else if (!input->kernel && (input->initrd || input->cmdline))
        why = _("An initrd or command line is only measured with a kernel");
    else if (input->num_cpus == 0)
        why = _("At least one vCPU is needed");
    if (why)
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, why);
    return why == NULL;
}

gboolean
sevirt_snp_launch_digest(const SevirtSnpLaunchInput *input,
                         guint8 digest[SEVIRT_SNP_DIGEST_SIZE], GError **error)
{
    g_autoptr(SevirtOvmf) ovmf = NULL;
    g_autoptr(GArray) sections = NULL;
    g_autoptr(GError) no_meta = NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(EVP_MD_CTX) ctx = NULL;
    g_autoptr(EVP_MD) md = NULL;
    const char *name = input->firmware_name ? input->firmware_name : _("firmware");
    Gctx g = { NULL, NULL, { 0 } };

    if (!check_input(input, error))
        return FALSE;
    ovmf = sevirt_ovmf_parse(input->firmware, input->firmware_len, name, error);
    if (!ovmf)
        return FALSE;
    sections = sevirt_ovmf_get_snp_sections(ovmf, input->firmware, input->firmware_len,
                                            name, &no_meta);
    if (!sections && (!input->allow_no_metadata ||
                      !g_error_matches(no_meta, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED))) {
        g_propagate_error(error, g_steal_pointer(&no_meta));
        return FALSE;
    }
    if (input->kernel && !has_section(sections, SEVIRT_SNP_SECTION_KERNEL_HASHES)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("A kernel is given but the SEV metadata of firmware '%s' has no SNP_KERNEL_HASHES section, so a measured direct kernel boot is impossible with it"),
                    name);
        return FALSE;
    }

    g.ctx = ctx = EVP_MD_CTX_new();
    g.md = md = EVP_MD_fetch(NULL, "SHA384", NULL);
    if (!ctx || !md)
        goto fail;
    if (input->ovmf_hash)
        memcpy(g.ld, input->ovmf_hash, SEVIRT_SNP_DIGEST_SIZE);
    else if (!gctx_firmware(&g, input->firmware, input->firmware_len))
        goto fail;
    /* hashing failures leave no message of their own: they are OpenSSL's */
    if (!measure_metadata(&g, input, ovmf, sections, &local) ||
        !measure_vmsas(&g, input, ovmf, &local)) {
        if (!local)
            goto fail;
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    memcpy(digest, g.ld, SEVIRT_SNP_DIGEST_SIZE);
    return TRUE;

 fail:
    sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot compute the SNP launch digest"));
    return FALSE;
}

gboolean
sevirt_snp_hex_parse(const char *what, const char *text, guint8 *out, gsize len,
                     GError **error)
{
    g_autofree char *t = g_strstrip(g_strdup(text));
    const char *h = t;

    if (g_str_has_prefix(h, "0x") || g_str_has_prefix(h, "0X"))
        h += 2;
    if (strlen(h) != 2 * len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: expected %" G_GSIZE_FORMAT " hex digits (%" G_GSIZE_FORMAT " bytes), got %" G_GSIZE_FORMAT " characters"),
                    what, 2 * len, len, strlen(h));
        return FALSE;
    }
    for (gsize i = 0; i < len; i++) {
        int hi = g_ascii_xdigit_value(h[2 * i]);
        int lo = g_ascii_xdigit_value(h[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s: '%c%c' is not a hex byte"), what, h[2 * i], h[2 * i + 1]);
            return FALSE;
        }
        out[i] = (hi << 4) | lo;
    }
    return TRUE;
}

/* The images a digest reads, freed together. */
typedef struct {
    GMappedFile *firmware;
    guint8 *kernel;
    guint8 *initrd;
} SnpImages;

static void
snp_images_clear(SnpImages *m)
{
    g_clear_pointer(&m->firmware, g_mapped_file_unref);
    g_free(m->kernel);
    g_free(m->initrd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SnpImages, snp_images_clear)

gboolean
sevirt_snp_launch_digest_files(const SevirtSnpLaunchFiles *files,
                               guint8 digest[SEVIRT_SNP_DIGEST_SIZE], GError **error)
{
    g_auto(SnpImages) m = { 0 };
    SevirtSnpLaunchInput in = {
        .firmware_name = files->firmware, .ovmf_hash = files->ovmf_hash,
        .num_cpus = files->num_cpus, .cpu_signature = files->cpu_signature,
        .guest_features = files->guest_features, .vmm = files->vmm,
    };

    if (!files->kernel && (files->initrd || files->cmdline)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("An initrd or a command line is only measured with a kernel"));
        return FALSE;
    }
    /* mapped, not read: see sevirt_file_map() */
    if (!(m.firmware = sevirt_file_map(files->firmware, SEVIRT_SNP_IMAGE_FILE_MAX, error)) ||
        (files->kernel &&
         !(m.kernel = sevirt_file_read(files->kernel, SEVIRT_SNP_IMAGE_FILE_MAX,
                                       &in.kernel_len, error))) ||
        (files->initrd &&
         !(m.initrd = sevirt_file_read(files->initrd, SEVIRT_SNP_IMAGE_FILE_MAX,
                                       &in.initrd_len, error))))
        return FALSE;
    in.firmware_len = g_mapped_file_get_length(m.firmware);
    in.firmware = in.firmware_len ? (const guint8 *) g_mapped_file_get_contents(m.firmware)
                                  : (const guint8 *) "";
    in.kernel = m.kernel;
    in.initrd = m.initrd;
    /* the hashes table measures an absent command line as "" */
    in.cmdline = m.kernel ? (files->cmdline ? files->cmdline : "") : NULL;
    return sevirt_snp_launch_digest(&in, digest, error);
}
