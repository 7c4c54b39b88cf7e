/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP attestation commands for the guest owner, offline: measure
 * (sev-snp-measure's options), verify-report and report-info.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli-keys.h"

/* Firmware, kernel and initrd are read whole; refuse absurd sizes. */
#define MAX_IMAGE_SIZE ((gsize) 256 << 20)

/* ---------------------------------------------------------------------- */
/* measure */

static char *opt_mode;
static char *opt_vcpus;
static char *opt_vcpu_type;
static char *opt_vcpu_sig;
static char *opt_vcpu_family;
static char *opt_vcpu_model;
static char *opt_vcpu_stepping;
static char *opt_vmm_type;
static char *opt_ovmf;
static char *opt_kernel;
static char *opt_initrd;
static char *opt_append;
static char *opt_guest_features;
static char *opt_output_format;
static char *opt_snp_ovmf_hash;

static const GOptionEntry measure_entries[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, &opt_mode,
      N_("guest mode: snp (default), seves, sev, or snp:ovmf-hash (the firmware pages alone)"), N_("MODE") },
    { "vcpus", 0, 0, G_OPTION_ARG_STRING, &opt_vcpus,
      N_("number of vCPUs (snp, seves)"), N_("N") },
    { "vcpu-type", 0, 0, G_OPTION_ARG_STRING, &opt_vcpu_type,
      N_("QEMU CPU model of the vCPUs: EPYC, EPYC-v4, EPYC-Rome, EPYC-Milan, EPYC-Genoa, EPYC-Turin ..."), N_("TYPE") },
    { "vcpu-sig", 0, 0, G_OPTION_ARG_STRING, &opt_vcpu_sig,
      N_("vCPU signature, CPUID(1).EAX (instead of --vcpu-type)"), N_("SIG") },
    { "vcpu-family", 0, 0, G_OPTION_ARG_STRING, &opt_vcpu_family,
      N_("vCPU family (with --vcpu-model and --vcpu-stepping, instead of --vcpu-type)"), N_("N") },
    { "vcpu-model", 0, 0, G_OPTION_ARG_STRING, &opt_vcpu_model,
      N_("vCPU model"), N_("N") },
    { "vcpu-stepping", 0, 0, G_OPTION_ARG_STRING, &opt_vcpu_stepping,
      N_("vCPU stepping"), N_("N") },
    { "vmm-type", 0, 0, G_OPTION_ARG_STRING, &opt_vmm_type,
      N_("the VMM's conventions: QEMU (default), ec2 or gce"), N_("TYPE") },
    { "ovmf", 0, 0, G_OPTION_ARG_FILENAME, &opt_ovmf,
      N_("the OVMF firmware image"), N_("FILE") },
    { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &opt_kernel,
      N_("kernel of a measured direct boot"), N_("FILE") },
    { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &opt_initrd,
      N_("initrd of a measured direct boot"), N_("FILE") },
    { "append", 0, 0, G_OPTION_ARG_STRING, &opt_append,
      N_("kernel command line of a measured direct boot"), N_("CMDLINE") },
    { "guest-features", 0, 0, G_OPTION_ARG_STRING, &opt_guest_features,
      N_("SEV_FEATURES of the vCPUs (default 0x1, SNPActive; 0x21 adds DebugSwap)"), N_("N") },
    { "output-format", 0, 0, G_OPTION_ARG_STRING, &opt_output_format,
      N_("hex (default) or base64"), N_("FORMAT") },
    { "snp-ovmf-hash", 0, 0, G_OPTION_ARG_STRING, &opt_snp_ovmf_hash,
      N_("precomputed hash of the firmware pages (from --mode snp:ovmf-hash), in hex"), N_("HEX") },
    { NULL }
};

typedef enum {
    MODE_SNP,
    MODE_SEVES,
    MODE_SEV,
    MODE_OVMF_HASH,
} MeasureMode;

static const char *const mode_names[] = { "snp", "seves", "sev", "snp:ovmf-hash" };

