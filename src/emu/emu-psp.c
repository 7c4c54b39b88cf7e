/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated AMD PSP (see emu-psp.h).
 *
 * The cryptography is libsevirt's platform side (sevirt-psp.h): the very
 * code that checks what the guest owner's side produces.  This file runs it
 * in the order SEV firmware does and answers as QEMU 7.2 answers, with its
 * error messages, so that libvirt and its users see what they would see on
 * an EPYC host.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sevirt.h"
#include "sevirt-crypto-private.h"
#include "sevirt-measure.h"
#include "sevirt-ovmf.h"
#include "sevirt-psp.h"
#include "sevirt-secret.h"
#include "sevirt-snp-idblock.h"
#include "sevirt-snp-measure.h"
#include "sevirt-util.h"
#include "emu-psp.h"
#include "emu-snp.h"

struct _EmuPsp {
    EmuPlatform *platform;
    const EmuArgs *args;
    const EmuSevGuest *sev;    /* NULL: no SEV guest */
    EmuSevState state;
    guint32 policy;
    guint32 handle;
    gboolean owner_session;    /* keys from the guest owner's session */
    SevirtSecret *tek;
    SevirtSecret *tik;
    guint8 digest[SEVIRT_LAUNCH_DIGEST_SIZE];
    SevirtMeasurement measurement;
    gboolean have_secret_area;
    guint32 secret_area_base;
    guint32 secret_area_size;
    char *domain_dir;          /* NULL: keep no record */
    guint secrets;             /* LAUNCH_SECRET packets accepted */

    /* SEV-SNP: what SNP_LAUNCH_FINISH leaves in the guest context, which
     * attestation reports carry */
    guint8 snp_digest[SEVIRT_SNP_DIGEST_SIZE];
    guint8 host_data[32];
    gboolean have_id_block;
    guint8 id_block[SEVIRT_SNP_ID_BLOCK_SIZE];
    guint8 id_key_digest[SEVIRT_SNP_KEY_DIGEST_SIZE];
    guint8 author_key_digest[SEVIRT_SNP_KEY_DIGEST_SIZE];
    guint8 report_id[32];
};

/* SNP firmware statuses the emulated PSP returns (SNP ABI, table 24) */
#define EMU_FW_POLICY_FAILURE 0x07
#define EMU_FW_BAD_SIGNATURE 0x0a
#define EMU_FW_BAD_MEASUREMENT 0x0b
#define EMU_FW_INVALID_PARAM 0x16

/* Offsets in the ID block and the ID authentication information (SNP ABI,
 * tables 75 and 76) */
#define ID_BLOCK_POLICY 0x58
#define ID_AUTH_ID_KEY 0x240
#define ID_AUTH_AUTHOR_KEY 0x880
/* guest policy bit 17 must be one (SNP ABI, table 9) */
#define SNP_POLICY_MBO (G_GUINT64_CONSTANT(1) << 17)

static const char *const sev_state_names[] = {
    [EMU_SEV_STATE_UNINIT] = "uninit",
    [EMU_SEV_STATE_LAUNCH_UPDATE] = "launch-update",
    [EMU_SEV_STATE_LAUNCH_SECRET] = "launch-secret",
    [EMU_SEV_STATE_RUNNING] = "running",
};

/* SEV firmware status UNSUPPORTED (libsevirt names those its PSP returns). */
#define EMU_FW_UNSUPPORTED 0x15

/* QEMU's sev_fw_errlist: how QEMU words a firmware status. */
static const char *const fw_error_names[] = {
    "", "Platform state is invalid", "Guest state is invalid",
    "Platform configuration is invalid", "Buffer too small",
    "Platform is already owned", "Certificate is invalid",
    "Request is not allowed by guest policy", "Guest is inactive",
    "Invalid address", "Bad signature", "Bad measurement",
    "Asid is already owned", "Invalid ASID", "WBINVD is required",
    "DF_FLUSH is required", "Guest handle is invalid", "Invalid command",
    "Guest is active", "Hardware error", "Hardware unsafe",
    "Feature not supported", "Invalid parameter",
};

static const char *
fw_error_to_str(guint code)
{
    return code < G_N_ELEMENTS(fw_error_names) ? fw_error_names[code] : "unknown error";
}

void
emu_psp_free(EmuPsp *psp)
{
    if (!psp)
        return;
    sevirt_secret_free(psp->tek);
    sevirt_secret_free(psp->tik);
    g_free(psp->domain_dir);
    g_free(psp);
}

/*
 * LAUNCH_START.  With the guest owner's DH certificate and session the PSP
 * unwraps TEK and TIK with the key it agrees with its PDH, checking the
 * wrapping MAC and the policy MAC; without them it picks the keys itself.
 */
