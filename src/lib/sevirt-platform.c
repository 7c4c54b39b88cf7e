/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An SEV platform's identity, from virNodeGetSEVInfo or from an emulator's
 * QMP monitor.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt-qemu.h>

#include "sevirt-autoptr.h"
#include "sevirt-error.h"
#include "sevirt-hostcaps.h"
#include "sevirt-platform.h"
#include "sevirt-util.h"
#include "sevirt-xml-private.h"

#define CPU0_ID_SIZE 64
/* Older libvirt headers lack the name; a newer daemon still reports it. */
#if !LIBVIR_CHECK_VERSION(8, 4, 0)
# define VIR_NODE_SEV_CPU0_ID "cpu0-id"
#endif
/* The transient domain only has to exist: it never runs a single
 * instruction. */
#define PROBE_MEMORY_MIB "64"

void
sevirt_platform_info_free(SevirtPlatformInfo *info)
{
    if (!info)
        return;
    g_free(info->emulator);
    sevirt_cert_chain_clear(&info->chain);
    g_clear_pointer(&info->cpu0_id, g_bytes_unref);
    g_free(info);
}

static SevirtPlatformInfo *
platform_info_new(const char *emulator)
{
    SevirtPlatformInfo *info = g_new0(SevirtPlatformInfo, 1);

    info->emulator = g_strdup(emulator);
    info->emulated = sevirt_emulator_is_emulated(emulator);
    info->cbitpos = -1;
    info->reduced_phys_bits = -1;
    return info;
}

/* Parses one certificate of the chain and checks it is the one expected there. */
static SevirtSevCert *
parse_cert(const guint8 *data, gsize len, SevirtCertUsage usage, GError **error)
{
    const char *name = sevirt_cert_usage_to_string(usage);
    g_autofree char *what = g_strdup_printf(_("the platform's %s certificate"), name);
    g_autoptr(SevirtSevCert) cert = sevirt_sev_cert_parse(data, len, what, error);

    if (!cert)
        return NULL;
    if (sevirt_sev_cert_get_usage(cert) != usage) {
        const char *got = sevirt_cert_usage_to_string(sevirt_sev_cert_get_usage(cert));

        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The platform reported a certificate with usage %s where its %s belongs"),
                    got ? got : "?", name);
        return NULL;
    }
    return g_steal_pointer(&cert);
}

