/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Advice in sevirt's own terms.  The library reports what is wrong (an
 * error code, a host-check hint); which option or command fixes it is the
 * command's business, so the words naming them live here.
 */
#include <config.h>

#include "cli.h"

char *
sevirt_cli_error_text(const GError *error)
{
    const char *m = error->message;

    if (error->domain != SEVIRT_ERROR)
        return g_strdup(m);
    switch ((SevirtErrorCode) error->code) {
    case SEVIRT_ERROR_NO_PLATFORM:
        return g_strdup_printf(_("%s (for the emulated SEV platform, give its program with --emulator)"), m);
    case SEVIRT_ERROR_NO_OWNER_SESSION:
        return g_strdup_printf(_("%s; create it with 'sevirt create --attest' (or the output of 'sevirt session')"), m);
    /* A failed launch wraps these ("Launch of 'g' failed: CAUSE; the guest
     * was ..."): the advice reads as a sentence of its own at the end. */
    case SEVIRT_ERROR_NO_SECRET_AREA:
        return g_strdup_printf(_("%s; give the guest physical address to put the secret at with --secret-address, as QEMU requires"), m);
    case SEVIRT_ERROR_NO_CPU_SIGNATURE:
        return g_strdup_printf(_("%s; give --cpu-family, --cpu-model and --cpu-stepping"), m);
    case SEVIRT_ERROR_MEASURED_FPU_INIT:
        return g_strdup_printf(_("%s; run with --vmsa-fpu-init"), m);
    case SEVIRT_ERROR_MEASURED_NO_FPU_INIT:
        return g_strdup_printf(_("%s; run without --vmsa-fpu-init"), m);
    default:
        return g_strdup(m);
    }
}

char *
sevirt_cli_check_fix(const SevirtHostCheck *check)
{
    switch (check->hint) {
    case SEVIRT_CHECK_HINT_EMULATOR_SETUP:
        return g_strdup_printf(_("run 'sevirt emulator-setup --emulator %s' as root"),
                               check->hint_arg ? check->hint_arg : _("PATH"));
    case SEVIRT_CHECK_HINT_EMULATOR_UNDO:
        return g_strdup(_("for SEV hardware, enable SEV in the firmware setup and remove the "
                          "placeholder with 'sevirt emulator-setup --undo' so that the ccp "
                          "driver can create /dev/sev; for the emulated platform, check with "
                          "--emulator PATH"));
    case SEVIRT_CHECK_HINT_VIRT_TYPE_KVM:
        return g_strdup(_("encrypted guests need KVM: use --virt-type kvm on a host with /dev/kvm"));
    case SEVIRT_CHECK_HINT_FIRMWARE_REMOTE:
        return g_strdup(_("check the host's /usr/share/qemu/firmware, or give --firmware PATH"));
    case SEVIRT_CHECK_HINT_FIRMWARE_MISSING:
        return g_strdup(_("install an OVMF build for it with its QEMU firmware descriptor, "
                          "or give sevirt --firmware PATH"));
    case SEVIRT_CHECK_HINT_CHECK_ON_HOST:
        return g_strdup(_("run 'sevirt host-check --emulator PATH' on that host"));
    case SEVIRT_CHECK_HINT_NETWORK:
        return g_strdup(_("use --network network=NAME or bridge=BR"));
    case SEVIRT_CHECK_HINT_NETWORK_USER_OK:
    case SEVIRT_CHECK_HINT_NONE:
    default:
        return g_strdup(check->fix);
    }
}

char *
sevirt_cli_check_detail(const SevirtHostCheck *check)
{
    if (check->hint == SEVIRT_CHECK_HINT_NETWORK_USER_OK)
        return g_strdup_printf(_("%s: --network user works"), check->detail);
    return g_strdup(check->detail);
}

/* The session request of 'create --attest', worded with the options and
 * the spec keys they stand for (a request may come from either). */
static const char *
attest_problem_text(SevirtAttestProblem problem)
{
    switch (problem) {
    case SEVIRT_ATTEST_NOT_REQUESTED:
        return _("--pdh, --from-host, --ark, --ask and --keys-dir (spec keys "
                 "sev.pdh, sev.from_host, sev.ark, sev.ask, sev.keys_dir) "
                 "go with --attest (sev.attest)");
    case SEVIRT_ATTEST_SEV_TYPE:
        return NULL;   /* needs the type: see sevirt_cli_attest_check() */
    case SEVIRT_ATTEST_BLOB_GIVEN:
        return _("--attest makes the dhCert and session itself: give neither "
                 "--dh-cert nor --session (sev.dh_cert, sev.session) with it");
    case SEVIRT_ATTEST_PDH:
        return _("--attest needs the platform's PDH: give either --pdh FILE "
                 "or --from-host (sev.pdh, sev.from_host)");
    case SEVIRT_ATTEST_KEYS_DIR:
        return _("--attest needs --keys-dir DIR (sev.keys_dir), where the "
                 "session and the guest owner's keys go");
    case SEVIRT_ATTEST_ARK_ASK:
        return _("--ark and --ask (sev.ark, sev.ask) go together");
    case SEVIRT_ATTEST_OK:
    default:
        return NULL;
    }
}

gboolean
sevirt_cli_attest_check(const SevirtVmSpec *spec, GError **error)
{
    const char *field = NULL;
    SevirtAttestProblem problem = sevirt_attest_spec_problem(spec, &field);

    if (problem == SEVIRT_ATTEST_OK)
        return TRUE;
    if (problem == SEVIRT_ATTEST_SEV_TYPE)
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("--attest makes a launch session for an SEV or SEV-ES guest, "
                      "not for SEV type '%s'"), sevirt_sev_type_to_string(spec->sev_type));
    else
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                            attest_problem_text(problem));
    return sevirt_vm_spec_locate_error(spec, field, error);
}
