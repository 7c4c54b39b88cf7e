/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV platform's configuration and identity.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>

#include "sevirt.h"
#include "sevirt-util.h"
#include "sevirt-certmint.h"
#include "sevirt-crypto-private.h"
#include "sevirt-emuinfo-private.h"
#include "emu-platform.h"
#include "emu-snp.h"

void
emu_platform_free(EmuPlatform *platform)
{
    if (!platform)
        return;
    g_free(platform->state_dir);
    g_free(platform->qemu);
    sevirt_cert_chain_clear(&platform->chain);
    g_clear_pointer(&platform->cpu0_id, g_bytes_unref);
    g_clear_pointer(&platform->pdh_key, EVP_PKEY_free);
    g_free(platform);
}

const char *
emu_platform_state_dir(void)
{
    const char *dir = g_getenv("SEVIRT_EMU_STATE_DIR");

    return dir && *dir ? dir : EMU_STATE_DIR;
}

gboolean
emu_platform_host_cpu(guint *family, guint *model, guint *stepping)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;

    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        *family = ((eax >> 20) & 0xff) + ((eax >> 8) & 0xf);
        *model = ((eax >> 12) & 0xf0) + ((eax >> 4) & 0xf);
        *stepping = eax & 0xf;
        return TRUE;
    }
#endif
    return FALSE;
}

static gboolean
conf_get_uint(GKeyFile *kf, const char *path, const char *group, const char *key,
              guint max, guint *value, GError **error)
{
    g_autofree char *text = g_key_file_get_value(kf, group, key, NULL);
    g_autofree char *what = NULL;
    guint64 v;

    if (!text)
        return TRUE;
    what = g_strdup_printf("'%s' [%s] %s", path, group, key);
    if (!sevirt_parse_uint(what, g_strstrip(text), max, &v, error))
        return FALSE;
    *value = v;
    return TRUE;
}

EmuPlatform *
emu_platform_load(const char *state_dir, GError **error)
{
    g_autoptr(EmuPlatform) platform = g_new0(EmuPlatform, 1);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *conf = g_build_filename(state_dir, "emu.conf", NULL);
    g_autoptr(GError) local = NULL;
    g_autofree char *qemu = NULL;

    platform->state_dir = g_strdup(state_dir);
    platform->key_owner = geteuid();
    platform->cbitpos = EMU_DEFAULT_CBITPOS;
    platform->reduced_phys_bits = EMU_DEFAULT_REDUCED_PHYS_BITS;
    platform->api_major = EMU_DEFAULT_API_MAJOR;
    platform->api_minor = EMU_DEFAULT_API_MINOR;
    platform->build_id = EMU_DEFAULT_BUILD_ID;
    platform->cpu_family = EMU_DEFAULT_CPU_FAMILY;
    platform->cpu_model = EMU_DEFAULT_CPU_MODEL;
    platform->cpu_stepping = EMU_DEFAULT_CPU_STEPPING;
    emu_platform_host_cpu(&platform->cpu_family, &platform->cpu_model, &platform->cpu_stepping);

    if (!g_key_file_load_from_file(kf, conf, G_KEY_FILE_NONE, &local)) {
        if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Cannot read '%s': %s"), conf, local->message);
            return NULL;
        }
        g_clear_error(&local);
    }
    qemu = g_key_file_get_string(kf, "emulator", "qemu", NULL);
    platform->qemu = qemu && *qemu ? g_strdup(g_strstrip(qemu)) : g_strdup(QEMU_SYSTEM_X86_64);

    if (!conf_get_uint(kf, conf, "platform", "cbitpos", 63, &platform->cbitpos, error) ||
        !conf_get_uint(kf, conf, "platform", "reduced-phys-bits", 63, &platform->reduced_phys_bits, error) ||
        !conf_get_uint(kf, conf, "platform", "api-major", 255, &platform->api_major, error) ||
        !conf_get_uint(kf, conf, "platform", "api-minor", 255, &platform->api_minor, error) ||
        !conf_get_uint(kf, conf, "platform", "build-id", 255, &platform->build_id, error) ||
        !conf_get_uint(kf, conf, "platform", "cpu-family", 0xff + 0xf, &platform->cpu_family, error) ||
        !conf_get_uint(kf, conf, "platform", "cpu-model", 255, &platform->cpu_model, error) ||
        !conf_get_uint(kf, conf, "platform", "cpu-stepping", 15, &platform->cpu_stepping, error))
        return NULL;
    if (g_key_file_has_key(kf, "emulator", "keep-secrets", NULL)) {
        platform->keep_secrets = g_key_file_get_boolean(kf, "emulator", "keep-secrets", &local);
        if (local) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("'%s' [emulator] keep-secrets: %s"), conf, local->message);
            return NULL;
        }
    }
    if (g_key_file_has_key(kf, "platform", "vmsa-fpu-init", NULL)) {
        platform->vmsa_fpu_init = g_key_file_get_boolean(kf, "platform", "vmsa-fpu-init", &local);
        if (local) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("'%s' [platform] vmsa-fpu-init: %s"), conf, local->message);
            return NULL;
        }
    }
    return g_steal_pointer(&platform);
}

