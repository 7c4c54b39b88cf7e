/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>

#include "sevirt-error.h"
#include "sevirt-util.h"

#define SEVIRT_SECRET_FILE_MAX (1024 * 1024)

void
sevirt_cleanse(void *p, gsize len)
{
    if (p && len)
        OPENSSL_cleanse(p, len);
}

SevirtSecret *
sevirt_secret_new(gsize len)
{
    SevirtSecret *secret = g_new0(SevirtSecret, 1);

    secret->data = g_malloc0(MAX(len, 1));
    secret->len = len;
    return secret;
}

SevirtSecret *
sevirt_secret_new_from(const guint8 *data, gsize len)
{
    SevirtSecret *secret = sevirt_secret_new(len);

    if (len)
        memcpy(secret->data, data, len);
    return secret;
}

void
sevirt_secret_free(SevirtSecret *secret)
{
    if (!secret)
        return;
    sevirt_cleanse(secret->data, secret->len);
    g_free(secret->data);
    g_free(secret);
}

/*
 * Opens @path for reading without blocking and refuses what is not a regular
 * file: a FIFO or a character device named as an input would otherwise hang
 * the read (FIFO without writer) or never end (/dev/zero).  O_NONBLOCK is
 * harmless on a regular file.  @st receives the file's status.
 */
static int
sevirt_file_open_regular(const char *path, struct stat *st, GError **error)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        int code = errno == ENOENT || errno == ENOTDIR ? SEVIRT_ERROR_NOT_FOUND : SEVIRT_ERROR_FAILED;

        g_set_error(error, SEVIRT_ERROR, code, _("Cannot read '%s': %s"), path, g_strerror(errno));
        return -1;
    }
    if (fstat(fd, st) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, _("Cannot read '%s': %s"),
                    path, g_strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("'%s' is not a regular file"), path);
        close(fd);
        return -1;
    }
    return fd;
}

static gboolean
file_size_ok(const struct stat *st, const char *path, gsize max_len, GError **error)
{
    if ((guint64) st->st_size > max_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("File '%s' is too large (%" G_GUINT64_FORMAT " bytes, at most %" G_GSIZE_FORMAT " expected)"),
                    path, (guint64) st->st_size, max_len);
        return FALSE;
    }
    return TRUE;
}

/* Reads a regular file from an open fd (@st its status); the caller owns @fd. */
static guint8 *
sevirt_fd_read_all(int fd, const struct stat *st, const char *path, gsize max_len, gsize *len,
                   gboolean secret, GError **error)
{
    gsize cap;
    gsize used = 0;
    guint8 *buf;

    if (!file_size_ok(st, path, max_len, error))
        return NULL;

    /* One byte more than expected, to see a file that grew meanwhile. */
    cap = MIN((gsize) st->st_size, max_len) + 1;
    buf = g_malloc(cap);
    for (;;) {
        ssize_t n;

        if (used == cap) {
            /* never past max_len + 1: reading that byte is the refusal */
            gsize ncap = MIN(MAX(cap * 2, 4096), max_len + 1);
            guint8 *nbuf;

            if (ncap <= cap)
                break;
            nbuf = g_malloc(ncap);
            /* Grow by copying so a secret never lingers in a freed block. */
            memcpy(nbuf, buf, used);
            if (secret)
                sevirt_cleanse(buf, cap);
            g_free(buf);
            buf = nbuf;
            cap = ncap;
        }
        n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("Cannot read '%s': %s"), path, g_strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        used += n;
    }
    if (used > max_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("File '%s' is too large (more than %" G_GSIZE_FORMAT " bytes)"),
                    path, max_len);
        goto fail;
    }
    *len = used;
    return buf;

 fail:
    if (secret)
        sevirt_cleanse(buf, cap);
    g_free(buf);
    return NULL;
}

guint8 *
sevirt_file_read(const char *path, gsize max_len, gsize *len, GError **error)
{
    struct stat st;
    int fd;
    guint8 *data;

    /* every input has a bound (0 used to mean none) */
    g_return_val_if_fail(max_len > 0, NULL);
    fd = sevirt_file_open_regular(path, &st, error);
    if (fd < 0)
        return NULL;
    data = sevirt_fd_read_all(fd, &st, path, max_len, len, FALSE, error);
    close(fd);
    return data;
}

