/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attested launch of an SEV / SEV-ES guest over libvirt.
 *
 * Longer than the ~700 lines of other modules on purpose: it is one
 * sequence (read the definition, check the owner's inputs, start paused,
 * verify the measurement, inject the secret, resume, destroy on failure)
 * whose steps share DomainFacts and the rollback; split, each part would
 * export what only this sequence needs.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt-autoptr.h"
#include "sevirt-conn.h"
#include "sevirt-crypto-private.h"
#include "sevirt-domain-private.h"
#include "sevirt-error.h"
#include "sevirt-hostcaps.h"
#include "sevirt-launch.h"
#include "sevirt-launch-private.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-ovmf.h"
#include "sevirt-policy.h"
#include "sevirt-session-private.h"
#include "sevirt-xml-private.h"

/* SEV-ES vCPU counts tried when the measurement does not match. */
#define DIAGNOSE_MAX_CPUS 64

const char *
sevirt_launch_step_to_string(SevirtLaunchStep step)
{
    static const char *const names[] = {
        [SEVIRT_LAUNCH_STEP_INSPECTED] = "inspected",
        [SEVIRT_LAUNCH_STEP_STARTED] = "started",
        [SEVIRT_LAUNCH_STEP_MEASURED] = "measured",
        [SEVIRT_LAUNCH_STEP_VERIFIED] = "verified",
        [SEVIRT_LAUNCH_STEP_INJECTED] = "injected",
        [SEVIRT_LAUNCH_STEP_RESUMED] = "resumed",
        [SEVIRT_LAUNCH_STEP_DESTROYED] = "destroyed",
    };

    return (guint) step < G_N_ELEMENTS(names) ? names[step] : NULL;
}

void
sevirt_launch_result_clear(SevirtLaunchResult *result)
{
    g_clear_pointer(&result->name, g_free);
    g_clear_pointer(&result->uuid, g_free);
}

/* ---------------------------------------------------------------------- */
/* The domain definition */

/* What the launch needs from the domain XML. */
typedef struct {
    char *sev_type;         /* launchSecurity/@type, NULL without one */
    guint64 policy;
    char *dh_cert;          /* base64 */
    guint8 *session;
    gsize session_len;
    gboolean kernel_hashes;
    char *loader;
    char *kernel;
    char *emulator;
} DomainFacts;

static void
domain_facts_clear(DomainFacts *f)
{
    g_free(f->sev_type);
    g_free(f->dh_cert);
    g_free(f->session);
    g_free(f->loader);
    g_free(f->kernel);
    g_free(f->emulator);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DomainFacts, domain_facts_clear)

static gboolean
read_domain_facts(virDomainPtr dom, const char *name, DomainFacts *f, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(SevirtLaunchSecurity) ls = NULL;

    if (!(doc = sevirt_domain_xml_load(dom, 0, error)))
        return FALSE;
    ctx = sevirt_xpath_new(doc);
    if (!(ls = sevirt_launch_security_read(ctx, error)))
        return FALSE;
    f->sev_type = g_steal_pointer(&ls->type);
    f->dh_cert = g_steal_pointer(&ls->dh_cert);
    f->loader = sevirt_xpath_string(ctx, "/domain/os/loader");
    f->kernel = sevirt_xpath_string(ctx, "/domain/os/kernel");
    f->emulator = sevirt_xpath_string(ctx, "/domain/devices/emulator");
    f->kernel_hashes = ls->kernel_hashes == SEVIRT_TRISTATE_YES;
    f->policy = ls->policy;
    if (ls->session &&
        !(f->session = sevirt_base64_decode_strict(_("<launchSecurity><session>"), ls->session,
                                                   SEVIRT_SESSION_BLOB_SIZE,
                                                   &f->session_len, error)))
        return FALSE;
    return TRUE;
}

