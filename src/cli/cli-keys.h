/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest owner's files, shared by the attestation commands (cmd-attest.c)
 * and the attested launch (cmd-launch.c): transport keys, secrets to inject,
 * and new files written all together or not at all.
 */
#pragma once

#include "cli.h"
#include "sevirt-owner.h"

G_BEGIN_DECLS

/* TEK and TIK are 16 bytes each; a --tk file holds TEK then TIK. */
#define SEVIRT_CLI_KEY_SIZE SEVIRT_TRANSPORT_KEY_SIZE

/* The paths of the key options (NULL when not given). */
typedef struct {
    const char *tek;
    const char *tik;
    const char *tk;
    gboolean insecure;    /* --insecure-keys */
} SevirtCliKeyFiles;

/**
 * sevirt_cli_read_transport_keys:
 * @tek: (out) (nullable): NULL when only the TIK is needed
 * @tik: (out)
 *
 * Reads TEK and TIK from --tek/--tik, or from --tk (TEK then TIK in one
 * 32-byte file, as libvirt's validator takes them).  Key files readable by
 * group or others are refused unless --insecure-keys.
 */
gboolean sevirt_cli_read_transport_keys(const SevirtCliKeyFiles *files, SevirtSecret **tek,
                                        SevirtSecret **tik, GError **error);

/**
 * sevirt_cli_add_secret:
 * @spec: a --secret value, GUID-OR-ALIAS:FILE
 *
 * Reads the secret file (a key file: private unless @insecure) into @table,
 * warning when a disk passphrase lacks the NUL byte GRUB expects.
 */
gboolean sevirt_cli_add_secret(SevirtCli *cli, SevirtSecretTable *table, const char *spec,
                               gboolean insecure, GError **error);

/* A file to create: @data is not owned (key material stays in SevirtSecret). */
typedef SevirtNewFile SevirtCliOutFile;

/** sevirt_cli_write_new_files: sevirt_files_write_new_all(). */
gboolean sevirt_cli_write_new_files(const SevirtCliOutFile *files, guint n, GError **error);

/*
 * The launch the guest owner expects, as verify-measurement and launch take
 * it: the firmware, a measured direct kernel boot, and for SEV-ES the vCPU
 * count and the CPU signature in their VMSAs.  A command puts
 * SEVIRT_CLI_EXPECT_OPTION_ENTRIES into its option table, with its own help
 * for --num-cpus and --cpu-family (whose defaults differ), pointing at a
 * SevirtCliExpectOptions in its option struct, where GOption stores the raw
 * values.
 */
typedef struct {
    char *firmware;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *num_cpus;
    char *cpu_family;
    char *cpu_model;
    char *cpu_stepping;
    gboolean vmsa_fpu_init;
} SevirtCliExpectOptions;

#define SEVIRT_CLI_EXPECT_OPTION_ENTRIES(o, num_cpus_help, cpu_family_help) \
    { "firmware", 'f', 0, G_OPTION_ARG_FILENAME, &(o)->firmware, \
      N_("the firmware image the guest boots (the guest owner's copy)"), N_("FILE") }, \
    { "kernel", 'k', 0, G_OPTION_ARG_FILENAME, &(o)->kernel, \
      N_("kernel of a measured direct kernel boot (kernelHashes)"), N_("FILE") }, \
    { "initrd", 'r', 0, G_OPTION_ARG_FILENAME, &(o)->initrd, \
      N_("initrd of a measured direct kernel boot"), N_("FILE") }, \
    { "cmdline", 'e', 0, G_OPTION_ARG_STRING, &(o)->cmdline, \
      N_("kernel command line of a measured direct kernel boot"), N_("STRING") }, \
    { "num-cpus", 'n', 0, G_OPTION_ARG_STRING, &(o)->num_cpus, \
      num_cpus_help, N_("N") }, \
    { "cpu-family", 0, 0, G_OPTION_ARG_STRING, &(o)->cpu_family, \
      cpu_family_help, N_("N") }, \
    { "cpu-model", 0, 0, G_OPTION_ARG_STRING, &(o)->cpu_model, \
      N_("SEV-ES: CPU model in the VMSAs"), N_("N") }, \
    { "cpu-stepping", 0, 0, G_OPTION_ARG_STRING, &(o)->cpu_stepping, \
      N_("SEV-ES: CPU stepping in the VMSAs"), N_("N") }, \
    { "vmsa-fpu-init", 0, 0, G_OPTION_ARG_NONE, &(o)->vmsa_fpu_init, \
      N_("SEV-ES: the VMSAs carry MXCSR 0x1f80 and x87 FCW 0x37f, as newer host kernels set them"), \
      NULL }

/* The images read for a launch digest; freed together. */
typedef struct {
    guint8 *firmware;
    guint8 *kernel;
    guint8 *initrd;
} SevirtCliLaunchImages;

void sevirt_cli_launch_images_clear(SevirtCliLaunchImages *images);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SevirtCliLaunchImages, sevirt_cli_launch_images_clear)

/**
 * sevirt_cli_expect_parse:
 * @in: (out) the numbers of @opts: num_cpus (0 when not given),
 *      cpu_signature (0 when not given), vmsa_flags; the cmdline (with a
 *      kernel only)
 * @cpu_given: (out) (optional): --cpu-family, --cpu-model and --cpu-stepping were given
 *
 * Checks the expectation options as usage: --firmware is required,
 * --initrd and --cmdline need --kernel, --num-cpus is at least 1, the CPU
 * options go together and fit a CPUID signature.
 */
gboolean sevirt_cli_expect_parse(const SevirtCliExpectOptions *opts, SevirtLaunchInput *in,
                                 gboolean *cpu_given, GError **error);

/**
 * sevirt_cli_expect_read_images:
 * Reads the firmware, kernel and initrd files of @opts into @images and
 * points @in at them.
 */
gboolean sevirt_cli_expect_read_images(const SevirtCliExpectOptions *opts,
                                       SevirtCliLaunchImages *images, SevirtLaunchInput *in,
                                       GError **error);

/** sevirt_cli_hex: @data in lower-case hex (a launch digest for JSON). */
char *sevirt_cli_hex(const guint8 *data, gsize len);

G_END_DECLS