/* The images a measurement reads, freed together. */
typedef struct {
    guint8 *ovmf;
    gsize ovmf_len;
    guint8 *kernel;
    gsize kernel_len;
    guint8 *initrd;
    gsize initrd_len;
} MeasureImages;

static void
measure_images_clear(MeasureImages *m)
{
    g_free(m->ovmf);
    g_free(m->kernel);
    g_free(m->initrd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MeasureImages, measure_images_clear)

static gboolean
parse_mode(MeasureMode *mode, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(mode_names); i++) {
        if (g_strcmp0(opt_mode ? opt_mode : "snp", mode_names[i]) == 0) {
            *mode = i;
            return TRUE;
        }
    }
    /* sev-snp-measure also spells it sev-es */
    if (g_strcmp0(opt_mode, "sev-es") == 0) {
        *mode = MODE_SEVES;
        return TRUE;
    }
    return sevirt_cli_usage_error(error, _("--mode: unknown mode '%s' (snp, seves, sev, snp:ovmf-hash)"),
                                  opt_mode);
}

/* The signature from --vcpu-type, --vcpu-sig or --vcpu-family/model/stepping. */
static gboolean
parse_vcpu_signature(gboolean needed, guint32 *sig, GError **error)
{
    guint given = !!opt_vcpu_type + !!opt_vcpu_sig +
                  !!(opt_vcpu_family || opt_vcpu_model || opt_vcpu_stepping);
    guint64 v = 0, family = 0, model = 0, stepping = 0;

    *sig = 0;
    if (given > 1)
        return sevirt_cli_usage_error(error, _("give only one of --vcpu-type, --vcpu-sig and --vcpu-family/--vcpu-model/--vcpu-stepping"));
    if (opt_vcpu_type)
        return sevirt_vcpu_type_signature("--vcpu-type", opt_vcpu_type, sig, error);
    if (opt_vcpu_sig) {
        if (!sevirt_parse_uint("--vcpu-sig", opt_vcpu_sig, G_MAXUINT32, &v, error))
            return FALSE;
        *sig = v;
        return TRUE;
    }
    if (opt_vcpu_family || opt_vcpu_model || opt_vcpu_stepping) {
        if (!opt_vcpu_family || !opt_vcpu_model || !opt_vcpu_stepping)
            return sevirt_cli_usage_error(error, _("--vcpu-family, --vcpu-model and --vcpu-stepping go together"));
        if (!sevirt_parse_uint("--vcpu-family", opt_vcpu_family, 0xfff, &family, error) ||
            !sevirt_parse_uint("--vcpu-model", opt_vcpu_model, 0xff, &model, error) ||
            !sevirt_parse_uint("--vcpu-stepping", opt_vcpu_stepping, 0xf, &stepping, error))
            return FALSE;
        *sig = sevirt_cpu_signature(family, model, stepping);
        return TRUE;
    }
    if (needed)
        return sevirt_cli_usage_error(error, _("the vCPU signature is measured: give --vcpu-type, --vcpu-sig or --vcpu-family/--vcpu-model/--vcpu-stepping"));
    return TRUE;
}

static gboolean
read_images(MeasureMode mode, MeasureImages *m, GError **error)
{
    if (!opt_ovmf)
        return sevirt_cli_usage_error(error, _("option --ovmf is required"));
    if (mode == MODE_OVMF_HASH && (opt_kernel || opt_initrd || opt_append || opt_snp_ovmf_hash))
        return sevirt_cli_usage_error(error, _("--mode snp:ovmf-hash measures the firmware alone: --kernel, --initrd, --append and --snp-ovmf-hash do not apply"));
    if (!opt_kernel && (opt_initrd || opt_append))
        return sevirt_cli_usage_error(error, _("--initrd and --append are only measured with --kernel"));
    if (!(m->ovmf = sevirt_file_read(opt_ovmf, MAX_IMAGE_SIZE, &m->ovmf_len, error)))
        return FALSE;
    if (opt_kernel && !(m->kernel = sevirt_file_read(opt_kernel, MAX_IMAGE_SIZE, &m->kernel_len, error)))
        return FALSE;
    if (opt_initrd && !(m->initrd = sevirt_file_read(opt_initrd, MAX_IMAGE_SIZE, &m->initrd_len, error)))
        return FALSE;
    return TRUE;
}

