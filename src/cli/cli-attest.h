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
    gboolean chain_verified;      /* the PDH's chain verified (always, once written) */
    gboolean amd_root;            /* ... up to an AMD root, not a --ark of another */
    gboolean written;             /* the files were written */
    gboolean dir_created;         /* the keys directory was made by the hook */
    char *keys_dir;
    char *ark;                    /* the other root the chain verified under */
    SevirtSessionFiles files;
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

/*
 * The root of trust.  A platform's chain is verified up to AMD's built-in
 * roots; another root only with an explicit --ark FILE --ask FILE (an
 * emulated platform's, for development), and then every result says that
 * the root is not AMD's.
 */

/* What the text and JSON results say when the root is not AMD's. */
#define SEVIRT_CLI_NOT_AMD_ROOT \
    N_("THE ROOT IS NOT AMD'S: '%s' is no AMD root key; this chain proves nothing about the platform (use it for an emulated platform, for development only)")

/**
 * sevirt_cli_chain_advise:
 * After a chain failed to verify up to AMD's built-in roots: adds to
 * @error's message how to name another root.
 */
void sevirt_cli_chain_advise(GError **error);

/**
 * sevirt_cli_chain_read_root:
 * @ark, @ask: (nullable) the --ark and --ask files
 *
 * Reads another root into @chain's ark and ask; with neither given,
 * leaves them NULL (AMD's built-in roots are used).
 */
gboolean sevirt_cli_chain_read_root(SevirtCertChain *chain, const char *ark, const char *ask,
                                    GError **error);

/**
 * sevirt_cli_chain_read_beside:
 * @pdh_path: a PDH file as 'sevirt export-certs' writes it
 *
 * Reads pek.cert, oca.cert and cek.cert from the PDH's directory into
 * @chain: a PDH is only as good as its chain.
 */
gboolean sevirt_cli_chain_read_beside(SevirtCertChain *chain, const char *pdh_path,
                                      GError **error);

/**
 * sevirt_cli_chain_verify:
 * @chain: the platform's PDH, PEK, OCA and CEK; the root is read into it
 * @who: the PDH's origin, for the messages
 * @ark, @ask: (nullable) the --ark and --ask files
 * @amd_root: (out) whether the root the chain verified under is AMD's
 *
 * Verifies @chain up to AMD's built-in root of its generation, or, with
 * @ark and @ask, up to that root, and then warns that it is not AMD's.
 * On failure (SEVIRT_ERROR_VERIFY) the message says how to name another
 * root.  Says which root it verified under as a progress line.
 */
gboolean sevirt_cli_chain_verify(SevirtCli *cli, SevirtCertChain *chain, const char *who,
                                 const char *ark, const char *ask, gboolean *amd_root,
                                 GError **error);

/**
 * sevirt_cli_chain_report:
 * Says, as progress lines, which root a chain verified under, and warns
 * when it is not AMD's.
 */
void sevirt_cli_chain_report(SevirtCli *cli, const char *who, const char *ark,
                             gboolean amd_root, SevirtAmdGeneration gen);

G_END_DECLS
