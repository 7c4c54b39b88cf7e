#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# host-info and host-check without a daemon: help, bad options, and the
# libvirt test driver, which has no domain capabilities.
. "$abs_top_srcdir/tests/test-lib.sh"

expect 0 sevirt help && out_has "host-info" && out_has "host-check"
expect 0 sevirt host-info --help && out_has "--emulator" && out_has "--virt-type" && out_has "--machine" &&
    out_has "no memory" && out_has "CPU signature" && out_has "passt"
expect 0 sevirt host-check --help && out_has "--sev" && out_has "Exits 4" &&
    out_has "/dev/sev placeholder"
expect 0 sevirt complete -- host && out_has "host-info" && out_has "host-check"

# bad option values: 2, one line, before any connection is opened
expect 2 sevirt -c test:///nonexistent/file.xml host-info --virt-type xen &&
    err_has "--virt-type: Unknown virtualization type 'xen'" && err_one_line
expect 2 sevirt -c test:///nonexistent/file.xml host-check --sev tdx &&
    err_has "--sev: Unknown SEV type 'tdx'" && err_one_line
expect 2 sevirt -c test:///nonexistent/file.xml host-check --sev none &&
    err_has "--sev: invalid value 'none'" && err_one_line
expect 2 sevirt host-info extra && err_has "unexpected argument 'extra'"

# no daemon: a libvirt failure (3), one line
expect 3 sevirt -c test:///nonexistent/file.xml host-info && err_has "Failed to connect" && err_one_line

# the test driver has no domain capabilities: unsupported (4), one line
expect 4 sevirt -c test:///default host-info && err_has "Cannot get the domain capabilities" && err_one_line
expect 4 sevirt -c test:///default host-check && err_has "Cannot get the domain capabilities" && err_one_line

finish
