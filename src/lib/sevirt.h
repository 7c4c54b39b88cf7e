/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsevirt: AMD SEV, SEV-ES and SEV-SNP confidential guests on libvirt.
 *
 * The library never prints; every fallible call reports through GError in
 * the SEVIRT_ERROR domain.  Include this header only.
 */
#pragma once

#include "sevirt-error.h"
#include "sevirt-autoptr.h"
#include "sevirt-secretbuf.h"
#include "sevirt-conn.h"
#include "sevirt-spec.h"
#include "sevirt-policy.h"
#include "sevirt-firmware.h"
#include "sevirt-emuprobe.h"
#include "sevirt-hostcaps.h"
#include "sevirt-preflight.h"
#include "sevirt-domxml.h"
/* attestation */
#include "sevirt-guid.h"
#include "sevirt-cert.h"
#include "sevirt-amd-roots.h"
#include "sevirt-session.h"
#include "sevirt-ovmf.h"
#include "sevirt-measure.h"
#include "sevirt-secret.h"
/* SEV-SNP attestation */
#include "sevirt-snp-measure.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-snp-report.h"
/* lifecycle */
#include "sevirt-storage.h"
#include "sevirt-cloudinit.h"
#include "sevirt-specfile.h"
#include "sevirt-domain.h"
#include "sevirt-create.h"
/* attested launch */
#include "sevirt-platform.h"
#include "sevirt-launch.h"
#include "sevirt-launch-snp.h"
#include "sevirt-run.h"

/* Version of libsevirt this header belongs to. */
#define SEVIRT_XMLNS "https://sevirt.org/xmlns/domain/1.0"
