/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated AMD PSP: one guest's launch, as the SEV firmware runs it
 * (LAUNCH_START, LAUNCH_UPDATE_DATA/VMSA, LAUNCH_MEASURE, LAUNCH_SECRET,
 * LAUNCH_FINISH), answering the SEV QMP commands QEMU would answer.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "emu-args.h"
#include "emu-platform.h"
#include "emu-qmp.h"

G_BEGIN_DECLS

/* QEMU's SevState names, as query-sev reports them. */
typedef enum {
    EMU_SEV_STATE_UNINIT,
    EMU_SEV_STATE_LAUNCH_UPDATE,
    EMU_SEV_STATE_LAUNCH_SECRET,
    EMU_SEV_STATE_RUNNING,
} EmuSevState;

typedef struct _EmuPsp EmuPsp;

/**
 * emu_psp_new:
 * @platform: the platform (kept by reference, must outlive the PSP)
 * @args: the guest's command line (kept by reference too); @args->sev may
 *        be NULL (then the PSP only answers query-sev-capabilities, as for
 *        libvirt's probe)
 *
 * For an SEV guest, runs the launch up to LAUNCH_MEASURE.  A failing
 * firmware check is reported the way QEMU reports a LAUNCH_START error.
 */
EmuPsp *emu_psp_new(EmuPlatform *platform, const EmuArgs *args, GError **error);
void emu_psp_free(EmuPsp *psp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EmuPsp, emu_psp_free)

/**
 * emu_psp_qmp_command:
 * The EmuQmpHooks.command of the emulated platform: answers the SEV
 * commands QEMU would pass to the PSP, forwards everything else.
 */
EmuQmpAction emu_psp_qmp_command(EmuPsp *psp, const char *name, JsonObject *arguments,
                                 JsonNode **ret, GError **error);

/**
 * emu_psp_qmp_response:
 * The EmuQmpHooks.response of the emulated platform: follows the guest's
 * state (LAUNCH_FINISH when it first runs) and lists sev-guest among the
 * object types of a QEMU built without it.  TRUE when @response changed.
 */
gboolean emu_psp_qmp_response(EmuPsp *psp, const char *name, JsonObject *arguments,
                              JsonObject *response);

G_END_DECLS
