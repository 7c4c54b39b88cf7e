/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the emulated PSP: a launch with a guest owner's session
 * made by libsevirt, the measurement over what the command line names
 * (checked for SEV-ES against the VMSAs QEMU itself built, from the
 * published vectors), secret injection, and what the PSP refuses.
 */
#include <config.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-measure.h"
#include "sevirt-secret.h"
#include "sevirt-session.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-snp-measure.h"
#include "sevirt-snp-report.h"
#include "emu-args.h"
#include "emu-platform.h"
#include "emu-psp.h"
#include "emu-snp.h"

typedef struct {
    char *dir;                /* scratch: state directory and inputs */
    EmuPlatform *platform;
    SevirtSession *session;
} Fixture;

static char *
fixture_path(Fixture *f, const char *name)
{
    return g_build_filename(f->dir, name, NULL);
}

static char *
vector_path(const char *name)
{
    g_autofree char *rel = g_build_filename("sev-measurement", name, NULL);

    return sevirt_test_vector(rel);
}

static void
write_base64(const char *path, const guint8 *data, gsize len)
{
    g_autofree char *text = g_base64_encode(data, len);

    assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* The state directory the whole program's platform identity is minted in
 * once (two RSA-4096 keys: seconds, minutes under valgrind); each test
 * starts from a copy. */
static char *minted_state;

static void
remove_tree(const char *dir)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
}

static int
mint_platform(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuPlatform) platform = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-emu-mint-XXXXXX", &error);
    gboolean created = FALSE;

    g_assert_no_error(error);
    minted_state = g_build_filename(dir, "state", NULL);
    assert_int_equal(g_mkdir(minted_state, 0755), 0);
    assert_true(emu_platform_setup(minted_state, getuid(), getgid(), &created, NULL, NULL, &error));
    g_assert_no_error(error);
    assert_true(created);
    /* an identity like Rome's and Milan's: RSA-4096 roots */
    platform = emu_platform_load(minted_state, &error);
    g_assert_no_error(error);
    assert_true(emu_platform_load_identity(platform, TRUE, &error));
    assert_int_equal(sevirt_amd_cert_get_key_bits(platform->chain.ark), 4096);
    assert_int_equal(sevirt_amd_cert_get_key_bits(platform->chain.ask), 4096);
    return 0;
}

static int
discard_platform(void **state G_GNUC_UNUSED)
{
    g_autofree char *dir = g_path_get_dirname(minted_state);

    remove_tree(dir);
    g_free(minted_state);
    return 0;
}

/* A platform in a scratch state directory, with @conf as emu.conf: the
 * minted identity, which a setup there keeps. */
static int
fixture_setup(void **state, const char *conf)
{
    Fixture *f = g_new0(Fixture, 1);
    g_autoptr(GError) error = NULL;
    g_autofree char *state_dir = NULL;
    g_autofree char *conf_path = NULL;
    g_autofree char *minted = g_build_filename(minted_state, "platform", NULL);
    gboolean created = TRUE;
    gint status = 0;

    f->dir = g_dir_make_tmp("sevirt-emu-psp-XXXXXX", &error);
    g_assert_no_error(error);
    state_dir = fixture_path(f, "state");
    assert_int_equal(g_mkdir(state_dir, 0755), 0);
    {
        const char *argv[] = { "cp", "-a", minted, state_dir, NULL };

        assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &status, &error));
        assert_true(g_spawn_check_wait_status(status, &error));
    }
    if (conf) {
        conf_path = g_build_filename(state_dir, "emu.conf", NULL);
        assert_true(g_file_set_contents(conf_path, conf, -1, NULL));
    }
    assert_true(emu_platform_setup(state_dir, getuid(), getgid(), &created, NULL, NULL, &error));
    g_assert_no_error(error);
    assert_false(created);
    f->platform = emu_platform_load(state_dir, &error);
    g_assert_no_error(error);
    assert_true(emu_platform_load_identity(f->platform, TRUE, &error));
    g_assert_no_error(error);
    *state = f;
    return 0;
}

static int
setup_default(void **state)
{
    return fixture_setup(state, NULL);
}

/* The SEV-ES vector's platform: API 1.49, build 6, and the CPU the vector's
 * VMSAs were made for (family 25, model 1, stepping 1), whatever the host's. */
static int
setup_es_vector(void **state)
{
    return fixture_setup(state, "[platform]\napi-major=1\napi-minor=49\nbuild-id=6\n"
                                "cpu-family=25\ncpu-model=1\ncpu-stepping=1\n");
}

static int
fixture_teardown(void **state)
{
    Fixture *f = *state;

    remove_tree(f->dir);
    emu_platform_free(f->platform);
    sevirt_session_free(f->session);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* Writes the owner's session for @policy as libvirt writes dhCert/session. */
static void
make_session(Fixture *f, guint32 policy)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *godh = fixture_path(f, "dh_cert.base64");
    g_autofree char *blob = fixture_path(f, "session.base64");

    sevirt_session_free(f->session);
    f->session = sevirt_session_new(f->platform->chain.pdh, policy, &error);
    g_assert_no_error(error);
    write_base64(godh, sevirt_sev_cert_get_data(sevirt_session_get_godh(f->session)),
                 SEVIRT_SEV_CERT_SIZE);
    write_base64(blob, (const guint8 *) sevirt_session_get_blob(f->session),
                 sizeof(SevirtSessionBlob));
}

