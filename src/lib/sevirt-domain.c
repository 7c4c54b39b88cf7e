/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-domain.h"
#include "sevirt-domain-private.h"
#include "sevirt-domxml.h"
#include "sevirt-hostcaps.h"
#include "sevirt-storage.h"
#include "sevirt-xml-private.h"

/* Live-only metadata recording when sevirt started the domain, for uptime:
 * libvirt has no uptime API, and live metadata vanishes at power-off. */
#define SEVIRT_RUNTIME_XMLNS "https://sevirt.org/xmlns/runtime/1.0"
#define SEVIRT_RUNTIME_PREFIX "sevirt-run"

/*
 * Note: every libvirt API call, virDomainGetName() too, resets libvirt's
 * last error, so functions take the domain's name before the call that may
 * fail; sevirt_error_libvirt(..., virDomainGetName(dom)) would lose the
 * reason.
 */

/* ------------------------------------------------------------------ */
/* event loop */

static GMutex loop_lock;
static GThread *loop_thread;

static gpointer
event_loop_run(gpointer data G_GNUC_UNUSED)
{
    for (;;) {
        if (virEventRunDefaultImpl() < 0)
            virResetLastError();
    }
    return NULL;
}

gboolean
sevirt_event_loop_start(GError **error)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&loop_lock);

    if (loop_thread)
        return TRUE;
    sevirt_libvirt_init();
    if (virEventRegisterDefaultImpl() < 0) {
        sevirt_error_libvirt(error, _("Cannot set up the libvirt event loop"));
        return FALSE;
    }
    loop_thread = g_thread_new("sevirt-events", event_loop_run, NULL);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* states and waiting */

const char *
sevirt_domain_state_to_string(int state)
{
    switch ((virDomainState) state) {
    case VIR_DOMAIN_RUNNING:
        return "running";
    case VIR_DOMAIN_BLOCKED:
        return "blocked";
    case VIR_DOMAIN_PAUSED:
        return "paused";
    case VIR_DOMAIN_SHUTDOWN:
        return "shutting-down";
    case VIR_DOMAIN_SHUTOFF:
        return "shutoff";
    case VIR_DOMAIN_CRASHED:
        return "crashed";
    case VIR_DOMAIN_PMSUSPENDED:
        return "pmsuspended";
    case VIR_DOMAIN_NOSTATE:
    default:
        return "nostate";
    }
}

static const char *const wait_state_names[] = {
    [SEVIRT_WAIT_RUNNING] = "running",
    [SEVIRT_WAIT_PAUSED] = "paused",
    [SEVIRT_WAIT_SHUTOFF] = "shutoff",
};

gboolean
sevirt_wait_state_from_string(const char *str, SevirtWaitState *state, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(wait_state_names); i++) {
        if (g_str_equal(str, wait_state_names[i])) {
            *state = i;
            return TRUE;
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Unknown state '%s': expected running, paused or shutoff"), str);
    return FALSE;
}

static gboolean
state_matches(int state, SevirtWaitState want)
{
    switch (want) {
    case SEVIRT_WAIT_RUNNING:
        return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED;
    case SEVIRT_WAIT_PAUSED:
        return state == VIR_DOMAIN_PAUSED;
    case SEVIRT_WAIT_SHUTOFF:
        return state == VIR_DOMAIN_SHUTOFF;
    }
    return FALSE;
}

static gboolean
domain_state(virDomainPtr dom, int *state, GError **error)
{
    const char *name = virDomainGetName(dom);
    int reason;

    if (virDomainGetState(dom, state, &reason, 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the state of domain '%s'"), name);
        return FALSE;
    }
    return TRUE;
}

/* Shared between a waiting thread and libvirt's event thread: one reference
 * each, since libvirt may still be dispatching when we deregister. */
typedef struct {
    gint refs;
    GMutex lock;
    GCond cond;
    guint events;
} Waiter;

static void
waiter_unref(gpointer data)
{
    Waiter *w = data;

    if (!g_atomic_int_dec_and_test(&w->refs))
        return;
    g_mutex_clear(&w->lock);
    g_cond_clear(&w->cond);
    g_free(w);
}

static int
waiter_lifecycle_cb(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom G_GNUC_UNUSED,
                    int event G_GNUC_UNUSED, int detail G_GNUC_UNUSED, void *opaque)
{
    Waiter *w = opaque;

    g_mutex_lock(&w->lock);
    w->events++;
    g_cond_broadcast(&w->cond);
    g_mutex_unlock(&w->lock);
    return 0;
}

gboolean
sevirt_domain_wait(virDomainPtr dom, SevirtWaitState want, int timeout_s, GError **error)
{
    virConnectPtr conn = virDomainGetConnect(dom);
    Waiter *w = g_new0(Waiter, 1);
    gint64 deadline = timeout_s < 0 ? G_MAXINT64 :
                      g_get_monotonic_time() + (gint64) timeout_s * G_USEC_PER_SEC;
    int cb_id;
    int state;
    gboolean ok;

    g_mutex_init(&w->lock);
    g_cond_init(&w->cond);
    w->refs = 2;
    /* Register before the first look at the state so no change is missed;
     * without an event loop this fails and the once-a-second poll remains. */
    cb_id = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                             VIR_DOMAIN_EVENT_CALLBACK(waiter_lifecycle_cb),
                                             w, waiter_unref);
    if (cb_id < 0) {
        virResetLastError();
        g_atomic_int_dec_and_test(&w->refs);
    }

    for (;;) {
        gint64 now;
        guint seen;

        g_mutex_lock(&w->lock);
        seen = w->events;
        g_mutex_unlock(&w->lock);

        ok = domain_state(dom, &state, error);
        if (!ok || state_matches(state, want))
            break;
        now = g_get_monotonic_time();
        if (now >= deadline) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_TIMEOUT,
                        _("Domain '%s' did not become %s within %d seconds (it is %s)"),
                        virDomainGetName(dom), wait_state_names[want], timeout_s,
                        sevirt_domain_state_to_string(state));
            ok = FALSE;
            break;
        }
        g_mutex_lock(&w->lock);
        while (w->events == seen &&
               g_cond_wait_until(&w->cond, &w->lock,
                                 MIN(deadline, now + G_USEC_PER_SEC)))
            ;
        g_mutex_unlock(&w->lock);
    }

    if (cb_id >= 0 && virConnectDomainEventDeregisterAny(conn, cb_id) < 0)
        virResetLastError();
    waiter_unref(w);
    return ok;
}

