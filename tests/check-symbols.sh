#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libsevirt.so exports exactly the API listed in src/lib/libsevirt.syms:
# nothing more (no internal helper leaks out) and nothing less (every listed
# function is still defined).
. "$abs_top_srcdir/tests/test-lib.sh"

syms="$abs_top_srcdir/src/lib/libsevirt.syms"
lib="$abs_top_builddir/src/lib/.libs/libsevirt.so"
: "${NM:=nm}"

[ -f "$lib" ] || skip_or_fail "$lib was not built (--disable-shared?)"
[ -f "$syms" ] || die "$syms is missing"

# The names of the version script's global: sections, one a line.
sed -n -e '/global:/,/local:/p' "$syms" |
    sed -e 's/#.*//' -e 's/[[:space:]]//g' |
    grep -E '^[A-Za-z_][A-Za-z0-9_]*;$' | tr -d ';' | LC_ALL=C sort >"$TEST_TMP/listed"
[ -s "$TEST_TMP/listed" ] || die "no symbol found in $syms"

# Defined dynamic symbols, without version suffixes and the version nodes
# themselves (absolute symbols).
$NM -D --defined-only "$lib" |
    awk '$(NF-1) != "A" { sub(/@.*/, "", $NF); print $NF }' |
    LC_ALL=C sort -u >"$TEST_TMP/exported"
[ -s "$TEST_TMP/exported" ] || die "$NM lists no symbol in $lib"

extra=$(LC_ALL=C comm -13 "$TEST_TMP/listed" "$TEST_TMP/exported")
missing=$(LC_ALL=C comm -23 "$TEST_TMP/listed" "$TEST_TMP/exported")
dups=$(uniq -d "$TEST_TMP/listed")
[ -z "$extra" ] || fail "exported but not in libsevirt.syms: $(echo $extra)"
[ -z "$missing" ] || fail "in libsevirt.syms but not exported: $(echo $missing)"
[ -z "$dups" ] || fail "listed twice in libsevirt.syms: $(echo $dups)"

# A public header must not pull in an internal one.
for h in "$abs_top_srcdir"/src/lib/sevirt*.h; do
    case $h in *-private.h|*/sevirt-util.h|*/sevirt-psp.h|*/sevirt-certmint.h) continue ;; esac
    if grep -nE '#include "sevirt-(util|psp|certmint)\.h"|#include "[^"]*-private\.h"' "$h" >"$TEST_TMP/inc"; then
        fail "$(basename "$h") includes an internal header: $(cat "$TEST_TMP/inc")"
    fi
done

finish