/* The directory the public certificates are in, and its private part. */
#define PLATFORM_DIR "platform"
#define PRIVATE_DIR "private"
#define DOMAINS_DIR "domains"
#define PDH_KEY_FILE "pdh.key"
#define CPU0_ID_FILE "cpu0-id.bin"
/* ARK/ASK of Rome and later: RSA-4096, RSASSA-PSS with SHA-384 */
#define EMU_ARK_BITS 4096

gboolean
emu_platform_load_identity(EmuPlatform *platform, gboolean with_private_key, GError **error)
{
    g_autofree char *dir = g_build_filename(platform->state_dir, PLATFORM_DIR, NULL);
    g_autofree char *pdh = g_build_filename(dir, "pdh.cert", NULL);
    g_autofree char *cpu0 = g_build_filename(dir, CPU0_ID_FILE, NULL);
    g_autofree guint8 *cpu0_id = NULL;
    gsize len = 0;

    if (!g_file_test(pdh, G_FILE_TEST_EXISTS)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("the emulated SEV platform has no identity in '%s': run 'sevirt emulator-setup' as root"),
                    dir);
        return FALSE;
    }
    sevirt_cert_chain_clear(&platform->chain);
    if (!sevirt_cert_chain_read_dir(&platform->chain, dir, error) ||
        !sevirt_cert_chain_verify(&platform->chain, NULL, error))
        return FALSE;
    cpu0_id = sevirt_file_read(cpu0, EMU_CPU0_ID_SIZE, &len, error);
    if (!cpu0_id)
        return FALSE;
    if (len != EMU_CPU0_ID_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' holds %" G_GSIZE_FORMAT " bytes, expected %d"),
                    cpu0, len, EMU_CPU0_ID_SIZE);
        return FALSE;
    }
    g_clear_pointer(&platform->cpu0_id, g_bytes_unref);
    platform->cpu0_id = g_bytes_new(cpu0_id, len);

    if (with_private_key) {
        g_autofree char *keyfile = g_build_filename(dir, PRIVATE_DIR, PDH_KEY_FILE, NULL);
        g_autoptr(SevirtSecret) pem = sevirt_file_read_secret_owned(keyfile, 0, FALSE,
                                                                    platform->key_owner, error);

        if (!pem)
            return FALSE;
        g_clear_pointer(&platform->pdh_key, EVP_PKEY_free);
        platform->pdh_key = sevirt_key_from_pem(pem->data, pem->len, keyfile, error);
        if (!platform->pdh_key)
            return FALSE;
    }
    platform->have_identity = TRUE;
    return TRUE;
}

static void G_GNUC_PRINTF(3, 4)
setup_log(EmuSetupLogFunc log, gpointer data, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (log)
        log(msg, data);
}

