# SPDX-License-Identifier: GPL-2.0
#
# rules.sh - the VM cases of workload-specific scheduling (suite "rules",
# busybox sh, sourced by /tests/suite.sh after lib.sh and cases.sh): rules
# that make a probe latency-critical or its load background, a CPU-set rule,
# rules reloads and slices through the control socket, policy hot-swaps under
# load (built-in policies and an out-of-tree plug-in), a non-root client.

CTL_SOCK=/run/scx_cland/control
PLUGIN=/tests/plugins/mypolicy.so

ctl() { "$CLAND" ctl "$@"; }

# status_field KEY: the value(s) of "KEY ..." in `scx_cland ctl status`.
status_field() { ctl status 2>/dev/null | sed -n "s/^$1 //p"; }

# p99 LABEL: cyclictest's p99 (us) of cyclictest_fig LABEL's run; past the
# histogram (">50000"), its bound: less than the p99 was, so a rule compared
# with it has to beat the bound.
p99_of() { histpct 50 99 </tmp/ct.$1 | sed -n 's/.* p99=>\{0,1\}\([0-9]*\).*/\1/p'; }

# rules_cyclictest LABEL [ARGS]: scx_cland ARGS, cyclictest (SCHED_OTHER, 1 ms,
# 10 s) under stress-ng --cpu 4 (cyclictest_fig of cases.sh) and hackbench -g 2
# back to back: its p99 in P99.
rules_cyclictest() {
	local label=$1 m hp hb_stop=/tmp/hb.stop
	shift
	cland_enable "$@"
	rm -f $hb_stop
	(while [ ! -e $hb_stop ]; do hackbench -g 2 -l 50 >/dev/null 2>&1; done) &
	hp=$!
	cyclictest_fig "$label"
	touch $hb_stop
	wait_child "$hp" 60
	[ "$TIMED_OUT" = 0 ] || die "the hackbench loop did not end within 60 s ($label)"
	[ "$(state)" = enabled ] || cland_gone "during cyclictest ($label)"
	if [ $# -gt 0 ]; then
		m=$(status_field verdicts)
		info "$label: verdicts $m"
		case "$m" in *" matched 0 "*) die "$label: no task matched the rule ($m)" ;; esac
	fi
	cland_stop TERM 1000
	P99=$(p99_of "$label")
	[ -n "$P99" ] || die "no p99 for $label"
}

# a. A latency_critical rule for the probe, and a background rule for its
# load, each cut the probe's p99 wake-up latency under stress-ng --cpu 4 and
# hackbench: two rounds of each, interleaved (the TCG VM's timing drifts with
# its host), compared by their sums. Hackbench is there because under CPU hogs
# alone the default policy already preempts a hog at once for the probe (p99
# 3.1-3.9 ms with or without a rule: a comparison of noise); among 80 waking
# hackbench tasks the probe's key is ahead of theirs by one fair slice at most
# without a rule (p99 of 100 ms and more).
case_rules_latency() {
	local r none=0 lc=0 bg=0
	need_cland
	echo '{"rules": [{"name": "probe", "match": {"comm": "cyclictest"}, "latency_critical": true}]}' >/tmp/lc.json
	echo '{"rules": [{"name": "load", "match": {"comm": "stress-ng*"}, "background": true},
		{"name": "chat", "match": {"comm": "hackbench"}, "background": true}]}' >/tmp/bg.json
	for r in 1 2; do
		rules_cyclictest rules_none$r
		none=$((none + P99))
		rules_cyclictest rules_lc$r --rules /tmp/lc.json
		lc=$((lc + P99))
		rules_cyclictest rules_bg$r --rules /tmp/bg.json
		bg=$((bg + P99))
	done
	figure rules_probe_p99_none_us $((none / 2))
	figure rules_probe_p99_latency_critical_us $((lc / 2))
	figure rules_probe_p99_background_load_us $((bg / 2))
	info "probe p99, mean of 2 rounds: no rule $((none / 2)) us, latency_critical probe $((lc / 2)) us, background load $((bg / 2)) us"
	[ "$lc" -lt "$none" ] || die "latency_critical: p99 $((lc / 2)) us, not below $((none / 2)) us without a rule"
	[ "$bg" -lt "$none" ] || die "background load: p99 $((bg / 2)) us, not below $((none / 2)) us without a rule"
}

