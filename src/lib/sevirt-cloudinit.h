/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cloud-init NoCloud seeds: an ISO 9660 image labelled "cidata" holding
 * user-data, meta-data and optionally network-config, built in memory with
 * libisofs so it can be uploaded through libvirt without touching the host's
 * file system.
 */
#pragma once

#include <glib.h>

#include "sevirt-spec.h"

G_BEGIN_DECLS

/* Volume label cloud-init's NoCloud data source looks for. */
#define SEVIRT_CLOUD_INIT_LABEL "cidata"

/**
 * sevirt_ssh_public_keys_read:
 * @path: an OpenSSH public key file (id_ed25519.pub, or several keys as in
 *        authorized_keys, without options)
 *
 * Reads the keys of @path: every line that is neither empty nor a comment
 * must be "TYPE BASE64 [COMMENT]", TYPE one of ssh-ed25519, ssh-rsa,
 * ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com,
 * sk-ecdsa-sha2-nistp256@openssh.com or ssh-dss, and BASE64 a key blob of
 * that type.  Errors are SEVIRT_ERROR_INVALID naming the file and the line
 * (never its text: a private key given by mistake is not echoed), or
 * sevirt_file_read()'s.
 *
 * Returns: (transfer full): the key lines, stripped; at least one
 */
GStrv sevirt_ssh_public_keys_read(const char *path, GError **error);

/**
 * sevirt_cloud_init_meta_data:
 * @ci: the cloud-init settings; ci->meta_data (a file) is the starting point
 *      when set, and must hold a YAML mapping
 * @instance_id: instance-id, used unless the meta-data file sets one
 * @default_hostname: local-hostname used unless ci->hostname or the file
 *      sets one (ci->hostname, the --hostname option, wins over the file)
 *
 * Builds the meta-data document: the file's keys, instance-id,
 * local-hostname and, with ci->ssh_key, the key file's keys appended to
 * public-keys (which NoCloud installs for the default user).
 * Returns: the YAML text, or NULL with an error naming the file, line and
 * column.
 */
char *sevirt_cloud_init_meta_data(const SevirtCloudInitSpec *ci, const char *instance_id,
                                  const char *default_hostname, GError **error);

/**
 * sevirt_cloud_init_seed_build:
 * @ci: the cloud-init settings (file paths are read here)
 * @instance_id: see sevirt_cloud_init_meta_data()
 * @default_hostname: see sevirt_cloud_init_meta_data()
 *
 * Builds the NoCloud seed ISO in memory: volume label "cidata", Rock Ridge
 * and Joliet names, files user-data (the file, or an empty #cloud-config),
 * meta-data and, when ci->network_config is set, network-config.  A
 * #cloud-config user-data and a network-config must be valid YAML.
 * Returns: the image bytes.
 */
GBytes *sevirt_cloud_init_seed_build(const SevirtCloudInitSpec *ci, const char *instance_id,
                                     const char *default_hostname, GError **error);

G_END_DECLS