/* Refusals that leave the domain alone: it cannot be launched this way at all. */
static gboolean
check_launchable(const char *name, const DomainFacts *f, GError **error)
{
    if (!f->sev_type || g_str_equal(f->sev_type, "s390-pv")) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Domain '%s' is not an SEV guest (no <launchSecurity type='sev'>)"), name);
        return FALSE;
    }
    if (g_str_equal(f->sev_type, "sev-snp")) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("Domain '%s' is an SEV-SNP guest: it proves what it runs with an attestation report, not with a launch measurement"),
                    name);
        return FALSE;
    }
    if (!g_str_equal(f->sev_type, "sev")) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("Domain '%s' has launch security type '%s', which sevirt cannot launch"),
                    name, f->sev_type);
        return FALSE;
    }
    if (!f->dh_cert || !f->session) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NO_OWNER_SESSION,
                    _("Domain '%s' has no guest owner <dhCert> and <session>: the platform picks its transport keys and no owner can verify it"),
                    name);
        return FALSE;
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The owner's session */

/* Flags of the policy's low byte a session is commonly made for. */
#define POLICY_FLAG_BITS 0x3fu

gboolean
sevirt_launch_check_session(const SevirtSecret *tik, const guint8 *session,
                            gsize session_len, guint32 policy, GError **error)
{
    const SevirtSessionBlob *blob = (const SevirtSessionBlob *) session;
    guint8 mac[32];

    if (session_len != SEVIRT_SESSION_BLOB_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The session blob has %" G_GSIZE_FORMAT " bytes, expected %d"),
                    session_len, SEVIRT_SESSION_BLOB_SIZE);
        return FALSE;
    }
    if (!sevirt_policy_mac(tik, policy, mac, error))
        return FALSE;
    if (sevirt_memeq_const(mac, blob->policy_mac, sizeof(mac)))
        return TRUE;

    /* Not for this policy: is it this TIK's session made for another one?
     * The policy MAC says so for each candidate; the usual policies differ
     * in their flag bits (and sometimes lack the minimum API version). */
    for (guint high = 0; high < 2; high++) {
        guint32 base = high ? 0 : policy & ~POLICY_FLAG_BITS;

        for (guint32 flags = 0; flags <= POLICY_FLAG_BITS; flags++) {
            guint32 candidate = base | flags;

            if (candidate == policy || !sevirt_policy_mac(tik, candidate, mac, NULL))
                continue;
            if (sevirt_memeq_const(mac, blob->policy_mac, sizeof(mac))) {
                g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                            _("The session was made for policy 0x%04x, but the domain's policy is 0x%04x: the platform would refuse it; make a new session for 0x%04x"),
                            candidate, policy, policy);
                return FALSE;
            }
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("The TIK does not belong to the domain's session: the key files and the dhCert/session in the domain come from different 'sevirt session' runs (or the wrong TIK was given)"));
    return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Expectations the owner's inputs must meet before anything starts */

static gboolean
check_policy(const SevirtLaunchOptions *opts, const DomainFacts *f, GError **error)
{
    if (opts->policy_set && opts->policy != f->policy) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The domain's policy 0x%04" G_GINT64_MODIFIER "x differs from the expected 0x%04x"),
                    f->policy, opts->policy);
        return FALSE;
    }
    return sevirt_launch_check_session(opts->tik, f->session, f->session_len,
                                       (guint32) f->policy, error);
}

static gboolean
check_kernel(const SevirtLaunchOptions *opts, const DomainFacts *f, const SevirtOvmf *ovmf,
             GError **error)
{
    const char *fw = opts->firmware_name;

    if (f->kernel_hashes && f->kernel && !opts->expected.kernel) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The domain boots kernel '%s' with kernelHashes='yes': give the kernel (and initrd and command line) the guest must run"),
                    f->kernel);
        return FALSE;
    }
    if (!opts->expected.kernel)
        return TRUE;
    if (!f->kernel_hashes || !f->kernel) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("A kernel was given, but the domain does not measure one (it needs <kernel> and kernelHashes='yes')"));
        return FALSE;
    }
    if (!sevirt_ovmf_get_hash_table_area(ovmf, NULL, NULL)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("Firmware '%s' reserves no kernel hashes area in its footer table, so it cannot boot a measured kernel; use an OVMF built for SEV (AmdSevX64) or boot from disk"),
                    fw);
        return FALSE;
    }
    return TRUE;
}

