#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - `make bench`: boots the sched_ext VM once and runs every benchmark
# for EEVDF, each scx_cland policy and any extra scheduler, interleaved in
# rounds (bench/guest/bench.sh), then makes the report (usage and options:
# usage() below, or --help).

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
vmdir=$repo/tests/vm
kernel=
rounds=3
quick=0
cpus=2
out=$repo/build/bench
timeout=

usage() {
	cat <<'EOF'
run.sh - `make bench`: boots the sched_ext VM once and runs every benchmark
for EEVDF, each scx_cland policy and any extra scheduler, interleaved in
rounds (bench/guest/bench.sh), then makes the report
(build/bench/cland-bench-report): results.json, report.md, PNG plots.

Usage: bench/run.sh [--kernel DIR|VERSION|sid] [--rounds N] [--quick]
                    [--cpus N] [--out DIR] [--timeout SECS]

  --kernel   as tests/vm/run.sh (default: the newest pinned kernel, else
             sid's current one).
  --rounds   rounds of A B C ... (default 3, at least 1).
  --quick    short runs (checks the harness; numbers mean little).
  --cpus     the VM's vCPUs, 1 to 64 (default 2; CLAND_VM_CPUS of qemu.sh).
  --out      output directory (default build/bench).
  --timeout  host-side limit for the VM (default from the rounds).
Environment:
  BENCH_EXTRA=path1,path2  extra scheduler binaries, run in the VM with no
             arguments (static, or with their libraries found by ldd);
             named after their file name.
  BENCH_POLICIES=deadline,vruntime,fifo  the scx_cland policies to run.

Exit: 0 when the guest ran to its end and the report was made (whatever
the numbers: this is not a test), 1 otherwise, 2 on bad usage.
EOF
}
die() { echo "bench: error: $*" >&2; exit 2; }
fail() { echo "bench: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || die "--kernel needs a value"; kernel=$2; shift 2 ;;
	--rounds) [ $# -ge 2 ] || die "--rounds needs a value"; rounds=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--cpus) [ $# -ge 2 ] || die "--cpus needs a value"; cpus=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs a value"; timeout=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
case "$rounds" in ''|*[!0-9]*|0) die "--rounds wants a whole number >= 1" ;; esac
[ "$rounds" -le 20 ] || die "--rounds: at most 20"
case "$cpus" in ''|*[!0-9]*|0*) die "--cpus wants a whole number of vCPUs, 1 to 64" ;; esac
[ "$cpus" -le 64 ] || die "--cpus: at most 64"
case "${timeout:-0}" in *[!0-9]*) die "--timeout wants whole seconds" ;; esac

# The schedulers, in the order of every round.
scheds=eevdf
for p in $(echo "${BENCH_POLICIES:-deadline,vruntime,fifo}" | tr ',' ' '); do
	case "$p" in deadline|vruntime|fifo) ;; *) die "BENCH_POLICIES: unknown policy '$p'" ;; esac
	scheds="$scheds,cland-$p"
done
add=()
for x in $(echo "${BENCH_EXTRA:-}" | tr ',' ' '); do
	[ -f "$x" ] && [ -x "$x" ] || die "BENCH_EXTRA: '$x' is not an executable file"
	name=$(basename "$x")
	case "$name" in
	eevdf|cland-*) die "BENCH_EXTRA: '$name' clashes with a built-in scheduler name" ;;
	*[!A-Za-z0-9_.-]*) die "BENCH_EXTRA: '$name': use letters, digits, '_', '.', '-'" ;;
	esac
	case ",$scheds," in *",$name,"*) die "BENCH_EXTRA: '$name' given twice" ;; esac
	scheds="$scheds,$name"
	add+=("$(cd "$(dirname "$x")" && pwd)/$name=/bench/extra/$name")
done
nsched=$(echo "$scheds" | tr ',' '\n' | wc -l)

[ -x "$repo/build/scx_cland" ] || fail "build/scx_cland missing (make bench builds it)"
report=$repo/build/bench/cland-bench-report
[ -x "$report" ] || fail "$report missing (make bench builds it)"

