/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated SEV-SNP platform's attestation (see emu-snp.h).
 *
 * The certificates have the shape of AMD's: an RSA-4096 ARK signing itself
 * and the ASK with RSASSA-PSS/SHA-384, an ECDSA P-384 VCEK carrying the TCB
 * it was derived for and the chip's hwID in AMD's extensions
 * (1.3.6.1.4.1.3704.1.*), so that the very code that checks a real chain
 * (sevirt verify-report) checks this one.  Their organisation says EMULATED.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "sevirt.h"
#include "sevirt-certmint.h"
#include "sevirt-crypto-private.h"
#include "sevirt-secretbuf.h"
#include "sevirt-util.h"
#include "emu-snp.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ASN1_OBJECT, ASN1_OBJECT_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ASN1_OCTET_STRING, ASN1_OCTET_STRING_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ASN1_INTEGER, ASN1_INTEGER_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ASN1_IA5STRING, ASN1_IA5STRING_free)

/* The emulated platform's TCB: bootloader, TEE, SNP firmware and microcode
 * security versions (Milan's layout). */
#define EMU_TCB_BOOTLOADER 3
#define EMU_TCB_TEE 0
#define EMU_TCB_SNP 8
#define EMU_TCB_MICROCODE 115
#define EMU_PRODUCT "Milan"
/* the certificates' lifetime: 25 years, as AMD's ARK */
#define EMU_CERT_DAYS (25 * 365)

static guint64
emu_tcb(void)
{
    return (guint64) EMU_TCB_BOOTLOADER | (guint64) EMU_TCB_TEE << 8 |
           (guint64) EMU_TCB_SNP << 48 | (guint64) EMU_TCB_MICROCODE << 56;
}

gboolean
emu_snp_identity_exists(const char *platform_dir)
{
    g_autofree char *vcek = g_build_filename(platform_dir, EMU_SNP_VCEK_FILE, NULL);

    return g_file_test(vcek, G_FILE_TEST_EXISTS);
}

static gboolean
add_ext_der(X509 *x, const char *oid, const guint8 *der, int len)
{
    g_autoptr(ASN1_OBJECT) obj = OBJ_txt2obj(oid, 1);
    g_autoptr(ASN1_OCTET_STRING) data = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext;
    gboolean ok;

    if (!obj || !data || !ASN1_OCTET_STRING_set(data, der, len))
        return FALSE;
    ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, data);
    ok = ext && X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

/* An AMD SPL extension: a DER INTEGER. */
static gboolean
add_ext_uint(X509 *x, const char *oid, guint value)
{
    g_autoptr(ASN1_INTEGER) i = ASN1_INTEGER_new();
    unsigned char *der = NULL;
    int len;
    gboolean ok;

    if (!i || !ASN1_INTEGER_set_uint64(i, value) || (len = i2d_ASN1_INTEGER(i, &der)) <= 0)
        return FALSE;
    ok = add_ext_der(x, oid, der, len);
    OPENSSL_free(der);
    return ok;
}

static gboolean
add_ext_ia5(X509 *x, const char *oid, const char *text)
{
    g_autoptr(ASN1_IA5STRING) s = ASN1_IA5STRING_new();
    unsigned char *der = NULL;
    int len;
    gboolean ok;

    if (!s || !ASN1_STRING_set(s, text, -1) || (len = i2d_ASN1_IA5STRING(s, &der)) <= 0)
        return FALSE;
    ok = add_ext_der(x, oid, der, len);
    OPENSSL_free(der);
    return ok;
}