/*
 * The secret goes into the area the firmware reserves for it, or to the
 * address given; QEMU needs one of them.  Builds such as Debian's
 * OVMF_CODE_4M.fd list the area with base and size 0.
 */
static gboolean
check_secret_area(const SevirtLaunchOptions *opts, const SevirtOvmf *ovmf, GError **error)
{
    g_autoptr(SevirtSecret) table = NULL;
    guint32 size = 0;

    if (!opts->secrets || sevirt_secret_table_get_count(opts->secrets) == 0)
        return TRUE;
    if (!opts->tek) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Injecting a secret needs the TEK"));
        return FALSE;
    }
    table = sevirt_secret_table_serialize(opts->secrets);
    if (!sevirt_ovmf_get_secret_area(ovmf, NULL, &size)) {
        /* the table is at most SEVIRT_SECRET_PACKET_MAX (the PSP's limit);
         * it must not run past the end of the address space either */
        if (opts->secret_address_set && table->len - 1 > G_MAXUINT64 - opts->secret_address) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("The secrets take %" G_GSIZE_FORMAT " bytes, which do not fit at guest address 0x%" G_GINT64_MODIFIER "x"),
                        table->len, opts->secret_address);
            return FALSE;
        }
        if (opts->secret_address_set)
            return TRUE;
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NO_SECRET_AREA,
                    _("Firmware '%s' reserves no launch secret area (its footer table lists none, as Debian's OVMF builds do)"),
                    opts->firmware_name);
        return FALSE;
    }
    if (table->len > size) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The secrets take %" G_GSIZE_FORMAT " bytes, more than the %u bytes of the secret area of firmware '%s'"),
                    table->len, size, opts->firmware_name);
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_launch_host_cpu_signature(virDomainPtr dom, guint32 *signature, GError **error)
{
    g_autofree char *xml = virConnectGetCapabilities(virDomainGetConnect(dom));
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    gint64 family, model, stepping;

    if (!xml) {
        sevirt_error_libvirt(error, _("Cannot read the host capabilities"));
        return FALSE;
    }
    if (!(doc = sevirt_xml_parse(xml, _("host capabilities"), error)))
        return FALSE;
    ctx = sevirt_xpath_new(doc);
    family = sevirt_xpath_int(ctx, "/capabilities/host/cpu/signature/@family", -1);
    model = sevirt_xpath_int(ctx, "/capabilities/host/cpu/signature/@model", -1);
    stepping = sevirt_xpath_int(ctx, "/capabilities/host/cpu/signature/@stepping", -1);
    if (family < 0 || model < 0 || stepping < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NO_CPU_SIGNATURE,
                    _("The host does not report its CPU signature, which the SEV-ES and SEV-SNP VMSAs carry"));
        return FALSE;
    }
    *signature = sevirt_cpu_signature(family, model, stepping);
    return TRUE;
}

/* SEV-ES: the firmware needs a reset block; the VMSAs need a CPU signature. */
static gboolean
check_sev_es(virDomainPtr dom, const SevirtLaunchOptions *opts, const SevirtOvmf *ovmf,
             SevirtLaunchResult *result, GError **error)
{
    g_autoptr(GError) local = NULL;
    guint32 reset = 0;

    result->sev_es = (result->domain_policy & SEVIRT_SEV_POLICY_ES) != 0;
    if (!result->sev_es)
        return TRUE;
    if (!opts->expected.vmsa_cpu0 && !sevirt_ovmf_get_sev_es_reset_addr(ovmf, &reset, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The domain is SEV-ES, but firmware '%s' has no SEV-ES reset block: it cannot start the other vCPUs"),
                    opts->firmware_name);
        return FALSE;
    }
    result->cpu_signature = opts->expected.cpu_signature;
    if (opts->expected.vmsa_cpu0 || result->cpu_signature)
        return TRUE;
    result->cpu_signature_from_host = TRUE;
    return sevirt_launch_host_cpu_signature(dom, &result->cpu_signature, error);
}

