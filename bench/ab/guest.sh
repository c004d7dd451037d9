# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - the guest side of bench/ab/ab.sh: EEVDF and the scx_cland
# builds the host added as /tests/bin/cland_a and /tests/bin/cland_b (with
# the policy AB_POLICY when ab.sh --policy set it),
# interleaved for AB_ROUNDS rounds (default 2; EEVDF a b, then a b EEVDF,
# b EEVDF a, ...), each through the same loads:
# cyclictest during back-to-back hackbench (mixed), hackbench pipes and
# sockets twice, reqwork 4 s, pipe ping-pong 3 s, cyclictest under stress-ng
# --cpu 2xCPUs. One CLAND-INFO line per load (for a build, with what its
# counters counted meanwhile: decisions, standing wake-ups, preemptions by
# source, a dispatch's local and remote moves; for all, idle=: the share of
# the CPUs' time left idle), then each build's totals (starved, degraded).
# Sourced by tests/vm/run.sh --script (guest/lib.sh's helpers).

ab_ct_hogs() {
	stress-ng --cpu $((2 * $(nproc))) --timeout 40 --metrics-brief >/tmp/sng.out 2>&1 &
	local sp=$!
	sleep 1
	sigdfl cyclictest -i 1000 -D 8 -t 1 -q -h 100000 >/tmp/ct.out 2>&1
	kill -TERM $sp
	wait $sp
	echo "$(histpct 50 99 </tmp/ct.out) hogs_bogo=$(awk '/cpu /{print $(NF-1)}' /tmp/sng.out | tail -1)"
}

ab_mixed() {
	local ct all=
	sigdfl cyclictest -i 1000 -D 8 -t 1 -q -h 100000 >/tmp/ct.out 2>&1 &
	ct=$!
	while kill -0 $ct 2>/dev/null; do
		hackbench -g 4 -l 100 >/tmp/hb.out 2>&1
		all="$all $(awk '/Time/{print $2}' /tmp/hb.out)"
	done
	wait $ct
	echo "hackbench_s=[$all ] $(histpct 50 99 </tmp/ct.out)"
}

ab_hb() {
	hackbench "$@" -g 4 -l 100 2>&1 | awk '/Time/{print $2}'
}

# Two runs of hackbench, their times on one line.
ab_hb2() {
	echo $(ab_hb "$@") $(ab_hb "$@")
}

# The daemon's counters line now (with -v it prints one a second); nothing under EEVDF.
ab_ctr() {
	[ "$1" = eevdf ] && return
	sleep 1.1
	grep '^cland:' "$CLAND_LOG" | tail -n 1
}

# What the instruments counted between two ab_ctr lines: decisions, standing
# wake-ups (and standing decisions voided), preemptions (of which for
# standing wake-ups, by the tick), preemptions for the daemon, preempted
# tasks requeued in BPF, tasks moved between CPUs, tasks the starvation net
# ran, a dispatch's local and remote moves (ab_move) (a counter the build
# lacks is left out).
ab_delta() {
	[ "$1" = eevdf ] && return
	local k x y
	for k in user standing standing_void preempt preempt_standing preempt_tick preempt_daemon \
		requeued migrated starved; do
		x=$(field $k "$2") y=$(field $k "$3")
		[ -n "$x" ] && [ -n "$y" ] || continue # a build without that counter
		printf ' %s=%s' $k $((y - x))
	done
	ab_move local "$2" "$3"
	ab_move remote "$2" "$3"
}

# " moves_KIND=N/Uus": a dispatch's moves of kind $1 (local, remote) between
# the ab_ctr lines $2 and $3, and their mean wall time.
ab_move() {
	local n0 n1 t0 t1
	n0=$(field "moves_$1" "$2") n1=$(field "moves_$1" "$3")
	t0=$(field "moves_$1_ns" "$2") t1=$(field "moves_$1_ns" "$3")
	[ -n "$n0" ] && [ -n "$n1" ] && [ -n "$t0" ] && [ -n "$t1" ] || return 0
	awk -v k="$1" -v n=$((n1 - n0)) -v t=$((t1 - t0)) \
		'BEGIN { printf " moves_%s=%d/%.1fus", k, n, (n > 0 ? t / n / 1000 : 0) }'
}

# One load under scheduler $1, its output and what the counters say: "$1 $2: ...".
ab_load() {
	local name=$1 what=$2 a b r j0 idle
	shift 2
	a=$(ab_ctr "$name")
	j0=$(cpu_jiffies)
	r=$("$@")
	idle=$(idle_pct "$j0")
	b=$(ab_ctr "$name")
	info "$name $what: $r idle=${idle}%$(ab_delta "$name" "$a" "$b")"
}

ab_one() {
	local name=$1 l
	if [ "$name" != eevdf ]; then
		CLAND=/tests/bin/cland_$name start_cland -v ${AB_POLICY:+-p "$AB_POLICY"}
		waitstate enabled 10000 "$CLAND_PID" >/dev/null || die "$name: not enabled"
	fi
	ab_load "$name" mixed ab_mixed
	ab_load "$name" "hackbench pipes" ab_hb2 -p
	ab_load "$name" "hackbench sockets" ab_hb2
	ab_load "$name" reqwork /tests/bin/reqwork -d 4 -i "$AB_ITERS"
	ab_load "$name" pingpong /tests/bin/pingpong 3
	ab_load "$name" "cyclictest under hogs" ab_ct_hogs
	[ "$name" = eevdf ] && return
	kill -INT "$CLAND_PID"
	wait "$CLAND_PID"
	l=$(grep '^cland:' "$CLAND_LOG" | tail -n 1)
	info "$name: starved=$(field starved "$l") degraded=$(field degraded "$l") user=$(field user "$l") standing=$(field standing "$l")"
	rm -f "$CLAND_LOG"
}

. /tests/ab.env || die "no /tests/ab.env (run bench/ab/ab.sh)"
# one burst size for every scheduler: calibrated once, under EEVDF
AB_ITERS=$(/tests/bin/reqwork -c | sed -n 's/^burst_iters=\([0-9]*\).*/\1/p')
[ -n "$AB_ITERS" ] || die "reqwork -c gave no burst_iters"
r=1
while [ "$r" -le "${AB_ROUNDS:-2}" ]; do
	for c in $(rotated $((r - 1)) eevdf a b); do
		ab_one $c
	done
	r=$((r + 1))
done
out "CLAND-TEST: PASS ab"
