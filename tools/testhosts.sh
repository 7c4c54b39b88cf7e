#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# testhosts.sh: independent libvirt hosts on this machine, for tests.
#
# Usage (as root):
#   tools/testhosts.sh up N [--flavour bookworm|trixie] [--tcp]
#   tools/testhosts.sh down [NAME...]
#   tools/testhosts.sh uris [--tcp] [NAME...]
#   tools/testhosts.sh status [NAME...]
#   tools/testhosts.sh rootfs [--rebuild]
#   tools/testhosts.sh exec NAME COMMAND [ARG...]
#
# This interface is stable; tests and scripts rely on it:
#
# up N        starts N new hosts, named th1, th2, ... (the lowest free
#             numbers), and prints one line per host started:
#                 NAME<TAB>URI
#             URI is qemu+unix:///system?socket=<base>/NAME/run/libvirt-sock.
#             It returns once every new host answers 'virsh version'; on any
#             failure the hosts it started are stopped again and it exits 1.
#   --flavour bookworm (default): the machine's own libvirt 9.0 / QEMU 7.2,
#             with /dev/kvm when the machine has it.
#   --flavour trixie: a Debian 13 root file system (libvirt 11.3, QEMU 10.0)
#             built with mmdebstrap and cached (see 'rootfs'); TCG only, no
#             /dev/kvm (its kvm group id differs from the machine's, and
#             libvirt would then re-probe QEMU on every call).
#   --tcp     the host also listens on TCP: its URI is then
#             qemu+tcp://127.0.0.<n+1>:16509/system for host th<n>
#             (auth_tcp "none": for tests only).  The address depends on
#             the number only: --tcp hosts of the same number under two
#             base directories collide (the second 'up' fails).
# down [NAME...]
#             stops the given hosts (all when none is given): their guests,
#             daemons and forwarders are killed, and their state directories
#             removed.  Nothing is left: no processes, mounts, namespaces.
# uris [--tcp] [NAME...]
#             one line per running host: NAME<TAB>URI (the qemu+unix URI; with
#             --tcp the qemu+tcp URI, and only hosts started with --tcp).
#             Take the URI alone with 'cut -f2'.
# status [NAME...]
#             one line per host: NAME FLAVOUR running|dead LIBVIRTD-PID URI.
# rootfs [--rebuild]
#             builds the trixie root file system if it is missing or its
#             package list changed ('up --flavour trixie' does it too).
#             The root fs is $SEVIRT_TESTHOSTS_CACHE/trixie-rootfs (e.g. its
#             usr/share/libvirt/schemas are libvirt 11.3's schemas).
# exec NAME COMMAND [ARG...]
#             runs COMMAND inside the host's namespaces and (trixie) its root
#             fs, e.g. 'exec th3 virsh capabilities' with trixie's own virsh;
#             exits with COMMAND's status.
# Exit status: 0 done, 1 failure (one line on stderr says why), 2 usage.
# Hosts numbers are never reused while a host's directory exists; 'down'
# with names stops only those, so tests running side by side each stop
# their own hosts.
#
# Environment:
#   SEVIRT_TESTHOSTS_DIR    base directory of the hosts' state
#                           (default /var/tmp/sevirt-testhosts).  Keep it
#                           short (unix socket paths are limited to 107 bytes)
#                           and outside /root: QEMU runs as libvirt-qemu and
#                           must reach the state directories.
#   SEVIRT_TESTHOSTS_CACHE  where the trixie root fs is cached
#                           (default /var/cache/sevirt-testhosts).
#   SEVIRT_TESTHOSTS_MIRROR Debian mirror (default http://deb.debian.org/debian).
#   SEVIRT_TESTHOSTS_BIND   space-separated absolute directories of the
#                           machine that a trixie host sees at the same path
#                           (e.g. a directory holding an emulator).  A trixie
#                           host sees only its root fs, its private /tmp, the
#                           base directory (so files its libvirt must open,
#                           such as pool directories or images, go under the
#                           base directory) and these.  Bookworm hosts see
#                           the machine's whole file system.
#
# What a host is: a libvirtd and its own virtlogd, started under
# 'unshare --mount --net --uts --propagation private' (the network namespace
# bound to <base>/NAME/netns until 'down').  In that mount
# namespace private directories of <base>/NAME are bound over /etc/libvirt
# (etc/: the packages' default configuration only, plus the lines noted in
# host_config), /var/lib/libvirt (lib/), /run/libvirt (run/, which holds the
# sockets and the daemons' pid files), /var/log/libvirt (log/) and
# /var/cache/libvirt (cache/); /etc/hosts names the host (its host name is
# NAME) and /etc/resolv.conf points at 127.0.0.1, as libvirt resolves the
# host name at every guest start (65-82 s of DNS time-outs otherwise).  Its
# network namespace holds only lo and, once started ('virsh net-start
# default'; defined but not autostarted, as the packages leave it), the
# default network's virbr0 (192.168.122.0/24): nothing leaves the machine.
# libvirtd runs on one CPU (the first this script may use), so that its
# QEMU capabilities cache, seeded from the first host of each flavour,
# stays valid; its guests run on every CPU.
# A trixie host pivot_roots into an overlay of the cached root fs (writes go
# to <base>/NAME/overlay) with a private /dev, /run, /tmp, /proc and /sys.
#
# The TCP forwarder is socat on the machine's side, listening on
# 127.0.0.<n+1>:16509 and, per connection, entering the host's network
# namespace (nsenter) to reach libvirtd's own TCP listener there: 127.0.0.0/8
# cannot be routed into another namespace (a veth pair would need a
# non-loopback address), and a socat process is gone once killed.
set -eu

