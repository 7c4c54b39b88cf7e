/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Buffers for key material, and the sizes of SEV's symmetric keys and MACs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TEK, TIK, KEK, KIK, AES-128 keys and IVs, the session nonce. */
#define SEVIRT_KEY_SIZE 16
/* An HMAC-SHA256 (wrap, policy and secret packet MACs). */
#define SEVIRT_MAC_SIZE 32

/**
 * SevirtSecret:
 *
 * A heap buffer for key material (TEK, TIK, session keys, secret payloads).
 * sevirt_secret_free() overwrites the bytes with OPENSSL_cleanse() before
 * releasing them, so use g_autoptr(SevirtSecret) for anything secret.
 */
typedef struct {
    guint8 *data;
    gsize len;
} SevirtSecret;

SevirtSecret *sevirt_secret_new(gsize len);
SevirtSecret *sevirt_secret_new_from(const guint8 *data, gsize len);
void sevirt_secret_free(SevirtSecret *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtSecret, sevirt_secret_free)

G_END_DECLS
