/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for domain XML: golden files (byte for byte, each validated
 * with the installed libvirt RelaxNG schema when it knows the launch
 * security type), spec validation, the --disk/--network/--share parsers and
 * sevirt's metadata.
 */
#include <config.h>

#include <libvirt/virterror.h>

#include "test-common.h"
#include "sevirt.h"

static char *
fake_blob(gsize size)
{
    g_autofree guint8 *raw = g_malloc(size);

    for (gsize i = 0; i < size; i++)
        raw[i] = (guint8) (i * 7 + 1);
    return g_base64_encode(raw, size);
}

static SevirtHostCaps *
fixture_caps(const char *name)
{
    g_autofree char *rel = g_strdup_printf("domcaps/%s", name);
    g_autofree char *xml = sevirt_test_read_data(rel, NULL);
    SevirtHostCaps *caps = sevirt_host_caps_parse_domcaps(xml, NULL);

    assert_non_null(caps);
    caps->libvirt_version = strstr(name, "10.5") ? 10005000 : 9000000;
    caps->firmware_known = TRUE;
    return caps;
}

static SevirtVmSpec *
new_spec(const char *name, SevirtSevType type)
{
    SevirtVmSpec *spec = sevirt_vm_spec_new();

    spec->name = g_strdup(name);
    spec->sev_type = type;
    return spec;
}

static void
add_disk(SevirtVmSpec *spec, const char *text)
{
    g_autoptr(GError) error = NULL;
    SevirtDiskSpec *disk = sevirt_disk_spec_parse("--disk", text, &error);

    if (!disk)
        fail_msg("%s", error->message);
    g_ptr_array_add(spec->disks, disk);
}

static void
add_net(SevirtVmSpec *spec, const char *text)
{
    g_autoptr(GError) error = NULL;
    SevirtNetSpec *net = sevirt_net_spec_parse("--network", text, &error);

    if (!net)
        fail_msg("%s", error->message);
    g_ptr_array_add(spec->networks, net);
}

static void
add_share(SevirtVmSpec *spec, const char *text)
{
    g_autoptr(GError) error = NULL;
    SevirtShareSpec *share = sevirt_share_spec_parse("--share", text, &error);

    if (!share)
        fail_msg("%s", error->message);
    g_ptr_array_add(spec->shares, share);
}

static char *
schemadir(void)
{
    const char *env = g_getenv("LIBVIRT_SCHEMADIR");
    char *dir = g_strdup(env && *env ? env : LIBVIRT_SCHEMADIR);
    g_autofree char *rng = g_build_filename(dir, "domain.rng", NULL);

    sevirt_test_require(g_file_test(rng, G_FILE_TEST_IS_REGULAR),
                        "libvirt's domain.rng is not installed (libvirt-daemon)");
    return dir;
}

/*
 * Validates, builds, compares with the golden and checks the schema: the
 * installed libvirt must accept it, unless it predates the launch security
 * type, which sevirt_domxml_validate() must then say plainly.
 */
static void
check_golden(SevirtVmSpec *spec, const SevirtHostCaps *caps, const char *golden)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    g_autofree char *rel = g_strdup_printf("xml/%s", golden);
    g_autofree char *dir = schemadir();
    g_autofree char *common = g_build_filename(dir, "domaincommon.rng", NULL);
    g_autofree char *schema = NULL;

    if (!sevirt_vm_spec_validate(spec, caps, notes, &error))
        fail_msg("%s: %s", golden, error->message);
    xml = sevirt_domxml_format(spec, &error);
    if (!xml)
        fail_msg("%s: %s", golden, error->message);
    sevirt_test_golden(rel, xml);

    g_file_get_contents(common, &schema, NULL, NULL);
    if (spec->sev_type == SEVIRT_SEV_SNP) {
        /* libvirt 11.3's own schema, kept with the tests, says yes whatever
         * libvirt is installed. */
        g_autofree char *snp_dir = sevirt_test_data_path("libvirt-11.3-schemas");

        if (!sevirt_domxml_validate(xml, snp_dir, &error))
            fail_msg("%s (libvirt 11.3 schema): %s", golden, error->message);
        if (!(schema && strstr(schema, "<value>sev-snp</value>"))) {
            assert_false(sevirt_domxml_validate(xml, dir, &error));
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                                     "predates <launchSecurity type='sev-snp'> (libvirt 10.5)");
            return;
        }
    }
    if (!sevirt_domxml_validate(xml, dir, &error))
        fail_msg("%s: %s", golden, error->message);
}

static void
test_golden_sev_minimal(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("web1", SEVIRT_SEV_SEV);

    check_golden(spec, NULL, "sev-minimal.xml");
    assert_int_equal(spec->policy, 0x33);
}

static void
test_golden_sev_attested(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("attested", SEVIRT_SEV_SEV);
    g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-sev-es.xml");

    spec->dh_cert = fake_blob(SEVIRT_DH_CERT_SIZE);
    spec->session = fake_blob(SEVIRT_SESSION_SIZE);
    spec->firmware = g_strdup("/usr/share/OVMF/OVMF_CODE_4M.fd");
    spec->policy = 0x3;
    spec->policy_set = TRUE;
    check_golden(spec, caps, "sev-attested.xml");
}