# b. A CPU-set rule keeps the tasks it matches on its CPUs (the processor of
# /proc/PID/stat), under load on every CPU, without changing their affinity.
case_rules_cpuset() {
	local sp hp end p line pids on=0 off=0 allowed hb_stop=/tmp/hb.stop
	need_cland
	echo '{"rules": [{"name": "pin", "match": {"comm": "stress-ng*"}, "cpus": "1"}]}' >/tmp/pin.json
	cland_enable --rules /tmp/pin.json
	rm -f $hb_stop
	(while [ ! -e $hb_stop ]; do hackbench -g 1 -l 100 >/dev/null 2>&1; done) &
	hp=$!
	stress-ng --cpu 2 --timeout 10 >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 2
	pids=$(pidof stress-ng-cpu) # the workers (the parent only waits for them)
	[ -n "$pids" ] || die "no stress-ng-cpu process"
	end=$(($(uptime_s) + 6))
	while [ "$(uptime_s)" -lt "$end" ]; do
		for p in $pids; do
			# field 39 of /proc/PID/stat: the CPU it last ran on (no fork per sample)
			read -r line </proc/$p/stat 2>/dev/null || continue
			set -- ${line##*) }
			shift 36
			if [ "$1" = 1 ]; then on=$((on + 1)); else off=$((off + 1)); fi
		done
		sleep 0.1
	done
	for p in $pids; do
		allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
		[ -n "$allowed" ] && break
	done
	touch $hb_stop
	wait_child "$sp" 30 || die "stress-ng failed"
	wait_child "$hp" 60
	info "cpuset: $on samples on CPU 1, $off elsewhere; a worker's own affinity: $allowed; verdicts $(status_field verdicts)"
	figure rules_cpuset_samples_on_cpu1 "$on"
	figure rules_cpuset_samples_elsewhere "$off"
	[ "$(state)" = enabled ] || cland_gone "during the CPU-set case"
	cland_stop TERM 1000
	[ "$on" -ge 10 ] || die "only $on samples of stress-ng on CPU 1"
	[ "$off" = 0 ] || die "stress-ng seen $off times on a CPU outside its rule's set"
	[ "$allowed" = 0-1 ] || die "the rule changed the task's own affinity (Cpus_allowed_list $allowed)"
}

# b2. A rule matching by cgroup: tasks moved into a cgroup made after the
# daemon started (its path found by walking /sys/fs/cgroup again) get the
# rule's CPU set.
case_rules_cgroup() {
	local sp end p line pids on=0 off=0 cg=/sys/fs/cgroup/batch
	need_cland
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || die "no cgroup2 at /sys/fs/cgroup"
	echo '{"rules": [{"name": "batch", "match": {"cgroup": "/batch"}, "cpus": "0"}]}' >/tmp/cg.json
	cland_enable --rules /tmp/cg.json
	rmdir $cg 2>/dev/null
	mkdir $cg || die "cannot make $cg"
	sh -c "echo \$\$ >$cg/cgroup.procs && exec stress-ng --cpu 2 --timeout 8" >/tmp/stress.out 2>&1 &
	sp=$!
	sleep 3
	pids=$(cat $cg/cgroup.procs)
	[ -n "$pids" ] || die "nothing in $cg"
	end=$(($(uptime_s) + 3))
	while [ "$(uptime_s)" -lt "$end" ]; do
		for p in $pids; do
			[ "$(cat /proc/$p/comm 2>/dev/null)" = stress-ng-cpu ] || continue
			read -r line </proc/$p/stat 2>/dev/null || continue
			set -- ${line##*) }
			shift 36
			if [ "$1" = 0 ]; then on=$((on + 1)); else off=$((off + 1)); fi
		done
		sleep 0.1
	done
	info "cgroup rule: $on samples on CPU 0, $off elsewhere; verdicts $(status_field verdicts)"
	wait_child "$sp" 30 || die "stress-ng failed"
	[ "$(state)" = enabled ] || cland_gone "during the cgroup case"
	cland_stop TERM 1000
	rmdir $cg 2>/dev/null
	[ "$on" -ge 10 ] || die "only $on samples of the cgroup's workers on CPU 0"
	[ "$off" = 0 ] || die "the cgroup's workers seen $off times outside the rule's CPU"
}

# c. Rules reloads (ctl and SIGHUP), a bad file refused with the old rules
# kept, slices set through the control socket, a bad rules file at start.
case_rules_reload() {
	local out rc before after
	need_cland
	before=$(dmesg | grep -c 'BPF scheduler "cland" enabled')
	echo '{"rules": [{"match": {"comm": "x"}, "lantency_critical": true}]}' >/tmp/bad.json
	timeout -s KILL 20 sigdfl "$CLAND" --rules /tmp/bad.json >/tmp/bad.out 2>&1
	rc=$?
	info "bad rules at start: exit $rc: $(cat /tmp/bad.out)"
	[ $rc = 2 ] || die "a bad rules file at start: exit $rc, not 2"
	grep -q '/tmp/bad.json: rule 1: unknown key "lantency_critical"' /tmp/bad.out ||
		die "a bad rules file at start: message '$(cat /tmp/bad.out)'"
	after=$(dmesg | grep -c 'BPF scheduler "cland" enabled')
	[ "$before" = "$after" ] || die "a bad rules file at start: the scheduler was loaded"

	echo '{"rules": [{"match": {"comm": "cyclictest"}, "latency_critical": true}]}' >/tmp/r.json
	cland_enable --rules /tmp/r.json
	[ "$(status_field rules)" = "/tmp/r.json (1 rules)" ] || die "status: rules '$(status_field rules)'"
	out=$(ctl rules reload /tmp/bad.json 2>&1)
	rc=$?
	info "rules reload /tmp/bad.json: exit $rc: $out"
	[ $rc = 1 ] || die "a bad reload: exit $rc, not 1"
	echo "$out" | grep -q 'rule 1: unknown key "lantency_critical".*the rules in force stay' ||
		die "a bad reload: message '$out'"
	[ "$(status_field rules)" = "/tmp/r.json (1 rules)" ] || die "after a bad reload: rules '$(status_field rules)'"

	echo '{"rules": [{"match": {"comm": "cyclictest"}, "latency_critical": true}, {"match": {"comm": "stress-ng*"}, "background": true}]}' >/tmp/r.json
	kill -HUP "$CLAND_PID"
	sleep 1
	[ "$(status_field rules)" = "/tmp/r.json (2 rules)" ] || die "after SIGHUP: rules '$(status_field rules)'$(cland_tail)"
	grep -q 'SIGHUP: rules /tmp/r.json: 2 rules in force (were 1)' "$CLAND_LOG" || die "no SIGHUP line$(cland_tail)"

	out=$(ctl set slice-us 5000 2>&1) || die "set slice-us 5000: $out"
	[ "$(status_field slice_us)" = 5000 ] || die "slice_us '$(status_field slice_us)' after set slice-us 5000"
	out=$(ctl set slice-min-us 9000 2>&1)
	[ $? = 1 ] || die "set slice-min-us 9000 above the slice: accepted ($out)"
	info "set slice-min-us 9000: $out"
	out=$(ctl bogus 2>&1)
	[ $? = 1 ] || die "an unknown request: not refused ($out)"
	[ "$(state)" = enabled ] || cland_gone "after the requests"
	cland_stop TERM 1000
}

# d. The policy swapped under hackbench, with the scheduler attached:
# deadline -> fifo -> vruntime -> an out-of-tree plug-in -> deadline. Every
# hackbench completes, status names each policy, no task is lost, nothing
# stalls (the backend's overdue net and the watchdog stay quiet).
case_hotswap() {
	local p want out hp hb_stop=/tmp/hb.stop n=0 line swaps
	need_cland
	[ -f "$PLUGIN" ] || die "no $PLUGIN in the initramfs"
	cland_enable -v
	rm -f $hb_stop /tmp/hb.fail /tmp/hb.runs
	(while [ ! -e $hb_stop ]; do
		hackbench -g 2 -l 100 >/tmp/hb.out 2>&1 || echo "exit $?: $(tail -n 2 /tmp/hb.out)" >>/tmp/hb.fail
		echo x >>/tmp/hb.runs
	done) &
	hp=$!
	sleep 2
	for p in fifo vruntime "$PLUGIN" deadline; do
		out=$(ctl policy "$p" 2>&1) || die "ctl policy $p: $out$(cland_tail)"
		info "ctl policy $p: $(echo "$out" | tr '\n' '|')"
		case "$p" in
		"$PLUGIN") want="rr3" ;;
		*) want=$p ;;
		esac
		[ "$(status_field policy)" = "$want" ] || die "status says policy '$(status_field policy)', not $want"
		[ "$(state)" = enabled ] || cland_gone "after swapping to $p"
		sleep 3
	done
	touch $hb_stop
	wait_child "$hp" 120 || die "the hackbench loop did not end"
	n=$(wc -l </tmp/hb.runs)
	[ -s /tmp/hb.fail ] && die "hackbench failed during the swaps: $(head -n 3 /tmp/hb.fail | tr '\n' '|')"
	line=$(status_field swaps)
	info "hackbench runs: $n; swaps: $line; $(status_field last_swap)"
	swaps=${line%% *}
	figure hotswap_swaps "$swaps"
	figure hotswap_moved "$(echo " $line" | sed -n 's/.* moved \([0-9]*\).*/\1/p')"
	figure hotswap_drained "$(echo " $line" | sed -n 's/.* drained \([0-9]*\).*/\1/p')"
	figure hotswap_lost "$(echo " $line" | sed -n 's/.* lost \([0-9]*\).*/\1/p')"
	figure hotswap_hackbench_runs "$n"
	[ "$swaps" = 4 ] || die "$swaps swaps counted, not 4"
	echo " $line" | grep -q ' lost 0$' || die "tasks lost in the swaps: $line"
	[ "$n" -ge 4 ] || die "only $n hackbench runs during the swaps"
	[ "$(state)" = enabled ] || cland_gone "after the swaps"
	cland_stop TERM 1000
	line=$(grep '^cland: queued=' "$CLAND_LOG" | tail -n 1)
	[ "$(field overdue "$line")" = 0 ] || die "tasks held over 1 s by a policy: overdue=$(field overdue "$line")"
	[ "$(field dropped "$line")" = 0 ] || die "tasks dropped: $(field dropped "$line")"
	for p in fifo vruntime rr3 deadline; do
		grep -q "swap [0-9]*: policy [a-z0-9]* -> $p" "$CLAND_LOG" || die "no swap to $p in the log$(cland_tail)"
	done
}

