/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP attestation reports: parsing, the VCEK/VLEK chain, the report
 * signature and the owner's checks.  OpenSSL 3: X509_verify() for the
 * RSASSA-PSS certificates, EVP_DigestVerify for the report.
 *
 * Over 700 lines on purpose: one report verified end to end; the parser,
 * the VCEK/VLEK extensions, the signature and the owner's checks read the
 * same report layout, which split modules would have to export.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sevirt-amd-roots.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-snp-measure.h"
#include "sevirt-snp-report.h"
#include "sevirt-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ASN1_INTEGER, ASN1_INTEGER_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ASN1_IA5STRING, ASN1_IA5STRING_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BIO, BIO_free)

/* Offsets in ATTESTATION_REPORT */
#define R_VERSION           0x000
#define R_GUEST_SVN         0x004
#define R_POLICY            0x008
#define R_FAMILY_ID         0x010
#define R_IMAGE_ID          0x020
#define R_VMPL              0x030
#define R_SIG_ALGO          0x034
#define R_CURRENT_TCB       0x038
#define R_PLATFORM_INFO     0x040
#define R_SIGNER_INFO       0x048
#define R_REPORT_DATA       0x050
#define R_MEASUREMENT       0x090
#define R_HOST_DATA         0x0C0
#define R_ID_KEY_DIGEST     0x0E0
#define R_AUTHOR_KEY_DIGEST 0x110
#define R_REPORT_ID         0x140
#define R_REPORT_ID_MA      0x160
#define R_REPORTED_TCB      0x180
#define R_CPUID_FAM         0x188
#define R_CPUID_MOD         0x189
#define R_CPUID_STEP        0x18A
#define R_CHIP_ID           0x1A0
#define R_COMMITTED_TCB     0x1E0
#define R_CURRENT_BUILD     0x1E8
#define R_COMMITTED_BUILD   0x1EC
#define R_LAUNCH_TCB        0x1F0
#define R_LAUNCH_MIT        0x1F8
#define R_CURRENT_MIT       0x200
#define R_SIG_R             0x2A0
#define R_SIG_S             0x2E8
#define SIG_FIELD_LEN       72
#define P384_LEN            48

#define SIG_ALGO_ECDSA_P384_SHA384 1
#define TURIN_FAMILY 0x1A

struct _SevirtSnpCert {
    X509 *x509;
};

static guint64
le64(const guint8 *p)
{
    return (guint64) sevirt_le32(p) | ((guint64) sevirt_le32(p + 4) << 32);
}

gboolean
sevirt_snp_report_parse(const guint8 *data, gsize len, const char *what,
                        SevirtSnpReport *r, GError **error)
{
    const guint8 *d = data;

    if (len != SEVIRT_SNP_REPORT_SIZE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' is not an SEV-SNP attestation report: %" G_GSIZE_FORMAT " bytes instead of %u"),
                    what, len, SEVIRT_SNP_REPORT_SIZE);
        return FALSE;
    }
    memset(r, 0, sizeof(*r));
    memcpy(r->raw, d, len);
    r->version = sevirt_le32(d + R_VERSION);
    if (r->version < 2 || r->version > 5) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' is an attestation report of unknown version %u (known: 2 to 5)"),
                    what, r->version);
        return FALSE;
    }
    r->guest_svn = sevirt_le32(d + R_GUEST_SVN);
    r->policy = le64(d + R_POLICY);
    memcpy(r->family_id, d + R_FAMILY_ID, 16);
    memcpy(r->image_id, d + R_IMAGE_ID, 16);
    r->vmpl = sevirt_le32(d + R_VMPL);
    r->signature_algo = sevirt_le32(d + R_SIG_ALGO);
    r->current_tcb = le64(d + R_CURRENT_TCB);
    r->platform_info = le64(d + R_PLATFORM_INFO);
    r->signer_info = sevirt_le32(d + R_SIGNER_INFO);
    memcpy(r->report_data, d + R_REPORT_DATA, 64);
    memcpy(r->measurement, d + R_MEASUREMENT, 48);
    memcpy(r->host_data, d + R_HOST_DATA, 32);
    memcpy(r->id_key_digest, d + R_ID_KEY_DIGEST, 48);
    memcpy(r->author_key_digest, d + R_AUTHOR_KEY_DIGEST, 48);
    memcpy(r->report_id, d + R_REPORT_ID, 32);
    memcpy(r->report_id_ma, d + R_REPORT_ID_MA, 32);
    r->reported_tcb = le64(d + R_REPORTED_TCB);
    if (r->version >= 3) {
        r->cpuid_fam_id = d[R_CPUID_FAM];
        r->cpuid_mod_id = d[R_CPUID_MOD];
        r->cpuid_step = d[R_CPUID_STEP];
    }
    memcpy(r->chip_id, d + R_CHIP_ID, 64);
    r->committed_tcb = le64(d + R_COMMITTED_TCB);
    r->current_build = d[R_CURRENT_BUILD];
    r->current_minor = d[R_CURRENT_BUILD + 1];
    r->current_major = d[R_CURRENT_BUILD + 2];
    r->committed_build = d[R_COMMITTED_BUILD];
    r->committed_minor = d[R_COMMITTED_BUILD + 1];
    r->committed_major = d[R_COMMITTED_BUILD + 2];
    r->launch_tcb = le64(d + R_LAUNCH_TCB);
    if (r->version >= 5) {
        r->launch_mit_vector = le64(d + R_LAUNCH_MIT);
        r->current_mit_vector = le64(d + R_CURRENT_MIT);
    }
    return TRUE;
}

