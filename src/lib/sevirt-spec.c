/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VM model (SevirtVmSpec and its parts), where its values came from
 * (marks), and its validation against the host's capabilities.
 *
 * Over 700 lines on purpose: the validators (SEV, SEV-ES, SEV-SNP items,
 * attested create) are many small functions over the one model and share
 * its error helper (spec_invalid); the item grammar is in
 * sevirt-specitems.c, the spec file in sevirt-specfile.c, the
 * command-line syntax in src/cli.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-cloudinit.h"
#include "sevirt-conn.h"
#include "sevirt-error.h"
#include "sevirt-hostcaps.h"
#include "sevirt-policy.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-spec.h"
#include "sevirt-util.h"

static const char *const sev_type_names[] = {
    [SEVIRT_SEV_NONE] = "none",
    [SEVIRT_SEV_SEV] = "sev",
    [SEVIRT_SEV_ES] = "sev-es",
    [SEVIRT_SEV_SNP] = "sev-snp",
};

const char *
sevirt_sev_type_to_string(SevirtSevType type)
{
    g_return_val_if_fail(type < G_N_ELEMENTS(sev_type_names), NULL);
    return sev_type_names[type];
}

gboolean
sevirt_sev_type_from_string(const char *str, SevirtSevType *type, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(sev_type_names); i++) {
        if (g_ascii_strcasecmp(str, sev_type_names[i]) == 0) {
            *type = i;
            return TRUE;
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Unknown SEV type '%s': expected sev, sev-es, sev-snp or none"), str);
    return FALSE;
}

static const char *const virt_type_names[] = {
    [SEVIRT_VIRT_KVM] = "kvm",
    [SEVIRT_VIRT_QEMU] = "qemu",
};

const char *
sevirt_virt_type_to_string(SevirtVirtType type)
{
    g_return_val_if_fail(type < G_N_ELEMENTS(virt_type_names), NULL);
    return virt_type_names[type];
}

gboolean
sevirt_virt_type_from_string(const char *str, SevirtVirtType *type, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(virt_type_names); i++) {
        if (g_ascii_strcasecmp(str, virt_type_names[i]) == 0) {
            *type = i;
            return TRUE;
        }
    }
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                _("Unknown virtualization type '%s': expected kvm or qemu"), str);
    return FALSE;
}

SevirtVmSpec *
sevirt_vm_spec_new(void)
{
    SevirtVmSpec *spec = g_new0(SevirtVmSpec, 1);

    spec->vcpus = SEVIRT_DEFAULT_VCPUS;
    spec->memory_mib = SEVIRT_DEFAULT_MEMORY_MIB;
    spec->sev_type = SEVIRT_SEV_SEV;
    spec->cbitpos = -1;
    spec->reduced_phys_bits = -1;
    spec->virt_type = SEVIRT_VIRT_KVM;
    spec->disks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_disk_spec_free);
    spec->networks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_net_spec_free);
    spec->shares = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_share_spec_free);
    spec->owned_volumes = g_ptr_array_new_with_free_func(g_free);
    spec->marks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return spec;
}

void
sevirt_vm_spec_free(SevirtVmSpec *spec)
{
    if (!spec)
        return;
    g_free(spec->name);
    g_free(spec->dh_cert);
    g_free(spec->session);
    g_free(spec->id_block);
    g_free(spec->id_auth);
    g_free(spec->host_data);
    g_free(spec->guest_visible_workarounds);
    sevirt_attest_spec_free(spec->attest);
    g_free(spec->kernel);
    g_free(spec->initrd);
    g_free(spec->cmdline);
    g_free(spec->firmware);
    g_free(spec->emulator);
    g_free(spec->cpu);
    g_free(spec->machine);
    g_ptr_array_unref(spec->disks);
    g_ptr_array_unref(spec->networks);
    g_ptr_array_unref(spec->shares);
    sevirt_cloud_init_spec_free(spec->cloud_init);
    g_ptr_array_unref(spec->owned_volumes);
    g_free(spec->policy_text);
    sevirt_fleet_member_free(spec->fleet);
    g_hash_table_unref(spec->marks);
    g_free(spec);
}

