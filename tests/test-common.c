/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"

static const char *
top_srcdir(void)
{
    const char *dir = g_getenv("abs_top_srcdir");

    return dir ? dir : ABS_TOP_SRCDIR;
}

char *
sevirt_test_data_path(const char *relpath)
{
    return g_build_filename(top_srcdir(), "tests", "data", relpath, NULL);
}

static guint vectors_skipped;

char *
sevirt_test_vector(const char *relpath)
{
    g_autofree char *path = g_build_filename(top_srcdir(), "tests", "data", "vectors",
                                             relpath, NULL);

    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&path);
    /* one missing input skips the test that needs it, not the whole program */
    if (g_strcmp0(g_getenv("CI"), "true") == 0)
        fail_msg("FAIL (CI=true, so this cannot be skipped): test vector '%s' is missing", path);
    fprintf(stderr, "SKIP: test vector '%s' is missing\n", path);
    vectors_skipped++;
    skip();
    return NULL;
}

int
sevirt_test_status(int failed)
{
    /* cmocka counts a skipped test as passed: let automake show the skip */
    return failed == 0 && vectors_skipped > 0 ? SEVIRT_TEST_SKIP : failed;
}

void
sevirt_test_require(gboolean ok, const char *why)
{
    if (ok)
        return;
    if (g_strcmp0(g_getenv("CI"), "true") == 0) {
        fprintf(stderr, "FAIL (CI=true, so this cannot be skipped): %s\n", why);
        exit(1);
    }
    fprintf(stderr, "SKIP: %s\n", why);
    exit(SEVIRT_TEST_SKIP);
}

char *
sevirt_test_read_data(const char *relpath, gsize *len)
{
    g_autofree char *path = sevirt_test_data_path(relpath);
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, len, &error))
        fail_msg("cannot read test data '%s': %s", path, error->message);
    return text;
}

static void
print_diff(const char *expected_path, const char *actual)
{
    g_autofree char *tmp = NULL;
    g_autofree char *cmd = NULL;
    int fd = g_file_open_tmp("sevirt-golden-XXXXXX", &tmp, NULL);

    if (fd < 0)
        return;
    if (write(fd, actual, strlen(actual)) < 0) {
        /* no diff then; the assertion below still fails the test */
    }
    close(fd);
    cmd = g_strdup_printf("diff -u '%s' '%s' | head -n 60 >&2", expected_path, tmp);
    if (system(cmd) < 0) {
        /* diff is only a convenience */
    }
    g_unlink(tmp);
}

void
sevirt_test_golden(const char *relpath, const char *actual)
{
    g_autofree char *path = sevirt_test_data_path(relpath);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_strcmp0(g_getenv("SEVIRT_TEST_REGENERATE"), "1") == 0) {
        g_autofree char *dir = g_path_get_dirname(path);

        g_mkdir_with_parents(dir, 0755);
        if (!g_file_set_contents(path, actual, -1, &error))
            fail_msg("cannot regenerate '%s': %s", path, error->message);
        return;
    }
    if (!g_file_get_contents(path, &expected, NULL, &error))
        fail_msg("missing golden file '%s' (regenerate with SEVIRT_TEST_REGENERATE=1): %s",
                 path, error->message);
    if (!g_str_equal(expected, actual)) {
        print_diff(path, actual);
        fail_msg("output differs from golden file '%s'", path);
    }
}

void
sevirt_test_assert_error(GError **error, GQuark domain, int code, const char *needle)
{
    if (!*error)
        fail_msg("expected an error containing '%s', got success", needle);
    if ((*error)->domain != domain || (*error)->code != code)
        fail_msg("expected error code %d, got %s:%d: %s", code,
                 g_quark_to_string((*error)->domain), (*error)->code, (*error)->message);
    if (needle && !strstr((*error)->message, needle))
        fail_msg("error message '%s' lacks '%s'", (*error)->message, needle);
    g_clear_error(error);
}

EVP_PKEY *
sevirt_test_key_load(const char *relpath)
{
    g_autofree char *rel = g_build_filename("test-only-keys", relpath, NULL);
    g_autofree char *pem = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    EVP_PKEY *key;

    pem = sevirt_test_read_data(rel, &len);
    key = sevirt_key_from_pem((const guint8 *) pem, len, rel, &error);
    if (!key)
        fail_msg("%s", error->message);
    return key;
}

void
sevirt_test_platform_load(SevirtCertChain *chain, EVP_PKEY **pdh_key)
{
    g_autofree char *dir = sevirt_test_data_path("test-only-keys/emu-platform");
    g_autoptr(GError) error = NULL;

    if (!sevirt_cert_chain_read_dir(chain, dir, &error) ||
        !sevirt_cert_chain_verify(chain, NULL, &error))
        fail_msg("%s: %s", dir, error->message);
    *pdh_key = sevirt_test_key_load("emu-platform/private/pdh.key");
}
