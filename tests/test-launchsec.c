/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the <launchSecurity> reader: the golden domain XML that
 * sevirt-domxml.c writes reads back as written, libvirt's SEV-SNP fields,
 * other launch security types, and malformed numbers.
 */
#include <config.h>

#include "test-common.h"
#include "sevirt.h"
#include "sevirt-launchsec-private.h"
#include "sevirt-xml-private.h"

/* Reads the <launchSecurity> of @xml; fails the test on error. */
static SevirtLaunchSecurity *
read_xml(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = sevirt_xml_parse(xml, "test XML", &error);
    g_autoptr(xmlXPathContext) ctx = NULL;
    SevirtLaunchSecurity *ls;

    if (!doc)
        fail_msg("%s", error->message);
    ctx = sevirt_xpath_new(doc);
    ls = sevirt_launch_security_read(ctx, &error);
    if (!ls)
        fail_msg("%s", error->message);
    return ls;
}

static SevirtLaunchSecurity *
read_data(const char *relpath)
{
    g_autofree char *xml = sevirt_test_read_data(relpath, NULL);

    return read_xml(xml);
}

/* The reader's error for @xml. */
static void
assert_read_fails(const char *xml, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = sevirt_xml_parse(xml, "test XML", NULL);
    g_autoptr(xmlXPathContext) ctx = sevirt_xpath_new(doc);
    g_autoptr(SevirtLaunchSecurity) ls = sevirt_launch_security_read(ctx, &error);

    assert_null(ls);
    sevirt_test_assert_error(&error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, needle);
}

static void
test_sev_attested(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtLaunchSecurity) ls = read_data("xml/sev-attested.xml");

    assert_string_equal(ls->type, "sev");
    assert_int_equal(ls->sev_type, SEVIRT_SEV_SEV);
    assert_true(ls->policy_set);
    assert_int_equal(ls->policy, 0x0003);
    assert_int_equal(ls->cbitpos, 51);
    assert_int_equal(ls->reduced_phys_bits, 1);
    assert_int_equal(ls->kernel_hashes, SEVIRT_TRISTATE_DEFAULT);
    assert_non_null(ls->dh_cert);
    assert_true(g_str_has_prefix(ls->dh_cert, "AQgPFh0k"));
    assert_non_null(ls->session);
    assert_true(g_str_has_suffix(ls->session, "c3o="));
    assert_null(ls->id_block);
    assert_null(ls->host_data);
}

/* SEV-ES is libvirt's type 'sev' with the ES policy bit. */
static void
test_sev_es(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtLaunchSecurity) ls = read_data("xml/sev-es.xml");

    assert_string_equal(ls->type, "sev");
    assert_int_equal(ls->sev_type, SEVIRT_SEV_ES);
    assert_int_equal(ls->policy, 0x0037);
    assert_null(ls->dh_cert);
    assert_null(ls->session);
}

static void
test_snp_kernel(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtLaunchSecurity) ls = read_data("xml/sev-snp-kernel.xml");

    assert_string_equal(ls->type, "sev-snp");
    assert_int_equal(ls->sev_type, SEVIRT_SEV_SNP);
    assert_int_equal(ls->policy, 0x001b0000);
    assert_int_equal(ls->kernel_hashes, SEVIRT_TRISTATE_YES);
    assert_int_equal(ls->cbitpos, -1);
    assert_int_equal(ls->reduced_phys_bits, -1);
}

/* Every SEV-SNP field of libvirt's formatdomain, and a policy above 32 bits. */
static void
test_snp_fields(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtLaunchSecurity) ls = read_xml(
        "<domain type='kvm'><name>g</name>"
        "<launchSecurity type='sev-snp' authorKey='yes' vcek='no' kernelHashes='no'>"
        "<cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits>"
        "<policy>0x100000030000</policy>"
        "<guestVisibleWorkarounds>Z3Z3</guestVisibleWorkarounds>"
        "<idBlock>aWRibG9jaw==</idBlock>"
        "<idAuth> aWRhdXRo </idAuth>"
        "<hostData>aG9zdGRhdGE=</hostData>"
        "</launchSecurity></domain>");

    assert_int_equal(ls->sev_type, SEVIRT_SEV_SNP);
    assert_true(ls->policy_set);
    assert_true(ls->policy == G_GUINT64_CONSTANT(0x100000030000));
    assert_int_equal(ls->cbitpos, 51);
    assert_int_equal(ls->reduced_phys_bits, 1);
    assert_int_equal(ls->kernel_hashes, SEVIRT_TRISTATE_NO);
    assert_int_equal(ls->author_key, SEVIRT_TRISTATE_YES);
    assert_int_equal(ls->vcek, SEVIRT_TRISTATE_NO);
    assert_string_equal(ls->guest_visible_workarounds, "Z3Z3");
    assert_string_equal(ls->id_block, "aWRibG9jaw==");
    assert_string_equal(ls->id_auth, "aWRhdXRo");
    assert_string_equal(ls->host_data, "aG9zdGRhdGE=");
    assert_null(ls->dh_cert);
}

static void
test_none_and_other(void **state G_GNUC_UNUSED)
{
    g_autoptr(SevirtLaunchSecurity) plain = read_data("xml/plain.xml");
    g_autoptr(SevirtLaunchSecurity) s390 = read_xml(
        "<domain type='kvm'><launchSecurity type='s390-pv'/></domain>");

    assert_null(plain->type);
    assert_int_equal(plain->sev_type, SEVIRT_SEV_NONE);
    assert_false(plain->policy_set);
    assert_int_equal(plain->cbitpos, -1);
    assert_int_equal(plain->author_key, SEVIRT_TRISTATE_DEFAULT);
    assert_string_equal(s390->type, "s390-pv");
    assert_int_equal(s390->sev_type, SEVIRT_SEV_NONE);
    assert_false(s390->policy_set);
}

static void
test_malformed(void **state G_GNUC_UNUSED)
{
    assert_read_fails("<domain><launchSecurity type='sev'><policy>0xzz</policy>"
                      "</launchSecurity></domain>", "<launchSecurity><policy>");
    /* SEV policies are 32 bits; only SEV-SNP's are wider. */
    assert_read_fails("<domain><launchSecurity type='sev'><policy>0x100000000</policy>"
                      "</launchSecurity></domain>", "<launchSecurity><policy>");
    assert_read_fails("<domain><launchSecurity type='sev'><cbitpos>-1</cbitpos>"
                      "</launchSecurity></domain>", "<launchSecurity><cbitpos>");
    assert_read_fails("<domain><launchSecurity type='sev-snp'>"
                      "<reducedPhysBits>one</reducedPhysBits></launchSecurity></domain>",
                      "<launchSecurity><reducedPhysBits>");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sev_attested),
        cmocka_unit_test(test_sev_es),
        cmocka_unit_test(test_snp_kernel),
        cmocka_unit_test(test_snp_fields),
        cmocka_unit_test(test_none_and_other),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
