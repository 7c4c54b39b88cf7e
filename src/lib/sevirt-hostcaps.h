/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a libvirt host can do for confidential guests: its domain
 * capabilities (SEV, SEV-ES, SEV-SNP, cbitpos, ASID slots), its versions,
 * how many encrypted guests already run; for a local host also its firmware
 * descriptors (sevirt-firmware.h) and what an emulated platform says about
 * itself (sevirt-emuprobe.h).
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-emuprobe.h"
#include "sevirt-firmware.h"
#include "sevirt-spec.h"

G_BEGIN_DECLS

/* libvirt's first release with <launchSecurity type='sev-snp'> (10.5.0). */
#define SEVIRT_LIBVIRT_SNP_VERSION 10005000

/* sevirt_host_caps_free_slots() of a pool without a limit. */
#define SEVIRT_HOST_SLOTS_UNLIMITED G_MAXINT

/**
 * SevirtHostCaps:
 * What one host offers for a given emulator / virt type / machine.  Counts
 * are -1 when unknown.
 */
struct _SevirtHostCaps {
    char *uri;                  /* NULL when built from a file */
    unsigned long libvirt_version;     /* 0 when unknown */
    unsigned long hypervisor_version;  /* 0 when unknown */
    char *emulator;             /* domcaps <path> */
    char *domain_type;          /* "kvm" or "qemu" */
    char *machine;              /* canonical machine type, e.g. pc-q35-7.2 */
    gint max_vcpus;

    gboolean emulated;          /* sevirt's emulated SEV platform: no encryption */
    SevirtEmuInfo *emu_info;    /* its own description (local hosts only), or NULL */
    char *emu_info_error;       /* why emu_info is NULL for a local emulated platform */
    gboolean sev;               /* <sev supported='yes'> */
    gboolean sev_es;
    gboolean sev_snp;           /* libvirt >= 10.5 launchSecurity sectype sev-snp */
    gint cbitpos;
    gint reduced_phys_bits;
    gint max_guests;            /* SEV ASIDs (-1 on the emulated platform: no limit) */
    gint max_es_guests;         /* SEV-ES (and SNP) ASIDs */
    /* Whether libvirt accepts <interface type='user'><backend type='passt'/>
     * (user-mode networking with port forwards); DEFAULT: unknown. */
    SevirtTristate passt;

    gint guests_running;        /* active SEV guests (plain SEV policy) */
    gint es_guests_running;     /* active SEV-ES and SEV-SNP guests */

    GPtrArray *loaders;         /* char*: domcaps <loader><value> paths */
    GPtrArray *firmware;        /* SevirtFirmware*: descriptors (local hosts only) */
    gboolean firmware_known;    /* descriptors were readable (local host) */
    /* char*: the launch security types domcaps list as supported (libvirt
     * >= 10.5: "sev", "sev-snp", ...); NULL when they have no
     * <launchSecurity> element (older libvirt). */
    GPtrArray *launch_security_types;
};

void sevirt_host_caps_free(SevirtHostCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtHostCaps, sevirt_host_caps_free)

/**
 * sevirt_host_caps_parse_domcaps:
 * @xml: the output of virConnectGetDomainCapabilities
 *
 * Parses domain capabilities (libvirt 8.0 to 10.5+ formats) with XPath into
 * a new SevirtHostCaps; versions, running guests and firmware are left
 * unknown.
 */
SevirtHostCaps *sevirt_host_caps_parse_domcaps(const char *xml, GError **error);

/**
 * sevirt_host_caps_query:
 * @conn: an open connection
 * @emulator: (nullable) emulator binary (NULL: the host's default)
 * @virt_type: (nullable) "kvm" or "qemu" (NULL: kvm, falling back to qemu
 *             when the host has no usable KVM)
 * @machine: (nullable) machine type (NULL: q35)
 *
 * Asks the host: domain capabilities, libvirt and hypervisor versions, the
 * running SEV / SEV-ES / SNP guests, whether libvirt accepts the passt
 * backend and, for a local host, the firmware descriptors and what the
 * emulated platform (when @emulator is one) says about itself.
 */
SevirtHostCaps *sevirt_host_caps_query(virConnectPtr conn, const char *emulator,
                                       const char *virt_type, const char *machine,
                                       GError **error);

/**
 * sevirt_host_caps_query_domcaps:
 *
 * The first step of sevirt_host_caps_query() alone, with the same
 * arguments and errors: the domain capabilities, for a caller that only
 * needs what the emulator offers (versions, running guests, passt, firmware
 * and the emulated platform's description are left unknown, as by
 * sevirt_host_caps_parse_domcaps()).
 */
SevirtHostCaps *sevirt_host_caps_query_domcaps(virConnectPtr conn, const char *emulator,
                                               const char *virt_type, const char *machine,
                                               GError **error);

/**
 * sevirt_host_caps_count_guests:
 * Counts the active guests of @conn by launch security type (from their
 * live XML) into caps->guests_running and caps->es_guests_running.
 */
gboolean sevirt_host_caps_count_guests(SevirtHostCaps *caps, virConnectPtr conn, GError **error);

/** sevirt_host_caps_supports: whether the host can launch guests of @type. */
gboolean sevirt_host_caps_supports(const SevirtHostCaps *caps, SevirtSevType type);

/**
 * sevirt_host_caps_free_slots:
 * Free ASID slots for guests of @type (SNP shares the SEV-ES pool): 0 when
 * the host cannot run @type at all, SEVIRT_HOST_SLOTS_UNLIMITED for plain
 * guests and on the emulated platform (which has no ASIDs), -1 when the host
 * does not report its limits or the running guests were not counted.
 */
gint sevirt_host_caps_free_slots(const SevirtHostCaps *caps, SevirtSevType type);

/**
 * sevirt_host_caps_passt_refusal:
 * Why the host gives guests no user-mode networking (caps->passt is
 * SEVIRT_TRISTATE_NO), in words for the user.
 */
char *sevirt_host_caps_passt_refusal(const SevirtHostCaps *caps);

G_END_DECLS