static gboolean
launch_start(EmuPsp *psp, GError **error)
{
    g_autofree guint8 *godh = NULL;
    g_autofree guint8 *session = NULL;
    g_autoptr(GError) local = NULL;
    gsize godh_len = 0, session_len = 0;
    SevirtFwStatus fw;

    psp->policy = psp->sev->policy;
    psp->handle = 1;
    if (!psp->sev->dh_cert_file) {
        psp->tek = sevirt_secret_new(16);
        psp->tik = sevirt_secret_new(16);
        return sevirt_random_bytes(psp->tek->data, 16, error) &&
               sevirt_random_bytes(psp->tik->data, 16, error);
    }

    godh = sevirt_base64_file_read(psp->sev->dh_cert_file, 0, &godh_len, NULL, &local);
    if (godh)
        session = sevirt_base64_file_read(psp->sev->session_file, 0, &session_len, NULL, &local);
    if (session &&
        sevirt_psp_unwrap_session(psp->platform->pdh_key, godh, godh_len,
                                  session, session_len, psp->policy,
                                  &psp->tek, &psp->tik, &local)) {
        psp->owner_session = TRUE;
        return TRUE;
    }
    /* An unreadable or undecodable input reaches the firmware as a buffer
     * of the wrong length. */
    fw = session ? sevirt_psp_error_fw_status(local) : SEVIRT_FW_INVALID_LENGTH;
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                "sev_launch_start: LAUNCH_START ret=1 fw_error=%d '%s' (emulated PSP: %s)",
                fw, fw_error_to_str(fw), local->message);
    return FALSE;
}

/* What was measured, for the guest's log (nothing secret). */
static void
log_launch(const EmuPsp *psp, const SevirtLaunchInput *input)
{
    const EmuPlatform *platform = psp->platform;
    g_autofree char *vmsas = NULL;

    if (input->num_cpus)
        vmsas = g_strdup_printf(_(", %u VMSAs (emulated CPU family %u, model %u, stepping %u)"),
                                input->num_cpus, platform->cpu_family, platform->cpu_model,
                                platform->cpu_stepping);
    g_printerr(_("sevirt-qemu-emu: LAUNCH_START policy 0x%x, %s; measured %s%s%s\n"),
               psp->policy,
               psp->owner_session ? _("guest owner session accepted") : _("no guest owner session, random keys"),
               psp->args->firmware, input->kernel ? _(", kernel hashes table") : "",
               vmsas ? vmsas : "");
}

/*
 * LAUNCH_UPDATE_DATA (firmware, kernel hashes table), LAUNCH_UPDATE_VMSA
 * (SEV-ES) and LAUNCH_MEASURE, over what QEMU is given to load.
 */
static gboolean
launch_measure(EmuPsp *psp, GError **error)
{
    const EmuArgs *args = psp->args;
    const EmuPlatform *platform = psp->platform;
    SevirtLaunchInput input = { 0 };
    SevirtLaunchInfo info = { 0 };
    g_autofree guint8 *firmware = NULL;
    g_autofree guint8 *kernel = NULL;
    g_autofree guint8 *initrd = NULL;
    g_autoptr(SevirtOvmf) ovmf = NULL;
    g_autoptr(GError) local = NULL;

    if (!args->firmware) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("the emulated SEV platform needs the guest firmware on the command line (pflash or -bios)"));
        return FALSE;
    }
    firmware = sevirt_file_read(args->firmware, SEVIRT_FIRMWARE_FILE_MAX, &input.firmware_len, error);
    if (!firmware)
        return FALSE;
    input.firmware = firmware;
    ovmf = sevirt_ovmf_parse(firmware, input.firmware_len, args->firmware, NULL);
    if (ovmf)
        psp->have_secret_area = sevirt_ovmf_get_secret_area(ovmf, &psp->secret_area_base,
                                                            &psp->secret_area_size);

    if (psp->sev->kernel_hashes && args->kernel) {
        kernel = sevirt_file_read(args->kernel, SEVIRT_KERNEL_FILE_MAX, &input.kernel_len, error);
        if (!kernel)
            return FALSE;
        input.kernel = kernel;
        if (args->initrd) {
            initrd = sevirt_file_read(args->initrd, SEVIRT_INITRD_FILE_MAX, &input.initrd_len, error);
            if (!initrd)
                return FALSE;
            input.initrd = initrd;
        }
        input.cmdline = args->append;
    }
    if (psp->policy & SEVIRT_SEV_POLICY_ES) {
        input.num_cpus = args->smp_cpus;
        input.cpu_signature = sevirt_cpu_signature(platform->cpu_family, platform->cpu_model,
                                                   platform->cpu_stepping);
        input.vmsa_flags = platform->vmsa_fpu_init ? SEVIRT_VMSA_FPU_INIT : 0;
    }
    if (!sevirt_launch_digest(&input, psp->digest, &local)) {
        /* QEMU's words first, then why */
        if (input.kernel && g_error_matches(local, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED))
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                        "SEV: kernel specified but guest firmware has no hashes table GUID (%s)",
                        local->message);
        else
            g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }

    info.api_major = platform->api_major;
    info.api_minor = platform->api_minor;
    info.build_id = platform->build_id;
    info.policy = psp->policy;
    if (!sevirt_random_bytes(psp->measurement.nonce, SEVIRT_MNONCE_SIZE, error) ||
        !sevirt_measurement_compute(psp->tik, &info, psp->digest, psp->measurement.nonce,
                                    psp->measurement.measure, error))
        return FALSE;
    psp->state = EMU_SEV_STATE_LAUNCH_SECRET;
    log_launch(psp, &input);
    return TRUE;
}

/* Reads what QEMU loads: firmware, and kernel, initrd when their hashes go
 * into the firmware's table. */
