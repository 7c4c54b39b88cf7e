/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: one SEV certificate (0x824 bytes: PEK, OCA, CEK, PDH), as a
 * platform or a guest owner hands it over; a certificate that parses is
 * checked against itself, as a self-signed OCA is.
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(SevirtSevCert) cert = NULL;
    g_autoptr(SevirtSevCert) copy = NULL;
    g_autoptr(GError) error = NULL;
    EVP_PKEY *key;
    guint8 major, minor;

    fuzz_init();
    cert = sevirt_sev_cert_parse(data, size, "fuzz.cert", &error);
    if (!cert) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    sevirt_sev_cert_get_api_version(cert, &major, &minor);
    (void) sevirt_cert_usage_to_string(sevirt_sev_cert_get_usage(cert));
    (void) sevirt_cert_algo_to_string(sevirt_sev_cert_get_algo(cert));
    (void) sevirt_sev_cert_get_curve(cert);
    key = sevirt_sev_cert_get_public_key(cert);
    EVP_PKEY_free(key);
    copy = sevirt_sev_cert_copy(cert);
    g_assert(memcmp(sevirt_sev_cert_get_data(copy), sevirt_sev_cert_get_data(cert),
                    SEVIRT_SEV_CERT_SIZE) == 0);
    if (!sevirt_sev_cert_verify(cert, copy, &error))
        g_assert(error && error->message && *error->message);
    return 0;
}
