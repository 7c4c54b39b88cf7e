# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the emulated SEV platform's integration tests; source after
# tests/test-lib.sh.  They need root, a libvirtd with the QEMU driver on
# $TEST_URI, QEMU and OVMF.

# The emulator in the build tree (domains name it as their <emulator>).
EMU=${SEVIRT_EMU:-$abs_top_builddir/src/emu/sevirt-qemu-emu}
OVMF=${SEVIRT_TEST_OVMF:-/usr/share/OVMF/OVMF_CODE_4M.fd}
V="virsh -q -c $TEST_URI"

emu_require() {
    [ "$(id -u)" = 0 ] || skip_or_fail "needs root (emulator-setup, libvirt's qemu:///system)"
    require_libvirtd
    require_cmd python3
    [ -x "$EMU" ] || die "emulator '$EMU' not built"
    [ -r "$OVMF" ] || skip_or_fail "OVMF firmware '$OVMF' not installed (package ovmf)"
}

# emu_setup: the documented host setup, idempotent (other tests run it too).
emu_setup() {
    sevirt emulator-setup --emulator "$EMU" --keep-secrets yes >"$TEST_TMP/setup.out" 2>&1 ||
        { cat "$TEST_TMP/setup.out" >&2; die "emulator-setup failed"; }
    EMU_STATE=$("$EMU" --emu-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["state_dir"])')
    [ -n "$EMU_STATE" ] || die "the emulator reports no state directory"
}

# emu_info KEY: one value of the emulator's --emu-info (booleans in lower case).
emu_info() {
    "$EMU" --emu-info | python3 -c 'import json,sys; v = json.load(sys.stdin)[sys.argv[1]]; print(str(v).lower())' "$1"
}

# emu_cpu_options: the SEV-ES CPU options naming the emulated platform's CPU.
emu_cpu_options() {
    echo "--cpu-family $(emu_info cpu_family) --cpu-model $(emu_info cpu_model) --cpu-stepping $(emu_info cpu_stepping)"
}

# emu_expected_table SECRET_FILE: the plaintext secret table (one disk
# passphrase, luks-key) the emulated PSP must have received.
emu_expected_table() {
    python3 - "$1" <<'EOF'
import sys, uuid
def guid(s): return uuid.UUID(s).bytes_le
data = open(sys.argv[1], "rb").read()
entry = guid("736869e5-84f0-4973-92ec-06879ce3da0b") + (20 + len(data)).to_bytes(4, "little") + data
table = guid("1e74f542-71dd-4d66-963e-ef4287ff173b") + (20 + len(entry)).to_bytes(4, "little") + entry
table += b"\0" * (-len(table) % 16)
sys.stdout.buffer.write(table)
EOF
}

# emu_domain_xml NAME VCPUS POLICY [GODH_B64_FILE SESSION_B64_FILE] > FILE
# A q35 UEFI guest under TCG on the emulated platform.  Extra devices may
# be given in $EMU_EXTRA_DEVICES, the serial log file in $EMU_SERIAL_LOG.
# (Shell functions share the caller's variables: these use an _x_ prefix.)
emu_domain_xml() {
    _x_owner=""
    if [ $# -ge 5 ]; then
        _x_owner="<dhCert>$(tr -d '\n' <"$4")</dhCert><session>$(tr -d '\n' <"$5")</session>"
    fi
    _x_serial="<serial type='pty'/>"
    if [ -n "${EMU_SERIAL_LOG:-}" ]; then
        _x_serial="<serial type='file'><source path='$EMU_SERIAL_LOG'/></serial>"
    fi
    cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>$2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash' stateless='yes'>$OVMF</loader>
  </os>
  <features><acpi/></features>
  <cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model></cpu>
  <devices>
    <emulator>$EMU</emulator>
    $_x_serial
    <memballoon model='none'/>
    ${EMU_EXTRA_DEVICES:-}
  </devices>
  <launchSecurity type='sev'>
    <policy>$3</policy>
    $_x_owner
  </launchSecurity>
</domain>
EOF
}

# emu_remove NAME: destroy and undefine, whatever state it is in, and drop
# the emulator's record of it.
emu_remove() {
    _x_uuid=$($V domuuid "$1" 2>/dev/null)
    $V destroy "$1" >/dev/null 2>&1
    $V undefine --nvram "$1" >/dev/null 2>&1
    if [ -n "$_x_uuid" ] && [ -n "${EMU_STATE:-}" ]; then
        rm -rf "$EMU_STATE/domains/$_x_uuid"
    fi
    true
}

# emu_define NAME XMLFILE: define, with removal registered.
emu_define() {
    on_exit "emu_remove '$1'"
    $V define "$2" >/dev/null || die "cannot define '$1'"
}

# secinfo NAME KEY: one value of domlaunchsecinfo.
secinfo() {
    $V domlaunchsecinfo "$1" | sed -n "s/^$2 *: *//p"
}

# wait_state NAME STATE SECONDS
wait_state() {
    _x_i=0
    while [ "$($V domstate "$1" 2>/dev/null)" != "$2" ]; do
        _x_i=$((_x_i + 1))
        [ $_x_i -gt $(($3 * 2)) ] && return 1
        sleep 0.5
    done
    return 0
}

# emu_processes UUID: processes (QEMU and the proxy) of a guest.
emu_processes() {
    pgrep -f -- "-uuid $1" || true
}

# restart_libvirtd: as an administrator would, once no other test uses the
# daemon; waits until it answers.
restart_libvirtd() {
    libvirtd_exclusive
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        systemctl restart libvirtd
    else
        # the machine's libvirtd, not a test host's (tools/testhosts.sh)
        _x_pid=$(cat /run/libvirtd.pid)
        [ -n "$_x_pid" ] && kill -TERM "$_x_pid"
        _x_i=0
        while kill -0 "$_x_pid" 2>/dev/null; do
            _x_i=$((_x_i + 1))
            [ $_x_i -gt 60 ] && die "libvirtd did not stop"
            sleep 0.5
        done
        libvirtd -d 9>&-
    fi
    _x_i=0
    until virsh -c "$TEST_URI" version >/dev/null 2>&1; do
        _x_i=$((_x_i + 1))
        [ $_x_i -gt 60 ] && die "libvirtd does not answer after a restart"
        sleep 0.5
    done
    libvirtd_shared
}
