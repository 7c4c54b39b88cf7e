/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SevirtVmSpec: everything sevirt needs to know to build one guest.
 *
 * Data flows one way: command-line options / a YAML spec file fill a
 * SevirtVmSpec, it is validated once, then turned into domain XML and
 * handed to libvirt.  The struct is plain data: every field is public and
 * owned by the spec (strings are g_free()d by sevirt_vm_spec_free()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Defined in sevirt-hostcaps.h. */
typedef struct _SevirtHostCaps SevirtHostCaps;

typedef enum {
    SEVIRT_SEV_NONE,    /* plain guest, same layout, no encryption */
    SEVIRT_SEV_SEV,
    SEVIRT_SEV_ES,
    SEVIRT_SEV_SNP,
} SevirtSevType;

/* "none", "sev", "sev-es", "sev-snp" */
const char *sevirt_sev_type_to_string(SevirtSevType type);
gboolean sevirt_sev_type_from_string(const char *str, SevirtSevType *type, GError **error);

typedef enum {
    SEVIRT_VIRT_KVM,
    SEVIRT_VIRT_QEMU,   /* TCG: no hardware acceleration */
} SevirtVirtType;

const char *sevirt_virt_type_to_string(SevirtVirtType type);
gboolean sevirt_virt_type_from_string(const char *str, SevirtVirtType *type, GError **error);

typedef enum {
    SEVIRT_TRISTATE_DEFAULT,
    SEVIRT_TRISTATE_YES,
    SEVIRT_TRISTATE_NO,
} SevirtTristate;

typedef enum {
    SEVIRT_DISK_PATH,        /* path=FILE: an existing file on the host */
    SEVIRT_DISK_VOLUME,      /* vol=POOL/VOLUME: an existing volume */
    SEVIRT_DISK_NEW_VOLUME,  /* pool=P,size=GiB[,backing=VOL]: sevirt creates it */
} SevirtDiskKind;

typedef struct {
    SevirtDiskKind kind;
    char *path;          /* PATH */
    char *pool;          /* VOLUME, NEW_VOLUME */
    char *volume;        /* VOLUME; NEW_VOLUME once created (or requested name) */
    char *format;        /* "raw", "qcow2", ...; NULL = probe/default */
    char *backing;       /* NEW_VOLUME: name of a volume in the same pool */
    guint64 size_gib;    /* NEW_VOLUME: capacity (0 = size of the backing volume) */
    gboolean readonly;
    gboolean cdrom;      /* attached as a SATA CD-ROM (cloud-init seed) */
} SevirtDiskSpec;

typedef enum {
    SEVIRT_NET_NETWORK,  /* network=NAME: a libvirt virtual network */
    SEVIRT_NET_BRIDGE,   /* bridge=BR: a host bridge */
    SEVIRT_NET_USER,     /* user: passt user-mode networking with port forwards */
    SEVIRT_NET_NONE,
} SevirtNetKind;

typedef struct {
    guint16 host_port;
    guint16 guest_port;
    char *proto;         /* "tcp" or "udp" */
} SevirtPortForward;

typedef struct {
    SevirtNetKind kind;
    char *source;        /* network or bridge name */
    char *mac;           /* NULL = libvirt picks */
    GPtrArray *portfwds; /* SevirtPortForward*, NET_USER only */
} SevirtNetSpec;

typedef struct {
    char *source_dir;
    char *tag;
    gboolean readonly;
} SevirtShareSpec;

typedef struct {
    char *user_data;       /* file paths */
    char *meta_data;
    char *network_config;
    char *ssh_key;         /* public key file for the default user */
    char *hostname;
    char *pool;            /* pool that receives the seed; NULL: see sevirt_create_prepare() */
} SevirtCloudInitSpec;

/*
 * 'sevirt create --attest': the guest owner's launch session is made for
 * the platform while the guest is created (see sevirt(1)).  The spec only
 * records the request; sevirt_domain_create() leaves it to the caller's
 * spec hook, which makes the session and fills dh_cert and session.
 */
typedef struct {
    gboolean enabled;      /* --attest, sev.attest */
    char *pdh;             /* the platform's PDH certificate file */
    gboolean from_host;    /* the PDH of the host, or of the guest's emulator */
    char *ark;             /* another root (ARK and ASK files) to verify the */
    char *ask;             /* platform's chain under instead of AMD's built-in ones */
    char *keys_dir;        /* where the session and the owner's keys are written */
} SevirtAttestSpec;

/*
 * A guest made by 'sevirt fleet apply': the fleet and the manifest group it
 * belongs to and the hash of the group's spec, recorded in the domain's
 * metadata so that the fleet's state lives on its hosts.
 */
typedef struct {
    char *fleet;
    char *group;
    char *hash;        /* hex SHA-256 of the group's spec */
} SevirtFleetMember;

SevirtFleetMember *sevirt_fleet_member_new(const char *fleet, const char *group,
                                           const char *hash);
void sevirt_fleet_member_free(SevirtFleetMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetMember, sevirt_fleet_member_free)

typedef struct {
    char *name;
    guint vcpus;
    guint64 memory_mib;

    SevirtSevType sev_type;
    gboolean policy_set;
    guint64 policy;            /* SEV: 32-bit, SNP: 64-bit */
    char *policy_text;         /* a spec file's policy, parsed by validation for the
                                * final SEV type unless policy_set */
    gint cbitpos;              /* -1: from the host, or libvirt fills it */
    gint reduced_phys_bits;    /* -1: from the host, or libvirt fills it */
    char *dh_cert;             /* base64 of the 0x824-byte GODH certificate */
    char *session;             /* base64 of the 0x80-byte session blob */
    char *id_block;            /* SNP: base64 of the 96-byte ID block (sevirt id-block) */
    char *id_auth;             /* SNP: base64 of the 4096-byte ID authentication */
    gboolean author_key;       /* SNP: the ID auth carries an author key */
    char *host_data;           /* SNP: base64 of 32 bytes the report carries as host_data */
    char *guest_visible_workarounds;   /* SNP: base64 of 16 bytes, CPUID workarounds the guest sees */
    SevirtTristate vcek;       /* SNP: reports may be signed with the VCEK (NO: the VLEK only) */
    SevirtAttestSpec *attest;  /* NULL: no session to make (create --attest) */
    SevirtTristate kernel_hashes;

    char *kernel;
    char *initrd;
    char *cmdline;

    char *firmware;            /* NULL or "auto": libvirt picks; else a path */
    SevirtVirtType virt_type;
    gboolean virt_type_set;
    char *emulator;
    char *cpu;                 /* model name or "host-passthrough" */
    char *machine;             /* NULL = "q35" */

    GPtrArray *disks;          /* SevirtDiskSpec* */
    GPtrArray *networks;       /* SevirtNetSpec*; empty = default NAT network */
    GPtrArray *shares;         /* SevirtShareSpec* */
    SevirtCloudInitSpec *cloud_init;   /* NULL = no seed */

    GPtrArray *owned_volumes;  /* "POOL/VOLUME" created by sevirt, recorded in metadata */

    GHashTable *marks;         /* spec file key -> "FILE:LINE:COLUMN" (sevirt_vm_spec_set_mark) */

    SevirtFleetMember *fleet;  /* NULL: not a fleet's guest */
} SevirtVmSpec;

#define SEVIRT_DEFAULT_VCPUS 1
#define SEVIRT_DEFAULT_MEMORY_MIB 2048

SevirtVmSpec *sevirt_vm_spec_new(void);
void sevirt_vm_spec_free(SevirtVmSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtVmSpec, sevirt_vm_spec_free)

/*
 * Where values came from: a spec file marks each field it sets with the
 * place of its value, so that sevirt_vm_spec_validate() can point at the
 * file as the loader does.  Fields are named as spec file keys: "memory",
 * "sev.policy", "cloud_init.ssh_key", and list items as "disks[0]".
 */

/**
 * sevirt_vm_spec_set_mark:
 * @field: a spec file key or list item
 * @location: "FILE:LINE:COLUMN" of the value in the spec file
 */
void sevirt_vm_spec_set_mark(SevirtVmSpec *spec, const char *field, const char *location);

/**
 * sevirt_vm_spec_clear_mark:
 * Forgets the mark of @field and those of its keys and items ("sev" also
 * clears "sev.policy", "disks" clears "disks[1]"): for a value that no
 * longer comes from the file, such as one the command line replaced.
 */
void sevirt_vm_spec_clear_mark(SevirtVmSpec *spec, const char *field);

/** sevirt_vm_spec_get_mark: "FILE:LINE:COLUMN" of @field, or NULL when it has none. */
const char *sevirt_vm_spec_get_mark(const SevirtVmSpec *spec, const char *field);

/**
 * sevirt_vm_spec_locate_error:
 * @error: an error about the value of @field, already set
 *
 * Prefixes *@error with "FILE:LINE:COLUMN: " when @field has a mark.
 * Returns: FALSE, for "return sevirt_vm_spec_locate_error(...)"
 */
gboolean sevirt_vm_spec_locate_error(const SevirtVmSpec *spec, const char *field, GError **error);

SevirtDiskSpec *sevirt_disk_spec_new(SevirtDiskKind kind);
void sevirt_disk_spec_free(SevirtDiskSpec *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtDiskSpec, sevirt_disk_spec_free)

SevirtNetSpec *sevirt_net_spec_new(SevirtNetKind kind);
void sevirt_net_spec_free(SevirtNetSpec *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtNetSpec, sevirt_net_spec_free)

void sevirt_port_forward_free(SevirtPortForward *fwd);

SevirtShareSpec *sevirt_share_spec_new(void);
void sevirt_share_spec_free(SevirtShareSpec *share);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtShareSpec, sevirt_share_spec_free)

