/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP ID block and ID auth against tests/data/snp/idblock/cases.json:
 * the ID block and key digests byte for byte, the complete ID auth from
 * virtee/sev's fixed signatures, and freshly signed ID auths that verify
 * (and stop verifying when a byte changes).
 */
#include <config.h>

#include <string.h>

#include <json-glib/json-glib.h>

#include "test-common.h"
#include "sevirt.h"

static SevirtSnpIdKey *
key(const char *rel)
{
    g_autofree char *p = NULL;
    g_autofree char *r = g_build_filename("snp/idblock", rel, NULL);
    g_autoptr(GError) error = NULL;
    SevirtSnpIdKey *k;

    p = sevirt_test_data_path(r);
    /* committed test keys are world-readable */
    k = sevirt_snp_id_key_read(p, TRUE, &error);
    if (!k)
        fail_msg("%s", error->message);
    return k;
}

static guint8 *
data_file(const char *rel, gsize expect)
{
    g_autofree char *r = g_build_filename("snp/idblock", rel, NULL);
    gsize len = 0;
    guint8 *d = (guint8 *) sevirt_test_read_data(r, &len);

    assert_int_equal(len, expect);
    return d;
}

static void
b64_is(const guint8 *data, gsize len, const char *want)
{
    g_autofree char *b = g_base64_encode(data, len);

    assert_string_equal(b, want);
}

static void
params_of(JsonObject *c, SevirtSnpIdBlockParams *p)
{
    memset(p, 0, sizeof(*p));
    assert_true(sevirt_snp_hex_parse("ld", json_object_get_string_member(c, "ld"), p->ld, 48, NULL));
    assert_true(sevirt_snp_hex_parse("f", json_object_get_string_member(c, "family_id"), p->family_id, 16, NULL));
    assert_true(sevirt_snp_hex_parse("i", json_object_get_string_member(c, "image_id"), p->image_id, 16, NULL));
    p->version = json_object_get_int_member(c, "version");
    p->guest_svn = json_object_get_int_member(c, "guest_svn");
    p->policy = g_ascii_strtoull(json_object_get_string_member(c, "policy"), NULL, 16);
}

static void
test_cases(void **state G_GNUC_UNUSED)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *path = sevirt_test_data_path("snp/idblock/cases.json");
    g_autoptr(GError) error = NULL;
    JsonArray *cases;

    if (!json_parser_load_from_file(parser, path, &error))
        fail_msg("%s", error->message);
    cases = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)), "cases");
    assert_int_equal(json_array_get_length(cases), 2);
    for (guint i = 0; i < json_array_get_length(cases); i++) {
        JsonObject *c = json_array_get_object_element(cases, i);
        g_autoptr(SevirtSnpIdKey) id = key(json_object_get_string_member(c, "id_key"));
        g_autoptr(SevirtSnpIdKey) author = key(json_object_get_string_member(c, "author_key"));
        SevirtSnpIdBlockParams p;
        guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE];
        guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE];
        guint8 digest[SEVIRT_SNP_KEY_DIGEST_SIZE];

        params_of(c, &p);
        sevirt_snp_id_block_build(&p, block);
        b64_is(block, sizeof(block), json_object_get_string_member(c, "expected_id_block_b64"));
        assert_true(sevirt_snp_id_key_digest(id, digest, NULL));
        b64_is(digest, sizeof(digest), json_object_get_string_member(c, "expected_id_key_digest_b64"));
        assert_true(sevirt_snp_id_key_digest(author, digest, NULL));
        b64_is(digest, sizeof(digest), json_object_get_string_member(c, "expected_author_key_digest_b64"));

        /* fresh signatures: random, so checked by verification */
        assert_true(sevirt_snp_id_auth_build(block, id, author, auth, &error));
        assert_true(sevirt_snp_id_auth_verify(block, auth, &error));
        block[0] ^= 1;
        assert_false(sevirt_snp_id_auth_verify(block, auth, &error));
        sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "ID block signature");
        block[0] ^= 1;
        auth[0x240 + 10] ^= 1;      /* the ID key, endorsed by the author key */
        assert_false(sevirt_snp_id_auth_verify(block, auth, &error));
        assert_non_null(error);
        g_clear_error(&error);

        if (json_object_has_member(c, "expected_id_auth")) {
            g_autofree guint8 *id_sig = data_file(json_object_get_string_member(c, "id_block_sig"), 512);
            g_autofree guint8 *key_sig = data_file(json_object_get_string_member(c, "id_key_sig"), 512);
            g_autofree guint8 *want = data_file(json_object_get_string_member(c, "expected_id_auth"), 4096);
            guint8 id_pub[SEVIRT_SNP_PUBKEY_SIZE], author_pub[SEVIRT_SNP_PUBKEY_SIZE];

            assert_true(sevirt_snp_id_key_public(id, id_pub, NULL));
            assert_true(sevirt_snp_id_key_public(author, author_pub, NULL));
            sevirt_snp_id_auth_assemble(id_sig, id_pub, key_sig, author_pub, auth);
            assert_memory_equal(auth, want, SEVIRT_SNP_ID_AUTH_SIZE);
            b64_is(auth, sizeof(auth), json_object_get_string_member(c, "expected_id_auth_b64"));
            assert_true(sevirt_snp_id_auth_verify(block, auth, &error));
        }
    }
}

static void
test_without_author(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSnpIdKey) id = key("virtee-sev/test_id_key.pem");
    g_autoptr(GError) error = NULL;
    guint8 block[SEVIRT_SNP_ID_BLOCK_SIZE] = { 1, 2, 3 };
    guint8 auth[SEVIRT_SNP_ID_AUTH_SIZE];
    static const guint8 zero[SEVIRT_SNP_PUBKEY_SIZE];

    assert_true(sevirt_snp_id_auth_build(block, id, NULL, auth, &error));
    assert_true(sevirt_snp_id_auth_verify(block, auth, &error));
    assert_int_equal(auth[4], 0);
    assert_memory_equal(auth + 0x880, zero, SEVIRT_SNP_PUBKEY_SIZE);
}

static void
test_bad_keys(void **state G_GNUC_UNUSED)
{
    g_autofree char *p = sevirt_test_data_path("snp/idblock/README.md");
    g_autoptr(GError) error = NULL;

    assert_null(sevirt_snp_id_key_read(p, TRUE, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "not a PEM ECDSA P-384 private key");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_without_author),
        cmocka_unit_test(test_bad_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
