#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Generate the build system: ./autogen.sh [configure options]
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
autoreconf --force --install --verbose
cd - >/dev/null
if [ -z "$NOCONFIGURE" ]; then
    exec "$srcdir/configure" "$@"
fi
