/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML for confidential guests, built with libxml2 from a validated
 * SevirtVmSpec; sevirt's own <metadata>; RelaxNG validation against
 * libvirt's schema.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * sevirt_domxml_build:
 * @spec: a spec that went through sevirt_vm_spec_validate()
 *
 * Builds the domain definition: q35 with UEFI (libvirt picks the firmware
 * unless the spec names one; stateless for attested launches), iommu on
 * every virtio device, no NIC option ROM, no memory balloon, locked memory
 * for SEV and SEV-ES (except on the emulated platform, which encrypts
 * nothing), a serial console, <launchSecurity>, and sevirt's metadata.
 *
 * Returns: (transfer full): the document, or NULL with SEVIRT_ERROR_INVALID
 * when @spec was not validated (a new volume without a name).
 */
xmlDoc *sevirt_domxml_build(const SevirtVmSpec *spec, GError **error);

/** sevirt_domxml_format: sevirt_domxml_build() serialised, indented, as libvirt takes it. */
char *sevirt_domxml_format(const SevirtVmSpec *spec, GError **error);

/**
 * sevirt_domxml_validate:
 * @xml: a domain definition
 * @schemadir: (nullable) directory holding libvirt's domain.rng; NULL
 *             means $LIBVIRT_SCHEMADIR, then the directory found at build
 *             time
 *
 * Validates @xml against libvirt's RelaxNG schema, and sevirt's metadata
 * element against sevirt-metadata.rng ($SEVIRT_METADATA_RNG, else the
 * installed copy; skipped when neither exists).  An SEV-SNP definition
 * checked against a schema older than libvirt 10.5 is refused with
 * SEVIRT_ERROR_UNSUPPORTED saying so (rather than a confusing RelaxNG
 * error); a document that does not validate is SEVIRT_ERROR_INVALID with
 * the first schema error and its line.
 */
gboolean sevirt_domxml_validate(const char *xml, const char *schemadir, GError **error);

/**
 * sevirt_xml_validate_rng:
 * @xml: a document
 * @rng: path of a RelaxNG schema
 * @what: name of the document for messages ("domain XML")
 *
 * Validates @xml against @rng.
 */
gboolean sevirt_xml_validate_rng(const char *xml, const char *rng, const char *what,
                                 GError **error);

/* ---------------------------------------------------------------------- */
/* sevirt's <metadata> element */

/**
 * SevirtVmMetadata:
 * What sevirt records in a domain it defined:
 *   <sevirt:vm xmlns:sevirt="https://sevirt.org/xmlns/domain/1.0">
 *     <sevirt:version>0.1.0</sevirt:version>
 *     <sevirt:type>sev-es</sevirt:type>
 *     <sevirt:policy>0x0037</sevirt:policy>
 *     <sevirt:volumes><sevirt:volume pool='default' name='web1-disk0.qcow2'/></sevirt:volumes>
 *     <sevirt:fleet name='web' group='web-{index}' hash='...'/>   (fleet guests only)
 *   </sevirt:vm>
 */
typedef struct {
    char *version;        /* sevirt version that defined the domain */
    SevirtSevType sev_type;
    gboolean policy_set;  /* FALSE for plain guests */
    guint64 policy;
    GPtrArray *volumes;   /* char*: "POOL/VOLUME" sevirt created and owns */
    SevirtFleetMember *fleet;   /* NULL: not made by 'sevirt fleet' */
} SevirtVmMetadata;

void sevirt_vm_metadata_free(SevirtVmMetadata *meta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtVmMetadata, sevirt_vm_metadata_free)

/**
 * sevirt_vm_metadata_format:
 * The <sevirt:vm> element for @spec (its volumes from spec->owned_volumes),
 * as virDomainSetMetadata(..., VIR_DOMAIN_METADATA_ELEMENT, xml, "sevirt",
 * SEVIRT_XMLNS, ...) takes it.  sevirt_domxml_build() already embeds it.
 */
char *sevirt_vm_metadata_format(const SevirtVmSpec *spec);

/**
 * sevirt_vm_metadata_parse:
 * @xml: the <vm> element: in the SEVIRT_XMLNS namespace (any prefix), or
 *       without a namespace as virDomainGetMetadata(dom,
 *       VIR_DOMAIN_METADATA_ELEMENT, SEVIRT_XMLNS, 0) returns it; or a whole
 *       domain definition holding it
 *
 * Returns: (transfer full): the metadata, or NULL with SEVIRT_ERROR_INVALID
 * when @xml is not sevirt metadata, SEVIRT_ERROR_NOT_FOUND when a domain
 * definition carries none.
 */
SevirtVmMetadata *sevirt_vm_metadata_parse(const char *xml, GError **error);

/**
 * sevirt_domain_get_metadata:
 * @dom: a domain
 *
 * Reads sevirt's metadata of @dom (its live definition when running).
 * Returns NULL with SEVIRT_ERROR_NOT_FOUND for a domain sevirt did not
 * define, so callers can tell sevirt's domains from the others.
 */
SevirtVmMetadata *sevirt_domain_get_metadata(virDomainPtr dom, GError **error);

G_END_DECLS
