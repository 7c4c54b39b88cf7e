/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attestation commands that work offline, on the guest owner's machine:
 * verify-certs, session, verify-measurement, build-secret.
 *
 * The options of verify-measurement and build-secret follow libvirt's
 * virt-qemu-sev-validate (offline mode) so that the same inputs can be
 * given to either tool.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli-attest.h"
#include "cli-keys.h"


/* Options shared by the commands that read TEK/TIK files. */
typedef struct {
    char *tek;
    char *tik;
    char *tk;
    gboolean insecure_keys;
} KeyOpts;

static gboolean
require_option(const char *option, const char *value, GError **error)
{
    if (value)
        return TRUE;
    return sevirt_cli_usage_error(error, _("option %s is required"), option);
}

/* TEK and TIK from the key options; with @tek NULL only the TIK is read. */
static gboolean
read_transport_keys(const KeyOpts *k, SevirtSecret **tek, SevirtSecret **tik, GError **error)
{
    SevirtCliKeyFiles files = { k->tek, k->tik, k->tk, k->insecure_keys };

    return sevirt_cli_read_transport_keys(&files, tek, tik, error);
}

/* ---------------------------------------------------------------------- */
/* verify-certs */

typedef struct {
    char *pdh;
    char *cert_chain;
    char *ark;
    char *ask;
    char *dir;
} VerifyCertsOpts;

