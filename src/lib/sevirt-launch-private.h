/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checks of sevirt_launch() on what the platform reports, apart so that
 * unit tests reach the cases no platform (real or emulated) produces on
 * purpose.
 */
#pragma once

#include <libvirt/libvirt.h>

#include "sevirt-launch.h"

G_BEGIN_DECLS

/**
 * sevirt_launch_info_from_params:
 * @result: the launch so far (its name, for messages); its info and
 *          measurement are filled in
 * @params: what virDomainGetLaunchSecurityInfo() returned
 *
 * SEVIRT_ERROR_VERIFY when a field is missing, the API version or build
 * cannot be, or the measurement is not a 48-byte base64 blob.
 */
gboolean sevirt_launch_info_from_params(SevirtLaunchResult *result, virTypedParameterPtr params,
                                        int nparams, GError **error);

/**
 * sevirt_launch_check_reported_policy:
 * SEVIRT_ERROR_VERIFY, naming both, when the policy the platform reports is
 * not the domain's.
 */
gboolean sevirt_launch_check_reported_policy(const SevirtLaunchResult *result, GError **error);

/* The CPU signature of the host's CPU, as libvirt's capabilities report
 * it: what the VMSAs carry when the guest owner names none. */
gboolean sevirt_launch_host_cpu_signature(virDomainPtr dom, guint32 *signature, GError **error);

G_END_DECLS
