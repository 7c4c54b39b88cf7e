/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV and AMD certificates: parse, serialise, verify, create and sign.
 * Byte layouts: the SEV API specification (chapter "Certificates"),
 * summarised in sev-reference.md.  All integers are little-endian; ECDSA
 * r/s, EC coordinates and RSA numbers are stored little-endian too.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include "sevirt-cert.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-util.h"

/* SEV certificate layout */
#define SEV_OFF_VERSION     0x000
#define SEV_OFF_API_MAJOR   0x004
#define SEV_OFF_API_MINOR   0x005
#define SEV_OFF_USAGE       0x008
#define SEV_OFF_ALGO        0x00C
#define SEV_OFF_PUBKEY      0x010
#define SEV_BODY_LEN        0x414        /* what the signatures cover */
#define SEV_OFF_SIG(slot)   (0x414 + (slot) * 0x208)
#define SEV_SIG_OFF_USAGE   0x000
#define SEV_SIG_OFF_ALGO    0x004
#define SEV_SIG_OFF_BYTES   0x008
#define SEV_SIG_BYTES_LEN   512
/* within the public key area */
#define SEV_EC_OFF_CURVE    0x000
#define SEV_EC_OFF_QX       0x004
#define SEV_EC_OFF_QY       0x04C
#define SEV_EC_COORD_LEN    72
#define SEV_RSA_OFF_BITS    0x000
#define SEV_RSA_OFF_EXP     0x004
#define SEV_RSA_OFF_MOD     0x204
#define SEV_RSA_MAX_LEN     512
/* ECDSA signature within a slot */
#define SEV_ECDSA_OFF_R     0x000
#define SEV_ECDSA_OFF_S     0x048

/* AMD certificate layout */
#define AMD_OFF_VERSION     0x00
#define AMD_OFF_KEY_ID      0x04
#define AMD_OFF_CERT_ID     0x14
#define AMD_OFF_USAGE       0x24
#define AMD_OFF_EXP_BITS    0x38
#define AMD_OFF_MOD_BITS    0x3C
#define AMD_OFF_EXP         0x40

#define CERT_FILE_MAX (64 * 1024)

struct _SevirtSevCert {
    guint8 data[SEVIRT_SEV_CERT_SIZE];
    EVP_PKEY *key;
};

struct _SevirtAmdCert {
    guint8 *data;
    gsize len;
    guint exp_len;      /* bytes */
    guint mod_len;      /* bytes */
    EVP_PKEY *key;
};

const char *
sevirt_cert_usage_to_string(guint32 usage)
{
    switch (usage) {
    case SEVIRT_CERT_USAGE_ARK: return "ARK";
    case SEVIRT_CERT_USAGE_ASK: return "ASK";
    case SEVIRT_CERT_USAGE_NONE: return "none";
    case SEVIRT_CERT_USAGE_OCA: return "OCA";
    case SEVIRT_CERT_USAGE_PEK: return "PEK";
    case SEVIRT_CERT_USAGE_PDH: return "PDH";
    case SEVIRT_CERT_USAGE_CEK: return "CEK";
    }
    return NULL;
}

const char *
sevirt_cert_algo_to_string(guint32 algo)
{
    switch (algo) {
    case SEVIRT_CERT_ALGO_NONE: return "none";
    case SEVIRT_CERT_ALGO_RSA_SHA256: return "RSA-SHA256";
    case SEVIRT_CERT_ALGO_ECDSA_SHA256: return "ECDSA-SHA256";
    case SEVIRT_CERT_ALGO_ECDH_SHA256: return "ECDH-SHA256";
    case SEVIRT_CERT_ALGO_RSA_SHA384: return "RSA-SHA384";
    case SEVIRT_CERT_ALGO_ECDSA_SHA384: return "ECDSA-SHA384";
    case SEVIRT_CERT_ALGO_ECDH_SHA384: return "ECDH-SHA384";
    }
    return NULL;
}

/* The usages an SEV certificate can have: OCA, PEK, PDH, CEK (not ARK, ASK). */
static gboolean
usage_is_sev_cert(guint32 usage)
{
    return sevirt_cert_usage_to_string(usage) && usage != SEVIRT_CERT_USAGE_NONE &&
           usage != SEVIRT_CERT_USAGE_ARK && usage != SEVIRT_CERT_USAGE_ASK;
}

static gboolean
algo_is_rsa(guint32 algo)
{
    return algo == SEVIRT_CERT_ALGO_RSA_SHA256 || algo == SEVIRT_CERT_ALGO_RSA_SHA384;
}

static gboolean
algo_is_ecdsa(guint32 algo)
{
    return algo == SEVIRT_CERT_ALGO_ECDSA_SHA256 || algo == SEVIRT_CERT_ALGO_ECDSA_SHA384;
}

static gboolean
algo_is_ec(guint32 algo)
{
    return algo_is_ecdsa(algo) ||
           algo == SEVIRT_CERT_ALGO_ECDH_SHA256 || algo == SEVIRT_CERT_ALGO_ECDH_SHA384;
}

static const EVP_MD *
algo_digest(guint32 algo)
{
    return algo >= 0x100 ? EVP_sha384() : EVP_sha256();
}

/* OpenSSL group name and coordinate size of an SEV curve. */
static const char *
curve_group(guint32 curve, gsize *size)
{
    switch (curve) {
    case SEVIRT_CERT_CURVE_P256:
        *size = 32;
        return "prime256v1";
    case SEVIRT_CERT_CURVE_P384:
        *size = 48;
        return "secp384r1";
    }
    return NULL;
}

/*
 * Copies @n bytes in reverse order: the certificates store RSA signatures
 * little-endian, OpenSSL takes and gives them big-endian.
 */
