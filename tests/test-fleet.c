/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fleet manifests and plans: the loader and its errors, the spec hash, the
 * diff (keep / create / replace / delete) and placement over hosts built
 * by hand, and a host read through libvirt's test driver.
 */
#include <config.h>

#include "test-common.h"

#include <string.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-autoptr.h"
#include "sevirt-create.h"
#include "sevirt-domxml.h"
#include "sevirt-fleet.h"
#include "sevirt-secret.h"

static char *data_dir;

static SevirtFleetManifest *
parse(const char *text, GError **error)
{
    return sevirt_fleet_manifest_parse("m.yaml", text, strlen(text), data_dir, error);
}

static SevirtFleetManifest *
parse_ok(const char *text)
{
    g_autoptr(GError) error = NULL;
    SevirtFleetManifest *m = parse(text, &error);

    if (!m)
        fail_msg("manifest refused: %s", error->message);
    return m;
}

#define HOSTS "hosts: [test:///a, test:///b, test:///c]\n"

static void
test_load(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: web\n"
        "hosts:\n"
        "  - uri: qemu+ssh://h1/system\n"
        "    labels: {zone: a}\n"
        "  - uri: qemu+tcp://h2/system\n"
        "    max_guests: 40\n"
        "  - qemu:///system\n"
        "guests:\n"
        "  - name: web-{index}\n"
        "    count: 12\n"
        "    spec: web.yaml\n"
        "    placement: pack\n"
        "    start: yes\n"
        "  - name: db\n"
        "    spec: {memory: 512, vcpus: 2, networks: [none]}\n"
        "    sev: none\n"
        "    placement: {label: {zone: a}}\n");
    const SevirtFleetHost *h;
    const SevirtFleetGroup *g;
    g_autofree char *name = NULL;

    assert_string_equal(m->name, "web");
    assert_int_equal(m->hosts->len, 3);
    h = g_ptr_array_index(m->hosts, 0);
    assert_string_equal(g_hash_table_lookup(h->labels, "zone"), "a");
    assert_int_equal(h->max_guests, -1);
    assert_string_equal(h->location, "m.yaml:3:5");
    h = g_ptr_array_index(m->hosts, 1);
    assert_int_equal(h->max_guests, 40);
    h = g_ptr_array_index(m->hosts, 2);
    assert_string_equal(h->uri, "qemu:///system");

    assert_int_equal(m->groups->len, 2);
    g = g_ptr_array_index(m->groups, 0);
    assert_int_equal(g->count, 12);
    assert_int_equal(g->placement, SEVIRT_FLEET_PACK);
    assert_true(g->start);
    assert_int_equal(g->memory_mib, 256);
    name = sevirt_fleet_guest_name(g, 7);
    assert_string_equal(name, "web-7");
    assert_int_equal(strlen(g->hash), 64);
    g = g_ptr_array_index(m->groups, 1);
    assert_int_equal(g->count, 1);
    assert_int_equal(g->placement, SEVIRT_FLEET_LABEL);
    assert_string_equal(g_hash_table_lookup(g->match, "zone"), "a");
    assert_int_equal(g->vcpus, 2);
    assert_int_equal(g->sev_type, SEVIRT_SEV_NONE);
    assert_false(g->start);
}

static char *group_hash(const char *group_yaml);

