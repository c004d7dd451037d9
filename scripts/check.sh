#!/bin/bash
# check.sh - run every test of scx_cland and end with "N passed, N failed".
#
# Usage: scripts/check.sh UNIT_TEST_BINARY...
#   1. the host unit tests given (cmocka, TAP output: one count per test),
#      then the script tests tests/scripts/test_*.sh (TAP too);
#   2. the full VM suite on the pinned 7.2 kernel (else sid's current one);
#   3. the hostile VM suite (faults, hostile workloads, 60 s soak) on 7.2;
#   4. the rules VM suite (rules, hot-swaps, the control socket) on 7.2;
#   5. the test policies that misbehave (tests/vm/chaos.sh) on 7.2;
#   6. the smoke VM suite on the pinned 7.3 kernel (trixie-backports).
# CLAND_CHECK_VM=no skips the VM suites (host-only run).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0

unit() {
	local t=$1 out rc ok nok
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	ok=$(grep -c '^ok ' <<<"$out")
	nok=$(grep -c '^not ok ' <<<"$out")
	grep '^not ok ' <<<"$out" | sed "s|^|  $(basename "$t"): |"
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		echo "  $(basename "$t"): exited $rc"
		nok=1
	fi
	echo "unit $(basename "$t"): $ok passed, $nok failed"
	passed=$((passed + ok))
	failed=$((failed + nok))
}

# vm SUITE KERNEL [SCRIPT]: one VM run (of SCRIPT, tests/vm/run.sh --script,
# when given); its last "N passed, N failed" line is added.
vm() {
	local suite=$1 kernel=$2 script=${3:-} dir log line
	dir=$("$here/tests/vm/fetch-kernel.sh" --pinned "$kernel") || {
		echo "vm $suite: no kernel"
		failed=$((failed + 1))
		return
	}
	log=$(mktemp)
	if [ -n "$script" ]; then
		"$here/tests/vm/run.sh" --kernel "$dir" --script "$script" --timeout 900 | tee "$log"
	else
		"$here/tests/vm/run.sh" --kernel "$dir" --suite "$suite" | tee "$log"
	fi
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "vm $suite ($kernel): no result line"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + ${line%% passed*}))
	line=${line#*, }
	failed=$((failed + ${line%% failed}))
}

for t in "$@" "$here"/tests/scripts/test_*.sh; do
	unit "$t"
done
if [ "${CLAND_CHECK_VM:-yes}" != no ]; then
	vm full 7.2
	vm hostile 7.2
	vm rules 7.2
	# the test policies that misbehave (make builds them: build/tests/plugins/)
	CLAND_VM_ADD=
	for p in "$here"/build/tests/plugins/*.so; do
		CLAND_VM_ADD="$CLAND_VM_ADD $p=/lib/cland/$(basename "$p")"
	done
	export CLAND_VM_ADD
	vm chaos 7.2 "$here/tests/vm/chaos.sh"
	unset CLAND_VM_ADD
	vm smoke 7.3
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