/* Text forms: hex (2 * 1184 digits) or base64, whitespace anywhere. */
static guint8 *
decode_text_report(const guint8 *data, gsize len, gsize *out_len)
{
    g_autoptr(GString) text = g_string_sized_new(len);
    guint8 *raw;

    for (gsize i = 0; i < len; i++) {
        if (data[i] == 0)
            return NULL;
        if (!g_ascii_isspace(data[i]))
            g_string_append_c(text, data[i]);
    }
    if (text->len == 2 * SEVIRT_SNP_REPORT_SIZE) {
        raw = g_malloc(SEVIRT_SNP_REPORT_SIZE);
        if (sevirt_snp_hex_parse("report", text->str, raw, SEVIRT_SNP_REPORT_SIZE, NULL)) {
            *out_len = SEVIRT_SNP_REPORT_SIZE;
            return raw;
        }
        g_free(raw);
    }
    return sevirt_base64_decode_strict("report", text->str, 0, out_len, NULL);
}

gboolean
sevirt_snp_report_read(const char *path, SevirtSnpReport *report, GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autofree guint8 *decoded = NULL;
    gsize len = 0, dlen = 0;

    /* a text report is at most a few KiB */
    data = sevirt_file_read(path, 16384, &len, error);
    if (!data)
        return FALSE;
    if (len != SEVIRT_SNP_REPORT_SIZE && (decoded = decode_text_report(data, len, &dlen)) &&
        dlen == SEVIRT_SNP_REPORT_SIZE)
        return sevirt_snp_report_parse(decoded, dlen, path, report, error);
    return sevirt_snp_report_parse(data, len, path, report, error);
}

gboolean
sevirt_snp_report_is_turin(const SevirtSnpReport *report)
{
    return report->version >= 3 && report->cpuid_fam_id == TURIN_FAMILY;
}

void
sevirt_snp_tcb_decode(guint64 tcb, gboolean turin, SevirtSnpTcb *out)
{
    guint8 b[8];

    sevirt_put_le64(b, tcb);
    memset(out, 0, sizeof(*out));
    if (turin) {
        out->fmc = b[0];
        out->bootloader = b[1];
        out->tee = b[2];
        out->snp = b[3];
    } else {
        out->bootloader = b[0];
        out->tee = b[1];
        out->snp = b[6];
    }
    out->microcode = b[7];
}

SevirtSnpSigner
sevirt_snp_report_get_signer(const SevirtSnpReport *report)
{
    return (report->signer_info >> 2) & 0x7;
}

const char *
sevirt_snp_signer_to_string(SevirtSnpSigner signer)
{
    switch (signer) {
    case SEVIRT_SNP_SIGNER_VCEK:
        return "VCEK";
    case SEVIRT_SNP_SIGNER_VLEK:
        return "VLEK";
    case SEVIRT_SNP_SIGNER_NONE:
        return "none";
    default:
        return "reserved";
    }
}

static const struct {
    const char *name;
    guint bit;
} policy_flags[] = {
    { "smt", 16 },
    { "reserved-mbo", 17 },
    { "migrate-ma", 18 },
    { "debug", 19 },
    { "single-socket", 20 },
    { "cxl-allow", 21 },
    { "mem-aes-256-xts", 22 },
    { "rapl-dis", 23 },
    { "ciphertext-hiding", 24 },
    { "page-swap-disable", 25 },
};

