/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML from a SevirtVmSpec: the elements, sevirt's <metadata>, and
 * the RelaxNG check of the result against libvirt's and sevirt's schemas.
 *
 * Just over 700 lines on purpose: one small builder per element, all
 * writing the same document; the <launchSecurity> reader is in
 * sevirt-launchsec.c, domain status in sevirt-domstatus.c.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>
#include <libxml/relaxng.h>

#include "sevirt.h"
#include "sevirt-domxml.h"
#include "sevirt-hostcaps.h"
#include "sevirt-policy.h"
#include "sevirt-xml-private.h"

/* ---------------------------------------------------------------------- */
/* tree helpers: libxml2 escapes text and attribute values */

static xmlNode *
add_elem(xmlNode *parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

static xmlNode *
add_elem_printf(xmlNode *parent, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static xmlNode *
add_elem_printf(xmlNode *parent, const char *name, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return add_elem(parent, name, text);
}

static void
set_attr(xmlNode *node, const char *name, const char *value)
{
    xmlSetProp(node, BAD_CAST name, BAD_CAST value);
}

static void
set_attr_uint(xmlNode *node, const char *name, guint value)
{
    g_autofree char *text = g_strdup_printf("%u", value);

    set_attr(node, name, text);
}

/* <NAME ATTR='VALUE'/> */
static xmlNode *
add_elem_attr(xmlNode *parent, const char *name, const char *attr, const char *value)
{
    xmlNode *node = add_elem(parent, name, NULL);

    set_attr(node, attr, value);
    return node;
}

static void
add_virtio_driver(xmlNode *device)
{
    /* The guest's memory is encrypted: virtio devices must go through the
     * (software) IOMMU so the guest bounces DMA through shared pages. */
    add_elem_attr(device, "driver", "iommu", "on");
}

/* ---------------------------------------------------------------------- */
/* metadata */

static xmlNode *
build_metadata(const SevirtVmSpec *spec)
{
    xmlNode *vm = xmlNewNode(NULL, BAD_CAST "vm");
    xmlNs *ns = xmlNewNs(vm, BAD_CAST SEVIRT_XMLNS, BAD_CAST "sevirt");

    xmlSetNs(vm, ns);
    xmlNewTextChild(vm, ns, BAD_CAST "version", BAD_CAST PACKAGE_VERSION);
    xmlNewTextChild(vm, ns, BAD_CAST "type", BAD_CAST sevirt_sev_type_to_string(spec->sev_type));
    if (spec->sev_type != SEVIRT_SEV_NONE) {
        g_autofree char *policy = sevirt_policy_format(spec->sev_type, spec->policy);

        xmlNewTextChild(vm, ns, BAD_CAST "policy", BAD_CAST policy);
    }
    if (spec->owned_volumes->len) {
        xmlNode *vols = xmlNewChild(vm, ns, BAD_CAST "volumes", NULL);

        for (guint i = 0; i < spec->owned_volumes->len; i++) {
            const char *pv = g_ptr_array_index(spec->owned_volumes, i);
            const char *slash = strchr(pv, '/');
            g_autofree char *pool = slash ? g_strndup(pv, slash - pv) : g_strdup("");
            xmlNode *vol = xmlNewChild(vols, ns, BAD_CAST "volume", NULL);

            set_attr(vol, "pool", pool);
            set_attr(vol, "name", slash ? slash + 1 : pv);
        }
    }
    if (spec->fleet) {
        xmlNode *fleet = xmlNewChild(vm, ns, BAD_CAST "fleet", NULL);

        set_attr(fleet, "name", spec->fleet->fleet);
        set_attr(fleet, "group", spec->fleet->group);
        set_attr(fleet, "hash", spec->fleet->hash);
    }
    return vm;
}

char *
sevirt_vm_metadata_format(const SevirtVmSpec *spec)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");

    xmlDocSetRootElement(doc, build_metadata(spec));
    return sevirt_xml_doc_to_string(doc);
}

void
sevirt_vm_metadata_free(SevirtVmMetadata *meta)
{
    if (!meta)
        return;
    g_free(meta->version);
    g_ptr_array_unref(meta->volumes);
    sevirt_fleet_member_free(meta->fleet);
    g_free(meta);
}

/*
 * The <vm> element: the root of @doc, or inside a whole domain definition.
 * virDomainGetMetadata() returns it without any namespace (the caller named
 * it), a domain definition with one: both are accepted, another namespace is
 * not.
 */
static xmlNode *
find_metadata_vm(xmlDoc *doc, xmlXPathContext *ctx, GError **error)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *vm = root;

    if (xmlStrEqual(root->name, BAD_CAST "domain") && !root->ns) {
        g_autoptr(xmlXPathObject) obj =
            xmlXPathEvalExpression(BAD_CAST "/domain/metadata/sevirt:vm", ctx);

        if (!obj || !obj->nodesetval || obj->nodesetval->nodeNr == 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                        _("The domain carries no sevirt metadata"));
            return NULL;
        }
        vm = obj->nodesetval->nodeTab[0];
    }
    if (!xmlStrEqual(vm->name, BAD_CAST "vm") ||
        (vm->ns && !xmlStrEqual(vm->ns->href, BAD_CAST SEVIRT_XMLNS))) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Not sevirt metadata: expected a <vm> element in namespace %s, got <%s>"),
                    SEVIRT_XMLNS, (const char *) vm->name);
        return NULL;
    }
    return vm;
}