static gboolean
parse_vcpus(MeasureMode mode, guint *vcpus, GError **error)
{
    guint64 v = 0;

    *vcpus = 0;
    if (mode != MODE_SNP && mode != MODE_SEVES)
        return TRUE;
    if (!opt_vcpus)
        return sevirt_cli_usage_error(error, _("option --vcpus is required with --mode %s"), mode_names[mode]);
    if (!sevirt_parse_uint("--vcpus", opt_vcpus, 4096, &v, error))
        return FALSE;
    if (v == 0)
        return sevirt_cli_usage_error(error, _("--vcpus: at least one vCPU is needed"));
    *vcpus = v;
    return TRUE;
}

static gboolean
measure_snp(const MeasureImages *m, guint vcpus, guint32 sig, SevirtVmmType vmm,
            guint8 *digest, GError **error)
{
    guint8 seed[SEVIRT_SNP_DIGEST_SIZE];
    guint64 features = 1;
    SevirtSnpLaunchInput in = {
        .firmware = m->ovmf, .firmware_len = m->ovmf_len, .firmware_name = opt_ovmf,
        .kernel = m->kernel, .kernel_len = m->kernel_len,
        .initrd = m->initrd, .initrd_len = m->initrd_len,
        /* sev-snp-measure measures an absent command line as "" */
        .cmdline = m->kernel ? (opt_append ? opt_append : "") : NULL,
        .num_cpus = vcpus, .cpu_signature = sig, .vmm = vmm,
    };

    if (opt_guest_features &&
        !sevirt_parse_uint("--guest-features", opt_guest_features, G_MAXUINT64, &features, error))
        return FALSE;
    in.guest_features = features;
    if (opt_snp_ovmf_hash) {
        if (!sevirt_snp_hex_parse("--snp-ovmf-hash", opt_snp_ovmf_hash, seed, sizeof(seed), error))
            return FALSE;
        in.ovmf_hash = seed;
    }
    return sevirt_snp_launch_digest(&in, digest, error);
}

static gboolean
measure_sev(MeasureMode mode, const MeasureImages *m, guint vcpus, guint32 sig,
            SevirtVmmType vmm, guint8 *digest, GError **error)
{
    SevirtLaunchInput in = {
        .firmware = m->ovmf, .firmware_len = m->ovmf_len,
        .kernel = m->kernel, .kernel_len = m->kernel_len,
        .initrd = m->initrd, .initrd_len = m->initrd_len,
        .cmdline = m->kernel ? (opt_append ? opt_append : "") : NULL,
        .num_cpus = mode == MODE_SEVES ? vcpus : 0,
        .cpu_signature = sig,
        /* sev-snp-measure's QEMU VMSAs carry the FPU reset values */
        .vmsa_flags = SEVIRT_VMSA_FPU_INIT,
    };

    if (vmm != SEVIRT_VMM_QEMU)
        return sevirt_cli_usage_error(error, _("--vmm-type %s is only measured for SEV-SNP guests (--mode snp)"),
                                      sevirt_vmm_type_to_string(vmm));
    if (opt_snp_ovmf_hash)
        return sevirt_cli_usage_error(error, _("--snp-ovmf-hash only applies to --mode snp"));
    return sevirt_launch_digest(&in, digest, error);
}

static char *
format_digest(const guint8 *digest, gsize len, GError **error)
{
    if (!opt_output_format || g_str_equal(opt_output_format, "hex"))
        return sevirt_cli_hex(digest, len);
    if (g_str_equal(opt_output_format, "base64"))
        return g_base64_encode(digest, len);
    sevirt_cli_usage_error(error, _("--output-format: unknown format '%s' (hex, base64)"),
                           opt_output_format);
    return NULL;
}

