#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt run' on a test host (tools/testhosts.sh, a libvirtd of its own
# with no default pool): the kernel and initrd are uploaded through
# libvirt into a pool of that host for the run (--pool), the job's output
# and status come back, and afterwards neither a guest nor a volume is
# left there.  A pool that does not exist fails before anything starts.
. "$abs_top_srcdir/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
# A base directory of its own: other tests bring test hosts up too.
SEVIRT_TESTHOSTS_DIR=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}-integ-run
export SEVIRT_TESTHOSTS_DIR

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter socat flock ip taskset
IMAGE=${SEVIRT_RUN_IMAGE_DIR:-$abs_top_srcdir/data/run-guest}
[ -f "$IMAGE/vmlinuz" ] && [ -f "$IMAGE/initrd.img" ] ||
    skip_or_fail "no run image in $IMAGE (build it with tools/build-run-image.sh)"
export SEVIRT_RUN_IMAGE_DIR=$IMAGE

up=$(sh "$TH" up 1 2>"$TEST_TMP/up.err") || {
    sed 's/^/    /' "$TEST_TMP/up.err" >&2
    die "'testhosts.sh up 1' failed"
}
host=$(echo "$up" | cut -f1)
uri=$(echo "$up" | cut -f2)
on_exit "sh '$TH' down $host"
V="virsh -q -c $uri"

# a pool on the test host, in a directory QEMU's user can reach
chmod 755 "$TEST_TMP"
mkdir "$TEST_TMP/pool"
$V pool-create-as runpool dir --target "$TEST_TMP/pool" >/dev/null || die "cannot create a pool on $host"
R="sevirt -c $uri run --virt-type qemu --memory 256 --timeout 120 --pool runpool"

expect 7 sevirt -q -c "$uri" run --virt-type qemu --pool nosuchpool -- true && err_one_line
err_has "nosuchpool"

expect 3 $R --env 'WHERE=on a test host' -- sh -c 'echo "$WHERE"; ls /mnt; exit 3' &&
    out_has 'on a test host'
err_has "Uploading the kernel and initrd into pool 'runpool'"

# nothing left: no guest, no volume
[ -z "$($V list --all --name)" ] || fail "guests left on $host: $($V list --all --name)"
$V pool-refresh runpool >/dev/null
[ -z "$($V vol-list runpool | grep -v '^$')" ] || fail "volumes left in runpool: $($V vol-list runpool)"
[ -z "$(ls "$TEST_TMP/pool")" ] || fail "files left in the pool directory: $(ls "$TEST_TMP/pool")"

finish
