#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The attested launch on the emulated SEV platform, driven with raw libvirt
# calls (virsh) so that libvirt's own SEV code runs: start paused ->
# domlaunchsecinfo -> the expected measurement computed by sevirt and by
# libvirt's virt-qemu-sev-validate -> domsetlaunchsecstate -> resume, for
# SEV and SEV-ES with several vCPUs; then what the emulated PSP refuses.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
require_cmd virt-qemu-sev-validate
# The validator says "#!/usr/bin/env python3"; run it with Debian's Python,
# which has its lxml, whatever python3 comes first in PATH.
VALIDATE="/usr/bin/python3 $(command -v virt-qemu-sev-validate)"
emu_setup
PDH="$EMU_STATE/platform/pdh.cert"
# The emulated platform's chain is under its own root, not AMD's: session
# verifies the PDH's chain and must be told that root.
ARK=$EMU_STATE/platform/ark.cert
ASK=$EMU_STATE/platform/ask.cert
# Debian's OVMF_CODE_4M.fd has no secret area: an address is needed, as
# QEMU needs one.  8 MiB is guest RAM that OVMF has not used yet.
GPA=8388608

# attested_launch LABEL VCPUS POLICY [ES-OPTIONS...]: ES-OPTIONS go to
# sevirt verify-measurement (offline, it must be told the vCPUs and CPU);
# libvirt's validator, connected, reads them from the domain and the host
# capabilities, which the emulated platform's CPU must agree with.
attested_launch() {
    label=$1 vcpus=$2 policy=$3
    shift 3
    name="${TEST_PREFIX}$label"
    keys="$TEST_TMP/$label-keys"
    serial="$TEST_TMP/$label-serial.log"

    expect 0 sevirt session --pdh "$PDH" --ark "$ARK" --ask "$ASK" --policy "$policy" \
        --out-dir "$keys" || return
    EMU_SERIAL_LOG=$serial emu_domain_xml "$name" "$vcpus" "$policy" \
        "$keys/godh.b64" "$keys/session.b64" >"$TEST_TMP/$label.xml"
    emu_define "$name" "$TEST_TMP/$label.xml"
    expect 0 $V start --paused "$name" || return
    uuid=$($V domuuid "$name")
    record="$EMU_STATE/domains/$uuid"

    # what libvirt reports of the launch
    measurement=$(secinfo "$name" sev-measurement)
    [ "$(secinfo "$name" sev-api-major)" = 1 ] || fail "$label: sev-api-major"
    [ "$(secinfo "$name" sev-api-minor)" = 55 ] || fail "$label: sev-api-minor"
    [ "$(secinfo "$name" sev-build-id)" = 21 ] || fail "$label: sev-build-id"
    [ "$(secinfo "$name" sev-policy)" = "$(printf %d "$policy")" ] || fail "$label: sev-policy"
    [ -n "$measurement" ] || { fail "$label: no measurement"; return; }

    # the guest owner's check, by sevirt and by libvirt's own validator
    expect 0 sevirt verify-measurement --measurement "$measurement" \
        --api-major 1 --api-minor 55 --build-id 21 --policy "$policy" \
        --firmware "$OVMF" --tik "$keys/tik.bin" "$@" &&
        out_has "measurement matches"
    expect 0 $VALIDATE --connect "$TEST_URI" --domain "$name" \
        --tek "$keys/tek.bin" --tik "$keys/tik.bin" --firmware "$OVMF" --insecure
    # ... and a wrong firmware does not match
    expect 5 sevirt verify-measurement --measurement "$measurement" \
        --api-major 1 --api-minor 55 --build-id 21 --policy "$policy" \
        --firmware /usr/share/OVMF/OVMF_CODE.fd --tik "$keys/tik.bin" "$@"

    # ... nor does the TIK of another session
    expect 0 sevirt session --pdh "$PDH" --ark "$ARK" --ask "$ASK" --policy "$policy" \
        --out-dir "$keys-other"
    expect 5 sevirt verify-measurement --measurement "$measurement" \
        --api-major 1 --api-minor 55 --build-id 21 --policy "$policy" \
        --firmware "$OVMF" --tik "$keys-other/tik.bin" "$@"

    # a packet whose MAC does not match is refused as firmware refuses it
    printf 'correct horse battery staple\0' >"$keys/passphrase"
    chmod 600 "$keys/passphrase"
    expect 0 sevirt build-secret --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
        --measurement "$measurement" --secret "luks-key:$keys/passphrase" \
        --header-out "$keys/header.b64" --payload-out "$keys/payload.b64" || return
    base64 -d <"$keys/header.b64" >"$keys/header.bin"
    printf '\001' | dd of="$keys/header.bin" bs=1 seek=40 conv=notrunc 2>/dev/null
    base64 -w0 <"$keys/header.bin" >"$keys/bad-header.b64"
    expect 1 $V domsetlaunchsecstate "$name" --secrethdr "$keys/bad-header.b64" \
        --secret "$keys/payload.b64" --set-address $GPA &&
        err_has "fw_error=11 'Bad measurement'"
    [ ! -e "$record/secret-1.table.bin" ] || fail "$label: a refused secret was stored"
    # without an address, as QEMU: this firmware has no secret area
    expect 1 $V domsetlaunchsecstate "$name" --secrethdr "$keys/header.b64" --secret "$keys/payload.b64" &&
        err_has "no secret area found in OVMF, gpa must be specified"
    # outside guest RAM
    expect 1 $V domsetlaunchsecstate "$name" --secrethdr "$keys/header.b64" \
        --secret "$keys/payload.b64" --set-address 68719476736 &&
        err_has "Failed to calculate guest address"

    # the right packet: the emulated PSP decrypts exactly what was sent
    expect 0 $V domsetlaunchsecstate "$name" --secrethdr "$keys/header.b64" \
        --secret "$keys/payload.b64" --set-address $GPA || return
    emu_expected_table "$keys/passphrase" >"$keys/expected.table"
    cmp -s "$keys/expected.table" "$record/secret-1.table.bin" ||
        fail "$label: the emulator did not receive the secret that was sent"
    grep -q "\"gpa\" : $GPA" "$record/secret-1.json" || fail "$label: secret address not recorded"
    grep -q "\"measurement\" : \"$measurement\"" "$record/launch.json" || fail "$label: launch record"
    [ "$(stat -c %a "$record/secret-1.table.bin")" = 600 ] || fail "$label: received secret is not 0600"

    # resume: OVMF runs (it reaches its shell on the serial console)
    expect 0 $V resume "$name"
    [ "$($V qemu-monitor-command "$name" '{"execute":"query-sev"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["state"])')" = running ] ||
        fail "$label: query-sev does not say running after resume"
    i=0
    until grep -q "Shell>" "$serial" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 240 ] && { fail "$label: OVMF did not reach its shell"; tail -c 300 "$serial" >&2; break; }
        sleep 0.5
    done
    # injection after the launch finished is refused, as QEMU does
    expect 1 $V domsetlaunchsecstate "$name" --secrethdr "$keys/header.b64" \
        --secret "$keys/payload.b64" --set-address $GPA
    grep -q "EMULATED SEV PLATFORM: no memory encryption" "/var/log/libvirt/qemu/$name.log" ||
        fail "$label: the domain log lacks the emulation notice"
    emu_remove "$name"
}

