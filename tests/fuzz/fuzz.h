/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every fuzz target shares.  A target defines LLVMFuzzerTestOneInput();
 * built with --enable-fuzzing it links libFuzzer, otherwise fuzz-main.c,
 * which runs the files it is given once each (the seed corpora, as a
 * regression test in 'make check').
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FATAL_LEVELS (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)

/* GLib's own fatal path raises SIGTRAP, which libFuzzer does not catch (no
 * reproducer would be written): abort() instead. */
static inline void
fuzz_log_handler(const char *domain, GLogLevelFlags level, const char *message,
                 gpointer data)
{
    g_log_default_handler(domain, level, message, data);
    if (level & FUZZ_FATAL_LEVELS)
        abort();
}

static inline GLogWriterOutput
fuzz_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                gpointer data)
{
    GLogWriterOutput out = g_log_writer_default(level, fields, n_fields, data);

    if (level & FUZZ_FATAL_LEVELS)
        abort();
    return out;
}

/*
 * fuzz_init:
 * Once per process: the library never logs, so a GLib warning or critical
 * (a failed precondition) is a bug the fuzzer must report, not skip.
 */
static inline void
fuzz_init(void)
{
    static gboolean done;

    if (done)
        return;
    done = TRUE;
    g_log_set_default_handler(fuzz_log_handler, NULL);
    g_log_set_writer_func(fuzz_log_writer, NULL, NULL);
    g_setenv("LC_ALL", "C", TRUE);
}

/* @data as a string: the parsers that take one see up to the first NUL. */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = g_malloc(size + 1);

    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/*
 * fuzz_split:
 * Cuts @data into at most @max pieces at each @sep (a byte sequence), so
 * one input can carry several files: a certificate chain, an argument
 * vector, QMP lines from both peers.  Returns: (transfer full): GBytes*.
 */
static inline GPtrArray *
fuzz_split(const uint8_t *data, size_t size, const char *sep, guint max)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
    gsize seplen = strlen(sep);
    gsize start = 0;

    for (gsize i = 0; i + seplen <= size && parts->len + 1 < max; i++) {
        if (memcmp(data + i, sep, seplen) != 0)
            continue;
        g_ptr_array_add(parts, g_bytes_new(data + start, i - start));
        start = i + seplen;
        i = start - 1;
    }
    g_ptr_array_add(parts, g_bytes_new(data + start, size - start));
    return parts;
}
