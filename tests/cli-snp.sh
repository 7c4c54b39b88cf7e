#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The SEV-SNP guest-owner commands, offline: measure (sev-snp-measure's
# options and values), verify-report and report-info on the published
# reports, and every kind of bad input (one clear line, the documented exit
# status).
. "$abs_top_srcdir/tests/test-lib.sh"

M=$abs_top_srcdir/tests/data/snp/measure
AMDSEV=$M/ovmf_AmdSev_suffix.bin
X64=$M/ovmf_OvmfX64_suffix.bin
T=$TEST_TMP
# sev-snp-measure's cases name /dev/null for an empty kernel; sevirt reads
# only regular files, so an empty one stands in for it
EMPTY=$T/empty
: >"$EMPTY"

LIBVIRT_DEFAULT_URI=test:///nonexistent/file.xml
export LIBVIRT_DEFAULT_URI

expect 0 sevirt help && out_has "measure" && out_has "SEV-SNP"
expect 0 sevirt complete -- verify-report --vc && out_has "--vcek"
expect 0 sevirt complete -- id-b && out_has "id-block"
expect 0 sevirt measure --help && out_has "--vcpu-type" && out_has "--snp-ovmf-hash" &&
    out_has "--output-format" && out_has "--vmm-type"

# ------------------------------------------------------------- measure
# sev-snp-measure's own test values (tests/test_guest.py), digest alone on stdout
measure_is() {
    _digest=$1
    shift
    expect 0 sevirt measure "$@" && [ "$(cat "$OUT")" = "$_digest" ] ||
        fail "measure $* printed '$(cat "$OUT")', expected $_digest"
}
measure_is 803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977 \
    --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY" \
    --append "console=ttyS0 loglevel=7" --guest-features 0x21
measure_is 19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d \
    --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$AMDSEV"
measure_is 5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5 \
    --mode snp --vcpus 4 --vcpu-sig 0x800f12 --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY" --append ""
measure_is 5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5 \
    --vcpus 4 --vcpu-family 23 --vcpu-model 1 --vcpu-stepping 2 --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY"
measure_is 0ce9ccc06bab55eebe8abc234f3df6514883977a68a591b71052498ab52b2f1aa415db338033946ef93aa8278c0d67fb \
    --vcpus 1 --vcpu-type EPYC-v4 --vmm-type ec2 --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY" \
    --append "" --guest-features 0x21
measure_is 5c5debf100fc339f90276e761ee1f1658d08922c3b20e2a2e6c7a6c3370b2452a15a00eae11886a93d6fd1e7ab81e29d \
    --vcpus 4 --vmm-type gce --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY"
measure_is 789b7f836f9cf611c269734e5d074e8e2ab30456afe4bbcf84f56be63bc9e40fe5e30e4adc59d5c26bf5ac45222428a2 \
    --vcpus 8 --vcpu-type EPYC-Genoa --ovmf "$AMDSEV" --guest-features 0x21
measure_is 4450c0703e809d10bad0ff1429817e9e95d0fbf9da316278d4f9acbbab8da5a695a098a90f9cfaaee831e91b6ed4d54c \
    --vcpus 1 --vcpu-type EPYC-Turin --ovmf "$AMDSEV"
measure_is 404a74d4c8ed84049931af4165cd342e5665c5fe3c798aac171bdc1f2d6698185fa08021a8de26410ed4a471e0d60f68 \
    --vcpus 2 --vcpu-type EPYC-Milan --ovmf "$AMDSEV" --kernel "$M/kernel-fake.bin" \
    --initrd "$M/initrd-fake.bin" --append "console=ttyS0 root=/dev/vda"
measure_is da0296de8193586a5512078dcd719eccecbd87e2b825ad4148c44f665dc87df21e5b49e21523a9ad993afdb6a30b4005 \
    --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$X64"
# the firmware pages alone, and starting from that hash
measure_is 086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74 \
    --mode snp:ovmf-hash --ovmf "$AMDSEV"
measure_is 329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198 \
    --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY" --guest-features 0x21 \
    --snp-ovmf-hash 086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74
# a wrong seed gives another digest: the seed is used, the pages are not re-hashed
expect 0 sevirt measure --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$AMDSEV" --kernel "$EMPTY" --guest-features 0x21 \
    --snp-ovmf-hash 186e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74 &&
    out_lacks 329c8ce0972ae523
