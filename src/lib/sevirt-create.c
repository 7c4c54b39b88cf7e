/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "sevirt.h"
#include "sevirt-cloudinit.h"
#include "sevirt-create.h"
#include "sevirt-domain-private.h"
#include "sevirt-storage.h"
#include "sevirt-xml-private.h"

#define GIB (G_GUINT64_CONSTANT(1) << 30)

/* ------------------------------------------------------------------ */
/* preparing the spec: the seed CD-ROM */

/* RFC 1123 host name: dot-separated labels of letters, digits and '-'. */
static gboolean
hostname_is_valid(const char *name)
{
    g_auto(GStrv) labels = NULL;

    if (!*name || strlen(name) > 253)
        return FALSE;
    labels = g_strsplit(name, ".", -1);
    for (guint i = 0; labels[i]; i++) {
        const char *l = labels[i];
        gsize len = strlen(l);

        if (len == 0 || len > 63 || l[0] == '-' || l[len - 1] == '-')
            return FALSE;
        for (const char *p = l; *p; p++) {
            if (!g_ascii_isalnum(*p) && *p != '-')
                return FALSE;
        }
    }
    return TRUE;
}

/* The guest's name as a host name label: other characters become '-'. */
static char *
hostname_from_name(const char *name)
{
    g_autoptr(GString) h = g_string_new(NULL);

    for (const char *p = name; *p && h->len < 63; p++)
        g_string_append_c(h, g_ascii_isalnum(*p) ? *p : '-');
    while (h->len && h->str[h->len - 1] == '-')
        g_string_truncate(h, h->len - 1);
    while (h->len && h->str[0] == '-')
        g_string_erase(h, 0, 1);
    return h->len ? g_string_free(g_steal_pointer(&h), FALSE) : g_strdup("guest");
}

static const char *
seed_pool(const SevirtVmSpec *spec)
{
    if (spec->cloud_init->pool)
        return spec->cloud_init->pool;
    for (guint i = 0; i < spec->disks->len; i++) {
        const SevirtDiskSpec *d = g_ptr_array_index(spec->disks, i);

        if (d->kind == SEVIRT_DISK_NEW_VOLUME)
            return d->pool;
    }
    for (guint i = 0; i < spec->disks->len; i++) {
        const SevirtDiskSpec *d = g_ptr_array_index(spec->disks, i);

        if (d->kind == SEVIRT_DISK_VOLUME)
            return d->pool;
    }
    return "default";
}

/* Appends the seed CD-ROM of a validated spec with cloud-init settings;
 * returns it (owned by spec->disks), or NULL when there is none. */
static SevirtDiskSpec *
add_seed_disk(SevirtVmSpec *spec, GError **error)
{
    const SevirtCloudInitSpec *ci = spec->cloud_init;
    SevirtDiskSpec *seed;

    if (!ci)
        return NULL;
    if (ci->hostname && !hostname_is_valid(ci->hostname)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Invalid hostname '%s': expected labels of letters, digits and '-' "
                      "separated by dots"), ci->hostname);
        sevirt_vm_spec_locate_error(spec, "cloud_init.hostname", error);
        return NULL;
    }
    if (ci->pool && (!*ci->pool || strchr(ci->pool, '/'))) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Invalid pool name '%s' for the cloud-init seed"), ci->pool);
        sevirt_vm_spec_locate_error(spec, "cloud_init.pool", error);
        return NULL;
    }
    seed = sevirt_disk_spec_new(SEVIRT_DISK_VOLUME);
    seed->pool = g_strdup(seed_pool(spec));
    seed->volume = g_strconcat(spec->name, SEVIRT_SEED_VOLUME_SUFFIX, NULL);
    seed->format = g_strdup("raw");
    seed->cdrom = TRUE;
    seed->readonly = TRUE;
    g_ptr_array_add(spec->disks, seed);
    return seed;
}