static void
copy_reversed(guint8 *out, const guint8 *in, gsize n)
{
    for (gsize i = 0; i < n; i++)
        out[i] = in[n - 1 - i];
}

/* AMD signs with SHA-256 under 2048-bit keys, SHA-384 under 4096-bit keys. */
static const EVP_MD *
rsa_digest_for_bits(guint bits)
{
    return bits >= 4096 ? EVP_sha384() : EVP_sha256();
}

/* ---------------------------------------------------------------------- */
/* Keys */

EVP_PKEY *
sevirt_key_generate_p384(GError **error)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");

    if (!key)
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot generate a P-384 key"));
    return key;
}

EVP_PKEY *
sevirt_key_generate_rsa(guint bits, GError **error)
{
    EVP_PKEY *key;

    if (bits != 2048 && bits != 4096) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("RSA keys of AMD certificates have 2048 or 4096 bits, not %u"), bits);
        return NULL;
    }
    key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) bits);
    if (!key)
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot generate an RSA key"));
    return key;
}

SevirtSecret *
sevirt_key_to_pem(EVP_PKEY *key, GError **error)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    SevirtSecret *pem = NULL;
    char *p = NULL;
    long len;

    if (!bio || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot serialise a private key"));
    } else {
        len = BIO_get_mem_data(bio, &p);
        pem = sevirt_secret_new_from((const guint8 *) p, len);
    }
    BIO_free(bio);
    return pem;
}

EVP_PKEY *
sevirt_key_from_pem(const guint8 *pem, gsize len, const char *what, GError **error)
{
    BIO *bio = BIO_new_mem_buf(pem, (int) MIN(len, (gsize) G_MAXINT));
    EVP_PKEY *key = NULL;

    if (bio)
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!key)
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID,
                            _("'%s' does not hold a PEM private key"), what);
    return key;
}

/* ---------------------------------------------------------------------- */
/* SEV certificates */

static EVP_PKEY *
sev_cert_load_key(const guint8 *data, const char *what, GError **error)
{
    guint32 algo = sevirt_le32(data + SEV_OFF_ALGO);
    const guint8 *pk = data + SEV_OFF_PUBKEY;
    g_autoptr(GError) local = NULL;
    EVP_PKEY *key = NULL;

    if (algo_is_ec(algo)) {
        guint32 curve = sevirt_le32(pk + SEV_EC_OFF_CURVE);
        gsize size = 0;
        const char *group = curve_group(curve, &size);

        if (!group) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' has an unknown elliptic curve %u"), what, curve);
            return NULL;
        }
        key = sevirt_ec_key_from_le(group, pk + SEV_EC_OFF_QX, pk + SEV_EC_OFF_QY,
                                    size, &local);
    } else if (algo_is_rsa(algo)) {
        guint32 bits = sevirt_le32(pk + SEV_RSA_OFF_BITS);

        if (bits != 2048 && bits != 4096) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' has an RSA key of unsupported size %u"), what, bits);
            return NULL;
        }
        key = sevirt_rsa_key_from_le(pk + SEV_RSA_OFF_MOD, bits / 8,
                                     pk + SEV_RSA_OFF_EXP, bits / 8, &local);
    } else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has an unknown key algorithm 0x%x"), what, algo);
        return NULL;
    }
    if (!key)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' holds an invalid public key: %s"), what, local->message);
    return key;
}

static gboolean
sev_cert_check_header(const guint8 *data, const char *what, GError **error)
{
    guint32 version = sevirt_le32(data + SEV_OFF_VERSION);
    guint32 usage = sevirt_le32(data + SEV_OFF_USAGE);

    if (version != 1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has version %u, expected 1"), what, version);
        return FALSE;
    }
    if (!usage_is_sev_cert(usage)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has usage 0x%x, which no SEV certificate has"),
                    what, usage);
        return FALSE;
    }
    for (guint slot = 0; slot < 2; slot++) {
        const guint8 *sig = data + SEV_OFF_SIG(slot);
        guint32 sig_usage = sevirt_le32(sig + SEV_SIG_OFF_USAGE);
        guint32 sig_algo = sevirt_le32(sig + SEV_SIG_OFF_ALGO);

        if (sig_usage == SEVIRT_CERT_USAGE_NONE)
            continue;
        if (!sevirt_cert_usage_to_string(sig_usage) || sig_usage == SEVIRT_CERT_USAGE_PDH ||
            !(algo_is_rsa(sig_algo) || algo_is_ecdsa(sig_algo))) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' has an invalid signature %u (usage 0x%x, algorithm 0x%x)"),
                        what, slot + 1, sig_usage, sig_algo);
            return FALSE;
        }
    }
    return TRUE;
}

SevirtSevCert *
sevirt_sev_cert_parse(const guint8 *data, gsize len, const char *what, GError **error)
{
    g_autoptr(SevirtSevCert) cert = NULL;

    if (len != SEVIRT_SEV_CERT_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has %" G_GSIZE_FORMAT " bytes, an SEV certificate has %d"),
                    what, len, SEVIRT_SEV_CERT_SIZE);
        return NULL;
    }
    if (!sev_cert_check_header(data, what, error))
        return NULL;
    cert = g_new0(SevirtSevCert, 1);
    memcpy(cert->data, data, SEVIRT_SEV_CERT_SIZE);
    cert->key = sev_cert_load_key(cert->data, what, error);
    if (!cert->key)
        return NULL;
    return g_steal_pointer(&cert);
}

/* TRUE when @data is non-empty text made only of base64 characters and spaces. */
static gboolean
looks_like_base64(const guint8 *data, gsize len)
{
    gsize n = 0;

    for (gsize i = 0; i < len; i++) {
        if (g_ascii_isspace(data[i]))
            continue;
        if (!g_ascii_isalnum(data[i]) && data[i] != '+' && data[i] != '/' && data[i] != '=')
            return FALSE;
        n++;
    }
    return n > 0;
}

