# SPDX-License-Identifier: GPL-2.0
#
# cases.sh - the scx_cland VM test cases (busybox sh, sourced by
# /tests/suite.sh after lib.sh). Each case_* function runs in its own
# subshell via run_case and ends with `die REASON` on failure.

# a. loads: enabled within 10 s, ops is cland, a workload completes under it.
case_loads() {
	local ops sp rc hb
	need_cland
	[ "$(state)" = disabled ] || die "state is '$(state)' before starting"
	cland_enable
	figure load_to_enabled_ms "$ENABLE_MS"
	ops=$(cat "$OPS" 2>/dev/null)
	[ "$ops" = cland ] || die "root/ops is '$ops', not 'cland'"
	dmesg | grep -q 'BPF scheduler "cland" enabled' ||
		info "note: no 'BPF scheduler \"cland\" enabled' line in dmesg"

	info "stress-ng --cpu 4 --timeout 5 and hackbench $HACKBENCH_ARGS under scx_cland"
	stress-ng --cpu 4 --timeout 5 >/tmp/stress.out 2>&1 &
	sp=$!
	hb=$(run_hackbench 120) || die "under scx_cland: $hb"
	info "hackbench under load: $hb s"
	wait_child "$sp" 60
	rc=$?
	[ $rc -eq 0 ] || die "stress-ng exit $rc: $(tail -n 3 /tmp/stress.out | tr '\n' '|')"
	[ "$(state)" = enabled ] || cland_gone "during the workload"
	proc_running "$CLAND_PID" || cland_gone "during the workload"
	cland_stop TERM 1000
}

# b. SIGINT / SIGTERM: exit 0, disabled within 1 s, final counters line.
signal_case() {
	local sig=$1 key
	need_cland
	cland_enable
	cland_stop "$sig" 1000
	key=$(echo "$sig" | tr 'A-Z' 'a-z')
	figure "sig${key}_to_disabled_ms" "$STOP_MS"
	grep -q '^cland: queued=[0-9]' "$CLAND_LOG" ||
		die "SIG$sig: no final 'cland: queued=...' counters line$(cland_tail)"
	info "final: $(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)"
}
case_sigint() { signal_case INT; }
case_sigterm() { signal_case TERM; }

# crash_case SIG: SIG (KILL here; SEGV, ABRT in hostile.sh) under load: the
# daemon dies by the signal, its link is released within 100 ms, the
# workloads finish. What the daemon controls is that release (the kernel
# starts falling back to EEVDF); the kernel's own teardown after it
# (synchronize_rcu and percpu_down_write in the bypass mode of
# scx_root_disable, with rcu_preempt queued FIFO behind the load) takes
# 0.2-5 s under TCG with hackbench running: reported, bounded at 10 s.
crash_case() {
	local sig=$1 key sp hp r ms ex fc rc want
	key=$(echo "$sig" | tr 'A-Z' 'a-z')
	need_cland
	cland_enable
	stress-ng --cpu 4 --timeout 10 >/tmp/stress.out 2>&1 &
	sp=$!
	hackbench $HACKBENCH_ARGS >/tmp/hackbench.out 2>&1 &
	hp=$!
	sleep 1
	proc_running "$hp" || info "note: hackbench already finished before the kill"
	r=$(killwait "$sig" "$CLAND_PID" 10000)
	ms=${r%% *}
	[ "$ms" = timeout ] && die "SIG$sig: state still '$(state)' 10 s later"
	ex=$(field exiting "$r")
	fc=$(field files_closed "$r")
	figure "sig${key}_to_disabled_ms" "$ms"
	figure "sig${key}_to_exiting_ms" "$ex"
	figure "sig${key}_to_files_closed_ms" "$fc"
	info "SIG$sig: disabled after $ms ms (daemon in do_exit after $ex ms, its files closed after $fc ms)"
	cland_wait_exit 10
	case $sig in SEGV) want=139 ;; ABRT) want=134 ;; *) want=any ;; esac
	[ "$want" = any ] || [ "$CLAND_RC" = "$want" ] ||
		die "SIG$sig: scx_cland exit status $CLAND_RC, want $want (killed by the signal)$(cland_tail)"
	workload_ok "$hp" "hackbench after the SIG$sig" /tmp/hackbench.out
	workload_ok "$sp" "stress-ng after the SIG$sig" /tmp/stress.out 60
	[ "$fc" != "-" ] && ms_le "$fc" 100 ||
		die "SIG$sig: the daemon's files (its struct_ops link) closed after $fc ms, limit 100 ms"
	ms_le "$ms" 10000 || die "SIG$sig: state disabled after $ms ms, limit 10 s"
}

