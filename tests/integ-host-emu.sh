#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# host-info and host-check with the emulated SEV platform, against the real
# libvirtd: the platform is called emulated (no memory encryption) with
# what the emulator says about itself; its /dev/sev placeholder passes there
# and fails the check for SEV hardware; no ASID limit and no locked memory.
# And user networking where libvirt refuses passt (Debian 12): said in
# sevirt's words by host-info, host-check and create, before create makes
# anything.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
emu_setup
S="sevirt -c $TEST_URI"

# What the emulator says about itself, to compare with.
"$EMU" --emu-info >"$TEST_TMP/emu-info.json" || die "'$EMU --emu-info' failed"
emu_field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "$TEST_TMP/emu-info.json" "$1"
}
api="$(emu_field api_major).$(emu_field api_minor)"
emulates="SEV API $api build $(emu_field build_id), CPU family $(emu_field cpu_family) model $(emu_field cpu_model) stepping $(emu_field cpu_stepping)"

# ---- host-info: emulated, with its state, API version and CPU signature
expect 0 $S host-info --emulator "$EMU" --virt-type qemu
out_has "Emulator:        $EMU (qemu, "
out_has "Platform:        EMULATED by sevirt: guests get NO memory encryption and NO confidentiality"
out_has "Emulator state:  $EMU_STATE"
out_has "Identity:        $EMU_STATE/platform"
out_has "Emulates:        $emulates"
out_has "SEV:             yes (cbitpos 51, reduced-phys-bits 1)"
out_has "SEV-ES:          yes"
out_has "SEV guests:      " && out_has "no slot limit (the emulated platform has no ASIDs)"
out_lacks "slots free"

expect 0 $S --json host-info --emulator "$EMU" --virt-type qemu
python3 - "$OUT" "$TEST_TMP/emu-info.json" "$EMU_STATE" <<'EOF' || fail "host-info --json: wrong emulated platform"
import json, sys
info = json.load(open(sys.argv[1]))
emu = json.load(open(sys.argv[2]))
p = info["emulated_platform"]
assert info["emulated"] is True, info["emulated"]
assert "no memory encryption" in p["notice"], p
assert p["state_dir"] == sys.argv[3], p
assert p["identity_dir"] == sys.argv[3] + "/platform", p
assert p["api_version"] == "%d.%d" % (emu["api_major"], emu["api_minor"]), p
for k in ("build_id", "cpu_family", "cpu_model", "cpu_stepping", "qemu"):
    assert p[k] == emu[k], (k, p[k], emu[k])
assert p["error"] is None, p
sev = info["sev"]
# libvirt says 0 and 0 (the host's CPUID): no limit, not "no room"
assert sev["slots_limited"] is False, sev
for k in ("max_guests", "max_es_guests", "free_slots", "es_free_slots"):
    assert sev[k] is None, (k, sev[k])
assert info["types"] == ["sev", "sev-es"], info["types"]
EOF

# ---- host-check --emulator: passes, says what the platform is
expect 0 $S host-check --emulator "$EMU" --virt-type qemu
out_has "WARN  emulated platform: $EMU is sevirt's emulated SEV platform: guests get no memory encryption and no confidentiality"
out_has "PASS  emulated platform identity: certificates in $EMU_STATE/platform ($emulates)"
out_has "PASS  /dev/sev: /dev/sev is the placeholder 'sevirt emulator-setup' created (the null device 1:3)"
out_has "PASS  free ASID slots: no ASID limit: the platform is emulated"
out_has "PASS  locked memory limit: not needed: guests of the emulated platform lock no memory"
out_lacks "FAIL"
expect 0 $S --json host-check --emulator "$EMU" --virt-type qemu &&
    out_has '"emulated" : true' && out_has '"passed" : true' && out_has "\"state_dir\" : \"$EMU_STATE\""

# ---- the placeholder is no SEV hardware: the host's own QEMU fails on it
expect 4 $S host-check
out_has "FAIL  /dev/sev: /dev/sev is the null device (1:3) that 'sevirt emulator-setup' created for the emulated platform: harmless, but no SEV hardware is behind it"
out_has "'sevirt emulator-setup --undo'"

# ---- an emulator whose state directory was never set up
SEVIRT_EMU_STATE_DIR="$TEST_TMP/never-set-up"
export SEVIRT_EMU_STATE_DIR
expect 4 $S host-check --emulator "$EMU" --virt-type qemu
out_has "FAIL  emulated platform identity: no platform identity in $TEST_TMP/never-set-up"
out_has "fix: run 'sevirt emulator-setup --emulator $EMU' as root"
expect 0 $S host-info --emulator "$EMU" --virt-type qemu &&
    out_has "Identity:        none (" && out_has "run 'sevirt emulator-setup'"
unset SEVIRT_EMU_STATE_DIR

# ---- user networking: does this libvirt know the passt backend?
cat >"$TEST_TMP/passt.xml" <<EOF
<domain type='qemu'>
  <name>${TEST_PREFIX}passt</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices><interface type='user'><backend type='passt'/></interface></devices>
</domain>
EOF
if virsh -c "$TEST_URI" domxml-to-native qemu-argv "$TEST_TMP/passt.xml" >/dev/null 2>"$TEST_TMP/passt.err"; then
    expect 0 $S host-check --emulator "$EMU" --virt-type qemu &&
        out_has "PASS  user-mode networking (passt): libvirt accepts the passt backend"
    expect 0 $S host-info && out_has "User network:    yes (passt)"
    finish
fi
grep -q "Invalid value for attribute 'type' in element 'backend': 'passt'" "$TEST_TMP/passt.err" ||
    die "libvirt refuses the passt probe for another reason: $(cat "$TEST_TMP/passt.err")"
refusal="this host's libvirt was built without passt support: user-mode networking with port forwarding is unavailable"

expect 0 $S host-check --emulator "$EMU" --virt-type qemu &&
    out_has "WARN  user-mode networking (passt): $refusal" &&
    out_has "fix: use --network network=NAME or bridge=BR"
expect 0 $S host-info && out_has "User network:    no: $refusal"
expect 0 $S --json host-info && out_has '"passt" : false'

# create refuses before it makes anything: no volume, no seed, no domain
pool=${TEST_PREFIX}pool
dom=${TEST_PREFIX}user
test_pool "$pool"
on_exit "$V destroy $dom; $V undefine --nvram $dom"
expect 4 $S create "$dom" --sev none --virt-type qemu --memory 256 --disk "pool=$pool,size=1" \
    --ssh-key "$abs_top_srcdir/tests/data/cloudinit/id_test.pub" --network user,portfwd=2222:22 &&
    err_has "error: $refusal; use network=NAME or bridge=BR" && err_one_line && err_lacks "XML error"
[ -z "$($V vol-list "$pool")" ] || fail "create left volumes behind: $($V vol-list "$pool")"
$V dominfo "$dom" >/dev/null 2>&1 && fail "create left domain $dom behind"
# and so does the connected XML generator
expect 4 $S xml "$dom" --sev none --network user && err_has "$refusal" && err_one_line

finish