/* The command line libvirt builds for such a guest (the parts that count). */
static EmuArgs *
guest_args(Fixture *f, guint32 policy, guint vcpus, gboolean with_session, gboolean kernel,
           const char *firmware)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *godh = fixture_path(f, "dh_cert.base64");
    g_autofree char *blob = fixture_path(f, "session.base64");
    g_autofree char *fw = firmware ? g_strdup(firmware) : vector_path("ovmf-amdsev-trimmed.fd");
    g_autofree char *vmlinuz = vector_path("vmlinuz-fake");
    g_autofree char *initrd = vector_path("initrd-fake");
    g_autofree char *object = NULL;
    g_autofree char *smp = g_strdup_printf("%u,sockets=%u,cores=1,threads=1", vcpus, vcpus);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    EmuArgs *args;

    if (with_session)
        object = g_strdup_printf("{\"qom-type\":\"sev-guest\",\"id\":\"lsec0\",\"cbitpos\":51,"
                                 "\"reduced-phys-bits\":1,\"policy\":%u,\"dh-cert-file\":\"%s\","
                                 "\"session-file\":\"%s\",\"kernel-hashes\":%s}",
                                 policy, godh, blob, kernel ? "true" : "false");
    else
        object = g_strdup_printf("sev-guest,id=lsec0,cbitpos=51,reduced-phys-bits=1,policy=%u", policy);
    g_ptr_array_add(argv, "-machine");
    g_ptr_array_add(argv, "q35,confidential-guest-support=lsec0");
    g_ptr_array_add(argv, "-object");
    g_ptr_array_add(argv, object);
    g_ptr_array_add(argv, "-bios");
    g_ptr_array_add(argv, fw);
    g_ptr_array_add(argv, "-smp");
    g_ptr_array_add(argv, smp);
    g_ptr_array_add(argv, "-m");
    g_ptr_array_add(argv, "256");
    g_ptr_array_add(argv, "-uuid");
    g_ptr_array_add(argv, "0c8ddc76-8997-4df9-be60-a3ad34d62b03");
    if (kernel) {
        g_ptr_array_add(argv, "-kernel");
        g_ptr_array_add(argv, vmlinuz);
        g_ptr_array_add(argv, "-initrd");
        g_ptr_array_add(argv, initrd);
        g_ptr_array_add(argv, "-append");
        g_ptr_array_add(argv, "foo bar baz fake kernel=cmdline");
    }
    g_ptr_array_add(argv, NULL);
    args = emu_args_parse((const char *const *) argv->pdata, &error);
    g_assert_no_error(error);
    return args;
}

/* Runs a QMP command through the PSP; returns the reply or sets @error. */
static JsonNode *
psp_call(EmuPsp *psp, const char *name, JsonObject *arguments, GError **error)
{
    JsonNode *ret = NULL;

    assert_int_equal(emu_psp_qmp_command(psp, name, arguments, &ret, error), EMU_QMP_REPLY);
    if (!ret && error && !*error) {
        /* a command without a return value: {} */
        ret = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(ret, json_object_new());
    }
    return ret;
}

static void
reported_measurement(EmuPsp *psp, SevirtMeasurement *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) ret = psp_call(psp, "query-sev-launch-measure", NULL, &error);

    g_assert_no_error(error);
    assert_true(sevirt_measurement_parse("data", json_object_get_string_member(json_node_get_object(ret), "data"),
                                         m, &error));
    g_assert_no_error(error);
}

static const char *
sev_state(EmuPsp *psp)
{
    static char buf[32];
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) ret = psp_call(psp, "query-sev", NULL, &error);

    g_assert_no_error(error);
    g_strlcpy(buf, json_object_get_string_member(json_node_get_object(ret), "state"), sizeof(buf));
    return buf;
}

static JsonObject *
secret_arguments(const SevirtSecretHeader *header, GBytes *payload, gint64 gpa)
{
    JsonObject *args = json_object_new();
    g_autofree char *h = g_base64_encode((const guint8 *) header, sizeof(*header));
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(payload, &len);
    g_autofree char *p = g_base64_encode(data, len);

    json_object_set_string_member(args, "packet-header", h);
    json_object_set_string_member(args, "secret", p);
    if (gpa >= 0)
        json_object_set_int_member(args, "gpa", gpa);
    return args;
}

