/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the emulator's reading of the QEMU command line libvirt
 * builds (emu_args_parse()) and its rewriting for the real QEMU.  The input
 * is the argument vector without argv[0], each argument ended by a NUL
 * byte, as /proc/PID/cmdline holds it.
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"
#include "emu-args.h"

/* Arguments beyond these are dropped: the parser is linear in their number. */
#define FUZZ_MAX_ARGS 256

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(EmuArgs) args = NULL;
    g_auto(GStrv) qemu = NULL;
    g_autoptr(GError) error = NULL;
    size_t start = 0;

    fuzz_init();
    for (size_t i = 0; i <= size && argv->len < FUZZ_MAX_ARGS; i++) {
        if (i < size && data[i] != '\0')
            continue;
        if (i < size || i > start)
            g_ptr_array_add(argv, fuzz_strndup(data + start, i - start));
        start = i + 1;
    }
    g_ptr_array_add(argv, NULL);

    args = emu_args_parse((const char *const *) argv->pdata, &error);
    if (!args) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    g_assert_no_error(error);
    qemu = emu_args_qemu_argv(args, "/usr/bin/qemu-system-x86_64", 3);
    g_assert(qemu && qemu[0]);
    return 0;
}
