# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - the guest side of `make bench` (busybox sh, run by /init when
# the kernel command line says cland.suite=bench).
#
# For each round, for each scheduler (the order of cland.bench_scheds=,
# rotated by one a round), it loads the scheduler, runs every benchmark
# under it, unloads it: EEVDF, cland-A, cland-B, then cland-A, cland-B,
# EEVDF... so slow drift of the emulated machine hits every scheduler alike,
# and none always runs first in a round (or last). Results go to the second
# serial port (the host's results file), one line each (bench/README.md):
#   CLAND-BENCH: meta KEY=VALUE...
#   CLAND-BENCH: sample sched=S round=R bench=B metric=M value=V unit=U better=lower|higher|none
#   CLAND-BENCH: hist sched=S round=R bench=B overflows=N data=US:COUNT,...
#   CLAND-BENCH: error sched=S round=R bench=B reason=TEXT
#   CLAND-BENCH: END
# and "CLAND-PROGRESS: ..." lines to the console for the host's progress
# line. Nothing here fails on a number: a benchmark that cannot run is
# reported as an error line and the run goes on.
#
# Kernel command line: cland.bench_rounds=N (default 3),
# cland.bench_scheds=eevdf,cland-deadline,...,NAME (NAME: /bench/extra/NAME,
# an extra scheduler binary), cland.bench_quick=1 (short runs: checks the
# harness, the numbers mean little).
#
# Instruments: under an scx_cland policy, each benchmark is bracketed by two
# counters lines the daemon prints on SIGUSR1 (only sent when its SigCgt
# says it catches SIGUSR1: the default action would kill it); their deltas
# become samples of metrics "instr.NAME" of that benchmark (benchparse
# instruments). A daemon without the handler or the fields: no such samples.

. /tests/lib.sh
LEFTOVERS="$LEFTOVERS pingpong reqwork"

