#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: 'sevirt verify-measurement' against libvirt's
# virt-qemu-sev-validate (offline mode) on the same inputs: a real 4 MiB
# OVMF image, plain SEV and SEV-ES with 4 vCPUs.  Each tool first has to
# accept the other's measurement; then each runs RUNS times and the median
# wall time of a whole process run is compared.
#
# (policies are given in decimal: the validator takes no hexadecimal)
#
# Usage: bench/verify.sh [-n RUNS] [-f FIRMWARE]
#   SEVIRT=path/to/sevirt (default: the gcc build under _build/, then PATH)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
runs=20
firmware=/usr/share/OVMF/OVMF_CODE_4M.fd
while getopts n:f: opt; do
    case $opt in
    n) runs=$OPTARG ;;
    f) firmware=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-f FIRMWARE]" >&2; exit 2 ;;
    esac
done

. "$top/bench/lib.sh"
VALIDATE=$(command -v virt-qemu-sev-validate) || die "virt-qemu-sev-validate is not installed (libvirt-clients-qemu)"
# Debian's python3 has the modules the validator imports; a pyenv or venv
# python3 earlier in PATH may not.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
[ -f "$firmware" ] || die "no firmware '$firmware' (package ovmf)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 32 /dev/urandom >"$tmp/tk.bin"
chmod 600 "$tmp/tk.bin"
nonce=$(head -c 16 /dev/urandom | base64)
info="--api-major 1 --api-minor 51 --build-id 3"


printf 'firmware: %s (%s bytes), %s runs each, median wall time per run\n' \
    "$firmware" "$(stat -c %s "$firmware")" "$runs"
printf '%-18s %14s %30s %8s\n' "case" "sevirt (ms)" "virt-qemu-sev-validate (ms)" "ratio"

bench_case() {
    name=$1
    shift
    # shellcheck disable=SC2086
    measurement=$("$SEVIRT" verify-measurement --print-expected --nonce "$nonce" "$@" --tk "$tmp/tk.bin")
    # both tools must accept the measurement before timing means anything
    "$SEVIRT" -q verify-measurement --measurement "$measurement" "$@" --tk "$tmp/tk.bin" ||
        die "$name: sevirt rejects its own measurement"
    "$PY" "$VALIDATE" --quiet --measurement "$measurement" "$@" --tk "$tmp/tk.bin" ||
        die "$name: virt-qemu-sev-validate rejects sevirt's measurement"
    ours=$(median_ms "$SEVIRT" -q verify-measurement --measurement "$measurement" "$@" --tk "$tmp/tk.bin")
    theirs=$(median_ms "$PY" "$VALIDATE" --quiet --measurement "$measurement" "$@" --tk "$tmp/tk.bin")
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1fx", b / a }')
    printf '%-18s %14s %30s %8s\n' "$name" "$ours" "$theirs" "$ratio"
}

# shellcheck disable=SC2086
bench_case "SEV" $info --policy 3 --firmware "$firmware"
# shellcheck disable=SC2086
bench_case "SEV-ES, 4 vCPUs" $info --policy 7 --firmware "$firmware" --num-cpus 4 \
    --cpu-family 25 --cpu-model 1 --cpu-stepping 1
echo "ratio: how many times faster sevirt is"