/* ------------------------------------------------------------------ */
/* reading domain XML */

typedef struct {
    xmlDoc *doc;
    xmlXPathContext *ctx;
} DomXml;

static void
dom_xml_clear(DomXml *x)
{
    g_clear_pointer(&x->ctx, xmlXPathFreeContext);
    g_clear_pointer(&x->doc, xmlFreeDoc);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DomXml, dom_xml_clear)

static gboolean
dom_xml_parse(DomXml *x, const char *xml, const char *what, GError **error)
{
    x->doc = sevirt_xml_parse(xml, what, NULL);
    if (!x->doc) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_LIBVIRT,
                    _("libvirt returned malformed XML for '%s'"), what);
        return FALSE;
    }
    x->ctx = sevirt_xpath_new(x->doc);
    return TRUE;
}

static gboolean
dom_xml_load(DomXml *x, virDomainPtr dom, unsigned int flags, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autofree char *xml = virDomainGetXMLDesc(dom, flags);

    if (!xml) {
        sevirt_error_libvirt(error, _("Cannot get the XML of domain '%s'"), name);
        return FALSE;
    }
    return dom_xml_parse(x, xml, name, error);
}

/* string(@expr) relative to @node (NULL: the document); NULL when empty. */
static char *
xpath_string(xmlXPathContext *ctx, xmlNode *node, const char *expr)
{
    g_autoptr(xmlXPathObject) obj = NULL;

    ctx->node = node ? node : xmlDocGetRootElement(ctx->doc);
    obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (!obj || !obj->stringval || !*obj->stringval)
        return NULL;
    return g_strdup((const char *) obj->stringval);
}

char *
sevirt_domain_get_emulator(virDomainPtr dom, GError **error)
{
    g_auto(DomXml) x = { 0 };

    if (!dom_xml_load(&x, dom, 0, error))
        return NULL;
    return xpath_string(x.ctx, NULL, "string(/domain/devices/emulator)");
}

static xmlXPathObject *
xpath_nodes(xmlXPathContext *ctx, const char *expr)
{
    ctx->node = xmlDocGetRootElement(ctx->doc);
    return xmlXPathEvalExpression(BAD_CAST expr, ctx);
}

static guint
xpath_count(xmlXPathObject *obj)
{
    return obj && obj->nodesetval ? obj->nodesetval->nodeNr : 0;
}