SevirtFleetMember *
sevirt_fleet_member_new(const char *fleet, const char *group, const char *hash)
{
    SevirtFleetMember *m = g_new0(SevirtFleetMember, 1);

    m->fleet = g_strdup(fleet);
    m->group = g_strdup(group);
    m->hash = g_strdup(hash);
    return m;
}

void
sevirt_fleet_member_free(SevirtFleetMember *member)
{
    if (!member)
        return;
    g_free(member->fleet);
    g_free(member->group);
    g_free(member->hash);
    g_free(member);
}

void
sevirt_vm_spec_set_mark(SevirtVmSpec *spec, const char *field, const char *location)
{
    g_hash_table_replace(spec->marks, g_strdup(field), g_strdup(location));
}

/* @key is @field, one of its keys ("sev.policy") or one of its items ("disks[1]"). */
static gboolean
mark_is_within(gpointer key, gpointer value G_GNUC_UNUSED, gpointer field)
{
    const char *k = key;
    gsize len = strlen(field);

    return strncmp(k, field, len) == 0 && (k[len] == '\0' || k[len] == '.' || k[len] == '[');
}

void
sevirt_vm_spec_clear_mark(SevirtVmSpec *spec, const char *field)
{
    g_hash_table_foreach_remove(spec->marks, mark_is_within, (gpointer) field);
}

const char *
sevirt_vm_spec_get_mark(const SevirtVmSpec *spec, const char *field)
{
    return field ? g_hash_table_lookup(spec->marks, field) : NULL;
}

gboolean
sevirt_vm_spec_locate_error(const SevirtVmSpec *spec, const char *field, GError **error)
{
    const char *location = sevirt_vm_spec_get_mark(spec, field);

    if (location)
        g_prefix_error(error, "%s: ", location);
    return FALSE;
}

void
sevirt_attest_spec_free(SevirtAttestSpec *attest)
{
    if (!attest)
        return;
    g_free(attest->pdh);
    g_free(attest->ark);
    g_free(attest->ask);
    g_free(attest->keys_dir);
    g_free(attest);
}

SevirtDiskSpec *
sevirt_disk_spec_new(SevirtDiskKind kind)
{
    SevirtDiskSpec *disk = g_new0(SevirtDiskSpec, 1);

    disk->kind = kind;
    return disk;
}

void
sevirt_disk_spec_free(SevirtDiskSpec *disk)
{
    if (!disk)
        return;
    g_free(disk->path);
    g_free(disk->pool);
    g_free(disk->volume);
    g_free(disk->format);
    g_free(disk->backing);
    g_free(disk);
}

SevirtNetSpec *
sevirt_net_spec_new(SevirtNetKind kind)
{
    SevirtNetSpec *net = g_new0(SevirtNetSpec, 1);

    net->kind = kind;
    net->portfwds = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_port_forward_free);
    return net;
}

void
sevirt_net_spec_free(SevirtNetSpec *net)
{
    if (!net)
        return;
    g_free(net->source);
    g_free(net->mac);
    g_ptr_array_unref(net->portfwds);
    g_free(net);
}

void
sevirt_port_forward_free(SevirtPortForward *fwd)
{
    if (!fwd)
        return;
    g_free(fwd->proto);
    g_free(fwd);
}

SevirtShareSpec *
sevirt_share_spec_new(void)
{
    return g_new0(SevirtShareSpec, 1);
}

void
sevirt_share_spec_free(SevirtShareSpec *share)
{
    if (!share)
        return;
    g_free(share->source_dir);
    g_free(share->tag);
    g_free(share);
}

void
sevirt_cloud_init_spec_free(SevirtCloudInitSpec *ci)
{
    if (!ci)
        return;
    g_free(ci->user_data);
    g_free(ci->meta_data);
    g_free(ci->network_config);
    g_free(ci->ssh_key);
    g_free(ci->hostname);
    g_free(ci->pool);
    g_free(ci);
}

/* ---------------------------------------------------------------------- */
/* validation */

