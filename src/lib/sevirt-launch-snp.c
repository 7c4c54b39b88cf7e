/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch of an SEV-SNP guest, checked by its attestation report
 * (see sevirt-launch-snp.h).
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sevirt-autoptr.h"
#include "sevirt-domain-private.h"
#include "sevirt-emuprobe.h"
#include "sevirt-error.h"
#include "sevirt-launch-snp.h"
#include "sevirt-launch-private.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-xml-private.h"

/* Where the ID auth carries the ID key and the author key (SEV format). */
#define AUTH_ID_KEY     0x240
#define AUTH_AUTHOR_KEY 0x880

void
sevirt_snp_launch_result_clear(SevirtSnpLaunchResult *result)
{
    g_clear_pointer(&result->name, g_free);
    g_clear_pointer(&result->uuid, g_free);
    g_clear_pointer(&result->checks, g_ptr_array_unref);
}

/* What the report must show besides the measurement, from the domain XML. */
typedef struct {
    gboolean snp;
    gboolean emulated;
    guint64 policy;
    guint8 host_data[32];        /* zero without <hostData>, as the PSP reports it */
    gboolean have_id_keys;
    gboolean have_author_key;
    guint8 id_key_digest[SEVIRT_SNP_KEY_DIGEST_SIZE];
    guint8 author_key_digest[SEVIRT_SNP_KEY_DIGEST_SIZE];
} SnpFacts;

static gboolean
decode_fixed(const char *what, const char *b64, guint8 *out, gsize len, GError **error)
{
    gsize got = 0;
    g_autofree guchar *data = g_base64_decode(b64, &got);

    if (got != len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT),
                    what, got, len);
        return FALSE;
    }
    memcpy(out, data, len);
    return TRUE;
}

static void
key_digest(const guint8 *pub, guint8 out[SEVIRT_SNP_KEY_DIGEST_SIZE])
{
    unsigned int len = SEVIRT_SNP_KEY_DIGEST_SIZE;

    EVP_Digest(pub, SEVIRT_SNP_PUBKEY_SIZE, out, &len, EVP_sha384(), NULL);
}

/* The ID and author key digests the PSP reports, from the domain's ID auth. */
static gboolean
read_id_keys(const SevirtLaunchSecurity *ls, SnpFacts *f, GError **error)
{
    g_autofree guint8 *auth = NULL;

    if (!ls->id_block || !ls->id_auth)
        return TRUE;
    auth = g_malloc(SEVIRT_SNP_ID_AUTH_SIZE);
    if (!decode_fixed(_("<launchSecurity><idAuth>"), ls->id_auth, auth,
                      SEVIRT_SNP_ID_AUTH_SIZE, error))
        return FALSE;
    f->have_id_keys = TRUE;
    key_digest(auth + AUTH_ID_KEY, f->id_key_digest);
    if (ls->author_key == SEVIRT_TRISTATE_YES) {
        f->have_author_key = TRUE;
        key_digest(auth + AUTH_AUTHOR_KEY, f->author_key_digest);
    }
    return TRUE;
}

static gboolean
read_snp_facts(virDomainPtr dom, const char *name, SnpFacts *f, GError **error)
{
    g_autofree char *emulator = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(SevirtLaunchSecurity) ls = NULL;

    if (!(doc = sevirt_domain_xml_load(dom, 0, error)))
        return FALSE;
    ctx = sevirt_xpath_new(doc);
    if (!(ls = sevirt_launch_security_read(ctx, error)))
        return FALSE;
    f->snp = g_strcmp0(ls->type, "sev-snp") == 0;
    if (!f->snp)
        return TRUE;
    emulator = sevirt_xpath_string(ctx, "/domain/devices/emulator");
    f->emulated = sevirt_emulator_is_emulated(emulator);
    f->policy = ls->policy;
    if (ls->host_data &&
        !decode_fixed(_("<launchSecurity><hostData>"), ls->host_data, f->host_data,
                      sizeof(f->host_data), error))
        return FALSE;
    return read_id_keys(ls, f, error);
}

gboolean
sevirt_domain_is_snp(virDomainPtr dom, gboolean *snp, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(SevirtLaunchSecurity) ls = NULL;

    if (!(doc = sevirt_domain_xml_load(dom, VIR_DOMAIN_XML_INACTIVE, error)))
        return FALSE;
    ctx = sevirt_xpath_new(doc);
    if (!(ls = sevirt_launch_security_read(ctx, error)))
        return FALSE;
    *snp = g_strcmp0(ls->type, "sev-snp") == 0;
    return TRUE;
}