ROUNDS=3
SCHEDS=eevdf,cland-deadline,cland-vruntime,cland-fifo
QUICK=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	cland.bench_rounds=*) ROUNDS=${arg#*=} ;;
	cland.bench_scheds=*) SCHEDS=${arg#*=} ;;
	cland.bench_quick=*) QUICK=${arg#*=} ;;
	esac
done
SCHEDS=$(echo "$SCHEDS" | tr ',' ' ')
NCPU=$(nproc)

# Durations and sizes (seconds; hackbench groups and loops).
if [ "$QUICK" = 1 ]; then
	LAT_S=3 MIX_S=3 CPU_S=2 PP_S=1 RW_S=2 STOP_MS=1000 HB="-g 2 -l 20"
else
	LAT_S=10 MIX_S=10 CPU_S=5 PP_S=3 RW_S=5 STOP_MS=3000 HB="-g 4 -l 100"
fi
HIST_US=100000
INSTR=0 INSTR_WARNED='' INSTR_T0=''

BENCHES="latency hackbench_pipe hackbench_socket stressng_cpu pingpong reqwork mixed overhead fallback"

bout() { echo "CLAND-BENCH: $*" >"$RESULTS"; }
progress() { echo "CLAND-PROGRESS: $*"; }

# sample BENCH METRIC VALUE UNIT BETTER (SCHED and ROUND from the loop).
sample() {
	bout "sample sched=$SCHED round=$ROUND bench=$1 metric=$2 value=$3 unit=$4 better=$5"
}
berror() {
	info "bench error: $SCHED round $ROUND $1: $2"
	bout "error sched=$SCHED round=$ROUND bench=$1 reason=$2"
}

# stress_start N SECS: N CPU hogs in the background (STRESS_PID).
stress_start() {
	stress-ng --cpu "$1" --timeout "$2" >/tmp/stress.out 2>&1 </dev/null &
	STRESS_PID=$!
}
stress_end() {
	kill -TERM "$STRESS_PID" 2>/dev/null
	wait_child "$STRESS_PID" 30
}

# ct_run SECS OUT: cyclictest, SCHED_OTHER, 1 ms period, histogram to 100 ms.
ct_run() {
	sigdfl cyclictest -i 1000 -D "$1" -t 1 -q -h "$HIST_US" >"$2" 2>&1
}

# ct_report BENCH FILE [PREFIX]: latency samples of a cyclictest run (metrics
# PREFIXp50_us...), and its histogram when there is no PREFIX.
ct_report() {
	local r l
	r=$(benchparse cyclictest "$2") || {
		berror "$1" "no cyclictest samples: $(tail -n 2 "$2" | tr '\n' ' ')"
		return 1
	}
	l=$(echo "$r" | head -n 1)
	sample "$1" "${3:-}p50_us" "$(field p50 "$l")" us lower
	sample "$1" "${3:-}p99_us" "$(field p99 "$l")" us lower
	sample "$1" "${3:-}p999_us" "$(field p999 "$l")" us lower
	sample "$1" "${3:-}max_us" "$(field max "$l")" us lower
	[ -n "${3:-}" ] ||
		bout "hist sched=$SCHED round=$ROUND bench=$1 overflows=$(field overflows "$l") $(echo "$r" | sed -n 2p)"
}

# 1. Interactive latency under CPU load.
bench_latency() {
	stress_start $((2 * NCPU)) $((LAT_S + 30))
	sleep 1
	ct_run "$LAT_S" /tmp/ct.lat
	stress_end
	ct_report latency /tmp/ct.lat
}

# 2. hackbench with pipes (-p) or sockets.
bench_hackbench() {
	local name=$1 s
	shift
	if ! timeout -s KILL 180 hackbench "$@" $HB >/tmp/hb.out 2>&1; then
		berror "$name" "hackbench $* $HB failed: $(tail -n 2 /tmp/hb.out | tr '\n' ' ')"
		return
	fi
	s=$(benchparse hackbench /tmp/hb.out) && sample "$name" seconds "$s" s lower
}

# 2b. stress-ng CPU throughput, one hog per CPU.
bench_stressng_cpu() {
	if ! timeout -s KILL $((CPU_S + 60)) stress-ng --cpu "$NCPU" --timeout "$CPU_S" \
		--metrics-brief >/tmp/sng.out 2>&1 </dev/null; then
		berror stressng_cpu "stress-ng failed: $(tail -n 2 /tmp/sng.out | tr '\n' ' ')"
		return
	fi
	benchparse stressng cpu /tmp/sng.out >/tmp/sng.parsed || {
		berror stressng_cpu "no bogo ops/s in the stress-ng output"
		return
	}
	samples_from stressng_cpu "" /tmp/sng.parsed
}

# 3. Wake-up ping-pong between two processes.
bench_pingpong() {
	local r
	r=$(timeout -s KILL $((PP_S + 60)) pingpong "$PP_S") || {
		berror pingpong "pingpong failed: $r"
		return
	}
	sample pingpong roundtrips_s "$(field roundtrips_s "$r")" 1/s higher
}

# The work of a reqwork burst, once for the whole run (median of 5
# calibrations of 1 ms, on EEVDF): calibrated in each run, a slow moment of
# the emulated CPU made the bursts shorter and the requests/s of that run
# incomparable (EEVDF swung 2x between rounds).
calibrate_reqwork() {
	local i v=""
	for i in 1 2 3 4 5; do
		v="$v $(reqwork -c -b 1000 | sed -n 's/.*burst_iters=\([0-9]*\).*/\1/p')"
	done
	RW_ITERS=$(echo $v | tr ' ' '\n' | sort -n | sed -n 3p)
	[ -n "$RW_ITERS" ] || RW_ITERS=200000
	info "reqwork: a 1 ms burst is $RW_ITERS iterations (calibrations:$v)"
}

# 3b. Request/worker server: one dispatcher, 2 x NCPU workers, 1 ms bursts.
bench_reqwork() {
	local m v u b
	if ! timeout -s KILL $((RW_S + 60)) reqwork -d "$RW_S" -i "$RW_ITERS" >/tmp/rw.out 2>&1; then
		berror reqwork "reqwork failed: $(tail -n 2 /tmp/rw.out | tr '\n' ' ')"
		return
	fi
	benchparse reqwork /tmp/rw.out >/tmp/rw.parsed || {
		berror reqwork "no result line in the reqwork output"
		return
	}
	while read -r m v u b; do
		sample reqwork "$m" "$v" "$u" "$b"
	done </tmp/rw.parsed
}

# 4. Mixed: the latency probe while hackbench rounds run back to back.
bench_mixed() {
	local ct all="" s n=0 fails=0 med
	ct_run "$MIX_S" /tmp/ct.mix &
	ct=$!
	while proc_running "$ct"; do
		if timeout -s KILL 120 hackbench $HB >/tmp/hb.out 2>&1; then
			s=$(benchparse hackbench /tmp/hb.out) && all="$all $s" && n=$((n + 1))
		else
			fails=$((fails + 1))
		fi
	done
	wait_child "$ct" 30
	[ $fails = 0 ] || berror mixed "$fails hackbench run(s) failed"
	ct_report mixed /tmp/ct.mix
	if [ $n -gt 0 ]; then
		med=$(echo $all | tr ' ' '\n' | sort -n | sed -n "$(((n + 1) / 2))p")
		sample mixed hackbench_s "$med" s lower
	fi
}

# Scheduler control. SCHED_PID: the scheduler's process (empty for EEVDF).
sched_cmd() {
	case "$1" in
	cland-*) echo "$CLAND -v -p ${1#cland-}" ;;
	*) echo "/bench/extra/$1" ;;
	esac
}

