/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch of an SEV-SNP guest over libvirt, checked by its attestation
 * report.
 *
 * SNP has no launch measurement for the host to read and no secret to
 * inject: the platform enforces the domain's ID block at SNP_LAUNCH_FINISH
 * (a start failure is the refusal), and the guest proves what it runs with
 * an attestation report.  On real hardware only the guest can ask for that
 * report; sevirt_launch_snp() then stops after the start.  On sevirt's
 * emulated platform the host can ask for it (the emulation-only QMP command
 * x-sevirt-snp-report, also of a guest started paused, before it ran), and
 * the launch verifies it: signature and chain
 * under the ARK/ASK the caller names, a fresh nonce as report_data, the
 * owner's expected measurement, the domain's policy, host data and ID key
 * digests.  Any mismatch destroys the guest.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-snp-measure.h"
#include "sevirt-snp-report.h"

G_BEGIN_DECLS

/**
 * SevirtSnpLaunchOptions:
 * @measurement: the launch digest the owner expects (48 bytes), e.g. from
 *               sevirt_snp_launch_digest(); or NULL and @expected:
 * @expected: the owner's inputs to compute it from; num_cpus 0 takes the
 *            domain's vCPU count, cpu_signature 0 the host's CPU signature
 *            (as libvirt reports it), guest_features 0 SNPActive (0x1)
 * @ark, @ask: the emulated platform's root and its ASK; needed to verify a
 *             report on the emulated platform (its root is never pinned)
 */
typedef struct {
    const guint8 *measurement;
    const SevirtSnpLaunchFiles *expected;
    const SevirtSnpCert *ark;
    const SevirtSnpCert *ask;
} SevirtSnpLaunchOptions;

/**
 * SevirtSnpLaunchResult:
 * What the launch found and did, also on failure.
 * @checks: (element-type SevirtSnpCheck) the report's checks, "root" first
 */
typedef struct {
    char *name;
    char *uuid;
    gboolean emulated;
    guint64 policy;              /* the domain's */
    gboolean id_block;           /* the domain carries an ID block */
    gboolean computed;           /* the digest expected was computed from @expected */
    guint8 expected_measurement[SEVIRT_SNP_DIGEST_SIZE];
    guint num_cpus;              /* computed: the vCPUs and their signature measured */
    guint32 cpu_signature;
    gboolean cpu_signature_from_host;
    gboolean started;
    gboolean paused;             /* emulated platform: started paused, checked before it ran */
    gboolean resumed;            /* ... and resumed once its report verified */
    gboolean report_fetched;     /* emulated platform: a report was fetched */
    gboolean verified;           /* ... and every check passed */
    gboolean amd_root;           /* the ARK given is one of AMD's */
    gboolean destroyed;
    guint8 nonce[64];
    SevirtSnpReport report;
    GPtrArray *checks;
} SevirtSnpLaunchResult;

void sevirt_snp_launch_result_clear(SevirtSnpLaunchResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtSnpLaunchResult, sevirt_snp_launch_result_clear)

/**
 * sevirt_launch_snp:
 * @dom: a shut-off domain with <launchSecurity type='sev-snp'>
 * @result: (out caller-allocates): cleared first
 *
 * Starts @dom and, on the emulated platform, fetches and verifies a report
 * as described above.  On the emulated platform the guest is started
 * paused and resumed only once its report verified: a guest that fails
 * never executes an instruction.  A domain that is not SNP is refused untouched
 * (SEVIRT_ERROR_INVALID), one already running too (SEVIRT_ERROR_FAILED).
 * A refused start and any failed check are SEVIRT_ERROR_VERIFY, with the
 * guest destroyed (nothing is left running).  On real hardware the launch
 * ends after the start with result->report_fetched FALSE.
 */
/**
 * sevirt_domain_is_snp:
 * @snp: (out) whether @dom's definition has <launchSecurity type='sev-snp'>
 */
gboolean sevirt_domain_is_snp(virDomainPtr dom, gboolean *snp, GError **error);

gboolean sevirt_launch_snp(virDomainPtr dom, const SevirtSnpLaunchOptions *opts,
                           SevirtSnpLaunchResult *result, GError **error);

G_END_DECLS
