/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Probing an emulator binary: sevirt's emulated SEV platform, and what it
 * says about itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Basename of sevirt's emulated SEV platform (a QEMU wrapper). */
#define SEVIRT_EMULATOR_BASENAME "sevirt-qemu-emu"

/**
 * SevirtEmuInfo:
 * What sevirt's emulated SEV platform says about itself ('sevirt-qemu-emu
 * --emu-info').  Numbers are -1 when it does not say.
 */
typedef struct {
    char *notice;          /* that it gives no memory encryption */
    char *state_dir;       /* its state directory */
    char *qemu;            /* the real QEMU it runs */
    gint api_major;        /* the SEV API version it reports */
    gint api_minor;
    gint build_id;
    gint cpu_family;       /* the CPU signature its SEV-ES VMSAs carry */
    gint cpu_model;
    gint cpu_stepping;
    char *identity_dir;    /* its platform certificates; NULL when it has none */
    char *identity_error;  /* why it has none (not set up, broken) */
} SevirtEmuInfo;

void sevirt_emu_info_free(SevirtEmuInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtEmuInfo, sevirt_emu_info_free)

/**
 * sevirt_emu_info_parse:
 * @json: what --emu-info printed
 *
 * Returns NULL with an error when @json is not the emulator's description.
 */
SevirtEmuInfo *sevirt_emu_info_parse(const char *json, GError **error);

/**
 * sevirt_emu_info_summary:
 * What @info emulates, for people: "SEV API 1.55 build 21, CPU family 25
 * model 1 stepping 1" ("?" for what the emulator did not say).
 */
char *sevirt_emu_info_summary(const SevirtEmuInfo *info);

/**
 * sevirt_emu_info_query:
 * @emulator: the emulated platform's program on this host
 *
 * Runs '@emulator --emu-info' (it only reads its state directory) and parses
 * what it prints.
 */
SevirtEmuInfo *sevirt_emu_info_query(const char *emulator, GError **error);

/**
 * sevirt_emulator_is_emulated:
 * @path: (nullable) an emulator binary
 *
 * TRUE when @path is sevirt's emulated SEV platform (basename
 * "sevirt-qemu-emu", also at the end of symbolic links on this machine):
 * SEV works through libvirt, but nothing is encrypted.
 */
gboolean sevirt_emulator_is_emulated(const char *path);

G_END_DECLS
