/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: a domain definition as libvirt returns it, read the way
 * sevirt reads one: its sevirt metadata (sevirt_vm_metadata_parse(), which
 * also takes the bare <sevirt:vm> element) and, for an SEV guest, the check
 * of its <launchSecurity> against the host's domain capabilities
 * (sevirt_domain_check_caps(), before start).
 */
#include <config.h>

#include "fuzz.h"
#include "sevirt.h"
#include "sevirt-domain-private.h"
#include "sevirt-xml-private.h"

/* A host offering SEV and SEV-ES, as tests/data/domcaps/amd-sev-es.xml. */
static const char domcaps[] =
    "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain>"
    "<machine>pc-q35-7.2</machine><arch>x86_64</arch><vcpu max='255'/>"
    "<features><sev supported='yes'><cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits>"
    "<maxGuests>15</maxGuests><maxESGuests>494</maxESGuests></sev></features>"
    "</domainCapabilities>";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzz_strndup(data, size);
    g_autoptr(SevirtVmMetadata) meta = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(GError) error = NULL;

    fuzz_init();
    meta = sevirt_vm_metadata_parse(xml, &error);
    g_assert((meta != NULL) == (error == NULL));
    g_clear_error(&error);

    doc = sevirt_xml_parse(xml, "domain XML", &error);
    if (!doc) {
        g_assert(error && error->message && *error->message);
        return 0;
    }
    ctx = sevirt_xpath_new(doc);
    if (!sevirt_domain_check_caps("fuzz", ctx, domcaps, &error))
        g_assert(error && error->message && *error->message);
    return 0;
}
