/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attested create of an SEV or SEV-ES guest, the library half shared
 * by 'sevirt create --attest' and fleet apply: the policy the session is
 * bound to, and the host's PDH taken and verified up to a root.
 */
#pragma once

#include <libvirt/libvirt.h>

#include "sevirt-owner.h"
#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * sevirt_attest_settle_policy:
 * @note: (out) (optional): what the check changed, or NULL
 * @policy: (out): the policy the session must be bound to
 *
 * The policy the session is bound to must be the one the domain gets:
 * settles it in @spec now as validation would (the default of the SEV
 * type, the ES bit forced on for SEV-ES), so that validation later
 * changes nothing.
 */
gboolean sevirt_attest_settle_policy(SevirtVmSpec *spec, char **note, guint32 *policy,
                                     GError **error);

/* How far the host's PDH can be trusted. */
typedef struct {
    gboolean emulated;          /* the PDH is sevirt's emulated platform's */
    gboolean amd_root;          /* its chain verified up to an AMD root */
    SevirtAmdGeneration gen;
    char *who;                  /* the emulator, or "the host" */
} SevirtAttestTrust;

void sevirt_attest_trust_clear(SevirtAttestTrust *trust);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtAttestTrust, sevirt_attest_trust_clear)

/**
 * sevirt_attest_host_pdh:
 * @emulator: (nullable) the guest's emulator; NULL: the host's default
 * @ark, @ask: (nullable) another root (see sevirt_cert_chain_verify_root())
 *
 * Takes the platform's PDH from the host (or the guest's emulator),
 * verifies its chain and checks it can make a session.  Nothing goes on
 * with a chain that does not verify.
 *
 * Returns: (transfer full): the PDH, or NULL
 */
SevirtSevCert *sevirt_attest_host_pdh(virConnectPtr conn, const char *emulator,
                                      const char *ark, const char *ask,
                                      SevirtAttestTrust *trust, GError **error);

G_END_DECLS
