/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * g_autoptr() cleanup for the foreign handles libsevirt works with, so that
 * every libvirt, libxml2 and OpenSSL handle is released on every path:
 *
 *     g_autoptr(virDomain) dom = virDomainLookupByName(conn, name);
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/relaxng.h>

G_BEGIN_DECLS

/* libvirt's typedefs are "struct _virX *virXPtr"; virX is the struct. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, virConnectClose)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, virDomainFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStoragePool, virStoragePoolFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStorageVol, virStorageVolFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, virNetworkFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virInterface, virInterfaceFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStream, virStreamFree)

/* libxml2 */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlBuffer, xmlBufferFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNG, xmlRelaxNGFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt)

/* Strings libxml2 allocates (xmlGetProp, xmlNodeGetContent, ...). */
typedef xmlChar SevirtXmlChar;
static inline void
sevirt_xml_char_free(SevirtXmlChar *p)
{
    xmlFree(p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtXmlChar, sevirt_xml_char_free)

/*
 * Typed parameter arrays returned by virNodeGetSEVInfo,
 * virDomainGetLaunchSecurityInfo and friends.
 */
typedef struct {
    virTypedParameterPtr params;
    int nparams;
} SevirtTypedParams;

static inline void
sevirt_typed_params_clear(SevirtTypedParams *p)
{
    if (p->params)
        virTypedParamsFree(p->params, p->nparams);
    p->params = NULL;
    p->nparams = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtTypedParams, sevirt_typed_params_clear)

G_END_DECLS
