#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Prepare a Debian 12 host (as root) to build, test and run sevirt:
# install the build dependencies, libvirt with the QEMU driver, QEMU, OVMF
# and the test tools, then make sure virtlogd, virtlockd and libvirtd run
# (started by hand when there is no systemd) and the default network is up.
#
# Usage: tools/setup-host.sh [--no-install]
set -eu

PACKAGES="
    autoconf automake autopoint libtool gettext pkg-config make gcc clang
    libclang-rt-dev
    libvirt-dev libxml2-dev libxml2-utils libglib2.0-dev libjson-glib-dev
    libssl-dev libyaml-dev libisofs-dev libcmocka-dev
    libvirt-daemon-system libvirt-clients libvirt-clients-qemu
    qemu-system-x86 qemu-utils ovmf dnsmasq-base passt iptables
    valgrind xorriso python3 python3-lxml python3-cryptography
    procps iproute2 ca-certificates time
    util-linux mmdebstrap socat
"

log() { printf '%s\n' "setup-host: $*"; }

if [ "${1:-}" != "--no-install" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup-host: run as root (installs packages, starts libvirtd)" >&2
        exit 1
    fi
    log "installing packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $PACKAGES
fi

# Without udev, /dev/kvm stays root-only (0600).  QEMU probed by libvirtd
# can still open it while libvirtd's own check (as the qemu user) cannot,
# and libvirt 9.0 then throws its capability cache away on every lookup:
# each define/start re-probes every emulator.  Give it udev's usual
# root:kvm 0660.
if [ -c /dev/kvm ] && [ "$(stat -c %a /dev/kvm)" = 600 ] && getent group kvm >/dev/null; then
    log "making /dev/kvm root:kvm 0660, as udev does"
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi

# By pid file, not by name: the test hosts (tools/testhosts.sh) run
# libvirtds and virtlogds of their own.
running() {
    pid=$(cat "/run/$1.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

start_daemon() {
    if running "$1"; then
        log "$1 already running"
        return
    fi
    log "starting $1"
    "$1" -d
}

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl start virtlogd.socket virtlockd.socket libvirtd.socket libvirtd.service || true
fi
start_daemon virtlogd
start_daemon virtlockd
start_daemon libvirtd

# libvirtd takes a moment to open its socket.
i=0
until virsh -c qemu:///system version >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then
        echo "setup-host: libvirtd does not answer on qemu:///system" >&2
        exit 1
    fi
    sleep 0.5
done
log "libvirtd answers on qemu:///system"

if virsh -c qemu:///system net-info default >/dev/null 2>&1; then
    if ! virsh -c qemu:///system net-info default | grep -q '^Active:.*yes'; then
        log "starting the default network"
        virsh -c qemu:///system net-start default >/dev/null
    fi
fi
log "done"
