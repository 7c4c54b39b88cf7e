/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleets: reading the hosts (one thread and one connection each) and the
 * plan, which compares the manifest with them and places new guests.
 */
#include <config.h>

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt-autoptr.h"
#include "sevirt-conn.h"
#include "sevirt-domain.h"
#include "sevirt-domxml.h"
#include "sevirt-error.h"
#include "sevirt-fleet.h"

/* ------------------------------------------------------------------ */
/* survey */

static void
fleet_guest_free(SevirtFleetGuest *g)
{
    g_free(g->name);
    g_free(g->group);
    g_free(g->hash);
    g_free(g->address);
    g_free(g);
}

void
sevirt_fleet_host_state_free(SevirtFleetHostState *s)
{
    if (!s)
        return;
    g_free(s->error);
    g_ptr_array_unref(s->caps);
    g_ptr_array_unref(s->guests);
    g_hash_table_unref(s->others);
    g_free(s);
}

/* "web-2" before "web-10": runs of digits compare as numbers. */
static int
natural_compare(const char *a, const char *b)
{
    while (*a && *b) {
        if (g_ascii_isdigit(*a) && g_ascii_isdigit(*b)) {
            const char *ea = a, *eb = b;

            while (*a == '0' && g_ascii_isdigit(a[1]))
                a++;
            while (*b == '0' && g_ascii_isdigit(b[1]))
                b++;
            for (ea = a; g_ascii_isdigit(*ea); ea++)
                ;
            for (eb = b; g_ascii_isdigit(*eb); eb++)
                ;
            if (ea - a != eb - b)
                return ea - a < eb - b ? -1 : 1;
            for (; a < ea; a++, b++)
                if (*a != *b)
                    return *a < *b ? -1 : 1;
            continue;
        }
        if (*a != *b)
            return (guchar) *a < (guchar) *b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int
guest_compare(gconstpointer a, gconstpointer b)
{
    const SevirtFleetGuest *ga = *(SevirtFleetGuest *const *) a;
    const SevirtFleetGuest *gb = *(SevirtFleetGuest *const *) b;

    return natural_compare(ga->name, gb->name);
}

static char *
first_address(virDomainPtr dom)
{
    g_autoptr(GPtrArray) addrs = sevirt_domain_addresses(dom, 0, NULL);

    for (guint i = 0; addrs && i < addrs->len; i++) {
        const SevirtAddress *a = g_ptr_array_index(addrs, i);

        if (!a->ipv6)
            return g_strdup(a->address);
    }
    return addrs && addrs->len ?
           g_strdup(((SevirtAddress *) g_ptr_array_index(addrs, 0))->address) : NULL;
}

/* One domain of the host: a guest of @fleet, or one of the others. */
static void
read_domain(SevirtFleetHostState *s, virDomainPtr dom, const char *fleet, gboolean addresses)
{
    g_autoptr(SevirtVmMetadata) meta = sevirt_domain_get_metadata(dom, NULL);
    virDomainInfo info;
    SevirtFleetGuest *g;

    if (virDomainGetInfo(dom, &info) < 0) {
        virResetLastError();
        return;
    }
    if (info.state == VIR_DOMAIN_RUNNING || info.state == VIR_DOMAIN_PAUSED ||
        info.state == VIR_DOMAIN_BLOCKED) {
        s->running_memory_kib += info.memory;
        s->running_vcpus += info.nrVirtCpu;
    }
    if (!meta || !meta->fleet || !g_str_equal(meta->fleet->fleet, fleet)) {
        g_hash_table_add(s->others, g_strdup(virDomainGetName(dom)));
        return;
    }
    g = g_new0(SevirtFleetGuest, 1);
    g->name = g_strdup(virDomainGetName(dom));
    g->group = g_strdup(meta->fleet->group);
    g->hash = g_strdup(meta->fleet->hash);
    g->state = info.state;
    g->sev_type = meta->sev_type;
    g->policy_set = meta->policy_set;
    g->policy = meta->policy;
    g->vcpus = info.nrVirtCpu;
    g->memory_kib = info.maxMem;
    if (addresses && info.state == VIR_DOMAIN_RUNNING)
        g->address = first_address(dom);
    g_ptr_array_add(s->guests, g);
}

static SevirtFleetHostState *
host_state_new(const SevirtFleetHost *host)
{
    SevirtFleetHostState *s = g_new0(SevirtFleetHostState, 1);

    s->host = host;
    s->guests = g_ptr_array_new_with_free_func((GDestroyNotify) fleet_guest_free);
    s->others = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->caps = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_host_caps_free);
    return s;
}

SevirtHostCaps *
sevirt_fleet_group_caps(virConnectPtr conn, const SevirtFleetGroup *group)
{
    SevirtHostCaps *caps = sevirt_host_caps_query(conn, group->emulator, group->virt_type,
                                                  group->machine, NULL);

    if (caps && !sevirt_host_caps_count_guests(caps, conn, NULL))
        caps->guests_running = caps->es_guests_running = -1;
    virResetLastError();
    return caps;
}

SevirtFleetHostState *
sevirt_fleet_host_read(virConnectPtr conn, const SevirtFleetManifest *m,
                       const SevirtFleetHost *host, gboolean addresses)
{
    g_autoptr(SevirtFleetHostState) s = host_state_new(host);
    g_autoptr(GError) local = NULL;
    virDomainPtr *doms = NULL;
    virNodeInfo node;
    int n;

    if (virNodeGetInfo(conn, &node) < 0) {
        sevirt_error_libvirt(&local, _("Cannot read the host's CPUs and memory"));
        s->error = g_strdup(local->message);
        return g_steal_pointer(&s);
    }
    s->cpus = node.cpus;
    s->memory_kib = node.memory;
    /* A driver without domain capabilities (libvirt's test driver) can
     * still hold plain guests: its SEV types are refused by placement.
     * Each group has its own: it may name an emulator (the emulated
     * platform) or a virt type. */
    for (guint i = 0; i < m->groups->len; i++)
        g_ptr_array_add(s->caps, sevirt_fleet_group_caps(conn, g_ptr_array_index(m->groups, i)));
    n = virConnectListAllDomains(conn, &doms, 0);
    if (n < 0) {
        sevirt_error_libvirt(&local, _("Cannot list the host's domains"));
        s->error = g_strdup(local->message);
        return g_steal_pointer(&s);
    }
    for (int i = 0; i < n; i++) {
        read_domain(s, doms[i], m->name, addresses);
        virDomainFree(doms[i]);
    }
    free(doms);
    g_ptr_array_sort(s->guests, guest_compare);
    return g_steal_pointer(&s);
}

typedef struct {
    const SevirtFleetHost *host;
    const SevirtFleetManifest *m;
    gboolean addresses;
    SevirtFleetHostState *state;
} SurveyJob;

static gpointer
survey_thread(gpointer data)
{
    SurveyJob *job = data;
    g_autoptr(GError) local = NULL;
    g_autoptr(virConnect) conn = sevirt_connect(job->host->uri, NULL, &local);

    if (!conn) {
        job->state = host_state_new(job->host);
        job->state->error = g_strdup(local->message);
        return NULL;
    }
    job->state = sevirt_fleet_host_read(conn, job->m, job->host, job->addresses);
    return NULL;
}

GPtrArray *
sevirt_fleet_survey(const SevirtFleetManifest *m, gboolean addresses)
{
    guint n = m->hosts->len;
    g_autofree SurveyJob *jobs = g_new0(SurveyJob, n);
    g_autofree GThread **threads = g_new0(GThread *, n);
    GPtrArray *states = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_fleet_host_state_free);

    sevirt_libvirt_init();
    for (guint i = 0; i < n; i++) {
        jobs[i].host = g_ptr_array_index(m->hosts, i);
        jobs[i].m = m;
        jobs[i].addresses = addresses;
        threads[i] = g_thread_new("sevirt-survey", survey_thread, &jobs[i]);
    }
    for (guint i = 0; i < n; i++) {
        g_thread_join(threads[i]);
        g_ptr_array_add(states, jobs[i].state);
    }
    return states;
}

