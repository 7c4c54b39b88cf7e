/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What sevirt does to a guest: start (after checking the host can run its
 * SEV type), stop, destroy, wait for a state, delete with its storage.
 * Reading guests (list, status, addresses) is sevirt-domstatus.c.
 */
#include <config.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-domain.h"
#include "sevirt-domain-private.h"
#include "sevirt-domxml.h"
#include "sevirt-hostcaps.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-storage.h"
#include "sevirt-xml-private.h"

/*
 * Note: every libvirt API call, virDomainGetName() too, resets libvirt's
 * last error, so functions take the domain's name before the call that may
 * fail; sevirt_error_libvirt(..., virDomainGetName(dom)) would lose the
 * reason.
 */

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
                        g_dngettext(GETTEXT_PACKAGE,
                                    "Domain '%s' did not become %s within %d second (it is %s)",
                                    "Domain '%s' did not become %s within %d seconds (it is %s)",
                                    timeout_s),
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

/* @dom's XML (VIR_DOMAIN_XML_* @flags), parsed. */
xmlDoc *
sevirt_domain_xml_load(virDomainPtr dom, unsigned int flags, GError **error)
{
    const char *name = virDomainGetName(dom);
    g_autofree char *xml = virDomainGetXMLDesc(dom, flags);
    xmlDoc *doc;

    if (!xml) {
        sevirt_error_libvirt(error, _("Cannot get the XML of domain '%s'"), name);
        return NULL;
    }
    doc = sevirt_xml_parse(xml, name, NULL);
    if (!doc)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_LIBVIRT,
                    _("libvirt returned malformed XML for '%s'"), name);
    return doc;
}

char *
sevirt_domain_get_emulator(virDomainPtr dom, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_domain_xml_load(dom, 0, error);
    g_autoptr(xmlXPathContext) ctx = NULL;

    if (!doc)
        return NULL;
    ctx = sevirt_xpath_new(doc);
    return sevirt_xpath_string(ctx, "/domain/devices/emulator");
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
    g_autoptr(SevirtLaunchSecurity) ls = sevirt_launch_security_read(ctx, error);
    g_autofree char *emulator = sevirt_xpath_string(ctx, "/domain/devices/emulator");
    g_autofree char *virt = sevirt_xpath_string(ctx, "/domain/@type");
    g_autoptr(SevirtHostCaps) hc = NULL;

    if (!ls) {
        g_prefix_error(error, _("Domain '%s': "), name);
        return FALSE;
    }
    type = ls->sev_type;
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
    g_autofree char *ls = sevirt_xpath_string(ctx, "/domain/launchSecurity/@type");
    g_autofree char *emulator = sevirt_xpath_string(ctx, "/domain/devices/emulator");
    g_autofree char *arch = sevirt_xpath_string(ctx, "/domain/os/type/@arch");
    g_autofree char *machine = sevirt_xpath_string(ctx, "/domain/os/type/@machine");
    g_autofree char *virt = sevirt_xpath_string(ctx, "/domain/@type");
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
    g_autoptr(xmlDoc) doc = sevirt_domain_xml_load(dom, VIR_DOMAIN_XML_INACTIVE, error);
    g_autoptr(xmlXPathContext) ctx = NULL;

    if (!doc)
        return FALSE;
    ctx = sevirt_xpath_new(doc);
    if (!check_host_can_run(dom, ctx, error))
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

SevirtVmMetadata *
sevirt_domain_managed_metadata(virDomainPtr dom, GError **error)
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
    g_autoptr(SevirtVmMetadata) meta = sevirt_domain_managed_metadata(dom, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    *managed = meta != NULL;
    return TRUE;
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
    g_autoptr(SevirtVmMetadata) meta = sevirt_domain_managed_metadata(dom, &local);
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
