/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every option of 'sevirt xml' and 'sevirt create' has a spec file key and
 * every key an option: the commands' real GOptionEntry tables and the spec
 * file parser's key table are checked against one list of equivalents in
 * both directions, and each equivalent is shown to give the same guest
 * (domain XML and cloud-init settings) from the option as from the key.
 */
#include <config.h>

#include <string.h>

#include "test-common.h"
#include "cli.h"
#include "cli-spec.h"

typedef struct {
    const char *key;          /* spec file key */
    const char *option;       /* long option; NULL: the NAME argument */
    const char *value;        /* option value; NULL for a flag */
    const char *yaml;         /* the same setting in a spec file */
    const char *extra;        /* options both sides need (space separated), or NULL */
} Equivalent;

/* @DATA@ stands for tests/data. */
static const Equivalent equivalents[] = {
    { "name", NULL, "other", "name: other", NULL },
    { "vcpus", "vcpus", "3", "vcpus: 3", NULL },
    { "memory", "memory", "512", "memory: 512", NULL },
    { "sev.type", "sev", "sev-es", "sev: {type: sev-es}", NULL },
    { "sev.policy", "policy", "nodbg,noks", "sev: {policy: 'nodbg,noks'}", NULL },
    { "sev.cbitpos", "cbitpos", "47", "sev: {cbitpos: 47}", NULL },
    { "sev.reduced_phys_bits", "reduced-phys-bits", "5", "sev: {reduced_phys_bits: 5}", NULL },
    { "sev.kernel_hashes", "kernel-hashes", NULL, "sev: {kernel_hashes: true}", "--kernel /k" },
    { "sev.kernel_hashes", "no-kernel-hashes", NULL, "sev: {kernel_hashes: false}", "--kernel /k" },
    { "sev.dh_cert", "dh-cert", "@DATA@/specfile/godh.b64", "sev: {dh_cert: @DATA@/specfile/godh.b64}",
      "--session @DATA@/specfile/session.b64 --firmware /fw/OVMF.amdsev.fd" },
    { "sev.session", "session", "@DATA@/specfile/session.b64",
      "sev: {session: @DATA@/specfile/session.b64}",
      "--dh-cert @DATA@/specfile/godh.b64 --firmware /fw/OVMF.amdsev.fd" },
    { "sev.id_block", "id-block", "@DATA@/snp/idblock/id-block.b64",
      "sev: {id_block: @DATA@/snp/idblock/id-block.b64}",
      "--sev sev-snp --id-auth @DATA@/snp/idblock/id-auth.b64" },
    { "sev.id_auth", "id-auth", "@DATA@/snp/idblock/id-auth.b64",
      "sev: {id_auth: @DATA@/snp/idblock/id-auth.b64}",
      "--sev sev-snp --id-block @DATA@/snp/idblock/id-block.b64" },
    { "sev.author_key", "author-key", NULL, "sev: {author_key: true}",
      "--sev sev-snp --id-block @DATA@/snp/idblock/id-block.b64 --id-auth @DATA@/snp/idblock/id-auth.b64" },
    { "sev.host_data", "host-data", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
      "sev: {host_data: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}", "--sev sev-snp" },
    { "sev.guest_visible_workarounds", "guest-visible-workarounds", "@DATA@/specfile/snp-gvw.b64",
      "sev: {guest_visible_workarounds: @DATA@/specfile/snp-gvw.b64}", "--sev sev-snp" },
    { "sev.vcek", "no-vcek", NULL, "sev: {vcek: false}", "--sev sev-snp" },
    { "firmware", "firmware", "/fw/OVMF.fd", "firmware: /fw/OVMF.fd", NULL },
    { "cpu", "cpu", "EPYC", "cpu: EPYC", NULL },
    { "machine", "machine", "pc-q35-7.2", "machine: pc-q35-7.2", NULL },
    { "emulator", "emulator", "/usr/bin/qemu-kvm", "emulator: /usr/bin/qemu-kvm", NULL },
    { "virt_type", "virt-type", "qemu", "virt_type: qemu", NULL },
    { "kernel", "kernel", "/boot/vmlinuz", "kernel: /boot/vmlinuz", NULL },
    { "initrd", "initrd", "/boot/initrd", "initrd: /boot/initrd", "--kernel /k" },
    { "cmdline", "cmdline", "console=ttyS0", "cmdline: console=ttyS0", "--kernel /k" },
    { "disks", "disk", "pool=p,size=2,backing=base.qcow2", "disks: [\"pool=p,size=2,backing=base.qcow2\"]",
      NULL },
    { "networks", "network", "bridge=br0", "networks: [bridge=br0]", NULL },
    { "shares", "share", "/srv/data:data:ro", "shares: [/srv/data:data:ro]", NULL },
    { "cloud_init.user_data", "cloud-init", "user-data=@DATA@/cloudinit/user-data.yaml",
      "cloud_init: {user_data: @DATA@/cloudinit/user-data.yaml}", NULL },
    { "cloud_init.meta_data", "cloud-init", "meta-data=@DATA@/cloudinit/meta-data.yaml",
      "cloud_init: {meta_data: @DATA@/cloudinit/meta-data.yaml}", NULL },
    { "cloud_init.network_config", "cloud-init", "network-config=@DATA@/cloudinit/network-config.yaml",
      "cloud_init: {network_config: @DATA@/cloudinit/network-config.yaml}", NULL },
    { "cloud_init.pool", "cloud-init", "pool=seeds", "cloud_init: {pool: seeds}", NULL },
    { "cloud_init.ssh_key", "ssh-key", "@DATA@/cloudinit/id_test.pub",
      "cloud_init: {ssh_key: @DATA@/cloudinit/id_test.pub}", NULL },
    { "cloud_init.hostname", "hostname", "web-1", "cloud_init: {hostname: web-1}", NULL },
    /* create only (SEVIRT_CLI_SPEC_CREATE_ONLY): the attested launch session */
    { "sev.attest", "attest", NULL, "sev: {attest: true}", NULL },
    { "sev.pdh", "pdh", "/owner/pdh.cert", "sev: {pdh: /owner/pdh.cert}", NULL },
    { "sev.from_host", "from-host", NULL, "sev: {from_host: true}", NULL },
    { "sev.ark", "ark", "/owner/ark.cert", "sev: {ark: /owner/ark.cert}", NULL },
    { "sev.ask", "ask", "/owner/ask.cert", "sev: {ask: /owner/ask.cert}", NULL },
    { "sev.keys_dir", "keys-dir", "/owner/keys", "sev: {keys_dir: /owner/keys}", NULL },
};

