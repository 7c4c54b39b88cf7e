/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LAUNCH_SECRET: the published packets, the table format, and the software
 * PSP authenticating and decrypting what sevirt builds (and refusing
 * anything altered).
 */
#include <config.h>

#include <string.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-crypto-private.h"
#include "sevirt-psp.h"

static SevirtSecret *
vector_key(const char *name)
{
    g_autofree char *rel = g_build_filename("sev-secret", name, NULL);
    g_autofree char *path = sevirt_test_vector(rel);
    g_autofree char *data = NULL;
    gsize len = 0;

    assert_true(g_file_get_contents(path, &data, &len, NULL));
    return sevirt_secret_new_from((const guint8 *) data, len);
}

static guint8 *
unb64(const char *text, gsize expect, gsize *len)
{
    g_autoptr(GError) error = NULL;
    guint8 *raw = sevirt_base64_decode_strict("test", text, expect, len, &error);

    if (!raw)
        fail_msg("%s", error->message);
    return raw;
}

static const char *vector_iv = "rFR07U3TLH2YnsUj2SVZ7A==";
static const char *vector_measurement = "TLeA7607lZQntLjRY1/i+sbtdSZ+75zxpz4Px9hzpBLwItF5Q2o4prA++3ZZv9ZS";

/* Builds the vector packet with @n secrets. */
static void
build_vector_packet(guint n, SevirtSecretHeader *header, GBytes **payload)
{
    static const char *guids[] = {
        "736869e5-84f0-4973-92ec-06879ce3da0b",
        "736869e5-aaaa-4973-92ec-06879ce3da0b",
    };
    static const char *files[] = { "secret1.txt", "secret2.txt" };
    g_autoptr(SevirtSecret) tek = vector_key("tek.bin");
    g_autoptr(SevirtSecret) tik = vector_key("tik.bin");
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autofree guint8 *iv = NULL;
    g_autofree guint8 *measurement = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;

    iv = unb64(vector_iv, 16, &len);
    measurement = unb64(vector_measurement, 48, &len);
    for (guint i = 0; i < n; i++) {
        g_autoptr(SevirtSecret) data = vector_key(files[i]);
        SevirtGuid guid;

        assert_true(sevirt_secret_guid_parse(guids[i], &guid, &error));
        assert_true(sevirt_secret_table_add(table, &guid, data->data, data->len, &error));
    }
    if (!sevirt_secret_packet_build(tek, tik, measurement, iv, table, header, payload, &error))
        fail_msg("%s", error->message);
}

static void
test_secret_vectors(void **state G_GNUC_UNUSED)
{
    static const struct {
        guint n;
        const char *header;
        const char *payload;
    } cases[] = {
        { 1, "AAAAAKxUdO1N0yx9mJ7FI9klWey8FSzeYQ4X8K71VzNKLU/KQsIsQxLjtbhaPUewqshX5Q==",
          "0U3e5PcXv0UW+H4tSBFKOdCYfKE1+j38Bc2fuO16mYiyI+sWx7INfn+lgYj56GL12yyinDa+lVfCCwD/2w5cPA==" },
        { 2, "AAAAAKxUdO1N0yx9mJ7FI9klWeyZ3r0dOEKHUOhIRqzGYYvTJgdMtBPL1nK6GD9aGET7Ng==",
          "0U3e5PcXv0UW+H4tSBFKObWYfKE1+j38Bc2fuO16mYiyI+sWx7INfn+lgYj56GL12yyinDa+lVfCC+WWs332lpLNUX1ZI3YK7vYgtys4X+uGxEIlkIQ90v8/w8ZFmQMe" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        SevirtSecretHeader header;
        g_autoptr(GBytes) payload = NULL;
        g_autofree char *h64 = NULL;
        g_autofree char *p64 = NULL;

        build_vector_packet(cases[i].n, &header, &payload);
        h64 = g_base64_encode((const guchar *) &header, sizeof(header));
        p64 = g_base64_encode(g_bytes_get_data(payload, NULL), g_bytes_get_size(payload));
        assert_string_equal(h64, cases[i].header);
        assert_string_equal(p64, cases[i].payload);
    }
}

/* The software PSP accepts the vector packet and returns the table. */
static void
test_psp_opens_packet(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSecret) tek = vector_key("tek.bin");
    g_autoptr(SevirtSecret) tik = vector_key("tik.bin");
    g_autoptr(SevirtSecret) secret2 = vector_key("secret2.txt");
    g_autoptr(SevirtSecret) plain = NULL;
    g_autoptr(SevirtSecretTable) table = NULL;
    g_autoptr(GBytes) payload = NULL;
    g_autofree guint8 *measurement = NULL;
    g_autoptr(GError) error = NULL;
    SevirtSecretHeader header;
    const guint8 *data;
    SevirtGuid guid;
    gsize len = 0;

    measurement = unb64(vector_measurement, 48, &len);
    build_vector_packet(2, &header, &payload);
    plain = sevirt_psp_open_secret(tek, tik, measurement, (const guint8 *) &header,
                                   sizeof(header), g_bytes_get_data(payload, NULL),
                                   g_bytes_get_size(payload), &error);
    if (!plain)
        fail_msg("%s", error->message);
    assert_int_equal(plain->len % 16, 0);
    table = sevirt_secret_table_parse(plain->data, plain->len, &error);
    assert_non_null(table);
    assert_int_equal(sevirt_secret_table_get_count(table), 2);
    data = sevirt_secret_table_get(table, 1, &guid, &len);
    assert_int_equal(len, secret2->len);
    assert_memory_equal(data, secret2->data, len);
    assert_true(sevirt_secret_guid_parse("736869e5-aaaa-4973-92ec-06879ce3da0b", &guid, &error));
    assert_non_null(sevirt_secret_table_lookup(table, &guid, &len));
}

