/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP launch digests (and the SEV / SEV-ES ones sev-snp-measure also
 * computes) against every case of tests/data/snp/measure/cases.json, and
 * the SEV metadata parser on damaged firmware.
 */
#include <config.h>

#include <string.h>

#include <json-glib/json-glib.h>

#include "test-common.h"
#include "sevirt.h"

typedef struct {
    guint8 *data;
    gsize len;
} Blob;

/* Case files: relative to the data directory; absolute system paths may be absent. */
static gboolean
load_file(const char *name, Blob *b)
{
    g_autofree char *path = NULL;
    g_autofree char *rel = g_build_filename("snp/measure", name, NULL);
    g_autoptr(GError) error = NULL;

    if (g_strcmp0(name, "/dev/null") == 0) {
        b->data = g_malloc0(1);
        b->len = 0;
        return TRUE;
    }
    path = g_path_is_absolute(name) ? g_strdup(name) : sevirt_test_data_path(rel);
    if (!g_file_get_contents(path, (char **) &b->data, &b->len, &error)) {
        if (g_path_is_absolute(name))
            return FALSE;
        fail_msg("%s", error->message);
    }
    return TRUE;
}

/* A system firmware whose sha256 differs from the one the case was computed on is skipped. */
static gboolean
system_file_matches(JsonObject *c, const Blob *fw)
{
    g_autofree char *sum = NULL;

    if (!json_object_has_member(c, "ovmf_sha256"))
        return TRUE;
    sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, fw->data, fw->len);
    return g_strcmp0(sum, json_object_get_string_member(c, "ovmf_sha256")) == 0;
}

static char *
hex(const guint8 *d, gsize len)
{
    GString *s = g_string_new(NULL);

    for (gsize i = 0; i < len; i++)
        g_string_append_printf(s, "%02x", d[i]);
    return g_string_free(s, FALSE);
}

static const char *
member(JsonObject *c, const char *name)
{
    if (!json_object_has_member(c, name) || json_object_get_null_member(c, name))
        return NULL;
    return json_object_get_string_member(c, name);
}

static guint64
features(JsonObject *c)
{
    return g_ascii_strtoull(member(c, "guest_features"), NULL, 16);
}

static guint32
signature_of(JsonObject *c)
{
    const char *type = member(c, "vcpu_type");
    guint32 sig = 0;
    g_autoptr(GError) error = NULL;

    if (type && !sevirt_vcpu_type_signature("test", type, &sig, &error))
        fail_msg("%s", error->message);
    return sig;
}

/* Runs one case; returns the digest in hex, or NULL with @error set. */
static char *
run_case(JsonObject *c, const Blob *fw, const Blob *kernel, const Blob *initrd,
         gboolean allow_no_metadata, GError **error)
{
    const char *mode = json_object_get_string_member(c, "mode");
    const char *append = member(c, "append");
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];

    /* "" and absent both mean the command line "\0" */
    if (kernel->data && !append)
        append = "";
    if (json_object_has_member(c, "kind")) {
        if (!sevirt_snp_ovmf_hash(fw->data, fw->len, digest, error))
            return NULL;
        return hex(digest, SEVIRT_SNP_DIGEST_SIZE);
    }
    if (g_str_equal(mode, "snp")) {
        guint8 seed[SEVIRT_SNP_DIGEST_SIZE];
        const char *seed_hex = member(c, "snp_ovmf_hash");
        SevirtVmmType vmm = SEVIRT_VMM_QEMU;
        SevirtSnpLaunchInput in = {
            .firmware = fw->data, .firmware_len = fw->len,
            .kernel = kernel->data, .kernel_len = kernel->len,
            .initrd = initrd->data, .initrd_len = initrd->len,
            .cmdline = kernel->data ? append : NULL,
            .num_cpus = json_object_get_int_member(c, "vcpus"),
            .cpu_signature = signature_of(c),
            .guest_features = features(c),
            .allow_no_metadata = allow_no_metadata,
        };

        assert_true(sevirt_vmm_type_parse("test", member(c, "vmm_type"), &vmm, NULL));
        in.vmm = vmm;
        if (seed_hex) {
            for (guint i = 0; i < sizeof(seed); i++)
                seed[i] = g_ascii_xdigit_value(seed_hex[2 * i]) << 4 |
                          g_ascii_xdigit_value(seed_hex[2 * i + 1]);
            in.ovmf_hash = seed;
        }
        if (!sevirt_snp_launch_digest(&in, digest, error))
            return NULL;
        return hex(digest, SEVIRT_SNP_DIGEST_SIZE);
    } else {
        gboolean es = g_str_equal(mode, "seves");
        SevirtLaunchInput in = {
            .firmware = fw->data, .firmware_len = fw->len,
            .kernel = kernel->data, .kernel_len = kernel->len,
            .initrd = initrd->data, .initrd_len = initrd->len,
            .cmdline = kernel->data ? append : NULL,
            .num_cpus = es ? json_object_get_int_member(c, "vcpus") : 0,
            .cpu_signature = signature_of(c),
            .vmsa_flags = SEVIRT_VMSA_FPU_INIT,
        };

        if (!sevirt_launch_digest(&in, digest, error))
            return NULL;
        return hex(digest, SEVIRT_LAUNCH_DIGEST_SIZE);
    }
}