/* attest: paths against the manifest's folder, the secret's GUID, started guests */
static void
test_load_attest(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: a\n" HOSTS
        "guests:\n"
        "  - name: 'a{index}'\n"
        "    count: 2\n"
        "    spec: web.yaml\n"
        "    sev: sev-es\n"
        "    attest: {keys_dir: keys, firmware: /fw/OVMF.fd, secret: 'luks-key:disk.key',\n"
        "             ark: ark.cert, ask: ask.cert, secret_address: 0x800000}\n"
        "  - name: b\n"
        "    spec: web.yaml\n"
        "    sev: sev\n"
        "    attest: {keys_dir: /k, firmware: OVMF.fd}\n");
    const SevirtFleetGroup *g = g_ptr_array_index(m->groups, 0);
    g_autofree char *keys = g_build_filename(data_dir, "keys", NULL);
    g_autofree char *secret = g_build_filename(data_dir, "disk.key", NULL);
    g_autofree char *ark = g_build_filename(data_dir, "ark.cert", NULL);
    g_autofree char *ask = g_build_filename(data_dir, "ask.cert", NULL);
    g_autofree char *plain = group_hash("{name: b, spec: web.yaml, sev: sev}");

    assert_non_null(g->attest);
    assert_string_equal(g->attest->keys_dir, keys);
    assert_string_equal(g->attest->firmware, "/fw/OVMF.fd");
    assert_string_equal(g->attest->secret_file, secret);
    assert_true(sevirt_guid_equal(&g->attest->secret_guid, &sevirt_secret_guid_luks_key));
    assert_string_equal(g->attest->ark, ark);
    assert_string_equal(g->attest->ask, ask);
    assert_true(g->attest->secret_address_set);
    assert_int_equal(g->attest->secret_address, 0x800000);
    assert_true(g->start);
    assert_int_equal(g->sev_type, SEVIRT_SEV_ES);
    g = g_ptr_array_index(m->groups, 1);
    assert_string_equal(g->attest->keys_dir, "/k");
    assert_null(g->attest->secret_file);
    assert_null(g->attest->ark);
    assert_false(g->attest->secret_address_set);
    /* the same spec with and without attest makes different guests */
    assert_string_not_equal(g->hash, plain);
}

typedef struct {
    const char *text;
    const char *needle;
} BadManifest;

