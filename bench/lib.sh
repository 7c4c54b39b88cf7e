# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the benchmark scripts; source it once $top (the source tree) is
# set.  Finds the sevirt to measure: $SEVIRT when set, else the gcc build
# under _build/, else PATH.

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

if [ -z "${SEVIRT:-}" ]; then
    for s in "$top/_build/gcc/src/cli/sevirt" "$top/_build/dev/src/cli/sevirt" "$top/src/cli/sevirt"; do
        [ -x "$s" ] && SEVIRT=$s && break
    done
    : "${SEVIRT:=$(command -v sevirt || true)}"
fi
[ -n "$SEVIRT" ] && [ -x "$SEVIRT" ] || die "build sevirt first (or set SEVIRT)"
