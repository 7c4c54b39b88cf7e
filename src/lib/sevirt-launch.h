/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attested launch of an SEV or SEV-ES guest over libvirt.
 *
 * The guest owner made a session for the platform ('sevirt session': a
 * dhCert and session in the domain XML, TEK and TIK kept by the owner).
 * sevirt_launch() then:
 *
 *   1. reads the domain definition and checks it can be launched as
 *      expected: SEV with the owner's dhCert/session, the TIK belongs to that
 *      session and policy, the firmware can take the secret and kernel hashes;
 *   2. starts the guest paused (VIR_DOMAIN_START_PAUSED), or accepts one that
 *      is already paused at its start;
 *   3. reads the launch measurement, API version, build and policy
 *      (virDomainGetLaunchSecurityInfo);
 *   4. recomputes the expected measurement from the owner's own firmware
 *      (kernel hashes table, SEV-ES VMSAs) and compares in constant time;
 *   5. builds the LAUNCH_SECRET packet and injects it
 *      (virDomainSetLaunchSecurityState);
 *   6. resumes the guest.
 *
 * On any failure from step 2 on, the guest is destroyed and nothing is
 * injected; the error is SEVIRT_ERROR_VERIFY with a diagnosis of the likely
 * cause, found by trying the cheap alternatives (another policy, another
 * vCPU count, the firmware the domain names, the VMSA reset values).
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-measure.h"
#include "sevirt-secret.h"
#include "sevirt-secretbuf.h"

G_BEGIN_DECLS

typedef enum {
    SEVIRT_LAUNCH_STEP_INSPECTED,  /* definition read and checked */
    SEVIRT_LAUNCH_STEP_STARTED,    /* started paused, or found paused (result->started) */
    SEVIRT_LAUNCH_STEP_MEASURED,   /* launch security info read */
    SEVIRT_LAUNCH_STEP_VERIFIED,   /* the measurement matches */
    SEVIRT_LAUNCH_STEP_INJECTED,   /* the secret was accepted */
    SEVIRT_LAUNCH_STEP_RESUMED,    /* the guest runs */
    SEVIRT_LAUNCH_STEP_DESTROYED,  /* destroyed after a failure */
} SevirtLaunchStep;

/**
 * SevirtLaunchResult:
 * What the launch found and did, filled in as it goes.  Holds no key
 * material: the measurement and digest are public.
 */
typedef struct {
    char *name;
    char *uuid;
    gboolean emulated;           /* its <emulator> is sevirt's emulated platform */
    guint64 domain_policy;       /* <launchSecurity><policy> */
    gboolean started;            /* TRUE: started here; FALSE: found paused */
    SevirtLaunchInfo info;       /* API version, build and policy reported */
    SevirtMeasurement measurement;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];  /* the expected launch digest */
    gboolean sev_es;
    guint num_cpus;              /* SEV-ES: vCPUs measured */
    guint32 cpu_signature;       /* SEV-ES: CPUID signature in the VMSAs */
    gboolean cpu_signature_from_host;  /* taken from the host's capabilities */
    gboolean kernel_hashes;
    guint secrets;               /* secrets injected */
    gboolean secret_address_set;
    guint64 secret_address;
    gboolean resumed;
    gboolean destroyed;
    gboolean past_launch;        /* found paused after it had run: left as it was */
} SevirtLaunchResult;

void sevirt_launch_result_clear(SevirtLaunchResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtLaunchResult, sevirt_launch_result_clear)

/** Called after each step; @result holds what is known so far. */
typedef void (*SevirtLaunchProgressFunc)(SevirtLaunchStep step,
                                         const SevirtLaunchResult *result,
                                         gpointer user_data);

