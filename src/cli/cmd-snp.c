/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP attestation commands for the guest owner, offline: measure
 * (sev-snp-measure's options), id-block (snp-create-id-block's),
 * verify-report and report-info.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli-keys.h"

/* Firmware, kernel and initrd are read whole; refuse absurd sizes. */
#define MAX_IMAGE_SIZE SEVIRT_SNP_IMAGE_FILE_MAX

/* ---------------------------------------------------------------------- */
/* measure */

typedef struct {
    char *mode;
    char *vcpus;
    char *vcpu_type;
    char *vcpu_sig;
    char *vcpu_family;
    char *vcpu_model;
    char *vcpu_stepping;
    char *vmm_type;
    char *ovmf;
    char *kernel;
    char *initrd;
    char *append;
    char *guest_features;
    char *output_format;
    char *snp_ovmf_hash;
} MeasureOpts;

static GOptionEntry *
measure_entries(gpointer data)
{
    MeasureOpts *o = data;
    const GOptionEntry entries[] = {
        { "mode", 0, 0, G_OPTION_ARG_STRING, &o->mode,
          N_("guest mode: snp (default), seves, sev, or snp:ovmf-hash (the firmware pages alone)"), N_("MODE") },
        { "vcpus", 0, 0, G_OPTION_ARG_STRING, &o->vcpus,
          N_("number of vCPUs (snp, seves)"), N_("N") },
        { "vcpu-type", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_type,
          N_("QEMU CPU model of the vCPUs: EPYC, EPYC-v4, EPYC-Rome, EPYC-Milan, EPYC-Genoa, EPYC-Turin ..."), N_("TYPE") },
        { "vcpu-sig", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_sig,
          N_("vCPU signature, CPUID(1).EAX (instead of --vcpu-type)"), N_("SIG") },
        { "vcpu-family", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_family,
          N_("vCPU family (with --vcpu-model and --vcpu-stepping, instead of --vcpu-type)"), N_("N") },
        { "vcpu-model", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_model,
          N_("vCPU model"), N_("N") },
        { "vcpu-stepping", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_stepping,
          N_("vCPU stepping"), N_("N") },
        { "vmm-type", 0, 0, G_OPTION_ARG_STRING, &o->vmm_type,
          N_("the VMM's conventions: QEMU (default), ec2 or gce"), N_("TYPE") },
        { "ovmf", 0, 0, G_OPTION_ARG_FILENAME, &o->ovmf,
          N_("the OVMF firmware image"), N_("FILE") },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &o->kernel,
          N_("kernel of a measured direct boot"), N_("FILE") },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &o->initrd,
          N_("initrd of a measured direct boot"), N_("FILE") },
        { "append", 0, 0, G_OPTION_ARG_STRING, &o->append,
          N_("kernel command line of a measured direct boot"), N_("CMDLINE") },
        { "guest-features", 0, 0, G_OPTION_ARG_STRING, &o->guest_features,
          N_("SEV_FEATURES of the vCPUs (default 0x1, SNPActive; 0x21 adds DebugSwap)"), N_("N") },
        { "output-format", 0, 0, G_OPTION_ARG_STRING, &o->output_format,
          N_("hex (default) or base64"), N_("FORMAT") },
        { "snp-ovmf-hash", 0, 0, G_OPTION_ARG_STRING, &o->snp_ovmf_hash,
          N_("precomputed hash of the firmware pages (from --mode snp:ovmf-hash), in hex"), N_("HEX") },
        { NULL }
};

    return g_memdup2(entries, sizeof(entries));
}

typedef enum {
    MODE_SNP,
    MODE_SEVES,
    MODE_SEV,
    MODE_OVMF_HASH,
} MeasureMode;

static const char *const mode_names[] = { "snp", "seves", "sev", "snp:ovmf-hash" };

/* The images a measurement reads, freed together. */
typedef struct {
    GMappedFile *ovmf_map;
    const guint8 *ovmf;       /* in ovmf_map */
    gsize ovmf_len;
    guint8 *kernel;
    gsize kernel_len;
    guint8 *initrd;
    gsize initrd_len;
} MeasureImages;

static void
measure_images_clear(MeasureImages *m)
{
    g_clear_pointer(&m->ovmf_map, g_mapped_file_unref);
    g_free(m->kernel);
    g_free(m->initrd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MeasureImages, measure_images_clear)

static gboolean
parse_mode(const MeasureOpts *o, MeasureMode *mode, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(mode_names); i++) {
        if (g_strcmp0(o->mode ? o->mode : "snp", mode_names[i]) == 0) {
            *mode = i;
            return TRUE;
        }
    }
    /* sev-snp-measure also spells it sev-es */
    if (g_strcmp0(o->mode, "sev-es") == 0) {
        *mode = MODE_SEVES;
        return TRUE;
    }
    if (g_strcmp0(o->mode, "snp:svsm") == 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("--mode snp:svsm: sevirt does not measure guests under an SVSM"));
        return FALSE;
    }
    return sevirt_cli_usage_error(error, _("--mode: unknown mode '%s' (snp, seves, sev, snp:ovmf-hash)"),
                                  o->mode);
}

/* The signature from --vcpu-type, --vcpu-sig or --vcpu-family/model/stepping. */
static gboolean
parse_vcpu_signature(const MeasureOpts *o, gboolean needed, guint32 *sig, GError **error)
{
    guint given = !!o->vcpu_type + !!o->vcpu_sig +
                  !!(o->vcpu_family || o->vcpu_model || o->vcpu_stepping);
    guint64 v = 0, family = 0, model = 0, stepping = 0;

    *sig = 0;
    if (given > 1)
        return sevirt_cli_usage_error(error, _("give only one of --vcpu-type, --vcpu-sig and --vcpu-family/--vcpu-model/--vcpu-stepping"));
    if (o->vcpu_type)
        return sevirt_vcpu_type_signature("--vcpu-type", o->vcpu_type, sig, error);
    if (o->vcpu_sig) {
        if (!sevirt_parse_uint("--vcpu-sig", o->vcpu_sig, G_MAXUINT32, &v, error))
            return FALSE;
        *sig = v;
        return TRUE;
    }
    if (o->vcpu_family || o->vcpu_model || o->vcpu_stepping) {
        if (!o->vcpu_family || !o->vcpu_model || !o->vcpu_stepping)
            return sevirt_cli_usage_error(error, _("--vcpu-family, --vcpu-model and --vcpu-stepping go together"));
        if (!sevirt_parse_uint("--vcpu-family", o->vcpu_family, 0xfff, &family, error) ||
            !sevirt_parse_uint("--vcpu-model", o->vcpu_model, 0xff, &model, error) ||
            !sevirt_parse_uint("--vcpu-stepping", o->vcpu_stepping, 0xf, &stepping, error))
            return FALSE;
        *sig = sevirt_cpu_signature(family, model, stepping);
        return TRUE;
    }
    if (needed)
        return sevirt_cli_usage_error(error, _("the vCPU signature is measured: give --vcpu-type, --vcpu-sig or --vcpu-family/--vcpu-model/--vcpu-stepping"));
    return TRUE;
}