gboolean
sevirt_vm_spec_is_attested(const SevirtVmSpec *spec)
{
    return spec->dh_cert != NULL || spec->session != NULL;
}

static gboolean spec_invalid(const SevirtVmSpec *spec, const char *field, GError **error,
                             const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* A bad value of @field (a spec file key, or NULL): at its place in the
 * spec file when it came from one. */
static gboolean
spec_invalid(const SevirtVmSpec *spec, const char *field, GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, msg);
    return sevirt_vm_spec_locate_error(spec, field, error);
}

static gboolean
validate_name(const SevirtVmSpec *spec, GError **error)
{
    const char *name = spec->name;

    if (!name || !*name)
        return spec_invalid(spec, "name", error, _("The domain name is empty"));
    if (!g_utf8_validate(name, -1, NULL))
        return spec_invalid(spec, "name", error, _("The domain name is not valid UTF-8"));
    /* libvirt's QEMU driver refuses '/', and names become file names. */
    if (strchr(name, '/'))
        return spec_invalid(spec, "name", error, _("Invalid domain name '%s': it contains '/'"),
                            name);
    for (const char *p = name; *p; p++) {
        if (g_ascii_iscntrl(*p))
            return spec_invalid(spec, "name", error,
                                _("Invalid domain name '%s': it contains a control character"),
                                name);
    }
    if (strlen(name) > 200)
        return spec_invalid(spec, "name", error,
                            _("Invalid domain name '%s': longer than 200 bytes"), name);
    return TRUE;
}

static gboolean
validate_sizes(const SevirtVmSpec *spec, const SevirtHostCaps *caps, GError **error)
{
    guint max_vcpus = caps && caps->max_vcpus > 0 ? (guint) caps->max_vcpus : SEVIRT_MAX_VCPUS;

    if (spec->vcpus < 1 || spec->vcpus > max_vcpus)
        return spec_invalid(spec, "vcpus", error, _("Invalid vCPU count %u: expected 1 to %u"),
                            spec->vcpus, max_vcpus);
    if (spec->memory_mib < SEVIRT_MIN_MEMORY_MIB || spec->memory_mib > SEVIRT_MAX_MEMORY_MIB)
        return spec_invalid(spec, "memory", error,
                            _("Invalid memory size %" G_GUINT64_FORMAT " MiB: expected %d to %"
                              G_GUINT64_FORMAT " MiB"),
                            spec->memory_mib, SEVIRT_MIN_MEMORY_MIB, SEVIRT_MAX_MEMORY_MIB);
    return TRUE;
}

/* The key of the attested launch's blob that is given (dhCert first). */
static const char *
blob_field(const SevirtVmSpec *spec)
{
    return spec->dh_cert ? "sev.dh_cert" : "sev.session";
}

/* A spec file's policy is parsed only now, for the final type: a --sev
 * applied after the file decides the family of its flag names. */
gboolean
sevirt_vm_spec_resolve_policy(SevirtVmSpec *spec, GError **error)
{
    if (spec->policy_set || !spec->policy_text)
        return TRUE;
    if (!sevirt_policy_parse("policy", spec->sev_type, spec->policy_text, &spec->policy, error))
        return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
    spec->policy_set = TRUE;
    return TRUE;
}

static gboolean validate_blob(const SevirtVmSpec *spec, const char *field, const char *what,
                              const char *b64, gsize size, GError **error);

#define SNP_HOST_DATA_SIZE 32

/* The key of the first SNP launch item given, or NULL. */
static const char *
snp_item_field(const SevirtVmSpec *spec)
{
    if (spec->id_block)
        return "sev.id_block";
    if (spec->id_auth)
        return "sev.id_auth";
    if (spec->author_key)
        return "sev.author_key";
    if (spec->guest_visible_workarounds)
        return "sev.guest_visible_workarounds";
    if (spec->vcek != SEVIRT_TRISTATE_DEFAULT)
        return "sev.vcek";
    return spec->host_data ? "sev.host_data" : NULL;
}

