#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# start, stop, destroy, wait, list, status, ip and delete against the real
# libvirtd, on guests defined here from hand-written XML: a plain q35/UEFI
# guest under TCG carrying sevirt's metadata, and one without it.
. "$abs_top_srcdir/tests/test-lib.sh"

require_libvirtd
V="virsh -q -c $TEST_URI"
S="sevirt -c $TEST_URI"

pool=${TEST_PREFIX}pool
managed=${TEST_PREFIX}managed
foreign=${TEST_PREFIX}foreign
test_pool "$pool"
on_exit "$V undefine --nvram $managed; $V destroy $managed"
on_exit "$V undefine --nvram $foreign"
on_exit "$V undefine --nvram $managed-keep"
$V vol-create-as "$pool" owned.qcow2 16M --format qcow2 >/dev/null || die "cannot create a volume"
$V vol-create-as "$pool" kept.qcow2 16M --format qcow2 >/dev/null || die "cannot create a volume"

# $1 name, $2 metadata (may be empty); OVMF without an OS ignores ACPI.
domain_xml() {
    cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <metadata>$2</metadata>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='$pool' volume='kept.qcow2'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>
EOF
}
meta="<sevirt:vm xmlns:sevirt='https://sevirt.org/xmlns/domain/1.0'>
<sevirt:version>0.1.0</sevirt:version><sevirt:type>none</sevirt:type><sevirt:volumes>
<sevirt:volume pool='$pool' name='owned.qcow2'/><sevirt:volume pool='$pool' name='gone.img'/>
</sevirt:volumes></sevirt:vm>"
domain_xml "$managed" "$meta" >"$TEST_TMP/managed.xml"
domain_xml "$foreign" "" >"$TEST_TMP/foreign.xml"
$V define "$TEST_TMP/managed.xml" >/dev/null || die "cannot define $managed"
$V define "$TEST_TMP/foreign.xml" >/dev/null || die "cannot define $foreign"
domain_xml "$managed-keep" "$meta" >"$TEST_TMP/keep.xml"
$V define "$TEST_TMP/keep.xml" >/dev/null || die "cannot define $managed-keep"
uuid=$($V domuuid "$managed")

# list: sevirt's domains only; running ones unless --all
expect 0 $S list && out_lacks "$managed"
expect 0 $S list --all && out_has "$managed" && out_lacks "$foreign"
expect 0 $S --json list --all && out_has "\"name\" : \"$managed\"" && out_has '"state" : "shutoff"'

# start by UUID, status, wait
expect 0 $S start "$uuid" && out_has "Domain '$managed' started"
expect 0 $S wait "$managed" --state running --timeout 10
expect 0 $S status "$managed" && out_has "State:           running" && out_has "Managed:         yes" &&
    out_has "Owned volume:    $pool/owned.qcow2" && out_has "Disk:            vdb disk $pool/kept.qcow2 (qcow2)"
expect 0 $S --json status "$managed" && out_has '"state" : "running"' && out_has '"managed" : true' &&
    out_lacks '"uptime_seconds" : null' && out_has '"launch_security" : {'
expect 0 $S --json list && out_has "\"name\" : \"$managed\""
expect 6 $S wait "$managed" --state shutoff --timeout 1 && err_has "did not become shutoff within 1 second (" &&
    err_one_line

# stop: ACPI is ignored by firmware without an OS, so the timeout destroys it
expect 0 $S stop "$managed" --timeout 2 &&
    err_has "domain '$managed' did not shut down within 2 seconds; destroyed it"
[ "$($V domstate "$managed")" = "shut off" ] || fail "stop left $managed $($V domstate "$managed")"
expect 0 $S stop "$managed" && out_has "is not running"
expect 0 $S --json status "$managed" && out_has '"uptime_seconds" : null'
# started by virsh, the uptime comes from QEMU's process
expect 0 $V start "$managed"
expect 0 $S --json status "$managed" && out_has '"state" : "running"' && out_lacks '"uptime_seconds" : null'
python3 -c 'import json,sys; u = json.load(open(sys.argv[1]))["uptime_seconds"]; assert 0 <= u < 120, u' "$OUT" ||
    fail "status: implausible uptime of a guest virsh started"
expect 0 $V destroy "$managed"

# paused start, destroy, wait for shutoff
expect 0 $S start --paused "$managed" && out_has "started paused"
expect 0 $S wait "$managed" --state paused --timeout 10
expect 0 $S destroy "$managed" && out_has "destroyed"
expect 0 $S wait "$managed" --state shutoff --timeout 10
expect 0 $S destroy "$managed"

# ip: nothing on a guest that is off; waiting for one times out
expect 0 $S ip "$managed" && [ ! -s "$OUT" ] || fail "ip printed something for a stopped guest"
expect 6 $S ip "$managed" --wait 1 && err_has "has no IP address after 1 second" && err_lacks "1 seconds"
expect 0 $S --json ip "$managed" && out_has '"addresses" : ['

# bad input
expect 2 $S wait "$managed" && err_has "--state is required"
expect 2 $S wait "$managed" --state sleeping && err_has "Unknown state 'sleeping'"
expect 2 $S stop "$managed" --timeout -1 && err_has "must not be negative"
expect 7 $S status "${TEST_PREFIX}nonexistent" && err_has "Domain '${TEST_PREFIX}nonexistent' not found" && err_one_line

# delete refuses a domain sevirt does not manage and leaves it alone
expect 2 $S delete "$foreign" && err_has "is not managed by sevirt"
$V dominfo "$foreign" >/dev/null 2>&1 || fail "delete removed an unmanaged domain"

# delete --keep-storage removes the domain and leaves its volumes
expect 0 $S delete "$managed-keep" --keep-storage && out_has "Keeping volume '$pool/owned.qcow2'" &&
    out_has "Domain '$managed-keep' deleted" && out_lacks "Deleting volume"
$V dominfo "$managed-keep" >/dev/null 2>&1 && fail "$managed-keep still defined after delete --keep-storage"
$V vol-info --pool "$pool" owned.qcow2 >/dev/null 2>&1 || fail "delete --keep-storage removed a volume"

# delete removes the domain, its NVRAM and only the recorded volumes
# (firmware='efi' fills in the NVRAM path only in the live XML: use libvirt's default)
nvram=/var/lib/libvirt/qemu/nvram/${managed}_VARS.fd
[ -f "$nvram" ] || fail "no NVRAM file '$nvram' after starting $managed"
expect 0 $S delete "$managed" && out_has "Deleting volume '$pool/owned.qcow2'" &&
    out_has "Volume '$pool/gone.img' was already gone" && out_has "Domain '$managed' deleted"
$V dominfo "$managed" >/dev/null 2>&1 && fail "$managed still defined after delete"
[ -f "$nvram" ] && fail "NVRAM $nvram left behind"
$V vol-info --pool "$pool" owned.qcow2 >/dev/null 2>&1 && fail "owned volume left behind"
$V vol-info --pool "$pool" kept.qcow2 >/dev/null 2>&1 || fail "delete removed a volume it did not own"
expect 7 $S delete "$managed"

finish