/**
 * SevirtLaunchOptions:
 * @tek: transport encryption key (16 bytes); may be NULL when @secrets is
 *       empty (verify only)
 * @tik: transport integrity key (16 bytes)
 * @expected: what the guest must have been launched with: the owner's own
 *            copies of the firmware and, for kernelHashes, kernel, initrd and
 *            command line.  SEV-ES: num_cpus 0 means the domain's vCPU count;
 *            cpu_signature 0 (and no VMSA files) means the host CPU signature
 *            libvirt reports in its capabilities; vmsa_flags as the host
 *            kernel sets the VMSAs.
 * @firmware_name: how to name @expected.firmware in messages (its file)
 * @policy_set: @policy is the policy expected; otherwise the domain's
 * @secrets: (nullable) the secrets to inject; NULL or empty: none
 * @secret_address_set: inject at @secret_address (guest physical address),
 *                      needed when the firmware reserves no secret area
 * @no_resume: leave the guest paused after the injection
 * @progress: (nullable) called after each step
 */
typedef struct {
    const SevirtSecret *tek;
    const SevirtSecret *tik;
    SevirtLaunchInput expected;
    const char *firmware_name;
    gboolean policy_set;
    guint32 policy;
    const SevirtSecretTable *secrets;
    gboolean secret_address_set;
    guint64 secret_address;
    gboolean no_resume;
    SevirtLaunchProgressFunc progress;
    gpointer progress_data;
} SevirtLaunchOptions;

/**
 * sevirt_launch:
 * @dom: an SEV guest, shut off or paused at its start
 * @result: (out caller-allocates): what was found and done, also on failure;
 *          cleared first (sevirt_launch_result_clear() frees it)
 *
 * Runs the attested launch described above.  A domain that cannot be
 * launched this way at all is refused untouched: not SEV
 * (SEVIRT_ERROR_INVALID), SEV-SNP (SEVIRT_ERROR_UNSUPPORTED), without the
 * owner's dhCert and session (SEVIRT_ERROR_INVALID), or already running
 * (SEVIRT_ERROR_FAILED).  Every other failure is SEVIRT_ERROR_VERIFY, the
 * guest is destroyed if it was running (result->destroyed) and no secret
 * was injected.
 */
gboolean sevirt_launch(virDomainPtr dom, const SevirtLaunchOptions *opts,
                       SevirtLaunchResult *result, GError **error);

/**
 * sevirt_launch_check_session:
 * @tik: the owner's TIK
 * @session: the session blob of the domain (0x80 bytes)
 * @policy: the domain's policy
 *
 * Checks that @tik is the one wrapped in @session for @policy, with the
 * policy MAC at the end of the blob.  Fails with SEVIRT_ERROR_VERIFY naming
 * the cause: a session made for another policy (found by trying the
 * policies built from the low flag bits), or a TIK that does not belong to
 * the session.
 */
gboolean sevirt_launch_check_session(const SevirtSecret *tik, const guint8 *session,
                                     gsize session_len, guint32 policy, GError **error);

/**
 * sevirt_launch_diagnose:
 * @tik: the owner's TIK
 * @info: what the platform reported
 * @reported: the measurement it reported
 * @expected: the launch that was expected (and did not match)
 * @expected_firmware_name: the file of @expected's firmware
 * @domain_firmware: (nullable) the firmware the domain names, when readable
 * @domain_firmware_name: (nullable) its file
 *
 * After a mismatch: which cheap variation of @expected matches @reported?
 * Tries, for SEV-ES, other vCPU counts (1 to 64) and the other VMSA reset
 * values, then @domain_firmware.  Returns a sentence naming the likely
 * cause, for the error message.
 */
char *sevirt_launch_diagnose(const SevirtSecret *tik, const SevirtLaunchInfo *info,
                             const SevirtMeasurement *reported,
                             const SevirtLaunchInput *expected,
                             const char *expected_firmware_name,
                             const guint8 *domain_firmware, gsize domain_firmware_len,
                             const char *domain_firmware_name);

/** "inspected", "started", ... for JSON and logs. */
const char *sevirt_launch_step_to_string(SevirtLaunchStep step);

G_END_DECLS