/* A case file as a path for sevirt_snp_launch_digest_files(), or NULL when
 * it is not one of the data directory's (absolute, /dev/null). */
static char *
case_path(JsonObject *c, const char *key)
{
    const char *name = member(c, key);
    g_autofree char *rel = NULL;

    if (!name || g_path_is_absolute(name))
        return NULL;
    rel = g_build_filename("snp/measure", name, NULL);
    return sevirt_test_data_path(rel);
}

/* The digest from the case's files equals the one from its bytes. */
static guint
check_files(JsonObject *c, const char *want)
{
    g_autofree char *fw = case_path(c, "ovmf");
    g_autofree char *kernel = case_path(c, "kernel");
    g_autofree char *initrd = case_path(c, "initrd");
    g_autofree char *got = NULL;
    g_autoptr(GError) error = NULL;
    guint8 seed[SEVIRT_SNP_DIGEST_SIZE];
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];
    const char *seed_hex = member(c, "snp_ovmf_hash");
    SevirtVmmType vmm = SEVIRT_VMM_QEMU;
    SevirtSnpLaunchFiles files = { .firmware = fw, .kernel = kernel, .initrd = initrd };

    if (!fw || json_object_has_member(c, "kind") ||
        !g_str_equal(json_object_get_string_member(c, "mode"), "snp") ||
        (member(c, "kernel") && !kernel) || (member(c, "initrd") && !initrd))
        return 0;
    files.cmdline = kernel ? member(c, "append") : NULL;
    files.num_cpus = json_object_get_int_member(c, "vcpus");
    files.cpu_signature = signature_of(c);
    files.guest_features = features(c);
    assert_true(sevirt_vmm_type_parse("test", member(c, "vmm_type"), &vmm, NULL));
    files.vmm = vmm;
    if (seed_hex) {
        assert_true(sevirt_snp_hex_parse("test", seed_hex, seed, sizeof(seed), NULL));
        files.ovmf_hash = seed;
    }
    if (!sevirt_snp_launch_digest_files(&files, digest, &error))
        fail_msg("%s from files: %s", json_object_get_string_member(c, "name"), error->message);
    got = hex(digest, SEVIRT_SNP_DIGEST_SIZE);
    if (g_strcmp0(got, want) != 0)
        fail_msg("%s from files: got %s, expected %s", json_object_get_string_member(c, "name"),
                 got, want);
    return 1;
}

static void
test_cases(void **state G_GNUC_UNUSED)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *path = sevirt_test_data_path("snp/measure/cases.json");
    g_autoptr(GError) error = NULL;
    JsonArray *cases;
    guint ran = 0, errors = 0, from_files = 0;

    if (!json_parser_load_from_file(parser, path, &error))
        fail_msg("%s", error->message);
    cases = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)), "cases");
    for (guint i = 0; i < json_array_get_length(cases); i++) {
        JsonObject *c = json_array_get_object_element(cases, i);
        const char *name = json_object_get_string_member(c, "name");
        const char *want_error = member(c, "expected_error");
        g_autofree char *got = NULL;
        Blob fw = { 0 }, kernel = { 0 }, initrd = { 0 };
        gboolean system_fw = g_path_is_absolute(member(c, "ovmf"));

        if (!load_file(member(c, "ovmf"), &fw) || !system_file_matches(c, &fw)) {
            g_test_message("skipping %s: %s absent or different", name, member(c, "ovmf"));
            g_free(fw.data);
            continue;
        }
        if (member(c, "kernel"))
            load_file(member(c, "kernel"), &kernel);
        if (member(c, "initrd"))
            load_file(member(c, "initrd"), &initrd);
        /* Debian's 4M build lacks the metadata: an arithmetic vector only */
        got = run_case(c, &fw, &kernel, &initrd, system_fw, &error);
        if (want_error) {
            if (got || !error)
                fail_msg("%s: expected an error", name);
            /* sevirt words it its own way; the point is the same */
            if (!strstr(error->message, "kernel") && !strstr(error->message, "Kernel"))
                fail_msg("%s: unexpected error: %s", name, error->message);
            g_clear_error(&error);
            errors++;
        } else {
            if (!got)
                fail_msg("%s: %s", name, error->message);
            if (g_strcmp0(got, json_object_get_string_member(c, "expected")) != 0)
                fail_msg("%s: got %s, expected %s", name, got,
                         json_object_get_string_member(c, "expected"));
            if (!system_fw)
                from_files += check_files(c, got);
        }
        ran++;
        g_free(fw.data);
        g_free(kernel.data);
        g_free(initrd.data);
    }
    /* all bundled cases ran; the system-firmware ones are extra */
    assert_true(ran >= 34);
    assert_true(errors >= 3);
    assert_true(from_files >= 10);
}