gboolean
sevirt_platform_info_parse(SevirtPlatformInfo *info, const char *pdh_b64,
                           const char *chain_b64, const char *cpu0_id_b64, GError **error)
{
    g_autofree guint8 *pdh = NULL;
    g_autofree guint8 *chain = NULL;
    g_autofree guint8 *cpu0_id = NULL;
    gsize len = 0;

    if (!(pdh = sevirt_base64_decode_strict("pdh", pdh_b64, SEVIRT_SEV_CERT_SIZE, &len, error)) ||
        !(chain = sevirt_base64_decode_strict("cert-chain", chain_b64, SEVIRT_SEV_CERT_CHAIN_SIZE,
                                              &len, error)) ||
        (cpu0_id_b64 &&
         !(cpu0_id = sevirt_base64_decode_strict("cpu0-id", cpu0_id_b64, CPU0_ID_SIZE, &len, error))))
        return FALSE;
    sevirt_cert_chain_clear(&info->chain);
    if (!(info->chain.pdh = parse_cert(pdh, SEVIRT_SEV_CERT_SIZE, SEVIRT_CERT_USAGE_PDH, error)) ||
        !(info->chain.pek = parse_cert(chain, SEVIRT_SEV_CERT_SIZE, SEVIRT_CERT_USAGE_PEK, error)) ||
        !(info->chain.oca = parse_cert(chain + SEVIRT_SEV_CERT_SIZE, SEVIRT_SEV_CERT_SIZE,
                                       SEVIRT_CERT_USAGE_OCA, error)) ||
        !(info->chain.cek = parse_cert(chain + 2 * SEVIRT_SEV_CERT_SIZE, SEVIRT_SEV_CERT_SIZE,
                                       SEVIRT_CERT_USAGE_CEK, error)))
        return FALSE;
    g_clear_pointer(&info->cpu0_id, g_bytes_unref);
    if (cpu0_id)
        info->cpu0_id = g_bytes_new_take(g_steal_pointer(&cpu0_id), CPU0_ID_SIZE);
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The host's default QEMU: virNodeGetSEVInfo */

static gboolean
query_node(virConnectPtr conn, SevirtPlatformInfo *info, GError **error)
{
    g_auto(SevirtTypedParams) p = { 0 };
    const char *pdh = NULL;
    const char *chain = NULL;
    const char *cpu0_id = NULL;
    unsigned int value;

    if (virNodeGetSEVInfo(conn, &p.params, &p.nparams, 0) < 0) {
        int code = virGetLastErrorCode();

        if (code == VIR_ERR_OPERATION_UNSUPPORTED || code == VIR_ERR_NO_SUPPORT) {
            g_autoptr(GError) local = NULL;

            sevirt_error_libvirt(&local, _("The host has no usable SEV platform"));
            g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_NO_PLATFORM, local->message);
        } else {
            sevirt_error_libvirt(error, _("Cannot get the host's SEV platform information"));
        }
        return FALSE;
    }
    if (virTypedParamsGetString(p.params, p.nparams, VIR_NODE_SEV_PDH, &pdh) != 1 ||
        virTypedParamsGetString(p.params, p.nparams, VIR_NODE_SEV_CERT_CHAIN, &chain) != 1) {
        virResetLastError();
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("The host reports no SEV PDH and certificate chain"));
        return FALSE;
    }
    if (virTypedParamsGetString(p.params, p.nparams, VIR_NODE_SEV_CPU0_ID, &cpu0_id) != 1)
        cpu0_id = NULL;
    if (virTypedParamsGetUInt(p.params, p.nparams, VIR_NODE_SEV_CBITPOS, &value) == 1)
        info->cbitpos = (gint) value;
    if (virTypedParamsGetUInt(p.params, p.nparams, VIR_NODE_SEV_REDUCED_PHYS_BITS, &value) == 1)
        info->reduced_phys_bits = (gint) value;
    virResetLastError();
    return sevirt_platform_info_parse(info, pdh, chain, cpu0_id, error);
}

/* ---------------------------------------------------------------------- */
/* Another emulator: a transient paused domain and its QMP monitor */

static char *
probe_domain_xml(const SevirtHostCaps *caps, const char *emulator)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *domain = xmlNewNode(NULL, BAD_CAST "domain");
    xmlNode *os, *type, *devices, *balloon;
    g_autofree char *name = NULL;

    /* Random, so that concurrent probes do not collide. */
    name = g_strdup_printf("sevirt-probe-%08x%08x", g_random_int(), g_random_int());
    xmlDocSetRootElement(doc, domain);
    xmlNewProp(domain, BAD_CAST "type", BAD_CAST caps->domain_type);
    xmlNewTextChild(domain, NULL, BAD_CAST "name", BAD_CAST name);
    xmlNewProp(xmlNewTextChild(domain, NULL, BAD_CAST "memory", BAD_CAST PROBE_MEMORY_MIB),
               BAD_CAST "unit", BAD_CAST "MiB");
    xmlNewTextChild(domain, NULL, BAD_CAST "vcpu", BAD_CAST "1");
    os = xmlNewChild(domain, NULL, BAD_CAST "os", NULL);
    type = xmlNewTextChild(os, NULL, BAD_CAST "type", BAD_CAST "hvm");
    xmlNewProp(type, BAD_CAST "arch", BAD_CAST "x86_64");
    xmlNewProp(type, BAD_CAST "machine", BAD_CAST (caps->machine ? caps->machine : "q35"));
    devices = xmlNewChild(domain, NULL, BAD_CAST "devices", NULL);
    xmlNewTextChild(devices, NULL, BAD_CAST "emulator", BAD_CAST emulator);
    balloon = xmlNewChild(devices, NULL, BAD_CAST "memballoon", NULL);
    xmlNewProp(balloon, BAD_CAST "model", BAD_CAST "none");
    return sevirt_xml_doc_to_string(doc);
}

