/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the modules that manage domains (sevirt-domain.c,
 * sevirt-domstatus.c, sevirt-create.c, sevirt-launch.c).
 */
#pragma once

#include <libxml/xpath.h>

#include "sevirt-domain.h"
#include "sevirt-domxml.h"

G_BEGIN_DECLS

/* Live-only metadata recording when sevirt started the domain, for uptime:
 * libvirt has no uptime API, and live metadata vanishes at power-off. */
#define SEVIRT_RUNTIME_XMLNS "https://sevirt.org/xmlns/runtime/1.0"
#define SEVIRT_RUNTIME_PREFIX "sevirt-run"

/**
 * sevirt_domain_xml_load:
 * @flags: VIR_DOMAIN_XML_* flags
 *
 * @dom's XML, parsed; SEVIRT_ERROR_LIBVIRT when libvirt gives none or
 * malformed XML.
 */
xmlDoc *sevirt_domain_xml_load(virDomainPtr dom, unsigned int flags, GError **error);

/**
 * sevirt_domain_managed_metadata:
 * sevirt's metadata of @dom; NULL without error when it has none (the
 * domain is not sevirt's).
 */
SevirtVmMetadata *sevirt_domain_managed_metadata(virDomainPtr dom, GError **error);

/* Formats one progress line and hands it to @progress, when there is one. */
void sevirt_progress_say(SevirtProgressFunc progress, gpointer data,
                         const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/**
 * sevirt_domain_check_caps:
 * @name: the domain's name, for the message
 * @ctx: an XPath context on the domain's definition
 * @domcaps: the host's domain capabilities for the domain's emulator,
 *           machine and virtualization type
 *
 * What sevirt_domain_start() checks before starting a guest with
 * <launchSecurity>: SEVIRT_ERROR_UNSUPPORTED, in sevirt's words, when the
 * capabilities offer no support for its SEV type.  Plain guests pass.
 */
gboolean sevirt_domain_check_caps(const char *name, xmlXPathContext *ctx, const char *domcaps,
                                  GError **error);

/**
 * sevirt_domain_record_start:
 * Notes in the running domain's live metadata when sevirt started it (for
 * the uptime 'status' shows).  Whoever starts a guest calls it: start, and
 * the attested launch.
 */
void sevirt_domain_record_start(virDomainPtr dom);

G_END_DECLS