/* The <fleet> element of a fleet's guest, relative to <vm>. */
static gboolean
read_fleet_member(xmlXPathContext *ctx, SevirtVmMetadata *meta, GError **error)
{
    g_autoptr(xmlXPathObject) obj =
        xmlXPathEvalExpression(BAD_CAST "*[local-name()='fleet']", ctx);
    xmlNode *node;
    g_autoptr(SevirtXmlChar) name = NULL;
    g_autoptr(SevirtXmlChar) group = NULL;
    g_autoptr(SevirtXmlChar) hash = NULL;

    if (!obj || !obj->nodesetval || obj->nodesetval->nodeNr == 0)
        return TRUE;
    node = obj->nodesetval->nodeTab[0];
    name = xmlGetProp(node, BAD_CAST "name");
    group = xmlGetProp(node, BAD_CAST "group");
    hash = xmlGetProp(node, BAD_CAST "hash");
    if (!name || !group || !hash || !*name || !*group) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sevirt metadata: <fleet> lacks its name, group or hash"));
        return FALSE;
    }
    meta->fleet = sevirt_fleet_member_new((const char *) name, (const char *) group,
                                          (const char *) hash);
    return TRUE;
}

SevirtVmMetadata *
sevirt_vm_metadata_parse(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_xml_parse(xml, _("sevirt metadata"), error);
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(SevirtVmMetadata) meta = NULL;
    g_autoptr(xmlXPathObject) vols = NULL;
    g_autofree char *type = NULL;
    g_autofree char *policy = NULL;
    xmlNode *vm;

    if (!doc)
        return NULL;
    ctx = sevirt_xpath_new(doc);
    vm = find_metadata_vm(doc, ctx, error);
    if (!vm)
        return NULL;
    /* Relative to <vm>; its children share its namespace, whichever it is. */
    ctx->node = vm;
    meta = g_new0(SevirtVmMetadata, 1);
    meta->volumes = g_ptr_array_new_with_free_func(g_free);
    meta->version = sevirt_xpath_string(ctx, "*[local-name()='version']");
    type = sevirt_xpath_string(ctx, "*[local-name()='type']");
    policy = sevirt_xpath_string(ctx, "*[local-name()='policy']");
    vols = xmlXPathEvalExpression(BAD_CAST "*[local-name()='volumes']/*[local-name()='volume']", ctx);

    if (!meta->version || !type) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Not sevirt metadata: <vm> lacks <version> or <type>"));
        return NULL;
    }
    if (!sevirt_sev_type_from_string(type, &meta->sev_type, error))
        return NULL;
    if (policy) {
        if (!sevirt_parse_uint(_("metadata policy"), policy, G_MAXUINT64, &meta->policy, error))
            return NULL;
        meta->policy_set = TRUE;
    }
    for (int i = 0; vols && vols->nodesetval && i < vols->nodesetval->nodeNr; i++) {
        xmlNode *node = vols->nodesetval->nodeTab[i];
        g_autoptr(SevirtXmlChar) pool = xmlGetProp(node, BAD_CAST "pool");
        g_autoptr(SevirtXmlChar) name = xmlGetProp(node, BAD_CAST "name");

        if (!pool || !name || !*pool || !*name) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("sevirt metadata: a <volume> lacks its pool or name"));
            return NULL;
        }
        g_ptr_array_add(meta->volumes, g_strdup_printf("%s/%s", pool, name));
    }
    return read_fleet_member(ctx, meta, error) ? g_steal_pointer(&meta) : NULL;
}

