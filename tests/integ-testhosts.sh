#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tools/testhosts.sh: two bookworm hosts and one trixie host come up, answer
# with their own libvirt, are independent of each other, start a guest, and
# 'down' leaves nothing behind.
. "${abs_top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
# A base directory of its own: other tests bring test hosts up at the same
# time (make check -j), and "down leaves nothing" is checked over the whole
# base directory.
BASE=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}-integ-testhosts
SEVIRT_TESTHOSTS_DIR=$BASE
export SEVIRT_TESTHOSTS_DIR
CACHE=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter socat flock ip taskset
if [ ! -f "$CACHE/trixie-rootfs.stamp" ]; then
    require_cmd mmdebstrap
fi

now() { date +%s.%N; }
# since T0: seconds elapsed, to one decimal
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The root fs is built (once, cached) before the clock runs for 'up'.
t=$(now)
sh "$TH" rootfs 2>"$TEST_TMP/rootfs.err" || {
    sed 's/^/    /' "$TEST_TMP/rootfs.err" >&2
    skip_or_fail "cannot build the trixie root fs (is deb.debian.org reachable?)"
}
echo "trixie root fs ready in $(since "$t") s"

# The hosts' links stay in their namespaces: the machine gains none.
links_before=$(ip -o link | wc -l)
names=""
# up ARGS...: starts hosts, registers their removal; sets $UP (NAME<TAB>URI).
up() {
    _t=$(now)
    UP=$(sh "$TH" up "$@" 2>"$TEST_TMP/up.err") || {
        sed 's/^/    /' "$TEST_TMP/up.err" >&2
        die "'testhosts.sh up $*' failed"
    }
    echo "up $* in $(since "$_t") s"
    for _n in $(echo "$UP" | cut -f1); do
        names="$names $_n"
        on_exit "sh '$TH' down $_n"
    done
}

up 2
b1=$(echo "$UP" | sed -n 1p | cut -f1)
b2=$(echo "$UP" | sed -n 2p | cut -f1)
{ [ -n "$b1" ] && [ -n "$b2" ]; } || die "'up 2' did not name two hosts: $UP"
up 1 --flavour trixie --tcp
t1=$(echo "$UP" | cut -f1)
t1_tcp=$(echo "$UP" | cut -f2)
case $t1_tcp in qemu+tcp://127.0.0.*:16509/system) ;; *) fail "trixie --tcp URI is '$t1_tcp'" ;; esac

uri() { sh "$TH" uris "$1" | cut -f2; }
for n in $b1 $b2 $t1; do
    u=$(uri "$n")
    [ "$u" = "qemu+unix:///system?socket=$BASE/$n/run/libvirt-sock" ] || fail "uris $n: '$u'"
done
# shellcheck disable=SC2086
[ "$(sh "$TH" uris --tcp $names | cut -f1)" = "$t1" ] || fail "uris --tcp does not list only $t1"
# shellcheck disable=SC2086
sh "$TH" status $names >"$TEST_TMP/status"
[ "$(grep -c ' running ' "$TEST_TMP/status")" = 3 ] || fail "status: $(cat "$TEST_TMP/status")"

# Each host answers with its own libvirt and QEMU, and its own host name.
host_version=$(libvirtd --version | awk '{ print $NF }')
for n in $b1 $b2; do
    expect 0 virsh -c "$(uri "$n")" version --daemon
    out_has "Running against daemon: $host_version"
done
for u in "$(uri "$t1")" "$t1_tcp"; do
    expect 0 virsh -c "$u" version --daemon
    out_has "Running against daemon: 11.3."
    out_has "Running hypervisor: QEMU 10.0."
done
for n in $b1 $b2 $t1; do
    [ "$(virsh -c "$(uri "$n")" hostname)" = "$n" ] || fail "host $n does not call itself $n"
done
# 'exec' runs a command inside a host: the trixie host's own virsh, in its
# own root fs and network namespace (only lo, virbr0 not started).
expect 0 sh "$TH" exec "$t1" virsh -c qemu:///system version --daemon
out_has "Using library: libvirt 11.3."
out_has "Running against daemon: 11.3."
expect 0 sh "$TH" exec "$t1" sh -c 'cut -d. -f1 /etc/debian_version; ip -o link | cut -d: -f2'
[ "$(tr -d ' ' <"$OUT" | tr '\n' ' ')" = "13 lo " ] || fail "exec $t1: $(cat "$OUT")"

