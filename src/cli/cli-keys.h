/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest owner's files, shared by the attestation commands (cmd-attest.c)
 * and the attested launch (cmd-launch.c): transport keys, secrets to inject,
 * and new files written all together or not at all.
 */
#pragma once

#include "cli.h"

G_BEGIN_DECLS

/* TEK and TIK are 16 bytes each; a --tk file holds TEK then TIK. */
#define SEVIRT_CLI_KEY_SIZE 16
/* Firmware, kernel and initrd images may be large, but not unbounded. */
#define SEVIRT_CLI_IMAGE_FILE_MAX ((gsize) 1 << 30)

/* The paths of the key options (NULL when not given). */
typedef struct {
    const char *tek;
    const char *tik;
    const char *tk;
    gboolean insecure;    /* --insecure-keys */
} SevirtCliKeyFiles;

/**
 * sevirt_cli_read_transport_keys:
 * @tek: (out) (nullable): NULL when only the TIK is needed
 * @tik: (out)
 *
 * Reads TEK and TIK from --tek/--tik, or from --tk (TEK then TIK in one
 * 32-byte file, as libvirt's validator takes them).  Key files readable by
 * group or others are refused unless --insecure-keys.
 */
gboolean sevirt_cli_read_transport_keys(const SevirtCliKeyFiles *files, SevirtSecret **tek,
                                        SevirtSecret **tik, GError **error);

/**
 * sevirt_cli_add_secret:
 * @spec: a --secret value, GUID-OR-ALIAS:FILE
 *
 * Reads the secret file (a key file: private unless @insecure) into @table,
 * warning when a disk passphrase lacks the NUL byte GRUB expects.
 */
gboolean sevirt_cli_add_secret(SevirtCli *cli, SevirtSecretTable *table, const char *spec,
                               gboolean insecure, GError **error);

/* A file to create: @data is not owned (key material stays in SevirtSecret). */
typedef struct {
    const char *path;
    const void *data;
    gsize len;
    int mode;
} SevirtCliOutFile;

/**
 * sevirt_cli_write_new_files:
 * Creates all of @files or none: refuses when any of them exists
 * (SEVIRT_ERROR_EXISTS), and removes the ones it wrote when a later one
 * fails.
 */
gboolean sevirt_cli_write_new_files(const SevirtCliOutFile *files, guint n, GError **error);

/* A session's files in a directory, and what goes into the domain XML. */
typedef struct {
    char *godh;          /* DIR/godh.b64 */
    char *session;       /* DIR/session.b64 */
    char *tek;           /* DIR/tek.bin (0600) */
    char *tik;           /* DIR/tik.bin (0600) */
    char *tk;            /* DIR/tk.bin (0600), NULL unless asked for */
    char *godh_b64;      /* <dhCert> */
    char *session_b64;   /* <session> */
} SevirtCliSessionFiles;

void sevirt_cli_session_files_clear(SevirtCliSessionFiles *files);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtCliSessionFiles, sevirt_cli_session_files_clear)

/**
 * sevirt_cli_session_write:
 * @pdh: the platform's PDH (checked with sevirt_session_check_pdh())
 * @dir: created (0700) if missing
 * @with_tk: also write tk.bin (TEK then TIK)
 *
 * Makes a fresh session for @pdh and @policy and writes godh.b64,
 * session.b64, tek.bin and tik.bin into @dir, all or none, never
 * overwriting a file.  The keys are cleansed once written.
 */
gboolean sevirt_cli_session_write(const SevirtSevCert *pdh, guint32 policy, const char *dir,
                                  gboolean with_tk, SevirtCliSessionFiles *files,
                                  GError **error);

/** sevirt_cli_hex: @data in lower-case hex (a launch digest for JSON). */
char *sevirt_cli_hex(const guint8 *data, gsize len);

G_END_DECLS
