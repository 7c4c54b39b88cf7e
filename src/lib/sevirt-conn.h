/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opening libvirt connections and asking them the basic questions.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/**
 * sevirt_connect:
 * @uri: (nullable) libvirt URI; NULL means LIBVIRT_DEFAULT_URI, then
 *       libvirt's own default, exactly as virsh does
 * @auth: (nullable) authentication callbacks (virConnectAuthPtrDefault for an
 *       interactive tool, NULL for none)
 *
 * Returns: a new connection, or NULL with SEVIRT_ERROR_LIBVIRT set.
 */
virConnectPtr sevirt_connect(const char *uri, virConnectAuthPtr auth, GError **error);

/**
 * sevirt_conn_lib_version:
 * Returns the connected daemon's libvirt version as major*1000000 +
 * minor*1000 + micro (virConnectGetLibVersion).
 */
gboolean sevirt_conn_lib_version(virConnectPtr conn, unsigned long *version, GError **error);

/** Formats a libvirt-style version number as "10.5.0". */
char *sevirt_version_string(unsigned long long version);

/**
 * sevirt_conn_is_local:
 * TRUE when the connection talks to a daemon on this machine (no host part
 * in the URI, or the host is localhost), so local files such as firmware
 * descriptors describe the connected host.
 */
gboolean sevirt_conn_is_local(virConnectPtr conn);

/**
 * sevirt_lookup_domain:
 * @ident: name, UUID or (for running domains) numeric ID, as virsh accepts
 *
 * Returns: the domain or NULL with SEVIRT_ERROR_NOT_FOUND naming @ident.
 */
virDomainPtr sevirt_lookup_domain(virConnectPtr conn, const char *ident, GError **error);

/**
 * sevirt_event_loop_start:
 *
 * Registers libvirt's default event loop implementation and runs it in a
 * background thread, as libvirt clients do, so that lifecycle events and
 * connection keep-alives are delivered.  Call it before opening the
 * connections whose events you want (events of a connection opened earlier
 * are never delivered).  Idempotent; the thread lives until the process
 * exits.
 */
gboolean sevirt_event_loop_start(GError **error);

G_END_DECLS