static GOptionEntry *
verify_certs_entries(gpointer data)
{
    VerifyCertsOpts *o = data;
    const GOptionEntry entries[] = {
        { "pdh", 0, 0, G_OPTION_ARG_FILENAME, &o->pdh,
          N_("the platform's PDH certificate (raw or base64)"), N_("FILE") },
        { "cert-chain", 0, 0, G_OPTION_ARG_FILENAME, &o->cert_chain,
          N_("the platform's PEK, OCA and CEK, as libvirt exports them (raw or base64)"), N_("FILE") },
        { "ark", 0, 0, G_OPTION_ARG_FILENAME, &o->ark,
          N_("trust this root key certificate instead of AMD's built-in ones (an emulated platform's, for development only)"), N_("FILE") },
        { "ask", 0, 0, G_OPTION_ARG_FILENAME, &o->ask,
          N_("with --ark: the signing key certificate under that root"), N_("FILE") },
        { "dir", 0, 0, G_OPTION_ARG_FILENAME, &o->dir,
          N_("directory holding pdh.cert, pek.cert, oca.cert and cek.cert (as export-certs writes them)"), N_("DIR") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/* The platform's certificates, and another root only when --ark names one. */
static gboolean
load_chain(const VerifyCertsOpts *o, SevirtCertChain *chain, GError **error)
{
    if (o->dir && (o->pdh || o->cert_chain))
        return sevirt_cli_usage_error(error, _("--dir and --pdh/--cert-chain are mutually exclusive"));
    if (!o->dir && (!o->pdh || !o->cert_chain))
        return sevirt_cli_usage_error(error, _("give --dir DIR, or both --pdh and --cert-chain"));
    if (!sevirt_cli_chain_read_root(chain, o->ark, o->ask, error))
        return FALSE;
    if (o->dir) {
        g_autofree char *pdh = g_build_filename(o->dir, "pdh.cert", NULL);

        return (chain->pdh = sevirt_sev_cert_read(pdh, error)) &&
               sevirt_cli_chain_read_beside(chain, pdh, error);
    }
    return sevirt_cert_chain_read_platform(chain, o->cert_chain, error) &&
           (chain->pdh = sevirt_sev_cert_read(o->pdh, error));
}

/* "AMD's built-in Rome root" or the file named with --ark. */
static char *
root_describe(const char *ark, SevirtAmdGeneration gen, gboolean amd_root)
{
    const char *name = sevirt_amd_generation_to_string(gen);

    if (!ark)
        return name ? g_strdup_printf(_("AMD's built-in %s root"), name)
                    : g_strdup(_("AMD's built-in roots"));
    if (amd_root && name)
        return g_strdup_printf(_("AMD's %s root '%s'"), name, ark);
    return g_strdup_printf(_("'%s', which is NOT an AMD root"), ark);
}

static void
print_chain_json(SevirtCli *cli, const char *ark, const SevirtCertChain *chain, gboolean ok,
                 SevirtChainLink failed, const GError *verdict, SevirtAmdGeneration gen,
                 gboolean amd_root)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *api = NULL;
    guint8 major, minor;

    sevirt_sev_cert_get_api_version(chain->pdh, &major, &minor);
    api = g_strdup_printf("%u.%u", major, minor);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "verified");
    json_builder_add_boolean_value(b, ok);
    json_builder_set_member_name(b, "links");
    json_builder_begin_array(b);
    for (guint link = 0; link < SEVIRT_CHAIN_LINK_COUNT; link++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "link");
        json_builder_add_string_value(b, sevirt_chain_link_to_string(link));
        /* links after the failing one are not checked at all */
        json_builder_set_member_name(b, "status");
        json_builder_add_string_value(b, ok || link < failed ? "ok" :
                                         link == failed ? "failed" : "unchecked");
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (!ok) {
        json_builder_set_member_name(b, "failed_link");
        json_builder_add_string_value(b, sevirt_chain_link_to_string(failed));
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, verdict->message);
    }
    json_builder_set_member_name(b, "pdh_api_version");
    json_builder_add_string_value(b, api);
    /* the root: AMD's built-in one unless --ark named another */
    sevirt_cli_json_add_string(b, "root", ark ? ark : "built-in");
    json_builder_set_member_name(b, "amd_root");
    json_builder_add_boolean_value(b, ark ? amd_root : TRUE);
    sevirt_cli_json_add_string(b, "generation", sevirt_amd_generation_to_string(gen));
    if (ark && !amd_root) {
        g_autofree char *warning = g_strdup_printf(_(SEVIRT_CLI_NOT_AMD_ROOT), ark);

        sevirt_cli_json_add_string(b, "warning", warning);
    }
    if (chain->ark) {
        json_builder_set_member_name(b, "ark_key_bits");
        json_builder_add_int_value(b, sevirt_amd_cert_get_key_bits(chain->ark));
    }
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
cmd_verify_certs(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED,
                 GError **error)
{
    const VerifyCertsOpts *o = opts;
    g_auto(SevirtCertChain) chain = { 0 };
    g_autoptr(GError) verdict = NULL;
    g_autofree char *root = NULL;
    SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;
    SevirtAmdGeneration gen = SEVIRT_AMD_GEN_UNKNOWN;
    gboolean amd_root = FALSE;
    gboolean ok;

    if (!load_chain(o, &chain, error))
        return FALSE;
    ok = sevirt_amd_roots_verify_chain(&chain, &gen, &amd_root, &failed, &verdict);
    root = root_describe(o->ark, gen, amd_root);
    if (o->ark && !amd_root)
        sevirt_cli_warn(cli, _(SEVIRT_CLI_NOT_AMD_ROOT), o->ark);
    if (cli->json) {
        print_chain_json(cli, o->ark, &chain, ok, failed, verdict, gen, amd_root);
    } else {
        for (guint link = 0; link < SEVIRT_CHAIN_LINK_COUNT && (ok || link < failed); link++)
            sevirt_cli_step(cli, _("%-20s ok"), sevirt_chain_link_to_string(link));
        if (ok)
            sevirt_cli_step(cli, _("Certificate chain verifies up to %s: the PDH was issued by a platform under this root"),
                            root);
    }
    if (!ok) {
        if (!o->ark)
            sevirt_cli_chain_advise(&verdict);
        g_propagate_error(error, g_steal_pointer(&verdict));
        return FALSE;
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* session */

typedef struct {
    char *pdh;
    char *cert_chain;
    char *ark;
    char *ask;
    char *policy;
    char *out_dir;
    gboolean write_tk;
} SessionOpts;

static GOptionEntry *
session_entries(gpointer data)
{
    SessionOpts *o = data;
    const GOptionEntry entries[] = {
        { "pdh", 0, 0, G_OPTION_ARG_FILENAME, &o->pdh,
          N_("the platform's PDH certificate (raw or base64), with pek.cert, oca.cert and cek.cert "
             "beside it as export-certs writes them (its chain is verified)"), N_("FILE") },
        { "cert-chain", 0, 0, G_OPTION_ARG_FILENAME, &o->cert_chain,
          N_("the PDH's chain instead: PEK, OCA and CEK, as libvirt exports them (raw or base64)"), N_("FILE") },
        { "ark", 0, 0, G_OPTION_ARG_FILENAME, &o->ark,
          N_("trust this root key certificate instead of AMD's built-in ones (an emulated platform's, for development only)"), N_("FILE") },
        { "ask", 0, 0, G_OPTION_ARG_FILENAME, &o->ask,
          N_("with --ark: the signing key certificate under that root"), N_("FILE") },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &o->policy,
          N_("guest policy the session is bound to: a number (0x33) or flags (nodbg,noks,es,domain,sev)"), N_("POLICY") },
        { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->out_dir,
          N_("directory to write godh.b64, session.b64, tek.bin and tik.bin into (created if missing)"), N_("DIR") },
        { "tk", 0, 0, G_OPTION_ARG_NONE, &o->write_tk,
          N_("also write tk.bin, TEK and TIK in one 32-byte file"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/*
 * A session binds the policy for good: refuse one the firmware would reject
 * at LAUNCH_START anyway (reserved bits set).
 */
static gboolean
parse_session_policy(const char *text, guint64 *policy, GError **error)
{
    if (!sevirt_policy_parse("--policy", SEVIRT_SEV_SEV, text, policy, error))
        return FALSE;
    return sevirt_policy_check((*policy & SEVIRT_SEV_POLICY_ES) ? SEVIRT_SEV_ES : SEVIRT_SEV_SEV,
                               policy, NULL, error);
}

/*
 * A session is only as good as the PDH it is made for: its chain (beside
 * it, or --cert-chain) must verify up to AMD's root, or the --ark named.
 */
static gboolean
verify_session_pdh(SevirtCli *cli, const SessionOpts *o, const SevirtSevCert *pdh,
                   gboolean *amd_root, GError **error)
{
    g_auto(SevirtCertChain) chain = { 0 };

    chain.pdh = sevirt_sev_cert_copy(pdh);
    if (o->cert_chain) {
        if (!sevirt_cert_chain_read_platform(&chain, o->cert_chain, error))
            return FALSE;
    } else if (!sevirt_cli_chain_read_beside(&chain, o->pdh, error)) {
        if (error && *error) {
            g_autofree char *message = g_steal_pointer(&(*error)->message);

            (*error)->message = g_strdup_printf(_("%s; or give the chain with --cert-chain FILE"),
                                                message);
        }
        return FALSE;
    }
    return sevirt_cli_chain_verify(cli, &chain, o->pdh, o->ark, o->ask, amd_root, error);
}

static gboolean
cmd_session(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED, GError **error)
{
    const SessionOpts *o = opts;
    g_autoptr(SevirtSevCert) pdh = NULL;
    g_auto(SevirtSessionFiles) files = { 0 };
    guint64 policy = 0;
    gboolean amd_root = FALSE;

    if (!require_option("--pdh", o->pdh, error) ||
        !require_option("--policy", o->policy, error) ||
        !require_option("--out-dir", o->out_dir, error) ||
        !parse_session_policy(o->policy, &policy, error))
        return FALSE;
    if (!(pdh = sevirt_sev_cert_read(o->pdh, error)) ||
        !sevirt_session_check_pdh(pdh, o->pdh, error) ||
        !verify_session_pdh(cli, o, pdh, &amd_root, error) ||
        !sevirt_session_files_write(pdh, (guint32) policy, o->out_dir, o->write_tk, &files, error))
        return FALSE;

    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "policy");
        json_builder_add_int_value(b, policy);
        /* the root the PDH's chain verified under: AMD's unless --ark named another */
        sevirt_cli_json_add_string(b, "root", o->ark ? o->ark : "built-in");
        json_builder_set_member_name(b, "amd_root");
        json_builder_add_boolean_value(b, amd_root);
        if (!amd_root) {
            g_autofree char *warning = g_strdup_printf(_(SEVIRT_CLI_NOT_AMD_ROOT), o->ark);

            sevirt_cli_json_add_string(b, "warning", warning);
        }
        json_builder_set_member_name(b, "dh_cert");
        json_builder_add_string_value(b, files.godh);
        json_builder_set_member_name(b, "session");
        json_builder_add_string_value(b, files.session);
        json_builder_set_member_name(b, "tek");
        json_builder_add_string_value(b, files.tek);
        json_builder_set_member_name(b, "tik");
        json_builder_add_string_value(b, files.tik);
        if (files.tk) {
            json_builder_set_member_name(b, "tk");
            json_builder_add_string_value(b, files.tk);
        }
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
        return TRUE;
    }
    sevirt_cli_step(cli, _("Launch session for policy 0x%04" G_GINT64_MODIFIER "x written to '%s':"),
                    policy, o->out_dir);
    sevirt_cli_step(cli, _("  godh.b64      guest owner's DH certificate (<dhCert>)"));
    sevirt_cli_step(cli, _("  session.b64   session blob (<session>)"));
    sevirt_cli_step(cli, _("  tek.bin       transport encryption key (secret, mode 0600)"));
    sevirt_cli_step(cli, _("  tik.bin       transport integrity key (secret, mode 0600)"));
    if (files.tk)
        sevirt_cli_step(cli, _("  tk.bin        TEK and TIK in one file (secret, mode 0600)"));
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* verify-measurement */

typedef struct {
    char *measurement;
    char *api_major;
    char *api_minor;
    char *build_id;
    char *policy;
    SevirtCliExpectOptions expect;
    char *vmsa_cpu0;
    char *vmsa_cpu1;
    KeyOpts keys;
    gboolean print_expected;
    char *nonce;
} VerifyMeasurementOpts;

static GOptionEntry *
verify_measurement_entries(gpointer data)
{
    VerifyMeasurementOpts *o = data;
    const GOptionEntry entries[] = {
        { "measurement", 'm', 0, G_OPTION_ARG_STRING, &o->measurement,
          N_("the measurement the platform reported (base64, 48 bytes: libvirt's sev-measurement)"), N_("B64") },
        { "api-major", 0, 0, G_OPTION_ARG_STRING, &o->api_major,
          N_("SEV API major version the platform reported"), N_("N") },
        { "api-minor", 0, 0, G_OPTION_ARG_STRING, &o->api_minor,
          N_("SEV API minor version the platform reported"), N_("N") },
        { "build-id", 0, 0, G_OPTION_ARG_STRING, &o->build_id,
          N_("SEV firmware build id the platform reported"), N_("N") },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &o->policy,
          N_("guest policy the platform reported (bit 2, flag es: SEV-ES)"), N_("POLICY") },
        SEVIRT_CLI_EXPECT_OPTION_ENTRIES(&o->expect,
                                         N_("SEV-ES: number of vCPUs"),
                                         N_("SEV-ES: host CPU family, to build the VMSAs")),
        { "vmsa-cpu0", '0', 0, G_OPTION_ARG_FILENAME, &o->vmsa_cpu0,
          N_("SEV-ES: VMSA of the boot vCPU (4096 bytes)"), N_("FILE") },
        { "vmsa-cpu1", '1', 0, G_OPTION_ARG_FILENAME, &o->vmsa_cpu1,
          N_("SEV-ES: VMSA of the other vCPUs (4096 bytes)"), N_("FILE") },
        { "tik", 0, 0, G_OPTION_ARG_FILENAME, &o->keys.tik,
          N_("the transport integrity key (16 bytes)"), N_("FILE") },
        { "tek", 0, 0, G_OPTION_ARG_FILENAME, &o->keys.tek,
          N_("the transport encryption key (16 bytes): not needed, accepted with --tik as "
             "virt-qemu-sev-validate takes it"), N_("FILE") },
        { "tk", 0, 0, G_OPTION_ARG_FILENAME, &o->keys.tk,
          N_("TEK and TIK in one 32-byte file"), N_("FILE") },
        { "insecure-keys", 0, 0, G_OPTION_ARG_NONE, &o->keys.insecure_keys,
          N_("accept key files readable by group or others"), NULL },
        { "print-expected", 0, 0, G_OPTION_ARG_NONE, &o->print_expected,
          N_("print the expected measurement (base64) instead of comparing"), NULL },
        { "nonce", 0, 0, G_OPTION_ARG_STRING, &o->nonce,
          N_("with --print-expected: the platform's nonce (base64, 16 bytes) when --measurement is not given"), N_("B64") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

/* The SEV-ES VMSA files; freed together. */
typedef struct {
    guint8 *cpu0;
    guint8 *cpu1;
} VmsaFiles;

static void
vmsa_files_clear(VmsaFiles *f)
{
    g_free(f->cpu0);
    g_free(f->cpu1);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VmsaFiles, vmsa_files_clear)

static guint8 *
read_vmsa(const char *path, GError **error)
{
    gsize len = 0;
    g_autofree guint8 *data = sevirt_file_read(path, SEVIRT_VMSA_SIZE, &len, error);

    if (data && len != SEVIRT_VMSA_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    ngettext("VMSA file '%s' has %" G_GSIZE_FORMAT " byte, expected %d",
                             "VMSA file '%s' has %" G_GSIZE_FORMAT " bytes, expected %d", len),
                    path, len, SEVIRT_VMSA_SIZE);
        return NULL;
    }
    return g_steal_pointer(&data);
}

/* Checks the SEV-ES options the way libvirt's validator does. */
static gboolean
check_vmsa_options(const VerifyMeasurementOpts *o, gboolean es, gboolean sku, GError **error)
{
    if (sku && (o->vmsa_cpu0 || o->vmsa_cpu1))
        return sevirt_cli_usage_error(error, _("--vmsa-cpu0/--vmsa-cpu1 and --cpu-family/--cpu-model/--cpu-stepping are mutually exclusive"));
    if (o->vmsa_cpu1 && !o->vmsa_cpu0)
        return sevirt_cli_usage_error(error, _("--vmsa-cpu1 needs --vmsa-cpu0"));
    if (!es)
        return TRUE;
    if (!o->expect.num_cpus)
        return sevirt_cli_usage_error(error, _("the policy is SEV-ES: give the number of vCPUs with --num-cpus"));
    if (!sku && !o->vmsa_cpu0)
        return sevirt_cli_usage_error(error, _("the policy is SEV-ES: give --vmsa-cpu0 (and --vmsa-cpu1) or --cpu-family, --cpu-model and --cpu-stepping"));
    return TRUE;
}

/* Builds the launch digest from the options. */
static gboolean
compute_digest(SevirtCli *cli, const VerifyMeasurementOpts *vo, guint32 policy,
               guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE], GError **error)
{
    const SevirtCliExpectOptions *o = &vo->expect;
    g_auto(SevirtCliLaunchImages) images = { 0 };
    g_auto(VmsaFiles) vmsa = { 0 };
    SevirtLaunchInput in = { 0 };
    gboolean es = (policy & SEVIRT_SEV_POLICY_ES) != 0;
    gboolean sku = FALSE;

    if (!sevirt_cli_expect_parse(o, &in, &sku, error) ||
        !check_vmsa_options(vo, es, sku, error))
        return FALSE;
    if (!es) {
        if (o->num_cpus || vo->vmsa_cpu0 || sku)
            sevirt_cli_warn(cli, _("the policy 0x%x is not SEV-ES: vCPU state is not measured, --num-cpus and the VMSA options are ignored"),
                            policy);
        in.num_cpus = 0;
    }
    if (!sevirt_cli_expect_read_images(o, &images, &in, error))
        return FALSE;
    if (es && ((vo->vmsa_cpu0 && !(vmsa.cpu0 = read_vmsa(vo->vmsa_cpu0, error))) ||
               (vo->vmsa_cpu1 && !(vmsa.cpu1 = read_vmsa(vo->vmsa_cpu1, error)))))
        return FALSE;
    in.vmsa_cpu0 = vmsa.cpu0;
    in.vmsa_cpu1 = vmsa.cpu1;
    return sevirt_launch_digest(&in, digest, error);
}

static gboolean
parse_launch_info(const VerifyMeasurementOpts *o, SevirtLaunchInfo *info, GError **error)
{
    guint64 major = 0, minor = 0, build = 0, policy = 0;

    if (!require_option("--api-major", o->api_major, error) ||
        !require_option("--api-minor", o->api_minor, error) ||
        !require_option("--build-id", o->build_id, error) ||
        !require_option("--policy", o->policy, error) ||
        !sevirt_parse_uint("--api-major", o->api_major, 0xff, &major, error) ||
        !sevirt_parse_uint("--api-minor", o->api_minor, 0xff, &minor, error) ||
        !sevirt_parse_uint("--build-id", o->build_id, 0xff, &build, error) ||
        !sevirt_policy_parse("--policy", SEVIRT_SEV_SEV, o->policy, &policy, error))
        return FALSE;
    info->api_major = major;
    info->api_minor = minor;
    info->build_id = build;
    info->policy = policy;
    return TRUE;
}

static void
print_measurement_json(SevirtCli *cli, const char *reported, gboolean compared, gboolean match,
                       const char *expected, const guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE])
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *digest_hex = sevirt_cli_hex(digest, SEVIRT_LAUNCH_DIGEST_SIZE);
    json_builder_begin_object(b);
    if (compared) {
        json_builder_set_member_name(b, "match");
        json_builder_add_boolean_value(b, match);
        json_builder_set_member_name(b, "reported");
        json_builder_add_string_value(b, reported);
    }
    json_builder_set_member_name(b, "expected");
    json_builder_add_string_value(b, expected);
    json_builder_set_member_name(b, "launch_digest");
    json_builder_add_string_value(b, digest_hex);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
cmd_verify_measurement(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED,
                       GError **error)
{
    const VerifyMeasurementOpts *o = opts;
    g_autoptr(SevirtSecret) tek = NULL;
    g_autoptr(SevirtSecret) tik = NULL;
    g_autoptr(GError) verdict = NULL;
    g_autofree char *expected_b64 = NULL;
    SevirtLaunchInfo info;
    SevirtMeasurement reported = { { 0 } };
    SevirtMeasurement expected;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];
    gboolean match;

    if (o->nonce && !o->print_expected)
        return sevirt_cli_usage_error(error, _("--nonce is only used with --print-expected"));
    if (o->nonce && o->measurement)
        return sevirt_cli_usage_error(error, _("--nonce and --measurement are mutually exclusive"));
    if (!o->print_expected && !o->measurement)
        return sevirt_cli_usage_error(error, _("option --measurement is required (or --print-expected with --nonce)"));
    if (o->print_expected && !o->measurement && !o->nonce)
        return sevirt_cli_usage_error(error, _("--print-expected needs the platform's nonce: give --nonce or --measurement"));
    if (!parse_launch_info(o, &info, error))
        return FALSE;
    if (o->measurement &&
        !sevirt_measurement_parse("--measurement", o->measurement, &reported, error))
        return FALSE;
    if (o->nonce) {
        g_autofree guint8 *nonce = NULL;
        gsize len = 0;

        nonce = sevirt_base64_decode_strict("--nonce", o->nonce, SEVIRT_MNONCE_SIZE, &len, error);
        if (!nonce)
            return FALSE;
        memcpy(reported.nonce, nonce, SEVIRT_MNONCE_SIZE);
    }
    /* The TEK plays no part in the measurement: it is read (and checked)
     * only when given, as virt-qemu-sev-validate's command lines do. */
    if (!read_transport_keys(&o->keys, o->keys.tek ? &tek : NULL, &tik, error) ||
        !compute_digest(cli, o, info.policy, digest, error))
        return FALSE;

    memcpy(expected.nonce, reported.nonce, SEVIRT_MNONCE_SIZE);
    if (!sevirt_measurement_compute(tik, &info, digest, expected.nonce, expected.measure, error))
        return FALSE;
    expected_b64 = sevirt_measurement_to_base64(&expected);

    if (o->print_expected) {
        if (cli->json)
            print_measurement_json(cli, o->measurement, FALSE, FALSE, expected_b64, digest);
        else
            printf("%s\n", expected_b64);
        return TRUE;
    }

    match = sevirt_measurement_verify(tik, &info, digest, &reported, &verdict);
    if (!match && verdict->code != SEVIRT_ERROR_VERIFY) {
        g_propagate_error(error, g_steal_pointer(&verdict));
        return FALSE;
    }
    if (cli->json)
        print_measurement_json(cli, o->measurement, TRUE, match, expected_b64, digest);
    else if (match)
        sevirt_cli_step(cli, _("measurement matches"));
    if (!match) {
        g_propagate_error(error, g_steal_pointer(&verdict));
        return FALSE;
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* build-secret */

typedef struct {
    KeyOpts keys;
    char *measurement;
    char **secrets;
    char *iv;
    char *header_out;
    char *payload_out;
} BuildSecretOpts;

static GOptionEntry *
build_secret_entries(gpointer data)
{
    BuildSecretOpts *o = data;
    const GOptionEntry entries[] = {
        { "tek", 0, 0, G_OPTION_ARG_FILENAME, &o->keys.tek,
          N_("the transport encryption key (16 bytes)"), N_("FILE") },
        { "tik", 0, 0, G_OPTION_ARG_FILENAME, &o->keys.tik,
          N_("the transport integrity key (16 bytes)"), N_("FILE") },
        { "tk", 0, 0, G_OPTION_ARG_FILENAME, &o->keys.tk,
          N_("TEK and TIK in one 32-byte file"), N_("FILE") },
        { "insecure-keys", 0, 0, G_OPTION_ARG_NONE, &o->keys.insecure_keys,
          N_("accept key and secret files readable by group or others"), NULL },
        { "measurement", 'm', 0, G_OPTION_ARG_STRING, &o->measurement,
          N_("the guest's verified measurement (base64, 48 bytes: libvirt's sev-measurement)"), N_("B64") },
        { "secret", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->secrets,
          N_("a secret to inject: GUID or alias (luks-key), colon, file; repeatable"), N_("GUID-OR-ALIAS:FILE") },
        { "iv", 0, 0, G_OPTION_ARG_STRING, &o->iv,
          N_("the AES-CTR IV (base64, 16 bytes) instead of a random one; only to reproduce a known packet"), N_("B64") },
        { "header-out", 0, 0, G_OPTION_ARG_FILENAME, &o->header_out,
          N_("file to write the packet header to (base64: sev-secret-header)"), N_("FILE") },
        { "payload-out", 0, 0, G_OPTION_ARG_FILENAME, &o->payload_out,
          N_("file to write the encrypted secrets to (base64: sev-secret)"), N_("FILE") },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static gboolean
cmd_build_secret(SevirtCli *cli, gconstpointer opts, char **args G_GNUC_UNUSED,
                 GError **error)
{
    const BuildSecretOpts *o = opts;
    g_autoptr(SevirtSecret) tek = NULL;
    g_autoptr(SevirtSecret) tik = NULL;
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autoptr(GBytes) payload = NULL;
    g_autofree guint8 *iv = NULL;
    SevirtMeasurement measurement;
    SevirtSecretHeader header;
    g_autofree char *header_b64 = NULL;
    g_autofree char *payload_b64 = NULL;
    SevirtCliOutFile files[2];
    gsize len = 0;

    if (!require_option("--measurement", o->measurement, error) ||
        !require_option("--header-out", o->header_out, error) ||
        !require_option("--payload-out", o->payload_out, error))
        return FALSE;
    if (!o->secrets || !o->secrets[0])
        return sevirt_cli_usage_error(error, _("give at least one --secret GUID-OR-ALIAS:FILE"));
    if (g_str_equal(o->header_out, o->payload_out))
        return sevirt_cli_usage_error(error, _("--header-out and --payload-out must be different files"));
    if (!sevirt_measurement_parse("--measurement", o->measurement, &measurement, error))
        return FALSE;
    if (o->iv && !(iv = sevirt_base64_decode_strict("--iv", o->iv, SEVIRT_SECRET_IV_SIZE, &len, error)))
        return FALSE;
    if (!read_transport_keys(&o->keys, &tek, &tik, error))
        return FALSE;
    for (guint i = 0; o->secrets[i]; i++) {
        if (!sevirt_cli_add_secret(cli, table, o->secrets[i], o->keys.insecure_keys, error))
            return FALSE;
    }
    if (!sevirt_secret_packet_build(tek, tik, measurement.measure, iv, table,
                                    &header, &payload, error))
        return FALSE;

    header_b64 = g_base64_encode((const guchar *) &header, sizeof(header));
    payload_b64 = g_base64_encode(g_bytes_get_data(payload, NULL), g_bytes_get_size(payload));
    files[0] = (SevirtCliOutFile) { o->header_out, header_b64, strlen(header_b64), 0644 };
    files[1] = (SevirtCliOutFile) { o->payload_out, payload_b64, strlen(payload_b64), 0644 };
    if (!sevirt_cli_write_new_files(files, G_N_ELEMENTS(files), error))
        return FALSE;

    if (cli->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "secrets");
        json_builder_add_int_value(b, sevirt_secret_table_get_count(table));
        json_builder_set_member_name(b, "header");
        json_builder_add_string_value(b, o->header_out);
        json_builder_set_member_name(b, "payload");
        json_builder_add_string_value(b, o->payload_out);
        json_builder_end_object(b);
        sevirt_cli_print_json(cli, json_builder_get_root(b));
        return TRUE;
    }
    sevirt_cli_step(cli, ngettext("Secret packet with %u secret: header in '%s', payload in '%s'",
                                  "Secret packet with %u secrets: header in '%s', payload in '%s'",
                                  sevirt_secret_table_get_count(table)),
                    sevirt_secret_table_get_count(table), o->header_out, o->payload_out);
    return TRUE;
}

/* ---------------------------------------------------------------------- */

static const SevirtCmd attest_cmds[] = {
    { "verify-certs", NULL,
      N_("verify a platform's SEV certificate chain (offline)"),
      N_("Verifies ARK self-signature, ARK -> ASK, ASK -> CEK, OCA self-signature,\n"
         "OCA -> PEK, CEK -> PEK and PEK -> PDH, and names the first link that fails.\n"
         "The ARK and ASK are AMD's, built into sevirt (Naples, Rome, Milan): the\n"
         "generation is the one whose ASK signed the CEK; nothing is downloaded.\n"
         "Another root only with --ark and --ask (an emulated platform's, for\n"
         "development), and then the result says that the root is not AMD's."),
      SEVIRT_CMD_OPTIONS(VerifyCertsOpts, verify_certs_entries), 0, 0, cmd_verify_certs, 0 },
    { "session", NULL,
      N_("create the guest owner's launch session for a platform's PDH (offline)"),
      N_("Writes godh.b64 (<dhCert>) and session.b64 (<session>) for the domain XML,\n"
         "and the transport keys tek.bin and tik.bin (mode 0600) needed later to\n"
         "verify the measurement and build the secret.  Existing files are never\n"
         "overwritten.\n"
         "Only for a PDH whose chain (beside it, or --cert-chain) verifies up to\n"
         "AMD's built-in roots, as verify-certs checks it; another root only with\n"
         "--ark and --ask (an emulated platform's, for development), and then the\n"
         "result says that the root is not AMD's."),
      SEVIRT_CMD_OPTIONS(SessionOpts, session_entries), 0, 0, cmd_session, 0 },
    { "verify-measurement", NULL,
      N_("check a launch measurement against the expected firmware, kernel and vCPUs (offline)"),
      N_("Takes the inputs of libvirt's virt-qemu-sev-validate in its offline mode.\n"
         "Exits 0 and prints \"measurement matches\" on a match, 5 on a mismatch."),
      SEVIRT_CMD_OPTIONS(VerifyMeasurementOpts, verify_measurement_entries), 0, 0, cmd_verify_measurement, 0 },
    { "build-secret", NULL,
      N_("build the LAUNCH_SECRET packet to inject into a verified guest (offline)"),
      N_("Encrypts the secrets with the TEK and authenticates them with the TIK and\n"
         "the guest's measurement; writes header and payload in base64 as libvirt's\n"
         "domsetlaunchsecstate takes them."),
      SEVIRT_CMD_OPTIONS(BuildSecretOpts, build_secret_entries), 0, 0, cmd_build_secret, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_attest = {
    N_("Attestation (offline)"), attest_cmds,
};
