/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for YAML spec files: every key, both forms of list items, the
 * shipped examples, and errors with file, line and column.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-specfile.h"

static SevirtVmSpec *
parse_ok(const char *text)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
    g_autoptr(GError) error = NULL;

    if (!sevirt_spec_file_parse("spec.yaml", text, strlen(text), "/base", spec, &error))
        fail_msg("'%s' failed: %s", text, error->message);
    return g_steal_pointer(&spec);
}

static void
test_all_keys(void **state G_GNUC_UNUSED)
{
    g_autofree char *dir = sevirt_test_data_path("specfile");
    g_autofree char *path = g_build_filename(dir, "full.yaml", NULL);
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *ssh = g_build_filename(dir, "keys/id.pub", NULL);
    SevirtDiskSpec *d;
    SevirtNetSpec *n;
    SevirtPortForward *f;
    SevirtShareSpec *sh;

    assert_true(sevirt_spec_file_load(path, spec, &error));
    assert_string_equal(spec->name, "full");
    assert_int_equal(spec->vcpus, 4);
    assert_int_equal(spec->memory_mib, 4096);
    assert_int_equal(spec->sev_type, SEVIRT_SEV_ES);
    /* The policy is parsed by validation, for the final type. */
    assert_false(spec->policy_set);
    assert_string_equal(spec->policy_text, "0x37");
    assert_int_equal(spec->cbitpos, 51);
    assert_int_equal(spec->reduced_phys_bits, 1);
    assert_int_equal(spec->kernel_hashes, SEVIRT_TRISTATE_NO);
    assert_int_equal(strlen(spec->dh_cert), 4 * ((0x824 + 2) / 3));
    assert_int_equal(strlen(spec->session), 4 * ((0x80 + 2) / 3));
    assert_string_equal(spec->firmware, "/usr/share/OVMF/OVMF.amdsev.fd");
    assert_string_equal(spec->cpu, "EPYC");
    assert_string_equal(spec->emulator, "/usr/bin/qemu-system-x86_64");
    assert_true(spec->virt_type_set);
    assert_int_equal(spec->virt_type, SEVIRT_VIRT_QEMU);
    assert_string_equal(spec->kernel, "/boot/vmlinuz");
    assert_string_equal(spec->initrd, "/boot/initrd.img");
    assert_string_equal(spec->cmdline, "console=ttyS0 quiet");

    assert_int_equal(spec->disks->len, 4);
    d = spec->disks->pdata[0];
    assert_int_equal(d->kind, SEVIRT_DISK_NEW_VOLUME);
    assert_string_equal(d->pool, "default");
    assert_int_equal(d->size_gib, 20);
    assert_string_equal(d->backing, "base.qcow2");
    assert_string_equal(d->format, "qcow2");
    assert_string_equal(d->volume, "root.qcow2");
    d = spec->disks->pdata[1];
    assert_int_equal(d->kind, SEVIRT_DISK_VOLUME);
    assert_string_equal(d->pool, "images");
    assert_string_equal(d->volume, "data.raw");
    d = spec->disks->pdata[2];
    assert_int_equal(d->kind, SEVIRT_DISK_PATH);
    assert_string_equal(d->path, "/var/lib/images/x.img");
    assert_string_equal(d->format, "raw");
    d = spec->disks->pdata[3];
    assert_int_equal(d->kind, SEVIRT_DISK_NEW_VOLUME);
    assert_int_equal(d->size_gib, 2);
    assert_null(d->backing);

    assert_int_equal(spec->networks->len, 4);
    n = spec->networks->pdata[0];
    assert_int_equal(n->kind, SEVIRT_NET_NETWORK);
    assert_string_equal(n->source, "default");
    assert_string_equal(n->mac, "52:54:00:12:34:56");
    n = spec->networks->pdata[1];
    assert_int_equal(n->kind, SEVIRT_NET_BRIDGE);
    assert_string_equal(n->source, "br0");
    n = spec->networks->pdata[2];
    assert_int_equal(n->kind, SEVIRT_NET_USER);
    assert_int_equal(n->portfwds->len, 2);
    f = n->portfwds->pdata[0];
    assert_int_equal(f->host_port, 2222);
    assert_int_equal(f->guest_port, 22);
    assert_string_equal(f->proto, "tcp");
    f = n->portfwds->pdata[1];
    assert_int_equal(f->host_port, 5353);
    assert_string_equal(f->proto, "udp");
    n = spec->networks->pdata[3];
    assert_int_equal(n->kind, SEVIRT_NET_USER);
    assert_int_equal(n->portfwds->len, 1);

    assert_int_equal(spec->shares->len, 2);
    sh = spec->shares->pdata[0];
    assert_string_equal(sh->source_dir, "/srv/a");
    assert_string_equal(sh->tag, "a");
    assert_true(sh->readonly);
    sh = spec->shares->pdata[1];
    assert_string_equal(sh->source_dir, "/srv/b");
    assert_false(sh->readonly);

    assert_non_null(spec->cloud_init);
    assert_string_equal(spec->cloud_init->ssh_key, ssh);
    assert_string_equal(spec->cloud_init->user_data, "/etc/sevirt/user-data");
    assert_string_equal(spec->cloud_init->hostname, "full-host");
    assert_string_equal(spec->cloud_init->pool, "seeds");
}

