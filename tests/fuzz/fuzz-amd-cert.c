/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: one AMD certificate (ARK or ASK, RSA-2048 or RSA-4096), as
 * AMD's KDS serves it; one that parses is checked against itself, as an ARK
 * is.
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(SevirtAmdCert) cert = NULL;
    g_autoptr(SevirtAmdCert) copy = NULL;
    g_autoptr(GError) error = NULL;
    const guint8 *bytes;
    gsize len = 0;

    fuzz_init();
    cert = sevirt_amd_cert_parse(data, size, "fuzz.cert", &error);
    if (!cert) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    (void) sevirt_cert_usage_to_string(sevirt_amd_cert_get_usage(cert));
    (void) sevirt_amd_cert_get_key_bits(cert);
    g_assert(sevirt_amd_cert_get_key_id(cert));
    g_assert(sevirt_amd_cert_get_certifying_id(cert));
    bytes = sevirt_amd_cert_get_data(cert, &len);
    g_assert(len > 0 && len <= size);
    g_assert(memcmp(bytes, data, len) == 0);
    copy = sevirt_amd_cert_copy(cert);
    if (!sevirt_amd_cert_verify(cert, copy, &error))
        g_assert(error && error->message && *error->message);
    return 0;
}
