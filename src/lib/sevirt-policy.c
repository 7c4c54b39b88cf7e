/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sevirt-error.h"
#include "sevirt-policy.h"
#include "sevirt-util.h"

typedef enum {
    FAMILY_SEV,   /* SEV and SEV-ES: 32-bit policy */
    FAMILY_SNP,   /* SEV-SNP: 64-bit policy */
} PolicyFamily;

typedef struct {
    const char *name;
    PolicyFamily family;
    guint64 bit;     /* a single-bit flag, or 0 for a numeric field */
    guint shift;     /* numeric fields: 8-bit value at this shift */
} PolicyFlag;

static const PolicyFlag policy_flags[] = {
    { "nodbg", FAMILY_SEV, SEVIRT_SEV_POLICY_NODBG, 0 },
    { "noks", FAMILY_SEV, SEVIRT_SEV_POLICY_NOKS, 0 },
    { "es", FAMILY_SEV, SEVIRT_SEV_POLICY_ES, 0 },
    { "nosend", FAMILY_SEV, SEVIRT_SEV_POLICY_NOSEND, 0 },
    { "domain", FAMILY_SEV, SEVIRT_SEV_POLICY_DOMAIN, 0 },
    { "sev", FAMILY_SEV, SEVIRT_SEV_POLICY_SEV, 0 },
    { "api-major", FAMILY_SEV, 0, SEVIRT_SEV_POLICY_API_MAJOR_SHIFT },
    { "api-minor", FAMILY_SEV, 0, SEVIRT_SEV_POLICY_API_MINOR_SHIFT },
    { "smt", FAMILY_SNP, SEVIRT_SNP_POLICY_SMT, 0 },
    { "migrate-ma", FAMILY_SNP, SEVIRT_SNP_POLICY_MIGRATE_MA, 0 },
    { "debug", FAMILY_SNP, SEVIRT_SNP_POLICY_DEBUG, 0 },
    { "single-socket", FAMILY_SNP, SEVIRT_SNP_POLICY_SINGLE_SOCKET, 0 },
    { "cxl-allow", FAMILY_SNP, SEVIRT_SNP_POLICY_CXL_ALLOW, 0 },
    { "mem-aes-256-xts", FAMILY_SNP, SEVIRT_SNP_POLICY_MEM_AES_256_XTS, 0 },
    { "rapl-dis", FAMILY_SNP, SEVIRT_SNP_POLICY_RAPL_DIS, 0 },
    { "ciphertext-hiding", FAMILY_SNP, SEVIRT_SNP_POLICY_CIPHERTEXT_HIDING, 0 },
    { "abi-major", FAMILY_SNP, 0, SEVIRT_SNP_POLICY_ABI_MAJOR_SHIFT },
    { "abi-minor", FAMILY_SNP, 0, SEVIRT_SNP_POLICY_ABI_MINOR_SHIFT },
};

static PolicyFamily
family_of(SevirtSevType type)
{
    return type == SEVIRT_SEV_SNP ? FAMILY_SNP : FAMILY_SEV;
}

static const char *
family_name(PolicyFamily family)
{
    return family == FAMILY_SNP ? "SEV-SNP" : "SEV";
}

guint64
sevirt_policy_default(SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_SEV:
        return SEVIRT_SEV_POLICY_DEFAULT;
    case SEVIRT_SEV_ES:
        return SEVIRT_SEV_ES_POLICY_DEFAULT;
    case SEVIRT_SEV_SNP:
        return SEVIRT_SNP_POLICY_DEFAULT;
    case SEVIRT_SEV_NONE:
    default:
        return 0;
    }
}

static const PolicyFlag *
find_flag(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(policy_flags); i++) {
        if (g_str_equal(policy_flags[i].name, name))
            return &policy_flags[i];
    }
    return NULL;
}

/* Explains a flag of the other family, with the hint users most often need. */
static void
set_wrong_family_error(GError **error, const char *what, const PolicyFlag *flag,
                       PolicyFamily want)
{
    if (g_str_equal(flag->name, "debug"))
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: 'debug' is a SEV-SNP policy flag; a SEV policy allows "
                      "debugging unless 'nodbg' is given"), what);
    else if (g_str_equal(flag->name, "nodbg"))
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: 'nodbg' is a SEV policy flag; a SEV-SNP policy forbids "
                      "debugging unless 'debug' is given"), what);
    else
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: '%s' is a %s policy flag, not a %s one"), what,
                    flag->name, family_name(flag->family), family_name(want));
}

static gboolean
parse_flag_item(const char *what, PolicyFamily family, const char *item,
                guint64 *policy, guint64 *seen_fields, GError **error)
{
    g_auto(GStrv) kv = g_strsplit(item, "=", 2);
    const PolicyFlag *flag = find_flag(kv[0]);
    guint64 value;

    if (!flag) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: unknown %s policy flag '%s'"), what, family_name(family), kv[0]);
        return FALSE;
    }
    if (flag->family != family) {
        set_wrong_family_error(error, what, flag, family);
        return FALSE;
    }
    if (flag->bit) {
        if (kv[1]) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s: policy flag '%s' takes no value"), what, flag->name);
            return FALSE;
        }
        if (*policy & flag->bit) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s: policy flag '%s' is given twice"), what, flag->name);
            return FALSE;
        }
        *policy |= flag->bit;
        return TRUE;
    }

    /* A numeric field: NAME=N with N in 0..255. */
    if (!kv[1]) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: policy field '%s' needs a value (%s=N)"), what, flag->name, flag->name);
        return FALSE;
    }
    if (*seen_fields & (G_GUINT64_CONSTANT(0xff) << flag->shift)) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: policy field '%s' is given twice"), what, flag->name);
        return FALSE;
    }
    {
        g_autofree char *field_what = g_strdup_printf("%s %s", what, flag->name);

        if (!sevirt_parse_uint(field_what, kv[1], 0xff, &value, error))
            return FALSE;
    }
    *seen_fields |= G_GUINT64_CONSTANT(0xff) << flag->shift;
    *policy |= value << flag->shift;
    return TRUE;
}

