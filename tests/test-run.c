/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for one-shot jobs (sevirt-run.h): the kernel command line
 * that carries the command (decoded back byte for byte, its limits) and
 * the transient domain's XML.
 */
#include <config.h>

#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "test-common.h"
#include "sevirt.h"

static SevirtVmSpec *
job_spec(SevirtSevType type)
{
    SevirtVmSpec *spec = sevirt_vm_spec_new();

    spec->name = g_strdup("sevirt-run-0123456789abcdef");
    spec->sev_type = type;
    spec->memory_mib = 256;
    spec->kernel = g_strdup("/boot/vmlinuz");
    spec->initrd = g_strdup("/boot/initrd.img");
    return spec;
}

/* The value of PARAM= on @cmdline, base64-decoded. */
static GBytes *
param_value(const char *cmdline, const char *param)
{
    g_auto(GStrv) words = g_strsplit(cmdline, " ", -1);
    g_autofree char *prefix = g_strconcat(param, "=", NULL);
    gsize len = 0;

    for (guint i = 0; words[i]; i++) {
        if (g_str_has_prefix(words[i], prefix)) {
            guint8 *data = g_base64_decode(words[i] + strlen(prefix), &len);

            return g_bytes_new_take(data, len);
        }
    }
    return NULL;
}

static void
assert_nul_list(GBytes *bytes, const char *const *want)
{
    g_autoptr(GByteArray) expect = g_byte_array_new();
    gsize len;
    const guint8 *data = g_bytes_get_data(bytes, &len);

    for (guint i = 0; want[i]; i++)
        g_byte_array_append(expect, (const guint8 *) want[i], strlen(want[i]) + 1);
    assert_int_equal(len, expect->len);
    assert_memory_equal(data, expect->data, len);
}

