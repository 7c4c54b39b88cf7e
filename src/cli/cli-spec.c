/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest options shared by the commands that build a guest (see cli-spec.h).
 */
#include <config.h>

#include <string.h>

#include "cli-spec.h"


static gboolean
apply_uint(const char *option, const char *text, guint64 min, guint64 max,
           guint64 *value, GError **error)
{
    if (!sevirt_parse_uint(option, text, max, value, error))
        return FALSE;
    if (*value < min)
        return sevirt_cli_usage_error(error, _("%s: invalid value '%s': the smallest is %"
                                               G_GUINT64_FORMAT), option, text, min);
    return TRUE;
}

static gboolean
apply_numbers(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec, GError **error)
{
    guint64 v;

    if (opts->memory) {
        if (!apply_uint("--memory", opts->memory, SEVIRT_MIN_MEMORY_MIB, SEVIRT_MAX_MEMORY_MIB,
                        &v, error))
            return FALSE;
        spec->memory_mib = v;
    }
    if (opts->vcpus) {
        if (!apply_uint("--vcpus", opts->vcpus, 1, SEVIRT_MAX_VCPUS, &v, error))
            return FALSE;
        spec->vcpus = v;
    }
    if (opts->cbitpos) {
        if (!apply_uint("--cbitpos", opts->cbitpos, 0, 63, &v, error))
            return FALSE;
        spec->cbitpos = v;
    }
    if (opts->reduced_phys_bits) {
        if (!apply_uint("--reduced-phys-bits", opts->reduced_phys_bits, 0, 63, &v, error))
            return FALSE;
        spec->reduced_phys_bits = v;
    }
    return TRUE;
}

/*
 * The spec file's policy is parsed by validation for the final type; a
 * --sev that makes it meaningless is reported here, where the option is
 * known, at the policy's place in the file.  Other problems with it are
 * left to validation.
 */
static gboolean
check_file_policy(const SevirtCliSpecOptions *opts, const SevirtVmSpec *spec, GError **error)
{
    SevirtSevType other = spec->sev_type == SEVIRT_SEV_SNP ? SEVIRT_SEV_SEV : SEVIRT_SEV_SNP;
    guint64 policy;

    if (!opts->sev || opts->policy || !spec->policy_text)
        return TRUE;
    if (spec->sev_type == SEVIRT_SEV_NONE)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("policy '%s' given for a plain guest (--sev none)"), spec->policy_text);
    else if (!sevirt_policy_parse("policy", spec->sev_type, spec->policy_text, &policy, NULL) &&
             sevirt_policy_parse("policy", other, spec->policy_text, &policy, NULL))
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("policy '%s' was written for %s guests, not for --sev %s: give --policy too"),
                    spec->policy_text, other == SEVIRT_SEV_SNP ? "SEV-SNP" : "SEV and SEV-ES",
                    opts->sev);
    else
        return TRUE;
    return sevirt_vm_spec_locate_error(spec, "sev.policy", error);
}

static gboolean
apply_types(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec, GError **error)
{
    if (opts->sev && !sevirt_sev_type_from_string(opts->sev, &spec->sev_type, error)) {
        g_prefix_error(error, "--sev: ");
        return FALSE;
    }
    if (opts->virt_type) {
        if (!sevirt_virt_type_from_string(opts->virt_type, &spec->virt_type, error)) {
            g_prefix_error(error, "--virt-type: ");
            return FALSE;
        }
        spec->virt_type_set = TRUE;
    }
    /* After --sev: the policy's meaning depends on the type.  --policy wins
     * over the file's, which is then not parsed at all. */
    if (opts->policy) {
        if (!sevirt_policy_parse("--policy", spec->sev_type, opts->policy, &spec->policy, error))
            return FALSE;
        spec->policy_set = TRUE;
        g_clear_pointer(&spec->policy_text, g_free);
    }
    return check_file_policy(opts, spec, error);
}

/* Reads a base64 blob file of the guest owner's tools into *@b64. */
static gboolean
apply_blob(const char *option, const char *path, gsize size, char **b64, GError **error)
{
    g_autofree guint8 *raw = NULL;
    gsize len = 0;

    g_clear_pointer(b64, g_free);
    raw = sevirt_base64_file_read(path, size, &len, b64, error);
    if (!raw) {
        g_prefix_error(error, "%s: ", option);
        return FALSE;
    }
    return TRUE;
}

static void replace_string(char **field, const char *value);

/* SEV-SNP launch parameters beyond the ID block's. */
static gboolean
apply_snp(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec, GError **error)
{
    if (opts->guest_visible_workarounds &&
        !apply_blob("--guest-visible-workarounds", opts->guest_visible_workarounds,
                    SEVIRT_GUEST_WORKAROUNDS_SIZE, &spec->guest_visible_workarounds, error))
        return FALSE;
    /* No --vcek: libvirt's default already allows the VCEK, and verify-report's
     * --vcek names a certificate file. */
    if (opts->no_vcek)
        spec->vcek = SEVIRT_TRISTATE_NO;
    return TRUE;
}

