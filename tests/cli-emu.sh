#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The emulated SEV platform without libvirt: the emulator's own options,
# its refusals, its identity in a scratch state directory, and a capability
# probe through its QMP proxy with QEMU behind it (as libvirt runs it).
. "$abs_top_srcdir/tests/test-lib.sh"

EMU=${SEVIRT_EMU:-$abs_top_builddir/src/emu/sevirt-qemu-emu}
export SEVIRT_EMU_STATE_DIR="$TEST_TMP/state"

expect 0 sevirt emulator-setup --help && out_has "NO memory encryption" && out_has "--undo" && out_has "--user"
expect 0 sevirt help && out_has "emulator-setup"
expect 2 sevirt emulator-setup --purge && err_has "--purge goes with --undo"
expect 2 sevirt emulator-setup extra && err_has "unexpected argument 'extra'"

# the emulator's own options
expect 1 "$EMU" --emu-bogus && err_has "usage: sevirt-qemu-emu --emu-info"
expect 0 "$EMU" --emu-info && out_has '"emulated" : true' && out_has '"identity" : null' &&
    out_has "\"state_dir\" : \"$TEST_TMP/state\"" && out_has "no memory encryption"

# command lines it cannot honour fail before any QEMU runs
expect 1 "$EMU" -machine q35,confidential-guest-support=tdx0 -object '{"qom-type":"tdx-guest","id":"tdx0"}' &&
    err_has "cannot provide confidential guest support 'tdx0' (tdx-guest)" && err_one_line
expect 1 "$EMU" -machine q35,confidential-guest-support=s -object sev-guest,id=s,reduced-phys-bits=1 &&
    err_has "sev-guest 's' has no 'cbitpos'"

# emu.conf: the real QEMU, checked
mkdir -p "$TEST_TMP/state"
printf '[emulator]\nqemu=%s\n' "$EMU" >"$TEST_TMP/state/emu.conf"
expect 1 "$EMU" -version && err_has "is this emulator itself"
printf '[emulator]\nqemu=/nonexistent/qemu\n' >"$TEST_TMP/state/emu.conf"
expect 1 "$EMU" -version && err_has "the real QEMU '/nonexistent/qemu' does not exist"
printf '[platform]\ncbitpos=99\n' >"$TEST_TMP/state/emu.conf"
expect 1 "$EMU" --emu-info && err_has "emu.conf' [platform] cbitpos"
rm "$TEST_TMP/state/emu.conf"
# no monitor: QEMU itself, unchanged
expect 0 "$EMU" -version && out_has "QEMU emulator version"

# an SEV guest on a platform that was never set up
expect 1 "$EMU" -machine q35,confidential-guest-support=s -object sev-guest,id=s,cbitpos=51,reduced-phys-bits=1 \
    -chardev socket,id=mon,path="$TEST_TMP/mon.sock",server=on,wait=off -mon chardev=mon,mode=control &&
    err_has "has no identity" && err_has "sevirt emulator-setup"

# --- the identity, made in the scratch state directory
expect 0 "$EMU" --emu-setup "$(id -u):$(id -g)" && out_has "created a new platform identity"
expect 0 "$EMU" --emu-setup "$(id -u):$(id -g)" && out_has "kept the platform identity" && out_lacks "created"
expect 1 "$EMU" --emu-setup nobody && err_has "needs UID:GID"
# its chain leads to its own root, never to AMD's: refused unless named
P=$TEST_TMP/state/platform
expect 5 sevirt verify-certs --dir "$P" && err_has "does not lead to an AMD root"
expect 0 sevirt verify-certs --dir "$P" --ark "$P/ark.cert" --ask "$P/ask.cert" &&
    out_has "which is NOT an AMD root" && err_has "THE ROOT IS NOT AMD'S"
expect 0 "$EMU" --emu-info && out_has '"dir" : "'"$TEST_TMP/state/platform"'"'

# --- a guest's record, dropped once the guest is deleted
rec=$TEST_TMP/state/domains/6f1c2a9e-0d4b-4a57-9c1e-2f6b8d3e4a10
mkdir -p "$rec" && touch "$rec/launch.json" "$rec/secret-1.table.bin"
expect 1 "$EMU" --emu-forget ../platform && err_has "'../platform' is not a domain UUID"
[ -d "$TEST_TMP/state/platform" ] || fail "--emu-forget reached outside the domain records"
expect 0 "$EMU" --emu-forget 6f1c2a9e-0d4b-4a57-9c1e-2f6b8d3e4a10 &&
    out_has "removed the record of guest 6f1c2a9e-0d4b-4a57-9c1e-2f6b8d3e4a10"
