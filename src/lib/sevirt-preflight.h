/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host preflight checks (sevirt host-check), in the spirit of
 * virt-host-validate: libvirt's answers plus what the local host's /sys,
 * /proc and /dev say.
 */
#pragma once

#include <glib.h>

#include "sevirt-hostcaps.h"

G_BEGIN_DECLS

/* The node 'sevirt emulator-setup' makes: the null device (1:3). */
#define SEVIRT_DEV_SEV_PATH "/dev/sev"
#define SEVIRT_DEV_SEV_PLACEHOLDER_MAJOR 1
#define SEVIRT_DEV_SEV_PLACEHOLDER_MINOR 3

typedef enum {
    SEVIRT_DEV_SEV_ABSENT,
    SEVIRT_DEV_SEV_DEVICE,        /* a character device other than the null device */
    SEVIRT_DEV_SEV_PLACEHOLDER,   /* the null device: no SEV hardware behind it */
    SEVIRT_DEV_SEV_NOT_DEVICE,    /* a file, directory, ... */
} SevirtDevSev;

/**
 * sevirt_dev_sev_examine:
 * @path: where the SEV device belongs (SEVIRT_DEV_SEV_PATH, or in a test tree)
 * @kind: (out) what is there, symbolic links followed as libvirt follows them
 *
 * Fails only when @path cannot be examined (other than not existing).
 */
gboolean sevirt_dev_sev_examine(const char *path, SevirtDevSev *kind, GError **error);

typedef enum {
    SEVIRT_CHECK_PASS,
    SEVIRT_CHECK_WARN,
    SEVIRT_CHECK_FAIL,
} SevirtCheckStatus;

/* "PASS", "WARN", "FAIL" */
const char *sevirt_check_status_to_string(SevirtCheckStatus status);

/**
 * SevirtCheckHint:
 * A fix that a WARN/FAIL check leaves to the caller to word, because it
 * is done through the caller's own interface (options, commands).
 */
typedef enum {
    SEVIRT_CHECK_HINT_NONE,
    SEVIRT_CHECK_HINT_EMULATOR_SETUP,   /* set the emulated platform up; hint_arg: its program */
    SEVIRT_CHECK_HINT_EMULATOR_UNDO,    /* SEV hardware: remove the emulated platform's
                                         * /dev/sev placeholder, or name the emulator */
    SEVIRT_CHECK_HINT_VIRT_TYPE_KVM,    /* ask for KVM domains on a host with /dev/kvm */
    SEVIRT_CHECK_HINT_FIRMWARE_REMOTE,  /* check the remote host's firmware, or name a file */
    SEVIRT_CHECK_HINT_FIRMWARE_MISSING, /* install a firmware with its descriptor, or name a file */
    SEVIRT_CHECK_HINT_CHECK_ON_HOST,    /* run the check on the remote host itself */
    SEVIRT_CHECK_HINT_NETWORK,          /* use a libvirt network or a bridge, not user-mode */
    SEVIRT_CHECK_HINT_NETWORK_USER_OK,  /* PASS: user-mode networking can be asked for */
} SevirtCheckHint;

/**
 * SevirtHostCheck:
 * One line of the preflight check list.
 */
typedef struct {
    SevirtCheckStatus status;
    char *name;      /* what was checked: "kvm_amd sev parameter" */
    char *detail;    /* what was found */
    char *fix;       /* how to fix a WARN/FAIL in the library's terms; NULL for PASS
                      * and when @hint names the fix */
    SevirtCheckHint hint; /* a fix for the caller to word, or what a PASS allows */
    char *hint_arg;  /* the value @hint needs (the emulator's path), or NULL */
} SevirtHostCheck;

void sevirt_host_check_free(SevirtHostCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SevirtHostCheck, sevirt_host_check_free)

/**
 * sevirt_host_check:
 * @caps: what sevirt_host_caps_query() found
 * @type: the SEV type the host must be able to run (sev, sev-es, sev-snp)
 * @local_root: (nullable) for a local host, the root of its file system
 *              ("/"; a test passes a fake tree), where kvm_amd's
 *              parameters, /dev/sev, libvirtd's memlock limit and the firmware
 *              descriptors are read; NULL for a remote host, whose files
 *              sevirt cannot see
 *
 * Runs the preflight checks in the spirit of virt-host-validate.
 *
 * Returns: (transfer full): array of SevirtHostCheck*, in a stable order
 */
GPtrArray *sevirt_host_check(const SevirtHostCaps *caps, SevirtSevType type,
                             const char *local_root);

/** sevirt_host_check_failed: whether any check of @checks is a FAIL. */
gboolean sevirt_host_check_failed(const GPtrArray *checks);

G_END_DECLS