/* The VCEK's extensions: what it certifies (AMD's VCEK specification). */
static gboolean
add_vcek_exts(X509 *x, const guint8 *chip_id)
{
    return add_ext_uint(x, "1.3.6.1.4.1.3704.1.1", 1) &&
           add_ext_ia5(x, "1.3.6.1.4.1.3704.1.2", EMU_PRODUCT) &&
           add_ext_uint(x, "1.3.6.1.4.1.3704.1.3.1", EMU_TCB_BOOTLOADER) &&
           add_ext_uint(x, "1.3.6.1.4.1.3704.1.3.2", EMU_TCB_TEE) &&
           add_ext_uint(x, "1.3.6.1.4.1.3704.1.3.3", EMU_TCB_SNP) &&
           add_ext_uint(x, "1.3.6.1.4.1.3704.1.3.8", EMU_TCB_MICROCODE) &&
           add_ext_der(x, "1.3.6.1.4.1.3704.1.4", chip_id, EMU_SNP_CHIP_ID_SIZE);
}

static gboolean
add_ca_exts(X509 *x, X509 *issuer)
{
    X509V3_CTX ctx;
    X509_EXTENSION *bc, *ku;
    gboolean ok;

    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    bc = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    ku = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    ok = bc && ku && X509_add_ext(x, bc, -1) && X509_add_ext(x, ku, -1);
    X509_EXTENSION_free(bc);
    X509_EXTENSION_free(ku);
    return ok;
}

/* RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt, as AMD signs. */
static gboolean
sign_pss(X509 *x, EVP_PKEY *signer)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    gboolean ok;

    ok = md && EVP_DigestSignInit(md, &pctx, EVP_sha384(), NULL, signer) == 1 &&
         EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) == 1 &&
         X509_sign_ctx(x, md) > 0;
    EVP_MD_CTX_free(md);
    return ok;
}

/* A certificate for @key named @cn, issued by @issuer (NULL: itself). */
static X509 *
mint_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *signer,
          const guint8 *chip_id, GError **error)
{
    g_autoptr(X509) x = X509_new();
    X509_NAME *name;
    guint64 serial = 0;

    if (!x || !sevirt_random_bytes((guint8 *) &serial, sizeof(serial), error))
        goto fail;
    name = X509_get_subject_name(x);
    if (!X509_set_version(x, 2) ||
        !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), EMU_CERT_DAYS, 0, NULL) ||
        !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                    (const unsigned char *) "EMULATED SEV-SNP platform of sevirt, not AMD", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0) ||
        !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) ||
        !X509_set_pubkey(x, key))
        goto fail;
    if (chip_id ? !add_vcek_exts(x, chip_id) : !add_ca_exts(x, issuer ? issuer : x))
        goto fail;
    if (!sign_pss(x, signer))
        goto fail;
    return g_steal_pointer(&x);

 fail:
    if (error && !*error)
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot mint the emulated certificate '%s'"), cn);
    return NULL;
}

/* Writes @path through a new temporary file renamed over it: what an
 * interrupted setup left is replaced, never half-written. */
static gboolean
write_replace(const char *path, const void *data, gsize len, int mode, uid_t uid, gid_t gid,
              GError **error)
{
    g_autofree char *tmp = g_strconcat(path, ".new", NULL);

    if (unlink(tmp) < 0 && errno != ENOENT) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot remove '%s': %s"), tmp, g_strerror(errno));
        return FALSE;
    }
    if (!sevirt_file_write_new(tmp, data, len, mode, error))
        return FALSE;
    if (lchown(tmp, uid, gid) < 0 || rename(tmp, path) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot install '%s': %s"), path, g_strerror(errno));
        unlink(tmp);
        return FALSE;
    }
    return TRUE;
}

static gboolean
write_cert(const char *dir, const char *file, X509 *x, GError **error)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long len;
    gboolean ok;

    if (!bio || !PEM_write_bio_X509(bio, x)) {
        BIO_free(bio);
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode '%s'"), path);
        return FALSE;
    }
    len = BIO_get_mem_data(bio, &data);
    ok = write_replace(path, data, len, 0644, 0, 0, error);
    BIO_free(bio);
    return ok;
}

static gboolean mint_locked(const char *platform_dir, const char *private_dir, uid_t uid,
                            gid_t gid, GError **error);

