/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the cloud-init NoCloud seed: meta-data merging, input
 * checks with file:line:column errors, and the ISO image itself (label and
 * files read back with xorriso, an ISO reader independent of how we write).
 */
#define _GNU_SOURCE  /* memmem */
#include <config.h>

#include <string.h>
#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-cloudinit.h"

static char *
data_path(const char *name)
{
    g_autofree char *rel = g_build_filename("cloudinit", name, NULL);

    return sevirt_test_data_path(rel);
}

static void
test_meta_data_defaults(void **state G_GNUC_UNUSED)
{
    SevirtCloudInitSpec ci = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *md = sevirt_cloud_init_meta_data(&ci, "iid-1234", "web1", &error);

    assert_non_null(md);
    assert_string_equal(md, "instance-id: iid-1234\nlocal-hostname: web1\n");
}

static void
test_meta_data_merge(void **state G_GNUC_UNUSED)
{
    g_autofree char *file = data_path("meta-data.yaml");
    g_autofree char *key = data_path("id_test.pub");
    SevirtCloudInitSpec ci = { .meta_data = file, .ssh_key = key, .hostname = (char *) "web-2" };
    g_autoptr(GError) error = NULL;
    g_autofree char *md = sevirt_cloud_init_meta_data(&ci, "iid-1234", "web1", &error);

    assert_null(error);
    sevirt_test_golden("cloudinit/meta-data-merged.golden", md);
}

static void
test_meta_data_ssh_key_only(void **state G_GNUC_UNUSED)
{
    g_autofree char *key = data_path("id_test.pub");
    SevirtCloudInitSpec ci = { .ssh_key = key };
    g_autoptr(GError) error = NULL;
    g_autofree char *md = sevirt_cloud_init_meta_data(&ci, "iid-9", "vm9", &error);

    assert_null(error);
    sevirt_test_golden("cloudinit/meta-data-ssh-key.golden", md);
}

static void
test_bad_inputs(void **state G_GNUC_UNUSED)
{
    g_autofree char *list = data_path("meta-list.yaml");
    g_autofree char *syntax = data_path("bad-syntax.yaml");
    g_autofree char *notkey = data_path("not-a-key.pub");
    g_autofree char *missing = data_path("no-such-file");
    g_autofree char *want_list = g_strdup_printf("%s:1:1: meta-data must be a mapping", list);
    g_autofree char *want_syntax = g_strdup_printf("%s:5:1:", syntax);
    g_autofree char *want_key = g_strdup_printf("'%s' line 1 is not an OpenSSH public key", notkey);
    g_autoptr(GError) error = NULL;
    SevirtCloudInitSpec ci = { 0 };
    GBytes *iso;

    ci.meta_data = list;
    assert_null(sevirt_cloud_init_meta_data(&ci, "i", "h", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, want_list);

    ci.meta_data = syntax;
    assert_null(sevirt_cloud_init_meta_data(&ci, "i", "h", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, want_syntax);

    /* a #cloud-config user-data is checked as YAML, with its position */
    ci.meta_data = NULL;
    ci.user_data = syntax;
    iso = sevirt_cloud_init_seed_build(&ci, "i", "h", &error);
    assert_null(iso);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, want_syntax);

    /* and so is network-config */
    ci.user_data = NULL;
    ci.network_config = syntax;
    iso = sevirt_cloud_init_seed_build(&ci, "i", "h", &error);
    assert_null(iso);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, want_syntax);

    ci.network_config = NULL;
    ci.ssh_key = notkey;
    assert_null(sevirt_cloud_init_meta_data(&ci, "i", "h", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, want_key);

    ci.ssh_key = missing;
    assert_null(sevirt_cloud_init_meta_data(&ci, "i", "h", &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND, "no-such-file");
}

static char *
read_extracted(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        fail_msg("the seed image has no file '%s'", name);
    return text;
}

static void
test_seed_image(void **state G_GNUC_UNUSED)
{
    g_autofree char *user = data_path("user-data.yaml");
    g_autofree char *net = data_path("network-config.yaml");
    g_autofree char *key = data_path("id_test.pub");
    SevirtCloudInitSpec ci = { .user_data = user, .network_config = net, .ssh_key = key };
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) iso = NULL;
    g_autofree char *tmpdir = NULL;
    g_autofree char *iso_path = NULL;
    g_autofree char *outdir = NULL;
    g_autofree char *xorriso_out = NULL;
    g_autofree char *xorriso = NULL;
    g_autofree char *got = NULL;
    g_autofree char *want = NULL;
    g_autofree char *md = NULL;
    g_autofree char *label = NULL;
    const char *bytes;
    gsize len = 0;
    int status = -1;

    iso = sevirt_cloud_init_seed_build(&ci, "iid-77", "seedvm", &error);
    assert_null(error);
    bytes = g_bytes_get_data(iso, &len);
    /* whole 2 KiB sectors; the primary volume descriptor at sector 16 holds
     * the label (ECMA-119 8.4.6: volume identifier at byte 40, 32 bytes) */
    assert_true(len >= 18 * 2048 && len % 2048 == 0);
    assert_memory_equal(bytes + 16 * 2048, "\001CD001", 6);
    label = g_strndup(bytes + 16 * 2048 + 40, 32);
    g_strchomp(label);
    assert_string_equal(label, SEVIRT_CLOUD_INIT_LABEL);

    xorriso = g_find_program_in_path("xorriso");
    sevirt_test_require(xorriso != NULL, "xorriso is needed to read the seed image back");
    tmpdir = g_dir_make_tmp("sevirt-seed-XXXXXX", NULL);
    iso_path = g_build_filename(tmpdir, "seed.iso", NULL);
    outdir = g_build_filename(tmpdir, "out", NULL);
    assert_true(g_file_set_contents(iso_path, bytes, len, NULL));
    {
        const char *argv[] = { "xorriso", "-abort_on", "FAILURE", "-indev", iso_path,
                               "-osirrox", "on", "-extract", "/", outdir, "-pvd_info", NULL };

        assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                                 G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 &xorriso_out, NULL, &status, NULL));
    }
    assert_int_equal(status, 0);
    assert_non_null(strstr(xorriso_out, "Volume Id    : cidata"));

    got = read_extracted(outdir, "user-data");
    assert_true(g_file_get_contents(user, &want, NULL, NULL));
    assert_string_equal(got, want);
    g_clear_pointer(&got, g_free);
    g_clear_pointer(&want, g_free);

    got = read_extracted(outdir, "network-config");
    assert_true(g_file_get_contents(net, &want, NULL, NULL));
    assert_string_equal(got, want);
    g_clear_pointer(&got, g_free);

    got = read_extracted(outdir, "meta-data");
    md = sevirt_cloud_init_meta_data(&ci, "iid-77", "seedvm", &error);
    assert_string_equal(got, md);

    {
        g_autofree char *rm = g_strdup_printf("rm -rf '%s'", tmpdir);

        assert_int_equal(system(rm), 0);
    }
}

