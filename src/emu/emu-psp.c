/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The emulated AMD PSP (see emu-psp.h).
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>
#include <openssl/rand.h>

#include "sevirt.h"
#include "emu-psp.h"

struct _EmuPsp {
    EmuPlatform *platform;
    EmuSevGuest *sev;          /* borrowed from the args; NULL: no SEV guest */
    EmuSevState state;
    guint32 policy;
    guint32 handle;
    SevirtSecret *tek;
    SevirtSecret *tik;
};

static const char *const sev_state_names[] = {
    [EMU_SEV_STATE_UNINIT] = "uninit",
    [EMU_SEV_STATE_LAUNCH_UPDATE] = "launch-update",
    [EMU_SEV_STATE_LAUNCH_SECRET] = "launch-secret",
    [EMU_SEV_STATE_RUNNING] = "running",
};

void
emu_psp_free(EmuPsp *psp)
{
    if (!psp)
        return;
    sevirt_secret_free(psp->tek);
    sevirt_secret_free(psp->tik);
    g_free(psp);
}

static gboolean
random_secret(SevirtSecret **out, gsize len, GError **error)
{
    g_autoptr(SevirtSecret) s = sevirt_secret_new(len);

    if (RAND_bytes(s->data, len) != 1) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot generate random launch keys"));
        return FALSE;
    }
    *out = g_steal_pointer(&s);
    return TRUE;
}

EmuPsp *
emu_psp_new(EmuPlatform *platform, const EmuArgs *args, GError **error)
{
    g_autoptr(EmuPsp) psp = g_new0(EmuPsp, 1);

    psp->platform = platform;
    psp->sev = args->sev;
    if (!psp->sev)
        return g_steal_pointer(&psp);

    /* LAUNCH_START without a guest owner session: the firmware picks the
     * transport keys itself. */
    psp->policy = psp->sev->policy;
    psp->handle = 1;
    if (!random_secret(&psp->tek, 16, error) || !random_secret(&psp->tik, 16, error))
        return NULL;
    psp->state = EMU_SEV_STATE_LAUNCH_SECRET;
    return g_steal_pointer(&psp);
}

static JsonNode *
sev_capabilities(EmuPsp *psp)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "pdh");
    json_builder_add_string_value(b, "");
    json_builder_set_member_name(b, "cert-chain");
    json_builder_add_string_value(b, "");
    json_builder_set_member_name(b, "cbitpos");
    json_builder_add_int_value(b, psp->platform->cbitpos);
    json_builder_set_member_name(b, "reduced-phys-bits");
    json_builder_add_int_value(b, psp->platform->reduced_phys_bits);
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
    json_builder_set_member_name(b, "policy");
    json_builder_add_int_value(b, psp->policy);
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, sev_state_names[psp->state]);
    json_builder_set_member_name(b, "handle");
    json_builder_add_int_value(b, psp->handle);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

EmuQmpAction
emu_psp_qmp_command(EmuPsp *psp, const char *name, JsonObject *arguments,
                    JsonNode **ret, GError **error)
{
    if (g_str_equal(name, "query-sev-capabilities")) {
        *ret = sev_capabilities(psp);
        return EMU_QMP_REPLY;
    }
    if (!psp->sev)
        return EMU_QMP_FORWARD;
    if (g_str_equal(name, "query-sev")) {
        *ret = sev_info(psp);
        return EMU_QMP_REPLY;
    }
    if (g_str_equal(name, "query-sev-launch-measure")) {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                            "SEV launch measurement is not available");
        return EMU_QMP_REPLY;
    }
    if (g_str_equal(name, "sev-inject-launch-secret")) {
        g_set_error_literal(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                            "SEV: failed to inject secret");
        return EMU_QMP_REPLY;
    }
    return EMU_QMP_FORWARD;
}

/* qom-list-types without "implements", or asking for what sev-guest is. */
static gboolean
type_list_wants_sev_guest(JsonObject *arguments)
{
    const char *implements = NULL;

    if (arguments && json_object_has_member(arguments, "implements"))
        implements = json_object_get_string_member(arguments, "implements");
    if (arguments && json_object_has_member(arguments, "abstract") &&
        json_object_get_boolean_member(arguments, "abstract"))
        return FALSE;
    return !implements || g_str_equal(implements, "sev-guest") ||
           g_str_equal(implements, "confidential-guest-support") ||
           g_str_equal(implements, "object");
}

static void
add_sev_guest_type(JsonObject *response)
{
    JsonArray *types = json_object_get_array_member(response, "return");
    JsonObject *entry;

    if (!types)
        return;
    for (guint i = 0; i < json_array_get_length(types); i++) {
        JsonObject *t = json_array_get_object_element(types, i);

        if (t && g_strcmp0(json_object_get_string_member_with_default(t, "name", ""), "sev-guest") == 0)
            return;
    }
    entry = json_object_new();
    json_object_set_string_member(entry, "name", "sev-guest");
    json_object_set_string_member(entry, "parent", "confidential-guest-support");
    json_array_add_object_element(types, entry);
}

void
emu_psp_qmp_response(EmuPsp *psp, const char *name, JsonObject *arguments,
                     JsonObject *response)
{
    if (!json_object_has_member(response, "return"))
        return;
    if (g_str_equal(name, "qom-list-types") && type_list_wants_sev_guest(arguments))
        add_sev_guest_type(response);
    if (psp->sev && g_str_equal(name, "cont") &&
        psp->state == EMU_SEV_STATE_LAUNCH_SECRET)
        psp->state = EMU_SEV_STATE_RUNNING;
}
