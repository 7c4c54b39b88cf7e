#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt launch' end to end on the emulated SEV platform, through the real
# libvirtd, QEMU and OVMF: the platform's certificates exported and
# verified, a session made for its PDH, an SEV guest started paused,
# measured, verified, given its disk passphrase and resumed; the emulated
# PSP received exactly the secret sent.  Then every way the launch must
# fail: each ends with the guest shut off, no secret delivered, exit 5 and
# the cause named.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
emu_setup
T=$TEST_TMP
# Debian's OVMF_CODE_4M.fd reserves no secret area: 8 MiB is guest RAM
# OVMF has not used yet when the guest is paused at its start.
GPA=0x800000
OTHER_FW=/usr/share/OVMF/OVMF_CODE.fd
[ -r "$OTHER_FW" ] || skip_or_fail "'$OTHER_FW' not installed (package ovmf)"

# The guest owner's side: the platform's certificates, checked, and a session.
expect 0 sevirt -c "$TEST_URI" export-certs --emulator "$EMU" --out-dir "$T/platform" &&
    out_has "EMULATED SEV PLATFORM"
expect 0 sevirt verify-certs --dir "$T/platform" --ark "$EMU_STATE/platform/ark.cert" \
    --ask "$EMU_STATE/platform/ask.cert" || die "the emulator's chain does not verify"
PDH=$T/platform/pdh.cert

printf 'correct horse battery staple\0' >"$T/passphrase"
chmod 600 "$T/passphrase"

# new_guest LABEL VCPUS POLICY [KEYS_DIR]: defines an attested guest whose
# session is in KEYS_DIR (made for POLICY unless it exists); sets $name,
# $keys, $record.
new_guest() {
    name="${TEST_PREFIX}$1"
    keys=${4:-$T/$1-keys}
    [ -d "$keys" ] || sevirt session --pdh "$PDH" --policy "$3" --out-dir "$keys" >/dev/null ||
        die "$1: no session"
    emu_domain_xml "$name" "$2" "$3" "$keys/godh.b64" "$keys/session.b64" >"$T/$1.xml"
    emu_define "$name" "$T/$1.xml"
    record="$EMU_STATE/domains/$($V domuuid "$name")"
}

# no_secret_delivered LABEL: the guest is shut off and the PSP got nothing.
no_secret_delivered() {
    [ "$($V domstate "$name")" = "shut off" ] || fail "$1: the guest was left $($V domstate "$name")"
    [ ! -e "$record/secret-1.table.bin" ] || fail "$1: a secret reached the guest"
}

# ---------------------------------------------------------------- success
new_guest sev 2 0x33
expect 0 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    out_has "EMULATED SEV PLATFORM: no memory encryption" &&
    out_has "SEV guest, policy 0x0033 (nodbg,noks,domain,sev); the TIK matches its session" &&
    out_has "Started '$name' paused" && out_has "(SEV API 1.55, build 21, policy 0x0033)" &&
    out_has "Measurement verified: firmware '$OVMF'" &&
    out_has "Injected 1 secret at guest address 0x800000" && out_has "Resumed '$name'"
[ "$($V domstate "$name")" = running ] || fail "sev: the guest does not run after the launch"
emu_expected_table "$T/passphrase" >"$T/expected.table"
cmp -s "$T/expected.table" "$record/secret-1.table.bin" ||
    fail "sev: the emulated PSP did not receive the secret that was sent"
grep -q '"gpa" : 8388608' "$record/secret-1.json" || fail "sev: secret address not used"
# what was printed is the measurement libvirt reports
grep -q "\"measurement\" : \"$(sed -n 's/^Measurement \([^ ]*\) .*/\1/p' "$OUT")\"" "$record/launch.json" ||
    fail "sev: the printed measurement is not the platform's"
for f in "$OUT" "$ERR"; do
    grep -q -F "$(base64 -w0 "$keys/tik.bin")" "$f" && fail "sev: the TIK was printed"
    grep -q -F "correct horse" "$f" && fail "sev: the secret was printed"
done
emu_remove "$name"

# --json, --no-resume, a guest already paused at its start, --tk
new_guest paused 1 0x33
cat "$keys/tek.bin" "$keys/tik.bin" >"$keys/tk.bin" && chmod 600 "$keys/tk.bin"
expect 0 $V start --paused "$name"
expect 0 sevirt -c "$TEST_URI" --json launch "$name" --tk "$keys/tk.bin" --firmware "$OVMF" \
    --secret "luks-key:$T/passphrase" --secret-address $GPA --no-resume &&
    err_has "'$name' is paused at its start"
python3 - "$OUT" "$name" <<'EOF' || fail "launch --json: unexpected document"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["domain"] == sys.argv[2] and r["launched"] is True and r["emulated"] is True, r
assert r["started"] is False and r["resumed"] is False and r["secrets"] == 1, r
assert r["secret_address"] == 0x800000 and r["policy"] == 0x33 and r["sev_es"] is False, r
assert (r["api_major"], r["api_minor"], r["build_id"]) == (1, 55, 21), r
assert len(r["launch_digest"]) == 64 and len(r["measurement"]) == 64, r
EOF
[ "$($V domstate "$name")" = paused ] || fail "--no-resume: the guest is $($V domstate "$name")"
cmp -s "$T/expected.table" "$record/secret-1.table.bin" || fail "--no-resume: secret not delivered"
# once resumed, the launch is over: launch leaves the running guest alone
expect 0 $V resume "$name"
expect 1 sevirt -c "$TEST_URI" launch "$name" --tk "$keys/tk.bin" --firmware "$OVMF" &&
    err_has "Domain '$name' is already running" && err_one_line