void sevirt_attest_spec_free(SevirtAttestSpec *attest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtAttestSpec, sevirt_attest_spec_free)

/**
 * SevirtAttestProblem:
 * What is inconsistent in a launch session request (sevirt_attest_spec_problem()).
 */
typedef enum {
    SEVIRT_ATTEST_OK,
    SEVIRT_ATTEST_NOT_REQUESTED,      /* pdh, from_host, ark, ask or keys_dir without attest */
    SEVIRT_ATTEST_SEV_TYPE,           /* attest for a guest that is not SEV or SEV-ES */
    SEVIRT_ATTEST_BLOB_GIVEN,         /* attest with a dhCert or session given too */
    SEVIRT_ATTEST_PDH,                /* neither or both of pdh and from_host */
    SEVIRT_ATTEST_KEYS_DIR,           /* no keys_dir */
    SEVIRT_ATTEST_ARK_ASK,            /* ark without ask, or ask without ark */
} SevirtAttestProblem;

/**
 * sevirt_attest_spec_problem:
 * @spec: a spec whose attest field is set
 * @field: (out) (optional): the spec key the problem is at (for
 *         sevirt_vm_spec_locate_error()), or NULL for none in particular
 *
 * The first inconsistency of the session request of an attested create,
 * for a caller that words it in its own terms (the command names its
 * options); sevirt_attest_spec_check() words it with the spec keys.
 */
