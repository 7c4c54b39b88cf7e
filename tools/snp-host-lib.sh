#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The emulated SEV-SNP platform on a trixie test host (tools/testhosts.sh),
# set up the same way for tests/integ-emu-snp.sh and tools/demo-snp.sh.
# Sourced; every function returns non-zero on failure and prints nothing on
# stdout but what it is said to print.  The caller stops the host it started
# ('testhosts.sh down $SNP_HOST').
#
#   snp_host_up TESTHOSTS BINDDIR      one trixie host that sees BINDDIR (the
#                                      build tree) at the same path; sets
#                                      SNP_HOST and SNP_URI
#   snp_host_setup TESTHOSTS EMU DIR   what 'sevirt emulator-setup' does, done
#                                      inside $SNP_HOST; --emu-info in
#                                      DIR/info.json; sets SNP_STATE and
#                                      SNP_CPU (the measure's vCPU options)
#   snp_firmware CACHE OUT             the 4 MiB OVMF ROM image SNP needs
#   snp_roots TESTHOSTS DIR            the emulated ARK and ASK in
#                                      DIR/ark.pem and DIR/ask.pem

snp_host_up() {
    _snp_up=$(SEVIRT_TESTHOSTS_BIND="$2" sh "$1" up 1 --flavour trixie) || return 1
    SNP_HOST=$(echo "$_snp_up" | cut -f1)
    # shellcheck disable=SC2034 # for the sourcing script
    SNP_URI=$(echo "$_snp_up" | cut -f2)
}

# The platform identity, owned by the user QEMU runs as, and the /dev/sev
# placeholder (a null device) libvirt allows in the guest's namespace.
snp_host_setup() {
    _snp_ids=$(sh "$1" exec "$SNP_HOST" sh -c 'echo "$(id -u libvirt-qemu):$(id -g libvirt-qemu)"') ||
        return 1
    sh "$1" exec "$SNP_HOST" "$2" --emu-setup "$_snp_ids" >"$3/setup.out" 2>&1 || {
        cat "$3/setup.out" >&2
        echo "the emulator setup in test host $SNP_HOST failed" >&2
        return 1
    }
    sh "$1" exec "$SNP_HOST" sh -c '[ -e /dev/sev ] || mknod -m 600 /dev/sev c 1 3' || {
        echo "cannot create /dev/sev in test host $SNP_HOST" >&2
        return 1
    }
    sh "$1" exec "$SNP_HOST" "$2" --emu-info >"$3/info.json" || return 1
    SNP_STATE=$(snp_info "$3" state_dir) || return 1
    SNP_CPU="--vcpu-family $(snp_info "$3" cpu_family) --vcpu-model $(snp_info "$3" cpu_model)"
    SNP_CPU="$SNP_CPU --vcpu-stepping $(snp_info "$3" cpu_stepping)"
}

# snp_info DIR KEY: a value of DIR/info.json
snp_info() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/info.json" "$2"
}

# SNP needs the firmware as a ROM (-bios), whose size QEMU wants in 64 KiB
# units: Debian's split 4 MiB OVMF, variables first, is such an image.  OUT
# must be where the host's libvirt can open it (under its base directory).
snp_firmware() {
    cat "$1/trixie-rootfs/usr/share/OVMF/OVMF_VARS_4M.fd" \
        "$1/trixie-rootfs/usr/share/OVMF/OVMF_CODE_4M.fd" >"$2" && chmod 644 "$2" || {
        echo "cannot build the SNP firmware image '$2'" >&2
        return 1
    }
}

snp_roots() {
    sh "$1" exec "$SNP_HOST" cat "$SNP_STATE/platform/snp-ark.pem" >"$2/ark.pem" &&
        sh "$1" exec "$SNP_HOST" cat "$SNP_STATE/platform/snp-ask.pem" >"$2/ask.pem" || {
        echo "cannot read the emulated ARK and ASK of test host $SNP_HOST" >&2
        return 1
    }
}