static const char *const platform_info_names[] = {
    "smt-en", "tsme-en", "ecc-en", "rapl-dis", "ciphertext-hiding-en",
    "alias-check-complete", NULL, "tio-en",
};

gboolean
sevirt_snp_policy_flag_parse(const char *what, const char *text, guint64 *bits, GError **error)
{
    g_auto(GStrv) names = g_strsplit(text, ",", -1);

    *bits = 0;
    for (guint i = 0; names[i]; i++) {
        const char *n = g_strstrip(names[i]);
        gboolean found = FALSE;

        for (guint f = 0; f < G_N_ELEMENTS(policy_flags) && !found; f++) {
            if (g_ascii_strcasecmp(n, policy_flags[f].name) == 0) {
                *bits |= G_GUINT64_CONSTANT(1) << policy_flags[f].bit;
                found = TRUE;
            }
        }
        if (!found) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s: unknown policy flag '%s' (smt, migrate-ma, debug, single-socket, cxl-allow, mem-aes-256-xts, rapl-dis, ciphertext-hiding, page-swap-disable)"),
                        what, n);
            return FALSE;
        }
    }
    return TRUE;
}

char **
sevirt_snp_policy_flags(guint64 policy)
{
    GPtrArray *a = g_ptr_array_new();

    for (guint f = 0; f < G_N_ELEMENTS(policy_flags); f++) {
        if (policy & (G_GUINT64_CONSTANT(1) << policy_flags[f].bit))
            g_ptr_array_add(a, g_strdup(policy_flags[f].name));
    }
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
}

char **
sevirt_snp_platform_info_flags(guint64 platform_info)
{
    GPtrArray *a = g_ptr_array_new();

    for (guint b = 0; b < G_N_ELEMENTS(platform_info_names); b++) {
        if ((platform_info & (G_GUINT64_CONSTANT(1) << b)) && platform_info_names[b])
            g_ptr_array_add(a, g_strdup(platform_info_names[b]));
    }
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
}

/* ---------------------------------------------------------------------- */
/* certificates */

void
sevirt_snp_cert_free(SevirtSnpCert *cert)
{
    if (!cert)
        return;
    X509_free(cert->x509);
    g_free(cert);
}

static SevirtSnpCert *
cert_wrap(X509 *x509)
{
    SevirtSnpCert *cert = g_new0(SevirtSnpCert, 1);

    cert->x509 = x509;
    return cert;
}

SevirtSnpCert *
sevirt_snp_cert_read(const char *path, GError **error)
{
    g_autofree guint8 *data = NULL;
    const unsigned char *p;
    gsize len = 0;
    X509 *x509;

    data = sevirt_file_read(path, 65536, &len, error);
    if (!data)
        return NULL;
    p = data;
    x509 = d2i_X509(NULL, &p, len);
    if (!x509) {
        g_autoptr(BIO) bio = BIO_new_mem_buf(data, len);

        x509 = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    }
    if (!x509) {
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID,
                            _("'%s' is not an X.509 certificate (DER or PEM)"), path);
        return NULL;
    }
    ERR_clear_error();
    return cert_wrap(x509);
}

SevirtSnpCert *
sevirt_snp_cert_from_pem(const char *pem, const char *what, GError **error)
{
    g_autoptr(BIO) bio = BIO_new_mem_buf(pem, -1);
    X509 *x509 = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

    if (!x509) {
        sevirt_crypto_error(error, SEVIRT_ERROR_INVALID,
                            _("%s is not a PEM X.509 certificate"), what);
        return NULL;
    }
    ERR_clear_error();
    return cert_wrap(x509);
}

