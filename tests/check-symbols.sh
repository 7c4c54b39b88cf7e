#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libsevirt.so exports exactly the API listed in src/lib/libsevirt.syms:
# nothing more (no internal helper leaks out), nothing less (every listed
# function is still defined), and the list is what the installed headers
# declare.
. "$abs_top_srcdir/tests/test-lib.sh"

syms="$abs_top_srcdir/src/lib/libsevirt.syms"
lib="$abs_top_builddir/src/lib/.libs/libsevirt.so"
: "${NM:=nm}"
# the installed headers, relative to the source tree (set by Makefile.am)
: "${SEVIRT_PUBLIC_HEADERS:?is not set: run through make check}"

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

# What the installed headers declare: functions (one declaration a line,
# comments, macros and static inline helpers, whose name follows a line
# starting with "static", aside) and extern data.
for h in $SEVIRT_PUBLIC_HEADERS; do
    awk '!/^[[:space:]]*(#|\*|\/\*|static|G_DEFINE)/ && prev !~ /^static/ { print } { prev = $0 }' \
        "$abs_top_srcdir/$h" |
        grep -oE '\bsevirt_[a-z0-9_]+[[:space:]]*\(' | tr -d ' ('
    sed -n 's/^extern const [A-Za-z_]* \(sevirt_[a-z0-9_]*\);.*/\1/p' "$abs_top_srcdir/$h"
done | LC_ALL=C sort -u >"$TEST_TMP/declared"

extra=$(LC_ALL=C comm -13 "$TEST_TMP/listed" "$TEST_TMP/exported")
missing=$(LC_ALL=C comm -23 "$TEST_TMP/listed" "$TEST_TMP/exported")
undeclared=$(LC_ALL=C comm -23 "$TEST_TMP/listed" "$TEST_TMP/declared")
unlisted=$(LC_ALL=C comm -13 "$TEST_TMP/listed" "$TEST_TMP/declared")
dups=$(uniq -d "$TEST_TMP/listed")
[ -z "$extra" ] || fail "exported but not in libsevirt.syms: $(echo $extra)"
[ -z "$missing" ] || fail "in libsevirt.syms but not exported: $(echo $missing)"
[ -z "$undeclared" ] || fail "in libsevirt.syms but in no installed header: $(echo $undeclared)"
[ -z "$unlisted" ] || fail "declared in an installed header but not in libsevirt.syms: $(echo $unlisted)"
[ -z "$dups" ] || fail "listed twice in libsevirt.syms: $(echo $dups)"

# An installed header includes installed headers only.
for h in $SEVIRT_PUBLIC_HEADERS; do
    grep -oE '^#include "[^"]+"' "$abs_top_srcdir/$h" | sed 's/.*"\(.*\)"/\1/' |
        while read -r inc; do
            case " $SEVIRT_PUBLIC_HEADERS " in
            *"/$inc "*) ;;
            *) echo "$(basename "$h") includes $inc" ;;
            esac
        done
done >"$TEST_TMP/includes"
[ ! -s "$TEST_TMP/includes" ] || fail "an installed header includes an internal one: $(cat "$TEST_TMP/includes")"

finish
