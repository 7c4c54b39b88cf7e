#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# sevirt fleet against real daemons: three bookworm test hosts
# (tools/testhosts.sh), a fleet of 34 defined guests (a qcow2 overlay and a
# cloud-init seed each): plan, apply, a second apply that changes nothing,
# a changed spec replaced, status, max_guests and an SEV type no host has,
# Ctrl-C mid-apply, a host killed mid-apply and a re-run that converges,
# destroy; then a mixed fleet where only a trixie host (libvirt 11.3, the
# emulated SEV-SNP platform) can take the sev-snp guests.
. "${abs_top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

TH="$abs_top_srcdir/tools/testhosts.sh"
# A base directory of its own: other tests bring test hosts up at the same time.
BASE=${SEVIRT_TESTHOSTS_DIR:-/var/tmp/sevirt-testhosts}-integ-fleet
SEVIRT_TESTHOSTS_DIR=$BASE
export SEVIRT_TESTHOSTS_DIR

CACHE=${SEVIRT_TESTHOSTS_CACHE:-/var/cache/sevirt-testhosts}
EMU=$abs_top_builddir/src/emu/sevirt-qemu-emu

[ "$(id -u)" = 0 ] || skip_or_fail "test hosts need root (namespaces, mounts)"
require_cmd virsh libvirtd virtlogd unshare nsenter flock ip taskset python3
if [ ! -f "$CACHE/trixie-rootfs.stamp" ]; then
    require_cmd mmdebstrap
fi
[ -x "$EMU" ] || die "emulator '$EMU' not built"
sh "$TH" rootfs 2>"$TEST_TMP/rootfs.err" || {
    sed 's/^/    /' "$TEST_TMP/rootfs.err" >&2
    skip_or_fail "cannot build the trixie root fs (is deb.debian.org reachable?)"
}

UP=$(sh "$TH" up 3 2>"$TEST_TMP/up.err") || {
    sed 's/^/    /' "$TEST_TMP/up.err" >&2
    die "'testhosts.sh up 3' failed"
}
for n in $(echo "$UP" | cut -f1); do
    on_exit "sh '$TH' down $n"
done
h1=$(echo "$UP" | sed -n 1p | cut -f1)
h2=$(echo "$UP" | sed -n 2p | cut -f1)
h3=$(echo "$UP" | sed -n 3p | cut -f1)
u1=$(echo "$UP" | sed -n 1p | cut -f2)
u2=$(echo "$UP" | sed -n 2p | cut -f2)
u3=$(echo "$UP" | sed -n 3p | cut -f2)

# Each host: a directory pool holding the image the overlays are made on.
for n in $h1 $h2 $h3; do
    u=$(sh "$TH" uris "$n" | cut -f2)
    mkdir -p "$BASE/$n/pool"
    if ! virsh -c "$u" pool-define-as default dir --target "$BASE/$n/pool" >/dev/null ||
        ! virsh -c "$u" pool-start default >/dev/null ||
        ! virsh -c "$u" vol-create-as default base.qcow2 64M --format qcow2 >/dev/null; then
        die "cannot set up the pool of $n"
    fi
done

# count_doms URI: the host's domains
count_doms() { virsh -c "$1" list --all --name | grep -c .; }
total_doms() { echo $(($(count_doms "$u1") + $(count_doms "$u2") + $(count_doms "$u3"))); }
# json EXPR: evaluates a Python expression over the JSON in $OUT (as j)
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$OUT"; }
# vols_match_doms: no volume but the image is left without its guest, and
# every guest made from web.yaml has its overlay and seed
vols_match_doms() {
    for u in "$u1" "$u2" "$u3"; do
        virsh -c "$u" list --all --name | grep . | sort >"$TEST_TMP/doms"
        virsh -c "$u" vol-list default | tail -n +3 | awk 'NF { print $1 }' |
            grep -v '^base.qcow2$' | sed -e 's/-disk0.qcow2$//' -e 's/-cidata.iso$//' |
            sort | uniq -c >"$TEST_TMP/vols"
        awk '{ print $2 }' "$TEST_TMP/vols" | comm -23 - "$TEST_TMP/doms" >"$TEST_TMP/orphans"
        [ ! -s "$TEST_TMP/orphans" ] || fail "$u: volumes without their guest: $(cat "$TEST_TMP/orphans")"
        grep -v '^db-' "$TEST_TMP/doms" | while read -r d; do
            grep -q "^ *2 $d\$" "$TEST_TMP/vols" || echo "$d"
        done >"$TEST_TMP/incomplete"
        [ ! -s "$TEST_TMP/incomplete" ] || fail "$u: guests without their volumes: $(cat "$TEST_TMP/incomplete")"
    done
}