static const char *const actions[] = SEVIRT_CLI_SPEC_ACTIONS;
static const char *const create_only[] = SEVIRT_CLI_SPEC_CREATE_ONLY;

/* Whether command @c (0: xml, 1: create) takes the option of @eq. */
static gboolean
takes(guint c, const Equivalent *eq)
{
    return c == 1 || !eq->option || !g_strv_contains(create_only, eq->option);
}

static const SevirtCmd *
find_cmd(const SevirtCmdGroup *group, const char *name)
{
    for (const SevirtCmd *cmd = group->cmds; cmd->name; cmd++) {
        if (g_str_equal(cmd->name, name))
            return cmd;
    }
    fail_msg("no command '%s'", name);
    return NULL;
}

static const SevirtCmd *
commands(guint i)
{
    return i == 0 ? find_cmd(&sevirt_cmds_xml, "xml") : find_cmd(&sevirt_cmds_domain, "create");
}

static gboolean
has_option(const SevirtCmd *cmd, const char *name)
{
    g_autoptr(SevirtCmdOpts) opts = sevirt_cmd_opts_new(cmd);

    for (const GOptionEntry *e = opts->entries; e->long_name; e++) {
        if (g_str_equal(e->long_name, name))
            return TRUE;
    }
    return FALSE;
}

