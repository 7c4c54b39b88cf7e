/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-yaml-private.h"

static gboolean
parser_error(GError **error, const char *what, const yaml_parser_t *parser)
{
    const yaml_mark_t *mark = parser->problem ? &parser->problem_mark : &parser->context_mark;

    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "%s:%zu:%zu: %s%s%s",
                what, mark->line + 1, mark->column + 1,
                parser->problem ? parser->problem : _("invalid YAML"),
                parser->context ? " " : "", parser->context ? parser->context : "");
    return FALSE;
}

/*
 * libyaml has no nesting limit, and its scanner slows down with depth
 * (400 000 levels fit in 1 MiB and take minutes): a pass over the events,
 * which stops at the first level too deep, comes before loading.
 */
static gboolean
check_depth(const char *what, const char *data, gsize len, GError **error)
{
    yaml_parser_t parser;
    yaml_event_t event;
    guint depth = 0;
    gboolean ok = TRUE;
    gboolean done = FALSE;

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *) data, len);
    while (ok && !done) {
        if (!yaml_parser_parse(&parser, &event)) {
            /* the load reports syntax errors, with the same position */
            break;
        }
        switch (event.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > SEVIRT_YAML_MAX_DEPTH) {
                g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                            _("%s:%zu:%zu: nested more than %d levels deep"), what,
                            event.start_mark.line + 1, event.start_mark.column + 1,
                            SEVIRT_YAML_MAX_DEPTH);
                ok = FALSE;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            done = TRUE;
            break;
        default:
            break;
        }
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return ok;
}

gboolean
sevirt_yaml_load(const char *what, const char *data, gsize len,
                 yaml_document_t *doc, GError **error)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    gboolean ok = TRUE;

    if (!check_depth(what, data, len, error))
        return FALSE;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *) data, len);
    if (!yaml_parser_load(&parser, doc)) {
        parser_error(error, what, &parser);
        yaml_parser_delete(&parser);
        return FALSE;
    }
    if (yaml_document_get_root_node(doc)) {
        /* A second document would be silently ignored otherwise. */
        if (!yaml_parser_load(&parser, &extra)) {
            ok = sevirt_yaml_error(error, what, NULL, _("invalid YAML after the first document"));
        } else {
            yaml_node_t *root = yaml_document_get_root_node(&extra);

            if (root)
                ok = sevirt_yaml_error(error, what, root, _("only one YAML document is allowed"));
            yaml_document_delete(&extra);
        }
    }
    yaml_parser_delete(&parser);
    if (!ok)
        yaml_document_delete(doc);
    return ok;
}

gboolean
sevirt_yaml_error(GError **error, const char *what, const yaml_node_t *node,
                  const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (node) {
        g_autofree char *location = sevirt_yaml_location(what, node);

        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "%s: %s", location, msg);
    } else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "%s: %s", what, msg);
    }
    return FALSE;
}

char *
sevirt_yaml_location(const char *what, const yaml_node_t *node)
{
    return g_strdup_printf("%s:%zu:%zu", what, node->start_mark.line + 1,
                           node->start_mark.column + 1);
}

const char *
sevirt_yaml_scalar(const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *) node->data.scalar.value;
}

yaml_node_pair_t *
sevirt_yaml_mapping_pair(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const char *k = sevirt_yaml_scalar(yaml_document_get_node(doc, p->key));

        if (k && g_str_equal(k, key))
            return p;
    }
    return NULL;
}

yaml_node_t *
sevirt_yaml_mapping_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *p = sevirt_yaml_mapping_pair(doc, map, key);

    return p ? yaml_document_get_node(doc, p->value) : NULL;
}