# e. The control socket is root's: its directory is 0700, the socket 0600,
# and a non-root client is refused even when the modes let it connect.
case_ctl_nonroot() {
	local out rc
	need_cland
	cland_enable
	ls -ld /run/scx_cland | grep -q '^drwx------ .* root ' || die "/run/scx_cland: $(ls -ld /run/scx_cland)"
	ls -l $CTL_SOCK | grep -q '^srw------- .* root ' || die "$CTL_SOCK: $(ls -l $CTL_SOCK)"
	out=$(asuser 1000 "$CLAND" ctl status 2>&1)
	rc=$?
	info "uid 1000, ctl status: exit $rc: $out"
	[ $rc = 1 ] || die "uid 1000: ctl status exit $rc, not 1"
	echo "$out" | grep -q 'Permission denied' || die "uid 1000: '$out'"
	chmod 755 /run/scx_cland
	chmod 666 $CTL_SOCK
	out=$(asuser 1000 "$CLAND" ctl status 2>&1)
	rc=$?
	chmod 700 /run/scx_cland
	chmod 600 $CTL_SOCK
	info "uid 1000, the modes opened: exit $rc: $out"
	[ $rc = 1 ] || die "uid 1000 with the modes opened: exit $rc, not 1"
	echo "$out" | grep -q 'permission denied: only uid 0 may control scx_cland (you are 1000)' ||
		die "uid 1000 with the modes opened: '$out'"
	out=$(ctl status 2>&1) || die "root: ctl status: $out"
	[ "$(state)" = enabled ] || cland_gone "after the refusals"
	cland_stop TERM 1000
}
