/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Errors reported by libsevirt.
 *
 * Every fallible library function returns gboolean / a pointer and fills a
 * GError in the SEVIRT_ERROR domain.  The code tells the caller (and the CLI,
 * which maps it to an exit status) what kind of failure happened.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEVIRT_ERROR (sevirt_error_quark())
GQuark sevirt_error_quark(void);

typedef enum {
    SEVIRT_ERROR_FAILED,      /* operation failed (I/O, internal) */
    SEVIRT_ERROR_INVALID,     /* invalid input: option value, file content */
    SEVIRT_ERROR_LIBVIRT,     /* libvirt call or connection failed */
    SEVIRT_ERROR_UNSUPPORTED, /* the host cannot do what was asked */
    SEVIRT_ERROR_VERIFY,      /* a verification (certificate, measurement) failed */
    SEVIRT_ERROR_TIMEOUT,     /* waited too long */
    SEVIRT_ERROR_NOT_FOUND,   /* domain, pool, volume, file ... does not exist */
    SEVIRT_ERROR_EXISTS,      /* refusing to overwrite/replace something */
} SevirtErrorCode;

/**
 * sevirt_error_libvirt:
 * @error: (out) location for the error
 * @fmt: printf format of sevirt's own message
 *
 * Sets @error to a SEVIRT_ERROR_LIBVIRT error made of sevirt's message
 * followed by libvirt's last error message ("Unable to start domain 'x':
 * <libvirt's words>") and resets libvirt's thread-local error.  A libvirt
 * "no domain"/"no pool"/"no volume"/"no network"/"no interface" error is mapped to
 * SEVIRT_ERROR_NOT_FOUND so callers can tell the cases apart.
 */
void sevirt_error_libvirt(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * sevirt_libvirt_init:
 *
 * Initialises libvirt once per process and installs an error handler that
 * keeps libvirt from printing anything itself: errors are captured and
 * reported through GError.  Safe to call many times, from any thread.
 */
void sevirt_libvirt_init(void);

G_END_DECLS
