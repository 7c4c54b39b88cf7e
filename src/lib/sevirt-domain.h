/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The life of a guest through the libvirt API: create (storage, cloud-init
 * seed, define, with rollback), start, stop, destroy, delete, wait, list,
 * status and addresses.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * SevirtProgressFunc:
 * Called with one translated line per step of a long operation, so that a
 * front end can show progress; the library itself never prints.
 */
typedef void (*SevirtProgressFunc)(const char *message, gpointer user_data);

/* "running", "paused", "shutoff", ... for a virDomainState value. */
const char *sevirt_domain_state_to_string(int state);

typedef enum {
    SEVIRT_WAIT_RUNNING,    /* VIR_DOMAIN_RUNNING or BLOCKED */
    SEVIRT_WAIT_PAUSED,     /* VIR_DOMAIN_PAUSED */
    SEVIRT_WAIT_SHUTOFF,    /* VIR_DOMAIN_SHUTOFF */
} SevirtWaitState;

/* "running", "paused", "shutoff" */
gboolean sevirt_wait_state_from_string(const char *str, SevirtWaitState *state, GError **error);

/**
 * sevirt_domain_wait:
 * @state: the state to wait for
 * @timeout_s: seconds to wait at most; negative waits forever
 *
 * Waits until @dom is in @state, woken by libvirt lifecycle events (see
 * sevirt_event_loop_start()) and re-checking the state once a second in
 * case an event is missed.  Returns FALSE with SEVIRT_ERROR_TIMEOUT when
 * the time runs out.
 */
gboolean sevirt_domain_wait(virDomainPtr dom, SevirtWaitState state, int timeout_s,
                            GError **error);

/**
 * sevirt_domain_start:
 * @paused: start with the vCPUs paused (VIR_DOMAIN_START_PAUSED)
 *
 * Starts a defined domain.  For a domain with <launchSecurity> the
 * connected host's domain capabilities for the domain's emulator, machine
 * and virtualization type are checked first; a host that cannot run the
 * guest's SEV type fails with SEVIRT_ERROR_UNSUPPORTED and a message saying
 * so instead of QEMU's.
 */
gboolean sevirt_domain_start(virDomainPtr dom, gboolean paused, GError **error);

typedef enum {
    SEVIRT_STOP_SHUT_DOWN,   /* the guest shut down after the ACPI request */
    SEVIRT_STOP_DESTROYED,   /* it did not within the timeout and was destroyed */
    SEVIRT_STOP_WAS_OFF,     /* it was not running */
} SevirtStopResult;

/**
 * sevirt_domain_stop:
 * @timeout_s: seconds to wait for the guest to power off
 * @result: (out) what happened
 *
 * Sends an ACPI power-button event, waits for the domain to shut off
 * (lifecycle events) and destroys it when @timeout_s passes.
 */
gboolean sevirt_domain_stop(virDomainPtr dom, guint timeout_s, SevirtStopResult *result,
                            GError **error);

/** sevirt_domain_destroy: hard power-off; a domain that is not running is fine. */
gboolean sevirt_domain_destroy(virDomainPtr dom, GError **error);

/**
 * sevirt_domain_get_emulator:
 * Returns: (transfer full) (nullable): the <emulator> of @dom's definition;
 * NULL without error when it names none (libvirt's default)
 */
char *sevirt_domain_get_emulator(virDomainPtr dom, GError **error);

/**
 * sevirt_domain_is_managed:
 * @managed: (out) whether @dom carries sevirt's <metadata> element
 */
gboolean sevirt_domain_is_managed(virDomainPtr dom, gboolean *managed, GError **error);

typedef struct {
    char *name;
    char *value;
} SevirtParam;

typedef struct {
    char *iface;    /* interface name as the source reports it */
    char *mac;
    char *address;  /* "192.168.122.5" */
    guint prefix;
    gboolean ipv6;
    char *source;   /* "lease", "agent" or "arp" */
} SevirtAddress;

typedef struct {
    char *target;   /* vda, sda */
    char *device;   /* disk, cdrom */
    char *source;   /* file path, or POOL/VOLUME */
    char *format;   /* driver type */
    gboolean readonly;
} SevirtDiskInfo;

typedef struct {
    char *type;     /* network, bridge, user, ... */
    char *source;   /* network or bridge name */
    char *mac;
    char *model;
} SevirtNicInfo;

typedef struct {
    char *name;
    char *uuid;
    int state;                /* virDomainState */
    gboolean persistent;
    gboolean managed;         /* carries sevirt's metadata */
    SevirtSevType sev_type;   /* from <launchSecurity>: none, sev, sev-es, sev-snp */
    gboolean policy_set;
    guint64 policy;
    char *emulator;           /* <emulator>, NULL when the definition names none */
    gboolean emulated;        /* sevirt's emulated SEV platform: no memory encryption */
    guint vcpus;
    guint64 memory_kib;
    GPtrArray *addresses;     /* SevirtAddress*; DHCP leases (list) or the first
                               * source that answers (status) */

    /* Filled by sevirt_domain_status() only. */
    GPtrArray *disks;         /* SevirtDiskInfo* */
    GPtrArray *nics;          /* SevirtNicInfo* */
    GPtrArray *owned_volumes; /* "POOL/VOLUME" sevirt created, from the metadata */
    GPtrArray *launch_security;  /* SevirtParam*: virDomainGetLaunchSecurityInfo */
    char *launch_security_note;  /* why launch_security is empty, or NULL */
    gint64 uptime_s;          /* -1: unknown (not running, or not started by sevirt) */
} SevirtDomainInfo;

void sevirt_domain_info_free(SevirtDomainInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtDomainInfo, sevirt_domain_info_free)

/**
 * sevirt_domain_list:
 * @all: include domains that are not running
 *
 * Returns: the sevirt-managed domains (recognised by the metadata), sorted
 * by name, as SevirtDomainInfo* with addresses from DHCP leases.
 */
GPtrArray *sevirt_domain_list(virConnectPtr conn, gboolean all, GError **error);

/**
 * sevirt_domain_status:
 *
 * Everything sevirt_domain_list() reports about @dom plus disks, NICs,
 * the volumes sevirt owns, uptime, addresses (see
 * sevirt_domain_addresses()) and, for a running SEV guest, the launch
 * security parameters where the host supports querying them.
 */
SevirtDomainInfo *sevirt_domain_status(virDomainPtr dom, GError **error);

/**
 * sevirt_domain_addresses:
 * @wait_s: keep asking for up to this many seconds until an address shows up
 *
 * Asks for the guest's addresses from the DHCP leases of libvirt networks,
 * then the QEMU guest agent, then the host's ARP table, and returns the
 * first non-empty answer (SevirtAddress*).  With @wait_s > 0 and still no
 * address at the end: SEVIRT_ERROR_TIMEOUT.  An empty array otherwise.
 */
GPtrArray *sevirt_domain_addresses(virDomainPtr dom, guint wait_s, GError **error);

/**
 * sevirt_domain_delete:
 * @keep_storage: leave the volumes sevirt created in place
 *
 * Deletes a sevirt-managed domain: destroys it when running, undefines it
 * together with its NVRAM, managed save image and snapshot/checkpoint
 * metadata, then deletes the volumes recorded in its metadata, and only
 * those.  A domain without sevirt's metadata is refused
 * (SEVIRT_ERROR_INVALID); a recorded volume that is already gone is
 * reported through @progress and skipped.
 */
gboolean sevirt_domain_delete(virDomainPtr dom, gboolean keep_storage,
                              SevirtProgressFunc progress, gpointer user_data,
                              GError **error);

G_END_DECLS