static void
test_golden_sev_attested_auto_firmware(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("attested", SEVIRT_SEV_ES);
    g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-sev-es.xml");
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *usr = sevirt_test_data_path("firmware/usr");
    g_autoptr(GError) error = NULL;

    spec->dh_cert = fake_blob(SEVIRT_DH_CERT_SIZE);
    spec->session = fake_blob(SEVIRT_SESSION_SIZE);
    g_ptr_array_unref(caps->firmware);
    caps->firmware = sevirt_firmware_list_load(usr);
    /* "auto" picks the first descriptor with amd-sev-es */
    spec->firmware = g_strdup("auto");
    assert_true(sevirt_vm_spec_validate(spec, caps, notes, &error));
    assert_string_equal(spec->firmware, "/fw/OVMF.amdsev.fd");
    assert_int_equal(notes->len, 1);
    assert_non_null(strstr(g_ptr_array_index(notes, 0), "using firmware /fw/OVMF.amdsev.fd"));

    /* no descriptor for SNP-less SEV-ES here: an error naming the feature */
    g_clear_pointer(&spec->firmware, g_free);
    g_ptr_array_set_size(caps->firmware, 0);
    assert_false(sevirt_vm_spec_validate(spec, caps, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "no firmware descriptor lists 'amd-sev-es'");
    /* a remote host's descriptors are unknown */
    caps->firmware_known = FALSE;
    assert_false(sevirt_vm_spec_validate(spec, caps, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "remote host");
}

static void
test_golden_sev_es(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("es-guest", SEVIRT_SEV_ES);
    g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-sev-es.xml");

    spec->vcpus = 4;
    spec->memory_mib = 4096;
    add_disk(spec, "pool=default,size=20,backing=debian-12.qcow2");
    check_golden(spec, caps, "sev-es.xml");
    assert_int_equal(spec->policy, 0x37);
    assert_int_equal(spec->cbitpos, 51);
}

static void
test_golden_sev_snp(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("snp-guest", SEVIRT_SEV_SNP);
    g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-snp-10.5.xml");

    spec->vcpus = 2;
    add_disk(spec, "vol=default/snp-root.qcow2");
    check_golden(spec, caps, "sev-snp.xml");
    assert_int_equal(spec->policy, 0x30000);
}

static void
test_golden_sev_snp_firmware(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("snp-direct", SEVIRT_SEV_SNP);

    spec->firmware = g_strdup("/usr/share/OVMF/OVMF.amdsev.fd");
    spec->kernel = g_strdup("/var/lib/sevirt/vmlinuz");
    spec->cmdline = g_strdup("console=ttyS0");
    spec->policy = 0x1b0000;
    spec->policy_set = TRUE;
    check_golden(spec, NULL, "sev-snp-kernel.xml");
}

/* Every <launchSecurity type='sev-snp'> field libvirt 11 takes. */
static void
test_golden_sev_snp_full(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("snp-full", SEVIRT_SEV_SNP);
    g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-snp-11.3.xml");
    g_autofree guint8 *id_block = g_malloc(SEVIRT_SNP_ID_BLOCK_SIZE);
    g_autofree guint8 *id_auth = g_malloc0(SEVIRT_SNP_ID_AUTH_SIZE);
    guint8 host_data[32], gvw[SEVIRT_GUEST_WORKAROUNDS_SIZE] = { 0 };

    for (guint i = 0; i < SEVIRT_SNP_ID_BLOCK_SIZE; i++)
        id_block[i] = (guint8) i;
    for (guint i = 0; i < 32; i++)
        host_data[i] = (guint8) (0xa0 + i);
    id_auth[0] = 1;    /* ID key algorithm: ECDSA P-384 with SHA-384 */
    id_auth[4] = 1;    /* author key algorithm: the same */
    gvw[0] = 0x10;
    caps->libvirt_version = 11003000;
    spec->firmware = g_strdup("/usr/share/OVMF/OVMF.amdsev.fd");
    spec->kernel = g_strdup("/var/lib/sevirt/vmlinuz");
    spec->initrd = g_strdup("/var/lib/sevirt/initrd.img");
    spec->cmdline = g_strdup("console=ttyS0");
    /* SMT, reserved bit 17 and single-socket (bit 20) of the 64-bit policy. */
    spec->policy = G_GUINT64_CONSTANT(0x30000) | (G_GUINT64_CONSTANT(1) << 20);
    spec->policy_set = TRUE;
    spec->id_block = g_base64_encode(id_block, SEVIRT_SNP_ID_BLOCK_SIZE);
    spec->id_auth = g_base64_encode(id_auth, SEVIRT_SNP_ID_AUTH_SIZE);
    spec->host_data = g_base64_encode(host_data, sizeof(host_data));
    spec->guest_visible_workarounds = g_base64_encode(gvw, sizeof(gvw));
    spec->author_key = TRUE;
    spec->vcek = SEVIRT_TRISTATE_YES;
    check_golden(spec, caps, "sev-snp-full.xml");
    assert_int_equal(spec->kernel_hashes, SEVIRT_TRISTATE_YES);
}

static void
test_golden_sev_kernel(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("direct", SEVIRT_SEV_SEV);

    spec->kernel = g_strdup("/var/lib/sevirt/vmlinuz");
    spec->initrd = g_strdup("/var/lib/sevirt/initrd.img");
    spec->cmdline = g_strdup("console=ttyS0 root=/dev/vda1");
    spec->cbitpos = 47;
    spec->reduced_phys_bits = 1;
    add_share(spec, "/srv/task:task:ro");
    add_net(spec, "none");
    check_golden(spec, NULL, "sev-kernel.xml");
    assert_int_equal(spec->kernel_hashes, SEVIRT_TRISTATE_YES);
}

static void
test_golden_sev_kernel_no_hashes(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("direct", SEVIRT_SEV_SEV);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    spec->kernel = g_strdup("/boot/vmlinuz");
    spec->kernel_hashes = SEVIRT_TRISTATE_NO;
    assert_true(sevirt_vm_spec_validate(spec, NULL, NULL, &error));
    xml = sevirt_domxml_format(spec, &error);
    assert_non_null(strstr(xml, "<launchSecurity type=\"sev\" kernelHashes=\"no\">"));
}

static void
test_golden_plain(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("plain", SEVIRT_SEV_NONE);

    spec->virt_type = SEVIRT_VIRT_QEMU;
    spec->virt_type_set = TRUE;
    spec->memory_mib = 512;
    add_disk(spec, "path=/var/lib/libvirt/images/plain.qcow2");
    check_golden(spec, NULL, "plain.xml");
}

static void
test_golden_escaping(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("web<1>&\"o'k\"", SEVIRT_SEV_SEV);
    SevirtDiskSpec *seed = sevirt_disk_spec_new(SEVIRT_DISK_PATH);

    spec->kernel = g_strdup("/srv/a&b/<kernel>");
    spec->cmdline = g_strdup("console=ttyS0 msg=\"a<b & c>d\" it's");
    spec->firmware = g_strdup("/opt/fw & co/OVMF'CODE\".fd");
    add_disk(spec, "path=/srv/images/disk \"one\" & <two>.raw,format=raw");
    add_share(spec, "/srv/share & <x>:tag&1");
    add_net(spec, "network=net&<1>");
    seed->path = g_strdup("/srv/seeds/o'k&.iso");
    seed->cdrom = TRUE;
    g_ptr_array_add(spec->disks, seed);
    check_golden(spec, NULL, "escaping.xml");
}

static void
test_golden_devices(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("devices", SEVIRT_SEV_ES);
    g_autoptr(SevirtHostCaps) caps = fixture_caps("emulated.xml");
    SevirtDiskSpec *seed = sevirt_disk_spec_new(SEVIRT_DISK_NEW_VOLUME);

    spec->emulator = g_strdup("/usr/libexec/sevirt-qemu-emu");
    spec->cpu = g_strdup("EPYC-Milan");
    add_disk(spec, "pool=default,size=10");
    add_disk(spec, "pool=images,size=5,format=raw,name=data.raw");
    add_disk(spec, "vol=images/shared.qcow2,readonly");
    add_disk(spec, "path=/var/lib/libvirt/images/extra.img");
    seed->pool = g_strdup("default");
    seed->volume = g_strdup("devices-seed.iso");
    seed->format = g_strdup("raw");
    seed->cdrom = TRUE;
    g_ptr_array_add(spec->disks, seed);
    add_net(spec, "network=default,mac=52:54:00:AB:cd:01");
    add_net(spec, "bridge=br0");
    add_net(spec, "user,portfwd=2222:22,portfwd=8053:53/udp");
    add_share(spec, "/srv/task:task:ro");
    add_share(spec, "/srv/out:out");
    g_ptr_array_add(spec->owned_volumes, g_strdup("default/devices-disk0.qcow2"));
    g_ptr_array_add(spec->owned_volumes, g_strdup("default/devices-seed.iso"));
    check_golden(spec, caps, "devices.xml");
}

/* ---------------------------------------------------------------------- */
/* spec validation */

typedef void (*SpecTweak)(SevirtVmSpec *spec);

static void tw_empty_name(SevirtVmSpec *s) { g_free(s->name); s->name = g_strdup(""); }
static void tw_slash_name(SevirtVmSpec *s) { g_free(s->name); s->name = g_strdup("a/b"); }
static void tw_ctrl_name(SevirtVmSpec *s) { g_free(s->name); s->name = g_strdup("a\tb"); }
static void tw_vcpus0(SevirtVmSpec *s) { s->vcpus = 0; }
static void tw_vcpus_big(SevirtVmSpec *s) { s->vcpus = 5000; }
static void tw_mem_small(SevirtVmSpec *s) { s->memory_mib = 64; }
static void tw_mem_big(SevirtVmSpec *s) { s->memory_mib = SEVIRT_MAX_MEMORY_MIB + 1; }
static void tw_es_on_sev(SevirtVmSpec *s) { s->policy = 0x37; s->policy_set = TRUE; }
static void tw_snp_bit17(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_SNP; s->policy = 0x10000; s->policy_set = TRUE; }
static void tw_plain_policy(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_NONE; s->policy_set = TRUE; }
static void tw_plain_cbitpos(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_NONE; s->cbitpos = 51; }
static void tw_plain_hashes(SevirtVmSpec *s)
{
    s->sev_type = SEVIRT_SEV_NONE;
    s->kernel = g_strdup("/k");
    s->kernel_hashes = SEVIRT_TRISTATE_YES;
}
static void tw_cbitpos(SevirtVmSpec *s) { s->cbitpos = 64; }
static void tw_rpb(SevirtVmSpec *s) { s->reduced_phys_bits = 99; }
static void tw_dh_only(SevirtVmSpec *s) { s->dh_cert = fake_blob(SEVIRT_DH_CERT_SIZE); }
static void tw_dh_short(SevirtVmSpec *s)
{
    s->dh_cert = fake_blob(0x823);
    s->session = fake_blob(SEVIRT_SESSION_SIZE);
    s->firmware = g_strdup("/fw.fd");
}
static void tw_session_long(SevirtVmSpec *s)
{
    s->dh_cert = fake_blob(SEVIRT_DH_CERT_SIZE);
    s->session = fake_blob(0x81);
    s->firmware = g_strdup("/fw.fd");
}
static void tw_session_b64(SevirtVmSpec *s)
{
    s->dh_cert = fake_blob(SEVIRT_DH_CERT_SIZE);
    s->session = g_strdup("not*base64");
    s->firmware = g_strdup("/fw.fd");
}
static void tw_snp_session(SevirtVmSpec *s)
{
    s->sev_type = SEVIRT_SEV_SNP;
    s->dh_cert = fake_blob(SEVIRT_DH_CERT_SIZE);
    s->session = fake_blob(SEVIRT_SESSION_SIZE);
}
static void tw_es_id_block(SevirtVmSpec *s) { s->policy = 0x37; s->policy_set = TRUE; s->sev_type = SEVIRT_SEV_ES; s->id_block = fake_blob(SEVIRT_SNP_ID_BLOCK_SIZE); }
static void tw_plain_host_data(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_NONE; s->host_data = fake_blob(32); }
static void tw_sev_vcek(SevirtVmSpec *s) { s->vcek = SEVIRT_TRISTATE_NO; }
static void tw_sev_gvw(SevirtVmSpec *s) { s->guest_visible_workarounds = fake_blob(16); }
static void tw_snp_block_alone(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_SNP; s->id_block = fake_blob(SEVIRT_SNP_ID_BLOCK_SIZE); }
static void tw_snp_auth_alone(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_SNP; s->id_auth = fake_blob(SEVIRT_SNP_ID_AUTH_SIZE); }
static void tw_snp_author_alone(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_SNP; s->author_key = TRUE; }
/* ID authentication with an ID key algorithm and no author key. */
static char *
id_auth_without_author(void)
{
    g_autofree guint8 *auth = g_malloc0(SEVIRT_SNP_ID_AUTH_SIZE);

    auth[0] = 1;
    return g_base64_encode(auth, SEVIRT_SNP_ID_AUTH_SIZE);
}
static void tw_snp_author_missing(SevirtVmSpec *s)
{
    s->sev_type = SEVIRT_SEV_SNP;
    s->id_block = fake_blob(SEVIRT_SNP_ID_BLOCK_SIZE);
    s->id_auth = id_auth_without_author();
    s->author_key = TRUE;
}
static void tw_snp_block_short(SevirtVmSpec *s)
{
    s->sev_type = SEVIRT_SEV_SNP;
    s->id_block = fake_blob(95);
    s->id_auth = fake_blob(SEVIRT_SNP_ID_AUTH_SIZE);
}
static void tw_snp_host_data_long(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_SNP; s->host_data = fake_blob(33); }
static void tw_snp_gvw_b64(SevirtVmSpec *s) { s->sev_type = SEVIRT_SEV_SNP; s->guest_visible_workarounds = g_strdup("AAAA*"); }
static void tw_initrd_alone(SevirtVmSpec *s) { s->initrd = g_strdup("/i"); }
static void tw_cmdline_alone(SevirtVmSpec *s) { s->cmdline = g_strdup("x"); }
static void tw_hashes_alone(SevirtVmSpec *s) { s->kernel_hashes = SEVIRT_TRISTATE_YES; }
static void tw_kernel_rel(SevirtVmSpec *s) { s->kernel = g_strdup("vmlinuz"); }
static void tw_firmware_rel(SevirtVmSpec *s) { s->firmware = g_strdup("OVMF.fd"); }
static void tw_emulator_rel(SevirtVmSpec *s) { s->emulator = g_strdup("qemu"); }
static void tw_cpu_empty(SevirtVmSpec *s) { s->cpu = g_strdup(""); }
static void tw_none_plus(SevirtVmSpec *s)
{
    g_ptr_array_add(s->networks, sevirt_net_spec_new(SEVIRT_NET_NONE));
    g_ptr_array_add(s->networks, sevirt_net_spec_new(SEVIRT_NET_USER));
}
static void tw_same_tag(SevirtVmSpec *s)
{
    add_share(s, "/a:t");
    add_share(s, "/b:t:ro");
}
static void tw_overlay_raw(SevirtVmSpec *s)
{
    SevirtDiskSpec *d = sevirt_disk_spec_new(SEVIRT_DISK_NEW_VOLUME);

    d->pool = g_strdup("default");
    d->backing = g_strdup("base.qcow2");
    d->format = g_strdup("raw");
    g_ptr_array_add(s->disks, d);
}

static void
test_validate_rejects(void **state G_GNUC_UNUSED)
{
    static const struct {
        SpecTweak tweak;
        const char *needle;
    } cases[] = {
        { tw_empty_name, "The domain name is empty" },
        { tw_slash_name, "Invalid domain name 'a/b': it contains '/'" },
        { tw_ctrl_name, "contains a control character" },
        { tw_vcpus0, "Invalid vCPU count 0: expected 1 to 4096" },
        { tw_vcpus_big, "Invalid vCPU count 5000" },
        { tw_mem_small, "Invalid memory size 64 MiB: expected 128 to" },
        { tw_mem_big, "Invalid memory size" },
        { tw_es_on_sev, "has the ES bit (0x4) set" },
        { tw_snp_bit17, "clears bit 17" },
        { tw_plain_policy, "takes no policy" },
        { tw_plain_cbitpos, "takes no cbitpos" },
        { tw_plain_hashes, "Kernel hashes need an SEV type" },
        { tw_cbitpos, "Invalid cbitpos 64: expected 0 to 63" },
        { tw_rpb, "Invalid reduced-phys-bits 99" },
        { tw_dh_only, "needs both the dhCert and the session" },
        { tw_dh_short, "dhCert decodes to 2083 bytes, expected 2084" },
        { tw_session_long, "session decodes to 129 bytes, expected 128" },
        { tw_session_b64, "session is not valid base64: unexpected character '*'" },
        { tw_snp_session, "SEV-SNP guests take no dhCert or session" },
        { tw_es_id_block, "is for SEV-SNP guests only" },
        { tw_plain_host_data, "is for SEV-SNP guests only" },
        { tw_sev_vcek, "ID block, ID auth, author key, host data, guest-visible workarounds or VCEK" },
        { tw_sev_gvw, "is for SEV-SNP guests only" },
        { tw_snp_block_alone, "The ID block and the ID auth go together" },
        { tw_snp_auth_alone, "The ID block and the ID auth go together" },
        { tw_snp_author_alone, "An author key is only used with an ID block and ID auth" },
        { tw_snp_author_missing, "The ID auth carries no author key (its author key algorithm is 0)" },
        { tw_snp_block_short, "ID block decodes to 95 bytes, expected 96" },
        { tw_snp_host_data_long, "host data decodes to 33 bytes, expected 32" },
        { tw_snp_gvw_b64, "guest-visible workarounds is not valid base64" },
        { tw_initrd_alone, "An initrd needs a kernel" },
        { tw_cmdline_alone, "A kernel command line needs a kernel" },
        { tw_hashes_alone, "Kernel hashes need a kernel" },
        { tw_kernel_rel, "Kernel path 'vmlinuz' is not absolute" },
        { tw_firmware_rel, "Firmware path 'OVMF.fd' is not absolute" },
        { tw_emulator_rel, "Emulator path 'qemu' is not absolute" },
        { tw_cpu_empty, "The CPU model is empty" },
        { tw_none_plus, "Network 'none' cannot be combined" },
        { tw_same_tag, "Two shares use the mount tag 't'" },
        { tw_overlay_raw, "must be qcow2, not raw" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_SEV);
        g_autoptr(GError) error = NULL;

        cases[i].tweak(spec);
        if (sevirt_vm_spec_validate(spec, NULL, NULL, &error))
            fail_msg("case %u (%s): accepted", i, cases[i].needle);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, cases[i].needle);
    }
}

static void
test_validate_host(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;

    {
        /* SNP on libvirt 9.0: unsupported, naming the version */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_SNP);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-sev-es.xml");

        assert_false(sevirt_vm_spec_validate(spec, caps, NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                                 "SEV-SNP guests need libvirt 10.5 or later on the host, "
                                 "which runs libvirt 9.0.0");
    }
    {
        /* no SEV on the host */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_ES);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("no-sev.xml");

        assert_false(sevirt_vm_spec_validate(spec, caps, NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                                 "The host cannot run sev-es guests with /usr/bin/qemu-system-x86_64");
    }
    {
        /* a plain guest is fine there; the virt type comes from the host */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_NONE);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("no-sev.xml");

        assert_true(sevirt_vm_spec_validate(spec, caps, NULL, &error));
        assert_int_equal(spec->virt_type, SEVIRT_VIRT_QEMU);
    }
    {
        /* vCPUs beyond what the host's machine type takes */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_SEV);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-sev-es.xml");

        spec->vcpus = 289;
        assert_false(sevirt_vm_spec_validate(spec, caps, NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                                 "Invalid vCPU count 289: expected 1 to 288");
    }
    {
        /* SEV-ES forces its bit and says so; user values win over the host's */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_ES);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("amd-sev-es.xml");
        g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);

        spec->policy = 0x1;
        spec->policy_set = TRUE;
        spec->cbitpos = 47;
        assert_true(sevirt_vm_spec_validate(spec, caps, notes, &error));
        assert_int_equal(spec->policy, 0x5);
        assert_int_equal(spec->cbitpos, 47);
        assert_int_equal(spec->reduced_phys_bits, 1);
        assert_int_equal(notes->len, 1);
        assert_string_equal(g_ptr_array_index(notes, 0),
                            "SEV-ES needs the ES policy bit: using policy 0x0005 instead of 0x0001");
    }
    {
        /* user networking on a libvirt without passt: refused in sevirt's words,
         * before anything is made; the other kinds stay fine */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_NONE);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("no-sev.xml");

        caps->passt = SEVIRT_TRISTATE_NO;
        add_net(spec, "network=default");
        add_net(spec, "user,portfwd=2222:22");
        assert_false(sevirt_vm_spec_validate(spec, caps, NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                                 "this host's libvirt was built without passt support: user-mode "
                                 "networking with port forwarding is unavailable; use "
                                 "network=NAME or bridge=BR");
        g_ptr_array_set_size(spec->networks, 1);
        assert_true(sevirt_vm_spec_validate(spec, caps, NULL, &error));
    }
    {
        /* unknown (or offline): left to libvirt */
        g_autoptr(SevirtVmSpec) spec = new_spec("v", SEVIRT_SEV_NONE);
        g_autoptr(SevirtHostCaps) caps = fixture_caps("no-sev.xml");

        assert_int_equal(caps->passt, SEVIRT_TRISTATE_DEFAULT);
        add_net(spec, "user");
        assert_true(sevirt_vm_spec_validate(spec, caps, NULL, &error));
    }
}

