#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The SEV-SNP path of the demo: a verified SNP launch on one trixie test
# host (tools/testhosts.sh: libvirt 11.3, QEMU 10.0 under TCG) on the
# EMULATED SEV-SNP platform (no memory encryption, no confidentiality).
#
#   host         one trixie test host that sees the build tree
#   setup        the emulated platform inside it, the 4 MiB OVMF ROM image
#   measure      the launch digest the guest owner expects (sevirt measure)
#   id-block     an ID block and its auth block, signed with fresh P-384
#                ID and author keys (sevirt id-block)
#   create       an sev-snp guest carrying them, with a disk in a pool of
#                the test host (sevirt create, through libvirt 11.3)
#   launch       sevirt launch --firmware: the digest expected computed
#                from the owner's firmware and the guest's vCPUs; start
#                paused, fetch an attestation report with a fresh nonce,
#                verify it under the emulated ARK and ASK (said to be NOT
#                AMD's), and only then resume the guest
#   clean up     the guest and its volumes (sevirt delete), the test host,
#                the keys (trap: also on failure)
#
# Run as root after tools/setup-host.sh with a build (tools/demo.sh makes
# one).  The first run builds the trixie root fs (mmdebstrap, network).
#
# Usage: tools/demo-snp.sh [--builddir DIR] [--name NAME]
#   --builddir DIR  the build tree to use (default: tools/demo.sh's)
#   --name NAME     the guest's name (default: sevirt-demo-snp-PID)
set -eu

usage() {
    echo "usage: $0 [--builddir DIR] [--name NAME]" >&2
    exit 2
}

top=$(cd "$(dirname "$0")/.." && pwd)
build=""
name="sevirt-demo-snp-$$"
while [ $# -gt 0 ]; do
    case $1 in
    --builddir) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
    *) usage ;;
    esac
done
if [ -z "$build" ]; then
    build=$top/_build/demo
    [ -x "$build/src/cli/sevirt" ] || build=/var/tmp/sevirt-demo-build
fi
build=$(cd "$build" 2>/dev/null && pwd) || { echo "demo: no build directory '$build'" >&2; exit 1; }
sevirt=$build/src/cli/sevirt
emu=$build/src/emu/sevirt-qemu-emu
th=$top/tools/testhosts.sh
cache=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}
base=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}
. "$top/tools/snp-host-lib.sh"

SNP_HOST=""
work=""
shared=""
defined=""
started=$(date +%s)

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

cleanup() {
    status=$?
    trap - EXIT INT TERM
    # a create that failed has undone its own steps
    if [ -n "$defined" ] && virsh -q -c "$SNP_URI" domstate "$name" >/dev/null 2>&1; then
        step "Clean up: delete '$name' and its volumes"
        "$sevirt" -c "$SNP_URI" delete "$name" || status=1
    fi
    if [ -n "$SNP_HOST" ]; then
        step "Clean up: stop test host $SNP_HOST"
        sh "$th" down "$SNP_HOST" || status=1
    fi
    for d in "$work" "$shared"; do
        if [ -n "$d" ]; then
            echo "removing $d"
            rm -rf "$d"
        fi
    done
    if [ "$status" = 0 ]; then
        printf '\nVerified SEV-SNP launch done in %ss on an EMULATED SEV-SNP platform: no memory encryption, no confidentiality.\n' \
            "$(( $(date +%s) - started ))"
    else
        printf '\ndemo: FAILED (exit status %s); everything it made was removed\n' "$status" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "sevirt demo, SEV-SNP path: a verified SNP launch on a trixie test host, on an"
echo "EMULATED SEV-SNP platform.  This machine has no SEV hardware: the guest gets NO"
echo "memory encryption and NO confidentiality; the attestation report is signed by"
echo "the emulator's own VCEK, under a root that is NOT AMD's."

[ "$(id -u)" = 0 ] || die "run as root (test hosts need namespaces and mounts)"
[ -x "$sevirt" ] && [ -x "$emu" ] || die "no sevirt build in '$build': run tools/demo.sh first, or name one with --builddir"
for c in python3 openssl virsh; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' is missing: run tools/setup-host.sh first"
done

step "Bring up a trixie test host (libvirt 11.3, QEMU 10.0, TCG) that sees $build"
work=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-demo-snp.XXXXXX")
sh "$th" rootfs || die "cannot build the trixie root fs (is deb.debian.org reachable?)"
snp_host_up "$th" "$build" || die "'testhosts.sh up 1 --flavour trixie' failed"
echo "test host $SNP_HOST: $SNP_URI"

step "Set up the EMULATED SEV-SNP platform in $SNP_HOST (no memory encryption, no confidentiality)"
snp_host_setup "$th" "$emu" "$work" || die "the emulated platform setup failed"
shared=$base/demo-snp.$$
mkdir -p "$shared" && chmod 755 "$shared"
fw=$shared/OVMF_4M.fd
snp_firmware "$cache" "$fw" || die "no firmware image"
snp_roots "$th" "$work" || die "no emulated roots"
echo "platform in $SNP_STATE; firmware ROM $fw; the emulated ARK and ASK in $work"

step "Guest owner: the expected launch digest (sevirt measure --mode snp, 2 vCPUs)"
# shellcheck disable=SC2086
"$sevirt" measure --mode snp --ovmf "$fw" --vcpus 2 $SNP_CPU >"$work/measure.out"
cat "$work/measure.out"
digest=$(tail -n 1 "$work/measure.out")

step "Guest owner: an ID block for that digest and policy 0x30000 (sevirt id-block)"
umask 077
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$work/id.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$work/author.pem" 2>/dev/null
umask 022
echo "fresh ID and author keys in $work (mode 0600, never printed)"
"$sevirt" id-block --measurement "$digest" --policy 0x30000 --idkey "$work/id.pem" \
    --authorkey "$work/author.pem" --id-block-out "$work/id.blk" --id-auth-out "$work/id.auth" \
    >"$work/id-block.out"
# the blocks themselves are long base64: show what the report will carry
grep -e '-digest:' "$work/id-block.out"
echo "ID block and auth block in $work/id.blk and $work/id.auth"

step "Create the sev-snp guest '$name' with the ID block, in $SNP_HOST (sevirt create)"
pool=sevirt-demo-snp
mkdir -p "$shared/pool" && chmod 755 "$shared/pool"
virsh -q -c "$SNP_URI" pool-create-as "$pool" dir --target "$shared/pool" >/dev/null
echo "pool '$pool' in $shared/pool (made through libvirt; it goes with the test host)"
defined=yes
"$sevirt" -c "$SNP_URI" create "$name" --sev sev-snp --policy 0x30000 --virt-type qemu \
    --emulator "$emu" --firmware "$fw" --cpu qemu64 --memory 256 --vcpus 2 --network none \
    --disk "pool=$pool,size=1" --id-block "$work/id.blk" --id-auth "$work/id.auth" --author-key

step "Launch: the digest expected from the owner's firmware; start paused, verify a report with a fresh nonce (EMULATED root, NOT AMD's), resume"
"$sevirt" -c "$SNP_URI" launch "$name" --firmware "$fw" --ark "$work/ark.pem" --ask "$work/ask.pem"

step "State of '$name'"
state=$(virsh -c "$SNP_URI" domstate "$name")
echo "$state"
[ "$state" = running ] || die "'$name' does not run after the verified launch"
