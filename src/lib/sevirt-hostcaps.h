/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a libvirt host can do for confidential guests: its domain
 * capabilities (SEV, SEV-ES, SEV-SNP, cbitpos, ASID slots), its versions,
 * how many encrypted guests already run, and which firmware images it
 * offers with which confidential features (QEMU firmware descriptors).
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/* Where QEMU firmware descriptors live, in increasing order of priority
 * (a file in a later directory replaces one with the same name). */
#define SEVIRT_FIRMWARE_DESCRIPTOR_DIRS "/usr/share/qemu/firmware:/etc/qemu/firmware"

/* libvirt's first release with <launchSecurity type='sev-snp'> (10.5.0). */
#define SEVIRT_LIBVIRT_SNP_VERSION 10005000

/* Basename of sevirt's emulated SEV platform (a QEMU wrapper). */
#define SEVIRT_EMULATOR_BASENAME "sevirt-qemu-emu"

/**
 * SevirtFirmware:
 * One firmware image as a QEMU firmware descriptor (docs/interop/firmware.json)
 * describes it.
 */
typedef struct {
    char *descriptor;      /* the JSON file it came from */
    char *description;
    char *executable;      /* the firmware image */
    char *nvram_template;  /* NULL: no variable store (stateless or ROM) */
    char *device;          /* "flash" or "memory" */
    char *mode;            /* flash mode: "split", "combined", "stateless" (NULL: split) */
    GStrv features;        /* "amd-sev", "amd-sev-es", "amd-sev-snp", "secure-boot", ... */
} SevirtFirmware;

void sevirt_firmware_free(SevirtFirmware *fw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFirmware, sevirt_firmware_free)

/** sevirt_firmware_has_feature: whether @fw lists @feature. */
gboolean sevirt_firmware_has_feature(const SevirtFirmware *fw, const char *feature);

/**
 * sevirt_firmware_feature_for:
 * The descriptor feature a guest of @type needs: "amd-sev", "amd-sev-es",
 * "amd-sev-snp", or NULL for a plain guest.
 */
const char *sevirt_firmware_feature_for(SevirtSevType type);

/**
 * sevirt_firmware_parse:
 * @path: a JSON firmware descriptor
 *
 * Parses one descriptor with json-glib.  Returns NULL with an error naming
 * the file when it is not a descriptor sevirt understands.
 */
SevirtFirmware *sevirt_firmware_parse(const char *path, GError **error);

/**
 * sevirt_firmware_list_load:
 * @dirs: (nullable) colon-separated directories, lowest priority first;
 *        NULL means SEVIRT_FIRMWARE_DESCRIPTOR_DIRS
 *
 * Loads every x86_64 UEFI descriptor of @dirs, sorted by file name as QEMU
 * and libvirt do (a name in a later directory overrides an earlier one; an
 * empty file hides it).  Missing directories are fine; unreadable or
 * malformed descriptors are skipped, as libvirt skips them.
 *
 * Returns: (transfer full): array of SevirtFirmware*
 */
GPtrArray *sevirt_firmware_list_load(const char *dirs);

/**
 * sevirt_firmware_list_find:
 * @firmware: (element-type SevirtFirmware): descriptors in priority order
 *
 * Returns the first descriptor that lists the feature @type needs and
 * neither needs SMM nor enrolls Secure Boot keys (neither works with
 * SEV-ES), or NULL.  Any of them can also run stateless: libvirt then gets
 * it as a read-only pflash without a variable store.
 */
const SevirtFirmware *sevirt_firmware_list_find(const GPtrArray *firmware, SevirtSevType type);

/**
 * SevirtEmuInfo:
 * What sevirt's emulated SEV platform says about itself ('sevirt-qemu-emu
 * --emu-info').  Numbers are -1 when it does not say.
 */
typedef struct {
    char *notice;          /* that it gives no memory encryption */
    char *state_dir;       /* its state directory */
    char *qemu;            /* the real QEMU it runs */
    gint api_major;        /* the SEV API version it reports */
    gint api_minor;
    gint build_id;
    gint cpu_family;       /* the CPU signature its SEV-ES VMSAs carry */
    gint cpu_model;
    gint cpu_stepping;
    char *identity_dir;    /* its platform certificates; NULL when it has none */
    char *identity_error;  /* why it has none (not set up, broken) */
} SevirtEmuInfo;

