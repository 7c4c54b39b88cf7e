/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for sevirt-util: strict base64, key files, number parsing.
 */
#include <config.h>

#include <sys/stat.h>
#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"

static void
test_base64_strict(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        gsize expect_len;
        gboolean ok;
        const char *needle;
    } cases[] = {
        { "AAEC", 3, TRUE, NULL },
        { " AA\nEC \n", 3, TRUE, NULL },
        { "AAE=", 2, TRUE, NULL },
        { "AA==", 1, TRUE, NULL },
        { "AAEC", 4, FALSE, "decodes to 3 bytes, expected 4" },
        { "AA*C", 0, FALSE, "unexpected character '*'" },
        { "AAE", 0, FALSE, "bad length or padding" },
        { "A===", 0, FALSE, "bad length or padding" },
        { "AA=C", 0, FALSE, "unexpected character 'C'" },
        { "", 0, FALSE, "is empty" },
        { "  \n", 0, FALSE, "is empty" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree guint8 *out = NULL;
        gsize len = 0;

        out = sevirt_base64_decode_strict("--input", cases[i].text,
                                          cases[i].expect_len, &len, &error);
        if (cases[i].ok) {
            assert_non_null(out);
            assert_int_equal(len, cases[i].expect_len);
        } else {
            assert_null(out);
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                                     cases[i].needle);
        }
    }
}

static void
test_parse_uint(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    guint64 v = 0;

    assert_true(sevirt_parse_uint("--x", "51", 63, &v, &error));
    assert_int_equal(v, 51);
    assert_true(sevirt_parse_uint("--x", "0x33", G_MAXUINT32, &v, &error));
    assert_int_equal(v, 0x33);
    assert_false(sevirt_parse_uint("--x", "64", 63, &v, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "--x: invalid value '64'");
    assert_false(sevirt_parse_uint("--x", "-1", 63, &v, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "'-1'");
    assert_false(sevirt_parse_uint("--x", "0x", 63, &v, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "'0x'");
    assert_false(sevirt_parse_uint("--x", "", 63, &v, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "empty value");
}

static void
test_key_files(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *key = g_build_filename(dir, "tek.bin", NULL);
    g_autofree char *missing = g_build_filename(dir, "nope.bin", NULL);
    g_autoptr(SevirtSecret) secret = NULL;
    guint8 bytes[16] = { 1, 2, 3 };
    struct stat st;

    assert_non_null(dir);
    /* created 0600 whatever the umask */
    umask(0);
    assert_true(sevirt_file_write_new(key, bytes, sizeof(bytes), 0600, &error));
    umask(022);
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* never overwritten */
    assert_false(sevirt_file_write_new(key, bytes, sizeof(bytes), 0600, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS, "Refusing to overwrite");

    secret = sevirt_file_read_secret(key, 16, FALSE, &error);
    assert_non_null(secret);
    assert_memory_equal(secret->data, bytes, 16);
    g_clear_pointer(&secret, sevirt_secret_free);

    /* wrong length */
    assert_null(sevirt_file_read_secret(key, 32, FALSE, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "has 16 bytes, expected 32");

    /* group-readable key refused unless allowed */
    assert_int_equal(chmod(key, 0640), 0);
    assert_null(sevirt_file_read_secret(key, 16, FALSE, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE, "accessible by group or others (mode 0640)");
    secret = sevirt_file_read_secret(key, 16, TRUE, &error);
    assert_non_null(secret);

    assert_null(sevirt_file_read_secret(missing, 16, FALSE, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "nope.bin");

    g_unlink(key);
    g_rmdir(dir);
}

static void
test_file_read_limits(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "big", NULL);
    g_autofree guint8 *data = NULL;
    gsize len = 0;

    assert_true(g_file_set_contents(path, "0123456789", 10, NULL));
    data = sevirt_file_read(path, 10, &len, &error);
    assert_non_null(data);
    assert_int_equal(len, 10);
    assert_null(sevirt_file_read(path, 9, &len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "too large");
    assert_null(sevirt_file_read(dir, 0, &len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "is a directory");
    g_unlink(path);
    g_rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_strict),
        cmocka_unit_test(test_parse_uint),
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_file_read_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
