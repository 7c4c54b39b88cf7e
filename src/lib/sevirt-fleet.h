/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleets: many guests over many libvirt hosts from one YAML manifest.
 *
 * There is no state of sevirt's own: a fleet's guests carry their fleet,
 * group and spec hash in sevirt's metadata (SevirtFleetMember), so reading
 * the hosts tells what exists.  A run is three steps: load the manifest,
 * read every host (sevirt_fleet_survey(), one thread and one connection per
 * host), plan (sevirt_fleet_plan(): a pure function of the two, so that
 * placement is decided and "cannot fit" reported before anything is made),
 * then carry the plan out (sevirt_fleet_apply()).  Internal to sevirt.
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "sevirt-guid.h"
#include "sevirt-hostcaps.h"
#include "sevirt-spec.h"

G_BEGIN_DECLS

/* ---------------------------------------------------------------------- */
/* manifest */

typedef enum {
    SEVIRT_FLEET_SPREAD,   /* the host with the fewest of the fleet's guests */
    SEVIRT_FLEET_PACK,     /* the first host, in manifest order, with room */
    SEVIRT_FLEET_LABEL,    /* spread over the hosts whose labels match */
} SevirtFleetPlacement;

typedef struct {
    char *uri;
    GHashTable *labels;    /* char* -> char* */
    gint max_guests;       /* the fleet's guests on this host; -1: no limit */
    char *location;        /* "FILE:LINE:COLUMN" of the entry */
} SevirtFleetHost;

typedef struct _SevirtFleetManifest SevirtFleetManifest;

/*
 * A group's attested launch: each guest is created with a launch session
 * made for its host's verified platform, then launched as 'sevirt launch'
 * does (measurement checked against the owner's firmware, then the secret
 * injected).  Paths are resolved against the manifest's folder.
 */
typedef struct {
    char *keys_dir;        /* each guest's session and keys go into keys_dir/NAME */
    char *firmware;        /* the owner's copy of the firmware the guests boot */
    char *secret_file;     /* (nullable) the secret to inject ... */
    SevirtGuid secret_guid;/* ... under this GUID */
    gboolean secret_address_set;  /* inject at this guest physical address, for */
    guint64 secret_address;       /* a firmware that reserves no secret area */
    char *ark;             /* (nullable) another root, with its ASK */
    char *ask;
} SevirtFleetAttest;

typedef struct {
    char *name;            /* the name template ("web-{index}"), also the group's id */
    guint count;
    SevirtFleetPlacement placement;
    GHashTable *match;     /* LABEL: the labels a host must carry */
    gboolean start;        /* start the guests (default: define only) */
    SevirtFleetAttest *attest;  /* (nullable) attested launch of each guest */
    char *hash;            /* hex SHA-256 of the spec as written and the overrides */
    char *location;        /* "FILE:LINE:COLUMN" of the entry */
    guint id;              /* its index in the manifest's groups */
    /* What placement needs, from the spec validated once for the group. */
    SevirtSevType sev_type;
    char *emulator;        /* the host capabilities it is placed by */
    char *virt_type;
    char *machine;
    guint vcpus;
    guint64 memory_mib;
    gboolean kernel;       /* a direct kernel boot */
    /* private: where the spec comes from */
    SevirtFleetManifest *manifest;
    int spec_node;         /* inline: the mapping's node in the manifest */
    char *spec_path;       /* file: its path, text and folder */
    char *spec_text;
    gsize spec_len;
    gboolean sev_set;      /* the group's sev: override */
    SevirtSevType sev_override;
} SevirtFleetGroup;

struct _SevirtFleetManifest {
    char *path;
    char *name;            /* fleet: */
    GPtrArray *hosts;      /* SevirtFleetHost* */
    GPtrArray *groups;     /* SevirtFleetGroup* */
    /* private */
    char *base_dir;
    gpointer doc;          /* the loaded yaml_document_t */
};

void sevirt_fleet_manifest_free(SevirtFleetManifest *manifest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetManifest, sevirt_fleet_manifest_free)