gboolean
sevirt_snp_cert_builtin_roots(const SevirtSnpCert *vek, SevirtSnpCert **ark,
                              SevirtSnpCert **ask, const char **generation,
                              GError **error)
{
    SevirtAmdSnpCert which = SEVIRT_AMD_SNP_ASK;
    SevirtAmdGeneration gen = sevirt_amd_roots_snp_find(vek->x509, &which);
    g_autoptr(X509) ark_x509 = NULL;
    g_autoptr(X509) ask_x509 = NULL;

    if (gen == SEVIRT_AMD_GEN_UNKNOWN) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("The VCEK/VLEK was not issued by any of AMD's SEV-SNP signing keys built into sevirt (Milan, Genoa, Turin)"));
        return FALSE;
    }
    if (!(ark_x509 = sevirt_amd_roots_snp_get(gen, SEVIRT_AMD_SNP_ARK, error)) ||
        !(ask_x509 = sevirt_amd_roots_snp_get(gen, which, error)))
        return FALSE;
    *ark = cert_wrap(g_steal_pointer(&ark_x509));
    *ask = cert_wrap(g_steal_pointer(&ask_x509));
    if (generation)
        *generation = sevirt_amd_generation_to_string(gen);
    return TRUE;
}

gboolean
sevirt_snp_cert_is_amd_ark(const SevirtSnpCert *cert)
{
    for (SevirtAmdGeneration gen = SEVIRT_AMD_GEN_NAPLES; gen <= SEVIRT_AMD_GEN_TURIN; gen++) {
        g_autoptr(X509) ark = sevirt_amd_roots_snp_get(gen, SEVIRT_AMD_SNP_ARK, NULL);

        if (ark && X509_cmp(ark, cert->x509) == 0)
            return TRUE;
    }
    return FALSE;
}

gboolean
sevirt_snp_cert_chain_read(const char *path, SevirtSnpCert **ask, SevirtSnpCert **ark,
                           GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autoptr(BIO) bio = NULL;
    X509 *first, *second;
    gsize len = 0;

    data = sevirt_file_read(path, 65536, &len, error);
    if (!data)
        return FALSE;
    bio = BIO_new_mem_buf(data, len);
    first = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    second = first ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    ERR_clear_error();
    if (!second) {
        X509_free(first);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("'%s' is not a certificate chain: expected two PEM certificates, the ASK (or ASVK) then the ARK"),
                    path);
        return FALSE;
    }
    *ask = cert_wrap(first);
    *ark = cert_wrap(second);
    return TRUE;
}

char *
sevirt_snp_cert_get_subject_cn(const SevirtSnpCert *cert)
{
    char buf[256];
    X509_NAME *name = X509_get_subject_name(cert->x509);

    if (X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof(buf)) < 0)
        return NULL;
    return g_strdup(buf);
}

gboolean
sevirt_snp_cert_verify_issued(const SevirtSnpCert *cert, const SevirtSnpCert *issuer,
                              GError **error)
{
    g_autofree char *cn = sevirt_snp_cert_get_subject_cn(cert);
    g_autofree char *issuer_cn = sevirt_snp_cert_get_subject_cn(issuer);
    EVP_PKEY *key = X509_get0_pubkey(issuer->x509);

    if (X509_NAME_cmp(X509_get_issuer_name(cert->x509), X509_get_subject_name(issuer->x509)) != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("'%s' was not issued by '%s'"), cn ? cn : "?", issuer_cn ? issuer_cn : "?");
        return FALSE;
    }
    if (!key || X509_verify(cert->x509, key) != 1) {
        ERR_clear_error();
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("the signature of '%s' does not verify under the key of '%s'"),
                    cn ? cn : "?", issuer_cn ? issuer_cn : "?");
        return FALSE;
    }
    return TRUE;
}

void
sevirt_snp_vek_info_clear(SevirtSnpVekInfo *info)
{
    g_clear_pointer(&info->product_name, g_free);
    g_clear_pointer(&info->csp_id, g_free);
}

#define AMD_OID "1.3.6.1.4.1.3704.1."

/* The DER contents of the extension @oid (below AMD's arc), or NULL. */
static const guint8 *
amd_ext(const SevirtSnpCert *cert, const char *suffix, gsize *len)
{
    g_autofree char *want = g_strconcat(AMD_OID, suffix, NULL);

    for (int i = 0; i < X509_get_ext_count(cert->x509); i++) {
        X509_EXTENSION *ext = X509_get_ext(cert->x509, i);
        char oid[80];
        ASN1_OCTET_STRING *data;

        if (OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1) <= 0 ||
            strcmp(oid, want) != 0)
            continue;
        data = X509_EXTENSION_get_data(ext);
        *len = ASN1_STRING_length(data);
        return ASN1_STRING_get0_data(data);
    }
    *len = 0;
    return NULL;
}