# SEV-ES and SEV through the same options
measure_is 0dccbcaba8e90b261bd0d2e1863a2f9da714768b7b2a19363cd6ae35aa90de91 \
    --mode seves --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY" --append ""
measure_is 82a3ee5d537c3620628270c292ae30cb40c3c878666a7890ee7ef2a08fb535ff \
    --mode sev --ovmf "$AMDSEV" --kernel "$EMPTY" --initrd "$EMPTY" --append "console=ttyS0 loglevel=7"
measure_is b4c021e085fb83ceffe6571a3d357b4a98773c83c474e47f76c876708fe316da --mode sev --ovmf "$X64"
# output formats
measure_is 'GTWLqadhVTSpoeLw38KThNzU3LcGL/nGATsmhppfxuyr4DPEjdb2211tdufF32Mt' \
    --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$AMDSEV" --output-format base64
expect 0 sevirt measure --json --vcpus 2 --vcpu-type EPYC-Milan --ovmf "$AMDSEV" &&
    out_has '"measurement" : "7ebc88066ce54aed30ae5dfadbb298613a046effdf58fbba3581cb752d7731f03805fb0154bbbe534fa30ac5bd661299"' &&
    out_has '"vcpu_sig" : "0xa00f11"' && out_has '"vmm_type" : "QEMU"' && out_has '"guest_features" : "0x1"'

# refusals: the firmware cannot do it (4), bad input (2)
expect 4 sevirt measure --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$X64" --kernel "$EMPTY" &&
    err_has "has no SNP_KERNEL_HASHES section" && err_has "$X64" && err_one_line
expect 4 sevirt measure --mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$X64" --kernel "$EMPTY" &&
    err_has "kernel hashes" && err_one_line
dd if=/dev/zero of="$T/nometa.fd" bs=4096 count=4 2>/dev/null
expect 4 sevirt measure --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$T/nometa.fd" &&
    err_has "has no SEV metadata" && err_has "cannot launch SEV-SNP guests" && err_one_line
if [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] && grep -q -a ASEV /usr/share/OVMF/OVMF_CODE_4M.fd; then
    :
elif [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]; then
    expect 4 sevirt measure --vcpus 1 --vcpu-type EPYC-Milan --ovmf /usr/share/OVMF/OVMF_CODE_4M.fd &&
        err_has "has no SEV metadata" && err_one_line
fi
expect 2 sevirt measure --vcpus 1 --vcpu-type Skylake --ovmf "$AMDSEV" &&
    err_has "unknown vCPU type 'Skylake'" && err_has "EPYC-Genoa" && err_one_line
expect 2 sevirt measure --vcpus 1 --ovmf "$AMDSEV" && err_has "--vcpu-type" && err_one_line
expect 2 sevirt measure --vcpu-type EPYC --ovmf "$AMDSEV" && err_has "--vcpus is required" && err_one_line
expect 2 sevirt measure --vcpus 0 --vcpu-type EPYC --ovmf "$AMDSEV" && err_has "at least one" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-type EPYC && err_has "--ovmf is required" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-type EPYC --vcpu-sig 0x800f12 --ovmf "$AMDSEV" &&
    err_has "only one of" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-family 23 --ovmf "$AMDSEV" && err_has "go together" && err_one_line
expect 2 sevirt measure --mode tdx --ovmf "$AMDSEV" && err_has "unknown mode 'tdx'" && err_one_line
expect 4 sevirt measure --mode snp:svsm --ovmf "$AMDSEV" && err_has "SVSM" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-type EPYC --vmm-type xen --ovmf "$AMDSEV" &&
    err_has "unknown VMM type 'xen'" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-type EPYC --ovmf "$AMDSEV" --output-format bin &&
    err_has "unknown format 'bin'" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-type EPYC --ovmf "$AMDSEV" --snp-ovmf-hash abcd &&
    err_has "--snp-ovmf-hash: expected 96 hex digits" && err_one_line
expect 2 sevirt measure --vcpus 1 --vcpu-type EPYC --ovmf "$AMDSEV" --initrd "$EMPTY" &&
    err_has "only measured with --kernel" && err_one_line
expect 2 sevirt measure --mode seves --vmm-type ec2 --vcpus 1 --ovmf "$AMDSEV" &&
    err_has "only measured for SEV-SNP" && err_one_line
expect 7 sevirt measure --vcpus 1 --vcpu-type EPYC --ovmf "$T/missing.fd" &&
    err_has "missing.fd" && err_one_line

