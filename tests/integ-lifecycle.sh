#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The life of a plain guest created by sevirt on the real libvirtd, QEMU
# under TCG and OVMF: a test pool; a qcow2 base image this test writes
# itself and uploads through the API; 'create' with an overlay on it, a
# cloud-init seed and the NAT network 'default'; the overlay's backing
# store and the seed read back through the API; start, status, stop falling
# back to destroy; delete removing exactly what create made.
#
# The base image: an empty qcow2 written byte by byte (qcow2_image in
# test-lib.sh), uploaded into a raw volume of its size; the pool refresh
# then probes it as qcow2 with its virtual size, as a downloaded cloud image
# would be.  An overlay needs nothing more, and QEMU opening the chain when
# the guest starts shows the image is sound.  No qemu-img involved.
. "$abs_top_srcdir/tests/test-lib.sh"

require_libvirtd
require_cmd xorriso
V="virsh -q -c $TEST_URI"
S="sevirt -c $TEST_URI"
data=$abs_top_srcdir/tests/data

pool=${TEST_PREFIX}pool
dom=${TEST_PREFIX}vm
test_pool "$pool"
on_exit "$V destroy $dom; $V undefine --nvram $dom"

# the base image, and a volume of somebody else that must survive
qcow2_image "$TEST_TMP/base.qcow2" $((64 << 20)) || die "cannot write the base image"
$V vol-create-as "$pool" base.qcow2 "$(wc -c <"$TEST_TMP/base.qcow2")" --format raw >/dev/null &&
    $V vol-upload --pool "$pool" base.qcow2 "$TEST_TMP/base.qcow2" &&
    $V pool-refresh "$pool" >/dev/null || die "cannot upload the base image"
$V vol-dumpxml --pool "$pool" base.qcow2 >"$TEST_TMP/base.xml"
grep -q "<format type='qcow2'/>" "$TEST_TMP/base.xml" || fail "libvirt does not see the base image as qcow2"
grep -q "<capacity unit='bytes'>67108864</capacity>" "$TEST_TMP/base.xml" ||
    fail "libvirt does not read the base image's virtual size"
$V vol-create-as "$pool" bystander.raw 1M --format raw >/dev/null || die "cannot create a volume"

printf '#cloud-config\nwrite_files:\n  - path: /etc/sevirt-test\n    content: hello\n' >"$TEST_TMP/user-data"
printf 'version: 2\nethernets:\n  all:\n    match: {name: "en*"}\n    dhcp4: true\n' >"$TEST_TMP/net.yaml"

# create: overlay + seed + NAT network; volumes named after the domain
expect 0 $S create "$dom" --sev none --virt-type qemu --memory 256 \
    --disk "pool=$pool,backing=base.qcow2" \
    --cloud-init "user-data=$TEST_TMP/user-data,network-config=$TEST_TMP/net.yaml" \
    --ssh-key "$data/cloudinit/id_test.pub" --hostname web-1 --network network=default &&
    out_has "Creating volume '$pool/${dom}-disk0.qcow2': qcow2 overlay on 'base.qcow2'" &&
    out_has "Uploading the cloud-init seed to volume '$pool/${dom}-cidata.iso'" &&
    out_has "Network 'default' is there" && out_has "Domain '$dom' created"
uuid=$($V domuuid "$dom") || die "$dom was not defined"
$V dumpxml --inactive "$dom" >"$TEST_TMP/dom.xml"
for want in "<source pool='$pool' volume='${dom}-disk0.qcow2'/>" \
            "<source pool='$pool' volume='${dom}-cidata.iso'/>" "<disk type='volume' device='cdrom'>" \
            "<source network='default'/>" "<sevirt:volume pool=\"$pool\" name=\"${dom}-disk0.qcow2\"/>" \
            "<sevirt:volume pool=\"$pool\" name=\"${dom}-cidata.iso\"/>" "<domain type='qemu'>"; do
    grep -q -F "$want" "$TEST_TMP/dom.xml" || fail "the definition lacks $want"
done

# the overlay's backing store, through the volume XML
$V vol-dumpxml --pool "$pool" "${dom}-disk0.qcow2" >"$TEST_TMP/overlay.xml"
grep -A 2 "<backingStore>" "$TEST_TMP/overlay.xml" | grep -q "<path>$TEST_TMP/pool/base.qcow2</path>" ||
    fail "the overlay's backing store is not base.qcow2: $(cat "$TEST_TMP/overlay.xml")"
grep -A 3 "<backingStore>" "$TEST_TMP/overlay.xml" | grep -q "<format type='qcow2'/>" ||
    fail "the overlay's backing format is not qcow2"
grep -q "<capacity unit='bytes'>67108864</capacity>" "$TEST_TMP/overlay.xml" ||
    fail "the overlay did not take the base's size"

# the seed, read back through the API: label, files, filled-in meta-data
$V vol-download --pool "$pool" "${dom}-cidata.iso" "$TEST_TMP/seed.iso" || die "cannot download the seed"
xorriso -indev "$TEST_TMP/seed.iso" -pvd_info 2>/dev/null | grep -q "^Volume Id *: cidata$" ||
    fail "the seed's volume label is not 'cidata'"