# c. SIGKILL under load.
case_sigkill() { crash_case KILL; }

# d. 5 load/unload cycles.
case_cycles() {
	local i max=0
	need_cland
	for i in 1 2 3 4 5; do
		info "cycle $i"
		cland_enable
		cland_stop TERM 1000
		ms_le "$ENABLE_MS" "$max" || max=$ENABLE_MS
	done
	figure cycles_max_load_to_enabled_ms "$max"
}

# e. bad options: exit 2, nothing loaded.
case_badopts() {
	local opts rc bad="" before after
	need_cland
	before=$(dmesg | grep -c 'BPF scheduler "cland" enabled')
	set -- "-s 0" "-s -5" "-s abc" "-s 99999999999999999999" "-S 30000 -s 20000" \
		"--bogus" "-s"
	for opts in "$@"; do
		# word-split on purpose
		timeout -s KILL 20 sigdfl "$CLAND" $opts >/tmp/bad.out 2>&1
		rc=$?
		info "scx_cland $opts -> exit $rc: $(head -n 2 /tmp/bad.out | tr '\n' '|')"
		[ $rc -eq 2 ] || bad="$bad [$opts: exit $rc, want 2]"
		[ "$(state)" = disabled ] || {
			bad="$bad [$opts: state '$(state)']"
			waitstate disabled 5000 >/dev/null
		}
	done
	after=$(dmesg | grep -c 'BPF scheduler "cland" enabled')
	[ "$before" = "$after" ] || bad="$bad [a scheduler was enabled $((after - before)) time(s)]"
	[ -z "$bad" ] || die "bad options:$bad"
}

# cyclictest_fig LABEL: cyclictest (SCHED_OTHER) while stress-ng runs.
cyclictest_fig() {
	local label=$1 sp rc line v k
	stress-ng --cpu 4 --timeout 14 >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 1
	timeout -s KILL 40 cyclictest -i 1000 -D 10 -t 1 -q -h 50000 >/tmp/ct.$label 2>&1
	rc=$?
	[ $rc -eq 0 ] || die "cyclictest ($label) exit $rc: $(tail -n 3 /tmp/ct.$label | tr '\n' '|')"
	line=$(histpct 50 99 </tmp/ct.$label) || die "no cyclictest samples ($label)"
	info "cyclictest $label: $line"
	for k in samples p50 p99 max; do
		v=$(echo " $line" | sed -n "s/.* $k=\([^ ]*\).*/\1/p")
		case $k in
		samples) figure "cyclictest_${label}_samples" "$v" ;;
		*) figure "cyclictest_${label}_${k}_us" "$v" ;;
		esac
	done
	wait_child "$sp" 30
	rc=$?
	[ $rc -eq 0 ] || die "stress-ng exit $rc ($label)"
}

# f. figures: cyclictest and hackbench, EEVDF vs scx_cland.
case_figures() {
	local he hc
	[ "$(state)" = disabled ] || die "state is '$(state)' before the EEVDF run"
	info "EEVDF: cyclictest under stress-ng --cpu 4"
	cyclictest_fig eevdf
	he=$(hackbench_median 3 120) || die "EEVDF: $he"
	figure hackbench_eevdf_s "$he"

	need_cland
	cland_enable
	info "scx_cland: cyclictest under stress-ng --cpu 4"
	cyclictest_fig cland
	hc=$(hackbench_median 3 120) || die "scx_cland: $hc"
	figure hackbench_cland_s "$hc"
	figure hackbench_ratio_cland_eevdf "$(awk -v a="$hc" -v b="$he" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
	[ "$(state)" = enabled ] || cland_gone "during the figures"
	cland_stop TERM 1000
}

