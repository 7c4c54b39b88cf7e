/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for host capabilities: the domain-capabilities parser on
 * fixture hosts, QEMU firmware descriptors, the preflight checks on a fake
 * local file system, the emulated platform.
 */
#include <config.h>

#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"

static SevirtHostCaps *
load_caps(const char *name)
{
    g_autofree char *rel = g_strdup_printf("domcaps/%s", name);
    g_autofree char *xml = sevirt_test_read_data(rel, NULL);
    g_autoptr(GError) error = NULL;
    SevirtHostCaps *caps = sevirt_host_caps_parse_domcaps(xml, &error);

    if (!caps)
        fail_msg("%s: %s", name, error->message);
    return caps;
}

static void
test_domcaps_sev_es(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = load_caps("amd-sev-es.xml");

    assert_string_equal(caps->emulator, "/usr/bin/qemu-system-x86_64");
    assert_string_equal(caps->domain_type, "kvm");
    assert_string_equal(caps->machine, "pc-q35-7.2");
    assert_int_equal(caps->max_vcpus, 288);
    assert_false(caps->emulated);
    assert_true(caps->sev);
    assert_true(caps->sev_es);
    assert_false(caps->sev_snp);
    assert_int_equal(caps->cbitpos, 51);
    assert_int_equal(caps->reduced_phys_bits, 1);
    assert_int_equal(caps->max_guests, 15);
    assert_int_equal(caps->max_es_guests, 494);
    assert_int_equal(caps->loaders->len, 2);
    assert_string_equal(g_ptr_array_index(caps->loaders, 0), "/usr/share/OVMF/OVMF_CODE_4M.fd");
    assert_true(sevirt_host_caps_supports(caps, SEVIRT_SEV_SEV));
    assert_true(sevirt_host_caps_supports(caps, SEVIRT_SEV_ES));
    assert_false(sevirt_host_caps_supports(caps, SEVIRT_SEV_SNP));
    assert_true(sevirt_host_caps_supports(caps, SEVIRT_SEV_NONE));

    /* running guests are unknown until counted */
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), -1);
    caps->guests_running = 4;
    caps->es_guests_running = 494;
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), 11);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_ES), 0);
    /* SNP shares the SEV-ES pool */
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SNP), 0);
}

static void
test_domcaps_snp(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = load_caps("amd-snp-10.5.xml");

    assert_true(caps->sev);
    assert_true(caps->sev_es);
    assert_true(caps->sev_snp);
    assert_int_equal(caps->max_guests, 0);
    assert_int_equal(caps->max_es_guests, 509);
    assert_int_equal(caps->max_vcpus, 4096);
    assert_true(sevirt_host_caps_supports(caps, SEVIRT_SEV_SNP));
}

static void
test_domcaps_no_sev(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = load_caps("no-sev.xml");

    assert_string_equal(caps->domain_type, "qemu");
    assert_false(caps->sev);
    assert_false(caps->sev_es);
    assert_false(caps->sev_snp);
    assert_int_equal(caps->cbitpos, -1);
    assert_int_equal(caps->max_guests, -1);
    assert_false(sevirt_host_caps_supports(caps, SEVIRT_SEV_SEV));
    assert_false(sevirt_host_caps_supports(caps, SEVIRT_SEV_ES));
}

static void
test_domcaps_emulated(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = load_caps("emulated.xml");

    assert_true(caps->emulated);
    assert_true(caps->sev);
    /* no ES ASIDs reported, but the emulated platform has no ASIDs at all */
    assert_true(caps->sev_es);

    assert_true(sevirt_emulator_is_emulated("/usr/libexec/sevirt-qemu-emu"));
    assert_true(sevirt_emulator_is_emulated("sevirt-qemu-emu"));
    assert_false(sevirt_emulator_is_emulated("/usr/bin/qemu-system-x86_64"));
    assert_false(sevirt_emulator_is_emulated("/opt/sevirt-qemu-emu/qemu"));
    assert_false(sevirt_emulator_is_emulated("/usr/bin/sevirt-qemu-emu2"));
    assert_false(sevirt_emulator_is_emulated(NULL));
    assert_false(sevirt_emulator_is_emulated(""));
}