static void
test_launch_with_session(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = NULL;
    g_autoptr(EmuPsp) psp = NULL;
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autoptr(SevirtSecret) plain = NULL;
    g_autoptr(GBytes) payload = NULL;
    g_autoptr(JsonObject) good = NULL;
    g_autoptr(JsonObject) bad = NULL;
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *stored = NULL;
    g_autofree char *record = NULL;
    g_autofree guint8 *fw = NULL, *kernel = NULL, *initrd = NULL;
    SevirtLaunchInput input = { 0 };
    SevirtLaunchInfo info = { 1, 55, 21, 0x33 };
    SevirtMeasurement m;
    SevirtSecretHeader header;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];
    gsize len = 0;
    g_autofree char *p_fw = vector_path("ovmf-amdsev-trimmed.fd");
    g_autofree char *p_kernel = vector_path("vmlinuz-fake");
    g_autofree char *p_initrd = vector_path("initrd-fake");

    make_session(f, 0x33);
    args = guest_args(f, 0x33, 2, TRUE, TRUE, NULL);
    psp = emu_psp_new(f->platform, args, &error);
    g_assert_no_error(error);
    assert_string_equal(sev_state(psp), "launch-secret");

    /* the owner recomputes the measurement from firmware, kernel hashes */
    fw = sevirt_file_read(p_fw, SEVIRT_FIRMWARE_FILE_MAX, &input.firmware_len, &error);
    kernel = sevirt_file_read(p_kernel, SEVIRT_KERNEL_FILE_MAX, &input.kernel_len, &error);
    initrd = sevirt_file_read(p_initrd, SEVIRT_INITRD_FILE_MAX, &input.initrd_len, &error);
    g_assert_no_error(error);
    input.firmware = fw;
    input.kernel = kernel;
    input.initrd = initrd;
    input.cmdline = "foo bar baz fake kernel=cmdline";
    assert_true(sevirt_launch_digest(&input, digest, &error));
    reported_measurement(psp, &m);
    assert_true(sevirt_measurement_verify(sevirt_session_get_tik(f->session), &info, digest,
                                          &m, &error));
    g_assert_no_error(error);

    /* the secret: a packet with a flipped MAC byte is refused, then the
     * right one lands in the firmware's secret area (no gpa given) */
    assert_true(sevirt_secret_table_add(table, &sevirt_secret_guid_luks_key,
                                        (const guint8 *) "passphrase", 11, &error));
    assert_true(sevirt_secret_packet_build(sevirt_session_get_tek(f->session),
                                           sevirt_session_get_tik(f->session), m.measure, NULL,
                                           table, &header, &payload, &error));
    g_assert_no_error(error);
    header.mac[0] ^= 1;
    bad = secret_arguments(&header, payload, -1);
    ret = psp_call(psp, "sev-inject-launch-secret", bad, &error);
    assert_null(ret);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                             "SEV: failed to inject secret ret=-5 fw_error=11 'Bad measurement'");
    header.mac[0] ^= 1;
    good = secret_arguments(&header, payload, -1);
    ret = psp_call(psp, "sev-inject-launch-secret", good, &error);
    g_assert_no_error(error);
    g_clear_pointer(&ret, json_node_unref);

    /* by default, where it went is recorded, not the secret */
    record = emu_platform_domain_dir(f->platform, "0c8ddc76-8997-4df9-be60-a3ad34d62b03");
    {
        g_autofree char *meta = g_build_filename(record, "secret-1.json", NULL);
        g_autofree char *table1 = g_build_filename(record, "secret-1.table.bin", NULL);
        g_autofree char *payload1 = g_build_filename(record, "secret-1.payload.b64", NULL);

        assert_true(g_file_test(meta, G_FILE_TEST_IS_REGULAR));
        assert_false(g_file_test(table1, G_FILE_TEST_EXISTS));
        assert_false(g_file_test(payload1, G_FILE_TEST_EXISTS));
    }
    /* with keep-secrets (tests, the demo), the table the guest finds */
    f->platform->keep_secrets = TRUE;
    ret = psp_call(psp, "sev-inject-launch-secret", good, &error);
    g_assert_no_error(error);
    g_clear_pointer(&ret, json_node_unref);

    plain = sevirt_secret_table_serialize(table);
    stored = g_build_filename(record, "secret-2.table.bin", NULL);
    {
        g_autofree guint8 *got = sevirt_file_read(stored, SEVIRT_SECRET_PACKET_MAX, &len, &error);

        g_assert_no_error(error);
        assert_int_equal(len, plain->len);
        assert_memory_equal(got, plain->data, len);
    }

    /* LAUNCH_FINISH when the guest runs: no more secrets */
    {
        JsonObject *ok = json_object_new();

        json_object_set_object_member(ok, "return", json_object_new());
        assert_false(emu_psp_qmp_response(psp, "cont", NULL, ok));
        json_object_unref(ok);
    }
    assert_string_equal(sev_state(psp), "running");
    ret = psp_call(psp, "sev-inject-launch-secret", good, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                             "SEV: Not in correct state. (LSECRET) 3");
    /* the measurement stays readable, as with QEMU */
    reported_measurement(psp, &m);
}

/* SEV-ES: the VMSAs the PSP builds for its CPU are the ones QEMU built
 * (vmsa-cpu0.bin, vmsa-cpu1.bin of the vectors: family 25, model 1,
 * stepping 1), for every vCPU of -smp. */
