/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What sevirt tells about guests without changing them: the list, one
 * guest's status (devices, addresses, uptime, launch security) and its
 * addresses.  sevirt-domain.c changes them (start, stop, delete, wait).
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-domain.h"
#include "sevirt-domain-private.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-xml-private.h"

static GPtrArray *
strv_array_copy(GPtrArray *src)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; src && i < src->len; i++)
        g_ptr_array_add(out, g_strdup(src->pdata[i]));
    return out;
}

static void
sevirt_address_free(SevirtAddress *a)
{
    g_free(a->iface);
    g_free(a->mac);
    g_free(a->address);
    g_free(a->source);
    g_free(a);
}

static void
sevirt_param_free(SevirtParam *p)
{
    g_free(p->name);
    g_free(p->value);
    g_free(p);
}

static void
sevirt_disk_info_free(SevirtDiskInfo *d)
{
    g_free(d->target);
    g_free(d->device);
    g_free(d->source);
    g_free(d->format);
    g_free(d);
}

static void
sevirt_nic_info_free(SevirtNicInfo *n)
{
    g_free(n->type);
    g_free(n->source);
    g_free(n->mac);
    g_free(n->model);
    g_free(n);
}

void
sevirt_domain_info_free(SevirtDomainInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_free(info->uuid);
    g_free(info->emulator);
    g_clear_pointer(&info->addresses, g_ptr_array_unref);
    g_clear_pointer(&info->disks, g_ptr_array_unref);
    g_clear_pointer(&info->nics, g_ptr_array_unref);
    g_clear_pointer(&info->owned_volumes, g_ptr_array_unref);
    g_clear_pointer(&info->launch_security, g_ptr_array_unref);
    g_free(info->launch_security_note);
    g_free(info);
}

static const char *const address_source_names[] = {
    [VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE] = "lease",
    [VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT] = "agent",
    [VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP] = "arp",
};

/* Addresses from one source; unanswerable sources (no agent configured, a
 * NIC on no libvirt network) simply give none. */
static GPtrArray *
addresses_from(virDomainPtr dom, unsigned int source)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_address_free);
    virDomainInterfacePtr *ifaces = NULL;
    int n = virDomainInterfaceAddresses(dom, &ifaces, source, 0);

    if (n < 0) {
        virResetLastError();
        return out;
    }
    for (int i = 0; i < n; i++) {
        for (guint j = 0; j < ifaces[i]->naddrs; j++) {
            virDomainIPAddressPtr ip = &ifaces[i]->addrs[j];
            SevirtAddress *a;

            /* The agent also reports the guest's loopback interface. */
            if (g_str_has_prefix(ip->addr, "127.") || g_str_equal(ip->addr, "::1"))
                continue;
            a = g_new0(SevirtAddress, 1);
            a->iface = g_strdup(ifaces[i]->name);
            a->mac = g_strdup(ifaces[i]->hwaddr);
            a->address = g_strdup(ip->addr);
            a->prefix = ip->prefix;
            a->ipv6 = ip->type == VIR_IP_ADDR_TYPE_IPV6;
            a->source = g_strdup(address_source_names[source]);
            g_ptr_array_add(out, a);
        }
        virDomainInterfaceFree(ifaces[i]);
    }
    g_free(ifaces);
    return out;
}

static GPtrArray *
addresses_first_answer(virDomainPtr dom)
{
    GPtrArray *found = NULL;

    for (unsigned int src = 0; src < G_N_ELEMENTS(address_source_names); src++) {
        g_clear_pointer(&found, g_ptr_array_unref);
        found = addresses_from(dom, src);
        if (found->len)
            break;
    }
    return found;
}