/* The file only replaces what it names; a list replaces the whole list. */
static void
test_overrides(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
    g_autoptr(GError) error = NULL;
    const char *text = "vcpus: 3\ndisks: [\"path=/a.img\"]\n";

    spec->memory_mib = 1234;
    g_ptr_array_add(spec->disks, sevirt_disk_spec_new(SEVIRT_DISK_PATH));
    g_ptr_array_add(spec->disks, sevirt_disk_spec_new(SEVIRT_DISK_PATH));
    assert_true(sevirt_spec_file_parse("s.yaml", text, strlen(text), "/", spec, &error));
    assert_int_equal(spec->vcpus, 3);
    assert_int_equal(spec->memory_mib, 1234);
    assert_int_equal(spec->disks->len, 1);
    assert_string_equal(((SevirtDiskSpec *) spec->disks->pdata[0])->path, "/a.img");
}

/* "key=value" strings and mappings describe the same items. */
static void
test_item_forms_agree(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) a = parse_ok(
        "disks: [\"pool=p,size=3,backing=b,format=qcow2,name=n\"]\n"
        "networks: [\"user,portfwd=8080:80/udp\", \"bridge=br1,mac=52:54:00:00:00:01\"]\n"
        "shares: [\"/x:t:ro\"]\n");
    g_autoptr(SevirtVmSpec) b = parse_ok(
        "disks:\n  - {pool: p, size: 3, backing: b, format: qcow2, name: n}\n"
        "networks:\n  - {user: true, portfwd: \"8080:80/udp\"}\n"
        "  - {bridge: br1, mac: \"52:54:00:00:00:01\"}\n"
        "shares:\n  - {source: /x, tag: t, readonly: yes}\n");
    SevirtDiskSpec *da = a->disks->pdata[0], *db = b->disks->pdata[0];
    SevirtNetSpec *na = a->networks->pdata[0], *nb = b->networks->pdata[0];
    SevirtPortForward *fa = na->portfwds->pdata[0], *fb = nb->portfwds->pdata[0];
    SevirtShareSpec *sa = a->shares->pdata[0], *sb = b->shares->pdata[0];

    assert_int_equal(da->kind, db->kind);
    assert_string_equal(da->pool, db->pool);
    assert_int_equal(da->size_gib, db->size_gib);
    assert_string_equal(da->backing, db->backing);
    assert_string_equal(da->format, db->format);
    assert_string_equal(da->volume, db->volume);
    assert_int_equal(na->kind, nb->kind);
    assert_int_equal(fa->host_port, fb->host_port);
    assert_int_equal(fa->guest_port, fb->guest_port);
    assert_string_equal(fa->proto, fb->proto);
    na = a->networks->pdata[1];
    nb = b->networks->pdata[1];
    assert_string_equal(na->source, nb->source);
    assert_string_equal(na->mac, nb->mac);
    assert_string_equal(sa->source_dir, sb->source_dir);
    assert_string_equal(sa->tag, sb->tag);
    assert_int_equal(sa->readonly, sb->readonly);
}