GMappedFile *
sevirt_file_map(const char *path, gsize max_len, GError **error)
{
    struct stat st;
    int fd = sevirt_file_open_regular(path, &st, error);
    g_autoptr(GError) local = NULL;
    GMappedFile *map;

    if (fd < 0)
        return NULL;
    if (!file_size_ok(&st, path, max_len, error)) {
        close(fd);
        return NULL;
    }
    map = g_mapped_file_new_from_fd(fd, FALSE, &local);
    close(fd);
    if (!map)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, _("Cannot read '%s': %s"),
                    path, local->message);
    return map;
}

gboolean
sevirt_file_check_readable(const char *path, GError **error)
{
    struct stat st;
    int fd = sevirt_file_open_regular(path, &st, error);

    if (fd < 0)
        return FALSE;
    close(fd);
    return TRUE;
}

/*
 * A key file must be the reader's own: another user could change it
 * (swap the TIK a measurement is checked with, read a secret), whatever
 * its mode says.  @owner is who must own it.
 */
static gboolean
check_key_file_private(const char *path, const struct stat *st, uid_t owner,
                       gboolean allow_insecure, GError **error)
{
    if (allow_insecure)
        return TRUE;
    if (st->st_uid != owner) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE,
                    _("Key file '%s' belongs to user %u, not to user %u who reads it"),
                    path, (unsigned) st->st_uid, (unsigned) owner);
        return FALSE;
    }
    if (st->st_mode & 077) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE,
                    _("Key file '%s' is accessible by group or others (mode %04o): make it private with 'chmod 600'"),
                    path, (unsigned) (st->st_mode & 07777));
        return FALSE;
    }
    return TRUE;
}

SevirtSecret *
sevirt_file_read_secret_owned(const char *path, gsize expect_len, gboolean allow_insecure,
                              uid_t owner, GError **error)
{
    struct stat st;
    int fd = sevirt_file_open_regular(path, &st, error);
    guint8 *data;
    gsize len = 0;
    SevirtSecret *secret;

    if (fd < 0)
        return NULL;
    if (!check_key_file_private(path, &st, owner, allow_insecure, error)) {
        close(fd);
        return NULL;
    }
    data = sevirt_fd_read_all(fd, &st, path,
                              expect_len ? expect_len : SEVIRT_SECRET_FILE_MAX,
                              &len, TRUE, error);
    close(fd);
    if (!data)
        return NULL;
    if (expect_len && len != expect_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Key file '%s' has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT),
                    path, len, expect_len);
        sevirt_cleanse(data, len);
        g_free(data);
        return NULL;
    }
    secret = g_new0(SevirtSecret, 1);
    secret->data = data;
    secret->len = len;
    return secret;
}

SevirtSecret *
sevirt_file_read_secret(const char *path, gsize expect_len,
                        gboolean allow_insecure, GError **error)
{
    return sevirt_file_read_secret_owned(path, expect_len, allow_insecure, geteuid(), error);
}

static gboolean
write_all(int fd, const void *data, gsize len)
{
    const guint8 *p = data;
    gsize done = 0;

    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return FALSE;
        done += n;
    }
    return TRUE;
}

/*
 * Gives @tmp the name @path unless @path exists (also as a dangling link):
 * link() never replaces, where rename() would.
 */
static gboolean
link_no_replace(const char *tmp, const char *path)
{
    int fd;
    int saved;

    if (link(tmp, path) == 0) {
        g_unlink(tmp);
        return TRUE;
    }
    if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
        return FALSE;
    /* a file system without hard links (vfat): claim the name, then
     * replace the empty claim; readers may see it empty, never partial */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return FALSE;
    close(fd);
    if (rename(tmp, path) == 0)
        return TRUE;
    saved = errno;
    g_unlink(path);
    errno = saved;
    return FALSE;
}

/* Makes a new name in @path's directory durable. */
static gboolean
fsync_parent(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    gboolean ok;

    if (fd < 0)
        return FALSE;
    ok = fsync(fd) == 0 || errno == EINVAL;
    close(fd);
    return ok;
}

/*
 * As systemd's write_string_file_atomic_at(): the data goes to a temporary
 * file in the same directory, created 0600 (mkostemp) so that a key is never
 * readable by others even for a moment, synced, and only then appears under
 * its name; a reader sees the whole file or none, and a crash leaves no
 * truncated key behind.
 */