GPtrArray *
sevirt_domain_addresses(virDomainPtr dom, guint wait_s, GError **error)
{
    const char *name = virDomainGetName(dom);
    gint64 deadline = g_get_monotonic_time() + (gint64) wait_s * G_USEC_PER_SEC;
    g_autoptr(GPtrArray) found = NULL;

    for (;;) {
        int active = virDomainIsActive(dom);

        if (active < 0) {
            sevirt_error_libvirt(error, _("Cannot get the state of domain '%s'"), name);
            return NULL;
        }
        g_clear_pointer(&found, g_ptr_array_unref);
        found = active ? addresses_first_answer(dom)
                       : g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_address_free);
        if (found->len || wait_s == 0)
            return g_steal_pointer(&found);
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_TIMEOUT,
                        g_dngettext(GETTEXT_PACKAGE,
                                    "Domain '%s' has no IP address after %u second",
                                    "Domain '%s' has no IP address after %u seconds", wait_s),
                        virDomainGetName(dom), wait_s);
            return NULL;
        }
        g_usleep(G_USEC_PER_SEC);
    }
}

static SevirtDomainInfo *
domain_info(virDomainPtr dom, xmlXPathContext *ctx, gboolean managed, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autoptr(SevirtDomainInfo) info = g_new0(SevirtDomainInfo, 1);
    g_autoptr(SevirtLaunchSecurity) ls = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainInfo vinfo;

    if (virDomainGetInfo(dom, &vinfo) < 0 || virDomainGetUUIDString(dom, uuid) < 0) {
        sevirt_error_libvirt(error, _("Cannot get information on domain '%s'"), name);
        return NULL;
    }
    info->name = g_strdup(name);
    info->uuid = g_strdup(uuid);
    info->state = vinfo.state;
    info->persistent = virDomainIsPersistent(dom) == 1;
    info->managed = managed;
    info->vcpus = vinfo.nrVirtCpu;
    info->memory_kib = vinfo.maxMem;
    info->uptime_s = -1;
    ls = sevirt_launch_security_read(ctx, error);
    if (!ls) {
        g_prefix_error(error, _("Domain '%s': "), name);
        return NULL;
    }
    info->sev_type = ls->sev_type;
    info->policy_set = ls->policy_set;
    info->policy = ls->policy;
    info->emulator = sevirt_xpath_string(ctx, "/domain/devices/emulator");
    info->emulated = sevirt_emulator_is_emulated(info->emulator);
    return g_steal_pointer(&info);
}

static gint
info_compare_name(gconstpointer a, gconstpointer b)
{
    const SevirtDomainInfo *x = *(SevirtDomainInfo *const *) a;
    const SevirtDomainInfo *y = *(SevirtDomainInfo *const *) b;

    return g_strcmp0(x->name, y->name);
}

GPtrArray *
sevirt_domain_list(virConnectPtr conn, gboolean all, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_domain_info_free);
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, all ? 0 : VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    gboolean ok = TRUE;

    if (n < 0) {
        sevirt_error_libvirt(error, _("Cannot list domains"));
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        g_autoptr(virDomain) dom = doms[i];
        g_autoptr(GError) local = NULL;
        g_autoptr(SevirtVmMetadata) meta = NULL;
        g_autoptr(xmlDoc) doc = NULL;
        g_autoptr(xmlXPathContext) ctx = NULL;
        SevirtDomainInfo *info = NULL;

        if (!ok)
            continue;
        meta = sevirt_domain_managed_metadata(dom, &local);
        /* A domain undefined while we look is simply not listed, nor is one
         * whose metadata in our namespace we cannot read as ours. */
        if (meta && (doc = sevirt_domain_xml_load(dom, 0, &local)))
            ctx = sevirt_xpath_new(doc);
        if (!ctx || !(info = domain_info(dom, ctx, TRUE, &local))) {
            if (local && !g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND) &&
                !g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_INVALID)) {
                g_propagate_error(error, g_steal_pointer(&local));
                ok = FALSE;
            }
            continue;
        }
        if (info->state != VIR_DOMAIN_SHUTOFF)
            info->addresses = addresses_from(dom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE);
        g_ptr_array_add(out, info);
    }
    g_free(doms);
    if (!ok)
        return NULL;
    g_ptr_array_sort(out, info_compare_name);
    return g_steal_pointer(&out);
}

