/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command's advice for library errors and host-check hints: the
 * library says what is wrong, src/cli/cli-advice.c which option fixes it,
 * and the new error codes keep the exit statuses of the kinds they refine.
 */
#include <config.h>

#include <string.h>

#include "test-common.h"
#include "cli.h"

typedef struct {
    SevirtErrorCode code;
    const char *advice;       /* what the advice must name */
    SevirtExitCode status;
} ErrorCase;

static const ErrorCase error_cases[] = {
    { SEVIRT_ERROR_NO_PLATFORM, " (for the emulated SEV platform, give its program with --emulator)",
      SEVIRT_EXIT_UNSUPPORTED },
    { SEVIRT_ERROR_NO_OWNER_SESSION, "; create it with 'sevirt create --attest'", SEVIRT_EXIT_USAGE },
    { SEVIRT_ERROR_NO_SECRET_AREA, "with --secret-address, as QEMU requires", SEVIRT_EXIT_VERIFY },
    { SEVIRT_ERROR_NO_CPU_SIGNATURE, "; give --cpu-family, --cpu-model and --cpu-stepping",
      SEVIRT_EXIT_VERIFY },
    { SEVIRT_ERROR_MEASURED_FPU_INIT, "; run with --vmsa-fpu-init", SEVIRT_EXIT_VERIFY },
    { SEVIRT_ERROR_MEASURED_NO_FPU_INIT, "; run without --vmsa-fpu-init", SEVIRT_EXIT_VERIFY },
};

static void
test_error_advice(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autoptr(GError) error = g_error_new_literal(SEVIRT_ERROR, error_cases[i].code,
                                                      "the library's words");
        g_autofree char *text = sevirt_cli_error_text(error);

        /* the library's message first, then the advice after it */
        if (!g_str_has_prefix(text, "the library's words") ||
            !strstr(text, error_cases[i].advice))
            fail_msg("code %d: '%s' lacks '%s'", error_cases[i].code, text, error_cases[i].advice);
        assert_int_equal(sevirt_cli_exit_code(error), error_cases[i].status);
    }
}

/* Errors that need no advice are printed as the library worded them. */
static void
test_error_without_advice(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) invalid = g_error_new_literal(SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "bad");
    g_autoptr(GError) other = g_error_new_literal(G_FILE_ERROR, SEVIRT_ERROR_KEY_FILE_MODE, "io");
    g_autofree char *invalid_text = sevirt_cli_error_text(invalid);
    g_autofree char *other_text = sevirt_cli_error_text(other);

    assert_string_equal(invalid_text, "bad");
    assert_string_equal(other_text, "io");
    /* cli-keys.c words the way round a key file that is not private */
    {
        g_autoptr(GError) key = g_error_new_literal(SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE, "k");
        g_autofree char *key_text = sevirt_cli_error_text(key);

        assert_string_equal(key_text, "k");
        assert_int_equal(sevirt_cli_exit_code(key), SEVIRT_EXIT_USAGE);
    }
}

typedef struct {
    SevirtCheckHint hint;
    const char *arg;
    const char *fix;          /* the whole fix line, or NULL for none */
} HintCase;

static const HintCase hint_cases[] = {
    { SEVIRT_CHECK_HINT_EMULATOR_SETUP, "/usr/libexec/sevirt-qemu-emu",
      "run 'sevirt emulator-setup --emulator /usr/libexec/sevirt-qemu-emu' as root" },
    { SEVIRT_CHECK_HINT_VIRT_TYPE_KVM, NULL,
      "encrypted guests need KVM: use --virt-type kvm on a host with /dev/kvm" },
    { SEVIRT_CHECK_HINT_FIRMWARE_REMOTE, NULL,
      "check the host's /usr/share/qemu/firmware, or give --firmware PATH" },
    { SEVIRT_CHECK_HINT_CHECK_ON_HOST, NULL, "run 'sevirt host-check --emulator PATH' on that host" },
    { SEVIRT_CHECK_HINT_NETWORK, NULL, "use --network network=NAME or bridge=BR" },
    { SEVIRT_CHECK_HINT_NETWORK_USER_OK, NULL, NULL },
};