static gboolean
check_expectations(virDomainPtr dom, const SevirtLaunchOptions *opts, const DomainFacts *f,
                   SevirtLaunchResult *result, GError **error)
{
    g_autoptr(SevirtOvmf) ovmf = NULL;

    if (!opts->tik || !opts->expected.firmware) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("An attested launch needs the TIK and the expected firmware"));
        return FALSE;
    }
    ovmf = sevirt_ovmf_parse(opts->expected.firmware, opts->expected.firmware_len,
                             opts->firmware_name, error);
    if (!ovmf)
        return FALSE;
    result->kernel_hashes = opts->expected.kernel != NULL;
    return check_policy(opts, f, error) &&
           check_kernel(opts, f, ovmf, error) &&
           check_secret_area(opts, ovmf, error) &&
           check_sev_es(dom, opts, ovmf, result, error);
}

/* ---------------------------------------------------------------------- */
/* Starting, measuring, injecting, resuming */

/*
 * The line of a failed start that says why: libvirt passes on QEMU's whole
 * log (the emulator's notices included), where the firmware's refusal is
 * the line naming LAUNCH_START, and QEMU's own error is the last line.
 */
static char *
start_failure(const char *message)
{
    g_auto(GStrv) lines = NULL;
    const char *last = NULL;

    if (!message)
        return NULL;
    lines = g_strsplit(message, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (strstr(lines[i], "LAUNCH_START"))
            return g_strdup(lines[i]);
        if (*lines[i])
            last = lines[i];
    }
    if (!last || last == lines[0])
        return g_strdup(lines[0]);
    return g_strdup_printf("%s ... %s", lines[0], last);
}

static gboolean
start_paused(virDomainPtr dom, gboolean paused, SevirtLaunchResult *result, GError **error)
{
    if (paused)
        return TRUE;
    if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) < 0) {
        virErrorPtr err = virGetLastError();
        g_autofree char *cause = start_failure(err ? err->message : NULL);

        virResetLastError();
        /* QEMU reports the firmware's refusal of the session this way. */
        if (cause && strstr(cause, "LAUNCH_START"))
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                        _("The platform refused the guest owner's session at LAUNCH_START: the dhCert and session were not made for this platform's PDH, or were altered (%s)"),
                        cause);
        else
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_LIBVIRT,
                        _("Cannot start domain '%s' paused: %s"), result->name,
                        cause ? cause : _("unknown error"));
        return FALSE;
    }
    sevirt_domain_record_start(dom);
    result->started = TRUE;
    return TRUE;
}

/*
 * The launch has to be at its start: shut off, or paused (as 'virsh start
 * --paused' leaves it).  Refuses a guest already running.
 */
static gboolean
check_state(virDomainPtr dom, const char *name, gboolean *paused, GError **error)
{
    int state = VIR_DOMAIN_NOSTATE;
    int reason = 0;

    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the state of domain '%s'"), name);
        return FALSE;
    }
    *paused = state == VIR_DOMAIN_PAUSED;
    if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_PAUSED)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                _("Domain '%s' is already running: only a guest that is shut off or paused at its start can be launched"),
                name);
    return FALSE;
}

