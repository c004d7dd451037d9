# SPDX-License-Identifier: GPL-2.0
#
# hostile.sh - the hostile-workload and fault cases of scx_cland: what the
# README's "never hang the machine" promises, checked. Busybox sh, sourced by
# /tests/suite.sh after lib.sh and cases.sh. Run them with hcase (below): each
# case ends by checking the kernel log lines printed since the previous case.
#
# Helpers used here, from tests/vm/tools/: stopfor (SIGSTOP a process for a
# while from a SCHED_FIFO task, watching the sched_ext state, optionally
# churning nice values), manythreads (N threads alive at once in one
# process), killwait, waitstate, histpct, sigdfl.

# Soak duration in seconds (run.sh passes CLAND_SOAK_S from the host).
CLAND_SOAK_S=${CLAND_SOAK_S:-60}

# Kernel log lines that fail a case.
BAD_DMESG='(^|[^[:alpha:]])stall|BUG:|WARNING:|runtime error'
DMESG_MARK=/tmp/dmesg.mark

# dmesg_new: the kernel log lines printed since the last call (by their
# timestamp, so a wrapped ring buffer does not matter); moves the mark to
# the latest timestamp seen (a CPU coming online may log a line stamped a
# little earlier than the one before it).
dmesg_new() {
	local mark
	mark=$(cat "$DMESG_MARK" 2>/dev/null)
	dmesg >/tmp/dmesg.now 2>/dev/null
	awk -v m="${mark:--1}" -v markf="$DMESG_MARK" '
		BEGIN { top = m + 0 }
		match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
			t = substr($0, 2, RLENGTH - 2) + 0
		}
		t > m + 0 { print }
		t > top { top = t }
		END { printf "%f\n", top > markf }
	' /tmp/dmesg.now
}

# dmesg_clean [ALLOWED_ERE]: fail the case if a kernel log line printed since
# the last check matches BAD_DMESG (unless it matches ALLOWED_ERE).
dmesg_clean() {
	local bad
	bad=$(dmesg_new | grep -iE "$BAD_DMESG")
	[ -n "$1" ] && bad=$(echo "$bad" | grep -vE "$1")
	[ -z "$bad" ] && return 0
	echo "$bad" | head -n 40 | while IFS= read -r l; do info "dmesg: $l"; done
	die "dmesg has $(echo "$bad" | wc -l) bad line(s), first: $(echo "$bad" | head -n 1)"
}

# hcase NAME TIMEOUT_S FUNCTION [ALLOWED_ERE]: run_case, then the kernel log
# check in the same subshell. A case that failed before its check gets the
# bad lines shown; the mark moves on either way. Every CPU is put back
# online afterwards.
hcase() {
	local f bad
	HCASE_FN=$3
	HCASE_ALLOW=${4:-}
	run_case "$1" "$2" hcase_body
	for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
		[ "$(cat "$f" 2>/dev/null)" = 0 ] && echo 1 >"$f" 2>/dev/null
	done
	bad=$(dmesg_new | grep -iE "$BAD_DMESG")
	[ -n "$HCASE_ALLOW" ] && bad=$(echo "$bad" | grep -vE "$HCASE_ALLOW")
	[ -n "$bad" ] && echo "$bad" | head -n 20 | while IFS= read -r l; do
		info "dmesg after $1: $l"
	done
	return 0
}
hcase_body() {
	$HCASE_FN
	dmesg_clean "$HCASE_ALLOW"
}

