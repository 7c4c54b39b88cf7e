#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt xml': offline generation, validation against the installed libvirt
# schema, every bad option value with its one-line message and exit status.
. "$abs_top_srcdir/tests/test-lib.sh"

# Offline means offline: a default URI that cannot work must not matter.
LIBVIRT_DEFAULT_URI=test:///nonexistent/file.xml
export LIBVIRT_DEFAULT_URI

expect 0 sevirt help && out_has "xml" && out_has "Domain XML"
expect 0 sevirt xml --help && out_has "--disk" && out_has "--network" && out_has "--share" &&
    out_has "--dh-cert" && out_has "--validate" && out_has "--no-kernel-hashes"
expect 0 sevirt complete -- xml --ne && out_has "--network"

# defaults: SEV, policy 0x33, kvm, host CPU, locked memory, default network
expect 0 sevirt xml web1 --validate
out_has '<domain type="kvm">'
out_has '<launchSecurity type="sev">'
out_has '<policy>0x0033</policy>'
out_has '<cpu mode="host-passthrough"/>'
out_has '<locked/>'
out_has '<source network="default"/>'
out_has '<memballoon model="none"/>'
out_has '<target type="virtio" name="org.qemu.guest_agent.0"/>'
out_has '<sevirt:type>sev</sevirt:type>'
out_lacks '<cbitpos>'

# SEV-ES with flag names: the ES bit is forced on, with a warning
expect 0 sevirt xml es --sev sev-es --policy nodbg,noks --validate
out_has '<policy>0x0007</policy>'
err_has "warning: SEV-ES needs the ES policy bit: using policy 0x0007 instead of 0x0003"

# SEV-SNP prints offline; the 9.0 schema cannot validate it and says so (4)
expect 0 sevirt xml snp --sev sev-snp --policy smt,single-socket
out_has '<launchSecurity type="sev-snp">' && out_has '<policy>0x00130000</policy>'
out_lacks '<locked/>'
expect 4 sevirt xml snp --sev sev-snp --validate
err_has "predates <launchSecurity type='sev-snp'> (libvirt 10.5)" && err_one_line

# plain TCG guest: no <cpu>, no launchSecurity, same layout
expect 0 sevirt xml plain --sev none --virt-type qemu --memory 512 --vcpus 2 --validate
out_has '<domain type="qemu">' && out_has '<memory unit="MiB">512</memory>' && out_has '<vcpu>2</vcpu>'
out_lacks '<cpu' && out_lacks 'launchSecurity' && out_lacks '<locked/>'

# direct kernel boot: kernel hashes on by default, off on request
expect 0 sevirt xml k --kernel /boot/vmlinuz --initrd /boot/initrd.img --cmdline 'console=ttyS0 a=<b>' --validate
out_has 'kernelHashes="yes"' && out_has '<cmdline>console=ttyS0 a=&lt;b&gt;</cmdline>'
expect 0 sevirt xml k --kernel /boot/vmlinuz --no-kernel-hashes && out_has 'kernelHashes="no"'

# attested launch with an explicit firmware: stateless loader, blobs embedded
head -c 2084 /dev/urandom | base64 > "$TEST_TMP/godh.b64"
head -c 128 /dev/urandom | base64 > "$TEST_TMP/session.b64"
head -c 100 /dev/urandom | base64 > "$TEST_TMP/short.b64"
echo 'not base64 !' > "$TEST_TMP/bad.b64"
expect 0 sevirt xml att --dh-cert "$TEST_TMP/godh.b64" --session "$TEST_TMP/session.b64" \
    --firmware /usr/share/OVMF/OVMF_CODE_4M.fd --cbitpos 51 --reduced-phys-bits 1 --validate
out_has 'stateless="yes">/usr/share/OVMF/OVMF_CODE_4M.fd</loader>'
out_has '<dhCert>' && out_has '<session>' && out_has '<cbitpos>51</cbitpos>'

# devices of every kind
expect 0 sevirt xml dev --disk pool=default,size=10 --disk vol=images/base.qcow2,readonly \
    --disk path=/srv/extra.img --network network=default,mac=52:54:00:00:00:01 \
    --network bridge=br0 --network user,portfwd=2222:22 --share /srv/task:task:ro --validate
