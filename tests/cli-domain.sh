#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The lifecycle commands' command line, against libvirt's test driver
# (test:///default: one running domain 'test', fresh for every process).
. "$abs_top_srcdir/tests/test-lib.sh"

T="sevirt -c test:///default"

expect 0 sevirt help && out_has "Lifecycle:" && out_has "status" && out_has "delete"
for c in start stop destroy delete wait list status ip; do
    expect 0 sevirt $c --help && out_has "sevirt $c"
done
expect 0 sevirt stop --help && out_has "--timeout"
expect 0 sevirt complete -- wait --s && out_has "--state"

# argument counts and option values
expect 2 sevirt start && err_has "command 'start' requires DOMAIN"
expect 2 sevirt status a b && err_has "unexpected argument 'b'"
expect 2 sevirt list extra && err_has "unexpected argument 'extra'"
expect 2 $T wait test && err_has "--state is required" && err_one_line
expect 2 $T wait test --state up && err_has "Unknown state 'up': expected running, paused or shutoff"
expect 2 $T stop test --timeout -5 && err_has "--timeout must not be negative"
expect 2 $T ip test --wait -1 && err_has "--wait must not be negative"
expect 2 $T stop test --timeout soon && err_has "Cannot parse integer value"

# a domain that does not exist, by name and by UUID
expect 7 $T status nosuch && err_has "Domain 'nosuch' not found" && err_one_line
expect 7 $T start 00000000-1111-2222-3333-444444444444 && err_has "not found"
expect 0 $T status 6695eb01-f6a4-8304-79aa-97f2502e193f && out_has "Name:            test"

# the test driver's domain is not sevirt's: list skips it, delete refuses it
expect 0 $T list --all && out_has "NAME" && out_lacks "test "
expect 0 $T --json list --all && out_has '"domains" : []'
expect 0 $T status test && out_has "State:           running" && out_has "Managed:         no"
expect 0 $T --json status test && out_has '"managed" : false' && out_has '"sev" : "none"'
expect 2 $T delete test && err_has "Domain 'test' is not managed by sevirt" && err_one_line

# state changes within one test-driver connection
expect 0 $T wait test --state running --timeout 1 && out_has "Domain 'test' is running"
expect 6 $T wait test --state paused --timeout 1 && err_has "did not become paused within 1 second (it is running)"
expect 0 $T stop test --timeout 5 && out_has "Domain 'test' shut down"
expect 0 $T destroy test && out_has "Domain 'test' destroyed"
# the addresses libvirt reports (the test driver answers as for a DHCP lease)
expect 0 $T ip test && out_has "192.168.122.3"
expect 0 $T --json ip test && out_has '"address" : "192.168.122.3"' && out_has '"source" : "lease"' &&
    out_has '"interface" : "testnet0"'
expect 0 $T status test && out_has "Address:         192.168.122.3/24 (testnet0, lease)"

finish