SevirtAttestProblem sevirt_attest_spec_problem(const SevirtVmSpec *spec, const char **field);

/**
 * sevirt_attest_spec_check:
 * @spec: a spec whose attest field is set
 *
 * Checks the session request of an attested create against the rest of
 * @spec (before the session is made): an SEV or SEV-ES guest, the PDH from
 * a file or from the host (one of them), a keys directory, ARK and ASK
 * together, and no dhCert or session given too.
 * Errors are SEVIRT_ERROR_INVALID and name the spec keys.
 */
gboolean sevirt_attest_spec_check(const SevirtVmSpec *spec, GError **error);

void sevirt_cloud_init_spec_free(SevirtCloudInitSpec *ci);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtCloudInitSpec, sevirt_cloud_init_spec_free)

/*
 * Parsers for the values of --disk, --network and --share (the spec file
 * uses the same forms; sevirt-specitems.c).  @what names the input in error messages
 * ("--disk", "disks[2]"); errors are SEVIRT_ERROR_INVALID, one line, naming
 * @what, the text and what is wrong.  Values cannot contain commas.
 */

/**
 * sevirt_disk_spec_parse:
 * @text: path=FILE[,format=F] | vol=POOL/VOLUME[,format=F] |
 *        pool=POOL,size=GiB[,backing=VOLUME][,format=qcow2][,name=VOLUME]
 *        (size may be left out with backing=: the overlay gets the backing
 *        volume's size); ",readonly" marks the disk read-only.
 */
SevirtDiskSpec *sevirt_disk_spec_parse(const char *what, const char *text, GError **error);

/**
 * sevirt_net_spec_parse:
 * @text: network=NAME[,mac=M] | bridge=BR[,mac=M] |
 *        user[,portfwd=HOSTPORT:GUESTPORT[/tcp|udp]]...[,mac=M] | none
 */