/*
 * Reads a file holding @expect_len raw bytes, or the same as base64 text
 * (virsh and libvirt's XML show the SEV blobs in base64).
 */
static guint8 *
read_raw_or_base64(const char *path, gsize expect_len, const char *kind,
                   gsize *len, GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autofree char *text = NULL;
    g_autofree char *what = NULL;
    gsize n = 0;

    data = sevirt_file_read(path, CERT_FILE_MAX, &n, error);
    if (!data)
        return NULL;
    if (n == expect_len) {
        *len = n;
        return g_steal_pointer(&data);
    }
    if (!looks_like_base64(data, n)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("File '%s' has %" G_GSIZE_FORMAT " bytes, expected %s of %" G_GSIZE_FORMAT " bytes (raw or base64)"),
                    path, n, kind, expect_len);
        return NULL;
    }
    text = g_strndup((const char *) data, n);
    what = g_strdup_printf(_("File '%s'"), path);
    return sevirt_base64_decode_strict(what, text, expect_len, len, error);
}

SevirtSevCert *
sevirt_sev_cert_read(const char *path, GError **error)
{
    g_autofree guint8 *data = NULL;
    gsize len = 0;

    data = read_raw_or_base64(path, SEVIRT_SEV_CERT_SIZE, _("an SEV certificate"), &len, error);
    if (!data)
        return NULL;
    return sevirt_sev_cert_parse(data, len, path, error);
}

SevirtSevCert *
sevirt_sev_cert_new(SevirtCertUsage usage, guint8 api_major, guint8 api_minor,
                    EVP_PKEY *key, GError **error)
{
    g_autoptr(SevirtSevCert) cert = g_new0(SevirtSevCert, 1);
    guint8 *pk = cert->data + SEV_OFF_PUBKEY;
    guint32 algo;

    if (!usage_is_sev_cert(usage)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Usage 0x%x is not the usage of an SEV certificate"), usage);
        return NULL;
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        g_autofree char *group = sevirt_ec_key_group(key);

        if (g_strcmp0(group, "secp384r1") != 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV certificates need a P-384 key, not %s"), group ? group : "?");
            return NULL;
        }
        algo = usage == SEVIRT_CERT_USAGE_PDH ? SEVIRT_CERT_ALGO_ECDH_SHA256
                                              : SEVIRT_CERT_ALGO_ECDSA_SHA256;
        sevirt_put_le32(pk + SEV_EC_OFF_CURVE, SEVIRT_CERT_CURVE_P384);
        if (!sevirt_ec_key_to_le(key, pk + SEV_EC_OFF_QX, pk + SEV_EC_OFF_QY,
                                 SEV_EC_COORD_LEN, error))
            return NULL;
    } else if (EVP_PKEY_is_a(key, "RSA") && usage != SEVIRT_CERT_USAGE_PDH) {
        int bits = EVP_PKEY_get_bits(key);

        if (bits != 2048 && bits != 4096) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV certificates take 2048- or 4096-bit RSA keys, not %d-bit"), bits);
            return NULL;
        }
        algo = bits == 4096 ? SEVIRT_CERT_ALGO_RSA_SHA384 : SEVIRT_CERT_ALGO_RSA_SHA256;
        sevirt_put_le32(pk + SEV_RSA_OFF_BITS, bits);
        if (!sevirt_rsa_key_to_le(key, pk + SEV_RSA_OFF_MOD, pk + SEV_RSA_OFF_EXP,
                                  bits / 8, error))
            return NULL;
    } else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Unsupported key type for an SEV %s certificate"),
                    sevirt_cert_usage_to_string(usage));
        return NULL;
    }

    sevirt_put_le32(cert->data + SEV_OFF_VERSION, 1);
    cert->data[SEV_OFF_API_MAJOR] = api_major;
    cert->data[SEV_OFF_API_MINOR] = api_minor;
    sevirt_put_le32(cert->data + SEV_OFF_USAGE, usage);
    sevirt_put_le32(cert->data + SEV_OFF_ALGO, algo);
    for (guint slot = 0; slot < 2; slot++) {
        sevirt_put_le32(cert->data + SEV_OFF_SIG(slot) + SEV_SIG_OFF_USAGE, SEVIRT_CERT_USAGE_NONE);
        sevirt_put_le32(cert->data + SEV_OFF_SIG(slot) + SEV_SIG_OFF_ALGO, SEVIRT_CERT_ALGO_NONE);
    }
    cert->key = sev_cert_load_key(cert->data, "new", error);
    if (!cert->key)
        return NULL;
    return g_steal_pointer(&cert);
}

/* Writes a signature made by @signer over @body into a 512-byte slot area. */
static gboolean
sign_into_slot(EVP_PKEY *signer, const EVP_MD *md, const guint8 *body, gsize body_len,
               guint8 out[SEV_SIG_BYTES_LEN], GError **error)
{
    g_autofree guint8 *sig = NULL;
    gsize sig_len = 0;

    sig = sevirt_sign(signer, md, body, body_len, &sig_len, error);
    if (!sig)
        return FALSE;
    memset(out, 0, SEV_SIG_BYTES_LEN);
    if (EVP_PKEY_is_a(signer, "EC")) {
        const guint8 *p = sig;
        g_autoptr(ECDSA_SIG) es = d2i_ECDSA_SIG(NULL, &p, sig_len);

        if (!es ||
            BN_bn2lebinpad(ECDSA_SIG_get0_r(es), out + SEV_ECDSA_OFF_R, SEV_EC_COORD_LEN) < 0 ||
            BN_bn2lebinpad(ECDSA_SIG_get0_s(es), out + SEV_ECDSA_OFF_S, SEV_EC_COORD_LEN) < 0) {
            sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode an ECDSA signature"));
            return FALSE;
        }
    } else {
        if (sig_len > SEV_SIG_BYTES_LEN) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("RSA signature too long (%" G_GSIZE_FORMAT " bytes)"), sig_len);
            return FALSE;
        }
        copy_reversed(out, sig, sig_len);
    }
    return TRUE;
}