/* Offset of AUTH_KEY_ALGO in the ID auth (SEV-SNP ABI, SNP_LAUNCH_FINISH). */
#define ID_AUTH_AUTHOR_KEY_ALGO 0x4

/*
 * Whether @b64, an ID auth, carries an author key: authorKey='yes' on one
 * without makes the firmware refuse the launch, which libvirt reports only
 * as a failed start.  A blob that does not decode says no; its size is
 * checked and reported afterwards.
 */
static gboolean
id_auth_has_author_key(const char *b64)
{
    g_autofree guint8 *auth = NULL;
    gsize len = 0;

    auth = sevirt_base64_decode_strict("ID auth", b64, SEVIRT_SNP_ID_AUTH_SIZE, &len, NULL);
    if (!auth)
        return TRUE;
    return (auth[ID_AUTH_AUTHOR_KEY_ALGO] | auth[ID_AUTH_AUTHOR_KEY_ALGO + 1] |
            auth[ID_AUTH_AUTHOR_KEY_ALGO + 2] | auth[ID_AUTH_AUTHOR_KEY_ALGO + 3]) != 0;
}

/* ID block, ID auth, author key and host data: SNP_LAUNCH_FINISH's inputs. */
static gboolean
validate_snp_items(const SevirtVmSpec *spec, GError **error)
{
    const char *field = snp_item_field(spec);

    if (!field)
        return TRUE;
    if (spec->sev_type != SEVIRT_SEV_SNP)
        return spec_invalid(spec, field, error,
                            _("An ID block, ID auth, author key, host data, guest-visible "
                              "workarounds or VCEK setting is for SEV-SNP guests only"));
    if (!!spec->id_block != !!spec->id_auth)
        return spec_invalid(spec, field, error,
                            _("The ID block and the ID auth go together ('sevirt id-block' makes both)"));
    if (spec->author_key && !spec->id_auth)
        return spec_invalid(spec, "sev.author_key", error,
                            _("An author key is only used with an ID block and ID auth"));
    if (spec->author_key && !id_auth_has_author_key(spec->id_auth))
        return spec_invalid(spec, "sev.author_key", error,
                            _("The ID auth carries no author key (its author key algorithm is 0)"));
    return (!spec->id_block ||
            validate_blob(spec, "sev.id_block", _("ID block"), spec->id_block,
                          SEVIRT_SNP_ID_BLOCK_SIZE, error)) &&
           (!spec->id_auth ||
            validate_blob(spec, "sev.id_auth", _("ID auth"), spec->id_auth,
                          SEVIRT_SNP_ID_AUTH_SIZE, error)) &&
           (!spec->host_data ||
            validate_blob(spec, "sev.host_data", _("host data"), spec->host_data,
                          SNP_HOST_DATA_SIZE, error)) &&
           (!spec->guest_visible_workarounds ||
            validate_blob(spec, "sev.guest_visible_workarounds", _("guest-visible workarounds"),
                          spec->guest_visible_workarounds, SEVIRT_GUEST_WORKAROUNDS_SIZE, error));
}

/* What no plain guest may carry. */
static gboolean
validate_plain(const SevirtVmSpec *spec, GError **error)
{
    if (!validate_snp_items(spec, error))
        return FALSE;
    if (spec->policy_set)
        return spec_invalid(spec, "sev.policy", error,
                            _("A plain guest (SEV type 'none') takes no policy"));
    if (sevirt_vm_spec_is_attested(spec))
        return spec_invalid(spec, blob_field(spec), error,
                            _("A plain guest (SEV type 'none') takes no dhCert or session"));
    if (spec->cbitpos >= 0 || spec->reduced_phys_bits >= 0)
        return spec_invalid(spec, spec->cbitpos >= 0 ? "sev.cbitpos" : "sev.reduced_phys_bits",
                            error, _("A plain guest (SEV type 'none') takes no cbitpos or "
                                     "reduced-phys-bits"));
    if (spec->kernel_hashes == SEVIRT_TRISTATE_YES)
        return spec_invalid(spec, "sev.kernel_hashes", error,
                            _("Kernel hashes need an SEV type: a plain guest has no measurement"));
    return TRUE;
}

