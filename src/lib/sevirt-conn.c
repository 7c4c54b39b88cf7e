/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt-autoptr.h"
#include "sevirt-conn.h"
#include "sevirt-error.h"

virConnectPtr
sevirt_connect(const char *uri, virConnectAuthPtr auth, GError **error)
{
    virConnectPtr conn;

    sevirt_libvirt_init();
    conn = virConnectOpenAuth(uri, auth, 0);
    if (!conn) {
        sevirt_error_libvirt(error, _("Failed to connect to the hypervisor '%s'"),
                             uri ? uri : g_getenv("LIBVIRT_DEFAULT_URI") ?
                             g_getenv("LIBVIRT_DEFAULT_URI") : _("default"));
        /* Connection failures are always reported as libvirt errors. */
        if (error && *error)
            (*error)->code = SEVIRT_ERROR_LIBVIRT;
        return NULL;
    }
    return conn;
}

gboolean
sevirt_conn_lib_version(virConnectPtr conn, unsigned long *version, GError **error)
{
    if (virConnectGetLibVersion(conn, version) < 0) {
        sevirt_error_libvirt(error, _("Cannot get the libvirt version of the host"));
        return FALSE;
    }
    return TRUE;
}

char *
sevirt_version_string(unsigned long long version)
{
    return g_strdup_printf("%llu.%llu.%llu", version / 1000000,
                           (version / 1000) % 1000, version % 1000);
}

gboolean
sevirt_conn_is_local(virConnectPtr conn)
{
    g_autofree char *uri = virConnectGetURI(conn);
    g_autoptr(GUri) parsed = NULL;
    const char *host;

    if (!uri)
        return FALSE;
    parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    if (!parsed)
        return FALSE;
    host = g_uri_get_host(parsed);
    return !host || !*host || g_str_equal(host, "localhost") ||
           g_str_equal(host, "127.0.0.1") || g_str_equal(host, "::1");
}

virDomainPtr
sevirt_lookup_domain(virConnectPtr conn, const char *ident, GError **error)
{
    virDomainPtr dom = NULL;
    guint64 id;

    if (g_uuid_string_is_valid(ident))
        dom = virDomainLookupByUUIDString(conn, ident);
    if (!dom && g_ascii_string_to_unsigned(ident, 10, 1, G_MAXINT, &id, NULL))
        dom = virDomainLookupByID(conn, (int) id);
    if (!dom)
        dom = virDomainLookupByName(conn, ident);
    if (!dom) {
        virErrorPtr err = virGetLastError();

        if (!err || err->code == VIR_ERR_NO_DOMAIN) {
            virResetLastError();
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                        _("Domain '%s' not found"), ident);
        } else {
            sevirt_error_libvirt(error, _("Cannot look up domain '%s'"), ident);
        }
        return NULL;
    }
    virResetLastError();
    return dom;
}

/* The event loop belongs to the process, not to one connection: one
 * thread serves every connection opened after it started. */
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
