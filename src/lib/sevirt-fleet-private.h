/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleets: what apply shares between its files.
 */
#pragma once

#include "sevirt-create.h"
#include "sevirt-fleet.h"

G_BEGIN_DECLS

/**
 * sevirt_fleet_attest_create:
 * @spec: the guest's spec (sevirt_fleet_guest_spec())
 * @create_opts: the options of an ordinary create; the session hook and
 *               start are set here
 * @amd_root: (out): the host's chain verified up to an AMD root
 *
 * Creates and launches guest @spec of a group with an attested launch
 * (group->attest).  A guest whose launch fails (a measurement that does
 * not match, a secret refused) is deleted, its session removed, and the
 * error returned (SEVIRT_ERROR_VERIFY for the launch).
 */
gboolean sevirt_fleet_attest_create(virConnectPtr conn, const SevirtFleetGroup *group,
                                    SevirtVmSpec *spec, const SevirtCreateOptions *create_opts,
                                    gboolean *amd_root, GError **error);

G_END_DECLS
