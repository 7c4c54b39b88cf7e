/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for host capabilities: the domain-capabilities parser on
 * fixture hosts, QEMU firmware descriptors, the preflight checks on a fake
 * local file system, the emulated platform.
 */
#include <config.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"

#include <libvirt/virterror.h>

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

    /* libvirt 9.0 does not list interface backends */
    assert_int_equal(caps->passt, SEVIRT_TRISTATE_DEFAULT);

    /* running guests are unknown until counted */
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), -1);
    caps->guests_running = 4;
    caps->es_guests_running = 490;
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), 11);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_ES), 4);
    caps->es_guests_running = 494;
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_ES), 0);
    /* no SNP here at all, and no <launchSecurity> list (before libvirt 10.5) */
    assert_null(caps->launch_security_types);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SNP), 0);
    /* plain guests need no ASID */
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_NONE), SEVIRT_HOST_SLOTS_UNLIMITED);
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
    assert_int_equal(caps->passt, SEVIRT_TRISTATE_YES);

    /* all ASIDs went to SEV-ES/SNP: a real 0, unlike the emulated platform's */
    caps->guests_running = 0;
    caps->es_guests_running = 9;
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), 0);
    /* SNP shares the SEV-ES pool */
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SNP), 500);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_ES), 500);
}

/* libvirt 11.3's own output on a host without SEV: it says no to both. */
static void
test_domcaps_libvirt_11_3_tcg(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = load_caps("libvirt-11.3-tcg.xml");

    assert_string_equal(caps->domain_type, "qemu");
    assert_string_equal(caps->machine, "pc-q35-10.0");
    assert_false(caps->sev);
    assert_false(caps->sev_snp);
    assert_non_null(caps->launch_security_types);
    assert_int_equal(caps->launch_security_types->len, 0);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SNP), 0);
    /* Debian 13's ovmf: pflash builds only, none of them for SNP */
    assert_int_equal(caps->loaders->len, 3);
    assert_string_equal(g_ptr_array_index(caps->loaders, 2), "/usr/share/OVMF/OVMF_CODE_4M.fd");
}

static void
test_domcaps_snp_11_3(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = load_caps("amd-snp-11.3.xml");

    assert_true(caps->sev);
    assert_true(caps->sev_es);
    assert_true(caps->sev_snp);
    assert_int_equal(caps->launch_security_types->len, 2);
    assert_string_equal(g_ptr_array_index(caps->launch_security_types, 1), "sev-snp");
    caps->guests_running = 2;
    caps->es_guests_running = 3;
    /* SNP and SEV-ES guests draw on the same maxESGuests ASIDs */
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), 7);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_ES), 497);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SNP), 497);
}

static void
test_domcaps_passt(void **state G_GNUC_UNUSED)
{
    /* a libvirt that lists interface backends, without passt */
    static const char xml[] =
        "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain>"
        "<devices><interface supported='yes'><enum name='backendType'><value>default</value>"
        "</enum></interface></devices></domainCapabilities>";
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtHostCaps) caps = sevirt_host_caps_parse_domcaps(xml, &error);
    g_autofree char *why = NULL;

    assert_non_null(caps);
    assert_int_equal(caps->passt, SEVIRT_TRISTATE_NO);
    why = sevirt_host_caps_passt_refusal(caps);
    assert_string_equal(why, "this host's libvirt was built without passt support: user-mode "
                             "networking with port forwarding is unavailable");
    g_free(why);
    caps->libvirt_version = 8000000;
    why = sevirt_host_caps_passt_refusal(caps);
    assert_string_equal(why, "this host's libvirt 8.0.0 predates passt (9.0): user-mode "
                             "networking with port forwarding is unavailable");
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
    /* libvirt's 0 and 0 come from the host's CPUID: no limit, not "full" */
    assert_int_equal(caps->max_guests, -1);
    assert_int_equal(caps->max_es_guests, -1);
    caps->guests_running = 3;
    caps->es_guests_running = 2;
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SEV), SEVIRT_HOST_SLOTS_UNLIMITED);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_ES), SEVIRT_HOST_SLOTS_UNLIMITED);
    assert_int_equal(sevirt_host_caps_free_slots(caps, SEVIRT_SEV_SNP), 0);

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
    /* a FIFO is refused, not waited on */
    {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
        g_autofree char *fifo = g_build_filename(dir, "50-fifo.json", NULL);

        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_null(sevirt_firmware_parse(fifo, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                                 "50-fifo.json' is not a regular file");
        g_unlink(fifo);
        g_rmdir(dir);
    }
}

