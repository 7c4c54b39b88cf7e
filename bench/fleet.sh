#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: a fleet of defined, not started guests (a qcow2 overlay on a
# shared base volume and a cloud-init seed each) over three test hosts
# (tools/testhosts.sh, a base directory of its own), in one run:
#   - 'sevirt fleet apply' of N guests for each N of the list (default
#     50 100 200): wall time, per-guest cost, peak RSS, then the time of a
#     second apply that changes nothing, then 'fleet destroy';
#   - at the largest N: a sequential loop of 'sevirt create' (the same
#     guests, round robin over the hosts) and the shell way (per guest
#     virsh vol-create-as, xorriso, vol-create-as + vol-upload, define of
#     an XML template, or of 'virt-install --print-xml' when installed),
#     with their ratios to 'fleet apply'.
# Targets (issue 12): fleet apply >= 1.8x the sevirt create loop, >= 10x
# the virsh loop, a no-change apply of 200 in < 2 s, peak RSS < 50 MiB.
#
# Usage (as root): bench/fleet.sh [-j JOBS] [N...]
#   SEVIRT=path/to/sevirt (default: the gcc build under _build/, then PATH)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=2
while getopts j: opt; do
    case $opt in
    j) jobs=$OPTARG ;;
    *) echo "usage: $0 [-j JOBS] [N...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
sizes=${*:-50 100 200}

. "$top/bench/lib.sh"
[ "$(id -u)" = 0 ] || die "test hosts need root"
command -v xorriso >/dev/null || die "xorriso is not installed (the virsh route builds seeds with it)"
TIME=/usr/bin/time
[ -x "$TIME" ] || die "/usr/bin/time is not installed (Debian package time)"
VIRT_INSTALL=$(command -v virt-install || true)

