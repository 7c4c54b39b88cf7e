/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV-SNP platform's attestation: an emulated ARK, ASK and
 * VCEK, minted with the platform identity, and the attestation reports the
 * emulated PSP signs with the VCEK.  EMULATION ONLY: these keys prove
 * nothing about any AMD hardware; a verifier must never trust them outside
 * tests (sevirt pins no emulated key).
 */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

/* Files of the SNP identity: public ones in the platform directory, the
 * VCEK's private key in its private directory. */
#define EMU_SNP_ARK_FILE "snp-ark.pem"
#define EMU_SNP_ASK_FILE "snp-ask.pem"
#define EMU_SNP_VCEK_FILE "snp-vcek.pem"
#define EMU_SNP_CHIP_ID_FILE "snp-chip-id.bin"
#define EMU_SNP_VCEK_KEY_FILE "snp-vcek.key"

#define EMU_SNP_CHIP_ID_SIZE 64
#define EMU_SNP_REPORT_SIZE 0x4A0

gboolean emu_snp_identity_exists(const char *platform_dir);

gboolean emu_snp_identity_mint(const char *platform_dir, const char *private_dir,
                               uid_t uid, gid_t gid, gboolean *minted, GError **error);

/* What SNP_LAUNCH_FINISH leaves in the guest context that a report carries. */
typedef struct {
    guint64 policy;
    const guint8 *measurement;        /* 48 bytes */
    const guint8 *host_data;          /* 32 bytes */
    const guint8 *id_block;           /* 96 bytes, or NULL */
    const guint8 *id_key_digest;      /* 48 bytes */
    const guint8 *author_key_digest;  /* 48 bytes */
    gboolean author_key_enabled;
    const guint8 *report_id;          /* 32 bytes */
    guint cpu_family, cpu_model, cpu_stepping;
    guint api_major, api_minor, build_id;
} EmuSnpGuest;

gboolean emu_snp_report(const char *platform_dir, const char *private_dir,
                        const EmuSnpGuest *guest, const guint8 report_data[64],
                        guint8 report[EMU_SNP_REPORT_SIZE], GError **error);

G_END_DECLS
