/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain capabilities: what libvirt says a host can do for confidential
 * guests (sevirt-preflight.c judges it; sevirt-firmware.c and
 * sevirt-emuprobe.c add what only a local host can tell).
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-hostcaps.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-policy.h"
#include "sevirt-xml-private.h"

/* ---------------------------------------------------------------------- */
/* domain capabilities */

void
sevirt_host_caps_free(SevirtHostCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->uri);
    g_free(caps->emulator);
    sevirt_emu_info_free(caps->emu_info);
    g_free(caps->emu_info_error);
    g_free(caps->domain_type);
    g_free(caps->machine);
    g_clear_pointer(&caps->loaders, g_ptr_array_unref);
    g_clear_pointer(&caps->firmware, g_ptr_array_unref);
    g_clear_pointer(&caps->launch_security_types, g_ptr_array_unref);
    g_free(caps);
}

static SevirtHostCaps *
host_caps_new(void)
{
    SevirtHostCaps *caps = g_new0(SevirtHostCaps, 1);

    caps->max_vcpus = -1;
    caps->cbitpos = -1;
    caps->reduced_phys_bits = -1;
    caps->max_guests = -1;
    caps->max_es_guests = -1;
    caps->guests_running = -1;
    caps->es_guests_running = -1;
    caps->firmware = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_firmware_free);
    return caps;
}

/* Newer libvirt lists the backends <interface type='user'> can use; 9.0
 * does not (sevirt_host_caps_query() then asks libvirt's parser). */
static SevirtTristate
parse_passt(xmlXPathContext *ctx)
{
    g_autoptr(GPtrArray) backends =
        sevirt_xpath_strings(ctx, "/domainCapabilities/devices/interface[@supported='yes']"
                                  "/enum[@name='backendType']/value");

    if (sevirt_xpath_int(ctx, "count(/domainCapabilities/devices/interface"
                              "/enum[@name='backendType'])", 0) == 0)
        return SEVIRT_TRISTATE_DEFAULT;
    for (guint i = 0; i < backends->len; i++) {
        if (g_str_equal(g_ptr_array_index(backends, i), "passt"))
            return SEVIRT_TRISTATE_YES;
    }
    return SEVIRT_TRISTATE_NO;
}

SevirtHostCaps *
sevirt_host_caps_parse_domcaps(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_xml_parse(xml, _("domain capabilities"), error);
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(GPtrArray) sectypes = NULL;
    g_autofree char *sev_supported = NULL;

    if (!doc)
        return NULL;
    if (!xmlStrEqual(xmlDocGetRootElement(doc)->name, BAD_CAST "domainCapabilities")) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse domain capabilities: the root element is <%s>"),
                    (const char *) xmlDocGetRootElement(doc)->name);
        return NULL;
    }
    ctx = sevirt_xpath_new(doc);
    caps = host_caps_new();
    caps->emulator = sevirt_xpath_string(ctx, "/domainCapabilities/path");
    caps->domain_type = sevirt_xpath_string(ctx, "/domainCapabilities/domain");
    caps->machine = sevirt_xpath_string(ctx, "/domainCapabilities/machine");
    caps->max_vcpus = sevirt_xpath_int(ctx, "/domainCapabilities/vcpu/@max", -1);
    caps->loaders = sevirt_xpath_strings(ctx, "/domainCapabilities/os/loader/value");
    caps->emulated = sevirt_emulator_is_emulated(caps->emulator);

    sev_supported = sevirt_xpath_string(ctx, "/domainCapabilities/features/sev/@supported");
    caps->sev = g_strcmp0(sev_supported, "yes") == 0;
    if (caps->sev) {
        caps->cbitpos = sevirt_xpath_int(ctx, "/domainCapabilities/features/sev/cbitpos", -1);
        caps->reduced_phys_bits =
            sevirt_xpath_int(ctx, "/domainCapabilities/features/sev/reducedPhysBits", -1);
        caps->max_guests = sevirt_xpath_int(ctx, "/domainCapabilities/features/sev/maxGuests", -1);
        caps->max_es_guests =
            sevirt_xpath_int(ctx, "/domainCapabilities/features/sev/maxESGuests", -1);
        /* libvirt has no SEV-ES flag: the host can run SEV-ES guests when it
         * has ES ASIDs.  The emulated platform has no ASIDs at all: libvirt
         * reads the counts from the host's CPUID, which says 0 there. */
        caps->sev_es = caps->max_es_guests > 0 || caps->emulated;
        if (caps->emulated) {
            caps->max_guests = -1;
            caps->max_es_guests = -1;
        }
    }
    caps->passt = parse_passt(ctx);

    /* libvirt >= 10.5 lists the launch security types it can use. */
    sectypes = sevirt_xpath_strings(ctx, "/domainCapabilities/features/"
                                    "launchSecurity[@supported='yes']/enum[@name='sectype']/value");
    for (guint i = 0; i < sectypes->len; i++) {
        if (g_str_equal(g_ptr_array_index(sectypes, i), "sev-snp"))
            caps->sev_snp = TRUE;
    }
    if (sevirt_xpath_int(ctx, "count(/domainCapabilities/features/launchSecurity)", 0) > 0)
        caps->launch_security_types = g_steal_pointer(&sectypes);
    return g_steal_pointer(&caps);
}

