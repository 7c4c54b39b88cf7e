/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creating a guest through the libvirt API, all or nothing: its new
 * volumes, its cloud-init seed, checks of its networks and shares, the
 * definition, and optionally the start.  Any failure undoes every step
 * already done.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-domain.h"
#include "sevirt-hostcaps.h"
#include "sevirt-spec.h"

G_BEGIN_DECLS

/* The seed volume of guest NAME is "NAME" SEVIRT_SEED_VOLUME_SUFFIX. */
#define SEVIRT_SEED_VOLUME_SUFFIX "-cidata.iso"

/**
 * sevirt_create_prepare:
 * @spec: the guest, as the spec file and options describe it
 * @caps: (nullable) the target host's capabilities; NULL offline
 * @flags: SevirtSpecValidateFlags for sevirt_vm_spec_validate_full()
 * @notes: (nullable): receives the validation notes
 *
 * Validates @spec and completes it with what sevirt_domain_create() will
 * add, so that 'sevirt xml' prints the definition 'sevirt create' makes:
 * with cloud-init settings, a read-only SATA CD-ROM for the seed volume
 * "NAME-cidata.iso" in the seed pool, which is cloud_init.pool when given,
 * else the pool of the first new (pool=) disk, else the pool of the first
 * vol= disk, else "default".  The hostname (--hostname) must be a valid
 * host name; without one the guest's name is used, with characters a host
 * name cannot hold turned into '-'.
 */
gboolean sevirt_create_prepare(SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags,
                               GPtrArray *notes, GError **error);

/**
 * SevirtCreateHook:
 * @conn: the connection the guest is created on
 * @spec: the spec, not yet validated; the hook may change it
 *
 * Called by sevirt_domain_create() once the name is known to be free and
 * before the spec is validated and anything is created.  An attested launch
 * adds its dhCert and session here (validation then picks a stateless
 * firmware for it).  Returning FALSE stops the creation; nothing was made.
 */
typedef gboolean (*SevirtCreateHook)(virConnectPtr conn, SevirtVmSpec *spec,
                                     gpointer user_data, GError **error);

typedef struct {
    const SevirtHostCaps *caps;   /* (nullable) defaults for cbitpos, virt type, firmware */
    gboolean start;               /* start the guest once defined */
    gboolean paused;              /* start it with its vCPUs paused (implies start) */
    SevirtProgressFunc progress;  /* (nullable) one line per step and per undo */
    gpointer progress_data;
    SevirtCreateHook spec_hook;   /* (nullable) see SevirtCreateHook */
    gpointer hook_data;
    GPtrArray *notes;             /* (nullable) receives the validation notes */
} SevirtCreateOptions;

/**
 * sevirt_domain_create:
 * @conn: an open connection (local or remote: only the libvirt API is used)
 * @spec: the guest; sevirt_domain_create() runs the hook and
 *        sevirt_create_prepare() with SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES on
 *        it, then fills spec->owned_volumes with the volumes it creates
 * @opts: options
 *
 * Creates the guest in these steps, keeping a record of what each did:
 *  1. "volumes": creates the new (pool=) volumes, a qcow2 overlay on its
 *     backing volume or a blank one; checks that vol= volumes and path=
 *     files exist (files only on a local host, or when a pool holds them);
 *  2. "cloud-init seed": builds the NoCloud seed ISO in memory (instance-id
 *     is the domain's UUID) and uploads it into the seed pool;
 *  3. "networks": every network= must exist (and be active to start the
 *     guest); every bridge= must be a bridge where the host's interface
 *     driver can tell;
 *  4. "shares": the shared folders must be directories (local host only);
 *  5. "define": builds the domain XML, with sevirt's metadata listing the
 *     volumes of steps 1 and 2, and defines it with libvirt's validation;
 *  6. "start": with @opts->start or @opts->paused.
 *
 * A name that is taken fails at once with SEVIRT_ERROR_EXISTS and touches
 * nothing.  When a step fails, the guest is destroyed and undefined and the
 * volumes created are deleted, in reverse order; the error keeps the
 * step's code and reads "Cannot create domain 'NAME': step 'STEP' failed:
 * REASON; rolled back (...)".  When libvirt refuses the definition of an
 * SEV guest as unsupported by the host, the code is
 * SEVIRT_ERROR_UNSUPPORTED and the message says so in sevirt's words.
 *
 * Returns: (transfer full): the defined (and maybe started) domain
 */
virDomainPtr sevirt_domain_create(virConnectPtr conn, SevirtVmSpec *spec,
                                  const SevirtCreateOptions *opts, GError **error);

G_END_DECLS