/* ---------------------------------------------------------------------- */
/* running guests, on libvirt's test driver */

/* Defines and starts a guest of @emulator with launch security @type. */
static void
start_guest(virConnectPtr conn, const char *name, const char *emulator, const char *type,
            const char *policy)
{
    g_autofree char *launch = type ? g_strdup_printf("<launchSecurity type='%s'><policy>%s</policy>"
                                                     "</launchSecurity>", type, policy)
                                   : g_strdup("");
    g_autofree char *xml = g_strdup_printf("<domain type='test'><name>%s</name><memory>65536</memory>"
                                           "<os><type>hvm</type></os><devices><emulator>%s</emulator>"
                                           "</devices>%s</domain>", name, emulator, launch);
    g_autoptr(virDomain) dom = virDomainDefineXML(conn, xml);

    if (!dom || virDomainCreate(dom) < 0)
        fail_msg("%s: %s", name, virGetLastErrorMessage());
}

static void
test_count_guests(void **state G_GNUC_UNUSED)
{
    static const char qemu[] = "/usr/bin/qemu-system-x86_64";
    static const char emu[] = "/usr/libexec/sevirt-qemu-emu";
    g_autoptr(GError) error = NULL;
    g_autoptr(virConnect) conn = sevirt_connect("test:///default", NULL, &error);
    g_autoptr(SevirtHostCaps) hw = load_caps("amd-sev-es.xml");
    g_autoptr(SevirtHostCaps) emulated = load_caps("emulated.xml");
    g_autoptr(virDomain) stopped = NULL;

    assert_non_null(conn);
    start_guest(conn, "sev", qemu, "sev", "0x0001");
    start_guest(conn, "sev-es", qemu, "sev", "0x0005");
    start_guest(conn, "sev-es-2", qemu, "sev", "5");
    start_guest(conn, "plain", qemu, NULL, NULL);
    start_guest(conn, "emu-sev", emu, "sev", "0x0001");
    start_guest(conn, "emu-sev-es", emu, "sev", "0x0005");
    /* a stopped guest holds no ASID */
    start_guest(conn, "stopped", qemu, "sev", "0x0001");
    stopped = virDomainLookupByName(conn, "stopped");
    assert_int_equal(virDomainDestroy(stopped), 0);

    /* the test driver's own "test" domain runs too, without launch security */
    assert_true(sevirt_host_caps_count_guests(hw, conn, &error));
    assert_int_equal(hw->guests_running, 1);
    assert_int_equal(hw->es_guests_running, 2);
    assert_int_equal(sevirt_host_caps_free_slots(hw, SEVIRT_SEV_SEV), 14);
    assert_int_equal(sevirt_host_caps_free_slots(hw, SEVIRT_SEV_ES), 492);

    /* the emulated platform counts its own guests, and has room for more */
    assert_true(sevirt_host_caps_count_guests(emulated, conn, &error));
    assert_int_equal(emulated->guests_running, 1);
    assert_int_equal(emulated->es_guests_running, 1);
    assert_int_equal(sevirt_host_caps_free_slots(emulated, SEVIRT_SEV_ES), SEVIRT_HOST_SLOTS_UNLIMITED);
}

/* ---------------------------------------------------------------------- */
/* the emulated platform's description */

static SevirtEmuInfo *
load_emu_info(const char *name)
{
    g_autofree char *rel = g_strdup_printf("emu-info/%s", name);
    g_autofree char *json = sevirt_test_read_data(rel, NULL);
    g_autoptr(GError) error = NULL;
    SevirtEmuInfo *info = sevirt_emu_info_parse(json, &error);

    if (!info)
        fail_msg("%s: %s", name, error->message);
    return info;
}