static void
replace_string(char **field, const char *value)
{
    if (!value)
        return;
    g_free(*field);
    *field = g_strdup(value);
}

static void
apply_strings(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec)
{
    replace_string(&spec->kernel, opts->kernel);
    replace_string(&spec->initrd, opts->initrd);
    replace_string(&spec->cmdline, opts->cmdline);
    replace_string(&spec->firmware, opts->firmware);
    replace_string(&spec->emulator, opts->emulator);
    replace_string(&spec->cpu, opts->cpu);
    replace_string(&spec->machine, opts->machine);
}

static gboolean
apply_kernel_hashes(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec, GError **error)
{
    if (opts->kernel_hashes && opts->no_kernel_hashes)
        return sevirt_cli_usage_error(error, _("--kernel-hashes and --no-kernel-hashes exclude "
                                               "each other"));
    if (opts->kernel_hashes)
        spec->kernel_hashes = SEVIRT_TRISTATE_YES;
    if (opts->no_kernel_hashes)
        spec->kernel_hashes = SEVIRT_TRISTATE_NO;
    return TRUE;
}

/* --cloud-init replaces the seed files and pool; --ssh-key and --hostname
 * their own settings.  Any of them asks for a seed. */
static gboolean
apply_cloud_init(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec, GError **error)
{
    if (!opts->cloud_init && !opts->ssh_key && !opts->hostname)
        return TRUE;
    if (!spec->cloud_init)
        spec->cloud_init = g_new0(SevirtCloudInitSpec, 1);
    if (opts->cloud_init &&
        !sevirt_cloud_init_spec_parse("--cloud-init", opts->cloud_init, spec->cloud_init, error))
        return FALSE;
    replace_string(&spec->cloud_init->ssh_key, opts->ssh_key);
    replace_string(&spec->cloud_init->hostname, opts->hostname);
    return TRUE;
}

/* The create --attest options: any of them records the request (checked
 * by sevirt_attest_spec_check() when create makes the session).  --pdh and
 * --from-host name the same thing, so either replaces the file's other. */
static void
apply_attest(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec)
{
    if (!opts->attest && !opts->pdh && !opts->from_host && !opts->ark && !opts->ask &&
        !opts->keys_dir)
        return;
    if (!spec->attest)
        spec->attest = g_new0(SevirtAttestSpec, 1);
    if (opts->attest)
        spec->attest->enabled = TRUE;
    if (opts->from_host && !opts->pdh)
        g_clear_pointer(&spec->attest->pdh, g_free);
    if (opts->pdh && !opts->from_host)
        spec->attest->from_host = FALSE;
    if (opts->from_host)
        spec->attest->from_host = TRUE;
    replace_string(&spec->attest->pdh, opts->pdh);
    replace_string(&spec->attest->ark, opts->ark);
    replace_string(&spec->attest->ask, opts->ask);
    replace_string(&spec->attest->keys_dir, opts->keys_dir);
}

typedef gpointer (*ValueParser)(const char *what, const char *text, GError **error);

/* Replaces @list with the parsed values of a repeatable option. */
static gboolean
apply_list(const char *option, char **values, ValueParser parse, GDestroyNotify free_item,
           GPtrArray *list, GError **error)
{
    g_autoptr(GPtrArray) parsed = NULL;

    if (!values)
        return TRUE;
    parsed = g_ptr_array_new_with_free_func(free_item);
    for (guint i = 0; values[i]; i++) {
        gpointer item = parse(option, values[i], error);

        if (!item)
            return FALSE;
        g_ptr_array_add(parsed, item);
    }
    /* Move the items: @list owns them from now on. */
    g_ptr_array_set_size(list, 0);
    g_ptr_array_extend_and_steal(list, g_steal_pointer(&parsed));
    return TRUE;
}

/* The values the command line replaces no longer come from the spec file:
 * validation must not point into the file for them. */
