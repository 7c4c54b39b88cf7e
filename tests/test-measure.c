/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GUIDs, the OVMF footer table, VMSAs, kernel hashes and SEV / SEV-ES
 * launch measurements against the published vectors.
 */
#include <config.h>

#include <string.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-crypto-private.h"

typedef struct {
    guint8 *data;
    gsize len;
} Blob;

static Blob
load(const char *rel)
{
    g_autofree char *path = sevirt_test_vector(rel);
    g_autoptr(GError) error = NULL;
    Blob b = { 0 };

    if (!g_file_get_contents(path, (char **) &b.data, &b.len, &error))
        fail_msg("%s", error->message);
    return b;
}

static guint8 *
unb64(const char *text, gsize expect)
{
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    guint8 *raw = sevirt_base64_decode_strict("test", text, expect, &len, &error);

    if (!raw)
        fail_msg("%s", error->message);
    return raw;
}

static void
unhex(const char *hex, guint8 *out, gsize len)
{
    assert_int_equal(strlen(hex), 2 * len);
    for (gsize i = 0; i < len; i++)
        out[i] = (g_ascii_xdigit_value(hex[2 * i]) << 4) | g_ascii_xdigit_value(hex[2 * i + 1]);
}

static SevirtSecret *
vector_tik(void)
{
    Blob b = load("sev-measurement/tik.bin");
    SevirtSecret *tik = sevirt_secret_new_from(b.data, b.len);

    g_free(b.data);
    return tik;
}

static void
test_guid(void **state G_GNUC_UNUSED)
{
    static const SevirtGuid luks =
        SEVIRT_GUID_INIT(0x736869e5, 0x84f0, 0x4973, 0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b);
    /* Python: uuid.UUID("736869e5-84f0-4973-92ec-06879ce3da0b").bytes_le */
    static const guint8 bytes_le[16] = {
        0xe5, 0x69, 0x68, 0x73, 0xf0, 0x84, 0x73, 0x49,
        0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b,
    };
    const char *bad[] = { "", "736869e5-84f0-4973-92ec-06879ce3da0", "736869e5x84f0-4973-92ec-06879ce3da0b",
                          "736869e5-84f0-4973-92ec-06879ce3da0g", "736869e5-84f0-4973-92ec-06879ce3da0bb" };
    g_autoptr(GError) error = NULL;
    char text[SEVIRT_GUID_STRING_SIZE];
    SevirtGuid g;

    assert_memory_equal(luks.bytes, bytes_le, 16);
    assert_true(sevirt_guid_parse("736869E5-84F0-4973-92EC-06879CE3DA0B", &g, &error));
    assert_true(sevirt_guid_equal(&g, &luks));
    sevirt_guid_format(&g, text);
    assert_string_equal(text, "736869e5-84f0-4973-92ec-06879ce3da0b");
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_false(sevirt_guid_parse(bad[i], &g, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "is not a GUID");
    }
}

/* Offset of @needle in @hay (entry data are copies, so find them again). */
static gsize
find(const guint8 *hay, gsize hay_len, const guint8 *needle, gsize len)
{
    for (gsize i = 0; i + len <= hay_len; i++) {
        if (memcmp(hay + i, needle, len) == 0)
            return i;
    }
    fail_msg("not found");
    return 0;
}

