/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-hostcaps.h"
#include "sevirt-policy.h"
#include "sevirt-xml-private.h"

/* ---------------------------------------------------------------------- */
/* firmware descriptors */

void
sevirt_firmware_free(SevirtFirmware *fw)
{
    if (!fw)
        return;
    g_free(fw->descriptor);
    g_free(fw->description);
    g_free(fw->executable);
    g_free(fw->nvram_template);
    g_free(fw->device);
    g_free(fw->mode);
    g_strfreev(fw->features);
    g_free(fw);
}

gboolean
sevirt_firmware_has_feature(const SevirtFirmware *fw, const char *feature)
{
    return fw->features && g_strv_contains((const char *const *) fw->features, feature);
}

const char *
sevirt_firmware_feature_for(SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_SEV:
        return "amd-sev";
    case SEVIRT_SEV_ES:
        return "amd-sev-es";
    case SEVIRT_SEV_SNP:
        return "amd-sev-snp";
    case SEVIRT_SEV_NONE:
    default:
        return NULL;
    }
}

/* json-glib < 1.6 has no *_with_default for arrays and objects. */
static JsonArray *
json_member_array(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    return node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}

static JsonObject *
json_member_object(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static GStrv
json_string_array(JsonObject *obj, const char *member)
{
    JsonArray *array = json_member_array(obj, member);
    GStrvBuilder *builder = g_strv_builder_new();
    GStrv result;

    for (guint i = 0; array && i < json_array_get_length(array); i++) {
        const char *s = json_node_get_string(json_array_get_element(array, i));

        if (s)
            g_strv_builder_add(builder, s);
    }
    result = g_strv_builder_end(builder);
    g_strv_builder_unref(builder);
    return result;
}

static gboolean
firmware_targets_x86_64(JsonObject *root)
{
    JsonArray *targets = json_member_array(root, "targets");

    for (guint i = 0; targets && i < json_array_get_length(targets); i++) {
        JsonObject *t = json_array_get_object_element(targets, i);

        if (t && g_strcmp0(json_object_get_string_member_with_default(t, "architecture", NULL),
                           "x86_64") == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
firmware_bad(GError **error, const char *path, const char *why)
{
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Firmware descriptor '%s' is not usable: %s"), path, why);
    return FALSE;
}

static gboolean
firmware_fill_mapping(SevirtFirmware *fw, JsonObject *mapping, const char *path, GError **error)
{
    const char *device = json_object_get_string_member_with_default(mapping, "device", NULL);

    if (!device)
        return firmware_bad(error, path, _("its mapping has no device"));
    fw->device = g_strdup(device);
    if (g_str_equal(device, "flash")) {
        JsonObject *exe = json_member_object(mapping, "executable");
        JsonObject *nvram = json_member_object(mapping, "nvram-template");

        if (!exe || !json_object_get_string_member_with_default(exe, "filename", NULL))
            return firmware_bad(error, path, _("its flash mapping has no executable"));
        fw->executable = g_strdup(json_object_get_string_member(exe, "filename"));
        if (nvram)
            fw->nvram_template = g_strdup(json_object_get_string_member_with_default(nvram, "filename", NULL));
        fw->mode = g_strdup(json_object_get_string_member_with_default(mapping, "mode", NULL));
    } else if (g_str_equal(device, "memory")) {
        const char *filename = json_object_get_string_member_with_default(mapping, "filename", NULL);

        if (!filename)
            return firmware_bad(error, path, _("its memory mapping has no filename"));
        fw->executable = g_strdup(filename);
    } else {
        return firmware_bad(error, path, _("only flash and memory firmware can boot a guest"));
    }
    return TRUE;
}

SevirtFirmware *
sevirt_firmware_parse(const char *path, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtFirmware) fw = g_new0(SevirtFirmware, 1);
    g_auto(GStrv) interfaces = NULL;
    JsonNode *root_node;
    JsonObject *root;
    JsonObject *mapping;

    if (!json_parser_load_from_file(parser, path, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse firmware descriptor '%s': %s"), path, local->message);
        return NULL;
    }
    root_node = json_parser_get_root(parser);
    if (!root_node || !JSON_NODE_HOLDS_OBJECT(root_node)) {
        firmware_bad(error, path, _("it is not a JSON object"));
        return NULL;
    }
    root = json_node_get_object(root_node);
    interfaces = json_string_array(root, "interface-types");
    if (!g_strv_contains((const char *const *) interfaces, "uefi")) {
        firmware_bad(error, path, _("it is not a UEFI firmware"));
        return NULL;
    }
    if (!firmware_targets_x86_64(root)) {
        firmware_bad(error, path, _("it does not target x86_64"));
        return NULL;
    }
    mapping = json_member_object(root, "mapping");
    if (!mapping) {
        firmware_bad(error, path, _("it has no mapping"));
        return NULL;
    }
    if (!firmware_fill_mapping(fw, mapping, path, error))
        return NULL;
    fw->descriptor = g_strdup(path);
    fw->description = g_strdup(json_object_get_string_member_with_default(root, "description", ""));
    fw->features = json_string_array(root, "features");
    return g_steal_pointer(&fw);
}

/* Maps descriptor file name -> full path, later directories winning. */
static void
collect_descriptor_names(const char *dir, GHashTable *by_name)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".json"))
            g_hash_table_replace(by_name, g_strdup(name), g_build_filename(dir, name, NULL));
    }
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
sevirt_firmware_list_load(const char *dirs)
{
    g_auto(GStrv) dirv = g_strsplit(dirs ? dirs : SEVIRT_FIRMWARE_DESCRIPTOR_DIRS, ":", -1);
    g_autoptr(GHashTable) by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree const char **names = NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_firmware_free);
    guint n = 0;

    for (guint i = 0; dirv[i]; i++) {
        if (*dirv[i])
            collect_descriptor_names(dirv[i], by_name);
    }
    names = (const char **) g_hash_table_get_keys_as_array(by_name, &n);
    qsort(names, n, sizeof(char *), compare_names);
    for (guint i = 0; i < n; i++) {
        const char *path = g_hash_table_lookup(by_name, names[i]);
        GStatBuf st;
        SevirtFirmware *fw;

        /* An empty file masks a descriptor of the same name (QEMU's rule). */
        if (g_stat(path, &st) == 0 && st.st_size == 0)
            continue;
        fw = sevirt_firmware_parse(path, NULL);
        if (fw)
            g_ptr_array_add(list, fw);
    }
    return list;
}

