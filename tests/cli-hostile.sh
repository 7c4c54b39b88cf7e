#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a hostile or careless input does to the offline commands: a FIFO or
# a device named as any input file, an oversized firmware, an empty secret,
# another user's key file, control characters in a name.  Each is refused
# at once with one line and exit status 2; nothing hangs (every run has a
# time limit) and nothing reaches the terminal unescaped.  Needs no vectors:
# the inputs are made here.
. "$abs_top_srcdir/tests/test-lib.sh"

require_cmd timeout
T=$TEST_TMP

# A refusal must come at once: a read from a FIFO used to block for ever.
sevirt() {
    # shellcheck disable=SC2086
    timeout 20 $SEVIRT_TEST_WRAPPER "$SEVIRT" "$@"
}

mkfifo "$T/fifo"
head -c 16 /dev/urandom >"$T/tik.bin"
cat "$T/tik.bin" "$T/tik.bin" >"$T/tk.bin"
chmod 600 "$T/tik.bin" "$T/tk.bin"
MEAS=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
REPORT="--measurement $MEAS --api-major 1 --api-minor 40 --build-id 40 --policy 3"

# ------------------------------------------------ FIFOs and devices as input
not_regular() {
    err_has "'$1' is not a regular file" && err_one_line
}
expect 2 sevirt verify-certs --pdh "$T/fifo" --cert-chain "$T/fifo" --ark "$T/fifo" --ask "$T/fifo" &&
    not_regular "$T/fifo"
expect 2 sevirt session --pdh "$T/fifo" --policy 0x33 --out-dir "$T/sess" && not_regular "$T/fifo"
# shellcheck disable=SC2086
expect 2 sevirt verify-measurement $REPORT -f "$T/fifo" --tik "$T/tik.bin" && not_regular "$T/fifo"
# shellcheck disable=SC2086
expect 2 sevirt verify-measurement $REPORT -f "$T/tik.bin" --tik "$T/fifo" && not_regular "$T/fifo"
# shellcheck disable=SC2086
expect 2 sevirt verify-measurement $REPORT -f "$T/tik.bin" --kernel "$T/fifo" --tik "$T/tik.bin" &&
    not_regular "$T/fifo"
expect 2 sevirt build-secret --tk "$T/tk.bin" --measurement "$MEAS" --secret "luks-key:$T/fifo" \
    --header-out "$T/h" --payload-out "$T/p" && not_regular "$T/fifo"
expect 2 sevirt xml v --spec "$T/fifo" && not_regular "$T/fifo"
expect 2 sevirt xml v --dh-cert "$T/fifo" --session "$T/fifo" && not_regular "$T/fifo"
# /dev/zero never ends: refused before a byte is read (it was read up to
# 1 GiB before being found too large)
# shellcheck disable=SC2086
expect 2 sevirt verify-measurement $REPORT -f /dev/zero --tik "$T/tik.bin" && not_regular /dev/zero

# ------------------------------------------------- bounded firmware images
# OVMF lives in the flash below 4 GiB, 16 MiB at most
truncate -s 16777217 "$T/big.fd"
# shellcheck disable=SC2086
expect 2 sevirt verify-measurement $REPORT -f "$T/big.fd" --tik "$T/tik.bin" &&
    err_has "File '$T/big.fd' is too large" && err_has "at most 16777216" && err_one_line

# ------------------------------------------------------------ empty secret
: >"$T/empty" && chmod 600 "$T/empty"
expect 2 sevirt build-secret --tk "$T/tk.bin" --measurement "$MEAS" --secret "luks-key:$T/empty" \
    --header-out "$T/h" --payload-out "$T/p" &&
    err_has "Secret file '$T/empty' is empty" && err_one_line && err_lacks "warning"
[ ! -e "$T/h" ] && [ ! -e "$T/p" ] || fail "a refused build-secret wrote its output"

# ------------------------------------------------- another user's key file
if [ "$(id -u)" = 0 ]; then
    cp "$T/tik.bin" "$T/their-tik.bin" && chmod 600 "$T/their-tik.bin"
    chown 65534 "$T/their-tik.bin"
    # shellcheck disable=SC2086
    expect 2 sevirt verify-measurement $REPORT -f "$T/tik.bin" --tik "$T/their-tik.bin" &&
        err_has "Key file '$T/their-tik.bin' belongs to user 65534" && err_one_line
fi

# ------------------------------------------- control characters in names
# an OSC sequence (retitles the terminal), a clear-screen CSI, a forged line
evil=$(printf 'x\033]0;pwned\007\033[2J\nerror: forged')
expect 7 sevirt verify-certs --dir "$T/$evil" && err_one_line &&
    err_has '\x1b]0;pwned\x07\x1b[2J\nerror: forged'
if LC_ALL=C grep -q "$(printf '\033')" "$ERR"; then
    fail "an escape character reached the terminal"
fi
expect 2 sevirt build-secret --tk "$T/tk.bin" --measurement "$MEAS" \
    --secret "$(printf 'disk\033[31m'):$T/tik.bin" --header-out "$T/h" --payload-out "$T/p" &&
    err_has "'disk\\x1b[31m' is neither a GUID" && err_one_line

finish
