/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The spec file loader on a mapping that is part of another YAML document
 * (a fleet manifest's inline spec).
 */
#pragma once

#include <glib.h>
#include <yaml.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * sevirt_spec_file_parse_node:
 * @what: the document's name for messages
 * @base_dir: folder relative file names are resolved against
 * @node: a mapping of spec file keys in @doc
 *
 * sevirt_spec_file_parse() on one mapping of a loaded document; errors
 * point into @what as the loader's do.
 */
gboolean sevirt_spec_file_parse_node(const char *what, const char *base_dir,
                                     yaml_document_t *doc, yaml_node_t *node,
                                     SevirtVmSpec *spec, GError **error);

G_END_DECLS
