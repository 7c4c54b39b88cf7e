# SPDX-License-Identifier: LGPL-2.1-or-later
# Shell helpers for sevirt's command-line and integration tests.
# Source it from a test: . "$abs_top_srcdir/tests/test-lib.sh"

set -u

: "${abs_top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
: "${SEVIRT:=$abs_top_builddir/src/cli/sevirt}"
# SEVIRT_TEST_WRAPPER runs the binary under a tool (e.g. "valgrind -q ...").
: "${SEVIRT_TEST_WRAPPER:=}"
export LC_ALL=C

TEST_NAME=$(basename "$0" .sh)
# Everything a test creates on the host carries this prefix.
TEST_PREFIX="sevirt-t$$-"
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sevirt-$TEST_NAME.XXXXXX")
_cleanups=""
_failures=0

_run_cleanups() {
    status=$?
    # run in reverse registration order, never stop on errors
    eval "$_cleanups" >/dev/null 2>&1 || true
    rm -rf "$TEST_TMP"
    exit $status
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

# on_exit CMD: run CMD when the test ends, whatever the outcome.
on_exit() {
    _cleanups="$1; $_cleanups"
}

fail() {
    echo "FAIL: $*" >&2
    _failures=$((_failures + 1))
}

die() {
    echo "FAIL: $*" >&2
    exit 1
}

# skip_or_fail REASON: skip (77), except under CI=true where it is a failure.
skip_or_fail() {
    if [ "${CI:-}" = "true" ]; then
        echo "FAIL (CI=true, so this cannot be skipped): $*" >&2
        exit 1
    fi
    echo "SKIP: $*" >&2
    exit 77
}

# Finish: exit 1 when any check failed.
finish() {
    if [ "$_failures" -gt 0 ]; then
        echo "$TEST_NAME: $_failures check(s) failed" >&2
        exit 1
    fi
    echo "$TEST_NAME: all checks passed"
    exit 0
}

sevirt() {
    # shellcheck disable=SC2086
    $SEVIRT_TEST_WRAPPER "$SEVIRT" "$@"
}

# expect CODE CMD...: run CMD, capture stdout/stderr in $OUT/$ERR and check
# its exit status.
expect() {
    want=$1
    shift
    OUT="$TEST_TMP/out"
    ERR="$TEST_TMP/err"
    "$@" >"$OUT" 2>"$ERR"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "'$*' exited $got, expected $want"
        sed 's/^/    stdout: /' "$OUT" | head -n 20 >&2
        sed 's/^/    stderr: /' "$ERR" | head -n 20 >&2
        return 1
    fi
    return 0
}

# out_has TEXT / err_has TEXT / out_lacks TEXT: check the last expect's output.
out_has() {
    grep -q -F -- "$1" "$OUT" || { fail "stdout lacks '$1'"; sed 's/^/    stdout: /' "$OUT" | head -n 20 >&2; }
}
err_has() {
    grep -q -F -- "$1" "$ERR" || { fail "stderr lacks '$1'"; sed 's/^/    stderr: /' "$ERR" | head -n 20 >&2; }
}
out_lacks() {
    ! grep -q -F -- "$1" "$OUT" || fail "stdout unexpectedly has '$1'"
}
err_lacks() {
    ! grep -q -F -- "$1" "$ERR" || fail "stderr unexpectedly has '$1'"
}
# err_one_line: the error is a single line (plus an optional "Try" hint).
err_one_line() {
    n=$(grep -v "^Try 'sevirt" "$ERR" | grep -c .)
    [ "$n" = 1 ] || { fail "expected a one-line error, got $n lines"; sed 's/^/    stderr: /' "$ERR" >&2; }
}

# golden RELPATH FILE: FILE must equal tests/data/RELPATH byte for byte (a
# short diff otherwise); SEVIRT_TEST_REGENERATE=1 rewrites the golden file.
golden() {
    _want="$abs_top_srcdir/tests/data/$1"
    if [ "${SEVIRT_TEST_REGENERATE:-}" = 1 ]; then
        mkdir -p "$(dirname "$_want")" && cp "$2" "$_want"
        return
    fi
    if [ ! -f "$_want" ]; then
        fail "missing golden file $_want (regenerate with SEVIRT_TEST_REGENERATE=1)"
    elif ! cmp -s "$_want" "$2"; then
        fail "output differs from golden file $_want"
        diff -u "$_want" "$2" | head -n 40 >&2
    fi
}

# require_cmd NAME...: the commands must be installed.
require_cmd() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip_or_fail "'$c' is not installed"
    done
}

