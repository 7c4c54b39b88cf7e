/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the policy codec: parsing numbers and flag names, every
 * rejection, the type checks, formatting and describing.
 */
#include <config.h>

#include "test-common.h"
#include "sevirt.h"

typedef struct {
    SevirtSevType type;
    const char *text;
    guint64 expect;        /* when needle is NULL */
    const char *needle;    /* expected error fragment */
} ParseCase;

static const ParseCase parse_cases[] = {
    /* numbers */
    { SEVIRT_SEV_SEV, "0x33", 0x33, NULL },
    { SEVIRT_SEV_SEV, "51", 0x33, NULL },
    { SEVIRT_SEV_SEV, "0X07", 0x7, NULL },
    { SEVIRT_SEV_ES, "0xffffffff", 0xffffffff, NULL },
    { SEVIRT_SEV_SNP, "0x30000", 0x30000, NULL },
    { SEVIRT_SEV_SNP, "0xffffffffffffffff", G_MAXUINT64, NULL },
    { SEVIRT_SEV_SEV, "0x100000000", 0, "--policy: invalid value '0x100000000'" },
    { SEVIRT_SEV_SEV, "0x", 0, "invalid value '0x'" },
    { SEVIRT_SEV_SEV, "12abc", 0, "invalid value '12abc'" },
    { SEVIRT_SEV_SNP, "0x1ffffffffffffffff", 0, "invalid value" },
    /* SEV flags */
    { SEVIRT_SEV_SEV, "nodbg,noks,domain,sev", 0x33, NULL },
    { SEVIRT_SEV_ES, "nodbg,noks,es,domain,sev", 0x37, NULL },
    { SEVIRT_SEV_SEV, " NoDbg , NOKS ", 0x3, NULL },
    { SEVIRT_SEV_SEV, "nodbg,nosend", 0x9, NULL },
    { SEVIRT_SEV_SEV, "nodbg,api-major=1,api-minor=40", 0x28010001, NULL },
    { SEVIRT_SEV_SEV, "api-minor=0x10", 0x10000000, NULL },
    /* SNP flags: bit 17 is always set */
    { SEVIRT_SEV_SNP, "smt", 0x30000, NULL },
    { SEVIRT_SEV_SNP, "smt,debug,single-socket", 0x1b0000, NULL },
    { SEVIRT_SEV_SNP, "abi-major=1,abi-minor=51", 0x20133, NULL },
    { SEVIRT_SEV_SNP, "migrate-ma,cxl-allow,mem-aes-256-xts,rapl-dis,ciphertext-hiding",
      0x1e60000, NULL },
    /* every rejection */
    { SEVIRT_SEV_SEV, "", 0, "--policy: empty policy" },
    { SEVIRT_SEV_SEV, "nodbg,bogus", 0, "unknown SEV policy flag 'bogus'" },
    { SEVIRT_SEV_SNP, "smt,bogus", 0, "unknown SEV-SNP policy flag 'bogus'" },
    { SEVIRT_SEV_SEV, "nodbg,,noks", 0, "empty flag name in policy 'nodbg,,noks'" },
    { SEVIRT_SEV_SEV, "nodbg,nodbg", 0, "policy flag 'nodbg' is given twice" },
    { SEVIRT_SEV_SEV, "api-major=1,api-major=2", 0, "policy field 'api-major' is given twice" },
    { SEVIRT_SEV_SEV, "nodbg=1", 0, "policy flag 'nodbg' takes no value" },
    { SEVIRT_SEV_SEV, "api-major", 0, "policy field 'api-major' needs a value" },
    { SEVIRT_SEV_SEV, "api-major=256", 0, "--policy api-major: invalid value '256'" },
    { SEVIRT_SEV_SNP, "abi-minor=x", 0, "--policy abi-minor: invalid value 'x'" },
    { SEVIRT_SEV_SEV, "smt", 0, "'smt' is a SEV-SNP policy flag, not a SEV one" },
    { SEVIRT_SEV_SNP, "noks", 0, "'noks' is a SEV policy flag, not a SEV-SNP one" },
    { SEVIRT_SEV_SEV, "debug", 0, "a SEV policy allows debugging unless 'nodbg' is given" },
    { SEVIRT_SEV_SNP, "nodbg", 0, "a SEV-SNP policy forbids debugging unless 'debug' is given" },
    { SEVIRT_SEV_SNP, "debug,nodbg", 0, "'debug' and 'nodbg' contradict each other" },
    { SEVIRT_SEV_SEV, "nodbg,DEBUG", 0, "'debug' and 'nodbg' contradict each other" },
    { SEVIRT_SEV_NONE, "0x33", 0, "a plain guest (SEV type 'none') has no policy" },
};

static void
test_parse(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
        const ParseCase *c = &parse_cases[i];
        g_autoptr(GError) error = NULL;
        guint64 policy = 0;
        gboolean ok = sevirt_policy_parse("--policy", c->type, c->text, &policy, &error);

        if (c->needle) {
            if (ok)
                fail_msg("case %u '%s': expected an error, got 0x%" G_GINT64_MODIFIER "x",
                         i, c->text, policy);
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, c->needle);
        } else {
            if (!ok)
                fail_msg("case %u '%s': %s", i, c->text, error->message);
            if (policy != c->expect)
                fail_msg("case %u '%s': got 0x%" G_GINT64_MODIFIER "x, expected 0x%"
                         G_GINT64_MODIFIER "x", i, c->text, policy, c->expect);
        }
    }
}