/*
 * Counts one active domain's launch security into @caps.  Guests of the
 * emulated platform hold no ASID and guests on SEV hardware do not run on
 * the emulated one: each platform counts its own.
 */
static void
count_domain(SevirtHostCaps *caps, virDomainPtr dom)
{
    g_autofree char *xml = virDomainGetXMLDesc(dom, 0);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autofree char *emulator = NULL;
    g_autoptr(SevirtLaunchSecurity) ls = NULL;

    if (!xml) {
        /* The domain may have stopped since it was listed. */
        virResetLastError();
        return;
    }
    doc = sevirt_xml_parse(xml, "domain", NULL);
    if (!doc)
        return;
    ctx = sevirt_xpath_new(doc);
    emulator = sevirt_xpath_string(ctx, "/domain/devices/emulator");
    if (sevirt_emulator_is_emulated(emulator) != caps->emulated)
        return;
    ls = sevirt_launch_security_read(ctx, NULL);
    if (!ls)
        return;
    if (ls->sev_type == SEVIRT_SEV_ES || ls->sev_type == SEVIRT_SEV_SNP)
        caps->es_guests_running++;
    else if (ls->sev_type == SEVIRT_SEV_SEV)
        caps->guests_running++;
}

gboolean
sevirt_host_caps_count_guests(SevirtHostCaps *caps, virConnectPtr conn, GError **error)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);

    if (n < 0) {
        sevirt_error_libvirt(error, _("Cannot list the running domains"));
        return FALSE;
    }
    caps->guests_running = 0;
    caps->es_guests_running = 0;
    for (int i = 0; i < n; i++) {
        count_domain(caps, doms[i]);
        virDomainFree(doms[i]);
    }
    g_free(doms);
    return TRUE;
}

static void
fill_from_node_sev_info(SevirtHostCaps *caps, virConnectPtr conn)
{
    g_auto(SevirtTypedParams) p = { 0 };
    static const struct {
        const char *name;
        gsize offset;
    } fields[] = {
        { VIR_NODE_SEV_CBITPOS, G_STRUCT_OFFSET(SevirtHostCaps, cbitpos) },
        { VIR_NODE_SEV_REDUCED_PHYS_BITS, G_STRUCT_OFFSET(SevirtHostCaps, reduced_phys_bits) },
        { VIR_NODE_SEV_MAX_GUESTS, G_STRUCT_OFFSET(SevirtHostCaps, max_guests) },
        { VIR_NODE_SEV_MAX_ES_GUESTS, G_STRUCT_OFFSET(SevirtHostCaps, max_es_guests) },
    };

    if (virNodeGetSEVInfo(conn, &p.params, &p.nparams, 0) < 0) {
        virResetLastError();
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
        gint *field = G_STRUCT_MEMBER_P(caps, fields[i].offset);
        unsigned int value;

        if (*field < 0 && virTypedParamsGetUInt(p.params, p.nparams, fields[i].name, &value) == 1)
            *field = (gint) value;
    }
    if (caps->max_es_guests > 0)
        caps->sev_es = TRUE;
}