SevirtVmMetadata *
sevirt_domain_get_metadata(virDomainPtr dom, GError **error)
{
    /* Every libvirt call resets the thread's last error: take the name first. */
    g_autofree char *name = g_strdup(virDomainGetName(dom));
    g_autofree char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, SEVIRT_XMLNS, 0);

    if (!xml) {
        virErrorPtr err = virGetLastError();

        if (err && err->code == VIR_ERR_NO_DOMAIN_METADATA) {
            virResetLastError();
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                        _("Domain '%s' was not defined by sevirt"), name);
        } else {
            /* A domain undefined meanwhile becomes SEVIRT_ERROR_NOT_FOUND. */
            sevirt_error_libvirt(error, _("Cannot read the metadata of domain '%s'"), name);
        }
        return NULL;
    }
    return sevirt_vm_metadata_parse(xml, error);
}

/* ---------------------------------------------------------------------- */
/* domain */

static gboolean
locks_memory(const SevirtVmSpec *spec)
{
    /* SEV and SEV-ES pin guest memory in the kernel, which counts against
     * the memlock limit; SNP uses guest_memfd instead.  The emulated
     * platform pins nothing, and locking would only make it fail where the
     * limit cannot be raised (containers). */
    return (spec->sev_type == SEVIRT_SEV_SEV || spec->sev_type == SEVIRT_SEV_ES) &&
           !sevirt_emulator_is_emulated(spec->emulator);
}

static void
build_memory(xmlNode *dom, const SevirtVmSpec *spec)
{
    xmlNode *mem = add_elem_printf(dom, "memory", "%" G_GUINT64_FORMAT, spec->memory_mib);
    xmlNode *backing;

    set_attr(mem, "unit", "MiB");
    if (locks_memory(spec)) {
        backing = add_elem(dom, "memoryBacking", NULL);
        add_elem(backing, "locked", NULL);
    } else if (spec->sev_type == SEVIRT_SEV_SNP) {
        /* Shared (unencrypted) pages live in a memfd; private ones in KVM's guest_memfd. */
        backing = add_elem(dom, "memoryBacking", NULL);
        add_elem_attr(backing, "source", "type", "memfd");
        add_elem_attr(backing, "access", "mode", "shared");
    }
    add_elem_printf(dom, "vcpu", "%u", spec->vcpus);
}

static void
build_loader(xmlNode *os, const SevirtVmSpec *spec)
{
    xmlNode *loader = add_elem(os, "loader", spec->firmware);

    set_attr(loader, "readonly", "yes");
    if (spec->sev_type == SEVIRT_SEV_SNP) {
        /* SNP firmware is measured as a ROM image (-bios), never pflash. */
        set_attr(loader, "type", "rom");
        return;
    }
    set_attr(loader, "type", "pflash");
    /* The measurement covers the code only: no variable store for attested launches. */
    if (sevirt_vm_spec_is_attested(spec))
        set_attr(loader, "stateless", "yes");
}