/* An SPL extension: a DER INTEGER of at most 255. */
static gboolean
amd_ext_uint(const SevirtSnpCert *cert, const char *suffix, guint8 *value, gboolean *present)
{
    gsize len = 0;
    const guint8 *der = amd_ext(cert, suffix, &len);
    const unsigned char *p = der;
    g_autoptr(ASN1_INTEGER) i = NULL;
    uint64_t v = 0;

    *present = der != NULL;
    if (!der)
        return TRUE;
    i = d2i_ASN1_INTEGER(NULL, &p, len);
    if (!i || ASN1_INTEGER_get_uint64(&v, i) != 1 || v > 0xff) {
        ERR_clear_error();
        return FALSE;
    }
    *value = v;
    return TRUE;
}

static char *
amd_ext_ia5(const SevirtSnpCert *cert, const char *suffix)
{
    gsize len = 0;
    const guint8 *der = amd_ext(cert, suffix, &len);
    const unsigned char *p = der;
    g_autoptr(ASN1_IA5STRING) s = NULL;

    if (!der || !(s = d2i_ASN1_IA5STRING(NULL, &p, len))) {
        ERR_clear_error();
        return NULL;
    }
    return g_strndup((const char *) ASN1_STRING_get0_data(s), ASN1_STRING_length(s));
}

gboolean
sevirt_snp_vek_info_get(const SevirtSnpCert *vek, SevirtSnpVekInfo *info, GError **error)
{
    static const struct {
        const char *oid;
        gsize offset;
        gboolean required;
    } spl[] = {
        { "3.1", G_STRUCT_OFFSET(SevirtSnpTcb, bootloader), TRUE },
        { "3.2", G_STRUCT_OFFSET(SevirtSnpTcb, tee), TRUE },
        { "3.3", G_STRUCT_OFFSET(SevirtSnpTcb, snp), TRUE },
        { "3.8", G_STRUCT_OFFSET(SevirtSnpTcb, microcode), TRUE },
        { "3.9", G_STRUCT_OFFSET(SevirtSnpTcb, fmc), FALSE },
    };
    g_autofree char *cn = sevirt_snp_cert_get_subject_cn(vek);
    const guint8 *hwid;
    gsize len = 0;
    guint8 sv = 0;
    gboolean present;

    memset(info, 0, sizeof(*info));
    for (guint i = 0; i < G_N_ELEMENTS(spl); i++) {
        guint8 *field = G_STRUCT_MEMBER_P(&info->tcb, spl[i].offset);

        if (!amd_ext_uint(vek, spl[i].oid, field, &present) || (spl[i].required && !present)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Certificate '%s' lacks a valid TCB extension %s%s: it is not a VCEK or VLEK"),
                        cn ? cn : "?", AMD_OID, spl[i].oid);
            return FALSE;
        }
        if (g_str_equal(spl[i].oid, "3.9"))
            info->has_fmc = present;
    }
    if (amd_ext_uint(vek, "1", &sv, &present) && present)
        info->struct_version = sv;
    info->product_name = amd_ext_ia5(vek, "2");
    info->csp_id = amd_ext_ia5(vek, "5");
    /* hwID is the raw chip id, not DER: never parse it */
    hwid = amd_ext(vek, "4", &len);
    if (hwid && len <= sizeof(info->hwid)) {
        memcpy(info->hwid, hwid, len);
        info->hwid_len = len;
    }
    return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the report signature */

static gboolean
sig_component(const guint8 *field, BIGNUM **bn)
{
    /* the 48-byte value is zero-extended to 72 bytes */
    for (guint i = P384_LEN; i < SIG_FIELD_LEN; i++) {
        if (field[i])
            return FALSE;
    }
    *bn = BN_lebin2bn(field, P384_LEN, NULL);
    return *bn != NULL;
}