# --------------------------------------------------------- report-info
R=$abs_top_srcdir/tests/data/snp/report
G=$R/go-sev-guest-milan-vcek
GOOD_MEAS=b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01
GOOD_CHIP=3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d
expect 0 sevirt report-info "$G/attestation.bin" && out_has "$GOOD_MEAS" &&
    out_has "0xb0000 (ABI 0.0; smt, reserved-mbo, debug)" && out_has "1.49 build 3" &&
    out_has "(bootloader=2, tee=0, snp=5, microcode=68)"
expect 0 sevirt report-info --json "$R/synthetic-v5-testroot/report.bin" && out_has '"version" : 5' &&
    out_has '"launch_mit_vector" : 3' && out_has '"current_mit_vector" : 7' && out_has '"author_key_en" : true'
# hex and base64 text forms are the same report
expect 0 sevirt report-info "$R/virtee-sev-milan-vcek/report_milan.hex" && out_has "Measurement:"
cp "$OUT" "$T/from-hex"
tr -d ' \n' <"$R/virtee-sev-milan-vcek/report_milan.hex" | sed 's/../\\x&/g' | xargs -0 printf >"$T/r.bin" 2>/dev/null ||
    fail "cannot convert the hex report"
base64 "$T/r.bin" >"$T/r.b64"
expect 0 sevirt report-info "$T/r.b64" && cmp -s "$OUT" "$T/from-hex" || fail "base64 and hex reports differ"
expect 2 sevirt report-info "$R/negative/truncated-0x49f.bin" && err_has "1183 bytes instead of 1184" && err_one_line
expect 2 sevirt report-info "$M/kernel-fake.bin" && err_has "not an SEV-SNP attestation report" && err_one_line
expect 7 sevirt report-info "$T/none.bin" && err_has "none.bin" && err_one_line

# -------------------------------------------------------- verify-report
# every published set: its verdict (all checks PASS, exit 0)
verify_set() {
    _dir=$R/$1
    shift
    expect 0 sevirt verify-report "$@" && out_has "PASS signature" && out_has "PASS tcb" &&
        out_lacks "FAIL" && out_has "the attestation report verifies" || fail "set $_dir does not verify"
}
verify_set go-sev-guest-milan-vcek "$G/attestation.bin" --vcek "$G/vcek.der" --ark "$G/ark.pem" --ask "$G/ask.pem"
S5=$R/synthetic-v5-testroot
verify_set synthetic-v5-testroot "$S5/report.bin" --vcek "$S5/vcek.der" --ark "$S5/ark.der" --ask "$S5/ask.der"
A=$R/trustee-azure-genoa-vcek
verify_set trustee-azure-genoa-vcek "$A/report.bin" --vcek "$A/vcek-genoa.pem" --ark "$A/ark.pem" --ask "$A/ask.pem"
E=$R/trustee-e2e-genoa-vcek-reconstructed
verify_set trustee-e2e "$E/report.bin" --vcek "$E/vcek.der" --ark "$E/ark.pem" --ask "$E/ask.pem"
TM=$R/trustee-milan-vcek
verify_set trustee-milan-vcek "$TM/test-report.bin" --vcek "$TM/test-vcek.der" --ark "$TM/ark.pem" --ask "$TM/ask.pem"
TL=$R/trustee-milan-vlek
verify_set trustee-milan-vlek "$TL/test-vlek-report.bin" --vlek "$TL/test-vlek.der" --ark "$TL/ark.pem" --asvk "$TL/asvk.pem" --vmpl 1
out_has "PASS signer             signed by a VLEK"
V=$R/virtee-sev-milan-vcek
verify_set virtee-sev-milan-vcek "$V/report_milan.hex" --vcek "$V/vcek.der" --cert-chain "$V/cert_chain_milan.pem"

# the owner's checks, from go-sev-guest's check_test.go good values
expect 0 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --measurement "$GOOD_MEAS" --chip-id "$GOOD_CHIP" --policy 0xb0000 --policy-require smt --vmpl 0 \
    --report-data 01020304050000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 \
    --host-data 0000000000000000000000000000000000000000000000000000000000000000 \
    --id-key-digest 000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 \
    --min-tcb bootloader=2,tee=0,snp=5,microcode=68 &&
    out_has "PASS measurement" && out_has "PASS policy" && out_has "PASS min_tcb" && out_has "PASS vmpl" &&
    out_has "PASS chip_id_expected" && out_has "PASS report_data"
