#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The emulated SEV platform: host setup (idempotent, reversible, never
# silent), the platform identity and its certificate chain, and libvirt's
# own view of the emulator (domain capabilities).
. "$abs_top_srcdir/tests/test-lib.sh"
. "$abs_top_srcdir/tests/emu-lib.sh"

emu_require
vectors=$(vectors_dir)

# --- the setup says what it does, and running it again changes nothing
expect 0 sevirt emulator-setup --emulator "$EMU" && out_has "EMULATED SEV PLATFORM: no memory encryption"
expect 0 sevirt emulator-setup --emulator "$EMU" &&
    out_has "kept the placeholder /dev/sev" && out_has "kept the platform identity" &&
    out_lacks "created"
[ -c /dev/sev ] || fail "/dev/sev is not a character device"
[ "$(stat -c %t:%T /dev/sev)" = "1:3" ] || fail "/dev/sev is not the null-device placeholder"
emu_setup

# bad uses
expect 2 sevirt emulator-setup --emulator "$EMU" --purge && err_has "--purge goes with --undo" && err_one_line
expect 7 sevirt emulator-setup --emulator /nonexistent/emu && err_has "emulator '/nonexistent/emu' not found" && err_one_line
expect 2 sevirt -c qemu+ssh://elsewhere.invalid/system emulator-setup --emulator "$EMU" &&
    err_has "is another host" && err_one_line
expect 2 sevirt emulator-setup --emulator "$EMU" --user no-such-user-here && err_has "no user 'no-such-user-here'"

# --- undo and redo the /dev/sev placeholder in a private /dev, so that the
# host's stays in place for the guests other tests run meanwhile
if command -v unshare >/dev/null 2>&1; then
    cat >"$TEST_TMP/ns.sh" <<EOF
set -e
mount -t tmpfs none /dev
mknod -m 666 /dev/null c 1 3
"$SEVIRT" emulator-setup --emulator "$EMU" | grep -q "created /dev/sev as a placeholder"
[ "\$(stat -c %t:%T /dev/sev)" = "1:3" ]
"$SEVIRT" emulator-setup --emulator "$EMU" --undo | grep -q "removed the placeholder /dev/sev"
[ ! -e /dev/sev ]
"$SEVIRT" emulator-setup --emulator "$EMU" --undo | grep -q "no /dev/sev placeholder to remove"
mknod /dev/sev c 10 124
"$SEVIRT" emulator-setup --emulator "$EMU" | grep -q "left /dev/sev alone"
"$SEVIRT" emulator-setup --emulator "$EMU" --undo | grep -q "left /dev/sev alone"
[ "\$(stat -c %t:%T /dev/sev)" = "a:7c" ]
rm /dev/sev
# --undo --purge: the placeholder and a (scratch) state directory
export SEVIRT_EMU_STATE_DIR="$TEST_TMP/ns-state"
"$SEVIRT" emulator-setup --emulator "$EMU" | grep -q "created a new platform identity"
"$SEVIRT" emulator-setup --emulator "$EMU" --undo --purge >"$TEST_TMP/ns-purge.out"
grep -q "removed the placeholder /dev/sev" "$TEST_TMP/ns-purge.out"
grep -q "removed $TEST_TMP/ns-state" "$TEST_TMP/ns-purge.out"
[ ! -e /dev/sev ] && [ ! -e "$TEST_TMP/ns-state" ]
EOF
    expect 0 unshare --mount --propagation private sh "$TEST_TMP/ns.sh"
else
    skip_or_fail "unshare (util-linux) is needed to test --undo"
fi