/* Options -> keys: every option is an action or has an equivalent. */
static void
test_every_option_has_a_key(void **state G_GNUC_UNUSED)
{
    for (guint c = 0; c < 2; c++) {
        const SevirtCmd *cmd = commands(c);
        g_autoptr(SevirtCmdOpts) opts = sevirt_cmd_opts_new(cmd);

        for (const GOptionEntry *e = opts->entries; e->long_name; e++) {
            gboolean found = g_strv_contains(actions, e->long_name);

            for (guint i = 0; !found && i < G_N_ELEMENTS(equivalents); i++)
                found = g_strcmp0(equivalents[i].option, e->long_name) == 0;
            if (!found)
                fail_msg("'sevirt %s --%s' has no spec file key", cmd->name, e->long_name);
        }
    }
}

/* Keys -> options: every key has an equivalent whose option both commands
 * take, or create alone for the create-only options. */
static void
test_every_key_has_an_option(void **state G_GNUC_UNUSED)
{
    g_auto(GStrv) keys = sevirt_spec_file_keys();

    for (guint k = 0; keys[k]; k++) {
        gboolean found = FALSE;

        for (guint i = 0; !found && i < G_N_ELEMENTS(equivalents); i++)
            found = g_str_equal(equivalents[i].key, keys[k]);
        if (!found)
            fail_msg("spec file key '%s' has no command-line option", keys[k]);
    }
    for (guint i = 0; i < G_N_ELEMENTS(equivalents); i++) {
        if (!g_strv_contains((const char *const *) keys, equivalents[i].key))
            fail_msg("'%s' is not a spec file key", equivalents[i].key);
        for (guint c = 0; equivalents[i].option && c < 2; c++) {
            if (takes(c, &equivalents[i]) && !has_option(commands(c), equivalents[i].option))
                fail_msg("'sevirt %s' lacks --%s", commands(c)->name, equivalents[i].option);
        }
    }
}

static char *
with_data_dir(const char *text)
{
    g_autofree char *data = sevirt_test_data_path(".");
    g_auto(GStrv) parts = NULL;

    if (!text)
        return NULL;
    parts = g_strsplit(text, "@DATA@", -1);
    return g_strjoinv(data, parts);
}

/* A fresh invocation of @cmd; its option struct begins with the spec
 * options (cli-spec.h). */
static SevirtCmdOpts *
parse_options(const SevirtCmd *cmd, const char *extra, const char *option, const char *value)
{
    SevirtCmdOpts *opts = sevirt_cmd_opts_new(cmd);
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *expanded = with_data_dir(extra);
    g_autofree char *val = with_data_dir(value);
    g_auto(GStrv) words = g_strsplit(expanded ? expanded : "", " ", -1);
    char **args;

    g_ptr_array_add(argv, g_strdup(cmd->name));
    for (guint i = 0; words[i]; i++) {
        if (*words[i])
            g_ptr_array_add(argv, g_strdup(words[i]));
    }
    if (option)
        g_ptr_array_add(argv, val ? g_strdup_printf("--%s=%s", option, val)
                                  : g_strdup_printf("--%s", option));
    g_ptr_array_add(argv, NULL);
    args = (char **) g_ptr_array_steal(argv, NULL);

    g_option_context_add_main_entries(ctx, opts->entries, NULL);
    if (!g_option_context_parse_strv(ctx, &args, &error))
        fail_msg("%s", error->message);
    g_strfreev(args);
    return opts;
}

static const char *
or_dash(const char *s)
{
    return s ? s : "-";
}

/* The guest a command line gives: domain XML plus what the XML does not
 * show; NULL when the guest is not valid. */