# Kernel, as tests/vm/run.sh resolves it.
if [ -z "$kernel" ]; then
	kdir=$("$vmdir/fetch-kernel.sh") || fail "no kernel"
elif [ -d "$kernel" ]; then
	kdir=$(cd "$kernel" && pwd)
elif [ "$kernel" = sid ]; then
	kdir=$("$vmdir/fetch-kernel.sh" --sid) || fail "could not fetch sid's kernel"
else
	kdir=$("$vmdir/fetch-kernel.sh" --pinned "$kernel") || fail "no kernel '$kernel'"
fi

# Guest tools (static), into the initramfs with the guest script.
tools=$repo/build/bench/tools
mkdir -p "$tools" "$out"
CC=${CC:-cc}
CC=$CC "$here/tools/build.sh" "$tools" &&
	$CC -static -O2 -Wall -Wextra -I"$here" -o "$tools/benchparse" \
		"$here/tools/benchparse.c" "$here/parse.c" -lm || fail "building the guest tools failed"
add+=("$tools/pingpong=/tests/bin/pingpong" "$tools/reqwork=/tests/bin/reqwork"
	"$tools/benchparse=/tests/bin/benchparse" "$here/guest/bench.sh=/bench/bench.sh")
export CLAND_VM_ADD="${add[*]}"
export CLAND_VM_CPUS=$cpus

# Time per scheduler slot; more vCPUs than host cores make TCG slower.
slot=$((quick ? 60 : 180))
[ "$cpus" -le 2 ] || slot=$((slot * cpus / 2))
: "${timeout:=$((300 + rounds * nsched * slot))}"
[ "$timeout" -gt 0 ] || timeout=$((300 + rounds * nsched * slot))
append="cland.suite=bench cland.bench_rounds=$rounds cland.bench_scheds=$scheds cland.bench_quick=$quick"
log=$out/console.log
res=$out/results.txt
echo "bench: $scheds x $rounds round(s) on $(basename "$kdir"), $cpus vCPUs, VM limit ${timeout}s"
echo "bench: console log $log"

# progress: one line per step on a terminal (rewritten in place), one line
# each otherwise; benchmark errors and kernel trouble shown as they come.
start=$(date +%s)
progress() {
	local line el
	while IFS= read -r line; do
		el=$(($(date +%s) - start))
		case "$line" in
		*CLAND-PROGRESS:*)
			line=${line#*CLAND-PROGRESS: }
			if [ -t 1 ]; then
				printf '\r\033[K[%02d:%02d] %s' $((el / 60)) $((el % 60)) "$line"
			else
				printf '[%02d:%02d] %s\n' $((el / 60)) $((el % 60)) "$line"
			fi ;;
		*"bench error"*|*"Kernel panic"*|*BUG:*|*Oops*|*"failed to run for"*)
			[ -t 1 ] && printf '\r\033[K'
			echo "${line#*CLAND-INFO: }" ;;
		esac
	done
	[ -t 1 ] && echo
}

initrd=$out/initramfs.$$.cpio.gz
trap 'rm -f "$initrd"' EXIT
"$vmdir/mkinitramfs.sh" "$initrd" >/dev/null || fail "building the initramfs failed"
. "$vmdir/tcg-fault.sh" # stale_int3_set_aside: the emulator's text-patching fault
boot() {
	"$vmdir/qemu.sh" "$kdir" "$initrd" "$res" "$timeout" "$append" | tee "$log" | progress
	qrc=${PIPESTATUS[0]}
}
boot
# a guest killed by QEMU TCG's stale-int3 fault (tests/vm/README.md): once more
if stale_int3_set_aside bench "$log" "$res"; then
	boot
fi
echo "bench: VM done after $(($(date +%s) - start)) s (qemu status $qrc)"

grep -q '^CLAND-BENCH: END' "$res" || echo "bench: warning: the guest did not finish (see $log)" >&2
"$report" "$res" "$out" || fail "the report failed"
echo
cat "$out/report.md"
echo
echo "bench: $out/report.md, $out/results.json, $out/*.png"
grep -q '^CLAND-BENCH: END' "$res" || exit 1
exit 0
