/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QMP proxy between libvirt and the real QEMU.
 *
 * QEMU talks QMP on one end of a socket pair that it keeps for its whole
 * life; libvirt connects to the listening socket it handed the emulator (and
 * connects again after a libvirtd restart).  The proxy forwards every message
 * unchanged, file descriptors passed with SCM_RIGHTS included, except the
 * commands a hook answers itself.  Because QEMU negotiated capabilities once
 * with the first client, the proxy replays QEMU's greeting and does the
 * negotiation for every later client, as QEMU itself would.  It does not
 * offer out-of-band execution ("oob" is removed from the greeting), so that
 * QEMU answers in command order and answers can be matched to commands.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
    EMU_QMP_FORWARD,   /* send the command to QEMU */
    EMU_QMP_REPLY,     /* the hook answered: *ret or the error is the reply */
} EmuQmpAction;

typedef struct {
    /* A command from the client.  Return EMU_QMP_REPLY with *ret set (the
     * value of "return") or with @error set (a GenericError with the error's
     * message) to answer it without QEMU. */
    EmuQmpAction (*command)(const char *name, JsonObject *arguments,
                            JsonNode **ret, GError **error, gpointer data);
    /* QEMU's answer to a forwarded command (a "return" or "error" member);
     * may change it in place before the client sees it, and then returns
     * TRUE (otherwise the client gets QEMU's text unchanged). */
    gboolean (*response)(const char *name, JsonObject *arguments,
                         JsonObject *response, gpointer data);
    /* QEMU closed its end: the proxy has nothing left to do. */
    void (*qemu_gone)(gpointer data);
} EmuQmpHooks;

typedef struct _EmuQmp EmuQmp;

/**
 * emu_qmp_new:
 * @qemu_fd: the emulator's end of the socket pair whose other end QEMU
 *           uses as its monitor; the proxy owns it
 * @listen_fd: a listening UNIX socket libvirt connects to; the proxy owns it
 * @hooks: (nullable) interception of commands and answers
 *
 * Starts proxying in the thread-default main context.
 */
EmuQmp *emu_qmp_new(int qemu_fd, int listen_fd, const EmuQmpHooks *hooks,
                    gpointer hooks_data, GError **error);
void emu_qmp_free(EmuQmp *qmp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EmuQmp, emu_qmp_free)

/**
 * emu_qmp_listen_unix:
 * @path: where to bind
 *
 * Returns: a listening, close-on-exec UNIX socket bound to @path (a stale
 * socket file there is replaced), or -1 with @error set.
 */
int emu_qmp_listen_unix(const char *path, GError **error);

G_END_DECLS
