#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The whole test suite, as CI runs it (after tools/setup-host.sh):
#   1. gcc build with -Werror, 'make check': unit, command-line and
#      integration tests against the real libvirtd, QEMU and OVMF;
#   2. the unit tests under valgrind ('make check-valgrind');
#   3. an ASan/UBSan build running the unit and command-line tests;
#   4. a clang build with -Werror and its unit tests;
#   5. 'make distcheck';
#   6. a clang --enable-fuzzing build running each fuzz target for a short
#      smoke ($FUZZ_SECONDS per target, default 20; tests/fuzz/run.sh).
# Build trees live under _build/ (under /var/tmp/sevirt-build-* when QEMU's
# user cannot enter the source tree: libvirt runs the built emulator as it).
# Usage: tools/run-tests.sh [STEP...] where STEP is gcc, valgrind, asan, clang, distcheck or fuzz (default: all).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
steps=${*:-gcc valgrind asan clang distcheck fuzz}
cd "$top"

say() { printf '\n==== %s ====\n' "$*"; }

builds=$top/_build
if [ -d /var/lib/libvirt/qemu ]; then
    quser=$(stat -c %U /var/lib/libvirt/qemu)
    runuser -u "$quser" -- test -x "$top" 2>/dev/null ||
        builds=/var/tmp/sevirt-build-$(printf %s "$top" | cksum | cut -d' ' -f1)
fi

[ -x configure ] || { say "autogen"; NOCONFIGURE=1 ./autogen.sh >/dev/null; }

# configure_in DIR ARGS...: (re)configure an out-of-tree build in DIR.
configure_in() {
    dir=$1
    shift
    mkdir -p "$dir"
    if [ ! -f "$dir/config.status" ] || [ "$top/configure" -nt "$dir/config.status" ]; then
        (cd "$dir" && "$top/configure" -q "$@")
    fi
}

show_failures() {
    find "$1" -name '*.log' -path '*tests*' -newer "$1/config.status" 2>/dev/null |
        while read -r log; do
            if grep -q -E '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null; then
                echo "---- $log"
                tail -n 60 "$log"
            fi
        done
}

run_check() {
    dir=$1
    shift
    if ! make -C "$dir" -j"$jobs" "$@"; then
        show_failures "$dir"
        exit 1
    fi
}

# The guest 'sevirt run' boots (tests/integ-run.sh), from Debian packages;
# kept beside the builds and rebuilt only when its inputs change.
run_image() {
    sh "$top/tools/build-run-image.sh" --output "$builds/run-guest"
    SEVIRT_RUN_IMAGE_DIR=$builds/run-guest
    export SEVIRT_RUN_IMAGE_DIR
}

start=$(date +%s)
for step in $steps; do
    t0=$(date +%s)
    case $step in
    gcc)
        say "gcc build and full test suite"
        configure_in "$builds/gcc" CC=gcc
        make -C "$builds/gcc" -j"$jobs"
        run_image
        run_check "$builds/gcc" check
        ;;
    valgrind)
        say "unit tests under valgrind"
        configure_in "$builds/gcc" CC=gcc
        run_check "$builds/gcc" check-valgrind
        ;;
    asan)
        say "ASan/UBSan build: unit and command-line tests"
        configure_in "$builds/asan" CC=gcc --enable-asan --disable-integration-tests
        make -C "$builds/asan" -j"$jobs"
        run_check "$builds/asan" check
        ;;
    clang)
        say "clang build with -Werror"
        configure_in "$builds/clang" CC=clang --disable-integration-tests
        make -C "$builds/clang" -j"$jobs"
        run_check "$builds/clang" check
        ;;
    distcheck)
        say "make distcheck"
        configure_in "$builds/gcc" CC=gcc
        run_image
        make -C "$builds/gcc" -j"$jobs" distcheck
        ;;
    fuzz)
        say "libFuzzer smoke: ${FUZZ_SECONDS:-20}s per target"
        configure_in "$builds/fuzz" CC=clang --enable-fuzzing --disable-integration-tests
        make -C "$builds/fuzz" -j"$jobs"
        sh "$top/tests/fuzz/run.sh" -b "$builds/fuzz" -t "${FUZZ_SECONDS:-20}" -j "$jobs"
        ;;
    *)
        echo "run-tests: unknown step '$step'" >&2
        exit 2
        ;;
    esac
    echo "---- $step: $(( $(date +%s) - t0 ))s"
done
say "all steps passed in $(( $(date +%s) - start ))s"