/* ---------------------------------------------------------------------- */
/* the emulated SEV platform */

gboolean
sevirt_emulator_is_emulated(const char *path)
{
    g_autofree char *base = NULL;
    g_autofree char *resolved = NULL;

    if (!path || !*path)
        return FALSE;
    base = g_path_get_basename(path);
    if (g_str_equal(base, SEVIRT_EMULATOR_BASENAME))
        return TRUE;
    /* A link under another name (qemu-sev, say) must not hide that nothing
     * is encrypted.  Only this machine's files can be followed. */
    resolved = realpath(path, NULL);
    if (!resolved)
        return FALSE;
    g_free(base);
    base = g_path_get_basename(resolved);
    return g_str_equal(base, SEVIRT_EMULATOR_BASENAME);
}

void
sevirt_emu_info_free(SevirtEmuInfo *info)
{
    if (!info)
        return;
    g_free(info->notice);
    g_free(info->state_dir);
    g_free(info->qemu);
    g_free(info->identity_dir);
    g_free(info->identity_error);
    g_free(info);
}

static gint
json_member_uint(JsonObject *obj, const char *member)
{
    JsonNode *node = json_object_get_member(obj, member);

    if (!node || json_node_get_value_type(node) != G_TYPE_INT64)
        return -1;
    return CLAMP(json_node_get_int(node), -1, G_MAXINT);
}

