/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attested launch commands, run against a libvirt host: export-certs
 * (the platform's certificates for the guest owner) and launch (start an
 * SEV / SEV-ES guest paused, verify its measurement, inject the secret,
 * resume).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli-keys.h"

/* ---------------------------------------------------------------------- */
/* export-certs */

typedef struct {
    char *out_dir;
    char *emulator;
} ExportCertsOpts;

static GOptionEntry *
export_certs_entries(gpointer data)
{
    ExportCertsOpts *o = data;
    const GOptionEntry entries[] = {
        { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &o->out_dir,
          N_("directory to write pdh.cert, pek.cert, oca.cert, cek.cert and cpu0-id.bin into (default: the current one)"), N_("DIR") },
        { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &o->emulator,
          N_("ask this emulator binary on the host (e.g. the emulated SEV platform) instead of the host's default QEMU"), N_("PATH") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static void
print_export_json(SevirtCli *cli, const SevirtPlatformInfo *info, const SevirtCliOutFile *files,
                  guint n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, info->emulated);
    json_builder_set_member_name(b, "emulator");
    if (info->emulator)
        json_builder_add_string_value(b, info->emulator);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "cbitpos");
    json_builder_add_int_value(b, info->cbitpos);
    json_builder_set_member_name(b, "reduced_phys_bits");
    json_builder_add_int_value(b, info->reduced_phys_bits);
    json_builder_set_member_name(b, "files");
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++)
        json_builder_add_string_value(b, files[i].path);
    json_builder_end_array(b);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
cmd_export_certs(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED,
                 GError **error)
{
    const ExportCertsOpts *o = opts;
    const char *dir = o->out_dir ? o->out_dir : ".";
    const SevirtSevCert *certs[4];
    static const char *const names[] = { "pdh.cert", "pek.cert", "oca.cert", "cek.cert" };
    g_autoptr(SevirtPlatformInfo) info = NULL;
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    SevirtCliOutFile files[5];
    virConnectPtr conn;
    guint n = 0;

    if (!(conn = sevirt_cli_connect(cli, error)) ||
        !(info = sevirt_platform_info_query(conn, o->emulator, error)))
        return FALSE;
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create directory '%s': %s"), dir, g_strerror(errno));
        return FALSE;
    }
    certs[0] = info->chain.pdh;
    certs[1] = info->chain.pek;
    certs[2] = info->chain.oca;
    certs[3] = info->chain.cek;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        char *path = g_build_filename(dir, names[i], NULL);

        g_ptr_array_add(paths, path);
        files[n++] = (SevirtCliOutFile) { path, sevirt_sev_cert_get_data(certs[i]),
                                          SEVIRT_SEV_CERT_SIZE, 0644 };
    }
    if (info->cpu0_id) {
        char *path = g_build_filename(dir, "cpu0-id.bin", NULL);

        g_ptr_array_add(paths, path);
        files[n++] = (SevirtCliOutFile) { path, g_bytes_get_data(info->cpu0_id, NULL),
                                          g_bytes_get_size(info->cpu0_id), 0644 };
    }
    if (!sevirt_cli_write_new_files(files, n, error))
        return FALSE;

    if (cli->json) {
        print_export_json(cli, info, files, n);
        return TRUE;
    }
    if (info->emulated)
        sevirt_cli_step(cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
    sevirt_cli_step(cli, _("SEV platform certificates of %s written to '%s':"),
                    info->emulator ? info->emulator : _("the host"), dir);
    sevirt_cli_step(cli, _("  pdh.cert      platform Diffie-Hellman key: make sessions with 'sevirt session --pdh'"));
    sevirt_cli_step(cli, _("  pek.cert      platform endorsement key"));
    sevirt_cli_step(cli, _("  oca.cert      owner certificate authority"));
    sevirt_cli_step(cli, _("  cek.cert      chip endorsement key, signed by AMD's ASK"));
    if (info->cpu0_id)
        sevirt_cli_step(cli, _("  cpu0-id.bin   chip id (to fetch the CEK from AMD's key server)"));
    if (info->emulated)
        sevirt_cli_step(cli, _("They never chain to AMD's roots: verify them with 'sevirt verify-certs --ark FILE --ask FILE' naming the emulator's own ARK and ASK (its state directory)."));
    else
        sevirt_cli_step(cli, _("Verify them with 'sevirt verify-certs': up to AMD's ARK and ASK, built into sevirt."));
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* launch */

typedef struct {
    char *tek;
    char *tik;
    char *tk;
    gboolean insecure_keys;
    SevirtCliExpectOptions expect;
    char *policy;
    char **secrets;
    char *secret_address;
    gboolean no_resume;
    char *snp_measurement;
    char *vcpu_type;
    char *vcpu_sig;
    char *ark;
    char *ask;
    char *cert_chain;
} LaunchOpts;

static GOptionEntry *
launch_entries(gpointer data)
{
    LaunchOpts *o = data;
    const GOptionEntry entries[] = {
        { "tek", 0, 0, G_OPTION_ARG_FILENAME, &o->tek,
          N_("the transport encryption key of the domain's session (16 bytes)"), N_("FILE") },
        { "tik", 0, 0, G_OPTION_ARG_FILENAME, &o->tik,
          N_("the transport integrity key of the domain's session (16 bytes)"), N_("FILE") },
        { "tk", 0, 0, G_OPTION_ARG_FILENAME, &o->tk,
          N_("TEK and TIK in one 32-byte file"), N_("FILE") },
        { "insecure-keys", 0, 0, G_OPTION_ARG_NONE, &o->insecure_keys,
          N_("accept key and secret files readable by group or others"), NULL },
        SEVIRT_CLI_EXPECT_OPTION_ENTRIES(&o->expect,
                                         N_("SEV-ES: the number of vCPUs expected (default: the domain's)"),
                                         N_("SEV-ES: CPU family in the VMSAs (default: the host's, as libvirt reports it)")),
        { "policy", 0, 0, G_OPTION_ARG_STRING, &o->policy,
          N_("the guest policy expected (default: the domain's): a number or flags"), N_("POLICY") },
        { "secret", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->secrets,
          N_("a secret to inject once verified: GUID or alias (luks-key), colon, file; repeatable"), N_("GUID-OR-ALIAS:FILE") },
        { "secret-address", 0, 0, G_OPTION_ARG_STRING, &o->secret_address,
          N_("guest physical address for the secret, needed when the firmware reserves no secret area"), N_("GPA") },
        { "no-resume", 0, 0, G_OPTION_ARG_NONE, &o->no_resume,
          N_("leave the guest paused after the injection"), NULL },
        { "measurement", 0, 0, G_OPTION_ARG_STRING, &o->snp_measurement,
          N_("SEV-SNP: the launch digest expected (hex or base64, as 'sevirt measure --mode snp' prints it), instead of computing it from --firmware"), N_("HEX") },
        { "vcpu-type", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_type,
          N_("SEV-SNP: QEMU CPU model whose signature the VMSAs carry (EPYC-Milan, EPYC-Genoa ...; default: the host's signature)"), N_("TYPE") },
        { "vcpu-sig", 0, 0, G_OPTION_ARG_STRING, &o->vcpu_sig,
          N_("SEV-SNP: the vCPU signature, CPUID(1).EAX (instead of --vcpu-type)"), N_("SIG") },
        { "ark", 0, 0, G_OPTION_ARG_FILENAME, &o->ark,
          N_("SEV-SNP, emulated platform: its ARK, to verify the report under"), N_("FILE") },
        { "ask", 0, 0, G_OPTION_ARG_FILENAME, &o->ask,
          N_("SEV-SNP, emulated platform: its ASK"), N_("FILE") },
        { "cert-chain", 0, 0, G_OPTION_ARG_FILENAME, &o->cert_chain,
          N_("SEV-SNP, emulated platform: ASK and ARK in one PEM file, instead of --ark and --ask"), N_("FILE") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/* Everything read from files for the launch; freed together. */
typedef struct {
    SevirtCliLaunchImages images;
    SevirtSecret *tek;
    SevirtSecret *tik;
    SevirtSecretTable *secrets;
} LaunchInputs;

static void
launch_inputs_clear(LaunchInputs *in)
{
    sevirt_cli_launch_images_clear(&in->images);
    g_clear_pointer(&in->tek, sevirt_secret_free);
    g_clear_pointer(&in->tik, sevirt_secret_free);
    g_clear_pointer(&in->secrets, sevirt_secret_table_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LaunchInputs, launch_inputs_clear)

/* Options into SevirtLaunchOptions, reading every file before anything starts. */
static gboolean
parse_launch_options(SevirtCli *cli, const LaunchOpts *o, LaunchInputs *in,
                     SevirtLaunchOptions *opts, GError **error)
{
    SevirtCliKeyFiles keys = { o->tek, o->tik, o->tk, o->insecure_keys };
    const SevirtCliExpectOptions *expect = &o->expect;
    gboolean inject = o->secrets && o->secrets[0];
    guint64 value = 0;

    if (!sevirt_cli_expect_parse(expect, &opts->expected, NULL, error))
        return FALSE;
    if (o->secret_address && !inject)
        return sevirt_cli_usage_error(error, _("--secret-address is only used with --secret"));
    if (o->policy) {
        if (!sevirt_policy_parse("--policy", SEVIRT_SEV_SEV, o->policy, &value, error))
            return FALSE;
        opts->policy_set = TRUE;
        opts->policy = (guint32) value;
    }
    if (o->secret_address) {
        if (!sevirt_parse_uint("--secret-address", o->secret_address, G_MAXUINT64, &value, error))
            return FALSE;
        opts->secret_address_set = TRUE;
        opts->secret_address = value;
    }
    if (!sevirt_cli_read_transport_keys(&keys, inject ? &in->tek : NULL, &in->tik, error))
        return FALSE;
    in->secrets = sevirt_secret_table_new();
    for (guint i = 0; inject && o->secrets[i]; i++) {
        if (!sevirt_cli_add_secret(cli, in->secrets, o->secrets[i], o->insecure_keys, error))
            return FALSE;
    }
    if (!sevirt_cli_expect_read_images(expect, &in->images, &opts->expected, error))
        return FALSE;
    opts->firmware_name = expect->firmware;
    opts->tek = in->tek;
    opts->tik = in->tik;
    opts->secrets = in->secrets;
    opts->no_resume = o->no_resume;
    return TRUE;
}

/* What print_step() needs: the command line state and the firmware asked for. */
typedef struct {
    SevirtCli *cli;
    const char *firmware;
} LaunchProgress;

static void
print_step(SevirtLaunchStep step, const SevirtLaunchResult *r, gpointer data)
{
    const LaunchProgress *progress = data;
    SevirtCli *cli = progress->cli;
    g_autofree char *measurement = NULL;
    g_autofree char *flags = NULL;

    switch (step) {
    case SEVIRT_LAUNCH_STEP_INSPECTED:
        if (r->emulated)
            sevirt_cli_step(cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
        flags = sevirt_policy_describe(r->sev_es ? SEVIRT_SEV_ES : SEVIRT_SEV_SEV, r->domain_policy);
        sevirt_cli_step(cli, _("Domain '%s': %s guest, policy 0x%04" G_GINT64_MODIFIER "x (%s); the TIK matches its session"),
                        r->name, r->sev_es ? "SEV-ES" : "SEV", r->domain_policy, flags);
        break;
    case SEVIRT_LAUNCH_STEP_STARTED:
        if (r->started)
            sevirt_cli_step(cli, _("Started '%s' paused"), r->name);
        else
            sevirt_cli_step(cli, _("'%s' is paused at its start"), r->name);
        break;
    case SEVIRT_LAUNCH_STEP_MEASURED:
        measurement = sevirt_measurement_to_base64(&r->measurement);
        sevirt_cli_step(cli, _("Measurement %s (SEV API %u.%u, build %u, policy 0x%04x)"),
                        measurement, r->info.api_major, r->info.api_minor, r->info.build_id,
                        r->info.policy);
        break;
    case SEVIRT_LAUNCH_STEP_VERIFIED:
        if (r->sev_es)
            sevirt_cli_step(cli, ngettext("Measurement verified: firmware '%s'%s, %u vCPU with CPU signature 0x%08x%s",
                                          "Measurement verified: firmware '%s'%s, %u vCPUs with CPU signature 0x%08x%s",
                                          r->num_cpus),
                            progress->firmware, r->kernel_hashes ? _(" and kernel hashes") : "",
                            r->num_cpus, r->cpu_signature,
                            r->cpu_signature_from_host ? _(" (the host's)") : "");
        else
            sevirt_cli_step(cli, _("Measurement verified: firmware '%s'%s"),
                            progress->firmware, r->kernel_hashes ? _(" and kernel hashes") : "");
        break;
    case SEVIRT_LAUNCH_STEP_INJECTED:
        if (r->secret_address_set)
            sevirt_cli_step(cli, ngettext("Injected %u secret at guest address 0x%" G_GINT64_MODIFIER "x",
                                          "Injected %u secrets at guest address 0x%" G_GINT64_MODIFIER "x",
                                          r->secrets), r->secrets, r->secret_address);
        else
            sevirt_cli_step(cli, ngettext("Injected %u secret into the firmware's secret area",
                                          "Injected %u secrets into the firmware's secret area",
                                          r->secrets), r->secrets);
        break;
    case SEVIRT_LAUNCH_STEP_RESUMED:
        sevirt_cli_step(cli, _("Resumed '%s'"), r->name);
        break;
    case SEVIRT_LAUNCH_STEP_DESTROYED:
        sevirt_cli_step(cli, _("Destroyed '%s'"), r->name);
        break;
    }
}

static void
print_launch_json(SevirtCli *cli, const SevirtLaunchResult *r, const GError *failure)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *measurement = sevirt_measurement_to_base64(&r->measurement);
    g_autofree char *digest = sevirt_cli_hex(r->digest, sizeof(r->digest));
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "domain");
    json_builder_add_string_value(b, r->name);
    json_builder_set_member_name(b, "uuid");
    json_builder_add_string_value(b, r->uuid);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, r->emulated);
    json_builder_set_member_name(b, "launched");
    json_builder_add_boolean_value(b, failure == NULL);
    if (failure) {
        g_autofree char *text = sevirt_cli_error_text(failure);

        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, text);
        json_builder_set_member_name(b, "destroyed");
        json_builder_add_boolean_value(b, r->destroyed);
    } else {
        json_builder_set_member_name(b, "started");
        json_builder_add_boolean_value(b, r->started);
        json_builder_set_member_name(b, "measurement");
        json_builder_add_string_value(b, measurement);
        json_builder_set_member_name(b, "api_major");
        json_builder_add_int_value(b, r->info.api_major);
        json_builder_set_member_name(b, "api_minor");
        json_builder_add_int_value(b, r->info.api_minor);
        json_builder_set_member_name(b, "build_id");
        json_builder_add_int_value(b, r->info.build_id);
        json_builder_set_member_name(b, "policy");
        json_builder_add_int_value(b, r->info.policy);
        json_builder_set_member_name(b, "launch_digest");
        json_builder_add_string_value(b, digest);
        json_builder_set_member_name(b, "sev_es");
        json_builder_add_boolean_value(b, r->sev_es);
        if (r->sev_es) {
            json_builder_set_member_name(b, "num_cpus");
            json_builder_add_int_value(b, r->num_cpus);
            json_builder_set_member_name(b, "cpu_signature");
            json_builder_add_int_value(b, r->cpu_signature);
        }
        json_builder_set_member_name(b, "kernel_hashes");
        json_builder_add_boolean_value(b, r->kernel_hashes);
        json_builder_set_member_name(b, "secrets");
        json_builder_add_int_value(b, r->secrets);
        if (r->secret_address_set) {
            json_builder_set_member_name(b, "secret_address");
            json_builder_add_int_value(b, r->secret_address);
        }
        json_builder_set_member_name(b, "resumed");
        json_builder_add_boolean_value(b, r->resumed);
    }
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

/* ---------------------------------------------------------------------- */
/* launch of an SEV-SNP guest */

/* Options of the SEV launch that mean nothing for SNP. */
static gboolean
check_snp_options(const LaunchOpts *o, GError **error)
{
    const SevirtCliExpectOptions *x = &o->expect;

    if (o->tek || o->tik || o->tk || o->policy || (o->secrets && o->secrets[0]) ||
        o->secret_address || o->no_resume || x->vmsa_fpu_init)
        return sevirt_cli_usage_error(error, _("an SEV-SNP launch has no session, secrets or policy to check: --tek, --tik, --tk, --policy, --secret, --secret-address, --no-resume and --vmsa-fpu-init do not apply"));
    if (o->snp_measurement &&
        (x->firmware || x->kernel || x->initrd || x->cmdline || x->num_cpus || x->cpu_family ||
         x->cpu_model || x->cpu_stepping || o->vcpu_type || o->vcpu_sig))
        return sevirt_cli_usage_error(error, _("--measurement is the digest expected: the inputs to compute it from (--firmware, --kernel, --initrd, --cmdline, --num-cpus, the vCPU signature) do not go with it"));
    if (!o->snp_measurement && !x->firmware)
        return sevirt_cli_usage_error(error, _("an SEV-SNP launch needs the digest expected: give --measurement HEX, or --firmware FILE to compute it as 'sevirt measure --mode snp' does"));
    if (!!o->vcpu_type + !!o->vcpu_sig + !!(x->cpu_family || x->cpu_model || x->cpu_stepping) > 1)
        return sevirt_cli_usage_error(error, _("give only one of --vcpu-type, --vcpu-sig and --cpu-family/--cpu-model/--cpu-stepping"));
    if (o->cert_chain && (o->ark || o->ask))
        return sevirt_cli_usage_error(error, _("--cert-chain and --ark/--ask are mutually exclusive"));
    if (!!o->ark != !!o->ask)
        return sevirt_cli_usage_error(error, _("--ark and --ask go together"));
    return TRUE;
}

/* The owner's inputs of the digest, as 'sevirt measure --mode snp' takes them. */
static gboolean
parse_snp_expected(const LaunchOpts *o, SevirtSnpLaunchFiles *files, GError **error)
{
    SevirtLaunchInput in = { 0 };
    guint64 v = 0;

    if (!sevirt_cli_expect_parse(&o->expect, &in, NULL, error))
        return FALSE;
    files->firmware = o->expect.firmware;
    files->kernel = o->expect.kernel;
    files->initrd = o->expect.initrd;
    files->cmdline = o->expect.cmdline;
    files->num_cpus = in.num_cpus;
    files->cpu_signature = in.cpu_signature;
    files->vmm = SEVIRT_VMM_QEMU;
    if (o->vcpu_type)
        return sevirt_vcpu_type_signature("--vcpu-type", o->vcpu_type, &files->cpu_signature, error);
    if (o->vcpu_sig) {
        if (!sevirt_parse_uint("--vcpu-sig", o->vcpu_sig, G_MAXUINT32, &v, error))
            return FALSE;
        if (v == 0)
            return sevirt_cli_usage_error(error, _("--vcpu-sig: 0 is no CPU signature"));
        files->cpu_signature = v;
    }
    return TRUE;
}

static void
print_snp_checks(const SevirtSnpLaunchResult *r)
{
    for (guint i = 0; r->checks && i < r->checks->len; i++) {
        const SevirtSnpCheck *c = r->checks->pdata[i];

        printf("%s %-18s %s\n", c->passed ? "PASS" : "FAIL", c->name, c->detail);
    }
}

static void
print_snp_json(SevirtCli *cli, const SevirtSnpLaunchResult *r, const GError *failure)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *nonce = sevirt_cli_hex(r->nonce, sizeof(r->nonce));

    json_builder_begin_object(b);
    sevirt_cli_json_add_string(b, "domain", r->name);
    sevirt_cli_json_add_string(b, "uuid", r->uuid);
    json_builder_set_member_name(b, "snp");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, r->emulated);
    json_builder_set_member_name(b, "launched");
    json_builder_add_boolean_value(b, failure == NULL);
    if (failure) {
        g_autofree char *text = sevirt_cli_error_text(failure);

        sevirt_cli_json_add_string(b, "error", text);
    }
    json_builder_set_member_name(b, "started");
    json_builder_add_boolean_value(b, r->started);
    json_builder_set_member_name(b, "destroyed");
    json_builder_add_boolean_value(b, r->destroyed);
    json_builder_set_member_name(b, "policy");
    json_builder_add_int_value(b, r->policy);
    json_builder_set_member_name(b, "id_block");
    json_builder_add_boolean_value(b, r->id_block);
    json_builder_set_member_name(b, "computed");
    json_builder_add_boolean_value(b, r->computed);
    if (r->computed) {
        g_autofree char *expected = sevirt_cli_hex(r->expected_measurement, SEVIRT_SNP_DIGEST_SIZE);

        sevirt_cli_json_add_string(b, "expected_measurement", expected);
        json_builder_set_member_name(b, "num_cpus");
        json_builder_add_int_value(b, r->num_cpus);
        json_builder_set_member_name(b, "cpu_signature");
        json_builder_add_int_value(b, r->cpu_signature);
    }
    json_builder_set_member_name(b, "paused");
    json_builder_add_boolean_value(b, r->paused);
    json_builder_set_member_name(b, "resumed");
    json_builder_add_boolean_value(b, r->resumed);
    json_builder_set_member_name(b, "report_fetched");
    json_builder_add_boolean_value(b, r->report_fetched);
    if (r->report_fetched) {
        g_autofree char *measurement = sevirt_cli_hex(r->report.measurement, 48);

        sevirt_cli_json_add_string(b, "report_data", nonce);
        sevirt_cli_json_add_string(b, "measurement", measurement);
        json_builder_set_member_name(b, "verified");
        json_builder_add_boolean_value(b, r->verified);
        json_builder_set_member_name(b, "amd_root");
        json_builder_add_boolean_value(b, r->amd_root);
        json_builder_set_member_name(b, "checks");
        json_builder_begin_array(b);
        for (guint i = 0; i < r->checks->len; i++) {
            const SevirtSnpCheck *c = r->checks->pdata[i];

            json_builder_begin_object(b);
            sevirt_cli_json_add_string(b, "name", c->name);
            json_builder_set_member_name(b, "passed");
            json_builder_add_boolean_value(b, c->passed);
            sevirt_cli_json_add_string(b, "detail", c->detail);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
    }
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static void
print_snp_text(SevirtCli *cli, const SevirtSnpLaunchResult *r, const char *firmware,
               const char *kernel)
{
    if (r->emulated)
        sevirt_cli_step(cli, "%s", _(SEVIRT_CLI_EMULATED_NOTICE));
    if (r->computed)
        sevirt_cli_step(cli, ngettext("Expected launch digest, from firmware '%s'%s, %u vCPU with CPU signature 0x%08x%s:",
                                      "Expected launch digest, from firmware '%s'%s, %u vCPUs with CPU signature 0x%08x%s:",
                                      r->num_cpus),
                        firmware, kernel ? _(" and kernel hashes") : "", r->num_cpus,
                        r->cpu_signature, r->cpu_signature_from_host ? _(" (the host's)") : "");
    if (r->computed) {
        g_autofree char *hex = sevirt_cli_hex(r->expected_measurement, SEVIRT_SNP_DIGEST_SIZE);

        sevirt_cli_step(cli, "  %s", hex);
    }
    if (r->started && r->paused)
        sevirt_cli_step(cli, r->id_block ? _("Started SEV-SNP guest '%s' paused: the platform accepted its ID block")
                                         : _("Started SEV-SNP guest '%s' paused (no ID block)"), r->name);
    else if (r->started)
        sevirt_cli_step(cli, r->id_block ? _("Started SEV-SNP guest '%s': the platform accepted its ID block")
                                         : _("Started SEV-SNP guest '%s' (no ID block)"), r->name);
    print_snp_checks(r);
    if (r->resumed)
        sevirt_cli_step(cli, _("Resumed '%s': it ran nothing before its report verified"), r->name);
    if (!r->started || r->report_fetched)
        return;
    sevirt_cli_step(cli, _("On SEV-SNP hardware only the guest can ask for its attestation report: have the guest fetch one with a nonce of yours and check it with 'sevirt verify-report'"));
}

static gboolean
read_snp_roots(const LaunchOpts *o, SevirtSnpCert **ark, SevirtSnpCert **ask, GError **error)
{
    if (o->cert_chain)
        return sevirt_snp_cert_chain_read(o->cert_chain, ask, ark, error);
    if (o->ark)
        return (*ark = sevirt_snp_cert_read(o->ark, error)) &&
               (*ask = sevirt_snp_cert_read(o->ask, error));
    return TRUE;
}

static gboolean
cmd_launch_snp(SevirtCli *cli, const LaunchOpts *o, virDomainPtr dom, GError **error)
{
    g_autoptr(SevirtSnpCert) ark = NULL;
    g_autoptr(SevirtSnpCert) ask = NULL;
    g_auto(SevirtSnpLaunchResult) result = { 0 };
    SevirtSnpLaunchOptions opts = { 0 };
    SevirtSnpLaunchFiles files = { 0 };
    guint8 measurement[SEVIRT_SNP_DIGEST_SIZE];
    gboolean ok;

    if (!check_snp_options(o, error))
        return FALSE;
    if (o->snp_measurement) {
        if (!sevirt_snp_bytes_parse("--measurement", o->snp_measurement, measurement,
                                    sizeof(measurement), error))
            return FALSE;
        opts.measurement = measurement;
    } else {
        if (!parse_snp_expected(o, &files, error))
            return FALSE;
        opts.expected = &files;
    }
    if (!read_snp_roots(o, &ark, &ask, error))
        return FALSE;
    opts.ark = ark;
    opts.ask = ask;
    ok = sevirt_launch_snp(dom, &opts, &result, error);
    if (!ok && sevirt_cli_exit_code(*error) != SEVIRT_EXIT_VERIFY)
        return FALSE;
    if (cli->json)
        print_snp_json(cli, &result, ok ? NULL : *error);
    else
        print_snp_text(cli, &result, o->expect.firmware, o->expect.kernel);
    if (ok && result.report_fetched)
        sevirt_cli_step(cli, _("'%s' runs the verified launch"), result.name);
    return ok;
}

/* SNP's own options, or an SEV-SNP domain, take launch's SNP way. */
static gboolean
wants_snp(const LaunchOpts *o)
{
    return o->snp_measurement || o->vcpu_type || o->vcpu_sig || o->ark || o->ask || o->cert_chain;
}

static gboolean
cmd_launch(SevirtCli *cli, gconstpointer data, char **args, GError **error)
{
    const LaunchOpts *o = data;
    LaunchProgress progress = { cli, o->expect.firmware };
    g_auto(LaunchInputs) in = { 0 };
    g_auto(SevirtLaunchResult) result = { 0 };
    SevirtLaunchOptions opts = { 0 };
    g_autoptr(virDomain) dom = NULL;
    virConnectPtr conn;
    gboolean snp = FALSE;

    if (!o->expect.firmware && !wants_snp(o))
        return sevirt_cli_usage_error(error, _("option --firmware is required: the firmware image the guest must boot (an SEV-SNP guest is launched with --measurement HEX instead)"));
    /* usage first, before the host is asked anything */
    if (wants_snp(o) && !check_snp_options(o, error))
        return FALSE;
    if (!(conn = sevirt_cli_connect(cli, error)) ||
        !(dom = sevirt_lookup_domain(conn, args[0], error)) ||
        (!wants_snp(o) && !sevirt_domain_is_snp(dom, &snp, error)))
        return FALSE;
    if (snp || wants_snp(o))
        return cmd_launch_snp(cli, o, dom, error);
    if (!parse_launch_options(cli, o, &in, &opts, error))
        return FALSE;
    opts.progress = print_step;
    opts.progress_data = &progress;
    if (!sevirt_launch(dom, &opts, &result, error)) {
        if (cli->json && sevirt_cli_exit_code(*error) == SEVIRT_EXIT_VERIFY)
            print_launch_json(cli, &result, *error);
        return FALSE;
    }
    if (cli->json) {
        print_launch_json(cli, &result, NULL);
        return TRUE;
    }
    if (result.secrets == 0)
        sevirt_cli_step(cli, _("No secret given: nothing injected"));
    if (!result.resumed)
        sevirt_cli_step(cli, _("'%s' stays paused (--no-resume): resume it with 'virsh resume'"), result.name);
    else
        sevirt_cli_step(cli, _("'%s' runs the verified launch"), result.name);
    return TRUE;
}

/* ---------------------------------------------------------------------- */

static const SevirtCmd launch_cmds[] = {
    { "export-certs", NULL,
      N_("export the host's SEV platform certificates for the guest owner"),
      N_("Writes the platform's PDH, PEK, OCA and CEK certificates (and its chip id)\n"
         "as the host reports them.  Verify them with 'sevirt verify-certs' before\n"
         "making a session with the PDH.  Exit status 4 on a host without SEV."),
      SEVIRT_CMD_OPTIONS(ExportCertsOpts, export_certs_entries), 0, 0, cmd_export_certs, 0 },
    { "launch", N_("DOMAIN"),
      N_("start an SEV/SEV-ES guest paused, verify its measurement, inject the secret, resume; or start an SEV-SNP guest and verify its report"),
      N_("The guest must carry the guest owner's dhCert and session ('sevirt session',\n"
         "'sevirt create --attest').  launch starts it paused (or takes it paused at\n"
         "its start), reads its launch measurement, compares it with the one expected\n"
         "from the firmware given (and kernel hashes, SEV-ES vCPUs), injects the\n"
         "secrets and resumes it.  On any mismatch or error the guest is destroyed, no\n"
         "secret is injected and the exit status is 5, with the likely cause.  A guest\n"
         "found paused after it had run (suspended later) is past its launch: it is\n"
         "left paused, and the exit status is 1.\n"
         "\n"
         "An SEV-SNP guest (or --measurement) is launched another way: the digest\n"
         "expected is --measurement, or computed from --firmware (with --kernel ...,\n"
         "--num-cpus, default the domain's, and --vcpu-type/--vcpu-sig/--cpu-*,\n"
         "default the host's signature) as 'sevirt measure --mode snp' does.  The\n"
         "platform enforces the ID block at the start (a refused start is exit\n"
         "status 5).  On the emulated platform the guest starts paused, launch\n"
         "fetches an attestation report with a fresh nonce, verifies it under the\n"
         "emulated ARK/ASK given (--ark/--ask or --cert-chain; NOT AMD's root) and\n"
         "only then resumes it; on a mismatch the guest is destroyed before it ran\n"
         "and the exit status is 5.  On hardware only the guest can ask for its\n"
         "report, so it is started running."),
      SEVIRT_CMD_OPTIONS(LaunchOpts, launch_entries), 1, 1, cmd_launch, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_launch = {
    N_("Attested launch"), launch_cmds,
};