static gboolean
prepare(SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags, GPtrArray *notes,
        SevirtDiskSpec **seed, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (!sevirt_vm_spec_validate_full(spec, caps, flags, notes, error))
        return FALSE;
    *seed = add_seed_disk(spec, &local);
    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

gboolean
sevirt_create_prepare(SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags,
                      GPtrArray *notes, GError **error)
{
    SevirtDiskSpec *seed;

    return prepare(spec, caps, flags, notes, &seed, error);
}

/* ------------------------------------------------------------------ */
/* the steps */

typedef struct {
    virConnectPtr conn;
    SevirtVmSpec *spec;
    const SevirtCreateOptions *opts;
    SevirtDiskSpec *seed;         /* the seed CD-ROM in spec->disks, or NULL */
    char *uuid;                   /* the domain's, also the seed's instance-id */
    virDomainPtr dom;             /* once defined */
    /* The volumes created so far are spec->owned_volumes. */
} CreateJob;

#define say(job, ...) sevirt_progress_say((job)->opts->progress, (job)->opts->progress_data, __VA_ARGS__)

static gboolean
wants_start(const CreateJob *job)
{
    return job->opts->start || job->opts->paused;
}

static void
record_volume(CreateJob *job, const char *pool, const char *volume)
{
    g_ptr_array_add(job->spec->owned_volumes, g_strdup_printf("%s/%s", pool, volume));
}

static gboolean
create_volume(CreateJob *job, const SevirtDiskSpec *disk, GError **error)
{
    g_autoptr(virStorageVol) vol = NULL;

    if (disk->backing && disk->size_gib)
        say(job, _("Creating volume '%s/%s': %" G_GUINT64_FORMAT " GiB %s overlay on '%s'"),
            disk->pool, disk->volume, disk->size_gib, disk->format, disk->backing);
    else if (disk->backing)
        say(job, _("Creating volume '%s/%s': %s overlay on '%s'"),
            disk->pool, disk->volume, disk->format, disk->backing);
    else
        say(job, _("Creating volume '%s/%s': %" G_GUINT64_FORMAT " GiB %s"),
            disk->pool, disk->volume, disk->size_gib, disk->format);
    vol = sevirt_volume_create(job->conn, disk->pool, disk->volume, disk->format,
                               disk->size_gib * GIB, disk->backing, error);
    if (!vol)
        return FALSE;
    record_volume(job, disk->pool, disk->volume);
    return TRUE;
}

/* A path= disk: a volume of some pool, or a file of the local host.  A file
 * outside every pool of a remote host cannot be seen: libvirt checks it when
 * the guest starts. */
static gboolean
check_disk_file(CreateJob *job, const char *path, GError **error)
{
    g_autoptr(virStorageVol) vol = virStorageVolLookupByPath(job->conn, path);

    if (vol)
        return TRUE;
    virResetLastError();
    if (!sevirt_conn_is_local(job->conn)) {
        say(job, _("Disk file '%s' is in no storage pool of the remote host: libvirt checks it "
                   "when the guest starts"), path);
        return TRUE;
    }
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                    _("Disk file '%s' does not exist"), path);
        return FALSE;
    }
    return TRUE;
}

static gboolean
step_volumes(CreateJob *job, GError **error)
{
    for (guint i = 0; i < job->spec->disks->len; i++) {
        const SevirtDiskSpec *disk = g_ptr_array_index(job->spec->disks, i);
        g_autoptr(virStorageVol) vol = NULL;

        if (disk == job->seed)
            continue;
        switch (disk->kind) {
        case SEVIRT_DISK_NEW_VOLUME:
            if (!create_volume(job, disk, error))
                return FALSE;
            break;
        case SEVIRT_DISK_VOLUME:
            vol = sevirt_volume_lookup(job->conn, disk->pool, disk->volume, error);
            if (!vol)
                return FALSE;
            break;
        case SEVIRT_DISK_PATH:
            if (!check_disk_file(job, disk->path, error))
                return FALSE;
            break;
        }
    }
    return TRUE;
}

