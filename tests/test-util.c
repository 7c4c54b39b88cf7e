/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for sevirt-util: strict base64, key files, number parsing.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE,
                             "is accessible by group or others (mode 0640)");
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
    assert_null(sevirt_file_read(dir, 10, &len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "is not a regular file");
    g_unlink(path);
    g_rmdir(dir);
}

/* The mapping has the reader's checks and errors, and the file's bytes. */
static void
test_file_map(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "image", NULL);
    g_autofree char *empty = g_build_filename(dir, "empty", NULL);
    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    g_autoptr(GMappedFile) map = NULL;
    g_autoptr(GMappedFile) none = NULL;

    assert_true(g_file_set_contents(path, "0123456789", 10, NULL));
    map = sevirt_file_map(path, 10, &error);
    assert_non_null(map);
    assert_int_equal(g_mapped_file_get_length(map), 10);
    assert_memory_equal(g_mapped_file_get_contents(map), "0123456789", 10);
    assert_null(sevirt_file_map(path, 9, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "too large");
    assert_true(g_file_set_contents(empty, "", 0, NULL));
    none = sevirt_file_map(empty, 10, &error);
    assert_non_null(none);
    assert_int_equal(g_mapped_file_get_length(none), 0);
    assert_null(sevirt_file_map(dir, 10, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "is not a regular file");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(sevirt_file_map(fifo, 10, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "fifo' is not a regular file");
    assert_null(sevirt_file_map("/nonexistent/image", 10, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "Cannot read");
    g_unlink(fifo);
    g_unlink(empty);
    g_unlink(path);
    g_rmdir(dir);
}

/* A FIFO with no writer would block open() and read() for ever; a device
 * would stream (/dev/zero): both are refused before any read. */
static void
test_file_read_not_regular(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    gsize len = 0;

    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(sevirt_file_read(fifo, 1024, &len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "fifo' is not a regular file");
    assert_null(sevirt_file_read_secret(fifo, 16, FALSE, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "fifo' is not a regular file");
    assert_null(sevirt_base64_file_read(fifo, 0, &len, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "fifo' is not a regular file");
    assert_false(sevirt_file_check_readable(fifo, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "fifo' is not a regular file");
    assert_null(sevirt_file_read("/dev/zero", 16 * 1024 * 1024, &len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "'/dev/zero' is not a regular file");
    g_unlink(fifo);
    g_rmdir(dir);
}

/* Another user's key file is refused whatever its mode: that user could
 * change it.  As root: a 0600 file given to nobody; otherwise: a file root
 * owns, which others can read only through a group/other bit. */
static void
test_key_file_owner(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *key = g_build_filename(dir, "tik.bin", NULL);
    g_autoptr(SevirtSecret) secret = NULL;
    guint8 bytes[16] = { 4, 5, 6 };

    assert_true(sevirt_file_write_new(key, bytes, sizeof(bytes), 0600, &error));
    if (geteuid() == 0) {
        assert_int_equal(chown(key, 65534, 65534), 0);
    } else {
        g_unlink(key);
        g_free(key);
        key = g_strdup("/etc/passwd");
    }
    assert_null(sevirt_file_read_secret(key, 0, FALSE, &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, key));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE, "belongs to user");
    /* the one who owns it by intent may be named */
    secret = sevirt_file_read_secret_owned(key, 0, FALSE, geteuid() == 0 ? 65534 : 0, &error);
    if (geteuid() == 0) {
        assert_non_null(secret);
        assert_memory_equal(secret->data, bytes, 16);
    }
    g_clear_error(&error);
    if (geteuid() == 0)
        g_unlink(key);
    g_rmdir(dir);
}

typedef struct {
    const char *path;
    gsize len;
    gboolean ok;
} AtomicWrite;

static gpointer
atomic_writer(gpointer p)
{
    AtomicWrite *w = p;
    g_autofree guint8 *data = g_malloc0(w->len);

    w->ok = sevirt_file_write_new(w->path, data, w->len, 0600, NULL);
    return NULL;
}

/* A reader never sees a key file partly written: the name appears with all
 * of its bytes, and no temporary file is left behind. */
static void
test_write_atomic(void **state G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("sevirt-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "big.bin", NULL);
    AtomicWrite w = { path, 32 * 1024 * 1024, FALSE };
    GThread *thread;
    struct stat st;
    g_autoptr(GDir) d = NULL;
    guint entries = 0;

    thread = g_thread_new("writer", atomic_writer, &w);
    while (stat(path, &st) < 0)
        assert_int_equal(errno, ENOENT);
    assert_int_equal(st.st_size, w.len);
    assert_int_equal(st.st_mode & 0777, 0600);
    g_thread_join(thread);
    assert_true(w.ok);
    d = g_dir_open(dir, 0, NULL);
    while (g_dir_read_name(d))
        entries++;
    assert_int_equal(entries, 1);
    g_unlink(path);
    g_rmdir(dir);
}

/* Names printed in messages cannot drive the terminal. */
static void
test_escape_control(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *in;
        gboolean keep_newlines;
        const char *out;
    } cases[] = {
        { "plain 'name' \xc3\xa9t\xc3\xa9", FALSE, "plain 'name' \xc3\xa9t\xc3\xa9" },
        { "a\033]0;pwn\007b", FALSE, "a\\x1b]0;pwn\\x07b" },
        { "a\033[2Jb\177", FALSE, "a\\x1b[2Jb\\x7f" },
        { "line\nforged\tx\r", FALSE, "line\\nforged\\tx\\x0d" },
        { "line\nnext", TRUE, "line\nnext" },
        { "csi\xc2\x9b" "31m", FALSE, "csi\\u009b31m" },
        { "raw\x9b\xff", FALSE, "raw\\x9b\\xff" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = sevirt_escape_control(cases[i].in, cases[i].keep_newlines);

        assert_string_equal(got, cases[i].out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_strict),
        cmocka_unit_test(test_parse_uint),
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_file_read_limits),
        cmocka_unit_test(test_file_read_not_regular),
        cmocka_unit_test(test_file_map),
        cmocka_unit_test(test_key_file_owner),
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_escape_control),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