/*
 * Mints the ARK, ASK and VCEK and a chip id, unless a setup running at the
 * same time (tests do) made them first: under a lock, the VCEK certificate
 * (what emu_snp_identity_exists() looks for) written last.
 */
gboolean
emu_snp_identity_mint(const char *platform_dir, const char *private_dir, uid_t uid, gid_t gid,
                      gboolean *minted, GError **error)
{
    g_autofree char *lock_path = g_build_filename(platform_dir, ".snp-lock", NULL);
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    gboolean ok;

    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot lock '%s': %s"), lock_path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    *minted = FALSE;
    ok = emu_snp_identity_exists(platform_dir) ||
         (*minted = mint_locked(platform_dir, private_dir, uid, gid, error));
    close(fd);
    return ok;
}

/* The ARK's and ASK's private keys are dropped once they signed: the
 * emulated PSP only signs reports. */
static gboolean
mint_locked(const char *platform_dir, const char *private_dir, uid_t uid, gid_t gid,
            GError **error)
{
    g_autoptr(EVP_PKEY) ark_key = NULL;
    g_autoptr(EVP_PKEY) ask_key = NULL;
    g_autoptr(EVP_PKEY) vcek_key = NULL;
    g_autoptr(X509) ark = NULL;
    g_autoptr(X509) ask = NULL;
    g_autoptr(X509) vcek = NULL;
    g_autoptr(SevirtSecret) pem = NULL;
    g_autofree char *key_path = g_build_filename(private_dir, EMU_SNP_VCEK_KEY_FILE, NULL);
    g_autofree char *chip_path = g_build_filename(platform_dir, EMU_SNP_CHIP_ID_FILE, NULL);
    guint8 chip_id[EMU_SNP_CHIP_ID_SIZE];

    if (!sevirt_random_bytes(chip_id, sizeof(chip_id), error) ||
        !(ark_key = sevirt_key_generate_rsa(4096, error)) ||
        !(ask_key = sevirt_key_generate_rsa(4096, error)))
        return FALSE;
    vcek_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    if (!vcek_key) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot generate the emulated VCEK key"));
        return FALSE;
    }
    /* AMD's common names (verifiers tell a VCEK from a VLEK by them); the
     * organisation says what they are */
    if (!(ark = mint_cert(ark_key, "ARK-" EMU_PRODUCT, NULL, ark_key, NULL, error)) ||
        !(ask = mint_cert(ask_key, "SEV-" EMU_PRODUCT, ark, ark_key, NULL, error)) ||
        !(vcek = mint_cert(vcek_key, "SEV-VCEK", ask, ask_key, chip_id, error)))
        return FALSE;
    pem = sevirt_key_to_pem(vcek_key, error);
    return pem &&
           write_replace(key_path, pem->data, pem->len, 0600, uid, gid, error) &&
           write_replace(chip_path, chip_id, sizeof(chip_id), 0644, 0, 0, error) &&
           write_cert(platform_dir, EMU_SNP_ARK_FILE, ark, error) &&
           write_cert(platform_dir, EMU_SNP_ASK_FILE, ask, error) &&
           write_cert(platform_dir, EMU_SNP_VCEK_FILE, vcek, error);
}

/* ECDSA P-384 over the signed part, R and S little-endian in 72-byte fields. */
static gboolean
sign_report(EVP_PKEY *key, guint8 *report, GError **error)
{
    g_autofree guint8 *der = NULL;
    gsize der_len = 0;
    const unsigned char *p;
    ECDSA_SIG *sig;
    const BIGNUM *r, *s;
    gboolean ok;

    der = sevirt_sign(key, EVP_sha384(), report, 0x2A0, &der_len, error);
    if (!der)
        return FALSE;
    p = der;
    sig = d2i_ECDSA_SIG(NULL, &p, der_len);
    if (!sig) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode the report signature"));
        return FALSE;
    }
    ECDSA_SIG_get0(sig, &r, &s);
    ok = BN_bn2lebinpad(r, report + 0x2A0, 48) == 48 && BN_bn2lebinpad(s, report + 0x2E8, 48) == 48;
    ECDSA_SIG_free(sig);
    if (!ok)
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode the report signature"));
    return ok;
}