/* The digest an RSA or EC signing key uses for SEV signatures. */
static guint32
signer_algo(EVP_PKEY *signer)
{
    if (EVP_PKEY_is_a(signer, "EC"))
        return SEVIRT_CERT_ALGO_ECDSA_SHA256;
    if (EVP_PKEY_is_a(signer, "RSA"))
        return EVP_PKEY_get_bits(signer) >= 4096 ? SEVIRT_CERT_ALGO_RSA_SHA384
                                                 : SEVIRT_CERT_ALGO_RSA_SHA256;
    return SEVIRT_CERT_ALGO_NONE;
}

gboolean
sevirt_sev_cert_sign(SevirtSevCert *cert, guint slot, SevirtCertUsage signer_usage,
                     EVP_PKEY *signer, GError **error)
{
    guint8 *sig = cert->data + SEV_OFF_SIG(slot);
    guint32 algo = signer_algo(signer);

    if (slot > 1 || algo == SEVIRT_CERT_ALGO_NONE ||
        signer_usage == SEVIRT_CERT_USAGE_PDH || signer_usage == SEVIRT_CERT_USAGE_NONE ||
        !sevirt_cert_usage_to_string(signer_usage)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Invalid signature slot %u, signer usage 0x%x or signing key"),
                    slot, signer_usage);
        return FALSE;
    }
    if (!sign_into_slot(signer, algo_digest(algo), cert->data, SEV_BODY_LEN,
                        sig + SEV_SIG_OFF_BYTES, error))
        return FALSE;
    sevirt_put_le32(sig + SEV_SIG_OFF_USAGE, signer_usage);
    sevirt_put_le32(sig + SEV_SIG_OFF_ALGO, algo);
    return TRUE;
}

/* Verifies one signature slot of an SEV certificate with @key. */
static gboolean
verify_slot(EVP_PKEY *key, const guint8 *body, const guint8 *slot, GError **error)
{
    guint32 algo = sevirt_le32(slot + SEV_SIG_OFF_ALGO);
    const guint8 *bytes = slot + SEV_SIG_OFF_BYTES;

    if (EVP_PKEY_is_a(key, "EC") && algo_is_ecdsa(algo)) {
        g_autoptr(ECDSA_SIG) es = ECDSA_SIG_new();
        BIGNUM *r = BN_lebin2bn(bytes + SEV_ECDSA_OFF_R, SEV_EC_COORD_LEN, NULL);
        BIGNUM *s = BN_lebin2bn(bytes + SEV_ECDSA_OFF_S, SEV_EC_COORD_LEN, NULL);
        g_autofree guint8 *der = NULL;
        guint8 *p = NULL;
        int der_len;

        if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
            BN_free(r);
            BN_free(s);
            sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode an ECDSA signature"));
            return FALSE;
        }
        der_len = i2d_ECDSA_SIG(es, &p);
        if (der_len <= 0) {
            sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode an ECDSA signature"));
            return FALSE;
        }
        der = g_memdup2(p, der_len);
        OPENSSL_free(p);
        return sevirt_verify(key, algo_digest(algo), body, SEV_BODY_LEN, der, der_len, error);
    }
    if (EVP_PKEY_is_a(key, "RSA") && algo_is_rsa(algo)) {
        gsize n = EVP_PKEY_get_size(key);
        g_autofree guint8 *sig = g_malloc(n);

        if (n > SEV_SIG_BYTES_LEN)
            n = SEV_SIG_BYTES_LEN;
        copy_reversed(sig, bytes, n);
        return sevirt_verify(key, algo_digest(algo), body, SEV_BODY_LEN, sig, n, error);
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("signature algorithm %s does not match the signer's key"),
                sevirt_cert_algo_to_string(algo) ? sevirt_cert_algo_to_string(algo) : "?");
    return FALSE;
}

/*
 * Verifies that the signer (@key, whose certificate has @usage) signed the
 * SEV certificate @subject in one of its slots.
 */
static gboolean
verify_sev_signed_by(EVP_PKEY *key, guint32 usage, const SevirtSevCert *subject,
                     GError **error)
{
    g_autoptr(GError) first = NULL;

    for (guint slot = 0; slot < 2; slot++) {
        const guint8 *sig = subject->data + SEV_OFF_SIG(slot);
        g_autoptr(GError) local = NULL;

        if (sevirt_le32(sig + SEV_SIG_OFF_USAGE) != usage)
            continue;
        if (verify_slot(key, subject->data, sig, &local))
            return TRUE;
        if (!first)
            first = g_steal_pointer(&local);
    }
    if (first) {
        g_propagate_error(error, g_steal_pointer(&first));
        return FALSE;
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("no signature slot for the %s"), sevirt_cert_usage_to_string(usage));
    return FALSE;
}

gboolean
sevirt_sev_cert_verify(const SevirtSevCert *issuer, const SevirtSevCert *subject,
                       GError **error)
{
    guint32 algo = sevirt_sev_cert_get_algo(issuer);

    if (!algo_is_ecdsa(algo) && !algo_is_rsa(algo)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("the %s key (%s) cannot sign"),
                    sevirt_cert_usage_to_string(sevirt_sev_cert_get_usage(issuer)),
                    sevirt_cert_algo_to_string(algo));
        return FALSE;
    }
    return verify_sev_signed_by(issuer->key, sevirt_sev_cert_get_usage(issuer), subject, error);
}

void
sevirt_sev_cert_free(SevirtSevCert *cert)
{
    if (!cert)
        return;
    EVP_PKEY_free(cert->key);
    g_free(cert);
}