static void
print_measure_json(SevirtCli *cli, MeasureMode mode, guint vcpus, guint32 sig,
                   SevirtVmmType vmm, const char *out)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *sig_hex = g_strdup_printf("0x%x", sig);

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "measurement", out);
    sevirt_cli_json_add_string(b, "mode", mode_names[mode]);
    sevirt_cli_json_add_string(b, "ovmf", opt_ovmf);
    if (mode == MODE_SNP || mode == MODE_SEVES) {
        json_builder_set_member_name(b, "vcpus");
        json_builder_add_int_value(b, vcpus);
        sevirt_cli_json_add_string(b, "vcpu_sig", sig_hex);
        sevirt_cli_json_add_string(b, "vcpu_type", opt_vcpu_type);
        sevirt_cli_json_add_string(b, "vmm_type", sevirt_vmm_type_to_string(vmm));
    }
    if (mode == MODE_SNP) {
        sevirt_cli_json_add_string(b, "guest_features", opt_guest_features ? opt_guest_features : "0x1");
        sevirt_cli_json_add_string(b, "snp_ovmf_hash", opt_snp_ovmf_hash);
    }
    if (mode != MODE_OVMF_HASH) {
        sevirt_cli_json_add_string(b, "kernel", opt_kernel);
        sevirt_cli_json_add_string(b, "initrd", opt_initrd);
        sevirt_cli_json_add_string(b, "append", opt_append);
    }
    sevirt_cli_json_add_string(b, "output_format", opt_output_format ? opt_output_format : "hex");
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
cmd_measure(SevirtCli *cli, char **args G_GNUC_UNUSED, GError **error)
{
    g_auto(MeasureImages) m = { 0 };
    g_autofree char *out = NULL;
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];
    gsize digest_len = SEVIRT_SNP_DIGEST_SIZE;
    SevirtVmmType vmm = SEVIRT_VMM_QEMU;
    MeasureMode mode = MODE_SNP;
    guint32 sig = 0;
    guint vcpus = 0;
    gboolean ok;

    if (!parse_mode(&mode, error) ||
        (opt_vmm_type && !sevirt_vmm_type_parse("--vmm-type", opt_vmm_type, &vmm, error)) ||
        !parse_vcpus(mode, &vcpus, error) ||
        /* GCE and EC2 VMSAs carry a fixed RDX, SEV none at all */
        !parse_vcpu_signature((mode == MODE_SNP || mode == MODE_SEVES) && vmm == SEVIRT_VMM_QEMU,
                              &sig, error) ||
        !read_images(mode, &m, error))
        return FALSE;
    if (mode == MODE_OVMF_HASH)
        ok = sevirt_snp_ovmf_hash(m.ovmf, m.ovmf_len, digest, error);
    else if (mode == MODE_SNP)
        ok = measure_snp(&m, vcpus, sig, vmm, digest, error);
    else {
        ok = measure_sev(mode, &m, vcpus, sig, vmm, digest, error);
        digest_len = SEVIRT_LAUNCH_DIGEST_SIZE;
    }
    if (!ok || !(out = format_digest(digest, digest_len, error)))
        return FALSE;
    if (cli->json)
        print_measure_json(cli, mode, vcpus, sig, vmm, out);
    else
        printf("%s\n", out);
    return TRUE;
}

/* ---------------------------------------------------------------------- */

static const SevirtCmd snp_cmds[] = {
    { "measure", NULL,
      N_("compute the expected launch measurement of an SEV-SNP (or SEV, SEV-ES) guest (offline)"),
      N_("Takes sev-snp-measure's options and prints the digest alone, as it does:\n"
         "for SEV-SNP the MEASUREMENT of the attestation report (SHA-384, 96 hex\n"
         "digits), for SEV and SEV-ES the launch digest (SHA-256).  A firmware\n"
         "without SEV metadata cannot launch SNP guests and is refused."),
      measure_entries, 0, 0, cmd_measure, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_snp = {
    N_("SEV-SNP attestation (offline)"), snp_cmds,
};
