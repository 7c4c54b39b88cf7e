#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# sevirt's main job, end to end, on this machine: an attested launch of an
# SEV guest with OVMF under TCG on qemu:///system, on the EMULATED SEV
# platform (a QEMU wrapper playing the AMD Secure Processor: no memory
# encryption, no confidentiality; real libvirtd, QEMU and OVMF).
#
#   build        sevirt and the emulator under _build/demo
#   setup        'sevirt emulator-setup': the emulator's platform identity
#                and the /dev/sev placeholder libvirt needs
#   owner        export-certs -> verify-certs -> (session, inside create)
#   create       a guest carrying the owner's dhCert and session
#   launch       start paused, verify the measurement, inject the disk
#                passphrase, resume
#   status       what libvirt reports of the running guest
#   clean up     the guest, its NVRAM and volumes, the keys
#
# Run after tools/setup-host.sh, as root.  Leaves nothing behind but the
# build tree and the emulator's setup; exits non-zero on any failure.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/_build/demo
uri=qemu:///system
ovmf=/usr/share/OVMF/OVMF_CODE_4M.fd
name="sevirt-demo-$$"
# Debian's OVMF reserves no secret area: the passphrase goes to this guest
# physical address, RAM that OVMF has not used yet while the guest is paused.
secret_gpa=0x800000
work=""
created=""

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

cleanup() {
    status=$?
    if [ -n "$created" ]; then
        step "Clean up: delete the guest, its NVRAM and the volumes sevirt created"
        "$sevirt" -c "$uri" delete "$name" || status=1
    fi
    [ -n "$work" ] && rm -rf "$work"
    if [ $status = 0 ]; then
        printf '\nThe attested launch succeeded, on an EMULATED SEV platform (no memory encryption).\n'
    else
        printf '\ndemo: FAILED (exit %s)\n' "$status" >&2
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "run as root (libvirt's qemu:///system, the emulator setup)"
[ -r "$ovmf" ] || die "'$ovmf' is missing: run tools/setup-host.sh first"
virsh -c "$uri" version >/dev/null 2>&1 || die "no libvirtd answers on $uri: run tools/setup-host.sh first"

step "Build sevirt under _build/demo"
cd "$top"
[ -x configure ] || NOCONFIGURE=1 ./autogen.sh >/dev/null
mkdir -p "$build"
[ -f "$build/config.status" ] || (cd "$build" && "$top/configure" -q --disable-integration-tests)
make -C "$build" -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
sevirt=$build/src/cli/sevirt
emu=$build/src/emu/sevirt-qemu-emu
"$sevirt" version -c "$uri"

step "Set up the EMULATED SEV platform (no memory encryption, no confidentiality)"
"$sevirt" emulator-setup --emulator "$emu"
state=$("$emu" --emu-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["state_dir"])')
work=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-demo.XXXXXX")

step "Guest owner: export the platform's certificates and verify their chain"
"$sevirt" -c "$uri" export-certs --emulator "$emu" --out-dir "$work/platform"
# An emulated platform chains to its own ARK and ASK, never to AMD's.
cp "$state/platform/ark.cert" "$state/platform/ask.cert" "$work/platform/"
"$sevirt" verify-certs --dir "$work/platform"

step "Guest owner: the disk passphrase to hand over once the guest is verified"
printf 'correct horse battery staple\0' >"$work/passphrase"
chmod 600 "$work/passphrase"
echo "secret in $work/passphrase (mode 0600, never printed)"

step "Create '$name': a session for the platform's PDH, embedded in the domain"
created=yes
"$sevirt" -c "$uri" create "$name" --attest --pdh "$work/platform/pdh.cert" --policy 0x33 \
    --keys-dir "$work/keys" --emulator "$emu" --virt-type qemu --cpu qemu64 \
    --firmware "$ovmf" --memory 256 --network none

step "Launch: start paused, verify the measurement, inject the passphrase, resume"
"$sevirt" -c "$uri" launch "$name" --tek "$work/keys/tek.bin" --tik "$work/keys/tik.bin" \
    --firmware "$ovmf" --secret "luks-key:$work/passphrase" --secret-address "$secret_gpa"

step "Status of '$name'"
"$sevirt" -c "$uri" status "$name"
uuid=$(virsh -c "$uri" domuuid "$name")
received="$state/domains/$uuid/secret-1.table.bin"
[ -s "$received" ] || die "the emulated platform did not receive the secret"
echo "The emulated PSP decrypted and authenticated $(wc -c <"$received") bytes of secret table for '$name'."