static void
test_load_errors(void **state G_GNUC_UNUSED)
{
    static const BadManifest cases[] = {
        { "", "m.yaml: the manifest is empty" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml}]\nextra: 1\n",
          "m.yaml:4:1: unknown key 'extra' in 'the manifest' (known keys: fleet, hosts, guests)" },
        { HOSTS "guests: [{name: x, spec: web.yaml}]\n", "m.yaml:1:1: the manifest needs 'fleet'" },
        { "fleet: a b\n" HOSTS "guests: [{name: x, spec: web.yaml}]\n",
          "m.yaml:1:8: the fleet name 'a b' may hold only" },
        { "fleet: a\nhosts: []\nguests: [{name: x, spec: web.yaml}]\n",
          "m.yaml:2:8: 'hosts' must be a list of one or more entries" },
        { "fleet: a\nhosts: [test:///a, test:///a]\nguests: [{name: x, spec: web.yaml}]\n",
          "m.yaml:2:20: host 'test:///a' is listed twice (first at m.yaml:2:9)" },
        { "fleet: a\nhosts: [{uri: test:///a, max_guests: many}]\nguests: [{name: x, spec: web.yaml}]\n",
          "m.yaml:2:38: 'max_guests' must be a whole number" },
        { "fleet: a\nhosts: [{labels: {a: b}}]\nguests: [{name: x, spec: web.yaml}]\n",
          "m.yaml:2:9: a host needs a 'uri'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, count: 3, spec: web.yaml}]\n",
          "m.yaml:3:10: group 'x' has 3 guests: its name needs '{index}'" },
        { "fleet: a\n" HOSTS "guests: [{name: 'x{index}', count: 0, spec: web.yaml}]\n",
          "m.yaml:3:36: 'count' must be a whole number from 1" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, placement: random}]\n",
          "m.yaml:3:47: 'placement' must be spread, pack or {label: {NAME: VALUE}}, not 'random'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, placement: {label: {}}}]\n",
          "m.yaml:3:55: 'label' names no label" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: tdx}]\n",
          "m.yaml:3:41: Unknown SEV type 'tdx'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, start: maybe}]\n",
          "m.yaml:3:43: 'start' must be true or false, not 'maybe'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {}}]\n",
          "m.yaml:3:54: 'attest' needs 'keys_dir'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: yes}]\n",
          "m.yaml:3:54: 'attest' must be a mapping of keys to values" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: k}}]\n",
          "m.yaml:3:54: 'attest' needs 'firmware'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd, pdh: p}}]\n",
          "m.yaml:3:90: unknown key 'pdh' in 'attest' (known keys: keys_dir, firmware, secret, secret_address, ark, ask)" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd, secret: disk.key}}]\n",
          "m.yaml:3:98: 'secret' must be GUID-OR-ALIAS:FILE, not 'disk.key'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd, secret: 'disk:k'}}]\n",
          "m.yaml:3:98: 'disk' is neither a GUID nor a known secret alias" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd, ark: ark.cert}}]\n",
          "m.yaml:3:54: 'ark' and 'ask' go together" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd, keys_dir: again}}]\n",
          "m.yaml:3:90: duplicate key 'keys_dir' in 'attest'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: {kernel: /boot/vmlinuz, networks: [none]}, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd}}]\n",
          "m.yaml:3:87: group 'x': 'attest' does not support a direct kernel boot yet" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, attest: {keys_dir: keys, firmware: OVMF.fd, secret_address: low}}]\n",
          "m.yaml:3:106: 'secret_address' must be a whole number from 0" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, attest: {keys_dir: keys, firmware: OVMF.fd}}]\n",
          "m.yaml:3:44: group 'x': 'attest' needs sev or sev-es guests, not none" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev-snp, attest: {keys_dir: keys, firmware: OVMF.fd}}]\n",
          "m.yaml:3:58: group 'x': 'attest' is not supported for sev-snp guests yet" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: web.yaml, sev: sev, start: no, attest: {keys_dir: keys, firmware: OVMF.fd}}]\n",
          "m.yaml:3:53: group 'x': an attested launch starts its guests: 'start' cannot be false" },
        { "fleet: a\n" HOSTS "guests: [{name: x}]\n",
          "m.yaml:3:10: group 'x' needs a 'spec'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: missing.yaml}]\n",
          "m.yaml:3:26: cannot read the spec file" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: {memory: 512, colour: red}}]\n",
          "m.yaml:3:40: unknown key 'colour' in 'the spec'" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: {memory: 64}}]\n",
          "m.yaml:3:35: Invalid memory size 64 MiB: expected 128 to 16777216 MiB (group 'x')" },
        { "fleet: a\n" HOSTS "guests: [{name: x, spec: bad-memory.yaml}]\n",
          "bad-memory.yaml:1:9: " },
        { "fleet: a\n" HOSTS
          "guests: [{name: 'w{index}', count: 12, spec: web.yaml}, {name: 'w1{index}', count: 2, spec: web.yaml}]\n",
          "group 'w1{index}' makes guest 'w11', as group 'w{index}' does" },
    };

    guint bad = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(SevirtFleetManifest) m = parse(cases[i].text, &error);

        if (m)
            fail_msg("case %zu: accepted, expected '%s'", i, cases[i].needle);
        if (!strstr(error->message, cases[i].needle)) {
            print_error("case %zu: '%s' lacks '%s'\n", i, error->message, cases[i].needle);
            bad++;
        }
        assert_int_equal(error->code, SEVIRT_ERROR_INVALID);
    }
    assert_int_equal(bad, 0);
}

static char *
group_hash(const char *group_yaml)
{
    g_autofree char *text = g_strdup_printf("fleet: a\n" HOSTS "guests: [%s]\n", group_yaml);
    g_autoptr(SevirtFleetManifest) m = parse_ok(text);

    return g_strdup(((SevirtFleetGroup *) g_ptr_array_index(m->groups, 0))->hash);
}

