#!/bin/bash
# test_rules_cli.sh - host test of bad rules files (fixtures/rules/), each kind
# of mistake: scx_cland --rules and cland-sim --rules exit 2 with one message
# naming the file, the rule and the problem; scx_cland checks the file before
# the kernel (this machine has no sched_ext: a good file would fail on that
# instead, with exit 1); --print-rules shows a good file and each profile.
# TAP output, counted by scripts/check.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fix=$here/fixtures/rules
cland=$repo/build/scx_cland
sim=$repo/build/cland-sim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/tap.sh"

# bad FIXTURE MESSAGE: both programs exit 2 with "FILE: MESSAGE" (a grep -E pattern)
bad() {
	local f=$fix/$1 o1 o2 r1 r2
	o1=$("$cland" --rules "$f" 2>&1 </dev/null)
	r1=$?
	o2=$("$sim" -w "$repo/sim/workloads/example.json" --rules "$f" 2>&1)
	r2=$?
	[ $r1 -eq 2 ] && [ $r2 -eq 2 ] &&
		[ "$(printf '%s\n' "$o1" | wc -l)" -eq 1 ] &&
		grep -Eq "^scx_cland: $f: $2" <<<"$o1" &&
		grep -Eq "^cland-sim: $f: $2" <<<"$o2"
	result $? "$1: exit 2, \"$2\"" "scx_cland: exit $r1: $o1
cland-sim: exit $r2: $o2"
}

bad syntax.json 'line 3, column 27: not valid JSON'
bad unknown-key.json 'rule 2 \("probe"\): unknown key "lantency_critical"'
bad bad-glob.json 'rule 1 \("games"\): match.comm: bad glob "game\[0-9": .*without its'
bad cpu-outside.json 'rule 1 \("pin"\): "cpus": CPU 4095 is outside this machine'
bad empty-cpuset.json 'rule 1 \("pin"\): "cpus": empty CPU set'
bad empty.json 'empty file'
bad no-rules.json 'no rules: the "rules" list is empty'
bad long-comm.json 'rule 1: match.comm "systemd-resolved-helper" is longer than 15 characters'
bad both-flags.json 'rule 1 \("confused"\): "latency_critical" and "background" exclude each other'
bad no-action.json 'rule 1 \("nothing"\): no action'
bad wrong-type.json 'rule 1 \("enc"\): "slice_us" must be a whole number'

out=$("$cland" --rules "$tmp/none.json" 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && grep -q "^scx_cland: $tmp/none.json: cannot read the rules file" <<<"$out"
result $? "a missing rules file: exit 2, named" "exit $rc: $out"

# a bad file with a profile: --rules replaces the profile's rules, and is checked
out=$("$cland" --profile desktop --rules "$fix/no-action.json" 2>&1 </dev/null)
[ $? -eq 2 ] && grep -q 'no action' <<<"$out"
result $? "--rules with --profile: the file is checked" "$out"

out=$("$cland" --rules "$fix/good.json" --print-rules 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q '^4 rules from ' <<<"$out" &&
	grep -Eq '^  2 hogs +comm stress-ng\* \(glob\) -> background slice_us=40000$' <<<"$out" &&
	grep -Eq 'cgroup /system.slice/batch.service -> weight=0.50 cpus=0$' <<<"$out"
result $? "--print-rules shows a good file" "exit $rc: $out"

bad_profiles=""
for p in desktop gaming server powersave; do
	"$cland" --profile "$p" --print-rules >"$tmp/p" 2>&1 && grep -q "rules from profile $p" "$tmp/p" ||
		bad_profiles="$bad_profiles $p"
done
[ -z "$bad_profiles" ]
result $? "every profile's rules check on this machine" "failed:$bad_profiles"

echo "1..$n"
