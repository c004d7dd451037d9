# chaos.sh - a policy that misbehaves cannot break the backend (issue 13): the
# test policies of tests/policies/, as plug-ins, on a real sched_ext kernel.
# Run from the host by `make vm-chaos` (guest script for tests/vm/run.sh
# --script; the plug-ins are added to the initramfs as /lib/cland/*.so):
#
#  chaos: scx_cland -p chaos.so (drops, delays, makes late, duplicates,
#    malforms and reorders decisions) under stress-ng --cpu 2 and hackbench
#    back to back for 60 s: the scheduler stays enabled, every workload
#    completes, and the backend's counters account for every injected fault:
#    every decision sent is counted once (user + cancel + policy_errors +
#    failed), every dropped or late task came back as overdue (or rescued by
#    degraded mode, which takes back every task of a stalled daemon), but those
#    the policy got in the last 1.2 s (recent=: the overdue net may not have
#    come yet), every late decision was cancelled (but those never sent:
#    late_held=), every malformed one is a policy error (or a cancel, when its
#    task was taken back first), and the daemon named the policy once for
#    each kind of fault;
#  hold: scx_cland -p hold.so (holds every task forever) under stress-ng and
#    small hackbench runs: the overdue net carries the whole system, the
#    scheduler stays enabled and the workloads complete;
#  holdback: scx_cland -p holdback.so (never returns cyclictest's tasks,
#    decides every other at once) under hackbench: each of cyclictest's
#    wake-ups is run by the overdue net after 1 s (0.9-2.5 s), the other
#    tasks flow, the scheduler stays enabled;
#  dmesg: no stall, BUG, WARNING or runtime error.

CHAOS_SO=/lib/cland/chaos.so
HOLD_SO=/lib/cland/hold.so
HOLDBACK_SO=/lib/cland/holdback.so
CHAOS_S=${CLAND_CHAOS_S:-60}

