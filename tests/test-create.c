/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for creating guests: the seed CD-ROM a spec gets, creation and
 * its rollback through libvirt's test driver (test:///default, fresh for
 * every connection), and the check 'start' makes before starting an SEV
 * guest, against domain capabilities fixtures.
 */
#include <config.h>

#include <string.h>

#include <libvirt/virterror.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-domain-private.h"

/* test:///default holds the pool "default-pool", the network "default" and
 * a running domain "test". */
#define TEST_URI "test:///default"
#define TEST_POOL "default-pool"

static SevirtDiskSpec *
last_disk(const SevirtVmSpec *spec)
{
    return g_ptr_array_index(spec->disks, spec->disks->len - 1);
}

static SevirtVmSpec *
plain_spec(const char *name)
{
    SevirtVmSpec *spec = sevirt_vm_spec_new();

    spec->name = g_strdup(name);
    spec->sev_type = SEVIRT_SEV_NONE;
    return spec;
}

static void
add_disk(SevirtVmSpec *spec, const char *text)
{
    g_autoptr(GError) error = NULL;
    SevirtDiskSpec *disk = sevirt_disk_spec_parse("--disk", text, &error);

    assert_non_null(disk);
    g_ptr_array_add(spec->disks, disk);
}

static void
add_network(SevirtVmSpec *spec, const char *text)
{
    g_autoptr(GError) error = NULL;
    SevirtNetSpec *net = sevirt_net_spec_parse("--network", text, &error);

    assert_non_null(net);
    g_ptr_array_add(spec->networks, net);
}

static const char *
seed_pool_for(const char *const *disks, const char *ci_pool)
{
    static char pool[64];
    g_autoptr(SevirtVmSpec) spec = plain_spec("g");
    g_autoptr(GError) error = NULL;
    SevirtDiskSpec *seed;

    for (guint i = 0; disks[i]; i++)
        add_disk(spec, disks[i]);
    spec->cloud_init = g_new0(SevirtCloudInitSpec, 1);
    spec->cloud_init->pool = g_strdup(ci_pool);
    assert_true(sevirt_create_prepare(spec, NULL, 0, NULL, &error));
    seed = last_disk(spec);
    assert_true(seed->cdrom);
    assert_true(seed->readonly);
    assert_int_equal(seed->kind, SEVIRT_DISK_VOLUME);
    assert_string_equal(seed->volume, "g-cidata.iso");
    assert_string_equal(seed->format, "raw");
    g_strlcpy(pool, seed->pool, sizeof(pool));
    return pool;
}

static void
test_seed_pool(void **state G_GNUC_UNUSED)
{
    const char *none[] = { NULL };
    const char *path_then_new[] = { "path=/a.img", "vol=images/data", "pool=fast,size=1",
                                    "pool=slow,size=1", NULL };
    const char *vol_only[] = { "path=/a.img", "vol=images/data", NULL };

    assert_string_equal(seed_pool_for(none, NULL), "default");
    assert_string_equal(seed_pool_for(path_then_new, NULL), "fast");
    assert_string_equal(seed_pool_for(vol_only, NULL), "images");
    assert_string_equal(seed_pool_for(path_then_new, "seeds"), "seeds");
}