gboolean
sevirt_launch_info_from_params(SevirtLaunchResult *result, virTypedParameterPtr params,
                               int nparams, GError **error)
{
    g_autoptr(GError) local = NULL;
    const char *measurement = NULL;
    unsigned int major = 0, minor = 0, build = 0, policy = 0;

    if (virTypedParamsGetString(params, nparams, VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT,
                                &measurement) != 1 ||
        virTypedParamsGetUInt(params, nparams, VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR,
                              &major) != 1 ||
        virTypedParamsGetUInt(params, nparams, VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MINOR,
                              &minor) != 1 ||
        virTypedParamsGetUInt(params, nparams, VIR_DOMAIN_LAUNCH_SECURITY_SEV_BUILD_ID,
                              &build) != 1 ||
        virTypedParamsGetUInt(params, nparams, VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY,
                              &policy) != 1) {
        virResetLastError();
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The launch security info of domain '%s' lacks the measurement, API version, build or policy"),
                    result->name);
        return FALSE;
    }
    if (major > 0xff || minor > 0xff || build > 0xff) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("Domain '%s' reports an impossible SEV API version %u.%u or build %u"),
                    result->name, major, minor, build);
        return FALSE;
    }
    result->info.api_major = major;
    result->info.api_minor = minor;
    result->info.build_id = build;
    result->info.policy = policy;
    if (!sevirt_measurement_parse("sev-measurement", measurement, &result->measurement, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("Domain '%s' reports a malformed launch measurement: %s"),
                    result->name, local->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
read_launch_info(virDomainPtr dom, SevirtLaunchResult *result, GError **error)
{
    g_auto(SevirtTypedParams) p = { 0 };

    if (virDomainGetLaunchSecurityInfo(dom, &p.params, &p.nparams, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot read the launch measurement of domain '%s'"),
                             result->name);
        return FALSE;
    }
    return sevirt_launch_info_from_params(result, p.params, p.nparams, error);
}

/* The vCPUs of a running SEV-ES guest, each of which got a VMSA measured. */
static gboolean
count_vcpus(virDomainPtr dom, const SevirtLaunchOptions *opts, SevirtLaunchResult *result,
            GError **error)
{
    virDomainInfo info;

    if (!result->sev_es)
        return TRUE;
    if (opts->expected.num_cpus) {
        result->num_cpus = opts->expected.num_cpus;
        return TRUE;
    }
    if (virDomainGetInfo(dom, &info) < 0) {
        sevirt_error_libvirt(error, _("Cannot count the vCPUs of domain '%s'"), result->name);
        return FALSE;
    }
    result->num_cpus = info.nrVirtCpu;
    return TRUE;
}

/* The input as the launch measured it (vCPUs and signature resolved). */
static SevirtLaunchInput
resolved_input(const SevirtLaunchOptions *opts, const SevirtLaunchResult *result)
{
    SevirtLaunchInput in = opts->expected;

    in.num_cpus = result->sev_es ? result->num_cpus : 0;
    in.cpu_signature = result->cpu_signature;
    return in;
}

static gboolean
measurement_matches(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                    const SevirtMeasurement *reported, const SevirtLaunchInput *in)
{
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];

    return sevirt_launch_digest(in, digest, NULL) &&
           sevirt_measurement_verify(tik, info, digest, reported, NULL);
}

/* SEV-ES variations: vCPU count and VMSA reset values.  @code tells the
 * caller which reset values matched, for advice the sentence leaves out. */
static char *
diagnose_sev_es(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                const SevirtMeasurement *reported, const SevirtLaunchInput *expected,
                SevirtErrorCode *code)
{
    SevirtLaunchInput in = *expected;
    guint max = MAX(DIAGNOSE_MAX_CPUS, expected->num_cpus);

    /* The reset values only matter for VMSAs built here. */
    for (guint fpu = 0; fpu < (in.vmsa_cpu0 ? 1u : 2u); fpu++) {
        in.vmsa_flags = fpu ? expected->vmsa_flags ^ SEVIRT_VMSA_FPU_INIT : expected->vmsa_flags;
        for (guint n = 1; n <= max; n++) {
            in.num_cpus = n;
            if ((n == expected->num_cpus && !fpu) ||
                (n > 1 && in.vmsa_cpu0 && !in.vmsa_cpu1) ||
                !measurement_matches(tik, info, reported, &in))
                continue;
            if (!fpu)
                return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                                   "the vCPU count differs: the measurement matches %u vCPU, not the %u expected",
                                                   "the vCPU count differs: the measurement matches %u vCPUs, not the %u expected",
                                                   n),
                                       n, expected->num_cpus);
            *code = in.vmsa_flags & SEVIRT_VMSA_FPU_INIT ? SEVIRT_ERROR_MEASURED_FPU_INIT
                                                         : SEVIRT_ERROR_MEASURED_NO_FPU_INIT;
            if (in.vmsa_flags & SEVIRT_VMSA_FPU_INIT)
                return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                                   "the host sets the initial FPU state in the VMSAs: the measurement matches %u vCPU with the MXCSR/FCW reset values",
                                                   "the host sets the initial FPU state in the VMSAs: the measurement matches %u vCPUs with the MXCSR/FCW reset values",
                                                   n),
                                       n);
            return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                               "the host leaves the initial FPU state out of the VMSAs: the measurement matches %u vCPU without the MXCSR/FCW reset values",
                                               "the host leaves the initial FPU state out of the VMSAs: the measurement matches %u vCPUs without the MXCSR/FCW reset values",
                                               n),
                                   n);
        }
    }
    return NULL;
}

