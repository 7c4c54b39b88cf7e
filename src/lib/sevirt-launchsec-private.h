/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one reader of a domain's <launchSecurity>: what domain status, host
 * capabilities (counting running guests) and the attested launch need from
 * it, typed.  sevirt-domxml.c writes the element.
 */
#pragma once

#include <glib.h>
#include <libxml/xpath.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * SevirtLaunchSecurity:
 * A domain's <launchSecurity> as libvirt writes it (formatdomain.html,
 * "Launch Security").  Text fields are NULL and numbers -1 when absent.
 */
typedef struct {
    char *type;                /* @type: "sev", "sev-snp", "s390-pv", ...; NULL: none */
    SevirtSevType sev_type;    /* what @type and the policy amount to; NONE for others */
    gboolean policy_set;       /* <policy> was given */
    guint64 policy;            /* 32 bits for SEV, 64 for SEV-SNP */
    gint cbitpos;              /* <cbitpos> */
    gint reduced_phys_bits;    /* <reducedPhysBits> */
    SevirtTristate kernel_hashes;  /* @kernelHashes */

    /* SEV, SEV-ES: the guest owner's launch parameters (base64) */
    char *dh_cert;             /* <dhCert> */
    char *session;             /* <session> */

    /* SEV-SNP */
    char *guest_visible_workarounds;  /* <guestVisibleWorkarounds> (base64) */
    char *id_block;            /* <idBlock> (base64) */
    char *id_auth;             /* <idAuth> (base64) */
    char *host_data;           /* <hostData> (base64) */
    SevirtTristate author_key; /* @authorKey */
    SevirtTristate vcek;       /* @vcek */
} SevirtLaunchSecurity;

void sevirt_launch_security_free(SevirtLaunchSecurity *ls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtLaunchSecurity, sevirt_launch_security_free)

/**
 * sevirt_launch_security_read:
 * @ctx: an XPath context on a domain definition (/domain)
 *
 * Reads /domain/launchSecurity.  A domain without one gives a
 * SevirtLaunchSecurity whose type is NULL (sev_type SEVIRT_SEV_NONE).
 * Returns NULL with SEVIRT_ERROR_INVALID, naming the element, when a number
 * (policy, cbitpos, reducedPhysBits) is malformed or out of range.
 */
SevirtLaunchSecurity *sevirt_launch_security_read(xmlXPathContext *ctx, GError **error);

G_END_DECLS