static void
test_errors(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        { "nmae: x\n", "spec.yaml:1:1: unknown key 'nmae' in 'the spec file' (known keys: name, vcpus," },
        { "name: a\nname: b\n", "spec.yaml:2:1: duplicate key 'name' in 'the spec file'" },
        { "vcpus: two\n", "spec.yaml:1:8: 'vcpus' must be a whole number from 1 to 4096, not 'two'" },
        { "vcpus: 0\n", "spec.yaml:1:8: 'vcpus' must be a whole number from 1 to 4096, not '0'" },
        { "vcpus: [1]\n", "spec.yaml:1:8: 'vcpus' must be a single value, not a list" },
        { "memory: {a: 1}\n", "spec.yaml:1:9: 'memory' must be a single value, not a mapping" },
        { "kernel:\n", "spec.yaml:1:8: 'kernel' has no value" },
        { "- a\n", "spec.yaml:1:1: 'the spec file' must be a mapping" },
        { "", "spec.yaml: the spec file is empty" },
        { "sev: sev\n", "spec.yaml:1:6: 'sev' must be a mapping" },
        { "sev:\n  type: sev-xx\n", "spec.yaml:2:9: Unknown SEV type 'sev-xx'" },
        { "sev:\n  tpye: sev\n", "spec.yaml:2:3: unknown key 'tpye' in 'sev' (known keys: type, policy," },
        { "sev:\n  kernel_hashes: maybe\n", "spec.yaml:2:18: 'kernel_hashes' must be true or false, not 'maybe'" },
        { "sev:\n  cbitpos: 64\n", "spec.yaml:2:12: 'cbitpos' must be a whole number from 0 to 63" },
        { "sev:\n  dh_cert: nothere.b64\n", "spec.yaml:2:12: Cannot read '/base/nothere.b64'" },
        { "virt_type: xen\n", "spec.yaml:1:12: Unknown virtualization type 'xen'" },
        { "disks: pool=x\n", "spec.yaml:1:8: 'disks' must be a list" },
        { "disks:\n  - pool=default\n", "spec.yaml:2:5: disks[0]: invalid value 'pool=default': a new volume needs size=GiB (or backing=VOLUME to take its size)" },
        { "disks:\n  - path=/a,vol=p/v\n", "spec.yaml:2:5: disks[0]: invalid value 'path=/a,vol=p/v': give exactly one of path=, vol= or pool=" },
        { "disks:\n  - size=3\n", "spec.yaml:2:5: disks[0]: invalid value 'size=3': give exactly one of path=, vol= or pool=" },
        { "disks:\n  - path=/a,size=3\n", "spec.yaml:2:5: disks[0]: invalid value 'path=/a,size=3': 'size' does not go with path=" },
        { "disks:\n  - vol=novolume\n", "spec.yaml:2:5: disks[0]: invalid value 'vol=novolume': vol= takes POOL/VOLUME, got 'novolume'" },
        { "disks:\n  - pool: p\n    sise: 3\n", "spec.yaml:2:5: disks[0]: invalid value 'pool=p,sise=3': unknown key 'sise'" },
        { "disks:\n  - pool: p\n    size: big\n", "spec.yaml:2:5: disks[0] size: invalid value 'big': \342\200\234big\342\200\235 is not an unsigned number" },
        { "disks:\n  - [a]\n", "spec.yaml:2:5: items of 'disks' must be strings as on the command line, or mappings" },
        { "networks:\n  - network\n", "spec.yaml:2:5: networks[0]: invalid value 'network': 'network' needs a value (network=...)" },
        { "networks:\n  - user,portfwd=22\n", "spec.yaml:2:5: networks[0]: invalid value 'user,portfwd=22': portfwd= takes HOSTPORT:GUESTPORT[/tcp|udp], got '22'" },
        { "networks:\n  - user: true\n    portfwd: [\"1:2/sctp\"]\n", "spec.yaml:2:5: networks[0]: invalid value 'user,portfwd=1:2/sctp': port forward protocol 'sctp' is not tcp or udp" },
        { "networks:\n  - network=default,portfwd=1:2\n", "spec.yaml:2:5: networks[0]: invalid value 'network=default,portfwd=1:2': portfwd= only goes with user networking" },
        { "networks:\n  - none=1\n", "spec.yaml:2:5: networks[0]: invalid value 'none=1': 'none' takes no value" },
        { "networks:\n  - wifi=x\n", "spec.yaml:2:5: networks[0]: invalid value 'wifi=x': unknown key 'wifi'" },
        { "shares:\n  - /srv\n", "spec.yaml:2:5: shares[0]: invalid value '/srv': expected SOURCE_DIR:TAG[:ro]" },
        { "shares:\n  - {source: /srv}\n", "spec.yaml:2:5: a share needs source and tag" },
        { "cloud_init:\n  userdata: x\n", "spec.yaml:2:3: unknown key 'userdata' in 'cloud_init'" },
        { "name: [x\n", "spec.yaml:2:1: did not find expected ',' or ']'" },
        { "name: a\n---\nname: b\n", "spec.yaml:3:1: only one YAML document is allowed" },
        { "name: a\n  b: c\n", "spec.yaml:2:4: mapping values are not allowed in this context" },
    };

    guint bad = 0;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
        g_autoptr(GError) error = NULL;

        if (sevirt_spec_file_parse("spec.yaml", cases[i].text, strlen(cases[i].text), "/base",
                                   spec, &error))
            fail_msg("case %u '%s' was accepted", i, cases[i].text);
        if (!g_str_has_prefix(error->message, cases[i].message)) {
            fprintf(stderr, "MISMATCH %u\t%s\n", i, error->message);
            bad++;
        }
        assert_int_equal(error->code, SEVIRT_ERROR_INVALID);
    }
    assert_int_equal(bad, 0);
}