# sched_start: load SCHED; 1 if it did not become enabled within 10 s.
sched_start() {
	local rc
	SCHED_PID=
	[ "$SCHED" = eevdf ] && return 0
	SCHED_LOG=/tmp/sched.$SCHED.$ROUND.log
	sigdfl $(sched_cmd "$SCHED") >"$SCHED_LOG" 2>&1 </dev/null &
	SCHED_PID=$!
	waitstate enabled 10000 "$SCHED_PID" >/dev/null
	rc=$?
	[ $rc = 0 ] && return 0
	kill -9 "$SCHED_PID" 2>/dev/null
	wait_child "$SCHED_PID" 10
	SCHED_PID=
	SCHED_WHY="not enabled within 10 s (waitstate $rc): $(tail -n 2 "$SCHED_LOG" | tr '\n' ' ')"
	return 1
}

# sched_ok: the scheduler under test is (still) the one in charge.
sched_ok() {
	if [ "$SCHED" = eevdf ]; then
		[ "$(state)" = disabled ] && return 0
		SCHED_WHY="a sched_ext scheduler is loaded during the EEVDF run"
		return 1
	fi
	[ "$(state)" = enabled ] && proc_running "$SCHED_PID" && return 0
	SCHED_WHY="the scheduler left (state '$(state)')$(tail -n 2 "$SCHED_LOG" | tr '\n' ' ')"
	return 1
}

# cpu_ticks PID: user + system clock ticks of PID (all its threads).
cpu_ticks() {
	local s
	read -r s </proc/$1/stat 2>/dev/null || return 1
	echo "${s##*) }" | awk '{ print $12 + $13 }'
}

# sched_stop: SIGINT, wait until disabled; 1 if it does not go.
sched_stop() {
	[ -z "$SCHED_PID" ] && return 0
	killwait INT "$SCHED_PID" 10000 >/dev/null
	wait_child "$SCHED_PID" 10
	[ "$(state)" = disabled ] || {
		kill -9 "$SCHED_PID" 2>/dev/null
		waitstate disabled 10000 >/dev/null
		return 1
	}
}

# samples_from BENCH PREFIX FILE: a sample per "METRIC VALUE UNIT BETTER"
# line of FILE (benchparse's output), metric PREFIXMETRIC.
samples_from() {
	local m v u b
	while read -r m v u b; do
		sample "$1" "$2$m" "$v" "$u" "$b"
	done <"$3"
}

