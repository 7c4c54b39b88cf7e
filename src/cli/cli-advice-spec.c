/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Advice in sevirt's own terms (see cli-advice.c) for the problems of a VM
 * spec.  Apart from cli-advice.c because it needs the spec code, which the
 * front (src/cli/sevirt) does not link.
 */
#include <config.h>

#include "cli.h"

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