static void
test_cmdline_round_trip(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = job_spec(SEVIRT_SEV_NONE);
    const char *argv[] = { "sh", "-c", "echo \"$X\"; exit 3", "", "it's $(rm -rf /) `x`",
                           "line\nbreak", "ünïcode", NULL };
    const char *env[] = { "X=a b  c", "EMPTY=", "EQ=x=y", NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *cmdline = NULL;
    g_autoptr(GBytes) args = NULL;
    g_autoptr(GBytes) envs = NULL;
    SevirtShareSpec *share = sevirt_share_spec_parse("--share", "/srv/job:job.1_x-y:ro", NULL);

    g_ptr_array_add(spec->shares, share);
    g_ptr_array_add(spec->shares, sevirt_share_spec_parse("--share", "/srv/out:out", NULL));
    cmdline = sevirt_run_cmdline(spec, (char **) argv, (char **) env, &error);
    assert_null(error);
    assert_non_null(cmdline);
    /* one line of words: nothing the kernel would split or a shell could see */
    assert_null(strchr(cmdline, '\n'));
    assert_null(strchr(cmdline, '"'));
    assert_non_null(strstr(cmdline, " sevirt.share=job.1_x-y,ro"));
    assert_non_null(strstr(cmdline, " sevirt.share=out"));
    assert_null(strstr(cmdline, "sevirt.share=out,ro"));
    assert_true(g_str_has_prefix(cmdline, "console=ttyS0 quiet"));

    args = param_value(cmdline, "sevirt.argv");
    envs = param_value(cmdline, "sevirt.env");
    assert_non_null(args);
    assert_non_null(envs);
    assert_nul_list(args, argv);
    assert_nul_list(envs, env);
}

static void
test_cmdline_no_env(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = job_spec(SEVIRT_SEV_NONE);
    const char *argv[] = { "true", NULL };
    g_autofree char *cmdline = sevirt_run_cmdline(spec, (char **) argv, NULL, NULL);

    assert_non_null(cmdline);
    assert_null(strstr(cmdline, "sevirt.env="));
    assert_null(strstr(cmdline, "sevirt.share="));
    assert_non_null(strstr(cmdline, " sevirt.argv=dHJ1ZQA="));
}

static void
test_cmdline_errors(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = job_spec(SEVIRT_SEV_NONE);
    const char *none[] = { NULL };
    const char *argv[] = { "true", NULL };
    const char *no_eq[] = { "NOEQUALS", NULL };
    const char *no_key[] = { "=value", NULL };
    g_autofree char *big = g_strnfill(1600, 'x');
    const char *long_argv[] = { "echo", big, NULL };
    g_autoptr(GError) error = NULL;

    assert_null(sevirt_run_cmdline(spec, (char **) none, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "No command");
    assert_null(sevirt_run_cmdline(spec, NULL, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "No command");
    assert_null(sevirt_run_cmdline(spec, (char **) argv, (char **) no_eq, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "'NOEQUALS' is not KEY=VALUE");
    assert_null(sevirt_run_cmdline(spec, (char **) argv, (char **) no_key, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "'=value' is not KEY=VALUE");
    /* 1600 bytes grow past 2047 once in base64 */
    assert_null(sevirt_run_cmdline(spec, (char **) long_argv, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "at most 2047 fit");

    /* a tag the init would have to quote */
    g_ptr_array_add(spec->shares, sevirt_share_spec_parse("--share", "/srv/job:a$b", NULL));
    assert_null(sevirt_run_cmdline(spec, (char **) argv, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Share tag 'a$b'");
}

static char *
xpath_string(xmlDoc *doc, const char *expr)
{
    g_autoptr(xmlXPathContext) ctx = xmlXPathNewContext(doc);
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expr);
    g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);

    return g_strdup(obj && obj->stringval ? (const char *) obj->stringval : "");
}

static xmlDoc *
job_domxml(SevirtVmSpec *spec)
{
    const char *argv[] = { "true", NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    spec->cmdline = sevirt_run_cmdline(spec, (char **) argv, NULL, &error);
    assert_non_null(spec->cmdline);
    g_ptr_array_add(spec->networks, sevirt_net_spec_new(SEVIRT_NET_NONE));
    if (!sevirt_vm_spec_validate_full(spec, NULL, SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES, NULL,
                                      &error))
        fail_msg("%s", error->message);
    xml = sevirt_run_domxml(spec, &error);
    assert_null(error);
    assert_non_null(xml);
    return xmlReadMemory(xml, strlen(xml), "run.xml", NULL, XML_PARSE_NONET);
}

#define assert_xpath(doc, expr, want) do {                  \
        g_autofree char *_v = xpath_string(doc, expr);      \
        assert_string_equal(_v, want);                      \
    } while (0)

static void
test_domxml_plain(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = job_spec(SEVIRT_SEV_NONE);
    g_autoptr(xmlDoc) doc = job_domxml(spec);

    assert_non_null(doc);
    assert_xpath(doc, "count(/domain/devices/channel[@type='unix']/target[@type='virtio']"
                 "[starts-with(@name, 'org.sevirt.run.')])", "3");
    assert_xpath(doc, "/domain/devices/channel/target[@name='org.sevirt.run.stdout']/@name",
                 SEVIRT_RUN_CHANNEL_STDOUT);
    assert_xpath(doc, "/domain/devices/channel/target[@name='org.sevirt.run.stderr']/@name",
                 SEVIRT_RUN_CHANNEL_STDERR);
    assert_xpath(doc, "/domain/devices/channel/target[@name='org.sevirt.run.status']/@name",
                 SEVIRT_RUN_CHANNEL_STATUS);
    assert_xpath(doc, "/domain/on_reboot", "destroy");
    assert_xpath(doc, "/domain/on_poweroff", "destroy");
    assert_xpath(doc, "/domain/os/kernel", "/boot/vmlinuz");
    assert_xpath(doc, "/domain/os/initrd", "/boot/initrd.img");
    assert_xpath(doc, "/domain/os/cmdline", spec->cmdline);
    /* BIOS, not UEFI, without SEV; no NIC; no USB */
    assert_xpath(doc, "/domain/os/@firmware", "");
    assert_xpath(doc, "count(/domain/os/firmware | /domain/os/loader)", "0");
    assert_xpath(doc, "count(/domain/devices/interface)", "0");
    assert_xpath(doc, "/domain/devices/controller[@type='usb']/@model", "none");
    assert_xpath(doc, "count(/domain/launchSecurity)", "0");
}

static void
test_domxml_sev(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtVmSpec) spec = job_spec(SEVIRT_SEV_SEV);
    g_autoptr(xmlDoc) doc = NULL;

    spec->firmware = g_strdup("/usr/share/OVMF/OVMF_CODE_4M.fd");
    spec->kernel_hashes = SEVIRT_TRISTATE_YES;
    spec->cbitpos = 51;
    spec->reduced_phys_bits = 1;
    doc = job_domxml(spec);
    assert_non_null(doc);
    assert_xpath(doc, "/domain/launchSecurity/@type", "sev");
    assert_xpath(doc, "/domain/launchSecurity/@kernelHashes", "yes");
    /* a transient job keeps no UEFI variables */
    assert_xpath(doc, "/domain/os/loader/@stateless", "yes");
    assert_xpath(doc, "/domain/os/loader", "/usr/share/OVMF/OVMF_CODE_4M.fd");
    assert_xpath(doc, "count(/domain/devices/channel/target[starts-with(@name, 'org.sevirt.run.')])",
                 "3");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmdline_round_trip),
        cmocka_unit_test(test_cmdline_no_env),
        cmocka_unit_test(test_cmdline_errors),
        cmocka_unit_test(test_domxml_plain),
        cmocka_unit_test(test_domxml_sev),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
