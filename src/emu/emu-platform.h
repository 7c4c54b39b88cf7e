/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV platform's configuration and identity, kept in its state
 * directory:
 *
 *   STATE/emu.conf              settings (GKeyFile, optional)
 *   STATE/platform/             public: ark.cert ask.cert cek.cert oca.cert
 *                               pek.cert pdh.cert cpu0-id.bin (0644)
 *   STATE/platform/private/     pdh.key (0600, the emulator's user)
 *   STATE/domains/UUID/         per guest: launch.json, secret-N.* (0700)
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/* What the emulated PSP reports.  cbitpos and reduced-phys-bits are those
 * of an EPYC host; the CPU signature is the one put in SEV-ES VMSAs. */
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
} EmuPlatform;

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
 * emu_platform_load:
 * @state_dir: the state directory
 *
 * Reads STATE/emu.conf (every key optional, defaults above).
 */
EmuPlatform *emu_platform_load(const char *state_dir, GError **error);

G_END_DECLS