SevirtEmuInfo *
sevirt_emu_info_parse(const char *json, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtEmuInfo) info = NULL;
    JsonNode *root_node;
    JsonObject *root;
    JsonObject *identity;

    if (!json_parser_load_from_data(parser, json, -1, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse the emulated platform's description: %s"), local->message);
        return NULL;
    }
    root_node = json_parser_get_root(parser);
    root = root_node && JSON_NODE_HOLDS_OBJECT(root_node) ? json_node_get_object(root_node) : NULL;
    if (!root || !json_object_get_boolean_member_with_default(root, "emulated", FALSE)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse the emulated platform's description: it does not say "
                      "\"emulated\": true"));
        return NULL;
    }
    info = g_new0(SevirtEmuInfo, 1);
    info->notice = g_strdup(json_object_get_string_member_with_default(root, "notice", NULL));
    info->state_dir = g_strdup(json_object_get_string_member_with_default(root, "state_dir", NULL));
    info->qemu = g_strdup(json_object_get_string_member_with_default(root, "qemu", NULL));
    info->api_major = json_member_uint(root, "api_major");
    info->api_minor = json_member_uint(root, "api_minor");
    info->build_id = json_member_uint(root, "build_id");
    info->cpu_family = json_member_uint(root, "cpu_family");
    info->cpu_model = json_member_uint(root, "cpu_model");
    info->cpu_stepping = json_member_uint(root, "cpu_stepping");
    identity = json_member_object(root, "identity");
    if (identity)
        info->identity_dir = g_strdup(json_object_get_string_member_with_default(identity, "dir", NULL));
    if (!info->identity_dir)
        info->identity_error = g_strdup(json_object_get_string_member_with_default(
            root, "identity_error", _("the platform has no identity")));
    return g_steal_pointer(&info);
}

static void
append_reported(GString *s, const char *label, gint value)
{
    if (value < 0)
        g_string_append_printf(s, "%s?", label);
    else
        g_string_append_printf(s, "%s%d", label, value);
}

char *
sevirt_emu_info_summary(const SevirtEmuInfo *info)
{
    GString *s = g_string_new(NULL);

    /* Labels are the SEV API's and AMD's terms: not translated. */
    append_reported(s, "SEV API ", info->api_major);
    append_reported(s, ".", info->api_minor);
    append_reported(s, " build ", info->build_id);
    append_reported(s, ", CPU family ", info->cpu_family);
    append_reported(s, " model ", info->cpu_model);
    append_reported(s, " stepping ", info->cpu_stepping);
    return g_string_free(s, FALSE);
}

SevirtEmuInfo *
sevirt_emu_info_query(const char *emulator, GError **error)
{
    const char *argv[] = { emulator, "--emu-info", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) local = NULL;
    gint status = 0;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &err, &status, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot run '%s --emu-info': %s"), emulator, local->message);
        return NULL;
    }
    if (!g_spawn_check_wait_status(status, &local)) {
        g_strstrip(err);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, _("'%s --emu-info' failed: %s"),
                    emulator, *err ? err : local->message);
        return NULL;
    }
    return sevirt_emu_info_parse(out, error);
}

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
    g_autofree char *type = NULL;
    g_autofree char *policy_text = NULL;
    guint64 policy = 0;

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
    type = sevirt_xpath_string(ctx, "/domain/launchSecurity/@type");
    policy_text = sevirt_xpath_string(ctx, "/domain/launchSecurity/policy");
    if (policy_text)
        sevirt_parse_uint("policy", policy_text, G_MAXUINT64, &policy, NULL);
    if (g_strcmp0(type, "sev-snp") == 0 ||
        (g_strcmp0(type, "sev") == 0 && (policy & SEVIRT_SEV_POLICY_ES)))
        caps->es_guests_running++;
    else if (g_strcmp0(type, "sev") == 0)
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