typedef struct {
    guint8 *firmware;
    gsize firmware_len;
    guint8 *kernel;
    gsize kernel_len;
    guint8 *initrd;
    gsize initrd_len;
} EmuImages;

static void
emu_images_clear(EmuImages *images)
{
    g_free(images->firmware);
    g_free(images->kernel);
    g_free(images->initrd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(EmuImages, emu_images_clear)

static gboolean
read_images(const EmuPsp *psp, EmuImages *images, GError **error)
{
    const EmuArgs *args = psp->args;

    if (!args->firmware) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("the emulated SEV platform needs the guest firmware on the command line (pflash or -bios)"));
        return FALSE;
    }
    images->firmware = sevirt_file_read(args->firmware, SEVIRT_FIRMWARE_FILE_MAX, &images->firmware_len, error);
    if (!images->firmware)
        return FALSE;
    if (!psp->sev->kernel_hashes || !args->kernel)
        return TRUE;
    images->kernel = sevirt_file_read(args->kernel, SEVIRT_KERNEL_FILE_MAX, &images->kernel_len, error);
    if (!images->kernel)
        return FALSE;
    if (args->initrd) {
        images->initrd = sevirt_file_read(args->initrd, SEVIRT_INITRD_FILE_MAX, &images->initrd_len, error);
        if (!images->initrd)
            return FALSE;
    }
    return TRUE;
}

/* A base64 property of sev-snp-guest that must decode to exactly @len bytes. */
static gboolean
snp_decode_fixed(const char *name, const char *b64, guint8 *out, gsize len, GError **error)
{
    g_autofree guchar *data = NULL;
    gsize data_len = 0;

    data = g_base64_decode(b64, &data_len);
    if (data_len != len) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sev-snp-guest '%s' must be %" G_GSIZE_FORMAT " bytes in base64, not %" G_GSIZE_FORMAT),
                    name, len, data_len);
        return FALSE;
    }
    memcpy(out, data, len);
    return TRUE;
}

/* Fails as QEMU reports a refused SNP_LAUNCH_FINISH, and says why. */
static gboolean
snp_finish_refused(guint fw, const char *why, GError **error)
{
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                "sev_snp_launch_finish: SNP_LAUNCH_FINISH ret=-5 fw_error=%u '%s' (emulated PSP: %s)",
                fw, fw_error_to_str(fw), why);
    return FALSE;
}

/*
 * SNP_LAUNCH_FINISH with an ID block: the firmware checks the ID key's
 * signature of the block (and the author key's of the ID key when it is
 * enabled), then that the block names this launch's digest and policy.
 */
static gboolean
snp_check_id_block(EmuPsp *psp, GError **error)
{
    const EmuSevGuest *sev = psp->sev;
    g_autofree guint8 *auth = g_malloc(SEVIRT_SNP_ID_AUTH_SIZE);
    g_autoptr(GError) local = NULL;
    SevirtBuf id_key = { auth + ID_AUTH_ID_KEY, SEVIRT_SNP_PUBKEY_SIZE };
    SevirtBuf author_key = { auth + ID_AUTH_AUTHOR_KEY, SEVIRT_SNP_PUBKEY_SIZE };
    guint64 id_block_policy;

    if (!snp_decode_fixed("id-block", sev->id_block, psp->id_block, sizeof(psp->id_block), error) ||
        !snp_decode_fixed("id-auth", sev->id_auth, auth, SEVIRT_SNP_ID_AUTH_SIZE, error))
        return FALSE;
    psp->have_id_block = TRUE;
    if (!sevirt_snp_id_auth_verify(psp->id_block, auth, &local))
        return snp_finish_refused(EMU_FW_BAD_SIGNATURE, local->message, error);
    if (memcmp(psp->id_block, psp->snp_digest, SEVIRT_SNP_DIGEST_SIZE) != 0)
        return snp_finish_refused(EMU_FW_BAD_MEASUREMENT,
                                  _("the ID block's launch digest is not this launch's"), error);
    memcpy(&id_block_policy, psp->id_block + ID_BLOCK_POLICY, sizeof(id_block_policy));
    if (GUINT64_FROM_LE(id_block_policy) != sev->snp_policy)
        return snp_finish_refused(EMU_FW_POLICY_FAILURE,
                                  _("the ID block's policy is not the guest's"), error);
    if (!sevirt_digest(EVP_sha384(), &id_key, 1, psp->id_key_digest, error))
        return FALSE;
    if (sev->author_key_enabled &&
        !sevirt_digest(EVP_sha384(), &author_key, 1, psp->author_key_digest, error))
        return FALSE;
    return TRUE;
}

/*
 * SNP_LAUNCH_START, SNP_LAUNCH_UPDATE of what QEMU loads (firmware pages,
 * the kernel hashes table, one VMSA per vCPU with the emulated CPU's
 * signature and QEMU's SEV features, SNPActive) and SNP_LAUNCH_FINISH.
 * The digest is the library's, the one 'sevirt measure' computes for the
 * guest owner.  Nothing is encrypted: the guest runs under TCG.
 */