static void
build_os(xmlNode *dom, const SevirtVmSpec *spec)
{
    xmlNode *os = add_elem(dom, "os", NULL);
    xmlNode *type;

    if (!spec->firmware)
        set_attr(os, "firmware", "efi");
    type = add_elem(os, "type", "hvm");
    set_attr(type, "arch", "x86_64");
    set_attr(type, "machine", spec->machine ? spec->machine : "q35");
    if (!spec->firmware) {
        /* Secure Boot builds need SMM, which SEV-ES and SNP cannot provide;
         * libvirt then matches the SEV type against the descriptors' features. */
        xmlNode *fw = add_elem(os, "firmware", NULL);
        xmlNode *feature = add_elem_attr(fw, "feature", "enabled", "no");

        set_attr(feature, "name", "secure-boot");
    } else {
        build_loader(os, spec);
    }
    if (spec->kernel) {
        add_elem(os, "kernel", spec->kernel);
        if (spec->initrd)
            add_elem(os, "initrd", spec->initrd);
        if (spec->cmdline)
            add_elem(os, "cmdline", spec->cmdline);
    }
}

static void
build_cpu(xmlNode *dom, const SevirtVmSpec *spec)
{
    static const char *const modes[] = { "host-passthrough", "host-model", "maximum", NULL };
    const char *cpu = spec->cpu;
    xmlNode *node;

    /* TCG cannot pass the host CPU through: leave QEMU's default model. */
    if (!cpu && spec->virt_type == SEVIRT_VIRT_KVM)
        cpu = "host-passthrough";
    if (!cpu)
        return;
    node = add_elem(dom, "cpu", NULL);
    if (g_strv_contains(modes, cpu)) {
        set_attr(node, "mode", cpu);
    } else {
        xmlNode *model;

        set_attr(node, "mode", "custom");
        set_attr(node, "match", "exact");
        model = add_elem(node, "model", cpu);
        set_attr(model, "fallback", "forbid");
    }
}

static void
build_features(xmlNode *dom)
{
    xmlNode *features = add_elem(dom, "features", NULL);

    /* q35 with UEFI needs ACPI to boot; no vmcoreinfo (it would expose
     * guest memory layout to the host). */
    add_elem(features, "acpi", NULL);
    add_elem(features, "apic", NULL);
}

static void
build_lifecycle(xmlNode *dom)
{
    xmlNode *pm;

    add_elem_attr(dom, "clock", "offset", "utc");
    add_elem(dom, "on_poweroff", "destroy");
    add_elem(dom, "on_reboot", "restart");
    add_elem(dom, "on_crash", "destroy");
    /* Suspend would hand guest state to the host. */
    pm = add_elem(dom, "pm", NULL);
    add_elem_attr(pm, "suspend-to-mem", "enabled", "no");
    add_elem_attr(pm, "suspend-to-disk", "enabled", "no");
}

static gboolean
build_disk(xmlNode *devices, const SevirtDiskSpec *disk, guint *n_virtio, guint *n_sata,
           guint index, GError **error)
{
    xmlNode *node = add_elem(devices, "disk", NULL);
    xmlNode *driver;
    xmlNode *source;
    xmlNode *target;
    g_autofree char *dev = NULL;

    set_attr(node, "type", disk->kind == SEVIRT_DISK_PATH ? "file" : "volume");
    set_attr(node, "device", disk->cdrom ? "cdrom" : "disk");
    driver = add_elem_attr(node, "driver", "name", "qemu");
    if (disk->format)
        set_attr(driver, "type", disk->format);
    if (!disk->cdrom)
        set_attr(driver, "iommu", "on");

    source = add_elem(node, "source", NULL);
    if (disk->kind == SEVIRT_DISK_PATH) {
        set_attr(source, "file", disk->path);
    } else {
        if (!disk->volume) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Disk %u in pool '%s' has no volume name (validate the spec first)"),
                        index, disk->pool);
            return FALSE;
        }
        set_attr(source, "pool", disk->pool);
        set_attr(source, "volume", disk->volume);
    }

    /* vda, vdb ... for virtio disks; sda ... for SATA CD-ROMs (no IDE on q35). */
    if (disk->cdrom)
        dev = g_strdup_printf("sd%c", 'a' + (*n_sata)++);
    else
        dev = g_strdup_printf("vd%c", 'a' + (*n_virtio)++);
    target = add_elem_attr(node, "target", "dev", dev);
    set_attr(target, "bus", disk->cdrom ? "sata" : "virtio");
    if (disk->readonly || disk->cdrom)
        add_elem(node, "readonly", NULL);
    return TRUE;
}