static gboolean
parse_flag_list(const char *what, PolicyFamily family, const char *text,
                guint64 *policy, GError **error)
{
    g_auto(GStrv) items = g_strsplit(text, ",", -1);
    guint64 value = 0;
    guint64 seen_fields = 0;
    gboolean has_debug = FALSE, has_nodbg = FALSE;

    for (guint i = 0; items[i]; i++) {
        g_strstrip(items[i]);
        has_debug |= g_ascii_strcasecmp(items[i], "debug") == 0;
        has_nodbg |= g_ascii_strcasecmp(items[i], "nodbg") == 0;
    }
    if (has_debug && has_nodbg) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: policy flags 'debug' and 'nodbg' contradict each other"), what);
        return FALSE;
    }

    for (guint i = 0; items[i]; i++) {
        g_autofree char *item = g_ascii_strdown(items[i], -1);

        if (!*item) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("%s: empty flag name in policy '%s'"), what, text);
            return FALSE;
        }
        if (!parse_flag_item(what, family, item, &value, &seen_fields, error))
            return FALSE;
    }
    /* Bit 17 is reserved and must be one: a flag list always sets it. */
    if (family == FAMILY_SNP)
        value |= SEVIRT_SNP_POLICY_RESERVED1;
    *policy = value;
    return TRUE;
}

gboolean
sevirt_policy_parse(const char *what, SevirtSevType type, const char *text,
                    guint64 *policy, GError **error)
{
    PolicyFamily family = family_of(type);

    if (type == SEVIRT_SEV_NONE) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: a plain guest (SEV type 'none') has no policy"), what);
        return FALSE;
    }
    if (!text || !*text) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s: empty policy"), what);
        return FALSE;
    }
    if (g_ascii_isdigit(text[0]))
        return sevirt_parse_uint(what, text,
                                 family == FAMILY_SNP ? G_MAXUINT64 : G_MAXUINT32,
                                 policy, error);
    return parse_flag_list(what, family, text, policy, error);
}

gboolean
sevirt_policy_check(SevirtSevType type, guint64 *policy, char **note, GError **error)
{
    g_autofree char *shown = sevirt_policy_format(type, *policy);

    if (note)
        *note = NULL;

    switch (type) {
    case SEVIRT_SEV_NONE:
        if (*policy != 0) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("A plain guest (SEV type 'none') takes no policy, got %s"), shown);
            return FALSE;
        }
        return TRUE;

    case SEVIRT_SEV_SEV:
    case SEVIRT_SEV_ES:
        if (*policy > G_MAXUINT32) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV policy %s does not fit in 32 bits"), shown);
            return FALSE;
        }
        if (*policy & SEVIRT_SEV_POLICY_RESERVED) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV policy %s sets reserved bits (6-15 must be zero)"), shown);
            return FALSE;
        }
        if (type == SEVIRT_SEV_SEV && (*policy & SEVIRT_SEV_POLICY_ES)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV policy %s has the ES bit (0x4) set, which only a SEV-ES "
                          "guest can launch with: ask for SEV type 'sev-es' or clear the bit"),
                        shown);
            return FALSE;
        }
        if (type == SEVIRT_SEV_ES && !(*policy & SEVIRT_SEV_POLICY_ES)) {
            guint64 fixed = *policy | SEVIRT_SEV_POLICY_ES;
            g_autofree char *fixed_shown = sevirt_policy_format(type, fixed);

            if (note)
                *note = g_strdup_printf(_("SEV-ES needs the ES policy bit: using policy %s "
                                          "instead of %s"), fixed_shown, shown);
            *policy = fixed;
        }
        return TRUE;

    case SEVIRT_SEV_SNP:
        if (*policy & SEVIRT_SNP_POLICY_RESERVED_MBZ) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV-SNP policy %s sets reserved bits (25-63 must be zero)"), shown);
            return FALSE;
        }
        if (!(*policy & SEVIRT_SNP_POLICY_RESERVED1)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("SEV-SNP policy %s clears bit 17 (0x20000), which is reserved "
                          "and must be one"), shown);
            return FALSE;
        }
        return TRUE;
    }
    g_return_val_if_reached(FALSE);
}

char *
sevirt_policy_format(SevirtSevType type, guint64 policy)
{
    if (type == SEVIRT_SEV_SNP)
        return g_strdup_printf("0x%08" G_GINT64_MODIFIER "x", policy);
    return g_strdup_printf("0x%04" G_GINT64_MODIFIER "x", policy);
}

char *
sevirt_policy_describe(SevirtSevType type, guint64 policy)
{
    PolicyFamily family = family_of(type);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < G_N_ELEMENTS(policy_flags); i++) {
        const PolicyFlag *flag = &policy_flags[i];

        if (flag->family != family)
            continue;
        if (flag->bit && (policy & flag->bit))
            g_ptr_array_add(names, g_strdup(flag->name));
        else if (!flag->bit && ((policy >> flag->shift) & 0xff))
            g_ptr_array_add(names, g_strdup_printf("%s=%u", flag->name,
                                                   (guint) ((policy >> flag->shift) & 0xff)));
    }
    g_ptr_array_add(names, NULL);
    return g_strjoinv(",", (char **) names->pdata);
}
