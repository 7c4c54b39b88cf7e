/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest owner's files and root of trust (see sevirt-owner.h).
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sevirt-error.h"
#include "sevirt-owner.h"
#include "sevirt-secretbuf.h"
#include "sevirt-session.h"
#include "sevirt-util.h"

/* A file to create must not exist, not even as a dangling link. */
static gboolean
check_absent(const char *path, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_EXISTS) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS, _("Refusing to overwrite '%s'"), path);
    return FALSE;
}

gboolean
sevirt_files_write_new_all(const SevirtNewFile *files, guint n, GError **error)
{
    for (guint i = 0; i < n; i++) {
        if (!check_absent(files[i].path, error))
            return FALSE;
    }
    for (guint done = 0; done < n; done++) {
        if (!sevirt_file_write_new(files[done].path, files[done].data, files[done].len,
                                   files[done].mode, error)) {
            while (done-- > 0)
                g_unlink(files[done].path);
            return FALSE;
        }
    }
    return TRUE;
}

void
sevirt_session_files_clear(SevirtSessionFiles *files)
{
    g_clear_pointer(&files->godh, g_free);
    g_clear_pointer(&files->session, g_free);
    g_clear_pointer(&files->tek, g_free);
    g_clear_pointer(&files->tik, g_free);
    g_clear_pointer(&files->tk, g_free);
    g_clear_pointer(&files->godh_b64, g_free);
    g_clear_pointer(&files->session_b64, g_free);
}

/* The files of a session in @dir, as sevirt_session_files_write() names them. */
static void
session_paths(const char *dir, gboolean with_tk, SevirtSessionFiles *files)
{
    files->tek = g_build_filename(dir, "tek.bin", NULL);
    files->tik = g_build_filename(dir, "tik.bin", NULL);
    files->tk = with_tk ? g_build_filename(dir, "tk.bin", NULL) : NULL;
    files->godh = g_build_filename(dir, "godh.b64", NULL);
    files->session = g_build_filename(dir, "session.b64", NULL);
}

gboolean
sevirt_session_files_check_free(const char *dir, gboolean with_tk, GError **error)
{
    g_auto(SevirtSessionFiles) files = { 0 };

    session_paths(dir, with_tk, &files);
    return check_absent(files.tek, error) && check_absent(files.tik, error) &&
           (!files.tk || check_absent(files.tk, error)) &&
           check_absent(files.godh, error) && check_absent(files.session, error);
}

void
sevirt_session_files_remove(const char *dir)
{
    g_auto(SevirtSessionFiles) files = { 0 };
    const char *paths[5];

    session_paths(dir, TRUE, &files);
    paths[0] = files.tek;
    paths[1] = files.tik;
    paths[2] = files.tk;
    paths[3] = files.godh;
    paths[4] = files.session;
    for (guint i = 0; i < G_N_ELEMENTS(paths); i++)
        g_unlink(paths[i]);
    /* only if empty: the owner may keep something else there */
    g_rmdir(dir);
}

gboolean
sevirt_session_files_write(const SevirtSevCert *pdh, guint32 policy, const char *dir,
                           gboolean with_tk, SevirtSessionFiles *files, GError **error)
{
    g_autoptr(SevirtSession) session = NULL;
    g_autoptr(SevirtSecret) tk = NULL;
    const SevirtSecret *tek, *tik;
    const SevirtSessionBlob *blob;
    SevirtNewFile out[5];
    guint n = 0;

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create directory '%s': %s"), dir, g_strerror(errno));
        return FALSE;
    }
    session = sevirt_session_new(pdh, policy, error);
    if (!session)
        return FALSE;
    tek = sevirt_session_get_tek(session);
    tik = sevirt_session_get_tik(session);
    blob = sevirt_session_get_blob(session);
    tk = sevirt_secret_new(2 * SEVIRT_TRANSPORT_KEY_SIZE);
    memcpy(tk->data, tek->data, SEVIRT_TRANSPORT_KEY_SIZE);
    memcpy(tk->data + SEVIRT_TRANSPORT_KEY_SIZE, tik->data, SEVIRT_TRANSPORT_KEY_SIZE);
    files->godh_b64 = g_base64_encode(sevirt_sev_cert_get_data(sevirt_session_get_godh(session)),
                                      SEVIRT_SEV_CERT_SIZE);
    files->session_b64 = g_base64_encode((const guchar *) blob, sizeof(*blob));

    session_paths(dir, with_tk, files);
    out[n++] = (SevirtNewFile) { files->tek, tek->data, SEVIRT_TRANSPORT_KEY_SIZE, 0600 };
    out[n++] = (SevirtNewFile) { files->tik, tik->data, SEVIRT_TRANSPORT_KEY_SIZE, 0600 };
    if (with_tk)
        out[n++] = (SevirtNewFile) { files->tk, tk->data, tk->len, 0600 };
    /* base64 without a newline, as libvirt's tools write them */
    out[n++] = (SevirtNewFile) { files->godh, files->godh_b64, strlen(files->godh_b64), 0644 };
    out[n++] = (SevirtNewFile) { files->session, files->session_b64,
                                 strlen(files->session_b64), 0644 };
    return sevirt_files_write_new_all(out, n, error);
}

gboolean
sevirt_cert_chain_verify_root(SevirtCertChain *chain, const char *who, const char *ark,
                              const char *ask, gboolean *amd_root, SevirtAmdGeneration *gen,
                              GError **error)
{
    *amd_root = FALSE;
    if (!ark != !ask) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Another root needs both its ARK and its ASK file"));
        return FALSE;
    }
    if (ark && (!(chain->ark = sevirt_amd_cert_read(ark, error)) ||
                !(chain->ask = sevirt_amd_cert_read(ask, error))))
        return FALSE;
    if (sevirt_amd_roots_verify_chain(chain, gen, amd_root, NULL, error))
        return TRUE;
    if (ark)
        g_prefix_error(error, _("The certificate chain of %s does not verify under '%s' and '%s': "),
                       who, ark, ask);
    else
        g_prefix_error(error, _("The certificate chain of %s: "), who);
    return FALSE;
}