/* The smallest domain with a passt interface, for the host this is about. */
static char *
passt_probe_xml(const SevirtHostCaps *caps)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *domain = xmlNewNode(NULL, BAD_CAST "domain");
    xmlNode *os, *type, *devices, *iface;

    xmlDocSetRootElement(doc, domain);
    xmlNewProp(domain, BAD_CAST "type", BAD_CAST (caps->domain_type ? caps->domain_type : "qemu"));
    xmlNewTextChild(domain, NULL, BAD_CAST "name", BAD_CAST "sevirt-passt-probe");
    xmlNewProp(xmlNewTextChild(domain, NULL, BAD_CAST "memory", BAD_CAST "64"),
               BAD_CAST "unit", BAD_CAST "MiB");
    os = xmlNewChild(domain, NULL, BAD_CAST "os", NULL);
    type = xmlNewTextChild(os, NULL, BAD_CAST "type", BAD_CAST "hvm");
    xmlNewProp(type, BAD_CAST "arch", BAD_CAST "x86_64");
    if (caps->machine)
        xmlNewProp(type, BAD_CAST "machine", BAD_CAST caps->machine);
    devices = xmlNewChild(domain, NULL, BAD_CAST "devices", NULL);
    if (caps->emulator)
        xmlNewTextChild(devices, NULL, BAD_CAST "emulator", BAD_CAST caps->emulator);
    iface = xmlNewChild(devices, NULL, BAD_CAST "interface", NULL);
    xmlNewProp(iface, BAD_CAST "type", BAD_CAST "user");
    xmlNewProp(xmlNewChild(iface, NULL, BAD_CAST "backend", NULL), BAD_CAST "type", BAD_CAST "passt");
    return sevirt_xml_doc_to_string(doc);
}

/*
 * Whether libvirt accepts the passt backend, where its domain capabilities
 * do not say: its parser refuses an unknown backend type (Debian 12's 9.0
 * is built without passt) with an XML error.  Turning a domain into a QEMU
 * command line parses it without defining anything; any other outcome
 * leaves the answer unknown.
 */
static SevirtTristate
probe_passt(virConnectPtr conn, const SevirtHostCaps *caps)
{
    g_autofree char *xml = passt_probe_xml(caps);
    g_autofree char *argv = virConnectDomainXMLToNative(conn, "qemu-argv", xml, 0);
    int code;

    if (argv)
        return SEVIRT_TRISTATE_YES;
    code = virGetLastErrorCode();
    virResetLastError();
    return code == VIR_ERR_XML_ERROR ? SEVIRT_TRISTATE_NO : SEVIRT_TRISTATE_DEFAULT;
}

static char *
get_domcaps(virConnectPtr conn, const char *emulator, const char *virt_type,
            const char *machine, GError **error)
{
    char *xml = virConnectGetDomainCapabilities(conn, emulator, "x86_64", machine, virt_type, 0);

    if (!xml)
        sevirt_error_libvirt(error, _("Cannot get the domain capabilities of %s (virt type %s)"),
                             emulator ? emulator : _("the default emulator"), virt_type);
    return xml;
}

/* What the local emulated platform says about itself; a failure is kept
 * for host-info and host-check to show. */
static void
query_emu_info(SevirtHostCaps *caps)
{
    g_autoptr(GError) local = NULL;

    caps->emu_info = sevirt_emu_info_query(caps->emulator, &local);
    if (!caps->emu_info)
        caps->emu_info_error = g_strdup(local->message);
}

