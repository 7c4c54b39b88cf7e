#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: creating N defined-but-not-started guests, each with a qcow2
# overlay on a shared base volume and a cloud-init seed ISO, on the local
# libvirtd:
#   sevirt   one 'sevirt create' per guest (seed built in memory, uploaded
#            through a libvirt stream);
#   virsh    the shell way: per guest 'virsh vol-create-as' (the overlay),
#            xorriso building the seed, 'virsh vol-create-as' + 'virsh
#            vol-upload' (the seed), 'virsh define' of an XML template;
#   virt-install  the same, with the XML from 'virt-install --print-xml'
#            instead of a template (only when virt-install is installed).
# Prints the wall time of each, the ratios to sevirt and sevirt's peak RSS
# (largest of its runs, from /usr/bin/time).  Everything is created in a
# pool of its own in a temporary folder and removed afterwards.
#
# Usage: bench/create.sh [-n N] [-c URI]
#   SEVIRT=path/to/sevirt (default: the gcc build under _build/, then PATH)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=50
uri=qemu:///system
while getopts n:c: opt; do
    case $opt in
    n) n=$OPTARG ;;
    c) uri=$OPTARG ;;
    *) echo "usage: $0 [-n N] [-c URI]" >&2; exit 2 ;;
    esac
done

. "$top/bench/lib.sh"
command -v xorriso >/dev/null || die "xorriso is not installed (the virsh route builds seeds with it)"
VIRSH="virsh -q -c $uri"
$VIRSH version >/dev/null 2>&1 || die "no libvirtd answers on $uri"
VIRT_INSTALL=$(command -v virt-install || true)
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=

prefix=sevirt-bench$$-
pool=${prefix}pool
tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir "$tmp/pool"

cleanup() {
    for d in $($VIRSH list --all --name 2>/dev/null | grep "^$prefix" || true); do
        $VIRSH undefine --nvram "$d" >/dev/null 2>&1 || true
    done
    $VIRSH pool-destroy "$pool" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

$VIRSH pool-create-as "$pool" dir --target "$tmp/pool" >/dev/null || die "cannot create pool $pool"
$VIRSH vol-create-as "$pool" base.qcow2 2G --format qcow2 >/dev/null || die "cannot create the base volume"
printf '#cloud-config\npackage_update: false\n' >"$tmp/user-data"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFJ5cb1ilg4l6Tu6LnDzS0DMOEWb4ZqlfHqU3zLZTuBk bench@sevirt" \
    >"$tmp/id.pub"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- sevirt -----------------------------------------------------------
run_sevirt() {
    i=1
    : >"$tmp/rss"
    while [ "$i" -le "$n" ]; do
        set -- "$SEVIRT" -q -c "$uri" create "${prefix}sv$i" --sev none --virt-type qemu \
            --memory 512 --disk "pool=$pool,backing=base.qcow2" \
            --cloud-init "user-data=$tmp/user-data" --ssh-key "$tmp/id.pub"
        if [ -n "$TIME" ]; then
            "$TIME" -f %M -a -o "$tmp/rss" "$@" || die "sevirt create failed"
        else
            "$@" || die "sevirt create failed"
        fi
        i=$((i + 1))
    done
}

# --- the shell way ------------------------------------------------------
template_xml() {
    cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/><apic/></features>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='$pool' volume='$1-disk0.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source pool='$pool' volume='$1-cidata.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <serial type='pty'/>
  </devices>
</domain>
EOF
}

virt_install_xml() {
    "$VIRT_INSTALL" --print-xml --connect "$uri" --name "$1" --memory 512 --vcpus 1 \
        --virt-type qemu --machine q35 --boot uefi --import --osinfo detect=on,require=off \
        --disk "vol=$pool/$1-disk0.qcow2,bus=virtio" \
        --disk "vol=$pool/$1-cidata.iso,device=cdrom,bus=sata" \
        --network network=default --graphics none --noautoconsole
}

# run_virsh XMLFUNC TAG
run_virsh() {
    i=1
    while [ "$i" -le "$n" ]; do
        d=${prefix}$2$i
        $VIRSH vol-create-as "$pool" "$d-disk0.qcow2" 2G --format qcow2 \
            --backing-vol base.qcow2 --backing-vol-format qcow2 >/dev/null || die "vol-create-as failed"
        mkdir "$tmp/$d"
        cp "$tmp/user-data" "$tmp/$d/user-data"
        printf 'instance-id: %s\nlocal-hostname: %s\npublic-keys:\n- %s\n' \
            "$(cat /proc/sys/kernel/random/uuid)" "$d" "$(cat "$tmp/id.pub")" >"$tmp/$d/meta-data"
        xorriso -as mkisofs -quiet -V cidata -J -R -o "$tmp/$d.iso" \
            "$tmp/$d/user-data" "$tmp/$d/meta-data" 2>/dev/null || die "xorriso failed"
        $VIRSH vol-create-as "$pool" "$d-cidata.iso" "$(stat -c %s "$tmp/$d.iso")" --format raw \
            >/dev/null || die "vol-create-as failed"
        $VIRSH vol-upload --pool "$pool" "$d-cidata.iso" "$tmp/$d.iso" || die "vol-upload failed"
        "$1" "$d" >"$tmp/$d.xml" || die "cannot write the XML of $d"
        $VIRSH define "$tmp/$d.xml" >/dev/null || die "define failed"
        i=$((i + 1))
    done
}

# time_ms CMD...: wall time of CMD in milliseconds
time_ms() {
    t0=$(now_ms)
    "$@"
    t1=$(now_ms)
    echo $((t1 - t0))
}

# check TAG: N guests with the prefix+TAG are defined
check() {
    got=$($VIRSH list --all --name | grep -c "^$prefix$1" || true)
    [ "$got" = "$n" ] || die "$1: $got of $n guests defined"
}

echo "creating $n defined, not started guests (qcow2 overlay + cloud-init seed) on $uri"
t_sevirt=$(time_ms run_sevirt)
check sv
t_virsh=$(time_ms run_virsh template_xml vs)
check vs
t_vi=
if [ -n "$VIRT_INSTALL" ]; then
    t_vi=$(time_ms run_virsh virt_install_xml vi)
    check vi
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-34s %10s %12s %9s\n' "route" "total (s)" "per guest (ms)" "vs sevirt"
printf '%-34s %10.2f %12d %9s\n' "sevirt create" "$(ratio "$t_sevirt" 1000)" $((t_sevirt / n)) "1.00"
printf '%-34s %10.2f %12d %9s\n' "virsh + xorriso + XML template" "$(ratio "$t_virsh" 1000)" \
    $((t_virsh / n)) "$(ratio "$t_virsh" "$t_sevirt")"
if [ -n "$t_vi" ]; then
    printf '%-34s %10.2f %12d %9s\n' "virsh + xorriso + virt-install" "$(ratio "$t_vi" 1000)" \
        $((t_vi / n)) "$(ratio "$t_vi" "$t_sevirt")"
else
    echo "virt-install: not installed, route skipped (Debian package virtinst)"
fi
if [ -n "$TIME" ]; then
    echo "sevirt peak RSS: $(sort -n "$tmp/rss" | tail -n 1) KiB (largest of $n runs)"
else
    echo "sevirt peak RSS: unknown (/usr/bin/time is not installed: Debian package time)"
fi
