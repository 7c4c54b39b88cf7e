#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SEV-SNP against a real libvirt 11.3 (a tools/testhosts.sh trixie host,
# without SEV hardware): host-info reports SNP as libvirt's domain
# capabilities do; 'create' passes sevirt's libvirt version gate and gets
# libvirt's own refusal (QEMU lacks sev-snp here) leaving nothing defined;
# the XML with every SNP field passes libvirt 11.3's schema, and libvirt
# 11.3's parser keeps every field (defined through the same daemon's test
# driver, whose validation does not ask QEMU); a libvirt 9.0 host is
# refused by sevirt, naming its version.
. "${abs_top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
CACHE=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter socat flock ip xmllint
if [ ! -f "$CACHE/trixie-rootfs.stamp" ]; then
    require_cmd mmdebstrap
fi
sh "$TH" rootfs 2>"$TEST_TMP/rootfs.err" || {
    sed 's/^/    /' "$TEST_TMP/rootfs.err" >&2
    skip_or_fail "cannot build the trixie root fs (is deb.debian.org reachable?)"
}

# up ARGS...: starts one host, registers its removal; sets $NAME and $URI.
up() {
    UP=$(sh "$TH" up 1 "$@" 2>"$TEST_TMP/up.err") || {
        sed 's/^/    /' "$TEST_TMP/up.err" >&2
        die "'testhosts.sh up 1 $*' failed"
    }
    NAME=$(echo "$UP" | cut -f1)
    URI=$(echo "$UP" | cut -f2)
    on_exit "sh '$TH' down $NAME"
}

up --flavour trixie
T_URI=$URI
T_TEST_URI=$(echo "$URI" | sed 's|^qemu+unix:///system|test+unix:///default|')

# --- host-info: what libvirt 11.3 says, in sevirt's words ---------------------
virsh -c "$T_URI" domcapabilities --virttype qemu --machine q35 >"$TEST_TMP/domcaps.xml" ||
    die "virsh domcapabilities failed on the trixie host"
grep -q "<launchSecurity supported='no'/>" "$TEST_TMP/domcaps.xml" ||
    die "libvirt 11.3 here now lists launch security: this test expects a host without SEV"
if expect 0 sevirt -c "$T_URI" host-info --virt-type qemu; then
    out_has "libvirt:         11.3"
    out_has "SEV-SNP:         no"
    out_has "Launch security: libvirt reports none supported"
fi
if expect 0 sevirt -c "$T_URI" --json host-info --virt-type qemu; then
    grep -q '"launch_security_types" *: *\[ *\]' "$OUT" || fail "host-info --json: launch_security_types is not []"
    grep -q '"snp_free_slots" *: *0' "$OUT" || fail "host-info --json: snp_free_slots is not 0"
fi

# --- the guest: every SNP field libvirt 11 takes ------------------------------
cd "$TEST_TMP" || die "cannot cd to $TEST_TMP"
head -c 96 /dev/urandom | base64 -w0 >idb.b64
# ID auth: ID key and author key algorithm 1 (ECDSA P-384), then noise
{ printf '\001\000\000\000\001\000\000\000'; head -c 4088 /dev/urandom; } | base64 >ida.b64
hd=$(head -c 32 /dev/urandom | base64 -w0)
head -c 16 /dev/zero | base64 -w0 >gvw.b64
: >vmlinuz
cat >snp.yaml <<EOT
name: snp-integ
memory: 256
virt_type: qemu
cpu: maximum
firmware: /usr/share/OVMF/OVMF_CODE_4M.fd
kernel: $TEST_TMP/vmlinuz
cmdline: console=ttyS0
networks: [none]
sev:
  type: sev-snp
  policy: 0x30000
  guest_visible_workarounds: gvw.b64
  id_block: idb.b64
  id_auth: ida.b64
  host_data: "$hd"
  author_key: true
  vcek: false
EOT

# create: libvirt decides, and refuses in its own words (no SNP in this QEMU
# without SEV hardware), not sevirt's version gate; nothing stays defined.
if expect 4 sevirt -c "$T_URI" create --spec snp.yaml; then
    err_has "'sev-snp' launch security is not supported with this QEMU binary"
    err_lacks "10.5"
fi
virsh -c "$T_URI" list --all --name | grep -qx snp-integ && fail "create left 'snp-integ' defined"

expect 0 sevirt xml --spec snp.yaml && cp "$OUT" snp.xml
xmllint --noout --relaxng "$CACHE/trixie-rootfs/usr/share/libvirt/schemas/domain.rng" snp.xml \
    2>xmllint.err || { fail "libvirt 11.3's schema refuses the SNP XML"; sed 's/^/    /' xmllint.err >&2; }

# libvirt 11.3's parser and formatter (domain_conf.c) keep every field.
virsh -c "$T_TEST_URI" "define snp.xml; dumpxml snp-integ" >parsed.xml 2>virsh.err ||
    { fail "libvirt 11.3's test driver refused the SNP XML"; sed 's/^/    /' virsh.err >&2; }
ls_line=$(grep '<launchSecurity' parsed.xml)
for attr in "type='sev-snp'" "kernelHashes='yes'" "authorKey='yes'" "vcek='no'"; do
    echo "$ls_line" | grep -q -F "$attr" || fail "parsed back: <launchSecurity> lacks $attr: $ls_line"
done
for pair in "policy:0x00030000" "guestVisibleWorkarounds:$(cat gvw.b64)" \
            "idBlock:$(cat idb.b64)" "idAuth:$(tr -d '\n' <ida.b64)" "hostData:$hd"; do
    el=${pair%%:*}
    grep -q -F "<$el>${pair#*:}</$el>" parsed.xml || fail "parsed back: <$el> lost or changed"
done
grep -q -F "<loader readonly='yes' type='rom'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>" parsed.xml ||
    fail "parsed back: the ROM loader changed: $(grep '<loader' parsed.xml)"

# --- libvirt 9.0: refused by sevirt, naming the version ------------------------
up
if expect 4 sevirt -c "$URI" create --spec snp.yaml; then
    err_has "SEV-SNP guests need libvirt 10.5 or later on the host, which runs libvirt 9.0"
    err_one_line
fi

finish