[ ! -e "$rec" ] || fail "--emu-forget left the record"
expect 0 "$EMU" --emu-forget 6f1c2a9e-0d4b-4a57-9c1e-2f6b8d3e4a10 && out_has "no record of guest"

# --- received secrets are kept only when asked for
expect 0 "$EMU" --emu-info && out_has '"keep_secrets" : false'
expect 0 "$EMU" --emu-keep-secrets yes && out_has "keep-secrets=true"
expect 0 "$EMU" --emu-info && out_has '"keep_secrets" : true'
expect 1 "$EMU" --emu-keep-secrets maybe && err_has "yes or no, not 'maybe'"
expect 0 "$EMU" --emu-keep-secrets no && out_has "keep-secrets=false"
expect 0 "$EMU" --emu-info && out_has '"keep_secrets" : false'
rm -f "$TEST_TMP/state/emu.conf"
expect 2 sevirt emulator-setup --keep-secrets maybe && err_has "--keep-secrets takes yes or no"

# --- the records of guests libvirt does not know go (not a fresh one)
old=$TEST_TMP/state/domains/0c8ddc76-8997-4df9-be60-a3ad34d62b03
mkdir -p "$rec" "$old" && touch -d '2001-01-01' "$rec" "$old"
expect 0 "$EMU" --emu-prune 6f1c2a9e-0d4b-4a57-9c1e-2f6b8d3e4a10 &&
    out_has "removed the record of guest 0c8ddc76-8997-4df9-be60-a3ad34d62b03"
[ -d "$rec" ] && [ ! -e "$old" ] || fail "--emu-prune removed the wrong records"
expect 0 "$EMU" --emu-prune "" && [ ! -e "$rec" ] || fail "--emu-prune '' kept a record"

# --- libvirt's capability probe, run by hand
cat >"$TEST_TMP/probe.py" <<'EOF'
import base64, json, socket, sys
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
f = sock.makefile("rw")
def cmd(name, **args):
    msg = {"execute": name}
    if args:
        msg["arguments"] = args
    f.write(json.dumps(msg) + "\r\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "event" not in reply:
            return reply
greeting = json.loads(f.readline())
assert greeting["QMP"]["capabilities"] == [], greeting
assert cmd("qmp_capabilities") == {"return": {}}
caps = cmd("query-sev-capabilities")["return"]
pdh = open(sys.argv[2], "rb").read()
assert base64.b64decode(caps["pdh"]) == pdh, "pdh differs"
assert len(base64.b64decode(caps["cert-chain"])) == 3 * 0x824
assert len(base64.b64decode(caps["cpu0-id"])) == 64
assert caps["cbitpos"] == 51 and caps["reduced-phys-bits"] == 1, caps
types = [t["name"] for t in cmd("qom-list-types")["return"]]
assert "sev-guest" in types
assert cmd("query-version")["return"]["qemu"]["major"] >= 7
# no SEV guest here: QEMU answers what it knows
assert cmd("query-sev")["return"]["enabled"] is False
cmd("quit")
print("probe ok")
EOF
expect 0 "$EMU" -S -no-user-config -nodefaults -nographic -machine none,accel=tcg \
    -qmp "unix:$TEST_TMP/qmp.monitor,server=on,wait=off" -pidfile "$TEST_TMP/qmp.pid" -daemonize
qemu_pid=$(cat "$TEST_TMP/qmp.pid")
[ "$(readlink "/proc/$qemu_pid/exe")" = "$(readlink -f /usr/bin/qemu-system-x86_64)" ] ||
    fail "the pidfile names '$(readlink "/proc/$qemu_pid/exe")', not the real QEMU"
expect 0 python3 "$TEST_TMP/probe.py" "$TEST_TMP/qmp.monitor" "$TEST_TMP/state/platform/pdh.cert" &&
    out_has "probe ok"
i=0
while pgrep -f "$TEST_TMP/qmp.monitor" >/dev/null; do
    i=$((i + 1))
    [ $i -gt 20 ] && { fail "the emulator outlives the QEMU it served"; pkill -f "$TEST_TMP/qmp.monitor"; break; }
    sleep 0.5
done

finish
