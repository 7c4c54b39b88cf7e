#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# 'sevirt fleet' on the command line, against libvirt's test driver
# (test:///default, fresh for every connection): help and completion,
# manifest errors at their FILE:LINE:COLUMN (attest among them), plan (text
# and --json, the warning of a root not AMD's), a
# group that fits nowhere (exit 4, nothing made), an unreachable host
# (exit 8), apply.
. "$abs_top_srcdir/tests/test-lib.sh"

data=$abs_top_srcdir/tests/data/fleet

expect 0 sevirt help && out_has "fleet"
expect 0 sevirt fleet --help && out_has "plan|apply|status|destroy MANIFEST" && out_has "--jobs=N" &&
    out_has "Exit status 8"
expect 0 sevirt complete -- fleet "" && out_has "plan" && out_has "destroy"
expect 0 sevirt complete -- fleet st && out_has "status" && out_lacks "plan"
expect 2 sevirt fleet plan && err_has "sevirt fleet"
expect 2 sevirt fleet launch "$data/none.yaml" && err_has "Unknown fleet action 'launch'" &&
    err_one_line
expect 7 sevirt fleet plan "$TEST_TMP/missing.yaml" && err_has "missing.yaml" && err_one_line
expect 2 sevirt fleet apply -j 0 "$TEST_TMP/missing.yaml" &&
    err_has "--jobs must be a number from 1 to 64, not '0'" && err_one_line

cp "$data/web.yaml" "$TEST_TMP/web.yaml"
m=$TEST_TMP/m.yaml
printf 'fleet: f\nhosts: [test:///default]\nguests:\n  - {name: w, count: 3, spec: web.yaml}\n' >"$m"
expect 2 sevirt fleet plan "$m" && err_has "m.yaml:4:5: group 'w' has 3 guests: its name needs '{index}'" &&
    err_one_line
printf 'fleet: f\nhosts: [test:///default]\nguests:\n  - {name: w, spec: {memory: 64}}\n' >"$m"
expect 2 sevirt fleet apply "$m" && err_has "m.yaml:4:30: Invalid memory size 64 MiB: expected 128 to 16777216 MiB (group 'w')" &&
    err_one_line
# attest: its keys checked, SEV-SNP refused, in one line at the key's place; the
# warning of a root that is not AMD's also in a plan that does not fit (the
# test driver has no SEV)
printf 'fleet: f\nhosts: [test:///default]\nguests:\n  - {name: w, spec: web.yaml, sev: sev-snp, attest: {keys_dir: k, firmware: f}}\n' >"$m"
expect 2 sevirt fleet plan "$m" &&
    err_has "m.yaml:4:53: group 'w': 'attest' is not supported for sev-snp guests yet" && err_one_line
printf 'fleet: f\nhosts: [test:///default]\nguests:\n  - {name: w, spec: web.yaml, sev: sev, attest: {keys_dir: k, firmware: f, ark: a}}\n' >"$m"
expect 2 sevirt fleet plan "$m" && err_has "m.yaml:4:49: 'ark' and 'ask' go together" && err_one_line
printf 'fleet: f\nhosts: [test:///default]\nguests:\n  - {name: w, spec: web.yaml, sev: sev, attest: {keys_dir: k, firmware: f, ark: a, ask: b}}\n' >"$m"
expect 4 sevirt --json fleet plan "$m" && err_has "group 'w': THE ROOT IS NOT AMD'S: '$TEST_TMP/a' is no AMD root key"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert len(j["warnings"]) == 1 and "NOT AMD" in j["warnings"][0], j' "$OUT" ||
    fail "plan --json: no root warning: $(cat "$OUT")"

cat >"$m" <<'EOF2'
fleet: f
hosts:
  - {uri: 'test:///default', max_guests: 3}
guests:
  - {name: 'web-{index}', count: 3, spec: web.yaml}
EOF2
expect 0 sevirt fleet plan "$m" && out_has "create   web-1" && out_has "create   web-3" &&
    out_has "Plan: 3 to create, 0 to replace, 0 to delete, 0 unchanged."
expect 0 sevirt --json fleet plan "$m"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert [a["action"] for a in j["actions"]] == ["create"] * 3 and j["problems"] == [] and j["unreachable"] == [], j' "$OUT" ||
    fail "plan --json: $(cat "$OUT")"
expect 0 sevirt fleet apply "$m" && out_has "create web-2 done" && out_has "Fleet 'f' applied."
expect 0 sevirt fleet status "$m" && out_has "0 guests as the manifest says, 3 to create"

# one guest too many: nothing made, the reason given
sed -i 's/count: 3/count: 4/' "$m"
expect 4 sevirt fleet apply "$m" &&
    err_has "group 'web-{index}': 1 of 4 guests fit on no host (test:///default: max_guests 3 reached)" &&
    err_one_line
# a host that does not answer: the plan covers the others, exit 8
sed -i 's/count: 4/count: 3/' "$m"
printf "  - 'qemu+unix:///system?socket=%s/nothing'\n" "$TEST_TMP" >"$TEST_TMP/host"
sed -i "/max_guests/r $TEST_TMP/host" "$m"
expect 8 sevirt fleet plan "$m" && err_has "host not read, its guests are left out: qemu+unix" &&
    out_has "Plan: 3 to create"
expect 8 sevirt fleet destroy "$m" && out_has "No guest of the fleet 'f' found."

finish