/*
 * MSG_REPORT_REQ as the emulated PSP answers it (SNP ABI, ATTESTATION_REPORT
 * structure version 3): the guest context's values, the requester's
 * report_data, the platform's TCB, chip id and CPU, signed with the VCEK.
 */
gboolean
emu_snp_report(const char *platform_dir, const char *private_dir, const EmuSnpGuest *guest,
               const guint8 report_data[64], guint8 report[EMU_SNP_REPORT_SIZE], GError **error)
{
    g_autofree char *key_path = g_build_filename(private_dir, EMU_SNP_VCEK_KEY_FILE, NULL);
    g_autofree char *chip_path = g_build_filename(platform_dir, EMU_SNP_CHIP_ID_FILE, NULL);
    g_autoptr(SevirtSecret) pem = NULL;
    g_autoptr(EVP_PKEY) key = NULL;
    g_autofree guint8 *chip_id = NULL;
    gsize chip_len = 0;
    guint64 tcb = emu_tcb();

    pem = sevirt_file_read_secret(key_path, 0, FALSE, error);
    if (!pem || !(key = sevirt_key_from_pem(pem->data, pem->len, key_path, error)))
        return FALSE;
    chip_id = sevirt_file_read(chip_path, EMU_SNP_CHIP_ID_SIZE, &chip_len, error);
    if (!chip_id)
        return FALSE;
    if (chip_len != EMU_SNP_CHIP_ID_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' holds %" G_GSIZE_FORMAT " bytes, expected %d"),
                    chip_path, chip_len, EMU_SNP_CHIP_ID_SIZE);
        return FALSE;
    }

    memset(report, 0, EMU_SNP_REPORT_SIZE);
    sevirt_put_le32(report + 0x000, 3);
    sevirt_put_le64(report + 0x008, guest->policy);
    if (guest->id_block) {
        memcpy(report + 0x010, guest->id_block + 0x30, 16);   /* family id */
        memcpy(report + 0x020, guest->id_block + 0x40, 16);   /* image id */
        memcpy(report + 0x004, guest->id_block + 0x54, 4);    /* guest svn */
    }
    sevirt_put_le32(report + 0x034, 1);                       /* ECDSA P-384, SHA-384 */
    sevirt_put_le64(report + 0x038, tcb);
    sevirt_put_le32(report + 0x048, guest->author_key_enabled ? 1 : 0);
    memcpy(report + 0x050, report_data, 64);
    memcpy(report + 0x090, guest->measurement, 48);
    memcpy(report + 0x0C0, guest->host_data, 32);
    memcpy(report + 0x0E0, guest->id_key_digest, 48);
    memcpy(report + 0x110, guest->author_key_digest, 48);
    memcpy(report + 0x140, guest->report_id, 32);
    memset(report + 0x160, 0xff, 32);                         /* no migration agent */
    sevirt_put_le64(report + 0x180, tcb);
    report[0x188] = guest->cpu_family;
    report[0x189] = guest->cpu_model;
    report[0x18A] = guest->cpu_stepping;
    memcpy(report + 0x1A0, chip_id, EMU_SNP_CHIP_ID_SIZE);
    sevirt_put_le64(report + 0x1E0, tcb);
    report[0x1E8] = guest->build_id;
    report[0x1E9] = guest->api_minor;
    report[0x1EA] = guest->api_major;
    report[0x1EC] = guest->build_id;
    report[0x1ED] = guest->api_minor;
    report[0x1EE] = guest->api_major;
    sevirt_put_le64(report + 0x1F0, tcb);
    return sign_report(key, report, error);
}