/* libyaml has no depth limit and slows down with depth: 1 MiB of '['
 * took minutes.  The spec loader stops at the first level too deep, at once. */
static void
test_deep_nesting(void **state G_GNUC_UNUSED)
{
    const gsize depth = 1024 * 1024;
    g_autoptr(GString) text = g_string_new("a: ");
    g_autoptr(GError) error = NULL;
    gint64 start;

    for (gsize i = 0; i < depth; i++)
        g_string_append_c(text, '[');
    start = g_get_monotonic_time();
    {
        g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();

        assert_false(sevirt_spec_file_parse("spec.yaml", text->str, text->len, "/base", spec,
                                            &error));
    }
    assert_true(g_get_monotonic_time() - start < 5 * G_USEC_PER_SEC);
    /* the root mapping is level 1: the 64th '[' (column 4 + 63) is level 65 */
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "spec.yaml:1:67: nested more than 64 levels deep");

    /* 64 levels are fine as YAML (and then not a valid spec) */
    g_string_assign(text, "a: ");
    for (guint i = 0; i < 63; i++)
        g_string_append_c(text, '[');
    for (guint i = 0; i < 63; i++)
        g_string_append_c(text, ']');
    {
        g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();

        assert_false(sevirt_spec_file_parse("spec.yaml", text->str, text->len, "/base", spec,
                                            &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "unknown key 'a'");
    }
}