static gboolean
check_host_support(const SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags,
                   GError **error)
{
    const char *type = sevirt_sev_type_to_string(spec->sev_type);

    if (spec->sev_type == SEVIRT_SEV_SNP && caps->libvirt_version &&
        caps->libvirt_version < SEVIRT_LIBVIRT_SNP_VERSION) {
        g_autofree char *found = sevirt_version_string(caps->libvirt_version);

        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("SEV-SNP guests need libvirt 10.5 or later on the host, which runs libvirt %s"),
                    found);
        return FALSE;
    }
    if (!(flags & SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES) &&
        !sevirt_host_caps_supports(caps, spec->sev_type)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("The host cannot run %s guests with %s (libvirt's domain capabilities "
                      "report no support; see 'sevirt host-check')"),
                    type, caps->emulator ? caps->emulator : _("its default emulator"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_blob(const SevirtVmSpec *spec, const char *field, const char *what, const char *b64,
              gsize size, GError **error)
{
    g_autofree guint8 *raw = NULL;
    gsize len = 0;

    raw = sevirt_base64_decode_strict(what, b64, size, &len, error);
    return raw || sevirt_vm_spec_locate_error(spec, field, error);
}

static gboolean
validate_launch_security(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                         GPtrArray *notes, GError **error)
{
    g_autofree char *note = NULL;

    if (!validate_snp_items(spec, error))
        return FALSE;
    if (!spec->policy_set) {
        spec->policy = sevirt_policy_default(spec->sev_type);
        spec->policy_set = TRUE;
    }
    if (!sevirt_policy_check(spec->sev_type, &spec->policy, &note, error))
        return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
    if (note && notes)
        g_ptr_array_add(notes, g_steal_pointer(&note));

    if (caps && spec->cbitpos < 0)
        spec->cbitpos = caps->cbitpos;
    if (caps && spec->reduced_phys_bits < 0)
        spec->reduced_phys_bits = caps->reduced_phys_bits;
    if (spec->cbitpos > 63)
        return spec_invalid(spec, "sev.cbitpos", error, _("Invalid cbitpos %d: expected 0 to 63"),
                            spec->cbitpos);
    if (spec->reduced_phys_bits > 63)
        return spec_invalid(spec, "sev.reduced_phys_bits", error,
                            _("Invalid reduced-phys-bits %d: expected 0 to 63"),
                            spec->reduced_phys_bits);

    if (sevirt_vm_spec_is_attested(spec)) {
        if (spec->sev_type == SEVIRT_SEV_SNP)
            return spec_invalid(spec, blob_field(spec), error,
                                _("SEV-SNP guests take no dhCert or session: "
                                  "they are attested with a report instead"));
        if (!spec->dh_cert || !spec->session)
            return spec_invalid(spec, blob_field(spec), error,
                                _("An attested launch needs both the dhCert and the session"));
        if (!validate_blob(spec, "sev.dh_cert", _("dhCert"), spec->dh_cert, SEVIRT_DH_CERT_SIZE,
                           error) ||
            !validate_blob(spec, "sev.session", _("session"), spec->session, SEVIRT_SESSION_SIZE,
                           error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
validate_boot(SevirtVmSpec *spec, GError **error)
{
    if (!spec->kernel) {
        if (spec->initrd)
            return spec_invalid(spec, "initrd", error,
                                _("An initrd needs a kernel (direct kernel boot)"));
        if (spec->cmdline)
            return spec_invalid(spec, "cmdline", error,
                                _("A kernel command line needs a kernel (direct kernel boot)"));
        if (spec->kernel_hashes == SEVIRT_TRISTATE_YES)
            return spec_invalid(spec, "sev.kernel_hashes", error,
                                _("Kernel hashes need a kernel (direct kernel boot)"));
        spec->kernel_hashes = SEVIRT_TRISTATE_NO;
        return TRUE;
    }
    if (!g_path_is_absolute(spec->kernel))
        return spec_invalid(spec, "kernel", error, _("Kernel path '%s' is not absolute"),
                            spec->kernel);
    if (spec->initrd && !g_path_is_absolute(spec->initrd))
        return spec_invalid(spec, "initrd", error, _("Initrd path '%s' is not absolute"),
                            spec->initrd);
    /* Measured direct boot is the point of SEV with a kernel: on by default. */
    if (spec->kernel_hashes == SEVIRT_TRISTATE_DEFAULT)
        spec->kernel_hashes = spec->sev_type == SEVIRT_SEV_NONE ? SEVIRT_TRISTATE_NO
                                                                 : SEVIRT_TRISTATE_YES;
    return TRUE;
}

/*
 * An attested launch measures the firmware image only, so the guest must
 * not get a variable store: sevirt names the image and marks it stateless.
 * With "auto", pick the first descriptor that supports the SEV type.
 */
static gboolean
resolve_attested_firmware(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                          GPtrArray *notes, GError **error)
{
    g_autoptr(GPtrArray) local = NULL;
    const GPtrArray *firmware;
    const SevirtFirmware *fw;

    if (spec->firmware || !sevirt_vm_spec_is_attested(spec))
        return TRUE;
    if (caps && !caps->firmware_known)
        return spec_invalid(spec, NULL, error,
                            _("An attested launch needs a stateless firmware, and the "
                              "firmware descriptors of a remote host cannot be read: "
                              "give the firmware path"));
    if (caps) {
        firmware = caps->firmware;
    } else {
        /* Offline XML: the firmware of this machine. */
        local = sevirt_firmware_list_load(NULL);
        firmware = local;
    }
    fw = sevirt_firmware_list_find(firmware, spec->sev_type);
    if (!fw)
        return spec_invalid(spec, NULL, error,
                            _("An attested launch needs a stateless firmware and no firmware "
                              "descriptor lists '%s': give the firmware path"),
                            sevirt_firmware_feature_for(spec->sev_type));
    spec->firmware = g_strdup(fw->executable);
    if (notes)
        g_ptr_array_add(notes, g_strdup_printf(_("attested launch: using firmware %s without a "
                                                 "variable store"), fw->executable));
    return TRUE;
}

static gboolean
validate_paths(SevirtVmSpec *spec, GError **error)
{
    if (spec->firmware && g_str_equal(spec->firmware, "auto"))
        g_clear_pointer(&spec->firmware, g_free);
    if (spec->firmware && !g_path_is_absolute(spec->firmware))
        return spec_invalid(spec, "firmware", error, _("Firmware path '%s' is not absolute"),
                            spec->firmware);
    if (spec->emulator && !g_path_is_absolute(spec->emulator))
        return spec_invalid(spec, "emulator", error, _("Emulator path '%s' is not absolute"),
                            spec->emulator);
    if (spec->cpu && !*spec->cpu)
        return spec_invalid(spec, "cpu", error, _("The CPU model is empty"));
    if (spec->machine && !*spec->machine)
        return spec_invalid(spec, "machine", error, _("The machine type is empty"));
    return TRUE;
}

static const char *
format_from_path(const char *path)
{
    return g_str_has_suffix(path, ".qcow2") ? "qcow2" : "raw";
}

static gboolean
validate_disks(SevirtVmSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->disks->len; i++) {
        SevirtDiskSpec *disk = g_ptr_array_index(spec->disks, i);

        if (disk->kind == SEVIRT_DISK_PATH && !disk->format)
            disk->format = g_strdup(disk->cdrom ? "raw" : format_from_path(disk->path));
        if (disk->kind != SEVIRT_DISK_NEW_VOLUME)
            continue;
        if (!disk->format)
            disk->format = g_strdup("qcow2");
        if (!disk->volume)
            disk->volume = g_strdup_printf("%s-disk%u.%s", spec->name, i, disk->format);
        if (disk->backing && !g_str_equal(disk->format, "qcow2")) {
            g_autofree char *field = g_strdup_printf("disks[%u]", i);

            return spec_invalid(spec, field, error,
                                _("Disk %u: an overlay on '%s' must be qcow2, not %s"),
                                i, disk->backing, disk->format);
        }
    }
    return TRUE;
}

static gboolean
validate_networks(const SevirtVmSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->networks->len; i++) {
        const SevirtNetSpec *net = g_ptr_array_index(spec->networks, i);

        if (net->kind == SEVIRT_NET_NONE && spec->networks->len > 1) {
            g_autofree char *field = g_strdup_printf("networks[%u]", i);

            return spec_invalid(spec, field, error,
                                _("Network 'none' cannot be combined with other networks"));
        }
    }
    return TRUE;
}

/* Refused here rather than by libvirt at define time, after the volumes. */
static gboolean
check_host_networks(const SevirtVmSpec *spec, const SevirtHostCaps *caps, GError **error)
{
    for (guint i = 0; caps->passt == SEVIRT_TRISTATE_NO && i < spec->networks->len; i++) {
        const SevirtNetSpec *net = g_ptr_array_index(spec->networks, i);
        g_autofree char *why = NULL;
        g_autofree char *field = NULL;

        if (net->kind != SEVIRT_NET_USER)
            continue;
        why = sevirt_host_caps_passt_refusal(caps);
        field = g_strdup_printf("networks[%u]", i);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("%s; use network=NAME or bridge=BR"), why);
        return sevirt_vm_spec_locate_error(spec, field, error);
    }
    return TRUE;
}

static gboolean
validate_shares(const SevirtVmSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->shares->len; i++) {
        const SevirtShareSpec *a = g_ptr_array_index(spec->shares, i);

        for (guint j = i + 1; j < spec->shares->len; j++) {
            const SevirtShareSpec *b = g_ptr_array_index(spec->shares, j);

            if (g_str_equal(a->tag, b->tag)) {
                g_autofree char *field = g_strdup_printf("shares[%u]", j);

                return spec_invalid(spec, field, error, _("Two shares use the mount tag '%s'"),
                                    a->tag);
            }
        }
    }
    return TRUE;
}

/* An error about a cloud-init file names its key at its place when a spec
 * file gave it; otherwise the message names the file itself. */
static gboolean
seed_file_error(const SevirtVmSpec *spec, const char *field, GError **error)
{
    if (sevirt_vm_spec_get_mark(spec, field))
        g_prefix_error(error, "%s: ", field);
    return sevirt_vm_spec_locate_error(spec, field, error);
}

/* The files sevirt reads itself for the seed: checked before create makes anything. */
static gboolean
check_seed_file(const SevirtVmSpec *spec, const char *field, const char *path, GError **error)
{
    if (!path || sevirt_file_check_readable(path, error))
        return TRUE;
    return seed_file_error(spec, field, error);
}

static gboolean
validate_cloud_init(const SevirtVmSpec *spec, GError **error)
{
    const SevirtCloudInitSpec *ci = spec->cloud_init;
    g_auto(GStrv) keys = NULL;

    if (!ci)
        return TRUE;
    if (!check_seed_file(spec, "cloud_init.user_data", ci->user_data, error) ||
        !check_seed_file(spec, "cloud_init.meta_data", ci->meta_data, error) ||
        !check_seed_file(spec, "cloud_init.network_config", ci->network_config, error) ||
        !check_seed_file(spec, "cloud_init.ssh_key", ci->ssh_key, error))
        return FALSE;
    if (ci->ssh_key && !(keys = sevirt_ssh_public_keys_read(ci->ssh_key, error)))
        return seed_file_error(spec, "cloud_init.ssh_key", error);
    return TRUE;
}

gboolean
sevirt_vm_spec_validate(SevirtVmSpec *spec, const SevirtHostCaps *caps,
                        GPtrArray *notes, GError **error)
{
    return sevirt_vm_spec_validate_full(spec, caps, SEVIRT_SPEC_VALIDATE_DEFAULT, notes, error);
}

gboolean
sevirt_vm_spec_validate_full(SevirtVmSpec *spec, const SevirtHostCaps *caps, guint flags,
                             GPtrArray *notes, GError **error)
{
    if (!validate_name(spec, error) ||
        !validate_sizes(spec, caps, error) ||
        !validate_paths(spec, error) ||
        !validate_boot(spec, error) ||
        !validate_cloud_init(spec, error) ||
        !sevirt_vm_spec_resolve_policy(spec, error))
        return FALSE;

    if (spec->sev_type == SEVIRT_SEV_NONE) {
        if (!validate_plain(spec, error))
            return FALSE;
    } else {
        if (caps && !check_host_support(spec, caps, flags, error))
            return FALSE;
        if (!validate_launch_security(spec, caps, notes, error) ||
            !resolve_attested_firmware(spec, caps, notes, error))
            return FALSE;
    }

    if (!spec->virt_type_set && caps && caps->domain_type &&
        !sevirt_virt_type_from_string(caps->domain_type, &spec->virt_type, NULL))
        spec->virt_type = SEVIRT_VIRT_KVM;
    spec->virt_type_set = TRUE;

    return validate_disks(spec, error) &&
           validate_networks(spec, error) &&
           (!caps || check_host_networks(spec, caps, error)) &&
           validate_shares(spec, error);
}

SevirtAttestProblem
sevirt_attest_spec_problem(const SevirtVmSpec *spec, const char **field)
{
    const SevirtAttestSpec *a = spec->attest;
    const char *at = "sev.attest";
    SevirtAttestProblem problem = SEVIRT_ATTEST_OK;

    if (!a->enabled) {
        at = NULL;
        if (a->pdh || a->from_host || a->ark || a->ask || a->keys_dir)
            problem = SEVIRT_ATTEST_NOT_REQUESTED;
    } else if (spec->sev_type != SEVIRT_SEV_SEV && spec->sev_type != SEVIRT_SEV_ES) {
        problem = SEVIRT_ATTEST_SEV_TYPE;
    } else if (spec->dh_cert || spec->session) {
        problem = SEVIRT_ATTEST_BLOB_GIVEN;
    } else if (!a->pdh == !a->from_host) {
        problem = SEVIRT_ATTEST_PDH;
    } else if (!a->keys_dir) {
        problem = SEVIRT_ATTEST_KEYS_DIR;
    } else if (!a->ark != !a->ask) {
        problem = SEVIRT_ATTEST_ARK_ASK;
        at = a->ark ? "sev.ark" : "sev.ask";
    }
    if (field)
        *field = problem == SEVIRT_ATTEST_OK ? NULL : at;
    return problem;
}

/* The messages name the fields of the model (the spec file's keys); the
 * options that set them are the caller's business. */
gboolean
sevirt_attest_spec_check(const SevirtVmSpec *spec, GError **error)
{
    const char *field = NULL;

    switch (sevirt_attest_spec_problem(spec, &field)) {
    case SEVIRT_ATTEST_OK:
        return TRUE;
    case SEVIRT_ATTEST_NOT_REQUESTED:
        return spec_invalid(spec, field, error,
                            _("sev.pdh, sev.from_host, sev.ark, sev.ask and sev.keys_dir "
                              "go with sev.attest"));
    case SEVIRT_ATTEST_SEV_TYPE:
        return spec_invalid(spec, field, error,
                            _("sev.attest makes a launch session for an SEV or SEV-ES guest, "
                              "not for SEV type '%s'"),
                            sevirt_sev_type_to_string(spec->sev_type));
    case SEVIRT_ATTEST_BLOB_GIVEN:
        return spec_invalid(spec, field, error,
                            _("sev.attest makes the dhCert and session itself: give neither "
                              "sev.dh_cert nor sev.session with it"));
    case SEVIRT_ATTEST_PDH:
        return spec_invalid(spec, field, error,
                            _("sev.attest needs the platform's PDH: give either sev.pdh "
                              "or sev.from_host"));
    case SEVIRT_ATTEST_KEYS_DIR:
        return spec_invalid(spec, field, error,
                            _("sev.attest needs sev.keys_dir, the directory where the "
                              "session and the guest owner's keys go"));
    case SEVIRT_ATTEST_ARK_ASK:
    default:
        return spec_invalid(spec, field, error, _("sev.ark and sev.ask go together"));
    }
}