/* ------------------------------------------------------------------ */
/* plan */

const char *
sevirt_fleet_action_kind_to_string(SevirtFleetActionKind kind)
{
    switch (kind) {
    case SEVIRT_FLEET_KEEP:
        return "keep";
    case SEVIRT_FLEET_CREATE:
        return "create";
    case SEVIRT_FLEET_REPLACE:
        return "replace";
    case SEVIRT_FLEET_DELETE:
        return "delete";
    }
    return "?";
}

static void
action_free(SevirtFleetAction *a)
{
    g_free(a->name);
    g_free(a->why);
    g_free(a);
}

void
sevirt_fleet_plan_free(SevirtFleetPlan *plan)
{
    if (!plan)
        return;
    g_ptr_array_unref(plan->actions);
    g_ptr_array_unref(plan->problems);
    g_ptr_array_unref(plan->unreachable);
    g_free(plan);
}

guint
sevirt_fleet_plan_count(const SevirtFleetPlan *plan, SevirtFleetActionKind kind)
{
    guint n = 0;

    for (guint i = 0; i < plan->actions->len; i++)
        n += ((SevirtFleetAction *) g_ptr_array_index(plan->actions, i))->kind == kind;
    return n;
}

/* What placement has given a host so far. */
typedef struct {
    const SevirtFleetHostState *state;
    guint guests;           /* the fleet's guests it will hold */
    guint sev_started;      /* guests to start, by ASID pool */
    guint es_started;
    guint64 memory_kib;     /* memory and vCPUs of guests to start */
    guint vcpus;
} HostLoad;