# h. healthy: with the daemon healthy, under 12 s of stress-ng --cpu 2 and
# four hackbench -g 2 -l 100 runs, BPF never has to take over: degraded mode
# entered at most once, no task moved by the starvation net, none overdue,
# no malformed decision. (Clocks of different CPUs disagree by a few us; a
# comparison that wraps made a healthy daemon look stalled dozens of times.)
case_healthy() {
	local sp i line deg starved overdue perr checked ahead
	need_cland
	cland_enable -v
	stress-ng --cpu 2 --timeout 12 >/tmp/stress.out 2>&1 &
	sp=$!
	for i in 1 2 3 4; do
		hb=$(run_hackbench 120 -g 2 -l 100) || die "hackbench run $i: $hb"
	done
	wait_child "$sp" 60 || die "stress-ng exit $?: $(tail -n 3 /tmp/stress.out | tr '\n' '|')"
	cland_alive "after the load"
	cland_stop TERM 1000
	line=$(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)
	info "healthy: $line"
	deg=$(field degraded "$line")
	starved=$(field starved "$line")
	overdue=$(field overdue "$line")
	perr=$(field policy_errors "$line")
	figure healthy_degraded_enter "${deg%/*}"
	figure healthy_starved "$starved"
	figure healthy_user_decisions "$(field user "$line")"
	[ "${deg%/*}" -le 1 ] || die "degraded mode entered ${deg%/*} times with a healthy daemon"
	[ "$starved" = 0 ] || die "$starved tasks moved by the starvation net with a healthy daemon"
	[ "$overdue" = 0 ] || die "$overdue tasks overdue with the default policy"
	[ "$perr" = 0 ] || die "$perr malformed decisions from the default policy"
	# one clock: the tasks' timestamps are never ahead of the daemon's now
	line=$(grep 'clock check:' "$CLAND_LOG" | tail -n 1)
	info "healthy: $line"
	checked=$(echo "$line" | sed -n 's/.*clock check: \([0-9]*\) tasks, \([0-9]*\) timestamps.*/\1/p')
	ahead=$(echo "$line" | sed -n 's/.*clock check: \([0-9]*\) tasks, \([0-9]*\) timestamps.*/\2/p')
	figure healthy_clock_checked "$checked"
	[ "${checked:-0}" -gt 0 ] || die "no task's timestamps checked against the daemon's clock"
	[ "$ahead" = 0 ] || die "$ahead task timestamps ahead of the daemon's clock: two clocks"
}

# The daemon's counters line now (scx_cland -v prints one a second; cl_line: hostile.sh).
counters_now() {
	sleep 1.1
	cl_line
}

# delta KEY LINE1 LINE2: how much counter KEY grew between two counters lines.
delta() { echo $(($(field "$1" "$3") - $(field "$1" "$2"))); }