const SevirtFirmware *
sevirt_firmware_list_find(const GPtrArray *firmware, SevirtSevType type)
{
    const char *feature = sevirt_firmware_feature_for(type);

    for (guint i = 0; feature && i < firmware->len; i++) {
        const SevirtFirmware *fw = g_ptr_array_index(firmware, i);

        if (sevirt_firmware_has_feature(fw, feature) &&
            !sevirt_firmware_has_feature(fw, "requires-smm") &&
            !sevirt_firmware_has_feature(fw, "enrolled-keys"))
            return fw;
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* preflight checks */

const char *
sevirt_check_status_to_string(SevirtCheckStatus status)
{
    static const char *const names[] = { "PASS", "WARN", "FAIL" };

    g_return_val_if_fail(status < G_N_ELEMENTS(names), NULL);
    return names[status];
}

void
sevirt_host_check_free(SevirtHostCheck *check)
{
    if (!check)
        return;
    g_free(check->name);
    g_free(check->detail);
    g_free(check->fix);
    g_free(check);
}

static void add_check(GPtrArray *checks, SevirtCheckStatus status, const char *name,
                      const char *fix, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static void
add_check(GPtrArray *checks, SevirtCheckStatus status, const char *name,
          const char *fix, const char *fmt, ...)
{
    SevirtHostCheck *check = g_new0(SevirtHostCheck, 1);
    va_list ap;

    va_start(ap, fmt);
    check->detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    check->status = status;
    check->name = g_strdup(name);
    check->fix = status == SEVIRT_CHECK_PASS ? NULL : g_strdup(fix);
    g_ptr_array_add(checks, check);
}

static const char *
type_label(SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_ES:
        return "SEV-ES";
    case SEVIRT_SEV_SNP:
        return "SEV-SNP";
    case SEVIRT_SEV_SEV:
    case SEVIRT_SEV_NONE:
    default:
        return "SEV";
    }
}

static void
check_libvirt_version(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    g_autofree char *found = sevirt_version_string(caps->libvirt_version);

    if (type == SEVIRT_SEV_SNP && caps->libvirt_version < SEVIRT_LIBVIRT_SNP_VERSION)
        add_check(checks, SEVIRT_CHECK_FAIL, _("libvirt version"),
                  _("upgrade libvirt on the host to 10.5 or later"),
                  _("SEV-SNP guests need libvirt 10.5 or later, the host runs %s"), found);
    else
        add_check(checks, SEVIRT_CHECK_PASS, _("libvirt version"), NULL,
                  _("libvirt %s can run %s guests"), found, type_label(type));
}

/* Reads a kvm_amd module parameter ("Y"/"N" or "1"/"0"); NULL when absent. */
static char *
read_kvm_amd_param(const char *root, const char *param)
{
    g_autofree char *path = g_build_filename(root, "sys", "module", "kvm_amd",
                                             "parameters", param, NULL);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(text));
}

static void
check_kvm_amd(GPtrArray *checks, const char *root, SevirtSevType type)
{
    static const struct {
        const char *param;
        SevirtSevType needed_by;
    } params[] = {
        { "sev", SEVIRT_SEV_SEV },
        { "sev_es", SEVIRT_SEV_ES },
        { "sev_snp", SEVIRT_SEV_SNP },
    };
    g_autofree char *moddir = g_build_filename(root, "sys", "module", "kvm_amd", NULL);

    if (!g_file_test(moddir, G_FILE_TEST_IS_DIR)) {
        add_check(checks, SEVIRT_CHECK_FAIL, _("kvm_amd module"),
                  _("load it with 'modprobe kvm_amd' (needs an AMD CPU with AMD-V enabled in the firmware setup)"),
                  _("the kvm_amd module is not loaded"));
        return;
    }
    add_check(checks, SEVIRT_CHECK_PASS, _("kvm_amd module"), NULL, _("kvm_amd is loaded"));

    for (guint i = 0; i < G_N_ELEMENTS(params); i++) {
        g_autofree char *value = read_kvm_amd_param(root, params[i].param);
        g_autofree char *name = g_strdup_printf(_("kvm_amd %s parameter"), params[i].param);
        g_autofree char *fix = g_strdup_printf(_("add kvm_amd.%s=1 to the kernel command line "
                                                 "(or 'options kvm_amd %s=1' in /etc/modprobe.d) "
                                                 "and reload kvm_amd"),
                                               params[i].param, params[i].param);
        /* A type needs its own parameter and those of the types below it. */
        gboolean needed = params[i].needed_by <= type;

        if (value && (g_str_equal(value, "Y") || g_str_equal(value, "1")))
            add_check(checks, SEVIRT_CHECK_PASS, name, NULL, _("%s is enabled"), params[i].param);
        else if (!value)
            add_check(checks, needed ? SEVIRT_CHECK_FAIL : SEVIRT_CHECK_WARN, name,
                      _("use a host kernel whose kvm_amd supports it"),
                      _("this kvm_amd has no '%s' parameter"), params[i].param);
        else
            add_check(checks, needed ? SEVIRT_CHECK_FAIL : SEVIRT_CHECK_WARN, name, fix,
                      _("%s is disabled ('%s')"), params[i].param, value);
    }
}

gboolean
sevirt_dev_sev_examine(const char *path, SevirtDevSev *kind, GError **error)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        if (errno != ENOENT) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("Cannot examine '%s': %s"), path, g_strerror(errno));
            return FALSE;
        }
        *kind = SEVIRT_DEV_SEV_ABSENT;
    } else if (!S_ISCHR(st.st_mode)) {
        *kind = SEVIRT_DEV_SEV_NOT_DEVICE;
    } else if (major(st.st_rdev) == SEVIRT_DEV_SEV_PLACEHOLDER_MAJOR &&
               minor(st.st_rdev) == SEVIRT_DEV_SEV_PLACEHOLDER_MINOR) {
        *kind = SEVIRT_DEV_SEV_PLACEHOLDER;
    } else {
        *kind = SEVIRT_DEV_SEV_DEVICE;
    }
    return TRUE;
}

