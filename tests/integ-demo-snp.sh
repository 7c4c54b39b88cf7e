#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README's SNP path of the demo, tools/demo-snp.sh, with this build tree's
# binaries: on a trixie test host, measure, id-block, create and a launch
# (the digest computed from the firmware, the guest paused until its report
# verifies under the emulated root, said NOT to be AMD's); it
# says the platform is emulated and leaves no guest, test host or
# temporary files behind; interrupted half way, it still removes them.
. "${abs_top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
BASE=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}
CACHE=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}
DEMO="$abs_top_srcdir/tools/demo-snp.sh"

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter socat flock ip taskset openssl python3
if [ ! -f "$CACHE/trixie-rootfs.stamp" ]; then
    require_cmd mmdebstrap
fi
[ -x "$abs_top_builddir/src/emu/sevirt-qemu-emu" ] || die "emulator not built"
sh "$TH" rootfs 2>"$TEST_TMP/rootfs.err" || {
    sed 's/^/    /' "$TEST_TMP/rootfs.err" >&2
    skip_or_fail "cannot build the trixie root fs (is deb.debian.org reachable?)"
}
export TMPDIR="$TEST_TMP/tmp"
mkdir "$TMPDIR"

# demo_host FILE: the test host the demo said it started
demo_host() { sed -n 's/^test host \(th[0-9]*\): .*/\1/p' "$1"; }
# down_left FILE: stop the demo's host if it is still there (never another)
down_left() {
    h=$(demo_host "$1")
    [ -z "$h" ] || ! sh "$TH" status "$h" >/dev/null 2>&1 || sh "$TH" down "$h"
}

# nothing_left FILE: no test host, no temporary files, no firmware copy
nothing_left() {
    h=$(demo_host "$1")
    [ -n "$h" ] || fail "the demo did not say which test host it started"
    [ -z "$h" ] || [ ! -d "$BASE/$h" ] || fail "the demo left test host $h"
    [ -z "$(ls "$TMPDIR")" ] || fail "the demo left $(ls "$TMPDIR") in \$TMPDIR"
    ! ls -d "$BASE"/demo-snp.* >/dev/null 2>&1 || fail "the demo left $(ls -d "$BASE"/demo-snp.*)"
}

name=${TEST_PREFIX}demo-snp
on_exit "down_left '$TEST_TMP/out'"
expect 0 sh "$DEMO" --builddir "$abs_top_builddir" --name "$name" &&
    out_has "the guest gets NO" && out_has "NOT AMD's" &&
    out_has "id-key-digest:" && out_has "Domain '$name' created" &&
    out_has "Creating volume 'sevirt-demo-snp/$name-disk0.qcow2'" &&
    out_has "Started SEV-SNP guest '$name' paused: the platform accepted its ID block" &&
    out_has "Expected launch digest, from firmware" &&
    out_has "it ran nothing before its report verified" &&
    out_has "==> Clean up: delete '$name' and its volumes" &&
    out_has "PASS measurement" && out_has "PASS report_data" && out_has "PASS id_key_digest" &&
    out_lacks "FAIL" && out_has "'$name' runs the verified launch" &&
    out_has "==> Clean up: stop test host" &&
    out_has "on an EMULATED SEV-SNP platform: no memory encryption, no confidentiality."
! grep -q "BEGIN PRIVATE KEY" "$OUT" "$ERR" || fail "the demo printed a private key"
nothing_left "$OUT"

# interrupted after the host came up: the trap removes it all
on_exit "down_left '$TEST_TMP/int.out'"
sh "$DEMO" --builddir "$abs_top_builddir" --name "$name-int" >"$TEST_TMP/int.out" 2>"$TEST_TMP/int.err" 9>&- &
pid=$!
i=0
until grep -q "^==> Set up the EMULATED SEV-SNP platform" "$TEST_TMP/int.out"; do
    i=$((i + 1))
    [ $i -gt 240 ] && { kill "$pid"; die "the demo did not reach the platform setup"; }
    sleep 0.5
done
kill -TERM "$pid"
wait "$pid"
status=$?
[ "$status" = 130 ] || fail "an interrupted demo exited $status, expected 130"
grep -q "demo: FAILED (exit status 130); everything it made was removed" "$TEST_TMP/int.err" ||
    fail "an interrupted demo did not say so"
grep -q "==> Clean up: stop test host" "$TEST_TMP/int.out" || fail "an interrupted demo did not stop its host"
nothing_left "$TEST_TMP/int.out"

finish