/* Usage first: which images go together. */
static gboolean
check_images(const MeasureOpts *o, MeasureMode mode, GError **error)
{
    if (!o->ovmf)
        return sevirt_cli_usage_error(error, _("option --ovmf is required"));
    if (mode == MODE_OVMF_HASH && (o->kernel || o->initrd || o->append || o->snp_ovmf_hash))
        return sevirt_cli_usage_error(error, _("--mode snp:ovmf-hash measures the firmware alone: --kernel, --initrd, --append and --snp-ovmf-hash do not apply"));
    if (!o->kernel && (o->initrd || o->append))
        return sevirt_cli_usage_error(error, _("--initrd and --append are only measured with --kernel"));
    return TRUE;
}

/* SEV, SEV-ES and snp:ovmf-hash; SNP reads its files in the library. */
static gboolean
read_images(const MeasureOpts *o, MeasureImages *m, GError **error)
{
    /* mapped, not read: see sevirt_file_map() */
    if (!(m->ovmf_map = sevirt_file_map(o->ovmf, MAX_IMAGE_SIZE, error)))
        return FALSE;
    m->ovmf_len = g_mapped_file_get_length(m->ovmf_map);
    m->ovmf = m->ovmf_len ? (const guint8 *) g_mapped_file_get_contents(m->ovmf_map)
                          : (const guint8 *) "";
    if (o->kernel && !(m->kernel = sevirt_file_read(o->kernel, MAX_IMAGE_SIZE, &m->kernel_len, error)))
        return FALSE;
    if (o->initrd && !(m->initrd = sevirt_file_read(o->initrd, MAX_IMAGE_SIZE, &m->initrd_len, error)))
        return FALSE;
    return TRUE;
}

static gboolean
parse_vcpus(const MeasureOpts *o, MeasureMode mode, guint *vcpus, GError **error)
{
    guint64 v = 0;

    *vcpus = 0;
    if (mode != MODE_SNP && mode != MODE_SEVES)
        return TRUE;
    if (!o->vcpus)
        return sevirt_cli_usage_error(error, _("option --vcpus is required with --mode %s"), mode_names[mode]);
    if (!sevirt_parse_uint("--vcpus", o->vcpus, 4096, &v, error))
        return FALSE;
    if (v == 0)
        return sevirt_cli_usage_error(error, _("--vcpus: at least one vCPU is needed"));
    *vcpus = v;
    return TRUE;
}

static gboolean
measure_snp(const MeasureOpts *o, guint vcpus, guint32 sig, SevirtVmmType vmm, guint8 *digest,
            GError **error)
{
    guint8 seed[SEVIRT_SNP_DIGEST_SIZE];
    guint64 features = 1;
    SevirtSnpLaunchFiles files = {
        .firmware = o->ovmf, .kernel = o->kernel, .initrd = o->initrd, .cmdline = o->append,
        .num_cpus = vcpus, .cpu_signature = sig, .vmm = vmm,
    };

    if (o->guest_features &&
        !sevirt_parse_uint("--guest-features", o->guest_features, G_MAXUINT64, &features, error))
        return FALSE;
    files.guest_features = features;
    if (o->snp_ovmf_hash) {
        if (!sevirt_snp_hex_parse("--snp-ovmf-hash", o->snp_ovmf_hash, seed, sizeof(seed), error))
            return FALSE;
        files.ovmf_hash = seed;
    }
    return sevirt_snp_launch_digest_files(&files, digest, error);
}

static gboolean
measure_sev(const MeasureOpts *o, MeasureMode mode, const MeasureImages *m, guint vcpus, guint32 sig,
            SevirtVmmType vmm, guint8 *digest, GError **error)
{
    SevirtLaunchInput in = {
        .firmware = m->ovmf, .firmware_len = m->ovmf_len,
        .kernel = m->kernel, .kernel_len = m->kernel_len,
        .initrd = m->initrd, .initrd_len = m->initrd_len,
        .cmdline = m->kernel ? (o->append ? o->append : "") : NULL,
        .num_cpus = mode == MODE_SEVES ? vcpus : 0,
        .cpu_signature = sig,
        /* sev-snp-measure's QEMU VMSAs carry the FPU reset values */
        .vmsa_flags = SEVIRT_VMSA_FPU_INIT,
    };

    if (vmm != SEVIRT_VMM_QEMU)
        return sevirt_cli_usage_error(error, _("--vmm-type %s is only measured for SEV-SNP guests (--mode snp)"),
                                      sevirt_vmm_type_to_string(vmm));
    if (o->snp_ovmf_hash)
        return sevirt_cli_usage_error(error, _("--snp-ovmf-hash only applies to --mode snp"));
    return sevirt_launch_digest(&in, digest, error);
}

static char *
format_digest(const MeasureOpts *o, const guint8 *digest, gsize len, GError **error)
{
    if (!o->output_format || g_str_equal(o->output_format, "hex"))
        return sevirt_cli_hex(digest, len);
    if (g_str_equal(o->output_format, "base64"))
        return g_base64_encode(digest, len);
    sevirt_cli_usage_error(error, _("--output-format: unknown format '%s' (hex, base64)"),
                           o->output_format);
    return NULL;
}

