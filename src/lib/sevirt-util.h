/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers shared inside libsevirt: files, base64, cleansing.  Not
 * installed: the public key buffer type is in sevirt-secretbuf.h.
 */
#pragma once

#include <sys/types.h>

#include <glib.h>

#include "sevirt-secretbuf.h"

G_BEGIN_DECLS

/** sevirt_cleanse: overwrite @len bytes at @p in a way the compiler keeps. */
void sevirt_cleanse(void *p, gsize len);

/**
 * sevirt_file_read:
 * @path: file to read
 * @max_len: refuse files larger than this; the buffer never grows past it
 * @len: (out) number of bytes read
 *
 * Reads a whole regular file.  Opens without blocking and refuses anything
 * else (a FIFO, a device: "'x' is not a regular file"), so that no input
 * hangs or streams for ever.  Errors name the file: "Cannot read 'x':
 * <reason>".
 */
guint8 *sevirt_file_read(const char *path, gsize max_len, gsize *len, GError **error);

/**
 * sevirt_file_map:
 * @max_len: refuse files larger than this
 *
 * Maps a whole regular file read-only, with sevirt_file_read()'s checks
 * and errors (an empty file maps to NULL contents).  For a large input
 * hashed once, a firmware image: reading it copies it into fresh memory
 * and faults once per page of the buffer, which was a fifth of what
 * 'measure' took over a 4 MiB image.  A file truncated while mapped
 * raises SIGBUS when read past its new end, as with any mapping.
 */
GMappedFile *sevirt_file_map(const char *path, gsize max_len, GError **error);

/**
 * sevirt_file_check_readable:
 * @path: a file to be read later
 *
 * Checks that @path is a regular file this process can open for reading,
 * without reading it (a FIFO does not block).  Errors name the file:
 * SEVIRT_ERROR_NOT_FOUND "Cannot read 'x': No such file or directory",
 * SEVIRT_ERROR_INVALID "'x' is not a regular file", SEVIRT_ERROR_FAILED
 * for other reasons (permissions).
 */
gboolean sevirt_file_check_readable(const char *path, GError **error);

/**
 * sevirt_file_read_secret:
 * @path: key file
 * @expect_len: exact length required (0: any, up to 1 MiB)
 * @allow_insecure: accept a file with group/other permissions, or owned by
 *                  another user
 *
 * Reads a regular key file into a cleansed buffer.  Refuses a file that the
 * effective user does not own, or with group/other permissions, unless
 * @allow_insecure.
 */
SevirtSecret *sevirt_file_read_secret(const char *path, gsize expect_len,
                                      gboolean allow_insecure, GError **error);

/**
 * sevirt_file_read_secret_owned:
 * @owner: the user who must own the file
 *
 * sevirt_file_read_secret() for a key file that belongs to another user
 * than the reader's (root checking the key it gave to the user QEMU runs as).
 */
SevirtSecret *sevirt_file_read_secret_owned(const char *path, gsize expect_len,
                                            gboolean allow_insecure, uid_t owner,
                                            GError **error);

/**
 * sevirt_file_write_new:
 * @path: file to create; must not exist
 * @data: bytes
 * @len: length
 * @mode: permission bits (0600 for keys, 0644 for public material)
 *
 * Writes @data atomically: into a temporary file in @path's directory,
 * created 0600 and then given @mode (not subject to a laxer umask), synced,
 * then linked to @path and the directory synced.  Refuses to overwrite an
 * existing file (SEVIRT_ERROR_EXISTS).  @path never exists partly written.
 */
gboolean sevirt_file_write_new(const char *path, const void *data, gsize len,
                               int mode, GError **error);

/**
 * sevirt_base64_decode_strict:
 * @what: name of the input for error messages ("--measurement", "'x.b64'")
 * @text: base64 text; surrounding whitespace and line breaks are allowed
 * @expect_len: exact decoded length required (0: any non-empty)
 *
 * Decodes base64, rejecting characters outside the alphabet and bad
 * padding, which g_base64_decode() silently skips.
 */
guint8 *sevirt_base64_decode_strict(const char *what, const char *text,
                                    gsize expect_len, gsize *len, GError **error);

/**
 * sevirt_base64_file_read:
 * @path: file holding base64 text (as guest-owner tools write dhCert/session)
 * @expect_len: exact decoded length (0: any)
 * @b64: (out) (optional) the normalised base64 text (no whitespace)
 */
guint8 *sevirt_base64_file_read(const char *path, gsize expect_len, gsize *len,
                                char **b64, GError **error);

/**
 * sevirt_escape_control:
 * @text: a message that may hold names or paths from the user, a guest or
 *        a host (UTF-8 or not)
 * @keep_newlines: leave line breaks of a multi-line text alone
 *
 * @text with control characters (C0, DEL, C1), tabs, line breaks (unless
 * kept) and bytes that are not UTF-8 written as \xNN / \uNNNN, so that
 * printing it cannot move the cursor, retitle the terminal or forge lines.
 */
char *sevirt_escape_control(const char *text, gboolean keep_newlines);

/**
 * sevirt_parse_uint:
 * @what: name of the input for error messages
 * @text: decimal, or hex with 0x prefix
 * @max: largest accepted value
 */
gboolean sevirt_parse_uint(const char *what, const char *text, guint64 max,
                           guint64 *value, GError **error);

G_END_DECLS