/* The "return" object of a QMP reply, or the error it carries. */
static JsonObject *
qmp_return(JsonParser *parser, const char *reply, const char *emulator, GError **error)
{
    JsonNode *root;
    JsonObject *obj;

    if (!json_parser_load_from_data(parser, reply, -1, NULL) ||
        !(root = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Emulator '%s' gave a malformed answer to query-sev-capabilities"), emulator);
        return NULL;
    }
    obj = json_node_get_object(root);
    if (json_object_has_member(obj, "error")) {
        JsonObject *err = json_object_get_object_member(obj, "error");
        const char *desc = err ? json_object_get_string_member_with_default(err, "desc", "") : "";

        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("Emulator '%s' cannot report an SEV platform: %s"), emulator, desc);
        return NULL;
    }
    obj = json_object_get_object_member(obj, "return");
    if (!obj) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Emulator '%s' gave a malformed answer to query-sev-capabilities"), emulator);
        return NULL;
    }
    return obj;
}

static gboolean
parse_capabilities(SevirtPlatformInfo *info, const char *reply, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *ret = qmp_return(parser, reply, info->emulator, error);
    const char *pdh, *chain, *cpu0_id;

    if (!ret)
        return FALSE;
    pdh = json_object_get_string_member_with_default(ret, "pdh", NULL);
    chain = json_object_get_string_member_with_default(ret, "cert-chain", NULL);
    cpu0_id = json_object_get_string_member_with_default(ret, "cpu0-id", NULL);
    if (!pdh || !chain) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Emulator '%s' reported no PDH or certificate chain"), info->emulator);
        return FALSE;
    }
    info->cbitpos = json_object_get_int_member_with_default(ret, "cbitpos", -1);
    info->reduced_phys_bits = json_object_get_int_member_with_default(ret, "reduced-phys-bits", -1);
    return sevirt_platform_info_parse(info, pdh, chain, cpu0_id, error);
}

static gboolean
query_emulator(virConnectPtr conn, SevirtPlatformInfo *info, GError **error)
{
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *reply = NULL;
    gboolean ok;

    /* QEMU answers for SEV hardware under KVM only; the emulated platform
     * answers itself and runs its guests under TCG.  Only what the emulator
     * offers matters here, not the rest of what the host can tell. */
    caps = sevirt_host_caps_query_domcaps(conn, info->emulator,
                                          info->emulated ? "qemu" : "kvm", NULL, error);
    if (!caps)
        return FALSE;
    if (!caps->sev) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("Emulator '%s' offers no SEV on this host (its domain capabilities say so)"),
                    info->emulator);
        return FALSE;
    }
    xml = probe_domain_xml(caps, info->emulator);
    /* Paused, so it never runs; auto-destroyed with this connection should
     * sevirt die before it destroys the domain itself. */
    dom = virDomainCreateXML(conn, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
    if (!dom) {
        sevirt_error_libvirt(error, _("Cannot start a transient domain with emulator '%s'"),
                             info->emulator);
        return FALSE;
    }
    if (virDomainQemuMonitorCommand(dom, "{\"execute\":\"query-sev-capabilities\"}",
                                    &reply, VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT) < 0) {
        sevirt_error_libvirt(error, _("Cannot ask emulator '%s' for its SEV capabilities"),
                             info->emulator);
        ok = FALSE;
    } else {
        ok = parse_capabilities(info, reply, error);
    }
    if (virDomainDestroy(dom) < 0)
        virResetLastError();
    return ok;
}

SevirtPlatformInfo *
sevirt_platform_info_query(virConnectPtr conn, const char *emulator, GError **error)
{
    g_autoptr(SevirtPlatformInfo) info = platform_info_new(emulator);

    if (emulator ? !query_emulator(conn, info, error) : !query_node(conn, info, error))
        return NULL;
    return g_steal_pointer(&info);
}
