#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The installed sevirt is a front (src/cli/main.c built with
# SEVIRT_CLI_FRONT) that runs the offline commands without loading libvirt
# and execs sevirt-full for the others.  Holds it to that: it links none of
# libvirt, libxml2, libyaml and libisofs (sevirt-full does, so the check can
# see them), runs an offline command in-process, and hands every other
# command line to sevirt-full unchanged, with its exit status.
. "$abs_top_srcdir/tests/test-lib.sh"

front="$abs_top_builddir/src/cli/sevirt"
full="$abs_top_builddir/src/cli/sevirt-full"
: "${READELF:=readelf}"
heavy='lib(virt|virt-qemu|xml2|yaml|isofs)[-.]'

command -v "$READELF" >/dev/null || skip_or_fail "$READELF is not installed"
[ -x "$front" ] && [ -x "$full" ] || die "build src/cli/sevirt and src/cli/sevirt-full first"

needed() {
    "$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

needed "$full" >"$TEST_TMP/full.needed" || die "$READELF cannot read $full"
grep -Eq "^libvirt\." "$TEST_TMP/full.needed" ||
    die "sevirt-full does not link libvirt: is $READELF reading the programs? ($(tr '\n' ' ' <"$TEST_TMP/full.needed"))"
needed "$front" >"$TEST_TMP/front.needed" || die "$READELF cannot read $front"
grep -Eq "^libglib-2\.0\." "$TEST_TMP/front.needed" ||
    fail "the front does not link GLib: is $READELF reading the programs? ($(tr '\n' ' ' <"$TEST_TMP/front.needed"))"
heavy_found=$(grep -E "^$heavy" "$TEST_TMP/front.needed" | tr '\n' ' ')
[ -z "$heavy_found" ] ||
    fail "src/cli/sevirt links $heavy_found: the offline commands must start without them (see HACKING, 'The front')"

# Delegation, with a stand-in sevirt-full next to a copy of the front: it
# says what it was given and exits 42.
case $(head -c 4 "$front" | od -An -c | tr -d ' ') in
*ELF) ;;
*) skip_or_fail "$front is not an ELF program (a libtool wrapper?)" ;;
esac
mkdir "$TEST_TMP/bin"
cp "$front" "$TEST_TMP/bin/sevirt"
cat >"$TEST_TMP/bin/sevirt-full" <<'EOF'
#!/bin/sh
echo "sevirt-full: $*"
exit 42
EOF
chmod +x "$TEST_TMP/bin/sevirt-full"

out=$("$TEST_TMP/bin/sevirt" -c test:///default --json host-info 'two words' 2>&1)
rc=$?
[ "$rc" -eq 42 ] || fail "host-info: the front exited $rc, not sevirt-full's 42"
[ "$out" = "sevirt-full: -c test:///default --json host-info two words" ] ||
    fail "host-info: sevirt-full was not given the command line unchanged: $out"
for args in "help" "--help" "--version" "complete -- sev" "nosuchcmd" "" "-c" "--bogus measure"; do
    # shellcheck disable=SC2086
    out=$("$TEST_TMP/bin/sevirt" $args 2>&1)
    rc=$?
    [ "$rc" -eq 42 ] && [ "$out" = "sevirt-full: $args" ] ||
        fail "'sevirt $args' was not handed to sevirt-full (exit $rc): $out"
done

report="$abs_top_srcdir/tests/data/snp/report/go-sev-guest-milan-vcek/attestation.bin"
[ -f "$report" ] || die "$report is missing"
for args in "report-info" "-q report-info" "--json -- report-info"; do
    # shellcheck disable=SC2086
    out=$("$TEST_TMP/bin/sevirt" $args "$report" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] || fail "'sevirt $args REPORT' exited $rc in the front: $out"
    case $out in
    *sevirt-full*) fail "'sevirt $args REPORT' went to sevirt-full" ;;
    esac
done
out=$("$TEST_TMP/bin/sevirt" measure --help 2>&1)
case $out in
*"sevirt measure"*"--vcpu-type"*) ;;
*) fail "'sevirt measure --help' is not the front's own: $out" ;;
esac

# Without one next to it the front runs the installed sevirt-full, and says
# so when there is none.
rm "$TEST_TMP/bin/sevirt-full"
: "${SEVIRT_PKGLIBEXECDIR:?is not set: run through make check}"
if [ ! -e "$SEVIRT_PKGLIBEXECDIR/sevirt-full" ]; then
    out=$("$TEST_TMP/bin/sevirt" host-info 2>&1)
    rc=$?
    [ "$rc" -eq 1 ] && [ "$out" = "error: cannot run $SEVIRT_PKGLIBEXECDIR/sevirt-full: No such file or directory" ] ||
        fail "without sevirt-full: exit $rc: $out"
fi

finish