static void
build_interface(xmlNode *devices, const SevirtNetSpec *net)
{
    static const char *const types[] = {
        [SEVIRT_NET_NETWORK] = "network",
        [SEVIRT_NET_BRIDGE] = "bridge",
        [SEVIRT_NET_USER] = "user",
    };
    xmlNode *node;

    if (net->kind == SEVIRT_NET_NONE)
        return;
    node = add_elem_attr(devices, "interface", "type", types[net->kind]);
    if (net->mac)
        add_elem_attr(node, "mac", "address", net->mac);
    if (net->kind == SEVIRT_NET_NETWORK)
        add_elem_attr(node, "source", "network", net->source);
    else if (net->kind == SEVIRT_NET_BRIDGE)
        add_elem_attr(node, "source", "bridge", net->source);
    else
        add_elem_attr(node, "backend", "type", "passt");
    for (guint i = 0; i < net->portfwds->len; i++) {
        const SevirtPortForward *fwd = g_ptr_array_index(net->portfwds, i);
        xmlNode *pf = add_elem_attr(node, "portForward", "proto", fwd->proto);
        xmlNode *range = add_elem(pf, "range", NULL);

        set_attr_uint(range, "start", fwd->host_port);
        set_attr_uint(range, "to", fwd->guest_port);
    }
    add_elem_attr(node, "model", "type", "virtio");
    add_virtio_driver(node);
    /* The option ROM would be unmeasured code run by the firmware. */
    add_elem_attr(node, "rom", "enabled", "no");
}

static void
build_filesystem(xmlNode *devices, const SevirtShareSpec *share)
{
    xmlNode *node = add_elem_attr(devices, "filesystem", "type", "mount");
    xmlNode *driver;

    set_attr(node, "accessmode", "passthrough");
    driver = add_elem_attr(node, "driver", "type", "path");
    set_attr(driver, "iommu", "on");
    add_elem_attr(node, "source", "dir", share->source_dir);
    add_elem_attr(node, "target", "dir", share->tag);
    if (share->readonly)
        add_elem(node, "readonly", NULL);
}

static void
build_console(xmlNode *devices)
{
    xmlNode *serial = add_elem_attr(devices, "serial", "type", "pty");
    xmlNode *console = add_elem_attr(devices, "console", "type", "pty");
    xmlNode *target;

    add_elem_attr(serial, "target", "port", "0");
    target = add_elem_attr(console, "target", "type", "serial");
    set_attr(target, "port", "0");
}

/*
 * The guest agent's channel, through which 'sevirt ip' asks for addresses
 * when no DHCP lease names them (passt, bridges).  The channel alone gives
 * the host nothing: only an agent the guest owner runs answers on it.
 */
static void
build_guest_agent_channel(xmlNode *devices)
{
    xmlNode *controller = add_elem_attr(devices, "controller", "type", "virtio-serial");
    xmlNode *channel = add_elem_attr(devices, "channel", "type", "unix");
    xmlNode *target;

    set_attr(controller, "index", "0");
    add_virtio_driver(controller);
    target = add_elem_attr(channel, "target", "type", "virtio");
    set_attr(target, "name", "org.qemu.guest_agent.0");
}

static gboolean
build_devices(xmlNode *dom, const SevirtVmSpec *spec, GError **error)
{
    xmlNode *devices = add_elem(dom, "devices", NULL);
    xmlNode *rng;
    guint n_virtio = 0, n_sata = 0;

    if (spec->emulator)
        add_elem(devices, "emulator", spec->emulator);
    for (guint i = 0; i < spec->disks->len; i++) {
        if (!build_disk(devices, g_ptr_array_index(spec->disks, i), &n_virtio, &n_sata, i, error))
            return FALSE;
    }
    if (spec->networks->len == 0) {
        g_autoptr(SevirtNetSpec) def = sevirt_net_spec_new(SEVIRT_NET_NETWORK);

        def->source = g_strdup("default");
        build_interface(devices, def);
    }
    for (guint i = 0; i < spec->networks->len; i++)
        build_interface(devices, g_ptr_array_index(spec->networks, i));
    for (guint i = 0; i < spec->shares->len; i++)
        build_filesystem(devices, g_ptr_array_index(spec->shares, i));
    build_console(devices);
    build_guest_agent_channel(devices);

    rng = add_elem_attr(devices, "rng", "model", "virtio");
    set_attr(add_elem(rng, "backend", "/dev/urandom"), "model", "random");
    add_virtio_driver(rng);
    /* A balloon would let the host take pages the encrypted guest still uses. */
    add_elem_attr(devices, "memballoon", "model", "none");
    return TRUE;
}

