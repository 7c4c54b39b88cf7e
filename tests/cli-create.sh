#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt create' and 'sevirt xml --spec' on the command line: help, spec
# file errors with line and column, the same XML from a spec file and from
# options, and create with its rollback against libvirt's test driver
# (test:///default: pool 'default-pool', network 'default', a running
# domain 'test'; fresh for every process).
. "$abs_top_srcdir/tests/test-lib.sh"

T="sevirt -c test:///default"
data=$abs_top_srcdir/tests/data

expect 0 sevirt help && out_has "create"
expect 0 sevirt create --help && out_has "sevirt create" && out_has "--spec=FILE" &&
    out_has "--cloud-init=SEED" && out_has "--ssh-key=FILE" && out_has "--hostname=NAME" &&
    out_has "--start" && out_has "--paused" && out_has "Any failure undoes every step"
expect 0 sevirt xml --help && out_has "--spec=FILE" && out_has "--cloud-init=SEED"
expect 0 sevirt complete -- create --cl && out_has "--cloud-init"
expect 2 sevirt create --disk pool=p,size=1 && err_has "The guest needs a name" && err_one_line
expect 2 sevirt xml && err_has "The guest needs a name"
expect 2 sevirt create a b && err_has "unexpected argument 'b'"

# spec file errors name file, line and column; nothing is contacted
cd "$data/create" || die "no $data/create"
expect 2 sevirt -c test:///nonexistent create --spec bad.yaml &&
    err_has "bad.yaml:5:3: unknown key 'hostnmae' in 'cloud_init'" && err_one_line
expect 2 sevirt xml --spec bad.yaml && err_has "bad.yaml:5:3: unknown key 'hostnmae'"
expect 7 sevirt xml --spec nonexistent.yaml && err_has "nonexistent.yaml" && err_one_line
printf 'name: x\nmemory: lots\n' >"$TEST_TMP/type.yaml"
expect 2 sevirt create --spec "$TEST_TMP/type.yaml" &&
    err_has "type.yaml:2:9: 'memory' must be a whole number" && err_one_line

# bad option values
expect 2 sevirt xml g --cloud-init user-data && err_has "--cloud-init: invalid value 'user-data'"
expect 2 sevirt xml g --cloud-init userdata=/x && err_has "unknown key 'userdata'"
expect 2 sevirt xml g --hostname -bad- && err_has "Invalid hostname '-bad-'" && err_one_line
expect 2 sevirt xml g --kernel /k --kernel-hashes --no-kernel-hashes && err_has "exclude each other"

# The same guest from a spec file with every key and from options: same XML.
expect 0 sevirt xml --spec full.yaml && cp "$OUT" "$TEST_TMP/from-spec.xml"
expect 0 sevirt xml full --vcpus 2 --memory 1024 --sev sev-es --policy 0x7 --cbitpos 51 \
    --reduced-phys-bits 1 --kernel-hashes --dh-cert ../specfile/godh.b64 \
    --session ../specfile/session.b64 --firmware /usr/share/OVMF/OVMF.amdsev.fd --cpu EPYC \
    --machine pc-q35-7.2 --emulator /usr/bin/qemu-system-x86_64 --virt-type qemu \
    --kernel /boot/vmlinuz --initrd /boot/initrd.img --cmdline console=ttyS0 \
    --disk pool=images,size=20,backing=base.qcow2 --disk vol=images/data.raw \
    --network network=default --network bridge=br0,mac=52:54:00:12:34:56 \
    --share /srv/share:share:ro \
    --cloud-init user-data=../cloudinit/user-data.yaml,meta-data=../cloudinit/meta-data.yaml,network-config=../cloudinit/network-config.yaml,pool=seeds \
    --ssh-key ../cloudinit/id_test.pub --hostname full-host &&
    cp "$OUT" "$TEST_TMP/from-options.xml"
cmp -s "$TEST_TMP/from-spec.xml" "$TEST_TMP/from-options.xml" ||
    fail "xml --spec full.yaml and the same options differ: $(diff "$TEST_TMP/from-spec.xml" "$TEST_TMP/from-options.xml")"
grep -q "<source pool=\"seeds\" volume=\"full-cidata.iso\"/>" "$TEST_TMP/from-spec.xml" ||
    fail "the seed CD-ROM is missing from the XML"
# options override the file; NAME overrides its name
expect 0 sevirt xml other --spec full.yaml --vcpus 3 --network none &&
    out_has "<name>other</name>" && out_has "<vcpu>3</vcpu>" && out_lacks "<interface" &&
    out_has "volume=\"other-cidata.iso\""