/* ---------------------------------------------------------------------- */
/* option value parsers */

static void
test_disk_parse(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        const char *needle;   /* NULL: accepted */
    } bad[] = {
        { "", "--disk: invalid value '': empty value" },
        { "path=/a,vol=p/v", "give exactly one of path=, vol= or pool=" },
        { "format=raw", "give exactly one of path=, vol= or pool=" },
        { "path=rel.img", "path 'rel.img' is not absolute" },
        { "path=/a,size=3", "'size' does not go with path=" },
        { "vol=p/v,backing=b", "'backing' does not go with vol=" },
        { "pool=p,size=1,path=/a", "give exactly one of path=, vol= or pool=" },
        { "vol=pv", "vol= takes POOL/VOLUME, got 'pv'" },
        { "vol=/v", "vol= takes POOL/VOLUME" },
        { "vol=p/v/w", "vol= takes POOL/VOLUME" },
        { "pool=default", "a new volume needs size=GiB" },
        { "pool=default,size=0", "size must be at least 1 GiB" },
        { "pool=default,size=ten", "--disk size: invalid value 'ten'" },
        { "pool=default,size=10,name=a/b", "volume name 'a/b' contains '/'" },
        { "pool=default,backing=b,format=raw", "an overlay on backing= must be qcow2, not raw" },
        { "path=/a,format=vhdx", "unknown format 'vhdx'" },
        { "path=/a,colour=red", "unknown key 'colour'" },
        { "path=/a,path=/b", "'path' is given twice" },
        { "path=", "'path=' needs a value" },
        { "path=/a,,format=raw", "empty item" },
        { "path", "'path' needs a value (path=...)" },
        { "path=/a,readonly=yes", "'readonly' takes no value" },
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtDiskSpec) d1 = sevirt_disk_spec_parse("--disk", "path=/srv/a.qcow2", &error);
    g_autoptr(SevirtDiskSpec) d2 = sevirt_disk_spec_parse("--disk", "vol=images/base.qcow2,format=qcow2,readonly", &error);
    g_autoptr(SevirtDiskSpec) d3 = sevirt_disk_spec_parse("--disk", "pool=default,size=20,backing=base.qcow2,name=web1-root.qcow2", &error);
    g_autoptr(SevirtDiskSpec) d4 = sevirt_disk_spec_parse("--disk", "pool=default,backing=base.qcow2,readonly", &error);

    assert_int_equal(d1->kind, SEVIRT_DISK_PATH);
    assert_string_equal(d1->path, "/srv/a.qcow2");
    assert_null(d1->format);
    assert_int_equal(d2->kind, SEVIRT_DISK_VOLUME);
    assert_string_equal(d2->pool, "images");
    assert_string_equal(d2->volume, "base.qcow2");
    assert_string_equal(d2->format, "qcow2");
    assert_true(d2->readonly);
    assert_int_equal(d3->kind, SEVIRT_DISK_NEW_VOLUME);
    assert_string_equal(d3->pool, "default");
    assert_string_equal(d3->backing, "base.qcow2");
    assert_string_equal(d3->volume, "web1-root.qcow2");
    assert_int_equal(d3->size_gib, 20);
    assert_int_equal(d4->size_gib, 0);
    assert_null(d4->volume);
    assert_true(d4->readonly);
    assert_false(d3->readonly);

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        SevirtDiskSpec *d = sevirt_disk_spec_parse("--disk", bad[i].text, &error);

        if (d)
            fail_msg("'%s' was accepted", bad[i].text);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, bad[i].needle);
    }
}

