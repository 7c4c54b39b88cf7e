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
    /* Specific cases of the kinds above, which a caller may want to explain
     * (the CLI turns them into advice naming its options): */
    SEVIRT_ERROR_KEY_FILE_MODE,     /* INVALID: a key file is not private (mode or owner) */
    SEVIRT_ERROR_NO_PLATFORM,       /* UNSUPPORTED: the host reports no SEV platform */
    SEVIRT_ERROR_NO_OWNER_SESSION,  /* INVALID: a domain has no guest owner dhCert/session */
    SEVIRT_ERROR_NO_SECRET_AREA,    /* VERIFY: the firmware lists no launch secret area */
    SEVIRT_ERROR_NO_CPU_SIGNATURE,  /* VERIFY: the host does not report its CPU signature */
    SEVIRT_ERROR_MEASURED_FPU_INIT,    /* VERIFY: the measurement matches VMSAs with the
                                        * FPU reset values, which were not expected */
    SEVIRT_ERROR_MEASURED_NO_FPU_INIT, /* VERIFY: it matches VMSAs without them */
    SEVIRT_ERROR_PARTIAL,           /* FAILED: some of many operations were done, others not
                                     * (a fleet run with an unreachable host) */
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
 * reported through GError.  It also binds libsevirt's own gettext domain
 * (its messages are translated from the library's catalogue, whatever
 * domain the program uses); sevirt_connect() calls it, and a program
 * that uses the library without a connection should call it first.
 * Safe to call many times, from any thread.
 */
void sevirt_libvirt_init(void);

G_END_DECLS