typedef struct {
    const SevirtFleetManifest *m;
    GPtrArray *states;
    HostLoad *load;
    SevirtFleetPlan *plan;
} Planner;

static void
add_action(Planner *p, SevirtFleetActionKind kind, const char *name,
           const SevirtFleetGroup *group, guint index, guint host, char *why)
{
    SevirtFleetAction *a = g_new0(SevirtFleetAction, 1);

    a->kind = kind;
    a->name = g_strdup(name);
    a->group = group;
    a->index = index;
    a->host = host;
    a->why = why;
    g_ptr_array_add(p->plan->actions, a);
}

static void
load_add(HostLoad *l, const SevirtFleetGroup *g)
{
    l->guests++;
    if (!g->start)
        return;
    if (g->sev_type == SEVIRT_SEV_SEV)
        l->sev_started++;
    else if (g->sev_type == SEVIRT_SEV_ES || g->sev_type == SEVIRT_SEV_SNP)
        l->es_started++;
    l->memory_kib += g->memory_mib * 1024;
    l->vcpus += g->vcpus;
}

static gboolean
labels_match(const SevirtFleetHost *h, GHashTable *match)
{
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, match);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *have = g_hash_table_lookup(h->labels, k);

        if (!have || !g_str_equal(have, v))
            return FALSE;
    }
    return TRUE;
}

/* Why ASID slots keep a started guest of @g off the host, or NULL. */
static char *
slots_refusal(const HostLoad *l, const SevirtFleetGroup *g)
{
    const SevirtHostCaps *caps = g_ptr_array_index(l->state->caps, g->id);
    gint free_slots;
    guint taken;

    if (g->sev_type == SEVIRT_SEV_NONE || !g->start)
        return NULL;
    free_slots = sevirt_host_caps_free_slots(caps, g->sev_type);
    /* The host does not report its limits: libvirt refuses at start. */
    if (free_slots < 0 || free_slots == SEVIRT_HOST_SLOTS_UNLIMITED)
        return NULL;
    taken = g->sev_type == SEVIRT_SEV_SEV ? l->sev_started : l->es_started;
    if ((guint) free_slots > taken)
        return NULL;
    return g_strdup_printf(_("no free %s ASID slot (%d free before this plan, %u planned)"),
                           g->sev_type == SEVIRT_SEV_SEV ? "SEV" : "SEV-ES/SNP",
                           free_slots, taken);
}

