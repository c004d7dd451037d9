#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# suite.sh - runs one suite of scx_cland VM test cases inside the guest,
# then prints "CLAND-TEST: END". Called by /init with the suite name.
#
#   full:     loads, sigint, sigterm, sigkill, cycles, badopts, figures,
#             healthy, quiet_wakeups, sync_spread, idle, verifier, the watching cases of observe.sh
#             (stats_line, monitor, metrics, record_replay, record_limit), dmesg
#   smoke:    loads, sigterm, dmesg
#   demo:     demo (scx_cland -v under a small workload), dmesg
#   hostile:  the hostile-workload and fault cases (hostile.sh), each
#             followed by a kernel log check
#   rules:    workload-specific scheduling (rules.sh): rules against a
#             probe's latency, CPU-set rules by comm and by cgroup, reloads, policy hot-swaps
#             (a plug-in too), the control socket refusing non-root
#   selftest: harness self-check without the daemon (one PASS, one FAIL,
#             one case timeout, dmesg detection, dmesg)
#   panic:    harness self-check: crashes the kernel (run.sh must fail)
#   hang:     harness self-check: never ends (run.sh must time out)
#   script:   /tests/script.sh (run.sh --script FILE), for debugging

. /tests/lib.sh
. /tests/cases.sh
. /tests/hostile.sh
. /tests/observe.sh
. /tests/rules.sh

suite=${1:-full}
info "suite $suite on $(uname -r), $(nproc) CPUs, sched_ext state '$(state)'"
[ -x "$CLAND" ] && info "$("$CLAND" --version 2>&1 | head -n 1)"

case "$suite" in
full)
	run_case loads 120 case_loads
	run_case sigint 60 case_sigint
	run_case sigterm 60 case_sigterm
	run_case sigkill 120 case_sigkill
	run_case cycles 120 case_cycles
	run_case badopts 120 case_badopts
	run_case figures 240 case_figures
	run_case healthy 180 case_healthy
	run_case quiet_wakeups 120 case_quiet_wakeups
	run_case sync_spread 60 case_sync_spread
	run_case idle 60 case_idle
	run_case verifier 90 case_verifier
	run_case stats_line 90 case_stats_line
	run_case monitor 90 case_monitor
	run_case metrics 60 case_metrics
	run_case record_replay 300 case_record_replay
	run_case record_limit 120 case_record_limit
	run_case dmesg 30 case_dmesg
	;;
smoke)
	run_case loads 120 case_loads
	run_case sigterm 60 case_sigterm
	run_case dmesg 30 case_dmesg
	;;
hostile)
	hcase sigstop 120 case_sigstop
	hcase sigstop_nodegraded 90 case_sigstop_nodegraded
	hcase sigsegv 90 case_sigsegv
	hcase sigabrt 90 case_sigabrt
	hcase forkstorm 180 case_forkstorm
	hcase threads 180 case_threads
	hcase hackbench20 240 case_hackbench20
	hcase renice_taskset 180 case_renice_taskset
	hcase userland_hang 150 case_userland_hang
	hcase hotplug 120 case_hotplug
	hcase hotplug_load 150 case_hotplug_load
	hcase starvation 120 case_starvation
	hcase congestion 90 case_congestion
	hcase soak $((CLAND_SOAK_S + 120)) case_soak
	;;
rules)
	run_case rules_latency 420 case_rules_latency
	run_case rules_cpuset 120 case_rules_cpuset
	run_case rules_cgroup 90 case_rules_cgroup
	run_case rules_reload 120 case_rules_reload
	run_case hotswap 240 case_hotswap
	run_case ctl_nonroot 60 case_ctl_nonroot
	run_case dmesg 30 case_dmesg
	;;
demo)
	run_case demo 120 case_demo
	run_case dmesg 30 case_dmesg
	;;
selftest)
	run_case self_pass 30 case_self_pass
	run_case self_fail 30 case_self_fail
	run_case self_timeout 3 case_self_timeout
	run_case self_dmesg 30 case_self_dmesg
	run_case dmesg 30 case_dmesg
	;;
panic)
	info "crashing the kernel on purpose"
	echo c >/proc/sysrq-trigger
	;;
script)
	if [ -f /tests/script.sh ]; then
		. /tests/script.sh
	else
		out "CLAND-TEST: FAIL script: no /tests/script.sh in the initramfs"
	fi
	;;
hang)
	info "hanging on purpose"
	while :; do sleep 1000; done
	;;
*)
	out "CLAND-TEST: FAIL suite: unknown suite '$suite'"
	;;
esac
out "CLAND-TEST: END"