static void
test_domcaps_bad(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;

    assert_null(sevirt_host_caps_parse_domcaps("<domainCapabilities>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "Cannot parse domain capabilities");
    assert_null(sevirt_host_caps_parse_domcaps("", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "Cannot parse domain capabilities");
    assert_null(sevirt_host_caps_parse_domcaps("<capabilities/>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "the root element is <capabilities>");
}

static char *
firmware_dirs(void)
{
    g_autofree char *usr = sevirt_test_data_path("firmware/usr");
    g_autofree char *etc = sevirt_test_data_path("firmware/etc");

    return g_strdup_printf("%s:/nonexistent:%s", usr, etc);
}

static void
test_firmware_list(void **state G_GNUC_UNUSED)
{
    g_autofree char *dirs = firmware_dirs();
    g_autoptr(GPtrArray) list = sevirt_firmware_list_load(dirs);
    const SevirtFirmware *fw;

    /* 50 and 60 (from /etc): 70 is masked by an empty file, 80 is aarch64,
     * 85 is broken, 90 is BIOS. */
    assert_int_equal(list->len, 2);
    fw = g_ptr_array_index(list, 0);
    assert_string_equal(fw->executable, "/fw/OVMF_CODE.secboot.fd");
    assert_string_equal(fw->nvram_template, "/fw/OVMF_VARS.fd");
    assert_string_equal(fw->device, "flash");
    assert_true(sevirt_firmware_has_feature(fw, "secure-boot"));
    fw = g_ptr_array_index(list, 1);
    assert_string_equal(fw->executable, "/local/OVMF_CODE.fd");
    assert_string_equal(fw->description, "Local OVMF build with SEV-ES");
    assert_string_equal(fw->mode, "split");
    assert_true(g_str_has_suffix(fw->descriptor, "firmware/etc/60-ovmf.json"));

    /* Secure Boot builds need SMM: never picked for SEV */
    fw = sevirt_firmware_list_find(list, SEVIRT_SEV_SEV);
    assert_non_null(fw);
    assert_string_equal(fw->executable, "/local/OVMF_CODE.fd");
    fw = sevirt_firmware_list_find(list, SEVIRT_SEV_ES);
    assert_string_equal(fw->executable, "/local/OVMF_CODE.fd");
    assert_null(sevirt_firmware_list_find(list, SEVIRT_SEV_SNP));
    assert_null(sevirt_firmware_list_find(list, SEVIRT_SEV_NONE));
}

static void
test_firmware_usr_only(void **state G_GNUC_UNUSED)
{
    g_autofree char *usr = sevirt_test_data_path("firmware/usr");
    g_autoptr(GPtrArray) list = sevirt_firmware_list_load(usr);
    const SevirtFirmware *fw;

    assert_int_equal(list->len, 3);
    fw = sevirt_firmware_list_find(list, SEVIRT_SEV_SEV);
    assert_string_equal(fw->executable, "/fw/OVMF_CODE.fd");
    fw = sevirt_firmware_list_find(list, SEVIRT_SEV_SNP);
    assert_string_equal(fw->executable, "/fw/OVMF.amdsev.fd");
    assert_string_equal(fw->device, "memory");
    assert_null(fw->nvram_template);
    assert_string_equal(sevirt_firmware_feature_for(SEVIRT_SEV_ES), "amd-sev-es");
}

static void
test_firmware_parse_errors(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *file;
        const char *needle;
    } cases[] = {
        { "firmware/usr/85-broken.json", "Cannot parse firmware descriptor" },
        { "firmware/usr/80-aarch64.json", "it does not target x86_64" },
        { "firmware/usr/90-bios.json", "it is not a UEFI firmware" },
        { "firmware/etc/70-amdsev.json", "it is not a JSON object" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = sevirt_test_data_path(cases[i].file);
        g_autoptr(GError) error = NULL;

        assert_null(sevirt_firmware_parse(path, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, cases[i].needle);
    }
}

/* ---------------------------------------------------------------------- */
/* preflight checks on a fake root */

static void
write_file(const char *root, const char *rel, const char *content)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    assert_int_equal(g_mkdir_with_parents(dir, 0755), 0);
    assert_true(g_file_set_contents(path, content, -1, NULL));
}

static char *
make_root(gboolean sev, gboolean sev_es, gboolean dev_sev, gboolean memlock_ok)
{
    char *root = g_dir_make_tmp("sevirt-root-XXXXXX", NULL);

    write_file(root, "sys/module/kvm_amd/parameters/sev", sev ? "Y\n" : "N\n");
    write_file(root, "sys/module/kvm_amd/parameters/sev_es", sev_es ? "1\n" : "0\n");
    if (dev_sev)
        write_file(root, "dev/sev", "");
    write_file(root, "run/libvirtd.pid", "4242\n");
    write_file(root, "proc/4242/limits",
               memlock_ok
               ? "Limit                     Soft Limit           Hard Limit           Units     \n"
                 "Max locked memory         65536                unlimited            bytes     \n"
               : "Limit                     Soft Limit           Hard Limit           Units     \n"
                 "Max locked memory         8388608              8388608              bytes     \n");
    write_file(root, "proc/4242/status", "Name:\tlibvirtd\nCapEff:\t000001fffeffffff\n");
    return root;
}

static void
remove_tree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR))
            remove_tree(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

static const SevirtHostCheck *
find_check(GPtrArray *checks, const char *name)
{
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

        if (g_str_equal(c->name, name))
            return c;
    }
    fail_msg("no check named '%s'", name);
    return NULL;
}

static void
assert_check(GPtrArray *checks, const char *name, SevirtCheckStatus status, const char *needle)
{
    const SevirtHostCheck *c = find_check(checks, name);

    if (c->status != status)
        fail_msg("check '%s' is %s, expected %s: %s", name, sevirt_check_status_to_string(c->status),
                 sevirt_check_status_to_string(status), c->detail);
    if (needle && !strstr(c->detail, needle))
        fail_msg("check '%s': '%s' lacks '%s'", name, c->detail, needle);
    if (status == SEVIRT_CHECK_PASS)
        assert_null(c->fix);
    else
        assert_non_null(c->fix);
}

static SevirtHostCaps *
ready_caps(const char *fixture)
{
    SevirtHostCaps *caps = load_caps(fixture);
    g_autofree char *usr = sevirt_test_data_path("firmware/usr");

    caps->libvirt_version = 9000000;
    caps->guests_running = 2;
    caps->es_guests_running = 0;
    g_ptr_array_unref(caps->firmware);
    caps->firmware = sevirt_firmware_list_load(usr);
    caps->firmware_known = TRUE;
    return caps;
}

static void
test_check_good_host(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("amd-sev-es.xml");
    g_autofree char *root = make_root(TRUE, TRUE, TRUE, TRUE);
    g_autoptr(GPtrArray) checks = sevirt_host_check(caps, SEVIRT_SEV_ES, root);

    assert_false(sevirt_host_check_failed(checks));
    assert_check(checks, "libvirt version", SEVIRT_CHECK_PASS, "9.0.0");
    assert_check(checks, "kvm_amd module", SEVIRT_CHECK_PASS, NULL);
    assert_check(checks, "kvm_amd sev parameter", SEVIRT_CHECK_PASS, NULL);
    assert_check(checks, "kvm_amd sev_es parameter", SEVIRT_CHECK_PASS, NULL);
    /* not needed for SEV-ES, so only a warning */
    assert_check(checks, "kvm_amd sev_snp parameter", SEVIRT_CHECK_WARN, "no 'sev_snp' parameter");
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_PASS, NULL);
    assert_check(checks, "virtualization type", SEVIRT_CHECK_PASS, "kvm");
    assert_check(checks, "SEV in domain capabilities", SEVIRT_CHECK_PASS, "cbitpos 51");
    assert_check(checks, "SEV-ES in domain capabilities", SEVIRT_CHECK_PASS, NULL);
    assert_check(checks, "free ASID slots", SEVIRT_CHECK_PASS, "494 of 494 SEV-ES slots free");
    assert_check(checks, "firmware", SEVIRT_CHECK_PASS, "/fw/OVMF.amdsev.fd supports amd-sev-es");
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_PASS, "no limit");
    remove_tree(root);
}

static void
test_check_bad_host(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("amd-sev-es.xml");
    g_autofree char *root = make_root(TRUE, FALSE, FALSE, FALSE);
    g_autoptr(GPtrArray) checks = NULL;

    caps->guests_running = 15;
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_true(sevirt_host_check_failed(checks));
    assert_check(checks, "kvm_amd sev parameter", SEVIRT_CHECK_PASS, NULL);
    /* sev_es off only matters for SEV-ES guests */
    assert_check(checks, "kvm_amd sev_es parameter", SEVIRT_CHECK_WARN, "sev_es is disabled ('0')");
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_FAIL, "does not exist");
    assert_check(checks, "free ASID slots", SEVIRT_CHECK_FAIL, "all 15 SEV slots are in use");
    assert_check(checks, "firmware", SEVIRT_CHECK_PASS, "/fw/OVMF_CODE.fd");
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_FAIL,
                 "memlock hard limit is 8192 KiB and it lacks CAP_SYS_RESOURCE");
    g_ptr_array_unref(checks);

    checks = sevirt_host_check(caps, SEVIRT_SEV_ES, root);
    assert_check(checks, "kvm_amd sev_es parameter", SEVIRT_CHECK_FAIL, "sev_es is disabled");
    remove_tree(root);
}

