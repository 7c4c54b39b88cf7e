#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs the libFuzzer targets of a build configured with --enable-fuzzing
# (CC=clang), each for a while, starting from its seed corpus.  The corpus is
# copied to a scratch folder first, so the source tree is never written to;
# the inputs a run adds stay there (printed at the end) for whoever wants to
# keep some.  Exits non-zero on a crash, leak or timeout (the targets after
# it in the same lane are not run), printing the path of the input that
# caused it.
#
# Usage: tests/fuzz/run.sh [-t SECONDS] [-j JOBS] [-b BUILDDIR] [TARGET...]
#   -t SECONDS   per target (default: $FUZZ_SECONDS, else 60)
#   -j JOBS      targets fuzzed at the same time (default: $FUZZ_JOBS, else 1)
#   -b BUILDDIR  the --enable-fuzzing build (default: $FUZZ_BUILDDIR, else _build-fuzz)
#   TARGET       names such as specfile or emu-qmp (default: every corpus)
# Extra libFuzzer options may be given in $FUZZ_ARGS (e.g. "-jobs=4 -workers=4").
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
builddir=${FUZZ_BUILDDIR:-$top/_build-fuzz}

while getopts t:j:b: opt; do
    case $opt in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    b) builddir=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-j JOBS] [-b BUILDDIR] [TARGET...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
case $seconds in
'' | *[!0-9]*) echo "run.sh: -t needs a whole number of seconds, not '$seconds'" >&2; exit 2 ;;
esac
case $jobs in
'' | 0 | *[!0-9]*) echo "run.sh: -j needs a number of jobs, not '$jobs'" >&2; exit 2 ;;
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
for name in $targets; do
    [ -d "$top/tests/fuzz/corpus/$name" ] || { echo "run.sh: no corpus tests/fuzz/corpus/$name" >&2; exit 2; }
done
# shellcheck disable=SC2046
make -s -C "$builddir" -j"$jobs" $(for name in $targets; do echo "tests/fuzz/fuzz-$name"; done) >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-fuzz.XXXXXX")
echo "run.sh: $seconds s per target, $jobs at a time; corpora and findings under $work"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# fuzz_one NAME: fuzzes a scratch copy of NAME's corpus; its report goes to
# $work/NAME/report, its status is the fuzzer's.
fuzz_one() {
    name=$1
    bin=$builddir/tests/fuzz/fuzz-$name
    dir=$work/$name
    mkdir -p "$dir/corpus" "$dir/artifacts"
    find "$top/tests/fuzz/corpus/$name" -type f ! -name README -exec cp {} "$dir/corpus/" \;
    dict=
    [ -f "$top/tests/fuzz/dict/$name.dict" ] && dict=-dict=$top/tests/fuzz/dict/$name.dict
    # shellcheck disable=SC2086
    if "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$dir/artifacts/" $dict ${FUZZ_ARGS:-} \
            "$dir/corpus" >"$dir/log" 2>&1; then
        {
            echo "==== fuzz-$name: $seconds s, no crash"
            grep -E '^stat::(number_of_executed_units|new_units_added)' "$dir/log" || true
        } >"$dir/report"
        return 0
    fi
    {
        echo "==== fuzz-$name: FAILED"
        tail -n 60 "$dir/log"
        for crash in "$dir/artifacts"/*; do
            [ -f "$crash" ] && echo "run.sh: fuzz-$name failed on input: $crash"
        done
        echo "run.sh: reproduce with: $bin <input>   (log: $dir/log)"
    } >"$dir/report"
    return 1
}

# $jobs lanes, each fuzzing its share of the targets one after the other
# and stopping at its first failure.
lane=0
pids=
while [ $lane -lt "$jobs" ]; do
    (
        i=0
        for name in $targets; do
            if [ $((i % jobs)) = $lane ]; then
                fuzz_one "$name" || exit 1
            fi
            i=$((i + 1))
        done
    ) &
    pids="$pids $!"
    lane=$((lane + 1))
done
status=0
for pid in $pids; do
    wait "$pid" || status=1
done
for name in $targets; do
    [ -f "$work/$name/report" ] && cat "$work/$name/report"
done
[ $status = 0 ] && echo "run.sh: no crash; the corpora grown by this run are in $work"
exit $status
