/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest owner's launch session for SEV and SEV-ES.
 *
 * The owner makes an ephemeral P-384 key, derives a shared secret with the
 * platform's PDH key (ECDH), and from it the key-encryption and
 * key-integrity keys (KEK, KIK).  Two fresh random keys, the transport
 * encryption key (TEK) and transport integrity key (TIK), are wrapped with
 * KEK/KIK into the session blob.  The owner's public key travels as a GODH
 * certificate (libvirt's <dhCert>), the blob as <session>.  Only the PSP
 * holding the PDH private key can unwrap TEK and TIK (see sevirt-psp.h).
 */
#pragma once

#include <glib.h>

#include "sevirt-cert.h"
#include "sevirt-util.h"

G_BEGIN_DECLS

/* TEK, TIK, KEK, KIK and the session nonce are all 16 bytes. */
#define SEVIRT_SESSION_KEY_SIZE 16

/**
 * SevirtSessionBlob:
 *
 * The 0x80-byte session buffer of LAUNCH_START, as libvirt's <session>
 * carries it (base64).
 */
typedef struct {
    guint8 nonce[16];        /* context of the master-secret KDF */
    guint8 wrap_tk[32];      /* AES-128-CTR(KEK, wrap_iv, TEK‖TIK) */
    guint8 wrap_iv[16];
    guint8 wrap_mac[32];     /* HMAC-SHA256(KIK, wrap_tk) */
    guint8 policy_mac[32];   /* HMAC-SHA256(TIK, le32 policy) */
} SevirtSessionBlob;

G_STATIC_ASSERT(sizeof(SevirtSessionBlob) == 0x80);
#define SEVIRT_SESSION_BLOB_SIZE 0x80

/**
 * SevirtSession:
 * @godh: the guest owner's DH certificate (public; libvirt's dhCert)
 * @blob: the session blob (libvirt's session)
 * @tek: transport encryption key, secret
 * @tik: transport integrity key, secret
 */
typedef struct {
    SevirtSevCert *godh;
    SevirtSessionBlob blob;
    SevirtSecret *tek;
    SevirtSecret *tik;
} SevirtSession;

/**
 * sevirt_session_check_pdh:
 * @what: name of the certificate for messages (a file name)
 *
 * Fails with SEVIRT_ERROR_INVALID unless @pdh is a PDH certificate (usage
 * 0x1003) with an ECDH key on P-384, the only kind a session can be made
 * for.
 */
gboolean sevirt_session_check_pdh(const SevirtSevCert *pdh, const char *what,
                                  GError **error);

/**
 * sevirt_session_new:
 * @pdh: the platform's PDH certificate (checked with
 *       sevirt_session_check_pdh(); verify its chain beforehand)
 * @policy: the guest policy the session is bound to
 *
 * Makes a fresh session: ephemeral key and GODH certificate, random nonce,
 * wrap IV, TEK and TIK.  The ephemeral private key and every derived key
 * are cleansed before returning.
 */
SevirtSession *sevirt_session_new(const SevirtSevCert *pdh, guint32 policy,
                                  GError **error);
void sevirt_session_free(SevirtSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtSession, sevirt_session_free)

/**
 * sevirt_kdf:
 * @label: NUL-terminated label ("sev-master-secret", "sev-kek", "sev-kik")
 * @context: (nullable) KDF context
 * @out_len: bytes wanted
 *
 * NIST SP 800-108 counter-mode KDF with HMAC-SHA256 as SEV uses it: block i
 * is HMAC(key, le32 i ‖ label ‖ 0x00 ‖ context ‖ le32 (out_len * 8)).
 */
gboolean sevirt_kdf(const guint8 *key, gsize key_len, const char *label,
                    const guint8 *context, gsize context_len,
                    guint8 *out, gsize out_len, GError **error);

/**
 * sevirt_session_derive_keys:
 * @shared: the ECDH shared secret (the X coordinate, 48 bytes for P-384)
 * @nonce: the session nonce
 * @kek: (out) key-encryption key
 * @kik: (out) key-integrity key
 *
 * master = KDF(shared, nonce, "sev-master-secret"), then KEK and KIK.
 * Used by both sides.
 */
gboolean sevirt_session_derive_keys(const guint8 *shared, gsize shared_len,
                                    const guint8 nonce[16], SevirtSecret **kek,
                                    SevirtSecret **kik, GError **error);

/**
 * sevirt_session_wrap:
 * @blob: (inout) @blob->nonce and @blob->wrap_iv are inputs; the other
 *        fields are filled in
 *
 * Wraps TEK‖TIK with KEK/KIK and binds @policy with TIK.  Deterministic:
 * sevirt_session_new() supplies the randomness.
 */
gboolean sevirt_session_wrap(const SevirtSecret *kek, const SevirtSecret *kik,
                             const SevirtSecret *tek, const SevirtSecret *tik,
                             guint32 policy, SevirtSessionBlob *blob,
                             GError **error);

/**
 * sevirt_policy_mac:
 * HMAC-SHA256(TIK, le32 @policy), the last field of the session blob.
 */
gboolean sevirt_policy_mac(const SevirtSecret *tik, guint32 policy,
                           guint8 mac[32], GError **error);

/**
 * sevirt_ecdh_shared_secret:
 * @own: a private EC key
 * @peer: the other side's public key, on the same curve
 *
 * The X coordinate of the shared point as OpenSSL derives it (48 bytes on
 * P-384), in a cleansed buffer.
 */
SevirtSecret *sevirt_ecdh_shared_secret(EVP_PKEY *own, EVP_PKEY *peer,
                                        GError **error);

G_END_DECLS