static void
test_emu_info_parse(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtEmuInfo) info = load_emu_info("identity.json");
    g_autoptr(SevirtEmuInfo) bare = load_emu_info("no-identity.json");
    g_autoptr(SevirtEmuInfo) old = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *summary = NULL;

    assert_string_equal(info->notice, "EMULATED SEV PLATFORM: no memory encryption, no confidentiality");
    assert_string_equal(info->state_dir, "/var/lib/sevirt/emu");
    assert_string_equal(info->qemu, "/usr/bin/qemu-system-x86_64");
    assert_int_equal(info->api_major, 1);
    assert_int_equal(info->api_minor, 55);
    assert_int_equal(info->build_id, 21);
    assert_int_equal(info->cpu_family, 25);
    assert_int_equal(info->cpu_model, 1);
    assert_int_equal(info->cpu_stepping, 1);
    assert_string_equal(info->identity_dir, "/var/lib/sevirt/emu/platform");
    assert_null(info->identity_error);

    assert_null(bare->identity_dir);
    assert_true(strstr(bare->identity_error, "run 'sevirt emulator-setup'"));

    /* an emulator that does not say some of it: unknown, not 0 */
    old = sevirt_emu_info_parse("{\"emulated\": true, \"cpu_family\": \"25\"}", &error);
    assert_non_null(old);
    assert_int_equal(old->cpu_family, -1);
    assert_int_equal(old->api_major, -1);
    assert_null(old->state_dir);
    assert_non_null(old->identity_error);
    summary = sevirt_emu_info_summary(info);
    assert_string_equal(summary, "SEV API 1.55 build 21, CPU family 25 model 1 stepping 1");
    g_free(summary);
    summary = sevirt_emu_info_summary(old);
    assert_string_equal(summary, "SEV API ?.? build ?, CPU family ? model ? stepping ?");

    assert_null(sevirt_emu_info_parse("{\"emulated\": false}", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "does not say \"emulated\": true");
    assert_null(sevirt_emu_info_parse("[]", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "does not say");
    assert_null(sevirt_emu_info_parse("QEMU emulator version 7.2", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "Cannot parse the emulated platform's description");
}

static void
test_emu_info_query(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;

    /* a program that is not the emulator */
    assert_null(sevirt_emu_info_query("/bin/false", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, "'/bin/false --emu-info' failed");
    assert_null(sevirt_emu_info_query("/nonexistent/sevirt-qemu-emu", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                             "Cannot run '/nonexistent/sevirt-qemu-emu --emu-info'");
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

/* ROOT/dev/sev: a link to @target (libvirt follows links, and a test can
 * make no device node), a plain file ("") or nothing (NULL). */
static void
set_dev_sev(const char *root, const char *target)
{
    g_autofree char *path = g_build_filename(root, "dev", "sev", NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    g_unlink(path);
    if (!target)
        return;
    assert_int_equal(g_mkdir_with_parents(dir, 0755), 0);
    if (*target)
        assert_int_equal(symlink(target, path), 0);
    else
        write_file(root, "dev/sev", "");
}

/* Any character device but the null device stands for the SEV driver's. */
#define SEV_DEVICE "/dev/zero"
#define NULL_DEVICE "/dev/null"

static char *
make_root(gboolean sev, gboolean sev_es, gboolean dev_sev, gboolean memlock_ok)
{
    char *root = g_dir_make_tmp("sevirt-root-XXXXXX", NULL);

    write_file(root, "sys/module/kvm_amd/parameters/sev", sev ? "Y\n" : "N\n");
    write_file(root, "sys/module/kvm_amd/parameters/sev_es", sev_es ? "1\n" : "0\n");
    set_dev_sev(root, dev_sev ? SEV_DEVICE : NULL);
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

        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
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
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_PASS, "a character device");
    assert_check(checks, "virtualization type", SEVIRT_CHECK_PASS, "kvm");
    assert_check(checks, "SEV in domain capabilities", SEVIRT_CHECK_PASS, "cbitpos 51");
    assert_check(checks, "SEV-ES in domain capabilities", SEVIRT_CHECK_PASS, NULL);
    assert_check(checks, "free ASID slots", SEVIRT_CHECK_PASS, "494 of 494 SEV-ES slots free");
    assert_check(checks, "firmware", SEVIRT_CHECK_PASS, "/fw/OVMF.amdsev.fd supports amd-sev-es");
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_PASS, "no limit");
    /* libvirt 9.0 does not say; not an SEV matter, so never a failure */
    assert_check(checks, "user-mode networking (passt)", SEVIRT_CHECK_WARN, "cannot tell");
    remove_tree(root);
}

static void
test_check_dev_sev(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("amd-sev-es.xml");
    g_autofree char *root = make_root(TRUE, TRUE, TRUE, TRUE);
    g_autofree char *path = g_build_filename(root, "dev", "sev", NULL);
    g_autoptr(GPtrArray) checks = NULL;
    g_autoptr(GError) error = NULL;
    SevirtDevSev kind;

    assert_true(sevirt_dev_sev_examine(path, &kind, &error));
    assert_int_equal(kind, SEVIRT_DEV_SEV_DEVICE);

    /* the emulated platform's placeholder is no SEV hardware, and says where it came from */
    set_dev_sev(root, NULL_DEVICE);
    assert_true(sevirt_dev_sev_examine(path, &kind, &error));
    assert_int_equal(kind, SEVIRT_DEV_SEV_PLACEHOLDER);
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_FAIL,
                 "the null device (1:3) that 'sevirt emulator-setup' created for the emulated "
                 "platform: harmless, but no SEV hardware is behind it");
    assert_true(strstr(find_check(checks, "/dev/sev")->fix, "sevirt emulator-setup --undo"));
    g_ptr_array_unref(checks);

    set_dev_sev(root, "");
    assert_true(sevirt_dev_sev_examine(path, &kind, &error));
    assert_int_equal(kind, SEVIRT_DEV_SEV_NOT_DEVICE);
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_FAIL, "not a character device");
    g_ptr_array_unref(checks);

    set_dev_sev(root, NULL);
    assert_true(sevirt_dev_sev_examine(path, &kind, &error));
    assert_int_equal(kind, SEVIRT_DEV_SEV_ABSENT);
    /* a dangling link is as good as nothing */
    set_dev_sev(root, "/nonexistent/sev");
    assert_true(sevirt_dev_sev_examine(path, &kind, &error));
    assert_int_equal(kind, SEVIRT_DEV_SEV_ABSENT);
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_FAIL, "does not exist");
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

/* libvirt's modular daemons: the QEMU driver runs in virtqemud. */
static void
test_check_memlock_virtqemud(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtHostCaps) caps = ready_caps("amd-sev-es.xml");
    g_autofree char *root = make_root(TRUE, TRUE, TRUE, FALSE);
    g_autofree char *pidfile = g_build_filename(root, "run", "libvirtd.pid", NULL);
    g_autoptr(GPtrArray) checks = NULL;

    write_file(root, "run/virtqemud.pid", "4343\n");
    write_file(root, "proc/4343/limits",
               "Max locked memory         65536                unlimited            bytes     \n");
    write_file(root, "proc/4343/status", "CapEff:\t0000000000000000\n");
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_PASS, "no limit");
    g_ptr_array_unref(checks);

    /* CAP_SYS_RESOURCE lets it raise a low limit */
    write_file(root, "proc/4343/limits",
               "Max locked memory         65536                65536                bytes     \n");
    write_file(root, "proc/4343/status", "Name:\tvirtqemud\nCapEff:\t0000000001000000\n");
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_PASS, "it may raise its limit");
    g_ptr_array_unref(checks);

    /* a pid file naming no process; and none at all: unknown, not sevirt's own limit */
    write_file(root, "run/virtqemud.pid", "999999\n");
    g_unlink(pidfile);
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_WARN, "cannot read");
    g_ptr_array_unref(checks);
    write_file(root, "run/virtqemud.pid", "not a pid\n");
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_WARN, "cannot read");
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
    assert_check(checks, "user-mode networking (passt)", SEVIRT_CHECK_PASS, "--network user works");
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

        assert_false(g_str_has_prefix(c->name, "kvm_amd"));
        assert_false(g_str_equal(c->name, "/dev/sev"));
        assert_false(g_str_equal(c->name, "locked memory limit"));
    }
    g_ptr_array_unref(checks);

    /* a local SNP host: its guests lock no memory, whatever the limit */
    {
        g_autofree char *root = make_root(TRUE, TRUE, TRUE, FALSE);

        write_file(root, "sys/module/kvm_amd/parameters/sev_snp", "Y\n");
        checks = sevirt_host_check(caps, SEVIRT_SEV_SNP, root);
        assert_check(checks, "locked memory limit", SEVIRT_CHECK_PASS,
                     "not needed: SEV-SNP guests do not lock their memory");
        assert_check(checks, "kvm_amd sev_snp parameter", SEVIRT_CHECK_PASS, NULL);
        g_ptr_array_unref(checks);
        remove_tree(root);
    }

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
    g_autoptr(GPtrArray) checks = NULL;

    caps->emu_info = load_emu_info("identity.json");
    set_dev_sev(root, NULL_DEVICE);
    /* a memlock limit that would fail SEV on hardware */
    write_file(root, "run/libvirtd.pid", "4242\n");
    write_file(root, "proc/4242/limits",
               "Max locked memory         8388608              8388608              bytes     \n");
    write_file(root, "proc/4242/status", "CapEff:\t0000000000000000\n");
    checks = sevirt_host_check(caps, SEVIRT_SEV_ES, root);

    /* the root has no kvm_amd: no hardware check is run */
    assert_false(sevirt_host_check_failed(checks));
    assert_check(checks, "emulated platform", SEVIRT_CHECK_WARN, "no memory encryption");
    assert_check(checks, "emulated platform identity", SEVIRT_CHECK_PASS,
                 "certificates in /var/lib/sevirt/emu/platform (SEV API 1.55 build 21, "
                 "CPU family 25 model 1 stepping 1)");
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_PASS,
                 "the placeholder 'sevirt emulator-setup' created (the null device 1:3)");
    assert_check(checks, "virtualization type", SEVIRT_CHECK_PASS, "qemu");
    assert_check(checks, "free ASID slots", SEVIRT_CHECK_PASS, "emulated");
    assert_check(checks, "locked memory limit", SEVIRT_CHECK_PASS,
                 "not needed: guests of the emulated platform lock no memory");
    for (guint i = 0; i < checks->len; i++)
        assert_false(g_str_has_prefix(((SevirtHostCheck *) g_ptr_array_index(checks, i))->name,
                                      "kvm_amd"));
    g_ptr_array_unref(checks);

    /* SEV hardware's /dev/sev does as well */
    set_dev_sev(root, SEV_DEVICE);
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_PASS, "a character device");
    g_ptr_array_unref(checks);

    /* not set up: no /dev/sev, no identity; the fix names the setup command */
    set_dev_sev(root, NULL);
    sevirt_emu_info_free(caps->emu_info);
    caps->emu_info = load_emu_info("no-identity.json");
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_true(sevirt_host_check_failed(checks));
    assert_check(checks, "/dev/sev", SEVIRT_CHECK_FAIL, "libvirt refuses to start SEV domains without it");
    assert_check(checks, "emulated platform identity", SEVIRT_CHECK_FAIL,
                 "no platform identity in /tmp/scratch-state");
    assert_string_equal(find_check(checks, "/dev/sev")->fix,
                        "run 'sevirt emulator-setup --emulator /usr/libexec/sevirt-qemu-emu' as root");
    assert_string_equal(find_check(checks, "emulated platform identity")->fix,
                        "run 'sevirt emulator-setup --emulator /usr/libexec/sevirt-qemu-emu' as root");
    g_ptr_array_unref(checks);

    /* the emulator did not answer */
    g_clear_pointer(&caps->emu_info, sevirt_emu_info_free);
    caps->emu_info_error = g_strdup("'/usr/libexec/sevirt-qemu-emu --emu-info' failed: boom");
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, root);
    assert_check(checks, "emulated platform identity", SEVIRT_CHECK_FAIL, "failed: boom");
    g_ptr_array_unref(checks);

    /* a remote host: what cannot be seen is a warning, nothing fails */
    set_dev_sev(root, NULL);
    checks = sevirt_host_check(caps, SEVIRT_SEV_SEV, NULL);
    assert_false(sevirt_host_check_failed(checks));
    assert_check(checks, "emulated platform identity", SEVIRT_CHECK_WARN, "remote host");
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *c = g_ptr_array_index(checks, i);

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
        cmocka_unit_test(test_domcaps_libvirt_11_3_tcg),
        cmocka_unit_test(test_domcaps_snp_11_3),
        cmocka_unit_test(test_domcaps_passt),
        cmocka_unit_test(test_domcaps_no_sev),
        cmocka_unit_test(test_domcaps_emulated),
        cmocka_unit_test(test_domcaps_bad),
        cmocka_unit_test(test_firmware_list),
        cmocka_unit_test(test_firmware_usr_only),
        cmocka_unit_test(test_firmware_parse_errors),
        cmocka_unit_test(test_count_guests),
        cmocka_unit_test(test_emu_info_parse),
        cmocka_unit_test(test_emu_info_query),
        cmocka_unit_test(test_check_good_host),
        cmocka_unit_test(test_check_bad_host),
        cmocka_unit_test(test_check_dev_sev),
        cmocka_unit_test(test_check_memlock_virtqemud),
        cmocka_unit_test(test_check_no_module_no_sev),
        cmocka_unit_test(test_check_snp),
        cmocka_unit_test(test_check_emulated),
    };

    sevirt_libvirt_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