/* Why guest @name of @g cannot go on host @l, or NULL when it can. */
static char *
host_refusal(const HostLoad *l, const SevirtFleetGroup *g, const char *name)
{
    const SevirtFleetHostState *s = l->state;
    const SevirtFleetHost *h = s->host;

    if (s->error)
        return g_strdup(_("unreachable"));
    if (g->placement == SEVIRT_FLEET_LABEL && !labels_match(h, g->match))
        return g_strdup(_("its labels do not match"));
    if (g_hash_table_contains(s->others, name))
        return g_strdup_printf(_("a domain named '%s' that is not the fleet's is there"), name);
    if (h->max_guests >= 0 && l->guests >= (guint) h->max_guests)
        return g_strdup_printf(_("max_guests %d reached"), h->max_guests);
    if (g->sev_type != SEVIRT_SEV_NONE && (!g_ptr_array_index(s->caps, g->id) ||
        !sevirt_host_caps_supports(g_ptr_array_index(s->caps, g->id), g->sev_type)))
        return g_strdup_printf(_("it cannot run %s guests"), sevirt_sev_type_to_string(g->sev_type));
    if (!g->start)
        return NULL;
    if (s->running_memory_kib + l->memory_kib + g->memory_mib * 1024 > s->memory_kib)
        return g_strdup_printf(_("not enough memory (%" G_GUINT64_FORMAT " MiB free, %"
                                 G_GUINT64_FORMAT " MiB asked)"),
                               (s->memory_kib - MIN(s->memory_kib, s->running_memory_kib + l->memory_kib)) / 1024,
                               g->memory_mib);
    if (s->running_vcpus + l->vcpus + g->vcpus > s->cpus * SEVIRT_FLEET_VCPU_OVERCOMMIT)
        return g_strdup_printf(_("not enough vCPUs (%u CPUs take %u vCPUs, %u taken)"), s->cpus,
                               s->cpus * SEVIRT_FLEET_VCPU_OVERCOMMIT, s->running_vcpus + l->vcpus);
    return slots_refusal(l, g);
}

/* The host for guest @name of @g, or -1 with each host's reason in @why. */
static gint
place(Planner *p, const SevirtFleetGroup *g, const char *name, GPtrArray *why)
{
    gint best = -1;

    g_ptr_array_set_size(why, 0);
    for (guint h = 0; h < p->states->len; h++) {
        HostLoad *l = &p->load[h];
        g_autofree char *no = host_refusal(l, g, name);

        if (no) {
            g_ptr_array_add(why, g_strdup_printf("%s: %s", l->state->host->uri, no));
            continue;
        }
        if (g->placement == SEVIRT_FLEET_PACK)
            return (gint) h;
        if (best < 0 || l->guests < p->load[best].guests)
            best = (gint) h;
    }
    return best;
}

static const SevirtFleetGroup *
find_group(const SevirtFleetManifest *m, const char *name, guint *index)
{
    for (guint i = 0; i < m->groups->len; i++) {
        const SevirtFleetGroup *g = g_ptr_array_index(m->groups, i);

        for (guint k = 1; k <= g->count; k++) {
            g_autofree char *n = sevirt_fleet_guest_name(g, k);

            if (g_str_equal(n, name)) {
                *index = k;
                return g;
            }
        }
    }
    return NULL;
}

/*
 * The guests already there: kept when the manifest still wants them as
 * they are, replaced in place when their group's spec changed, deleted
 * when it does not want them (or has one of that name on another host).
 * Returns the names found, each with its host.
 */
static GHashTable *
plan_existing(Planner *p)
{
    GHashTable *found = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint h = 0; h < p->states->len; h++) {
        const SevirtFleetHostState *s = g_ptr_array_index(p->states, h);

        for (guint i = 0; !s->error && i < s->guests->len; i++) {
            const SevirtFleetGuest *eg = g_ptr_array_index(s->guests, i);
            guint index = 0;
            const SevirtFleetGroup *g = find_group(p->m, eg->name, &index);

            if (!g) {
                add_action(p, SEVIRT_FLEET_DELETE, eg->name, NULL, 0, h,
                           g_strdup(_("no longer in the manifest")));
            } else if (g_hash_table_contains(found, eg->name)) {
                add_action(p, SEVIRT_FLEET_DELETE, eg->name, NULL, 0, h,
                           g_strdup(_("a second copy (the first host in the manifest keeps it)")));
            } else {
                gboolean same = g_strcmp0(eg->group, g->name) == 0 &&
                                g_strcmp0(eg->hash, g->hash) == 0;

                g_hash_table_insert(found, g_strdup(eg->name), GUINT_TO_POINTER(h));
                add_action(p, same ? SEVIRT_FLEET_KEEP : SEVIRT_FLEET_REPLACE, eg->name, g,
                           index, h, same ? NULL : g_strdup(_("its spec changed")));
                /* A kept guest that runs is already in the host's running
                 * counts; apply does not start one that does not. */
                if (same)
                    p->load[h].guests++;
                else
                    load_add(&p->load[h], g);
            }
        }
    }
    return found;
}

