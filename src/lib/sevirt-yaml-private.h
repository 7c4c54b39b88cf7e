/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libyaml helpers shared by the spec file parser and the cloud-init seed
 * builder: loading one document and errors that point at "FILE:LINE:COLUMN".
 */
#pragma once

#include <glib.h>
#include <yaml.h>

G_BEGIN_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(yaml_document_t, yaml_document_delete)

/* Deeper than any spec file or cloud-init seed needs (they use a few). */
#define SEVIRT_YAML_MAX_DEPTH 64

/**
 * sevirt_yaml_load:
 * @what: the input's name for messages (usually its file name)
 * @data: YAML text
 * @doc: (out caller-allocates) the document; clear with yaml_document_delete()
 *
 * Loads the single document of @data.  Syntax errors, a second document,
 * and collections nested deeper than SEVIRT_YAML_MAX_DEPTH are
 * SEVIRT_ERROR_INVALID "WHAT:LINE:COLUMN: problem".  An empty
 * input gives a document without a root node.
 */
gboolean sevirt_yaml_load(const char *what, const char *data, gsize len,
                          yaml_document_t *doc, GError **error);

/**
 * sevirt_yaml_error:
 * @node: the node the error is about; its start position is reported
 *
 * Sets SEVIRT_ERROR_INVALID "WHAT:LINE:COLUMN: message" (1-based line and
 * column) and returns FALSE.
 */
gboolean sevirt_yaml_error(GError **error, const char *what, const yaml_node_t *node,
                           const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/** sevirt_yaml_location: "WHAT:LINE:COLUMN" of @node's start (1-based). */
char *sevirt_yaml_location(const char *what, const yaml_node_t *node);

/** The text of a scalar node, or NULL when @node is not a scalar. */
const char *sevirt_yaml_scalar(const yaml_node_t *node);

/** The (first) pair of key @key in mapping @map, or NULL when absent. */
yaml_node_pair_t *sevirt_yaml_mapping_pair(yaml_document_t *doc, yaml_node_t *map,
                                           const char *key);

/** The value of key @key in mapping @map, or NULL when absent. */
yaml_node_t *sevirt_yaml_mapping_get(yaml_document_t *doc, yaml_node_t *map, const char *key);

G_END_DECLS