attested_launch sev 2 0x33
# shellcheck disable=SC2046
attested_launch es 4 0x37 --num-cpus 4 $(emu_cpu_options)

# --- launches the emulated PSP refuses at LAUNCH_START
keys="$TEST_TMP/neg-keys"
expect 0 sevirt session --pdh "$PDH" --ark "$ARK" --ask "$ASK" --policy 0x33 --out-dir "$keys" &&
    err_has "THE ROOT IS NOT AMD'S"

# a tampered dhCert (one byte of the owner's public key)
base64 -d <"$keys/godh.b64" >"$TEST_TMP/godh.bin"
printf '\125' | dd of="$TEST_TMP/godh.bin" bs=1 seek=40 conv=notrunc 2>/dev/null
base64 -w0 <"$TEST_TMP/godh.bin" >"$TEST_TMP/godh-tampered.b64"
name="${TEST_PREFIX}tampered"
emu_domain_xml "$name" 1 0x33 "$TEST_TMP/godh-tampered.b64" "$keys/session.b64" >"$TEST_TMP/t.xml"
emu_define "$name" "$TEST_TMP/t.xml"
expect 1 $V start --paused "$name" && err_has "LAUNCH_START" && err_has "fw_error="
[ "$($V domstate "$name")" = "shut off" ] || fail "a refused launch left the guest running"

# a session made for another policy
name="${TEST_PREFIX}policy"
emu_domain_xml "$name" 1 0x3 "$keys/godh.b64" "$keys/session.b64" >"$TEST_TMP/p.xml"
emu_define "$name" "$TEST_TMP/p.xml"
expect 1 $V start --paused "$name" && err_has "fw_error=11 'Bad measurement'" && err_has "policy"
[ "$($V domstate "$name")" = "shut off" ] || fail "a refused launch left the guest running"

# measured direct kernel boot on a firmware without a hashes area: refused
# as QEMU refuses it
head -c 4096 /dev/urandom >"$TEST_TMP/vmlinuz"
chmod 644 "$TEST_TMP/vmlinuz"
chmod 755 "$TEST_TMP"
name="${TEST_PREFIX}hashes"
emu_domain_xml "$name" 1 0x33 | sed -e "s|<launchSecurity type='sev'>|<launchSecurity type='sev' kernelHashes='yes'>|" \
    -e "s|</loader>|</loader><kernel>$TEST_TMP/vmlinuz</kernel><cmdline>console=ttyS0</cmdline>|" >"$TEST_TMP/h.xml"
emu_define "$name" "$TEST_TMP/h.xml"
expect 1 $V start --paused "$name" && err_has "SEV: kernel specified but guest firmware has no hashes table GUID"

finish