/* The digest the owner expects, from the inputs given and the domain's vCPUs. */
static gboolean
expected_digest(virDomainPtr dom, const SevirtSnpLaunchOptions *opts,
                SevirtSnpLaunchResult *result, GError **error)
{
    SevirtSnpLaunchFiles files = { 0 };
    virDomainInfo info;

    if (opts->measurement) {
        memcpy(result->expected_measurement, opts->measurement, SEVIRT_SNP_DIGEST_SIZE);
        return TRUE;
    }
    files = *opts->expected;
    if (!files.num_cpus) {
        if (virDomainGetInfo(dom, &info) < 0) {
            sevirt_error_libvirt(error, _("Cannot count the vCPUs of domain '%s'"), result->name);
            return FALSE;
        }
        files.num_cpus = info.nrVirtCpu;
    }
    if (!files.cpu_signature) {
        if (!sevirt_launch_host_cpu_signature(dom, &files.cpu_signature, error))
            return FALSE;
        result->cpu_signature_from_host = TRUE;
    }
    /* QEMU's SNP vCPUs have SNPActive alone unless configured otherwise */
    if (!files.guest_features)
        files.guest_features = 1;
    result->num_cpus = files.num_cpus;
    result->cpu_signature = files.cpu_signature;
    result->computed = TRUE;
    return sevirt_snp_launch_digest_files(&files, result->expected_measurement, error);
}

static gboolean
check_shut_off(virDomainPtr dom, const char *name, GError **error)
{
    int state = VIR_DOMAIN_NOSTATE;
    int reason = 0;

    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the state of domain '%s'"), name);
        return FALSE;
    }
    if (state == VIR_DOMAIN_SHUTOFF)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                _("Domain '%s' is not shut off: an SEV-SNP launch starts it"), name);
    return FALSE;
}

/* The last line of a failed start: QEMU's own words, the PSP's refusal. */
static char *
start_failure(void)
{
    virErrorPtr err = virGetLastError();
    g_auto(GStrv) lines = NULL;
    const char *last = NULL;

    if (!err || !err->message)
        return g_strdup(_("unknown error"));
    lines = g_strsplit(err->message, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (strstr(lines[i], "LAUNCH_FINISH") || strstr(lines[i], "fw_error"))
            return g_strdup(lines[i]);
        if (*lines[i])
            last = lines[i];
    }
    return g_strdup(last ? last : err->message);
}

static gboolean
start(virDomainPtr dom, gboolean paused, SevirtSnpLaunchResult *result, GError **error)
{
    g_autofree char *cause = NULL;

    if (virDomainCreateWithFlags(dom, paused ? VIR_DOMAIN_START_PAUSED : 0) == 0) {
        sevirt_domain_record_start(dom);
        result->started = TRUE;
        result->paused = paused;
        return TRUE;
    }
    cause = start_failure();
    virResetLastError();
    /* SNP_LAUNCH_FINISH checks the ID block: a start that fails is the
     * platform's refusal of what the owner signed, or of its policy. */
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("The platform refused to start domain '%s' (its ID block, policy or launch): %s"),
                result->name, cause);
    return FALSE;
}

static gboolean
resume(virDomainPtr dom, SevirtSnpLaunchResult *result, GError **error)
{
    if (virDomainResume(dom) < 0) {
        sevirt_error_libvirt(error, _("Cannot resume domain '%s' after its verified report"),
                             result->name);
        return FALSE;
    }
    result->resumed = TRUE;
    return TRUE;
}

/* Asks the emulated platform for a report with @nonce (emulation only). */
static gboolean
fetch_report(virDomainPtr dom, SevirtSnpLaunchResult *result, SevirtSnpCert **vcek,
             GError **error)
{
    g_autofree char *nonce_b64 = g_base64_encode(result->nonce, sizeof(result->nonce));
    g_autofree char *cmd = g_strdup_printf("{\"execute\":\"x-sevirt-snp-report\",\"arguments\":{\"report-data\":\"%s\",\"before-run\":true}}",
                                           nonce_b64);
    g_autofree char *reply = NULL;
    g_autofree guchar *report = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *ret = NULL;
    JsonNode *root;
    const char *report_b64 = NULL, *vcek_pem = NULL;
    gsize len = 0;

    if (virDomainQemuMonitorCommand(dom, cmd, &reply, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot get an attestation report of domain '%s'"),
                             result->name);
        return FALSE;
    }
    if (json_parser_load_from_data(parser, reply, -1, NULL) &&
        (root = json_parser_get_root(parser)) && JSON_NODE_HOLDS_OBJECT(root) &&
        (ret = json_object_get_object_member(json_node_get_object(root), "return"))) {
        report_b64 = json_object_get_string_member_with_default(ret, "report", NULL);
        vcek_pem = json_object_get_string_member_with_default(ret, "vcek", NULL);
    }
    if (!report_b64 || !vcek_pem) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The emulated platform's report reply for domain '%s' lacks the report or the VCEK"),
                    result->name);
        return FALSE;
    }
    report = g_base64_decode(report_b64, &len);
    if (!sevirt_snp_report_parse(report, len, _("the emulated platform's report"),
                                 &result->report, error) ||
        !(*vcek = sevirt_snp_cert_from_pem(vcek_pem, _("the emulated platform's VCEK"), error)))
        return FALSE;
    result->report_fetched = TRUE;
    return TRUE;
}