/**
 * sevirt_fleet_manifest_load:
 * @path: the YAML manifest
 *
 * Reads and checks a manifest: its keys, the hosts (URIs unique), the
 * groups (templates unique, holding "{index}" when count > 1, the names
 * they make valid and distinct across groups) and each group's spec (a
 * spec file, or an inline mapping of spec file keys), validated once.
 * Errors are SEVIRT_ERROR_INVALID "FILE:LINE:COLUMN: message" (the spec
 * file's own place for an error in a spec file).
 */
SevirtFleetManifest *sevirt_fleet_manifest_load(const char *path, GError **error);

/** sevirt_fleet_manifest_parse: sevirt_fleet_manifest_load() on text in memory. */
SevirtFleetManifest *sevirt_fleet_manifest_parse(const char *what, const char *text, gsize len,
                                                 const char *base_dir, GError **error);

/** The name of guest @index (1-based) of @group. */
char *sevirt_fleet_guest_name(const SevirtFleetGroup *group, guint index);

/**
 * sevirt_fleet_guest_spec:
 * The spec of guest @index of @group: its name, the group's overrides and
 * its fleet membership filled in; not validated (create does that).
 */
SevirtVmSpec *sevirt_fleet_guest_spec(const SevirtFleetGroup *group, guint index,
                                      GError **error);

/* ---------------------------------------------------------------------- */
/* what the hosts hold */

typedef struct {
    char *name;
    char *group;           /* NULL: a domain of no group of this fleet */
    char *hash;
    int state;             /* virDomainState */
    SevirtSevType sev_type;
    gboolean policy_set;
    guint64 policy;
    guint vcpus;
    guint64 memory_kib;
    char *address;         /* the first address (status only), or NULL */
} SevirtFleetGuest;

typedef struct {
    const SevirtFleetHost *host;
    char *error;           /* NULL: reachable and read */
    GPtrArray *caps;       /* SevirtHostCaps* for each group (its emulator, virt type
                            * and machine), NULL where the host gave none */
    guint cpus;
    guint64 memory_kib;
    guint64 running_memory_kib;   /* of every running domain */
    guint running_vcpus;
    GPtrArray *guests;     /* SevirtFleetGuest*: the fleet's guests, sorted by name */
    GHashTable *others;    /* names of the host's other domains */
} SevirtFleetHostState;

void sevirt_fleet_host_state_free(SevirtFleetHostState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetHostState, sevirt_fleet_host_state_free)

/**
 * sevirt_fleet_survey:
 * @addresses: also ask for each running guest's first address
 *
 * Reads every host of @manifest in parallel, one thread and one connection
 * each.  An unreachable host does not fail the survey: its state carries
 * the error.
 *
 * Returns: (transfer full): SevirtFleetHostState*, in manifest order
 */
GPtrArray *sevirt_fleet_survey(const SevirtFleetManifest *manifest, gboolean addresses);

/**
 * sevirt_fleet_host_read:
 * One host's part of sevirt_fleet_survey() on an open connection.
 */
SevirtFleetHostState *sevirt_fleet_host_read(virConnectPtr conn, const SevirtFleetManifest *manifest,
                                             const SevirtFleetHost *host, gboolean addresses);

/**
 * sevirt_fleet_group_caps:
 * The host's capabilities for the guests of @group (its emulator, virt
 * type and machine), with the running guests counted; NULL when the host
 * gives none (libvirt's test driver).
 */
SevirtHostCaps *sevirt_fleet_group_caps(virConnectPtr conn, const SevirtFleetGroup *group);

/* ---------------------------------------------------------------------- */
/* plan */

typedef enum {
    SEVIRT_FLEET_KEEP,
    SEVIRT_FLEET_CREATE,
    SEVIRT_FLEET_REPLACE,  /* the spec changed: delete, then create on the same host */
    SEVIRT_FLEET_DELETE,   /* in the fleet, not (or no longer here) in the manifest */
} SevirtFleetActionKind;

/* "keep", "create", "replace", "delete" */
const char *sevirt_fleet_action_kind_to_string(SevirtFleetActionKind kind);

typedef struct {
    SevirtFleetActionKind kind;
    char *name;
    const SevirtFleetGroup *group;   /* NULL for DELETE */
    guint index;           /* the guest's index in its group */
    guint host;            /* index into the manifest's hosts */
    char *why;             /* DELETE/REPLACE: the reason, in words */
} SevirtFleetAction;

