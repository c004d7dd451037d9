#!/bin/bash
# test_tcg_fault.sh - host test of tests/vm/tcg-fault.sh (a guest kernel
# killed by QEMU TCG's stale-int3 fault, told from a real oops) on a real
# console of that fault (fixtures/console/stale-int3.log) and on variants of
# it, and of tests/vm/run.sh booting once more after that fault, and only
# after it, with a stand-in for qemu.sh (CLAND_VM_QEMU). TAP output, counted
# by scripts/check.sh; the run.sh part needs what mkinitramfs.sh needs.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fix=$here/fixtures/console/stale-int3.log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$repo"/build/vm/smoke-cland-fake-kernel.*' EXIT

. "$here/tap.sh"
. "$repo/tests/vm/tcg-fault.sh"

# verdict LOG: stale_int3's status and output on LOG; sets out, rc.
verdict() {
	out=$(stale_int3 "$1" 2>&1)
	rc=$?
}

verdict "$fix"
result $([ $rc = 0 ] && [[ "$out" == "RIP: 0010:put_prev_task_idle+0x13/0x40, the int3's byte now eb" ]]; echo $?) \
	"the real console: TCG's stale int3, named" "rc $rc, '$out'"

sed 's/ff eb <09>/ff cc <09>/' "$fix" >"$tmp/real-int3.log"
verdict "$tmp/real-int3.log"
result $([ $rc = 1 ]; echo $?) "an int3 still in memory (cc before the trap's byte): a real oops" "rc $rc, '$out'"

sed 's/Oops: int3/Oops: general protection fault/' "$fix" >"$tmp/gp.log"
verdict "$tmp/gp.log"
result $([ $rc = 1 ]; echo $?) "another oops: a real one" "rc $rc, '$out'"

{ echo "[   37.000000] BUG: unable to handle page fault for address: 0000000000000010"; cat "$fix"; } >"$tmp/bug-first.log"
verdict "$tmp/bug-first.log"
result $([ $rc = 1 ]; echo $?) "a BUG before the int3: a real failure" "rc $rc, '$out'"

grep -v ' Code: ' "$fix" >"$tmp/nocode.log"
verdict "$tmp/nocode.log"
result $([ $rc = 1 ]; echo $?) "no Code: line to judge by: a real oops" "rc $rc, '$out'"

grep -v 'Oops' "$fix" >"$tmp/clean.log"
verdict "$tmp/clean.log"
result $([ $rc = 1 ]; echo $?) "no oops at all: nothing to excuse" "rc $rc, '$out'"

# run.sh with a stand-in for qemu.sh: the first FAKE_OOPS boots print
# FAKE_CONSOLE and die (a case passed and FAKE_FAIL failed first, if set),
# the next ones pass one case.
cat >"$tmp/qemu" <<'EOS'
#!/bin/bash
n=$(($(cat "$FAKE_STATE" 2>/dev/null || echo 0) + 1))
echo $n >"$FAKE_STATE"
if [ "$n" -le "$FAKE_OOPS" ]; then
	[ -n "${FAKE_FAIL:-}" ] && printf 'CLAND-TEST: PASS early\nCLAND-TEST: FAIL %s\n' "$FAKE_FAIL" >>"$3"
	cat "$FAKE_CONSOLE"
	exit 0
fi
printf 'CLAND-TEST: PASS fake\nCLAND-TEST: END\n' >>"$3"
echo "[    5.000000] reboot: Power down"
EOS
chmod +x "$tmp/qemu"
mkdir -p "$tmp/cland-fake-kernel"
: >"$tmp/cland-fake-kernel/vmlinuz"
echo CONFIG_SCHED_CLASS_EXT=y >"$tmp/cland-fake-kernel/config"

# vmrun OOPS CONSOLE: run.sh with the stand-in; sets out, rc, boots.
vmrun() {
	rm -f "$tmp/state"
	out=$(FAKE_STATE=$tmp/state FAKE_OOPS=$1 FAKE_CONSOLE=$2 CLAND_VM_QEMU=$tmp/qemu \
		"$repo/tests/vm/run.sh" --kernel "$tmp/cland-fake-kernel" --suite smoke 2>&1)
	rc=$?
	boots=$(cat "$tmp/state" 2>/dev/null)
}

missing=
for t in busybox stress-ng hackbench cyclictest cpio; do
	command -v $t >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	for w in "one stale int3: booted once more, passed" "a case failed before the fault: failed" \
		"two: failed" "a real int3: not booted again"; do
		skip "run.sh, $w" "mkinitramfs.sh needs:$missing"
	done
else
	vmrun 1 "$fix"
	result $([ $rc = 0 ] && [ "$boots" = 2 ] && [[ "$out" == *"booting once more"* ]] &&
		[[ "$out" == *"1 passed, 0 failed"* ]] && [[ "$out" == *"after one boot lost to TCG"* ]] &&
		[ -s "$repo/build/vm/smoke-cland-fake-kernel.console.log.attempt1" ]; echo $?) \
		"run.sh, one stale int3: booted once more, passed, the first console kept" \
		"rc $rc, boots $boots: $out"
	FAKE_FAIL="flaky: a case's failure" vmrun 1 "$fix"
	result $([ $rc != 0 ] && [ "$boots" = 2 ] &&
		[[ "$out" == *"FAIL flaky: a case's failure (on the boot the emulator's fault ended)"* ]] &&
		[[ "$out" == *"1 passed, 1 failed"* ]]; echo $?) \
		"run.sh, a case failed before the stale int3: still failed after the second boot" \
		"rc $rc, boots $boots: $out"
	vmrun 2 "$fix"
	result $([ $rc != 0 ] && [ "$boots" = 2 ] && [[ "$out" == *"FAIL kernel"* ]]; echo $?) \
		"run.sh, the fault twice: failed after the second boot" "rc $rc, boots $boots: $out"
	vmrun 1 "$tmp/real-int3.log"
	result $([ $rc != 0 ] && [ "$boots" = 1 ] && [[ "$out" != *"booting once more"* ]]; echo $?) \
		"run.sh, a real int3: failed, not booted again" "rc $rc, boots $boots: $out"
fi

echo "1..$n"