void sevirt_emu_info_free(SevirtEmuInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtEmuInfo, sevirt_emu_info_free)

/**
 * sevirt_emu_info_parse:
 * @json: what --emu-info printed
 *
 * Returns NULL with an error when @json is not the emulator's description.
 */
SevirtEmuInfo *sevirt_emu_info_parse(const char *json, GError **error);

/**
 * sevirt_emu_info_summary:
 * What @info emulates, for people: "SEV API 1.55 build 21, CPU family 25
 * model 1 stepping 1" ("?" for what the emulator did not say).
 */
char *sevirt_emu_info_summary(const SevirtEmuInfo *info);

/**
 * sevirt_emu_info_query:
 * @emulator: the emulated platform's program on this host
 *
 * Runs '@emulator --emu-info' (it only reads its state directory) and parses
 * what it prints.
 */
SevirtEmuInfo *sevirt_emu_info_query(const char *emulator, GError **error);

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

/**
 * sevirt_emulator_is_emulated:
 * @path: (nullable) an emulator binary
 *
 * TRUE when @path is sevirt's emulated SEV platform (basename
 * "sevirt-qemu-emu", also at the end of symbolic links on this machine):
 * SEV works through libvirt, but nothing is encrypted.
 */
gboolean sevirt_emulator_is_emulated(const char *path);

/* The node 'sevirt emulator-setup' makes: the null device (1:3). */
#define SEVIRT_DEV_SEV_PATH "/dev/sev"
#define SEVIRT_DEV_SEV_PLACEHOLDER_MAJOR 1
#define SEVIRT_DEV_SEV_PLACEHOLDER_MINOR 3

typedef enum {
    SEVIRT_DEV_SEV_ABSENT,
    SEVIRT_DEV_SEV_DEVICE,        /* a character device other than the null device */
    SEVIRT_DEV_SEV_PLACEHOLDER,   /* the null device: no SEV hardware behind it */
    SEVIRT_DEV_SEV_NOT_DEVICE,    /* a file, directory, ... */
} SevirtDevSev;

/**
 * sevirt_dev_sev_examine:
 * @path: where the SEV device belongs (SEVIRT_DEV_SEV_PATH, or in a test tree)
 * @kind: (out) what is there, symbolic links followed as libvirt follows them
 *
 * Fails only when @path cannot be examined (other than not existing).
 */
gboolean sevirt_dev_sev_examine(const char *path, SevirtDevSev *kind, GError **error);

typedef enum {
    SEVIRT_CHECK_PASS,
    SEVIRT_CHECK_WARN,
    SEVIRT_CHECK_FAIL,
} SevirtCheckStatus;

/* "PASS", "WARN", "FAIL" */
const char *sevirt_check_status_to_string(SevirtCheckStatus status);

/**
 * SevirtHostCheck:
 * One line of the preflight check list.
 */
typedef struct {
    SevirtCheckStatus status;
    char *name;      /* what was checked: "kvm_amd sev parameter" */
    char *detail;    /* what was found */
    char *fix;       /* how to fix a WARN/FAIL, NULL for PASS */
} SevirtHostCheck;

void sevirt_host_check_free(SevirtHostCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtHostCheck, sevirt_host_check_free)

/**
 * sevirt_host_check:
 * @caps: what sevirt_host_caps_query() found
 * @type: the SEV type the host must be able to run (sev, sev-es, sev-snp)
 * @local_root: (nullable) for a local host, the root of its file system
 *              ("/"; a test passes a fake tree), where kvm_amd's
 *              parameters, /dev/sev, libvirtd's memlock limit and the firmware
 *              descriptors are read; NULL for a remote host, whose files
 *              sevirt cannot see
 *
 * Runs the preflight checks in the spirit of virt-host-validate.
 *
 * Returns: (transfer full): array of SevirtHostCheck*, in a stable order
 */
GPtrArray *sevirt_host_check(const SevirtHostCaps *caps, SevirtSevType type,
                             const char *local_root);

/** sevirt_host_check_failed: whether any check of @checks is a FAIL. */
gboolean sevirt_host_check_failed(const GPtrArray *checks);

G_END_DECLS
