/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AMD certificates (ARK, ASK: AMD's RSA format): parse, read, verify,
 * accessors.  Layout in sevirt-cert-private.h.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-cert-private.h"
#include "sevirt-crypto-private.h"
#include "sevirt-error.h"
#include "sevirt-util.h"

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
    return sevirt_sev_cert_verify_signed_by(ask->key, SEVIRT_CERT_USAGE_ASK, cek, error);
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