static void
plan_group(Planner *p, const SevirtFleetGroup *g, GHashTable *found)
{
    g_autoptr(GPtrArray) why = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *first_why = NULL;
    guint unplaced = 0;

    for (guint k = 1; k <= g->count; k++) {
        g_autofree char *name = sevirt_fleet_guest_name(g, k);
        gint h;

        if (g_hash_table_contains(found, name))
            continue;
        h = place(p, g, name, why);
        if (h < 0) {
            if (!unplaced++) {
                g_ptr_array_add(why, NULL);
                first_why = g_strjoinv("; ", (char **) why->pdata);
            }
            continue;
        }
        add_action(p, SEVIRT_FLEET_CREATE, name, g, k, (guint) h, NULL);
        load_add(&p->load[h], g);
    }
    if (unplaced)
        g_ptr_array_add(p->plan->problems,
                        g_strdup_printf(_("group '%s': %u of %u guests fit on no host (%s)"),
                                        g->name, unplaced, g->count, first_why));
}

static int
action_compare(gconstpointer a, gconstpointer b)
{
    const SevirtFleetAction *x = *(SevirtFleetAction *const *) a;
    const SevirtFleetAction *y = *(SevirtFleetAction *const *) b;

    if (x->host != y->host)
        return x->host < y->host ? -1 : 1;
    return natural_compare(x->name, y->name);
}

static SevirtFleetPlan *
plan_new(GPtrArray *states)
{
    SevirtFleetPlan *plan = g_new0(SevirtFleetPlan, 1);

    plan->actions = g_ptr_array_new_with_free_func((GDestroyNotify) action_free);
    plan->problems = g_ptr_array_new_with_free_func(g_free);
    plan->unreachable = g_ptr_array_new_with_free_func(g_free);
    for (guint h = 0; h < states->len; h++) {
        const SevirtFleetHostState *s = g_ptr_array_index(states, h);

        if (s->error)
            g_ptr_array_add(plan->unreachable, g_strdup_printf("%s: %s", s->host->uri, s->error));
    }
    return plan;
}

SevirtFleetPlan *
sevirt_fleet_plan(const SevirtFleetManifest *m, GPtrArray *states)
{
    g_autofree HostLoad *load = g_new0(HostLoad, states->len);
    Planner p = { m, states, load, plan_new(states) };
    g_autoptr(GHashTable) found = NULL;

    for (guint h = 0; h < states->len; h++)
        load[h].state = g_ptr_array_index(states, h);
    found = plan_existing(&p);
    for (guint i = 0; i < m->groups->len; i++)
        plan_group(&p, g_ptr_array_index(m->groups, i), found);
    g_ptr_array_sort(p.plan->actions, action_compare);
    return p.plan;
}

SevirtFleetPlan *
sevirt_fleet_plan_destroy(const SevirtFleetManifest *m, GPtrArray *states)
{
    g_autofree HostLoad *load = g_new0(HostLoad, states->len);
    Planner p = { m, states, load, plan_new(states) };

    for (guint h = 0; h < states->len; h++) {
        const SevirtFleetHostState *s = g_ptr_array_index(states, h);

        for (guint i = 0; !s->error && i < s->guests->len; i++)
            add_action(&p, SEVIRT_FLEET_DELETE,
                       ((SevirtFleetGuest *) g_ptr_array_index(s->guests, i))->name, NULL, 0, h,
                       g_strdup(_("the fleet is destroyed")));
    }
    return p.plan;
}
