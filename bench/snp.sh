#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark of the SEV-SNP guest-owner commands:
#  - 'sevirt measure --mode snp' over a 4 MiB OVMF image with 8 vCPUs
#    against its floor, 'openssl dgst -sha384' over the same file (both
#    whole processes; the goal is at most 1.3x);
#  - 'sevirt verify-report' of one report with its chain, and of a batch of
#    reports sharing one chain check (time per report; the goal is under
#    10 ms per report).
# The 4 MiB image is the SEV-enabled AmdSev OVMF's last 4 KiB (its footer
# table and SEV metadata) preceded by random bytes, so that the digest is
# over real firmware-sized input with real metadata.
#
# Usage: bench/snp.sh [-n RUNS] [-b BATCH]
#   SEVIRT=path/to/sevirt (default: the gcc build under _build/, then PATH)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
runs=20
batch=50
while getopts n:b: opt; do
    case $opt in
    n) runs=$OPTARG ;;
    b) batch=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-b BATCH]" >&2; exit 2 ;;
    esac
done

. "$top/bench/lib.sh"
command -v openssl >/dev/null || die "openssl is not installed"

data=$top/tests/data/snp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c $((4 * 1024 * 1024 - 4096)) /dev/urandom >"$tmp/ovmf.fd"
cat "$data/measure/ovmf_AmdSev_suffix.bin" >>"$tmp/ovmf.fd"


# median_pair_ms "CMD A" "CMD B": the median wall times of A and of B, run
# alternately, so that a machine busy with something else weighs on both
# alike (word-split commands: no spaces in their arguments)
median_pair_ms() {
    : >"$tmp/times-a"
    : >"$tmp/times-b"
    j=0
    while [ $j -lt "$runs" ]; do
        for which in a b; do
            if [ $which = a ]; then cmd=$1; else cmd=$2; fi
            t0=$(now_ns)
            # shellcheck disable=SC2086
            $cmd >/dev/null 2>&1 || die "run failed: $cmd"
            t1=$(now_ns)
            echo $(( (t1 - t0) / 1000 )) >>"$tmp/times-$which"
        done
        j=$((j + 1))
    done
    for which in a b; do
        sort -n "$tmp/times-$which" | awk '{ a[NR] = $1 } END {
            m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
            printf "%.2f ", m / 1000 }'
    done
}

printf '%s runs each, median wall time of a whole process; load average %s\n' \
    "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"

# shellcheck disable=SC2046
set -- $(median_pair_ms "$SEVIRT measure --mode snp --vcpus 8 --vcpu-type EPYC-Milan --ovmf $tmp/ovmf.fd" \
                        "openssl dgst -sha384 $tmp/ovmf.fd")
ours=$1
floor=$2
# what loading sevirt and its libraries costs before any work
startup=$(median_ms "$SEVIRT" measure --help)
printf '%-44s %10s ms\n' "sevirt measure --mode snp, 4 MiB, 8 vCPUs" "$ours"
printf '%-44s %10s ms\n' "openssl dgst -sha384, same file (floor)" "$floor"
printf '%-44s %10s ms\n' "sevirt startup alone (measure --help)" "$startup"
awk -v a="$ours" -v b="$floor" 'BEGIN { printf "%-44s %10.2fx (goal <= 1.3x)\n", "ratio to the floor", a / b }'

G=$data/report/go-sev-guest-milan-vcek
set -- --vcek "$G/vcek.der" --ark "$G/ark.pem" --ask "$G/ask.pem"
"$SEVIRT" -q verify-report "$G/attestation.bin" "$@" >/dev/null || die "the sample report does not verify"
one=$(median_ms "$SEVIRT" verify-report "$G/attestation.bin" "$@")
i=0
reports=
while [ $i -lt "$batch" ]; do
    cp "$G/attestation.bin" "$tmp/report-$i.bin"
    reports="$reports $tmp/report-$i.bin"
    i=$((i + 1))
done
# shellcheck disable=SC2086
many=$(median_ms "$SEVIRT" verify-report $reports "$@")
printf '%-44s %10s ms\n' "verify-report, 1 report with its chain" "$one"
awk -v t="$many" -v n="$batch" 'BEGIN {
    printf "%-44s %10.2f ms per report (%s ms for %d; goal < 10 ms)\n",
           "verify-report, batch with one chain check", t / n, t, n }'
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