# q. quiet_wakeups: among CPU hogs, a task woken by a running task's futex
# wake (tests/vm/tools/futexring: no pipe, no timer) preempts no one, while a
# timer's wake-up (cyclictest) preempts a hog (decide_standing_preempts() in
# bpf/decide.h, woken_by_user_task() in bpf/cland.bpf.c): standing wake-ups
# that preempted, under a tenth of them for the futex ring, over a third for
# the timer.
case_quiet_wakeups() {
	local sp a b c line st_f ps_f st_t ps_t
	need_cland
	cland_enable -v
	stress-ng --cpu "$(nproc)" --timeout 14 >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 1
	a=$(counters_now)
	line=$(futexring 2 300 4) || die "futexring: $line"
	info "quiet_wakeups: futexring $line"
	b=$(counters_now)
	timeout -s KILL 40 cyclictest -i 2000 -D 4 -t 1 -q >/tmp/ct.quiet 2>&1 ||
		die "cyclictest exit $?: $(tail -n 3 /tmp/ct.quiet | tr '\n' '|')"
	c=$(counters_now)
	wait_child "$sp" 30 || die "stress-ng exit $?"
	cland_alive "after the load"
	cland_stop TERM 1000
	st_f=$(delta standing "$a" "$b") ps_f=$(delta preempt_standing "$a" "$b")
	st_t=$(delta standing "$b" "$c") ps_t=$(delta preempt_standing "$b" "$c")
	info "quiet_wakeups: futex ring $st_f standing wake-ups, $ps_f preempting;" \
		"timer $st_t, $ps_t preempting"
	figure quiet_futex_standing "$st_f"
	figure quiet_futex_preempt_standing "$ps_f"
	figure quiet_timer_standing "$st_t"
	figure quiet_timer_preempt_standing "$ps_t"
	[ "$st_f" -ge 100 ] || die "only $st_f standing wake-ups under the futex ring"
	[ "$st_t" -ge 100 ] || die "only $st_t standing wake-ups under cyclictest"
	[ $((ps_f * 10)) -lt "$st_f" ] || die "futex wake-ups preempted: $ps_f of $st_f"
	[ $((ps_t * 3)) -gt "$st_t" ] || die "timer wake-ups did not preempt: $ps_t of $st_t"
}