# The libvirt URI integration tests use.
TEST_URI=${SEVIRT_TEST_URI:-qemu:///system}

# Tests using libvirtd hold a shared lock on this file (descriptor 9) for
# their whole run; a test that restarts libvirtd first takes it exclusively
# (libvirtd_exclusive), so no other test sees the daemon go away.  Whatever
# a test starts that outlives it must not inherit descriptor 9 ("9>&-").
LIBVIRTD_LOCK=${SEVIRT_TEST_LIBVIRTD_LOCK:-${TMPDIR:-/tmp}/sevirt-test-libvirtd.lock}

# require_libvirtd: a libvirtd with the QEMU driver must answer on $TEST_URI.
require_libvirtd() {
    require_cmd virsh flock
    exec 9>>"$LIBVIRTD_LOCK"
    flock -s 9
    virsh -c "$TEST_URI" version >/dev/null 2>&1 ||
        skip_or_fail "no libvirtd answers on $TEST_URI (start virtlogd, virtlockd and libvirtd)"
}

# libvirtd_exclusive: wait until no other test uses libvirtd (after
# require_libvirtd); libvirtd_shared gives the daemon back to the others.
libvirtd_exclusive() {
    flock -x 9
}
libvirtd_shared() {
    flock -s 9
}

# test_pool NAME: a transient directory pool NAME in $TEST_TMP/pool,
# destroyed when the test ends.  QEMU runs as its own user and must reach
# the pool's files, hence $TEST_TMP is opened to others.
test_pool() {
    chmod 755 "$TEST_TMP"
    mkdir "$TEST_TMP/pool"
    virsh -q -c "$TEST_URI" pool-create-as "$1" dir --target "$TEST_TMP/pool" >/dev/null ||
        die "cannot create pool $1"
    on_exit "virsh -q -c '$TEST_URI' pool-destroy '$1'"
}

# vectors_dir: the published vectors, kept in the source tree (tests/data/vectors).
vectors_dir() {
    d=$abs_top_srcdir/tests/data/vectors
    [ -f "$d/README.md" ] || skip_or_fail "test vectors not found at $d"
    echo "$d"
}

# _be N WIDTH: N as WIDTH big-endian bytes.
_be() {
    _n=$1 _w=$2 _s=""
    while [ "$_w" -gt 0 ]; do
        _s="\\$(printf %03o $((_n & 255)))$_s"
        _n=$((_n >> 8))
        _w=$((_w - 1))
    done
    # shellcheck disable=SC2059
    printf "$_s"
}

# qcow2_image FILE BYTES: writes an empty qcow2 (version 3) image of virtual
# size BYTES without qemu-img, as 'qemu-img create -f qcow2' lays it out:
# 64 KiB clusters; header, refcount table, refcount block and L1 table in
# clusters 0 to 3 (one L1 entry maps 512 MiB; up to 4 TiB fit).
qcow2_image() {
    _l1=$((($2 + (1 << 29) - 1) >> 29))
    dd if=/dev/zero of="$1" bs=65536 count=4 2>/dev/null || return 1
    {
        printf 'QFI\373'; _be 3 4           # magic, version
        _be 0 8; _be 0 4                    # no backing file
        _be 16 4; _be "$2" 8                # cluster bits, virtual size
        _be 0 4; _be "$_l1" 4; _be $((3 << 16)) 8   # no encryption, L1 size and offset
        _be $((1 << 16)) 8; _be 1 4         # refcount table offset, clusters
        _be 0 4; _be 0 8                    # no snapshots
        _be 0 8; _be 0 8; _be 0 8           # incompatible, compatible, autoclear features
        _be 4 4; _be 104 4                  # 16-bit refcounts, header length
    } | dd of="$1" conv=notrunc 2>/dev/null &&
    _be $((2 << 16)) 8 | dd of="$1" bs=65536 seek=1 conv=notrunc 2>/dev/null &&
    printf '\000\001\000\001\000\001\000\001' | dd of="$1" bs=65536 seek=2 conv=notrunc 2>/dev/null
}