static gboolean
step_seed(CreateJob *job, GError **error)
{
    const SevirtCloudInitSpec *ci = job->spec->cloud_init;
    g_autofree char *hostname = NULL;
    g_autoptr(GBytes) image = NULL;
    g_autoptr(virStorageVol) vol = NULL;

    if (!job->seed)
        return TRUE;
    hostname = hostname_from_name(job->spec->name);
    image = sevirt_cloud_init_seed_build(ci, job->uuid, hostname, error);
    if (!image)
        return FALSE;
    say(job, _("Uploading the cloud-init seed to volume '%s/%s' (%" G_GSIZE_FORMAT " KiB)"),
        job->seed->pool, job->seed->volume, g_bytes_get_size(image) / 1024);
    vol = sevirt_volume_upload(job->conn, job->seed->pool, job->seed->volume, image, error);
    if (!vol)
        return FALSE;
    record_volume(job, job->seed->pool, job->seed->volume);
    return TRUE;
}

static gboolean
check_network(CreateJob *job, const char *name, GError **error)
{
    g_autoptr(virNetwork) net = virNetworkLookupByName(job->conn, name);
    int active;

    if (!net) {
        sevirt_error_libvirt(error, _("Network '%s' not found"), name);
        return FALSE;
    }
    active = virNetworkIsActive(net);
    if (active < 0) {
        sevirt_error_libvirt(error, _("Cannot get the state of network '%s'"), name);
        return FALSE;
    }
    if (active) {
        say(job, _("Network '%s' is there"), name);
        return TRUE;
    }
    if (wants_start(job)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Network '%s' is not active (start it with 'virsh net-start %s')"),
                    name, name);
        return FALSE;
    }
    say(job, _("Network '%s' is there but not active: start it before the guest"), name);
    return TRUE;
}

/* The interface driver (udev or netcf) knows the host's bridges; a host
 * without one cannot tell, and libvirt checks the bridge at start. */
static gboolean
check_bridge(CreateJob *job, const char *name, GError **error)
{
    g_autoptr(virInterface) iface = virInterfaceLookupByName(job->conn, name);
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autofree char *type = NULL;

    if (!iface) {
        if (virGetLastErrorCode() == VIR_ERR_NO_INTERFACE) {
            sevirt_error_libvirt(error, _("Bridge '%s' not found on the host"), name);
            return FALSE;
        }
        say(job, _("Cannot check bridge '%s' (%s): libvirt checks it when the guest starts"),
            name, virGetLastErrorMessage());
        virResetLastError();
        return TRUE;
    }
    xml = virInterfaceGetXMLDesc(iface, 0);
    if (!xml) {
        sevirt_error_libvirt(error, _("Cannot read the description of host interface '%s'"), name);
        return FALSE;
    }
    doc = sevirt_xml_parse(xml, _("interface description"), error);
    if (!doc)
        return FALSE;
    ctx = sevirt_xpath_new(doc);
    type = sevirt_xpath_string(ctx, "/interface/@type");
    if (g_strcmp0(type, "bridge") != 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("Host interface '%s' is not a bridge (it is of type '%s')"),
                    name, type ? type : "?");
        return FALSE;
    }
    say(job, _("Bridge '%s' is there"), name);
    return TRUE;
}