D=$TEST_TMP
chmod 755 "$D"
printf '#cloud-config\n' >"$D/user-data"
cat >"$D/web.yaml" <<'EOF'
memory: 128
vcpus: 1
sev: {type: none}
virt_type: qemu
networks: [none]
disks:
  - {pool: default, backing: base.qcow2}
cloud_init: {user_data: user-data}
EOF
# manifest WEB_COUNT [EXTRA GROUP LINES]
manifest() {
    cat >"$D/fleet.yaml" <<EOF
fleet: ${TEST_PREFIX}f
hosts:
  - {uri: '$u1', labels: {zone: a}}
  - {uri: '$u2', max_guests: 8}
  - {uri: '$u3', labels: {zone: c}}
guests:
  - name: web-{index}
    count: $1
    spec: web.yaml
  - name: db-{index}
    count: 4
    placement: {label: {zone: a}}
    spec: {memory: 192, virt_type: qemu, networks: [none], sev: {type: none}}
${2:-}
EOF
}
manifest 30

# plan: 34 to create, placed before anything is made
expect 0 sevirt --json fleet plan "$D/fleet.yaml"
[ "$(json 'sum(a["action"] == "create" for a in j["actions"])')" = 34 ] || fail "plan: $(cat "$OUT")"
[ "$(json "sum(a['host'] == '$u2' for a in j['actions'])")" = 8 ] || fail "max_guests 8 not kept"
[ "$(json "all(a['host'] == '$u1' for a in j['actions'] if a['group'] == 'db-{index}')")" = True ] ||
    fail "label placement: $(cat "$OUT")"
[ "$(total_doms)" = 0 ] || fail "plan made something"

# apply: everything made, hosts in parallel; plain lines when not a terminal
t=$(date +%s.%N)
expect 0 sevirt fleet apply "$D/fleet.yaml"
echo "apply of 34 guests: $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
out_has "Plan: 34 to create, 0 to replace, 0 to delete, 0 unchanged."
out_has "create web-1 done"
out_has "Fleet '${TEST_PREFIX}f' applied."
[ "$(total_doms)" = 34 ] || fail "34 guests expected, $(total_doms) found"
[ "$(count_doms "$u2")" = 8 ] || fail "$u2 holds $(count_doms "$u2") guests"
vols_match_doms
virsh -c "$u1" metadata db-1 https://sevirt.org/xmlns/domain/1.0 >"$TEST_TMP/meta"
grep -q "<fleet name=\"${TEST_PREFIX}f\" group=\"db-{index}\" hash=\"[0-9a-f]\{64\}\"/>" "$TEST_TMP/meta" ||
    fail "db-1 lacks its fleet metadata: $(cat "$TEST_TMP/meta")"

# idempotence: nothing to do, and it says so
t=$(date +%s.%N)
expect 0 sevirt fleet apply "$D/fleet.yaml"
echo "no-change apply: $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
out_has "No changes: the fleet '${TEST_PREFIX}f' is as the manifest says (34 guests)."
expect 0 sevirt --json fleet plan "$D/fleet.yaml"
[ "$(json 'sum(a["action"] == "keep" for a in j["actions"])')" = 34 ] || fail "plan after apply: $(cat "$OUT")"