SevirtSevCert *
sevirt_sev_cert_copy(const SevirtSevCert *cert)
{
    SevirtSevCert *copy = g_new0(SevirtSevCert, 1);

    memcpy(copy->data, cert->data, SEVIRT_SEV_CERT_SIZE);
    EVP_PKEY_up_ref(cert->key);
    copy->key = cert->key;
    return copy;
}

const guint8 *
sevirt_sev_cert_get_data(const SevirtSevCert *cert)
{
    return cert->data;
}

SevirtCertUsage
sevirt_sev_cert_get_usage(const SevirtSevCert *cert)
{
    return sevirt_le32(cert->data + SEV_OFF_USAGE);
}

SevirtCertAlgo
sevirt_sev_cert_get_algo(const SevirtSevCert *cert)
{
    return sevirt_le32(cert->data + SEV_OFF_ALGO);
}

guint32
sevirt_sev_cert_get_curve(const SevirtSevCert *cert)
{
    if (!algo_is_ec(sevirt_sev_cert_get_algo(cert)))
        return 0;
    return sevirt_le32(cert->data + SEV_OFF_PUBKEY + SEV_EC_OFF_CURVE);
}

void
sevirt_sev_cert_get_api_version(const SevirtSevCert *cert, guint8 *major, guint8 *minor)
{
    *major = cert->data[SEV_OFF_API_MAJOR];
    *minor = cert->data[SEV_OFF_API_MINOR];
}

EVP_PKEY *
sevirt_sev_cert_get_public_key(const SevirtSevCert *cert)
{
    EVP_PKEY_up_ref(cert->key);
    return cert->key;
}

/* ---------------------------------------------------------------------- */
/* AMD certificates */

static gsize
amd_body_len(const SevirtAmdCert *cert)
{
    return AMD_OFF_EXP + cert->exp_len + cert->mod_len;
}

/* A binary AMD certificate starts with version 1 (01 00 00 00); base64 or
 * PEM text starts with printable characters. */
static gboolean
starts_with_text(const guint8 *data, gsize len)
{
    for (gsize i = 0; i < MIN(len, (gsize) 16); i++) {
        if (!g_ascii_isprint(data[i]) && !g_ascii_isspace(data[i]))
            return FALSE;
    }
    return len > 0;
}

SevirtAmdCert *
sevirt_amd_cert_parse(const guint8 *data, gsize len, const char *what, GError **error)
{
    g_autoptr(SevirtAmdCert) cert = NULL;
    g_autoptr(GError) local = NULL;
    guint32 version, usage, exp_bits, mod_bits;

    if (len < AMD_OFF_EXP) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' is truncated (%" G_GSIZE_FORMAT " bytes), not an AMD ARK/ASK certificate"),
                    what, len);
        return NULL;
    }
    if (len == SEVIRT_SEV_CERT_SIZE) {
        /* No AMD certificate has that size: someone swapped files. */
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' is an SEV certificate (%d bytes), not an AMD ARK/ASK certificate"),
                    what, SEVIRT_SEV_CERT_SIZE);
        return NULL;
    }
    version = sevirt_le32(data + AMD_OFF_VERSION);
    usage = sevirt_le32(data + AMD_OFF_USAGE);
    exp_bits = sevirt_le32(data + AMD_OFF_EXP_BITS);
    mod_bits = sevirt_le32(data + AMD_OFF_MOD_BITS);
    if (version != 1 && starts_with_text(data, len)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' starts with text (base64 or PEM?): AMD ARK/ASK certificates are read in AMD's binary format, as AMD publishes them"),
                    what);
        return NULL;
    }
    if (version != 1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has version %u, expected 1 (an AMD ARK/ASK certificate)"),
                    what, version);
        return NULL;
    }
    if (usage != SEVIRT_CERT_USAGE_ARK && usage != SEVIRT_CERT_USAGE_ASK) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has usage 0x%x, expected ARK (0x0) or ASK (0x13)"),
                    what, usage);
        return NULL;
    }
    if ((mod_bits != 2048 && mod_bits != 4096) || exp_bits == 0 ||
        exp_bits > mod_bits || exp_bits % 8 != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has an unsupported RSA key (modulus %u bits, exponent %u bits)"),
                    what, mod_bits, exp_bits);
        return NULL;
    }
    if (len != AMD_OFF_EXP + exp_bits / 8 + 2 * (mod_bits / 8)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' has %" G_GSIZE_FORMAT " bytes, expected %u for a %u-bit AMD certificate"),
                    what, len, AMD_OFF_EXP + exp_bits / 8 + 2 * (mod_bits / 8), mod_bits);
        return NULL;
    }

    cert = g_new0(SevirtAmdCert, 1);
    cert->data = g_memdup2(data, len);
    cert->len = len;
    cert->exp_len = exp_bits / 8;
    cert->mod_len = mod_bits / 8;
    cert->key = sevirt_rsa_key_from_le(cert->data + AMD_OFF_EXP + cert->exp_len, cert->mod_len,
                                       cert->data + AMD_OFF_EXP, cert->exp_len, &local);
    if (!cert->key) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate '%s' holds an invalid RSA key: %s"), what, local->message);
        return NULL;
    }
    return g_steal_pointer(&cert);
}

SevirtAmdCert *
sevirt_amd_cert_read(const char *path, GError **error)
{
    g_autofree guint8 *data = NULL;
    gsize len = 0;

    data = sevirt_file_read(path, CERT_FILE_MAX, &len, error);
    if (!data)
        return NULL;
    return sevirt_amd_cert_parse(data, len, path, error);
}

