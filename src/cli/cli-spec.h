/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest options shared by 'sevirt xml' and 'sevirt create'.
 *
 * A command's option struct begins with a SevirtCliSpecOptions (so that
 * tests/test-clispec.c can reach it from any of them), and its entries()
 * puts SEVIRT_CLI_SPEC_OPTION_ENTRIES into its table (as virsh shares its
 * VIRSH_COMMON_OPT_* entries), next to its own options:
 *
 *     typedef struct { SevirtCliSpecOptions spec; gboolean start; } CreateOpts;
 *     ...
 *     const GOptionEntry entries[] = {
 *         SEVIRT_CLI_SPEC_OPTION_ENTRIES(&o->spec),
 *         { "start", 0, 0, G_OPTION_ARG_NONE, &o->start, N_("..."), NULL },
 *         { NULL }
 *     };
 *
 * GOption stores the raw values there; after parsing,
 * sevirt_cli_spec_load() reads the --spec file and lays the options over
 * it (sevirt_cli_spec_apply()), so that the command line overrides the file.
 *
 * Every option here has a spec file key and every key an option
 * (tests/test-clispec.c checks both directions); the only options of 'xml'
 * and 'create' without a key are the actions SEVIRT_CLI_SPEC_ACTIONS.
 */
#pragma once

#include "cli.h"

G_BEGIN_DECLS

/* Raw option values; NULL / FALSE when not given. */
typedef struct {
    char *spec_file;
    char *memory;
    char *vcpus;
    char *sev;
    char *policy;
    char *cbitpos;
    char *reduced_phys_bits;
    char *dh_cert;
    char *session;
    char *id_block;
    char *id_auth;
    gboolean author_key;
    char *host_data;
    char *guest_visible_workarounds;
    gboolean no_vcek;
    char *kernel;
    char *initrd;
    char *cmdline;
    gboolean kernel_hashes;
    gboolean no_kernel_hashes;
    char *firmware;
    char *virt_type;
    char *emulator;
    char *cpu;
    char *machine;
    char **disks;
    char **networks;
    char **shares;
    char *cloud_init;
    char *ssh_key;
    char *hostname;
    /* create only (SEVIRT_CLI_ATTEST_OPTION_ENTRIES) */
    gboolean attest;
    char *pdh;
    gboolean from_host;
    char *ark;
    char *ask;
    char *keys_dir;
} SevirtCliSpecOptions;

/* Options of 'xml' and 'create' that say what to do rather than what the
 * guest is, and so have no spec file key (--spec names the file itself). */
#define SEVIRT_CLI_SPEC_ACTIONS { "spec", "validate", "start", "paused", NULL }

