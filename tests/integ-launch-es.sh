#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt launch' of SEV-ES guests with several vCPUs on the emulated SEV
# platform: the VMSAs of every vCPU are measured, so the launch must know
# the vCPU count and the CPU signature; when they differ from the guest's,
# it says which.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
emu_setup
T=$TEST_TMP
GPA=0x800000
PDH=$EMU_STATE/platform/pdh.cert
# The emulated platform's chain is under its own root, not AMD's: session
# verifies the PDH's chain and must be told that root.
ARK=$EMU_STATE/platform/ark.cert
ASK=$EMU_STATE/platform/ask.cert

# The emulated platform's CPU and VMSA reset values, as its VMSAs carry them.
CPU=$(emu_cpu_options)
FPU=""
NOT_FPU="--vmsa-fpu-init"
if [ "$(emu_info vmsa_fpu_init)" = true ]; then
    FPU="--vmsa-fpu-init"
    NOT_FPU=""
fi

printf 'correct horse battery staple\0' >"$T/passphrase"
chmod 600 "$T/passphrase"
name="${TEST_PREFIX}es"
keys=$T/keys
expect 0 sevirt session --pdh "$PDH" --ark "$ARK" --ask "$ASK" --policy 0x37 --out-dir "$keys" ||
    die "no session"
emu_domain_xml "$name" 4 0x37 "$keys/godh.b64" "$keys/session.b64" >"$T/es.xml"
emu_define "$name" "$T/es.xml"
record="$EMU_STATE/domains/$($V domuuid "$name")"

# launch_es EXIT OPTIONS...: runs the launch with the keys and the passphrase.
launch_es() {
    want=$1
    shift
    # shellcheck disable=SC2086
    expect "$want" sevirt -c "$TEST_URI" launch "$name" --tek "$keys/tek.bin" --tik "$keys/tik.bin" \
        --firmware "$OVMF" --secret "luks-key:$T/passphrase" --secret-address $GPA "$@"
}
shut_off_without_secret() {
    [ "$($V domstate "$name")" = "shut off" ] || fail "$1: the guest was left $($V domstate "$name")"
    [ ! -e "$record/secret-1.table.bin" ] || fail "$1: a secret reached the guest"
}

# the wrong vCPU count: found by trying the others
# shellcheck disable=SC2086
launch_es 5 --num-cpus 2 $CPU $FPU &&
    err_has "the vCPU count differs: the measurement matches 4 vCPUs, not the 2 expected" &&
    err_has "the guest was destroyed and no secret was injected" && err_one_line
shut_off_without_secret vcpus

# the other VMSA reset values
# shellcheck disable=SC2086
launch_es 5 $CPU $NOT_FPU && err_has "initial FPU state" && err_has "matches 4 vCPUs"
shut_off_without_secret fpu

# another CPU signature than the platform's
# shellcheck disable=SC2086
launch_es 5 --cpu-family 23 --cpu-model 49 --cpu-stepping 0 $FPU && err_has "another CPU signature"
shut_off_without_secret other-signature

# by default the host CPU signature libvirt reports, which the emulated
# platform's CPU is
# shellcheck disable=SC2086
launch_es 0 $FPU && out_has "4 vCPUs with CPU signature" && out_has "(the host's)"
expect 0 $V destroy "$name"

# the right expectations: 4 VMSAs, verified, the secret delivered
# shellcheck disable=SC2086
launch_es 0 $CPU $FPU &&
    out_has "SEV-ES guest, policy 0x0037 (nodbg,noks,es,domain,sev)" &&
    out_has "Measurement verified: firmware '$OVMF', 4 vCPUs with CPU signature" &&
    out_has "Resumed '$name'"
[ "$($V domstate "$name")" = running ] || fail "es: the guest does not run after the launch"
[ -s "$record/secret-1.table.bin" ] || fail "es: the secret was not delivered"
grep -q '"num_cpus" : 4' "$record/launch.json" || fail "es: the platform did not measure 4 vCPUs"
expect 0 $V destroy "$name"

# --json of an SEV-ES launch
cat "$keys/tek.bin" "$keys/tik.bin" >"$keys/tk.bin" && chmod 600 "$keys/tk.bin"
# shellcheck disable=SC2086
expect 0 sevirt -c "$TEST_URI" --json launch "$name" --tk "$keys/tk.bin" --firmware "$OVMF" --num-cpus 4 $CPU $FPU
python3 - "$OUT" <<'EOF' || fail "launch --json (SEV-ES): unexpected document"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["launched"] is True and r["sev_es"] is True and r["num_cpus"] == 4, r
assert r["policy"] == 0x37 and r["secrets"] == 0 and r["resumed"] is True, r
assert r["cpu_signature"] > 0, r
EOF
emu_remove "$name"

finish