out_has '<source pool="default" volume="dev-disk0.qcow2"/>'
out_has '<source pool="images" volume="base.qcow2"/>'
out_has '<source file="/srv/extra.img"/>' && out_has '<target dev="vdc" bus="virtio"/>'
out_has '<source bridge="br0"/>' && out_has '<backend type="passt"/>'
out_has '<range start="2222" to="22"/>'
out_has '<target dir="task"/>'
expect 0 sevirt xml none --network none && out_lacks '<interface'

# the emulated platform locks no memory
expect 0 sevirt xml emu --emulator /usr/libexec/sevirt-qemu-emu
out_has '<emulator>/usr/libexec/sevirt-qemu-emu</emulator>' && out_lacks '<locked/>'
# ... also behind a link with another name
ln -s "$abs_top_builddir/src/emu/sevirt-qemu-emu" "$TEST_TMP/qemu-sev"
expect 0 sevirt xml emu --emulator "$TEST_TMP/qemu-sev"
out_has "<emulator>$TEST_TMP/qemu-sev</emulator>" && out_lacks '<locked/>'

# JSON
expect 0 sevirt --json xml j --sev sev-es --policy 0x3
out_has '"xml" : "<domain' && out_has '"notes" : ['

# every bad value: exit 2 (7 for a missing file), one line naming the input
bad() {
    code=$1; needle=$2; shift 2
    expect "$code" sevirt xml "$@" && err_has "$needle" && err_one_line
}
bad 2 "--vcpus: invalid value '0': the smallest is 1" v --vcpus 0
bad 2 "--vcpus: invalid value 'x'" v --vcpus x
bad 2 "--vcpus: invalid value '5000'" v --vcpus 5000
bad 2 "--memory: invalid value '64': the smallest is 128" v --memory 64
bad 2 "--memory: invalid value '2G'" v --memory 2G
bad 2 "The CPU model is empty" v --cpu ''
bad 2 "The machine type is empty" v --machine ''
bad 2 "--sev: Unknown SEV type 'tdx'" v --sev tdx
bad 2 "--virt-type: Unknown virtualization type 'xen'" v --virt-type xen
bad 2 "--policy: unknown SEV policy flag 'bogus'" v --policy nodbg,bogus
bad 2 "has the ES bit (0x4) set" v --policy 0x37
bad 2 "--policy: 'debug' is a SEV-SNP policy flag" v --policy debug
bad 2 "--policy: policy flags 'debug' and 'nodbg' contradict each other" v --sev sev-snp --policy debug,nodbg
bad 2 "clears bit 17 (0x20000)" v --sev sev-snp --policy 0x10000
bad 2 "--policy: invalid value '0x100000000'" v --policy 0x100000000
bad 2 "--policy: a plain guest (SEV type 'none') has no policy" v --sev none --policy 0x33
bad 2 "--cbitpos: invalid value '64'" v --cbitpos 64
bad 2 "--reduced-phys-bits: invalid value '-1'" v --reduced-phys-bits -1
bad 7 "--dh-cert: Cannot read '$TEST_TMP/missing.b64'" v --dh-cert "$TEST_TMP/missing.b64" --session "$TEST_TMP/session.b64"
bad 2 "--dh-cert: File '$TEST_TMP/short.b64' decodes to 100 bytes, expected 2084" v --dh-cert "$TEST_TMP/short.b64" --session "$TEST_TMP/session.b64"
bad 2 "--session: File '$TEST_TMP/godh.b64' decodes to 2084 bytes, expected 128" v --dh-cert "$TEST_TMP/godh.b64" --session "$TEST_TMP/godh.b64"
bad 2 "--session: File '$TEST_TMP/bad.b64'" v --dh-cert "$TEST_TMP/godh.b64" --session "$TEST_TMP/bad.b64"
bad 2 "An attested launch needs both the dhCert and the session" v --dh-cert "$TEST_TMP/godh.b64"
bad 2 "SEV-SNP guests take no dhCert or session" v --sev sev-snp --dh-cert "$TEST_TMP/godh.b64" --session "$TEST_TMP/session.b64"
bad 2 "A plain guest (SEV type 'none') takes no dhCert or session" v --sev none --dh-cert "$TEST_TMP/godh.b64" --session "$TEST_TMP/session.b64"
bad 2 "An initrd needs a kernel" v --initrd /boot/initrd.img
bad 2 "Kernel path 'vmlinuz' is not absolute" v --kernel vmlinuz
bad 2 "Firmware path 'OVMF.fd' is not absolute" v --firmware OVMF.fd
bad 2 "Invalid domain name 'a/b': it contains '/'" a/b
bad 2 "--disk: invalid value 'pool=default': a new volume needs size=GiB" v --disk pool=default
bad 2 "--disk: invalid value 'path=/a,colour=red': unknown key 'colour'" v --disk path=/a,colour=red
bad 2 "--network: invalid value 'user,portfwd=22': portfwd= takes HOSTPORT:GUESTPORT" v --network user,portfwd=22
bad 2 "--network: invalid value 'wifi=x': unknown key 'wifi'" v --network wifi=x
bad 2 "Network 'none' cannot be combined with other networks" v --network none --network bridge=br0
bad 2 "--share: invalid value '/srv/x': expected SOURCE_DIR:TAG[:ro]" v --share /srv/x
bad 2 "Two shares use the mount tag 't'" v --share /a:t --share /b:t
bad 7 "error: Cannot read '/nonexistent/user-data': No such file or directory" v --cloud-init user-data=/nonexistent/user-data
bad 7 "error: Cannot read '/nonexistent/meta-data'" v --cloud-init meta-data=/nonexistent/meta-data
bad 2 "error: '/etc' is not a regular file" v --cloud-init network-config=/etc
bad 7 "error: Cannot read '/nonexistent/id.pub'" v --ssh-key /nonexistent/id.pub
bad 2 "error: '/etc/hostname' line 1 is not an OpenSSH public key: expected 'TYPE BASE64 [COMMENT]'" v --ssh-key /etc/hostname