gboolean
sevirt_file_write_new(const char *path, const void *data, gsize len,
                      int mode, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.#%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
    int saved;

    if (fd < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), path, g_strerror(errno));
        return FALSE;
    }
    /* mkstemp's mode is exact (no umask); public files get theirs now. */
    if (fchmod(fd, mode) < 0 || !write_all(fd, data, len) ||
        (fsync(fd) < 0 && errno != EINVAL))
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (!link_no_replace(tmp, path)) {
        saved = errno;
        g_unlink(tmp);
        g_set_error(error, SEVIRT_ERROR,
                    saved == EEXIST ? SEVIRT_ERROR_EXISTS : SEVIRT_ERROR_FAILED,
                    saved == EEXIST ? _("Refusing to overwrite '%s': %s")
                                    : _("Cannot create '%s': %s"),
                    path, g_strerror(saved));
        return FALSE;
    }
    if (!fsync_parent(path)) {
        saved = errno;
        g_unlink(path);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot write '%s': %s"), path, g_strerror(saved));
        return FALSE;
    }
    return TRUE;

 fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    g_unlink(tmp);
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                _("Cannot write '%s': %s"), path, g_strerror(saved));
    return FALSE;
}

static gboolean
sevirt_is_base64_char(char c)
{
    return g_ascii_isalnum(c) || c == '+' || c == '/';
}

guint8 *
sevirt_base64_decode_strict(const char *what, const char *text,
                            gsize expect_len, gsize *len, GError **error)
{
    g_autoptr(GString) clean = g_string_new(NULL);
    gsize pad = 0;
    guint8 *out;
    gsize out_len = 0;

    for (const char *c = text; *c; c++) {
        if (g_ascii_isspace(*c))
            continue;
        if (*c == '=') {
            pad++;
        } else if (!sevirt_is_base64_char(*c) || pad) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s is not valid base64: unexpected character '%c'"),
                        what, g_ascii_isprint(*c) ? *c : '?');
            return NULL;
        }
        g_string_append_c(clean, *c);
    }
    if (clean->len == 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s is empty, expected base64 data"), what);
        return NULL;
    }
    if (clean->len % 4 != 0 || pad > 2) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s is not valid base64: bad length or padding"), what);
        return NULL;
    }
    out = g_base64_decode(clean->str, &out_len);
    if (expect_len && out_len != expect_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s decodes to %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT),
                    what, out_len, expect_len);
        g_free(out);
        return NULL;
    }
    *len = out_len;
    return out;
}

guint8 *
sevirt_base64_file_read(const char *path, gsize expect_len, gsize *len,
                        char **b64, GError **error)
{
    g_autofree char *text = NULL;
    g_autofree char *what = NULL;
    gsize text_len = 0;
    guint8 *raw;

    /* base64 of a 64 KiB blob is plenty for any SEV structure */
    text = (char *) sevirt_file_read(path, 1024 * 1024, &text_len, error);
    if (!text)
        return NULL;
    text = g_realloc(text, text_len + 1);
    text[text_len] = '\0';
    if (memchr(text, '\0', text_len)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("File '%s' is not valid base64: it holds binary data"), path);
        return NULL;
    }

    what = g_strdup_printf(_("File '%s'"), path);
    raw = sevirt_base64_decode_strict(what, text, expect_len, len, error);
    if (!raw)
        return NULL;
    if (b64)
        *b64 = g_base64_encode(raw, *len);
    return raw;
}

char *
sevirt_escape_control(const char *text, gboolean keep_newlines)
{
    GString *out = g_string_sized_new(strlen(text));
    const char *p = text;

    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);

        if (c == (gunichar) -1 || c == (gunichar) -2) {
            /* not UTF-8: the byte, escaped */
            g_string_append_printf(out, "\\x%02x", (guint8) *p);
            p++;
            continue;
        }
        if (c == '\n' && keep_newlines)
            g_string_append_c(out, '\n');
        else if (c == '\n')
            g_string_append(out, "\\n");
        else if (c == '\t')
            g_string_append(out, "\\t");
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", (guint) c);
        else if (c >= 0x80 && c <= 0x9f)
            /* C1 controls (CSI is U+009B) act as ESC sequences on some terminals */
            g_string_append_printf(out, "\\u%04x", (guint) c);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
        p = g_utf8_next_char(p);
    }
    return g_string_free(out, FALSE);
}

gboolean
sevirt_parse_uint(const char *what, const char *text, guint64 max,
                  guint64 *value, GError **error)
{
    guint64 v = 0;
    g_autoptr(GError) local = NULL;
    guint base = 10;
    const char *digits = text;

    if (!text || !*text) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: empty value, expected a number"), what);
        return FALSE;
    }
    if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X")) {
        base = 16;
        digits = text + 2;
    }
    if (!g_ascii_string_to_unsigned(digits, base, 0, max, &v, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: invalid value '%s': %s"), what, text, local->message);
        return FALSE;
    }
    *value = v;
    return TRUE;
}