gboolean
sevirt_snp_report_verify_signature(const SevirtSnpReport *report, const SevirtSnpCert *vek,
                                   GError **error)
{
    g_autoptr(ECDSA_SIG) sig = NULL;
    g_autofree char *group = NULL;
    g_autofree guint8 *der = NULL;
    BIGNUM *r = NULL, *s = NULL;
    EVP_PKEY *key = X509_get0_pubkey(vek->x509);
    unsigned char *p = NULL;
    int der_len;

    if (report->signature_algo != SIG_ALGO_ECDSA_P384_SHA384) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("unknown signature algorithm %u (1 is ECDSA P-384 with SHA-384)"),
                    report->signature_algo);
        return FALSE;
    }
    if (!key || !(group = sevirt_ec_key_group(key)) ||
        (g_strcmp0(group, "P-384") != 0 && g_strcmp0(group, "secp384r1") != 0)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("the VCEK/VLEK does not hold an ECDSA P-384 key"));
        return FALSE;
    }
    if (!sig_component(report->raw + R_SIG_R, &r) || !sig_component(report->raw + R_SIG_S, &s)) {
        BN_free(r);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    _("the signature's R or S does not fit 48 bytes"));
        return FALSE;
    }
    sig = ECDSA_SIG_new();
    if (!sig || !ECDSA_SIG_set0(sig, r, s)) {
        BN_free(r);
        BN_free(s);
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot decode the report signature"));
        return FALSE;
    }
    der_len = i2d_ECDSA_SIG(sig, &p);
    if (der_len <= 0) {
        sevirt_crypto_error(error, SEVIRT_ERROR_FAILED, _("Cannot encode the report signature"));
        return FALSE;
    }
    der = g_memdup2(p, der_len);
    OPENSSL_free(p);
    return sevirt_verify(key, EVP_sha384(), report->raw, SEVIRT_SNP_REPORT_SIGNED_SIZE,
                         der, der_len, error);
}

/* ---------------------------------------------------------------------- */
/* verification */

void
sevirt_snp_check_free(SevirtSnpCheck *check)
{
    if (!check)
        return;
    g_free(check->name);
    g_free(check->detail);
    g_free(check);
}

static gboolean
add_check(GPtrArray *checks, const char *name, gboolean passed, char *detail)
{
    SevirtSnpCheck *c = g_new0(SevirtSnpCheck, 1);

    c->name = g_strdup(name);
    c->passed = passed;
    c->detail = detail;
    g_ptr_array_add(checks, c);
    return passed;
}

/* A check whose verdict is a GError (NULL: passed). */
static gboolean
add_check_error(GPtrArray *checks, const char *name, GError *verdict, const char *ok)
{
    gboolean passed = verdict == NULL;
    char *detail = g_strdup(passed ? ok : verdict->message);

    g_clear_error(&verdict);
    return add_check(checks, name, passed, detail);
}

gboolean
sevirt_snp_roots_verify(const SevirtSnpRoots *roots, GPtrArray *checks)
{
    GError *e = NULL;
    gboolean ok;

    sevirt_snp_cert_verify_issued(roots->ark, roots->ark, &e);
    ok = add_check_error(checks, "ark", e, _("the ARK is self-signed"));
    e = NULL;
    sevirt_snp_cert_verify_issued(roots->ask, roots->ark, &e);
    return add_check_error(checks, "ask", e, _("the ASK/ASVK is signed by the ARK")) && ok;
}

static char *
tcb_to_string(const SevirtSnpTcb *t, gboolean turin)
{
    if (turin)
        return g_strdup_printf("fmc=%u,bootloader=%u,tee=%u,snp=%u,microcode=%u",
                               t->fmc, t->bootloader, t->tee, t->snp, t->microcode);
    return g_strdup_printf("bootloader=%u,tee=%u,snp=%u,microcode=%u",
                           t->bootloader, t->tee, t->snp, t->microcode);
}

/* The VCEK is derived from reported_tcb and the chip: its extensions must match. */
static gboolean
check_binding(const SevirtSnpReport *report, const SevirtSnpCert *vek, GPtrArray *checks)
{
    g_auto(SevirtSnpVekInfo) info = { 0 };
    g_autoptr(GError) e = NULL;
    gboolean turin = sevirt_snp_report_is_turin(report);
    SevirtSnpTcb rep;
    g_autofree char *rep_s = NULL;
    g_autofree char *vek_s = NULL;
    gboolean tcb_ok, chip_ok;

    if (!sevirt_snp_vek_info_get(vek, &info, &e))
        return add_check(checks, "tcb", FALSE, g_strdup(e->message));
    sevirt_snp_tcb_decode(report->reported_tcb, turin, &rep);
    rep_s = tcb_to_string(&rep, turin);
    vek_s = tcb_to_string(&info.tcb, turin);
    tcb_ok = rep.bootloader == info.tcb.bootloader && rep.tee == info.tcb.tee &&
             rep.snp == info.tcb.snp && rep.microcode == info.tcb.microcode &&
             (!turin || rep.fmc == info.tcb.fmc);
    add_check(checks, "tcb", tcb_ok,
              tcb_ok ? g_strdup_printf(_("the VCEK/VLEK is for the reported TCB %s"), rep_s)
                     : g_strdup_printf(_("the report's reported_tcb %s is not the VCEK/VLEK's %s"),
                                       rep_s, vek_s));
    if (info.hwid_len == 0) {
        /* a VLEK is not bound to one chip (and the report masks chip_id) */
        return add_check(checks, "chip_id", TRUE,
                         g_strdup(_("the VLEK is not bound to a chip"))) && tcb_ok;
    }
    chip_ok = memcmp(info.hwid, report->chip_id, info.hwid_len) == 0;
    add_check(checks, "chip_id", chip_ok,
              g_strdup(chip_ok ? _("the VCEK's hwID is the report's chip_id")
                               : _("the VCEK's hwID is not the report's chip_id: the VCEK belongs to another chip")));
    return tcb_ok && chip_ok;
}