static gboolean
launch_snp(EmuPsp *psp, GError **error)
{
    const EmuArgs *args = psp->args;
    const EmuPlatform *platform = psp->platform;
    g_auto(EmuImages) images = { 0 };
    g_autoptr(GError) local = NULL;
    SevirtSnpLaunchInput input = { 0 };

    psp->handle = 1;
    if (!(psp->sev->snp_policy & SNP_POLICY_MBO)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    "sev_snp_launch_start: SNP_LAUNCH_START ret=-5 fw_error=%d '%s' (emulated PSP: %s)",
                    EMU_FW_INVALID_PARAM, fw_error_to_str(EMU_FW_INVALID_PARAM),
                    _("policy bit 17 must be set"));
        return FALSE;
    }
    if (psp->sev->host_data &&
        !snp_decode_fixed("host-data", psp->sev->host_data, psp->host_data, sizeof(psp->host_data), error))
        return FALSE;
    if (!read_images(psp, &images, error))
        return FALSE;

    input.firmware = images.firmware;
    input.firmware_len = images.firmware_len;
    input.firmware_name = args->firmware;
    input.kernel = images.kernel;
    input.kernel_len = images.kernel_len;
    input.initrd = images.initrd;
    input.initrd_len = images.initrd_len;
    /* the hashes table measures an absent command line as "" */
    input.cmdline = images.kernel ? (args->append ? args->append : "") : NULL;
    input.num_cpus = args->smp_cpus;
    input.cpu_signature = sevirt_cpu_signature(platform->cpu_family, platform->cpu_model,
                                               platform->cpu_stepping);
    input.guest_features = 1;
    input.vmm = SEVIRT_VMM_QEMU;
    if (!sevirt_snp_launch_digest(&input, psp->snp_digest, &local)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    "sev_snp_launch_update: %s", local->message);
        return FALSE;
    }
    if (psp->sev->id_block && !snp_check_id_block(psp, error))
        return FALSE;
    if (!sevirt_random_bytes(psp->report_id, sizeof(psp->report_id), error))
        return FALSE;
    psp->state = EMU_SEV_STATE_LAUNCH_UPDATE;
    g_printerr(_("sevirt-qemu-emu: SNP launch (emulated, NO encryption) policy 0x%" G_GINT64_MODIFIER
                 "x; measured %s%s, %u VMSAs (emulated CPU family %u, model %u, stepping %u)%s\n"),
               psp->sev->snp_policy, args->firmware, images.kernel ? _(", kernel hashes table") : "",
               input.num_cpus, platform->cpu_family, platform->cpu_model, platform->cpu_stepping,
               psp->have_id_block ? _("; ID block verified") : "");
    return TRUE;
}

static char *
hex_string(const guint8 *data, gsize len)
{
    GString *hex = g_string_sized_new(len * 2);

    for (gsize i = 0; i < len; i++)
        g_string_append_printf(hex, "%02x", data[i]);
    return g_string_free(hex, FALSE);
}

static void
add_hex_member(JsonBuilder *b, const char *name, const guint8 *data, gsize len)
{
    g_autofree char *hex = hex_string(data, len);

    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, hex);
}

/* launch.json of an SNP guest: what the guest context holds (nothing secret). */
/*
 * The end of both launch records: what was taken off QEMU's command line,
 * then launch.json written (owner-only: it names the guest's launch).
 */
static gboolean
finish_launch_record(EmuPsp *psp, JsonBuilder *b, GError **error)
{
    const EmuArgs *args = psp->args;
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    g_autofree char *path = g_build_filename(psp->domain_dir, "launch.json", NULL);

    json_builder_set_member_name(b, "not_passed_to_qemu");
    json_builder_begin_array(b);
    for (guint i = 0; i < args->removed->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(args->removed, i));
    json_builder_end_array(b);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    return sevirt_file_write_new(path, text, strlen(text), 0600, error);
}

static gboolean
write_snp_launch_record(EmuPsp *psp, GError **error)
{
    const EmuArgs *args = psp->args;
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, "encrypted");
    json_builder_add_boolean_value(b, FALSE);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, args->name ? args->name : "");
    json_builder_set_member_name(b, "uuid");
    json_builder_add_string_value(b, args->uuid);
    json_builder_set_member_name(b, "sev_snp");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, "policy");
    json_builder_add_int_value(b, psp->sev->snp_policy);
    json_builder_set_member_name(b, "num_cpus");
    json_builder_add_int_value(b, args->smp_cpus);
    json_builder_set_member_name(b, "firmware");
    json_builder_add_string_value(b, args->firmware);
    json_builder_set_member_name(b, "kernel_hashes");
    json_builder_add_boolean_value(b, psp->sev->kernel_hashes && args->kernel);
    add_hex_member(b, "launch_digest", psp->snp_digest, sizeof(psp->snp_digest));
    add_hex_member(b, "host_data", psp->host_data, sizeof(psp->host_data));
    json_builder_set_member_name(b, "id_block");
    json_builder_add_boolean_value(b, psp->have_id_block);
    add_hex_member(b, "id_key_digest", psp->id_key_digest, sizeof(psp->id_key_digest));
    add_hex_member(b, "author_key_digest", psp->author_key_digest, sizeof(psp->author_key_digest));
    return finish_launch_record(psp, b, error);
}

