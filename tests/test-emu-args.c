/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the emulated SEV platform's command-line handling: the
 * QEMU command lines libvirt 9.0 builds (copied from real runs) are read and
 * rewritten for the real QEMU.
 */
#include <config.h>

#include "test-common.h"
#include "sevirt.h"
#include "emu-args.h"

/* libvirt 9.0's capability probe. */
static const char *const probe_argv[] = {
    "-S", "-no-user-config", "-nodefaults", "-nographic",
    "-machine", "none,accel=kvm:tcg",
    "-qmp", "unix:/var/lib/libvirt/qemu/qmp-6BXIZ3/qmp.monitor,server=on,wait=off",
    "-pidfile", "/var/lib/libvirt/qemu/qmp-6BXIZ3/qmp.pid",
    "-daemonize",
    NULL
};

/* libvirt 9.0 starting <domain type='qemu'> with <launchSecurity type='sev'>. */
static const char *const domain_argv[] = {
    "-name", "guest=emutest1,debug-threads=on",
    "-S",
    "-object", "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\",\"file\":\"/var/lib/libvirt/qemu/domain-6-emutest1/master-key.aes\"}",
    "-blockdev", "{\"driver\":\"file\",\"filename\":\"/usr/share/OVMF/OVMF_CODE_4M.fd\",\"node-name\":\"libvirt-pflash0-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}",
    "-blockdev", "{\"node-name\":\"libvirt-pflash0-format\",\"read-only\":true,\"driver\":\"raw\",\"file\":\"libvirt-pflash0-storage\"}",
    "-machine", "pc-q35-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram,confidential-guest-support=lsec0,pflash0=libvirt-pflash0-format",
    "-accel", "tcg",
    "-cpu", "qemu64",
    "-m", "256",
    "-object", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":268435456}",
    "-overcommit", "mem-lock=off",
    "-smp", "4,sockets=4,cores=1,threads=1",
    "-uuid", "f5479476-6c65-45c5-a19a-2a5857238301",
    "-display", "none",
    "-no-user-config",
    "-nodefaults",
    "-chardev", "socket,id=charmonitor,fd=31,server=on,wait=off",
    "-mon", "chardev=charmonitor,id=monitor,mode=control",
    "-rtc", "base=utc",
    "-no-shutdown",
    "-boot", "strict=on",
    "-chardev", "pty,id=charserial0",
    "-device", "{\"driver\":\"isa-serial\",\"chardev\":\"charserial0\",\"id\":\"serial0\",\"index\":0}",
    "-object", "{\"qom-type\":\"sev-guest\",\"id\":\"lsec0\",\"cbitpos\":51,\"reduced-phys-bits\":1,\"policy\":7,\"dh-cert-file\":\"/var/lib/libvirt/qemu/domain-6-emutest1/dh_cert.base64\",\"session-file\":\"/var/lib/libvirt/qemu/domain-6-emutest1/session.base64\"}",
    "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
    "-msg", "timestamp=on",
    NULL
};

static char *
join_argv(char **argv)
{
    return g_strjoinv(" ", argv);
}

static gboolean
argv_has_pair(char **argv, const char *opt, const char *value)
{
    for (guint i = 0; argv[i] && argv[i + 1]; i++) {
        if (g_str_equal(argv[i], opt) && g_str_equal(argv[i + 1], value))
            return TRUE;
    }
    return FALSE;
}

static void
test_probe(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = emu_args_parse(probe_argv, &error);
    g_auto(GStrv) qemu = NULL;
    g_autofree char *line = NULL;

    assert_non_null(args);
    assert_int_equal(args->mode, EMU_MODE_PROBE);
    assert_string_equal(args->monitor_path, "/var/lib/libvirt/qemu/qmp-6BXIZ3/qmp.monitor");
    assert_int_equal(args->monitor_fd, -1);
    assert_null(args->sev);
    assert_int_equal(args->removed->len, 0);

    qemu = emu_args_qemu_argv(args, "/usr/bin/qemu-system-x86_64", 7);
    line = join_argv(qemu);
    assert_string_equal(line,
        "/usr/bin/qemu-system-x86_64 -S -no-user-config -nodefaults -nographic "
        "-machine none,accel=kvm:tcg "
        "-chardev socket,id=sevirt-emu-qmp,fd=7 -mon chardev=sevirt-emu-qmp,mode=control "
        "-pidfile /var/lib/libvirt/qemu/qmp-6BXIZ3/qmp.pid -daemonize");
}