/* SEV hardware: the ccp driver's device. */
static void
check_dev_sev_hardware(GPtrArray *checks, SevirtDevSev kind)
{
    const char *name = SEVIRT_DEV_SEV_PATH;

    switch (kind) {
    case SEVIRT_DEV_SEV_DEVICE:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL, _("/dev/sev is a character device"));
        break;
    case SEVIRT_DEV_SEV_PLACEHOLDER:
        add_check(checks, SEVIRT_CHECK_FAIL, name,
                  _("for SEV hardware, enable SEV in the firmware setup and remove the placeholder "
                    "with 'sevirt emulator-setup --undo' so that the ccp driver can create "
                    "/dev/sev; for the emulated platform, check with --emulator PATH"),
                  _("/dev/sev is the null device (1:3) that 'sevirt emulator-setup' created for "
                    "the emulated platform: harmless, but no SEV hardware is behind it"));
        break;
    case SEVIRT_DEV_SEV_NOT_DEVICE:
        add_check(checks, SEVIRT_CHECK_FAIL, name,
                  _("remove it; the ccp driver creates /dev/sev once the platform is initialised"),
                  _("/dev/sev is not a character device"));
        break;
    case SEVIRT_DEV_SEV_ABSENT:
    default:
        add_check(checks, SEVIRT_CHECK_FAIL, name,
                  _("enable SEV in the firmware setup and check 'dmesg | grep -i sev': "
                    "the ccp driver creates /dev/sev once the platform is initialised"),
                  _("/dev/sev does not exist"));
        break;
    }
}

/* The emulated platform: libvirt (9.0) still allows and opens /dev/sev for
 * every SEV domain, so a node that gives access to nothing stands in. */
static void
check_dev_sev_emulated(GPtrArray *checks, SevirtDevSev kind, const char *emulator)
{
    g_autofree char *fix = g_strdup_printf(_("run 'sevirt emulator-setup --emulator %s' as root"),
                                           emulator);
    const char *name = SEVIRT_DEV_SEV_PATH;

    switch (kind) {
    case SEVIRT_DEV_SEV_PLACEHOLDER:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL,
                  _("/dev/sev is the placeholder 'sevirt emulator-setup' created (the null "
                    "device 1:3): libvirt needs the path for SEV domains; it gives access to nothing"));
        break;
    case SEVIRT_DEV_SEV_DEVICE:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL,
                  _("/dev/sev is a character device (libvirt only needs the path with the "
                    "emulated platform)"));
        break;
    case SEVIRT_DEV_SEV_NOT_DEVICE:
        add_check(checks, SEVIRT_CHECK_FAIL, name, fix,
                  _("/dev/sev is not a character device: libvirt cannot open it for SEV domains"));
        break;
    case SEVIRT_DEV_SEV_ABSENT:
    default:
        add_check(checks, SEVIRT_CHECK_FAIL, name, fix,
                  _("/dev/sev does not exist: libvirt refuses to start SEV domains without it"));
        break;
    }
}

static void
check_dev_sev(GPtrArray *checks, const char *root, const SevirtHostCaps *caps)
{
    g_autofree char *path = g_build_filename(root, SEVIRT_DEV_SEV_PATH, NULL);
    g_autoptr(GError) error = NULL;
    SevirtDevSev kind;

    if (!sevirt_dev_sev_examine(path, &kind, &error))
        add_check(checks, SEVIRT_CHECK_FAIL, SEVIRT_DEV_SEV_PATH,
                  _("run host-check as root"), "%s", error->message);
    else if (caps->emulated)
        check_dev_sev_emulated(checks, kind, caps->emulator);
    else
        check_dev_sev_hardware(checks, kind);
}

static void
check_virt_type(GPtrArray *checks, const SevirtHostCaps *caps)
{
    if (caps->emulated || g_strcmp0(caps->domain_type, "kvm") == 0)
        add_check(checks, SEVIRT_CHECK_PASS, _("virtualization type"), NULL,
                  _("guests run as '%s' domains"), caps->domain_type ? caps->domain_type : "?");
    else
        add_check(checks, SEVIRT_CHECK_FAIL, _("virtualization type"),
                  _("encrypted guests need KVM: use --virt-type kvm on a host with /dev/kvm"),
                  _("domain type '%s' (TCG) cannot run encrypted guests"),
                  caps->domain_type ? caps->domain_type : "?");
}