static void
test_net_parse(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        { "", "empty value" },
        { "network=a,bridge=b", "give exactly one of network=, bridge=, user or none" },
        { "mac=52:54:00:00:00:01", "give exactly one of" },
        { "none,mac=52:54:00:00:00:01", "'none' takes no other key" },
        { "network=default,portfwd=22:22", "portfwd= only goes with user networking" },
        { "user,portfwd=22", "portfwd= takes HOSTPORT:GUESTPORT[/tcp|udp], got '22'" },
        { "user,portfwd=0:22", "needs ports between 1 and 65535" },
        { "user,portfwd=70000:22", "needs ports between 1 and 65535" },
        { "user,portfwd=22:22/sctp", "protocol 'sctp' is not tcp or udp" },
        { "network=default,mac=52:54:00:00:00", "is not six hex pairs" },
        { "network=default,mac=52:54:00:00:00:zz", "is not six hex pairs" },
        { "network=default,mac=01:54:00:00:00:01", "is a multicast address" },
        { "network=default,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02", "'mac' is given twice" },
        { "user=yes", "'user' takes no value" },
        { "network", "'network' needs a value" },
        { "wifi=x", "unknown key 'wifi'" },
        { "bridge=br<0>", "'br<0>' is not a host interface name" },
        { "bridge=averyveryverylongbridge", "is not a host interface name" },
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtNetSpec) n1 = sevirt_net_spec_parse("--network", "network=default,mac=52:54:00:AA:bb:01", &error);
    g_autoptr(SevirtNetSpec) n2 = sevirt_net_spec_parse("--network", "bridge=br0", &error);
    g_autoptr(SevirtNetSpec) n3 = sevirt_net_spec_parse("--network", "user,portfwd=2222:22,portfwd=5353:53/udp", &error);
    g_autoptr(SevirtNetSpec) n4 = sevirt_net_spec_parse("--network", "none", &error);
    SevirtPortForward *fwd;

    assert_int_equal(n1->kind, SEVIRT_NET_NETWORK);
    assert_string_equal(n1->source, "default");
    assert_string_equal(n1->mac, "52:54:00:aa:bb:01");
    assert_int_equal(n2->kind, SEVIRT_NET_BRIDGE);
    assert_string_equal(n2->source, "br0");
    assert_int_equal(n3->kind, SEVIRT_NET_USER);
    assert_int_equal(n3->portfwds->len, 2);
    fwd = g_ptr_array_index(n3->portfwds, 0);
    assert_int_equal(fwd->host_port, 2222);
    assert_int_equal(fwd->guest_port, 22);
    assert_string_equal(fwd->proto, "tcp");
    fwd = g_ptr_array_index(n3->portfwds, 1);
    assert_string_equal(fwd->proto, "udp");
    assert_int_equal(n4->kind, SEVIRT_NET_NONE);

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        SevirtNetSpec *n = sevirt_net_spec_parse("--network", bad[i].text, &error);

        if (n)
            fail_msg("'%s' was accepted", bad[i].text);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, bad[i].needle);
    }
}