/* Values only validation can judge are reported at their place in the file. */
static void
test_validation_errors(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        int code;
        const char *message;
    } cases[] = {
        { "memory: 10\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:9: Invalid memory size 10 MiB: expected 128 to 16777216 MiB" },
        { "name: a/b\n", SEVIRT_ERROR_INVALID, "spec.yaml:1:7: Invalid domain name 'a/b'" },
        { "sev:\n  type: sev\n  policy: 0x37\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:3:11: SEV policy 0x0037 has the ES bit (0x4) set" },
        { "sev: {type: sev-snp, policy: 0x10000}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:30: SEV-SNP policy 0x00010000 clears bit 17 (0x20000)" },
        { "sev: {type: sev, policy: smt}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:26: policy: 'smt' is a SEV-SNP policy flag, not a SEV one" },
        { "sev: {policy: smt}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:15: policy: 'smt' is a SEV-SNP policy flag, not a SEV one" },
        { "sev: {type: none, policy: nodbg}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:27: policy: a plain guest (SEV type 'none') has no policy" },
        { "sev: {type: none, cbitpos: 51}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:28: A plain guest (SEV type 'none') takes no cbitpos" },
        { "initrd: /boot/initrd.img\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:9: An initrd needs a kernel (direct kernel boot)" },
        { "cmdline: quiet\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:10: A kernel command line needs a kernel" },
        { "kernel: vmlinuz\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:9: Kernel path 'vmlinuz' is not absolute" },
        { "kernel: /k\ninitrd: initrd.img\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:2:9: Initrd path 'initrd.img' is not absolute" },
        { "firmware: OVMF.fd\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:11: Firmware path 'OVMF.fd' is not absolute" },
        { "emulator: qemu\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:11: Emulator path 'qemu' is not absolute" },
        { "networks: [none, bridge=br0]\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:12: Network 'none' cannot be combined with other networks" },
        { "shares:\n  - /a:t\n  - /b:u\n  - /c:t\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:4:5: Two shares use the mount tag 't'" },
        { "sev:\n  kernel_hashes: true\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:2:18: Kernel hashes need a kernel (direct kernel boot)" },
        { "cpu: ''\n", SEVIRT_ERROR_INVALID, "spec.yaml:1:6: The CPU model is empty" },
        { "machine: ''\n", SEVIRT_ERROR_INVALID, "spec.yaml:1:10: The machine type is empty" },
        { "sev: {type: sev-snp, dh_cert: godh.b64, session: session.b64}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:31: SEV-SNP guests take no dhCert or session" },
        { "sev: {session: session.b64}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:16: An attested launch needs both the dhCert and the session" },
        { "cloud_init: {user_data: nonexist}\n", SEVIRT_ERROR_NOT_FOUND,
          "spec.yaml:1:25: cloud_init.user_data: Cannot read '@DIR@/nonexist': No such file" },
        { "cloud_init:\n  meta_data: /\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:2:14: cloud_init.meta_data: '/' is not a regular file" },
        { "cloud_init: {network_config: nonexist}\n", SEVIRT_ERROR_NOT_FOUND,
          "spec.yaml:1:30: cloud_init.network_config: Cannot read '@DIR@/nonexist'" },
        { "cloud_init: {ssh_key: nonexist.pub}\n", SEVIRT_ERROR_NOT_FOUND,
          "spec.yaml:1:23: cloud_init.ssh_key: Cannot read '@DIR@/nonexist.pub'" },
        { "cloud_init: {ssh_key: ../cloudinit/not-a-key.pub}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:23: cloud_init.ssh_key: '@DIR@/../cloudinit/not-a-key.pub' line 1 is not "
          "an OpenSSH public key: it is a private key" },
        { "cloud_init: {ssh_key: godh.b64}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:23: cloud_init.ssh_key: '@DIR@/godh.b64' line 1 is not an OpenSSH "
          "public key: expected 'TYPE BASE64 [COMMENT]'" },
        { "cloud_init: {ssh_key: full.yaml}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:23: cloud_init.ssh_key: '@DIR@/full.yaml' line 2 is not an OpenSSH "
          "public key: unknown key type" },
        { "cloud_init: {hostname: -x-}\n", SEVIRT_ERROR_INVALID,
          "spec.yaml:1:24: Invalid hostname '-x-'" },
    };
    /* The blobs of the attested launch are in tests/data/specfile. */
    g_autofree char *dir = sevirt_test_data_path("specfile");
    guint bad = 0;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) parts = g_strsplit(cases[i].message, "@DIR@", -1);
        g_autofree char *want = g_strjoinv(dir, parts);

        if (!sevirt_spec_file_parse("spec.yaml", cases[i].text, strlen(cases[i].text), dir,
                                    spec, &error))
            fail_msg("case %u '%s' failed to load: %s", i, cases[i].text, error->message);
        if (!spec->name)
            spec->name = g_strdup("v");
        if (sevirt_create_prepare(spec, NULL, 0, NULL, &error))
            fail_msg("case %u '%s' was accepted", i, cases[i].text);
        if (!g_str_has_prefix(error->message, want) || error->code != cases[i].code) {
            fprintf(stderr, "MISMATCH %u\t%d %s\n", i, error->code, error->message);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* A value replaced after loading no longer points into the file. */
static void
test_cleared_mark(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = parse_ok("name: v\nmemory: 10\ndisks: [path=/a.img]\n");
    g_autoptr(GError) error = NULL;

    assert_string_equal(sevirt_vm_spec_get_mark(spec, "memory"), "spec.yaml:2:9");
    assert_string_equal(sevirt_vm_spec_get_mark(spec, "disks[0]"), "spec.yaml:3:9");
    sevirt_vm_spec_clear_mark(spec, "disks");
    assert_null(sevirt_vm_spec_get_mark(spec, "disks[0]"));
    sevirt_vm_spec_clear_mark(spec, "memory");
    assert_false(sevirt_vm_spec_validate(spec, NULL, NULL, &error));
    assert_true(g_str_has_prefix(error->message, "Invalid memory size 10 MiB"));
    assert_non_null(sevirt_vm_spec_get_mark(spec, "name"));
}

/* The examples installed under data/examples/ are valid spec files. */
static void
test_examples(void **state G_GNUC_UNUSED)
{
    g_autofree char *dir = sevirt_test_data_path("../../data/examples");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint n = 0;

    assert_non_null(d);
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
        g_autoptr(GError) error = NULL;

        if (!g_str_has_suffix(name, ".yaml"))
            continue;
        if (!sevirt_spec_file_load(path, spec, &error))
            fail_msg("example %s: %s", name, error->message);
        assert_non_null(spec->name);
        n++;
    }
    assert_true(n >= 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_keys),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_item_forms_agree),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_cleared_mark),
        cmocka_unit_test(test_examples),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
