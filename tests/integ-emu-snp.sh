#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The emulated platform plays SEV-SNP for libvirt 11.3 and QEMU 10.0 on a
# trixie test host (tools/testhosts.sh): domain capabilities list sev-snp, an
# sev-snp guest starts under TCG (emulated: NO memory encryption), the
# emulated PSP's launch digest is the one 'sevirt measure' expects, and an
# ID block is enforced as SNP_LAUNCH_FINISH enforces it: a good one starts,
# one with another digest, another policy or a bad signature does not; an
# attestation report signed with the emulated VCEK verifies, a tampered one
# does not.  'sevirt create --sev sev-snp' defines SNP guests (ID block,
# author key, host data, a disk in a pool) through libvirt 11.3, and
# 'sevirt launch' (--measurement, or the digest computed from --firmware)
# starts one paused, fetches a report with a fresh nonce, verifies it under
# the emulated root (said to be NOT AMD's) and only then resumes it; a
# wrong digest or firmware, or a refused ID block, is exit 5 with nothing
# left running, and the guest never ran.
. "${abs_top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
BASE=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}
CACHE=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}
EMU=$abs_top_builddir/src/emu/sevirt-qemu-emu

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter socat flock ip taskset openssl python3
if [ ! -f "$CACHE/trixie-rootfs.stamp" ]; then
    require_cmd mmdebstrap
fi
[ -x "$EMU" ] || die "emulator '$EMU' not built"
sh "$TH" rootfs 2>"$TEST_TMP/rootfs.err" || {
    sed 's/^/    /' "$TEST_TMP/rootfs.err" >&2
    skip_or_fail "cannot build the trixie root fs (is deb.debian.org reachable?)"
}

# The host sees the build tree (the emulator) at the same path.
. "$abs_top_srcdir/tools/snp-host-lib.sh"
snp_host_up "$TH" "$abs_top_builddir" 2>"$TEST_TMP/up.err" || {
    sed 's/^/    /' "$TEST_TMP/up.err" >&2
    die "'testhosts.sh up 1 --flavour trixie' failed"
}
HOST=$SNP_HOST
URI=$SNP_URI
on_exit "sh '$TH' down $HOST"
V="virsh -q -c $URI"
hexec() { sh "$TH" exec "$HOST" "$@"; }

snp_host_setup "$TH" "$EMU" "$TEST_TMP" || die "emulator setup in the test host failed"
STATE=$SNP_STATE
CPU=$SNP_CPU

# libvirt 11.3 sees SNP on the emulated platform
expect 0 hexec virsh domcapabilities --emulatorbin "$EMU" --virttype qemu --machine q35 &&
    out_has "<value>sev-snp</value>"

WORK="$BASE/snp-test.$$"
mkdir -p "$WORK" && chmod 755 "$WORK"
on_exit "rm -rf '$WORK'"
FW="$WORK/OVMF_4M.fd"
snp_firmware "$CACHE" "$FW" || die "cannot build $FW"

# snp_xml NAME VCPUS POLICY [EXTRA-LAUNCHSECURITY-ATTRS EXTRA-ELEMENTS]
snp_xml() {
    cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>$2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader type='rom'>$FW</loader>
  </os>
  <features><acpi/></features>
  <cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model></cpu>
  <devices>
    <emulator>$EMU</emulator>
    <serial type='pty'/>
    <memballoon model='none'/>
  </devices>
  <launchSecurity type='sev-snp' ${4:-}>
    <policy>$3</policy>
    ${5:-}
  </launchSecurity>
</domain>
EOF
}

# define_snp LABEL VCPUS POLICY [ATTRS ELEMENTS]: sets $name
define_snp() {
    name="${TEST_PREFIX}snp-$1"
    snp_xml "$name" "$2" "$3" "${4:-}" "${5:-}" >"$TEST_TMP/$1.xml"
    on_exit "$V destroy '$name' >/dev/null 2>&1; $V undefine '$name' >/dev/null 2>&1"
    $V define "$TEST_TMP/$1.xml" >/dev/null || die "cannot define '$name'"
}