static void
test_share_parse(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        { "", "expected SOURCE_DIR:TAG[:ro]" },
        { "/srv/x", "expected SOURCE_DIR:TAG[:ro]" },
        { "rel:tag", "source directory 'rel' is not absolute" },
        { "/srv/x:", "the mount tag is empty" },
        { "/srv/x::ro", "the mount tag is empty" },
        { "/srv/x:0123456789012345678901234567890123", "longer than 31 bytes" },
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtShareSpec) s1 = sevirt_share_spec_parse("--share", "/srv/task:task:ro", &error);
    g_autoptr(SevirtShareSpec) s2 = sevirt_share_spec_parse("--share", "/srv/a:b/c:out", &error);

    assert_string_equal(s1->source_dir, "/srv/task");
    assert_string_equal(s1->tag, "task");
    assert_true(s1->readonly);
    /* colons in the directory: split from the right */
    assert_string_equal(s2->source_dir, "/srv/a:b/c");
    assert_string_equal(s2->tag, "out");
    assert_false(s2->readonly);

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        SevirtShareSpec *s = sevirt_share_spec_parse("--share", bad[i].text, &error);

        if (s)
            fail_msg("'%s' was accepted", bad[i].text);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, bad[i].needle);
    }
}

/* ---------------------------------------------------------------------- */
/* metadata */