static gboolean
check_bytes(GPtrArray *checks, const char *name, const guint8 *want, const guint8 *got,
            gsize len)
{
    gboolean ok = memcmp(want, got, len) == 0;

    return add_check(checks, name, ok,
                     g_strdup(ok ? _("as expected") : _("differs from the expected value")));
}

static gboolean
check_policy(GPtrArray *checks, const SevirtSnpReport *r, const SevirtSnpExpect *x)
{
    g_autoptr(GString) why = g_string_new(NULL);
    guint64 missing = x->policy_require & ~r->policy;
    guint64 forbidden = x->policy_deny & r->policy;

    if (x->check_policy && r->policy != x->policy)
        g_string_append_printf(why, _("policy 0x%" G_GINT64_MODIFIER "x is not the expected 0x%" G_GINT64_MODIFIER "x"),
                               r->policy, x->policy);
    if (missing || forbidden) {
        g_auto(GStrv) m = sevirt_snp_policy_flags(missing);
        g_auto(GStrv) f = sevirt_snp_policy_flags(forbidden);
        g_autofree char *ms = g_strjoinv(",", m);
        g_autofree char *fs = g_strjoinv(",", f);

        if (why->len)
            g_string_append(why, "; ");
        if (missing)
            g_string_append_printf(why, _("required flags not set: %s"), ms);
        if (missing && forbidden)
            g_string_append(why, "; ");
        if (forbidden)
            g_string_append_printf(why, _("forbidden flags set: %s"), fs);
    }
    if (why->len)
        return add_check(checks, "policy", FALSE, g_string_free(g_steal_pointer(&why), FALSE));
    return add_check(checks, "policy", TRUE,
                     g_strdup_printf(_("policy 0x%" G_GINT64_MODIFIER "x as required"), r->policy));
}

static gboolean
check_min_tcb(GPtrArray *checks, const SevirtSnpReport *r, const SevirtSnpTcb *min)
{
    gboolean turin = sevirt_snp_report_is_turin(r);
    SevirtSnpTcb t;
    g_autofree char *got = NULL;
    g_autofree char *want = NULL;
    gboolean ok;

    sevirt_snp_tcb_decode(r->reported_tcb, turin, &t);
    ok = t.bootloader >= min->bootloader && t.tee >= min->tee && t.snp >= min->snp &&
         t.microcode >= min->microcode && t.fmc >= min->fmc;
    got = tcb_to_string(&t, turin);
    want = tcb_to_string(min, turin || min->fmc);
    return add_check(checks, "min_tcb", ok,
                     ok ? g_strdup_printf(_("reported TCB %s is at least %s"), got, want)
                        : g_strdup_printf(_("reported TCB %s is below the minimum %s"), got, want));
}