typedef struct {
    GPtrArray *actions;    /* SevirtFleetAction*, by host then name */
    GPtrArray *problems;   /* char*: groups that cannot fit, and why; empty: it fits */
    GPtrArray *unreachable;/* char*: "URI: reason" of hosts not read */
} SevirtFleetPlan;

void sevirt_fleet_plan_free(SevirtFleetPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtFleetPlan, sevirt_fleet_plan_free)

/* vCPUs of running guests a host takes per CPU of its own. */
#define SEVIRT_FLEET_VCPU_OVERCOMMIT 4

/**
 * sevirt_fleet_plan:
 * @states: sevirt_fleet_survey()'s answer
 *
 * Compares the manifest with what the hosts hold and places the guests to
 * create.  A guest to create goes on a reachable host that: carries the
 * group's labels (label placement), is below its max_guests, can run the
 * group's SEV type, and, for guests to start, has a free ASID slot of the
 * type (SEV-SNP shares the SEV-ES pool; the running guests are counted),
 * the memory (the host's, less that of its running domains) and the vCPUs
 * (SEVIRT_FLEET_VCPU_OVERCOMMIT per CPU).  Guests that fit nowhere make a
 * problem naming the group and each host's reason.
 */
SevirtFleetPlan *sevirt_fleet_plan(const SevirtFleetManifest *manifest, GPtrArray *states);

/**
 * sevirt_fleet_plan_destroy:
 * A plan deleting every guest of the fleet on the reachable hosts.
 */
SevirtFleetPlan *sevirt_fleet_plan_destroy(const SevirtFleetManifest *manifest,
                                           GPtrArray *states);

/** Number of actions of @kind in @plan. */
guint sevirt_fleet_plan_count(const SevirtFleetPlan *plan, SevirtFleetActionKind kind);

/* ---------------------------------------------------------------------- */
/* apply */

typedef enum {
    SEVIRT_FLEET_EVENT_CONNECTED,  /* a host's worker is connected */
    SEVIRT_FLEET_EVENT_DONE,       /* one action done */
    SEVIRT_FLEET_EVENT_FAILED,     /* one action failed: @message says why */
    SEVIRT_FLEET_EVENT_HOST_FAILED,/* the host cannot be reached: @message */
} SevirtFleetEventKind;

/**
 * SevirtFleetProgressFunc:
 * @action: (nullable) the action, NULL for host events
 *
 * Called from the hosts' worker threads, one call at a time.
 */
typedef void (*SevirtFleetProgressFunc)(SevirtFleetEventKind kind, guint host,
                                        const SevirtFleetAction *action,
                                        const char *message, gpointer user_data);

typedef struct {
    guint done;            /* actions carried out */
    guint failed;          /* actions that failed (each rolled back) */
    guint skipped;         /* not tried: host unreachable or run cancelled */
    char *error;           /* the host's error, or NULL */
    gint64 elapsed_us;
} SevirtFleetHostResult;

typedef struct {
    guint jobs_per_host;   /* guests made at once on one host (0: 2) */
    GCancellable *cancel;  /* (nullable) stops starting new actions */
    SevirtFleetProgressFunc progress;
    gpointer progress_data;
} SevirtFleetApplyOptions;

/**
 * sevirt_fleet_apply:
 * @results: (out caller-allocates): one SevirtFleetHostResult per manifest host
 *
 * Carries out the actions of @plan other than KEEP, hosts in parallel
 * (one thread and one connection per host, @jobs_per_host workers on it),
 * deletions first.  Each guest is made by sevirt_domain_create(), so a
 * failure or a cancel leaves nothing half-made.  A failing guest or host
 * does not stop the others.
 *
 * Returns: FALSE with SEVIRT_ERROR_PARTIAL when some action was not done
 * (the message counts them), SEVIRT_ERROR_FAILED "cancelled" when @cancel
 * stopped it.
 */
gboolean sevirt_fleet_apply(const SevirtFleetManifest *manifest, const SevirtFleetPlan *plan,
                            const SevirtFleetApplyOptions *opts, GArray *results,
                            GError **error);

G_END_DECLS