record() {
    hexec cat "$STATE/domains/$($V domuuid "$1")/launch.json" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# 1. a plain SNP guest starts; the PSP's digest is the guest owner's
expect 0 sevirt measure --mode snp --ovmf "$FW" --vcpus 2 $CPU || die "sevirt measure failed"
digest=$(tail -n 1 "$OUT")
define_snp plain 2 0x30000 "" "<hostData>$(head -c 32 /dev/zero | tr '\0' 'h' | base64 -w0)</hostData>"
expect 0 $V start "$name" || die "the SNP guest does not start"
[ "$($V domstate "$name")" = running ] || fail "plain: not running"
[ "$(record "$name" launch_digest)" = "$digest" ] || fail "plain: launch digest is not 'sevirt measure''s"
host_data=$(record "$name" host_data)
[ "$host_data" = "$(python3 -c 'print("68" * 32)')" ] ||
    fail "plain: host data recorded as '$host_data'"
expect 0 $V qemu-monitor-command "$name" '{"execute":"query-sev"}' && out_has '"sev-type":"sev-snp"'
$V destroy "$name" >/dev/null

# 2. ID blocks
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$TEST_TMP/id.pem" 2>/dev/null &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$TEST_TMP/author.pem" 2>/dev/null ||
    die "cannot generate P-384 keys"
chmod 600 "$TEST_TMP/id.pem" "$TEST_TMP/author.pem"

# id_block LABEL MEASUREMENT POLICY: ID block and auth files $TEST_TMP/LABEL.{blk,auth}
id_block() {
    sevirt id-block --measurement "$2" --policy "$3" --idkey "$TEST_TMP/id.pem" \
        --authorkey "$TEST_TMP/author.pem" --id-block-out "$TEST_TMP/$1.blk" \
        --id-auth-out "$TEST_TMP/$1.auth" >/dev/null || die "sevirt id-block failed ($1)"
}

# start_with LABEL BLOCKFILE AUTHFILE: defines a 2-vCPU guest with them and starts it
start_with() {
    define_snp "$1" 2 0x30000 "authorKey='yes'" \
        "<idBlock>$(tr -d '\n' <"$2")</idBlock><idAuth>$(tr -d '\n' <"$3")</idAuth>"
    expect "$4" $V start "$name"
}

id_block good "$digest" 0x30000
start_with good "$TEST_TMP/good.blk" "$TEST_TMP/good.auth" 0 &&
    [ "$(record "$name" id_block)" = True ] || fail "good ID block: not recorded"

# 3. an attestation report of the running guest, asked for from the host
# side (x-sevirt-snp-report stands in for the guest's request: emulation
# only), verified by 'sevirt verify-report' under the emulated ARK and ASK
# with every check the guest owner makes; a tampered one fails
sevirt id-block --json --measurement "$digest" --policy 0x30000 --idkey "$TEST_TMP/id.pem" \
    --authorkey "$TEST_TMP/author.pem" >"$TEST_TMP/digests.json" || die "sevirt id-block --json failed"
jget() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
nonce=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')
nonce_b64=$(python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$nonce")
expect 0 $V qemu-monitor-command "$name" \
    "{\"execute\":\"x-sevirt-snp-report\",\"arguments\":{\"report-data\":\"$nonce_b64\"}}" ||
    die "no report"
python3 - "$OUT" "$TEST_TMP" <<'PY' || die "cannot read the report reply"
import base64, json, sys
r = json.load(open(sys.argv[1]))["return"]
assert r["emulated"] is True
open(sys.argv[2] + "/report.bin", "wb").write(base64.b64decode(r["report"]))
open(sys.argv[2] + "/vcek.pem", "w").write(r["vcek"])
PY
snp_roots "$TH" "$TEST_TMP" || die "cannot read the emulated ARK and ASK"
verify() {
    expect "$1" sevirt verify-report --ark "$TEST_TMP/ark.pem" --ask "$TEST_TMP/ask.pem" \
        --vcek "$TEST_TMP/vcek.pem" --measurement "$digest" --report-data "$nonce" \
        --host-data "$(python3 -c 'print("00" * 32)')" --policy 0x30000 \
        --id-key-digest "$(jget "$TEST_TMP/digests.json" id_key_digest)" \
        --author-key-digest "$(jget "$TEST_TMP/digests.json" author_key_digest)" "$2"
}
verify 0 "$TEST_TMP/report.bin" && out_lacks FAIL
python3 - "$TEST_TMP/report.bin" "$TEST_TMP/tampered.bin" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[0x90] ^= 1    # the measurement
open(sys.argv[2], "wb").write(d)
PY
verify 5 "$TEST_TMP/tampered.bin" && out_has FAIL
$V destroy "$name" >/dev/null 2>&1

# another launch digest (the same firmware, 1 vCPU)
sevirt measure --mode snp --ovmf "$FW" --vcpus 1 $CPU >"$TEST_TMP/d1" || die "sevirt measure failed"
id_block other "$(tail -n 1 "$TEST_TMP/d1")" 0x30000
start_with other "$TEST_TMP/other.blk" "$TEST_TMP/other.auth" 1 && err_has "fw_error=11 'Bad measurement'"
[ "$($V domstate "$name")" = "shut off" ] || fail "wrong digest: the guest runs"

# another policy (the guest's is 0x30000)
id_block policy "$digest" 0x70000
start_with policy "$TEST_TMP/policy.blk" "$TEST_TMP/policy.auth" 1 &&
    err_has "fw_error=7 'Request is not allowed by guest policy'"

# a block changed after it was signed
base64 -d <"$TEST_TMP/good.blk" >"$TEST_TMP/bad.bin"
printf '\001' | dd of="$TEST_TMP/bad.bin" bs=1 seek=84 conv=notrunc 2>/dev/null
base64 -w0 <"$TEST_TMP/bad.bin" >"$TEST_TMP/bad.blk"
start_with badsig "$TEST_TMP/bad.blk" "$TEST_TMP/good.auth" 1 && err_has "fw_error=10 'Bad signature'"

# 4. 'sevirt create' of SNP guests through libvirt 11.3, with a disk in a
# pool of the test host (made through libvirt), and 'sevirt launch': started
# paused, a report fetched with a fresh nonce and verified under the
# emulated ARK/ASK, every check printed, and only then resumed
POOL=${TEST_PREFIX}snp
mkdir -p "$WORK/pool" && chmod 755 "$WORK/pool"
$V pool-create-as "$POOL" dir --target "$WORK/pool" >/dev/null || die "cannot create pool '$POOL'"
on_exit "$V pool-destroy '$POOL' >/dev/null 2>&1"

# create_snp LABEL VCPUS [CREATE-OPTION...]: sets $name
create_snp() {
    name="${TEST_PREFIX}snp-$1"
    vcpus=$2
    shift 2
    on_exit "sevirt -q -c '$URI' delete '$name' >/dev/null 2>&1"
    expect 0 sevirt -c "$URI" create "$name" --sev sev-snp --virt-type qemu --emulator "$EMU" \
        --firmware "$FW" --cpu qemu64 --memory 256 --vcpus "$vcpus" --network none \
        --disk "pool=$POOL,size=1" "$@" || die "sevirt create of '$name' failed"
}

# watch: the guest's lifecycle events into $TEST_TMP/events.NAME, until unwatch
watch() {
    virsh -c "$URI" event --domain "$name" --event lifecycle --loop >"$TEST_TMP/events.$name" 2>&1 &
    watcher=$!
    on_exit "kill $watcher 2>/dev/null"
    sleep 0.5
}
unwatch() {
    sleep 0.5
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
}

launch() {
    want=$1 dom=$2 measurement=$3
    shift 3
    expect "$want" sevirt -c "$URI" launch "$dom" --measurement "$measurement" \
        --ark "$TEST_TMP/ark.pem" --ask "$TEST_TMP/ask.pem" "$@"
}
# Debian 13's firmware descriptors list no SEV-SNP build: say to name one
expect 3 sevirt -c "$URI" create "${TEST_PREFIX}snp-nofw" --sev sev-snp --virt-type qemu \
    --emulator "$EMU" --network none && err_has "needs its firmware named: a ROM image" && err_one_line
$V domstate "${TEST_PREFIX}snp-nofw" >/dev/null 2>&1 && fail "create without firmware left a domain"
host_b64=$(head -c 32 /dev/zero | tr '\0' 'h' | base64 -w0)
create_snp launched 2 --id-block "$TEST_TMP/good.blk" --id-auth "$TEST_TMP/good.auth" --author-key \
    --host-data "$host_b64"
out_has "Domain '$name' created" && out_has "Creating volume '$POOL/$name-disk0.qcow2'"
$V dumpxml "$name" >"$TEST_TMP/created.xml" &&
    grep -q "<launchSecurity type='sev-snp' authorKey='yes'>" "$TEST_TMP/created.xml" &&
    grep -q "<hostData>$host_b64</hostData>" "$TEST_TMP/created.xml" &&
    grep -q "<loader readonly='yes' type='rom'>$FW</loader>" "$TEST_TMP/created.xml" ||
    fail "create: the SNP definition lacks its ID block, host data or ROM"
watch
launch 0 "$name" "$digest" || fail "launch of an SNP guest with its ID block failed"
unwatch
for check in root ark ask vek signature measurement report_data host_data policy id_key_digest author_key_digest; do
    out_has "PASS $check" || fail "launch: no PASS line for $check"
done
out_has "NOT AMD's" && out_lacks FAIL && out_has "runs the verified launch" &&
    out_has "Started SEV-SNP guest '$name' paused" && out_has "it ran nothing before its report verified"
[ "$($V domstate "$name")" = running ] || fail "launch: the verified guest does not run"
# started paused, resumed once verified
grep -q "Suspended Paused" "$TEST_TMP/events.$name" && grep -q "Resumed" "$TEST_TMP/events.$name" ||
    fail "launch: the guest was not started paused and resumed ($(cat "$TEST_TMP/events.$name"))"
# a second launch of a running guest is refused, untouched
launch 1 "$name" "$digest" && err_has "not shut off"
[ "$($V domstate "$name")" = running ] || fail "launch: a refused relaunch stopped the guest"
$V destroy "$name" >/dev/null

# the digest computed from the owner's firmware, vCPUs from the domain, the
# host's CPU signature (the emulated platform's, unless emu.conf sets one)
# or one named; the same as 'sevirt measure'
lfw() {
    want=$1 dom=$2
    shift 2
    expect "$want" sevirt -c "$URI" launch "$dom" --firmware "$@" \
        --ark "$TEST_TMP/ark.pem" --ask "$TEST_TMP/ask.pem"
}
lfw 0 "$name" "$FW" && out_has "2 vCPUs with CPU signature" && out_has "(the host's)" &&
    out_has "$digest" && out_has "PASS measurement" && out_lacks FAIL ||
    fail "launch --firmware: the digest computed is not 'sevirt measure''s"
$V destroy "$name" >/dev/null
fam=$(snp_info "$TEST_TMP" cpu_family) mod=$(snp_info "$TEST_TMP" cpu_model) step=$(snp_info "$TEST_TMP" cpu_stepping)
lfw 0 "$name" "$FW" --cpu-family "$fam" --cpu-model "$mod" --cpu-stepping "$step" --json &&
    [ "$(jget "$OUT" computed)" = True ] && [ "$(jget "$OUT" expected_measurement)" = "$digest" ] &&
    [ "$(jget "$OUT" num_cpus)" = 2 ] && [ "$(jget "$OUT" paused)" = True ] &&
    [ "$(jget "$OUT" resumed)" = True ] && [ "$(jget "$OUT" verified)" = True ] ||
    fail "launch --firmware --json: not the digest computed, or not paused then resumed"
$V destroy "$name" >/dev/null

# another firmware than the one the guest boots, another vCPU count or
# type: the report's measurement is not the digest computed; exit 5,
# the guest destroyed
python3 - "$FW" "$WORK/other.fd" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 1
open(sys.argv[2], "wb").write(d)
PY
lfw 5 "$name" "$WORK/other.fd" && out_has "FAIL measurement" && err_has "destroyed"
[ "$($V domstate "$name")" = "shut off" ] || fail "launch, wrong firmware: the guest runs"
lfw 5 "$name" "$FW" --num-cpus 1 && out_has "1 vCPU with" && out_has "FAIL measurement"
lfw 5 "$name" "$FW" --vcpu-type EPYC-Milan && out_has "CPU signature 0x00a00f11:" &&
    out_has "FAIL measurement"
[ "$($V domstate "$name")" = "shut off" ] || fail "launch, wrong vCPU type: the guest runs"
lfw 7 "$name" "$WORK/missing.fd" && err_has "missing.fd" && err_one_line
[ "$($V domstate "$name")" = "shut off" ] || fail "launch, missing firmware: the guest started"

# the report's nonce is fresh each time
launch 0 "$name" "$digest" --json || fail "launch --json failed"
n1=$(jget "$OUT" report_data)
[ "$(jget "$OUT" verified)" = True ] && [ "$(jget "$OUT" amd_root)" = False ] ||
    fail "launch --json: not verified, or the emulated root taken for AMD's"
$V destroy "$name" >/dev/null
launch 0 "$name" "$digest" --json && [ "$(jget "$OUT" report_data)" != "$n1" ] ||
    fail "launch: the same nonce twice"
$V destroy "$name" >/dev/null

# a guest that fails its verification never runs: started paused,
# destroyed paused (no Resumed event), nothing left running
create_snp wrongdigest 2
watch
launch 5 "$name" "$(tail -n 1 "$TEST_TMP/d1")" && out_has "FAIL measurement" &&
    err_has "does not verify (measurement)" && err_has "destroyed"
unwatch
[ "$($V domstate "$name")" = "shut off" ] || fail "wrong digest: launch left the guest running"
grep -q "Suspended Paused" "$TEST_TMP/events.$name" && grep -q "Stopped Destroyed" "$TEST_TMP/events.$name" ||
    fail "wrong digest: the guest was not started paused and destroyed ($(cat "$TEST_TMP/events.$name"))"
! grep -q "Resumed" "$TEST_TMP/events.$name" || fail "wrong digest: the guest ran before its report failed"
create_snp wrongfw 1
watch
lfw 5 "$name" "$WORK/other.fd" && out_has "FAIL measurement" && err_has "destroyed"
unwatch
[ "$($V domstate "$name")" = "shut off" ] || fail "wrong firmware: launch left the guest running"
! grep -q "Resumed" "$TEST_TMP/events.$name" || fail "wrong firmware: the guest ran before its report failed"
launch 5 "$name" "$digest" --json &&
    [ "$(jget "$OUT" destroyed)" = True ] && [ "$(jget "$OUT" paused)" = True ] &&
    [ "$(jget "$OUT" resumed)" = False ] || fail "launch --json: wrong digest not reported destroyed before it ran"
lfw 0 "$name" "$FW" --json && [ "$(jget "$OUT" num_cpus)" = 1 ] ||
    fail "launch --firmware: the domain's one vCPU not taken"
$V destroy "$name" >/dev/null

# an ID block the platform refuses: the start fails, exit 5, nothing runs
create_snp refused 2 --id-block "$TEST_TMP/other.blk" --id-auth "$TEST_TMP/other.auth" --author-key
launch 5 "$name" "$digest" && err_has "refused to start" && err_has "Bad measurement"
[ "$($V domstate "$name")" = "shut off" ] || fail "refused ID block: the guest runs"

# the emulated root must be named
expect 2 sevirt -c "$URI" launch "$name" --measurement "$digest" && err_has "ARK and ASK"

finish
