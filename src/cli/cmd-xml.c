/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML commands: xml.
 */
#include <config.h>

#include <stdio.h>

#include "cli.h"
#include "cli-spec.h"

typedef struct {
    SevirtCliSpecOptions spec;    /* first: see cli-spec.h */
    gboolean validate;
} XmlOpts;
G_STATIC_ASSERT(G_STRUCT_OFFSET(XmlOpts, spec) == 0);

static GOptionEntry *
xml_entries(gpointer data)
{
    XmlOpts *o = data;
    const GOptionEntry entries[] = {
        SEVIRT_CLI_SPEC_OPTION_ENTRIES(&o->spec),
        { "validate", 0, 0, G_OPTION_ARG_NONE, &o->validate,
          N_("validate the XML against the installed libvirt RelaxNG schema"), NULL },
        { NULL }
    };

    return g_memdup2(entries, sizeof(entries));
}

static void
print_xml_json(SevirtCli *cli, const char *xml, GPtrArray *notes)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "xml");
    json_builder_add_string_value(b, xml);
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; i < notes->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(notes, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    sevirt_cli_print_json(cli, json_builder_get_root(b));
}

static gboolean
cmd_xml(SevirtCli *cli, gconstpointer opts, char **args, GError **error)
{
    const XmlOpts *o = opts;
    g_autoptr(SevirtVmSpec) spec = sevirt_cli_spec_load(&o->spec, args[0], error);
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;

    if (spec && spec->attest)
        return sevirt_cli_usage_error(error, _("'sevirt xml' makes no launch session: sev.attest and its keys are for 'sevirt create' (or give sev.dh_cert and sev.session made by 'sevirt session')"));
    /* The definition 'create' would make, cloud-init seed CD-ROM included. */
    if (!spec ||
        !sevirt_cli_spec_host_caps(cli, spec, &caps, error) ||
        !sevirt_create_prepare(spec, caps, SEVIRT_SPEC_VALIDATE_DEFAULT, notes, error))
        return FALSE;
    xml = sevirt_domxml_format(spec, error);
    if (!xml)
        return FALSE;
    if (o->validate && !sevirt_domxml_validate(xml, NULL, error))
        return FALSE;

    if (cli->json) {
        print_xml_json(cli, xml, notes);
        return TRUE;
    }
    for (guint i = 0; i < notes->len; i++)
        sevirt_cli_warn(cli, "%s", (const char *) g_ptr_array_index(notes, i));
    fputs(xml, stdout);
    return TRUE;
}

static const SevirtCmd xml_cmds[] = {
    { "xml", N_("[NAME]"), N_("print the domain XML of a confidential guest"),
      N_("Builds a complete libvirt domain definition for an SEV, SEV-ES or SEV-SNP guest\n"
         "(or a plain one with --sev none) and prints it, without defining anything: the\n"
         "definition 'sevirt create' would make from the same options or spec file.\n"
         "NAME may come from the --spec file instead; options override the file.\n"
         "Offline unless --connect is given; connected, cbitpos, reduced-phys-bits, the\n"
         "virt type and the SEV types the host supports come from its domain capabilities."),
      SEVIRT_CMD_OPTIONS(XmlOpts, xml_entries), 0, 1, cmd_xml, 0 },
    { NULL }
};

const SevirtCmdGroup sevirt_cmds_xml = {
    N_("Domain XML"), xml_cmds,
};
