#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# host-info and host-check against the real libvirtd of this (non-SEV) host,
# and a plain guest made by 'sevirt xml --connect': defined with libvirt's
# validation (virDomainDefineXMLFlags + VIR_DOMAIN_DEFINE_VALIDATE), started
# under TCG with a disk, a 9p share with iommu and the NAT network,
# destroyed and undefined.
. "$abs_top_srcdir/tests/test-lib.sh"

require_libvirtd
require_cmd qemu-img
V="virsh -c $TEST_URI"

# ---- host-info: no SEV here, said plainly, exit 0
expect 0 sevirt -c "$TEST_URI" host-info
out_has "libvirt:" && out_has "Emulator:" && out_has "SEV:             no"
out_has "This host cannot run SEV, SEV-ES or SEV-SNP guests"
out_has "Firmware:"
expect 0 sevirt -c "$TEST_URI" --json host-info
for key in '"uri"' '"libvirt_version"' '"hypervisor_version"' '"emulator"' '"sev"' \
           '"supported" : false' '"max_guests"' '"max_es_guests"' '"guests_running"' \
           '"es_guests_running"' '"types" : [' '"firmware" : ['; do
    out_has "$key"
done
if [ -f /usr/share/qemu/firmware/60-edk2-x86_64.json ]; then
    out_has '"/usr/share/OVMF/OVMF_CODE_4M.fd"' && out_has '"amd-sev"'
fi
expect 0 sevirt -c "$TEST_URI" --json host-info --virt-type qemu && out_has '"domain_type" : "qemu"'

# ---- host-check: FAIL lines with fixes, exit 4
expect 7 sevirt -c "$TEST_URI" host-info --emulator /nonexistent/qemu-system-x86_64 &&
    err_has "Emulator '/nonexistent/qemu-system-x86_64' not found on this host" && err_one_line
expect 4 sevirt -c "$TEST_URI" host-check
out_has "FAIL  SEV in domain capabilities: libvirt reports no SEV support"
out_has "      fix: "
out_has "PASS  libvirt version"
err_has "error: " && err_has "failed: this host cannot run sev guests" && err_one_line
expect 4 sevirt -c "$TEST_URI" --json host-check --sev sev-es
out_has '"passed" : false' && out_has '"status" : "FAIL"' && out_has '"type" : "sev-es"'
expect 4 sevirt -c "$TEST_URI" host-check --sev sev-snp
out_has "FAIL  libvirt version: SEV-SNP guests need libvirt 10.5 or later"

# ---- connected XML: refusals name what the host lacks
expect 4 sevirt -c "$TEST_URI" xml t --sev sev-es &&
    err_has "The host cannot run sev-es guests" && err_one_line
expect 4 sevirt -c "$TEST_URI" xml t --sev sev-snp &&
    err_has "SEV-SNP guests need libvirt 10.5 or later on the host, which runs libvirt" && err_one_line

# ---- a plain TCG guest, end to end
dom="${TEST_PREFIX}plain"
dir="$TEST_TMP/guest"
mkdir -p "$dir/share"
# libvirt's QEMU runs as another user: it must reach the files.
chmod 755 "$TEST_TMP" "$dir" "$dir/share"
echo hello > "$dir/share/hello.txt"
qemu-img create -q -f qcow2 "$dir/disk.qcow2" 64M || die "qemu-img failed"
on_exit "$V destroy '$dom'; $V undefine --nvram '$dom'"

expect 0 sevirt -c "$TEST_URI" xml "$dom" --sev none --virt-type qemu --memory 256 \
    --disk "path=$dir/disk.qcow2" --network network=default --share "$dir/share:hostshare:ro" \
    --validate || die "cannot generate the guest XML"
cp "$OUT" "$TEST_TMP/dom.xml"
grep -q '<domain type="qemu">' "$TEST_TMP/dom.xml" || fail "not a TCG guest"
expect 0 $V define --validate "$TEST_TMP/dom.xml" || die "libvirt refused the generated XML"
expect 0 $V start "$dom" || die "the guest did not start"
expect 0 $V domstate "$dom" && out_has "running"
expect 0 $V dumpxml "$dom"
out_has "<driver type='path' iommu='on'/>"
out_has "<rom enabled='no'/>"
out_has "<memballoon model='none'/>"
out_has "<target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>"
expect 0 $V metadata "$dom" https://sevirt.org/xmlns/domain/1.0
out_has "<type>none</type>"
expect 0 $V destroy "$dom"
expect 0 $V undefine --nvram "$dom"
expect 1 $V domstate "$dom"

# ---- the explicit firmware variant: a read-only pflash loader
if [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]; then
    expect 0 sevirt xml "$dom" --sev none --virt-type qemu --memory 256 --network none \
        --firmware /usr/share/OVMF/OVMF_CODE_4M.fd || die "cannot generate the guest XML"
    cp "$OUT" "$TEST_TMP/fw.xml"
    expect 0 $V define --validate "$TEST_TMP/fw.xml" || die "libvirt refused the generated XML"
    expect 0 $V start "$dom" && expect 0 $V domstate "$dom" && out_has "running"
    expect 0 $V dumpxml "$dom" && out_has "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>"
    expect 0 $V destroy "$dom"
    expect 0 $V undefine --nvram "$dom"
fi

finish
