/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The steps of an SEV session both sides share: the KDF, KEK/KIK
 * derivation, wrapping TEK/TIK, the policy MAC, ECDH.  The guest owner's
 * side (sevirt-session.c) and the PSP's (sevirt-psp.c) use them; they are
 * not part of the installed API.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#include "sevirt-session.h"
#include "sevirt-util.h"

G_BEGIN_DECLS

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
                                    const guint8 nonce[SEVIRT_KEY_SIZE], SevirtSecret **kek,
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
                           guint8 mac[SEVIRT_MAC_SIZE], GError **error);

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