static void
test_hash(void **state G_GNUC_UNUSED)
{
    g_autofree char *file = group_hash("{name: x, spec: web.yaml}");
    g_autofree char *same = group_hash("{name: x, spec: web-reformatted.yaml}");
    g_autofree char *inline_same = group_hash(
        "{name: x, spec: {vcpus: 1, memory: 256, sev: {type: none}, networks: [none]}}");
    g_autofree char *more = group_hash(
        "{name: x, spec: {vcpus: 1, memory: 512, sev: {type: none}, networks: [none]}}");
    g_autofree char *sev = group_hash("{name: x, spec: web.yaml, sev: none}");

    /* Layout, comments and key order do not matter; values do. */
    assert_string_equal(file, same);
    assert_string_equal(file, inline_same);
    assert_string_not_equal(file, more);
    /* An override is part of what the guest is. */
    assert_string_not_equal(file, sev);
}

static void
test_guest_spec(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\n" HOSTS "guests: [{name: 'g-{index}-x', count: 3, spec: web.yaml, sev: sev-es}]\n");
    const SevirtFleetGroup *g = g_ptr_array_index(m->groups, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(SevirtVmSpec) spec = sevirt_fleet_guest_spec(g, 3, &error);
    g_autofree char *meta = NULL;
    g_autoptr(SevirtVmMetadata) parsed = NULL;

    assert_non_null(spec);
    assert_string_equal(spec->name, "g-3-x");
    assert_int_equal(spec->sev_type, SEVIRT_SEV_ES);
    assert_string_equal(spec->fleet->fleet, "f");
    assert_string_equal(spec->fleet->group, "g-{index}-x");
    assert_string_equal(spec->fleet->hash, g->hash);
    /* The membership goes into the metadata and comes back out. */
    meta = sevirt_vm_metadata_format(spec);
    parsed = sevirt_vm_metadata_parse(meta, &error);
    assert_non_null(parsed);
    assert_non_null(parsed->fleet);
    assert_string_equal(parsed->fleet->group, "g-{index}-x");
    assert_string_equal(parsed->fleet->hash, g->hash);
}

/* ------------------------------------------------------------------ */
/* plans over hosts built by hand */

static SevirtHostCaps *
caps_new(gboolean sev, gint max, gint max_es, gint running, gint es_running)
{
    SevirtHostCaps *caps = g_new0(SevirtHostCaps, 1);

    caps->sev = caps->sev_es = caps->sev_snp = sev;
    caps->max_guests = max;
    caps->max_es_guests = max_es;
    caps->guests_running = running;
    caps->es_guests_running = es_running;
    return caps;
}

static void
guest_free(gpointer data)
{
    SevirtFleetGuest *g = data;

    g_free(g->name);
    g_free(g->group);
    g_free(g->hash);
    g_free(g->address);
    g_free(g);
}

/* A reachable host with 4 CPUs and 8 GiB, its caps the same for each group. */
static SevirtFleetHostState *
state_new(const SevirtFleetManifest *m, guint h, SevirtHostCaps *caps)
{
    SevirtFleetHostState *s = g_new0(SevirtFleetHostState, 1);

    s->host = g_ptr_array_index(m->hosts, h);
    s->cpus = 4;
    s->memory_kib = 8 * 1024 * 1024;
    s->guests = g_ptr_array_new_with_free_func(guest_free);
    s->others = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->caps = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_host_caps_free);
    for (guint i = 0; i < m->groups->len; i++) {
        SevirtHostCaps *c = NULL;

        if (caps)
            c = g_memdup2(caps, sizeof(*caps));
        g_ptr_array_add(s->caps, c);
    }
    g_free(caps);
    return s;
}

static GPtrArray *
states_new(const SevirtFleetManifest *m)
{
    GPtrArray *states = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_fleet_host_state_free);

    for (guint h = 0; h < m->hosts->len; h++)
        g_ptr_array_add(states, state_new(m, h, caps_new(TRUE, 100, 100, 0, 0)));
    return states;
}

static void
state_set_caps(const SevirtFleetManifest *m, GPtrArray *states, guint h, SevirtHostCaps *caps)
{
    sevirt_fleet_host_state_free(g_ptr_array_index(states, h));
    states->pdata[h] = state_new(m, h, caps);
}