static void
test_domain(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = emu_args_parse(domain_argv, &error);
    g_auto(GStrv) qemu = NULL;
    g_autofree char *line = NULL;

    assert_non_null(args);
    assert_int_equal(args->mode, EMU_MODE_DOMAIN);
    assert_int_equal(args->monitor_fd, 31);
    assert_null(args->monitor_path);
    assert_non_null(args->sev);
    assert_string_equal(args->sev->id, "lsec0");
    assert_int_equal(args->sev->cbitpos, 51);
    assert_int_equal(args->sev->reduced_phys_bits, 1);
    assert_int_equal(args->sev->policy, 7);
    assert_false(args->sev->kernel_hashes);
    assert_string_equal(args->sev->dh_cert_file, "/var/lib/libvirt/qemu/domain-6-emutest1/dh_cert.base64");
    assert_string_equal(args->sev->session_file, "/var/lib/libvirt/qemu/domain-6-emutest1/session.base64");
    assert_string_equal(args->firmware, "/usr/share/OVMF/OVMF_CODE_4M.fd");
    assert_true(args->firmware_pflash);
    assert_int_equal(args->smp_cpus, 4);
    assert_int_equal(args->ram_bytes, 256 * 1024 * 1024);
    assert_string_equal(args->name, "emutest1");
    assert_string_equal(args->uuid, "f5479476-6c65-45c5-a19a-2a5857238301");
    assert_string_equal(args->cpu_model, "qemu64");
    assert_null(args->kernel);

    /* the sev-guest object and the machine property are recorded */
    assert_int_equal(args->removed->len, 2);
    assert_string_equal(g_ptr_array_index(args->removed, 1), "confidential-guest-support=lsec0");

    qemu = emu_args_qemu_argv(args, "/usr/bin/qemu-system-x86_64", 5);
    assert_true(argv_has_pair(qemu, "-machine",
        "pc-q35-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram,pflash0=libvirt-pflash0-format"));
    assert_true(argv_has_pair(qemu, "-chardev", "socket,id=charmonitor,fd=5"));
    assert_true(argv_has_pair(qemu, "-mon", "chardev=charmonitor,id=monitor,mode=control"));
    line = join_argv(qemu);
    assert_null(strstr(line, "sev-guest"));
    assert_null(strstr(line, "confidential-guest-support"));
    assert_null(strstr(line, "fd=31"));
    /* everything else passes unchanged, in order */
    assert_true(argv_has_pair(qemu, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"));
    assert_true(argv_has_pair(qemu, "-chardev", "pty,id=charserial0"));
    assert_string_equal(qemu[0], "/usr/bin/qemu-system-x86_64");
    assert_string_equal(qemu[1], "-name");
    assert_int_equal(g_strv_length(qemu), G_N_ELEMENTS(domain_argv) - 1 - 2 + 1);
}

/* The older key=value forms: -object sev-guest,..., -bios, direct kernel
 * boot, a monitor on a socket path, ",," escapes. */
static void
test_keyval_forms(void **state G_GNUC_UNUSED)
{
    static const char *const argv[] = {
        "-machine", "q35,note=a,,b,memory-encryption=sev0",
        "-object", "sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=5,policy=0x5,kernel-hashes=on",
        "-bios", "/srv/OVMF.amdsev.fd",
        "-kernel", "/srv/vmlinuz", "-initrd", "/srv/initrd", "-append", "console=ttyS0 a=b,c",
        "-m", "size=1048576k,slots=16,maxmem=4194304k",
        "-chardev", "socket,id=mon0,path=/run/mon.sock,server,nowait",
        "-mon", "chardev=mon0,mode=control",
        NULL
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = emu_args_parse(argv, &error);
    g_auto(GStrv) qemu = NULL;

    assert_non_null(args);
    assert_int_equal(args->mode, EMU_MODE_DOMAIN);
    assert_string_equal(args->monitor_path, "/run/mon.sock");
    assert_int_equal(args->sev->cbitpos, 47);
    assert_int_equal(args->sev->reduced_phys_bits, 5);
    assert_int_equal(args->sev->policy, 5);
    assert_true(args->sev->kernel_hashes);
    assert_null(args->sev->dh_cert_file);
    assert_string_equal(args->firmware, "/srv/OVMF.amdsev.fd");
    assert_false(args->firmware_pflash);
    assert_string_equal(args->kernel, "/srv/vmlinuz");
    assert_string_equal(args->initrd, "/srv/initrd");
    assert_string_equal(args->append, "console=ttyS0 a=b,c");
    assert_int_equal(args->ram_bytes, 1024 * 1024 * 1024);
    assert_int_equal(args->smp_cpus, 1);

    qemu = emu_args_qemu_argv(args, "qemu", 9);
    assert_true(argv_has_pair(qemu, "-machine", "q35,note=a,,b"));
    assert_true(argv_has_pair(qemu, "-chardev", "socket,id=mon0,fd=9"));
    assert_true(argv_has_pair(qemu, "-append", "console=ttyS0 a=b,c"));
}

/* libvirt 11's sev-snp-guest: taken off QEMU's command line, its
 * properties kept for the emulated PSP. */
static void
test_snp_guest(void **state G_GNUC_UNUSED)
{
    static const char *const argv[] = {
        "-machine", "pc-q35-10.0,confidential-guest-support=lsec0,acpi=on",
        "-bios", "/srv/OVMF.fd", "-smp", "4",
        "-object", "{\"qom-type\":\"sev-snp-guest\",\"id\":\"lsec0\",\"cbitpos\":47,"
        "\"reduced-phys-bits\":1,\"policy\":196608,\"kernel-hashes\":true,"
        "\"author-key-enabled\":true,\"id-block\":\"QkxL\",\"id-auth\":\"QVVU\","
        "\"host-data\":\"SE9TVA==\",\"guest-visible-workarounds\":\"V09SSw==\"}",
        NULL
    };
    static const char *const minimal[] = {
        "-machine", "q35,confidential-guest-support=s",
        "-object", "sev-snp-guest,id=s,policy=0x70000", NULL
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = emu_args_parse(argv, &error);
    g_autoptr(EmuArgs) args2 = NULL;
    g_auto(GStrv) qemu = NULL;

    g_assert_no_error(error);
    assert_true(args->sev->snp);
    assert_int_equal(args->sev->cbitpos, 47);
    assert_int_equal(args->sev->snp_policy, 0x30000);
    assert_true(args->sev->kernel_hashes);
    assert_true(args->sev->author_key_enabled);
    assert_string_equal(args->sev->id_block, "QkxL");
    assert_string_equal(args->sev->id_auth, "QVVU");
    assert_string_equal(args->sev->host_data, "SE9TVA==");
    assert_string_equal(args->sev->guest_visible_workarounds, "V09SSw==");
    assert_int_equal(args->smp_cpus, 4);
    qemu = emu_args_qemu_argv(args, "qemu", -1);
    assert_true(argv_has_pair(qemu, "-machine", "pc-q35-10.0,acpi=on"));
    for (guint i = 0; qemu[i]; i++)
        assert_null(strstr(qemu[i], "sev-snp-guest"));

    /* QEMU's defaults: no cbitpos needed, policy 64-bit */
    args2 = emu_args_parse(minimal, &error);
    g_assert_no_error(error);
    assert_int_equal(args2->sev->cbitpos, EMU_DEFAULT_SNP_CBITPOS);
    assert_int_equal(args2->sev->reduced_phys_bits, EMU_DEFAULT_SNP_REDUCED_PHYS_BITS);
    assert_int_equal(args2->sev->snp_policy, 0x70000);
    assert_false(args2->sev->author_key_enabled);
    assert_null(args2->sev->id_block);
}

static void
test_drive_pflash(void **state G_GNUC_UNUSED)
{
    static const char *const argv[] = {
        "-drive", "file=/usr/share/OVMF/OVMF_VARS.fd,if=pflash,format=raw,unit=1",
        "-drive", "file=/usr/share/OVMF/OVMF_CODE.fd,if=pflash,format=raw,unit=0,readonly=on",
        NULL
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) args = emu_args_parse(argv, &error);

    assert_non_null(args);
    assert_int_equal(args->mode, EMU_MODE_PASSTHROUGH);
    assert_string_equal(args->firmware, "/usr/share/OVMF/OVMF_CODE.fd");
    assert_true(args->firmware_pflash);
}

static void
test_passthrough(void **state G_GNUC_UNUSED)
{
    static const char *const argv[] = { "-version", NULL };
    static const char *const qmp_stdio[] = { "-qmp", "stdio", "-S", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuArgs) a = emu_args_parse(argv, &error);
    g_autoptr(EmuArgs) b = emu_args_parse(qmp_stdio, &error);
    g_auto(GStrv) qemu = NULL;
    g_autofree char *line = NULL;

    assert_non_null(a);
    assert_int_equal(a->mode, EMU_MODE_PASSTHROUGH);
    assert_non_null(b);
    assert_int_equal(b->mode, EMU_MODE_PASSTHROUGH);
    qemu = emu_args_qemu_argv(b, "/q", -1);
    line = join_argv(qemu);
    assert_string_equal(line, "/q -qmp stdio -S");
}

/*
 * Hostile -qmp values: an empty or missing unix path is no probe (QEMU
 * itself refuses it), and a repeated key keeps the last value without
 * leaking the others (check-valgrind).
 */
static void
test_qmp_hostile(void **state G_GNUC_UNUSED)
{
    static const char *const no_probe[] = {
        "unix:", "unix:,server=on", "unix:server=on,wait=off", "unix:,,",
    };

    for (guint i = 0; i < G_N_ELEMENTS(no_probe); i++) {
        const char *argv[] = { "-qmp", no_probe[i], "-S", NULL };
        g_autoptr(GError) error = NULL;
        g_autoptr(EmuArgs) args = emu_args_parse(argv, &error);

        assert_non_null(args);
        assert_int_equal(args->mode, EMU_MODE_PASSTHROUGH);
        assert_null(args->monitor_path);
    }

    {
        static const char *const repeated[] = {
            "-qmp", "unix:/run/q.sock,server=off,server=on,server=on,wait=off", NULL
        };
        static const char *const last_off[] = {
            "-qmp", "unix:/run/q.sock,server=on,server=off", NULL
        };
        g_autoptr(GError) error = NULL;
        g_autoptr(EmuArgs) a = emu_args_parse(repeated, &error);
        g_autoptr(EmuArgs) b = emu_args_parse(last_off, &error);

        assert_non_null(a);
        assert_int_equal(a->mode, EMU_MODE_PROBE);
        assert_string_equal(a->monitor_path, "/run/q.sock");
        assert_non_null(b);
        assert_int_equal(b->mode, EMU_MODE_PASSTHROUGH);
    }
}

static void
test_errors(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *argv[8];
        int code;
        const char *needle;
    } cases[] = {
        { { "-machine", "q35,confidential-guest-support=tdx0",
            "-object", "{\"qom-type\":\"tdx-guest\",\"id\":\"tdx0\"}", NULL },
          SEVIRT_ERROR_UNSUPPORTED, "cannot provide confidential guest support 'tdx0' (tdx-guest)" },
        { { "-machine", "q35,confidential-guest-support=nothere", NULL },
          SEVIRT_ERROR_UNSUPPORTED, "'nothere' (no such object)" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-guest,id=s,reduced-phys-bits=1", NULL },
          SEVIRT_ERROR_INVALID, "sev-guest 's' has no 'cbitpos'" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-guest,id=s,cbitpos=99,reduced-phys-bits=1", NULL },
          SEVIRT_ERROR_INVALID, "sev-guest 'cbitpos'" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-guest,id=s,cbitpos=51,reduced-phys-bits=1,kernel-hashes=maybe", NULL },
          SEVIRT_ERROR_INVALID, "must be on or off, not 'maybe'" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-guest,id=s,cbitpos=51,reduced-phys-bits=1,dh-cert-file=/x", NULL },
          SEVIRT_ERROR_INVALID, "needs both 'dh-cert-file' and 'session-file'" },
        { { "-object", "sev-guest,id=s,cbitpos=51,reduced-phys-bits=1", NULL },
          SEVIRT_ERROR_INVALID, "not used by the machine's confidential-guest-support" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-snp-guest,id=s,id-block=QkxL", NULL },
          SEVIRT_ERROR_INVALID, "needs both 'id-block' and 'id-auth'" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-snp-guest,id=s,author-key-enabled=perhaps", NULL },
          SEVIRT_ERROR_INVALID, "must be on or off, not 'perhaps'" },
        { { "-machine", "q35,confidential-guest-support=s",
            "-object", "sev-guest,id=s,cbitpos=51,reduced-phys-bits=1",
            "-object", "sev-snp-guest,id=t", NULL },
          SEVIRT_ERROR_INVALID, "more than one SEV guest object" },
        { { "-machine", NULL },
          SEVIRT_ERROR_INVALID, "option '-machine' needs a value" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(EmuArgs) args = emu_args_parse(cases[i].argv, &error);

        assert_null(args);
        sevirt_test_assert_error(&error, SEVIRT_ERROR, cases[i].code, cases[i].needle);
    }
}

static void
test_opts_parse(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) kv = emu_opts_parse("socket,id=a,,b,server,nowait", "backend", &error);
    g_autoptr(JsonObject) js = NULL;

    assert_non_null(kv);
    assert_string_equal(json_object_get_string_member(kv, "backend"), "socket");
    assert_string_equal(json_object_get_string_member(kv, "id"), "a,b");
    assert_string_equal(json_object_get_string_member(kv, "server"), "on");
    assert_string_equal(json_object_get_string_member(kv, "wait"), "off");

    js = emu_opts_parse("{\"id\":", NULL, &error);
    assert_null(js);
    assert_non_null(error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_domain),
        cmocka_unit_test(test_keyval_forms),
        cmocka_unit_test(test_snp_guest),
        cmocka_unit_test(test_drive_pflash),
        cmocka_unit_test(test_passthrough),
        cmocka_unit_test(test_qmp_hostile),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_opts_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