static void
print_measure_json(SevirtCli *cli, const MeasureOpts *o, MeasureMode mode, guint vcpus, guint32 sig,
                   SevirtVmmType vmm, const char *out)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *sig_hex = g_strdup_printf("0x%x", sig);

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "measurement", out);
    sevirt_cli_json_add_string(b, "mode", mode_names[mode]);
    sevirt_cli_json_add_string(b, "ovmf", o->ovmf);
    if (mode == MODE_SNP || mode == MODE_SEVES) {
        json_builder_set_member_name(b, "vcpus");
        json_builder_add_int_value(b, vcpus);
        sevirt_cli_json_add_string(b, "vcpu_sig", sig_hex);
        sevirt_cli_json_add_string(b, "vcpu_type", o->vcpu_type);
        sevirt_cli_json_add_string(b, "vmm_type", sevirt_vmm_type_to_string(vmm));
    }
    if (mode == MODE_SNP) {
        sevirt_cli_json_add_string(b, "guest_features", o->guest_features ? o->guest_features : "0x1");
        sevirt_cli_json_add_string(b, "snp_ovmf_hash", o->snp_ovmf_hash);
    }
    if (mode != MODE_OVMF_HASH) {
        sevirt_cli_json_add_string(b, "kernel", o->kernel);
        sevirt_cli_json_add_string(b, "initrd", o->initrd);
        sevirt_cli_json_add_string(b, "append", o->append);
    }
    sevirt_cli_json_add_string(b, "output_format", o->output_format ? o->output_format : "hex");
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
cmd_measure(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED, GError **error)
{
    const MeasureOpts *o = opts;
    g_auto(MeasureImages) m = { 0 };
    g_autofree char *out = NULL;
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];
    gsize digest_len = SEVIRT_SNP_DIGEST_SIZE;
    SevirtVmmType vmm = SEVIRT_VMM_QEMU;
    MeasureMode mode = MODE_SNP;
    guint32 sig = 0;
    guint vcpus = 0;
    gboolean ok;

    if (!parse_mode(o, &mode, error) ||
        (o->vmm_type && !sevirt_vmm_type_parse("--vmm-type", o->vmm_type, &vmm, error)) ||
        !parse_vcpus(o, mode, &vcpus, error) ||
        /* GCE and EC2 VMSAs carry a fixed RDX, SEV none at all */
        !parse_vcpu_signature(o, (mode == MODE_SNP || mode == MODE_SEVES) && vmm == SEVIRT_VMM_QEMU,
                              &sig, error) ||
        !check_images(o, mode, error) ||
        (mode != MODE_SNP && !read_images(o, &m, error)))
        return FALSE;
    if (mode == MODE_OVMF_HASH)
        ok = sevirt_snp_ovmf_hash(m.ovmf, m.ovmf_len, digest, error);
    else if (mode == MODE_SNP)
        ok = measure_snp(o, vcpus, sig, vmm, digest, error);
    else {
        ok = measure_sev(o, mode, &m, vcpus, sig, vmm, digest, error);
        digest_len = SEVIRT_LAUNCH_DIGEST_SIZE;
    }
    if (!ok || !(out = format_digest(o, digest, digest_len, error)))
        return FALSE;
    if (cli->json)
        print_measure_json(cli, o, mode, vcpus, sig, vmm, out);
    else
        printf("%s\n", out);
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* report-info, verify-report */

static char *
hex_of(const guint8 *data, gsize len)
{
    return sevirt_cli_hex(data, len);
}

static void
json_add_hex(JsonBuilder *b, const char *member, const guint8 *data, gsize len)
{
    g_autofree char *h = hex_of(data, len);

    sevirt_cli_json_add_string(b, member, h);
}

static void
json_add_uint(JsonBuilder *b, const char *member, guint64 v)
{
    json_builder_set_member_name(b, member);
    json_builder_add_int_value(b, (gint64) v);
}

static void
json_add_strv(JsonBuilder *b, const char *member, char **v)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (guint i = 0; v[i]; i++)
        json_builder_add_string_value(b, v[i]);
    json_builder_end_array(b);
}

static void
json_add_tcb(JsonBuilder *b, const char *member, guint64 tcb, gboolean turin)
{
    g_autofree char *decoded = g_strconcat(member, "_decoded", NULL);
    SevirtSnpTcb t;

    sevirt_snp_tcb_decode(tcb, turin, &t);
    json_add_uint(b, member, tcb);
    json_builder_set_member_name(b, decoded);
    json_builder_begin_object(b);
    if (turin)
        json_add_uint(b, "fmc", t.fmc);
    json_add_uint(b, "bootloader", t.bootloader);
    json_add_uint(b, "tee", t.tee);
    json_add_uint(b, "snp", t.snp);
    json_add_uint(b, "microcode", t.microcode);
    json_builder_end_object(b);
}