static gboolean
set_owner_mode(const char *path, uid_t uid, gid_t gid, mode_t mode, GError **error)
{
    if (lchown(path, uid, gid) < 0 || chmod(path, mode) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot set the owner and mode of '%s': %s"), path, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

/* Creates @path, or brings an existing directory to @uid:@gid and @mode,
 * saying what it changed. */
static gboolean
ensure_dir(const char *path, uid_t uid, gid_t gid, mode_t mode,
           EmuSetupLogFunc log, gpointer data, GError **error)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (errno != ENOENT || g_mkdir(path, mode) < 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("Cannot create '%s': %s"), path, g_strerror(errno));
            return FALSE;
        }
        setup_log(log, data, _("created %s (owner %u:%u, mode %04o)"), path,
                  (guint) uid, (guint) gid, (guint) mode);
        return set_owner_mode(path, uid, gid, mode, error);
    }
    if (!S_ISDIR(st.st_mode)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS,
                    _("'%s' exists and is not a directory"), path);
        return FALSE;
    }
    if (st.st_uid == uid && st.st_gid == gid && (st.st_mode & 07777) == mode)
        return TRUE;
    setup_log(log, data, _("set %s to owner %u:%u, mode %04o"), path,
              (guint) uid, (guint) gid, (guint) mode);
    return set_owner_mode(path, uid, gid, mode, error);
}

static gboolean
write_public(const char *dir, const char *name, const guint8 *data, gsize len, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    return sevirt_file_write_new(path, data, len, 0644, error);
}

/* Mints the identity into @dir (a fresh directory). */
static gboolean
generate_identity(const EmuPlatform *conf, const char *dir, uid_t uid, gid_t gid,
                  GError **error)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_autoptr(EVP_PKEY) pdh_key = NULL;
    g_autoptr(SevirtSecret) pem = NULL;
    g_autofree char *private_dir = g_build_filename(dir, PRIVATE_DIR, NULL);
    g_autofree char *keyfile = g_build_filename(private_dir, PDH_KEY_FILE, NULL);
    guint8 cpu0_id[EMU_CPU0_ID_SIZE];
    gboolean minted = FALSE;
    const guint8 *ark, *ask;
    gsize ark_len = 0, ask_len = 0;

    if (!sevirt_cert_chain_generate(&chain, &pdh_key, conf->api_major, conf->api_minor,
                                    EMU_ARK_BITS, error))
        return FALSE;
    if (RAND_bytes(cpu0_id, sizeof(cpu0_id)) != 1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot generate the platform's cpu0-id"));
        return FALSE;
    }
    ark = sevirt_amd_cert_get_data(chain.ark, &ark_len);
    ask = sevirt_amd_cert_get_data(chain.ask, &ask_len);
    if (!write_public(dir, "ark.cert", ark, ark_len, error) ||
        !write_public(dir, "ask.cert", ask, ask_len, error) ||
        !write_public(dir, "cek.cert", sevirt_sev_cert_get_data(chain.cek), SEVIRT_SEV_CERT_SIZE, error) ||
        !write_public(dir, "oca.cert", sevirt_sev_cert_get_data(chain.oca), SEVIRT_SEV_CERT_SIZE, error) ||
        !write_public(dir, "pek.cert", sevirt_sev_cert_get_data(chain.pek), SEVIRT_SEV_CERT_SIZE, error) ||
        !write_public(dir, "pdh.cert", sevirt_sev_cert_get_data(chain.pdh), SEVIRT_SEV_CERT_SIZE, error) ||
        !write_public(dir, CPU0_ID_FILE, cpu0_id, sizeof(cpu0_id), error))
        return FALSE;

    if (g_mkdir(private_dir, 0700) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), private_dir, g_strerror(errno));
        return FALSE;
    }
    pem = sevirt_key_to_pem(pdh_key, error);
    if (!pem ||
        !sevirt_file_write_new(keyfile, pem->data, pem->len, 0600, error) ||
        !set_owner_mode(keyfile, uid, gid, 0600, error) ||
        !set_owner_mode(private_dir, uid, gid, 0700, error) ||
        !emu_snp_identity_mint(dir, private_dir, uid, gid, &minted, error))
        return FALSE;
    return set_owner_mode(dir, 0, 0, 0755, error);
}

