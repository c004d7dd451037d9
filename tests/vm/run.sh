#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - boots a sched_ext kernel in QEMU (TCG) with the test initramfs
# and runs a suite of scx_cland test cases in it (usage and options: usage()
# below, or --help).

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
vm=$repo/build/vm

kernel=
retried=
suite=full
timeout=
verbose=0
script=

usage() {
	cat <<'EOF'
run.sh - boots a sched_ext kernel in QEMU (TCG) with the test initramfs
and runs a suite of scx_cland test cases in it.

Usage: tests/vm/run.sh [--kernel DIR|VERSION|sid] [--suite NAME]
                       [--timeout SECS] [--verbose]

  --kernel   a directory with vmlinuz (and config), a pinned version or
             prefix (e.g. 7.3), or "sid"; default: what fetch-kernel.sh
             picks (the newest pinned kernel, else sid's).
  --suite    full (default), smoke, demo, hostile (faults and hostile
             workloads; CLAND_SOAK_S sets its soak's seconds, default
             60) or rules (rules, hot-swaps, the control socket);
             selftest, panic and hang check the harness itself.
  --timeout  host-side limit for the whole VM run (default per suite).
  --verbose  show the whole console on the terminal, not just progress.
  --script FILE  run FILE (busybox sh, with guest/lib.sh, cases.sh and
             hostile.sh sourced: e.g. `run_case NAME SECS FUNCTION`)
             instead of a suite; for debugging the daemon in the VM.

The console goes to build/vm/<suite>-<kernel>.console.log, the result
lines (second serial port) to build/vm/<suite>-<kernel>.results
(script-<file name>-<kernel>.* for --script).
Exit status 0 iff every case passed, the guest printed END and the
console shows no panic, BUG or Oops. A guest killed by QEMU TCG's
stale-int3 fault (an int3 trap where memory holds none: a vCPU ran text
the kernel had patched) is booted once more, the first console kept as
<log>.attempt1; the cases that failed on that first boot still fail.
CLAND_VM_QEMU replaces tests/vm/qemu.sh (same arguments), for the
harness's own tests.
EOF
}
die() { echo "run.sh: error: $*" >&2; exit 2; }
# stale_int3_set_aside: the emulator's text-patching fault, told from a real oops
. "$here/tcg-fault.sh"

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || die "--kernel needs an argument"; kernel=$2; shift 2 ;;
	--kernel=*) kernel=${1#*=}; shift ;;
	--suite) [ $# -ge 2 ] || die "--suite needs an argument"; suite=$2; shift 2 ;;
	--suite=*) suite=${1#*=}; shift ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs an argument"; timeout=$2; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	-v|--verbose) verbose=1; shift ;;
	--script) [ $# -ge 2 ] || die "--script needs a file"; script=$2; suite=script; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

case "$suite" in
full) : "${timeout:=540}" ;;
smoke|demo) : "${timeout:=240}" ;;
hostile)
	case "${CLAND_SOAK_S:-60}" in ''|*[!0-9]*) die "CLAND_SOAK_S wants whole seconds" ;; esac
	: "${timeout:=$((540 + ${CLAND_SOAK_S:-60}))}" ;;
rules) : "${timeout:=720}" ;;
selftest|panic|hang|script) : "${timeout:=120}" ;;
*) die "unknown suite '$suite' (full, smoke, demo, hostile, rules, selftest, panic, hang)" ;;
esac
case "$timeout" in ''|*[!0-9]*) die "--timeout wants whole seconds" ;; esac

# Resolve the kernel directory.
if [ -z "$kernel" ]; then
	kdir=$("$here/fetch-kernel.sh") || die "no kernel"
elif [ -d "$kernel" ]; then
	kdir=$(cd "$kernel" && pwd)
elif [ "$kernel" = sid ]; then
	kdir=$("$here/fetch-kernel.sh" --sid) || die "could not fetch sid's kernel"
else
	kdir=$("$here/fetch-kernel.sh" --pinned "$kernel") || die "no kernel '$kernel'"
fi
[ -f "$kdir/vmlinuz" ] || die "$kdir/vmlinuz not found"
if [ -f "$kdir/config" ] && ! grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$kdir/config"; then
	die "$kdir/config: no CONFIG_SCHED_CLASS_EXT=y"
fi
kname=$(basename "$kdir")

mkdir -p "$vm"
if [ -n "$script" ]; then
	[ -f "$script" ] || die "$script not found"
	export CLAND_VM_SCRIPT=$(cd "$(dirname "$script")" && pwd)/$(basename "$script")
fi
# One initramfs per run (removed at exit): several runs may go at once.
trap 'rm -f "$vm/initramfs.$$.cpio.gz"' EXIT
initrd=$("$here/mkinitramfs.sh" "$vm/initramfs.$$.cpio.gz") || die "building the initramfs failed"