/* Files that cannot be read, or an initrd without a kernel, are refused. */
static void
test_files_refused(void **state G_GNUC_UNUSED)
{
    g_autofree char *fw = sevirt_test_data_path("snp/measure/ovmf_AmdSev_suffix.bin");
    g_autoptr(GError) error = NULL;
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];
    SevirtSnpLaunchFiles files = {
        .firmware = "/nonexistent/OVMF.fd", .num_cpus = 1, .cpu_signature = 0xa00f11,
        .guest_features = 1,
    };

    assert_false(sevirt_snp_launch_digest_files(&files, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "/nonexistent/OVMF.fd");
    files.firmware = fw;
    files.initrd = fw;
    assert_false(sevirt_snp_launch_digest_files(&files, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "with a kernel");
    files.initrd = NULL;
    files.kernel = "/nonexistent/vmlinuz";
    assert_false(sevirt_snp_launch_digest_files(&files, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "/nonexistent/vmlinuz");
}

static Blob
data_blob(const char *rel)
{
    Blob b = { 0 };

    load_file(rel, &b);
    return b;
}

/* Damaged or missing metadata is refused with a message that says so. */
static void
test_metadata_refusals(void **state G_GNUC_UNUSED)
{
    Blob fw = data_blob("ovmf_AmdSev_suffix.bin");
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtOvmf) ovmf = NULL;
    g_autoptr(GArray) sections = NULL;
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];
    guint32 offset = 0;
    SevirtSnpLaunchInput in = {
        .firmware = fw.data, .firmware_len = fw.len, .num_cpus = 1,
        .cpu_signature = 0x800f12, .guest_features = 1,
    };

    ovmf = sevirt_ovmf_parse(fw.data, fw.len, "fw", &error);
    assert_non_null(ovmf);
    sections = sevirt_ovmf_get_snp_sections(ovmf, fw.data, fw.len, "fw", &error);
    assert_non_null(sections);
    assert_int_equal(sections->len, 7);
    assert_int_equal(g_array_index(sections, SevirtSnpSection, 0).type, SEVIRT_SNP_SECTION_SEC_MEM);
    assert_true(sevirt_ovmf_get_snp_metadata_offset(ovmf, &offset));

    /* a broken signature */
    fw.data[fw.len - offset] ^= 1;
    assert_false(sevirt_snp_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "ASEV");
    fw.data[fw.len - offset] ^= 1;
    /* an item count running past the end */
    fw.data[fw.len - offset + 12] = 0xff;
    assert_false(sevirt_snp_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "past the end");
    g_free(fw.data);

    /* no footer at all: no metadata, refused unless allowed */
    fw.data = g_malloc0(8192);
    fw.len = 8192;
    in.firmware = fw.data;
    in.firmware_len = fw.len;
    assert_false(sevirt_snp_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "no SEV metadata");
    in.allow_no_metadata = TRUE;
    assert_true(sevirt_snp_launch_digest(&in, digest, &error));
    in.num_cpus = 0;
    assert_false(sevirt_snp_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "vCPU");
    g_free(fw.data);
}

static void
test_names(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    SevirtVmmType vmm;
    guint32 sig = 0;

    assert_true(sevirt_vcpu_type_signature("t", "EPYC-v4", &sig, NULL));
    assert_int_equal(sig, 0x800f12);
    assert_true(sevirt_vcpu_type_signature("t", "EPYC-Milan", &sig, NULL));
    assert_int_equal(sig, 0xa00f11);
    assert_true(sevirt_vcpu_type_signature("t", "EPYC-Genoa", &sig, NULL));
    assert_int_equal(sig, 0xa10f10);
    assert_true(sevirt_vcpu_type_signature("t", "EPYC-Turin", &sig, NULL));
    assert_int_equal(sig, 0xb00f00);
    assert_false(sevirt_vcpu_type_signature("--vcpu-type", "Skylake", &sig, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "EPYC-Milan");
    assert_true(sevirt_vmm_type_parse("t", "ec2", &vmm, NULL));
    assert_int_equal(vmm, SEVIRT_VMM_EC2);
    assert_false(sevirt_vmm_type_parse("t", "xen", &vmm, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "xen");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_files_refused),
        cmocka_unit_test(test_metadata_refusals),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
