/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-spec.h"

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
    g_free(spec);
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
    g_free(ci);
}