/* Every field of the report, as snpguest and go-sev-guest name them. */
static void
json_add_report(JsonBuilder *b, const SevirtSnpReport *r)
{
    gboolean turin = sevirt_snp_report_is_turin(r);
    g_auto(GStrv) policy = sevirt_snp_policy_flags(r->policy);
    g_auto(GStrv) platform = sevirt_snp_platform_info_flags(r->platform_info);

    json_add_uint(b, "version", r->version);
    json_add_uint(b, "guest_svn", r->guest_svn);
    json_add_uint(b, "policy", r->policy);
    json_add_strv(b, "policy_flags", policy);
    json_add_uint(b, "policy_abi_major", (r->policy >> 8) & 0xff);
    json_add_uint(b, "policy_abi_minor", r->policy & 0xff);
    json_add_hex(b, "family_id", r->family_id, 16);
    json_add_hex(b, "image_id", r->image_id, 16);
    json_add_uint(b, "vmpl", r->vmpl);
    json_add_uint(b, "signature_algo", r->signature_algo);
    json_add_tcb(b, "current_tcb", r->current_tcb, turin);
    json_add_uint(b, "platform_info", r->platform_info);
    json_add_strv(b, "platform_info_flags", platform);
    json_add_uint(b, "signer_info", r->signer_info);
    json_builder_set_member_name(b, "author_key_en");
    json_builder_add_boolean_value(b, r->signer_info & 1);
    json_builder_set_member_name(b, "mask_chip_key");
    json_builder_add_boolean_value(b, (r->signer_info >> 1) & 1);
    sevirt_cli_json_add_string(b, "signing_key",
                               sevirt_snp_signer_to_string(sevirt_snp_report_get_signer(r)));
    json_add_hex(b, "report_data", r->report_data, 64);
    json_add_hex(b, "measurement", r->measurement, 48);
    json_add_hex(b, "host_data", r->host_data, 32);
    json_add_hex(b, "id_key_digest", r->id_key_digest, 48);
    json_add_hex(b, "author_key_digest", r->author_key_digest, 48);
    json_add_hex(b, "report_id", r->report_id, 32);
    json_add_hex(b, "report_id_ma", r->report_id_ma, 32);
    json_add_tcb(b, "reported_tcb", r->reported_tcb, turin);
    if (r->version >= 3) {
        json_add_uint(b, "cpuid_fam_id", r->cpuid_fam_id);
        json_add_uint(b, "cpuid_mod_id", r->cpuid_mod_id);
        json_add_uint(b, "cpuid_step", r->cpuid_step);
    }
    json_add_hex(b, "chip_id", r->chip_id, 64);
    json_add_tcb(b, "committed_tcb", r->committed_tcb, turin);
    json_add_uint(b, "current_build", r->current_build);
    json_add_uint(b, "current_minor", r->current_minor);
    json_add_uint(b, "current_major", r->current_major);
    json_add_uint(b, "committed_build", r->committed_build);
    json_add_uint(b, "committed_minor", r->committed_minor);
    json_add_uint(b, "committed_major", r->committed_major);
    json_add_tcb(b, "launch_tcb", r->launch_tcb, turin);
    if (r->version >= 5) {
        json_add_uint(b, "launch_mit_vector", r->launch_mit_vector);
        json_add_uint(b, "current_mit_vector", r->current_mit_vector);
    }
    json_add_hex(b, "signature_r", r->raw + 0x2A0, 72);
    json_add_hex(b, "signature_s", r->raw + 0x2E8, 72);
}

static void
print_line(const char *label, const char *value)
{
    printf("%-26s %s\n", label, value);
}

static void
print_hex(const char *label, const guint8 *data, gsize len)
{
    g_autofree char *h = hex_of(data, len);

    print_line(label, h);
}

static void
print_tcb(const char *label, guint64 tcb, gboolean turin)
{
    SevirtSnpTcb t;
    g_autofree char *s = NULL;

    sevirt_snp_tcb_decode(tcb, turin, &t);
    if (turin)
        s = g_strdup_printf("0x%016" G_GINT64_MODIFIER "x (fmc=%u, bootloader=%u, tee=%u, snp=%u, microcode=%u)",
                            tcb, t.fmc, t.bootloader, t.tee, t.snp, t.microcode);
    else
        s = g_strdup_printf("0x%016" G_GINT64_MODIFIER "x (bootloader=%u, tee=%u, snp=%u, microcode=%u)",
                            tcb, t.bootloader, t.tee, t.snp, t.microcode);
    print_line(label, s);
}

static void G_GNUC_PRINTF(2, 3)
print_fmt(const char *label, const char *fmt, ...)
{
    g_autofree char *value = NULL;
    va_list ap;

    va_start(ap, fmt);
    value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    print_line(label, value);
}

static void
print_report(const SevirtSnpReport *r)
{
    gboolean turin = sevirt_snp_report_is_turin(r);
    g_auto(GStrv) policy = sevirt_snp_policy_flags(r->policy);
    g_auto(GStrv) platform = sevirt_snp_platform_info_flags(r->platform_info);
    g_autofree char *pol = g_strjoinv(", ", policy);
    g_autofree char *plat = g_strjoinv(", ", platform);

    print_fmt(_("Version:"), "%u", r->version);
    print_fmt(_("Guest SVN:"), "%u", r->guest_svn);
    print_fmt(_("Policy:"), "0x%" G_GINT64_MODIFIER "x (ABI %u.%u; %s)", r->policy,
              (guint) ((r->policy >> 8) & 0xff), (guint) (r->policy & 0xff), pol);
    print_hex(_("Family ID:"), r->family_id, 16);
    print_hex(_("Image ID:"), r->image_id, 16);
    print_fmt(_("VMPL:"), "%u", r->vmpl);
    print_fmt(_("Signature algorithm:"), "%u", r->signature_algo);
    print_tcb(_("Current TCB:"), r->current_tcb, turin);
    print_fmt(_("Platform info:"), "0x%" G_GINT64_MODIFIER "x (%s)", r->platform_info, plat);
    print_fmt(_("Signing key:"), "%s (author key %s, chip key %s)",
              sevirt_snp_signer_to_string(sevirt_snp_report_get_signer(r)),
              (r->signer_info & 1) ? "enabled" : "disabled",
              (r->signer_info & 2) ? "masked" : "not masked");
    print_hex(_("Report data:"), r->report_data, 64);
    print_hex(_("Measurement:"), r->measurement, 48);
    print_hex(_("Host data:"), r->host_data, 32);
    print_hex(_("ID key digest:"), r->id_key_digest, 48);
    print_hex(_("Author key digest:"), r->author_key_digest, 48);
    print_hex(_("Report ID:"), r->report_id, 32);
    print_hex(_("Report ID of MA:"), r->report_id_ma, 32);
    print_tcb(_("Reported TCB:"), r->reported_tcb, turin);
    if (r->version >= 3)
        print_fmt(_("CPUID family/model/step:"), "0x%x/0x%x/0x%x",
                  r->cpuid_fam_id, r->cpuid_mod_id, r->cpuid_step);
    print_hex(_("Chip ID:"), r->chip_id, 64);
    print_tcb(_("Committed TCB:"), r->committed_tcb, turin);
    print_fmt(_("Current firmware:"), "%u.%u build %u",
              r->current_major, r->current_minor, r->current_build);
    print_fmt(_("Committed firmware:"), "%u.%u build %u",
              r->committed_major, r->committed_minor, r->committed_build);
    print_tcb(_("Launch TCB:"), r->launch_tcb, turin);
    if (r->version >= 5) {
        print_fmt(_("Launch mitigation vector:"), "0x%" G_GINT64_MODIFIER "x", r->launch_mit_vector);
        print_fmt(_("Current mitigation vector:"), "0x%" G_GINT64_MODIFIER "x", r->current_mit_vector);
    }
    print_hex(_("Signature R:"), r->raw + 0x2A0, 48);
    print_hex(_("Signature S:"), r->raw + 0x2E8, 48);
}