static void
expect_psp_refusal(const SevirtSecret *tek, const SevirtSecret *tik, const guint8 *measure,
                   const guint8 *header, gsize header_len, const guint8 *payload,
                   gsize payload_len, SevirtPspError code)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtSecret) plain = NULL;

    plain = sevirt_psp_open_secret(tek, tik, measure, header, header_len,
                                   payload, payload_len, &error);
    assert_null(plain);
    assert_non_null(error);
    if (error->domain != SEVIRT_PSP_ERROR || error->code != (int) code)
        fail_msg("expected PSP error %d, got %s", code, error->message);
}

static void
test_psp_refuses_altered_packets(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSecret) tek = vector_key("tek.bin");
    g_autoptr(SevirtSecret) tik = vector_key("tik.bin");
    g_autoptr(GBytes) payload = NULL;
    g_autofree guint8 *measurement = NULL;
    g_autofree guint8 *body = NULL;
    SevirtSecretHeader header;
    gsize len = 0;
    gsize plen;

    measurement = unb64(vector_measurement, 48, &len);
    build_vector_packet(1, &header, &payload);
    body = g_memdup2(g_bytes_get_data(payload, &plen), g_bytes_get_size(payload));

    /* every byte of the header (IV and MAC) and of the payload counts */
    for (gsize off = 4; off < sizeof(header); off++) {
        SevirtSecretHeader bad = header;

        ((guint8 *) &bad)[off] ^= 1;
        expect_psp_refusal(tek, tik, measurement, (const guint8 *) &bad, sizeof(bad),
                           body, plen, SEVIRT_PSP_ERROR_SECRET_MAC);
    }
    for (gsize off = 0; off < plen; off++) {
        body[off] ^= 1;
        expect_psp_refusal(tek, tik, measurement, (const guint8 *) &header, sizeof(header),
                           body, plen, SEVIRT_PSP_ERROR_SECRET_MAC);
        body[off] ^= 1;
    }
    /* another guest's measurement, another TIK */
    measurement[31] ^= 1;
    expect_psp_refusal(tek, tik, measurement, (const guint8 *) &header, sizeof(header),
                       body, plen, SEVIRT_PSP_ERROR_SECRET_MAC);
    measurement[31] ^= 1;
    tik->data[0] ^= 1;
    expect_psp_refusal(tek, tik, measurement, (const guint8 *) &header, sizeof(header),
                       body, plen, SEVIRT_PSP_ERROR_SECRET_MAC);
    tik->data[0] ^= 1;
    /* flags, lengths */
    {
        SevirtSecretHeader bad = header;

        bad.flags[0] = 1;
        expect_psp_refusal(tek, tik, measurement, (const guint8 *) &bad, sizeof(bad),
                           body, plen, SEVIRT_PSP_ERROR_SECRET_FLAGS);
    }
    expect_psp_refusal(tek, tik, measurement, (const guint8 *) &header, sizeof(header) - 1,
                       body, plen, SEVIRT_PSP_ERROR_LENGTH);
    expect_psp_refusal(tek, tik, measurement, (const guint8 *) &header, sizeof(header),
                       body, plen - 1, SEVIRT_PSP_ERROR_SECRET_MAC);
    expect_psp_refusal(tek, tik, measurement, (const guint8 *) &header, sizeof(header),
                       body, 0, SEVIRT_PSP_ERROR_LENGTH);
}