static void
build_launch_security(xmlNode *dom, const SevirtVmSpec *spec)
{
    xmlNode *ls;
    g_autofree char *policy = NULL;

    if (spec->sev_type == SEVIRT_SEV_NONE)
        return;
    ls = add_elem_attr(dom, "launchSecurity", "type",
                       spec->sev_type == SEVIRT_SEV_SNP ? "sev-snp" : "sev");
    if (spec->kernel)
        set_attr(ls, "kernelHashes", spec->kernel_hashes == SEVIRT_TRISTATE_YES ? "yes" : "no");
    if (spec->author_key)
        set_attr(ls, "authorKey", "yes");
    if (spec->vcek != SEVIRT_TRISTATE_DEFAULT)
        set_attr(ls, "vcek", spec->vcek == SEVIRT_TRISTATE_YES ? "yes" : "no");
    /* Left out, libvirt fills them from the host (since 6.9). */
    if (spec->cbitpos >= 0)
        add_elem_printf(ls, "cbitpos", "%d", spec->cbitpos);
    if (spec->reduced_phys_bits >= 0)
        add_elem_printf(ls, "reducedPhysBits", "%d", spec->reduced_phys_bits);
    policy = sevirt_policy_format(spec->sev_type, spec->policy);
    add_elem(ls, "policy", policy);
    if (spec->dh_cert)
        add_elem(ls, "dhCert", spec->dh_cert);
    if (spec->session)
        add_elem(ls, "session", spec->session);
    /* SNP: what SNP_LAUNCH_FINISH checks and the report carries */
    if (spec->guest_visible_workarounds)
        add_elem(ls, "guestVisibleWorkarounds", spec->guest_visible_workarounds);
    if (spec->id_block)
        add_elem(ls, "idBlock", spec->id_block);
    if (spec->id_auth)
        add_elem(ls, "idAuth", spec->id_auth);
    if (spec->host_data)
        add_elem(ls, "hostData", spec->host_data);
}

xmlDoc *
sevirt_domxml_build(const SevirtVmSpec *spec, GError **error)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *dom = xmlNewNode(NULL, BAD_CAST "domain");
    xmlNode *metadata;

    xmlDocSetRootElement(doc, dom);
    set_attr(dom, "type", sevirt_virt_type_to_string(spec->virt_type));
    add_elem(dom, "name", spec->name);
    metadata = add_elem(dom, "metadata", NULL);
    xmlAddChild(metadata, build_metadata(spec));
    build_memory(dom, spec);
    build_os(dom, spec);
    build_features(dom);
    build_cpu(dom, spec);
    build_lifecycle(dom);
    if (!build_devices(dom, spec, error))
        return NULL;
    build_launch_security(dom, spec);
    return g_steal_pointer(&doc);
}

char *
sevirt_domxml_format(const SevirtVmSpec *spec, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_domxml_build(spec, error);

    if (!doc)
        return NULL;
    return sevirt_xml_doc_to_string(doc);
}

/* ---------------------------------------------------------------------- */
/* RelaxNG validation */

/* Keeps the first error libxml2 reports in *@data (a char *). */
static void
collect_rng_error(void *data, xmlErrorPtr err)
{
    char **first = data;
    g_autofree char *msg = NULL;

    if (*first || !err || !err->message)
        return;
    msg = g_strchomp(g_strdup(err->message));
    if (err->line > 0)
        *first = g_strdup_printf(_("line %d: %s"), err->line, msg);
    else
        *first = g_steal_pointer(&msg);
}