static void
check_domcaps(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    const char *emu = caps->emulator ? caps->emulator : "?";

    if (!caps->sev) {
        add_check(checks, SEVIRT_CHECK_FAIL, _("SEV in domain capabilities"),
                  _("libvirt reports SEV once the kernel and QEMU can use it: fix the checks above, "
                    "then restart libvirtd so it probes QEMU again"),
                  _("libvirt reports no SEV support for %s"), emu);
        return;
    }
    add_check(checks, SEVIRT_CHECK_PASS, _("SEV in domain capabilities"), NULL,
              _("libvirt reports SEV for %s (cbitpos %d, reduced-phys-bits %d)"),
              emu, caps->cbitpos, caps->reduced_phys_bits);
    if (type == SEVIRT_SEV_ES)
        add_check(checks, caps->sev_es ? SEVIRT_CHECK_PASS : SEVIRT_CHECK_FAIL,
                  _("SEV-ES in domain capabilities"),
                  _("enable SEV-ES (kvm_amd sev_es=1) and give it ASIDs in the firmware setup"),
                  caps->sev_es ? _("the host has SEV-ES slots") : _("the host has no SEV-ES slots"));
    if (type == SEVIRT_SEV_SNP)
        add_check(checks, caps->sev_snp ? SEVIRT_CHECK_PASS : SEVIRT_CHECK_FAIL,
                  _("SEV-SNP in domain capabilities"),
                  _("SEV-SNP needs libvirt 10.5, QEMU 9.1 and a host kernel with SNP enabled"),
                  caps->sev_snp ? _("libvirt lists the sev-snp launch security type")
                                : _("libvirt does not list the sev-snp launch security type"));
}

static void
check_slots(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    gint free_slots = sevirt_host_caps_free_slots(caps, type);
    gint max = type == SEVIRT_SEV_SEV ? caps->max_guests : caps->max_es_guests;
    const char *pool = type == SEVIRT_SEV_SEV ? "SEV" : "SEV-ES";

    if (!sevirt_host_caps_supports(caps, type))
        return;
    if (caps->emulated)
        add_check(checks, SEVIRT_CHECK_PASS, _("free ASID slots"), NULL,
                  _("no ASID limit: the platform is emulated"));
    else if (free_slots < 0)
        add_check(checks, SEVIRT_CHECK_WARN, _("free ASID slots"),
                  _("upgrade libvirt (8.0 or later reports maxGuests/maxESGuests)"),
                  _("the host does not report how many %s guests it can hold"), pool);
    else if (free_slots == 0)
        add_check(checks, SEVIRT_CHECK_FAIL, _("free ASID slots"),
                  _("stop a running encrypted guest, or raise the ASID split in the firmware setup"),
                  _("all %d %s slots are in use"), max, pool);
    else
        add_check(checks, SEVIRT_CHECK_PASS, _("free ASID slots"), NULL,
                  _("%d of %d %s slots free"), free_slots, max, pool);
}

static void
check_firmware(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    const char *feature = sevirt_firmware_feature_for(type);
    const SevirtFirmware *fw;

    if (!caps->firmware_known) {
        add_check(checks, SEVIRT_CHECK_WARN, _("firmware"),
                  _("check the host's /usr/share/qemu/firmware, or give --firmware PATH"),
                  _("cannot read the firmware descriptors of a remote host"));
        return;
    }
    fw = sevirt_firmware_list_find(caps->firmware, type);
    if (fw)
        add_check(checks, SEVIRT_CHECK_PASS, _("firmware"), NULL,
                  _("%s supports %s (%s)"), fw->executable, feature, fw->descriptor);
    else
        add_check(checks, SEVIRT_CHECK_FAIL, _("firmware"),
                  _("install an OVMF build for it with its QEMU firmware descriptor, "
                    "or give sevirt --firmware PATH"),
                  _("no firmware descriptor lists '%s' (without Secure Boot)"), feature);
}

/*
 * ROOT/proc/PID of the daemon that runs the QEMU driver: virtqemud with
 * libvirt's modular daemons, else libvirtd; NULL when neither left a pid
 * file (sevirt's own limits would say nothing about the daemon's).
 */