static char *
try_guest_summary(const SevirtCmd *cmd, const char *yaml, const char *name,
                  const char *extra, const char *option, const char *value, GError **error)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
    g_autofree char *text = with_data_dir(yaml);
    g_autofree char *xml = NULL;
    static const SevirtCloudInitSpec no_ci = { 0 };
    static const SevirtAttestSpec no_attest = { 0 };
    const SevirtCloudInitSpec *ci;
    const SevirtAttestSpec *at;
    g_autoptr(SevirtCmdOpts) opts = NULL;
    SevirtTristate hashes;

    if (text && !sevirt_spec_file_parse("t.yaml", text, strlen(text), "/", spec, error))
        return NULL;
    opts = parse_options(cmd, extra, option, value);
    if (!sevirt_cli_spec_apply(opts->data, spec, error))
        return NULL;
    if (name) {
        g_free(spec->name);
        spec->name = g_strdup(name);
    }
    if (!spec->name)
        spec->name = g_strdup("g");
    hashes = spec->kernel_hashes;   /* validation turns the default into yes or no */
    if (!sevirt_create_prepare(spec, NULL, 0, NULL, error) ||
        !(xml = sevirt_domxml_format(spec, error)))
        return NULL;
    ci = spec->cloud_init ? spec->cloud_init : &no_ci;
    at = spec->attest ? spec->attest : &no_attest;
    return g_strdup_printf("%s\nkernel hashes asked: %d\ncloud-init: %s %s %s %s %s %s\n"
                           "attest: %d %s %d %s %s %s\n", xml,
                           hashes, or_dash(ci->user_data), or_dash(ci->meta_data),
                           or_dash(ci->network_config), or_dash(ci->ssh_key),
                           or_dash(ci->hostname), or_dash(ci->pool),
                           at->enabled, or_dash(at->pdh), at->from_host, or_dash(at->ark),
                           or_dash(at->ask), or_dash(at->keys_dir));
}

static char *
guest_summary(const SevirtCmd *cmd, const char *yaml, const char *name,
              const char *extra, const char *option, const char *value)
{
    g_autoptr(GError) error = NULL;
    char *summary = try_guest_summary(cmd, yaml, name, extra, option, value, &error);

    if (!summary)
        fail_msg("%s (%s): %s", option ? option : "NAME", yaml ? yaml : "no file", error->message);
    return summary;
}

static void
check_option_and_key_agree(const SevirtCmd *cmd, const Equivalent *eq)
{
    gboolean positional = eq->option == NULL;
    g_autofree char *by_option = guest_summary(cmd, NULL, positional ? eq->value : NULL,
                                               eq->extra, eq->option, eq->value);
    g_autofree char *by_key = guest_summary(cmd, eq->yaml, NULL, eq->extra, NULL, NULL);
    g_autoptr(GError) error = NULL;
    /* Without the setting: another guest, or none (a dhCert needs its session). */
    g_autofree char *neither = try_guest_summary(cmd, NULL, NULL, eq->extra, NULL, NULL, &error);

    if (!g_str_equal(by_option, by_key))
        fail_msg("'sevirt %s --%s' and key '%s' differ:\n%s\n----\n%s", cmd->name,
                 eq->option ? eq->option : "NAME", eq->key, by_option, by_key);
    if (neither && g_str_equal(by_option, neither))
        fail_msg("--%s changes nothing", eq->option ? eq->option : "NAME");
}

static void
test_option_and_key_agree(void **state G_GNUC_UNUSED)
{
    for (guint c = 0; c < 2; c++) {
        for (guint i = 0; i < G_N_ELEMENTS(equivalents); i++) {
            if (takes(c, &equivalents[i]))
                check_option_and_key_agree(commands(c), &equivalents[i]);
        }
    }
}

/* The command line overrides the file; --cloud-init replaces the seed files. */
static void
test_options_override_file(void **state G_GNUC_UNUSED)
{
    const SevirtCmd *create = commands(1);
    g_autofree char *mixed = guest_summary(create,
        "name: f\nvcpus: 4\nmemory: 1024\n"
        "cloud_init: {user_data: @DATA@/cloudinit/meta-data.yaml, "
        "meta_data: @DATA@/cloudinit/meta-data.yaml, ssh_key: @DATA@/cloudinit/id_test.pub, "
        "pool: p}\n",
        "cli", "--vcpus 2 --cloud-init user-data=@DATA@/cloudinit/user-data.yaml", NULL, NULL);
    g_autofree char *cli = guest_summary(create,
        "memory: 1024\ncloud_init: {ssh_key: @DATA@/cloudinit/id_test.pub}\n",
        "cli", "--vcpus 2 --cloud-init user-data=@DATA@/cloudinit/user-data.yaml", NULL, NULL);
    g_autofree char *seed = with_data_dir("cloud-init: @DATA@/cloudinit/user-data.yaml - - "
                                          "@DATA@/cloudinit/id_test.pub - -");

    assert_string_equal(mixed, cli);
    assert_non_null(strstr(mixed, "<vcpu>2</vcpu>"));
    assert_non_null(strstr(mixed, seed));
}