static void
test_ovmf_footer(void **state G_GNUC_UNUSED)
{
    Blob fw = load("sev-measurement/ovmf-amdsev-trimmed.fd");
    g_autoptr(SevirtOvmf) ovmf = NULL;
    g_autoptr(SevirtOvmf) empty = NULL;
    g_autoptr(SevirtOvmf) none = NULL;
    g_autoptr(GError) error = NULL;
    guint32 addr = 0, base = 0, size = 0;
    g_autofree guint8 *bad = NULL;

    ovmf = sevirt_ovmf_parse(fw.data, fw.len, "ovmf", &error);
    assert_non_null(ovmf);
    assert_true(sevirt_ovmf_has_table(ovmf));
    assert_true(sevirt_ovmf_get_sev_es_reset_addr(ovmf, &addr, &error));
    assert_int_equal(addr, 0x80b004);
    assert_true(sevirt_ovmf_get_secret_area(ovmf, &base, &size));
    assert_int_equal(base, 0x80c000);
    assert_int_equal(size, 0xc00);
    assert_true(sevirt_ovmf_get_hash_table_area(ovmf, &base, &size));
    assert_int_equal(base, 0x80cc00);
    assert_int_equal(size, 0x400);
    assert_false(sevirt_ovmf_get_snp_metadata_offset(ovmf, &addr));

    /* entries listed with base and size 0 count as absent */
    bad = g_memdup2(fw.data, fw.len);
    {
        gsize len = 0;
        const guint8 *area = sevirt_ovmf_get_entry(ovmf, &sevirt_ovmf_guid_hash_table_area, &len);
        gsize at = find(bad, fw.len, area, len);

        memset(bad + at, 0, len);
        empty = sevirt_ovmf_parse(bad, fw.len, "ovmf", &error);
        assert_non_null(empty);
        assert_false(sevirt_ovmf_get_hash_table_area(empty, NULL, NULL));
        assert_true(sevirt_ovmf_get_secret_area(empty, NULL, NULL));
    }

    /* no footer at all: an empty table, fine for plain SEV */
    none = sevirt_ovmf_parse(fw.data, fw.len - 1, "ovmf", &error);
    assert_non_null(none);
    assert_false(sevirt_ovmf_has_table(none));
    assert_false(sevirt_ovmf_get_sev_es_reset_addr(none, &addr, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "SEV-ES reset block");

    /* a table length beyond the image, an entry length beyond the table */
    memcpy(bad, fw.data, fw.len);
    sevirt_put_le16(bad + fw.len - 50, 0xffff);
    assert_null(sevirt_ovmf_parse(bad, fw.len, "fw.fd", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Firmware 'fw.fd' has a malformed footer table");
    memcpy(bad, fw.data, fw.len);
    sevirt_put_le16(bad + fw.len - 50 - 16 - 2, 0x7fff);
    assert_null(sevirt_ovmf_parse(bad, fw.len, "fw.fd", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "malformed footer table entry");
    /* tiny images */
    g_clear_pointer(&none, sevirt_ovmf_free);
    none = sevirt_ovmf_parse(fw.data, 10, "fw.fd", &error);
    assert_non_null(none);
    g_free(fw.data);
}

/* sevirt builds the VMSAs QEMU gives a family 25 / model 1 / stepping 1 CPU. */
static void
test_vmsa_matches_files(void **state G_GNUC_UNUSED)
{
    Blob cpu0 = load("sev-measurement/vmsa-cpu0.bin");
    Blob cpu1 = load("sev-measurement/vmsa-cpu1.bin");
    guint8 vmsa[SEVIRT_VMSA_SIZE];
    guint32 sig = sevirt_cpu_signature(25, 1, 1);

    assert_int_equal(sig, 0xa00f11);
    assert_int_equal(sevirt_cpu_signature(23, 1, 2), 0x800f12);
    assert_int_equal(sevirt_cpu_signature(6, 0x55, 4), 0x50654);
    sevirt_vmsa_build(vmsa, TRUE, 0x80b004, sig, 0, 0);
    assert_memory_equal(vmsa, cpu0.data, SEVIRT_VMSA_SIZE);
    sevirt_vmsa_build(vmsa, FALSE, 0x80b004, sig, 0, 0);
    assert_memory_equal(vmsa, cpu1.data, SEVIRT_VMSA_SIZE);
    /* the FPU-init variant differs exactly in MXCSR and FCW */
    sevirt_vmsa_build(vmsa, FALSE, 0x80b004, sig, 0, SEVIRT_VMSA_FPU_INIT);
    assert_int_equal(sevirt_le32(vmsa + 0x408), 0x1f80);
    assert_int_equal(vmsa[0x410] | (vmsa[0x411] << 8), 0x37f);
    memset(vmsa + 0x408, 0, 4);
    memset(vmsa + 0x410, 0, 2);
    assert_memory_equal(vmsa, cpu1.data, SEVIRT_VMSA_SIZE);
    g_free(cpu0.data);
    g_free(cpu1.data);
}

static const SevirtLaunchInfo sev_info = { 1, 40, 40, 0x3 };
static const char *vector_nonce = "wxP6tRHCFrFQWxsuqZA8QA==";

/* Computes base64(MEASURE ‖ nonce) for @in with the vector TIK. */
static char *
expected_b64(const SevirtLaunchInput *in, const SevirtLaunchInfo *info, const guint8 *nonce)
{
    g_autoptr(SevirtSecret) tik = vector_tik();
    g_autoptr(GError) error = NULL;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];
    SevirtMeasurement m;

    if (!sevirt_launch_digest(in, digest, &error))
        fail_msg("%s", error->message);
    memcpy(m.nonce, nonce, SEVIRT_MNONCE_SIZE);
    assert_true(sevirt_measurement_compute(tik, info, digest, m.nonce, m.measure, &error));
    return sevirt_measurement_to_base64(&m);
}

static void
test_measurement_vectors(void **state G_GNUC_UNUSED)
{
    Blob fw = load("sev-measurement/ovmf-amdsev-trimmed.fd");
    Blob kernel = load("sev-measurement/vmlinuz-fake");
    Blob initrd = load("sev-measurement/initrd-fake");
    Blob cpu0 = load("sev-measurement/vmsa-cpu0.bin");
    Blob cpu1 = load("sev-measurement/vmsa-cpu1.bin");
    g_autofree guint8 *nonce = unb64(vector_nonce, 16);
    g_autofree guint8 *ld = unb64("xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM=", 32);
    g_autofree char *got = NULL;
    g_autoptr(SevirtSecret) tik = vector_tik();
    g_autoptr(GError) error = NULL;
    SevirtMeasurement m;

    /* digest given */
    memcpy(m.nonce, nonce, 16);
    assert_true(sevirt_measurement_compute(tik, &sev_info, ld, m.nonce, m.measure, &error));
    got = sevirt_measurement_to_base64(&m);
    assert_string_equal(got, "lswbxWxI9gckya16JQvdFtpYmNO4b+3inAPpqsgoBI7DE/q1EcIWsVBbGy6pkDxA");
    g_clear_pointer(&got, g_free);

    /* firmware only */
    {
        SevirtLaunchInput in = { .firmware = fw.data, .firmware_len = fw.len };

        got = expected_b64(&in, &sev_info, nonce);
        assert_string_equal(got, "oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA");
        g_clear_pointer(&got, g_free);
    }
    /* direct kernel boot with the kernel hashes table */
    {
        SevirtLaunchInput in = {
            .firmware = fw.data, .firmware_len = fw.len,
            .kernel = kernel.data, .kernel_len = kernel.len,
            .initrd = initrd.data, .initrd_len = initrd.len,
            .cmdline = "foo bar baz fake kernel=cmdline",
        };

        got = expected_b64(&in, &sev_info, nonce);
        assert_string_equal(got, "h3auYbWQnVW7EGLWN4Hf9SN0oEYMPU2sK4bLnefWPwvDE/q1EcIWsVBbGy6pkDxA");
        g_clear_pointer(&got, g_free);
    }
    /* SEV-ES, 4 vCPUs, from the VMSA files and from a generated VMSA */
    {
        const char *expect = "/o0nzDKE5XgtVnUZWPhUea/WZYrTKLExR7KCwuMdbActvpWfXTFk21KMZIAAhQny";
        g_autofree guint8 *blob = unb64(expect, 48);
        SevirtLaunchInfo es = { 1, 49, 6, 0x5 };
        SevirtLaunchInput files = {
            .firmware = fw.data, .firmware_len = fw.len, .num_cpus = 4,
            .vmsa_cpu0 = cpu0.data, .vmsa_cpu1 = cpu1.data,
        };
        SevirtLaunchInput built = {
            .firmware = fw.data, .firmware_len = fw.len, .num_cpus = 4,
            .cpu_signature = sevirt_cpu_signature(25, 1, 1),
        };
        SevirtMeasurement reported;
        guint8 digest[32];

        got = expected_b64(&files, &es, blob + 32);
        assert_string_equal(got, expect);
        g_clear_pointer(&got, g_free);
        got = expected_b64(&built, &es, blob + 32);
        assert_string_equal(got, expect);
        g_clear_pointer(&got, g_free);

        /* verification: match, then every kind of mismatch */
        assert_true(sevirt_measurement_parse("--measurement", expect, &reported, &error));
        assert_true(sevirt_launch_digest(&built, digest, &error));
        assert_true(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        built.num_cpus = 3;
        assert_true(sevirt_launch_digest(&built, digest, &error));
        assert_false(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "does not match");
        built.num_cpus = 4;
        built.vmsa_flags = SEVIRT_VMSA_FPU_INIT;
        assert_true(sevirt_launch_digest(&built, digest, &error));
        assert_false(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        g_clear_error(&error);
        built.vmsa_flags = 0;
        assert_true(sevirt_launch_digest(&built, digest, &error));
        es.policy = 0x7;
        assert_false(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        g_clear_error(&error);
        es.policy = 0x5;
        reported.nonce[0] ^= 1;
        assert_false(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        g_clear_error(&error);
        reported.nonce[0] ^= 1;
        tik->data[3] ^= 1;
        assert_false(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        g_clear_error(&error);
        tik->data[3] ^= 1;
        fw.data[100] ^= 1;
        assert_true(sevirt_launch_digest(&built, digest, &error));
        assert_false(sevirt_measurement_verify(tik, &es, digest, &reported, &error));
        g_clear_error(&error);
        fw.data[100] ^= 1;
    }
    g_free(fw.data);
    g_free(kernel.data);
    g_free(initrd.data);
    g_free(cpu0.data);
    g_free(cpu1.data);
}

/* MEASURE unit vector from the SEV API specification's tests. */
static void
test_measure_unit_vector(void **state G_GNUC_UNUSED)
{
    static const guint8 empty_sha256[32] = {
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
        0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
        0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    };
    g_autoptr(SevirtSecret) tik = sevirt_secret_new(16);
    g_autoptr(GError) error = NULL;
    SevirtLaunchInfo info = { 0, 18, 15, 0 };
    guint8 nonce[16], want[32], got[32];

    unhex("66320db73158a35a255d051758e95ed4", tik->data, 16);
    unhex("4fbe0bedbad6c86ae8f68971d103e554", nonce, 16);
    unhex("6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea", want, 32);
    assert_true(sevirt_measurement_compute(tik, &info, empty_sha256, nonce, got, &error));
    assert_memory_equal(got, want, 32);
    /* a TIK of the wrong size is refused */
    tik->len = 15;
    assert_false(sevirt_measurement_compute(tik, &info, empty_sha256, nonce, got, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "16 bytes");
    tik->len = 16;
}

/* The SEV and SEV-ES rows of the sev-snp-measure vectors (SHA-256 digests). */
static void
test_launch_digest_vectors(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *firmware;
        guint cpus;                 /* 0: SEV */
        gboolean kernel;            /* empty kernel and initrd */
        const char *append;
        const char *expect;
    } cases[] = {
        { "snp/ovmf-amdsev-suffix.bin", 1, TRUE, "",
          "13810ae661ea11e2bb205621f582fee268f0367c8f97bc297b7fadef3e12002c" },
        { "snp/ovmf-amdsev-suffix.bin", 4, TRUE, "",
          "0dccbcaba8e90b261bd0d2e1863a2f9da714768b7b2a19363cd6ae35aa90de91" },
        { "snp/ovmf-amdsev-suffix.bin", 0, TRUE, "console=ttyS0 loglevel=7",
          "82a3ee5d537c3620628270c292ae30cb40c3c878666a7890ee7ef2a08fb535ff" },
        { "snp/ovmf-ovmfx64-suffix.bin", 0, FALSE, NULL,
          "b4c021e085fb83ceffe6571a3d357b4a98773c83c474e47f76c876708fe316da" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        Blob fw = load(cases[i].firmware);
        g_autoptr(GError) error = NULL;
        guint8 digest[32], want[32];
        SevirtLaunchInput in = {
            .firmware = fw.data, .firmware_len = fw.len,
            .kernel = cases[i].kernel ? (const guint8 *) "" : NULL,
            .initrd = cases[i].kernel ? (const guint8 *) "" : NULL,
            .cmdline = cases[i].append,
            .num_cpus = cases[i].cpus,
            /* EPYC-v4, VMSAs as current host kernels set them up */
            .cpu_signature = 0x800f12,
            .vmsa_flags = SEVIRT_VMSA_FPU_INIT,
        };

        if (!sevirt_launch_digest(&in, digest, &error))
            fail_msg("case %u: %s", i, error->message);
        unhex(cases[i].expect, want, 32);
        assert_memory_equal(digest, want, 32);
        g_free(fw.data);
    }
}

static void
test_launch_digest_refusals(void **state G_GNUC_UNUSED)
{
    Blob fw = load("snp/ovmf-ovmfx64-suffix.bin");
    Blob cpu0 = load("sev-measurement/vmsa-cpu0.bin");
    g_autoptr(GError) error = NULL;
    guint8 digest[32];
    SevirtLaunchInput in = { .firmware = fw.data, .firmware_len = fw.len };

    /* kernel hashes need the firmware's hash table area (zero here) */
    in.kernel = (const guint8 *) "k";
    in.kernel_len = 1;
    assert_false(sevirt_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "no kernel hashes area");
    in.kernel = NULL;
    in.cmdline = "x";
    assert_false(sevirt_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "only measured with a kernel");
    in.cmdline = NULL;
    /* SEV-ES with a given boot VMSA but none for the others */
    in.num_cpus = 2;
    in.vmsa_cpu0 = cpu0.data;
    assert_false(sevirt_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "additional vCPUs");
    /* built VMSAs need the SEV-ES reset block */
    in.vmsa_cpu0 = NULL;
    in.firmware_len = fw.len - 1;
    assert_false(sevirt_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "SEV-ES reset block");
    in.firmware = NULL;
    assert_false(sevirt_launch_digest(&in, digest, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "No firmware");
    g_free(fw.data);
    g_free(cpu0.data);
}

static void
test_measurement_parse(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    SevirtMeasurement m;

    assert_false(sevirt_measurement_parse("--measurement", "AAAA", &m, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "--measurement decodes to 3 bytes, expected 48");
    assert_false(sevirt_measurement_parse("--measurement", "not base64!", &m, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "not valid base64");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guid),
        cmocka_unit_test(test_ovmf_footer),
        cmocka_unit_test(test_vmsa_matches_files),
        cmocka_unit_test(test_measurement_vectors),
        cmocka_unit_test(test_measure_unit_vector),
        cmocka_unit_test(test_launch_digest_vectors),
        cmocka_unit_test(test_launch_digest_refusals),
        cmocka_unit_test(test_measurement_parse),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, NULL, NULL));
}
