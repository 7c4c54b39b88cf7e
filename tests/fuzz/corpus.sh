#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every fuzz target over its seed corpus (tests/fuzz/corpus/NAME/, which
# also keeps the reproducers of crashes found and fixed): each input once,
# as a regression test.  With --enable-fuzzing the targets are libFuzzer
# binaries, which run the files they are given once each as well.
. "$abs_top_srcdir/tests/test-lib.sh"

corpora=$abs_top_srcdir/tests/fuzz/corpus
found=0
for dir in "$corpora"/*/; do
    name=$(basename "$dir")
    target=$abs_top_builddir/tests/fuzz/fuzz-$name
    found=$((found + 1))
    if [ ! -x "$target" ]; then
        fail "corpus '$name' has no target $target"
        continue
    fi
    # shellcheck disable=SC2046
    if ! $SEVIRT_TEST_WRAPPER "$target" $(find "$dir" -type f ! -name README | sort) \
            >"$TEST_TMP/$name.log" 2>&1; then
        tail -n 40 "$TEST_TMP/$name.log" >&2
        fail "fuzz-$name crashed on its corpus (above)"
    fi
done
[ "$found" -gt 0 ] || fail "no corpus under $corpora"
finish