SevirtHostCaps *
sevirt_host_caps_query_domcaps(virConnectPtr conn, const char *emulator,
                               const char *virt_type, const char *machine, GError **error)
{
    g_autofree char *xml = NULL;

    /* libvirt's own words for a missing binary name no file: say it is not found. */
    if (emulator && sevirt_conn_is_local(conn) && !g_file_test(emulator, G_FILE_TEST_EXISTS)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("Emulator '%s' not found on this host"), emulator);
        return NULL;
    }
    if (!machine)
        machine = "q35";
    if (virt_type) {
        xml = get_domcaps(conn, emulator, virt_type, machine, error);
    } else {
        /* Like virt-install: KVM when the host has it, else TCG. */
        xml = get_domcaps(conn, emulator, "kvm", machine, NULL);
        if (!xml)
            xml = get_domcaps(conn, emulator, "qemu", machine, error);
    }
    if (!xml)
        return NULL;
    return sevirt_host_caps_parse_domcaps(xml, error);
}

SevirtHostCaps *
sevirt_host_caps_query(virConnectPtr conn, const char *emulator, const char *virt_type,
                       const char *machine, GError **error)
{
    g_autoptr(SevirtHostCaps) caps = NULL;

    caps = sevirt_host_caps_query_domcaps(conn, emulator, virt_type, machine, error);
    if (!caps)
        return NULL;

    caps->uri = virConnectGetURI(conn);
    if (!sevirt_conn_lib_version(conn, &caps->libvirt_version, error))
        return NULL;
    if (virConnectGetVersion(conn, &caps->hypervisor_version) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the hypervisor version"));
        return NULL;
    }
    if (!sevirt_host_caps_count_guests(caps, conn, error))
        return NULL;
    /* virNodeGetSEVInfo asks the host's default QEMU, so it only speaks
     * for that binary: use it to fill what older domcaps leave out. */
    if (caps->sev && !caps->emulated)
        fill_from_node_sev_info(caps, conn);
    if (caps->passt == SEVIRT_TRISTATE_DEFAULT)
        caps->passt = probe_passt(conn, caps);
    if (sevirt_conn_is_local(conn)) {
        g_ptr_array_unref(caps->firmware);
        caps->firmware = sevirt_firmware_list_load(NULL);
        caps->firmware_known = TRUE;
        if (caps->emulated)
            query_emu_info(caps);
    }
    return g_steal_pointer(&caps);
}

gboolean
sevirt_host_caps_supports(const SevirtHostCaps *caps, SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_NONE:
        return TRUE;
    case SEVIRT_SEV_SEV:
        return caps->sev;
    case SEVIRT_SEV_ES:
        return caps->sev && caps->sev_es;
    case SEVIRT_SEV_SNP:
        return caps->sev_snp;
    }
    return FALSE;
}

gint
sevirt_host_caps_free_slots(const SevirtHostCaps *caps, SevirtSevType type)
{
    gint max, used;

    if (!sevirt_host_caps_supports(caps, type))
        return 0;
    if (type == SEVIRT_SEV_NONE || caps->emulated)
        return SEVIRT_HOST_SLOTS_UNLIMITED;
    if (type == SEVIRT_SEV_SEV) {
        max = caps->max_guests;
        used = caps->guests_running;
    } else {
        max = caps->max_es_guests;
        used = caps->es_guests_running;
    }
    if (max < 0 || used < 0)
        return -1;
    return MAX(max - used, 0);
}

/* libvirt's first release with the passt backend. */
#define LIBVIRT_PASST_VERSION 9000000

char *
sevirt_host_caps_passt_refusal(const SevirtHostCaps *caps)
{
    if (caps->libvirt_version && caps->libvirt_version < LIBVIRT_PASST_VERSION) {
        g_autofree char *found = sevirt_version_string(caps->libvirt_version);

        return g_strdup_printf(_("this host's libvirt %s predates passt (9.0): user-mode "
                                 "networking with port forwarding is unavailable"), found);
    }
    return g_strdup(_("this host's libvirt was built without passt support: user-mode "
                      "networking with port forwarding is unavailable"));
}
