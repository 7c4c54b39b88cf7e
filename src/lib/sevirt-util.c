/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
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

/* Reads from an open fd; the caller owns @fd. */
static guint8 *
sevirt_fd_read_all(int fd, const char *path, gsize max_len, gsize *len,
                   gboolean secret, GError **error)
{
    struct stat st;
    gsize cap;
    gsize used = 0;
    guint8 *buf;

    if (fstat(fd, &st) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot read '%s': %s"), path, g_strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot read '%s': it is a directory"), path);
        return NULL;
    }
    if (max_len && S_ISREG(st.st_mode) && (guint64) st.st_size > max_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("File '%s' is too large (%" G_GUINT64_FORMAT " bytes, at most %" G_GSIZE_FORMAT " expected)"),
                    path, (guint64) st.st_size, max_len);
        return NULL;
    }

    cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (gsize) st.st_size + 1 : 4096;
    buf = g_malloc(cap);
    for (;;) {
        ssize_t n;

        if (used == cap) {
            gsize ncap = cap * 2;
            guint8 *nbuf = g_malloc(ncap);

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
        if (max_len && used > max_len) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("File '%s' is too large (more than %" G_GSIZE_FORMAT " bytes)"),
                        path, max_len);
            goto fail;
        }
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
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    guint8 *data;

    if (fd < 0) {
        g_set_error(error, SEVIRT_ERROR,
                    errno == ENOENT ? SEVIRT_ERROR_NOT_FOUND : SEVIRT_ERROR_FAILED,
                    _("Cannot read '%s': %s"), path, g_strerror(errno));
        return NULL;
    }
    data = sevirt_fd_read_all(fd, path, max_len, len, FALSE, error);
    close(fd);
    return data;
}

gboolean
sevirt_file_check_readable(const char *path, GError **error)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    gboolean regular;

    if (fd < 0) {
        int code = errno == ENOENT || errno == ENOTDIR ? SEVIRT_ERROR_NOT_FOUND : SEVIRT_ERROR_FAILED;

        g_set_error(error, SEVIRT_ERROR, code, _("Cannot read '%s': %s"), path, g_strerror(errno));
        return FALSE;
    }
    regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!regular)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("'%s' is not a regular file"),
                    path);
    return regular;
}

SevirtSecret *
sevirt_file_read_secret(const char *path, gsize expect_len,
                        gboolean allow_insecure, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    guint8 *data;
    gsize len = 0;
    SevirtSecret *secret;

    if (fd < 0) {
        g_set_error(error, SEVIRT_ERROR,
                    errno == ENOENT ? SEVIRT_ERROR_NOT_FOUND : SEVIRT_ERROR_FAILED,
                    _("Cannot read key file '%s': %s"), path, g_strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (st.st_mode & 077) && !allow_insecure) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_KEY_FILE_MODE,
                    _("Key file '%s' is accessible by group or others (mode %04o)"),
                    path, (unsigned) (st.st_mode & 07777));
        close(fd);
        return NULL;
    }
    data = sevirt_fd_read_all(fd, path,
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

gboolean
sevirt_file_write_new(const char *path, const void *data, gsize len,
                      int mode, GError **error)
{
    const guint8 *p = data;
    gsize done = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

    if (fd < 0) {
        g_set_error(error, SEVIRT_ERROR,
                    errno == EEXIST ? SEVIRT_ERROR_EXISTS : SEVIRT_ERROR_FAILED,
                    errno == EEXIST ? _("Refusing to overwrite '%s': %s")
                                    : _("Cannot create '%s': %s"),
                    path, g_strerror(errno));
        return FALSE;
    }
    /* open() applies the umask; make the mode exact either way. */
    if (fchmod(fd, mode) < 0)
        goto fail;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        done += n;
    }
    if (fsync(fd) < 0 && errno != EINVAL)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    return TRUE;

 fail:
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                _("Cannot write '%s': %s"), path, g_strerror(errno));
    if (fd >= 0)
        close(fd);
    g_unlink(path);
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