static void
test_check_no_module_no_sev(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("no-sev.xml");
    g_autofree char *root = g_dir_make_tmp("sevirt-root-XXXXXX", NULL);
    g_autoptr(GPtrArray) checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);

    assert_true(sevirt_host_check_failed(checks));
    assert_check(checks, "kvm_amd module", SEVIRT_CHECK_FAIL, "not loaded");
    assert_check(checks, "virtualization type", SEVIRT_CHECK_FAIL, "cannot run encrypted guests");
    assert_check(checks, "SEV in domain capabilities", SEVIRT_CHECK_FAIL, "no SEV support");
    /* no proc files: the limit cannot be read */
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_WARN, "cannot read");
    remove_tree(root);
}

static void
test_check_snp(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("amd-snp-10.5.xml");
    g_autoptr(GPtrArray) checks = NULL;

    caps->libvirt_version = 10005000;
    /* remote host: no file checks, firmware unknown */
    caps->firmware_known = FALSE;
    checks = sevirt_host_check(caps, SEVIRT_SEV_SNP, NULL);
    assert_false(sevirt_host_check_failed(checks));
    assert_check(checks, "libvirt version", SEVIRT_CHECK_PASS, "10.5.0");
    assert_check(checks, "SEV-SNP in domain capabilities", SEVIRT_CHECK_PASS, NULL);
    assert_check(checks, "firmware", SEVIRT_CHECK_WARN, "remote host");
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

        assert_false(g_str_has_prefix(c->name, "kvm_amd"));
        assert_false(g_str_equal(c->name, "locked memory limit"));
    }
    g_ptr_array_unref(checks);

    /* an SNP-capable domcaps behind an old libvirt still fails on the version */
    caps->libvirt_version = 10004000;
    checks = sevirt_host_check(caps, SEVIRT_SEV_SNP, NULL);
    assert_check(checks, "libvirt version", SEVIRT_CHECK_FAIL,
                 "SEV-SNP guests need libvirt 10.5 or later, the host runs 10.4.0");
}

