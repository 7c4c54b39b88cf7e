/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SEV-SNP attestation reports (ATTESTATION_REPORT, SEV-SNP ABI, AMD
 * publication 56860) and their verification for the guest owner: the
 * ECDSA P-384 signature by the VCEK or VLEK, the X.509 chain ARK -> ASK
 * (ASVK for a VLEK) -> VCEK/VLEK, the binding of the VCEK's TCB and hwID
 * extensions to the report, and the values the owner expects.
 *
 * Nothing here checks certificate validity dates: AMD's VLEKs expire
 * within a year and reports are verified long after; the chain, not the
 * clock, is what binds the report to AMD.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEVIRT_SNP_REPORT_SIZE 0x4A0
/* bytes 0x0..0x29F are signed */
#define SEVIRT_SNP_REPORT_SIGNED_SIZE 0x2A0

/* A TCB_VERSION, decoded; fmc only exists on Turin. */
typedef struct {
    guint8 fmc;
    guint8 bootloader;
    guint8 tee;
    guint8 snp;
    guint8 microcode;
} SevirtSnpTcb;

typedef enum {
    SEVIRT_SNP_SIGNER_VCEK = 0,
    SEVIRT_SNP_SIGNER_VLEK = 1,
    SEVIRT_SNP_SIGNER_NONE = 7,
} SevirtSnpSigner;

/* Guest policy bits (the ABI minor/major are bits 0-15). */
#define SEVIRT_SNP_POLICY_SMT               (G_GUINT64_CONSTANT(1) << 16)
#define SEVIRT_SNP_POLICY_RESERVED_MBO      (G_GUINT64_CONSTANT(1) << 17)
#define SEVIRT_SNP_POLICY_MIGRATE_MA        (G_GUINT64_CONSTANT(1) << 18)
#define SEVIRT_SNP_POLICY_DEBUG             (G_GUINT64_CONSTANT(1) << 19)
#define SEVIRT_SNP_POLICY_SINGLE_SOCKET     (G_GUINT64_CONSTANT(1) << 20)
#define SEVIRT_SNP_POLICY_CXL_ALLOW         (G_GUINT64_CONSTANT(1) << 21)
#define SEVIRT_SNP_POLICY_MEM_AES_256_XTS   (G_GUINT64_CONSTANT(1) << 22)
#define SEVIRT_SNP_POLICY_RAPL_DIS          (G_GUINT64_CONSTANT(1) << 23)
#define SEVIRT_SNP_POLICY_CIPHERTEXT_HIDING (G_GUINT64_CONSTANT(1) << 24)
#define SEVIRT_SNP_POLICY_PAGE_SWAP_DISABLE (G_GUINT64_CONSTANT(1) << 25)

/* The decoded report; @raw keeps the bytes the signature covers. */
typedef struct {
    guint8 raw[SEVIRT_SNP_REPORT_SIZE];
    guint32 version;
    guint32 guest_svn;
    guint64 policy;
    guint8 family_id[16];
    guint8 image_id[16];
    guint32 vmpl;
    guint32 signature_algo;
    guint64 current_tcb;
    guint64 platform_info;
    guint32 signer_info;
    guint8 report_data[64];
    guint8 measurement[48];
    guint8 host_data[32];
    guint8 id_key_digest[48];
    guint8 author_key_digest[48];
    guint8 report_id[32];
    guint8 report_id_ma[32];
    guint64 reported_tcb;
    guint8 cpuid_fam_id;      /* version 3 and later */
    guint8 cpuid_mod_id;
    guint8 cpuid_step;
    guint8 chip_id[64];
    guint64 committed_tcb;
    guint8 current_build;
    guint8 current_minor;
    guint8 current_major;
    guint8 committed_build;
    guint8 committed_minor;
    guint8 committed_major;
    guint64 launch_tcb;
    guint64 launch_mit_vector;    /* version 5 and later */
    guint64 current_mit_vector;
} SevirtSnpReport;

/**
 * sevirt_snp_report_parse:
 * @data: exactly SEVIRT_SNP_REPORT_SIZE bytes
 * @what: name for messages (a file name)
 *
 * SEVIRT_ERROR_INVALID when the size is wrong or the version is not one
 * this code knows (2 to 5).
 */
gboolean sevirt_snp_report_parse(const guint8 *data, gsize len, const char *what,
                                 SevirtSnpReport *report, GError **error);

/**
 * sevirt_snp_report_read:
 * Reads a report file: the raw 1184 bytes, or their hex or base64 text.
 */