static void
test_launch_es_matches_qemu_vmsas(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = NULL;
    g_autoptr(EmuPsp) psp = NULL;
    g_autofree guint8 *fw = NULL, *vmsa0 = NULL, *vmsa1 = NULL;
    g_autofree char *p_fw = vector_path("ovmf-amdsev-trimmed.fd");
    g_autofree char *p_v0 = vector_path("vmsa-cpu0.bin");
    g_autofree char *p_v1 = vector_path("vmsa-cpu1.bin");
    SevirtLaunchInput input = { 0 };
    SevirtLaunchInfo info = { 1, 49, 6, 0x5 };
    SevirtMeasurement m;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];
    gsize len = 0;

    make_session(f, 0x5);
    args = guest_args(f, 0x5, 4, TRUE, FALSE, NULL);
    psp = emu_psp_new(f->platform, args, &error);
    g_assert_no_error(error);

    fw = sevirt_file_read(p_fw, SEVIRT_FIRMWARE_FILE_MAX, &input.firmware_len, &error);
    vmsa0 = sevirt_file_read(p_v0, SEVIRT_VMSA_SIZE, &len, &error);
    vmsa1 = sevirt_file_read(p_v1, SEVIRT_VMSA_SIZE, &len, &error);
    g_assert_no_error(error);
    input.firmware = fw;
    input.num_cpus = 4;
    input.vmsa_cpu0 = vmsa0;
    input.vmsa_cpu1 = vmsa1;
    assert_true(sevirt_launch_digest(&input, digest, &error));
    reported_measurement(psp, &m);
    assert_true(sevirt_measurement_verify(sevirt_session_get_tik(f->session), &info, digest,
                                          &m, &error));
    g_assert_no_error(error);

    /* one vCPU fewer is another measurement */
    input.num_cpus = 3;
    assert_true(sevirt_launch_digest(&input, digest, &error));
    assert_false(sevirt_measurement_verify(sevirt_session_get_tik(f->session), &info, digest,
                                          &m, &error));
    g_clear_error(&error);
}

static void
test_launch_refusals(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *godh_path = fixture_path(f, "dh_cert.base64");
    g_autofree char *ovmfx64 = sevirt_test_vector("snp/ovmf-ovmfx64-suffix.bin");

    /* a session made for another policy */
    make_session(f, 0x33);
    {
        g_autoptr(EmuArgs) args = guest_args(f, 0x3, 1, TRUE, FALSE, NULL);
        g_autoptr(EmuPsp) psp = emu_psp_new(f->platform, args, &error);

        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                                 "LAUNCH_START ret=1 fw_error=11 'Bad measurement'");
    }
    /* a dhCert that is not base64 at all */
    assert_true(g_file_set_contents(godh_path, "not*base64", -1, NULL));
    {
        g_autoptr(EmuArgs) args = guest_args(f, 0x33, 1, TRUE, FALSE, NULL);
        g_autoptr(EmuPsp) psp = emu_psp_new(f->platform, args, &error);

        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                                 "fw_error=4 'Buffer too small'");
    }
    /* a dhCert with one byte of its key changed */
    make_session(f, 0x33);
    {
        guint8 godh[SEVIRT_SEV_CERT_SIZE];
        g_autoptr(EmuArgs) args = NULL;
        g_autoptr(EmuPsp) psp = NULL;

        memcpy(godh, sevirt_sev_cert_get_data(sevirt_session_get_godh(f->session)), sizeof(godh));
        godh[0x20] ^= 0x55;
        write_base64(godh_path, godh, sizeof(godh));
        args = guest_args(f, 0x33, 1, TRUE, FALSE, NULL);
        psp = emu_psp_new(f->platform, args, &error);
        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "LAUNCH_START ret=1 fw_error=");
    }
    /* kernel hashes on a firmware without a hashes area, as QEMU refuses */
    make_session(f, 0x33);
    {
        g_autoptr(EmuArgs) args = guest_args(f, 0x33, 1, TRUE, TRUE, ovmfx64);
        g_autoptr(EmuPsp) psp = emu_psp_new(f->platform, args, &error);

        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                                 "SEV: kernel specified but guest firmware has no hashes table GUID");
    }
    /* a platform without identity starts no SEV guest */
    {
        g_autoptr(EmuPlatform) bare = emu_platform_load(f->dir, &error);
        g_autoptr(EmuArgs) args = guest_args(f, 0x33, 1, FALSE, FALSE, NULL);
        g_autoptr(EmuPsp) psp = NULL;

        g_assert_no_error(error);
        psp = emu_psp_new(bare, args, &error);
        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "has no identity");
    }
}

/* By default the platform's CPU is the host's (CPUID leaf 1, as libvirt
 * reads it: tests/integ-emu-setup.sh compares with libvirt's capabilities);
 * emu.conf overrides it. */
/* keep-secrets is off unless set; a prune removes the records of guests
 * libvirt does not know, but not a record just made, nor anything else. */