SevirtAmdCert *
sevirt_amd_cert_new(SevirtCertUsage usage,
                    const guint8 key_id[SEVIRT_AMD_KEY_ID_SIZE],
                    const guint8 certifying_id[SEVIRT_AMD_KEY_ID_SIZE],
                    EVP_PKEY *key, GError **error)
{
    g_autoptr(SevirtAmdCert) cert = NULL;
    int bits = EVP_PKEY_is_a(key, "RSA") ? EVP_PKEY_get_bits(key) : 0;

    if ((usage != SEVIRT_CERT_USAGE_ARK && usage != SEVIRT_CERT_USAGE_ASK) ||
        (bits != 2048 && bits != 4096)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("AMD certificates are ARK or ASK certificates with 2048- or 4096-bit RSA keys"));
        return NULL;
    }
    cert = g_new0(SevirtAmdCert, 1);
    cert->exp_len = cert->mod_len = bits / 8;
    cert->len = AMD_OFF_EXP + 3 * cert->mod_len;
    cert->data = g_malloc0(cert->len);
    sevirt_put_le32(cert->data + AMD_OFF_VERSION, 1);
    memcpy(cert->data + AMD_OFF_KEY_ID, key_id, SEVIRT_AMD_KEY_ID_SIZE);
    memcpy(cert->data + AMD_OFF_CERT_ID, certifying_id, SEVIRT_AMD_KEY_ID_SIZE);
    sevirt_put_le32(cert->data + AMD_OFF_USAGE, usage);
    sevirt_put_le32(cert->data + AMD_OFF_EXP_BITS, bits);
    sevirt_put_le32(cert->data + AMD_OFF_MOD_BITS, bits);
    if (!sevirt_rsa_key_to_le(key, cert->data + AMD_OFF_EXP + cert->exp_len,
                              cert->data + AMD_OFF_EXP, cert->mod_len, error))
        return NULL;
    cert->key = sevirt_rsa_key_from_le(cert->data + AMD_OFF_EXP + cert->exp_len, cert->mod_len,
                                       cert->data + AMD_OFF_EXP, cert->exp_len, error);
    if (!cert->key)
        return NULL;
    return g_steal_pointer(&cert);
}

gboolean
sevirt_amd_cert_sign(SevirtAmdCert *cert, EVP_PKEY *signer, GError **error)
{
    g_autofree guint8 *sig = NULL;
    gsize sig_len = 0;
    guint8 *out = cert->data + amd_body_len(cert);

    if (!EVP_PKEY_is_a(signer, "RSA") ||
        (gsize) EVP_PKEY_get_size(signer) != cert->mod_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("An AMD certificate is signed by an RSA key of its own size"));
        return FALSE;
    }
    sig = sevirt_sign(signer, rsa_digest_for_bits(cert->mod_len * 8), cert->data,
                      amd_body_len(cert), &sig_len, error);
    if (!sig)
        return FALSE;
    memset(out, 0, cert->mod_len);
    copy_reversed(out, sig, MIN(sig_len, cert->mod_len));
    return TRUE;
}

gboolean
sevirt_amd_cert_verify(const SevirtAmdCert *issuer, const SevirtAmdCert *subject,
                       GError **error)
{
    const guint8 *sig_le = subject->data + amd_body_len(subject);
    g_autofree guint8 *sig = NULL;

    if (sevirt_amd_cert_get_usage(issuer) != SEVIRT_CERT_USAGE_ARK) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("only an ARK signs AMD certificates"));
        return FALSE;
    }
    if (memcmp(sevirt_amd_cert_get_certifying_id(subject),
               sevirt_amd_cert_get_key_id(issuer), SEVIRT_AMD_KEY_ID_SIZE) != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("certified by another key than this ARK (key ids differ)"));
        return FALSE;
    }
    if (subject->mod_len != issuer->mod_len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("key sizes differ (%u and %u bits)"),
                    issuer->mod_len * 8, subject->mod_len * 8);
        return FALSE;
    }
    sig = g_malloc(subject->mod_len);
    copy_reversed(sig, sig_le, subject->mod_len);
    return sevirt_verify(issuer->key, rsa_digest_for_bits(issuer->mod_len * 8),
                         subject->data, amd_body_len(subject), sig, subject->mod_len, error);
}

gboolean
sevirt_amd_cert_verify_cek(const SevirtAmdCert *ask, const SevirtSevCert *cek,
                           GError **error)
{
    return verify_sev_signed_by(ask->key, SEVIRT_CERT_USAGE_ASK, cek, error);
}

void
sevirt_amd_cert_free(SevirtAmdCert *cert)
{
    if (!cert)
        return;
    EVP_PKEY_free(cert->key);
    g_free(cert->data);
    g_free(cert);
}

SevirtAmdCert *
sevirt_amd_cert_copy(const SevirtAmdCert *cert)
{
    SevirtAmdCert *copy = g_memdup2(cert, sizeof(*cert));

    copy->data = g_memdup2(cert->data, cert->len);
    EVP_PKEY_up_ref(cert->key);
    return copy;
}

const guint8 *
sevirt_amd_cert_get_data(const SevirtAmdCert *cert, gsize *len)
{
    *len = cert->len;
    return cert->data;
}

SevirtCertUsage
sevirt_amd_cert_get_usage(const SevirtAmdCert *cert)
{
    return sevirt_le32(cert->data + AMD_OFF_USAGE);
}

const guint8 *
sevirt_amd_cert_get_key_id(const SevirtAmdCert *cert)
{
    return cert->data + AMD_OFF_KEY_ID;
}

const guint8 *
sevirt_amd_cert_get_certifying_id(const SevirtAmdCert *cert)
{
    return cert->data + AMD_OFF_CERT_ID;
}

guint
sevirt_amd_cert_get_key_bits(const SevirtAmdCert *cert)
{
    return cert->mod_len * 8;
}

/* ---------------------------------------------------------------------- */
/* Chains */