# status: one table across the hosts
expect 0 sevirt fleet status "$D/fleet.yaml"
out_has "34 guests as the manifest says, 0 to create, 0 to replace, 0 to delete."
[ "$(grep -c ' shutoff ' "$OUT")" = 34 ] || fail "status: $(cat "$OUT")"
expect 0 sevirt --json fleet status "$D/fleet.yaml"
[ "$(json 'sum(len(h["guests"]) for h in j["hosts"])')" = 34 ] || fail "status --json: $(cat "$OUT")"

# a changed spec: its group's guests replaced in place, the others kept
sed -i 's/^memory: 128/memory: 160/' "$D/web.yaml"
expect 0 sevirt fleet plan "$D/fleet.yaml"
out_has "Plan: 0 to create, 30 to replace, 0 to delete, 4 unchanged."
out_has "(its spec changed)"
expect 0 sevirt -q fleet apply "$D/fleet.yaml"
[ "$(total_doms)" = 34 ] || fail "replace changed the number of guests"
virsh -c "$u3" dumpxml web-3 | grep -q "<memory unit='KiB'>163840</memory>" || fail "web-3 not replaced"
vols_match_doms
expect 0 sevirt fleet apply "$D/fleet.yaml"
out_has "No changes"

# a group that fits nowhere: nothing is made, the reason per host is given
manifest 30 "  - {name: 'es-{index}', count: 2, sev: sev-es, spec: web.yaml}"
expect 4 sevirt fleet apply "$D/fleet.yaml"
err_has "group 'es-{index}': 2 of 2 guests fit on no host"
err_has "$u1: it cannot run sev-es guests; $u2: max_guests 8 reached; $u3: it cannot run sev-es guests"
err_one_line
[ "$(total_doms)" = 34 ] || fail "a plan that does not fit made something"
# started guests: the memory a host has left is checked before anything is
# made; guests that fit are started (two small ones: TCG is costly here)
plain='virt_type: qemu, networks: [none], sev: {type: none}'
manifest 30 "  - {name: 'big-{index}', start: true, spec: {memory: 1048576, $plain}}"
expect 4 sevirt fleet apply "$D/fleet.yaml"
err_has "group 'big-{index}': 1 of 1 guests fit on no host ($u1: not enough memory ("
[ "$(total_doms)" = 34 ] || fail "a plan that does not fit made something"
manifest 30 "  - {name: 'run-{index}', count: 2, start: true, placement: pack, spec: {memory: 128, $plain}}"
expect 0 sevirt fleet apply "$D/fleet.yaml"
[ "$(virsh -c "$u1" domstate run-2)" = running ] || fail "run-2 was not started"
expect 0 sevirt fleet status "$D/fleet.yaml"
[ "$(grep -c ' running ' "$OUT")" = 2 ] || fail "status of the started guests: $(cat "$OUT")"
manifest 30
expect 0 sevirt fleet apply "$D/fleet.yaml"
out_has "Plan: 0 to create, 0 to replace, 2 to delete, 34 unchanged."

# ... and one that does not fit on h2 any more goes elsewhere
manifest 33
expect 0 sevirt --json fleet plan "$D/fleet.yaml"
[ "$(json "sum(a['host'] == '$u2' and a['action'] == 'create' for a in j['actions'])")" = 0 ] ||
    fail "h2 is full (max_guests 8): $(cat "$OUT")"

# Ctrl-C (here SIGTERM: a background job ignores SIGINT) mid-apply: the
# guests being made are finished or rolled back
manifest 30 "  - {name: 'late-{index}', count: 12, spec: web.yaml, placement: {label: {zone: c}}}"
before=$(count_doms "$u3")
"$SEVIRT" fleet apply -j 1 "$D/fleet.yaml" >"$TEST_TMP/int.out" 2>"$TEST_TMP/int.err" 9>&- &
pid=$!
n=0
while [ "$(count_doms "$u3")" -lt $((before + 2)) ] && [ $n -lt 300 ]; do
    sleep 0.02
    n=$((n + 1))
done
kill -TERM $pid
wait $pid
rc=$?
[ "$rc" = 8 ] || fail "interrupted apply exited $rc: $(cat "$TEST_TMP/int.err")"
grep -q "Cancelled: .* not started" "$TEST_TMP/int.err" || fail "$(cat "$TEST_TMP/int.err")"
[ "$(count_doms "$u3")" -lt $((before + 12)) ] || fail "the interrupted apply made all guests"
vols_match_doms