#define SEVIRT_CLI_SPEC_OPTION_ENTRIES(o) \
    { "spec", 0, 0, G_OPTION_ARG_FILENAME, &(o)->spec_file, \
      N_("read the guest from a YAML spec file; options given too override it"), N_("FILE") }, \
    { "memory", 0, 0, G_OPTION_ARG_STRING, &(o)->memory, \
      N_("guest memory in MiB (default 2048)"), N_("MiB") }, \
    { "vcpus", 0, 0, G_OPTION_ARG_STRING, &(o)->vcpus, \
      N_("number of vCPUs (default 1)"), N_("N") }, \
    { "sev", 0, 0, G_OPTION_ARG_STRING, &(o)->sev, \
      N_("memory encryption: sev (default), sev-es, sev-snp or none"), N_("TYPE") }, \
    { "policy", 0, 0, G_OPTION_ARG_STRING, &(o)->policy, \
      N_("guest policy: a number or flag names (nodbg,noks,es,nosend,domain,sev,api-major=N; " \
         "SNP: smt,debug,single-socket,abi-major=N,...)"), N_("POLICY") }, \
    { "cbitpos", 0, 0, G_OPTION_ARG_STRING, &(o)->cbitpos, \
      N_("C-bit position (default: the host's, or left to libvirt)"), N_("N") }, \
    { "reduced-phys-bits", 0, 0, G_OPTION_ARG_STRING, &(o)->reduced_phys_bits, \
      N_("reduced physical address bits (default: the host's)"), N_("N") }, \
    { "dh-cert", 0, 0, G_OPTION_ARG_FILENAME, &(o)->dh_cert, \
      N_("guest owner's DH certificate, base64 (attested launch)"), N_("FILE") }, \
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &(o)->session, \
      N_("launch session blob, base64 (attested launch)"), N_("FILE") }, \
    { "id-block", 0, 0, G_OPTION_ARG_FILENAME, &(o)->id_block, \
      N_("SEV-SNP ID block, base64, as 'sevirt id-block' writes it"), N_("FILE") }, \
    { "id-auth", 0, 0, G_OPTION_ARG_FILENAME, &(o)->id_auth, \
      N_("SEV-SNP ID authentication, base64, as 'sevirt id-block' writes it"), N_("FILE") }, \
    { "author-key", 0, 0, G_OPTION_ARG_NONE, &(o)->author_key, \
      N_("the SEV-SNP ID auth carries an author key"), NULL }, \
    { "host-data", 0, 0, G_OPTION_ARG_STRING, &(o)->host_data, \
      N_("32 bytes, base64, that SEV-SNP attestation reports of the guest carry"), N_("B64") }, \
    { "guest-visible-workarounds", 0, 0, G_OPTION_ARG_FILENAME, \
      &(o)->guest_visible_workarounds, \
      N_("SEV-SNP: CPUID workarounds the guest sees, 16 bytes in base64"), N_("FILE") }, \
    { "no-vcek", 0, 0, G_OPTION_ARG_NONE, &(o)->no_vcek, \
      N_("SEV-SNP: reports are signed with the VLEK, never the VCEK"), NULL }, \
    { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &(o)->kernel, \
      N_("kernel for direct boot (path on the host)"), N_("FILE") }, \
    { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &(o)->initrd, \
      N_("initrd for direct boot"), N_("FILE") }, \
    { "cmdline", 0, 0, G_OPTION_ARG_STRING, &(o)->cmdline, \
      N_("kernel command line for direct boot"), N_("TEXT") }, \
    { "kernel-hashes", 0, 0, G_OPTION_ARG_NONE, &(o)->kernel_hashes, \
      N_("measure the kernel, initrd and command line (the default for SEV types)"), NULL }, \
    { "no-kernel-hashes", 0, 0, G_OPTION_ARG_NONE, &(o)->no_kernel_hashes, \
      N_("do not measure the kernel, initrd and command line"), NULL }, \
    { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &(o)->firmware, \
      N_("firmware image, or 'auto' to let libvirt pick (default)"), N_("PATH|auto") }, \
    { "virt-type", 0, 0, G_OPTION_ARG_STRING, &(o)->virt_type, \
      N_("kvm (default) or qemu (TCG)"), N_("TYPE") }, \
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &(o)->emulator, \
      N_("emulator binary (default: the host's)"), N_("PATH") }, \
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &(o)->cpu, \
      N_("CPU model, or host-passthrough (the default with kvm)"), N_("MODEL") }, \
    { "machine", 0, 0, G_OPTION_ARG_STRING, &(o)->machine, \
      N_("machine type (default q35)"), N_("MACHINE") }, \
    { "disk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(o)->disks, \
      N_("a disk: path=FILE[,format=F], vol=POOL/VOLUME or pool=P,size=GiB[,backing=VOL]" \
         "[,format=qcow2][,name=VOL]; repeatable"), N_("DISK") }, \
    { "network", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(o)->networks, \
      N_("a NIC: network=NAME, bridge=BR, user[,portfwd=HOST:GUEST[/tcp|udp]] or none " \
         "(default: network=default); [,mac=M]; repeatable"), N_("NET") }, \
    { "share", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(o)->shares, \
      N_("share a host folder over virtio-9p: SOURCE_DIR:TAG[:ro]; repeatable"), \
      N_("DIR:TAG[:ro]") }, \
    { "cloud-init", 0, 0, G_OPTION_ARG_STRING, &(o)->cloud_init, \
      N_("a cloud-init NoCloud seed from user-data=FILE[,meta-data=FILE][,network-config=FILE]" \
         "[,pool=POOL] (pool: where the seed volume goes; default: the first new disk's)"), \
      N_("SEED") }, \
    { "ssh-key", 0, 0, G_OPTION_ARG_FILENAME, &(o)->ssh_key, \
      N_("OpenSSH public key file for the image's default user (adds a cloud-init seed)"), \
      N_("FILE") }, \
    { "hostname", 0, 0, G_OPTION_ARG_STRING, &(o)->hostname, \
      N_("the guest's host name (adds a cloud-init seed; default: the guest's name)"), \
      N_("NAME") }

/* Options of 'create' only: it makes the launch session while it creates
 * the guest (cli-attest.h); they have spec file keys like the others. */
#define SEVIRT_CLI_SPEC_CREATE_ONLY { "attest", "pdh", "from-host", "ark", "ask", "keys-dir", NULL }

#define SEVIRT_CLI_ATTEST_OPTION_ENTRIES(o) \
    { "attest", 0, 0, G_OPTION_ARG_NONE, &(o)->attest, \
      N_("make the guest owner's launch session for the platform (attested launch; needs " \
         "--pdh or --from-host, and --keys-dir)"), NULL }, \
    { "pdh", 0, 0, G_OPTION_ARG_FILENAME, &(o)->pdh, \
      N_("with --attest: the platform's PDH certificate, as export-certs wrote it, with " \
         "pek.cert, oca.cert and cek.cert beside it (its chain is verified)"), N_("FILE") }, \
    { "from-host", 0, 0, G_OPTION_ARG_NONE, &(o)->from_host, \
      N_("with --attest: take the PDH from the host (or from the --emulator's platform)"), NULL }, \
    { "ark", 0, 0, G_OPTION_ARG_FILENAME, &(o)->ark, \
      N_("with --attest: trust this root key certificate instead of AMD's built-in ones " \
         "(an emulated platform's, for development only)"), N_("FILE") }, \
    { "ask", 0, 0, G_OPTION_ARG_FILENAME, &(o)->ask, \
      N_("with --ark: the signing key certificate under that root"), N_("FILE") }, \
    { "keys-dir", 0, 0, G_OPTION_ARG_FILENAME, &(o)->keys_dir, \
      N_("with --attest: directory for tek.bin, tik.bin, tk.bin (0600), godh.b64 and " \
         "session.b64; existing files are never overwritten"), N_("DIR") }

/**
 * sevirt_cli_spec_apply:
 * @opts: the parsed options
 * @spec: the spec to complete; list options (--disk, --network, --share)
 *        replace the spec's list when given, scalar options override
 *
 * Turns the option values into spec fields.  A bad value is a
 * SEVIRT_ERROR_INVALID error naming the option ("--vcpus: invalid value
 * '0': ..."), which the CLI turns into exit status 2.
 */
gboolean sevirt_cli_spec_apply(const SevirtCliSpecOptions *opts, SevirtVmSpec *spec,
                               GError **error);

/**
 * sevirt_cli_spec_load:
 * @opts: the parsed options
 * @name: (nullable) the NAME argument; it overrides the spec file's name
 *
 * The guest of 'xml' and 'create': the --spec file when given, the options
 * over it, then @name.  Without a name from either: SEVIRT_ERROR_INVALID.
 */
SevirtVmSpec *sevirt_cli_spec_load(const SevirtCliSpecOptions *opts, const char *name,
                                   GError **error);

/**
 * sevirt_cli_spec_query_caps:
 * The capabilities of the host behind @conn for @spec's emulator, virt type
 * and machine (sevirt_host_caps_query).
 */
SevirtHostCaps *sevirt_cli_spec_query_caps(virConnectPtr conn, const SevirtVmSpec *spec,
                                           GError **error);

/**
 * sevirt_cli_spec_host_caps:
 * @cli: the command line state
 * @spec: the spec (its emulator, virt type and machine select the caps)
 *
 * With --connect, asks the host for its capabilities (sevirt_host_caps_query);
 * offline (no --connect), sets *caps to NULL and succeeds.
 */
gboolean sevirt_cli_spec_host_caps(SevirtCli *cli, const SevirtVmSpec *spec,
                                   SevirtHostCaps **caps, GError **error);

G_END_DECLS
