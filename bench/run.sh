#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: a one-shot job, 'true', from start to exit:
#   sevirt   'sevirt run -- true' on the local libvirtd (transient domain,
#            channels as libvirt streams, teardown);
#   qemu     the same run image started by hand, kavach's way:
#            qemu-system-x86_64 -kernel/-initrd/-append with the same
#            command line and the three virtio-serial ports as files.
# Prints the median wall time of each and the ratio sevirt/qemu (target:
# at most 1.2).  Both use the same accelerator, memory and vCPU count.
#
# Usage: bench/run.sh [-n RUNS] [-c URI] [-a tcg|kvm] [-i IMAGE_DIR]
#   SEVIRT=path/to/sevirt (default: the gcc build under _build/, then PATH)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
runs=5
uri=qemu:///system
accel=tcg
image=${SEVIRT_RUN_IMAGE_DIR:-$top/data/run-guest}
while getopts n:c:a:i: opt; do
    case $opt in
    n) runs=$OPTARG ;;
    c) uri=$OPTARG ;;
    a) accel=$OPTARG ;;
    i) image=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-c URI] [-a tcg|kvm] [-i IMAGE_DIR]" >&2; exit 2 ;;
    esac
done

. "$top/bench/lib.sh"
[ -f "$image/vmlinuz" ] && [ -f "$image/initrd.img" ] ||
    die "no run image in $image (tools/build-run-image.sh)"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 is not installed"
virsh -q -c "$uri" version >/dev/null 2>&1 || die "no libvirtd answers on $uri"
case $accel in
tcg) virt_type=qemu ;;
kvm) virt_type=kvm ;;
*) die "-a: tcg or kvm" ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-bench-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export SEVIRT_RUN_IMAGE_DIR=$image

# The command line 'sevirt run -- true' gives the guest.
argv=$(printf 'true\0' | base64 -w0)
cmdline="console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init sevirt.argv=$argv"

by_hand() {
    "$QEMU" -machine q35,accel="$accel" -m 256 -smp 1 -nographic -nodefaults -no-reboot \
        -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$cmdline" \
        -serial null -device virtio-serial-pci \
        -chardev file,id=o,path="$tmp/stdout" -device virtserialport,chardev=o,name=org.sevirt.run.stdout \
        -chardev file,id=e,path="$tmp/stderr" -device virtserialport,chardev=e,name=org.sevirt.run.stderr \
        -chardev file,id=s,path="$tmp/status" -device virtserialport,chardev=s,name=org.sevirt.run.status &&
        grep -qx 'exit 0' "$tmp/status"
}

with_sevirt() {
    "$SEVIRT" -q -c "$uri" run --virt-type "$virt_type" --memory 256 --vcpus 1 --timeout 300 -- true
}

echo "run image: $image; $runs runs each, accel $accel"
q=$(median_ms by_hand)
s=$(median_ms with_sevirt)
printf '%-8s %10s ms\n' qemu "$q" sevirt "$s"
awk -v s="$s" -v q="$q" 'BEGIN { printf "ratio sevirt/qemu: %.2f (target <= 1.20)\n", s / q }'
