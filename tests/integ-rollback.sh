#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt create' failing on purpose at each later step against the real
# libvirtd: every volume it made and the domain it defined are gone
# afterwards, what was there before is untouched, and the error says which
# step failed and why.  Also SEV guests, which libvirt 9.0 refuses to define
# with this host's QEMU (no SEV): sevirt's own message, exit status 4.
. "$abs_top_srcdir/tests/test-lib.sh"

require_libvirtd
V="virsh -q -c $TEST_URI"
S="sevirt -c $TEST_URI"
data=$abs_top_srcdir/tests/data

pool=${TEST_PREFIX}pool
dom=${TEST_PREFIX}vm
taken=${TEST_PREFIX}taken
test_pool "$pool"
on_exit "$V destroy $dom; $V undefine --nvram $dom; $V undefine --nvram $taken"
# What is there before, and must be there after.
$V vol-create-as "$pool" "${taken}-disk0.qcow2" 1M --format qcow2 >/dev/null &&
    $V vol-create-as "$pool" "${dom}-disk1.qcow2" 1M --format qcow2 >/dev/null &&
    $V vol-create-as "$pool" garbage.raw 1M --format raw >/dev/null || die "cannot create volumes"
cat >"$TEST_TMP/taken.xml" <<EOF
<domain type='qemu'>
  <name>$taken</name>
  <memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
</domain>
EOF
$V define "$TEST_TMP/taken.xml" >/dev/null || die "cannot define $taken"
$V dumpxml --inactive "$taken" >"$TEST_TMP/taken.before"
$V vol-list "$pool" >"$TEST_TMP/vols.before"
nvram=/var/lib/libvirt/qemu/nvram/${dom}_VARS.fd

# after_failure STEP: nothing of the failed create is left
after_failure() {
    err_has "Cannot create domain '$dom': step '$1' failed"
    err_one_line
    $V dominfo "$dom" >/dev/null 2>&1 && fail "$1: domain $dom left behind"
    $V vol-list "$pool" | cmp -s "$TEST_TMP/vols.before" - ||
        fail "$1: the pool changed: $($V vol-list "$pool")"
    [ -e "$nvram" ] && fail "$1: NVRAM $nvram left behind"
    return 0
}

common="--sev none --virt-type qemu --memory 256"
seed="--ssh-key $data/cloudinit/id_test.pub"

# networks: a network that does not exist, after a volume and the seed
expect 7 $S create "$dom" $common --disk "pool=$pool,size=1" $seed --network network=nosuch &&
    err_has "Network 'nosuch' not found" &&
    err_has "rolled back (removed '$pool/${dom}-cidata.iso', '$pool/${dom}-disk0.qcow2')" &&
    out_has "Undoing: deleting volume '$pool/${dom}-disk0.qcow2'"
after_failure networks
nobr=nobr$$
expect 7 $S create "$dom" $common --disk "pool=$pool,size=1" --network bridge=$nobr &&
    err_has "Bridge '$nobr' not found on the host"
after_failure networks

# shares: a folder that is not there
expect 7 $S create "$dom" $common --disk "pool=$pool,size=1" $seed --share /nonexistent/dir:tag &&
    err_has "Shared folder '/nonexistent/dir' is not a directory"
after_failure shares

# volumes: the second volume's name is taken; the first is undone, theirs kept
expect 1 $S create "$dom" $common --disk "pool=$pool,size=1" --disk "pool=$pool,size=1" &&
    err_has "Volume '$pool/${dom}-disk1.qcow2' already exists" &&
    err_has "rolled back (removed '$pool/${dom}-disk0.qcow2')"
after_failure volumes

# define: libvirt refuses a definition (an ISA-only machine has no PCI bus
# for the virtio devices)
expect 3 $S create "$dom" $common --machine isapc --disk "pool=$pool,size=1" $seed --network none &&
    err_has "libvirt refused the definition: XML error: No PCI buses available" &&
    err_has "rolled back (removed '$pool/${dom}-cidata.iso', '$pool/${dom}-disk0.qcow2')"
after_failure define

# SEV: this host's QEMU has no SEV, which libvirt says at define time
expect 4 $S create "$dom" --sev sev --virt-type qemu --disk "pool=$pool,size=1" $seed &&
    err_has "step 'define' failed: this host cannot run sev guests with /usr/bin/qemu-system-x86_64" &&
    err_has "(unsupported configuration: SEV launch security is not supported with this QEMU binary)" &&
    err_has "see 'sevirt host-check'" && err_has "rolled back"
after_failure define
expect 4 $S create "$dom" --sev sev-es --virt-type qemu --network none --start &&
    err_has "this host cannot run sev-es guests"
after_failure define

# start: defined fine, but QEMU cannot open the disk (not a qcow2 image)
expect 3 $S create "$dom" $common --disk "pool=$pool,size=1" $seed \
    --disk "vol=$pool/garbage.raw,format=qcow2" --start &&
    err_has "step 'start' failed: Cannot start domain '$dom'" &&
    err_has "rolled back (removed domain '$dom', '$pool/${dom}-cidata.iso', '$pool/${dom}-disk0.qcow2')" &&
    out_has "Undoing: removing domain '$dom'"
after_failure start

# an existing name: refused before anything, the domain left as it was
expect 1 $S create "$taken" $common --disk "pool=$pool,size=1" $seed &&
    err_has "Domain '$taken' already exists" && err_one_line && out_lacks "Creating"
$V dumpxml --inactive "$taken" | cmp -s "$TEST_TMP/taken.before" - || fail "create changed $taken"
$V vol-list "$pool" | cmp -s "$TEST_TMP/vols.before" - || fail "create changed the pool of $taken"

finish
