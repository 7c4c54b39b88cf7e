/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV platform's configuration and identity, kept in its state
 * directory:
 *
 *   STATE/emu.conf              settings (GKeyFile, optional)
 *   STATE/platform/             public: ark.cert ask.cert cek.cert oca.cert
 *                               pek.cert pdh.cert cpu0-id.bin (0644)
 *   STATE/platform/private/     pdh.key (0600, the emulator's user)
 *   STATE/domains/UUID/         per guest: launch.json, secret-N.json, and
 *                               with keep-secrets the secret tables (0700)
 */
#pragma once

#include <sys/types.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "sevirt-cert.h"

G_BEGIN_DECLS

/* What the emulated PSP reports.  cbitpos and reduced-phys-bits are those
 * of an EPYC host.  The CPU signature put in SEV-ES VMSAs is the host's
 * (emu_platform_host_cpu()); these values serve hosts without CPUID. */
#define EMU_DEFAULT_CBITPOS 51
#define EMU_DEFAULT_REDUCED_PHYS_BITS 1
#define EMU_DEFAULT_API_MAJOR 1
#define EMU_DEFAULT_API_MINOR 55
#define EMU_DEFAULT_BUILD_ID 21
#define EMU_DEFAULT_CPU_FAMILY 25
#define EMU_DEFAULT_CPU_MODEL 1
#define EMU_DEFAULT_CPU_STEPPING 1
#define EMU_DEFAULT_MAX_GUESTS 15
#define EMU_DEFAULT_MAX_ES_GUESTS 494

typedef struct {
    char *state_dir;
    char *qemu;               /* the real QEMU */
    guint cbitpos;
    guint reduced_phys_bits;
    guint api_major;
    guint api_minor;
    guint build_id;
    guint cpu_family;
    guint cpu_model;
    guint cpu_stepping;
    gboolean vmsa_fpu_init;   /* VMSAs with MXCSR/FCW reset values */
    gboolean keep_secrets;    /* [emulator] keep-secrets: keep the decrypted
                               * secret tables of guests (tests, the demo) */

    /* The identity, once emu_platform_load_identity() succeeded. */
    gboolean have_identity;
    SevirtCertChain chain;
    GBytes *cpu0_id;          /* 64 bytes */
    EVP_PKEY *pdh_key;        /* NULL unless loaded with the private key */
    uid_t key_owner;          /* who must own pdh.key: the effective user,
                               * or QEMU's user for a setup run as root */
} EmuPlatform;

#define EMU_CPU0_ID_SIZE 64

void emu_platform_free(EmuPlatform *platform);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EmuPlatform, emu_platform_free)

/**
 * emu_platform_state_dir:
 * The state directory: $SEVIRT_EMU_STATE_DIR when set (libvirt clears the
 * environment of what it starts, so this only serves direct runs), else the
 * one configured at build time.
 */
const char *emu_platform_state_dir(void);

/**
 * emu_platform_host_cpu:
 * @family, @model, @stepping: (out) unchanged on a host without CPUID
 *
 * The host CPU's signature as libvirt reports it in its host capabilities
 * (<cpu><signature>), from CPUID leaf 1: family is base plus extended
 * family, model is extended model << 4 plus base model.  It is what a real
 * SEV-ES host puts in the VMSAs of guests with the host's CPU, and what
 * 'sevirt launch' and virt-qemu-sev-validate assume when not told otherwise.
 * Returns FALSE on a host without CPUID.
 */
gboolean emu_platform_host_cpu(guint *family, guint *model, guint *stepping);

/**
 * emu_platform_load:
 * @state_dir: the state directory
 *
 * Reads STATE/emu.conf (every key optional, defaults above; the CPU
 * signature defaults to the host's, emu_platform_host_cpu()).
 */
EmuPlatform *emu_platform_load(const char *state_dir, GError **error);

/**
 * emu_platform_load_identity:
 * @with_private_key: also read the PDH private key (needed to run a launch
 *                    with a guest owner session; readable by the user QEMU
 *                    runs as only)
 *
 * Reads the platform's certificates and checks that they form a chain under
 * its own ARK.  Fails (SEVIRT_ERROR_NOT_FOUND) when the platform was never
 * set up.
 */
gboolean emu_platform_load_identity(EmuPlatform *platform, gboolean with_private_key,
                                    GError **error);

/**
 * emu_platform_describe:
 * What the platform is, as --emu-info prints it: the notice that it is
 * emulated, settings, and the identity (certificates in base64) or why
 * there is none.  Loads the public identity if not loaded yet.
 */
JsonNode *emu_platform_describe(EmuPlatform *platform);

/** Reports one step of the setup ("created ...", "kept ..."). */
typedef void (*EmuSetupLogFunc)(const char *message, gpointer data);

/**
 * emu_platform_setup:
 * @state_dir: the state directory
 * @uid: user QEMU runs as (owner of the private key and domain records)
 * @gid: its group
 * @created: (out) TRUE when a new platform identity was made
 *
 * Creates what is missing, idempotently: the directories with their owners
 * and modes, and a platform identity (ARK, ASK, CEK, OCA, PEK, PDH and a
 * cpu0-id), made once and then kept.  Must run as root.
 */
gboolean emu_platform_setup(const char *state_dir, uid_t uid, gid_t gid,
                            gboolean *created, EmuSetupLogFunc log, gpointer data,
                            GError **error);

/**
 * emu_platform_purge:
 * Removes the state directory and everything in it (identity, domain
 * records, received secrets).  Refuses a directory that does not look like
 * an emulator state directory.  @removed says whether there was one.
 */
gboolean emu_platform_purge(const char *state_dir, gboolean *removed,
                            EmuSetupLogFunc log, gpointer data, GError **error);

/**
 * emu_platform_forget:
 * @uuid: a guest's UUID
 *
 * Removes STATE/domains/UUID, the record of a guest that is gone (its
 * launch record and the secrets it received, kept in clear for tests):
 * 'sevirt delete' asks for it.  No record is not an error.
 */
gboolean emu_platform_forget(const char *state_dir, const char *uuid, EmuSetupLogFunc log,
                             gpointer data, GError **error);

/**
 * emu_platform_set_keep_secrets:
 * @keep: keep the secret tables guests receive, decrypted, in their records
 *
 * Sets [emulator] keep-secrets in STATE/emu.conf (replaced atomically, its
 * other settings kept).  Off by default: only tests and demonstrations need
 * to see what a guest received.
 */
gboolean emu_platform_set_keep_secrets(const char *state_dir, gboolean keep, EmuSetupLogFunc log,
                                       gpointer data, GError **error);

/**
 * emu_platform_prune:
 * @known: the UUIDs of the domains libvirt knows
 *
 * Removes the record of every guest not in @known: a domain undefined
 * without 'sevirt delete' leaves its record (and the secrets it received).
 * A record made in the last minute stays: its guest may have been defined
 * after @known was listed.
 */
gboolean emu_platform_prune(const char *state_dir, const char *const *known, EmuSetupLogFunc log,
                            gpointer data, GError **error);

/**
 * emu_platform_domain_dir:
 * STATE/domains/UUID, where the emulator keeps a guest's launch record and
 * the secrets it received.
 */
char *emu_platform_domain_dir(const EmuPlatform *platform, const char *uuid);

/** Empties @dir (a guest's record from an earlier run) or creates it, 0700. */
gboolean emu_platform_reset_dir(const char *dir, GError **error);

G_END_DECLS