# a host killed mid-apply: the others finish; once it is back a re-run converges
expect 0 sevirt fleet apply "$D/fleet.yaml"
manifest 36 "  - {name: 'late-{index}', count: 24, spec: web.yaml, placement: {label: {zone: c}}}"
before=$(count_doms "$u3")
"$SEVIRT" fleet apply -j 1 "$D/fleet.yaml" >"$TEST_TMP/kill.out" 2>"$TEST_TMP/kill.err" 9>&- &
pid=$!
n=0
while [ "$(count_doms "$u3")" -lt $((before + 2)) ] && [ $n -lt 300 ]; do
    sleep 0.02
    n=$((n + 1))
done
lpid=$(sh "$TH" status "$h3" | awk '{ print $4 }')
kill -9 "$lpid"
wait $pid
rc=$?
[ "$rc" = 8 ] || fail "apply with a host killed exited $rc: $(cat "$TEST_TMP/kill.err")"
grep -q "Partly applied" "$TEST_TMP/kill.err" || fail "$(cat "$TEST_TMP/kill.err")"
# The other hosts finished their part (h1 takes the new web guests: h2 is full).
grep -F "$u1: " "$TEST_TMP/kill.out" | grep -q "changes made, 0 failed, 0 not tried" ||
    fail "$u1 did not finish: $(cat "$TEST_TMP/kill.out")"
# While h3 is down its guests are left out and the late group, which only
# h3 can take, does not fit: the plan says so and makes nothing.
expect 4 sevirt --json fleet plan "$D/fleet.yaml"
err_has "host not read, its guests are left out: $u3"
err_has "group 'late-{index}'"
err_has "$u3: unreachable"
# Back: libvirtd again in the host's namespaces (its virtlogd holds them).
vpid=$(cat "$BASE/$h3/run/virtlogd.pid")
nsenter -t "$vpid" -m -n -u env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root \
    libvirtd -d -p /run/libvirt/libvirtd.pid </dev/null >/dev/null 2>&1 9>&- ||
    die "cannot restart the libvirtd of $h3"
n=0
until virsh -c "$u3" version >/dev/null 2>&1 || [ $n -ge 50 ]; do
    sleep 0.2
    n=$((n + 1))
done
expect 0 sevirt fleet apply "$D/fleet.yaml"
expect 0 sevirt fleet apply "$D/fleet.yaml"
out_has "No changes: the fleet '${TEST_PREFIX}f' is as the manifest says (64 guests)."
[ "$(total_doms)" = 64 ] || fail "64 guests expected, $(total_doms) found"
# no name twice
{ virsh -c "$u1" list --all --name; virsh -c "$u2" list --all --name; virsh -c "$u3" list --all --name; } |
    grep . | sort | uniq -d >"$TEST_TMP/dups"
[ ! -s "$TEST_TMP/dups" ] || fail "guests on two hosts: $(cat "$TEST_TMP/dups")"

# a group dropped from the manifest: its guests are deleted
manifest 36
expect 0 sevirt fleet apply "$D/fleet.yaml"
out_has "Plan: 0 to create, 0 to replace, 24 to delete, 40 unchanged."
vols_match_doms

# an unreachable host: reported, the others served, exit 8
sed "s|$u2|qemu+unix:///system?socket=$BASE/nohost/sock|" "$D/fleet.yaml" >"$D/down.yaml"
expect 8 sevirt fleet status "$D/down.yaml"
err_has "host not read, its guests are left out: qemu+unix:///system?socket=$BASE/nohost/sock"

# destroy: every guest and its volumes gone
expect 0 sevirt fleet destroy "$D/fleet.yaml"
out_has "Fleet '${TEST_PREFIX}f' destroyed: 40 guests removed."
[ "$(total_doms)" = 0 ] || fail "destroy left $(total_doms) guests"
vols_match_doms
expect 0 sevirt fleet destroy "$D/fleet.yaml"
out_has "No guest of the fleet"

