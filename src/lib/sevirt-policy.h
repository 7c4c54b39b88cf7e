/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest policies of SEV / SEV-ES (32 bits) and SEV-SNP (64 bits): parsing
 * from numbers or flag names, formatting, and the consistency checks the
 * firmware would otherwise only report at launch time.
 */
#pragma once

#include <glib.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/* SEV / SEV-ES policy bits (AMD SEV API, chapter "Guest Policy"). */
#define SEVIRT_SEV_POLICY_NODBG      (1u << 0)  /* debugging forbidden */
#define SEVIRT_SEV_POLICY_NOKS       (1u << 1)  /* no key sharing with other guests */
#define SEVIRT_SEV_POLICY_ES         (1u << 2)  /* SEV-ES required */
#define SEVIRT_SEV_POLICY_NOSEND     (1u << 3)  /* no migration (SEND_*) */
#define SEVIRT_SEV_POLICY_DOMAIN     (1u << 4)  /* migrate only within the domain */
#define SEVIRT_SEV_POLICY_SEV        (1u << 5)  /* migrate only to SEV platforms */
#define SEVIRT_SEV_POLICY_API_MAJOR_SHIFT 16
#define SEVIRT_SEV_POLICY_API_MINOR_SHIFT 24
/* Bits 6..15 are reserved and must be zero. */
#define SEVIRT_SEV_POLICY_RESERVED   0x0000ffc0u

/* SEV-SNP policy bits (SNP firmware ABI, "Guest Policy"). */
#define SEVIRT_SNP_POLICY_ABI_MINOR_SHIFT 0
#define SEVIRT_SNP_POLICY_ABI_MAJOR_SHIFT 8
#define SEVIRT_SNP_POLICY_SMT             (G_GUINT64_CONSTANT(1) << 16)
#define SEVIRT_SNP_POLICY_RESERVED1       (G_GUINT64_CONSTANT(1) << 17)  /* must be one */
#define SEVIRT_SNP_POLICY_MIGRATE_MA      (G_GUINT64_CONSTANT(1) << 18)
#define SEVIRT_SNP_POLICY_DEBUG           (G_GUINT64_CONSTANT(1) << 19)
#define SEVIRT_SNP_POLICY_SINGLE_SOCKET   (G_GUINT64_CONSTANT(1) << 20)
#define SEVIRT_SNP_POLICY_CXL_ALLOW       (G_GUINT64_CONSTANT(1) << 21)
#define SEVIRT_SNP_POLICY_MEM_AES_256_XTS (G_GUINT64_CONSTANT(1) << 22)
#define SEVIRT_SNP_POLICY_RAPL_DIS        (G_GUINT64_CONSTANT(1) << 23)
#define SEVIRT_SNP_POLICY_CIPHERTEXT_HIDING (G_GUINT64_CONSTANT(1) << 24)
/* Bits 25..63 are reserved and must be zero. */
#define SEVIRT_SNP_POLICY_RESERVED_MBZ    (~G_GUINT64_CONSTANT(0x1ffffff))

#define SEVIRT_SEV_POLICY_DEFAULT    0x33u
#define SEVIRT_SEV_ES_POLICY_DEFAULT 0x37u
#define SEVIRT_SNP_POLICY_DEFAULT    G_GUINT64_CONSTANT(0x30000)

/**
 * sevirt_policy_default:
 * Returns the policy sevirt uses when none is given: 0x33 for SEV, 0x37 for
 * SEV-ES, 0x30000 for SEV-SNP, 0 for a plain guest.
 */
guint64 sevirt_policy_default(SevirtSevType type);

/**
 * sevirt_policy_parse:
 * @what: name of the input for error messages ("--policy")
 * @type: SEVIRT_SEV_SEV, SEVIRT_SEV_ES or SEVIRT_SEV_SNP
 * @text: a number (decimal, or hex with 0x) or comma-separated flag names:
 *        SEV/SEV-ES: nodbg, noks, es, nosend, domain, sev, api-major=N,
 *        api-minor=N; SEV-SNP: smt, migrate-ma, debug, single-socket,
 *        cxl-allow, mem-aes-256-xts, rapl-dis, ciphertext-hiding,
 *        abi-major=N, abi-minor=N (the reserved must-be-one bit 17 is set
 *        for flag lists).
 * @policy: (out) the policy
 *
 * Parses a policy.  Unknown names, a flag of the other policy family, a
 * flag given twice or contradicting another one (debug with nodbg) and
 * numbers that do not fit are SEVIRT_ERROR_INVALID.  The result is not yet
 * checked against @type: call sevirt_policy_check() for that.
 */
gboolean sevirt_policy_parse(const char *what, SevirtSevType type, const char *text,
                             guint64 *policy, GError **error);

/**
 * sevirt_policy_check:
 * @type: the guest's SEV type
 * @policy: (inout) the policy; for SEV-ES the ES bit is forced on
 * @note: (out) (optional) (transfer full): set to a sentence explaining an
 *        adjustment made to @policy (NULL when none was made)
 *
 * Checks that @policy is valid for @type: reserved bits clear, the ES bit
 * only for SEV-ES, SNP's must-be-one bit 17 set.  A SEV-ES policy without
 * the ES bit is corrected and *@note says so.
 */
gboolean sevirt_policy_check(SevirtSevType type, guint64 *policy, char **note, GError **error);

/**
 * sevirt_policy_format:
 * Formats @policy as libvirt writes it in <launchSecurity>: "0x%04x" for SEV
 * and SEV-ES, "0x%08x" (wider when needed) for SEV-SNP.
 */
char *sevirt_policy_format(SevirtSevType type, guint64 policy);

/**
 * sevirt_policy_describe:
 * Returns the flag names of @policy as accepted by sevirt_policy_parse()
 * ("nodbg,noks,es,domain,sev"; "smt,abi-major=1" ...); "" for no flag.
 */
char *sevirt_policy_describe(SevirtSevType type, guint64 policy);

G_END_DECLS