# num NAME LINE: the number after NAME= in LINE ("" if none).
num() { echo " $2" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

case_chaos() {
	local sp end n=0 hb line cl sent user cancel perr failed overdue rescued
	local dropped late malformed pdropped recent late_held
	need_cland
	[ -f "$CHAOS_SO" ] || die "$CHAOS_SO is not in the initramfs (make vm-chaos adds it)"
	cland_enable -v -p "$CHAOS_SO"
	stress-ng --cpu 2 --timeout "$CHAOS_S" >/tmp/stress.out 2>&1 &
	sp=$!
	end=$(($(uptime_s) + CHAOS_S))
	while [ "$(uptime_s)" -lt "$end" ]; do
		hb=$(run_hackbench 240 -g 2 -l 50) || die "hackbench run $((n + 1)): $hb"
		n=$((n + 1))
		[ "$(state)" = enabled ] || cland_gone "during hackbench run $n"
	done
	wait_child "$sp" 120 || die "stress-ng exit $?: $(tail -n 3 /tmp/stress.out | tr '\n' '|')"
	info "chaos: $n hackbench runs and stress-ng --cpu 2 for ${CHAOS_S} s completed"
	# the dropped and late tasks of the last second: taken back before the end
	sleep 3
	[ "$(state)" = enabled ] || cland_gone "after the load"
	cland_stop TERM 2000
	line=$(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)
	cl=$(grep '^chaos: sent=' "$CLAND_LOG" | tail -n 1)
	[ -n "$line" ] || die "no counters line"
	[ -n "$cl" ] || die "no chaos line (the policy prints one at exit)"
	info "chaos: $line"
	info "chaos: $cl"
	sent=$(num sent "$cl")
	dropped=$(num dropped "$cl")
	late=$(num late "$cl")
	malformed=$(num malformed "$cl")
	recent=$(num recent "$cl")
	late_held=$(num late_held "$cl")
	user=$(num user "$line")
	cancel=$(num cancel "$line")
	perr=$(num policy_errors "$line")
	failed=$(num failed "$line")
	overdue=$(num overdue "$line")
	rescued=$(num rescued "$line")
	pdropped=$(num dropped "$line")
	for v in sent dropped late malformed recent late_held user cancel perr failed overdue rescued \
		pdropped; do
		eval "[ -n \"\$$v\" ]" || die "no $v figure"
		eval "figure chaos_$v \"\$$v\""
	done
	[ "$dropped" -gt 0 ] && [ "$late" -gt 0 ] && [ "$malformed" -gt 0 ] ||
		die "too few faults injected to judge: $cl"
	# every decision sent counted once (the last few may not be drained at the detach)
	[ $((user + cancel + perr + failed)) -le "$sent" ] &&
		[ $((user + cancel + perr + failed + 64)) -ge "$sent" ] ||
		die "decisions: $sent sent, the backend counted $((user + cancel + perr + failed))"
	[ "$overdue" -le $((dropped + late)) ] ||
		die "overdue=$overdue, but only $dropped dropped and $late late tasks"
	[ $((overdue + rescued + recent)) -ge $((dropped + late)) ] ||
		die "$dropped dropped and $late late tasks ($recent recent), overdue=$overdue rescued=$rescued"
	[ $((cancel + late_held)) -ge "$late" ] ||
		die "cancel=$cancel below the $late late decisions ($late_held never sent)"
	[ "$perr" -le "$malformed" ] && [ $((perr + cancel)) -ge "$malformed" ] ||
		die "policy_errors=$perr for $malformed malformed decisions"
	[ "$pdropped" = "$dropped" ] || die "dropped=$pdropped on the counters line, $dropped injected"
	grep -q "policy chaos held a task for over 1 s" "$CLAND_LOG" ||
		die "the daemon did not name the policy for its overdue tasks"
	grep -q "policy chaos sent a malformed decision" "$CLAND_LOG" ||
		die "the daemon did not name the policy for its malformed decisions"
	[ "$(grep -c 'policy chaos held a task' "$CLAND_LOG")" = 1 ] ||
		die "the daemon named the policy more than once for its overdue tasks"
}

case_hold() {
	local sp hb line overdue
	need_cland
	[ -f "$HOLD_SO" ] || die "$HOLD_SO is not in the initramfs (make vm-chaos adds it)"
	cland_enable -v -p "$HOLD_SO"
	stress-ng --cpu 2 --timeout 20 >/tmp/stress.out 2>&1 &
	sp=$!
	hb=$(run_hackbench 240 -g 1 -l 5) || die "hackbench: $hb"
	info "hold: hackbench -g 1 -l 5 took $hb s"
	figure hold_hackbench_s "$hb"
	ls / >/dev/null || die "ls failed"
	wait_child "$sp" 240 || die "stress-ng exit $?: $(tail -n 3 /tmp/stress.out | tr '\n' '|')"
	[ "$(state)" = enabled ] || cland_gone "after the load"
	cland_stop TERM 2000
	line=$(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)
	info "hold: $line"
	info "hold: $(grep '^hold: held=' "$CLAND_LOG" | tail -n 1)"
	overdue=$(num overdue "$line")
	figure hold_overdue "$overdue"
	[ "${overdue:-0}" -gt 0 ] || die "no task overdue: the policy held nothing?"
	[ "$(num user "$line")" = 0 ] || die "decisions applied from a policy that makes none"
	grep -q "policy hold held a task for over 1 s" "$CLAND_LOG" ||
		die "the daemon did not name the policy"
}

# One task held among many: cyclictest's thread never comes back from the
# policy while hackbench keeps the daemon and every dispatch round busy with
# decisions. Its worst wake-up is the overdue net's 1 s plus the net's
# 100 ms scan and its turn; every wake-up is taken back (overdue at least
# cyclictest's samples); hackbench completes; the daemon names the policy.
case_holdback() {
	local hp line o samples
	need_cland
	[ -f "$HOLDBACK_SO" ] || die "$HOLDBACK_SO is not in the initramfs (make vm-chaos adds it)"
	cland_enable -v -p "$HOLDBACK_SO"
	rm -f /tmp/hb.stop /tmp/hb.fail /tmp/hb.runs
	(while [ ! -e /tmp/hb.stop ]; do
		hackbench -g 2 -l 100 >/tmp/hb.out 2>&1 || echo "exit $?: $(tail -n 2 /tmp/hb.out)" >>/tmp/hb.fail
		echo x >>/tmp/hb.runs
	done) &
	hp=$!
	sleep 1
	ct_start holdback 8
	ct_end holdback holdback
	touch /tmp/hb.stop
	wait_child "$hp" 120 || die "the hackbench loop did not end"
	[ -s /tmp/hb.fail ] && die "hackbench failed: $(head -n 3 /tmp/hb.fail | tr '\n' '|')"
	info "holdback: hackbench runs: $(wc -l </tmp/hb.runs)"
	[ "$(state)" = enabled ] || cland_gone "with a policy that holds a task"
	cland_stop TERM 1000
	line=$(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)
	info "holdback: $line"
	o=$(num overdue "$line")
	samples=$(field samples "$CT_LINE")
	figure holdback_overdue "$o"
	[ "$samples" -ge 3 ] || die "cyclictest made $samples wake-ups in 8 s"
	[ "${o:-0}" -ge "$samples" ] || die "overdue=$o, fewer than cyclictest's $samples wake-ups: who ran them?"
	[ "$(num user "$line")" -gt 1000 ] || die "user=$(num user "$line"): the other tasks were not decided"
	ms_le 900000 "$CT_MAX" || die "cyclictest max ${CT_MAX} us: below the overdue bound, so who ran it?"
	ms_le "$CT_MAX" 2500000 || die "cyclictest max ${CT_MAX} us: over 2.5 s with the overdue net at 1 s"
	grep -q 'policy holdback held a task for over 1 s' "$CLAND_LOG" ||
		die "the daemon did not name the policy"
}

run_case chaos $((CHAOS_S + 300)) case_chaos
run_case hold 360 case_hold
run_case holdback 120 case_holdback
run_case dmesg 30 case_dmesg