static void
test_records(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-emu-psp-XXXXXX", &error);
    g_autofree char *conf = g_build_filename(dir, "emu.conf", NULL);
    const char *known_uuid = "6f1c2a9e-0d4b-4a57-9c1e-2f6b8d3e4a10";
    const char *gone_uuid = "0c8ddc76-8997-4df9-be60-a3ad34d62b03";
    const char *new_uuid = "5b0f8f5e-6f5c-4bb8-9d5a-6c3a5d9e2f11";
    const char *const known[] = { known_uuid, NULL };
    const char *const names[] = { known_uuid, gone_uuid, new_uuid, "notes", NULL };
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    g_autoptr(EmuPlatform) platform = NULL;

    platform = emu_platform_load(dir, &error);
    g_assert_no_error(error);
    assert_false(platform->keep_secrets);
    g_clear_pointer(&platform, emu_platform_free);
    assert_true(g_file_set_contents(conf, "[platform]\ncbitpos=47\n", -1, NULL));
    assert_true(emu_platform_set_keep_secrets(dir, TRUE, NULL, NULL, &error));
    platform = emu_platform_load(dir, &error);
    g_assert_no_error(error);
    assert_true(platform->keep_secrets);
    assert_int_equal(platform->cbitpos, 47);
    g_clear_pointer(&platform, emu_platform_free);
    assert_true(emu_platform_set_keep_secrets(dir, FALSE, NULL, NULL, &error));
    platform = emu_platform_load(dir, &error);
    assert_false(platform->keep_secrets);

    for (guint i = 0; names[i]; i++) {
        g_autofree char *rec = g_build_filename(dir, "domains", names[i], NULL);
        g_autofree char *file = g_build_filename(rec, "secret-1.table.bin", NULL);

        assert_int_equal(g_mkdir_with_parents(rec, 0700), 0);
        assert_true(g_file_set_contents(file, "x", 1, NULL));
        if (!g_str_equal(names[i], new_uuid))
            assert_int_equal(utimensat(AT_FDCWD, rec, old, 0), 0);
    }
    assert_true(emu_platform_prune(dir, known, NULL, NULL, &error));
    g_assert_no_error(error);
    for (guint i = 0; names[i]; i++) {
        g_autofree char *rec = g_build_filename(dir, "domains", names[i], NULL);

        assert_int_equal(g_file_test(rec, G_FILE_TEST_IS_DIR), !g_str_equal(names[i], gone_uuid));
    }
    remove_tree(dir);
}

static void
test_platform_cpu(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuPlatform) platform = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-emu-cpu-XXXXXX", &error);
    g_autofree char *conf = NULL;
    guint family = EMU_DEFAULT_CPU_FAMILY;
    guint model = EMU_DEFAULT_CPU_MODEL;
    guint stepping = EMU_DEFAULT_CPU_STEPPING;

    g_assert_no_error(error);
    if (emu_platform_host_cpu(&family, &model, &stepping)) {
        assert_true(family >= 3 && family <= 0xf + 0xff);
        assert_true(model <= 0xff && stepping <= 0xf);
    }
    platform = emu_platform_load(dir, &error);
    g_assert_no_error(error);
    assert_int_equal(platform->cpu_family, family);
    assert_int_equal(platform->cpu_model, model);
    assert_int_equal(platform->cpu_stepping, stepping);
    g_clear_pointer(&platform, emu_platform_free);

    conf = g_build_filename(dir, "emu.conf", NULL);
    assert_true(g_file_set_contents(conf, "[platform]\ncpu-family=23\ncpu-model=49\ncpu-stepping=0\n",
                                    -1, NULL));
    platform = emu_platform_load(dir, &error);
    g_assert_no_error(error);
    assert_int_equal(platform->cpu_family, 23);
    assert_int_equal(platform->cpu_model, 49);
    assert_int_equal(platform->cpu_stepping, 0);
    g_clear_pointer(&platform, emu_platform_free);
    assert_true(g_file_set_contents(conf, "[platform]\ncpu-family=300\n", -1, NULL));
    platform = emu_platform_load(dir, &error);
    assert_null(platform);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "cpu-family");
    g_unlink(conf);
    g_rmdir(dir);
}

