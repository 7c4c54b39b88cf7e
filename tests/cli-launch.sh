#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$abs_top_srcdir/tests/test-lib.sh"
finish
