#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt run --sev sev|sev-es' on the emulated SEV platform (OVMF, TCG):
# the job runs in an SEV and an SEV-ES guest and its exit status comes
# back; with kernel hashes (the default) the launch either measures the
# kernel, initrd and command line, which the guest then sees as its
# /proc/cmdline, or, on a firmware without a hashes area (Debian 12's
# OVMF), is refused with that reason before the job runs.  Nothing is left.
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
IMAGE=${SEVIRT_RUN_IMAGE_DIR:-$abs_top_srcdir/data/run-guest}
[ -f "$IMAGE/vmlinuz" ] && [ -f "$IMAGE/initrd.img" ] ||
    skip_or_fail "no run image in $IMAGE (build it with tools/build-run-image.sh)"
export SEVIRT_RUN_IMAGE_DIR=$IMAGE
emu_setup

R="sevirt -c $TEST_URI run --emulator $EMU --virt-type qemu --memory 256 --timeout 150"
on_exit "for d in \$(cat '$TEST_TMP'/*err 2>/dev/null | grep -o 'sevirt-run-[0-9a-f]*'); do $V destroy \$d; done"
nothing_left() {
    for _g in $(grep -h -o "sevirt-run-[0-9a-f]*" "$ERR" | sort -u); do
        $V dominfo "$_g" >/dev/null 2>&1 && fail "$1: guest $_g left behind"
    done
}

# SEV with measured kernel hashes
if $R --sev sev -- sh -c 'cat /proc/cmdline; exit 6' >"$TEST_TMP/out" 2>"$TEST_TMP/err"; then
    got=0
else
    got=$?
fi
OUT=$TEST_TMP/out ERR=$TEST_TMP/err
if [ "$got" = 6 ]; then
    # the measured command line is the one the guest booted with
    out_has "sevirt.argv=$(printf 'sh\0-c\0cat /proc/cmdline; exit 6\0' | base64 -w0)"
elif [ "$got" = 3 ]; then
    err_has "no hashes table"
    err_has "kernelHashes"
else
    fail "run --sev sev with kernel hashes: exit $got"
    sed 's/^/    stderr: /' "$ERR" >&2
fi
err_has "EMULATED SEV PLATFORM"
nothing_left "sev, kernel hashes"

# SEV and SEV-ES, on any firmware
expect 4 $R --sev sev --no-kernel-hashes -- sh -c 'echo in-sev; exit 4' && out_has in-sev
nothing_left "sev"
expect 0 $R --sev sev-es --no-kernel-hashes --firmware "$OVMF" --share "$abs_top_srcdir/tests/data:data:ro" \
    -- sh -c 'echo in-sev-es; test -d /mnt/data' && out_has in-sev-es
nothing_left "sev-es"

finish
