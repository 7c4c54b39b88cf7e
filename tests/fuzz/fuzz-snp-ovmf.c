/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the OVMF footer table and SEV metadata parsers, and the SNP
 * launch digest over what they return, on arbitrary firmware images.
 */
#include <config.h>

#include "sevirt.h"
#include "fuzz-driver.h"

/* Zero pages are one hash each: keep a run short on huge section sizes. */
#define MAX_SECTION_BYTES (64u << 20)

#ifndef SEVIRT_LIBFUZZER
const char *const fuzz_seeds[] = {
    "snp/measure/ovmf_AmdSev_suffix.bin",
    "snp/measure/ovmf_OvmfX64_suffix.bin",
    NULL
};
const char *const fuzz_vek_file = NULL;
const guint fuzz_iterations = 1500;
#endif

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t len)
{
    static const guint8 kernel[] = "kernel";
    g_autoptr(SevirtOvmf) ovmf = NULL;
    g_autoptr(GArray) sections = NULL;
    g_autoptr(GError) error = NULL;
    guint8 digest[SEVIRT_SNP_DIGEST_SIZE];
    guint64 total = 0;
    SevirtSnpLaunchInput in = {
        .firmware = data, .firmware_len = len, .num_cpus = 2,
        .cpu_signature = 0xa00f11, .guest_features = 1, .allow_no_metadata = TRUE,
    };

    ovmf = sevirt_ovmf_parse(data, len, "fuzz", &error);
    if (!ovmf)
        return 0;
    sections = sevirt_ovmf_get_snp_sections(ovmf, data, len, "fuzz", &error);
    for (guint i = 0; sections && i < sections->len; i++)
        total += g_array_index(sections, SevirtSnpSection, i).size;
    if (total > MAX_SECTION_BYTES || len == 0)
        return 0;
    g_clear_error(&error);
    (void) sevirt_snp_launch_digest(&in, digest, &error);
    g_clear_error(&error);
    in.kernel = kernel;
    in.kernel_len = sizeof(kernel);
    (void) sevirt_snp_launch_digest(&in, digest, &error);
    return 0;
}
