#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt run' on the real libvirtd, QEMU under TCG, booting the run image
# (tools/build-run-image.sh): the command's output, environment and exit
# status; arguments no shell may reinterpret; the read-only share; the
# timeout (124); two runs at once; the guest destroyed from outside (125);
# SIGTERM (143).  After each case no transient guest is left.
. "$abs_top_srcdir/tests/test-lib.sh"

require_libvirtd
IMAGE=${SEVIRT_RUN_IMAGE_DIR:-$abs_top_srcdir/data/run-guest}
[ -f "$IMAGE/vmlinuz" ] && [ -f "$IMAGE/initrd.img" ] ||
    skip_or_fail "no run image in $IMAGE (build it with tools/build-run-image.sh)"
export SEVIRT_RUN_IMAGE_DIR=$IMAGE
V="virsh -q -c $TEST_URI"
# Small and on TCG: this host may have no (usable) KVM.
R="sevirt -c $TEST_URI run --virt-type qemu --memory 256 --timeout 120"

# The run guests this test started; on_exit destroys any left over.
on_exit "for d in \$(cat '$TEST_TMP'/*err 2>/dev/null | grep -o 'sevirt-run-[0-9a-f]*'); do $V destroy \$d; done"
# nothing_left CASE [FILE...]: the guests named in FILEs (default: the last
# expect's stderr, where run names its guest) exist no more.
nothing_left() {
    _case=$1
    shift
    [ $# -gt 0 ] || set -- "$ERR"
    for _g in $(grep -h -o "sevirt-run-[0-9a-f]*" "$@" | sort -u); do
        $V dominfo "$_g" >/dev/null 2>&1 && fail "$_case: guest $_g left behind"
    done
    [ -n "$(grep -h -o "sevirt-run-[0-9a-f]*" "$@")" ] || fail "$_case: no guest named in $*"
}

chmod 755 "$TEST_TMP"
mkdir "$TEST_TMP/job"
printf 'job data\n' >"$TEST_TMP/job/input.txt"
chmod -R a+rX "$TEST_TMP/job"

# 1. output on stdout and stderr, environment, arguments passed verbatim
expect 0 $R --share "$TEST_TMP/job:job:ro" --env 'GREETING=hello  world' --env 'Q=$(id) `x` "y"' \
    -- sh -c 'echo "out:$GREETING"; echo "err:$Q" >&2; printf "arg:%s\n" "$@"; cat input.txt' \
    sh 'two  spaces' "it's" '$HOME;ls' && {
    out_has 'out:hello  world'
    err_has 'err:$(id) `x` "y"'
    out_has 'arg:two  spaces'
    out_has "arg:it's"
    out_has 'arg:$HOME;ls'
    out_has 'job data'
    out_lacks 'err:'
    grep -q '^out:' "$ERR" && fail "stdout leaked into stderr"
}
nothing_left "exit 0"

# 2. the command's exit status is sevirt's; its stdin is empty
expect 3 $R -- sh -c 'read -r line && exit 9; exit 3'
nothing_left "exit 3"

# 3. the share is read-only: the write fails in the guest, nothing on the host
expect 1 $R --share "$TEST_TMP/job:job:ro" -- sh -c 'echo x > written.txt'
err_has 'Read-only file system'
[ -e "$TEST_TMP/job/written.txt" ] && fail "the guest wrote to the read-only share"
nothing_left "read-only share"

# 4. timeout: destroyed, 124
expect 124 sevirt -c "$TEST_URI" run --virt-type qemu --memory 256 --timeout 20 -- sleep 600
err_has 'did not finish within 20 seconds'
nothing_left "timeout"

# 5. two runs at once, each with its own output
$R -- sh -c 'sleep 1; echo first' >"$TEST_TMP/p1.out" 2>"$TEST_TMP/p1.err" 9>&- &
p1=$!
$R -- sh -c 'echo second; exit 5' >"$TEST_TMP/p2.out" 2>"$TEST_TMP/p2.err" 9>&- &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
[ "$s1" = 0 ] && [ "$(cat "$TEST_TMP/p1.out")" = first ] ||
    fail "parallel run 1: exit $s1, output '$(cat "$TEST_TMP/p1.out" "$TEST_TMP/p1.err")'"
[ "$s2" = 5 ] && [ "$(cat "$TEST_TMP/p2.out")" = second ] ||
    fail "parallel run 2: exit $s2, output '$(cat "$TEST_TMP/p2.out" "$TEST_TMP/p2.err")'"
nothing_left "parallel runs" "$TEST_TMP/p1.err" "$TEST_TMP/p2.err"

# wait_guest FILE: the name of the run guest that FILE (run's stderr)
# names, once it runs
wait_guest() {
    i=0
    while [ $i -lt 100 ]; do
        g=$(grep -o 'sevirt-run-[0-9a-f]*' "$1" | head -n1)
        [ -n "$g" ] && $V domstate "$g" 2>/dev/null | grep -q running && { echo "$g"; return 0; }
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}

# 6. the guest destroyed from outside: a clear error, 125
$R -- sleep 600 >"$TEST_TMP/k.out" 2>"$TEST_TMP/k.err" 9>&- &
pk=$!
if g=$(wait_guest "$TEST_TMP/k.err"); then
    sleep 3
    $V destroy "$g" >/dev/null || fail "cannot destroy $g"
fi
wait $pk; sk=$?
[ "$sk" = 125 ] || fail "guest destroyed from outside: exit $sk, expected 125"
grep -q "stopped before the command finished: it was destroyed" "$TEST_TMP/k.err" ||
    fail "guest destroyed from outside: stderr '$(cat "$TEST_TMP/k.err")'"
nothing_left "destroyed from outside" "$TEST_TMP/k.err"

# 7. SIGTERM: the guest is destroyed, 128 + 15 (the binary itself, not
# the shell function sevirt, must get the signal)
"$SEVIRT" -c "$TEST_URI" run --virt-type qemu --memory 256 --timeout 120 -- sleep 600 >"$TEST_TMP/t.out" 2>"$TEST_TMP/t.err" 9>&- &
pt=$!
wait_guest "$TEST_TMP/t.err" >/dev/null && sleep 1
kill -TERM $pt
wait $pt; st=$?
[ "$st" = 143 ] || fail "SIGTERM: exit $st, expected 143 ($(cat "$TEST_TMP/t.err"))"
grep -q "interrupted; guest 'sevirt-run-[0-9a-f]*' destroyed" "$TEST_TMP/t.err" ||
    fail "SIGTERM: stderr '$(cat "$TEST_TMP/t.err")'"
nothing_left "SIGTERM" "$TEST_TMP/t.err"

# 8. errors before anything starts: one line, nothing made
expect 2 $R --env NOEQUALS -- true && err_one_line
err_has "Environment item 'NOEQUALS' is not KEY=VALUE"
expect 7 $R --kernel "$TEST_TMP/none" -- true && err_one_line

finish
