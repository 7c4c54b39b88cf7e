#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# sevirt fleet with an attested launch per guest, against two bookworm test
# hosts (tools/testhosts.sh) and the emulated SEV platform: each guest gets
# a session for its host's platform (verified under the emulated root, which
# every result calls NOT AMD's), is launched, measured and given its disk
# passphrase; a guest expecting another firmware fails its measurement, is
# deleted with its session and counted as failed (exit 8); a run with the
# right firmware converges, and the keys are the owner's (0600, never shown).
. "${abs_top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
# A base directory of its own: other tests bring test hosts up at the same time.
BASE=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}-integ-fleet-attest
SEVIRT_TESTHOSTS_DIR=$BASE
export SEVIRT_TESTHOSTS_DIR

EMU=$abs_top_builddir/src/emu/sevirt-qemu-emu
OVMF=${SEVIRT_TEST_OVMF:-/usr/share/OVMF/OVMF_CODE_4M.fd}
# Debian's OVMF_CODE_4M.fd reserves no secret area: 8 MiB is guest RAM
# OVMF has not used yet when the guest is paused at its start.
GPA=0x800000

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter flock ip python3 cmp stat
[ -x "$EMU" ] || die "emulator '$EMU' not built"
[ -r "$OVMF" ] || skip_or_fail "OVMF firmware '$OVMF' not installed (package ovmf)"

# The emulated platform: its state is the machine's, which the bookworm
# test hosts share (they run the machine's own binaries on its root).
sevirt emulator-setup --emulator "$EMU" --keep-secrets yes >"$TEST_TMP/setup.out" 2>&1 ||
    { cat "$TEST_TMP/setup.out" >&2; die "emulator-setup failed"; }
EMU_STATE=$("$EMU" --emu-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["state_dir"])')
[ -n "$EMU_STATE" ] || die "the emulator reports no state directory"

UP=$(sh "$TH" up 2 2>"$TEST_TMP/up.err") || {
    sed 's/^/    /' "$TEST_TMP/up.err" >&2
    die "'testhosts.sh up 2' failed"
}
for n in $(echo "$UP" | cut -f1); do
    on_exit "sh '$TH' down $n"
done
u1=$(echo "$UP" | sed -n 1p | cut -f2)
u2=$(echo "$UP" | sed -n 2p | cut -f2)

D=$TEST_TMP
chmod 755 "$D"
printf 'correct horse battery staple\0' >"$D/passphrase"
chmod 600 "$D/passphrase"
# the plaintext secret table the emulated PSP must receive (one luks-key entry)
python3 - "$D/passphrase" >"$D/expected.table" <<'EOF'
import sys, uuid
def guid(s): return uuid.UUID(s).bytes_le
data = open(sys.argv[1], "rb").read()
entry = guid("736869e5-84f0-4973-92ec-06879ce3da0b") + (20 + len(data)).to_bytes(4, "little") + data
table = guid("1e74f542-71dd-4d66-963e-ef4287ff173b") + (20 + len(entry)).to_bytes(4, "little") + entry
table += b"\0" * (-len(table) % 16)
sys.stdout.buffer.write(table)
EOF
# the firmware a guest owner wrongly expects: one byte off
cp "$OVMF" "$D/other.fd"
printf '\001' | dd of="$D/other.fd" bs=1 seek=4096 conv=notrunc 2>/dev/null