[ "$($V domstate "$name")" = running ] || fail "launch touched a running guest"
# suspended after it ran, it is paused again but past its launch: refused,
# left paused (not destroyed), nothing injected
expect 0 $V suspend "$name"
expect 1 sevirt -c "$TEST_URI" launch "$name" --tk "$keys/tk.bin" --firmware "$OVMF" \
    --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    err_has "Domain '$name' has run since it started" &&
    err_has "the guest was left paused and no secret was injected" && err_one_line
[ "$($V domstate "$name")" = paused ] || fail "launch of a suspended guest left it $($V domstate "$name")"
[ ! -e "$record/secret-2.table.bin" ] || fail "a secret reached a guest past its launch"
emu_remove "$name"

# ---------------------------------------------------------------- failures
# the wrong firmware given to launch: the domain's loader is named
new_guest wrongfw 1 0x33
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OTHER_FW" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    err_has "The launch measurement does not match: the firmware differs: the measurement matches '$OVMF', the domain's loader, not the expected '$OTHER_FW'" &&
    err_has "the guest was destroyed and no secret was injected" && err_one_line &&
    out_has "Destroyed '$name'"
no_secret_delivered wrongfw
# ... and with --json, the failure as a document
expect 5 sevirt -c "$TEST_URI" --json launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OTHER_FW" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    out_has '"launched" : false' && out_has '"destroyed" : true' && out_has "the firmware differs"
no_secret_delivered wrongfw-json

# a TIK from another session: refused before the guest starts, and a guest
# already paused with it is destroyed
expect 0 sevirt session --pdh "$PDH" --policy 0x33 --out-dir "$T/other-keys"
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$T/other-keys/tek.bin" --tik "$T/other-keys/tik.bin" \
    --firmware "$OVMF" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    err_has "The TIK does not belong to the domain's session" &&
    err_has "the guest was not started and no secret was injected"
no_secret_delivered wrongtik
expect 0 $V start --paused "$name"
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$T/other-keys/tek.bin" --tik "$T/other-keys/tik.bin" \
    --firmware "$OVMF" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    err_has "The TIK does not belong to the domain's session" && err_has "the guest was destroyed"
no_secret_delivered wrongtik-paused

# the expected policy differs from the domain's
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" --policy 0x37 && err_has "The domain's policy 0x0033 differs from the expected 0x0037"
no_secret_delivered policy-expected

# no --secret-address for a firmware without a secret area
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" --secret "luks-key:$T/passphrase" &&
    err_has "Firmware '$OVMF' reserves no launch secret area" && err_has "--secret-address" && err_one_line
no_secret_delivered no-address
emu_remove "$name"

# a session made for another policy than the domain's
new_guest policy 1 0x3 "$T/wrongfw-keys"
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    err_has "The session was made for policy 0x0033, but the domain's policy is 0x0003"
no_secret_delivered policy
emu_remove "$name"

# a tampered dhCert: the emulated PSP refuses the session at LAUNCH_START
mkdir "$T/tampered-keys"
cp "$T/wrongfw-keys/"* "$T/tampered-keys/"
base64 -d <"$T/wrongfw-keys/godh.b64" >"$T/godh.bin"
printf '\125' | dd of="$T/godh.bin" bs=1 seek=40 conv=notrunc 2>/dev/null
base64 -w0 <"$T/godh.bin" >"$T/tampered-keys/godh.b64"
new_guest tampered 1 0x33 "$T/tampered-keys"
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" --secret "luks-key:$T/passphrase" --secret-address $GPA &&
    err_has "The platform refused the guest owner's session at LAUNCH_START" &&
    err_has "fw_error=6" &&
    err_has "the guest was not started and no secret was injected" && err_one_line
no_secret_delivered tampered
emu_remove "$name"

# kernel hashes on a firmware without a hash table area
new_guest kernel 1 0x33 "$T/wrongfw-keys"
head -c 4096 /dev/urandom >"$T/vmlinuz"
sed -e "s|</loader>|</loader><kernel>$T/vmlinuz</kernel>|" \
    -e "s|<launchSecurity type='sev'>|<launchSecurity type='sev' kernelHashes='yes'>|" \
    "$T/kernel.xml" >"$T/kernel-hashes.xml"
$V undefine "$name" >/dev/null && expect 0 $V define "$T/kernel-hashes.xml"
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" && err_has "with kernelHashes='yes': give the kernel"
expect 5 sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
    --firmware "$OVMF" --kernel "$T/vmlinuz" &&
    err_has "Firmware '$OVMF' reserves no kernel hashes area in its footer table"
no_secret_delivered kernel
emu_remove "$name"

finish