/* launch.json: what the launch was made of (no key material). */
static gboolean
write_launch_record(EmuPsp *psp, GError **error)
{
    const EmuArgs *args = psp->args;
    const EmuPlatform *platform = psp->platform;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *measurement = sevirt_measurement_to_base64(&psp->measurement);
    g_autofree char *digest = NULL;
    GString *hex = g_string_new(NULL);

    for (guint i = 0; i < sizeof(psp->digest); i++)
        g_string_append_printf(hex, "%02x", psp->digest[i]);
    digest = g_string_free(hex, FALSE);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, args->name ? args->name : "");
    json_builder_set_member_name(b, "uuid");
    json_builder_add_string_value(b, args->uuid);
    json_builder_set_member_name(b, "policy");
    json_builder_add_int_value(b, psp->policy);
    json_builder_set_member_name(b, "sev_es");
    json_builder_add_boolean_value(b, (psp->policy & SEVIRT_SEV_POLICY_ES) != 0);
    json_builder_set_member_name(b, "num_cpus");
    json_builder_add_int_value(b, args->smp_cpus);
    json_builder_set_member_name(b, "cpu_family");
    json_builder_add_int_value(b, platform->cpu_family);
    json_builder_set_member_name(b, "cpu_model");
    json_builder_add_int_value(b, platform->cpu_model);
    json_builder_set_member_name(b, "cpu_stepping");
    json_builder_add_int_value(b, platform->cpu_stepping);
    json_builder_set_member_name(b, "vmsa_fpu_init");
    json_builder_add_boolean_value(b, platform->vmsa_fpu_init);
    json_builder_set_member_name(b, "api_major");
    json_builder_add_int_value(b, platform->api_major);
    json_builder_set_member_name(b, "api_minor");
    json_builder_add_int_value(b, platform->api_minor);
    json_builder_set_member_name(b, "build_id");
    json_builder_add_int_value(b, platform->build_id);
    json_builder_set_member_name(b, "owner_session");
    json_builder_add_boolean_value(b, psp->owner_session);
    json_builder_set_member_name(b, "firmware");
    json_builder_add_string_value(b, args->firmware);
    json_builder_set_member_name(b, "firmware_mapping");
    json_builder_add_string_value(b, args->firmware_pflash ? "pflash" : "bios");
    json_builder_set_member_name(b, "kernel_hashes");
    json_builder_add_boolean_value(b, psp->sev->kernel_hashes && args->kernel);
    json_builder_set_member_name(b, "kernel");
    json_builder_add_string_value(b, args->kernel ? args->kernel : "");
    json_builder_set_member_name(b, "initrd");
    json_builder_add_string_value(b, args->initrd ? args->initrd : "");
    json_builder_set_member_name(b, "cmdline");
    json_builder_add_string_value(b, args->append ? args->append : "");
    json_builder_set_member_name(b, "secret_area");
    if (psp->have_secret_area) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "base");
        json_builder_add_int_value(b, psp->secret_area_base);
        json_builder_set_member_name(b, "size");
        json_builder_add_int_value(b, psp->secret_area_size);
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    json_builder_set_member_name(b, "launch_digest");
    json_builder_add_string_value(b, digest);
    json_builder_set_member_name(b, "measurement");
    json_builder_add_string_value(b, measurement);
    return finish_launch_record(psp, b, error);
}

EmuPsp *
emu_psp_new(EmuPlatform *platform, const EmuArgs *args, GError **error)
{
    g_autoptr(EmuPsp) psp = g_new0(EmuPsp, 1);

    psp->platform = platform;
    psp->args = args;
    psp->sev = args->sev;
    if (!psp->sev)
        return g_steal_pointer(&psp);

    if (!platform->have_identity) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("the emulated SEV platform has no identity: run 'sevirt emulator-setup' as root"));
        return NULL;
    }
    if (psp->sev->snp) {
        if (!launch_snp(psp, error))
            return NULL;
    } else if (!launch_start(psp, error) || !launch_measure(psp, error)) {
        return NULL;
    }
    if (args->uuid) {
        psp->domain_dir = emu_platform_domain_dir(platform, args->uuid);
        if (!emu_platform_reset_dir(psp->domain_dir, error) ||
            !(psp->sev->snp ? write_snp_launch_record(psp, error) : write_launch_record(psp, error)))
            return NULL;
    }
    return g_steal_pointer(&psp);
}

static char *
bytes_to_base64(GBytes *bytes)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);

    return g_base64_encode(data, len);
}

static JsonNode *
sev_capabilities(EmuPsp *psp, GError **error)
{
    EmuPlatform *platform = psp->platform;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(GBytes) chain = NULL;
    g_autofree char *pdh = NULL;
    g_autofree char *cert_chain = NULL;
    g_autofree char *cpu0_id = NULL;

    if (!platform->have_identity) {
        /* libvirt takes a GenericError here as "no SEV" */
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    _("SEV: the emulated SEV platform has no identity: run 'sevirt emulator-setup' as root"));
        return NULL;
    }
    chain = sevirt_cert_chain_get_platform(&platform->chain);
    pdh = g_base64_encode(sevirt_sev_cert_get_data(platform->chain.pdh), SEVIRT_SEV_CERT_SIZE);
    cert_chain = bytes_to_base64(chain);
    cpu0_id = bytes_to_base64(platform->cpu0_id);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "pdh");
    json_builder_add_string_value(b, pdh);
    json_builder_set_member_name(b, "cert-chain");
    json_builder_add_string_value(b, cert_chain);
    json_builder_set_member_name(b, "cpu0-id");
    json_builder_add_string_value(b, cpu0_id);
    json_builder_set_member_name(b, "cbitpos");
    json_builder_add_int_value(b, platform->cbitpos);
    json_builder_set_member_name(b, "reduced-phys-bits");
    json_builder_add_int_value(b, platform->reduced_phys_bits);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static JsonNode *