static char *
qemu_daemon_proc(const char *root)
{
    static const char *const pidfiles[] = { "virtqemud.pid", "libvirtd.pid" };

    for (guint i = 0; i < G_N_ELEMENTS(pidfiles); i++) {
        g_autofree char *path = g_build_filename(root, "run", pidfiles[i], NULL);
        g_autofree char *text = NULL;
        guint64 pid;

        if (g_file_get_contents(path, &text, NULL, NULL) &&
            sevirt_parse_uint(pidfiles[i], g_strstrip(text), G_MAXINT, &pid, NULL)) {
            g_autofree char *name = g_strdup_printf("%" G_GUINT64_FORMAT, pid);

            return g_build_filename(root, "proc", name, NULL);
        }
    }
    return NULL;
}

/* Whether /proc/PID/status gives the process CAP_SYS_RESOURCE. */
static gboolean
status_has_sys_resource(const char *status)
{
    g_auto(GStrv) lines = g_strsplit(status, "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        guint64 caps_eff;

        if (g_str_has_prefix(lines[i], "CapEff:") &&
            g_ascii_string_to_unsigned(g_strstrip(lines[i] + 7), 16, 0, G_MAXUINT64, &caps_eff, NULL))
            return (caps_eff >> 24) & 1;   /* CAP_SYS_RESOURCE */
    }
    return FALSE;
}

/* The hard limit of the "Max locked memory" line of /proc/PID/limits. */
static gboolean
limits_memlock_hard(const char *limits, guint64 *hard, gboolean *unlimited)
{
    static const char prefix[] = "Max locked memory";
    g_auto(GStrv) lines = g_strsplit(limits, "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) fields = NULL;

        if (!g_str_has_prefix(lines[i], prefix))
            continue;
        /* soft, hard, units, with empty strings between the spaces */
        fields = g_strsplit_set(lines[i] + strlen(prefix), " \t", -1);
        for (guint j = 0, n = 0; fields[j]; j++) {
            if (!*fields[j] || ++n < 2)
                continue;
            *unlimited = g_str_equal(fields[j], "unlimited");
            return *unlimited ||
                   g_ascii_string_to_unsigned(fields[j], 10, 0, G_MAXUINT64, hard, NULL);
        }
    }
    return FALSE;
}

/* The memlock hard limit and CAP_SYS_RESOURCE of the QEMU driver's daemon. */
static gboolean
read_memlock(const char *root, guint64 *hard, gboolean *unlimited, gboolean *can_raise)
{
    g_autofree char *proc = qemu_daemon_proc(root);
    g_autofree char *lpath = NULL;
    g_autofree char *spath = NULL;
    g_autofree char *limits = NULL;
    g_autofree char *status = NULL;

    if (!proc)
        return FALSE;
    lpath = g_build_filename(proc, "limits", NULL);
    spath = g_build_filename(proc, "status", NULL);
    if (!g_file_get_contents(lpath, &limits, NULL, NULL) ||
        !g_file_get_contents(spath, &status, NULL, NULL))
        return FALSE;
    *can_raise = status_has_sys_resource(status);
    return limits_memlock_hard(limits, hard, unlimited);
}

static void
check_memlock(GPtrArray *checks, const char *root, const SevirtHostCaps *caps, SevirtSevType type)
{
    guint64 hard = 0;
    gboolean unlimited = FALSE, can_raise = FALSE;

    /* Neither asks for <locked/> (see sevirt_domxml_build()). */
    if (caps->emulated)
        add_check(checks, SEVIRT_CHECK_PASS, _("locked memory limit"), NULL,
                  _("not needed: guests of the emulated platform lock no memory"));
    else if (type == SEVIRT_SEV_SNP)
        add_check(checks, SEVIRT_CHECK_PASS, _("locked memory limit"), NULL,
                  _("not needed: SEV-SNP guests do not lock their memory"));
    else if (!read_memlock(root, &hard, &unlimited, &can_raise))
        add_check(checks, SEVIRT_CHECK_WARN, _("locked memory limit"),
                  _("make sure libvirtd may raise RLIMIT_MEMLOCK (LimitMEMLOCK=infinity)"),
                  _("cannot read the locked memory limit of libvirtd (or virtqemud)"));
    else if (unlimited || can_raise)
        add_check(checks, SEVIRT_CHECK_PASS, _("locked memory limit"), NULL,
                  _("libvirtd can lock guest memory (%s)"),
                  unlimited ? _("no limit") : _("it may raise its limit"));
    else
        add_check(checks, SEVIRT_CHECK_FAIL, _("locked memory limit"),
                  _("start libvirtd with an unlimited memlock hard limit (ulimit -l unlimited, "
                    "LimitMEMLOCK=infinity) or with CAP_SYS_RESOURCE"),
                  _("libvirtd's memlock hard limit is %" G_GUINT64_FORMAT " KiB and it lacks "
                    "CAP_SYS_RESOURCE: SEV guests, whose memory is locked, cannot start"),
                  hard / 1024);
}

