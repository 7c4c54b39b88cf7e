#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# sevirt's main job, end to end, on this machine: the attested launch of an
# SEV guest with OVMF under TCG on qemu:///system, on the EMULATED SEV
# platform (a QEMU wrapper playing the AMD Secure Processor: real libvirtd,
# QEMU and OVMF, but no memory encryption and no confidentiality).
#
#   build        sevirt and the emulator under _build/demo, or under
#                /var/tmp/sevirt-demo-build when QEMU's user cannot enter
#                the source tree (an existing configured build is reused)
#   setup        'sevirt emulator-setup --keep-secrets yes': the platform identity
#                and the /dev/sev placeholder libvirt needs
#   owner        export-certs --emulator, then verify-certs under the
#                emulated platform's own ARK and ASK, named with --ark
#                (sevirt otherwise trusts only AMD's built-in roots)
#   create       create --attest: a launch session for the verified PDH,
#                in the definition; the owner's keys in a private directory
#   launch       start paused, verify the measurement, inject the disk
#                passphrase (luks-key), resume
#   status       what libvirt reports of the running guest
#   clean up     delete the guest (and the emulator's record of it), remove
#                the keys and the other temporary files
#
# Run after tools/setup-host.sh, as root.  Leaves nothing behind but the
# build and the emulator's setup, also when a step fails (trap); exits
# non-zero on any failure.
#
# Usage: tools/demo.sh [--builddir DIR [--no-build]] [--name NAME]
#   --builddir DIR  build (or, with --no-build, only use) the tree in DIR
#   --no-build      use DIR's binaries as they are (the test suite does)
#   --name NAME     the guest's name (default: sevirt-demo-PID)
set -eu

usage() {
    echo "usage: $0 [--builddir DIR [--no-build]] [--name NAME]" >&2
    exit 2
}

top=$(cd "$(dirname "$0")/.." && pwd)
build=""
do_build=yes
name="sevirt-demo-$$"
while [ $# -gt 0 ]; do
    case $1 in
    --builddir) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --no-build) do_build=""; shift ;;
    --name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
    *) usage ;;
    esac
done

uri=qemu:///system
ovmf=/usr/share/OVMF/OVMF_CODE_4M.fd
# Debian's OVMF reserves no launch secret area: the passphrase goes to this
# guest physical address, RAM that OVMF has not used yet while the guest is
# paused at its start.
secret_gpa=0x800000
work=""
created=""
started=$(date +%s)

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ -n "$created" ]; then
        step "Clean up: delete the guest, its volumes and the emulator's record of it"
        "$sevirt" -c "$uri" delete "$name" || status=1
    fi
    if [ -n "$work" ]; then
        echo "removing $work (the guest owner's keys and the passphrase)"
        rm -rf "$work"
    fi
    if [ "$status" = 0 ]; then
        printf '\nAttested launch done in %ss on an EMULATED SEV platform: no memory encryption, no confidentiality.\n' \
            "$(( $(date +%s) - started ))"
    else
        printf '\ndemo: FAILED (exit status %s); everything it made was removed\n' "$status" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "sevirt demo: an attested SEV launch through libvirt on an EMULATED SEV platform."
echo "This machine has no SEV hardware: the guest gets NO memory encryption and NO"
echo "confidentiality. Every step below is the one a real SEV host runs."

[ "$(id -u)" = 0 ] || die "run as root (libvirt's qemu:///system, the emulator setup)"
[ -r "$ovmf" ] || die "'$ovmf' is missing: run tools/setup-host.sh first"
command -v python3 >/dev/null 2>&1 || die "python3 is missing: run tools/setup-host.sh first"
virsh -c "$uri" version >/dev/null 2>&1 || die "no libvirtd answers on $uri: run tools/setup-host.sh first"

# libvirt runs the emulator as QEMU's user, who must reach it in the build
# tree: a checkout under a private directory (such as /root) builds in
# /var/tmp instead.
quser=$(stat -c %U /var/lib/libvirt/qemu)
if [ -z "$build" ]; then
    build=$top/_build/demo
    runuser -u "$quser" -- test -x "$top" || build=/var/tmp/sevirt-demo-build
fi
sevirt=$build/src/cli/sevirt
emu=$build/src/emu/sevirt-qemu-emu

if [ -n "$do_build" ]; then
    step "Build sevirt under $build"
    cd "$top"
    [ -x configure ] || NOCONFIGURE=1 ./autogen.sh >/dev/null
    mkdir -p "$build"
    log=$build/demo-build.log
    if ! { [ -f "$build/config.status" ] ||
           (cd "$build" && "$top/configure" -q --disable-integration-tests); } >"$log" 2>&1 ||
       ! make -C "$build" -j"$(nproc 2>/dev/null || echo 2)" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "the build failed (all of it in $log)"
    fi
    echo "built (the log is in $log)"
fi
[ -x "$sevirt" ] && [ -x "$emu" ] || die "no sevirt build in '$build'"
"$sevirt" -c "$uri" version

runuser -u "$quser" -- test -x "$emu" ||
    die "QEMU's user '$quser' cannot run '$emu': a directory on the way is private (such as /root); use a --builddir others may enter (such as under /var/tmp)"

step "Set up the EMULATED SEV platform (no memory encryption, no confidentiality)"
"$sevirt" emulator-setup --emulator "$emu" --keep-secrets yes
platform=$("$emu" --emu-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["identity"]["dir"])')

work=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-demo.XXXXXX")
step "Guest owner: export the platform's certificates and verify their chain"
"$sevirt" -c "$uri" export-certs --emulator "$emu" --out-dir "$work/platform"
# An emulated platform chains to its own ARK and ASK, never to AMD's: sevirt
# trusts only AMD's built-in roots unless another is named with --ark/--ask,
# and then says loudly that the root is not AMD's.
"$sevirt" verify-certs --dir "$work/platform" --ark "$platform/ark.cert" --ask "$platform/ask.cert"

step "Guest owner: the disk passphrase to hand over once the guest is verified"
printf 'correct horse battery staple\0' >"$work/passphrase"
chmod 600 "$work/passphrase"
echo "in $work/passphrase (mode 0600; never printed, never in the domain XML)"

step "Create '$name' with a launch session for the verified PDH (create --attest)"
created=yes
"$sevirt" -c "$uri" create "$name" --attest --pdh "$work/platform/pdh.cert" --policy 0x33 \
    --ark "$platform/ark.cert" --ask "$platform/ask.cert" --keys-dir "$work/keys" --emulator "$emu" --virt-type qemu --cpu qemu64 \
    --firmware "$ovmf" --memory 256 --network none

step "Launch: start paused, verify the measurement, inject the passphrase, resume"
"$sevirt" -c "$uri" launch "$name" --tk "$work/keys/tk.bin" --firmware "$ovmf" \
    --secret "luks-key:$work/passphrase" --secret-address "$secret_gpa"

step "Status of '$name'"
"$sevirt" -c "$uri" status "$name"
[ "$(virsh -c "$uri" domstate "$name")" = running ] || die "'$name' does not run after the launch"
# What the emulated PSP decrypted (kept in clear for tests, dropped by delete).
received="$("$emu" --emu-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["state_dir"])')/domains/$(virsh -c "$uri" domuuid "$name")/secret-1.table.bin"
grep -q -a "correct horse battery staple" "$received" ||
    die "the emulated platform did not receive the passphrase"
echo "The emulated PSP authenticated and decrypted the secret table: the passphrase arrived."