typedef struct {
    SevirtSevType type;
    guint64 policy;
    guint64 expect;        /* after the check */
    const char *note;      /* expected note fragment, or NULL for none */
    const char *needle;    /* expected error fragment */
} CheckCase;

static const CheckCase check_cases[] = {
    { SEVIRT_SEV_SEV, 0x33, 0x33, NULL, NULL },
    { SEVIRT_SEV_SEV, 0x0, 0x0, NULL, NULL },
    { SEVIRT_SEV_SEV, 0x28010001, 0x28010001, NULL, NULL },
    { SEVIRT_SEV_ES, 0x37, 0x37, NULL, NULL },
    /* sev-es forces the ES bit and says so */
    { SEVIRT_SEV_ES, 0x33, 0x37, "using policy 0x0037 instead of 0x0033", NULL },
    { SEVIRT_SEV_SNP, 0x30000, 0x30000, NULL, NULL },
    { SEVIRT_SEV_SNP, 0x1ff33ff, 0x1ff33ff, NULL, NULL },
    { SEVIRT_SEV_NONE, 0, 0, NULL, NULL },
    /* rejections */
    { SEVIRT_SEV_SEV, 0x37, 0, NULL, "has the ES bit (0x4) set" },
    { SEVIRT_SEV_SEV, 0x40, 0, NULL, "sets reserved bits (6-15 must be zero)" },
    { SEVIRT_SEV_ES, 0x8037, 0, NULL, "sets reserved bits" },
    { SEVIRT_SEV_SEV, G_GUINT64_CONSTANT(0x100000033), 0, NULL, "does not fit in 32 bits" },
    { SEVIRT_SEV_SNP, 0x10000, 0, NULL, "clears bit 17 (0x20000), which is reserved and must be one" },
    { SEVIRT_SEV_SNP, 0x2030000, 0, NULL, "sets reserved bits (25-63 must be zero)" },
    { SEVIRT_SEV_SNP, G_GUINT64_CONSTANT(0x8000000000030000), 0, NULL, "sets reserved bits" },
    { SEVIRT_SEV_NONE, 0x33, 0, NULL, "takes no policy" },
};

static void
test_check(void **state G_GNUC_UNUSED)
{
    for (guint i = 0; i < G_N_ELEMENTS(check_cases); i++) {
        const CheckCase *c = &check_cases[i];
        g_autoptr(GError) error = NULL;
        g_autofree char *note = NULL;
        guint64 policy = c->policy;
        gboolean ok = sevirt_policy_check(c->type, &policy, &note, &error);

        if (c->needle) {
            if (ok)
                fail_msg("case %u: expected an error", i);
            sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, c->needle);
            continue;
        }
        if (!ok)
            fail_msg("case %u: %s", i, error->message);
        assert_int_equal(policy, c->expect);
        if (c->note) {
            assert_non_null(note);
            if (!strstr(note, c->note))
                fail_msg("case %u: note '%s' lacks '%s'", i, note, c->note);
        } else {
            assert_null(note);
        }
    }
}

static void
test_defaults(void **state G_GNUC_UNUSED)
{
    assert_int_equal(sevirt_policy_default(SEVIRT_SEV_SEV), 0x33);
    assert_int_equal(sevirt_policy_default(SEVIRT_SEV_ES), 0x37);
    assert_int_equal(sevirt_policy_default(SEVIRT_SEV_SNP), 0x30000);
    assert_int_equal(sevirt_policy_default(SEVIRT_SEV_NONE), 0);

    /* the defaults pass their own checks unchanged */
    for (SevirtSevType t = SEVIRT_SEV_NONE; t <= SEVIRT_SEV_SNP; t++) {
        guint64 p = sevirt_policy_default(t);

        assert_true(sevirt_policy_check(t, &p, NULL, NULL));
        assert_int_equal(p, sevirt_policy_default(t));
    }
}

static void
test_format_describe(void **state G_GNUC_UNUSED)
{
    static const struct {
        SevirtSevType type;
        guint64 policy;
        const char *formatted;
        const char *described;
    } cases[] = {
        { SEVIRT_SEV_SEV, 0x33, "0x0033", "nodbg,noks,domain,sev" },
        { SEVIRT_SEV_ES, 0x37, "0x0037", "nodbg,noks,es,domain,sev" },
        { SEVIRT_SEV_SEV, 0x0, "0x0000", "" },
        { SEVIRT_SEV_SEV, 0x28010009, "0x28010009", "nodbg,nosend,api-major=1,api-minor=40" },
        { SEVIRT_SEV_SNP, 0x30000, "0x00030000", "smt" },
        { SEVIRT_SEV_SNP, 0x1b0133, "0x001b0133", "smt,debug,single-socket,abi-major=1,abi-minor=51" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *f = sevirt_policy_format(cases[i].type, cases[i].policy);
        g_autofree char *d = sevirt_policy_describe(cases[i].type, cases[i].policy);
        guint64 back = 0;

        assert_string_equal(f, cases[i].formatted);
        assert_string_equal(d, cases[i].described);
        /* round trip: the description parses back to the same policy */
        if (*d) {
            assert_true(sevirt_policy_parse("x", cases[i].type, d, &back, NULL));
            assert_int_equal(back, cases[i].policy);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_format_describe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
