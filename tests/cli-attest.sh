#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The offline attestation commands: verify-certs, session,
# verify-measurement, build-secret, on the published vectors and on every
# kind of bad input (one clear line, the documented exit status, no crash:
# CI runs this under ASan too).
. "$abs_top_srcdir/tests/test-lib.sh"

V=$(vectors_dir) || exit $?
C=$V/sev-certs
M=$V/sev-measurement
S=$V/sev-secret
E=$abs_top_srcdir/tests/data/test-only-keys/emu-platform
T=$TEST_TMP

# Every output of sevirt also goes to $ALL, to check no key is ever printed.
ALL=$T/all-output
sevirt() {
    # shellcheck disable=SC2086
    $SEVIRT_TEST_WRAPPER "$SEVIRT" "$@" >"$T/o.tmp" 2>"$T/e.tmp"
    rc=$?
    cat "$T/o.tmp" "$T/e.tmp" >>"$ALL"
    cat "$T/o.tmp"
    cat "$T/e.tmp" >&2
    return $rc
}

# Key files must not be readable by others: work on private copies.
cp "$M/tik.bin" "$T/tik.bin"
cp "$S/tek.bin" "$T/s-tek.bin"
cp "$S/tik.bin" "$T/s-tik.bin"
cp "$S/secret1.txt" "$T/secret1.txt"
cp "$S/secret2.txt" "$T/secret2.txt"
chmod 600 "$T"/*.bin "$T"/*.txt

# ------------------------------------------------------------------ help
expect 0 sevirt help && out_has "verify-certs" && out_has "build-secret"
for cmd in verify-certs session verify-measurement build-secret; do
    expect 0 sevirt "$cmd" --help && out_has "sevirt $cmd"
done
expect 0 sevirt verify-measurement --help && out_has "--print-expected" && out_has "--vmsa-fpu-init"

# ---------------------------------------------------------- verify-certs
for gen in rome naples; do
    expect 0 sevirt verify-certs --dir "$C/$gen" && out_has "PEK -> PDH           ok" &&
        out_has "Certificate chain verifies"
    golden "attest/verify-certs-$gen.txt" "$OUT"
done
cat "$C/rome/pek.cert" "$C/rome/oca.cert" "$C/rome/cek.cert" >"$T/chain.bin"
base64 "$T/chain.bin" >"$T/chain.b64"
base64 "$C/rome/pdh.cert" >"$T/pdh.b64"
expect 0 sevirt verify-certs --pdh "$T/pdh.b64" --cert-chain "$T/chain.b64" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && out_has "verifies"
expect 0 sevirt --json verify-certs --dir "$C/rome" && out_has '"verified" : true' &&
    out_has '"ark_key_bits" : 4096'
golden attest/verify-certs-rome.json "$OUT"

# Rome certificates under Naples roots: the first failing link is named.
expect 5 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/naples/ark.cert" --ask "$C/naples/ask.cert" &&
    err_has "error: Certificate chain broken at ASK -> CEK" && err_one_line &&
    out_has "ARK -> ASK           ok" && out_lacks "OCA self-signature"
expect 5 sevirt --json verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/naples/ark.cert" --ask "$C/naples/ask.cert" &&
    out_has '"failed_link" : "ASK -> CEK"' && out_has '"verified" : false'
sed "s|$C/|@VECTORS@/|" "$OUT" >"$T/naples-roots.json"
golden attest/verify-certs-rome-naples-roots.json "$T/naples-roots.json"

# AMD's real chains verify with no option: the roots are built in, found
# from the CEK (the ark.cert in a --dir is not what is trusted)
for gen in rome naples; do
    cat "$C/$gen/pek.cert" "$C/$gen/oca.cert" "$C/$gen/cek.cert" >"$T/$gen-chain.bin"
    expect 0 sevirt verify-certs --pdh "$C/$gen/pdh.cert" --cert-chain "$T/$gen-chain.bin" &&
        out_has "verifies up to AMD's built-in" && err_lacks "NOT AMD'S"
done
expect 0 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" &&
    out_has "verifies up to AMD's built-in Rome root"
mkdir "$T/fake-roots" && cp "$C/rome"/*.cert "$T/fake-roots/" && cp "$E/ark.cert" "$E/ask.cert" "$T/fake-roots/"
expect 0 sevirt verify-certs --dir "$T/fake-roots" && out_has "AMD's built-in Rome root"
# a flipped byte in the CEK's signed body (its API version): no AMD ASK signed it
mkdir "$T/cek-flipped" && cp "$C/rome"/*.cert "$T/cek-flipped/"
printf '\001' | dd of="$T/cek-flipped/cek.cert" bs=1 seek=5 conv=notrunc 2>/dev/null
expect 5 sevirt verify-certs --dir "$T/cek-flipped" &&
    err_has "does not lead to an AMD root: none of AMD's built-in ASKs (Naples, Rome, Milan) signed the CEK" &&
    err_has "run with --ark FILE --ask FILE" && err_one_line

# A chain under a root of its own (the emulated platform's) is refused
# without an explicit --ark, and verifies with it, saying loudly that the
# root is not AMD's, in text and in JSON.
expect 5 sevirt verify-certs --dir "$E" && err_has "does not lead to an AMD root" &&
    err_has "run with --ark FILE --ask FILE" && out_lacks "Certificate chain verifies"
expect 5 sevirt --json verify-certs --dir "$E" && out_has '"verified" : false' &&
    out_has '"root" : "built-in"' && out_has '"failed_link" : "ASK -> CEK"'
expect 0 sevirt verify-certs --dir "$E" --ark "$E/ark.cert" --ask "$E/ask.cert" &&
    out_has "which is NOT an AMD root" && err_has "warning: THE ROOT IS NOT AMD'S: '$E/ark.cert' is no AMD root key"
expect 0 sevirt --json verify-certs --dir "$E" --ark "$E/ark.cert" --ask "$E/ask.cert" &&
    out_has '"verified" : true' && out_has '"amd_root" : false' && out_has '"warning" : "THE ROOT IS NOT AMD'"'"'S' &&
    err_has "THE ROOT IS NOT AMD'S"
expect 2 sevirt verify-certs --dir "$E" --ark "$E/ark.cert" && err_has "--ark and --ask go together"
# an ARK in base64: AMD's binary format is what is read, and the error says so
base64 "$C/rome/ark.cert" >"$T/ark.b64"
expect 2 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" \
    --ark "$T/ark.b64" --ask "$C/rome/ask.cert" &&
    err_has "starts with text (base64 or PEM?): AMD ARK/ASK certificates are read in AMD's binary format" &&
    err_one_line
# Rome's ARK with Naples' ASK
expect 5 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/naples/ask.cert" && err_has "broken at ARK -> ASK"
# a PEK given as the PDH
expect 5 sevirt verify-certs --pdh "$C/rome/pek.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" &&
    err_has "broken at PEK -> PDH: the certificate given as PDH has usage PEK" && err_one_line
# a flipped byte in the PDH's signed body
mkdir "$T/tampered" && cp "$C/rome"/*.cert "$T/tampered/"
printf '\001' | dd of="$T/tampered/pdh.cert" bs=1 seek=1000 conv=notrunc 2>/dev/null
expect 5 sevirt verify-certs --dir "$T/tampered" && err_has "broken at PEK -> PDH: signature does not verify"

# bad input: usage, missing, truncated, oversized, non-base64, swapped formats
expect 2 sevirt verify-certs && err_has "give --dir DIR, or both --pdh and --cert-chain"
expect 2 sevirt verify-certs --dir "$C/rome" --pdh "$C/rome/pdh.cert" && err_has "mutually exclusive"
expect 7 sevirt verify-certs --dir "$T/nonexistent" && err_has "pdh.cert" && err_one_line
head -c 100 "$C/rome/pdh.cert" >"$T/short.cert"
expect 2 sevirt verify-certs --pdh "$T/short.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" &&
    err_has "File '$T/short.cert' has 100 bytes, expected an SEV certificate of 2084 bytes" && err_one_line
{ cat "$C/rome/pdh.cert"; printf 'x'; } >"$T/long.cert"
expect 2 sevirt verify-certs --pdh "$T/long.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "has 2085 bytes" && err_one_line
head -c 6000 "$T/chain.bin" >"$T/short-chain.bin"
expect 2 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/short-chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "PEK+OCA+CEK" && err_one_line
printf 'this is not base64!\n' >"$T/junk.cert"
expect 2 sevirt verify-certs --pdh "$T/junk.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "expected an SEV certificate" && err_one_line
printf 'QUFB\n' >"$T/small.b64"
expect 2 sevirt verify-certs --pdh "$T/small.b64" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "decodes to 3 bytes, expected 2084"
expect 2 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/cek.cert" --ask "$C/rome/ask.cert" && err_has "is an SEV certificate (2084 bytes), not an AMD"
expect 2 sevirt verify-certs --pdh "$C/rome/ark.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "has 1600 bytes"
head -c 700 "$C/rome/ask.cert" >"$T/short-ask.cert"
expect 2 sevirt verify-certs --pdh "$C/rome/pdh.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$T/short-ask.cert" && err_has "expected 1600 for a 4096-bit AMD certificate"
# wrong usage and algorithm fields
cp "$C/rome/pdh.cert" "$T/badusage.cert"
printf '\042\042' | dd of="$T/badusage.cert" bs=1 seek=8 conv=notrunc 2>/dev/null
expect 2 sevirt verify-certs --pdh "$T/badusage.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "has usage 0x2222" && err_one_line
cp "$C/rome/pdh.cert" "$T/badalgo.cert"
printf '\077' | dd of="$T/badalgo.cert" bs=1 seek=12 conv=notrunc 2>/dev/null
expect 2 sevirt verify-certs --pdh "$T/badalgo.cert" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "unknown key algorithm 0x3f"
# a directory where a file is expected
expect 2 sevirt verify-certs --pdh "$T" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" && err_has "'$T' is not a regular file"

# --------------------------------------------------------------- session
expect 0 sevirt session --pdh "$C/rome/pdh.cert" --policy 0x33 --out-dir "$T/sess" --tk &&
    out_has "policy 0x0033" && out_has "godh.b64" && out_has "mode 0600"
for f in tek.bin tik.bin tk.bin; do
    [ "$(stat -c %a "$T/sess/$f")" = 600 ] || fail "$f is not mode 0600"
done
[ "$(base64 -d "$T/sess/godh.b64" | wc -c)" = 2084 ] || fail "godh.b64 is not an SEV certificate"
[ "$(base64 -d "$T/sess/session.b64" | wc -c)" = 128 ] || fail "session.b64 is not 128 bytes"
cat "$T/sess/tek.bin" "$T/sess/tik.bin" | cmp -s - "$T/sess/tk.bin" || fail "tk.bin is not TEK followed by TIK"
# the owner's certificate reads back as an (unsigned) P-384 ECDH PDH certificate
expect 5 sevirt verify-certs --pdh "$T/sess/godh.b64" --cert-chain "$T/chain.bin" \
    --ark "$C/rome/ark.cert" --ask "$C/rome/ask.cert" &&
    err_has "broken at PEK -> PDH: no signature slot for the PEK"
# never overwrites, and leaves the existing files alone
cp "$T/sess/tek.bin" "$T/tek.orig"
expect 1 sevirt session --pdh "$C/rome/pdh.cert" --policy 0x33 --out-dir "$T/sess" &&
    err_has "Refusing to overwrite '$T/sess/tek.bin'" && err_one_line
cmp -s "$T/tek.orig" "$T/sess/tek.bin" || fail "an existing TEK was modified"
# a PDH base64 file (as virsh nodesevinfo prints it) is accepted, with --json
expect 0 sevirt --json session --pdh "$T/pdh.b64" --policy 7 --out-dir "$T/sess2" &&
    out_has '"policy" : 7' && out_has '"dh_cert" : "'"$T/sess2/godh.b64"'"'
[ ! -e "$T/sess2/tk.bin" ] || fail "tk.bin written without --tk"
# refusing PDHs that are not ECDH P-384 PDH certificates
expect 2 sevirt session --pdh "$C/rome/pek.cert" --policy 0x33 --out-dir "$T/s3" &&
    err_has "has usage PEK (0x1002), not PDH (0x1003)" && err_one_line
cp "$C/rome/pdh.cert" "$T/ecdsa-pdh.cert"
printf '\002' | dd of="$T/ecdsa-pdh.cert" bs=1 seek=12 conv=notrunc 2>/dev/null
expect 2 sevirt session --pdh "$T/ecdsa-pdh.cert" --policy 0x33 --out-dir "$T/s3" &&
    err_has "has a ECDSA-SHA256 key, not an ECDH key"
expect 2 sevirt session --pdh "$T/short.cert" --policy 0x33 --out-dir "$T/s3" && err_has "has 100 bytes"
[ ! -e "$T/s3/tek.bin" ] || fail "a refused session left files behind"
expect 2 sevirt session --pdh "$C/rome/pdh.cert" --policy 0xZZ --out-dir "$T/s3" &&
    err_has "--policy: invalid value '0xZZ'"
expect 2 sevirt session --pdh "$C/rome/pdh.cert" --policy 0x100000000 --out-dir "$T/s3" && err_has "--policy"
expect 2 sevirt session --pdh "$C/rome/pdh.cert" --policy 0x8033 --out-dir "$T/s3" && err_has "reserved" &&
    err_one_line
expect 2 sevirt session --pdh "$C/rome/pdh.cert" --policy nodbg,bogus --out-dir "$T/s3" && err_has "bogus"
# flag names work as well as numbers
expect 0 sevirt session --pdh "$C/rome/pdh.cert" --policy nodbg,noks,es --out-dir "$T/s4" &&
    out_has "policy 0x0007"
expect 2 sevirt session --pdh "$C/rome/pdh.cert" --policy 3 && err_has "option --out-dir is required"
expect 7 sevirt session --pdh "$T/missing.cert" --policy 3 --out-dir "$T/s3" && err_has "missing.cert"

# ---------------------------------------------------- verify-measurement
NONCE=wxP6tRHCFrFQWxsuqZA8QA==
SEV="--api-major 1 --api-minor 40 --build-id 40 --policy 3 --firmware $M/ovmf-amdsev-trimmed.fd"
ES="--api-major 1 --api-minor 49 --build-id 6 --policy 0x5 --firmware $M/ovmf-amdsev-trimmed.fd --num-cpus 4"
ES_MEAS=/o0nzDKE5XgtVnUZWPhUea/WZYrTKLExR7KCwuMdbActvpWfXTFk21KMZIAAhQny
KERNEL="--kernel $M/vmlinuz-fake --initrd $M/initrd-fake"

# shellcheck disable=SC2086
{
expect 0 sevirt verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV --tik "$T/tik.bin" && out_has "measurement matches"
expect 0 sevirt verify-measurement --measurement h3auYbWQnVW7EGLWN4Hf9SN0oEYMPU2sK4bLnefWPwvDE/q1EcIWsVBbGy6pkDxA \
    $SEV $KERNEL --cmdline "foo bar baz fake kernel=cmdline" --tik "$T/tik.bin" && out_has "measurement matches"
expect 0 sevirt verify-measurement --measurement $ES_MEAS $ES \
    --vmsa-cpu0 "$M/vmsa-cpu0.bin" --vmsa-cpu1 "$M/vmsa-cpu1.bin" --tik "$T/tik.bin" && out_has "measurement matches"
# the short options of virt-qemu-sev-validate work the same
expect 0 sevirt verify-measurement -m h3auYbWQnVW7EGLWN4Hf9SN0oEYMPU2sK4bLnefWPwvDE/q1EcIWsVBbGy6pkDxA \
    --api-major 1 --api-minor 40 --build-id 40 --policy 3 -f "$M/ovmf-amdsev-trimmed.fd" \
    -k "$M/vmlinuz-fake" -r "$M/initrd-fake" -e "foo bar baz fake kernel=cmdline" --tik "$T/tik.bin" &&
    out_has "measurement matches"
expect 0 sevirt verify-measurement -m $ES_MEAS $ES -n 4 -0 "$M/vmsa-cpu0.bin" -1 "$M/vmsa-cpu1.bin" \
    --tik "$T/tik.bin" && out_has "measurement matches"
# ... and its --tek (not needed, but read and checked like --tik)
expect 0 sevirt verify-measurement -m $ES_MEAS $ES -n 4 -0 "$M/vmsa-cpu0.bin" -1 "$M/vmsa-cpu1.bin" \
    --tek "$T/s-tek.bin" --tik "$T/tik.bin" && out_has "measurement matches"
expect 2 sevirt verify-measurement -m $ES_MEAS $ES -n 4 --tek "$T/s-tek.bin" &&
    err_has "give --tk FILE, or both --tek FILE and --tik FILE" && err_one_line
expect 0 sevirt verify-measurement --measurement $ES_MEAS $ES \
    --cpu-family 25 --cpu-model 1 --cpu-stepping 1 --tik "$T/tik.bin" && out_has "measurement matches"
expect 0 sevirt --json verify-measurement --measurement $ES_MEAS $ES \
    --cpu-family 25 --cpu-model 1 --cpu-stepping 1 --tik "$T/tik.bin" &&
    out_has '"match" : true' && out_has '"launch_digest" : "'
# --print-expected with the nonce, and --tk carrying the TIK in its second half
expect 0 sevirt verify-measurement --print-expected --nonce $NONCE $SEV --tik "$T/tik.bin" &&
    out_has "oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA"
cat "$T/s-tek.bin" "$T/tik.bin" >"$T/tk.bin" && chmod 600 "$T/tk.bin"
expect 0 sevirt verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV --tk "$T/tk.bin" && out_has "measurement matches"

# mismatches: exit 5, one line
expect 5 sevirt verify-measurement --measurement $ES_MEAS $ES \
    --cpu-family 25 --cpu-model 1 --cpu-stepping 1 --vmsa-fpu-init --tik "$T/tik.bin" &&
    err_has "Launch measurement does not match" && err_one_line && out_lacks "matches"
expect 5 sevirt verify-measurement --measurement $ES_MEAS \
    --api-major 1 --api-minor 49 --build-id 6 --policy 0x5 --firmware "$M/ovmf-amdsev-trimmed.fd" \
    --num-cpus 3 --cpu-family 25 --cpu-model 1 --cpu-stepping 1 --tik "$T/tik.bin" && err_one_line
expect 5 sevirt verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV $KERNEL --tik "$T/tik.bin"
expect 5 sevirt verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV --tik "$T/s-tik.bin"
expect 5 sevirt --json verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV --tik "$T/s-tik.bin" && out_has '"match" : false'

# bad input
expect 2 sevirt verify-measurement --measurement 'not*base64' $SEV --tik "$T/tik.bin" &&
    err_has "--measurement is not valid base64" && err_one_line
expect 2 sevirt verify-measurement --measurement $NONCE $SEV --tik "$T/tik.bin" &&
    err_has "--measurement decodes to 16 bytes, expected 48"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV --tik "$M/vmlinuz-fake" --insecure-keys &&
    err_has "has 13 bytes, expected 16" && err_one_line
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV --tik "$M/tik.bin" &&
    err_has "--insecure-keys" && err_one_line
expect 0 sevirt verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV --tik "$M/tik.bin" --insecure-keys
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV --tk "$T/tik.bin" && err_has "expected 32"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV --tk "$T/tk.bin" --tik "$T/tik.bin" &&
    err_has "mutually exclusive"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV && err_has "give the TIK with --tik FILE or --tk FILE"
expect 2 sevirt verify-measurement --measurement $ES_MEAS --policy 3 --tik "$T/tik.bin" &&
    err_has "option --api-major is required"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV --api-major 256 --tik "$T/tik.bin" &&
    err_has "--api-major: invalid value '256'"
expect 7 sevirt verify-measurement --measurement $ES_MEAS --api-major 1 --api-minor 40 --build-id 40 \
    --policy 3 --firmware "$T/missing.fd" --tik "$T/tik.bin" && err_has "missing.fd" && err_one_line
expect 2 sevirt verify-measurement --measurement $ES_MEAS $SEV --initrd "$M/initrd-fake" --tik "$T/tik.bin" &&
    err_has "--initrd and --cmdline need --kernel"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $ES --tik "$T/tik.bin" &&
    err_has "give --vmsa-cpu0 (and --vmsa-cpu1) or --cpu-family"
expect 2 sevirt verify-measurement --measurement $ES_MEAS --api-major 1 --api-minor 49 --build-id 6 \
    --policy 0x5 --firmware "$M/ovmf-amdsev-trimmed.fd" --cpu-family 25 --cpu-model 1 --cpu-stepping 1 \
    --tik "$T/tik.bin" && err_has "give the number of vCPUs with --num-cpus"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $ES --cpu-family 25 --tik "$T/tik.bin" &&
    err_has "go together"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $ES --cpu-family 25 --cpu-model 1 --cpu-stepping 1 \
    --vmsa-cpu0 "$M/vmsa-cpu0.bin" --tik "$T/tik.bin" && err_has "mutually exclusive"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $ES --vmsa-cpu0 "$M/vmsa-cpu0.bin" \
    --tik "$T/tik.bin" && err_has "additional vCPUs"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $ES --vmsa-cpu0 "$M/vmlinuz-fake" \
    --vmsa-cpu1 "$M/vmsa-cpu1.bin" --tik "$T/tik.bin" && err_has "has 13 bytes, expected 4096"
expect 2 sevirt verify-measurement --measurement $ES_MEAS $ES --num-cpus 0 --cpu-family 25 --cpu-model 1 \
    --cpu-stepping 1 --tik "$T/tik.bin" && err_has "at least 1"
expect 2 sevirt verify-measurement --print-expected $SEV --tik "$T/tik.bin" && err_has "give --nonce or --measurement"
expect 2 sevirt verify-measurement --nonce $NONCE $SEV --tik "$T/tik.bin" && err_has "only used with --print-expected"
expect 2 sevirt verify-measurement --print-expected --nonce AAAA $SEV --tik "$T/tik.bin" &&
    err_has "--nonce decodes to 3 bytes, expected 16"
# a warning (not an error) when SEV-ES options come with a plain SEV policy
expect 0 sevirt verify-measurement --measurement oMDewIouJSpbpNRHj7Mk3p08H2dPZQdsZMU14qIymBnDE/q1EcIWsVBbGy6pkDxA \
    $SEV --num-cpus 2 --tik "$T/tik.bin" && err_has "warning: the policy 0x3 is not SEV-ES"
}

# Firmware without a kernel hashes area (Debian's OVMF) cannot measure a kernel.
OVMF=/usr/share/OVMF/OVMF_CODE_4M.fd
if [ -f "$OVMF" ]; then
    expect 4 sevirt verify-measurement --print-expected --nonce $NONCE --api-major 1 --api-minor 40 \
        --build-id 40 --policy 3 --firmware "$OVMF" --kernel "$M/vmlinuz-fake" --tik "$T/tik.bin" &&
        err_has "no kernel hashes area" && err_one_line
else
    skip_or_fail "$OVMF is missing (package ovmf)"
fi

# ---------------------------------------------------------- build-secret
IV=rFR07U3TLH2YnsUj2SVZ7A==
SMEAS=TLeA7607lZQntLjRY1/i+sbtdSZ+75zxpz4Px9hzpBLwItF5Q2o4prA++3ZZv9ZS
expect 0 sevirt build-secret --tek "$T/s-tek.bin" --tik "$T/s-tik.bin" --measurement $SMEAS --iv $IV \
    --secret luks-key:"$T/secret1.txt" --header-out "$T/h1" --payload-out "$T/p1" &&
    out_has "Secret packet with 1 secret" &&
    err_has "warning: the disk passphrase in '$T/secret1.txt' does not end with a NUL byte"
[ "$(cat "$T/h1")" = "AAAAAKxUdO1N0yx9mJ7FI9klWey8FSzeYQ4X8K71VzNKLU/KQsIsQxLjtbhaPUewqshX5Q==" ] ||
    fail "header of the 1-secret vector differs: $(cat "$T/h1")"
[ "$(cat "$T/p1")" = "0U3e5PcXv0UW+H4tSBFKOdCYfKE1+j38Bc2fuO16mYiyI+sWx7INfn+lgYj56GL12yyinDa+lVfCCwD/2w5cPA==" ] ||
    fail "payload of the 1-secret vector differs"
cat "$T/s-tek.bin" "$T/s-tik.bin" >"$T/s-tk.bin" && chmod 600 "$T/s-tk.bin"
expect 0 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --iv $IV \
    --secret 736869e5-84f0-4973-92ec-06879ce3da0b:"$T/secret1.txt" \
    --secret 736869e5-aaaa-4973-92ec-06879ce3da0b:"$T/secret2.txt" \
    --header-out "$T/h2" --payload-out "$T/p2" && out_has "with 2 secrets"
[ "$(cat "$T/h2")" = "AAAAAKxUdO1N0yx9mJ7FI9klWeyZ3r0dOEKHUOhIRqzGYYvTJgdMtBPL1nK6GD9aGET7Ng==" ] ||
    fail "header of the 2-secret vector differs"
[ "$(cat "$T/p2")" = "0U3e5PcXv0UW+H4tSBFKObWYfKE1+j38Bc2fuO16mYiyI+sWx7INfn+lgYj56GL12yyinDa+lVfCC+WWs332lpLNUX1ZI3YK7vYgtys4X+uGxEIlkIQ90v8/w8ZFmQMe" ] ||
    fail "payload of the 2-secret vector differs"
# a NUL-terminated passphrase draws no warning; a random IV differs each time
printf 'passphrase\000' >"$T/pass" && chmod 600 "$T/pass"
expect 0 sevirt --json build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$T/pass" \
    --header-out "$T/h3" --payload-out "$T/p3" && err_lacks "warning" && out_has '"secrets" : 1'
expect 0 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$T/pass" \
    --header-out "$T/h4" --payload-out "$T/p4"
cmp -s "$T/h3" "$T/h4" && fail "two packets share an IV"

# bad input
expect 1 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$T/pass" \
    --header-out "$T/h5" --payload-out "$T/p1" && err_has "Refusing to overwrite '$T/p1'" && err_one_line
[ ! -e "$T/h5" ] || fail "a refused build-secret left a header behind"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "expected GUID-OR-ALIAS:FILE"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret disk:"$T/pass" \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "'disk' is neither a GUID nor a known secret alias"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$T/pass" \
    --secret 736869e5-84f0-4973-92ec-06879ce3da0b:"$T/pass" \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "given twice"
expect 7 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$T/nope" \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "nope" && err_one_line
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$S/secret1.txt" \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "--insecure-keys"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --iv AAAA --secret luks-key:"$T/pass" \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "--iv decodes to 3 bytes, expected 16"
expect 2 sevirt build-secret --tek "$T/s-tk.bin" --tik "$T/s-tik.bin" --measurement $SMEAS \
    --secret luks-key:"$T/pass" --header-out "$T/h5" --payload-out "$T/p5" && err_has "is too large (32 bytes, at most 16 expected)"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --tek "$T/s-tek.bin" --measurement $SMEAS \
    --secret luks-key:"$T/pass" --header-out "$T/h5" --payload-out "$T/p5" && err_has "mutually exclusive"
expect 2 sevirt build-secret --tik "$T/s-tik.bin" --measurement $SMEAS \
    --secret luks-key:"$T/pass" --header-out "$T/h5" --payload-out "$T/p5" && err_has "both --tek FILE and --tik FILE"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement 'AAAA' \
    --secret luks-key:"$T/pass" --header-out "$T/h5" --payload-out "$T/p5" && err_has "expected 48"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS \
    --header-out "$T/h5" --payload-out "$T/p5" && err_has "at least one --secret"
expect 2 sevirt build-secret --tk "$T/s-tk.bin" --measurement $SMEAS --secret luks-key:"$T/pass" \
    --header-out "$T/h5" --payload-out "$T/h5" && err_has "must be different files"
[ ! -e "$T/h5" ] && [ ! -e "$T/p5" ] || fail "a refused build-secret left files behind"

# Nothing secret is ever printed: no key bytes in any output of this test.
for key in "$T/s-tek.bin" "$T/s-tik.bin" "$T/tik.bin" "$T/sess/tek.bin" "$T/sess/tik.bin"; do
    hex=$(od -An -tx1 "$key" | tr -d ' \n')
    b64=$(base64 <"$key")
    grep -q -F -e "$hex" -e "$b64" "$ALL" && fail "key material of $key was printed"
done
grep -q -F "MY-LUKS-PASSPHRASE" "$ALL" && fail "a secret payload was printed"

finish