cat >"$D/guest.yaml" <<EOF
memory: 256
vcpus: 1
virt_type: qemu
cpu: qemu64
emulator: $EMU
firmware: $OVMF
networks: [none]
sev: {type: sev, policy: 0x33}
EOF
# manifest FIRMWARE_OF_GROUP_BAD
manifest() {
    cat >"$D/fleet.yaml" <<EOF
fleet: ${TEST_PREFIX}a
hosts: ['$u1', '$u2']
guests:
  - name: ok-{index}
    count: 3
    spec: guest.yaml
    attest: {keys_dir: keys, firmware: '$OVMF', secret: 'luks-key:passphrase',
             secret_address: $GPA,
             ark: '$EMU_STATE/platform/ark.cert', ask: '$EMU_STATE/platform/ask.cert'}
  - name: bad
    spec: guest.yaml
    attest: {keys_dir: keys, firmware: '$1', secret: 'luks-key:passphrase',
             secret_address: $GPA,
             ark: '$EMU_STATE/platform/ark.cert', ask: '$EMU_STATE/platform/ask.cert'}
EOF
}
on_exit "sevirt fleet destroy '$D/fleet.yaml'"

# host_of NAME: the URI of the test host that runs NAME
host_of() {
    for u in "$u1" "$u2"; do
        virsh -c "$u" domuuid "$1" >/dev/null 2>&1 && { echo "$u"; return 0; }
    done
    return 1
}
# got_secret NAME: NAME runs and the emulated PSP received the passphrase
got_secret() {
    u=$(host_of "$1") || { fail "'$1' is on no host"; return; }
    [ "$(virsh -c "$u" domstate "$1")" = running ] || fail "'$1' does not run"
    uuid=$(virsh -c "$u" domuuid "$1")
    cmp -s "$D/expected.table" "$EMU_STATE/domains/$uuid/secret-1.table.bin" ||
        fail "'$1': the emulated PSP did not receive the passphrase that was sent"
    for f in tek.bin tik.bin tk.bin; do
        [ "$(stat -c %a "$D/keys/$1/$f")" = 600 ] || fail "'$1': $f is not mode 0600"
    done
    virsh -c "$u" dumpxml --inactive "$1" | grep -q -F "<session>$(cat "$D/keys/$1/session.b64")</session>" ||
        fail "'$1': its definition does not carry the session in keys/$1"
}

# the plan already says the root is not AMD's
manifest "$D/other.fd"
expect 0 sevirt --json fleet plan "$D/fleet.yaml"
grep -q "THE ROOT IS NOT AMD'S" "$OUT" || fail "plan --json: no warning about the root: $(cat "$OUT")"

# three guests launched with their secret; 'bad' fails its measurement
expect 8 sevirt fleet apply "$D/fleet.yaml"
err_has "THE ROOT IS NOT AMD'S"
err_has "create bad failed:"
grep "create bad failed:" "$ERR" | grep -q -i "measurement" || fail "the failure of 'bad' names no measurement: $(cat "$ERR")"
[ "$(grep -c "attested: measurement verified, secret injected; THE ROOT IS NOT AMD'S" "$OUT")" = 3 ] ||
    fail "three attested guests expected: $(cat "$OUT")"
err_has "Partly applied: 3 changes made, 1 failed"
for g in ok-1 ok-2 ok-3; do
    got_secret "$g"
done
host_of bad >/dev/null && fail "'bad' is left defined after its failed measurement"
[ ! -e "$D/keys/bad" ] || fail "the session of 'bad' is left in keys/bad"
# the secret and the keys are never shown
for f in "$OUT" "$ERR"; do
    grep -q "correct horse" "$f" && fail "the passphrase is in the output"
    grep -q -F "$(base64 -w0 "$D/keys/ok-1/tk.bin")" "$f" && fail "a transport key is in the output"
done

# the right firmware: a re-run makes 'bad' only, then nothing is left to do
manifest "$OVMF"
expect 0 sevirt fleet apply "$D/fleet.yaml"
out_has "Plan: 1 to create, 0 to replace, 0 to delete, 3 unchanged."
got_secret bad
expect 0 sevirt fleet apply "$D/fleet.yaml"
out_has "No changes: the fleet '${TEST_PREFIX}a' is as the manifest says (4 guests)."

expect 0 sevirt fleet destroy "$D/fleet.yaml"
out_has "4 guests removed"
finish