static void
test_check_emulated(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("emulated.xml");
    g_autofree char *root = g_dir_make_tmp("sevirt-root-XXXXXX", NULL);
    g_autoptr(GPtrArray) checks = sevirt_host_check(caps, SEVIRT_SEV_ES, root);

    /* the empty root would fail every hardware check: none is run */
    assert_false(sevirt_host_check_failed(checks));
    assert_check(checks, "emulated platform", SEVIRT_CHECK_WARN, "no memory encryption");
    assert_check(checks, "virtualization type", SEVIRT_CHECK_PASS, "qemu");
    assert_check(checks, "free ASID slots", SEVIRT_CHECK_PASS, "emulated");
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

        assert_false(g_str_has_prefix(c->name, "kvm_amd"));
        assert_false(g_str_equal(c->name, "/dev/sev"));
        assert_false(g_str_equal(c->name, "locked memory limit"));
    }
    remove_tree(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domcaps_sev_es),
        cmocka_unit_test(test_domcaps_snp),
        cmocka_unit_test(test_domcaps_no_sev),
        cmocka_unit_test(test_domcaps_emulated),
        cmocka_unit_test(test_domcaps_bad),
        cmocka_unit_test(test_firmware_list),
        cmocka_unit_test(test_firmware_usr_only),
        cmocka_unit_test(test_firmware_parse_errors),
        cmocka_unit_test(test_check_good_host),
        cmocka_unit_test(test_check_bad_host),
        cmocka_unit_test(test_check_no_module_no_sev),
        cmocka_unit_test(test_check_snp),
        cmocka_unit_test(test_check_emulated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