static GPtrArray *
read_disks(xmlXPathContext *ctx)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_disk_info_free);
    g_autoptr(GPtrArray) disks = sevirt_xpath_nodes(ctx, "/domain/devices/disk");

    for (guint i = 0; i < disks->len; i++) {
        SevirtDiskInfo *d = g_new0(SevirtDiskInfo, 1);
        g_autofree char *pool = NULL;
        g_autofree char *vol = NULL;
        g_autofree char *ro = NULL;

        ctx->node = g_ptr_array_index(disks, i);
        pool = sevirt_xpath_string(ctx, "source/@pool");
        vol = sevirt_xpath_string(ctx, "source/@volume");
        ro = sevirt_xpath_string(ctx, "name(readonly)");
        d->target = sevirt_xpath_string(ctx, "target/@dev");
        d->device = sevirt_xpath_string(ctx, "@device");
        d->format = sevirt_xpath_string(ctx, "driver/@type");
        d->readonly = ro != NULL;
        if (pool && vol)
            d->source = g_strdup_printf("%s/%s", pool, vol);
        else
            d->source = sevirt_xpath_string(ctx, "source/@file | source/@dev | source/@name");
        g_ptr_array_add(out, d);
    }
    ctx->node = NULL;
    return out;
}

static GPtrArray *
read_nics(xmlXPathContext *ctx)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_nic_info_free);
    g_autoptr(GPtrArray) nics = sevirt_xpath_nodes(ctx, "/domain/devices/interface");

    for (guint i = 0; i < nics->len; i++) {
        SevirtNicInfo *n = g_new0(SevirtNicInfo, 1);

        ctx->node = g_ptr_array_index(nics, i);
        n->type = sevirt_xpath_string(ctx, "@type");
        n->source = sevirt_xpath_string(ctx, "source/@network | source/@bridge");
        n->mac = sevirt_xpath_string(ctx, "mac/@address");
        n->model = sevirt_xpath_string(ctx, "model/@type");
        g_ptr_array_add(out, n);
    }
    ctx->node = NULL;
    return out;
}

/*
 * Seconds since QEMU's process started, for a guest on this machine's
 * system QEMU driver that sevirt did not start: libvirt's pid file, then
 * the process start time (clock ticks after boot) in /proc.  -1 when any
 * of it cannot be read.
 */
static gint64
qemu_process_uptime(virDomainPtr dom)
{
    g_autofree char *uri = virConnectGetURI(virDomainGetConnect(dom));
    g_autofree char *pidfile = NULL;
    g_autofree char *pid = NULL;
    g_autofree char *stat_path = NULL;
    g_autofree char *stat = NULL;
    g_autofree char *proc_stat = NULL;
    g_autofree char *boot_text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *after_comm;
    const char *btime;
    guint64 start_ticks = 0, boot = 0;
    long ticks = sysconf(_SC_CLK_TCK);

    if (!uri || !g_str_equal(uri, "qemu:///system") || ticks <= 0)
        return -1;
    pidfile = g_strdup_printf("/run/libvirt/qemu/%s.pid", virDomainGetName(dom));
    if (!g_file_get_contents(pidfile, &pid, NULL, NULL))
        return -1;
    stat_path = g_strdup_printf("/proc/%s/stat", g_strstrip(pid));
    if (!g_file_get_contents(stat_path, &stat, NULL, NULL) ||
        !g_file_get_contents("/proc/stat", &proc_stat, NULL, NULL))
        return -1;
    /* The command name may hold spaces: fields count from after its ')'. */
    after_comm = strrchr(stat, ')');
    btime = strstr(proc_stat, "\nbtime ");
    if (!after_comm || !btime)
        return -1;
    fields = g_strsplit(after_comm + 2, " ", 0);
    /* starttime is field 22 of proc(5); after the name, the 20th. */
    boot_text = g_strndup(btime + 7, strcspn(btime + 7, "\n"));
    if (g_strv_length(fields) < 20 ||
        !g_ascii_string_to_unsigned(fields[19], 10, 0, G_MAXUINT64, &start_ticks, NULL) ||
        !g_ascii_string_to_unsigned(boot_text, 10, 0, G_MAXUINT64, &boot, NULL))
        return -1;
    return MAX(0, g_get_real_time() / G_USEC_PER_SEC - (gint64) (boot + start_ticks / ticks));
}