SevirtNetSpec *sevirt_net_spec_parse(const char *what, const char *text, GError **error);

/**
 * sevirt_cloud_init_spec_parse:
 * @text: user-data=FILE[,meta-data=FILE][,network-config=FILE][,pool=POOL]
 *        (at least one key)
 * @ci: the settings to complete; the keys of @text replace its user_data,
 *      meta_data, network_config and pool (all four, so that a command-line
 *      --cloud-init replaces what a spec file said); ssh_key and hostname
 *      are left alone
 */
gboolean sevirt_cloud_init_spec_parse(const char *what, const char *text,
                                      SevirtCloudInitSpec *ci, GError **error);

/**
 * sevirt_share_spec_parse:
 * @text: SOURCE_DIR:TAG[:ro] (SOURCE_DIR absolute; it may contain colons)
 */
SevirtShareSpec *sevirt_share_spec_parse(const char *what, const char *text, GError **error);

/**
 * sevirt_vm_spec_validate:
 * @spec: the spec; completed in place
 * @caps: (nullable) the target host's capabilities when connected; NULL
 *        for offline XML
 * @notes: (nullable) (element-type utf8): receives sentences about values
 *         sevirt chose or corrected (the ES bit forced on, the firmware
 *         picked for an attested launch); the CLI shows them as warnings
 *
 * Checks a spec once, before any XML is built, and fills what was left to
 * sevirt: the policy (policy_text parsed for the final SEV type, or the
 * default), cbitpos and reduced-phys-bits and virt type from @caps, kernel
 * hashes, volume names of new disks ("NAME-diskN.qcow2"), disk formats,
 * the firmware of an attested launch.  The cloud-init files must be
 * readable regular files and the ssh_key file OpenSSH public keys
 * (sevirt_ssh_public_keys_read()).  Returns SEVIRT_ERROR_INVALID for a bad
 * value ("FILE:LINE:COLUMN: " first when the field has a mark),
 * SEVIRT_ERROR_NOT_FOUND for a missing cloud-init file, and
 * SEVIRT_ERROR_UNSUPPORTED when @caps says the host cannot run the guest
 * (no SEV, libvirt older than 10.5 for SEV-SNP, naming the version found).
 */
gboolean sevirt_vm_spec_validate(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                                 GPtrArray *notes, GError **error);

/**
 * sevirt_vm_spec_resolve_policy:
 * @spec: a spec whose SEV type is final
 *
 * Parses @spec's policy_text (a spec file's policy) for its SEV type into
 * policy, unless policy_set says a policy was given otherwise (which wins).
 * sevirt_vm_spec_validate() does it first; callers that need the policy
 * before validation (a launch session bound to it) call it themselves.
 * Errors are sevirt_policy_parse()'s, at the policy's place in the file.
 */
gboolean sevirt_vm_spec_resolve_policy(SevirtVmSpec *spec, GError **error);

typedef enum {
    SEVIRT_SPEC_VALIDATE_DEFAULT = 0,
    /* Take defaults (cbitpos, virt type, vCPU limit, firmware) from @caps but
     * leave "can this host run an SEV guest" to libvirt, which decides when
     * the domain is defined: 'create' defines, then reports libvirt's answer. */
    SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES = 1 << 0,
} SevirtSpecValidateFlags;

/**
 * sevirt_vm_spec_validate_full:
 * @flags: SevirtSpecValidateFlags
 *
 * sevirt_vm_spec_validate() with flags.  The SEV-SNP libvirt version check
 * stays: it is about libvirt's XML format, not the host's hardware.
 */
gboolean sevirt_vm_spec_validate_full(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                                      guint flags, GPtrArray *notes, GError **error);

/** sevirt_vm_spec_is_attested: dhCert and session given (an attested launch). */
gboolean sevirt_vm_spec_is_attested(const SevirtVmSpec *spec);

#define SEVIRT_MIN_MEMORY_MIB 128
#define SEVIRT_MAX_MEMORY_MIB (G_GUINT64_CONSTANT(16) * 1024 * 1024)   /* 16 TiB */
#define SEVIRT_MAX_VCPUS 4096
/* Sizes of the guest owner's blobs, once base64-decoded. */
#define SEVIRT_DH_CERT_SIZE 0x824
#define SEVIRT_SESSION_SIZE 0x80
#define SEVIRT_GUEST_WORKAROUNDS_SIZE 16

G_END_DECLS