gboolean sevirt_snp_report_read(const char *path, SevirtSnpReport *report, GError **error);

/** Whether the report comes from a Turin (family 0x1A) part: TCB layout differs. */
gboolean sevirt_snp_report_is_turin(const SevirtSnpReport *report);

/** The TCB_VERSION @tcb in the layout of the report's product. */
void sevirt_snp_tcb_decode(guint64 tcb, gboolean turin, SevirtSnpTcb *out);

/** SIGNER_INFO bits 4:2. */
SevirtSnpSigner sevirt_snp_report_get_signer(const SevirtSnpReport *report);

/** "VCEK", "VLEK", "none" or "reserved". */
const char *sevirt_snp_signer_to_string(SevirtSnpSigner signer);

/**
 * sevirt_snp_policy_flag_parse:
 * @text: comma-separated flag names: smt, migrate-ma, debug, single-socket,
 *        cxl-allow, mem-aes-256-xts, rapl-dis, ciphertext-hiding,
 *        page-swap-disable
 * @bits: (out) their bits
 */
gboolean sevirt_snp_policy_flag_parse(const char *what, const char *text, guint64 *bits,
                                      GError **error);

/** Names of the policy flags set in @policy, NULL-terminated; g_strfreev() it. */
char **sevirt_snp_policy_flags(guint64 policy);

/** Names of the PLATFORM_INFO bits set, NULL-terminated; g_strfreev() it. */
char **sevirt_snp_platform_info_flags(guint64 platform_info);

/* ---------------------------------------------------------------------- */
/* certificates */

typedef struct _SevirtSnpCert SevirtSnpCert;

/** Reads one X.509 certificate, DER or PEM. */
SevirtSnpCert *sevirt_snp_cert_read(const char *path, GError **error);
/**
 * sevirt_snp_cert_chain_read:
 * Reads a KDS cert_chain PEM bundle: the ASK (or ASVK) first, then the ARK.
 */
gboolean sevirt_snp_cert_chain_read(const char *path, SevirtSnpCert **ask, SevirtSnpCert **ark,
                                    GError **error);
/** A certificate in PEM text held in memory (a reply's), named @what in errors. */
SevirtSnpCert *sevirt_snp_cert_from_pem(const char *pem, const char *what, GError **error);
void sevirt_snp_cert_free(SevirtSnpCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtSnpCert, sevirt_snp_cert_free)

/** The certificate's subject common name ("SEV-VCEK"), or NULL; g_free() it. */
char *sevirt_snp_cert_get_subject_cn(const SevirtSnpCert *cert);

/**
 * sevirt_snp_cert_builtin_roots:
 * @vek: a VCEK or VLEK
 * @ark: (out) AMD's ARK of @vek's generation, built into sevirt
 * @ask: (out) the built-in ASK (for a VCEK) or ASVK (for a VLEK) that
 *       issued @vek
 * @generation: (out) (optional) that generation's name ("Milan", ...)
 *
 * The built-in AMD roots under which @vek is to be verified, found by
 * which built-in ASK/ASVK issued it.  SEVIRT_ERROR_VERIFY when none did:
 * @vek is then not from an AMD platform sevirt knows.
 */
gboolean sevirt_snp_cert_builtin_roots(const SevirtSnpCert *vek, SevirtSnpCert **ark,
                                       SevirtSnpCert **ask, const char **generation,
                                       GError **error);

/**
 * sevirt_snp_cert_is_amd_ark:
 * Whether @cert is, byte for byte, one of AMD's ARKs built into sevirt:
 * a root the user names is AMD's only when this holds.
 */
gboolean sevirt_snp_cert_is_amd_ark(const SevirtSnpCert *cert);

/**
 * sevirt_snp_cert_verify_issued:
 * @issuer: the signing certificate (the same as @cert for a self-signed ARK)
 *
 * Checks that @issuer's subject is @cert's issuer and that @cert's
 * RSASSA-PSS (or ECDSA) signature verifies under @issuer's key, with
 * OpenSSL's X509_verify(): both encodings of the PSS parameters (with and
 * without the trailer field) are accepted.  SEVIRT_ERROR_VERIFY otherwise.
 */
gboolean sevirt_snp_cert_verify_issued(const SevirtSnpCert *cert, const SevirtSnpCert *issuer,
                                       GError **error);