/* The SEV type and policy the domain runs with, from <launchSecurity>. */
static void
read_launch_security(xmlXPathContext *ctx, SevirtSevType *type, gboolean *policy_set,
                     guint64 *policy)
{
    g_autofree char *ls = xpath_string(ctx, NULL, "string(/domain/launchSecurity/@type)");
    g_autofree char *pol = xpath_string(ctx, NULL, "string(/domain/launchSecurity/policy)");

    *policy_set = pol && sevirt_parse_uint("policy", pol, G_MAXUINT64, policy, NULL);
    if (!ls)
        *type = SEVIRT_SEV_NONE;
    else if (g_str_equal(ls, "sev-snp"))
        *type = SEVIRT_SEV_SNP;
    else if (g_str_equal(ls, "sev"))
        *type = *policy_set && (*policy & SEVIRT_SEV_POLICY_ES) ? SEVIRT_SEV_ES : SEVIRT_SEV_SEV;
    else
        *type = SEVIRT_SEV_NONE;
}

/* ------------------------------------------------------------------ */
/* start, stop, destroy */

static const char *
sev_type_title(SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_SEV:
        return "SEV";
    case SEVIRT_SEV_ES:
        return "SEV-ES";
    case SEVIRT_SEV_SNP:
        return "SEV-SNP";
    case SEVIRT_SEV_NONE:
    default:
        return "plain";
    }
}

gboolean
sevirt_domain_check_caps(const char *name, xmlXPathContext *ctx, const char *domcaps,
                         GError **error)
{
    SevirtSevType type;
    gboolean policy_set;
    guint64 policy;
    g_autofree char *emulator = xpath_string(ctx, NULL, "string(/domain/devices/emulator)");
    g_autofree char *virt = xpath_string(ctx, NULL, "string(/domain/@type)");
    g_autoptr(SevirtHostCaps) hc = NULL;

    read_launch_security(ctx, &type, &policy_set, &policy);
    if (type == SEVIRT_SEV_NONE)
        return TRUE;
    hc = sevirt_host_caps_parse_domcaps(domcaps, error);
    if (!hc)
        return FALSE;
    if (sevirt_host_caps_supports(hc, type))
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                _("Cannot start '%s': it is an %s guest, but this host's domain capabilities "
                  "for emulator '%s' and virtualization type '%s' offer no %s (see 'sevirt host-check')"),
                name, sev_type_title(type), emulator ? emulator : _("(default)"),
                virt ? virt : "kvm", sev_type_title(type));
    return FALSE;
}

static gboolean
check_host_can_run(virDomainPtr dom, xmlXPathContext *ctx, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autofree char *ls = xpath_string(ctx, NULL, "string(/domain/launchSecurity/@type)");
    g_autofree char *emulator = xpath_string(ctx, NULL, "string(/domain/devices/emulator)");
    g_autofree char *arch = xpath_string(ctx, NULL, "string(/domain/os/type/@arch)");
    g_autofree char *machine = xpath_string(ctx, NULL, "string(/domain/os/type/@machine)");
    g_autofree char *virt = xpath_string(ctx, NULL, "string(/domain/@type)");
    g_autofree char *caps = NULL;

    if (!ls)
        return TRUE;
    caps = virConnectGetDomainCapabilities(virDomainGetConnect(dom), emulator, arch,
                                           machine, virt, 0);
    if (!caps) {
        sevirt_error_libvirt(error, _("Cannot start '%s': cannot get the host's domain capabilities for emulator '%s'"),
                             name, emulator ? emulator : _("(default)"));
        return FALSE;
    }
    return sevirt_domain_check_caps(name, ctx, caps, error);
}

void
sevirt_domain_record_start(virDomainPtr dom)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *node = xmlNewNode(NULL, BAD_CAST "run");
    g_autofree char *epoch = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time() / G_USEC_PER_SEC);
    xmlBuffer *buf = xmlBufferCreate();

    xmlDocSetRootElement(doc, node);
    xmlNewProp(node, BAD_CAST "started", BAD_CAST epoch);
    xmlNodeDump(buf, doc, node, 0, 0);
    /* Only uptime depends on it: a failure is not worth failing the start. */
    if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, (const char *) xmlBufferContent(buf),
                             SEVIRT_RUNTIME_PREFIX, SEVIRT_RUNTIME_XMLNS,
                             VIR_DOMAIN_AFFECT_LIVE) < 0)
        virResetLastError();
    xmlBufferFree(buf);
}

