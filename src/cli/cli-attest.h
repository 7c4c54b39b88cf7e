/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 'sevirt create --attest': the guest owner's launch session, made for the
 * platform while the guest is created.
 *
 * create passes sevirt_cli_attest_hook() as its spec hook.  Once the name
 * is known to be free, and before anything is created, the hook takes the
 * platform's PDH (a file, or what the host reports through libvirt),
 * verifies the host's certificate chain when AMD's ARK and ASK are given,
 * writes the session and the owner's keys into the keys directory (never
 * overwriting a file) and puts dhCert and session into the spec, so that
 * validation picks a stateless firmware for the attested launch.  When the
 * creation fails later, sevirt_cli_attest_rollback() removes what the hook
 * wrote.  The keys stay with the owner: 'delete' leaves the directory.
 */
#pragma once

#include "cli.h"
#include "cli-keys.h"

G_BEGIN_DECLS

typedef struct {
    SevirtCli *cli;               /* for the progress lines */
    GPtrArray *notes;             /* (nullable) the validation notes of create */
    /* filled by the hook */
    guint32 policy;               /* the policy the session is bound to */
    gboolean emulated;            /* the PDH is the emulated platform's */
    gboolean chain_verified;      /* --from-host with --ark/--ask */
    gboolean written;             /* the files were written */
    gboolean dir_created;         /* the keys directory was made by the hook */
    char *keys_dir;
    SevirtCliSessionFiles files;
} SevirtCliAttest;

void sevirt_cli_attest_clear(SevirtCliAttest *attest);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtCliAttest, sevirt_cli_attest_clear)

/**
 * sevirt_cli_attest_hook:
 * @data: a SevirtCliAttest
 *
 * A SevirtCreateHook for a spec with an attest request (spec->attest):
 * checks it (sevirt_attest_spec_check()), settles the policy as validation
 * would, refuses existing key files, gets and checks the PDH, makes the
 * session and sets spec->dh_cert and spec->session.
 */
gboolean sevirt_cli_attest_hook(virConnectPtr conn, SevirtVmSpec *spec, gpointer data,
                                GError **error);

/**
 * sevirt_cli_attest_rollback:
 * After a failed creation: removes the files the hook wrote, and the keys
 * directory when the hook made it (and it is empty).
 */
void sevirt_cli_attest_rollback(SevirtCliAttest *attest);

/** sevirt_cli_attest_json: adds the "attest" member of create's --json result. */
void sevirt_cli_attest_json(JsonBuilder *b, const SevirtCliAttest *attest);

G_END_DECLS