void
sevirt_cert_chain_clear(SevirtCertChain *chain)
{
    g_clear_pointer(&chain->ark, sevirt_amd_cert_free);
    g_clear_pointer(&chain->ask, sevirt_amd_cert_free);
    g_clear_pointer(&chain->cek, sevirt_sev_cert_free);
    g_clear_pointer(&chain->oca, sevirt_sev_cert_free);
    g_clear_pointer(&chain->pek, sevirt_sev_cert_free);
    g_clear_pointer(&chain->pdh, sevirt_sev_cert_free);
}

const char *
sevirt_chain_link_to_string(SevirtChainLink link)
{
    switch (link) {
    case SEVIRT_CHAIN_LINK_ARK_SELF: return "ARK self-signature";
    case SEVIRT_CHAIN_LINK_ARK_ASK: return "ARK -> ASK";
    case SEVIRT_CHAIN_LINK_ASK_CEK: return "ASK -> CEK";
    case SEVIRT_CHAIN_LINK_OCA_SELF: return "OCA self-signature";
    case SEVIRT_CHAIN_LINK_OCA_PEK: return "OCA -> PEK";
    case SEVIRT_CHAIN_LINK_CEK_PEK: return "CEK -> PEK";
    case SEVIRT_CHAIN_LINK_PEK_PDH: return "PEK -> PDH";
    case SEVIRT_CHAIN_LINK_COUNT: break;
    }
    return "?";
}

/* Checks a certificate sits where its usage says it belongs. */
static gboolean
check_usage(guint32 have, SevirtCertUsage want, GError **error)
{
    if (have == want)
        return TRUE;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                _("the certificate given as %s has usage %s"),
                sevirt_cert_usage_to_string(want),
                sevirt_cert_usage_to_string(have) ? sevirt_cert_usage_to_string(have) : "?");
    return FALSE;
}

static gboolean
verify_link(const SevirtCertChain *c, SevirtChainLink link, GError **error)
{
    switch (link) {
    case SEVIRT_CHAIN_LINK_ARK_SELF:
        return check_usage(sevirt_amd_cert_get_usage(c->ark), SEVIRT_CERT_USAGE_ARK, error) &&
               sevirt_amd_cert_verify(c->ark, c->ark, error);
    case SEVIRT_CHAIN_LINK_ARK_ASK:
        return check_usage(sevirt_amd_cert_get_usage(c->ask), SEVIRT_CERT_USAGE_ASK, error) &&
               sevirt_amd_cert_verify(c->ark, c->ask, error);
    case SEVIRT_CHAIN_LINK_ASK_CEK:
        return check_usage(sevirt_sev_cert_get_usage(c->cek), SEVIRT_CERT_USAGE_CEK, error) &&
               sevirt_amd_cert_verify_cek(c->ask, c->cek, error);
    case SEVIRT_CHAIN_LINK_OCA_SELF:
        return check_usage(sevirt_sev_cert_get_usage(c->oca), SEVIRT_CERT_USAGE_OCA, error) &&
               sevirt_sev_cert_verify(c->oca, c->oca, error);
    case SEVIRT_CHAIN_LINK_OCA_PEK:
        return check_usage(sevirt_sev_cert_get_usage(c->pek), SEVIRT_CERT_USAGE_PEK, error) &&
               sevirt_sev_cert_verify(c->oca, c->pek, error);
    case SEVIRT_CHAIN_LINK_CEK_PEK:
        return sevirt_sev_cert_verify(c->cek, c->pek, error);
    case SEVIRT_CHAIN_LINK_PEK_PDH:
        return check_usage(sevirt_sev_cert_get_usage(c->pdh), SEVIRT_CERT_USAGE_PDH, error) &&
               sevirt_sev_cert_verify(c->pek, c->pdh, error);
    case SEVIRT_CHAIN_LINK_COUNT:
        break;
    }
    g_assert_not_reached();
}

