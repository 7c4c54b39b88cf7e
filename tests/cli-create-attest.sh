#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt create --attest' on libvirt's test driver (fresh for every
# process): its help, every inconsistent request refused before anything is
# made (one line, exit 2), the session written into the keys directory and
# reported, never overwriting, the files removed again when the creation
# fails later, a host without SEV (4), and the spec file keys.  The launch of
# such a guest runs in tests/integ-create-attest.sh on the emulated platform.
. "$abs_top_srcdir/tests/test-lib.sh"

V=$(vectors_dir) || exit $?
T=$TEST_TMP
U=test:///default
PDH=$V/sev-certs/rome/pdh.cert
FW=$V/sev-measurement/ovmf-amdsev-trimmed.fd
create() { sevirt -c "$U" create "$@"; }
# nothing_made DIR: a refused request wrote nothing
nothing_made() {
    [ ! -e "$1" ] || fail "a refused create left '$1'"
}

# ------------------------------------------------------------------ help
expect 0 sevirt create --help && out_has "--attest" && out_has "--pdh=FILE" &&
    out_has "--from-host" && out_has "--ark=FILE" && out_has "--ask=FILE" &&
    out_has "--keys-dir=DIR" && out_has "With --attest it first makes"
expect 0 sevirt complete -- create --keys && out_has "--keys-dir"
# 'xml' takes none of them
expect 2 sevirt xml g --attest && err_has "Unknown option --attest"

# ----------------------------------------------------- refused requests
refused() {
    expect 2 create g --firmware "$FW" "$@" && err_one_line
    nothing_made "$T/k"
}
refused --attest --keys-dir "$T/k" && err_has "give either --pdh FILE or --from-host"
refused --attest --pdh "$PDH" --from-host --keys-dir "$T/k" && err_has "give either --pdh FILE or --from-host"
refused --attest --pdh "$PDH" && err_has "--attest needs --keys-dir DIR (sev.keys_dir)"
refused --pdh "$PDH" --keys-dir "$T/k" && err_has "go with --attest (sev.attest)"
refused --attest --from-host --ark "$V/sev-certs/rome/ark.cert" --keys-dir "$T/k" &&
    err_has "--ark and --ask (sev.ark, sev.ask) go together"
refused --attest --pdh "$PDH" --keys-dir "$T/k" --sev sev-snp && err_has "not for SEV type 'sev-snp'"
refused --attest --pdh "$PDH" --keys-dir "$T/k" --sev none && err_has "not for SEV type 'none'"
refused --attest --pdh "$PDH" --keys-dir "$T/k" --dh-cert "$abs_top_srcdir/tests/data/specfile/godh.b64" \
    --session "$abs_top_srcdir/tests/data/specfile/session.b64" && err_has "give neither --dh-cert nor --session"
# (from here on the test driver's lack of domain capabilities is a warning)
expect 2 create g --attest --pdh "$V/sev-certs/rome/pek.cert" --keys-dir "$T/k" &&
    err_has "error: Certificate '$V/sev-certs/rome/pek.cert' has usage PEK (0x1002), not PDH"
nothing_made "$T/k"
expect 2 create g --attest --pdh "$PDH" --keys-dir "$T/k" --policy 0x40 &&
    err_has "error: SEV policy 0x0040 sets reserved bits"
nothing_made "$T/k"
expect 7 create g --attest --pdh "$T/missing.cert" --keys-dir "$T/k" &&
    err_has "error: Cannot read '$T/missing.cert'"
nothing_made "$T/k"
# the PDH's chain is verified up to AMD's built-in roots: not under another
# generation's, not without its chain, not under a root of its own unless
# that root is named explicitly
expect 5 create g --firmware "$FW" --attest --pdh "$PDH" --ark "$V/sev-certs/naples/ark.cert" \
    --ask "$V/sev-certs/naples/ask.cert" --keys-dir "$T/k" &&
    err_has "error: The certificate chain of $PDH does not verify under '$V/sev-certs/naples/ark.cert'"
nothing_made "$T/k"
mkdir "$T/lone" && cp "$PDH" "$T/lone/pdh.cert"
expect 7 create g --firmware "$FW" --attest --pdh "$T/lone/pdh.cert" --keys-dir "$T/k" &&
    err_has "error: The chain of '$T/lone/pdh.cert' (pek.cert, oca.cert and cek.cert beside it): Cannot read '$T/lone/pek.cert'"
nothing_made "$T/k"
E=$abs_top_srcdir/tests/data/test-only-keys/emu-platform
expect 5 create g --firmware "$FW" --attest --pdh "$E/pdh.cert" --keys-dir "$T/k" &&
    err_has "error: The certificate chain of $E/pdh.cert: Certificate chain does not lead to an AMD root" &&
    err_has "run with --ark FILE --ask FILE"
nothing_made "$T/k"
expect 0 sevirt -c "$U" --json create g --firmware "$FW" --network none --attest --pdh "$E/pdh.cert" \
    --ark "$E/ark.cert" --ask "$E/ask.cert" --keys-dir "$T/k-emu" &&
    err_has "warning: THE ROOT IS NOT AMD'S: '$E/ark.cert'" && err_has "which is NOT an AMD root" &&
    out_has '"chain_verified" : true' && out_has '"amd_root" : false' &&
    out_has '"warning" : "THE ROOT IS NOT AMD'"'"'S'
