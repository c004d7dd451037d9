# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - helpers for the scx_cland VM test cases (busybox sh, sourced by
# /tests/suite.sh inside the guest).
#
# Protocol with the host (tests/vm/run.sh), one line each, written both to
# the console and to the results port /dev/ttyS1:
#   CLAND-TEST: PASS name
#   CLAND-TEST: FAIL name: reason
#   CLAND-FIGURE: key value
#   CLAND-TEST: END
# Console only: "CLAND-INFO: ..." (progress), "CLAND-LOG: ..." (daemon output).

CLAND=/bin/scx_cland
STATE=/sys/kernel/sched_ext/state
OPS=/sys/kernel/sched_ext/root/ops
RESULTS=/dev/ttyS1

# Hackbench and stress-ng sizes: small enough for TCG.
HACKBENCH_ARGS=${HACKBENCH_ARGS:--g 2 -l 200}

out() {
	echo "$*"
	[ -c "$RESULTS" ] && echo "$*" >"$RESULTS"
	return 0
}

info() { echo "CLAND-INFO: $*" >&2; }
figure() { out "CLAND-FIGURE: $1 $2"; }

# die REASON: end the current case (it runs in a subshell) as failed.
die() {
	echo "$*" >/tmp/case.reason
	info "FAIL: $*"
	exit 1
}

state() { cat "$STATE" 2>/dev/null || echo missing; }

# uptime_s: whole seconds since boot (in UPTIME too; no fork when called
# as a plain command).
uptime_s() {
	local rest
	read -r UPTIME rest </proc/uptime
	UPTIME=${UPTIME%.*}
	echo "$UPTIME"
}

# proc_running PID: the process exists and is not a zombie (no fork: the
# harness's own polling must not load the guest).
proc_running() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	read -r st </proc/$1/stat 2>/dev/null || return 1
	st=${st##*) }
	case "$st" in Z*|X*|"") return 1 ;; esac
	return 0
}

# wait_gone PID TIMEOUT_S [INTERVAL_S]: 0 when PID has exited, 1 on timeout.
wait_gone() {
	local end
	uptime_s >/dev/null
	end=$((UPTIME + $2))
	while proc_running "$1"; do
		uptime_s >/dev/null
		[ "$UPTIME" -ge "$end" ] && return 1
		sleep "${3:-0.05}"
	done
	return 0
}

# wait_child PID TIMEOUT_S [INTERVAL_S]: exit status of our child PID; on
# timeout it is killed, TIMED_OUT set to 1 and 124 returned.
wait_child() {
	local rc
	TIMED_OUT=0
	if ! wait_gone "$1" "$2" "${3:-0.05}"; then
		TIMED_OUT=1
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
	rc=$?
	return $rc
}

need_cland() {
	[ -x "$CLAND" ] || die "scx_cland is not in the initramfs (build/scx_cland missing at build time)"
}

# start_cland ARGS...: start the daemon in the background with default
# signal dispositions. Sets CLAND_PID and CLAND_LOG (its output, one file
# per start: run_case copies them to the console, prefixed with CLAND-LOG:,
# after the case). With CLAND_LIVE=1 the output is also followed live.
start_cland() {
	local n
	n=$(ls /tmp/cland.*.log 2>/dev/null | wc -l)
	CLAND_LOG=/tmp/cland.$((n + 1)).log
	: >"$CLAND_LOG"
	info "start: scx_cland${*:+ $*} (output: $CLAND_LOG)"
	sigdfl "$CLAND" "$@" >"$CLAND_LOG" 2>&1 </dev/null &
	CLAND_PID=$!
	if [ "${CLAND_LIVE:-0}" = 1 ]; then
		touch "$CLAND_LOG.live"
		tail -n +1 -f "$CLAND_LOG" | sed 's/^/CLAND-LOG: /' &
	fi
}

# cland_wait_exit TIMEOUT_S: wait for the daemon's exit status, in CLAND_RC
# ("timeout", and the daemon killed, if it does not exit in time).
cland_wait_exit() {
	wait_child "$CLAND_PID" "$1"
	CLAND_RC=$?
	if [ -e "$CLAND_LOG.live" ]; then
		sleep 1.2	# busybox tail -f polls once a second
		killall tail 2>/dev/null
	fi
	if [ $TIMED_OUT = 1 ]; then
		CLAND_RC=timeout
		return 1
	fi
	return 0
}

# cland_gone WHEN: fail because the scheduler left while it should run;
# says how the daemon ended.
cland_gone() {
	local st
	st=$(state)
	cland_wait_exit 5
	die "scheduler gone $1 (state '$st', scx_cland exit status $CLAND_RC)$(cland_tail)"
}

# cland_tail: last lines of the daemon's output, for failure reasons.
cland_tail() {
	[ -s "$CLAND_LOG" ] || return 0
	printf '; daemon said: %s' "$(tail -n 5 "$CLAND_LOG" | tr '\n' '|')"
}

# dump_cland_logs: copy the daemon output files of the last case to the
# console (long ones shortened), then remove them.
dump_cland_logs() {
	local f n
	for f in $(ls /tmp/cland.*.log 2>/dev/null | sort -t. -k2 -n); do
		if [ ! -e "$f.live" ]; then
			n=$(wc -l <"$f")
			if [ "$n" -le 100 ]; then
				sed 's/^/CLAND-LOG: /' "$f"
			else
				head -n 30 "$f" | sed 's/^/CLAND-LOG: /'
				echo "CLAND-LOG: [... $((n - 90)) lines of $f left out ...]"
				tail -n 60 "$f" | sed 's/^/CLAND-LOG: /'
			fi
		fi
		rm -f "$f" "$f.live"
	done
}