gboolean
sevirt_cert_chain_verify(const SevirtCertChain *chain, SevirtChainLink *failed,
                         GError **error)
{
    if (!chain->ark || !chain->ask || !chain->cek || !chain->oca ||
        !chain->pek || !chain->pdh) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Certificate chain is incomplete: ARK, ASK, CEK, OCA, PEK and PDH are all needed"));
        return FALSE;
    }
    for (guint link = 0; link < SEVIRT_CHAIN_LINK_COUNT; link++) {
        g_autoptr(GError) local = NULL;

        if (verify_link(chain, link, &local))
            continue;
        if (failed)
            *failed = link;
        g_set_error(error, SEVIRT_ERROR, local->code,
                    _("Certificate chain broken at %s: %s"),
                    sevirt_chain_link_to_string(link), local->message);
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_cert_chain_read_platform(SevirtCertChain *chain, const char *path, GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autofree char *what_pek = g_strdup_printf(_("%s (PEK)"), path);
    g_autofree char *what_oca = g_strdup_printf(_("%s (OCA)"), path);
    g_autofree char *what_cek = g_strdup_printf(_("%s (CEK)"), path);
    g_autoptr(SevirtSevCert) pek = NULL;
    g_autoptr(SevirtSevCert) oca = NULL;
    g_autoptr(SevirtSevCert) cek = NULL;
    gsize len = 0;

    data = read_raw_or_base64(path, SEVIRT_SEV_CERT_CHAIN_SIZE,
                              _("a PEK+OCA+CEK certificate chain"), &len, error);
    if (!data ||
        !(pek = sevirt_sev_cert_parse(data, SEVIRT_SEV_CERT_SIZE, what_pek, error)) ||
        !(oca = sevirt_sev_cert_parse(data + SEVIRT_SEV_CERT_SIZE, SEVIRT_SEV_CERT_SIZE,
                                      what_oca, error)) ||
        !(cek = sevirt_sev_cert_parse(data + 2 * SEVIRT_SEV_CERT_SIZE, SEVIRT_SEV_CERT_SIZE,
                                      what_cek, error)))
        return FALSE;
    g_clear_pointer(&chain->pek, sevirt_sev_cert_free);
    g_clear_pointer(&chain->oca, sevirt_sev_cert_free);
    g_clear_pointer(&chain->cek, sevirt_sev_cert_free);
    chain->pek = g_steal_pointer(&pek);
    chain->oca = g_steal_pointer(&oca);
    chain->cek = g_steal_pointer(&cek);
    return TRUE;
}

GBytes *
sevirt_cert_chain_get_platform(const SevirtCertChain *chain)
{
    guint8 *blob = g_malloc(SEVIRT_SEV_CERT_CHAIN_SIZE);

    memcpy(blob, chain->pek->data, SEVIRT_SEV_CERT_SIZE);
    memcpy(blob + SEVIRT_SEV_CERT_SIZE, chain->oca->data, SEVIRT_SEV_CERT_SIZE);
    memcpy(blob + 2 * SEVIRT_SEV_CERT_SIZE, chain->cek->data, SEVIRT_SEV_CERT_SIZE);
    return g_bytes_new_take(blob, SEVIRT_SEV_CERT_CHAIN_SIZE);
}

gboolean
sevirt_cert_chain_read_dir(SevirtCertChain *chain, const char *dir, GError **error)
{
    g_auto(SevirtCertChain) c = { 0 };
    g_autofree char *ark = g_build_filename(dir, "ark.cert", NULL);
    g_autofree char *ask = g_build_filename(dir, "ask.cert", NULL);
    g_autofree char *cek = g_build_filename(dir, "cek.cert", NULL);
    g_autofree char *oca = g_build_filename(dir, "oca.cert", NULL);
    g_autofree char *pek = g_build_filename(dir, "pek.cert", NULL);
    g_autofree char *pdh = g_build_filename(dir, "pdh.cert", NULL);

    if (!(c.ark = sevirt_amd_cert_read(ark, error)) ||
        !(c.ask = sevirt_amd_cert_read(ask, error)) ||
        !(c.cek = sevirt_sev_cert_read(cek, error)) ||
        !(c.oca = sevirt_sev_cert_read(oca, error)) ||
        !(c.pek = sevirt_sev_cert_read(pek, error)) ||
        !(c.pdh = sevirt_sev_cert_read(pdh, error)))
        return FALSE;
    sevirt_cert_chain_clear(chain);
    *chain = c;
    memset(&c, 0, sizeof(c));
    return TRUE;
}

gboolean
sevirt_cert_chain_generate(SevirtCertChain *chain, EVP_PKEY **pdh_key,
                           guint8 api_major, guint8 api_minor, guint rsa_bits,
                           GError **error)
{
    g_auto(SevirtCertChain) c = { 0 };
    g_autoptr(EVP_PKEY) ark_key = NULL;
    g_autoptr(EVP_PKEY) ask_key = NULL;
    g_autoptr(EVP_PKEY) cek_key = NULL;
    g_autoptr(EVP_PKEY) oca_key = NULL;
    g_autoptr(EVP_PKEY) pek_key = NULL;
    g_autoptr(EVP_PKEY) pdh = NULL;
    guint8 ark_id[SEVIRT_AMD_KEY_ID_SIZE];
    guint8 ask_id[SEVIRT_AMD_KEY_ID_SIZE];

    if (!sevirt_random_bytes(ark_id, sizeof(ark_id), error) ||
        !sevirt_random_bytes(ask_id, sizeof(ask_id), error) ||
        !(ark_key = sevirt_key_generate_rsa(rsa_bits, error)) ||
        !(ask_key = sevirt_key_generate_rsa(rsa_bits, error)) ||
        !(cek_key = sevirt_key_generate_p384(error)) ||
        !(oca_key = sevirt_key_generate_p384(error)) ||
        !(pek_key = sevirt_key_generate_p384(error)) ||
        !(pdh = sevirt_key_generate_p384(error)))
        return FALSE;

    if (!(c.ark = sevirt_amd_cert_new(SEVIRT_CERT_USAGE_ARK, ark_id, ark_id, ark_key, error)) ||
        !sevirt_amd_cert_sign(c.ark, ark_key, error) ||
        !(c.ask = sevirt_amd_cert_new(SEVIRT_CERT_USAGE_ASK, ask_id, ark_id, ask_key, error)) ||
        !sevirt_amd_cert_sign(c.ask, ark_key, error) ||
        !(c.cek = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_CEK, api_major, api_minor, cek_key, error)) ||
        !sevirt_sev_cert_sign(c.cek, 0, SEVIRT_CERT_USAGE_ASK, ask_key, error) ||
        !(c.oca = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_OCA, api_major, api_minor, oca_key, error)) ||
        !sevirt_sev_cert_sign(c.oca, 0, SEVIRT_CERT_USAGE_OCA, oca_key, error) ||
        !(c.pek = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_PEK, api_major, api_minor, pek_key, error)) ||
        !sevirt_sev_cert_sign(c.pek, 0, SEVIRT_CERT_USAGE_OCA, oca_key, error) ||
        !sevirt_sev_cert_sign(c.pek, 1, SEVIRT_CERT_USAGE_CEK, cek_key, error) ||
        !(c.pdh = sevirt_sev_cert_new(SEVIRT_CERT_USAGE_PDH, api_major, api_minor, pdh, error)) ||
        !sevirt_sev_cert_sign(c.pdh, 0, SEVIRT_CERT_USAGE_PEK, pek_key, error))
        return FALSE;

    sevirt_cert_chain_clear(chain);
    *chain = c;
    memset(&c, 0, sizeof(c));
    *pdh_key = g_steal_pointer(&pdh);
    return TRUE;
}