# catches_usr1 PID: PID has a SIGUSR1 handler (bit 9 of SigCgt).
catches_usr1() {
	local k v
	while read -r k v; do
		[ "$k" = SigCgt: ] || continue
		v=${v#"${v%???}"}
		[ $((0x$v & 0x200)) != 0 ]
		return
	done </proc/$1/status
	return 1
}

# snap OUT: SIGUSR1 to the daemon, its next counters line into OUT and the
# time of the signal (s since boot) into SNAP_T; 1 if none within ~3 s.
snap() {
	local n0 n i=0 rest
	n0=$(grep -c 'cland: queued=' "$SCHED_LOG")
	kill -USR1 "$SCHED_PID" 2>/dev/null || return 1
	read -r SNAP_T rest </proc/uptime
	while [ $i -lt 60 ]; do
		n=$(grep -c 'cland: queued=' "$SCHED_LOG")
		if [ "$n" -gt "$n0" ]; then
			grep 'cland: queued=' "$SCHED_LOG" | tail -n 1 >"$1"
			grep -q ' faults=' "$1" && return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# instr_begin / instr_end BENCH: the instruments of one benchmark.
instr_begin() {
	INSTR_T0=
	[ "$INSTR" = 1 ] || return 0
	if snap /tmp/instr.before; then
		INSTR_T0=$SNAP_T
	else
		berror "$1" "instruments: no counters line within 3 s of SIGUSR1"
	fi
}
instr_end() {
	local el
	[ -n "$INSTR_T0" ] || return 0
	if ! snap /tmp/instr.after; then
		berror "$1" "instruments: no counters line within 3 s of SIGUSR1"
		return
	fi
	el=$(awk -v a="$INSTR_T0" -v b="$SNAP_T" 'BEGIN { print b - a }')
	benchparse instruments /tmp/instr.before /tmp/instr.after "$el" >/tmp/instr.out &&
		samples_from "$1" instr. /tmp/instr.out
}

# idle_sample BENCH J0: the share of all CPUs' time that was idle since
# cpu_jiffies said J0 (metric cpu_idle_pct, under every scheduler): where a
# load that could keep every CPU busy left one idle, this says so.
idle_sample() {
	local v
	v=$(idle_pct "$2")
	[ -n "$v" ] && sample "$1" cpu_idle_pct "$v" % none
}

# instr_check: INSTR=1 when the scheduler is scx_cland and catches SIGUSR1.
instr_check() {
	INSTR=0
	case "$SCHED" in cland-*) ;; *) return ;; esac
	if catches_usr1 "$SCHED_PID"; then
		INSTR=1
	elif [ -z "$INSTR_WARNED" ]; then
		info "scx_cland does not catch SIGUSR1: no per-benchmark instruments"
		INSTR_WARNED=1
	fi
}

# 5. Overhead of the scheduler over the slot: CPU share of its process,
# and for scx_cland its final counters: the instruments over the whole
# daemon run (decisions = user-space dispatches), faults, congestion,
# degraded mode, tasks the starvation net ran (500 ms in a DSQ).
bench_overhead() {
	local t1 ticks1 el v
	t1=$(cut -d' ' -f1 /proc/uptime)
	ticks1=$(cpu_ticks "$SCHED_PID") || ticks1=
	sched_stop || berror overhead "the scheduler did not stop on SIGINT"
	SCHED_PID=
	el=$(awk -v a="$SLOT_T0" -v b="$t1" 'BEGIN { print b - a }')
	if [ -n "$ticks1" ] && [ -n "$SLOT_TICKS0" ]; then
		sample overhead daemon_cpu_pct \
			"$(awk -v t=$((ticks1 - SLOT_TICKS0)) -v e="$el" -v n="$NCPU" \
				'BEGIN { printf "%.3f", t / (e * n * 100) * 100 }')" % lower
	fi
	case "$SCHED" in cland-*) ;; *) return ;; esac
	info "$SCHED round $ROUND final counters: $(grep 'cland: queued=' "$SCHED_LOG" | tail -n 1)"
	benchparse instruments - "$SCHED_LOG" "$el" >/tmp/instr.out &&
		samples_from overhead "" /tmp/instr.out
	v=$(benchparse counter faults "$SCHED_LOG") && sample overhead page_faults "$v" faults lower
	v=$(benchparse counter congested "$SCHED_LOG") && sample overhead congested "$v" events lower
	v=$(benchparse counter degraded "$SCHED_LOG") && sample overhead degraded_entries "$v" events lower
	v=$(benchparse counter degraded_ms "$SCHED_LOG") && sample overhead degraded_ms "$v" ms lower
	v=$(benchparse counter starved "$SCHED_LOG") && sample overhead starved "$v" tasks lower
}