static void
add_guest(SevirtFleetHostState *s, const char *name, const char *group, const char *hash)
{
    SevirtFleetGuest *g = g_new0(SevirtFleetGuest, 1);

    g->name = g_strdup(name);
    g->group = g_strdup(group);
    g->hash = g_strdup(hash);
    g->state = VIR_DOMAIN_SHUTOFF;
    g_ptr_array_add(s->guests, g);
}

/* "NAME@HOST" of each action of @kind, in plan order, joined by spaces. */
static char *
actions(const SevirtFleetPlan *plan, SevirtFleetActionKind kind)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; i < plan->actions->len; i++) {
        const SevirtFleetAction *a = g_ptr_array_index(plan->actions, i);

        if (a->kind == kind)
            g_string_append_printf(out, "%s%s@%u", out->len ? " " : "", a->name, a->host);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
test_plan_spread_pack_label(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\n"
        "hosts:\n"
        "  - test:///a\n"
        "  - {uri: test:///b, labels: {zone: b}, max_guests: 2}\n"
        "  - {uri: test:///c, labels: {zone: b}}\n"
        "guests:\n"
        "  - {name: 's{index}', count: 6, spec: web.yaml}\n"
        "  - {name: 'p{index}', count: 3, spec: web.yaml, placement: pack}\n"
        "  - {name: 'l{index}', count: 2, spec: web.yaml, placement: {label: {zone: b}}}\n");
    g_autoptr(GPtrArray) states = states_new(m);
    g_autoptr(SevirtFleetPlan) plan = sevirt_fleet_plan(m, states);
    g_autofree char *created = actions(plan, SEVIRT_FLEET_CREATE);

    assert_int_equal(plan->problems->len, 0);
    /* spread: round robin; pack: host a first (no limit); label: b is
     * full (max_guests 2), so c. */
    assert_string_equal(created,
                        "p1@0 p2@0 p3@0 s1@0 s4@0 "
                        "s2@1 s5@1 "
                        "l1@2 l2@2 s3@2 s6@2");
}

static void
test_plan_slots(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\n" HOSTS
        "guests: [{name: 'e{index}', count: 5, spec: web.yaml, sev: sev-es, start: true,"
        " placement: pack}]\n");
    g_autoptr(GPtrArray) states = states_new(m);
    g_autoptr(SevirtFleetPlan) plan = NULL;
    g_autoptr(SevirtFleetPlan) refused = NULL;
    g_autofree char *created = NULL;
    const char *problem;

    /* a: one ES slot left; b: no SEV at all; c: two slots. */
    state_set_caps(m, states, 0, caps_new(TRUE, 100, 16, 0, 15));
    state_set_caps(m, states, 1, caps_new(FALSE, 0, 0, 0, 0));
    state_set_caps(m, states, 2, caps_new(TRUE, 100, 4, 3, 2));
    plan = sevirt_fleet_plan(m, states);
    created = actions(plan, SEVIRT_FLEET_CREATE);
    assert_string_equal(created, "e1@0 e2@2 e3@2");
    assert_int_equal(plan->problems->len, 1);
    problem = g_ptr_array_index(plan->problems, 0);
    assert_non_null(strstr(problem, "group 'e{index}': 2 of 5 guests fit on no host"));
    assert_non_null(strstr(problem, "test:///a: no free SEV-ES/SNP ASID slot"));
    assert_non_null(strstr(problem, "test:///b: it cannot run sev-es guests"));
    assert_non_null(strstr(problem, "test:///c: no free SEV-ES/SNP ASID slot (2 free"));

    /* The same guests defined only take no slot. */
    {
        g_autoptr(SevirtFleetManifest) m2 = parse_ok(
            "fleet: f\n" HOSTS
            "guests: [{name: 'e{index}', count: 5, spec: web.yaml, sev: sev-es, placement: pack}]\n");
        g_autoptr(GPtrArray) states2 = states_new(m2);

        state_set_caps(m2, states2, 0, caps_new(TRUE, 100, 16, 0, 16));
        refused = sevirt_fleet_plan(m2, states2);
        assert_int_equal(refused->problems->len, 0);
        assert_int_equal(sevirt_fleet_plan_count(refused, SEVIRT_FLEET_CREATE), 5);
    }
}