static gboolean
check_expectations(const SevirtSnpReport *r, const SevirtSnpExpect *x, GPtrArray *checks)
{
    gboolean ok = TRUE;

    if (x->measurement)
        ok &= check_bytes(checks, "measurement", x->measurement, r->measurement, 48);
    if (x->report_data)
        ok &= check_bytes(checks, "report_data", x->report_data, r->report_data, 64);
    if (x->host_data)
        ok &= check_bytes(checks, "host_data", x->host_data, r->host_data, 32);
    if (x->check_policy || x->policy_require || x->policy_deny)
        ok &= check_policy(checks, r, x);
    if (x->id_key_digest)
        ok &= check_bytes(checks, "id_key_digest", x->id_key_digest, r->id_key_digest, 48);
    if (x->author_key_digest)
        ok &= check_bytes(checks, "author_key_digest", x->author_key_digest, r->author_key_digest, 48);
    if (x->check_min_tcb)
        ok &= check_min_tcb(checks, r, &x->min_tcb);
    if (x->check_vmpl) {
        gboolean v = r->vmpl == x->vmpl;

        ok &= add_check(checks, "vmpl", v,
                        v ? g_strdup_printf(_("VMPL %u"), r->vmpl)
                          : g_strdup_printf(_("VMPL %u is not the expected %u"), r->vmpl, x->vmpl));
    }
    if (x->chip_id)
        ok &= check_bytes(checks, "chip_id_expected", x->chip_id, r->chip_id, 64);
    return ok;
}

gboolean
sevirt_snp_report_verify(const SevirtSnpReport *report, const SevirtSnpRoots *roots,
                         const SevirtSnpCert *vek, const SevirtSnpExpect *expect,
                         GPtrArray *checks)
{
    static const SevirtSnpExpect none = { 0 };
    SevirtSnpSigner signer = sevirt_snp_report_get_signer(report);
    g_autofree char *cn = sevirt_snp_cert_get_subject_cn(vek);
    GError *e = NULL;
    gboolean ok = TRUE;
    gboolean signer_ok;

    if (roots) {
        sevirt_snp_cert_verify_issued(vek, roots->ask, &e);
        ok &= add_check_error(checks, "vek", e, _("the VCEK/VLEK is signed by the ASK/ASVK"));
        e = NULL;
    }
    sevirt_snp_report_verify_signature(report, vek, &e);
    ok &= add_check_error(checks, "signature", e, _("the report is signed by the VCEK/VLEK"));
    /* a report naming a VLEK must not pass on a VCEK, nor the reverse */
    signer_ok = (signer == SEVIRT_SNP_SIGNER_VCEK && g_strcmp0(cn, "SEV-VCEK") == 0) ||
                (signer == SEVIRT_SNP_SIGNER_VLEK && g_strcmp0(cn, "SEV-VLEK") == 0);
    ok &= add_check(checks, "signer", signer_ok,
                    signer_ok ? g_strdup_printf(_("signed by a %s"), sevirt_snp_signer_to_string(signer))
                              : g_strdup_printf(_("the report names its signing key %s but the certificate is '%s'"),
                                                sevirt_snp_signer_to_string(signer), cn ? cn : "?"));
    ok &= check_binding(report, vek, checks);
    ok &= check_expectations(report, expect ? expect : &none, checks);
    return ok;
}

gboolean
sevirt_snp_tcb_parse(const char *what, const char *text, SevirtSnpTcb *tcb, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);

    memset(tcb, 0, sizeof(*tcb));
    for (guint i = 0; parts[i]; i++) {
        g_auto(GStrv) kv = g_strsplit(g_strstrip(parts[i]), "=", 2);
        guint64 v = 0;
        guint8 *field = NULL;

        if (kv[0] && kv[1]) {
            if (g_str_equal(kv[0], "bootloader"))
                field = &tcb->bootloader;
            else if (g_str_equal(kv[0], "tee"))
                field = &tcb->tee;
            else if (g_str_equal(kv[0], "snp"))
                field = &tcb->snp;
            else if (g_str_equal(kv[0], "microcode"))
                field = &tcb->microcode;
            else if (g_str_equal(kv[0], "fmc"))
                field = &tcb->fmc;
        }
        if (!field) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s: '%s' is not NAME=N with NAME one of bootloader, tee, snp, microcode, fmc"),
                        what, parts[i]);
            return FALSE;
        }
        if (!sevirt_parse_uint(what, kv[1], 0xff, &v, error))
            return FALSE;
        *field = v;
    }
    return TRUE;
}

gboolean
sevirt_snp_bytes_parse(const char *what, const char *text, guint8 *out, gsize len,
                       GError **error)
{
    g_autofree guint8 *raw = NULL;
    gsize raw_len = 0;

    if (sevirt_snp_hex_parse(what, text, out, len, error))
        return TRUE;
    raw = sevirt_base64_decode_strict(what, text, len, &raw_len, NULL);
    if (!raw)
        return FALSE;
    g_clear_error(error);
    memcpy(out, raw, len);
    return TRUE;
}