static void
test_secret_table(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autoptr(SevirtSecretTable) back = NULL;
    g_autoptr(SevirtSecret) plain = NULL;
    g_autoptr(GError) error = NULL;
    SevirtGuid luks, guid;
    gsize len = 0;

    assert_true(sevirt_secret_guid_parse("luks-key", &luks, &error));
    assert_true(sevirt_guid_equal(&luks, &sevirt_secret_guid_luks_key));
    assert_false(sevirt_secret_guid_parse("disk-key", &guid, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                             "'disk-key' is neither a GUID nor a known secret alias");

    assert_true(sevirt_secret_table_add(table, &luks, (const guint8 *) "pass\0", 5, &error));
    assert_false(sevirt_secret_table_add(table, &luks, (const guint8 *) "again", 5, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "is given twice");

    /* header 20 + entry 20 + 5 = 45, padded to 48 */
    plain = sevirt_secret_table_serialize(table);
    assert_int_equal(plain->len, 48);
    assert_int_equal(sevirt_le32(plain->data + 16), 45);
    back = sevirt_secret_table_parse(plain->data, plain->len, &error);
    assert_non_null(back);
    assert_memory_equal(sevirt_secret_table_lookup(back, &luks, &len), "pass\0", 5);

    /* malformed tables */
    plain->data[0] ^= 1;
    assert_null(sevirt_secret_table_parse(plain->data, plain->len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "secret table GUID");
    plain->data[0] ^= 1;
    sevirt_put_le32(plain->data + 16, 100);
    assert_null(sevirt_secret_table_parse(plain->data, plain->len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "does not fit");
    sevirt_put_le32(plain->data + 16, 45);
    sevirt_put_le32(plain->data + 36, 90);
    assert_null(sevirt_secret_table_parse(plain->data, plain->len, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "malformed entry");
}

/* The table's length is a 32-bit field and the PSP takes 16 KiB at most:
 * the owner's side refuses more, and empty secrets, before building. */
static void
test_secret_table_bounds(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autoptr(SevirtSecret) plain = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *big = g_malloc0(SEVIRT_SECRET_PACKET_MAX);
    SevirtGuid a, b, c;

    assert_true(sevirt_guid_parse("736869e5-0001-4973-92ec-06879ce3da0b", &a, NULL));
    assert_true(sevirt_guid_parse("736869e5-0002-4973-92ec-06879ce3da0b", &b, NULL));
    assert_true(sevirt_guid_parse("736869e5-0003-4973-92ec-06879ce3da0b", &c, NULL));
    assert_false(sevirt_secret_table_add(table, &a, big, 0, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "is empty");
    assert_false(sevirt_secret_table_add(table, &a, big, SEVIRT_SECRET_PACKET_MAX, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "16384 bytes");
    /* 20 + 20 + 8000 + 20 + 8000 = 16060: fits; 20 more bytes and a header do not */
    assert_true(sevirt_secret_table_add(table, &a, big, 8000, &error));
    assert_true(sevirt_secret_table_add(table, &b, big, 8000, &error));
    assert_false(sevirt_secret_table_add(table, &c, big, 320, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "secret packet may hold");
    assert_true(sevirt_secret_table_add(table, &c, big, 300, &error));
    plain = sevirt_secret_table_serialize(table);
    assert_true(plain->len <= SEVIRT_SECRET_PACKET_MAX);
    assert_int_equal(sevirt_le32(plain->data + 16), 16380);
}

/* The software PSP takes no more than the kernel passes to the firmware. */
static void
test_psp_refuses_large_packet(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSecret) tek = sevirt_secret_new(16);
    g_autoptr(SevirtSecret) tik = sevirt_secret_new(16);
    g_autofree guint8 *payload = g_malloc0(SEVIRT_SECRET_PACKET_MAX + 16);
    guint8 measure[SEVIRT_MEASURE_SIZE] = { 0 };
    SevirtSecretHeader header = { { 0 } };

    expect_psp_refusal(tek, tik, measure, (const guint8 *) &header, sizeof(header),
                       payload, SEVIRT_SECRET_PACKET_MAX + 16, SEVIRT_PSP_ERROR_LENGTH);
}

static void
test_packet_random_iv(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtSecret) tek = vector_key("tek.bin");
    g_autoptr(SevirtSecret) tik = vector_key("tik.bin");
    g_autoptr(SevirtSecretTable) table = sevirt_secret_table_new();
    g_autoptr(SevirtSecretTable) empty = sevirt_secret_table_new();
    g_autoptr(GBytes) p1 = NULL;
    g_autoptr(GBytes) p2 = NULL;
    g_autoptr(GError) error = NULL;
    guint8 measure[32] = { 7 };
    SevirtSecretHeader h1, h2;

    assert_true(sevirt_secret_table_add(table, &sevirt_secret_guid_luks_key,
                                        (const guint8 *) "x", 1, &error));
    assert_true(sevirt_secret_packet_build(tek, tik, measure, NULL, table, &h1, &p1, &error));
    assert_true(sevirt_secret_packet_build(tek, tik, measure, NULL, table, &h2, &p2, &error));
    assert_memory_not_equal(h1.iv, h2.iv, 16);
    assert_false(sevirt_secret_packet_build(tek, tik, measure, NULL, empty, &h1, &p1, &error));
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, "No secret");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_vectors),
        cmocka_unit_test(test_psp_opens_packet),
        cmocka_unit_test(test_psp_refuses_altered_packets),
        cmocka_unit_test(test_secret_table),
        cmocka_unit_test(test_secret_table_bounds),
        cmocka_unit_test(test_psp_refuses_large_packet),
        cmocka_unit_test(test_packet_random_iv),
    };

    return sevirt_test_status(cmocka_run_group_tests(tests, NULL, NULL));
}
