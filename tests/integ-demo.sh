#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README's main-job command, tools/demo.sh, with this build tree's binaries:
# the complete attested launch on the emulated SEV platform passes, says at
# every turn that the platform is emulated, and leaves nothing behind; and
# interrupted half way, it still removes everything it made.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
require_cmd runuser
emu_setup
DEMO="$abs_top_srcdir/tools/demo.sh --builddir $abs_top_builddir --no-build"
# the demo's temporary files go here, so that leftovers show
export TMPDIR="$TEST_TMP/tmp"
mkdir "$TMPDIR"

# nothing_left NAME: no domain, no temporary files, no emulator record
nothing_left() {
    $V domuuid "$1" >/dev/null 2>&1 && fail "the demo left domain '$1'"
    [ -z "$(ls "$TMPDIR")" ] || fail "the demo left $(ls "$TMPDIR") in \$TMPDIR"
    uuid=$(sed -n "s/^Defining domain '$1' (UUID \(.*\))$/\1/p" "$OUT")
    [ -n "$uuid" ] || { fail "the demo did not say which domain it defined"; return; }
    [ ! -e "$EMU_STATE/domains/$uuid" ] || fail "the demo left the emulator's record of '$1'"
}

# ------------------------------------------------------------- the whole job
name=${TEST_PREFIX}demo
on_exit "emu_remove $name"
start=$(date +%s)
# shellcheck disable=SC2086
expect 0 sh $DEMO --name "$name" &&
    out_has "no SEV hardware: the guest gets NO memory encryption" &&
    out_has "Certificate chain verifies" &&
    out_has "Launch session for policy 0x0033 written to" &&
    out_has "Started '$name' paused" && out_has "Measurement verified" &&
    out_has "Injected 1 secret" && out_has "Resumed '$name'" &&
    out_has "State:           running" && out_has "Platform:        EMULATED SEV PLATFORM" &&
    out_has "the passphrase arrived" && out_has "Domain '$name' deleted" &&
    out_has "on an EMULATED SEV platform: no memory encryption, no confidentiality."
elapsed=$(( $(date +%s) - start ))
echo "demo: ${elapsed}s"
[ "$elapsed" -lt 240 ] || fail "the demo took ${elapsed}s"
grep -q -F "correct horse" "$ERR" && fail "the demo printed the passphrase"
nothing_left "$name"

# ---------------------------------------- interrupted: the trap cleans up
name=${TEST_PREFIX}demo-int
on_exit "emu_remove $name"
# shellcheck disable=SC2086
sh $DEMO --name "$name" >"$TEST_TMP/int.out" 2>"$TEST_TMP/int.err" 9>&- &
pid=$!
i=0
until grep -q "^==> Launch" "$TEST_TMP/int.out"; do
    i=$((i + 1))
    [ $i -gt 240 ] && { kill "$pid"; die "the demo did not reach the launch"; }
    sleep 0.5
done
kill -TERM "$pid"
wait "$pid"
status=$?
OUT=$TEST_TMP/int.out
[ "$status" = 130 ] || fail "an interrupted demo exited $status, expected 130"
grep -q "demo: FAILED (exit status 130); everything it made was removed" "$TEST_TMP/int.err" ||
    fail "an interrupted demo did not say so"
out_has "Domain '$name' deleted"
nothing_left "$name"

finish