/*
 * The file's policy is read for the type the command line settles on;
 * --policy replaces it unread; errors about it point into the file, and
 * values the command line replaced do not.
 */
static void
test_sev_option_and_file_policy(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *yaml;
        const char *extra;
        const char *expect;    /* in the XML, or the start of the error */
        gboolean ok;
    } cases[] = {
        { "sev: {policy: smt}", "--sev sev-snp", "<policy>0x00030000</policy>", TRUE },
        { "sev: {type: sev-snp, policy: smt}", "--sev sev --policy nodbg",
          "<policy>0x0001</policy>", TRUE },
        { "sev: {type: sev-snp, policy: smt}", "--sev sev-snp", "<policy>0x00030000</policy>",
          TRUE },
        { "sev: {type: sev-snp, policy: smt}", "--sev sev",
          "t.yaml:1:30: policy 'smt' was written for SEV-SNP guests, not for --sev sev", FALSE },
        { "sev: {type: sev-snp, policy: 'smt,debug'}", "--sev sev-es",
          "t.yaml:1:30: policy 'smt,debug' was written for SEV-SNP guests, not for --sev sev-es",
          FALSE },
        { "sev: {policy: 'nodbg,noks'}", "--sev sev-snp",
          "t.yaml:1:15: policy 'nodbg,noks' was written for SEV and SEV-ES guests, not for "
          "--sev sev-snp", FALSE },
        { "sev: {type: sev, policy: 'nodbg,noks'}", "--sev none",
          "t.yaml:1:26: policy 'nodbg,noks' given for a plain guest (--sev none)", FALSE },
        /* a number fits both families: the type's own check, at the file's place */
        { "sev: {type: sev-es, policy: 0x37}", "--sev sev",
          "t.yaml:1:29: SEV policy 0x0037 has the ES bit (0x4) set", FALSE },
        { "sev: {type: sev, policy: bogus}", "--sev sev-es",
          "t.yaml:1:26: policy: unknown SEV policy flag 'bogus'", FALSE },
        /* replaced by the command line: no place in the file */
        { "initrd: /boot/initrd.img", "--initrd /boot/other.img",
          "An initrd needs a kernel", FALSE },
        { "cloud_init: {ssh_key: /nonexistent.pub}", "--ssh-key /nonexistent/id.pub",
          "--ssh-key: Cannot read '/nonexistent/id.pub'", FALSE },
        { "memory: 10", "--memory 256", "<memory unit=\"MiB\">256</memory>", TRUE },
    };
    const SevirtCmd *xml = commands(0);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *summary = try_guest_summary(xml, cases[i].yaml, NULL, cases[i].extra,
                                                     NULL, NULL, &error);

        if (cases[i].ok && !summary)
            fail_msg("case %u (%s %s): %s", i, cases[i].yaml, cases[i].extra, error->message);
        if (cases[i].ok && !strstr(summary, cases[i].expect))
            fail_msg("case %u: no '%s' in\n%s", i, cases[i].expect, summary);
        if (!cases[i].ok && summary)
            fail_msg("case %u (%s %s) was accepted", i, cases[i].yaml, cases[i].extra);
        if (!cases[i].ok && !g_str_has_prefix(error->message, cases[i].expect))
            fail_msg("case %u: '%s' does not start with '%s'", i, error->message, cases[i].expect);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_has_a_key),
        cmocka_unit_test(test_every_key_has_an_option),
        cmocka_unit_test(test_option_and_key_agree),
        cmocka_unit_test(test_options_override_file),
        cmocka_unit_test(test_sev_option_and_file_policy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