/* What a VCEK or VLEK certifies (the AMD extensions 1.3.6.1.4.1.3704.1.*). */
typedef struct {
    guint struct_version;
    char *product_name;
    gboolean has_fmc;
    SevirtSnpTcb tcb;
    guint8 hwid[64];
    gsize hwid_len;           /* 0: none (a VLEK), 64 Milan/Genoa, 8 Turin */
    char *csp_id;             /* VLEK only */
} SevirtSnpVekInfo;

void sevirt_snp_vek_info_clear(SevirtSnpVekInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtSnpVekInfo, sevirt_snp_vek_info_clear)

/** Reads the AMD extensions; SEVIRT_ERROR_INVALID when the TCB ones are missing. */
gboolean sevirt_snp_vek_info_get(const SevirtSnpCert *vek, SevirtSnpVekInfo *info,
                                 GError **error);

/**
 * sevirt_snp_report_verify_signature:
 * @vek: the VCEK or VLEK
 *
 * Verifies the ECDSA P-384 / SHA-384 signature over bytes 0x0-0x29F (R and
 * S little-endian); SEVIRT_ERROR_VERIFY when it does not hold, including
 * an unknown signature algorithm or non-zero bytes above the 48-byte R, S.
 */
gboolean sevirt_snp_report_verify_signature(const SevirtSnpReport *report,
                                            const SevirtSnpCert *vek, GError **error);

/* ---------------------------------------------------------------------- */
/* verification */

/**
 * SevirtSnpExpect:
 * What the owner expects; NULL pointers and FALSE flags mean "not checked".
 */
typedef struct {
    const guint8 *measurement;        /* 48 bytes */
    const guint8 *report_data;        /* 64 bytes */
    const guint8 *host_data;          /* 32 bytes */
    const guint8 *id_key_digest;      /* 48 bytes */
    const guint8 *author_key_digest;  /* 48 bytes */
    const guint8 *chip_id;            /* 64 bytes */
    gboolean check_policy;
    guint64 policy;                   /* exact value */
    guint64 policy_require;           /* bits that must be set */
    guint64 policy_deny;              /* bits that must be clear */
    gboolean check_min_tcb;
    SevirtSnpTcb min_tcb;             /* each reported_tcb part must be >= */
    gboolean check_vmpl;
    guint32 vmpl;
} SevirtSnpExpect;

/* The outcome of one check. */
typedef struct {
    char *name;               /* "signature", "measurement", ... (stable) */
    gboolean passed;
    char *detail;             /* why it failed, or what held */
} SevirtSnpCheck;

void sevirt_snp_check_free(SevirtSnpCheck *check);

/**
 * SevirtSnpRoots:
 * @ark: the AMD root key
 * @ask: the ASK (VCEK) or ASVK (VLEK) under it
 *
 * The part of a chain shared by every report of a product line: checked
 * once by sevirt_snp_roots_verify() when many reports are verified.
 */
typedef struct {
    const SevirtSnpCert *ark;
    const SevirtSnpCert *ask;
} SevirtSnpRoots;

/**
 * sevirt_snp_roots_verify:
 * @checks: (element-type SevirtSnpCheck) appends "ark" and "ask"
 *
 * Returns whether both hold.
 */
gboolean sevirt_snp_roots_verify(const SevirtSnpRoots *roots, GPtrArray *checks);

/**
 * sevirt_snp_report_verify:
 * @vek: the VCEK or VLEK the report names in SIGNER_INFO
 * @checks: (element-type SevirtSnpCheck) appends one check per property:
 *          "vek" (issued by the ASK), "signature", "signer", "tcb" and
 *          "chip_id" (VCEK extensions vs the report), then the owner's
 *          expectations ("measurement", "report_data", "host_data",
 *          "policy", "id_key_digest", "author_key_digest", "min_tcb",
 *          "vmpl", "chip_id_expected")
 *
 * Returns whether all of them passed; the library prints nothing.
 */
gboolean sevirt_snp_report_verify(const SevirtSnpReport *report, const SevirtSnpRoots *roots,
                                  const SevirtSnpCert *vek, const SevirtSnpExpect *expect,
                                  GPtrArray *checks);

/**
 * sevirt_snp_tcb_parse:
 * @text: "bootloader=N,tee=N,snp=N,microcode=N[,fmc=N]" (any subset; the
 *        rest stay 0)
 */
gboolean sevirt_snp_tcb_parse(const char *what, const char *text, SevirtSnpTcb *tcb,
                              GError **error);

/**
 * sevirt_snp_bytes_parse:
 * @text: @len bytes in hex, or in base64
 */
gboolean sevirt_snp_bytes_parse(const char *what, const char *text, guint8 *out, gsize len,
                                GError **error);

G_END_DECLS