static gboolean
cmd_report_info(SevirtCli *cli, gconstpointer opts G_GNUC_UNUSED, char **args, GError **error)
{
    SevirtSnpReport r;

    if (!sevirt_snp_report_read(args[0], &r, error))
        return FALSE;
    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_add_report(b, &r);
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
    } else {
        print_report(&r);
    }
    return TRUE;
}

typedef struct {
    char *vcek;
    char *vlek;
    char *ark;
    char *ask;
    char *asvk;
    char *cert_chain;
    char *measurement;
    char *report_data;
    char *host_data;
    char *policy;
    char *policy_require;
    char *policy_deny;
    char *id_key_digest;
    char *author_key_digest;
    char *min_tcb;
    char *vmpl;
    char *chip_id;
} VerifyReportOpts;

static GOptionEntry *
verify_report_entries(gpointer data)
{
    VerifyReportOpts *o = data;
    const GOptionEntry entries[] = {
        { "vcek", 0, 0, G_OPTION_ARG_FILENAME, &o->vcek,
          N_("the chip's VCEK certificate (DER or PEM), from AMD's KDS or the host"), N_("FILE") },
        { "vlek", 0, 0, G_OPTION_ARG_FILENAME, &o->vlek,
          N_("the cloud provider's VLEK certificate (DER or PEM)"), N_("FILE") },
        { "cert-chain", 0, 0, G_OPTION_ARG_FILENAME, &o->cert_chain,
          N_("AMD's cert_chain PEM: the ASK (ASVK for a VLEK) then the ARK"), N_("FILE") },
        { "ark", 0, 0, G_OPTION_ARG_FILENAME, &o->ark,
          N_("AMD root key certificate of the product line"), N_("FILE") },
        { "ask", 0, 0, G_OPTION_ARG_FILENAME, &o->ask,
          N_("AMD signing key certificate (the ASVK for a VLEK)"), N_("FILE") },
        { "asvk", 0, 0, G_OPTION_ARG_FILENAME, &o->asvk,
          N_("same as --ask, for a VLEK"), N_("FILE") },
        { "measurement", 0, 0, G_OPTION_ARG_STRING, &o->measurement,
          N_("expected launch measurement (48 bytes, hex or base64; see 'sevirt measure')"), N_("HEX") },
        { "report-data", 0, 0, G_OPTION_ARG_STRING, &o->report_data,
          N_("expected report data, the nonce the guest asked with (64 bytes)"), N_("HEX") },
        { "host-data", 0, 0, G_OPTION_ARG_STRING, &o->host_data,
          N_("expected host data (32 bytes)"), N_("HEX") },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &o->policy,
          N_("expected guest policy, exactly (e.g. 0x30000)"), N_("N") },
        { "policy-require", 0, 0, G_OPTION_ARG_STRING, &o->policy_require,
          N_("policy flags that must be set (comma-separated: smt, migrate-ma, debug, single-socket, ...)"), N_("FLAGS") },
        { "policy-deny", 0, 0, G_OPTION_ARG_STRING, &o->policy_deny,
          N_("policy flags that must not be set (e.g. debug,migrate-ma)"), N_("FLAGS") },
        { "id-key-digest", 0, 0, G_OPTION_ARG_STRING, &o->id_key_digest,
          N_("expected ID key digest (48 bytes; see 'sevirt id-block')"), N_("HEX") },
        { "author-key-digest", 0, 0, G_OPTION_ARG_STRING, &o->author_key_digest,
          N_("expected author key digest (48 bytes)"), N_("HEX") },
        { "min-tcb", 0, 0, G_OPTION_ARG_STRING, &o->min_tcb,
          N_("lowest acceptable reported TCB: bootloader=N,tee=N,snp=N,microcode=N (fmc=N on Turin)"), N_("TCB") },
        { "vmpl", 0, 0, G_OPTION_ARG_STRING, &o->vmpl,
          N_("expected VMPL the report was requested at"), N_("N") },
        { "chip-id", 0, 0, G_OPTION_ARG_STRING, &o->chip_id,
          N_("expected chip id (64 bytes)"), N_("HEX") },
        { NULL }
};

    return g_memdup2(entries, sizeof(entries));
}

/* Buffers behind SevirtSnpExpect's pointers. */
typedef struct {
    guint8 measurement[48];
    guint8 report_data[64];
    guint8 host_data[32];
    guint8 id_key_digest[48];
    guint8 author_key_digest[48];
    guint8 chip_id[64];
} ExpectBufs;

static gboolean
parse_bytes_opt(const char *name, const char *value, guint8 *buf, gsize len,
                const guint8 **target, GError **error)
{
    if (!value)
        return TRUE;
    if (!sevirt_snp_bytes_parse(name, value, buf, len, error))
        return FALSE;
    *target = buf;
    return TRUE;
}

