/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attested launch's checks and diagnoses against the published vectors,
 * its refusals and its failure path on libvirt's test driver (which has no
 * SEV: the real launch runs in tests/integ-launch*.sh on the emulated
 * platform), and the platform certificates parser.
 */
#include <config.h>

#include <string.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-launch-private.h"

static GBytes *
load(const char *rel)
{
    g_autofree char *path = sevirt_test_vector(rel);
    g_autoptr(GError) error = NULL;
    char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &error))
        fail_msg("%s", error->message);
    return g_bytes_new_take(data, len);
}

static SevirtSecret *
load_secret(const char *rel)
{
    g_autoptr(GBytes) b = load(rel);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(b, &len);

    return sevirt_secret_new_from(data, len);
}

static SevirtSession *
rome_session(guint32 policy)
{
    g_autoptr(GBytes) pdh_bytes = load("sev-certs/rome/pdh.cert");
    g_autoptr(SevirtSevCert) pdh = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(pdh_bytes, &len);
    SevirtSession *session;

    pdh = sevirt_sev_cert_parse(data, len, "pdh", &error);
    assert_non_null(pdh);
    session = sevirt_session_new(pdh, policy, &error);
    assert_non_null(session);
    return session;
}

/* ---------------------------------------------------------------------- */

static void
test_check_session(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSession) session = rome_session(0x33);
    g_autoptr(SevirtSession) other = rome_session(0x33);
    g_autoptr(SevirtSession) with_api = rome_session(0x00010037);
    const guint8 *blob = (const guint8 *) sevirt_session_get_blob(session);
    const SevirtSecret *tik = sevirt_session_get_tik(session);
    const gsize blob_len = sizeof(SevirtSessionBlob);
    g_autoptr(GError) error = NULL;

    assert_true(sevirt_launch_check_session(tik, blob, blob_len, 0x33, &error));
    assert_null(error);

    /* made for another policy: found and named */
    assert_false(sevirt_launch_check_session(tik, blob, blob_len, 0x3, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "The session was made for policy 0x0033, but the domain's policy is 0x0003");
    /* ... also when the domain asks for a minimum API version the session lacks */
    assert_false(sevirt_launch_check_session(tik, blob, blob_len, 0x00010033, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "made for policy 0x0033");
    assert_false(sevirt_launch_check_session(sevirt_session_get_tik(with_api),
                                             (const guint8 *) sevirt_session_get_blob(with_api),
                                             blob_len, 0x00010033, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "made for policy 0x10037");

    /* another session's TIK */
    assert_false(sevirt_launch_check_session(sevirt_session_get_tik(other), blob, blob_len, 0x33, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "The TIK does not belong to the domain's session");

    assert_false(sevirt_launch_check_session(tik, blob, 0x7f, 0x33, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "127 bytes, expected 128");
}

/* ---------------------------------------------------------------------- */
/* Diagnoses, on the SEV-ES and firmware-only measurement vectors */

typedef struct {
    GBytes *firmware;
    GBytes *vmsa0;
    GBytes *vmsa1;
    SevirtSecret *tik;
} Vectors;

static void
vectors_load(Vectors *v)
{
    v->firmware = load("sev-measurement/ovmf-amdsev-trimmed.fd");
    v->vmsa0 = load("sev-measurement/vmsa-cpu0.bin");
    v->vmsa1 = load("sev-measurement/vmsa-cpu1.bin");
    v->tik = load_secret("sev-measurement/tik.bin");
}

static void
vectors_clear(Vectors *v)
{
    g_bytes_unref(v->firmware);
    g_bytes_unref(v->vmsa0);
    g_bytes_unref(v->vmsa1);
    sevirt_secret_free(v->tik);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Vectors, vectors_clear)

static void
parse_measurement(const char *b64, SevirtMeasurement *m)
{
    g_autoptr(GError) error = NULL;

    assert_true(sevirt_measurement_parse("test", b64, m, &error));
}

/* The SEV-ES vector: 4 vCPUs of family 25 model 1 stepping 1, no FPU init. */
static const SevirtLaunchInfo es_info = { 1, 49, 6, 0x5 };
#define ES_MEASUREMENT "/o0nzDKE5XgtVnUZWPhUea/WZYrTKLExR7KCwuMdbActvpWfXTFk21KMZIAAhQny"

static SevirtLaunchInput
es_input(const Vectors *v, guint num_cpus)
{
    SevirtLaunchInput in = { 0 };

    in.firmware = g_bytes_get_data(v->firmware, &in.firmware_len);
    in.num_cpus = num_cpus;
    in.cpu_signature = sevirt_cpu_signature(25, 1, 1);
    return in;
}

static void
test_diagnose_sev_es(void **state G_GNUC_UNUSED)
{
    g_auto(Vectors) v = { 0 };
    SevirtMeasurement m;
    SevirtLaunchInput in;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];
    g_autoptr(GError) error = NULL;
    g_autofree char *why = NULL;
    g_autofree char *fpu = NULL;
    g_autofree char *files = NULL;
    g_autofree char *none = NULL;

    vectors_load(&v);
    parse_measurement(ES_MEASUREMENT, &m);

    /* the right input matches, so the diagnoses below are about the variations */
    in = es_input(&v, 4);
    assert_true(sevirt_launch_digest(&in, digest, &error));
    assert_true(sevirt_measurement_verify(v.tik, &es_info, digest, &m, &error));

    in = es_input(&v, 2);
    why = sevirt_launch_diagnose(v.tik, &es_info, &m, &in, "fw.fd", NULL, 0, NULL);
    assert_string_equal(why, "the vCPU count differs: the measurement matches 4 vCPUs, not the 2 expected");

    in = es_input(&v, 4);
    in.vmsa_flags = SEVIRT_VMSA_FPU_INIT;
    fpu = sevirt_launch_diagnose(v.tik, &es_info, &m, &in, "fw.fd", NULL, 0, NULL);
    assert_non_null(strstr(fpu, "leaves the initial FPU state out of the VMSAs: the measurement matches 4 vCPUs"));

    /* VMSA files: the count is still found */
    in = es_input(&v, 3);
    in.vmsa_cpu0 = g_bytes_get_data(v.vmsa0, NULL);
    in.vmsa_cpu1 = g_bytes_get_data(v.vmsa1, NULL);
    files = sevirt_launch_diagnose(v.tik, &es_info, &m, &in, "fw.fd", NULL, 0, NULL);
    assert_string_equal(files, "the vCPU count differs: the measurement matches 4 vCPUs, not the 3 expected");

    /* another CPU signature: nothing cheap matches */
    in = es_input(&v, 4);
    in.cpu_signature = sevirt_cpu_signature(23, 49, 0);
    none = sevirt_launch_diagnose(v.tik, &es_info, &m, &in, "fw.fd", NULL, 0, NULL);
    assert_non_null(strstr(none, "another CPU signature"));
}

static void
test_diagnose_firmware(void **state G_GNUC_UNUSED)
{
    static const SevirtLaunchInfo info = { 1, 40, 40, 0x3 };
    g_auto(Vectors) v = { 0 };
    SevirtMeasurement m;
    SevirtLaunchInput in = { 0 };
    g_autofree guint8 *other = NULL;
    g_autofree char *found = NULL;
    g_autofree char *neither = NULL;
    g_autofree char *generic = NULL;
    gsize len = 0;
    const guint8 *fw;

    vectors_load(&v);
    parse_measurement("oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA", &m);
    fw = g_bytes_get_data(v.firmware, &len);
    other = g_memdup2(fw, len);
    other[len / 2] ^= 1;

    /* the owner expected another build; the domain's loader is what ran */
    in.firmware = other;
    in.firmware_len = len;
    found = sevirt_launch_diagnose(v.tik, &info, &m, &in, "mine.fd", fw, len, "/usr/share/ovmf.fd");
    assert_string_equal(found, "the firmware differs: the measurement matches '/usr/share/ovmf.fd', the domain's loader, not the expected 'mine.fd'");

    /* neither the expected firmware nor the domain's */
    in.firmware = fw;
    neither = sevirt_launch_diagnose(v.tik, &info, &m, &in, "mine.fd", other, len, "/other.fd");
    assert_non_null(strstr(neither, "matches neither the expected firmware 'mine.fd' nor the domain's loader '/other.fd'"));

    /* the loader is the expected firmware (or unreadable): no more to say */
    in.firmware = other;
    generic = sevirt_launch_diagnose(v.tik, &info, &m, &in, "mine.fd", other, len, "/same.fd");
    assert_string_equal(generic, "the firmware (expected 'mine.fd'), kernel, initrd or command line the guest was launched with differ");
}

/* ---------------------------------------------------------------------- */
/* The launch on libvirt's test driver: refusals and the failure path */

typedef struct {
    virConnectPtr conn;
    SevirtSession *session;
    GBytes *firmware;
    SevirtSecretTable *secrets;
} TestDriver;

static char *
sev_domain_xml(const char *name, guint32 policy, const SevirtSession *session,
               const char *extra_os)
{
    const SevirtSevCert *godh_cert = sevirt_session_get_godh(session);
    g_autofree char *godh = g_base64_encode(sevirt_sev_cert_get_data(godh_cert),
                                            SEVIRT_SEV_CERT_SIZE);
    g_autofree char *blob = g_base64_encode((const guchar *) sevirt_session_get_blob(session),
                                            sizeof(SevirtSessionBlob));

    return g_strdup_printf("<domain type='test'><name>%s</name><memory>262144</memory><vcpu>2</vcpu>"
                           "<os><type arch='x86_64'>hvm</type>%s</os>"
                           "<launchSecurity type='sev'><policy>0x%04x</policy>"
                           "<dhCert>%s</dhCert><session>%s</session></launchSecurity></domain>",
                           name, extra_os, policy, godh, blob);
}

static virDomainPtr
define(TestDriver *t, const char *xml)
{
    virDomainPtr dom = virDomainDefineXML(t->conn, xml);

    assert_non_null(dom);
    return dom;
}

static SevirtLaunchOptions
launch_options(const TestDriver *t, const SevirtSession *session)
{
    SevirtLaunchOptions opts = { 0 };

    opts.tek = sevirt_session_get_tek(session);
    opts.tik = sevirt_session_get_tik(session);
    opts.expected.firmware = g_bytes_get_data(t->firmware, &opts.expected.firmware_len);
    opts.firmware_name = "ovmf.fd";
    return opts;
}

static void
record_step(SevirtLaunchStep step, const SevirtLaunchResult *result G_GNUC_UNUSED, gpointer data)
{
    g_string_append_printf(data, "%s ", sevirt_launch_step_to_string(step));
}

static int
setup_test_driver(void **state)
{
    g_autoptr(GError) error = NULL;
    TestDriver *t = g_new0(TestDriver, 1);
    static const char pass[] = "passphrase";

    sevirt_libvirt_init();
    t->conn = sevirt_connect("test:///default", NULL, &error);
    assert_non_null(t->conn);
    t->session = rome_session(0x33);
    t->firmware = load("sev-measurement/ovmf-amdsev-trimmed.fd");
    t->secrets = sevirt_secret_table_new();
    assert_true(sevirt_secret_table_add(t->secrets, &sevirt_secret_guid_luks_key,
                                        (const guint8 *) pass, sizeof(pass), &error));
    *state = t;
    return 0;
}

static int
teardown_test_driver(void **state)
{
    TestDriver *t = *state;

    virConnectClose(t->conn);
    sevirt_session_free(t->session);
    g_bytes_unref(t->firmware);
    sevirt_secret_table_free(t->secrets);
    g_free(t);
    return 0;
}

/* virDomainGetLaunchSecurityInfo's answer, with one field changed or left out. */
static int
launch_info_params(virTypedParameterPtr *params, const char *skip, const char *measurement,
                   unsigned int api_major, unsigned int policy)
{
    int n = 0, max = 0;

    if (g_strcmp0(skip, VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT) != 0)
        assert_int_equal(virTypedParamsAddString(params, &n, &max,
                                                 VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT,
                                                 measurement), 0);
    assert_int_equal(virTypedParamsAddUInt(params, &n, &max,
                                           VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR, api_major), 0);
    assert_int_equal(virTypedParamsAddUInt(params, &n, &max,
                                           VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MINOR, 55), 0);
    assert_int_equal(virTypedParamsAddUInt(params, &n, &max,
                                           VIR_DOMAIN_LAUNCH_SECURITY_SEV_BUILD_ID, 21), 0);
    if (g_strcmp0(skip, VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY) != 0)
        assert_int_equal(virTypedParamsAddUInt(params, &n, &max,
                                               VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY, policy), 0);
    return n;
}

/* What the platform reports, checked before anything is computed from it. */
static void
test_reported_info(void **state G_GNUC_UNUSED)
{
    static const guint8 zeros[48] = { 0 };
    g_autofree char *good = g_base64_encode(zeros, sizeof(zeros));
    g_autofree char *short_blob = g_base64_encode(zeros, 32);
    static const struct {
        const char *skip;
        gboolean short_measurement;
        unsigned int api_major;
        const char *error;
    } cases[] = {
        { NULL, FALSE, 1, NULL },
        { VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT, FALSE, 1,
          "The launch security info of domain 'g' lacks the measurement, API version, build or policy" },
        { VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY, FALSE, 1, "lacks the measurement" },
        { NULL, FALSE, 256, "Domain 'g' reports an impossible SEV API version 256.55 or build 21" },
        { NULL, TRUE, 1,
          "Domain 'g' reports a malformed launch measurement: sev-measurement decodes to 32 bytes" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_auto(SevirtLaunchResult) result = { 0 };
        g_autoptr(GError) error = NULL;
        virTypedParameterPtr params = NULL;
        int n = launch_info_params(&params, cases[i].skip,
                                   cases[i].short_measurement ? short_blob : good,
                                   cases[i].api_major, 0x33);
        gboolean ok;

        result.name = g_strdup("g");
        ok = sevirt_launch_info_from_params(&result, params, n, &error);
        virTypedParamsFree(params, n);
        if (!cases[i].error) {
            assert_true(ok);
            assert_int_equal(result.info.api_major, 1);
            assert_int_equal(result.info.api_minor, 55);
            assert_int_equal(result.info.build_id, 21);
            assert_int_equal(result.info.policy, 0x33);
            continue;
        }
        assert_false(ok);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, cases[i].error);
    }
}

/* A platform reporting another policy than the domain's: said plainly. */
static void
test_reported_policy(void **state G_GNUC_UNUSED)
{
    g_auto(SevirtLaunchResult) result = { 0 };
    g_autoptr(GError) error = NULL;

    result.domain_policy = 0x33;
    result.info.policy = 0x33;
    assert_true(sevirt_launch_check_reported_policy(&result, &error));
    result.info.policy = 0x37;
    assert_false(sevirt_launch_check_reported_policy(&result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "The platform reports policy 0x0037, but the domain's policy is 0x0033");
}

static void
test_launch_refusals(void **state)
{
    TestDriver *t = *state;
    g_auto(SevirtLaunchResult) result = { 0 };
    g_autoptr(virDomain) plain = virDomainLookupByName(t->conn, "test");
    g_autoptr(virDomain) nokeys = NULL;
    g_autoptr(virDomain) running = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    SevirtLaunchOptions opts = launch_options(t, t->session);
    int st = 0, reason = 0;

    /* the test driver's default domain has no launch security */
    assert_non_null(plain);
    assert_false(sevirt_launch(plain, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "Domain 'test' is not an SEV guest");

    nokeys = define(t, "<domain type='test'><name>nokeys</name><memory>262144</memory>"
                       "<os><type arch='x86_64'>hvm</type></os>"
                       "<launchSecurity type='sev'><policy>0x0033</policy></launchSecurity></domain>");
    assert_false(sevirt_launch(nokeys, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "has no guest owner <dhCert> and <session>");

    /* a guest past its start is left alone */
    xml = sev_domain_xml("running", 0x33, t->session, "");
    running = define(t, xml);
    assert_int_equal(virDomainCreate(running), 0);
    assert_false(sevirt_launch(running, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, "is already running");
    assert_int_equal(virDomainGetState(running, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    virDomainDestroy(running);
    virDomainUndefine(running);
    virDomainUndefine(nokeys);
}

/* Expectations checked before anything starts: the guest stays shut off. */
static void
test_launch_expectations(void **state)
{
    TestDriver *t = *state;
    g_autoptr(SevirtSession) other = rome_session(0x33);
    g_autofree char *xml = sev_domain_xml("expect", 0x33, t->session, "");
    g_autofree char *kxml = sev_domain_xml("kernel", 0x33, t->session,
                                           "<kernel>/boot/vmlinuz</kernel>");
    g_autoptr(virDomain) dom = define(t, xml);
    g_autoptr(virDomain) kdom = NULL;
    g_auto(SevirtLaunchResult) result = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtOvmf) ovmf = NULL;
    g_autofree guint8 *no_area = NULL;
    SevirtLaunchOptions opts;
    gsize len = 0, area_len = 0;
    const guint8 *fw = g_bytes_get_data(t->firmware, &len);
    const guint8 *area;
    static const char kernel[] = "kernel";

    opts = launch_options(t, other);
    assert_false(sevirt_launch(dom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "(or the wrong TIK was given); the guest was not started and no secret was injected");
    sevirt_launch_result_clear(&result);

    opts = launch_options(t, t->session);
    opts.policy_set = TRUE;
    opts.policy = 0x37;
    assert_false(sevirt_launch(dom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "The domain's policy 0x0033 differs from the expected 0x0037");
    sevirt_launch_result_clear(&result);

    opts = launch_options(t, t->session);
    opts.expected.kernel = (const guint8 *) kernel;
    opts.expected.kernel_len = sizeof(kernel);
    assert_false(sevirt_launch(dom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "the domain does not measure one");
    sevirt_launch_result_clear(&result);

    /* the test driver drops kernelHashes, so a <kernel> is simply unmeasured */
    kdom = define(t, kxml);
    assert_false(sevirt_launch(kdom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "the domain does not measure one");
    sevirt_launch_result_clear(&result);

    /* a firmware without a secret area needs an address (as Debian's OVMF) */
    no_area = g_memdup2(fw, len);
    ovmf = sevirt_ovmf_parse(fw, len, "ovmf", &error);
    area = sevirt_ovmf_get_entry(ovmf, &sevirt_ovmf_guid_secret_area, &area_len);
    assert_non_null(area);
    for (gsize i = 0; i + area_len <= len; i++) {
        if (memcmp(no_area + i, area, area_len) == 0) {
            memset(no_area + i, 0, area_len);
            break;
        }
    }
    opts = launch_options(t, t->session);
    opts.expected.firmware = no_area;
    opts.secrets = t->secrets;
    assert_false(sevirt_launch(dom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "Firmware 'ovmf.fd' reserves no launch secret area");
    sevirt_launch_result_clear(&result);

    /* with an address, the launch goes on (and the test driver cannot start
     * guests paused: the start fails, cleanly) */
    opts.secret_address_set = TRUE;
    opts.secret_address = 0x800000;
    assert_false(sevirt_launch(dom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "Cannot start domain 'expect' paused");
    assert_false(result.started);
    assert_false(result.destroyed);
    assert_int_equal(virDomainIsActive(dom), 0);
    virDomainUndefine(dom);
    virDomainUndefine(kdom);
}

/* A guest found paused whose launch cannot be verified is destroyed. */
static void
test_launch_destroys(void **state)
{
    TestDriver *t = *state;
    g_autofree char *xml = sev_domain_xml("paused", 0x33, t->session, "");
    g_autoptr(virDomain) dom = define(t, xml);
    g_auto(SevirtLaunchResult) result = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) steps = g_string_new(NULL);
    SevirtLaunchOptions opts = launch_options(t, t->session);

    opts.secrets = t->secrets;
    opts.progress = record_step;
    opts.progress_data = steps;
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_false(sevirt_launch(dom, &opts, &result, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "Cannot read the launch measurement of domain 'paused'");
    assert_string_equal(steps->str, "inspected started destroyed ");
    assert_false(result.started);
    assert_true(result.destroyed);
    assert_int_equal(result.secrets, 0);
    assert_string_equal(result.name, "paused");
    assert_int_equal(virDomainIsActive(dom), 0);
    virDomainUndefine(dom);
}

/* ---------------------------------------------------------------------- */
/* Platform certificates */

static char *
b64_file(const char *rel)
{
    g_autoptr(GBytes) b = load(rel);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(b, &len);

    return g_base64_encode(data, len);
}

static char *
b64_chain(const char *first, const char *second, const char *third)
{
    g_autoptr(GBytes) a = load(first);
    g_autoptr(GBytes) b = load(second);
    g_autoptr(GBytes) c = load(third);
    g_autoptr(GByteArray) all = g_byte_array_new();

    g_byte_array_append(all, g_bytes_get_data(a, NULL), g_bytes_get_size(a));
    g_byte_array_append(all, g_bytes_get_data(b, NULL), g_bytes_get_size(b));
    g_byte_array_append(all, g_bytes_get_data(c, NULL), g_bytes_get_size(c));
    return g_base64_encode(all->data, all->len);
}

static void
test_platform_parse(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtPlatformInfo) info = g_new0(SevirtPlatformInfo, 1);
    g_autofree char *pdh = b64_file("sev-certs/rome/pdh.cert");
    g_autofree char *pek = b64_file("sev-certs/rome/pek.cert");
    g_autofree char *chain = b64_chain("sev-certs/rome/pek.cert", "sev-certs/rome/oca.cert",
                                       "sev-certs/rome/cek.cert");
    g_autofree char *swapped = b64_chain("sev-certs/rome/oca.cert", "sev-certs/rome/pek.cert",
                                         "sev-certs/rome/cek.cert");
    g_autofree char *cpu0 = g_base64_encode((const guchar *) "0123456789abcdef0123456789abcdef"
                                            "0123456789abcdef0123456789abcdef", 64);
    g_auto(SevirtCertChain) full = { 0 };
    g_autofree char *ark = sevirt_test_vector("sev-certs/rome/ark.cert");
    g_autofree char *ask = sevirt_test_vector("sev-certs/rome/ask.cert");
    g_autoptr(GError) error = NULL;

    assert_true(sevirt_platform_info_parse(info, pdh, chain, cpu0, &error));
    assert_int_equal(g_bytes_get_size(info->cpu0_id), 64);
    /* what was exported verifies under AMD's Rome keys */
    full.ark = sevirt_amd_cert_read(ark, &error);
    full.ask = sevirt_amd_cert_read(ask, &error);
    full.pdh = sevirt_sev_cert_copy(info->chain.pdh);
    full.pek = sevirt_sev_cert_copy(info->chain.pek);
    full.oca = sevirt_sev_cert_copy(info->chain.oca);
    full.cek = sevirt_sev_cert_copy(info->chain.cek);
    assert_true(sevirt_cert_chain_verify(&full, NULL, &error));

    assert_false(sevirt_platform_info_parse(info, pdh, swapped, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "usage OCA where its PEK belongs");
    assert_false(sevirt_platform_info_parse(info, pek, chain, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "usage PEK where its PDH belongs");
    assert_false(sevirt_platform_info_parse(info, pdh, pdh, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "cert-chain");
    assert_false(sevirt_platform_info_parse(info, pdh, chain, "AAAA", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "cpu0-id");
    assert_false(sevirt_platform_info_parse(info, "not base64!", chain, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "pdh");
}

static void
test_step_names(void **state G_GNUC_UNUSED)
{
    assert_string_equal(sevirt_launch_step_to_string(SEVIRT_LAUNCH_STEP_INSPECTED), "inspected");
    assert_string_equal(sevirt_launch_step_to_string(SEVIRT_LAUNCH_STEP_DESTROYED), "destroyed");
    assert_null(sevirt_launch_step_to_string(SEVIRT_LAUNCH_STEP_DESTROYED + 1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_session),
        cmocka_unit_test(test_diagnose_sev_es),
        cmocka_unit_test(test_diagnose_firmware),
        cmocka_unit_test(test_launch_refusals),
        cmocka_unit_test(test_launch_expectations),
        cmocka_unit_test(test_launch_destroys),
        cmocka_unit_test(test_reported_info),
        cmocka_unit_test(test_reported_policy),
        cmocka_unit_test(test_platform_parse),
        cmocka_unit_test(test_step_names),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, setup_test_driver, teardown_test_driver));
}
