/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libvirt (and libxml2) side of the library's errors: silencing their
 * own printing and turning libvirt's last error into a GError.  Apart from
 * sevirt-error.c so that libsevirt-core, which the offline commands run on,
 * does not link libvirt.
 */
#include <config.h>

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "sevirt-error.h"

static void
sevirt_libvirt_silence(void *opaque G_GNUC_UNUSED,
                       virErrorPtr err G_GNUC_UNUSED)
{
    /* libvirt's default handler prints to stderr; we report through GError. */
}

static void
sevirt_xml_silence(void *ctx G_GNUC_UNUSED, const char *msg G_GNUC_UNUSED, ...)
{
    /* libxml2 prints parser diagnostics by default; errors reach us otherwise. */
}

/* The library's messages come from its own catalogue whatever text domain
 * the program set (libvirt's virgettext.c does the same). */
static void
sevirt_gettext_init(void)
{
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
}

static gpointer
sevirt_libvirt_init_once(gpointer data G_GNUC_UNUSED)
{
    sevirt_gettext_init();
    virInitialize();
    virSetErrorFunc(NULL, sevirt_libvirt_silence);
    xmlSetGenericErrorFunc(NULL, sevirt_xml_silence);
#if LIBXML_VERSION < 21200
    /* libxml2's handler is per thread: threads started later (a fleet's
     * host workers) take this default.  Newer libxml2 deprecates it. */
    xmlThrDefSetGenericErrorFunc(NULL, sevirt_xml_silence);
#endif
    return NULL;
}

void
sevirt_libvirt_init(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, sevirt_libvirt_init_once, NULL);
}

static SevirtErrorCode
sevirt_error_code_from_libvirt(int code)
{
    switch (code) {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_INTERFACE:
    case VIR_ERR_NO_DOMAIN_SNAPSHOT:
    case VIR_ERR_NO_DOMAIN_METADATA:
        return SEVIRT_ERROR_NOT_FOUND;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_CONFIG_UNSUPPORTED:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
        return SEVIRT_ERROR_UNSUPPORTED;
    case VIR_ERR_OPERATION_TIMEOUT:
        return SEVIRT_ERROR_TIMEOUT;
    default:
        return SEVIRT_ERROR_LIBVIRT;
    }
}

void
sevirt_error_libvirt(GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *ours = NULL;
    virErrorPtr err = virGetLastError();
    SevirtErrorCode code = SEVIRT_ERROR_LIBVIRT;

    va_start(ap, fmt);
    ours = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    if (err && err->message) {
        code = sevirt_error_code_from_libvirt(err->code);
        g_set_error(error, SEVIRT_ERROR, code, "%s: %s", ours, err->message);
    } else {
        g_set_error_literal(error, SEVIRT_ERROR, code, ours);
    }
    virResetLastError();
}