static char *
launch_diagnose(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                const SevirtMeasurement *reported, const SevirtLaunchInput *expected,
                const char *expected_firmware_name,
                const guint8 *domain_firmware, gsize domain_firmware_len,
                const char *domain_firmware_name, SevirtErrorCode *code)
{
    char *found = NULL;

    *code = SEVIRT_ERROR_VERIFY;
    if (expected->num_cpus > 0 &&
        (found = diagnose_sev_es(tik, info, reported, expected, code)))
        return found;
    if (domain_firmware &&
        (domain_firmware_len != expected->firmware_len ||
         memcmp(domain_firmware, expected->firmware, domain_firmware_len) != 0)) {
        SevirtLaunchInput in = *expected;

        in.firmware = domain_firmware;
        in.firmware_len = domain_firmware_len;
        if (measurement_matches(tik, info, reported, &in))
            return g_strdup_printf(_("the firmware differs: the measurement matches '%s', the domain's loader, not the expected '%s'"),
                                   domain_firmware_name, expected_firmware_name);
        return g_strdup_printf(_("the measurement matches neither the expected firmware '%s' nor the domain's loader '%s': the firmware, kernel, initrd or command line differ"),
                               expected_firmware_name, domain_firmware_name);
    }
    if (expected->num_cpus > 0)
        return g_strdup_printf(_("the firmware (expected '%s'), kernel, initrd or command line the guest was launched with differ, or its vCPUs carry another CPU signature (family, model, stepping)"),
                               expected_firmware_name);
    return g_strdup_printf(_("the firmware (expected '%s'), kernel, initrd or command line the guest was launched with differ"),
                           expected_firmware_name);
}

char *
sevirt_launch_diagnose(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                       const SevirtMeasurement *reported, const SevirtLaunchInput *expected,
                       const char *expected_firmware_name,
                       const guint8 *domain_firmware, gsize domain_firmware_len,
                       const char *domain_firmware_name)
{
    SevirtErrorCode code;

    return launch_diagnose(tik, info, reported, expected, expected_firmware_name,
                           domain_firmware, domain_firmware_len, domain_firmware_name, &code);
}

/* The firmware the domain names, when this machine can read it. */
static guint8 *
read_domain_firmware(virDomainPtr dom, const char *loader, gsize *len)
{
    if (!loader || !sevirt_conn_is_local(virDomainGetConnect(dom)))
        return NULL;
    return sevirt_file_read(loader, SEVIRT_FIRMWARE_FILE_MAX, len, NULL);
}

gboolean
sevirt_launch_check_reported_policy(const SevirtLaunchResult *result, GError **error)
{
    /* The policy is part of the measured data, but say it plainly. */
    if (result->info.policy == result->domain_policy)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("The platform reports policy 0x%04x, but the domain's policy is 0x%04" G_GINT64_MODIFIER "x"),
                result->info.policy, result->domain_policy);
    return FALSE;
}

