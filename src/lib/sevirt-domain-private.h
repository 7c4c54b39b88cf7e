/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the lifecycle modules (sevirt-domain.c, sevirt-create.c).
 */
#pragma once

#include "sevirt-domain.h"

G_BEGIN_DECLS

/* Formats one progress line and hands it to @progress, when there is one. */
void sevirt_progress_say(SevirtProgressFunc progress, gpointer data,
                         const char *fmt, ...) G_GNUC_PRINTF(3, 4);

G_END_DECLS