# s. sync_spread: on a machine with idle CPUs, a task woken by a pipe write
# (a sync wake-up) runs on an idle CPU, not behind its waker on the waker's
# CPU (ops.select_cpu() calls the kernel's default without SCX_WAKE_SYNC):
# under a tenth of pipepair's messages read on the CPU they were sent from
# (2 vCPUs, two runs: 648 and 973 of 52632 and 51816; the kernel's default,
# 12392 of 46692 and 15368 of 44936).
case_sync_spread() {
	local line rt msgs same
	need_cland
	[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs or more"
	cland_enable
	sleep 1
	line=$(pipepair 2) || die "pipepair: $line"
	cland_alive "after the load"
	cland_stop TERM 1000
	rt=$(field roundtrips "$line") msgs=$(field messages "$line") same=$(field same_cpu "$line")
	info "sync_spread: $line"
	figure sync_spread_roundtrips "$rt"
	figure sync_spread_same_cpu "$same"
	[ "${rt:-0}" -ge 1000 ] || die "only ${rt:-no} round trips in 2 s"
	[ $((same * 10)) -lt "$msgs" ] || die "$same of $msgs messages read on their writer's CPU"
}

# daemon_ticks: the daemon's CPU time so far, in clock ticks (1/100 s).
daemon_ticks() {
	awk '{ print $14 + $15 }' "/proc/$CLAND_PID/stat"
}

# j. idle: with a CPU that has nothing to run, the daemon sleeps: under 5% of
# one CPU over 3 s of an idle system and over 4 s of one CPU hog per CPU but
# one. (It yields when it has nothing to do; kept running as the last task of
# an idle CPU, it yielded again at once and took that whole CPU.)
case_idle() {
	local t0 t1 sp hogs
	need_cland
	cland_enable
	sleep 1
	t0=$(daemon_ticks)
	sleep 3
	t1=$(daemon_ticks)
	figure idle_daemon_ticks_3s "$((t1 - t0))"
	[ $((t1 - t0)) -lt 15 ] || die "the daemon ran $((t1 - t0)) ticks of 3 s on an idle system"
	hogs=$(($(nproc) - 1))
	[ "$hogs" -ge 1 ] || hogs=1
	stress-ng --cpu "$hogs" --timeout 4 >/tmp/stress.out 2>&1 &
	sp=$!
	t0=$(daemon_ticks)
	wait_child "$sp" 60 || die "stress-ng exit $?: $(tail -n 3 /tmp/stress.out | tr '\n' '|')"
	t1=$(daemon_ticks)
	figure idle_daemon_ticks_hogs_4s "$((t1 - t0))"
	[ "$(state)" = enabled ] || cland_gone "under the hogs"
	cland_stop TERM 1000
	[ $((t1 - t0)) -lt 20 ] || die "the daemon ran $((t1 - t0)) ticks of 4 s with $hogs hogs and a CPU idle"
}

# i. verifier: the verifier's work on each BPF program stays small (a state
# explosion made one load take 10 s under TCG, and a re-attach after a CPU
# hotplug waits for it): each program under 50k instructions processed, all
# together under 100k.
case_verifier() {
	local log total=0 max=0 n p
	need_cland
	log=/tmp/verifier.log
	CLAND_VERIFIER_STATS=1 LIBBPF_LOG=1 sigdfl "$CLAND" >"$log" 2>&1 </dev/null &
	CLAND_PID=$!
	CLAND_LOG=$log
	ENABLE_MS=$(waitstate enabled 30000 "$CLAND_PID") || die "not enabled within 30 s$(cland_tail)"
	figure verifier_load_to_enabled_ms "$ENABLE_MS"
	cland_stop TERM 1000
	for n in $(sed -n 's/^processed \([0-9]*\) insns .*/\1/p' "$log"); do
		total=$((total + n))
		[ "$n" -gt "$max" ] && max=$n
	done
	p=$(grep -c '^processed [0-9]* insns' "$log")
	info "verifier: $p programs, $total instructions processed in all, $max at most"
	[ "$p" -ge 10 ] || die "verifier statistics for only $p programs in the log"
	figure verifier_insns_total "$total"
	figure verifier_insns_max "$max"
	[ "$max" -lt 50000 ] || die "a program took $max instructions to verify (limit 50000)"
	[ "$total" -lt 100000 ] || die "$total instructions verified in all (limit 100000)"
}

# g. dmesg is clean.
case_dmesg() {
	local bad
	bad=$(dmesg | grep -iE '(^|[^[:alpha:]])stall|BUG:|WARNING:|runtime error')
	if [ -n "$bad" ]; then
		echo "$bad" | head -n 40 | while IFS= read -r l; do info "dmesg: $l"; done
		die "dmesg has $(echo "$bad" | wc -l) bad line(s), first: $(echo "$bad" | head -n 1)"
	fi
}

# demo: scx_cland -v under a small workload for ~10 s.
case_demo() {
	local sp end n=0 hb
	need_cland
	CLAND_LIVE=1
	cland_enable -v
	info "demo: stress-ng --cpu 2 --timeout 10 plus hackbench rounds for ~10 s"
	stress-ng --cpu 2 --timeout 10 >/tmp/stress.out 2>&1 &
	sp=$!
	end=$(($(uptime_s) + 10))
	while [ "$(uptime_s)" -lt "$end" ]; do
		hb=$(run_hackbench 60 -g 1 -l 100) || die "demo: $hb"
		n=$((n + 1))
		info "demo: hackbench round $n: $hb s"
	done
	wait_child "$sp" 30 || die "demo: stress-ng failed"
	[ "$(state)" = enabled ] || cland_gone "during the demo"
	cland_stop INT 1000
	grep -q '^cland: queued=[0-9]' "$CLAND_LOG" ||
		die "no final counters line$(cland_tail)"
	info "final counters: $(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)"
	[ "$(grep -c '^cland: ' "$CLAND_LOG")" -ge 5 ] ||
		die "-v printed fewer than 5 counters lines in ~10 s$(cland_tail)"
}

# Harness self-checks (suite selftest): exercise the protocol without the
# daemon.
case_self_pass() {
	[ "$(state)" = disabled ] || die "state '$(state)'"
	[ -d /sys/kernel/btf ] || die "no /sys/kernel/btf"
	grep -q ' /tmp tmpfs' /proc/mounts || die "no tmpfs on /tmp"
	figure selftest_nproc "$(nproc)"
}
case_self_fail() { die "deliberate failure"; }
case_self_dmesg() {
	echo "cland selftest: WARNING: injected line" >/dev/kmsg
	(case_dmesg) 2>/dev/null && die "case_dmesg missed an injected WARNING line"
	dmesg -c >/dev/null
}
case_self_timeout() { sleep 1000; }