static gboolean
step_networks(CreateJob *job, GError **error)
{
    const GPtrArray *nets = job->spec->networks;

    /* No --network: the XML joins libvirt's default network. */
    if (nets->len == 0)
        return check_network(job, "default", error);
    for (guint i = 0; i < nets->len; i++) {
        const SevirtNetSpec *net = g_ptr_array_index(nets, i);

        if (net->kind == SEVIRT_NET_NETWORK && !check_network(job, net->source, error))
            return FALSE;
        if (net->kind == SEVIRT_NET_BRIDGE && !check_bridge(job, net->source, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
step_shares(CreateJob *job, GError **error)
{
    gboolean local = sevirt_conn_is_local(job->conn);

    for (guint i = 0; i < job->spec->shares->len; i++) {
        const SevirtShareSpec *share = g_ptr_array_index(job->spec->shares, i);

        if (!local) {
            say(job, _("Shared folder '%s' is on the remote host: libvirt checks it when the "
                       "guest starts"), share->source_dir);
            continue;
        }
        if (!g_file_test(share->source_dir, G_FILE_TEST_IS_DIR)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_NOT_FOUND,
                        _("Shared folder '%s' is not a directory on the host"), share->source_dir);
            return FALSE;
        }
        say(job, _("Shared folder '%s' is there (mount tag '%s'%s)"), share->source_dir,
            share->tag, share->readonly ? _(", read-only") : "");
    }
    return TRUE;
}

/* The domain XML with the UUID that the seed already carries as instance-id. */
static char *
domain_xml(CreateJob *job, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_domxml_build(job->spec, error);
    xmlNode *root;
    xmlNode *uuid;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    uuid = xmlNewDocNode(doc, NULL, BAD_CAST "uuid", BAD_CAST job->uuid);
    /* Right after <name>, where libvirt writes it too. */
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "name")) {
            xmlAddNextSibling(n, uuid);
            uuid = NULL;
            break;
        }
    }
    if (uuid)
        xmlAddChild(root, uuid);
    return sevirt_xml_doc_to_string(doc);
}

/* libvirt's refusal of an SEV definition (its QEMU has no SEV) in sevirt's words. */
static void
define_error(CreateJob *job, GError **error)
{
    const SevirtVmSpec *spec = job->spec;
    const char *emulator = spec->emulator;

    if (!emulator && job->opts->caps)
        emulator = job->opts->caps->emulator;
    if (spec->sev_type != SEVIRT_SEV_NONE && virGetLastErrorCode() == VIR_ERR_CONFIG_UNSUPPORTED) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("this host cannot run %s guests with %s: libvirt refused the definition "
                      "(%s); see 'sevirt host-check'"),
                    sevirt_sev_type_to_string(spec->sev_type),
                    emulator ? emulator : _("its default emulator"),
                    virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    /* Firmware descriptors seldom list SEV-SNP (Debian 13's do not). */
    if (spec->sev_type == SEVIRT_SEV_SNP && !spec->firmware) {
        sevirt_error_libvirt(error, _("libvirt refused the definition (an SEV-SNP guest needs its firmware named: "
                                      "a ROM image, which firmware descriptors seldom offer for SEV-SNP)"));
        return;
    }
    sevirt_error_libvirt(error, _("libvirt refused the definition"));
}

static gboolean
step_define(CreateJob *job, GError **error)
{
    g_autofree char *xml = domain_xml(job, error);

    if (!xml)
        return FALSE;
    say(job, _("Defining domain '%s' (UUID %s)"), job->spec->name, job->uuid);
    job->dom = virDomainDefineXMLFlags(job->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
    if (!job->dom) {
        define_error(job, error);
        return FALSE;
    }
    return TRUE;
}

static gboolean
step_start(CreateJob *job, GError **error)
{
    if (!wants_start(job))
        return TRUE;
    say(job, job->opts->paused ? _("Starting domain '%s' paused") : _("Starting domain '%s'"),
        job->spec->name);
    return sevirt_domain_start(job->dom, job->opts->paused, error);
}

typedef gboolean (*StepFunc)(CreateJob *job, GError **error);

static const struct {
    const char *name;
    StepFunc run;
} create_steps[] = {
    { N_("volumes"), step_volumes },
    { N_("cloud-init seed"), step_seed },
    { N_("networks"), step_networks },
    { N_("shares"), step_shares },
    { N_("define"), step_define },
    { N_("start"), step_start },
};

/* ------------------------------------------------------------------ */
/* undoing */

static void
append_list(GString *s, const char *item)
{
    g_string_append_printf(s, "%s'%s'", s->len ? ", " : "", item);
}

/* With its NVRAM (made by a failed start); drivers without the flags (the
 * test driver) have no NVRAM either. */
static gboolean
undefine(virDomainPtr dom)
{
    if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM |
                                    VIR_DOMAIN_UNDEFINE_MANAGED_SAVE) == 0)
        return TRUE;
    if (virGetLastErrorCode() != VIR_ERR_INVALID_ARG && virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
        return FALSE;
    return virDomainUndefine(dom) == 0;
}