# Counters lines of the daemon (-v prints one a second, and one at exit).
cl_count() { grep -c '^cland: queued=' "$CLAND_LOG"; }
# cl_line [N]: the Nth last counters line (default: the last).
cl_line() { grep '^cland: queued=' "$CLAND_LOG" | tail -n "${1:-1}" | head -n 1; }
# ctr KEY LINE: the value of KEY in a counters line.
ctr() { echo " $2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
# cl_wait N TIMEOUT_S: wait until the daemon printed N counters lines.
cl_wait() {
	local end
	end=$(($(uptime_s) + $2))
	while [ "$(cl_count)" -lt "$1" ]; do
		[ "$(uptime_s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
# restarts: how many times the daemon re-attached at the kernel's request.
restarts() { grep -c 'the kernel asked for a restart' "$CLAND_LOG"; }

# ct_start LABEL SECS: cyclictest (SCHED_OTHER, 1 ms period, histogram up to
# 50 ms, max beyond) in the background; CT_PID.
ct_start() {
	sigdfl cyclictest -i 1000 -D "$2" -t 1 -q -h 50000 >"/tmp/ct.$1" 2>&1 &
	CT_PID=$!
}

# ct_end LABEL [FIGURE_PREFIX]: wait for cyclictest (interrupting it first
# with SIGINT when asked by CT_STOP=1), check it, set CT_P99/CT_MAX/CT_LINE
# and report PREFIX_{p99,max}_us (and _samples).
ct_end() {
	local label=$1 prefix=${2:-} rc
	[ "${CT_STOP:-0}" = 1 ] && kill -INT "$CT_PID" 2>/dev/null
	wait_child "$CT_PID" 60
	rc=$?
	[ $rc -eq 0 ] || die "cyclictest ($label) exit $rc: $(tail -n 3 "/tmp/ct.$label" | tr '\n' '|')"
	CT_LINE=$(histpct 50 99 <"/tmp/ct.$label") || die "no cyclictest samples ($label)"
	info "cyclictest $label: $CT_LINE"
	CT_P99=$(field p99 "$CT_LINE")
	CT_MAX=$(field max "$CT_LINE")
	if [ -n "$prefix" ]; then
		figure "${prefix}_samples" "$(field samples "$CT_LINE")"
		figure "${prefix}_p99_us" "$CT_P99"
		figure "${prefix}_max_us" "$CT_MAX"
	fi
}

# stress_stop PID: end a long stress-ng run (SIGTERM: a clean exit 0).
stress_stop() {
	kill -TERM "$1" 2>/dev/null
	workload_ok "$1" stress-ng /tmp/stress.out 30
}

# cland_alive WHEN: the daemon runs and the scheduler is enabled.
cland_alive() {
	[ "$(state)" = enabled ] || cland_gone "$1"
	proc_running "$CLAND_PID" || cland_gone "$1"
}

# forkloop N: N short-lived processes, one after the other; fails on the
# first that does not exit 0.
forkloop() {
	local i=0
	while [ $i -lt "$1" ]; do
		/bin/true || return 1
		i=$((i + 1))
	done
}

# 1. SIGSTOP the daemon for 10 s under stress-ng --cpu 4 with cyclictest
# running: degraded mode keeps everything scheduled, as well as the daemon
# did over 14 s of the same load: cyclictest's p99 within 2x of that run's,
# its max under 250 ms and within 3x of that run's max; degraded mode
# entered within 100 ms of the stop (2x --stall-ms). BPF takes over as soon
# as the daemon is seen stopped (ops.quiescent), with short slices. Why 3x
# for the max: one TCG run's max is the emulator's noise more than ours; in
# 12 CI runs of the same code it ranged 17.5-59.3 ms with the daemon
# running and 12.9-51.3 ms stopped (p99s 4.4-6.5 and 3.7-7.8 ms, the
# fallback 4-14 ms), and 51.3 against a running 21.0 ms failed a 2x bound.
# No task is moved by the starvation net around the stop: the keys BPF gave
# while degraded are moved back onto the policy's after the SIGCONT
# (`rekeyed`); left ahead of them, 1-3 tasks a run waited 500 ms.
case_sigstop() {
	local sp r n0 line0 line1 prev last e0 e1 l1 u0 u1 d0 d1 s0 s1 base base99 fb
	need_cland
	cland_enable -v
	stress-ng --cpu 4 --timeout 120 >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 1
	# Same length as the run with the stop below: a max over a longer
	# window is larger.
	info "sigstop: cyclictest 14 s with the daemon running"
	ct_start running 14
	ct_end running sigstop_running
	base=$CT_MAX
	base99=$CT_P99
	cland_alive "with the daemon running"

	n0=$(cl_count)
	line0=$(cl_line)
	ct_start stopped 14
	sleep 2
	info "sigstop: SIGSTOP scx_cland for 10 s"
	r=$(stopfor "$CLAND_PID" 10000) || die "stopfor failed: $r"
	info "sigstop: $r"
	ct_end stopped sigstop_stopped
	[ "$(field left_enabled_ms "$r")" = - ] ||
		die "state left 'enabled' $(field left_enabled_ms "$r") ms after the SIGSTOP (state '$(field state "$r")')"
	cland_alive "after the SIGCONT"
	# At most one line was printed between n0 and the stop: 3 more lines
	# make the last two come after the SIGCONT.
	cl_wait $((n0 + 4)) 15 || die "the daemon printed no counters after the SIGCONT$(cland_tail)"
	prev=$(cl_line 2)
	last=$(cl_line)
	info "before the stop: $line0"
	info "after the SIGCONT: $prev"
	info "after the SIGCONT: $last"
	stress_stop "$sp"

	e0=$(ctr degraded "$line0")
	e0=${e0%/*}
	e1=$(ctr degraded "$last")
	l1=${e1#*/}
	e1=${e1%/*}
	d0=$(ctr degraded_ms "$line0")
	d1=$(ctr degraded_ms "$prev")
	u0=$(ctr user "$prev")
	u1=$(ctr user "$last")
	figure sigstop_stopped_ms "$(field stopped_ms "$r")"
	figure sigstop_degraded_ms $((d1 - d0))
	figure sigstop_degraded_enter $((e1 - e0))
	figure sigstop_rescued "$(($(ctr rescued "$prev") - $(ctr rescued "$line0")))"
	fb=$(awk -v s="$(field stopped_ms "$r")" -v d=$((d1 - d0)) 'BEGIN { printf "%.0f", s - d }')
	figure sigstop_fallback_ms "$fb"
	s0=$(ctr starved "$line0")
	s1=$(ctr starved "$last")
	figure sigstop_starved $((s1 - s0))
	figure sigstop_rekeyed $(($(ctr rekeyed "$last") - $(ctr rekeyed "$line0")))

	[ "$e1" -gt "$e0" ] || die "degraded mode never entered (degraded=$e0 before, $e1 after)"
	[ "$l1" = "$e1" ] || die "still degraded after the SIGCONT (degraded=$e1/$l1)"
	[ "$u1" -gt "$u0" ] || die "user space not back in charge: user=$u0 then $u1 a second later"
	ms_le "$CT_MAX" 250000 || die "cyclictest max ${CT_MAX} us with the daemon stopped, limit 250 ms"
	ms_le "$CT_MAX" $((3 * base)) ||
		die "cyclictest max ${CT_MAX} us with the daemon stopped, over 3x the ${base} us measured with it running"
	ms_le "$CT_P99" $((2 * base99)) ||
		die "cyclictest p99 ${CT_P99} us with the daemon stopped, over 2x the ${base99} us measured with it running"
	[ "$fb" -le 100 ] || die "degraded mode for ${fb} ms less than the daemon was stopped: entered late (--stall-ms 50)"
	[ "$s1" = "$s0" ] || die "$((s1 - s0)) tasks moved by the starvation net around the stop"
	cland_stop TERM 1000
}

# 1b. The same without degraded mode (--stall-ms 0): tasks keep going to
# the stopped daemon, and the backend's last net takes them back: a task
# user space holds for over 1 s (overdue) runs in BPF. The scheduler stays
# enabled (before that net, the kernel's watchdog ejected it after 5 s);
# cyclictest's worst wake-up is the net's delay, 1 s plus up to its 100 ms
# scan, then its turn among the tasks taken back (1.1 s measured; bounded
# here at 0.9-4 s, under the watchdog's 5 s: a task taken back and cut off
# before it slept once went back to the stopped daemon, 2-5.8 s); no
# degraded period; the daemon names the policy once in its log ("held a
# task for over 1 s").
case_sigstop_nodegraded() {
	local sp r n0 line0 last o0 o1 max
	need_cland
	cland_enable -v --stall-ms 0
	stress-ng --cpu 4 --timeout 120 >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 1
	line0=$(cl_line)
	ct_start nodegraded 14
	sleep 2
	info "sigstop --stall-ms 0: SIGSTOP scx_cland for 10 s"
	r=$(stopfor "$CLAND_PID" 10000) || die "stopfor failed: $r"
	info "sigstop --stall-ms 0: $r"
	ct_end nodegraded sigstop_nodegraded
	[ "$(field left_enabled_ms "$r")" = - ] ||
		die "state left 'enabled' $(field left_enabled_ms "$r") ms after the SIGSTOP (state '$(field state "$r")'): ejected"
	cland_alive "after the SIGCONT"
	n0=$(cl_count)
	cl_wait $((n0 + 2)) 15 || die "the daemon printed no counters after the SIGCONT$(cland_tail)"
	last=$(cl_line)
	stress_stop "$sp"
	o0=$(ctr overdue "$line0")
	o1=$(ctr overdue "$last")
	figure sigstop_nodegraded_overdue $((o1 - o0))
	info "sigstop --stall-ms 0: after the SIGCONT: $last"
	[ "$(ctr degraded "$last")" = 0/0 ] || die "degraded mode entered with --stall-ms 0: $(ctr degraded "$last")"
	[ $((o1 - o0)) -gt 0 ] || die "no task taken back as overdue while the daemon was stopped"
	# each task waits for the overdue net: 1 s, plus up to its 100 ms scan
	max=$CT_MAX
	ms_le 900000 "$max" || die "cyclictest max ${max} us: below the overdue bound, so who ran it?"
	ms_le "$max" 4000000 || die "cyclictest max ${max} us: over 4 s with the overdue net at 1 s"
	grep -q 'policy deadline held a task for over 1 s' "$CLAND_LOG" ||
		die "the daemon did not log the overdue tasks$(cland_tail)"
	cland_stop TERM 1000
}

# 2. SIGSEGV, SIGABRT under load (crash_case: cases.sh).
case_sigsegv() { crash_case SEGV; }
case_sigabrt() { crash_case ABRT; }

# 3. The sequence that hangs scx_userland: hackbench (4 groups), then
# stress-ng --cpu 3, with an interactive probe (cyclictest) throughout.
# (Before the BPF starvation net, a hackbench task could wait until the
# watchdog ejected the scheduler, 2 runs in 5.)
case_userland_hang() {
	local hb sp
	need_cland
	cland_enable
	ct_start userland 300
	sleep 1
	hb=$(run_hackbench 120 -g 4 -l 100) || die "hackbench -g 4: $hb"
	info "userland_hang: hackbench -g 4 -l 100: $hb s"
	figure userland_hang_hackbench_s "$hb"
	cland_alive "after hackbench"
	stress-ng --cpu 3 --timeout 8 >/tmp/stress.out 2>&1 &
	sp=$!
	workload_ok "$sp" "stress-ng --cpu 3" /tmp/stress.out 60
	cland_alive "after stress-ng"
	CT_STOP=1 ct_end userland userland_hang_cyclictest
	# A hang, not a slow scheduler: scx_userland's lasts 20+ s, the sched_ext
	# watchdog ejects at 5 s. (EEVDF: ~100 ms max here under TCG.)
	ms_le "$CT_MAX" 2000000 || die "interactive probe waited ${CT_MAX} us (limit 2 s)"
	cland_stop TERM 1000
}

# 4a. Fork storm: 2000 short-lived processes from two shell loops and 2000
# stress-ng forks, all at once.
case_forkstorm() {
	local p1 p2 sp t0
	need_cland
	cland_enable
	t0=$(date +%s)
	(forkloop 1000) &
	p1=$!
	(forkloop 1000) &
	p2=$!
	stress-ng --fork 2 --fork-ops 2000 --timeout 120 --metrics-brief >/tmp/stress.out 2>&1 &
	sp=$!
	workload_ok "$p1" "fork loop 1" /dev/null 150
	workload_ok "$p2" "fork loop 2" /dev/null 150
	workload_ok "$sp" "stress-ng --fork" /tmp/stress.out 150
	info "forkstorm: $(grep -E ' fork ' /tmp/stress.out | tail -n 1)"
	figure forkstorm_s $(($(date +%s) - t0))
	cland_alive "after the fork storm"
	cland_stop TERM 1000
}

# 4b. 1000 threads alive at once in one process, each waking up 20 times.
case_threads() {
	local r rc
	need_cland
	cland_enable
	r=$(timeout -s KILL 150 manythreads 1000 20)
	rc=$?
	info "threads: $r"
	[ $rc -eq 0 ] || die "manythreads 1000 20 exit $rc: $r"
	[ "$(field peak "$r")" -ge 1000 ] || die "only $(field peak "$r") threads at once"
	figure threads_1000_ms "$(field ms "$r")"
	cland_alive "after 1000 threads"
	cland_stop TERM 1000
	# what the starvation net had to do (tasks 500 ms in a DSQ; 3003 when
	# 1000 threads once got the scheduler ejected): a figure
	r=$(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)
	info "threads: final $r"
	figure threads_starved "$(field starved "$r")"
}

# 4c. hackbench with 20 groups (800 tasks).
case_hackbench20() {
	local hb
	need_cland
	cland_enable
	hb=$(run_hackbench 200 -g 20 -l 20) || die "$hb"
	info "hackbench -g 20 -l 20: $hb s"
	figure hackbench_g20_s "$hb"
	cland_alive "after hackbench -g 20"
	cland_stop TERM 1000
}

# 4d. renice and taskset on running tasks, over and over.
case_renice_taskset() {
	local sp hp end p n=0 m=0 mask
	need_cland
	cland_enable
	stress-ng --cpu 3 --timeout 120 >/tmp/stress.out 2>&1 &
	sp=$!
	hackbench -g 2 -l 2000 >/tmp/hackbench.out 2>&1 &
	hp=$!
	sleep 1
	end=$(($(uptime_s) + 8))
	while [ "$(uptime_s)" -lt "$end" ]; do
		for p in $(pidof stress-ng-cpu hackbench); do
			renice -n $((RANDOM % 40 - 20)) -p "$p" >/dev/null 2>&1 && n=$((n + 1))
			mask=$((RANDOM % 3 + 1))
			taskset -p "$mask" "$p" >/dev/null 2>&1 && m=$((m + 1))
		done
	done
	info "renice_taskset: $n renices, $m affinity changes"
	figure renice_taskset_changes $((n + m))
	[ $n -ge 20 ] && [ $m -ge 20 ] || die "too few changes made: $n renices, $m taskset"
	cland_alive "during the renice/taskset churn"
	stress_stop "$sp"
	workload_ok "$hp" "hackbench -g 2 -l 2000" /tmp/hackbench.out 150
	cland_alive "after the renice/taskset churn"
	cland_stop TERM 1000
}

# RESTART_S: how long a kernel-requested restart may take, from the CPU
# going offline (or online) to the state enabled again, under the hotplug
# cases' load. Measured under TCG on 2 vCPUs (12 restarts in three VM
# runs): 0.4-2.5 s after an offline, 0.8-3.0 s after an online; before the
# daemon ran at nice -20 with a small verifier load, over 15 s (18 s seen).
# The bound is three times the worst seen.
RESTART_S=10

# wait_restart N: wait (RESTART_S) until the daemon re-attached N times in
# all and the state is enabled again; prints the ms it took from now.
wait_restart() {
	local t0 end ms
	t0=$(cut -d' ' -f1 /proc/uptime)
	end=$(($(uptime_s) + RESTART_S))
	while [ "$(restarts)" -lt "$1" ]; do
		proc_running "$CLAND_PID" || cland_gone "while waiting for it to re-attach"
		[ "$(uptime_s)" -ge "$end" ] &&
			die "the daemon did not re-attach within $RESTART_S s (restarts $(restarts), state '$(state)')$(cland_tail)"
		sleep 0.05
	done
	ms=$(waitstate enabled $((RESTART_S * 1000)) "$CLAND_PID") ||
		die "state not enabled within $RESTART_S s of the re-attach (state '$(state)')$(cland_tail)"
	ms=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	[ "$ms" -le $((RESTART_S * 1000)) ] ||
		die "enabled again $ms ms after the hotplug, limit $RESTART_S s$(cland_tail)"
	echo "$ms"
}

# hotplug_cycle MODE: CPU 1 offline, then back online; the kernel unloads
# the scheduler each time and the daemon must re-attach by itself (enabled
# again within RESTART_S). Throughout, a light load: a short-lived process every
# 50 ms (each must exit 0) and cyclictest (must end normally).
# MODE light: nothing more. MODE load: stress-ng --cpu 2 also runs across
# each transition (and must exit 0), and hackbench -g 2 runs after each one
# (hogs stopped), on one CPU then on two (must exit 0).
hotplug_cycle() {
	local mode=$1 sp="" lp hb ms t0
	local cpu1=/sys/devices/system/cpu/cpu1/online
	[ -w "$cpu1" ] || die "no $cpu1"
	need_cland
	cland_enable
	(while :; do /bin/true || exit 1; sleep 0.05; done) &
	lp=$!
	ct_start hotplug 300
	if [ "$mode" = load ]; then
		stress-ng --cpu 2 --timeout 120 >/tmp/stress.out 2>&1 &
		sp=$!
	fi
	sleep 1
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo 0 >"$cpu1" || die "could not take CPU 1 offline"
	info "hotplug: CPU 1 offline after $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms"
	ms=$(wait_restart 1) || exit 1
	figure hotplug_offline_to_enabled_ms "$ms"
	info "hotplug: re-attached, enabled $ms ms after the offline"
	sleep 2
	if [ "$mode" = load ]; then
		stress_stop "$sp"
		hb=$(run_hackbench 120 -g 2 -l 100) || die "with CPU 1 offline: $hb"
		info "hotplug: hackbench on one CPU: $hb s"
		stress-ng --cpu 2 --timeout 120 >/tmp/stress.out 2>&1 &
		sp=$!
		sleep 1
	fi
	cland_alive "with CPU 1 offline"
	echo 1 >"$cpu1" || die "could not bring CPU 1 back online"
	ms=$(wait_restart 2) || exit 1
	figure hotplug_online_to_enabled_ms "$ms"
	info "hotplug: re-attached, enabled $ms ms after the online"
	sleep 2
	if [ "$mode" = load ]; then
		stress_stop "$sp"
		hb=$(run_hackbench 120 -g 2 -l 100) || die "with CPU 1 back: $hb"
	fi
	proc_running "$lp" || die "the light load (a process every 50 ms) failed"
	kill "$lp"
	CT_STOP=1 ct_end hotplug hotplug_cyclictest
	cland_alive "after the hotplug"
	grep 'scx_cland: the kernel unloaded' "$CLAND_LOG" | while IFS= read -r l; do info "hotplug: $l"; done
	cland_stop TERM 1000
}

# 4e. CPU 1 offline and back online under a light load.
case_hotplug() { hotplug_cycle light; }

# 4e'. The same under load. With CPU 1 offline, khugepaged (nice 19: each
# ms it runs costs it 100 ms of vruntime) waited behind the hogs on the one
# CPU left until the watchdog ejected the scheduler, before the BPF
# starvation net.
case_hotplug_load() { hotplug_cycle load; }

# 4f. CPU hogs and a steady stream of hackbench rounds together for 20 s
# (both CPUs): nothing may wait 5 s. A hog's deadline is its vruntime plus
# up to 100 slices (2 s) of lag and N hackbench tasks wake ahead of it: the
# BPF starvation net (500 ms) is what keeps the watchdog away.
case_starvation() {
	local sp end hb n=0
	need_cland
	cland_enable
	stress-ng --cpu 2 --timeout 120 >/tmp/stress.out 2>&1 &
	sp=$!
	end=$(($(uptime_s) + 20))
	while [ "$(uptime_s)" -lt "$end" ]; do
		hb=$(run_hackbench 60 -g 4 -l 100) || die "hackbench round $((n + 1)): $hb"
		n=$((n + 1))
		cland_alive "in hackbench round $n"
	done
	info "starvation: $n hackbench rounds"
	stress_stop "$sp"
	cland_alive "after the hogs and hackbench"
	cland_stop TERM 1000
}

# 5. Ring congestion: with the daemon stopped (--stall-ms 0, for 1.5 s,
# well under the watchdog's 5 s), a SCHED_FIFO task renices the queued
# stress-ng workers over and over: each change hands the task to user space
# again, until the ring to user space is full and BPF schedules alone.
case_congestion() {
	local sp r c last
	need_cland
	cland_enable -v --stall-ms 0
	stress-ng --cpu 4 --timeout 120 >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 2
	r=$(stopfor "$CLAND_PID" 1500 $(pidof stress-ng-cpu)) || die "stopfor failed: $r"
	info "congestion: $r"
	[ "$(field left_enabled_ms "$r")" = - ] ||
		die "state left 'enabled' $(field left_enabled_ms "$r") ms after the SIGSTOP"
	sleep 2
	cland_alive "after the congestion"
	stress_stop "$sp"
	cland_stop TERM 1000
	last=$(cl_line)
	info "congestion: final $last"
	c=$(ctr congested "$last")
	figure congestion_renices "$(field renices "$r")"
	figure congestion_congested "$c"
	[ "${c:-0}" -gt 0 ] || die "congested=0 after $(field renices "$r") re-enqueues with the daemon stopped"
}

# 6. Soak: CLAND_SOAK_S seconds of mixed load; the scheduler stays enabled
# (no watchdog ejection, no re-attach), every workload exits 0.
case_soak() {
	local sp end rounds=0 hb r p last
	need_cland
	cland_enable -v
	stress-ng --cpu 2 --timeout 600 >/tmp/stress.out 2>&1 &
	sp=$!
	ct_start soak "$CLAND_SOAK_S"
	end=$(($(uptime_s) + CLAND_SOAK_S))
	while [ "$(uptime_s)" -lt "$end" ]; do
		rounds=$((rounds + 1))
		hb=$(run_hackbench 60 -g 2 -l 50) || die "soak round $rounds: $hb"
		forkloop 100 || die "soak round $rounds: a short-lived process failed"
		r=$(timeout -s KILL 60 manythreads 100 5) || die "soak round $rounds: manythreads: $r"
		for p in $(pidof stress-ng-cpu); do
			renice -n $((RANDOM % 10)) -p "$p" >/dev/null 2>&1
		done
		cland_alive "in soak round $rounds"
	done
	ct_end soak soak_cyclictest
	stress_stop "$sp"
	cland_alive "at the end of the soak"
	[ "$(restarts)" = 0 ] || die "the daemon re-attached $(restarts) time(s) during the soak$(cland_tail)"
	cland_stop TERM 1000
	last=$(cl_line)
	info "soak: $rounds rounds in ${CLAND_SOAK_S} s; final $last"
	figure soak_s "$CLAND_SOAK_S"
	figure soak_rounds "$rounds"
	figure soak_degraded_enter "$(ctr degraded "$last" | cut -d/ -f1)"
	figure soak_degraded_ms "$(ctr degraded_ms "$last")"
	figure soak_congested "$(ctr congested "$last")"
	figure soak_faults "$(ctr faults "$last")"
	# A watchdog ejection would also have left "runnable task stall" in the
	# kernel log: hcase's check after this case fails on it.
}