# A mixed fleet: only the trixie host, with the emulated SEV-SNP platform
# set up, can take the sev-snp guests (libvirt 9.0 has no SEV-SNP); the
# plain ones spread over the others.
. "$abs_top_srcdir/tools/snp-host-lib.sh"
snp_host_up "$TH" "$abs_top_builddir" 2>"$TEST_TMP/up.err" || {
    sed 's/^/    /' "$TEST_TMP/up.err" >&2
    die "'testhosts.sh up 1 --flavour trixie' failed"
}
on_exit "sh '$TH' down $SNP_HOST"
snp_host_setup "$TH" "$EMU" "$TEST_TMP" || die "emulator setup in the test host failed"
u4=$SNP_URI
mkdir -p "$BASE/$SNP_HOST/pool"
if ! virsh -c "$u4" pool-define-as default dir --target "$BASE/$SNP_HOST/pool" >/dev/null ||
    ! virsh -c "$u4" pool-start default >/dev/null ||
    ! virsh -c "$u4" vol-create-as default base.qcow2 64M --format qcow2 >/dev/null; then
    die "cannot set up the pool of $SNP_HOST"
fi
mkdir -p "$BASE/fw"
on_exit "rm -rf '$BASE/fw'"
snp_firmware "$CACHE" "$BASE/fw/OVMF_4M.fd" || die "cannot build the SNP firmware image"
cat >"$D/snp.yaml" <<EOF
memory: 256
virt_type: qemu
emulator: $EMU
firmware: $BASE/fw/OVMF_4M.fd
networks: [none]
sev: {type: sev-snp, policy: 0x30000}
EOF
cat >"$D/mixed.yaml" <<EOF
fleet: ${TEST_PREFIX}m
hosts: ['$u1', '$u2', '$u3', '$u4']
guests:
  - {name: 'snp-{index}', count: 4, spec: snp.yaml}
  - {name: 'plain-{index}', count: 8, spec: web.yaml}
EOF
expect 0 sevirt --json fleet plan "$D/mixed.yaml"
[ "$(json "sorted(set(a['host'] for a in j['actions'] if a['group'] == 'snp-{index}'))")" = "['$u4']" ] ||
    fail "sev-snp guests placed off the trixie host: $(cat "$OUT")"
# spread counts every guest of the fleet: the trixie host already has four
[ "$(json "sorted(set(a['host'] for a in j['actions'] if a['group'] == 'plain-{index}'))")" = \
  "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$u1" "$u2" "$u3")" ] ||
    fail "plain guests not spread over the bookworm hosts: $(cat "$OUT")"
expect 0 sevirt fleet apply "$D/mixed.yaml"
expect 0 sevirt --json fleet status "$D/mixed.yaml"
[ "$(json "sorted((g['name'], g['sev'], g['policy']) for h in j['hosts'] for g in h['guests'] if h['uri'] == '$u4' and g['sev'] != 'none')")" = \
  "[('snp-1', 'sev-snp', '0x30000'), ('snp-2', 'sev-snp', '0x30000'), ('snp-3', 'sev-snp', '0x30000'), ('snp-4', 'sev-snp', '0x30000')]" ] ||
    fail "status of the mixed fleet: $(cat "$OUT")"
expect 0 sevirt fleet apply "$D/mixed.yaml"
out_has "No changes: the fleet '${TEST_PREFIX}m' is as the manifest says (12 guests)."
# without the trixie host the sev-snp group fits nowhere, each host says why
sed -i "s|, '$u4'\]|]|" "$D/mixed.yaml"
expect 4 sevirt fleet plan "$D/mixed.yaml"
err_has "group 'snp-{index}': 4 of 4 guests fit on no host ($u1: it cannot run sev-snp guests"
sed -i "s|'$u3'\]|'$u3', '$u4']|" "$D/mixed.yaml"
expect 0 sevirt fleet destroy "$D/mixed.yaml"
out_has "12 guests removed"
[ "$(virsh -c "$u4" list --all --name | grep -c .)" = 0 ] || fail "destroy left guests on the trixie host"

finish