/* What the emulated platform is, and whether it was set up. */
static void
check_emulated(GPtrArray *checks, const SevirtHostCaps *caps, gboolean local)
{
    const SevirtEmuInfo *info = caps->emu_info;
    g_autofree char *fix = g_strdup_printf(_("run 'sevirt emulator-setup --emulator %s' as root"),
                                           caps->emulator);

    add_check(checks, SEVIRT_CHECK_WARN, _("emulated platform"),
              _("run real guests with the host's QEMU on an AMD EPYC host"),
              _("%s is sevirt's emulated SEV platform: guests get no memory encryption "
                "and no confidentiality"), caps->emulator);
    if (!local)
        add_check(checks, SEVIRT_CHECK_WARN, _("emulated platform identity"),
                  _("run 'sevirt host-check --emulator PATH' on that host"),
                  _("the emulator of a remote host cannot be asked about its state"));
    else if (!info)
        add_check(checks, SEVIRT_CHECK_FAIL, _("emulated platform identity"),
                  _("check that the emulator is built and installed"),
                  "%s", caps->emu_info_error ? caps->emu_info_error : _("unknown"));
    else if (!info->identity_dir)
        add_check(checks, SEVIRT_CHECK_FAIL, _("emulated platform identity"), fix,
                  _("no platform identity in %s: %s"),
                  info->state_dir ? info->state_dir : "?", info->identity_error);
    else {
        g_autofree char *summary = sevirt_emu_info_summary(info);

        add_check(checks, SEVIRT_CHECK_PASS, _("emulated platform identity"), NULL,
                  _("certificates in %s (%s)"), info->identity_dir, summary);
    }
}

/* Not an SEV matter, but the first thing a user tries (--network user) and
 * the first thing Debian 12's libvirt refuses. */
static void
check_passt(GPtrArray *checks, const SevirtHostCaps *caps)
{
    const char *name = _("user-mode networking (passt)");
    const char *fix = _("use --network network=NAME or bridge=BR");

    switch (caps->passt) {
    case SEVIRT_TRISTATE_YES:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL,
                  _("libvirt accepts the passt backend: --network user works"));
        break;
    case SEVIRT_TRISTATE_NO: {
        g_autofree char *why = sevirt_host_caps_passt_refusal(caps);

        add_check(checks, SEVIRT_CHECK_WARN, name, fix, "%s", why);
        break;
    }
    case SEVIRT_TRISTATE_DEFAULT:
    default:
        add_check(checks, SEVIRT_CHECK_WARN, name, fix,
                  _("cannot tell whether libvirt accepts the passt backend"));
        break;
    }
}

GPtrArray *
sevirt_host_check(const SevirtHostCaps *caps, SevirtSevType type, const char *local_root)
{
    GPtrArray *checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_host_check_free);

    g_return_val_if_fail(type != SEVIRT_SEV_NONE, checks);

    check_libvirt_version(checks, caps, type);
    if (caps->emulated)
        check_emulated(checks, caps, local_root != NULL);
    else if (local_root)
        check_kvm_amd(checks, local_root, type);
    if (local_root)
        check_dev_sev(checks, local_root, caps);
    check_virt_type(checks, caps);
    check_domcaps(checks, caps, type);
    check_slots(checks, caps, type);
    check_firmware(checks, caps, type);
    if (local_root)
        check_memlock(checks, local_root, caps, type);
    check_passt(checks, caps);
    return checks;
}

gboolean
sevirt_host_check_failed(const GPtrArray *checks)
{
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *check = g_ptr_array_index(checks, i);

        if (check->status == SEVIRT_CHECK_FAIL)
            return TRUE;
    }
    return FALSE;
}