# the example names the user's own key: with one next to it, it is complete
cp "$abs_top_srcdir"/data/examples/* "$TEST_TMP/" && chmod u+w "$TEST_TMP"/* ||
    die "cannot copy the examples"
expect 7 sevirt xml --spec "$TEST_TMP/plain-vm.yaml" &&
    err_has "plain-vm.yaml:38:12: cloud_init.ssh_key: Cannot read '$TEST_TMP/id_ed25519.pub'" &&
    err_one_line
cp "$data/cloudinit/id_test.pub" "$TEST_TMP/id_ed25519.pub" || die "cannot copy the key"
expect 0 sevirt xml --spec "$TEST_TMP/plain-vm.yaml" --validate &&
    out_has "volume=\"web1-cidata.iso\""
cd "$TEST_TMP" || die "no $TEST_TMP"

# cloud-init files are checked before anything is made: no volume, no undo
# (the test driver's missing domain capabilities give a warning first)
expect 2 $T create made --sev none --disk pool=default-pool,size=1 --ssh-key /etc/hostname &&
    err_has "error: '/etc/hostname' line 1 is not an OpenSSH public key" &&
    out_lacks "Creating volume" && out_lacks "Undoing"
expect 7 $T create made --sev none --disk pool=default-pool,size=1 \
    --cloud-init user-data=/nonexistent/user-data &&
    err_has "error: Cannot read '/nonexistent/user-data'" &&
    out_lacks "Creating volume"
printf 'name: made\nsev: {type: none}\ndisks: ["pool=default-pool,size=1"]\ncloud_init:\n  ssh_key: %s\n' \
    "$data/cloudinit/not-a-key.pub" >"$TEST_TMP/badkey.yaml"
expect 2 $T create --spec "$TEST_TMP/badkey.yaml" &&
    err_has "badkey.yaml:5:12: cloud_init.ssh_key: '$data/cloudinit/not-a-key.pub' line 1 is not an OpenSSH public key: it is a private key" &&
    out_lacks "Creating volume"

# create through the test driver (no domain capabilities there: a warning)
expect 0 $T create made --sev none --disk pool=default-pool,size=1 --network none &&
    out_has "Creating volume 'default-pool/made-disk0.qcow2': 1 GiB qcow2" &&
    out_has "Defining domain 'made'" && out_has "Domain 'made' created" &&
    err_has "the defaults are left to libvirt"
expect 0 $T --json create made --sev none --disk pool=default-pool,size=1 --start &&
    out_has '"name" : "made"' && out_has '"state" : "running"' &&
    out_has '"owned_volumes" : [' && out_has '"default-pool/made-disk0.qcow2"' &&
    err_has "Starting domain 'made'"

# rollback: the network step fails after the volumes were made
expect 7 $T create made --sev none --disk pool=default-pool,size=1 --network network=nosuch &&
    err_has "Cannot create domain 'made': step 'networks' failed: Network 'nosuch' not found" &&
    err_has "rolled back (removed 'default-pool/made-disk0.qcow2')" &&
    out_has "Undoing: deleting volume 'default-pool/made-disk0.qcow2'"
# the test driver cannot upload: the seed step fails and undoes the disk
expect 4 $T create made --sev none --disk pool=default-pool,size=1 \
    --ssh-key "$data/cloudinit/id_test.pub" &&
    err_has "step 'cloud-init seed' failed: Cannot upload to volume 'default-pool/made-cidata.iso'" &&
    err_has "rolled back (removed 'default-pool/made-disk0.qcow2')"
# libvirt 9.0's test driver cannot start paused: the start step fails last
expect 3 $T create made --sev none --disk pool=default-pool,size=1 --paused &&
    err_has "step 'start' failed: Cannot start domain 'made'" &&
    err_has "rolled back (removed domain 'made', 'default-pool/made-disk0.qcow2')"
expect 7 $T create made --sev none --disk vol=default-pool/nosuch.img &&
    err_has "step 'volumes' failed: Volume 'default-pool/nosuch.img' not found"
expect 7 $T create made --sev none --disk path=/nonexistent/disk.img &&
    err_has "step 'volumes' failed: Disk file '/nonexistent/disk.img' does not exist"
expect 7 $T create made --sev none --share /nonexistent/dir:tag &&
    err_has "step 'shares' failed: Shared folder '/nonexistent/dir' is not a directory"
expect 7 $T create made --sev none --network bridge=nobr0 &&
    err_has "step 'networks' failed: Bridge 'nobr0' not found on the host"
expect 2 $T create made --sev none --network bridge=eth1 &&
    err_has "Host interface 'eth1' is not a bridge (it is of type 'ethernet')"
# an existing name is refused before anything happens
expect 1 $T create test --sev none --disk pool=default-pool,size=1 &&
    err_has "Domain 'test' already exists" && out_lacks "Creating volume"

finish
