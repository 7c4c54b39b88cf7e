/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: libvirt's domain capabilities XML, as host-check, create and
 * start read it (sevirt_host_caps_parse_domcaps()), and what is derived from
 * it: support per SEV type, free guest slots, the checks of a remote host.
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"

static const SevirtSevType types[] = {
    SEVIRT_SEV_NONE, SEVIRT_SEV_SEV, SEVIRT_SEV_ES, SEVIRT_SEV_SNP,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzz_strndup(data, size);
    g_autoptr(SevirtHostCaps) caps = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *refusal = NULL;

    fuzz_init();
    caps = sevirt_host_caps_parse_domcaps(xml, &error);
    if (!caps) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    refusal = sevirt_host_caps_passt_refusal(caps);
    for (gsize i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autoptr(GPtrArray) checks = NULL;

        (void) sevirt_host_caps_supports(caps, types[i]);
        (void) sevirt_host_caps_free_slots(caps, types[i]);
        if (types[i] == SEVIRT_SEV_NONE)
            continue;   /* host-check is about an SEV type */
        /* NULL root: a remote host, whose files are not read */
        checks = sevirt_host_check(caps, types[i], NULL);
        (void) sevirt_host_check_failed(checks);
    }
    return 0;
}