static void
test_seed_defaults(void **state G_GNUC_UNUSED)
{
    SevirtCloudInitSpec ci = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) iso = sevirt_cloud_init_seed_build(&ci, "iid-1", "plain", &error);
    gsize len = 0;
    const char *bytes;

    assert_non_null(iso);
    bytes = g_bytes_get_data(iso, &len);
    /* NoCloud needs a user-data file even when there is nothing to say */
    assert_non_null(memmem(bytes, len, "#cloud-config\n", 14));
    assert_non_null(memmem(bytes, len, "local-hostname: plain\n", 22));
    assert_null(memmem(bytes, len, "network-config", 14));
}

/* What --ssh-key accepts: OpenSSH public keys whose data matches their type. */
static void
test_ssh_public_keys(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *text;
        const char *problem;   /* NULL: accepted */
    } cases[] = {
        { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPzvDp5vNwlfhjPn5xFRnkKVZRc/85GIAQ4Gof7O5W36\n", NULL },
        { "# keys\n\n  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPzvDp5vNwlfhjPn5xFRnkKVZRc/85GIAQ4Gof7O5W36 a b\n",
          NULL },
        { "", "holds no public key" },
        { "# only a comment\n", "holds no public key" },
        { "myhost\n", "line 1 is not an OpenSSH public key: expected 'TYPE BASE64 [COMMENT]'" },
        { "ssh-foo AAAA\n", "line 1 is not an OpenSSH public key: unknown key type" },
        { "ssh-ed25519 not!base64\n", "line 1 is not an OpenSSH public key: the key data is not" },
        /* an ed25519 blob announced as RSA */
        { "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIPzvDp5vNwlfhjPn5xFRnkKVZRc/85GIAQ4Gof7O5W36\n",
          "line 1 is not an OpenSSH public key: the key data is not" },
        { "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
          "line 1 is not an OpenSSH public key: it is a private key" },
    };
    g_autofree char *dir = g_dir_make_tmp("sevirt-keys-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "id.pub", NULL);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) keys = NULL;

        assert_true(g_file_set_contents(path, cases[i].text, -1, NULL));
        keys = sevirt_ssh_public_keys_read(path, &error);
        if (!cases[i].problem) {
            if (!keys)
                fail_msg("case %u: %s", i, error->message);
            assert_int_equal(g_strv_length(keys), 1);
            assert_true(g_str_has_prefix(keys[0], "ssh-ed25519 AAAA"));
            continue;
        }
        assert_null(keys);
        /* the text of the file (a private key's) is never echoed */
        assert_null(strstr(error->message, "b3BlbnNzaC1"));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, cases[i].problem);
    }
    g_unlink(path);
    g_rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meta_data_defaults),
        cmocka_unit_test(test_meta_data_merge),
        cmocka_unit_test(test_meta_data_ssh_key_only),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_ssh_public_keys),
        cmocka_unit_test(test_seed_image),
        cmocka_unit_test(test_seed_defaults),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