static gint64
read_uptime(virDomainPtr dom)
{
    g_autofree char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
                                                SEVIRT_RUNTIME_XMLNS, VIR_DOMAIN_AFFECT_LIVE);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autofree char *started = NULL;
    gint64 since;

    if (!xml) {
        virResetLastError();
        return qemu_process_uptime(dom);
    }
    if (!(doc = sevirt_xml_parse(xml, virDomainGetName(dom), NULL)))
        return -1;
    ctx = sevirt_xpath_new(doc);
    started = sevirt_xpath_string(ctx, "/*/@started");
    if (!started || !g_ascii_string_to_signed(started, 10, 0, G_MAXINT64, &since, NULL))
        return qemu_process_uptime(dom);
    return MAX(0, g_get_real_time() / G_USEC_PER_SEC - since);
}

static char *
typed_param_string(const virTypedParameter *p)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        return g_strdup_printf("%d", p->value.i);
    case VIR_TYPED_PARAM_UINT:
        return g_strdup_printf("%u", p->value.ui);
    case VIR_TYPED_PARAM_LLONG:
        return g_strdup_printf("%lld", p->value.l);
    case VIR_TYPED_PARAM_ULLONG:
        return g_strdup_printf("%llu", p->value.ul);
    case VIR_TYPED_PARAM_DOUBLE:
        return g_strdup_printf("%g", p->value.d);
    case VIR_TYPED_PARAM_BOOLEAN:
        return g_strdup(p->value.b ? "yes" : "no");
    case VIR_TYPED_PARAM_STRING:
        return g_strdup(p->value.s);
    default:
        return g_strdup("");
    }
}

/* virDomainGetLaunchSecurityInfo of a running SEV guest; a host or state
 * where it cannot be asked leaves a note instead of failing the status. */
static void
read_launch_security_info(virDomainPtr dom, SevirtDomainInfo *info)
{
    g_auto(SevirtTypedParams) tp = { 0 };

    info->launch_security = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_param_free);
    if (info->sev_type == SEVIRT_SEV_NONE)
        return;
    if (info->state == VIR_DOMAIN_SHUTOFF) {
        info->launch_security_note = g_strdup(_("the guest is not running"));
        return;
    }
    if (virDomainGetLaunchSecurityInfo(dom, &tp.params, &tp.nparams, 0) < 0) {
        virErrorPtr err = virGetLastError();

        info->launch_security_note = g_strdup(err && err->message ? err->message : _("not available"));
        virResetLastError();
        return;
    }
    for (int i = 0; i < tp.nparams; i++) {
        SevirtParam *p = g_new0(SevirtParam, 1);

        p->name = g_strdup(tp.params[i].field);
        p->value = typed_param_string(&tp.params[i]);
        g_ptr_array_add(info->launch_security, p);
    }
}

SevirtDomainInfo *
sevirt_domain_status(virDomainPtr dom, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(SevirtDomainInfo) info = NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtVmMetadata) meta = sevirt_domain_managed_metadata(dom, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (!(doc = sevirt_domain_xml_load(dom, 0, error)))
        return NULL;
    ctx = sevirt_xpath_new(doc);
    info = domain_info(dom, ctx, meta != NULL, error);
    if (!info)
        return NULL;
    info->disks = read_disks(ctx);
    info->nics = read_nics(ctx);
    info->owned_volumes = strv_array_copy(meta ? meta->volumes : NULL);
    if (info->state != VIR_DOMAIN_SHUTOFF) {
        info->uptime_s = read_uptime(dom);
        info->addresses = addresses_first_answer(dom);
    } else {
        info->addresses = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_address_free);
    }
    read_launch_security_info(dom, info);
    return g_steal_pointer(&info);
}