static void
test_check_hints(void **state G_GNUC_UNUSED)
{
    SevirtHostCheck undo = { SEVIRT_CHECK_FAIL, (char *) "/dev/sev", (char *) "null device", NULL,
                             SEVIRT_CHECK_HINT_EMULATOR_UNDO, NULL };
    SevirtHostCheck plain = { SEVIRT_CHECK_FAIL, (char *) "kvm_amd module", (char *) "not loaded",
                              (char *) "load kvm_amd", SEVIRT_CHECK_HINT_NONE, NULL };
    SevirtHostCheck passt = { SEVIRT_CHECK_PASS, (char *) "passt", (char *) "libvirt accepts it",
                              NULL, SEVIRT_CHECK_HINT_NETWORK_USER_OK, NULL };
    g_autofree char *undo_fix = sevirt_cli_check_fix(&undo);
    g_autofree char *plain_fix = sevirt_cli_check_fix(&plain);
    g_autofree char *plain_detail = sevirt_cli_check_detail(&plain);
    g_autofree char *passt_detail = sevirt_cli_check_detail(&passt);

    for (guint i = 0; i < G_N_ELEMENTS(hint_cases); i++) {
        SevirtHostCheck c = { SEVIRT_CHECK_WARN, (char *) "n", (char *) "d", NULL,
                              hint_cases[i].hint, (char *) hint_cases[i].arg };
        g_autofree char *fix = sevirt_cli_check_fix(&c);

        if (g_strcmp0(fix, hint_cases[i].fix) != 0)
            fail_msg("hint %d: '%s', expected '%s'", hint_cases[i].hint, fix, hint_cases[i].fix);
    }
    assert_non_null(strstr(undo_fix, "'sevirt emulator-setup --undo'"));
    assert_non_null(strstr(undo_fix, "check with --emulator PATH"));
    /* a fix the library words itself is kept as it is */
    assert_string_equal(plain_fix, "load kvm_amd");
    assert_string_equal(plain_detail, "not loaded");
    assert_string_equal(passt_detail, "libvirt accepts it: --network user works");
}

/* Each inconsistent session request: the library names the spec keys
 * only, the command the options too, both at the same spec key. */
static void
test_attest_problems(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *setup;        /* what the request has, see below */
        SevirtAttestProblem problem;
        const char *field;
        const char *lib;          /* in the library's message */
        const char *cli;          /* in the command's */
    } cases[] = {
        { "pdh keys", SEVIRT_ATTEST_NOT_REQUESTED, NULL, "go with sev.attest",
          "go with --attest (sev.attest)" },
        { "attest pdh keys snp", SEVIRT_ATTEST_SEV_TYPE, "sev.attest",
          "sev.attest makes a launch session", "--attest makes a launch session" },
        { "attest pdh keys blob", SEVIRT_ATTEST_BLOB_GIVEN, "sev.attest",
          "give neither sev.dh_cert nor sev.session", "give neither --dh-cert nor --session" },
        { "attest keys", SEVIRT_ATTEST_PDH, "sev.attest", "give either sev.pdh or sev.from_host",
          "give either --pdh FILE or --from-host" },
        { "attest pdh", SEVIRT_ATTEST_KEYS_DIR, "sev.attest", "sev.attest needs sev.keys_dir",
          "--attest needs --keys-dir DIR" },
        { "attest host keys ask", SEVIRT_ATTEST_ARK_ASK, "sev.ask", "sev.ark and sev.ask go together",
          "--ark and --ask (sev.ark, sev.ask) go together" },
        { "attest host keys ark ask", SEVIRT_ATTEST_OK, NULL, NULL, NULL },
        { "attest pdh keys ark ask", SEVIRT_ATTEST_OK, NULL, NULL, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();
        g_auto(GStrv) words = g_strsplit(cases[i].setup, " ", -1);
        g_autoptr(GError) lib_error = NULL;
        g_autoptr(GError) cli_error = NULL;
        const char *field = "unset";

        spec->attest = g_new0(SevirtAttestSpec, 1);
        for (guint w = 0; words[w]; w++) {
            const char *x = words[w];

            spec->attest->enabled |= g_str_equal(x, "attest");
            spec->attest->from_host |= g_str_equal(x, "host");
            if (g_str_equal(x, "pdh"))
                spec->attest->pdh = g_strdup("pdh.cert");
            if (g_str_equal(x, "keys"))
                spec->attest->keys_dir = g_strdup("keys");
            if (g_str_equal(x, "ark"))
                spec->attest->ark = g_strdup("ark.cert");
            if (g_str_equal(x, "ask"))
                spec->attest->ask = g_strdup("ask.cert");
            if (g_str_equal(x, "blob"))
                spec->session = g_strdup("c2Vzc2lvbg==");
            if (g_str_equal(x, "snp"))
                spec->sev_type = SEVIRT_SEV_SNP;
        }
        assert_int_equal(sevirt_attest_spec_problem(spec, &field), cases[i].problem);
        assert_string_equal(field ? field : "(null)", cases[i].field ? cases[i].field : "(null)");
        if (!cases[i].lib) {
            assert_true(sevirt_attest_spec_check(spec, &lib_error));
            assert_true(sevirt_cli_attest_check(spec, &cli_error));
            continue;
        }
        assert_false(sevirt_attest_spec_check(spec, &lib_error));
        assert_false(sevirt_cli_attest_check(spec, &cli_error));
        if (strstr(lib_error->message, "--"))
            fail_msg("the library names an option: %s", lib_error->message);
        sevirt_test_assert_error(&lib_error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, cases[i].lib);
        sevirt_test_assert_error(&cli_error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, cases[i].cli);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_advice),
        cmocka_unit_test(test_error_without_advice),
        cmocka_unit_test(test_check_hints),
        cmocka_unit_test(test_attest_problems),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