static void
test_metadata_round_trip(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("web1", SEVIRT_SEV_ES);
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtVmMetadata) meta = NULL;
    g_autoptr(SevirtVmMetadata) from_domain = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *domain = NULL;
    g_autofree char *rng = NULL;

    g_ptr_array_add(spec->owned_volumes, g_strdup("default/web1-disk0.qcow2"));
    g_ptr_array_add(spec->owned_volumes, g_strdup("default/web1-seed.iso"));
    assert_true(sevirt_vm_spec_validate(spec, NULL, NULL, &error));
    xml = sevirt_vm_metadata_format(spec);
    sevirt_test_golden("xml/metadata.xml", xml);

    rng = sevirt_test_data_path("../../data/sevirt-metadata.rng");
    if (!sevirt_xml_validate_rng(xml, rng, "metadata", &error))
        fail_msg("%s", error->message);

    meta = sevirt_vm_metadata_parse(xml, &error);
    assert_non_null(meta);
    assert_string_equal(meta->version, PACKAGE_VERSION);
    assert_int_equal(meta->sev_type, SEVIRT_SEV_ES);
    assert_true(meta->policy_set);
    assert_int_equal(meta->policy, 0x37);
    assert_int_equal(meta->volumes->len, 2);
    assert_string_equal(g_ptr_array_index(meta->volumes, 0), "default/web1-disk0.qcow2");
    assert_string_equal(g_ptr_array_index(meta->volumes, 1), "default/web1-seed.iso");

    /* the same from a whole definition */
    domain = sevirt_domxml_format(spec, &error);
    from_domain = sevirt_vm_metadata_parse(domain, &error);
    assert_non_null(from_domain);
    assert_int_equal(from_domain->volumes->len, 2);
}

