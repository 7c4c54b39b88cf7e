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
 * x-sevirt-snp-report), and the launch verifies it: signature and chain
 * under the ARK/ASK the caller names, a fresh nonce as report_data, the
 * owner's expected measurement, the domain's policy, host data and ID key
 * digests.  Any mismatch destroys the guest.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-snp-report.h"

G_BEGIN_DECLS

/**
 * SevirtSnpLaunchOptions:
 * @measurement: the launch digest the owner expects (48 bytes), e.g. from
 *               sevirt_snp_launch_digest()
 * @ark, @ask: the emulated platform's root and its ASK; needed to verify a
 *             report on the emulated platform (its root is never pinned)
 */
typedef struct {
    const guint8 *measurement;
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
    gboolean started;
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
 * as described above.  A domain that is not SNP is refused untouched
 * (SEVIRT_ERROR_INVALID), one already running too (SEVIRT_ERROR_FAILED).
 * A refused start and any failed check are SEVIRT_ERROR_VERIFY, with the
 * guest destroyed (nothing is left running).  On real hardware the launch
 * ends after the start with result->report_fetched FALSE.
 */
gboolean sevirt_launch_snp(virDomainPtr dom, const SevirtSnpLaunchOptions *opts,
                           SevirtSnpLaunchResult *result, GError **error);

G_END_DECLS