# Independence: a transient pool on one host, a defined domain on another,
# visible nowhere else.
chmod 755 "$TEST_TMP"
mkdir "$TEST_TMP/pool"
P="${TEST_PREFIX}pool"
D="${TEST_PREFIX}dom"
expect 0 virsh -c "$(uri "$b1")" pool-create-as "$P" dir --target "$TEST_TMP/pool"
cat >"$TEST_TMP/dom.xml" <<EOF
<domain type='qemu'>
  <name>$D</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><memballoon model='none'/></devices>
</domain>
EOF
expect 0 virsh -c "$(uri "$t1")" define "$TEST_TMP/dom.xml"
for n in $b1 $b2 $t1; do
    virsh -c "$(uri "$n")" pool-list --all --name >"$TEST_TMP/pools" || fail "pool-list on $n"
    virsh -c "$(uri "$n")" list --all --name >"$TEST_TMP/doms" || fail "list on $n"
    if [ "$n" = "$b1" ]; then
        grep -q "^$P *$" "$TEST_TMP/pools" || fail "$n lacks its own pool"
    else
        ! grep -q "^$P *$" "$TEST_TMP/pools" || fail "$n sees $b1's pool"
    fi
    if [ "$n" = "$t1" ]; then
        grep -q "^$D *$" "$TEST_TMP/doms" || fail "$n lacks its own domain"
    else
        ! grep -q "^$D *$" "$TEST_TMP/doms" || fail "$n sees $t1's domain"
    fi
done
expect 0 virsh -c "$(uri "$t1")" undefine "$D"

# A BIOS guest (no firmware file, no disk) of type qemu starts on each
# flavour, on the trixie host through the TCP forwarder.
for u in "$(uri "$b1")" "$t1_tcp"; do
    t=$(now)
    expect 0 virsh -c "$u" create "$TEST_TMP/dom.xml" || continue
    echo "guest start on $u in $(since "$t") s"
    [ "$(virsh -c "$u" domstate "$D")" = running ] || fail "guest not running on $u"
    expect 0 virsh -c "$u" destroy "$D"
done
# ... and one is left running on b2, for 'down' to stop.
expect 0 virsh -c "$(uri "$b2")" create "$TEST_TMP/dom.xml"
expect 0 virsh -c "$(uri "$b2")" net-start default

# What 'down' must remove: every process in each host's namespaces (the
# daemons, dnsmasq, QEMU), the TCP listener, the mounts, the state.  The
# processes are listed while their namespaces live (a freed namespace's
# inode number is soon reused) and known by pid and start time.
ns_of() { readlink "/proc/$1/ns/$2" 2>/dev/null; }
starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
nss=""
for n in $names; do
    pid=$(cat "$BASE/$n/run/libvirtd.pid")
    nss="$nss $(ns_of "$pid" net) $(ns_of "$pid" mnt) $(ns_of "$pid" uts)"
done
procs=""
for p in /proc/[0-9]*; do
    for k in net mnt uts; do
        # (some processes, such as an init in a sandbox, hide theirs)
        ns=$(ns_of "${p#/proc/}" $k) || continue
        [ -n "$ns" ] || continue
        case " $nss " in *" $ns "*)
            procs="$procs ${p#/proc/}:$(starttime "${p#/proc/}"):$(cat "$p/comm" 2>/dev/null)"
            break ;;
        esac
    done
done
fwd=$(cat "$BASE/$t1/forwarder.pid")
procs="$procs $fwd:$(starttime "$fwd"):socat"
for c in libvirtd virtlogd dnsmasq qemu-system-x86 socat; do
    case "$procs" in *":$c"*) ;; *) fail "no $c among the hosts' processes: $procs" ;; esac
done
t=$(now)
# shellcheck disable=SC2086
expect 0 sh "$TH" down $names
echo "down of 3 hosts (one guest running) in $(since "$t") s"

# Zombies (reaped by init whenever it will) hold nothing: only live
# processes count.
for e in $procs; do
    pid=${e%%:*} rest=${e#*:}
    st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    if [ -n "$st" ] && [ "$st" != Z ] && [ "$(starttime "$pid")" = "${rest%%:*}" ]; then
        fail "process $pid (${rest#*:}) of a test host still runs"
    fi
done
for n in $names; do
    [ ! -e "$BASE/$n" ] || fail "$BASE/$n remains"
done
! grep -q " $BASE/" /proc/self/mounts || fail "mounts remain under $BASE"
for ns in $nss; do
    ! grep -qF "$ns" /proc/self/mountinfo || fail "$ns is still mounted"
done
[ "$(ip -o link | wc -l)" = "$links_before" ] || fail "network links changed: $(ip -o link)"
# shellcheck disable=SC2086
[ -z "$(sh "$TH" uris $names 2>/dev/null)" ] || fail "uris still lists hosts"

finish