/* The root line: which ARK, and loudly when it is not AMD's. */
static void
add_root_check(SevirtSnpLaunchResult *result, const SevirtSnpCert *ark)
{
    SevirtSnpCheck *c = g_new0(SevirtSnpCheck, 1);

    result->amd_root = sevirt_snp_cert_is_amd_ark(ark);
    c->name = g_strdup("root");
    c->passed = TRUE;
    c->detail = g_strdup(result->amd_root ? _("the ARK given is one of AMD's")
                                          : _("WARNING: the ARK given is NOT AMD's: this proves nothing about AMD hardware"));
    g_ptr_array_add(result->checks, c);
}

static gboolean
verify_report(const SevirtSnpLaunchOptions *opts, const SnpFacts *f,
              const SevirtSnpCert *vcek, SevirtSnpLaunchResult *result, GError **error)
{
    SevirtSnpRoots roots = { opts->ark, opts->ask };
    SevirtSnpExpect x = {
        .measurement = result->expected_measurement,
        .report_data = result->nonce,
        .host_data = f->host_data,
        .id_key_digest = f->have_id_keys ? f->id_key_digest : NULL,
        .author_key_digest = f->have_author_key ? f->author_key_digest : NULL,
        .check_policy = TRUE,
        .policy = f->policy,
    };
    GString *failed = g_string_new(NULL);
    gboolean ok;

    add_root_check(result, opts->ark);
    ok = sevirt_snp_roots_verify(&roots, result->checks);
    ok = sevirt_snp_report_verify(&result->report, &roots, vcek, &x, result->checks) && ok;
    result->verified = ok;
    for (guint i = 0; i < result->checks->len; i++) {
        SevirtSnpCheck *c = result->checks->pdata[i];

        if (!c->passed)
            g_string_append_printf(failed, "%s%s", failed->len ? ", " : "", c->name);
    }
    if (!ok)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The attestation report of domain '%s' does not verify (%s)"),
                    result->name, failed->str);
    g_string_free(failed, TRUE);
    return ok;
}

/* Leaves nothing running after a failure, and says so in the error. */
static void
abort_launch(virDomainPtr dom, SevirtSnpLaunchResult *result, GError **error)
{
    g_autofree char *cause = g_strdup((*error)->message);
    const char *outcome;

    if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) == 0)
        result->destroyed = TRUE;
    virResetLastError();
    if (result->destroyed)
        outcome = _("the guest was destroyed");
    else if (virDomainIsActive(dom) == 1)
        outcome = _("destroying the guest failed");
    else
        outcome = _("nothing runs");
    virResetLastError();
    g_clear_error(error);
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, _("Launch of '%s' failed: %s; %s"),
                result->name, cause, outcome);
}

static gboolean
check_options(const SevirtSnpLaunchOptions *opts, const SnpFacts *f, GError **error)
{
    if (!opts->measurement == !opts->expected) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("An SEV-SNP launch needs the expected launch measurement, or the inputs to compute it from (not both)"));
        return FALSE;
    }
    if (f->emulated && (!opts->ark || !opts->ask)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The emulated platform's reports chain to its own ARK and ASK, never to AMD's: name them (its state directory's platform/snp-ark.pem and snp-ask.pem)"));
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_launch_snp(virDomainPtr dom, const SevirtSnpLaunchOptions *opts,
                  SevirtSnpLaunchResult *result, GError **error)
{
    g_autoptr(SevirtSnpCert) vcek = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    SnpFacts facts = { 0 };

    sevirt_snp_launch_result_clear(result);
    memset(result, 0, sizeof(*result));
    result->checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
    result->name = g_strdup(virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        result->uuid = g_strdup(uuid);
    if (!read_snp_facts(dom, result->name, &facts, error))
        return FALSE;
    if (!facts.snp) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Domain '%s' is not an SEV-SNP guest (no <launchSecurity type='sev-snp'>)"),
                    result->name);
        return FALSE;
    }
    result->emulated = facts.emulated;
    result->policy = facts.policy;
    result->id_block = facts.have_id_keys;
    if (!check_options(opts, &facts, error) ||
        !check_shut_off(dom, result->name, error) ||
        !expected_digest(dom, opts, result, error))
        return FALSE;
    if (RAND_bytes(result->nonce, sizeof(result->nonce)) != 1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot draw a random nonce"));
        return FALSE;
    }
    /* On the emulated platform the report is checked before the guest
     * runs; on real hardware only the guest can ask for its report. */
    if (!start(dom, facts.emulated, result, error))
        goto fail;
    if (!facts.emulated)
        return TRUE;
    if (!fetch_report(dom, result, &vcek, error) ||
        !verify_report(opts, &facts, vcek, result, error) ||
        !resume(dom, result, error))
        goto fail;
    return TRUE;

 fail:
    abort_launch(dom, result, error);
    return FALSE;
}
