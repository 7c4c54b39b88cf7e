/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxml/xpathInternals.h>

#include "sevirt.h"
#include "sevirt-xml-private.h"

xmlDoc *
sevirt_xml_parse(const char *xml, const char *what, GError **error)
{
    g_autoptr(xmlParserCtxt) ctxt = xmlNewParserCtxt();
    xmlDoc *doc;

    if (!ctxt) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Out of memory parsing %s"), what);
        return NULL;
    }
    doc = xmlCtxtReadMemory(ctxt, xml, strlen(xml), NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        g_autofree char *msg = g_strdup(err && err->message ? err->message : _("empty document"));

        g_strchomp(msg);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot parse %s: %s"), what, msg);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

xmlXPathContext *
sevirt_xpath_new(xmlDoc *doc)
{
    xmlXPathContext *ctx = xmlXPathNewContext(doc);

    xmlXPathRegisterNs(ctx, BAD_CAST "sevirt", BAD_CAST SEVIRT_XMLNS);
    return ctx;
}

char *
sevirt_xpath_string(xmlXPathContext *ctx, const char *expr)
{
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expr);
    g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
    g_autofree char *value = NULL;

    if (!obj || obj->type != XPATH_STRING || !obj->stringval)
        return NULL;
    value = g_strstrip(g_strdup((const char *) obj->stringval));
    if (!*value)
        return NULL;
    return g_steal_pointer(&value);
}

gint64
sevirt_xpath_int(xmlXPathContext *ctx, const char *expr, gint64 fallback)
{
    g_autofree char *text = sevirt_xpath_string(ctx, expr);
    guint64 value;

    if (!text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT, &value, NULL))
        return fallback;
    return (gint64) value;
}

GPtrArray *
sevirt_xpath_strings(xmlXPathContext *ctx, const char *expr)
{
    g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    GPtrArray *values = g_ptr_array_new_with_free_func(g_free);

    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval)
        return values;
    for (int i = 0; i < obj->nodesetval->nodeNr; i++) {
        g_autoptr(SevirtXmlChar) content = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);

        if (content)
            g_ptr_array_add(values, g_strstrip(g_strdup((const char *) content)));
    }
    return values;
}

GPtrArray *
sevirt_xpath_nodes(xmlXPathContext *ctx, const char *expr)
{
    g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    GPtrArray *nodes = g_ptr_array_new();

    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval)
        return nodes;
    for (int i = 0; i < obj->nodesetval->nodeNr; i++)
        g_ptr_array_add(nodes, obj->nodesetval->nodeTab[i]);
    return nodes;
}

char *
sevirt_xml_doc_to_string(xmlDoc *doc)
{
    g_autoptr(xmlBuffer) buf = xmlBufferCreate();
    xmlSaveCtxt *save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);

    xmlSaveDoc(save, doc);
    xmlSaveClose(save);
    return g_strdup((const char *) xmlBufferContent(buf));
}