static gboolean
remove_tree(const char *path, GError **error)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return TRUE;
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot remove '%s': %s"), path, g_strerror(errno));
        return FALSE;
    }
    if (S_ISDIR(st.st_mode)) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);

            if (!remove_tree(child, error))
                return FALSE;
        }
        if (g_rmdir(path) == 0)
            return TRUE;
    } else if (g_unlink(path) == 0) {
        return TRUE;
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                _("Cannot remove '%s': %s"), path, g_strerror(errno));
    return FALSE;
}

gboolean
emu_platform_setup(const char *state_dir, uid_t uid, gid_t gid, gboolean *created,
                   EmuSetupLogFunc log, gpointer data, GError **error)
{
    g_autoptr(EmuPlatform) platform = NULL;
    g_autofree char *domains = g_build_filename(state_dir, DOMAINS_DIR, NULL);
    g_autofree char *dir = g_build_filename(state_dir, PLATFORM_DIR, NULL);
    g_autofree char *tmpl = g_build_filename(state_dir, ".platform-XXXXXX", NULL);
    g_autofree char *parent = g_path_get_dirname(state_dir);
    g_autoptr(GError) local = NULL;

    *created = FALSE;
    if (g_mkdir_with_parents(parent, 0755) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), parent, g_strerror(errno));
        return FALSE;
    }
    if (!ensure_dir(state_dir, 0, 0, 0755, log, data, error) ||
        !ensure_dir(domains, uid, gid, 0700, log, data, error))
        return FALSE;
    platform = emu_platform_load(state_dir, error);
    if (!platform)
        return FALSE;

    if (g_file_test(dir, G_FILE_TEST_EXISTS)) {
        g_autofree char *private_dir = g_build_filename(dir, PRIVATE_DIR, NULL);
        g_autofree char *keyfile = g_build_filename(private_dir, PDH_KEY_FILE, NULL);
        gboolean minted = FALSE;
        struct stat st;

        /* the key is QEMU's user's (who may have changed): check it as such */
        if (lstat(keyfile, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid != uid &&
            !set_owner_mode(keyfile, uid, gid, 0600, error))
            return FALSE;
        platform->key_owner = uid;
        if (!emu_platform_load_identity(platform, TRUE, &local)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS,
                        _("'%s' holds a broken platform identity (%s); remove it with 'sevirt emulator-setup --undo --purge'"),
                        dir, local->message);
            return FALSE;
        }
        setup_log(log, data, _("kept the platform identity in %s"), dir);
        /* the user QEMU runs as may have changed */
        if (!ensure_dir(private_dir, uid, gid, 0700, log, data, error) ||
            !set_owner_mode(keyfile, uid, gid, 0600, error))
            return FALSE;
        /* an identity made before the platform played SEV-SNP */
        if (!emu_snp_identity_mint(dir, private_dir, uid, gid, &minted, error))
            return FALSE;
        if (minted)
            setup_log(log, data, _("added the emulated SEV-SNP ARK, ASK and VCEK to %s"), dir);
        return TRUE;
    }

    if (!g_mkdtemp_full(tmpl, 0700)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), tmpl, g_strerror(errno));
        return FALSE;
    }
    if (!generate_identity(platform, tmpl, uid, gid, error)) {
        remove_tree(tmpl, NULL);
        return FALSE;
    }
    if (g_rename(tmpl, dir) < 0) {
        int err = errno;

        remove_tree(tmpl, NULL);
        /* a setup running at the same time made it first: keep that one */
        if ((err == ENOTEMPTY || err == EEXIST) &&
            emu_platform_load_identity(platform, FALSE, NULL)) {
            setup_log(log, data, _("kept the platform identity in %s"), dir);
            return TRUE;
        }
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot rename '%s' to '%s': %s"), tmpl, dir, g_strerror(err));
        return FALSE;
    }
    setup_log(log, data, _("created a new platform identity in %s (emulated ARK, ASK, CEK, OCA, PEK, PDH; SEV-SNP ARK, ASK, VCEK)"),
              dir);
    *created = TRUE;
    return TRUE;
}