PROG=testhosts
BASE=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}
CACHE=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}
MIRROR=${SEVIRT_TESTHOSTS_MIRROR:-http://deb.debian.org/debian}
# The trixie root fs.  The network driver, dnsmasq and nftables give the host
# its default network, as on bookworm; libvirt-clients its own virsh and
# virt-xml-validate (for 'exec').  libjson-glib-1.0-0: the emulated SEV
# platform (src/emu/sevirt-qemu-emu, built on this machine and bound in with
# SEVIRT_TESTHOSTS_BIND) runs there as the hosts' QEMU; the rest of what it
# links is already in.
TRIXIE_PACKAGES="libvirt-daemon-system libvirt-daemon-driver-qemu
    qemu-system-x86 qemu-utils ovmf
    libvirt-daemon-driver-network libvirt-daemon-config-network
    dnsmasq-base nftables iproute2 libvirt-clients libjson-glib-1.0-0"
ROOTFS=$CACHE/trixie-rootfs
TCP_PORT=16509
SELF=$(readlink -f "$0")

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
    sed -n '/^# Usage/,/^#$/p' "$SELF" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------- helpers

unix_uri() { echo "qemu+unix:///system?socket=$BASE/$1/run/libvirt-sock"; }
tcp_addr() { echo "127.0.0.$((${1#th} + 1))"; }
tcp_uri() { echo "qemu+tcp://$(tcp_addr "$1"):$TCP_PORT/system"; }

# info NAME KEY: a value recorded at 'up' (flavour, tcp, netns).
info() {
    sed -n "s/^$2=//p" "$BASE/$1/info" 2>/dev/null
}

# all_hosts: the names of the hosts in the base directory.
all_hosts() {
    [ -d "$BASE" ] || return 0
    for d in "$BASE"/th*; do
        [ -f "$d/info" ] && basename "$d"
    done | sort -V
}

# host_pids NAME: every process in the host's network namespace (its
# daemons, dnsmasq, QEMU) — a pid file alone would miss the guests.
host_pids() {
    _ns=$(info "$1" netns)
    [ -n "$_ns" ] || return 0
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$_ns" ] && echo "${p#/proc/}"
    done
    return 0
}

# forwarder_pids NAME: the host's socat listener and its children.
forwarder_pids() {
    _f=$BASE/$1/forwarder.pid
    [ -f "$_f" ] || return 0
    _p=$(cat "$_f")
    [ -d "/proc/$_p" ] && grep -q socat "/proc/$_p/comm" 2>/dev/null || return 0
    echo "$_p"
    pgrep -P "$_p" || true
}

libvirtd_pid() {
    _p=$(cat "$BASE/$1/run/libvirtd.pid" 2>/dev/null) || return 1
    [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null && echo "$_p"
}

# answers URI: libvirtd answers on URI.
answers() {
    virsh -q -c "$1" version >/dev/null 2>&1
}

# Serialises 'up' and 'down' (index allocation, state directories).
# Descriptor 7: test-lib.sh keeps 9 for its own lock.
lock() {
    mkdir -p "$BASE"
    chmod 755 "$BASE"
    exec 7>>"$BASE/.lock"
    flock 7
}

# ---------------------------------------------------------------- root fs

# The cached root fs is rebuilt when this stamp (suite, mirror, packages)
# changes.
rootfs_stamp() {
    # shellcheck disable=SC2086,SC2116
    printf 'trixie %s %s\n' "$MIRROR" "$(echo $TRIXIE_PACKAGES)"
}

rootfs_build() {
    if [ "${1:-}" != force ] && [ -f "$ROOTFS.stamp" ] &&
        [ "$(cat "$ROOTFS.stamp")" = "$(rootfs_stamp)" ] && [ -d "$ROOTFS" ]; then
        return 0
    fi
    command -v mmdebstrap >/dev/null 2>&1 ||
        die "mmdebstrap is not installed (tools/setup-host.sh installs it)"
    mkdir -p "$CACHE"
    exec 6>>"$CACHE/.lock"
    flock 6
    # another process may have built it while this one waited
    if [ "${1:-}" != force ] && [ -f "$ROOTFS.stamp" ] &&
        [ "$(cat "$ROOTFS.stamp")" = "$(rootfs_stamp)" ] && [ -d "$ROOTFS" ]; then
        exec 6>&-
        return 0
    fi
    # The running trixie hosts' overlays sit on it.
    for _h in $(all_hosts); do
        if [ "$(info "$_h" flavour)" = trixie ] && [ -n "$(host_pids "$_h")" ]; then
            die "rootfs: trixie host $_h runs on the root fs; stop it first ('down $_h')"
        fi
    done
    log "building the trixie root fs in $ROOTFS (mmdebstrap, about 20-60 s)"
    _t0=$(date +%s)
    rm -rf "$ROOTFS.new" "$ROOTFS.stamp"
    # shellcheck disable=SC2086
    mmdebstrap --quiet --variant=minbase \
        --aptopt='APT::Install-Recommends "false"' \
        --include="$(echo $TRIXIE_PACKAGES | tr ' ' ,)" \
        trixie "$ROOTFS.new" "deb $MIRROR trixie main" 6>&- 7>&- >&2 ||
        { rm -rf "$ROOTFS.new"; die "mmdebstrap failed to build the trixie root fs"; }
    # mount points the hosts bind over
    mkdir -p "$ROOTFS.new/.oldroot" "$ROOTFS.new/var/cache/libvirt" \
        "$ROOTFS.new/var/log/libvirt" "$ROOTFS.new/run/libvirt"
    touch "$ROOTFS.new/etc/hosts" "$ROOTFS.new/etc/resolv.conf"
    rm -rf "$ROOTFS"
    mv "$ROOTFS.new" "$ROOTFS"
    rootfs_stamp >"$ROOTFS.stamp"
    log "trixie root fs built in $(($(date +%s) - _t0)) s"
    exec 6>&-
}

# ---------------------------------------------------------------- state

# copy_tree_dirs SRC DST: DST gets SRC's subdirectories (one level, with
# their owners and modes) but none of its files.
copy_tree_dirs() {
    mkdir -p "$2"
    chown --reference="$1" "$2" && chmod --reference="$1" "$2"
    for _cs in "$1"/*; do
        [ -d "$_cs" ] || continue
        _cd=$2/$(basename "$_cs")
        mkdir -p "$_cd"
        chown --reference="$_cs" "$_cd" && chmod --reference="$_cs" "$_cd"
    done
}

# bookworm_etc DIR: the default configuration of the installed libvirt
# packages (their conffiles under /etc/libvirt, plus what the postinst
# scripts of the network and nwfilter config packages copy from
# /usr/share/libvirt), none of the machine's domains, networks or pools.
bookworm_etc() {
    _pkgs=$(dpkg -S /etc/libvirt 2>/dev/null | cut -d: -f1 | tr -d ,)
    # shellcheck disable=SC2086
    dpkg-query -W -f '${Conffiles}\n' $_pkgs 2>/dev/null |
        awk '$1 ~ "^/etc/libvirt/" && $3 != "obsolete" { print $1, $2 }' |
        while read -r _f _sum; do
            [ -f "$_f" ] || continue
            if [ "$(md5sum <"$_f" | cut -d' ' -f1)" != "$_sum" ]; then
                log "warning: $_f differs from the package's default; copied as it is"
            fi
            mkdir -p "$1/$(dirname "${_f#/etc/libvirt/}")"
            cp -p "$_f" "$1/${_f#/etc/libvirt/}"
        done
    if [ -f /usr/share/libvirt/networks/default.xml ] &&
        dpkg-query -W -f '${Status}' libvirt-daemon-config-network 2>/dev/null | grep -q installed; then
        mkdir -p "$1/qemu/networks/autostart"
        install -m 0600 /usr/share/libvirt/networks/default.xml "$1/qemu/networks/"
    fi
    if [ -d /usr/share/libvirt/nwfilter ] &&
        dpkg-query -W -f '${Status}' libvirt-daemon-config-nwfilter 2>/dev/null | grep -q installed; then
        mkdir -p "$1/nwfilter"
        cp /usr/share/libvirt/nwfilter/*.xml "$1/nwfilter/"
    fi
}

# host_config NAME DIR TCP: what every test host changes in its copy of the
# defaults.
host_config() {
    # The machine's libvirtd owns machine.slice/machine-qemu-ID-NAME scopes:
    # the hosts' guests would collide with its guests' cgroups.
    printf '\n# sevirt test host\ncgroup_controllers = [ ]\n' >>"$2/etc/qemu.conf"
    if [ "$3" = yes ]; then
        printf '\n# sevirt test host: TCP without authentication, inside its own network namespace\nlisten_tls = 0\nlisten_tcp = 1\nauth_tcp = "none"\n' \
            >>"$2/etc/libvirtd.conf"
    fi
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$1" >"$2/hosts"
    # Nothing listens on 127.0.0.1:53 in the namespace: a look-up fails at
    # once instead of timing out.
    printf 'nameserver 127.0.0.1\n' >"$2/resolv.conf"
}

# make_state NAME FLAVOUR TCP
make_state() {
    _d=$BASE/$1
    rm -rf "$_d"
    mkdir -p "$_d"
    chmod 755 "$_d"
    if [ "$2" = trixie ]; then
        cp -a "$ROOTFS/etc/libvirt" "$_d/etc"
        cp -a "$ROOTFS/var/lib/libvirt" "$_d/lib"
        mkdir -p "$_d/overlay/upper" "$_d/overlay/work" "$_d/root"
    else
        mkdir "$_d/etc"
        bookworm_etc "$_d/etc"
        copy_tree_dirs /var/lib/libvirt "$_d/lib"
    fi
    mkdir -p "$_d/run" "$_d/log/qemu" "$_d/cache"
    chmod 755 "$_d/run" "$_d/log"
    chmod 711 "$_d/cache"
    if [ -d "$CACHE/qemu-caps-$2" ]; then
        mkdir -p "$_d/cache/qemu"
        cp -a "$CACHE/qemu-caps-$2" "$_d/cache/qemu/capabilities"
    fi
    host_config "$1" "$_d" "$3"
    printf 'flavour=%s\ntcp=%s\n' "$2" "$3" >"$_d/info"
}

# save_caps NAME FLAVOUR: keep the QEMU capabilities the host probed, to
# seed the next hosts' caches.  Probing QEMU is most of a libvirtd's start
# (about 8 s for bookworm's two emulators); libvirt itself throws a seeded
# entry away when the binaries, the kernel or /dev/kvm changed, and then
# the seed is replaced by what it probed instead.
save_caps() {
    _src=$BASE/$1/cache/qemu/capabilities
    ls "$_src"/*.xml >/dev/null 2>&1 || return 0
    diff -rq "$_src" "$CACHE/qemu-caps-$2" >/dev/null 2>&1 && return 0
    rm -rf "$CACHE/qemu-caps-$2"
    mkdir -p "$CACHE"
    rm -rf "$CACHE/qemu-caps-$2.$$"
    # another host may have saved it meanwhile: then mv fails, keep that one
    if ! { cp -a "$_src" "$CACHE/qemu-caps-$2.$$" &&
        mv -T "$CACHE/qemu-caps-$2.$$" "$CACHE/qemu-caps-$2" 2>/dev/null; }; then
        rm -rf "$CACHE/qemu-caps-$2.$$"
    fi
}

# ---------------------------------------------------------------- inside

# Runs as 'testhosts.sh _inner NAME FLAVOUR TCP' under unshare: mounts the
# private state and starts the daemons, which keep the namespaces alive.
inner() {
    _name=$1 _flavour=$2 _tcp=$3
    _d=$BASE/$_name
    hostname "$_name"
    ip link set lo up
    if [ "$_flavour" = trixie ]; then
        _r=$_d/root
        mount -t overlay overlay \
            -o "lowerdir=$ROOTFS,upperdir=$_d/overlay/upper,workdir=$_d/overlay/work" "$_r"
        # QEMU's own mount namespace needs the root to be a mount point
        # distinct from its parent (pivot_root, not chroot).
        mount -t proc proc "$_r/proc"
        mount -t sysfs sysfs "$_r/sys"
        mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$_r/run"
        mkdir "$_r/run/libvirt"
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$_r/tmp"
        # A private /dev: libvirt enters each QEMU's mount namespace and
        # builds its /dev there; with the machine's /dev bound, it replaced
        # the machine's /dev/ptmx.
        mount -t tmpfs -o mode=755,nosuid tmpfs "$_r/dev"
        for _n in null zero full random urandom tty net/tun; do
            [ -c "/dev/$_n" ] || continue
            mkdir -p "$(dirname "$_r/dev/$_n")"
            touch "$_r/dev/$_n"
            mount --bind "/dev/$_n" "$_r/dev/$_n"
        done
        mkdir "$_r/dev/pts" "$_r/dev/shm"
        mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$_r/dev/pts"
        ln -s pts/ptmx "$_r/dev/ptmx"
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$_r/dev/shm"
        ln -s /proc/self/fd "$_r/dev/fd"
        ln -s /proc/self/fd/0 "$_r/dev/stdin"
        ln -s /proc/self/fd/1 "$_r/dev/stdout"
        ln -s /proc/self/fd/2 "$_r/dev/stderr"
        for _b in "$BASE" ${SEVIRT_TESTHOSTS_BIND:-}; do
            [ -d "$_b" ] || continue
            mkdir -p "$_r$_b"
            mount --bind "$_b" "$_r$_b"
        done
    else
        _r=
        # This namespace started as a copy of the machine's mounts, with the
        # other hosts' network namespace bindings: holding them would keep
        # those namespaces after their hosts' 'down'.
        awk -v b="$BASE" '$2 ~ "^" b "/th[0-9]+/netns$" { print $2 }' /proc/self/mounts |
            while read -r _m; do umount "$_m"; done
    fi
    mount --bind "$_d/etc" "$_r/etc/libvirt"
    mount --bind "$_d/lib" "$_r/var/lib/libvirt"
    mount --bind "$_d/run" "$_r/run/libvirt"
    mount --bind "$_d/log" "$_r/var/log/libvirt"
    mount --bind "$_d/cache" "$_r/var/cache/libvirt"
    mount --bind "$_d/hosts" "$_r/etc/hosts"
    mount --bind "$_d/resolv.conf" "$_r/etc/resolv.conf"
    if [ -n "$_r" ]; then
        cd "$_r"
        pivot_root . .oldroot
        cd /
        umount -l /.oldroot
    fi
    # Pid files in the private /run/libvirt: /run/libvirtd.pid and
    # /run/virtlogd.pid are the machine's daemons'.  A root libvirtd does
    # not start a virtlogd of its own.
    _path=PATH=/usr/sbin:/usr/bin:/sbin:/bin
    env -i "$_path" LC_ALL=C HOME=/root virtlogd -d -p /run/libvirt/virtlogd.pid </dev/null >/dev/null 2>&1
    _listen=
    [ "$_tcp" = yes ] && _listen=--listen
    # libvirt keeps its QEMU capabilities cache only while the host's CPUID
    # data stays the same, and on this kind of virtual machine CPUID differs
    # between CPUs: a libvirtd on one CPU reuses the capabilities the seed
    # holds instead of probing again.  QEMU still gets every CPU (libvirt
    # resets its affinity).
    _cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
    # shellcheck disable=SC2086
    taskset -c "$_cpu" env -i "$_path" LC_ALL=C HOME=/root \
        libvirtd -d -p /run/libvirt/libvirtd.pid $_listen </dev/null >/dev/null 2>&1
}

# ---------------------------------------------------------------- commands

next_free() {
    _i=1
    while [ -e "$BASE/th$_i" ]; do
        _i=$((_i + 1))
    done
    echo "th$_i"
}

start_forwarder() {
    _d=$BASE/$1
    # Only the listener outlives this script; descriptors 6-9 are closed so
    # that nobody's lock is held by it.
    setsid socat "TCP-LISTEN:$TCP_PORT,bind=$(tcp_addr "$1"),reuseaddr,fork" \
        "EXEC:nsenter --net=$_d/netns socat STDIO TCP\:127.0.0.1\:$TCP_PORT" \
        </dev/null >/dev/null 2>"$_d/forwarder.log" 6>&- 7>&- 8>&- 9>&- &
    echo $! >"$_d/forwarder.pid"
}

# wait_for URI SECONDS
wait_for() {
    _i=0
    until answers "$1"; do
        _i=$((_i + 1))
        [ $_i -gt $(($2 * 4)) ] && return 1
        sleep 0.25
    done
}

cmd_up() {
    [ $# -ge 1 ] || usage
    _n=$1
    shift
    case $_n in '' | *[!0-9]*) die "up: '$_n' is not a number of hosts" ;; esac
    _flavour=bookworm _tcp=no
    while [ $# -gt 0 ]; do
        case $1 in
        --flavour) [ $# -ge 2 ] || usage; _flavour=$2; shift ;;
        --flavour=*) _flavour=${1#--flavour=} ;;
        --tcp) _tcp=yes ;;
        *) usage ;;
        esac
        shift
    done
    case $_flavour in bookworm | trixie) ;; *) die "up: unknown flavour '$_flavour' (bookworm or trixie)" ;; esac
    [ "$(id -u)" = 0 ] || die "up: run as root (namespaces, mounts)"
    for c in unshare nsenter virsh libvirtd virtlogd ip flock; do
        command -v "$c" >/dev/null 2>&1 || die "up: '$c' is not installed"
    done
    [ "$_tcp" = no ] || command -v socat >/dev/null 2>&1 ||
        die "up: 'socat' is not installed (tools/setup-host.sh installs it)"
    [ ${#BASE} -le 70 ] || die "up: SEVIRT_TESTHOSTS_DIR '$BASE' is too long for unix socket paths"
    case $BASE in /*) ;; *) die "up: SEVIRT_TESTHOSTS_DIR '$BASE' is not an absolute path" ;; esac
    # QEMU runs as libvirt-qemu and opens files under the base directory.
    _p=$(dirname "$BASE")
    while [ "$_p" != / ]; do
        if [ -d "$_p" ] && [ "$(($(stat -c %#a "$_p") & 1))" = 0 ]; then
            die "up: '$_p' is closed to others: QEMU could not reach $BASE (set SEVIRT_TESTHOSTS_DIR)"
        fi
        _p=$(dirname "$_p")
    done
    [ "$_flavour" = bookworm ] || rootfs_build
    lock
    _started=
    trap 'cmd_down $_started >/dev/null 2>&1' EXIT
    trap 'exit 130' INT TERM
    _i=0
    while [ $_i -lt "$_n" ]; do
        _name=$(next_free)
        [ "${_name#th}" -le 253 ] || die "up: too many hosts"
        _started="$_started $_name"
        make_state "$_name" "$_flavour" "$_tcp"
        # The network namespace is also bound to <dir>/netns: that keeps its
        # number from being reused while the host's directory exists, so
        # that 'down' never takes another namespace's processes for this
        # host's, even once this host's processes have all died.
        touch "$BASE/$_name/netns"
        unshare --mount --net="$BASE/$_name/netns" --uts --propagation private -- \
            /bin/sh "$SELF" _inner "$_name" "$_flavour" "$_tcp" 6>&- 7>&- 8>&- 9>&- ||
            die "up: could not set up host $_name"
        printf 'netns=net:[%s]\n' "$(stat -L -c %i "$BASE/$_name/netns")" >>"$BASE/$_name/info"
        _i=$((_i + 1))
    done
    # The daemons start in parallel; wait for all.
    for _name in $_started; do
        wait_for "$(unix_uri "$_name")" 60 ||
            die "up: host $_name does not answer (see $BASE/$_name/log/libvirtd.log)"
        save_caps "$_name" "$_flavour"
        if [ "$_tcp" = yes ]; then
            { start_forwarder "$_name" && wait_for "$(tcp_uri "$_name")" 10; } ||
                die "up: host $_name does not answer on $(tcp_uri "$_name") (see $BASE/$_name/forwarder.log)"
        fi
    done
    trap - EXIT INT TERM
    for _name in $_started; do
        if [ "$_tcp" = yes ]; then
            printf '%s\t%s\n' "$_name" "$(tcp_uri "$_name")"
        else
            printf '%s\t%s\n' "$_name" "$(unix_uri "$_name")"
        fi
    done
}

# kill_all SIGNAL PIDS...
kill_all() {
    _sig=$1
    shift
    [ $# -gt 0 ] && kill "-$_sig" "$@" 2>/dev/null
    return 0
}

# signal_host NAME: asks everything of the host to exit at once: the
# forwarder, libvirtd, virtlogd, dnsmasq and the guests' QEMU (all in its
# network namespace; libvirtd would leave guests running).
signal_host() {
    # shellcheck disable=SC2046
    kill_all TERM $(forwarder_pids "$1") $(host_pids "$1")
}

# reap_host NAME: waits for the host's processes (killing what is left
# after 10 s), then removes its state.
reap_host() {
    _d=$BASE/$1
    _i=0
    while [ -n "$(host_pids "$1")$(forwarder_pids "$1")" ]; do
        _i=$((_i + 1))
        if [ $_i -eq 40 ]; then
            # shellcheck disable=SC2046
            kill_all KILL $(host_pids "$1") $(forwarder_pids "$1")
        fi
        [ $_i -gt 80 ] && { log "down: processes of $1 do not exit"; return 1; }
        sleep 0.25
    done
    # The mounts lived in the host's mount namespace, gone with its last
    # process, but for the network namespace's binding; were one left, rm
    # must not follow it into the machine's files (--one-file-system).
    if grep -q " $_d/netns " /proc/self/mounts; then
        umount "$_d/netns" || { log "down: cannot unmount $_d/netns"; return 1; }
    fi
    if grep -q " $_d/" /proc/self/mounts; then
        log "down: mounts under $_d remain"
        return 1
    fi
    rm -rf --one-file-system "$_d"
}

cmd_down() {
    [ "$(id -u)" = 0 ] || die "down: run as root"
    lock
    _names=$*
    [ -n "$_names" ] || _names=$(all_hosts)
    _rc=0 _stopping=
    for _name in $_names; do
        case $_name in th[0-9]*) ;; *) log "down: '$_name' is not a test host name"; _rc=1; continue ;; esac
        [ -d "$BASE/$_name" ] || { log "down: no host '$_name'"; _rc=1; continue; }
        signal_host "$_name"
        _stopping="$_stopping $_name"
    done
    for _name in $_stopping; do
        reap_host "$_name" || _rc=1
    done
    return $_rc
}

cmd_uris() {
    _mode=unix
    if [ "${1:-}" = --tcp ]; then
        _mode=tcp
        shift
    fi
    _names=$*
    [ -n "$_names" ] || _names=$(all_hosts)
    for _name in $_names; do
        [ -f "$BASE/$_name/info" ] || die "uris: no host '$_name'"
        libvirtd_pid "$_name" >/dev/null || continue
        if [ $_mode = tcp ]; then
            [ "$(info "$_name" tcp)" = yes ] || continue
            printf '%s\t%s\n' "$_name" "$(tcp_uri "$_name")"
        else
            printf '%s\t%s\n' "$_name" "$(unix_uri "$_name")"
        fi
    done
}

cmd_status() {
    _names=$*
    [ -n "$_names" ] || _names=$(all_hosts)
    for _name in $_names; do
        [ -f "$BASE/$_name/info" ] || die "status: no host '$_name'"
        if _pid=$(libvirtd_pid "$_name"); then
            _state=running
        else
            _state=dead _pid=-
        fi
        _uri=$(unix_uri "$_name")
        [ "$(info "$_name" tcp)" = yes ] && _uri="$_uri $(tcp_uri "$_name")"
        printf '%s %s %s %s %s\n' "$_name" "$(info "$_name" flavour)" "$_state" "$_pid" "$_uri"
    done
}

cmd_exec() {
    [ $# -ge 2 ] || usage
    [ "$(id -u)" = 0 ] || die "exec: run as root"
    [ -f "$BASE/$1/info" ] || die "exec: no host '$1'"
    _pid=$(libvirtd_pid "$1") || die "exec: host '$1' does not run"
    shift
    exec nsenter -t "$_pid" -m -n -u -r -w -- "$@"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
uris) cmd_uris "$@" ;;
status) cmd_status "$@" ;;
exec) cmd_exec "$@" ;;
rootfs)
    [ "$(id -u)" = 0 ] || die "rootfs: run as root"
    case ${1:-} in
    '') rootfs_build ;;
    --rebuild) rootfs_build force ;;
    *) usage ;;
    esac
    ;;
_inner) inner "$@" ;;
-h | --help | help) usage ;;
*) usage ;;
esac
