/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest owner's side of an attested launch, shared by the commands
 * (create --attest, session, launch) and fleet apply: the session and its
 * keys written into a directory, all files or none and never over another
 * file, and the platform's certificate chain verified up to a root.
 */
#pragma once

#include <glib.h>

#include "sevirt-cert.h"
#include "sevirt-amd-roots.h"

G_BEGIN_DECLS

/* TEK and TIK are 16 bytes each; tk.bin holds TEK then TIK. */
#define SEVIRT_TRANSPORT_KEY_SIZE 16

/* A file to create: @data is not owned (key material stays in SevirtSecret). */
typedef struct {
    const char *path;
    const void *data;
    gsize len;
    int mode;
} SevirtNewFile;

/**
 * sevirt_files_write_new_all:
 * Creates all of @files or none: refuses when any of them exists
 * (SEVIRT_ERROR_EXISTS), and removes the ones it wrote when a later one
 * fails.
 */
gboolean sevirt_files_write_new_all(const SevirtNewFile *files, guint n, GError **error);

/* A session's files in a directory, and what goes into the domain XML. */
typedef struct {
    char *godh;          /* DIR/godh.b64 */
    char *session;       /* DIR/session.b64 */
    char *tek;           /* DIR/tek.bin (0600) */
    char *tik;           /* DIR/tik.bin (0600) */
    char *tk;            /* DIR/tk.bin (0600), NULL unless asked for */
    char *godh_b64;      /* <dhCert> */
    char *session_b64;   /* <session> */
} SevirtSessionFiles;

void sevirt_session_files_clear(SevirtSessionFiles *files);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtSessionFiles, sevirt_session_files_clear)

/**
 * sevirt_session_files_write:
 * @pdh: the platform's PDH (checked with sevirt_session_check_pdh())
 * @dir: created (0700) if missing
 * @with_tk: also write tk.bin (TEK then TIK)
 *
 * Makes a fresh session for @pdh and @policy and writes godh.b64,
 * session.b64, tek.bin and tik.bin into @dir, all or none, never
 * overwriting a file.  The keys are cleansed once written.
 */
gboolean sevirt_session_files_write(const SevirtSevCert *pdh, guint32 policy, const char *dir,
                                    gboolean with_tk, SevirtSessionFiles *files,
                                    GError **error);

/**
 * sevirt_session_files_check_free:
 * Fails with SEVIRT_ERROR_EXISTS, naming the file, when any file
 * sevirt_session_files_write() would write into @dir exists already: a
 * check before work that should not be done for nothing.
 */
gboolean sevirt_session_files_check_free(const char *dir, gboolean with_tk, GError **error);

/**
 * sevirt_session_files_remove:
 * Removes the files sevirt_session_files_write() writes into @dir (those
 * that exist), and @dir itself when that leaves it empty.
 */
void sevirt_session_files_remove(const char *dir);

/**
 * sevirt_cert_chain_verify_root:
 * @chain: the platform's PDH, PEK, OCA and CEK; the root is read into it
 * @who: the PDH's origin, for the messages
 * @ark, @ask: (nullable) files of another root, both or neither
 * @amd_root: (out) whether the root the chain verified under is AMD's
 * @gen: (out) (optional) the generation of the root
 *
 * Verifies @chain up to AMD's built-in root of its generation, or with
 * @ark and @ask up to that root (whose being AMD's or not @amd_root
 * tells).  SEVIRT_ERROR_VERIFY names @who and, for another root, its files.
 */
gboolean sevirt_cert_chain_verify_root(SevirtCertChain *chain, const char *who,
                                       const char *ark, const char *ask, gboolean *amd_root,
                                       SevirtAmdGeneration *gen, GError **error);

G_END_DECLS
