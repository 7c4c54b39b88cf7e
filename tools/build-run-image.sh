#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the guest 'sevirt run' boots: Debian's kernel (vmlinuz) and a
# small initramfs of busybox-static, the kernel modules its init needs (9p
# over virtio, virtio-serial) and data/run-guest/init.  Busybox itself
# writes the cpio archive, so the host needs no cpio.  The packages are
# fetched with 'apt-get download' and unpacked with 'dpkg-deb -x' in a
# temporary directory: nothing is installed on the host.
#
# Usage: tools/build-run-image.sh [--output DIR] [--force]
#   --output DIR  where vmlinuz and initrd.img go (default: data/run-guest
#                 in the source tree, which 'make install' installs and
#                 'sevirt run' reads from the build tree too)
#   --force       rebuild even when DIR holds an image of the same inputs
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
out=$srcdir/data/run-guest
force=
while [ $# -gt 0 ]; do
    case "$1" in
    --output) out=$2; shift 2 ;;
    --force) force=1; shift ;;
    *) echo "build-run-image: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

log() { printf '%s\n' "build-run-image: $*"; }
die() { printf '%s\n' "build-run-image: $*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-deb gzip; do
    command -v $tool >/dev/null 2>&1 || die "'$tool' is needed"
done

# The modules the init loads; their dependencies come from modules.dep.
MODULES="virtio_pci virtio_console 9pnet_virtio 9p"
PACKAGES="linux-image-amd64 busybox-static"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-run-image.XXXXXX")
chmod 0755 "$tmp"    # apt-get download writes as _apt when it can
trap 'rm -rf "$tmp"' EXIT INT TERM

# The same package versions and init give the same image: skip the work.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n1)
[ -n "$kpkg" ] || die "apt knows no linux-image-amd64 (run apt-get update)"
stamp=$(printf '%s\n' "$kpkg" "$(apt-cache policy "$kpkg" busybox-static | grep Candidate)" \
        "$(cat "$srcdir/data/run-guest/init" "$0")" | sha256sum | cut -c1-16)
if [ -z "$force" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.img" ] &&
   [ "$(cat "$out/image.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "$out is up to date"
    exit 0
fi

log "downloading $kpkg busybox-static"
(cd "$tmp" && apt-get download -q "$kpkg" busybox-static >/dev/null) ||
    die "apt-get download failed"
mkdir "$tmp/pkg"
for deb in "$tmp"/*.deb; do
    dpkg-deb -x "$deb" "$tmp/pkg"
done

kver=$(ls "$tmp/pkg/lib/modules" | head -n1)
moddir=$tmp/pkg/lib/modules/$kver
[ -f "$tmp/pkg/boot/vmlinuz-$kver" ] || die "no vmlinuz-$kver in $kpkg"

# Modules in load order, each after the ones its .modinfo "depends=" names
# (no depmod on the host: modules.dep is not in the package).
order=
mod_path() {
    find "$moddir/kernel" -name "$1.ko*" | head -n1
}
add_module() {
    local m path deps dep    # recursive: dash and busybox sh know local
    m=$(printf '%s' "$1" | tr _ -)
    path=$(mod_path "$1")
    [ -n "$path" ] || path=$(mod_path "$m")
    [ -n "$path" ] || die "no module $1 in $kpkg"
    case " $order " in *" $path "*) return 0 ;; esac
    deps=$(tr '\0' '\n' < "$path" | sed -n 's/^depends=//p' | head -n1 | tr , ' ')
    for dep in $deps; do
        add_module "$dep"
    done
    order="$order $path"
}
for m in $MODULES; do
    add_module "$m"
done

root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
         "$root/mnt" "$root/lib/sevirt"
cp "$tmp/pkg/bin/busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
: > "$root/lib/sevirt/modules"
for mod in $order; do
    name=$(basename "$mod")
    case "$name" in
    *.xz) xz -dc "$mod" > "$root/lib/sevirt/${name%.xz}"; name=${name%.xz} ;;
    *.zst) zstd -qdc "$mod" > "$root/lib/sevirt/${name%.zst}"; name=${name%.zst} ;;
    *) cp "$mod" "$root/lib/sevirt/$name" ;;
    esac
    echo "$name" >> "$root/lib/sevirt/modules"
done
install -m 0755 "$srcdir/data/run-guest/init" "$root/init"

mkdir -p "$out"
(cd "$root" && find . | LC_ALL=C sort | "$tmp/pkg/bin/busybox" cpio -o -H newc 2>/dev/null) | gzip -9n > "$tmp/initrd.img"
cp "$tmp/pkg/boot/vmlinuz-$kver" "$tmp/vmlinuz"
mv "$tmp/initrd.img" "$out/initrd.img"
mv "$tmp/vmlinuz" "$out/vmlinuz"
chmod 0644 "$out/vmlinuz" "$out/initrd.img"
echo "$stamp" > "$out/image.stamp"
log "kernel $kver, modules:$(cat "$root/lib/sevirt/modules" | tr '\n' ' ')"
log "wrote $out/vmlinuz and $out/initrd.img"