/* Without an owner: random keys; the QMP answers QEMU 7.2 would give. */
static void
test_qmp_answers(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *ovmfx64 = sevirt_test_vector("snp/ovmf-ovmfx64-suffix.bin");
    g_autoptr(EmuArgs) args = guest_args(f, 0x1, 1, FALSE, FALSE, ovmfx64);
    g_autoptr(EmuArgs) probe_args = NULL;
    g_autoptr(EmuPsp) psp = NULL;
    g_autoptr(EmuPsp) probe = NULL;
    g_autoptr(JsonNode) caps = NULL;
    g_autoptr(JsonNode) info = NULL;
    g_autoptr(JsonObject) secret = json_object_new();
    g_autoptr(JsonNode) ret = NULL;
    static const char *const probe_argv[] = { "-machine", "none", NULL };
    JsonObject *obj;
    JsonNode *forwarded = NULL;
    gsize len = 0;
    g_autofree guchar *pdh = NULL;

    /* OvmfX64: a firmware without a secret area */
    psp = emu_psp_new(f->platform, args, &error);
    g_assert_no_error(error);

    caps = psp_call(psp, "query-sev-capabilities", NULL, &error);
    g_assert_no_error(error);
    obj = json_node_get_object(caps);
    assert_int_equal(json_object_get_int_member(obj, "cbitpos"), 51);
    assert_int_equal(json_object_get_int_member(obj, "reduced-phys-bits"), 1);
    pdh = g_base64_decode(json_object_get_string_member(obj, "pdh"), &len);
    assert_int_equal(len, SEVIRT_SEV_CERT_SIZE);
    assert_memory_equal(pdh, sevirt_sev_cert_get_data(f->platform->chain.pdh), len);

    info = psp_call(psp, "query-sev", NULL, &error);
    obj = json_node_get_object(info);
    assert_true(json_object_get_boolean_member(obj, "enabled"));
    assert_int_equal(json_object_get_int_member(obj, "api-major"), 1);
    assert_int_equal(json_object_get_int_member(obj, "api-minor"), 55);
    assert_int_equal(json_object_get_int_member(obj, "build-id"), 21);
    assert_int_equal(json_object_get_int_member(obj, "policy"), 1);

    ret = psp_call(psp, "query-sev-attestation-report", NULL, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "Feature not supported");

    /* what QEMU checks before the firmware */
    ret = psp_call(psp, "sev-inject-launch-secret", secret, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Parameter 'packet-header' is missing");
    json_object_set_string_member(secret, "packet-header", "");
    json_object_set_string_member(secret, "secret", "AAAA");
    ret = psp_call(psp, "sev-inject-launch-secret", secret, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "no secret area found in OVMF, gpa must be specified");
    json_object_set_int_member(secret, "gpa", 0x100000);
    ret = psp_call(psp, "sev-inject-launch-secret", secret, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Failed to decode sequence header");
    json_object_set_string_member(secret, "packet-header", "AAAA");
    json_object_set_string_member(secret, "secret", "");
    ret = psp_call(psp, "sev-inject-launch-secret", secret, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Failed to decode data");
    json_object_set_string_member(secret, "secret", "AAAA");
    json_object_set_int_member(secret, "gpa", 0x10000000);   /* 256 MiB: past RAM */
    ret = psp_call(psp, "sev-inject-launch-secret", secret, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "No memory at address 0x10000000");
    json_object_set_int_member(secret, "gpa", 0x100000);
    ret = psp_call(psp, "sev-inject-launch-secret", secret, &error);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "fw_error=");

    /* everything else goes to QEMU */
    assert_int_equal(emu_psp_qmp_command(psp, "query-status", NULL, &forwarded, &error), EMU_QMP_FORWARD);

    /* libvirt's probe: no SEV guest, yet the capabilities are there */
    probe_args = emu_args_parse(probe_argv, &error);
    probe = emu_psp_new(f->platform, probe_args, &error);
    g_assert_no_error(error);
    g_clear_pointer(&caps, json_node_unref);
    caps = psp_call(probe, "query-sev-capabilities", NULL, &error);
    g_assert_no_error(error);
    assert_int_equal(emu_psp_qmp_command(probe, "query-sev", NULL, &forwarded, &error), EMU_QMP_FORWARD);
    {
        /* and sev-guest, sev-snp-guest are listed even by a QEMU built without them */
        JsonObject *types = json_object_new();

        json_object_set_array_member(types, "return", json_array_new());
        assert_true(emu_psp_qmp_response(probe, "qom-list-types", NULL, types));
        assert_int_equal(json_array_get_length(json_object_get_array_member(types, "return")), 2);
        assert_false(emu_psp_qmp_response(probe, "qom-list-types", NULL, types));
        json_object_unref(types);
    }
}

/* An SNP guest's command line with @extra properties of sev-snp-guest. */
static EmuArgs *
snp_args(const char *firmware, const char *extra)
{
    g_autofree char *object = g_strdup_printf("sev-snp-guest,id=s,policy=0x30000%s", extra);
    const char *argv[] = {
        "-machine", "q35,confidential-guest-support=s", "-bios", firmware, "-smp", "2",
        "-uuid", "8e1e5e2c-7d04-4a4c-9b35-0f2c3c6f2a11", "-object", object, NULL
    };
    g_autoptr(GError) error = NULL;
    EmuArgs *args = emu_args_parse(argv, &error);

    g_assert_no_error(error);
    return args;
}

/* ID block and auth for @digest and @policy, signed with the test keys, as
 * ",id-block=...,id-auth=...,author-key-enabled=on". */
static char *
snp_id_props(const guint8 *digest, guint64 policy, gsize flip)
{
    g_autofree char *id_path = sevirt_test_data_path("snp/idblock/sev-snp-measure/id_key_test.pem");
    g_autofree char *author_path = sevirt_test_data_path("snp/idblock/sev-snp-measure/author_key_test.pem");
    g_autoptr(SevirtSnpIdKey) id_key = sevirt_snp_id_key_read(id_path, TRUE, NULL);
    g_autoptr(SevirtSnpIdKey) author_key = sevirt_snp_id_key_read(author_path, TRUE, NULL);
    SevirtSnpIdBlockParams params = { .version = 1, .policy = policy };
    guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE];
    g_autofree guint8 *auth = g_malloc0(SEVIRT_SNP_ID_AUTH_SIZE);
    g_autofree char *b64_block = NULL;
    g_autofree char *b64_auth = NULL;
    g_autoptr(GError) error = NULL;

    assert_non_null(id_key);
    assert_non_null(author_key);
    memcpy(params.ld, digest, sizeof(params.ld));
    sevirt_snp_id_block_build(&params, block);
    assert_true(sevirt_snp_id_auth_build(block, id_key, author_key, auth, &error));
    g_assert_no_error(error);
    if (flip)
        block[flip] ^= 1;     /* changed after it was signed */
    b64_block = g_base64_encode(block, sizeof(block));
    b64_auth = g_base64_encode(auth, SEVIRT_SNP_ID_AUTH_SIZE);
    return g_strdup_printf(",author-key-enabled=on,id-block=%s,id-auth=%s", b64_block, b64_auth);
}

/* A report of @psp for @nonce, checked against the platform's emulated
 * ARK and ASK and the VCEK the reply carries; @tamper flips a measurement
 * bit first.  Returns whether every check passed. */
static gboolean
snp_report_verifies(Fixture *f, EmuPsp *psp, const guint8 *digest, const guint8 *nonce,
                    gboolean tamper)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *nonce_b64 = g_base64_encode(nonce, 64);
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) reply = NULL;
    g_autofree guchar *raw = NULL;
    g_autofree char *dir = g_build_filename(f->platform->state_dir, "platform", NULL);
    g_autofree char *ark_path = g_build_filename(dir, EMU_SNP_ARK_FILE, NULL);
    g_autofree char *ask_path = g_build_filename(dir, EMU_SNP_ASK_FILE, NULL);
    g_autofree char *vcek_path = fixture_path(f, "vcek.pem");
    g_autoptr(SevirtSnpCert) ark = NULL;
    g_autoptr(SevirtSnpCert) ask = NULL;
    g_autoptr(SevirtSnpCert) vcek = NULL;
    g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);
    SevirtSnpReport report;
    SevirtSnpRoots roots;
    SevirtSnpExpect expect = { .measurement = digest, .report_data = nonce,
                               .check_policy = TRUE, .policy = 0x30000 };
    JsonObject *obj;
    gsize len = 0;
    gboolean ok;

    json_object_set_string_member(args, "report-data", nonce_b64);
    reply = psp_call(psp, "x-sevirt-snp-report", args, &error);
    g_assert_no_error(error);
    obj = json_node_get_object(reply);
    assert_true(json_object_get_boolean_member(obj, "emulated"));
    raw = g_base64_decode(json_object_get_string_member(obj, "report"), &len);
    assert_int_equal(len, SEVIRT_SNP_REPORT_SIZE);
    if (tamper)
        raw[0x90] ^= 1;
    assert_true(g_file_set_contents(vcek_path, json_object_get_string_member(obj, "vcek"), -1, NULL));
    assert_true(sevirt_snp_report_parse(raw, len, "report", &report, &error));
    ark = sevirt_snp_cert_read(ark_path, &error);
    ask = sevirt_snp_cert_read(ask_path, &error);
    vcek = sevirt_snp_cert_read(vcek_path, &error);
    g_assert_no_error(error);
    roots.ark = ark;
    roots.ask = ask;
    ok = sevirt_snp_roots_verify(&roots, checks);
    ok = sevirt_snp_report_verify(&report, &roots, vcek, &expect, checks) && ok;
    for (guint i = 0; i < checks->len; i++) {
        const SevirtSnpCheck *c = g_ptr_array_index(checks, i);

        if (!c->passed)
            g_printerr("check %s failed: %s\n", c->name, c->detail);
    }
    return ok;
}