static void
test_plan_memory_vcpus(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\nhosts: [test:///a, test:///b]\n"
        "guests:\n"
        "  - {name: 'm{index}', count: 5, start: true, spec: {memory: 3072, networks: [none]}}\n"
        "  - {name: 'v{index}', count: 2, start: true, spec: {memory: 128, vcpus: 9, networks: [none]}}\n");
    g_autoptr(GPtrArray) states = states_new(m);
    g_autoptr(SevirtFleetPlan) plan = NULL;
    const char *problem;

    /* b already runs 4 GiB of guests and 10 vCPUs */
    ((SevirtFleetHostState *) g_ptr_array_index(states, 1))->running_memory_kib = 4 * 1024 * 1024;
    ((SevirtFleetHostState *) g_ptr_array_index(states, 1))->running_vcpus = 10;
    plan = sevirt_fleet_plan(m, states);
    assert_int_equal(sevirt_fleet_plan_count(plan, SEVIRT_FLEET_CREATE), 4);
    assert_int_equal(plan->problems->len, 2);
    problem = g_ptr_array_index(plan->problems, 0);
    assert_non_null(strstr(problem, "group 'm{index}': 2 of 5 guests"));
    assert_non_null(strstr(problem, "test:///a: not enough memory (2048 MiB free, 3072 MiB asked)"));
    assert_non_null(strstr(problem, "test:///b: not enough memory (1024 MiB free"));
    problem = g_ptr_array_index(plan->problems, 1);
    assert_non_null(strstr(problem, "group 'v{index}': 1 of 2 guests"));
    assert_non_null(strstr(problem, "not enough vCPUs (4 CPUs take 16 vCPUs, 11 taken)"));
}

static void
test_plan_diff(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\n" HOSTS "guests: [{name: 'w{index}', count: 4, spec: web.yaml}]\n");
    const SevirtFleetGroup *g = g_ptr_array_index(m->groups, 0);
    g_autoptr(GPtrArray) states = states_new(m);
    SevirtFleetHostState *a = g_ptr_array_index(states, 0);
    SevirtFleetHostState *c = g_ptr_array_index(states, 2);
    g_autoptr(SevirtFleetPlan) plan = NULL;
    g_autofree char *kept = NULL;
    g_autofree char *replaced = NULL;
    g_autofree char *deleted = NULL;
    g_autofree char *created = NULL;

    add_guest(a, "w1", g->name, g->hash);
    add_guest(a, "w2", g->name, "0000");
    add_guest(a, "w9", g->name, g->hash);
    add_guest(c, "w1", g->name, g->hash);
    /* b is down: it is left out, and not a place for new guests */
    ((SevirtFleetHostState *) g_ptr_array_index(states, 1))->error = g_strdup("connection refused");
    /* a domain of someone else takes the name w3 on c */
    g_hash_table_add(c->others, g_strdup("w3"));
    plan = sevirt_fleet_plan(m, states);
    kept = actions(plan, SEVIRT_FLEET_KEEP);
    replaced = actions(plan, SEVIRT_FLEET_REPLACE);
    deleted = actions(plan, SEVIRT_FLEET_DELETE);
    created = actions(plan, SEVIRT_FLEET_CREATE);
    assert_string_equal(kept, "w1@0");
    assert_string_equal(replaced, "w2@0");
    assert_string_equal(deleted, "w9@0 w1@2");
    assert_string_equal(created, "w3@0 w4@2");
    assert_int_equal(plan->unreachable->len, 1);
    assert_string_equal(g_ptr_array_index(plan->unreachable, 0), "test:///b: connection refused");

    /* destroy: every guest of the fleet on the hosts read */
    {
        g_autoptr(SevirtFleetPlan) d = sevirt_fleet_plan_destroy(m, states);
        g_autofree char *gone = actions(d, SEVIRT_FLEET_DELETE);

        assert_string_equal(gone, "w1@0 w2@0 w9@0 w1@2");
    }
}

