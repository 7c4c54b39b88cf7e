/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxml2 helpers shared inside libsevirt: parsing without network access
 * or entity expansion, and typed XPath lookups.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "sevirt-util.h"

G_BEGIN_DECLS

/**
 * sevirt_xml_parse:
 * @xml: document text
 * @what: name of the document for error messages ("domain capabilities")
 *
 * Parses @xml (no network, no entity substitution, no DTD loading).
 * Returns NULL with SEVIRT_ERROR_INVALID naming @what and the parser's
 * first error.
 */
xmlDoc *sevirt_xml_parse(const char *xml, const char *what, GError **error);

/** sevirt_xpath_new: an XPath context on @doc with the "sevirt" prefix bound. */
xmlXPathContext *sevirt_xpath_new(xmlDoc *doc);

/** The string value of @expr (trimmed), or NULL when it is empty or absent. */
char *sevirt_xpath_string(xmlXPathContext *ctx, const char *expr);

/**
 * sevirt_xpath_int:
 * The value of @expr as a non-negative integer, or @fallback when absent or
 * not a number.
 */
gint64 sevirt_xpath_int(xmlXPathContext *ctx, const char *expr, gint64 fallback);

/** sevirt_xpath_strings: the string values of every node @expr selects. */
GPtrArray *sevirt_xpath_strings(xmlXPathContext *ctx, const char *expr);

/**
 * sevirt_xpath_nodes:
 * The nodes @expr selects, in document order, as xmlNode* owned by the
 * document (the array does not free them).
 */
GPtrArray *sevirt_xpath_nodes(xmlXPathContext *ctx, const char *expr);

/** sevirt_xml_doc_to_string: @doc serialised, indented, without the XML declaration. */
char *sevirt_xml_doc_to_string(xmlDoc *doc);

G_END_DECLS