xorriso -indev "$TEST_TMP/seed.iso" -ls / 2>/dev/null | sort >"$TEST_TMP/seed.ls"
printf "'meta-data'\n'network-config'\n'user-data'\n" | cmp -s - "$TEST_TMP/seed.ls" ||
    fail "the seed holds: $(cat "$TEST_TMP/seed.ls")"
mkdir "$TEST_TMP/seed"
xorriso -osirrox on -indev "$TEST_TMP/seed.iso" -extract / "$TEST_TMP/seed" 2>/dev/null ||
    die "cannot extract the seed"
cmp -s "$TEST_TMP/user-data" "$TEST_TMP/seed/user-data" || fail "user-data differs"
cmp -s "$TEST_TMP/net.yaml" "$TEST_TMP/seed/network-config" || fail "network-config differs"
grep -q "^instance-id: $uuid$" "$TEST_TMP/seed/meta-data" || fail "instance-id is not the UUID $uuid"
grep -q "^local-hostname: web-1$" "$TEST_TMP/seed/meta-data" || fail "local-hostname is not web-1"
grep -v -e '^#' -e '^$' "$data/cloudinit/id_test.pub" >"$TEST_TMP/keys"
while read -r key; do
    grep -q -x -F -e "- $key" "$TEST_TMP/seed/meta-data" || fail "ssh key '${key%% *} ...' is not in public-keys"
done <"$TEST_TMP/keys"
[ "$(grep -c '^- ssh-' "$TEST_TMP/seed/meta-data")" = 2 ] || fail "public-keys does not hold exactly the 2 keys"

# the name is taken: refused, the guest and its volumes untouched
$V vol-list "$pool" >"$TEST_TMP/vols.before"
expect 1 $S create "$dom" --sev none --virt-type qemu --disk "pool=$pool,size=1" &&
    err_has "Domain '$dom' already exists" && err_one_line && out_lacks "Creating"
$V vol-list "$pool" | cmp -s "$TEST_TMP/vols.before" - || fail "a refused create changed the pool"
$V dumpxml --inactive "$dom" | cmp -s "$TEST_TMP/dom.xml" - || fail "a refused create changed $dom"

# start under TCG, status, stop: OVMF without an OS ignores ACPI
expect 0 $S start "$dom" && out_has "Domain '$dom' started"
expect 0 $S wait "$dom" --state running --timeout 120
expect 0 $S status "$dom" && out_has "State:           running" &&
    out_has "Disk:            vda disk $pool/${dom}-disk0.qcow2 (qcow2)" &&
    out_has "Disk:            sda cdrom $pool/${dom}-cidata.iso (raw, read-only)" &&
    out_has "Network:         network default" &&
    out_has "Owned volume:    $pool/${dom}-disk0.qcow2" && out_has "Owned volume:    $pool/${dom}-cidata.iso"
expect 0 $S stop "$dom" --timeout 3 &&
    err_has "domain '$dom' did not shut down within 3 seconds; destroyed it"
[ "$($V domstate "$dom")" = "shut off" ] || fail "stop left $dom $($V domstate "$dom")"

# delete: the domain and exactly the two volumes create made
expect 0 $S delete "$dom" && out_has "Deleting volume '$pool/${dom}-disk0.qcow2'" &&
    out_has "Deleting volume '$pool/${dom}-cidata.iso'"
$V dominfo "$dom" >/dev/null 2>&1 && fail "$dom is still defined"
$V vol-list "$pool" | awk '{print $1}' | sort | tr '\n' ' ' >"$TEST_TMP/vols.after"
[ "$(cat "$TEST_TMP/vols.after")" = "base.qcow2 bystander.raw " ] ||
    fail "after delete the pool holds: $(cat "$TEST_TMP/vols.after")"

# from a spec file, started paused at once, JSON result; delete destroys it
cat >"$TEST_TMP/spec.yaml" <<EOF
name: $dom
sev: {type: none}
virt_type: qemu
memory: 256
disks:
  - {pool: $pool, size: 1}
cloud_init:
  ssh_key: $data/cloudinit/id_test.pub
EOF
expect 0 $S --json create --spec "$TEST_TMP/spec.yaml" --paused &&
    out_has "\"name\" : \"$dom\"" && out_has '"state" : "paused"' &&
    out_has "\"$pool/${dom}-disk0.qcow2\"" && out_has "\"$pool/${dom}-cidata.iso\"" &&
    err_has "Starting domain '$dom' paused"
[ "$($V domstate "$dom")" = "paused" ] || fail "create --paused left $dom $($V domstate "$dom")"
expect 0 $S delete "$dom" && out_has "Destroying domain '$dom'"
$V vol-list "$pool" | awk '{print $1}' | sort | tr '\n' ' ' >"$TEST_TMP/vols.after"
[ "$(cat "$TEST_TMP/vols.after")" = "base.qcow2 bystander.raw " ] ||
    fail "after the second delete the pool holds: $(cat "$TEST_TMP/vols.after")"

finish