/*
 * Undoes what the steps did, newest first, and says how it went: "rolled
 * back (...)" or what was left behind and why.  NULL when nothing had been
 * created.
 */
static char *
rollback(CreateJob *job)
{
    GPtrArray *vols = job->spec->owned_volumes;
    g_autoptr(GString) undone = g_string_new(NULL);
    g_autoptr(GString) left = g_string_new(NULL);

    if (job->dom) {
        g_autoptr(GError) derr = NULL;

        say(job, _("Undoing: removing domain '%s'"), job->spec->name);
        if (!sevirt_domain_destroy(job->dom, &derr) || !undefine(job->dom)) {
            if (!derr)
                sevirt_error_libvirt(&derr, _("domain '%s'"), job->spec->name);
            g_string_append_printf(left, "%s%s", left->len ? "; " : "", derr->message);
        } else {
            g_string_append_printf(undone, _("domain '%s'"), job->spec->name);
        }
        g_clear_pointer(&job->dom, virDomainFree);
    }
    for (guint i = vols->len; i-- > 0;) {
        const char *vol = g_ptr_array_index(vols, i);
        g_autoptr(GError) verr = NULL;

        say(job, _("Undoing: deleting volume '%s'"), vol);
        if (sevirt_volume_delete(job->conn, vol, &verr))
            append_list(undone, vol);
        else
            g_string_append_printf(left, "%s%s", left->len ? "; " : "", verr->message);
    }
    g_ptr_array_set_size(vols, 0);

    if (left->len)
        return g_strdup_printf(_("rollback incomplete, left behind: %s"), left->str);
    if (undone->len)
        return g_strdup_printf(_("rolled back (removed %s)"), undone->str);
    return NULL;
}

/* ------------------------------------------------------------------ */

static gboolean
check_name_free(virConnectPtr conn, const char *name, GError **error)
{
    g_autoptr(virDomain) dom = virDomainLookupByName(conn, name);

    if (dom) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_EXISTS,
                    _("Domain '%s' already exists (remove it with 'sevirt delete %s', "
                      "or choose another name)"), name, name);
        return FALSE;
    }
    if (virGetLastErrorCode() != VIR_ERR_NO_DOMAIN) {
        sevirt_error_libvirt(error, _("Cannot look up domain '%s'"), name);
        return FALSE;
    }
    virResetLastError();
    return TRUE;
}

virDomainPtr
sevirt_domain_create(virConnectPtr conn, SevirtVmSpec *spec, const SevirtCreateOptions *opts,
                     GError **error)
{
    static const SevirtCreateOptions no_opts = { 0 };
    CreateJob job = { conn, spec, opts ? opts : &no_opts, NULL, NULL, NULL };
    g_autofree char *uuid = g_uuid_string_random();
    g_autoptr(GError) local = NULL;
    g_autofree char *undo = NULL;

    job.uuid = uuid;
    if (!spec->name || !*spec->name) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("The domain name is empty"));
        return NULL;
    }
    if (!check_name_free(conn, spec->name, error))
        return NULL;
    if (job.opts->spec_hook && !job.opts->spec_hook(conn, spec, job.opts->hook_data, error))
        return NULL;
    if (!prepare(spec, job.opts->caps, SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES, job.opts->notes,
                 &job.seed, error))
        return NULL;
    g_ptr_array_set_size(spec->owned_volumes, 0);

    for (guint i = 0; i < G_N_ELEMENTS(create_steps); i++) {
        if (create_steps[i].run(&job, &local))
            continue;
        undo = rollback(&job);
        g_set_error(error, SEVIRT_ERROR,
                    local->domain == SEVIRT_ERROR ? local->code : SEVIRT_ERROR_FAILED,
                    _("Cannot create domain '%s': step '%s' failed: %s%s%s"),
                    spec->name, _(create_steps[i].name), local->message,
                    undo ? "; " : "", undo ? undo : "");
        return NULL;
    }
    return g_steal_pointer(&job.dom);
}
