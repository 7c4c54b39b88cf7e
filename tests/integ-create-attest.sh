#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt create --attest' then 'sevirt launch' on the emulated SEV
# platform, through the real libvirtd, QEMU and OVMF: the session made for
# the platform's PDH (a verified export, or the host's own with its chain
# checked under the platform's roots) is in the definition, the launch
# verifies the measurement and delivers the disk passphrase, and 'delete'
# removes the domain, its volume and the emulator's record of it while the
# guest owner's keys stay.  A chain that does not verify, and a creation
# failing after the session was written, leave nothing behind.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
emu_setup
T=$TEST_TMP
S="sevirt -c $TEST_URI"
# Debian's OVMF_CODE_4M.fd reserves no secret area: 8 MiB is guest RAM
# OVMF has not used yet when the guest is paused at its start.
GPA=0x800000
# the emulated platform's own root: never AMD's, so always named explicitly
ROOTS="--ark $EMU_STATE/platform/ark.cert --ask $EMU_STATE/platform/ask.cert"
GUEST="--emulator $EMU --virt-type qemu --cpu qemu64 --firmware $OVMF --memory 256 --network none"

# a pool for the guest's disk
pool=${TEST_PREFIX}pool
test_pool "$pool"

printf 'correct horse battery staple\0' >"$T/passphrase"
chmod 600 "$T/passphrase"
emu_expected_table "$T/passphrase" >"$T/expected.table"

# gone NAME UUID KEYS: delete removed the domain and the emulator's record;
# the owner's keys stay
gone() {
    $V domuuid "$1" >/dev/null 2>&1 && fail "'$1' is still defined"
    [ ! -e "$EMU_STATE/domains/$2" ] || fail "the emulator's record of '$1' stays"
    [ -s "$3/tk.bin" ] || fail "delete removed the owner's keys in $3"
}

# ------------------------------------------ SEV: a PDH exported and verified
expect 0 $S export-certs --emulator "$EMU" --out-dir "$T/platform"
expect 5 sevirt verify-certs --dir "$T/platform" && err_has "does not lead to an AMD root"
# shellcheck disable=SC2086
expect 0 sevirt verify-certs --dir "$T/platform" $ROOTS && err_has "THE ROOT IS NOT AMD'S" ||
    die "the emulator's chain does not verify"

name=${TEST_PREFIX}sev
on_exit "emu_remove $name"
# the emulator's PDH is refused without its root named
# shellcheck disable=SC2086
expect 5 $S create "$name" --attest --pdh "$T/platform/pdh.cert" --policy 0x33 --keys-dir "$T/keys" \
    --vcpus 2 --disk "pool=$pool,size=1" $GUEST && err_has "does not lead to an AMD root" &&
    err_has "run with --ark FILE --ask FILE"
[ ! -e "$T/keys" ] || fail "a refused chain left keys behind"
$V domuuid "$name" >/dev/null 2>&1 && fail "a refused chain left '$name' defined"
# shellcheck disable=SC2086
expect 0 $S create "$name" --attest --pdh "$T/platform/pdh.cert" $ROOTS --policy 0x33 --keys-dir "$T/keys" \
    --vcpus 2 --disk "pool=$pool,size=1" $GUEST && err_has "THE ROOT IS NOT AMD'S" &&
    out_has "Launch session for policy 0x0033 written to '$T/keys'" && out_has "Domain '$name' created"
uuid=$($V domuuid "$name") || die "'$name' was not defined"
$V dumpxml --inactive "$name" >"$T/sev.xml"
grep -q -F "<dhCert>$(cat "$T/keys/godh.b64")</dhCert>" "$T/sev.xml" || fail "the dhCert is not the session's"
grep -q -F "<session>$(cat "$T/keys/session.b64")</session>" "$T/sev.xml" || fail "the session is not in the XML"
grep -q "stateless='yes'" "$T/sev.xml" || fail "the firmware of an attested launch is not stateless"
grep -q -F "$(base64 -w0 "$T/keys/tik.bin")" "$T/sev.xml" && fail "the TIK is in the XML"

expect 0 $S launch "$name" --tk "$T/keys/tk.bin" --firmware "$OVMF" \
    --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    out_has "EMULATED SEV PLATFORM" && out_has "the TIK matches its session" &&
    out_has "Measurement verified" && out_has "Injected 1 secret" && out_has "Resumed '$name'"