sev_info(EmuPsp *psp)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "enabled");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, "api-major");
    json_builder_add_int_value(b, psp->platform->api_major);
    json_builder_set_member_name(b, "api-minor");
    json_builder_add_int_value(b, psp->platform->api_minor);
    json_builder_set_member_name(b, "build-id");
    json_builder_add_int_value(b, psp->platform->build_id);
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, sev_state_names[psp->state]);
    /* QEMU 9.1 and later: a union on sev-type */
    json_builder_set_member_name(b, "sev-type");
    json_builder_add_string_value(b, psp->sev->snp ? "sev-snp" : "sev");
    if (psp->sev->snp) {
        json_builder_set_member_name(b, "snp-policy");
        json_builder_add_int_value(b, psp->sev->snp_policy);
    } else {
        json_builder_set_member_name(b, "policy");
        json_builder_add_int_value(b, psp->policy);
        json_builder_set_member_name(b, "handle");
        json_builder_add_int_value(b, psp->handle);
    }
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static JsonNode *
launch_measure_reply(EmuPsp *psp, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *data = NULL;

    if (psp->state < EMU_SEV_STATE_LAUNCH_SECRET) {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                            "SEV launch measurement is not available");
        return NULL;
    }
    data = sevirt_measurement_to_base64(&psp->measurement);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "data");
    json_builder_add_string_value(b, data);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* QEMU's gpa2hva(): the range must be guest RAM (q35: RAM below 2 GiB, or
 * below 2.75 GiB when it all fits there, the rest above 4 GiB). */
static gboolean
gpa_is_ram(const EmuArgs *args, guint64 gpa, gsize len)
{
    guint64 ram = args->ram_bytes;
    guint64 low = ram >= 0xb0000000ull ? 0x80000000ull : ram;
    guint64 high_end = 0x100000000ull + (ram - low);

    if (gpa + len < gpa)
        return FALSE;
    return gpa + len <= low || (gpa >= 0x100000000ull && gpa + len <= high_end);
}

/* Records where a secret went; with keep-secrets, also what the guest
 * would find (the table) and the packet as sent. */
static gboolean
store_secret(EmuPsp *psp, guint64 gpa, const SevirtSecret *plain,
             const char *header_b64, const char *secret_b64, GError **error)
{
    g_autofree char *prefix = NULL;
    g_autofree char *table = NULL;
    g_autofree char *header = NULL;
    g_autofree char *payload = NULL;
    g_autofree char *meta = NULL;
    g_autofree char *meta_text = NULL;

    if (!psp->domain_dir)
        return TRUE;
    prefix = g_strdup_printf("secret-%u", psp->secrets + 1);
    meta = g_strdup_printf("%s/%s.json", psp->domain_dir, prefix);
    meta_text = g_strdup_printf("{\n  \"gpa\" : %" G_GUINT64_FORMAT ",\n  \"length\" : %" G_GSIZE_FORMAT "\n}\n",
                                gpa, plain->len);
    /* what arrived, and where; the secret itself only when asked for */
    if (!psp->platform->keep_secrets)
        return sevirt_file_write_new(meta, meta_text, strlen(meta_text), 0600, error);
    table = g_strdup_printf("%s/%s.table.bin", psp->domain_dir, prefix);
    header = g_strdup_printf("%s/%s.header.b64", psp->domain_dir, prefix);
    payload = g_strdup_printf("%s/%s.payload.b64", psp->domain_dir, prefix);
    return sevirt_file_write_new(table, plain->data, plain->len, 0600, error) &&
           sevirt_file_write_new(header, header_b64, strlen(header_b64), 0600, error) &&
           sevirt_file_write_new(payload, secret_b64, strlen(secret_b64), 0600, error) &&
           sevirt_file_write_new(meta, meta_text, strlen(meta_text), 0600, error);
}