# Output files: <suite>-<kernel>; a script run is named after its file too.
tag=$suite
[ -n "$script" ] && tag=script-$(basename "$script" .sh)
log=$vm/$tag-$kname.console.log
res=$vm/$tag-$kname.results
rm -f "$log" "$res"
: >"$res"

echo "run.sh: suite '$suite' on $kname ($kdir), timeout ${timeout}s"
echo "run.sh: console log: $log"

# Progress on the terminal: result and info lines, daemon output in the
# demo suite, kernel trouble always; everything with --verbose.
show() {
	local pat='CLAND-(TEST|FIGURE|INFO)|Kernel panic|BUG:|Oops|WARNING:|sched_ext:|Run /init'
	[ "$suite" = demo ] && pat="$pat|CLAND-LOG"
	if [ $verbose = 1 ]; then
		cat
	else
		grep -a --line-buffered -E "$pat"
	fi
}

# One boot; a guest killed by the emulator's stale-int3 fault (above) gets
# one more boot, its console kept as LOG.attempt1. A second such fault, or
# any other kernel trouble, fails the run.
boot() {
	"${CLAND_VM_QEMU:-$here/qemu.sh}" "$kdir" "$initrd" "$res" "$timeout" \
		"cland.suite=$suite${CLAND_SOAK_S:+ cland.soak_s=$CLAND_SOAK_S}" |
		tee "$log" | show
	qrc=${PIPESTATUS[0]}
}

start=$(date +%s)
boot
if stale_int3_set_aside run.sh "$log" "$res"; then
	boot
	retried="after one boot lost to TCG's stale-int3 fault ($log.attempt1)"
fi
elapsed=$(($(date +%s) - start))

# Result lines: from the results port; the console if that stayed empty.
src=$res
grep -aq 'CLAND-TEST:' "$res" || src=$log
results=$(grep -aoE 'CLAND-(TEST|FIGURE): .*' "$src" | tr -d '\r')
# A case that failed before the emulator's fault killed the first boot
# failed: the boot after it does not erase that.
if [ -n "$retried" ]; then
	src=$res.attempt1
	grep -aq 'CLAND-TEST:' "$src" || src=$log.attempt1
	while IFS= read -r line; do
		results+=$'\n'"$line (on the boot the emulator's fault ended)"
	done < <(grep -aoE 'CLAND-TEST: FAIL .*' "$src" | tr -d '\r')
fi

pass=0
fail=0
figures=()
ended=0
echo
echo "=== results: suite $suite, kernel $kname, ${elapsed}s${retried:+, $retried}"
while IFS= read -r line; do
	case "$line" in
	"CLAND-TEST: PASS "*)
		echo "PASS ${line#CLAND-TEST: PASS }"
		pass=$((pass + 1)) ;;
	"CLAND-TEST: FAIL "*)
		echo "FAIL ${line#CLAND-TEST: FAIL }"
		fail=$((fail + 1)) ;;
	"CLAND-TEST: END"*)
		ended=1 ;;
	"CLAND-FIGURE: "*)
		figures+=("${line#CLAND-FIGURE: }") ;;
	esac
done <<<"$results"

# Kernel trouble on the console (lines the guest scripts printed are
# prefixed with CLAND- and do not count).
trouble=$(grep -a -v 'CLAND-' "$log" | grep -a -E 'Kernel panic|BUG:|Oops' | head -n 5)
tail_shown=0
show_tail() {
	[ $tail_shown = 1 ] && return
	tail_shown=1
	echo "--- last 40 console lines ($log):"
	tail -n 40 "$log" | sed 's/^/  | /'
	echo "---"
}
if [ -n "$trouble" ]; then
	echo "FAIL kernel: panic/BUG/Oops on the console:"
	echo "$trouble" | sed 's/^/  | /'
	fail=$((fail + 1))
	show_tail
fi
if [ $ended = 0 ]; then
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		why="VM killed after the ${timeout}s timeout"
	else
		why="qemu exited with $qrc"
	fi
	echo "FAIL vm: no 'CLAND-TEST: END' from the guest ($why)"
	fail=$((fail + 1))
	show_tail
fi
if [ $pass = 0 ] && [ $fail = 0 ]; then
	echo "FAIL vm: no test case ran"
	fail=1
fi

if [ ${#figures[@]} -gt 0 ]; then
	echo
	printf '%-36s %s\n' figure value
	for f in "${figures[@]}"; do
		printf '%-36s %s\n' "${f%% *}" "${f#* }"
	done
fi
echo
echo "$pass passed, $fail failed"
[ $fail = 0 ]
