/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the SEV-SNP attestation report parser and the report's own
 * checks (signature decoding, TCB decoding) on arbitrary bytes.  Built as a
 * libFuzzer target with -DSEVIRT_LIBFUZZER -fsanitize=fuzzer, otherwise run
 * by tests/fuzz/fuzz-driver.c over mutations of the published reports.
 */
#include <config.h>

#include "sevirt.h"
#include "fuzz-driver.h"

#ifndef SEVIRT_LIBFUZZER
const char *const fuzz_seeds[] = {
    "snp/report/go-sev-guest-milan-vcek/attestation.bin",
    "snp/report/synthetic-v5-testroot/report.bin",
    "snp/report/virtee-sev-milan-vcek/report_milan.hex",
    NULL
};
const char *const fuzz_vek_file = "snp/report/go-sev-guest-milan-vcek/vcek.der";
/* each mutant that parses costs an ECDSA verification */
const guint fuzz_iterations = 300;
#else
SevirtSnpCert *fuzz_vek;
#endif

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t len)
{
    SevirtSnpReport r;
    SevirtSnpTcb t;
    g_auto(GStrv) policy = NULL;
    g_autoptr(GError) error = NULL;

    if (!sevirt_snp_report_parse(data, len, "fuzz", &r, &error))
        return 0;
    sevirt_snp_tcb_decode(r.reported_tcb, sevirt_snp_report_is_turin(&r), &t);
    policy = sevirt_snp_policy_flags(r.policy);
    (void) sevirt_snp_signer_to_string(sevirt_snp_report_get_signer(&r));
    if (fuzz_vek) {
        g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_snp_check_free);

        (void) sevirt_snp_report_verify(&r, NULL, fuzz_vek, NULL, checks);
    }
    return 0;
}
