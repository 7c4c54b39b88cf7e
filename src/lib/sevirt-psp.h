/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The platform (PSP) side of an SEV launch, in software.
 *
 * What the AMD Secure Processor does with the guest owner's inputs:
 * LAUNCH_START unwraps TEK and TIK from the session blob with the key
 * agreed between the PDH and the owner's GODH certificate, checking both
 * MACs; LAUNCH_SECRET authenticates and decrypts a secret packet.  The
 * emulated SEV platform runs this for real, and the tests use it to prove
 * that what sevirt produces is accepted.  It gives no confidentiality: the
 * keys live in ordinary process memory.  Part of the platform convenience
 * library (libsevirt-platform.la), not of the installed libsevirt.
 *
 * Failures are in their own error domain, one code per check, so that a
 * caller can answer like firmware does (sevirt_psp_error_fw_status()).
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#include "sevirt-cert.h"
#include "sevirt-measure.h"
#include "sevirt-secret.h"
#include "sevirt-session.h"
#include "sevirt-util.h"

G_BEGIN_DECLS

#define SEVIRT_PSP_ERROR (sevirt_psp_error_quark())
GQuark sevirt_psp_error_quark(void);

typedef enum {
    SEVIRT_PSP_ERROR_FAILED,         /* the crypto library failed */
    SEVIRT_PSP_ERROR_LENGTH,         /* a buffer has the wrong length */
    SEVIRT_PSP_ERROR_CERTIFICATE,    /* GODH certificate unusable (usage, curve, point) */
    SEVIRT_PSP_ERROR_WRAP_MAC,       /* TEK/TIK wrapping MAC wrong: other PDH, tampered session */
    SEVIRT_PSP_ERROR_POLICY_MAC,     /* policy MAC wrong: session made for another policy */
    SEVIRT_PSP_ERROR_SECRET_MAC,     /* secret packet MAC wrong: other TIK/measurement, tampered */
    SEVIRT_PSP_ERROR_SECRET_FLAGS,   /* secret packet flags other than 0 */
} SevirtPspError;

/* SEV firmware status codes (SEV API specification, "Status Codes"). */
typedef enum {
    SEVIRT_FW_SUCCESS = 0x00,
    SEVIRT_FW_INVALID_LENGTH = 0x04,
    SEVIRT_FW_INVALID_CERTIFICATE = 0x06,
    SEVIRT_FW_POLICY_FAILURE = 0x07,
    SEVIRT_FW_BAD_MEASUREMENT = 0x0B,
    SEVIRT_FW_INVALID_PARAM = 0x16,
} SevirtFwStatus;

/** The firmware status a PSP returns for a SEVIRT_PSP_ERROR. */
SevirtFwStatus sevirt_psp_error_fw_status(const GError *error);

/**
 * sevirt_psp_unwrap_session:
 * @pdh_key: the platform's PDH private key
 * @godh: the owner's DH certificate (libvirt dhCert), 0x824 bytes
 * @session: the session blob (libvirt session), 0x80 bytes
 * @policy: the guest policy LAUNCH_START is called with
 * @tek: (out) the transport encryption key
 * @tik: (out) the transport integrity key
 *
 * ECDH(PDH, GODH) -> KEK/KIK -> check the wrap MAC -> unwrap TEK/TIK ->
 * check the policy MAC.  Each failed check has its own SEVIRT_PSP_ERROR
 * code; nothing is returned unless all pass.
 */
gboolean sevirt_psp_unwrap_session(EVP_PKEY *pdh_key,
                                   const guint8 *godh, gsize godh_len,
                                   const guint8 *session, gsize session_len,
                                   guint32 policy,
                                   SevirtSecret **tek, SevirtSecret **tik,
                                   GError **error);

/**
 * sevirt_psp_open_secret:
 * @measure: the guest's launch measurement (MEASURE)
 * @header: packet header, 52 bytes
 * @payload: ciphertext
 *
 * Checks the header MAC against TIK and @measure (constant time), then
 * decrypts with TEK.  Returns the plaintext (the padded secret table).
 */
SevirtSecret *sevirt_psp_open_secret(const SevirtSecret *tek, const SevirtSecret *tik,
                                     const guint8 measure[SEVIRT_MEASURE_SIZE],
                                     const guint8 *header, gsize header_len,
                                     const guint8 *payload, gsize payload_len,
                                     GError **error);

G_END_DECLS
