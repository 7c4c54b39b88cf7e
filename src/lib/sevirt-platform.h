/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An SEV platform's identity as its host reports it: the PDH the guest
 * owner makes sessions for, the PEK, OCA and CEK that chain it to AMD's
 * keys, and the chip id (cpu0-id) to fetch the CEK from AMD by.
 *
 * libvirt's virNodeGetSEVInfo answers for the host's default QEMU binary
 * only.  For another emulator (sevirt's emulated platform, a QEMU build of
 * its own) sevirt starts a short-lived transient domain with that emulator,
 * paused and never run, and asks its QMP monitor (query-sev-capabilities,
 * the command libvirt's probe uses) through libvirt, which works on remote
 * hosts too.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-cert.h"

G_BEGIN_DECLS

/**
 * SevirtPlatformInfo:
 * @emulator: the emulator asked, NULL for the host's default
 * @emulated: @emulator is sevirt's emulated platform (no encryption)
 * @chain: pdh, pek, oca and cek (ark and ask are AMD's: not reported)
 * @cpu0_id: (nullable) the chip id, 64 bytes; NULL when not reported
 * @cbitpos, @reduced_phys_bits: -1 when not reported
 */
typedef struct {
    char *emulator;
    gboolean emulated;
    SevirtCertChain chain;
    GBytes *cpu0_id;
    gint cbitpos;
    gint reduced_phys_bits;
} SevirtPlatformInfo;

void sevirt_platform_info_free(SevirtPlatformInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtPlatformInfo, sevirt_platform_info_free)

/**
 * sevirt_platform_info_query:
 * @conn: an open connection
 * @emulator: (nullable) emulator binary on the host; NULL: the host's
 *            default, through virNodeGetSEVInfo
 *
 * Asks the host for its SEV platform identity.  A host or emulator without
 * SEV is SEVIRT_ERROR_UNSUPPORTED with a message saying so; certificates
 * that do not parse, or sit in the wrong place of the chain, are
 * SEVIRT_ERROR_INVALID.  The chain is not verified: that needs AMD's ARK
 * and ASK (sevirt_cert_chain_verify()).
 */
SevirtPlatformInfo *sevirt_platform_info_query(virConnectPtr conn, const char *emulator,
                                               GError **error);

/**
 * sevirt_platform_info_parse:
 * @pdh_b64: the PDH in base64, as libvirt and QEMU report it
 * @chain_b64: PEK‖OCA‖CEK in base64
 * @cpu0_id_b64: (nullable) the chip id in base64
 *
 * Fills @info's chain and chip id, checking each certificate's usage.
 */
gboolean sevirt_platform_info_parse(SevirtPlatformInfo *info, const char *pdh_b64,
                                    const char *chain_b64, const char *cpu0_id_b64,
                                    GError **error);

G_END_DECLS
