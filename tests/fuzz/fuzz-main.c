/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main() for a fuzz target built without libFuzzer: runs each file named
 * on the command line, or each file of each folder named, through
 * LLVMFuzzerTestOneInput() once, as libFuzzer does when given files.  The
 * seed corpora and the crash reproducers kept beside them thus run in every
 * build, under valgrind too.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static gboolean
run_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return FALSE;
    }
    /* a private copy of exactly @len bytes, so that ASan and valgrind see
     * any read past the input (g_file_get_contents() adds a NUL) */
    {
        g_autofree uint8_t *copy = g_malloc(len ? len : 1);

        memcpy(copy, data, len);
        LLVMFuzzerTestOneInput(copy, len);
    }
    return TRUE;
}

static gboolean
run_path(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = NULL;
    const char *name;
    gboolean ok = TRUE;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR))
        return run_file(path);
    dir = g_dir_open(path, 0, &error);
    if (!dir) {
        fprintf(stderr, "%s\n", error->message);
        return FALSE;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    for (guint i = 0; i < names->len; i++)
        ok = run_file(names->pdata[i]) && ok;
    return ok;
}

int
main(int argc, char **argv)
{
    gboolean ok = TRUE;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;   /* libFuzzer options, for the same command lines */
        ok = run_path(argv[i]) && ok;
    }
    return ok ? 0 : 1;
}
