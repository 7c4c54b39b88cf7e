/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs a fuzz target without libFuzzer, as a unit test: over each of the
 * target's seed files (under tests/data/) and over many
 * deterministic mutations of it (byte changes, 32-bit length and offset
 * fields set to edge values, truncations), so that make check, valgrind
 * and ASan exercise the parsers on damaged input.
 *
 * With libFuzzer the target is linked alone:
 *   clang -fsanitize=fuzzer,address -DSEVIRT_LIBFUZZER ... tests/fuzz/fuzz-snp-report.c
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-driver.h"
#include "test-common.h"

SevirtSnpCert *fuzz_vek;

static const guint32 edges[] = { 0, 1, 0x10, 0xfff, 0x1000, 0x7fffffff, 0xfffffff0, 0xffffffff };

static void
mutate(GRand *rand, guint8 *buf, gsize *len)
{
    guint kind = g_rand_int_range(rand, 0, 4);
    gsize pos = *len ? g_rand_int_range(rand, 0, *len) : 0;

    switch (kind) {
    case 0:     /* a few random bytes */
        for (guint n = g_rand_int_range(rand, 1, 8); n > 0 && *len; n--)
            buf[g_rand_int_range(rand, 0, *len)] = g_rand_int_range(rand, 0, 256);
        break;
    case 1:     /* an edge value where a length or offset may be */
        if (pos + 4 <= *len) {
            guint32 v = edges[g_rand_int_range(rand, 0, G_N_ELEMENTS(edges))];

            memcpy(buf + pos, &v, 4);
        }
        break;
    case 2:     /* cut from the front: the end-anchored tables move */
        if (*len > 1) {
            gsize cut = g_rand_int_range(rand, 1, *len);

            memmove(buf, buf + cut, *len - cut);
            *len -= cut;
        }
        break;
    default:    /* cut from the end */
        *len = pos;
        break;
    }
}

static void
run_seed(const char *rel, guint32 seed)
{
    g_autofree char *path = sevirt_test_data_path(rel);
    g_autofree guint8 *data = NULL;
    g_autofree guint8 *buf = NULL;
    g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
    gsize len = 0;

    if (!g_file_get_contents(path, (char **) &data, &len, NULL)) {
        g_printerr("cannot read seed %s\n", path);
        exit(1);
    }
    LLVMFuzzerTestOneInput(data, len);
    buf = g_malloc(len + 1);
    for (guint i = 0; i < fuzz_iterations; i++) {
        gsize n = len;

        memcpy(buf, data, len);
        mutate(rand, buf, &n);
        if (g_rand_boolean(rand))
            mutate(rand, buf, &n);
        LLVMFuzzerTestOneInput(buf, n);
    }
}

int
main(void)
{
    guint i;

    if (fuzz_vek_file) {
        g_autofree char *p = sevirt_test_data_path(fuzz_vek_file);
        g_autoptr(GError) error = NULL;

        if (!(fuzz_vek = sevirt_snp_cert_read(p, &error))) {
            g_printerr("%s\n", error->message);
            return 1;
        }
    }
    for (i = 0; fuzz_seeds[i]; i++)
        run_seed(fuzz_seeds[i], 0x5e71 + i);
    sevirt_snp_cert_free(fuzz_vek);
    printf("%u seed(s), %u mutations each: no crash\n", i, fuzz_iterations);
    return 0;
}