# --- a state directory of its own: identity made once, kept, purged
scratch="$TEST_TMP/state"
export SEVIRT_EMU_STATE_DIR="$scratch"
expect 0 sevirt emulator-setup --emulator "$EMU" && out_has "created a new platform identity in $scratch/platform"
[ "$(stat -c %a "$scratch/platform/private/pdh.key")" = 600 ] || fail "pdh.key is not 0600"
[ "$(stat -c %a "$scratch/platform/private")" = 700 ] || fail "the private directory is not 0700"
[ "$(stat -c %a "$scratch/domains")" = 700 ] || fail "the domains directory is not 0700"
qemu_user=$(stat -c %U "$scratch/platform/private/pdh.key")
[ "$qemu_user" = "$(stat -c %U "$scratch/domains")" ] || fail "private key and domain records have different owners"
pdh_before=$(sha256sum <"$scratch/platform/pdh.cert")
expect 0 sevirt emulator-setup --emulator "$EMU" && out_has "kept the platform identity"
[ "$pdh_before" = "$(sha256sum <"$scratch/platform/pdh.cert")" ] || fail "a second setup replaced the identity"
# a broken identity is reported, not replaced
cp "$scratch/platform/pek.cert" "$TEST_TMP/pek.cert"
printf '\377' | dd of="$scratch/platform/pek.cert" bs=1 seek=100 conv=notrunc 2>/dev/null
expect 1 sevirt emulator-setup --emulator "$EMU" && err_has "holds a broken platform identity" && err_one_line
cp "$TEST_TMP/pek.cert" "$scratch/platform/pek.cert"
# the emulator refuses to start a guest on a platform that is not set up
expect 0 "$EMU" --emu-info && out_has '"cbitpos" : 51' && out_has "$scratch/platform"
# the CPU in its SEV-ES VMSAs is the host's, as libvirt reports it
sig=$(virsh -c "$TEST_URI" capabilities | sed -n "s/.*<signature family='\([0-9]*\)' model='\([0-9]*\)' stepping='\([0-9]*\)'.*/\1 \2 \3/p")
[ -n "$sig" ] || fail "libvirt reports no host CPU signature"
out_has "\"cpu_family\" : $(echo "$sig" | cut -d' ' -f1)," &&
    out_has "\"cpu_model\" : $(echo "$sig" | cut -d' ' -f2)," &&
    out_has "\"cpu_stepping\" : $(echo "$sig" | cut -d' ' -f3),"
printf '[platform]\ncpu-family=23\ncpu-model=49\ncpu-stepping=0\n' >"$scratch/emu.conf"
expect 0 "$EMU" --emu-info && out_has '"cpu_family" : 23,' && out_has '"cpu_model" : 49,'
rm "$scratch/emu.conf"
# (the host's /dev/sev stays: other tests' guests need it; --undo is
# tested in the private /dev above)
expect 0 "$EMU" --emu-purge && out_has "removed $scratch"
[ ! -e "$scratch" ] || fail "--purge left $scratch"
expect 0 "$EMU" --emu-info && out_has '"identity" : null' && out_has "run 'sevirt emulator-setup'"
expect 0 "$EMU" --emu-purge && out_has "does not exist"
mkdir "$scratch" && touch "$scratch/unrelated"
expect 1 "$EMU" --emu-purge && err_has "does not look like the emulator's state directory"
[ -e "$scratch/unrelated" ] || fail "--purge removed a foreign directory"
unset SEVIRT_EMU_STATE_DIR

# --- the chain verifies under its own roots, and never under AMD's
plat="$EMU_STATE/platform"
expect 5 sevirt verify-certs --dir "$plat" && err_has "does not lead to an AMD root"
expect 0 sevirt verify-certs --dir "$plat" --ark "$plat/ark.cert" --ask "$plat/ask.cert" &&
    err_has "THE ROOT IS NOT AMD'S"
cat "$plat/pek.cert" "$plat/oca.cert" "$plat/cek.cert" >"$TEST_TMP/chain.cert"
expect 0 sevirt verify-certs --pdh "$plat/pdh.cert" --cert-chain "$TEST_TMP/chain.cert" \
    --ark "$plat/ark.cert" --ask "$plat/ask.cert"
for gen in milan rome naples; do
    expect 5 sevirt verify-certs --pdh "$plat/pdh.cert" --cert-chain "$TEST_TMP/chain.cert" \
        --ark "$vectors/sev-certs/$gen/ark.cert" --ask "$vectors/sev-certs/$gen/ask.cert" &&
        err_has "broken at ASK -> CEK"
done

# --- libvirt itself sees SEV on the emulator, with its cbitpos
expect 0 virsh -c "$TEST_URI" domcapabilities --emulatorbin "$EMU" --virttype qemu --machine q35 --arch x86_64
python3 - "$OUT" <<'EOF' || fail "domain capabilities do not report the emulated SEV"
import sys
import xml.etree.ElementTree as ET
sev = ET.parse(sys.argv[1]).find("./features/sev")
assert sev is not None and sev.get("supported") == "yes", "no <sev supported='yes'>"
assert sev.findtext("cbitpos") == "51", sev.findtext("cbitpos")
assert sev.findtext("reducedPhysBits") == "1", sev.findtext("reducedPhysBits")
EOF
# libvirt caches the probe: the identity it reports is the emulator's
pdh_b64=$(base64 -w0 <"$plat/pdh.cert")
cached=$(grep -l "<emulator>$EMU</emulator>" /var/cache/libvirt/qemu/capabilities/*.xml 2>/dev/null | head -n 1)
if [ -n "$cached" ]; then
    grep -q "<pdh>$pdh_b64</pdh>" "$cached" || fail "libvirt's capability cache holds another PDH"
fi

finish
