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
 * holding the PDH private key can unwrap TEK and TIK.
 */
#pragma once

#include <glib.h>

#include "sevirt-cert.h"
#include "sevirt-secretbuf.h"

G_BEGIN_DECLS

/* TEK, TIK, KEK, KIK and the session nonce are all 16 bytes. */
#define SEVIRT_SESSION_KEY_SIZE SEVIRT_KEY_SIZE

/**
 * SevirtSessionBlob:
 *
 * The 0x80-byte session buffer of LAUNCH_START, as libvirt's <session>
 * carries it (base64).
 */
typedef struct {
    guint8 nonce[SEVIRT_KEY_SIZE];          /* context of the master-secret KDF */
    guint8 wrap_tk[2 * SEVIRT_KEY_SIZE];    /* AES-128-CTR(KEK, wrap_iv, TEK‖TIK) */
    guint8 wrap_iv[SEVIRT_KEY_SIZE];
    guint8 wrap_mac[SEVIRT_MAC_SIZE];       /* HMAC-SHA256(KIK, wrap_tk) */
    guint8 policy_mac[SEVIRT_MAC_SIZE];     /* HMAC-SHA256(TIK, le32 policy) */
} SevirtSessionBlob;

G_STATIC_ASSERT(sizeof(SevirtSessionBlob) == 0x80);
#define SEVIRT_SESSION_BLOB_SIZE 0x80

/**
 * SevirtSession:
 *
 * A launch session: the guest owner's DH certificate and session blob,
 * which are public, and the transport keys TEK and TIK, which are secret.
 * Opaque; sevirt_session_free() cleanses the keys.
 */
typedef struct _SevirtSession SevirtSession;

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

/** The guest owner's DH certificate (public; libvirt's dhCert). */
const SevirtSevCert *sevirt_session_get_godh(const SevirtSession *session);
/** The session blob (public; libvirt's session). */
const SevirtSessionBlob *sevirt_session_get_blob(const SevirtSession *session);
/** The transport encryption key (secret: never print or log it). */
const SevirtSecret *sevirt_session_get_tek(const SevirtSession *session);
/** The transport integrity key (secret: never print or log it). */
const SevirtSecret *sevirt_session_get_tik(const SevirtSession *session);

G_END_DECLS