static gboolean
parse_expect(const VerifyReportOpts *o, SevirtSnpExpect *x, ExpectBufs *bufs, GError **error)
{
    guint64 v = 0;

    if (!parse_bytes_opt("--measurement", o->measurement, bufs->measurement, 48, &x->measurement, error) ||
        !parse_bytes_opt("--report-data", o->report_data, bufs->report_data, 64, &x->report_data, error) ||
        !parse_bytes_opt("--host-data", o->host_data, bufs->host_data, 32, &x->host_data, error) ||
        !parse_bytes_opt("--id-key-digest", o->id_key_digest, bufs->id_key_digest, 48, &x->id_key_digest, error) ||
        !parse_bytes_opt("--author-key-digest", o->author_key_digest, bufs->author_key_digest, 48,
                         &x->author_key_digest, error) ||
        !parse_bytes_opt("--chip-id", o->chip_id, bufs->chip_id, 64, &x->chip_id, error))
        return FALSE;
    if (o->policy) {
        if (!sevirt_parse_uint("--policy", o->policy, G_MAXUINT64, &x->policy, error))
            return FALSE;
        x->check_policy = TRUE;
    }
    if ((o->policy_require &&
         !sevirt_snp_policy_flag_parse("--policy-require", o->policy_require, &x->policy_require, error)) ||
        (o->policy_deny &&
         !sevirt_snp_policy_flag_parse("--policy-deny", o->policy_deny, &x->policy_deny, error)))
        return FALSE;
    if (x->policy_require & x->policy_deny)
        return sevirt_cli_usage_error(error, _("--policy-require and --policy-deny name the same flag"));
    if (o->min_tcb) {
        if (!sevirt_snp_tcb_parse("--min-tcb", o->min_tcb, &x->min_tcb, error))
            return FALSE;
        x->check_min_tcb = TRUE;
    }
    if (o->vmpl) {
        if (!sevirt_parse_uint("--vmpl", o->vmpl, 3, &v, error))
            return FALSE;
        x->vmpl = v;
        x->check_vmpl = TRUE;
    }
    return TRUE;
}

/*
 * The "root" line of every verification: which ARK the chain ends in, and,
 * loudly, when it is not one of AMD's (a root the user named).
 */
static SevirtSnpCheck *
root_check(const SevirtSnpCert *ark, const char *builtin_generation)
{
    SevirtSnpCheck *c = g_new0(SevirtSnpCheck, 1);

    c->name = g_strdup("root");
    c->passed = TRUE;
    if (builtin_generation)
        c->detail = g_strdup_printf(_("AMD's %s ARK, built into sevirt"), builtin_generation);
    else if (sevirt_snp_cert_is_amd_ark(ark))
        c->detail = g_strdup(_("the ARK given is one of AMD's"));
    else
        c->detail = g_strdup(_("WARNING: the ARK given is NOT AMD's: this proves nothing about AMD hardware"));
    return c;
}

static gboolean
load_verify_certs(const VerifyReportOpts *o, SevirtSnpCert **vek, SevirtSnpCert **ark,
                  SevirtSnpCert **ask, const char **builtin_generation, GError **error)
{
    /* --asvk names the ASK of a VLEK chain */
    const char *ask_file = o->ask ? o->ask : o->asvk;

    if (!!o->vcek == !!o->vlek)
        return sevirt_cli_usage_error(error, _("give exactly one of --vcek and --vlek"));
    if (o->ask && o->asvk)
        return sevirt_cli_usage_error(error, _("--ask and --asvk are the same option: give one"));
    if (o->cert_chain && (o->ark || ask_file))
        return sevirt_cli_usage_error(error, _("--cert-chain and --ark/--ask are mutually exclusive"));
    if (!o->cert_chain && !!o->ark != !!ask_file)
        return sevirt_cli_usage_error(error, _("--ark and --ask go together"));
    if (!(*vek = sevirt_snp_cert_read(o->vcek ? o->vcek : o->vlek, error)))
        return FALSE;
    if (o->cert_chain)
        return sevirt_snp_cert_chain_read(o->cert_chain, ask, ark, error);
    if (o->ark)
        return (*ark = sevirt_snp_cert_read(o->ark, error)) &&
               (*ask = sevirt_snp_cert_read(ask_file, error));
    if (!sevirt_snp_cert_builtin_roots(*vek, ark, ask, builtin_generation, error)) {
        g_autofree char *message = NULL;

        g_prefix_error(error, "'%s': ", o->vcek ? o->vcek : o->vlek);
        message = (*error)->message;
        (*error)->message = g_strdup_printf(_("%s; to verify under another root, run with --cert-chain FILE, or --ark FILE and --ask FILE"),
                                            message);
        return FALSE;
    }
    return TRUE;
}

