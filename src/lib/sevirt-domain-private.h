/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the modules that manage domains (sevirt-domain.c,
 * sevirt-create.c, sevirt-launch.c).
 */
#pragma once

#include <libxml/xpath.h>

#include "sevirt-domain.h"

G_BEGIN_DECLS

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