/* sev-inject-launch-secret, checked as QEMU 7.2 and then the firmware do. */
static gboolean
inject_launch_secret(EmuPsp *psp, JsonObject *arguments, GError **error)
{
    const char *header_b64 = NULL;
    const char *secret_b64 = NULL;
    g_autofree guchar *header = NULL;
    g_autofree guchar *payload = NULL;
    g_autoptr(SevirtSecret) plain = NULL;
    g_autoptr(GError) local = NULL;
    gsize header_len = 0, payload_len = 0;
    guint64 gpa;

    if (arguments) {
        header_b64 = json_object_get_string_member_with_default(arguments, "packet-header", NULL);
        secret_b64 = json_object_get_string_member_with_default(arguments, "secret", NULL);
    }
    if (!header_b64 || !secret_b64) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    "Parameter '%s' is missing", header_b64 ? "secret" : "packet-header");
        return FALSE;
    }
    if (arguments && json_object_has_member(arguments, "gpa")) {
        gpa = json_object_get_int_member(arguments, "gpa");
    } else if (psp->have_secret_area) {
        gpa = psp->secret_area_base;
    } else {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                            "SEV: no secret area found in OVMF, gpa must be specified.");
        return FALSE;
    }
    if (psp->state != EMU_SEV_STATE_LAUNCH_SECRET) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    "SEV: Not in correct state. (LSECRET) %x", psp->state);
        return FALSE;
    }
    header = g_base64_decode(header_b64, &header_len);
    if (!header_len) {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                            "SEV: Failed to decode sequence header");
        return FALSE;
    }
    payload = g_base64_decode(secret_b64, &payload_len);
    if (!payload_len) {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                            "SEV: Failed to decode data");
        return FALSE;
    }
    if (!gpa_is_ram(psp->args, gpa, payload_len)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    "SEV: Failed to calculate guest address: No memory at address 0x%" G_GINT64_MODIFIER "x",
                    gpa);
        return FALSE;
    }

    plain = sevirt_psp_open_secret(psp->tek, psp->tik, psp->measurement.measure,
                                   header, header_len, payload, payload_len, &local);
    if (!plain) {
        SevirtFwStatus fw = sevirt_psp_error_fw_status(local);

        g_printerr("sevirt-qemu-emu: LAUNCH_SECRET refused: %s\n", local->message);
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY,
                    "SEV: failed to inject secret ret=-5 fw_error=%d '%s'",
                    fw, fw_error_to_str(fw));
        return FALSE;
    }
    if (!store_secret(psp, gpa, plain, header_b64, secret_b64, error))
        return FALSE;
    psp->secrets++;
    g_printerr("sevirt-qemu-emu: LAUNCH_SECRET accepted: %" G_GSIZE_FORMAT
               " bytes for guest address 0x%" G_GINT64_MODIFIER "x%s%s\n",
               plain->len, gpa,
               psp->domain_dir && psp->platform->keep_secrets ? ", kept in " : "",
               psp->domain_dir && psp->platform->keep_secrets ? psp->domain_dir : "");
    return TRUE;
}

/*
 * x-sevirt-snp-report: EMULATION ONLY.  Stands in for the guest's
 * MSG_REPORT_REQ (which needs a guest with an SNP driver, and this guest's
 * memory is not encrypted anyway): the host asks, with report-data of its
 * choosing (base64, at most 64 bytes, zero-padded), for the report the
 * emulated PSP signs for this guest, and gets the VCEK with it as
 * SNP_GET_EXT_REPORT's certificate table carries it.  QEMU runs
 * SNP_LAUNCH_FINISH when the guest first runs; with "before-run": true the
 * host may have the report of a guest started paused, before it ran (the
 * emulated PSP knows all the report holds from QEMU's start on), so that
 * a launch that fails its verification never executes guest code.
 */
static JsonNode *
snp_report_reply(EmuPsp *psp, JsonObject *arguments, GError **error)
{
    const EmuPlatform *platform = psp->platform;
    g_autofree char *dir = g_build_filename(platform->state_dir, "platform", NULL);
    g_autofree char *private_dir = g_build_filename(dir, "private", NULL);
    g_autofree char *vcek_path = g_build_filename(dir, EMU_SNP_VCEK_FILE, NULL);
    g_autofree char *vcek = NULL;
    g_autofree guchar *data = NULL;
    g_autofree char *b64 = NULL;
    g_autoptr(JsonBuilder) b = NULL;
    const char *data_b64 = NULL;
    gsize data_len = 0;
    guint8 report_data[64] = { 0 };
    guint8 report[EMU_SNP_REPORT_SIZE];
    EmuSnpGuest guest = {
        .policy = psp->sev->snp_policy, .measurement = psp->snp_digest,
        .host_data = psp->host_data, .id_block = psp->have_id_block ? psp->id_block : NULL,
        .id_key_digest = psp->id_key_digest, .author_key_digest = psp->author_key_digest,
        .author_key_enabled = psp->have_id_block && psp->sev->author_key_enabled,
        .report_id = psp->report_id,
        .cpu_family = platform->cpu_family, .cpu_model = platform->cpu_model,
        .cpu_stepping = platform->cpu_stepping, .api_major = platform->api_major,
        .api_minor = platform->api_minor, .build_id = platform->build_id,
    };

    /* The emulated PSP measured the launch and checked the ID block when
     * QEMU started: "before-run" lets the host verify a report of a
     * paused guest before its first instruction (sevirt launch). */
    if (psp->state != EMU_SEV_STATE_RUNNING &&
        !(psp->state == EMU_SEV_STATE_LAUNCH_UPDATE && arguments &&
          json_object_get_boolean_member_with_default(arguments, "before-run", FALSE))) {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                            "SEV-SNP: the guest has not run yet: no attestation report before SNP_LAUNCH_FINISH (emulation only: ask with \"before-run\": true)");
        return NULL;
    }
    if (arguments)
        data_b64 = json_object_get_string_member_with_default(arguments, "report-data", NULL);
    if (data_b64) {
        data = g_base64_decode(data_b64, &data_len);
        if (data_len > sizeof(report_data)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        "Parameter 'report-data' is %" G_GSIZE_FORMAT " bytes, at most 64 are taken",
                        data_len);
            return NULL;
        }
        memcpy(report_data, data, data_len);
    }
    if (!emu_snp_report(dir, private_dir, &guest, report_data, report, error) ||
        !g_file_get_contents(vcek_path, &vcek, NULL, error))
        return NULL;
    b64 = g_base64_encode(report, sizeof(report));
    b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "emulated");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_set_member_name(b, "report");
    json_builder_add_string_value(b, b64);
    json_builder_set_member_name(b, "vcek");
    json_builder_add_string_value(b, vcek);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