static void
forget_file_marks(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec)
{
    const struct {
        gboolean given;
        const char *key;
    } overrides[] = {
        { opts->memory != NULL, "memory" },
        { opts->vcpus != NULL, "vcpus" },
        { opts->sev != NULL, "sev.type" },
        { opts->policy != NULL, "sev.policy" },
        { opts->cbitpos != NULL, "sev.cbitpos" },
        { opts->reduced_phys_bits != NULL, "sev.reduced_phys_bits" },
        { opts->kernel_hashes || opts->no_kernel_hashes, "sev.kernel_hashes" },
        { opts->dh_cert != NULL, "sev.dh_cert" },
        { opts->session != NULL, "sev.session" },
        { opts->id_block != NULL, "sev.id_block" },
        { opts->id_auth != NULL, "sev.id_auth" },
        { opts->author_key, "sev.author_key" },
        { opts->host_data != NULL, "sev.host_data" },
        { opts->guest_visible_workarounds != NULL, "sev.guest_visible_workarounds" },
        { opts->no_vcek, "sev.vcek" },
        { opts->kernel != NULL, "kernel" },
        { opts->initrd != NULL, "initrd" },
        { opts->cmdline != NULL, "cmdline" },
        { opts->firmware != NULL, "firmware" },
        { opts->virt_type != NULL, "virt_type" },
        { opts->emulator != NULL, "emulator" },
        { opts->cpu != NULL, "cpu" },
        { opts->machine != NULL, "machine" },
        { opts->disks != NULL, "disks" },
        { opts->networks != NULL, "networks" },
        { opts->shares != NULL, "shares" },
        /* --cloud-init replaces all four (sevirt_cloud_init_spec_parse()) */
        { opts->cloud_init != NULL, "cloud_init.user_data" },
        { opts->cloud_init != NULL, "cloud_init.meta_data" },
        { opts->cloud_init != NULL, "cloud_init.network_config" },
        { opts->cloud_init != NULL, "cloud_init.pool" },
        { opts->ssh_key != NULL, "cloud_init.ssh_key" },
        { opts->hostname != NULL, "cloud_init.hostname" },
        { opts->attest, "sev.attest" },
        { opts->pdh || opts->from_host, "sev.pdh" },
        { opts->pdh || opts->from_host, "sev.from_host" },
        { opts->ark != NULL, "sev.ark" },
        { opts->ask != NULL, "sev.ask" },
        { opts->keys_dir != NULL, "sev.keys_dir" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(overrides); i++) {
        if (overrides[i].given)
            sevirt_vm_spec_clear_mark(spec, overrides[i].key);
    }
}

gboolean
sevirt_cli_spec_apply(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec, GError **error)
{
    forget_file_marks(opts, spec);
    if (!apply_numbers(opts, spec, error) ||
        !apply_types(opts, spec, error))
        return FALSE;
    if (opts->dh_cert &&
        !apply_blob("--dh-cert", opts->dh_cert, SEVIRT_DH_CERT_SIZE, &spec->dh_cert, error))
        return FALSE;
    if (opts->session &&
        !apply_blob("--session", opts->session, SEVIRT_SESSION_SIZE, &spec->session, error))
        return FALSE;
    if (opts->id_block &&
        !apply_blob("--id-block", opts->id_block, SEVIRT_SNP_ID_BLOCK_SIZE, &spec->id_block, error))
        return FALSE;
    if (opts->id_auth &&
        !apply_blob("--id-auth", opts->id_auth, SEVIRT_SNP_ID_AUTH_SIZE, &spec->id_auth, error))
        return FALSE;
    if (opts->author_key)
        spec->author_key = TRUE;
    replace_string(&spec->host_data, opts->host_data);
    if (!apply_snp(opts, spec, error))
        return FALSE;
    apply_strings(opts, spec);
    apply_attest(opts, spec);
    if (!apply_kernel_hashes(opts, spec, error) ||
        !apply_cloud_init(opts, spec, error))
        return FALSE;
    return apply_list("--disk", opts->disks, (ValueParser) sevirt_disk_spec_parse,
                      (GDestroyNotify) sevirt_disk_spec_free, spec->disks, error) &&
           apply_list("--network", opts->networks, (ValueParser) sevirt_net_spec_parse,
                      (GDestroyNotify) sevirt_net_spec_free, spec->networks, error) &&
           apply_list("--share", opts->shares, (ValueParser) sevirt_share_spec_parse,
                      (GDestroyNotify) sevirt_share_spec_free, spec->shares, error);
}

SevirtVmSpec *
sevirt_cli_spec_load(const SevirtCliSpecOptions *opts, const char *name, GError **error)
{
    g_autoptr(SevirtVmSpec) spec = sevirt_vm_spec_new();

    if (opts->spec_file && !sevirt_spec_file_load(opts->spec_file, spec, error))
        return NULL;
    if (!sevirt_cli_spec_apply(opts, spec, error))
        return NULL;
    if (name) {
        g_free(spec->name);
        spec->name = g_strdup(name);
        sevirt_vm_spec_clear_mark(spec, "name");
    }
    if (!spec->name) {
        sevirt_cli_usage_error(error, _("The guest needs a name: give NAME, or 'name' in the "
                                        "spec file"));
        return NULL;
    }
    return g_steal_pointer(&spec);
}

SevirtHostCaps *
sevirt_cli_spec_query_caps(virConnectPtr conn, const SevirtVmSpec *spec, GError **error)
{
    return sevirt_host_caps_query(conn, spec->emulator,
                                  spec->virt_type_set ? sevirt_virt_type_to_string(spec->virt_type)
                                                      : NULL,
                                  spec->machine, error);
}

gboolean
sevirt_cli_spec_host_caps(SevirtCli *cli, const SevirtVmSpec *spec,
                          SevirtHostCaps **caps, GError **error)
{
    virConnectPtr conn;

    *caps = NULL;
    if (!cli->uri)
        return TRUE;
    conn = sevirt_cli_connect(cli, error);
    if (!conn)
        return FALSE;
    *caps = sevirt_cli_spec_query_caps(conn, spec, error);
    return *caps != NULL;
}