static void
test_metadata_parse(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtVmMetadata) meta = NULL;

    /* libvirt may hand it back with another prefix or a default namespace */
    meta = sevirt_vm_metadata_parse(
        "<vm xmlns='https://sevirt.org/xmlns/domain/1.0'><version>0.1.0</version>"
        "<type>none</type></vm>", &error);
    assert_non_null(meta);
    assert_int_equal(meta->sev_type, SEVIRT_SEV_NONE);
    assert_false(meta->policy_set);
    assert_int_equal(meta->volumes->len, 0);

    g_clear_pointer(&meta, sevirt_vm_metadata_free);
    /* virDomainGetMetadata() strips the namespace it was asked for */
    meta = sevirt_vm_metadata_parse("<vm>\n  <version>0.1.0</version>\n  <type>sev</type>\n"
                                    "  <policy>0x0033</policy>\n  <volumes><volume pool='p' name='v'/>"
                                    "</volumes>\n</vm>", &error);
    assert_non_null(meta);
    assert_int_equal(meta->sev_type, SEVIRT_SEV_SEV);
    assert_int_equal(meta->policy, 0x33);
    assert_string_equal(g_ptr_array_index(meta->volumes, 0), "p/v");

    assert_null(sevirt_vm_metadata_parse("<vm xmlns='urn:other'><version>0.1.0</version>"
                                         "<type>sev</type></vm>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Not sevirt metadata");
    assert_null(sevirt_vm_metadata_parse("<machine><version>0.1.0</version></machine>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "got <machine>");
    assert_null(sevirt_vm_metadata_parse("<vm><type>sev</type></vm>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "lacks <version> or <type>");
    assert_null(sevirt_vm_metadata_parse("<s:vm xmlns:s='https://sevirt.org/xmlns/domain/1.0'>"
                                         "<s:version>0.1.0</s:version><s:type>tdx</s:type></s:vm>",
                                         &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Unknown SEV type 'tdx'");
    assert_null(sevirt_vm_metadata_parse("<s:vm xmlns:s='https://sevirt.org/xmlns/domain/1.0'>"
                                         "<s:version>0.1.0</s:version><s:type>sev</s:type>"
                                         "<s:policy>zz</s:policy></s:vm>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "invalid value 'zz'");
    assert_null(sevirt_vm_metadata_parse("<s:vm xmlns:s='https://sevirt.org/xmlns/domain/1.0'>"
                                         "<s:version>0.1.0</s:version><s:type>sev</s:type>"
                                         "<s:volumes><s:volume pool='p'/></s:volumes></s:vm>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "lacks its pool or name");
    assert_null(sevirt_vm_metadata_parse("<domain><name>x</name></domain>", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "carries no sevirt metadata");
    assert_null(sevirt_vm_metadata_parse("<vm", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Cannot parse sevirt metadata");
}

/* Through libvirt's API: the test driver keeps the metadata of a definition. */
static void
test_domain_metadata(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = new_spec("meta-guest", SEVIRT_SEV_ES);
    g_autoptr(GError) error = NULL;
    g_autoptr(virConnect) conn = sevirt_connect("test:///default", NULL, &error);
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomain) other = NULL;
    g_autoptr(SevirtVmMetadata) meta = NULL;
    g_autofree char *xml = NULL;

    assert_non_null(conn);
    g_ptr_array_add(spec->owned_volumes, g_strdup("default/meta-guest-disk0.qcow2"));
    assert_true(sevirt_vm_spec_validate(spec, NULL, NULL, &error));
    xml = sevirt_domxml_format(spec, &error);
    dom = virDomainDefineXML(conn, xml);
    if (!dom)
        fail_msg("the test driver refused the XML: %s", virGetLastErrorMessage());
    meta = sevirt_domain_get_metadata(dom, &error);
    if (!meta)
        fail_msg("%s", error->message);
    assert_int_equal(meta->sev_type, SEVIRT_SEV_ES);
    assert_int_equal(meta->policy, 0x37);
    assert_string_equal(g_ptr_array_index(meta->volumes, 0), "default/meta-guest-disk0.qcow2");

    /* the test driver's own domain is not sevirt's */
    other = virDomainLookupByName(conn, "test");
    assert_non_null(other);
    assert_null(sevirt_domain_get_metadata(other, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                             "Domain 'test' was not defined by sevirt");
    /* a domain undefined meanwhile: not found, with libvirt's reason */
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_null(sevirt_domain_get_metadata(dom, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                             "Cannot read the metadata of domain 'meta-guest': ");
}

static void
test_validate_errors(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = schemadir();

    assert_false(sevirt_domxml_validate("<domain type='kvm'><bogus/></domain>", dir, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "The domain XML does not validate against");
    assert_false(sevirt_domxml_validate("<domain", dir, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Cannot parse domain XML");
    assert_false(sevirt_domxml_validate("<domain/>", "/nonexistent", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                             "libvirt's schema '/nonexistent/domain.rng' not found");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_sev_minimal),
        cmocka_unit_test(test_golden_sev_attested),
        cmocka_unit_test(test_golden_sev_attested_auto_firmware),
        cmocka_unit_test(test_golden_sev_es),
        cmocka_unit_test(test_golden_sev_snp),
        cmocka_unit_test(test_golden_sev_snp_firmware),
        cmocka_unit_test(test_golden_sev_snp_full),
        cmocka_unit_test(test_golden_sev_kernel),
        cmocka_unit_test(test_golden_sev_kernel_no_hashes),
        cmocka_unit_test(test_golden_plain),
        cmocka_unit_test(test_golden_escaping),
        cmocka_unit_test(test_golden_devices),
        cmocka_unit_test(test_validate_rejects),
        cmocka_unit_test(test_validate_host),
        cmocka_unit_test(test_disk_parse),
        cmocka_unit_test(test_net_parse),
        cmocka_unit_test(test_share_parse),
        cmocka_unit_test(test_metadata_round_trip),
        cmocka_unit_test(test_metadata_parse),
        cmocka_unit_test(test_domain_metadata),
        cmocka_unit_test(test_validate_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