# values only validation judges: at their place in the spec file
spec_bad() {
    printf '%b' "$1" >"$TEST_TMP/s.yaml"
    at=$2; shift 2
    bad 2 "$TEST_TMP/s.yaml:$at" v --spec "$TEST_TMP/s.yaml" "$@"
}
spec_bad 'memory: 10\n' "1:9: Invalid memory size 10 MiB: expected 128 to 16777216 MiB"
spec_bad 'sev:\n  type: sev\n  policy: 0x37\n' "3:11: SEV policy 0x0037 has the ES bit (0x4) set"
spec_bad 'initrd: /boot/initrd.img\n' "1:9: An initrd needs a kernel"
spec_bad 'networks: [none, bridge=br0]\n' "1:12: Network 'none' cannot be combined with other networks"
spec_bad 'sev: {type: sev-snp, policy: smt}\n' "1:30: policy 'smt' was written for SEV-SNP guests, not for --sev sev" --sev sev
spec_bad 'sev: {type: sev, policy: nodbg}\n' "1:26: policy 'nodbg' given for a plain guest (--sev none)" --sev none
spec_bad 'cloud_init: {ssh_key: /etc/hostname}\n' "1:23: cloud_init.ssh_key: '/etc/hostname' line 1 is not an OpenSSH public key"
# replaced on the command line: the file's value is not judged
printf 'memory: 10\nsev: {policy: smt}\n' >"$TEST_TMP/s.yaml"
expect 0 sevirt xml v --spec "$TEST_TMP/s.yaml" --memory 256 --sev sev-snp &&
    out_has '<memory unit="MiB">256</memory>' && out_has '<policy>0x00030000</policy>'

# arguments
expect 2 sevirt xml && err_has "The guest needs a name: give NAME, or 'name' in the spec file"
expect 2 sevirt xml a b && err_has "unexpected argument 'b'"
expect 2 sevirt xml a --bogus && err_has "Unknown option --bogus"

finish