gboolean
emu_platform_purge(const char *state_dir, gboolean *removed, EmuSetupLogFunc log,
                   gpointer data, GError **error)
{
    static const char *const ours[] = { PLATFORM_DIR, DOMAINS_DIR, "emu.conf", NULL };
    gboolean looks_ours = FALSE;

    *removed = FALSE;
    if (!g_file_test(state_dir, G_FILE_TEST_EXISTS)) {
        setup_log(log, data, _("%s does not exist"), state_dir);
        return TRUE;
    }
    for (guint i = 0; ours[i]; i++) {
        g_autofree char *p = g_build_filename(state_dir, ours[i], NULL);

        looks_ours |= g_file_test(p, G_FILE_TEST_EXISTS);
    }
    if (!looks_ours) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' does not look like the emulator's state directory; not removing it"),
                    state_dir);
        return FALSE;
    }
    if (!remove_tree(state_dir, error))
        return FALSE;
    *removed = TRUE;
    setup_log(log, data, _("removed %s (platform identity, domain records, received secrets)"),
              state_dir);
    return TRUE;
}

gboolean
emu_platform_forget(const char *state_dir, const char *uuid, EmuSetupLogFunc log,
                    gpointer data, GError **error)
{
    g_autofree char *dir = NULL;

    /* a UUID, so that nothing but a guest record can be named */
    if (!g_uuid_string_is_valid(uuid)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' is not a domain UUID"), uuid);
        return FALSE;
    }
    dir = g_build_filename(state_dir, DOMAINS_DIR, uuid, NULL);
    if (!g_file_test(dir, G_FILE_TEST_EXISTS)) {
        setup_log(log, data, _("no record of guest %s"), uuid);
        return TRUE;
    }
    if (!remove_tree(dir, error))
        return FALSE;
    setup_log(log, data, _("removed the record of guest %s (its launch and the secrets it received)"),
              uuid);
    return TRUE;
}

gboolean
emu_platform_set_keep_secrets(const char *state_dir, gboolean keep, EmuSetupLogFunc log,
                              gpointer data, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *conf = g_build_filename(state_dir, "emu.conf", NULL);
    g_autoptr(GError) local = NULL;

    if (!g_key_file_load_from_file(kf, conf, G_KEY_FILE_KEEP_COMMENTS, &local) &&
        !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Cannot read '%s': %s"), conf, local->message);
        return FALSE;
    }
    g_clear_error(&local);
    if (g_key_file_has_key(kf, "emulator", "keep-secrets", NULL) &&
        g_key_file_get_boolean(kf, "emulator", "keep-secrets", NULL) == keep)
        return TRUE;
    g_key_file_set_boolean(kf, "emulator", "keep-secrets", keep);
    /* written to a temporary file and renamed over the old one */
    if (!g_key_file_save_to_file(kf, conf, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot write '%s': %s"), conf, local->message);
        return FALSE;
    }
    if (keep)
        setup_log(log, data, _("the emulator keeps the secrets guests receive, decrypted, in their records (keep-secrets=true in %s)"),
                  conf);
    else
        setup_log(log, data, _("the emulator keeps no secret a guest receives (keep-secrets=false in %s)"),
                  conf);
    return TRUE;
}

/* Records younger than this are kept by a prune. */
#define EMU_PRUNE_GRACE_SECONDS 60

gboolean
emu_platform_prune(const char *state_dir, const char *const *known, EmuSetupLogFunc log,
                   gpointer data, GError **error)
{
    g_autofree char *domains = g_build_filename(state_dir, DOMAINS_DIR, NULL);
    g_autoptr(GDir) dir = g_dir_open(domains, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        struct stat st;

        /* only guest records: a UUID as directory name */
        if (!g_uuid_string_is_valid(name) || g_strv_contains(known, name))
            continue;
        /* a guest defined after @known was listed may be starting now */
        path = g_build_filename(domains, name, NULL);
        if (lstat(path, &st) == 0 && st.st_mtime > time(NULL) - EMU_PRUNE_GRACE_SECONDS)
            continue;
        if (!emu_platform_forget(state_dir, name, log, data, error))
            return FALSE;
    }
    return TRUE;
}

char *
emu_platform_domain_dir(const EmuPlatform *platform, const char *uuid)
{
    return g_build_filename(platform->state_dir, DOMAINS_DIR, uuid, NULL);
}

gboolean
emu_platform_reset_dir(const char *dir, GError **error)
{
    if (!remove_tree(dir, error))
        return FALSE;
    if (g_mkdir(dir, 0700) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot create '%s': %s"), dir, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static void
add_base64(JsonBuilder *b, const char *member, const guint8 *data, gsize len)
{
    g_autofree char *text = g_base64_encode(data, len);

    json_builder_set_member_name(b, member);
    json_builder_add_string_value(b, text);
}

static void
add_uint(JsonBuilder *b, const char *member, guint value)
{
    json_builder_set_member_name(b, member);
    json_builder_add_int_value(b, value);
}

static void
describe_identity(JsonBuilder *b, EmuPlatform *platform)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) chain = NULL;
    g_autofree char *dir = NULL;
    const guint8 *data;
    gsize len = 0;

    json_builder_set_member_name(b, SEVIRT_EMU_INFO_IDENTITY);
    if (!platform->have_identity && !emu_platform_load_identity(platform, FALSE, &error)) {
        json_builder_add_null_value(b);
        json_builder_set_member_name(b, SEVIRT_EMU_INFO_IDENTITY_ERROR);
        json_builder_add_string_value(b, error->message);
        return;
    }
    dir = g_build_filename(platform->state_dir, PLATFORM_DIR, NULL);
    chain = sevirt_cert_chain_get_platform(&platform->chain);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, SEVIRT_EMU_INFO_IDENTITY_DIR);
    json_builder_add_string_value(b, dir);
    add_base64(b, SEVIRT_EMU_INFO_IDENTITY_PDH, sevirt_sev_cert_get_data(platform->chain.pdh),
               SEVIRT_SEV_CERT_SIZE);
    data = g_bytes_get_data(chain, &len);
    add_base64(b, SEVIRT_EMU_INFO_IDENTITY_CERT_CHAIN, data, len);
    data = sevirt_amd_cert_get_data(platform->chain.ark, &len);
    add_base64(b, SEVIRT_EMU_INFO_IDENTITY_ARK, data, len);
    data = sevirt_amd_cert_get_data(platform->chain.ask, &len);
    add_base64(b, SEVIRT_EMU_INFO_IDENTITY_ASK, data, len);
    data = g_bytes_get_data(platform->cpu0_id, &len);
    add_base64(b, SEVIRT_EMU_INFO_IDENTITY_CPU0_ID, data, len);
    json_builder_end_object(b);
}

