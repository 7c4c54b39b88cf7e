# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the benchmark scripts; source it once $top (the source tree) is
# set.  Finds the sevirt to measure: $SEVIRT when set, else the gcc build
# under _build/, else PATH.

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

if [ -z "${SEVIRT:-}" ]; then
    for s in "$top/_build/gcc/src/cli/sevirt" "$top/_build/dev/src/cli/sevirt" "$top/_build/src/cli/sevirt" "$top/src/cli/sevirt"; do
        [ -x "$s" ] && SEVIRT=$s && break
    done
    : "${SEVIRT:=$(command -v sevirt || true)}"
fi
[ -n "$SEVIRT" ] && [ -x "$SEVIRT" ] || die "build sevirt first (or set SEVIRT)"

# now_ns: nanoseconds since the epoch
now_ns() { date +%s%N; }

# median_ms CMD...: median wall time of $runs runs of a whole command, in
# milliseconds (the caller sets $runs and a scratch directory $tmp)
median_ms() {
    i=0
    : >"$tmp/times"
    while [ $i -lt "$runs" ]; do
        t0=$(now_ns)
        "$@" >/dev/null 2>&1 || die "run failed: $*"
        t1=$(now_ns)
        echo $(( (t1 - t0) / 1000 )) >>"$tmp/times"
        i=$((i + 1))
    done
    sort -n "$tmp/times" | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%.2f", m / 1000 }'
}
