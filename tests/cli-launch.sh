#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# export-certs and launch without SEV: their help, every bad option (one
# line, exit 2), a missing domain (7), a domain that is no SEV guest, and a
# host without SEV (4), on libvirt's test driver.  The launch itself runs in
# tests/integ-launch*.sh on the emulated SEV platform.
. "$abs_top_srcdir/tests/test-lib.sh"

V=$(vectors_dir) || exit $?
T=$TEST_TMP
U=test:///default
FW=$V/sev-measurement/ovmf-amdsev-trimmed.fd
cp "$V/sev-measurement/tik.bin" "$T/tik.bin"
cp "$V/sev-secret/tek.bin" "$T/tek.bin"
printf 'passphrase\0' >"$T/pass"
chmod 600 "$T/tik.bin" "$T/tek.bin" "$T/pass"

# ------------------------------------------------------------------ help
expect 0 sevirt help && out_has "Attested launch:" && out_has "export-certs" && out_has "launch "
for cmd in export-certs launch; do
    expect 0 sevirt "$cmd" --help && out_has "sevirt $cmd"
done
expect 0 sevirt launch --help && out_has "--secret-address" && out_has "--no-resume" &&
    out_has "--vmsa-fpu-init" && out_has "exit status is 5"
expect 0 sevirt complete -- launch --no- && out_has "--no-resume"
expect 0 sevirt complete -- launch --vcpu- && out_has "--vcpu-type" && out_has "--vcpu-sig"

# ------------------------------------------------------------ bad options
launch() { sevirt -c "$U" launch "$@"; }
expect 2 launch && err_has "command 'launch' requires DOMAIN"
expect 2 launch test --tik "$T/tik.bin" && err_has "option --firmware is required" && err_one_line &&
    err_has "SEV-SNP guest is launched with --measurement"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --initrd "$FW" && err_has "--initrd and --cmdline need --kernel"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --secret-address 0x800000 &&
    err_has "--secret-address is only used with --secret"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" -s "luks-key:$T/pass" --secret-address 8M &&
    err_has "--secret-address" && err_one_line
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --num-cpus 0 && err_has "--num-cpus must be at least 1"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --num-cpus many && err_has "--num-cpus"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --cpu-family 25 && err_has "go together"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --cpu-family 25 --cpu-model 1 --cpu-stepping 16 &&
    err_has "--cpu-stepping"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" --policy 0x33,bogus && err_has "--policy"
# SEV-SNP (--measurement): the SEV options do not apply, roots go in pairs
D="$(printf "%096d" 0)"
expect 2 launch test --measurement "$D" --tik "$T/tik.bin" && err_has "do not apply" && err_one_line
expect 2 launch test --measurement "$D" -f "$FW" && err_has "do not go with it" && err_one_line
expect 2 launch test --measurement "$D" --vcpu-type EPYC-Milan && err_has "do not go with it"
expect 2 launch test --vcpu-type EPYC-Milan && err_has "or --firmware FILE" && err_one_line
expect 2 launch test -f "$FW" --vcpu-type EPYC-Milan --vcpu-sig 0xa00f11 && err_has "only one of"
expect 2 launch test -f "$FW" --vcpu-sig 0xa00f11 --cpu-family 25 --cpu-model 1 --cpu-stepping 1 &&
    err_has "only one of"
expect 2 launch test -f "$FW" --vcpu-type EPYC-Milan --ark "$T/tik.bin" && err_has "--ark and --ask go together"
expect 2 launch test --measurement 00ff && err_has "--measurement" && err_one_line
expect 2 launch test --measurement "$D" --ark "$T/tik.bin" && err_has "--ark and --ask go together"
expect 2 launch test --measurement "$D" --ark "$T/tik.bin" --ask "$T/tik.bin" --cert-chain "$T/tik.bin" &&
    err_has "mutually exclusive"
expect 2 launch test --ark "$T/tik.bin" --ask "$T/tik.bin" && err_has "give --measurement"
expect 2 launch test --measurement "$D" && err_has "not an SEV-SNP guest" && err_one_line
expect 2 launch test -f "$FW" && err_has "give the TIK with --tik FILE or --tk FILE"
expect 2 launch test --tik "$T/tik.bin" -f "$FW" -s "luks-key:$T/pass" &&
    err_has "give --tk FILE, or both --tek FILE and --tik FILE"
expect 2 launch test --tk "$T/tik.bin" -f "$FW" && err_has "tik.bin" && err_one_line
expect 2 launch test --tik "$T/tik.bin" --tek "$T/tek.bin" -f "$FW" -s "nonsense:$T/pass" && err_one_line
expect 2 launch test --tik "$T/tik.bin" --tek "$T/tek.bin" -f "$FW" -s "luks-key" &&
    err_has "expected GUID-OR-ALIAS:FILE"
expect 7 launch test --tik "$T/tik.bin" -f "$T/missing.fd" && err_has "missing.fd" && err_one_line
# key and secret files others may read are refused, unless --insecure-keys
cp "$T/tik.bin" "$T/open-tik.bin" && chmod 644 "$T/open-tik.bin"
expect 2 launch test --tik "$T/open-tik.bin" -f "$FW" && err_has "accessible by group or others (mode 0644): make it private with 'chmod 600', or pass --insecure-keys" && err_one_line
cp "$T/pass" "$T/open-pass" && chmod 644 "$T/open-pass"
expect 2 launch test --tik "$T/tik.bin" --tek "$T/tek.bin" -f "$FW" -s "luks-key:$T/open-pass" &&
    err_has "open-pass"
# a passphrase without its NUL: a warning, not an error
printf 'passphrase' >"$T/nonul" && chmod 600 "$T/nonul"
expect 2 launch test --tik "$T/tik.bin" --tek "$T/tek.bin" -f "$FW" -s "luks-key:$T/nonul" &&
    err_has "warning: the disk passphrase in" && err_has "is not an SEV guest"

# ---------------------------------------------------- domains it refuses
expect 7 launch nosuchdomain --tik "$T/tik.bin" -f "$FW" && err_has "'nosuchdomain'" && err_one_line
expect 2 launch test --tik "$T/tik.bin" -f "$FW" &&
    err_has "Domain 'test' is not an SEV guest" && err_one_line
expect 2 sevirt -c "$U" --json launch test --tik "$T/tik.bin" -f "$FW"
[ -s "$OUT" ] && fail "--json printed a result for a domain it refused"

# ------------------------------------------------------------ export-certs
expect 4 sevirt -c "$U" export-certs --out-dir "$T/certs" &&
    err_has "The host has no usable SEV platform" && err_has "--emulator" && err_one_line
[ ! -e "$T/certs/pdh.cert" ] || fail "export-certs wrote files without a platform"
expect 2 sevirt -c "$U" export-certs extra && err_has "unexpected argument 'extra'"

finish