TH="$top/tools/testhosts.sh"
SEVIRT_TESTHOSTS_DIR=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}-bench-fleet
export SEVIRT_TESTHOSTS_DIR
tmp=$(mktemp -d)
chmod 755 "$tmp"
names=
cleanup() {
    # shellcheck disable=SC2086
    [ -z "$names" ] || sh "$TH" down $names >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

up=$(sh "$TH" up 3) || die "cannot start three test hosts"
names=$(echo "$up" | cut -f1 | tr '\n' ' ')
uris=$(echo "$up" | cut -f2)
for n in $names; do
    u=$(echo "$up" | awk -v n="$n" '$1 == n { print $2 }')
    mkdir -p "$SEVIRT_TESTHOSTS_DIR/$n/pool"
    virsh -q -c "$u" pool-define-as default dir --target "$SEVIRT_TESTHOSTS_DIR/$n/pool" >/dev/null ||
        die "cannot define the pool of $n"
    virsh -q -c "$u" pool-start default >/dev/null || die "cannot start the pool of $n"
    virsh -q -c "$u" vol-create-as default base.qcow2 2G --format qcow2 >/dev/null ||
        die "cannot create the base volume of $n"
done

printf '#cloud-config\npackage_update: false\n' >"$tmp/user-data"
cat >"$tmp/guest.yaml" <<'EOF'
memory: 512
sev: {type: none}
virt_type: qemu
networks: [none]
disks:
  - {pool: default, backing: base.qcow2}
cloud_init: {user_data: user-data}
EOF
# manifest N: the fleet of N guests over the three hosts
manifest() {
    {
        echo "fleet: bench"
        echo "hosts:"
        for u in $uris; do echo "  - '$u'"; done
        echo "guests:"
        echo "  - {name: 'g{index}', count: $1, spec: guest.yaml}"
    } >"$tmp/fleet.yaml"
}

now_ms() { echo $(($(now_ns) / 1000000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
total() {
    t=0
    for u in $uris; do t=$((t + $(virsh -q -c "$u" list --all --name | grep -c . || true))); done
    echo "$t"
}

echo "fleet apply of N defined guests (overlay + seed) over 3 test hosts, $jobs at once per host"
printf '%6s %10s %14s %14s %12s\n' N "apply (s)" "per guest (ms)" "no-change (s)" "RSS (KiB)"
for n in $sizes; do
    manifest "$n"
    t0=$(now_ms)
    "$TIME" -f %M -o "$tmp/rss" "$SEVIRT" -q fleet apply -j "$jobs" "$tmp/fleet.yaml" ||
        die "fleet apply of $n failed"
    t_apply=$(($(now_ms) - t0))
    [ "$(total)" = "$n" ] || die "fleet apply made $(total) guests, not $n"
    t0=$(now_ms)
    "$SEVIRT" -q fleet apply "$tmp/fleet.yaml" || die "the no-change apply failed"
    t_again=$(($(now_ms) - t0))
    printf '%6d %10.2f %14d %14.2f %12d\n' "$n" "$(ratio "$t_apply" 1000)" $((t_apply / n)) \
        "$(ratio "$t_again" 1000)" "$(tail -n 1 "$tmp/rss")"
    last=$n
    t_fleet=$t_apply
    "$SEVIRT" -q fleet destroy "$tmp/fleet.yaml" || die "fleet destroy failed"
done

n=$last
# The same guests, one 'sevirt create' after the other, round robin.
run_create() {
    i=1
    while [ "$i" -le "$n" ]; do
        for u in $uris; do
            [ "$i" -le "$n" ] || break
            "$SEVIRT" -q -c "$u" create "c$i" --spec "$tmp/guest.yaml" || die "sevirt create failed"
            i=$((i + 1))
        done
    done
}
t0=$(now_ms)
run_create
t_create=$(($(now_ms) - t0))
[ "$(total)" = "$n" ] || die "the create loop made $(total) guests"
for u in $uris; do
    for d in $(virsh -q -c "$u" list --all --name); do
        "$SEVIRT" -q -c "$u" delete "$d" || die "cannot delete $d"
    done
done

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
      <source pool='default' volume='$1-disk0.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source pool='default' volume='$1-cidata.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <serial type='pty'/>
  </devices>
</domain>
EOF
}
virt_install_xml() {
    "$VIRT_INSTALL" --print-xml --connect "$2" --name "$1" --memory 512 --vcpus 1 \
        --virt-type qemu --machine q35 --boot uefi --import --osinfo detect=on,require=off \
        --disk "vol=default/$1-disk0.qcow2,bus=virtio" \
        --disk "vol=default/$1-cidata.iso,device=cdrom,bus=sata" \
        --network none --graphics none --noautoconsole
}
# The shell way, round robin over the hosts.
run_virsh() {
    xml=template_xml
    [ -z "$VIRT_INSTALL" ] || xml=virt_install_xml
    i=1
    while [ "$i" -le "$n" ]; do
        for u in $uris; do
            [ "$i" -le "$n" ] || break
            d=v$i
            V="virsh -q -c $u"
            $V vol-create-as default "$d-disk0.qcow2" 2G --format qcow2 \
                --backing-vol base.qcow2 --backing-vol-format qcow2 >/dev/null || die "vol-create-as failed"
            mkdir "$tmp/$d"
            cp "$tmp/user-data" "$tmp/$d/user-data"
            printf 'instance-id: %s\nlocal-hostname: %s\n' \
                "$(cat /proc/sys/kernel/random/uuid)" "$d" >"$tmp/$d/meta-data"
            xorriso -as mkisofs -quiet -V cidata -J -R -o "$tmp/$d.iso" \
                "$tmp/$d/user-data" "$tmp/$d/meta-data" 2>/dev/null || die "xorriso failed"
            $V vol-create-as default "$d-cidata.iso" "$(stat -c %s "$tmp/$d.iso")" --format raw \
                >/dev/null || die "vol-create-as failed"
            $V vol-upload --pool default "$d-cidata.iso" "$tmp/$d.iso" || die "vol-upload failed"
            "$xml" "$d" "$u" >"$tmp/$d.xml" || die "cannot write the XML of $d"
            $V define "$tmp/$d.xml" >/dev/null || die "define failed"
            i=$((i + 1))
        done
    done
}
t0=$(now_ms)
run_virsh
t_virsh=$(($(now_ms) - t0))
[ "$(total)" = "$n" ] || die "the virsh loop made $(total) guests"
how="virsh + xorriso + XML template"
[ -z "$VIRT_INSTALL" ] || how="virsh + xorriso + virt-install"

echo
echo "$n guests:"
printf '%-34s %10s %14s %12s\n' route "total (s)" "per guest (ms)" "fleet apply is"
printf '%-34s %10.2f %14d %12s\n' "sevirt fleet apply -j $jobs" "$(ratio "$t_fleet" 1000)" \
    $((t_fleet / n)) "1.00x"
printf '%-34s %10.2f %14d %11sx\n' "sevirt create loop" "$(ratio "$t_create" 1000)" \
    $((t_create / n)) "$(ratio "$t_create" "$t_fleet")"
printf '%-34s %10.2f %14d %11sx\n' "$how" "$(ratio "$t_virsh" 1000)" $((t_virsh / n)) \
    "$(ratio "$t_virsh" "$t_fleet")"
[ -n "$VIRT_INSTALL" ] || echo "(virt-install is not installed: the XML template stands in for it)"