static gboolean
verify_measurement(virDomainPtr dom, const SevirtLaunchOptions *opts, const DomainFacts *f,
                   SevirtLaunchResult *result, GError **error)
{
    SevirtLaunchInput in;
    g_autofree guint8 *domain_fw = NULL;
    g_autofree char *why = NULL;
    gsize domain_fw_len = 0;
    SevirtErrorCode code;

    if (!sevirt_launch_check_reported_policy(result, error) ||
        !count_vcpus(dom, opts, result, error))
        return FALSE;
    in = resolved_input(opts, result);
    if (!sevirt_launch_digest(&in, result->digest, error))
        return FALSE;
    if (sevirt_measurement_verify(opts->tik, &result->info, result->digest,
                                  &result->measurement, NULL))
        return TRUE;

    domain_fw = read_domain_firmware(dom, f->loader, &domain_fw_len);
    why = launch_diagnose(opts->tik, &result->info, &result->measurement, &in,
                          opts->firmware_name, domain_fw, domain_fw_len, f->loader, &code);
    g_set_error(error, SEVIRT_ERROR, code,
                _("The launch measurement does not match: %s"), why);
    return FALSE;
}

/*
 * Whether the platform refused LAUNCH_SECRET because the guest is no longer
 * in its launch: QEMU's words for it (the emulated platform uses the same).
 */
static gboolean
refused_for_state(void)
{
    virErrorPtr err = virGetLastError();

    return err && err->message && strstr(err->message, "SEV: Not in correct state");
}

static gboolean
inject_secret(virDomainPtr dom, const SevirtLaunchOptions *opts, SevirtLaunchResult *result,
              GError **error)
{
    g_auto(SevirtTypedParams) p = { 0 };
    g_autoptr(GBytes) payload = NULL;
    g_autofree char *header_b64 = NULL;
    g_autofree char *payload_b64 = NULL;
    SevirtSecretHeader header;
    int max = 0;

    if (!opts->secrets || sevirt_secret_table_get_count(opts->secrets) == 0)
        return TRUE;
    if (!sevirt_secret_packet_build(opts->tek, opts->tik, result->measurement.measure, NULL,
                                    opts->secrets, &header, &payload, error))
        return FALSE;
    header_b64 = g_base64_encode((const guchar *) &header, sizeof(header));
    payload_b64 = g_base64_encode(g_bytes_get_data(payload, NULL), g_bytes_get_size(payload));
    if (virTypedParamsAddString(&p.params, &p.nparams, &max,
                                VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET_HEADER, header_b64) < 0 ||
        virTypedParamsAddString(&p.params, &p.nparams, &max,
                                VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET, payload_b64) < 0 ||
        (opts->secret_address_set &&
         virTypedParamsAddULLong(&p.params, &p.nparams, &max,
                                 VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET_SET_ADDRESS,
                                 opts->secret_address) < 0)) {
        sevirt_error_libvirt(error, _("Cannot build the secret parameters"));
        return FALSE;
    }
    if (virDomainSetLaunchSecurityState(dom, p.params, p.nparams, 0) < 0) {
        if (!result->started && refused_for_state()) {
            /* Found paused, but it has run since it started (suspended
             * later): its launch is over, and destroying it would kill a
             * guest that was doing its work. */
            virResetLastError();
            result->past_launch = TRUE;
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("Domain '%s' has run since it started (it was suspended later): its launch is over, and the platform takes secrets only during a launch"),
                        result->name);
            return FALSE;
        }
        sevirt_error_libvirt(error, _("The platform refused the secret for domain '%s'"),
                             result->name);
        return FALSE;
    }
    result->secrets = sevirt_secret_table_get_count(opts->secrets);
    result->secret_address_set = opts->secret_address_set;
    result->secret_address = opts->secret_address;
    return TRUE;
}

static gboolean
resume(virDomainPtr dom, const SevirtLaunchOptions *opts, SevirtLaunchResult *result,
       GError **error)
{
    if (opts->no_resume)
        return TRUE;
    if (virDomainResume(dom) < 0) {
        sevirt_error_libvirt(error, _("Cannot resume domain '%s'"), result->name);
        return FALSE;
    }
    result->resumed = TRUE;
    return TRUE;
}

static void
progress(const SevirtLaunchOptions *opts, SevirtLaunchStep step, const SevirtLaunchResult *result)
{
    if (opts->progress)
        opts->progress(step, result, opts->progress_data);
}

