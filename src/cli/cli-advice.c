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