/* ------------------------------------------------------------------ */
/* a host read through libvirt's test driver */

static void
test_host_read(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\nhosts: [test:///default]\n"
        "guests: [{name: 'w{index}', count: 3, spec: web.yaml}]\n");
    g_autoptr(SevirtFleetManifest) other = parse_ok(
        "fleet: g\nhosts: [test:///default]\n"
        "guests: [{name: 'o{index}', spec: web.yaml}]\n");
    const SevirtFleetGroup *g = g_ptr_array_index(m->groups, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(virConnect) conn = sevirt_connect("test:///default", NULL, &error);
    g_autoptr(SevirtFleetHostState) s = NULL;
    g_autoptr(GPtrArray) states = g_ptr_array_new();
    g_autoptr(SevirtFleetPlan) plan = NULL;
    g_autofree char *created = NULL;
    SevirtCreateOptions opts = { 0 };
    const SevirtFleetGuest *fg;

    assert_non_null(conn);
    /* w2 of fleet f, and o1 of another fleet, made as apply makes them */
    for (guint i = 0; i < 2; i++) {
        const SevirtFleetGroup *og = i ? g_ptr_array_index(other->groups, 0) : g;
        g_autoptr(SevirtVmSpec) spec = sevirt_fleet_guest_spec(og, i ? 1 : 2, &error);
        g_autoptr(virDomain) dom = NULL;

        assert_non_null(spec);
        dom = sevirt_domain_create(conn, spec, &opts, &error);
        if (!dom)
            fail_msg("create: %s", error->message);
    }
    s = sevirt_fleet_host_read(conn, m, g_ptr_array_index(m->hosts, 0), FALSE);
    assert_null(s->error);
    assert_int_equal(s->cpus > 0, TRUE);
    assert_int_equal(s->guests->len, 1);
    fg = g_ptr_array_index(s->guests, 0);
    assert_string_equal(fg->name, "w2");
    assert_string_equal(fg->group, g->name);
    assert_string_equal(fg->hash, g->hash);
    /* the driver's own domain and the other fleet's are the others */
    assert_true(g_hash_table_contains(s->others, "test"));
    assert_true(g_hash_table_contains(s->others, "o1"));
    g_ptr_array_add(states, s);
    plan = sevirt_fleet_plan(m, states);
    created = actions(plan, SEVIRT_FLEET_CREATE);
    assert_string_equal(created, "w1@0 w3@0");
    assert_int_equal(sevirt_fleet_plan_count(plan, SEVIRT_FLEET_KEEP), 1);
}

/* An unreachable host is a state with its error, not a failed survey. */
static void
test_survey_unreachable(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\nhosts: ['qemu+unix:///system?socket=/nonexistent/sock', test:///default]\n"
        "guests: [{name: 'w{index}', count: 2, spec: web.yaml}]\n");
    g_autoptr(GPtrArray) states = sevirt_fleet_survey(m, FALSE);
    g_autoptr(SevirtFleetPlan) plan = sevirt_fleet_plan(m, states);
    g_autofree char *created = actions(plan, SEVIRT_FLEET_CREATE);

    assert_int_equal(states->len, 2);
    assert_non_null(((SevirtFleetHostState *) g_ptr_array_index(states, 0))->error);
    assert_null(((SevirtFleetHostState *) g_ptr_array_index(states, 1))->error);
    assert_int_equal(plan->unreachable->len, 1);
    assert_string_equal(created, "w1@1 w2@1");
}

/* ------------------------------------------------------------------ */
/* apply, each host through a connection of its own */

typedef struct {
    guint done;
    guint failed;
    guint host_failed;
} Events;

static void
count_event(SevirtFleetEventKind kind, guint host G_GNUC_UNUSED,
            const SevirtFleetAction *a G_GNUC_UNUSED, const char *message G_GNUC_UNUSED,
            gpointer data)
{
    Events *e = data;

    e->done += kind == SEVIRT_FLEET_EVENT_DONE;
    e->failed += kind == SEVIRT_FLEET_EVENT_FAILED;
    e->host_failed += kind == SEVIRT_FLEET_EVENT_HOST_FAILED;
}

static void
result_clear(gpointer data)
{
    g_free(((SevirtFleetHostResult *) data)->error);
}

static void
test_apply(void **state G_GNUC_UNUSED)
{
    /* test:///default is fresh for each connection: what apply makes there
     * is gone after, so the plan comes from hosts built by hand. */
    g_autoptr(SevirtFleetManifest) m = parse_ok(
        "fleet: f\nhosts: [test:///default, 'qemu+unix:///system?socket=/nonexistent/sock']\n"
        "guests: [{name: 'w{index}', count: 4, spec: web.yaml, placement: pack}]\n");
    g_autoptr(GPtrArray) states = states_new(m);
    g_autoptr(SevirtFleetPlan) plan = NULL;
    g_autoptr(GArray) results = g_array_new(FALSE, TRUE, sizeof(SevirtFleetHostResult));
    g_autoptr(GError) error = NULL;
    Events events = { 0 };
    SevirtFleetApplyOptions opts = { .jobs_per_host = 3, .progress = count_event,
                                     .progress_data = &events };
    SevirtFleetHostResult *r;

    g_array_set_clear_func(results, result_clear);
    /* host 0 holds w1..w3 (pack), host 1 w4 and, for the plan, an old w9 */
    ((SevirtFleetHost *) g_ptr_array_index(m->hosts, 0))->max_guests = 3;
    add_guest(g_ptr_array_index(states, 1), "w9", "w{index}", "old");
    plan = sevirt_fleet_plan(m, states);
    assert_int_equal(sevirt_fleet_plan_count(plan, SEVIRT_FLEET_CREATE), 4);
    assert_int_equal(sevirt_fleet_plan_count(plan, SEVIRT_FLEET_DELETE), 1);

    /* host 1 does not answer: its two actions are not tried, host 0's done */
    assert_false(sevirt_fleet_apply(m, plan, &opts, results, &error));
    assert_non_null(error);
    assert_int_equal(error->code, SEVIRT_ERROR_PARTIAL);
    assert_non_null(strstr(error->message, "3 changes made, 0 failed, 2 not tried; unreachable hosts: 1"));
    assert_int_equal(results->len, 2);
    r = &g_array_index(results, SevirtFleetHostResult, 0);
    assert_int_equal(r->done, 3);
    assert_null(r->error);
    r = &g_array_index(results, SevirtFleetHostResult, 1);
    assert_int_equal(r->skipped, 2);
    assert_non_null(r->error);
    assert_int_equal(events.done, 3);
    assert_int_equal(events.host_failed, 1);

    /* cancelled before it starts: nothing tried */
    {
        g_autoptr(GCancellable) cancel = g_cancellable_new();
        g_autoptr(GArray) again = g_array_new(FALSE, TRUE, sizeof(SevirtFleetHostResult));
        g_autoptr(GError) stopped = NULL;

        g_array_set_clear_func(again, result_clear);
        g_cancellable_cancel(cancel);
        opts.cancel = cancel;
        assert_false(sevirt_fleet_apply(m, plan, &opts, again, &stopped));
        assert_int_equal(stopped->code, SEVIRT_ERROR_PARTIAL);
        assert_non_null(strstr(stopped->message, "Cancelled: 0 changes made"));
        assert_int_equal(g_array_index(again, SevirtFleetHostResult, 0).skipped, 3);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_load_attest),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_guest_spec),
        cmocka_unit_test(test_plan_spread_pack_label),
        cmocka_unit_test(test_plan_slots),
        cmocka_unit_test(test_plan_memory_vcpus),
        cmocka_unit_test(test_plan_diff),
        cmocka_unit_test(test_host_read),
        cmocka_unit_test(test_survey_unreachable),
        cmocka_unit_test(test_apply),
    };
    int failed;

    data_dir = sevirt_test_data_path("fleet");
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    g_free(data_dir);
    return failed;
}