/* The verification failures whose code a caller can explain keep it. */
static SevirtErrorCode
abort_code(const GError *cause)
{
    if (cause->domain == SEVIRT_ERROR) {
        switch ((SevirtErrorCode) cause->code) {
        case SEVIRT_ERROR_NO_SECRET_AREA:
        case SEVIRT_ERROR_NO_CPU_SIGNATURE:
        case SEVIRT_ERROR_MEASURED_FPU_INIT:
        case SEVIRT_ERROR_MEASURED_NO_FPU_INIT:
            return cause->code;
        default:
            break;
        }
    }
    return SEVIRT_ERROR_VERIFY;
}

/*
 * After a failure: destroy the guest if it runs, so that nothing unverified
 * goes on, and turn the error into a verification failure that says so.
 */
static void
abort_launch(virDomainPtr dom, const SevirtLaunchOptions *opts, SevirtLaunchResult *result,
             GError **error)
{
    g_autofree char *cause = NULL;
    SevirtErrorCode code;
    const char *outcome;

    if (result->past_launch) {
        cause = g_strdup((*error)->message);
        g_clear_error(error);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Launch of '%s' failed: %s; the guest was left paused and no secret was injected"),
                    result->name, cause);
        return;
    }
    if (virDomainIsActive(dom) == 1) {
        if (virDomainDestroy(dom) == 0) {
            result->destroyed = TRUE;
            progress(opts, SEVIRT_LAUNCH_STEP_DESTROYED, result);
        }
    }
    virResetLastError();
    if (result->destroyed)
        outcome = _("the guest was destroyed and no secret was injected");
    else if (virDomainIsActive(dom) == 1)
        outcome = _("destroying the guest failed; no secret was injected");
    else
        outcome = _("the guest was not started and no secret was injected");
    virResetLastError();
    cause = g_strdup((*error)->message);
    code = abort_code(*error);
    g_clear_error(error);
    g_set_error(error, SEVIRT_ERROR, code, _("Launch of '%s' failed: %s; %s"),
                result->name, cause, outcome);
}

gboolean
sevirt_launch(virDomainPtr dom, const SevirtLaunchOptions *opts, SevirtLaunchResult *result,
              GError **error)
{
    g_auto(DomainFacts) facts = { 0 };
    char uuid[VIR_UUID_STRING_BUFLEN];
    gboolean paused = FALSE;

    sevirt_launch_result_clear(result);
    memset(result, 0, sizeof(*result));
    result->name = g_strdup(virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        result->uuid = g_strdup(uuid);
    if (!read_domain_facts(dom, result->name, &facts, error) ||
        !check_launchable(result->name, &facts, error) ||
        !check_state(dom, result->name, &paused, error))
        return FALSE;
    result->emulated = sevirt_emulator_is_emulated(facts.emulator);
    result->domain_policy = facts.policy;

    if (!check_expectations(dom, opts, &facts, result, error))
        goto fail;
    progress(opts, SEVIRT_LAUNCH_STEP_INSPECTED, result);
    if (!start_paused(dom, paused, result, error))
        goto fail;
    progress(opts, SEVIRT_LAUNCH_STEP_STARTED, result);
    if (!read_launch_info(dom, result, error))
        goto fail;
    progress(opts, SEVIRT_LAUNCH_STEP_MEASURED, result);
    if (!verify_measurement(dom, opts, &facts, result, error))
        goto fail;
    progress(opts, SEVIRT_LAUNCH_STEP_VERIFIED, result);
    if (!inject_secret(dom, opts, result, error))
        goto fail;
    if (result->secrets)
        progress(opts, SEVIRT_LAUNCH_STEP_INJECTED, result);
    if (!resume(dom, opts, result, error))
        goto fail;
    if (result->resumed)
        progress(opts, SEVIRT_LAUNCH_STEP_RESUMED, result);
    return TRUE;

 fail:
    abort_launch(dom, opts, result, error);
    return FALSE;
}