EmuQmpAction
emu_psp_qmp_command(EmuPsp *psp, const char *name, JsonObject *arguments,
                    JsonNode **ret, GError **error)
{
    if (g_str_equal(name, "query-sev-capabilities")) {
        *ret = sev_capabilities(psp, error);
        return EMU_QMP_REPLY;
    }
    if (!psp->sev)
        return EMU_QMP_FORWARD;
    if (g_str_equal(name, "query-sev")) {
        *ret = sev_info(psp);
    } else if (g_str_equal(name, "x-sevirt-snp-report")) {
        if (psp->sev->snp)
            *ret = snp_report_reply(psp, arguments, error);
        else
            g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                                "x-sevirt-snp-report: not an SEV-SNP guest");
    } else if (psp->sev->snp && (g_str_equal(name, "query-sev-launch-measure") ||
                                 g_str_equal(name, "sev-inject-launch-secret") ||
                                 g_str_equal(name, "query-sev-attestation-report"))) {
        /* QEMU's words: an SNP guest asks for its report itself */
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    "SEV-SNP guests do not support %s", name);
    } else if (g_str_equal(name, "query-sev-launch-measure")) {
        *ret = launch_measure_reply(psp, error);
    } else if (g_str_equal(name, "sev-inject-launch-secret")) {
        inject_launch_secret(psp, arguments, error);
    } else if (g_str_equal(name, "query-sev-attestation-report")) {
        /* ATTESTATION_REPORT needs the PEK's private key, which the
         * emulated platform does not keep. */
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                    "SEV: Failed to get attestation report ret=-5 fw_err=%d (%s)",
                    EMU_FW_UNSUPPORTED, fw_error_to_str(EMU_FW_UNSUPPORTED));
    } else {
        return EMU_QMP_FORWARD;
    }
    return EMU_QMP_REPLY;
}

/* qom-list-types without "implements", or asking for what sev-guest is. */
static gboolean
type_list_wants_sev_guest(JsonObject *arguments)
{
    const char *implements = NULL;

    if (arguments) {
        implements = json_object_get_string_member_with_default(arguments, "implements", NULL);
        if (json_object_get_boolean_member_with_default(arguments, "abstract", FALSE))
            return FALSE;
    }
    return !implements || g_str_equal(implements, "sev-guest") ||
           g_str_equal(implements, "sev-common") ||
           g_str_equal(implements, "confidential-guest-support") ||
           g_str_equal(implements, "object");
}

static gboolean
add_type(JsonArray *types, const char *name, const char *parent)
{
    JsonObject *entry;

    for (guint i = 0; i < json_array_get_length(types); i++) {
        JsonNode *t = json_array_get_element(types, i);

        if (JSON_NODE_HOLDS_OBJECT(t) &&
            g_strcmp0(json_object_get_string_member_with_default(json_node_get_object(t), "name", ""),
                      name) == 0)
            return FALSE;
    }
    entry = json_object_new();
    json_object_set_string_member(entry, "name", name);
    json_object_set_string_member(entry, "parent", parent);
    json_array_add_object_element(types, entry);
    return TRUE;
}

/* sev-guest and (QEMU 9.1's) sev-snp-guest, whatever QEMU's build has: the
 * emulator takes both objects off QEMU's command line. */
static gboolean
add_sev_guest_type(JsonObject *response)
{
    JsonNode *node = json_object_get_member(response, "return");
    JsonArray *types;
    gboolean sev, snp;

    if (!node || !JSON_NODE_HOLDS_ARRAY(node))
        return FALSE;
    types = json_node_get_array(node);
    sev = add_type(types, "sev-guest", "confidential-guest-support");
    snp = add_type(types, "sev-snp-guest", "sev-common");
    return sev || snp;
}

gboolean
emu_psp_qmp_response(EmuPsp *psp, const char *name, JsonObject *arguments,
                     JsonObject *response)
{
    if (!json_object_has_member(response, "return"))
        return FALSE;
    /* QEMU runs LAUNCH_FINISH when the guest first runs */
    if (psp->sev && g_str_equal(name, "cont") &&
        (psp->state == EMU_SEV_STATE_LAUNCH_SECRET ||
         (psp->sev->snp && psp->state == EMU_SEV_STATE_LAUNCH_UPDATE)))
        psp->state = EMU_SEV_STATE_RUNNING;
    return g_str_equal(name, "qom-list-types") && type_list_wants_sev_guest(arguments) &&
           add_sev_guest_type(response);
}