static gboolean
validate_doc_rng(xmlDoc *doc, const char *rng, const char *what, GError **error)
{
    g_autofree char *first = NULL;   /* outlives the contexts that report into it */
    g_autoptr(xmlRelaxNGParserCtxt) pctx = NULL;
    g_autoptr(xmlRelaxNG) schema = NULL;
    g_autoptr(xmlRelaxNGValidCtxt) vctx = NULL;

    if (!g_file_test(rng, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("RelaxNG schema '%s' not found"), rng);
        return FALSE;
    }
    pctx = xmlRelaxNGNewParserCtxt(rng);
    xmlRelaxNGSetParserStructuredErrors(pctx, collect_rng_error, &first);
    schema = xmlRelaxNGParse(pctx);
    if (!schema) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot load RelaxNG schema '%s': %s"), rng,
                    first ? first : _("unknown error"));
        return FALSE;
    }
    vctx = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctx, collect_rng_error, &first);
    if (xmlRelaxNGValidateDoc(vctx, doc) != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The %s does not validate against '%s': %s"), what, rng,
                    first ? first : _("unknown error"));
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_xml_validate_rng(const char *xml, const char *rng, const char *what, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_xml_parse(xml, what, error);

    return doc && validate_doc_rng(doc, rng, what, error);
}

/* Whether the schema in @dir knows <launchSecurity type='sev-snp'> (libvirt >= 10.5). */
static gboolean
schema_knows_snp(const char *dir)
{
    static const char *const files[] = { "domaincommon.rng", "domain.rng" };

    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(dir, files[i], NULL);
        g_autofree char *text = NULL;

        if (g_file_get_contents(path, &text, NULL, NULL) && strstr(text, "<value>sev-snp</value>"))
            return TRUE;
    }
    return FALSE;
}

static const char *
metadata_rng_path(void)
{
    const char *env = g_getenv("SEVIRT_METADATA_RNG");

    return env ? env : PKGDATADIR "/sevirt-metadata.rng";
}

static gboolean
validate_metadata(xmlDoc *doc, GError **error)
{
    g_autoptr(xmlXPathContext) ctx = sevirt_xpath_new(doc);
    g_autoptr(xmlXPathObject) obj =
        xmlXPathEvalExpression(BAD_CAST "/domain/metadata/sevirt:vm", ctx);
    const char *rng = metadata_rng_path();
    g_autoptr(xmlDoc) meta = NULL;
    g_autofree char *text = NULL;

    if (!obj || !obj->nodesetval || obj->nodesetval->nodeNr == 0 ||
        !g_file_test(rng, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    meta = xmlNewDoc(BAD_CAST "1.0");
    xmlDocSetRootElement(meta, xmlDocCopyNode(obj->nodesetval->nodeTab[0], meta, 1));
    text = sevirt_xml_doc_to_string(meta);
    return sevirt_xml_validate_rng(text, rng, _("sevirt metadata"), error);
}

gboolean
sevirt_domxml_validate(const char *xml, const char *schemadir, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_xml_parse(xml, _("domain XML"), error);
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autofree char *rng = NULL;
    g_autofree char *lstype = NULL;

    if (!doc)
        return FALSE;
    if (!schemadir)
        schemadir = g_getenv("LIBVIRT_SCHEMADIR");
    if (!schemadir || !*schemadir)
        schemadir = LIBVIRT_SCHEMADIR;
    rng = g_build_filename(schemadir, "domain.rng", NULL);
    if (!g_file_test(rng, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("libvirt's schema '%s' not found: install libvirt's daemon package "
                      "or set LIBVIRT_SCHEMADIR"), rng);
        return FALSE;
    }
    ctx = sevirt_xpath_new(doc);
    lstype = sevirt_xpath_string(ctx, "/domain/launchSecurity/@type");
    if (g_strcmp0(lstype, "sev-snp") == 0 && !schema_knows_snp(schemadir)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("Cannot validate SEV-SNP XML: the libvirt schema in '%s' predates "
                      "<launchSecurity type='sev-snp'> (libvirt 10.5)"), schemadir);
        return FALSE;
    }
    return validate_doc_rng(doc, rng, _("domain XML"), error) &&
           validate_metadata(doc, error);
}
