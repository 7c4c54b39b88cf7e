#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs the libFuzzer targets of a build configured with --enable-fuzzing
# (CC=clang), each for a while, starting from its seed corpus.  The corpus is
# copied to a scratch folder first, so the source tree is never written to;
# the inputs a run adds stay there (printed at the end) for whoever wants to
# keep some.  Exits non-zero at the first crash, leak or timeout, printing
# the path of the input that caused it.
#
# Usage: tests/fuzz/run.sh [-t SECONDS] [-b BUILDDIR] [TARGET...]
#   -t SECONDS   per target (default: $FUZZ_SECONDS, else 60)
#   -b BUILDDIR  the --enable-fuzzing build (default: $FUZZ_BUILDDIR, else _build-fuzz)
#   TARGET       names such as specfile or emu-qmp (default: every corpus)
# Extra libFuzzer options may be given in $FUZZ_ARGS (e.g. "-jobs=4 -workers=4").
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
builddir=${FUZZ_BUILDDIR:-$top/_build-fuzz}

while getopts t:b: opt; do
    case $opt in
    t) seconds=$OPTARG ;;
    b) builddir=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-b BUILDDIR] [TARGET...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
case $seconds in
'' | *[!0-9]*) echo "run.sh: -t needs a whole number of seconds, not '$seconds'" >&2; exit 2 ;;
esac
builddir=$(cd "$builddir" 2>/dev/null && pwd) || {
    echo "run.sh: no build in '$builddir': configure one with --enable-fuzzing CC=clang" >&2
    exit 2
}
"$builddir/config.status" --config 2>/dev/null | grep -q -- '--enable-fuzzing' || {
    echo "run.sh: '$builddir' was not configured with --enable-fuzzing" >&2
    exit 2
}

targets=${*:-$(cd "$top/tests/fuzz/corpus" && for d in */; do printf '%s ' "${d%/}"; done)}
work=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-fuzz.XXXXXX")
echo "run.sh: $seconds s per target; corpora and findings under $work"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
for name in $targets; do
    bin=$builddir/tests/fuzz/fuzz-$name
    seeds=$top/tests/fuzz/corpus/$name
    [ -d "$seeds" ] || { echo "run.sh: no corpus tests/fuzz/corpus/$name" >&2; exit 2; }
    make -s -C "$builddir" "tests/fuzz/fuzz-$name" >/dev/null
    mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
    find "$seeds" -type f ! -name README -exec cp {} "$work/$name/corpus/" \;
    dict=
    [ -f "$top/tests/fuzz/dict/$name.dict" ] && dict=-dict=$top/tests/fuzz/dict/$name.dict
    echo "==== fuzz-$name: $seconds s"
    # shellcheck disable=SC2086
    if "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$work/$name/artifacts/" $dict ${FUZZ_ARGS:-} \
            "$work/$name/corpus" >"$work/$name/log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$work/$name/log" || true
    else
        tail -n 60 "$work/$name/log"
        for crash in "$work/$name/artifacts"/*; do
            [ -f "$crash" ] && echo "run.sh: fuzz-$name failed on input: $crash"
        done
        echo "run.sh: reproduce with: $bin <input>   (log: $work/$name/log)"
        status=1
        break
    fi
done
[ $status = 0 ] && echo "run.sh: no crash; the corpora grown by this run are in $work"
exit $status