# a wrong value fails its check: exit 5, the failing checks named
expect 5 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --measurement "$(echo "$GOOD_MEAS" | sed 's/1$/0/')" --policy-deny debug,migrate-ma --min-tcb snp=6 &&
    out_has "FAIL measurement" && out_has "FAIL policy             forbidden flags set: debug" &&
    out_has "FAIL min_tcb" && out_has "PASS signature" &&
    err_has "Attestation report '$G/attestation.bin' does not verify (failed: measurement, policy, min_tcb)" &&
    err_one_line
# base64 values are accepted too
expect 0 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --measurement "$(echo "$GOOD_MEAS" | xxd -r -p | base64 -w0)" && out_has "PASS measurement"
# JSON: every field and every check
expect 0 sevirt verify-report --json "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" &&
    out_has '"verified" : true' && out_has '"name" : "signature"' && out_has "\"measurement\" : \"$GOOD_MEAS\"" &&
    out_has '"signing_key" : "VCEK"'
# every negative report fails
for f in "$R"/negative/*.bin; do
    sevirt verify-report "$f" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" >"$T/o" 2>"$T/e"
    rc=$?
    case $rc in
    5) grep -q "FAIL signature" "$T/o" || fail "$f: no failing signature check" ;;
    2) grep -q "bytes instead of 1184" "$T/e" || fail "$f: unexpected error $(cat "$T/e")" ;;
    *) fail "$f: exit $rc, expected 5 or 2" ;;
    esac
done
# the wrong chip's VCEK, a foreign chain, modified VCEKs
expect 5 sevirt verify-report "$G/attestation.bin" --vcek "$TM/test-vcek.der" --cert-chain "$V/cert_chain_milan.pem" &&
    out_has "FAIL chip_id" && out_has "FAIL tcb" && out_has "FAIL signature"
expect 5 sevirt verify-report "$S5/report.bin" --vcek "$S5/vcek.der" --ark "$R/amd-roots/genoa/ark.pem" \
    --ask "$R/amd-roots/genoa/ask.pem" && out_has "FAIL vek" && out_has "PASS ask"
expect 5 sevirt verify-report "$TM/test-report.bin" --vcek "$TM/negative-test-vcek-invalid-new.der" \
    --ark "$TM/ark.pem" --ask "$TM/ask.pem" && out_has "FAIL vek" && err_has "failed: vek"
expect 5 sevirt verify-report "$G/attestation.bin" --vlek "$TL/test-vlek.der" --ark "$TL/ark.pem" --asvk "$TL/asvk.pem" &&
    out_has "FAIL signer"
# batch: one chain check, one verdict per report
expect 0 sevirt verify-report "$G/attestation.bin" "$G/attestation.bin" \
    --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" --measurement "$GOOD_MEAS" &&
    out_has "all 2 attestation reports verify" && out_has "$G/attestation.bin:"
expect 5 sevirt verify-report "$G/attestation.bin" "$R/negative/sig-zero.bin" \
    --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" &&
    err_has "1 of 2 attestation reports do not verify" && out_has "$R/negative/sig-zero.bin:"
[ "$(grep -c "PASS ark" "$OUT")" = 1 ] || fail "batch checked the chain more than once"
expect 0 sevirt verify-report --json "$G/attestation.bin" "$G/attestation.bin" \
    --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" && out_has '"reports" : [' &&
    out_has '"file" : '
# usage errors
expect 2 sevirt verify-report "$G/attestation.bin" && err_has "--vcek" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --vlek "$G/vcek.der" && err_has "exactly one" && err_one_line
# no root named: AMD's built-in roots, found by the VCEK's / VLEK's issuer
expect 0 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" &&
    out_has "PASS root               AMD's Milan ARK, built into sevirt" || fail "built-in Milan roots"
expect 0 sevirt verify-report "$TL/test-vlek-report.bin" --vlek "$TL/test-vlek.der" --vmpl 1 &&
    out_has "AMD's Milan ARK, built into sevirt" && out_has "PASS ask" || fail "built-in Milan ASVK"
expect 0 sevirt verify-report "$A/report.bin" --vcek "$A/vcek-genoa.pem" &&
    out_has "AMD's Genoa ARK, built into sevirt" || fail "built-in Genoa roots"
# a chain under a private root is refused without that root named, and
# named, every result says the root is not AMD's
expect 5 sevirt verify-report "$S5/report.bin" --vcek "$S5/vcek.der" &&
    err_has "built into sevirt" && err_has "--ark FILE" && err_one_line
expect 0 sevirt verify-report "$S5/report.bin" --vcek "$S5/vcek.der" --ark "$S5/ark.der" --ask "$S5/ask.der" &&
    out_has "WARNING: the ARK given is NOT AMD's" || fail "a private root is not called AMD's"
expect 0 sevirt verify-report --json "$S5/report.bin" --vcek "$S5/vcek.der" --ark "$S5/ark.der" --ask "$S5/ask.der" &&
    out_has "NOT AMD's" || fail "a private root is not called AMD's in JSON"
expect 0 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --ark "$G/ark.pem" --ask "$G/ask.pem" &&
    out_has "the ARK given is one of AMD's" || fail "AMD's own ARK named with --ark"
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --ark "$G/ark.pem" && err_has "go together" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --ark "$G/ark.pem" --ask "$G/ask.pem" \
    --asvk "$G/ask.pem" && err_has "same option" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --measurement abcd && err_has "--measurement" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --min-tcb ucode=1 && err_has "--min-tcb" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --policy-deny dbg && err_has "unknown policy flag 'dbg'" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$V/cert_chain_milan.pem" \
    --vmpl 4 && err_has "--vmpl" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/attestation.bin" --cert-chain "$V/cert_chain_milan.pem" &&
    err_has "not an X.509 certificate" && err_one_line
expect 2 sevirt verify-report "$G/attestation.bin" --vcek "$G/vcek.der" --cert-chain "$G/vcek.der" &&
    err_has "not a certificate chain" && err_one_line

# ------------------------------------------------------------- id-block
I=$abs_top_srcdir/tests/data/snp/idblock
# key files must be private: work on copies
cp "$I/virtee-sev/test_id_key.pem" "$I/virtee-sev/test_auth_key.pem" \
    "$I/sev-snp-measure/id_key_test.pem" "$I/sev-snp-measure/author_key_test.pem" "$T/"
chmod 600 "$T"/*.pem
LD=a14d638341e5674628fe1e02fbedebe5e5ab4faf1dd72d8966068e615bb99efd13d214b35c231715b38e263dc6059745
expect 0 sevirt id-block --measurement "$LD" --idkey "$T/test_id_key.pem" --authorkey "$T/test_auth_key.pem" \
    --id-block-out "$T/idb.b64" --id-auth-out "$T/ida.b64" &&
    out_has "id-block: oU1jg0HlZ0Yo/h4C++3r5eWrT68d1y2JZgaOYVu5nv0T0hSzXCMXFbOOJj3GBZdFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA" &&
    out_has "id-key-digest: 59fb2c686dfa4fef49f38339aa775c90051c28d57383ddc3baf3b5eb4b1496df3b0dbbdcbae5fe27677a644820773fe2" &&
    out_has "author-key-digest: eed81169fb0cb5e0ec34794f128fd4e0c4a46f67c65a1adfa81fcb24bcc088c272369b7ffc3eb2b6af6a4284a1b36c5f"
[ "$(base64 -d "$T/ida.b64" | wc -c)" = 4096 ] || fail "the ID auth is not 4096 bytes"
[ "$(cat "$T/idb.b64")" = "oU1jg0HlZ0Yo/h4C++3r5eWrT68d1y2JZgaOYVu5nv0T0hSzXCMXFbOOJj3GBZdFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA" ] ||
    fail "--id-block-out differs"
out_lacks "PRIVATE"
# sev-snp-measure's snp-create-id-block vector, with its option names
expect 0 sevirt id-block --json \
    --measurement 076f052d08bda7a700aa2a608c5caa6b00ebad297b6d68a85a45b1e669a558b67e1b91d284a301fe63c4fa0750467eed \
    --id-key "$T/id_key_test.pem" --author-key "$T/author_key_test.pem" --policy 0x30000 &&
    out_has '"id_block" : "B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA"' &&
    out_has '"id_key_digest" : "870b7e35c53f8a72d0d322f75ab2af8262792aaf6579622ce4131c3f21f289e77cb0560a5e3b90b3932e674ec709cb14"' &&
    out_has '"author_key_digest" : "63111c34bbfc0a4938f9a009bd074980d8172323e61599c9fd336da8673248e1dca98d0be8f76376a106b8afd4c0a057"'
# the synthetic v5 report was launched with these keys: its digests check
expect 0 sevirt verify-report "$S5/report.bin" --vcek "$S5/vcek.der" --ark "$S5/ark.der" --ask "$S5/ask.der" \
    --id-key-digest 59fb2c686dfa4fef49f38339aa775c90051c28d57383ddc3baf3b5eb4b1496df3b0dbbdcbae5fe27677a644820773fe2 \
    --author-key-digest eed81169fb0cb5e0ec34794f128fd4e0c4a46f67c65a1adfa81fcb24bcc088c272369b7ffc3eb2b6af6a4284a1b36c5f \
    --measurement "$LD" && out_has "PASS id_key_digest" && out_has "PASS author_key_digest"
expect 5 sevirt verify-report "$S5/report.bin" --vcek "$S5/vcek.der" --ark "$S5/ark.der" --ask "$S5/ask.der" \
    --id-key-digest 870b7e35c53f8a72d0d322f75ab2af8262792aaf6579622ce4131c3f21f289e77cb0560a5e3b90b3932e674ec709cb14 &&
    out_has "FAIL id_key_digest"
# without an author key: no author digest
expect 0 sevirt id-block --measurement "$LD" --idkey "$T/test_id_key.pem" --family-id 000102030405060708090a0b0c0d0e0f \
    --image-id 101112131415161718191a1b1c1d1e1f --svn 7 && out_lacks "author-key-digest"
expect 2 sevirt id-block --measurement "$LD" && err_has "--idkey is required" && err_one_line
expect 2 sevirt id-block --measurement "$LD" --idkey "$T/test_id_key.pem" --id-key "$T/test_id_key.pem" &&
    err_has "same options" && err_one_line
expect 2 sevirt id-block --idkey "$T/test_id_key.pem" && err_has "--measurement is required" && err_one_line
expect 2 sevirt id-block --measurement abc --idkey "$T/test_id_key.pem" && err_has "--measurement" && err_one_line
expect 2 sevirt id-block --measurement "$LD" --idkey "$I/virtee-sev/test_id_key.pem" &&
    err_has "accessible by group or others" && err_one_line
cp "$I/README.md" "$T/notakey.pem" && chmod 600 "$T/notakey.pem"
expect 2 sevirt id-block --measurement "$LD" --idkey "$T/notakey.pem" && err_has "not a PEM ECDSA P-384 private key" &&
    err_one_line
expect 2 sevirt id-block --measurement "$LD" --idkey "$T/test_id_key.pem" --family-id 00 && err_has "--family-id" &&
    err_one_line
expect 1 sevirt id-block --measurement "$LD" --idkey "$T/test_id_key.pem" --id-block-out "$T/idb.b64" &&
    err_has "idb.b64" && err_one_line

# ------------------------------------- the ID block in the domain XML
HD=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
expect 0 sevirt xml g1 --sev sev-snp --id-block "$T/idb.b64" --id-auth "$T/ida.b64" --author-key --host-data "$HD" &&
    out_has '<launchSecurity type="sev-snp" authorKey="yes">' && out_has "<idBlock>$(cat "$T/idb.b64")</idBlock>" &&
    out_has "<idAuth>$(cat "$T/ida.b64")</idAuth>" && out_has "<hostData>$HD</hostData>"
printf 'name: g2\nsev:\n  type: sev-snp\n  id_block: %s\n  id_auth: %s\n  author_key: true\n  host_data: %s\n' \
    "$T/idb.b64" "$T/ida.b64" "$HD" >"$T/snp.yaml"
expect 0 sevirt xml --spec "$T/snp.yaml" && out_has '<launchSecurity type="sev-snp" authorKey="yes">' &&
    out_has "<hostData>$HD</hostData>"
expect 2 sevirt xml g1 --sev sev --host-data "$HD" && err_has "for SEV-SNP guests only" && err_one_line
expect 2 sevirt xml g1 --sev sev-snp --id-block "$T/idb.b64" && err_has "go together" && err_one_line
expect 2 sevirt xml g1 --sev sev-snp --author-key && err_has "only used with an ID block" && err_one_line
expect 2 sevirt xml g1 --sev sev-snp --host-data AAEC && err_has "host data decodes to 3 bytes, expected 32" &&
    err_one_line
expect 2 sevirt xml g1 --sev sev-snp --id-block "$T/ida.b64" --id-auth "$T/ida.b64" &&
    err_has "--id-block" && err_has "expected 96" && err_one_line
printf 'name: g3\nsev:\n  type: sev\n  host_data: %s\n' "$HD" >"$T/bad.yaml"
expect 2 sevirt xml --spec "$T/bad.yaml" && err_has "bad.yaml:4" && err_one_line

finish