static void
json_add_checks(JsonBuilder *b, GPtrArray *checks)
{
    json_builder_set_member_name(b, "checks");
    json_builder_begin_array(b);
    for (guint i = 0; i < checks->len; i++) {
        SevirtSnpCheck *c = checks->pdata[i];

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "name", c->name);
        json_builder_set_member_name(b, "passed");
        json_builder_add_boolean_value(b, c->passed);
        sevirt_cli_json_add_string(b, "detail", c->detail);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
print_checks(GPtrArray *checks, guint from)
{
    for (guint i = from; i < checks->len; i++) {
        SevirtSnpCheck *c = checks->pdata[i];

        printf("%s %-18s %s\n", c->passed ? "PASS" : "FAIL", c->name, c->detail);
    }
}

static void
add_failed_names(GString *failed, GPtrArray *checks)
{
    for (guint i = 0; i < checks->len; i++) {
        SevirtSnpCheck *c = checks->pdata[i];

        if (!c->passed && !strstr(failed->str, c->name))
            g_string_append_printf(failed, "%s%s", failed->len ? ", " : "", c->name);
    }
}

/* One report of a (batch) verification; the chain checks are shared. */
static gboolean
verify_one(SevirtCli *cli, const char *path, gboolean roots_ok,
           const SevirtSnpCert *vek, const SevirtSnpExpect *x, GPtrArray *chain_checks,
           JsonBuilder *b, gboolean batch, GString *failed, GError **error)
{
    g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
    SevirtSnpReport r;
    gboolean ok;

    if (!sevirt_snp_report_read(path, &r, error))
        return FALSE;
    for (guint i = 0; i < chain_checks->len; i++) {
        SevirtSnpCheck *c = chain_checks->pdata[i];
        SevirtSnpCheck *copy = g_new0(SevirtSnpCheck, 1);

        copy->name = g_strdup(c->name);
        copy->passed = c->passed;
        copy->detail = g_strdup(c->detail);
        g_ptr_array_add(checks, copy);
    }
    /* the VEK's own link was checked with the roots: do not repeat it */
    ok = sevirt_snp_report_verify(&r, NULL, vek, x, checks) && roots_ok;
    if (cli->json) {
        json_builder_begin_object(b);
        if (batch)
            sevirt_cli_json_add_string(b, "file", path);
        json_builder_set_member_name(b, "verified");
        json_builder_add_boolean_value(b, ok);
        json_add_checks(b, checks);
        json_builder_set_member_name(b, "report");
        json_builder_begin_object(b);
        json_add_report(b, &r);
        json_builder_end_object(b);
        json_builder_end_object(b);
    } else {
        if (batch)
            printf("%s:\n", path);
        print_checks(checks, batch ? chain_checks->len : 0);
    }
    if (!ok)
        add_failed_names(failed, checks);
    return TRUE;
}

static gboolean
cmd_verify_report(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const VerifyReportOpts *o = opts;
    g_autoptr(SevirtSnpCert) vek = NULL;
    g_autoptr(SevirtSnpCert) ark = NULL;
    g_autoptr(SevirtSnpCert) ask = NULL;
    g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(GString) failed = g_string_new(NULL);
    SevirtSnpExpect x = { 0 };
    ExpectBufs bufs;
    SevirtSnpRoots roots;
    gboolean batch = args[1] != NULL;
    gboolean roots_ok;
    guint n_failed = 0;
    const char *builtin_generation = NULL;
    GError *e = NULL;

    if (!parse_expect(o, &x, &bufs, error) ||
        !load_verify_certs(o, &vek, &ark, &ask, &builtin_generation, error))
        return FALSE;
    g_ptr_array_add(chain, root_check(ark, builtin_generation));
    roots.ark = ark;
    roots.ask = ask;
    /* the chain is the same for every report: check it once */
    roots_ok = sevirt_snp_roots_verify(&roots, chain);
    sevirt_snp_cert_verify_issued(vek, ask, &e);
    {
        SevirtSnpCheck *c = g_new0(SevirtSnpCheck, 1);

        c->name = g_strdup("vek");
        c->passed = e == NULL;
        c->detail = g_strdup(e ? e->message : _("the VCEK/VLEK is signed by the ASK/ASVK"));
        g_ptr_array_add(chain, c);
        roots_ok &= e == NULL;
        g_clear_error(&e);
    }
    if (batch && !cli->json)
        print_checks(chain, 0);
    if (cli->json && batch) {
        json_builder_begin_object(b);
        json_add_checks(b, chain);
        json_builder_set_member_name(b, "reports");
        json_builder_begin_array(b);
    }
    for (guint i = 0; args[i]; i++) {
        guint before = failed->len;

        if (!verify_one(cli, args[i], roots_ok, vek, &x, chain, b, batch, failed, error))
            return FALSE;
        if (failed->len != before || !roots_ok)
            n_failed++;
    }
    if (cli->json) {
        if (batch) {
            json_builder_end_array(b);
            json_builder_set_member_name(b, "verified");
            json_builder_add_boolean_value(b, n_failed == 0);
            json_builder_end_object(b);
        }
        sevirt_cli_print_json(cli, json_builder_get_root(b));
    }
    if (n_failed) {
        if (!failed->len)
            add_failed_names(failed, chain);
        if (batch)
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                        _("%u of %u attestation reports do not verify (failed: %s)"),
                        n_failed, g_strv_length(args), failed->str);
        else
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                        _("Attestation report '%s' does not verify (failed: %s)"), args[0], failed->str);
        return FALSE;
    }
    if (!cli->json && batch)
        sevirt_cli_step(cli, _("all %u attestation reports verify"), g_strv_length(args));
    else if (!cli->json)
        sevirt_cli_step(cli, _("the attestation report verifies"));
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* id-block */

typedef struct {
    char *measurement;
    char *idkey;
    char *authorkey;
    char *policy;
    char *family_id;
    char *image_id;
    char *svn;
    char *version;
    char *id_block_out;
    char *id_auth_out;
    char *id_key;         /* sev-snp-measure's spelling of --idkey */
    char *author_key;
    gboolean insecure_keys;
} IdBlockOpts;

static GOptionEntry *
id_block_entries(gpointer data)
{
    IdBlockOpts *o = data;
    const GOptionEntry entries[] = {
        { "measurement", 0, 0, G_OPTION_ARG_STRING, &o->measurement,
          N_("the expected launch digest (48 bytes, hex or base64; see 'sevirt measure')"), N_("HEX") },
        { "idkey", 0, 0, G_OPTION_ARG_FILENAME, &o->idkey,
          N_("the ID key: a PEM ECDSA P-384 private key"), N_("FILE") },
        { "id-key", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &o->id_key, NULL, N_("FILE") },
        { "authorkey", 0, 0, G_OPTION_ARG_FILENAME, &o->authorkey,
          N_("the author key endorsing the ID key: a PEM ECDSA P-384 private key (optional)"), N_("FILE") },
        { "author-key", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &o->author_key, NULL, N_("FILE") },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &o->policy,
          N_("the guest policy the guest must be launched with (default 0x30000)"), N_("N") },
        { "family-id", 0, 0, G_OPTION_ARG_STRING, &o->family_id,
          N_("family ID (16 bytes, hex or base64; default zeros)"), N_("HEX") },
        { "image-id", 0, 0, G_OPTION_ARG_STRING, &o->image_id,
          N_("image ID (16 bytes, hex or base64; default zeros)"), N_("HEX") },
        { "svn", 0, 0, G_OPTION_ARG_STRING, &o->svn,
          N_("guest security version number (default 0)"), N_("N") },
        { "version", 0, 0, G_OPTION_ARG_STRING, &o->version,
          N_("ID block version (default 1, the only one defined)"), N_("N") },
        { "id-block-out", 0, 0, G_OPTION_ARG_FILENAME, &o->id_block_out,
          N_("also write the ID block, base64, to this new file"), N_("FILE") },
        { "id-auth-out", 0, 0, G_OPTION_ARG_FILENAME, &o->id_auth_out,
          N_("also write the ID auth, base64, to this new file"), N_("FILE") },
        { "insecure-keys", 0, 0, G_OPTION_ARG_NONE, &o->insecure_keys,
          N_("accept key files that group or others can access"), NULL },
        { NULL }
};

    return g_memdup2(entries, sizeof(entries));
}

