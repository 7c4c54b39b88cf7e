#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The emulated SEV platform under libvirt's normal use: virsh list,
# dominfo, suspend/resume, a libvirtd restart while the guest runs (the
# domain is reconnected and its launch state is intact), destroy, and a
# guest that powers itself off.  No process of a guest outlives it.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
emu_setup

# --- a running SEV guest (no guest owner: the PSP picks the keys)
name="${TEST_PREFIX}life"
emu_domain_xml "$name" 2 0x33 >"$TEST_TMP/life.xml"
emu_define "$name" "$TEST_TMP/life.xml"
expect 0 $V start --paused "$name"
uuid=$($V domuuid "$name")
measurement=$(secinfo "$name" sev-measurement)
[ -n "$measurement" ] || fail "no measurement"
expect 0 $V resume "$name"

# the process libvirt tracks is the real QEMU, with the proxy as its child
pid=$(cat "/run/libvirt/qemu/$name.pid")
case "$(readlink "/proc/$pid/exe")" in
*qemu-system-x86_64*) ;;
*) fail "libvirt tracks '$(readlink "/proc/$pid/exe")', not QEMU" ;;
esac
pgrep -P "$pid" -f sevirt-qemu-emu >/dev/null || fail "no QMP proxy under QEMU"

expect 0 $V list && out_has "$name" && out_has "running"
expect 0 $V dominfo "$name" && out_has "running" && out_has "CPU(s):         2"
expect 0 $V vcpuinfo "$name" && out_has "VCPU:           1"

expect 0 $V suspend "$name"
wait_state "$name" paused 10 || fail "suspend did not pause the guest"
expect 0 $V resume "$name"
wait_state "$name" running 10 || fail "resume did not run the guest"

# libvirtd restarts while the guest runs: the domain is reconnected through
# the proxy, which still knows the launch
restart_libvirtd
wait_state "$name" running 30 || fail "the guest is not running after a libvirtd restart"
[ "$(secinfo "$name" sev-measurement)" = "$measurement" ] ||
    fail "the launch measurement changed across a libvirtd restart"
expect 0 $V qemu-monitor-command "$name" '{"execute":"query-sev"}' && out_has '"state":"running"'
expect 0 $V suspend "$name"
expect 0 $V resume "$name"
expect 0 $V dominfo "$name" && out_has "running"

expect 0 $V destroy "$name"
i=0
while [ -n "$(emu_processes "$uuid")" ]; do
    i=$((i + 1))
    [ $i -gt 20 ] && { fail "processes of '$name' outlive it: $(emu_processes "$uuid")"; break; }
    sleep 0.5
done

# --- the guest powers itself off (an EFI shell script: reset -s)
esp="$TEST_TMP/esp"
mkdir -p "$esp"
printf 'echo sevirt-emu-guest-shutdown\r\nreset -s\r\n' >"$esp/startup.nsh"
chmod 755 "$TEST_TMP" "$esp"
name="${TEST_PREFIX}poweroff"
EMU_EXTRA_DEVICES="<disk type='dir' device='disk'><driver name='qemu' type='fat'/><source dir='$esp'/><target dev='vda' bus='virtio'/><readonly/></disk>" \
    emu_domain_xml "$name" 1 0x33 >"$TEST_TMP/poweroff.xml"
emu_define "$name" "$TEST_TMP/poweroff.xml"
expect 0 $V start "$name"
uuid=$($V domuuid "$name")
wait_state "$name" "shut off" 180 || fail "the guest did not power off"
grep -q "reason=shutdown" "/var/log/libvirt/qemu/$name.log" || fail "libvirt did not see a guest shutdown"
i=0
while [ -n "$(emu_processes "$uuid")" ]; do
    i=$((i + 1))
    [ $i -gt 20 ] && { fail "processes of '$name' outlive it"; break; }
    sleep 0.5
done

finish
