/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the YAML spec file loader (sevirt_spec_file_parse(), what
 * 'create -f FILE' reads), then the domain XML built from what it accepted.
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(SevirtVmSpec) spec = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    fuzz_init();
    spec = sevirt_vm_spec_new();
    /* the parser only records the paths it names: nothing is read from here */
    if (!sevirt_spec_file_parse("fuzz.yaml", (const char *) data, size, "/nonexistent",
                                spec, &error)) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    g_assert_no_error(error);
    if (!spec->name)
        return 0;
    xml = sevirt_domxml_format(spec, &error);
    g_assert((xml != NULL) == (error == NULL));
    return 0;
}
