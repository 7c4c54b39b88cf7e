/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VM spec files: YAML documents whose keys mirror the options of
 * 'sevirt xml' and 'sevirt create' one to one (see sevirt(1), SPEC FILES,
 * and data/examples/).
 */
#pragma once

#include <glib.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/**
 * sevirt_spec_file_load:
 * @path: the YAML spec file
 * @spec: the spec to fill; keys present in the file replace the values in
 *        @spec (a list such as disks replaces the whole list), so callers
 *        load the file into a fresh spec and apply command-line options
 *        afterwards, which then override the file
 *
 * Reads a spec file.  Unknown keys, duplicate keys, values of the wrong
 * type and bad values are SEVIRT_ERROR_INVALID errors of the form
 * "FILE:LINE:COLUMN: message".  Each value read is marked with its place
 * (sevirt_vm_spec_set_mark()), so that sevirt_vm_spec_validate() reports
 * what only it can check (a memory size too small, an initrd without a
 * kernel) at the same place.  The policy is kept as text (policy_text):
 * validation parses it for the final SEV type.  Files that sevirt itself reads (dh_cert,
 * session, the cloud-init files, ssh_key) are resolved relative to the
 * spec file's folder; paths used on the libvirt host (kernel, disks,
 * shares, firmware, emulator) are passed on as written.
 */
gboolean sevirt_spec_file_load(const char *path, SevirtVmSpec *spec, GError **error);

/**
 * sevirt_spec_file_parse:
 * @what: file name used in error messages
 * @text: the YAML text
 * @base_dir: folder relative file names are resolved against
 *
 * sevirt_spec_file_load() on text already in memory.
 */
gboolean sevirt_spec_file_parse(const char *what, const char *text, gsize len,
                                const char *base_dir, SevirtVmSpec *spec, GError **error);

/**
 * sevirt_spec_file_keys:
 *
 * Every key a spec file accepts: top-level keys as "memory", the keys of
 * the sev: and cloud_init: mappings as "sev.policy", "cloud_init.ssh_key".
 * Each corresponds to an option of 'sevirt xml' and 'sevirt create'.
 *
 * Returns: (transfer full): a NULL-terminated array
 */
GStrv sevirt_spec_file_keys(void);

G_END_DECLS