static void
test_prepare(void **state G_GNUC_UNUSED)
{
    static const char *const bad_hostnames[] = {
        "-web", "web-", "a..b", "web_1", "h\303\251", "", NULL,
    };
    g_autoptr(GError) error = NULL;

    /* No cloud-init settings: no seed. */
    {
        g_autoptr(SevirtVmSpec) spec = plain_spec("g");

        add_disk(spec, "pool=p,size=1");
        assert_true(sevirt_create_prepare(spec, NULL, 0, NULL, &error));
        assert_int_equal(spec->disks->len, 1);
        assert_string_equal(last_disk(spec)->volume, "g-disk0.qcow2");
    }
    /* Validation runs first. */
    {
        g_autoptr(SevirtVmSpec) spec = plain_spec("a/b");

        assert_false(sevirt_create_prepare(spec, NULL, 0, NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "contains '/'");
    }
    for (guint i = 0; bad_hostnames[i]; i++) {
        g_autoptr(SevirtVmSpec) spec = plain_spec("g");

        spec->cloud_init = g_new0(SevirtCloudInitSpec, 1);
        spec->cloud_init->hostname = g_strdup(bad_hostnames[i]);
        assert_false(sevirt_create_prepare(spec, NULL, 0, NULL, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "Invalid hostname");
    }
    {
        g_autoptr(SevirtVmSpec) spec = plain_spec("g");

        spec->cloud_init = g_new0(SevirtCloudInitSpec, 1);
        spec->cloud_init->hostname = g_strdup("web-1.example.com");
        assert_true(sevirt_create_prepare(spec, NULL, 0, NULL, &error));
    }
}

/* ------------------------------------------------------------------ */
/* creating through the test driver */

static virConnectPtr
test_connect(void)
{
    g_autoptr(GError) error = NULL;
    virConnectPtr conn = sevirt_connect(TEST_URI, NULL, &error);

    if (!conn)
        fail_msg("%s", error->message);
    return conn;
}

static int
pool_volume_count(virConnectPtr conn)
{
    g_autoptr(virStoragePool) pool = virStoragePoolLookupByName(conn, TEST_POOL);

    assert_non_null(pool);
    return virStoragePoolNumOfVolumes(pool);
}

static void
collect_progress(const char *message, gpointer data)
{
    g_ptr_array_add(data, g_strdup(message));
}

static gboolean
progress_has(GPtrArray *lines, const char *needle)
{
    for (guint i = 0; i < lines->len; i++) {
        if (strstr(g_ptr_array_index(lines, i), needle))
            return TRUE;
    }
    return FALSE;
}

static void
test_create_and_start(void **state G_GNUC_UNUSED)
{
    g_autoptr(virConnect) conn = test_connect();
    g_autoptr(SevirtVmSpec) spec = plain_spec("made");
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(SevirtVmMetadata) meta = NULL;
    SevirtCreateOptions opts = { .start = TRUE, .progress = collect_progress, .progress_data = lines };
    int dstate, reason;

    add_disk(spec, "pool=" TEST_POOL ",size=2");
    add_network(spec, "network=default");
    dom = sevirt_domain_create(conn, spec, &opts, &error);
    if (!dom)
        fail_msg("%s", error->message);
    assert_int_equal(virDomainGetState(dom, &dstate, &reason, 0), 0);
    assert_int_equal(dstate, VIR_DOMAIN_RUNNING);
    assert_int_equal(pool_volume_count(conn), 1);
    assert_int_equal(spec->owned_volumes->len, 1);
    assert_string_equal(g_ptr_array_index(spec->owned_volumes, 0), TEST_POOL "/made-disk0.qcow2");
    meta = sevirt_domain_get_metadata(dom, &error);
    assert_non_null(meta);
    assert_int_equal(meta->volumes->len, 1);
    assert_string_equal(g_ptr_array_index(meta->volumes, 0), TEST_POOL "/made-disk0.qcow2");
    assert_true(progress_has(lines, "Creating volume '" TEST_POOL "/made-disk0.qcow2': 2 GiB qcow2"));
    assert_true(progress_has(lines, "Network 'default' is there"));
    assert_true(progress_has(lines, "Defining domain 'made'"));
    assert_true(progress_has(lines, "Starting domain 'made'"));
}

/* Each failing step undoes the volumes made before it, and only those. */
static void
test_rollback(void **state G_GNUC_UNUSED)
{
    static const struct {
        const char *network;   /* NULL: none */
        gboolean seed;         /* the test driver cannot upload: step 2 fails */
        const char *share;
        const char *step;
        int code;
    } cases[] = {
        { "network=nosuch", FALSE, NULL, "step 'networks' failed: Network 'nosuch' not found",
          SEVIRT_ERROR_NOT_FOUND },
        { "network=default", TRUE, NULL, "step 'cloud-init seed' failed: Cannot upload",
          SEVIRT_ERROR_UNSUPPORTED },
        { "none", FALSE, "/nonexistent/folder:tag",
          "step 'shares' failed: Shared folder '/nonexistent/folder' is not a directory",
          SEVIRT_ERROR_NOT_FOUND },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(virConnect) conn = test_connect();
        g_autoptr(SevirtVmSpec) spec = plain_spec("doomed");
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) error = NULL;
        g_autoptr(virDomain) gone = NULL;
        SevirtCreateOptions opts = { .progress = collect_progress, .progress_data = lines };

        add_disk(spec, "pool=" TEST_POOL ",size=1");
        add_disk(spec, "pool=" TEST_POOL ",size=1,name=second.img,format=raw");
        add_network(spec, cases[i].network);
        if (cases[i].seed)
            spec->cloud_init = g_new0(SevirtCloudInitSpec, 1);
        if (cases[i].share) {
            g_autoptr(GError) perr = NULL;

            g_ptr_array_add(spec->shares, sevirt_share_spec_parse("--share", cases[i].share, &perr));
        }
        assert_null(sevirt_domain_create(conn, spec, &opts, &error));
        assert_non_null(error);
        if (!strstr(error->message, cases[i].step) ||
            !strstr(error->message, "; rolled back (removed '" TEST_POOL "/second.img', '"
                                    TEST_POOL "/doomed-disk0.qcow2')"))
            fail_msg("case %u: %s", i, error->message);
        assert_int_equal(error->code, cases[i].code);
        assert_int_equal(pool_volume_count(conn), 0);
        assert_int_equal(spec->owned_volumes->len, 0);
        gone = virDomainLookupByName(conn, "doomed");
        assert_null(gone);
        virResetLastError();
        assert_true(progress_has(lines, "Undoing: deleting volume '" TEST_POOL "/second.img'"));
    }
}

/* A volume in the way fails step 1 and is not deleted by the rollback. */
static void
test_volume_in_the_way(void **state G_GNUC_UNUSED)
{
    g_autoptr(virConnect) conn = test_connect();
    g_autoptr(SevirtVmSpec) spec = plain_spec("g");
    g_autoptr(GError) error = NULL;
    g_autoptr(virStorageVol) theirs = sevirt_volume_create(conn, TEST_POOL, "g-disk1.qcow2", NULL,
                                                           1 << 20, NULL, &error);

    assert_non_null(theirs);
    add_disk(spec, "pool=" TEST_POOL ",size=1");
    add_disk(spec, "pool=" TEST_POOL ",size=1");
    assert_null(sevirt_domain_create(conn, spec, NULL, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS,
                             "step 'volumes' failed: Volume '" TEST_POOL "/g-disk1.qcow2' already "
                             "exists; rolled back (removed '" TEST_POOL "/g-disk0.qcow2')");
    assert_int_equal(pool_volume_count(conn), 1);
}

static gboolean
hook_fail(virConnectPtr conn G_GNUC_UNUSED, SevirtVmSpec *spec, gpointer data, GError **error)
{
    /* The hook sees the spec before validation: no volume names yet. */
    assert_null(((SevirtDiskSpec *) spec->disks->pdata[0])->volume);
    (*(guint *) data)++;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "no blobs today");
    return FALSE;
}

static gboolean
hook_more_memory(virConnectPtr conn G_GNUC_UNUSED, SevirtVmSpec *spec, gpointer data,
                 GError **error G_GNUC_UNUSED)
{
    (*(guint *) data)++;
    spec->memory_mib = 768;
    return TRUE;
}

/* An existing name is refused before anything, hook included, runs. */
static void
test_name_taken_and_hook(void **state G_GNUC_UNUSED)
{
    g_autoptr(virConnect) conn = test_connect();
    g_autoptr(GError) error = NULL;
    guint calls = 0;
    SevirtCreateOptions fail = { .spec_hook = hook_fail, .hook_data = &calls };
    SevirtCreateOptions more = { .spec_hook = hook_more_memory, .hook_data = &calls };
    g_autoptr(virDomain) test = NULL;
    g_autoptr(virDomain) dom = NULL;
    int dstate, reason;

    {
        g_autoptr(SevirtVmSpec) spec = plain_spec("test");

        add_disk(spec, "pool=" TEST_POOL ",size=1");
        assert_null(sevirt_domain_create(conn, spec, &fail, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS,
                                 "Domain 'test' already exists");
        assert_int_equal(calls, 0);
        test = virDomainLookupByName(conn, "test");
        assert_int_equal(virDomainGetState(test, &dstate, &reason, 0), 0);
        assert_int_equal(dstate, VIR_DOMAIN_RUNNING);
    }
    {
        g_autoptr(SevirtVmSpec) spec = plain_spec("hooked");

        add_disk(spec, "pool=" TEST_POOL ",size=1");
        assert_null(sevirt_domain_create(conn, spec, &fail, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "no blobs today");
        assert_int_equal(calls, 1);
        assert_int_equal(pool_volume_count(conn), 0);
    }
    {
        g_autoptr(SevirtVmSpec) spec = plain_spec("hooked");

        dom = sevirt_domain_create(conn, spec, &more, &error);
        assert_non_null(dom);
        assert_int_equal(calls, 2);
        assert_int_equal(virDomainGetMaxMemory(dom), 768 * 1024);
    }
}

/* The cloud-init files shipped with the example spec files make a seed. */
static void
test_example_seed(void **state G_GNUC_UNUSED)
{
    g_autofree char *dir = sevirt_test_data_path("../../data/examples");
    SevirtCloudInitSpec ci = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) iso = NULL;

    ci.user_data = g_build_filename(dir, "user-data", NULL);
    ci.network_config = g_build_filename(dir, "network-config", NULL);
    iso = sevirt_cloud_init_seed_build(&ci, "iid", "web1", &error);
    g_free(ci.user_data);
    g_free(ci.network_config);
    if (!iso)
        fail_msg("%s", error->message);
    assert_true(g_bytes_get_size(iso) > 32 * 1024);
}

/* ------------------------------------------------------------------ */
/* the check before starting an SEV guest */

static void
check_start(const char *domain, const char *domcaps, int code, const char *needle)
{
    g_autofree char *dxml = sevirt_test_read_data(domain, NULL);
    g_autofree char *cxml = sevirt_test_read_data(domcaps, NULL);
    g_autoptr(xmlDoc) doc = xmlReadMemory(dxml, strlen(dxml), "d.xml", NULL, XML_PARSE_NONET);
    g_autoptr(xmlXPathContext) ctx = xmlXPathNewContext(doc);
    g_autoptr(GError) error = NULL;
    gboolean ok = sevirt_domain_check_caps("guest", ctx, cxml, &error);

    if (!needle) {
        if (!ok)
            fail_msg("%s with %s: %s", domain, domcaps, error->message);
        return;
    }
    assert_false(ok);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, code, needle);
}

static void
test_start_check(void **state G_GNUC_UNUSED)
{
    check_start("xml/sev-minimal.xml", "domcaps/no-sev.xml", SEVIRT_ERROR_UNSUPPORTED,
                "Cannot start 'guest': it is an SEV guest, but this host's domain capabilities "
                "for emulator '(default)' and virtualization type 'kvm' offer no SEV "
                "(see 'sevirt host-check')");
    check_start("xml/sev-es.xml", "domcaps/no-sev.xml", SEVIRT_ERROR_UNSUPPORTED,
                "it is an SEV-ES guest");
    check_start("xml/sev-snp.xml", "domcaps/amd-sev-es.xml", SEVIRT_ERROR_UNSUPPORTED,
                "offer no SEV-SNP");
    check_start("xml/sev-minimal.xml", "domcaps/amd-sev-es.xml", 0, NULL);
    check_start("xml/sev-es.xml", "domcaps/amd-sev-es.xml", 0, NULL);
    check_start("xml/plain.xml", "domcaps/no-sev.xml", 0, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_pool),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_create_and_start),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_volume_in_the_way),
        cmocka_unit_test(test_name_taken_and_hook),
        cmocka_unit_test(test_example_seed),
        cmocka_unit_test(test_start_check),
    };

    sevirt_libvirt_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