# 6. Fallback: latency while the scheduler's process is SIGSTOPped under
# CPU load, then SIGKILL to the state "disabled" (EEVDF back).
bench_fallback() {
	local ct r ms
	sched_start || {
		berror fallback "$SCHED_WHY"
		return
	}
	stress_start $((2 * NCPU)) 60
	sleep 1
	ct_run $((STOP_MS / 1000 + 3)) /tmp/ct.stop &
	ct=$!
	sleep 1
	r=$(stopfor "$SCHED_PID" "$STOP_MS") || berror fallback "stopfor failed: $r"
	wait_child "$ct" 60
	ct_report fallback /tmp/ct.stop stopped_
	r=$(killwait KILL "$SCHED_PID" 10000)
	ms=${r%% *}
	stress_end
	wait_child "$SCHED_PID" 10
	SCHED_PID=
	if [ "$ms" = timeout ]; then
		berror fallback "state still '$(state)' 10 s after SIGKILL"
		waitstate disabled 20000 >/dev/null
	else
		sample fallback sigkill_to_disabled_ms "$ms" ms lower
	fi
}

# run_slot: every benchmark for SCHED in round ROUND.
run_slot() {
	local b step j0
	kill_leftovers
	[ "$(state)" = disabled ] || waitstate disabled 10000 >/dev/null
	if ! sched_start; then
		for b in $BENCHES; do berror "$b" "$SCHED_WHY"; done
		STEP=$((STEP + NBENCH))
		return
	fi
	SLOT_T0=$(cut -d' ' -f1 /proc/uptime)
	SLOT_TICKS0=
	[ -n "$SCHED_PID" ] && SLOT_TICKS0=$(cpu_ticks "$SCHED_PID")
	instr_check
	for b in $BENCHES; do
		STEP=$((STEP + 1))
		progress "step $STEP/$TOTAL round $ROUND/$ROUNDS sched $SCHED bench $b"
		if [ "$SCHED" = eevdf ] && { [ $b = overhead ] || [ $b = fallback ]; }; then
			continue
		fi
		if [ $b != fallback ] && ! sched_ok; then
			berror "$b" "$SCHED_WHY"
			continue
		fi
		case $b in
		overhead|fallback) bench_$b; continue ;;
		esac
		instr_begin "$b"
		j0=$(cpu_jiffies)
		case $b in
		hackbench_pipe) bench_hackbench hackbench_pipe -p ;;
		hackbench_socket) bench_hackbench hackbench_socket ;;
		*) bench_$b ;;
		esac
		idle_sample "$b" "$j0"
		instr_end "$b"
	done
	sched_stop
}

main() {
	local nsched=0 s
	for s in $SCHEDS; do
		nsched=$((nsched + 1))
		case "$s" in
		eevdf) ;;
		cland-*) [ -x "$CLAND" ] || info "warning: $CLAND missing" ;;
		*) [ -x "/bench/extra/$s" ] || info "warning: /bench/extra/$s missing" ;;
		esac
	done
	set -- $BENCHES
	NBENCH=$#
	TOTAL=$((ROUNDS * nsched * NBENCH))
	STEP=0
	bout "meta kernel=$(uname -r) nproc=$NCPU rounds=$ROUNDS scheds=$(echo $SCHEDS | tr ' ' ',') emulation=qemu-tcg quick=$QUICK"
	calibrate_reqwork
	bout "meta latency_s=$LAT_S mixed_s=$MIX_S stressng_s=$CPU_S pingpong_s=$PP_S reqwork_s=$RW_S reqwork_workers=$((2 * NCPU)) reqwork_iters=$RW_ITERS stop_ms=$STOP_MS hackbench=$(echo $HB | tr ' ' '_') stress_hogs=$((2 * NCPU))"
	ROUND=1
	while [ $ROUND -le "$ROUNDS" ]; do
		for SCHED in $(rotated $((ROUND - 1)) $SCHEDS); do
			run_slot
		done
		ROUND=$((ROUND + 1))
	done
	kill_leftovers
	bout "END"
	progress "done"
}

main