# cland_enable: start the daemon with ARGS and wait (10 s) until enabled.
# Sets ENABLE_MS.
cland_enable() {
	local rc
	start_cland "$@"
	ENABLE_MS=$(waitstate enabled 10000 "$CLAND_PID")
	rc=$?
	if [ $rc -eq 3 ]; then
		cland_wait_exit 5
		die "scx_cland exited with $CLAND_RC before the state became enabled (state '$(state)')$(cland_tail)"
	fi
	[ $rc -eq 0 ] || die "state not enabled within 10 s (state '$(state)')$(cland_tail)"
	info "enabled after $ENABLE_MS ms"
}

# cland_stop SIG LIMIT_MS: signal the daemon, require state disabled within
# LIMIT_MS and exit status 0. Sets STOP_MS.
cland_stop() {
	local sig=$1 limit=$2 r
	r=$(killwait "$sig" "$CLAND_PID" 10000)
	STOP_MS=${r%% *}
	if [ "$STOP_MS" = timeout ]; then
		die "SIG$sig: state still '$(state)' 10 s later$(cland_tail)"
	fi
	info "SIG$sig: disabled after $STOP_MS ms"
	cland_wait_exit 10 || die "SIG$sig: scx_cland did not exit within 10 s$(cland_tail)"
	[ "$CLAND_RC" = 0 ] || die "SIG$sig: exit status $CLAND_RC, not 0$(cland_tail)"
	ms_le "$STOP_MS" "$limit" ||
		die "SIG$sig: state disabled after $STOP_MS ms, limit $limit ms"
}

# ms_le A B: A <= B for decimal numbers like 12.345.
ms_le() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'
}

# run_hackbench TIMEOUT_S [ARGS]: prints hackbench's time in seconds.
run_hackbench() {
	local t=$1 rc
	shift
	[ $# -gt 0 ] || set -- $HACKBENCH_ARGS
	timeout -s KILL "$t" hackbench "$@" >/tmp/hackbench.out 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "hackbench $* exit $rc: $(tail -n 3 /tmp/hackbench.out | tr '\n' '|')"
		return 1
	fi
	sed -n 's/^Time: *//p' /tmp/hackbench.out
}

# hackbench_median N TIMEOUT_S: median time of N hackbench runs.
hackbench_median() {
	local n=$1 t=$2 i v all=""
	for i in $(seq "$n"); do
		v=$(run_hackbench "$t") || {
			echo "$v"
			return 1
		}
		all="$all $v"
	done
	info "hackbench runs:$all"
	echo $all | tr ' ' '\n' | sort -n | sed -n "$(((n + 1) / 2))p"
}

# cpu_jiffies: all CPUs' jiffies and the idle ones (idle + iowait) since boot.
cpu_jiffies() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6; exit }' /proc/stat
}

# idle_pct J0: the share (%) of all CPUs' time that was idle since
# cpu_jiffies said J0; nothing when no jiffy went by.
idle_pct() {
	cpu_jiffies | awk -v j0="$1" 'BEGIN { split(j0, a, " ") }
		{ t = $1 - a[1]; if (t > 0) printf "%.1f\n", 100 * ($2 - a[2]) / t }'
}

# rotated N WORD...: the words from the (N mod count)-th on, then the ones
# before it (round R of interleaved schedulers: rotated R-1, so that none
# always runs first, in whatever drift comes with its place in a round).
rotated() {
	local n=$1 i=0 w head='' tail=''
	shift
	n=$((n % $#))
	for w in "$@"; do
		if [ $i -lt $n ]; then head="$head $w"; else tail="$tail $w"; fi
		i=$((i + 1))
	done
	echo $tail $head
}

# field KEY LINE: KEY=value out of a "k=v k=v" line (the tools' output).
field() { echo " $2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# workload_ok PID NAME OUTFILE [TIMEOUT_S]: the workload exits 0.
workload_ok() {
	local rc
	wait_child "$1" "${4:-120}"
	rc=$?
	[ $rc -eq 0 ] || die "$2 exit $rc$([ "${TIMED_OUT:-0}" = 1 ] && echo ' (timed out)'): $(tail -n 3 "$3" 2>/dev/null | tr '\n' '|')"
}

# What a case may leave running (process names).
LEFTOVERS="scx_cland stress-ng stress-ng-cpu stress-ng-fork hackbench cyclictest manythreads stopfor"

# kill_leftovers: kill the daemon and workloads a case may have left.
kill_leftovers() {
	local p
	for p in $(pidof $LEFTOVERS tail 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
}

cleanup() {
	local left
	left=$(pidof $LEFTOVERS 2>/dev/null)
	if [ -n "$left" ]; then
		info "cleanup: killing leftover pids $left"
		kill_leftovers
	fi
	if ! waitstate disabled 5000 >/dev/null 2>&1; then
		info "cleanup: state still '$(state)' after 5 s"
	fi
}

# run_case NAME TIMEOUT_S FUNCTION: run one case in a subshell with a
# timeout; report PASS or FAIL; always clean up afterwards.
run_case() {
	local name=$1 t=$2 fn=$3 pid rc reason
	info "=== $name (timeout ${t}s)"
	rm -f /tmp/case.reason
	(
		cd /tmp
		$fn
	) &
	pid=$!
	wait_child "$pid" "$t" 0.25
	rc=$?
	if [ $rc -eq 0 ] && [ $TIMED_OUT = 0 ]; then
		out "CLAND-TEST: PASS $name"
	else
		if [ $TIMED_OUT = 1 ]; then
			reason="case timed out after ${t}s"
		elif [ -s /tmp/case.reason ]; then
			reason=$(cat /tmp/case.reason)
		else
			reason="exit status $rc"
		fi
		out "CLAND-TEST: FAIL $name: $reason"
	fi
	cleanup
	dump_cland_logs
}