/* SNP: the launch digest of what QEMU loads, the ID block checks of
 * SNP_LAUNCH_FINISH, and what query-sev says. */
static void
test_snp_launch(void **state)
{
    Fixture *f = *state;
    g_autofree char *firmware = sevirt_test_data_path("snp/measure/ovmf_OvmfX64_suffix.bin");
    g_autofree guint8 *fw = NULL;
    gsize fw_len = 0;
    guint8 expected[SEVIRT_SNP_DIGEST_SIZE];
    guint8 other[SEVIRT_SNP_DIGEST_SIZE];
    SevirtSnpLaunchInput in = { 0 };
    g_autoptr(GError) error = NULL;
    static const struct {
        gboolean other_digest;
        guint64 policy;
        gsize flip;
        const char *needle;
    } refused[] = {
        { TRUE, 0x30000, 0, "fw_error=11 'Bad measurement'" },
        { FALSE, 0x70000, 0, "fw_error=7 'Request is not allowed by guest policy'" },
        { FALSE, 0x30000, 0x54, "fw_error=10 'Bad signature'" },
    };

    assert_true(g_file_get_contents(firmware, (char **) &fw, &fw_len, NULL));
    in.firmware = fw;
    in.firmware_len = fw_len;
    in.num_cpus = 2;
    in.cpu_signature = sevirt_cpu_signature(f->platform->cpu_family, f->platform->cpu_model,
                                            f->platform->cpu_stepping);
    in.guest_features = 1;
    assert_true(sevirt_snp_launch_digest(&in, expected, &error));
    in.num_cpus = 1;
    assert_true(sevirt_snp_launch_digest(&in, other, &error));
    g_assert_no_error(error);

    {
        g_autoptr(EmuArgs) args = snp_args(firmware, ",host-data=SE9TVEhPU1RIT1NUSE9TVEhPU1RIT1NUSE9TVEhPU1Q=");
        g_autoptr(EmuPsp) psp = emu_psp_new(f->platform, args, &error);
        g_autoptr(JsonNode) info = NULL;
        g_autofree char *record = NULL;
        g_autofree char *path = g_build_filename(f->platform->state_dir, "domains",
                                                 "8e1e5e2c-7d04-4a4c-9b35-0f2c3c6f2a11",
                                                 "launch.json", NULL);
        g_autofree char *hex = g_malloc0(2 * SEVIRT_SNP_DIGEST_SIZE + 1);

        g_assert_no_error(error);
        info = psp_call(psp, "query-sev", NULL, &error);
        g_assert_no_error(error);
        assert_string_equal(json_object_get_string_member(json_node_get_object(info), "sev-type"),
                            "sev-snp");
        assert_int_equal(json_object_get_int_member(json_node_get_object(info), "snp-policy"), 0x30000);
        assert_null(psp_call(psp, "query-sev-launch-measure", NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED, "SEV-SNP");
        assert_true(g_file_get_contents(path, &record, NULL, NULL));
        for (guint i = 0; i < SEVIRT_SNP_DIGEST_SIZE; i++)
            g_snprintf(hex + 2 * i, 3, "%02x", expected[i]);
        assert_non_null(strstr(record, hex));
        assert_non_null(strstr(record, "\"encrypted\" : false"));

        /* reports: only once the guest ran (LAUNCH_FINISH), then signed
         * with the emulated VCEK, and a changed one fails */
        {
            guint8 nonce[64];
            JsonObject *ok = json_object_new();
            JsonObject *before = json_object_new();
            g_autoptr(JsonNode) early = NULL;

            memset(nonce, 0xa5, sizeof(nonce));
            assert_null(psp_call(psp, "x-sevirt-snp-report", NULL, &error));
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, "has not run yet");
            /* a paused guest's report, asked for before it ran (emulation only) */
            json_object_set_boolean_member(before, "before-run", FALSE);
            assert_null(psp_call(psp, "x-sevirt-snp-report", before, &error));
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, "has not run yet");
            json_object_set_boolean_member(before, "before-run", TRUE);
            early = psp_call(psp, "x-sevirt-snp-report", before, &error);
            g_assert_no_error(error);
            assert_non_null(early);
            assert_non_null(json_object_get_string_member_with_default(json_node_get_object(early),
                                                                       "report", NULL));
            json_object_unref(before);
            json_object_set_object_member(ok, "return", json_object_new());
            emu_psp_qmp_response(psp, "cont", NULL, ok);
            json_object_unref(ok);
            assert_true(snp_report_verifies(f, psp, expected, nonce, FALSE));
            assert_false(snp_report_verifies(f, psp, expected, nonce, TRUE));
        }
    }
    {
        g_autofree char *props = snp_id_props(expected, 0x30000, 0);
        g_autoptr(EmuArgs) args = snp_args(firmware, props);
        g_autoptr(EmuPsp) psp = emu_psp_new(f->platform, args, &error);

        g_assert_no_error(error);
        assert_non_null(psp);
    }
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autofree char *props = snp_id_props(refused[i].other_digest ? other : expected,
                                              refused[i].policy, refused[i].flip);
        g_autoptr(EmuArgs) args = snp_args(firmware, props);
        g_autoptr(EmuPsp) psp = emu_psp_new(f->platform, args, &error);

        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, refused[i].needle);
    }
    {
        /* the policy's must-be-one bit, as SNP_LAUNCH_START checks it */
        const char *argv[] = {
            "-machine", "q35,confidential-guest-support=s", "-bios", firmware,
            "-object", "sev-snp-guest,id=s,policy=0x10000", NULL
        };
        g_autoptr(EmuArgs) args = emu_args_parse(argv, &error);
        g_autoptr(EmuPsp) psp = NULL;

        g_assert_no_error(error);
        psp = emu_psp_new(f->platform, args, &error);
        assert_null(psp);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "SNP_LAUNCH_START");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_launch_with_session, setup_default, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_launch_es_matches_qemu_vmsas, setup_es_vector, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_launch_refusals, setup_default, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_qmp_answers, setup_default, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_snp_launch, setup_default, fixture_teardown),
        cmocka_unit_test(test_platform_cpu),
        cmocka_unit_test(test_records),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, mint_platform, discard_platform));
}