[ "$($V domstate "$name")" = running ] || fail "sev: the guest does not run after the launch"
cmp -s "$T/expected.table" "$EMU_STATE/domains/$uuid/secret-1.table.bin" ||
    fail "sev: the emulated PSP did not receive the passphrase that was sent"
expect 0 $S status "$name" && out_has "Platform:        EMULATED SEV PLATFORM" &&
    out_has "Launch security: sev-policy=51" && out_has "Owned volume:    $pool/${name}-disk0.qcow2"

expect 0 $S delete "$name" && out_has "Deleting volume '$pool/${name}-disk0.qcow2'" &&
    out_has "removed the record of guest $uuid" && out_has "Domain '$name' deleted"
gone "$name" "$uuid" "$T/keys"
$V vol-info --pool "$pool" "${name}-disk0.qcow2" >/dev/null 2>&1 && fail "delete left the disk volume"

# ------------------------------- SEV-ES: the host's PDH, its chain verified
name=${TEST_PREFIX}es
on_exit "emu_remove $name"
# shellcheck disable=SC2086
expect 0 $S --json create "$name" --sev sev-es --vcpus 3 --attest --from-host $ROOTS \
    --keys-dir "$T/es-keys" $GUEST &&
    err_has "EMULATED SEV PLATFORM" && err_has "verifies under '$EMU_STATE/platform/ark.cert'" &&
    err_has "THE ROOT IS NOT AMD'S" && out_has '"amd_root" : false' &&
    out_has '"policy" : 55' && out_has '"emulated" : true' && out_has '"chain_verified" : true'
uuid=$($V domuuid "$name") || die "'$name' was not defined"
# the CPU signature by default: the host's, which the emulated platform uses
expect 0 $S launch "$name" --tk "$T/es-keys/tk.bin" --firmware "$OVMF" \
    --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    out_has "SEV-ES guest, policy 0x0037" && out_has "3 vCPUs with CPU signature" &&
    out_has "(the host's)" && out_has "Resumed '$name'"
cmp -s "$T/expected.table" "$EMU_STATE/domains/$uuid/secret-1.table.bin" ||
    fail "es: the emulated PSP did not receive the passphrase that was sent"
expect 0 $S delete "$name"
gone "$name" "$uuid" "$T/es-keys"

# ------------------------------------------------------- nothing left over
# a chain that does not verify under the roots given: nothing made
C=$(vectors_dir)/sev-certs
name=${TEST_PREFIX}roots
# shellcheck disable=SC2086
expect 5 $S create "$name" --attest --from-host --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" \
    --keys-dir "$T/roots-keys" $GUEST && err_has "does not verify under '$C/rome/ark.cert'"
[ ! -e "$T/roots-keys" ] || fail "a refused chain left keys behind"
$V domuuid "$name" >/dev/null 2>&1 && fail "a refused chain left '$name' defined"
# the host's (the emulator's) chain without --ark: refused, nothing made
# shellcheck disable=SC2086
expect 5 $S create "$name" --attest --from-host --keys-dir "$T/roots-keys" $GUEST &&
    err_has "does not lead to an AMD root" && err_has "run with --ark FILE --ask FILE"
[ ! -e "$T/roots-keys" ] || fail "a refused chain left keys behind"
$V domuuid "$name" >/dev/null 2>&1 && fail "a refused chain left '$name' defined"

# the creation fails after the session was written: all of it undone
name=${TEST_PREFIX}rollback
# shellcheck disable=SC2086
expect 7 $S create "$name" --attest --pdh "$T/platform/pdh.cert" $ROOTS --keys-dir "$T/rb-keys" \
    --disk "pool=$pool,size=1" --emulator "$EMU" --virt-type qemu --cpu qemu64 \
    --firmware "$OVMF" --memory 256 --network network=${TEST_PREFIX}nosuch &&
    err_has "step 'networks' failed" && err_has "rolled back (removed '$pool/${name}-disk0.qcow2')" &&
    out_has "Undoing: removing the launch session written to '$T/rb-keys'"
[ ! -e "$T/rb-keys" ] || fail "the rollback left the session files"
$V vol-info --pool "$pool" "${name}-disk0.qcow2" >/dev/null 2>&1 && fail "the rollback left the volume"

finish