static gboolean
parse_id_block_params(const IdBlockOpts *o, SevirtSnpIdBlockParams *p, GError **error)
{
    guint64 policy = 0x30000, svn = 0, version = 1;

    memset(p, 0, sizeof(*p));
    if (!o->measurement)
        return sevirt_cli_usage_error(error, _("option --measurement is required"));
    if (!o->idkey && !o->id_key)
        return sevirt_cli_usage_error(error, _("option --idkey is required"));
    if ((o->idkey && o->id_key) || (o->authorkey && o->author_key))
        return sevirt_cli_usage_error(error, _("--idkey/--id-key and --authorkey/--author-key are the same options: give each once"));
    if (!sevirt_snp_bytes_parse("--measurement", o->measurement, p->ld, 48, error) ||
        (o->family_id && !sevirt_snp_bytes_parse("--family-id", o->family_id, p->family_id, 16, error)) ||
        (o->image_id && !sevirt_snp_bytes_parse("--image-id", o->image_id, p->image_id, 16, error)) ||
        (o->policy && !sevirt_parse_uint("--policy", o->policy, G_MAXUINT64, &policy, error)) ||
        (o->svn && !sevirt_parse_uint("--svn", o->svn, G_MAXUINT32, &svn, error)) ||
        (o->version && !sevirt_parse_uint("--version", o->version, G_MAXUINT32, &version, error)))
        return FALSE;
    p->policy = policy;
    p->guest_svn = svn;
    p->version = version;
    return TRUE;
}

static gboolean
write_b64(const char *path, const char *b64, GError **error)
{
    g_autofree char *line = g_strconcat(b64, "\n", NULL);

    return !path || sevirt_file_write_new(path, line, strlen(line), 0644, error);
}

static gboolean
cmd_id_block(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED, GError **error)
{
    const IdBlockOpts *o = opts;
    const char *idkey, *authorkey;
    g_autoptr(SevirtSnpIdKey) id = NULL;
    g_autoptr(SevirtSnpIdKey) author = NULL;
    g_autofree char *block_b64 = NULL;
    g_autofree char *auth_b64 = NULL;
    g_autofree char *id_digest = NULL;
    g_autofree char *author_digest = NULL;
    SevirtSnpIdBlockParams p;
    guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE];
    guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE];
    guint8 digest[SEVIRT_SNP_KEY_DIGEST_SIZE];

    if (!parse_id_block_params(o, &p, error))
        return FALSE;
    /* sev-snp-measure spells them --id-key and --author-key */
    idkey = o->idkey ? o->idkey : o->id_key;
    authorkey = o->authorkey ? o->authorkey : o->author_key;
    if (!(id = sevirt_snp_id_key_read(idkey, o->insecure_keys, error)) ||
        (authorkey && !(author = sevirt_snp_id_key_read(authorkey, o->insecure_keys, error))))
        return FALSE;
    sevirt_snp_id_block_build(&p, block);
    if (!sevirt_snp_id_auth_build(block, id, author, auth, error) ||
        !sevirt_snp_id_key_digest(id, digest, error))
        return FALSE;
    id_digest = sevirt_cli_hex(digest, sizeof(digest));
    if (author) {
        if (!sevirt_snp_id_key_digest(author, digest, error))
            return FALSE;
        author_digest = sevirt_cli_hex(digest, sizeof(digest));
    }
    block_b64 = g_base64_encode(block, sizeof(block));
    auth_b64 = g_base64_encode(auth, sizeof(auth));
    if (!write_b64(o->id_block_out, block_b64, error) || !write_b64(o->id_auth_out, auth_b64, error))
        return FALSE;
    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        sevirt_cli_json_add_string(b, "id_block", block_b64);
        sevirt_cli_json_add_string(b, "id_auth", auth_b64);
        sevirt_cli_json_add_string(b, "id_key_digest", id_digest);
        sevirt_cli_json_add_string(b, "author_key_digest", author_digest);
        json_builder_set_member_name(b, "author_key");
        json_builder_add_boolean_value(b, author != NULL);
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
    } else {
        printf("id-block: %s\n", block_b64);
        printf("id-auth: %s\n", auth_b64);
        printf("id-key-digest: %s\n", id_digest);
        if (author_digest)
            printf("author-key-digest: %s\n", author_digest);
    }
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
      SEVIRT_CMD_OPTIONS(MeasureOpts, measure_entries), 0, 0, cmd_measure, 0 },
    { "verify-report", N_("REPORT..."),
      N_("verify an SEV-SNP attestation report: AMD chain, signature and the expected values (offline)"),
      N_("REPORT is the 1184-byte report, or its hex or base64 text.  Checks the\n"
         "ARK -> ASK (ASVK) -> VCEK (VLEK) chain, the report's signature, that the\n"
         "VCEK is for the report's chip and TCB, then each value given.  Prints\n"
         "PASS or FAIL per check; exits 0 when all hold, 5 when any fails, 2 on\n"
         "malformed input.  Several reports share one chain check (batch)."),
      SEVIRT_CMD_OPTIONS(VerifyReportOpts, verify_report_entries), 1, G_MAXUINT,
      cmd_verify_report, 0 },
    { "id-block", NULL,
      N_("sign the ID block and ID auth that pin an SEV-SNP guest's measurement and policy (offline)"),
      N_("Prints the 96-byte ID block and the 4096-byte ID authentication in base64,\n"
         "as libvirt's <idBlock> and <idAuth> take them, and the SHA-384 digests of\n"
         "the ID and author public keys that attestation reports carry (check them\n"
         "with 'sevirt verify-report --id-key-digest/--author-key-digest').  Key\n"
         "files must be readable by their owner only."),
      SEVIRT_CMD_OPTIONS(IdBlockOpts, id_block_entries), 0, 0, cmd_id_block, 0 },
    { "report-info", N_("REPORT"),
      N_("print the fields of an SEV-SNP attestation report, without verifying it"),
      NULL, 0, NULL, 1, 1, cmd_report_info, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_snp = {
    N_("SEV-SNP attestation (offline)"), snp_cmds,
};