gboolean
sevirt_domain_start(virDomainPtr dom, gboolean paused, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_auto(DomXml) x = { 0 };

    if (!dom_xml_load(&x, dom, VIR_DOMAIN_XML_INACTIVE, error) ||
        !check_host_can_run(dom, x.ctx, error))
        return FALSE;
    if (virDomainCreateWithFlags(dom, paused ? VIR_DOMAIN_START_PAUSED : 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot start domain '%s'"), name);
        return FALSE;
    }
    sevirt_domain_record_start(dom);
    return TRUE;
}

gboolean
sevirt_domain_destroy(virDomainPtr dom, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autoptr(GError) local = NULL;
    int active = virDomainIsActive(dom);

    if (active == 0)
        return TRUE;
    if (active > 0 && virDomainDestroy(dom) == 0)
        return TRUE;
    sevirt_error_libvirt(&local, _("Cannot destroy domain '%s'"), name);
    /* It may have shut down by itself in between. */
    if (virDomainIsActive(dom) == 0) {
        virResetLastError();
        return TRUE;
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

/* Asks for an ACPI power-off.  FALSE without an error when the domain shut
 * off on its own in between. */
static gboolean
request_acpi_shutdown(virDomainPtr dom, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autoptr(GError) local = NULL;
    int rc = virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN);
    virErrorPtr err = rc < 0 ? virGetLastError() : NULL;

    /* Drivers without the ACPI flag (the test driver) take the default. */
    if (rc < 0 && err && err->code == VIR_ERR_INVALID_ARG)
        rc = virDomainShutdown(dom);
    if (rc == 0)
        return TRUE;
    sevirt_error_libvirt(&local, _("Cannot shut down domain '%s'"), name);
    if (virDomainIsActive(dom) == 0) {
        virResetLastError();
        return FALSE;
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

gboolean
sevirt_domain_stop(virDomainPtr dom, guint timeout_s, SevirtStopResult *result, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autoptr(GError) wait_error = NULL;
    int active = virDomainIsActive(dom);

    if (active < 0) {
        sevirt_error_libvirt(error, _("Cannot get the state of domain '%s'"), name);
        return FALSE;
    }
    if (!active) {
        *result = SEVIRT_STOP_WAS_OFF;
        return TRUE;
    }
    if (!request_acpi_shutdown(dom, error)) {
        if (error && *error)
            return FALSE;
        *result = SEVIRT_STOP_SHUT_DOWN;   /* it went off by itself meanwhile */
        return TRUE;
    }
    if (sevirt_domain_wait(dom, SEVIRT_WAIT_SHUTOFF, timeout_s, &wait_error)) {
        *result = SEVIRT_STOP_SHUT_DOWN;
        return TRUE;
    }
    if (!g_error_matches(wait_error, SEVIRT_ERROR, SEVIRT_ERROR_TIMEOUT)) {
        g_propagate_error(error, g_steal_pointer(&wait_error));
        return FALSE;
    }
    if (!sevirt_domain_destroy(dom, error))
        return FALSE;
    *result = SEVIRT_STOP_DESTROYED;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* metadata */

/* sevirt's metadata of @dom; NULL without error when it has none. */
static SevirtVmMetadata *
managed_metadata(virDomainPtr dom, GError **error)
{
    g_autoptr(GError) local = NULL;
    SevirtVmMetadata *meta = sevirt_domain_get_metadata(dom, &local);

    if (!meta && !g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND))
        g_propagate_error(error, g_steal_pointer(&local));
    return meta;
}

gboolean
sevirt_domain_is_managed(virDomainPtr dom, gboolean *managed, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtVmMetadata) meta = managed_metadata(dom, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    *managed = meta != NULL;
    return TRUE;
}

static GPtrArray *
strv_array_copy(GPtrArray *src)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; src && i < src->len; i++)
        g_ptr_array_add(out, g_strdup(src->pdata[i]));
    return out;
}

/* ------------------------------------------------------------------ */
/* list and status */

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
                        _("Domain '%s' has no IP address after %u seconds"),
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
    read_launch_security(ctx, &info->sev_type, &info->policy_set, &info->policy);
    info->emulator = xpath_string(ctx, NULL, "string(/domain/devices/emulator)");
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
        g_auto(DomXml) x = { 0 };
        SevirtDomainInfo *info;

        if (!ok)
            continue;
        meta = managed_metadata(dom, &local);
        /* A domain undefined while we look is simply not listed, nor is one
         * whose metadata in our namespace we cannot read as ours. */
        if (!meta || !dom_xml_load(&x, dom, 0, &local) ||
            !(info = domain_info(dom, x.ctx, TRUE, &local))) {
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
    g_autoptr(xmlXPathObject) disks = xpath_nodes(ctx, "/domain/devices/disk");

    for (guint i = 0; i < xpath_count(disks); i++) {
        xmlNode *node = disks->nodesetval->nodeTab[i];
        SevirtDiskInfo *d = g_new0(SevirtDiskInfo, 1);
        g_autofree char *pool = xpath_string(ctx, node, "string(source/@pool)");
        g_autofree char *vol = xpath_string(ctx, node, "string(source/@volume)");
        g_autofree char *ro = xpath_string(ctx, node, "name(readonly)");

        d->target = xpath_string(ctx, node, "string(target/@dev)");
        d->device = xpath_string(ctx, node, "string(@device)");
        d->format = xpath_string(ctx, node, "string(driver/@type)");
        d->readonly = ro != NULL;
        if (pool && vol)
            d->source = g_strdup_printf("%s/%s", pool, vol);
        else
            d->source = xpath_string(ctx, node, "string(source/@file | source/@dev | source/@name)");
        g_ptr_array_add(out, d);
    }
    return out;
}

static GPtrArray *
read_nics(xmlXPathContext *ctx)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_nic_info_free);
    g_autoptr(xmlXPathObject) nics = xpath_nodes(ctx, "/domain/devices/interface");

    for (guint i = 0; i < xpath_count(nics); i++) {
        xmlNode *node = nics->nodesetval->nodeTab[i];
        SevirtNicInfo *n = g_new0(SevirtNicInfo, 1);

        n->type = xpath_string(ctx, node, "string(@type)");
        n->source = xpath_string(ctx, node, "string(source/@network | source/@bridge)");
        n->mac = xpath_string(ctx, node, "string(mac/@address)");
        n->model = xpath_string(ctx, node, "string(model/@type)");
        g_ptr_array_add(out, n);
    }
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
    g_auto(DomXml) x = { 0 };
    g_autofree char *started = NULL;
    gint64 since;

    if (!xml) {
        virResetLastError();
        return qemu_process_uptime(dom);
    }
    if (!dom_xml_parse(&x, xml, virDomainGetName(dom), NULL))
        return -1;
    started = xpath_string(x.ctx, NULL, "string(/*/@started)");
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
    g_auto(DomXml) x = { 0 };
    g_autoptr(SevirtDomainInfo) info = NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtVmMetadata) meta = managed_metadata(dom, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (!dom_xml_load(&x, dom, 0, error))
        return NULL;
    info = domain_info(dom, x.ctx, meta != NULL, error);
    if (!info)
        return NULL;
    info->disks = read_disks(x.ctx);
    info->nics = read_nics(x.ctx);
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

/* ------------------------------------------------------------------ */
/* delete */

void
sevirt_progress_say(SevirtProgressFunc progress, gpointer data, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    if (!progress)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    progress(msg, data);
}

gboolean
sevirt_domain_delete(virDomainPtr dom, gboolean keep_storage,
                     SevirtProgressFunc progress, gpointer user_data, GError **error)
{
    const char *name = virDomainGetName(dom);
    virConnectPtr conn = virDomainGetConnect(dom);
    g_autoptr(GError) local = NULL;
    g_autoptr(SevirtVmMetadata) meta = managed_metadata(dom, &local);
    GPtrArray *volumes;
    g_autoptr(GString) left = g_string_new(NULL);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (!meta) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Domain '%s' is not managed by sevirt (it has no sevirt metadata); "
                      "remove it with virsh undefine"), name);
        return FALSE;
    }
    volumes = meta->volumes;

    if (virDomainIsActive(dom) == 1) {
        sevirt_progress_say(progress, user_data, _("Destroying domain '%s'"), name);
        if (!sevirt_domain_destroy(dom, error))
            return FALSE;
    }
    sevirt_progress_say(progress, user_data, _("Undefining domain '%s' and its NVRAM"), name);
    if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) < 0) {
        sevirt_error_libvirt(error, _("Cannot undefine domain '%s'"), name);
        return FALSE;
    }
    if (keep_storage) {
        for (guint i = 0; i < volumes->len; i++)
            sevirt_progress_say(progress, user_data, _("Keeping volume '%s'"),
                                (const char *) volumes->pdata[i]);
        return TRUE;
    }

    /* The domain is gone: try every volume and report all that stay. */
    for (guint i = 0; i < volumes->len; i++) {
        const char *vol = volumes->pdata[i];
        g_autoptr(GError) verr = NULL;

        sevirt_progress_say(progress, user_data, _("Deleting volume '%s'"), vol);
        if (sevirt_volume_delete(conn, vol, &verr))
            continue;
        if (g_error_matches(verr, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND)) {
            sevirt_progress_say(progress, user_data, _("Volume '%s' was already gone"), vol);
            continue;
        }
        g_string_append_printf(left, "%s%s", left->len ? "; " : "", verr->message);
    }
    if (left->len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_LIBVIRT,
                    _("Domain '%s' was deleted but some of its volumes were not: %s"),
                    name, left->str);
        return FALSE;
    }
    return TRUE;
}