# (a new test driver per process: 'g' is gone again)
# a host without SEV: nothing written
expect 4 create g --attest --from-host --keys-dir "$T/k" && err_has "error: The host has no usable SEV platform"
nothing_made "$T/k"

# ------------------------------------------------------------- success
expect 0 create g --attest --pdh "$PDH" --keys-dir "$T/k" --firmware "$FW" --network none &&
    out_has "Launch session for policy 0x0033 written to '$T/k'" && out_has "Domain 'g' created" &&
    out_has "launch the guest with 'sevirt launch g --tk $T/k/tk.bin"
for f in tek.bin tik.bin tk.bin; do
    [ "$(stat -c %a "$T/k/$f")" = 600 ] || fail "$f is not 0600"
done
[ "$(stat -c %s "$T/k/tk.bin")" = 32 ] || fail "tk.bin is not TEK and TIK"
[ "$(head -c 16 "$T/k/tk.bin" | od -An -tx1)" = "$(od -An -tx1 <"$T/k/tek.bin")" ] ||
    fail "tk.bin does not start with the TEK"
[ "$(base64 -d <"$T/k/godh.b64" | wc -c)" = 2084 ] || fail "godh.b64 is not a 0x824-byte certificate"
[ "$(base64 -d <"$T/k/session.b64" | wc -c)" = 128 ] || fail "session.b64 is not a 0x80-byte blob"
# the session is bound to the policy given (0x37: SEV-ES with its default)
expect 0 sevirt -c "$U" --json create g --sev sev-es --attest --pdh "$PDH" --keys-dir "$T/k-es" \
    --firmware "$FW" --network none &&
    out_has '"attest" : {' && out_has '"policy" : 55' && out_has "\"tk\" : \"$T/k-es/tk.bin\"" &&
    out_has '"chain_verified" : true' && out_has '"amd_root" : true' &&
    err_has "The certificate chain of $PDH verifies up to AMD's Rome root" &&
    err_has "Launch session for policy 0x0037"
# the TIK written is the session's, for that policy: the policy MAC at the
# end of the session blob is HMAC-SHA256(TIK, le32 policy)
python3 - "$T/k-es" <<'EOF' || fail "the session is not bound to policy 0x37 with the TIK written"
import base64, hashlib, hmac, sys
d = sys.argv[1]
blob = base64.b64decode(open(d + "/session.b64").read())
tik = open(d + "/tik.bin", "rb").read()
assert blob[96:] == hmac.new(tik, (0x37).to_bytes(4, "little"), hashlib.sha256).digest()
EOF

# never overwriting: nothing is made when the keys exist
expect 1 create g2 --attest --pdh "$PDH" --keys-dir "$T/k" --firmware "$FW" --network none &&
    err_has "error: Refusing to overwrite '$T/k/tek.bin'" && out_lacks "Defining domain"

# a later step fails: the session files and the directory made for them go
expect 7 create g --attest --pdh "$PDH" --keys-dir "$T/k3" --firmware "$FW" --network network=nosuch &&
    err_has "step 'networks' failed" && out_has "Undoing: removing the launch session written to '$T/k3'"
nothing_made "$T/k3"
# ... and a directory that was there stays, with what else it holds
mkdir "$T/k4" && touch "$T/k4/mine"
expect 7 create g --attest --pdh "$PDH" --keys-dir "$T/k4" --firmware "$FW" --network network=nosuch
[ "$(ls "$T/k4")" = mine ] || fail "rollback touched the owner's directory: $(ls "$T/k4")"

# ------------------------------------------------------------ spec file
mkdir "$T/spec" && cp "$PDH" "$T/spec/platform-pdh.cert" &&
    cp "$(dirname "$PDH")/pek.cert" "$(dirname "$PDH")/oca.cert" "$(dirname "$PDH")/cek.cert" "$T/spec/"
cat >"$T/spec/vm.yaml" <<EOF
name: fromspec
firmware: $FW
networks: [none]
sev:
  type: sev
  policy: nodbg,noks,domain
  attest: true
  pdh: platform-pdh.cert
  keys_dir: keys
EOF
cd "$T" || die "no $T"
# the file's policy (flag names, parsed for the type) is the session's
expect 0 create --spec spec/vm.yaml && out_has "Launch session for policy 0x0013 written to 'spec/keys'"
[ -s "$T/spec/keys/tik.bin" ] || fail "sev.keys_dir is not relative to the spec file"
# the command line overrides the file: --from-host replaces sev.pdh
expect 4 create --spec spec/vm.yaml --keys-dir "$T/k5" --from-host && err_has "no usable SEV platform"
nothing_made "$T/k5"
printf 'name: x\nsev: {attest: maybe}\n' >"$T/bad.yaml"
expect 2 create --spec "$T/bad.yaml" && err_has "bad.yaml:2:15: 'attest' must be true or false" && err_one_line
expect 2 sevirt xml --spec spec/vm.yaml && err_has "'sevirt xml' makes no launch session" && err_one_line
# the example: its keys as documented (its pool and image are not here)
expect 7 create --spec "$abs_top_srcdir/data/examples/attested-vm.yaml" --pdh "$PDH" --keys-dir "$T/k6" \
    --firmware "$FW" && out_has "Launch session for policy 0x0033 written to '$T/k6'" &&
    err_has "step 'volumes' failed" && out_has "Undoing: removing the launch session"
nothing_made "$T/k6"

finish
