#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sevirt command's conventions: help, version, unknown commands and
# options, exit codes, completion.
. "$abs_top_srcdir/tests/test-lib.sh"

expect 0 sevirt help && out_has "Usage: sevirt" && out_has "version"
expect 0 sevirt --help && out_has "Global options"
expect 0 sevirt --version && out_has "sevirt "
expect 0 sevirt version --help && out_has "sevirt version" && out_has "--connect"
expect 0 sevirt help version && out_has "sevirt version"

# no command
expect 2 sevirt && err_has "Try 'sevirt help'"

# unknown command, with and without a suggestion
expect 2 sevirt verison && err_has "unknown command 'verison', did you mean 'version'?"
expect 2 sevirt frobnicate && err_has "unknown command 'frobnicate'" && err_lacks "did you mean"
expect 2 sevirt help frobnicate && err_has "unknown command 'frobnicate'"

# unknown global and command options
expect 2 sevirt --bogus version && err_has "unknown option '--bogus'"
expect 2 sevirt version --bogus && err_has "Unknown option --bogus" && err_has "Try 'sevirt version --help'"
expect 2 sevirt -c && err_has "needs a URI"
expect 2 sevirt version extra && err_has "unexpected argument 'extra'"

# a connection that cannot be opened is a libvirt failure (3), one line
expect 3 sevirt -c 'test:///nonexistent/file.xml' version && err_has "error: Failed to connect" && err_one_line

# the test driver answers version, in text and JSON
expect 0 sevirt -c test:///default version && out_has "libvirt daemon:"
expect 0 sevirt -c test:///default --json version && out_has '"libvirt_version"'
expect 0 sevirt version -c test:///default --json && out_has '"hypervisor_version"'
# LIBVIRT_DEFAULT_URI is honoured like virsh does
expect 0 env LIBVIRT_DEFAULT_URI=test:///default $SEVIRT_TEST_WRAPPER "$SEVIRT" --json version && out_has '"hypervisor" : "TEST"'

# completion lists commands and a command's options
expect 0 sevirt complete -- ver && out_has "version"
expect 0 sevirt complete -- version --c && out_has "--connect"

finish