JsonNode *
emu_platform_describe(EmuPlatform *platform)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, SEVIRT_EMU_INFO_EMULATED);
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, SEVIRT_EMU_INFO_NOTICE);
    json_builder_add_string_value(b, "EMULATED SEV PLATFORM: no memory encryption, no confidentiality");
    json_builder_set_member_name(b, SEVIRT_EMU_INFO_STATE_DIR);
    json_builder_add_string_value(b, platform->state_dir);
    json_builder_set_member_name(b, SEVIRT_EMU_INFO_QEMU);
    json_builder_add_string_value(b, platform->qemu);
    add_uint(b, SEVIRT_EMU_INFO_CBITPOS, platform->cbitpos);
    add_uint(b, SEVIRT_EMU_INFO_REDUCED_PHYS_BITS, platform->reduced_phys_bits);
    add_uint(b, SEVIRT_EMU_INFO_API_MAJOR, platform->api_major);
    add_uint(b, SEVIRT_EMU_INFO_API_MINOR, platform->api_minor);
    add_uint(b, SEVIRT_EMU_INFO_BUILD_ID, platform->build_id);
    add_uint(b, SEVIRT_EMU_INFO_CPU_FAMILY, platform->cpu_family);
    add_uint(b, SEVIRT_EMU_INFO_CPU_MODEL, platform->cpu_model);
    add_uint(b, SEVIRT_EMU_INFO_CPU_STEPPING, platform->cpu_stepping);
    json_builder_set_member_name(b, SEVIRT_EMU_INFO_VMSA_FPU_INIT);
    json_builder_add_boolean_value(b, platform->vmsa_fpu_init);
    json_builder_set_member_name(b, "keep_secrets");
    json_builder_add_boolean_value(b, platform->keep_secrets);
    describe_identity(b, platform);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}
