# SPDX-License-Identifier: GPL-2.0
#
# observe.sh - the VM cases of watching scx_cland (busybox sh, sourced by
# /tests/suite.sh after lib.sh): --stats, --monitor from a second process,
# /metrics scraped with busybox wget, a recording made under hackbench
# replayed by cland-sim in the guest (and a truncated copy refused).

SIM=/bin/cland-sim
SOCK=/var/run/scx/root/stats

# load_for SECS: stress-ng --cpu 2 and back-to-back hackbench for about SECS s.
load_for() {
	local end sp hb
	stress-ng --cpu 2 --timeout "$1" >/tmp/stress.out 2>&1 &
	sp=$!
	end=$(($(uptime_s) + $1))
	while [ "$(uptime_s)" -lt "$end" ]; do
		hb=$(run_hackbench 60 -g 1 -l 100) || die "hackbench under scx_cland: $hb"
	done
	workload_ok "$sp" "stress-ng" /tmp/stress.out 60
}

# keys LINE: the keys of a "stats: k=v k=v" line, space-separated.
keys() { echo "$1" | tr ' ' '\n' | sed -n 's/=.*//p' | tr '\n' ' '; }

# moving FILE KEY: how many distinct non-zero values KEY takes in the stats lines of FILE.
moving() {
	grep '^stats: ' "$1" | sed -n "s/.* $2=\([0-9.]*\).*/\1/p" | grep -v '^0*\.*0*$' | sort -u | wc -l
}

# --stats 1: a line a second while it schedules, the counters moving.
case_stats_line() {
	local n t0 t1 secs
	need_cland
	cland_enable --stats 1
	t0=$(uptime_s)
	load_for 8
	t1=$(uptime_s)
	[ "$(state)" = enabled ] || cland_gone "during the workload"
	cland_stop TERM 1000
	n=$(grep -c '^stats: ' "$CLAND_LOG")
	secs=$((t1 - t0))
	info "--stats 1: $n lines in about $secs s of load; last: $(grep '^stats: ' "$CLAND_LOG" | tail -n 1)"
	figure stats_lines "$n"
	# a line a second: not fewer than the load's seconds less 2 (start-up, rounding)
	[ "$n" -ge $((secs - 2)) ] || die "--stats 1 printed $n lines in $secs s"
	[ "$(moving "$CLAND_LOG" user)" -ge 3 ] ||
		die "user= took fewer than 3 distinct non-zero values: $(grep '^stats: ' "$CLAND_LOG" | head -n 3 | tr '\n' '|')"
	[ "$(moving "$CLAND_LOG" decisions_per_s)" -ge 3 ] || die "decisions_per_s= did not move"
	[ "$(moving "$CLAND_LOG" queued)" -ge 3 ] || die "queued= did not move"
}

# --monitor 1 from a second process: waits for the daemon, then shows the
# same line as --stats, moving, and stops on SIGINT with status 0.
case_monitor() {
	local mp rc n first_mon first_stats
	need_cland
	[ ! -e "$SOCK" ] || die "$SOCK exists before the daemon starts"
	sigdfl "$CLAND" --monitor 1 >/tmp/mon.out 2>/tmp/mon.err </dev/null &
	mp=$!
	sleep 2
	grep -q "no scx_cland answers at $SOCK" /tmp/mon.err ||
		die "--monitor without a daemon did not say it waits: $(head -c 300 /tmp/mon.err)"
	proc_running "$mp" || die "--monitor exited without a daemon"
	cland_enable --stats 1
	# The daemon opens its stats socket just after the kernel enabled it
	# (a failed load leaves none behind): give it 2 s.
	n=0
	while [ ! -S "$SOCK" ] && [ $n -lt 40 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	[ -S "$SOCK" ] || die "no stats socket at $SOCK 2 s after the state became enabled: $(ls -la /var/run/scx/root 2>&1 | tr "\n" "|")$(cland_tail)"
	info "stats socket there $((n * 50)) ms (at most) after enabled"
	load_for 7
	kill -INT "$mp"
	wait_child "$mp" 10
	rc=$?
	[ "$rc" -eq 0 ] || die "--monitor exit status $rc after SIGINT, want 0"
	grep -q "watching $SOCK: policy deadline" /tmp/mon.err ||
		die "--monitor did not connect: $(tr '\n' '|' </tmp/mon.err)"
	n=$(grep -c '^stats: ' /tmp/mon.out)
	info "--monitor 1: $n lines; last: $(tail -n 1 /tmp/mon.out)"
	[ "$n" -ge 4 ] || die "--monitor 1 printed $n lines in ~7 s"
	[ "$(moving /tmp/mon.out user)" -ge 3 ] || die "--monitor: user= did not move"
	first_mon=$(keys "$(grep '^stats: ' /tmp/mon.out | head -n 1)")
	first_stats=$(keys "$(grep '^stats: ' "$CLAND_LOG" | head -n 1)")
	[ "$first_mon" = "$first_stats" ] ||
		die "--monitor shows [$first_mon], --stats [$first_stats]"
	cland_stop TERM 1000
	[ ! -e "$SOCK" ] || die "the stats socket is left behind after the daemon stopped"
}

# --metrics: /metrics scraped with busybox wget, every line parses.
case_metrics() {
	local bad v
	need_cland
	ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
	cland_enable --metrics 127.0.0.1:9100
	load_for 3
	wget -q -O /tmp/metrics.txt http://127.0.0.1:9100/metrics ||
		die "wget /metrics failed"
	info "/metrics: $(wc -l </tmp/metrics.txt) lines"
	bad=$(awk '
		/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* ./ { next }
		/^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram)$/ { next }
		/^scx_cland_[a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|\+Inf)$/ { next }
		{ print NR ": " $0 }' /tmp/metrics.txt | head -n 5)
	[ -z "$bad" ] || die "/metrics lines that do not parse: $(echo "$bad" | tr '\n' '|')"
	v=$(sed -n 's/^scx_cland_user_dispatches_total //p' /tmp/metrics.txt)
	[ "${v:-0}" -gt 0 ] || die "scx_cland_user_dispatches_total is '${v}'"
	grep -q '^scx_cland_info{policy="deadline",version="' /tmp/metrics.txt ||
		die "no scx_cland_info"
	grep -q '^scx_cland_rtt_seconds_bucket{le="+Inf"} [1-9]' /tmp/metrics.txt ||
		die "empty round-trip histogram"
	figure metrics_lines "$(wc -l </tmp/metrics.txt)"
	! wget -q -O /dev/null http://127.0.0.1:9100/nothing-here 2>/dev/null ||
		die "/nothing-here did not fail (404 expected)"
	[ "$(state)" = enabled ] || cland_gone "after the scrapes"
	cland_stop TERM 1000
}

# --record under hackbench, replayed by cland-sim in the guest; a truncated
# copy is refused with exit 2 and the offset.
case_record_replay() {
	local size rc events
	need_cland
	[ -x "$SIM" ] || die "cland-sim is not in the initramfs"
	cland_enable --record /tmp/rec.trc
	load_for 5
	cland_stop TERM 1000
	events=$(sed -n 's/^scx_cland: recorded \([0-9]*\) events in .*/\1/p' "$CLAND_LOG")
	[ -n "$events" ] && [ "$events" -gt 100 ] ||
		die "no 'recorded N events' line, or few events ($events)$(cland_tail)"
	size=$(stat -c %s /tmp/rec.trc)
	info "recorded $events events, $size bytes"
	figure record_events "$events"
	figure record_bytes "$size"
	timeout -s KILL 200 "$SIM" --replay /tmp/rec.trc --policy deadline >/tmp/replay.out 2>&1
	rc=$?
	[ $rc -eq 0 ] || die "cland-sim --replay exit $rc: $(tail -n 3 /tmp/replay.out | tr '\n' '|')"
	grep -q 'replay of /tmp/rec.trc: recorded under policy deadline' /tmp/replay.out ||
		die "no replay header: $(head -n 2 /tmp/replay.out | tr '\n' '|')"
	grep -q 'hackbench/' /tmp/replay.out || die "no hackbench task in the replay"
	info "replay: $(head -n 1 /tmp/replay.out)"
	figure replay_tasks "$(sed -n 's/.*; \([0-9]*\) tasks (.*/\1/p' /tmp/replay.out)"
	timeout -s KILL 200 "$SIM" --compare /tmp/rec.trc >/tmp/compare.out 2>&1
	rc=$?
	[ $rc -eq 0 ] || die "cland-sim --compare exit $rc: $(tail -n 3 /tmp/compare.out | tr '\n' '|')"
	grep -q 'deadline.*vruntime.*fifo' /tmp/compare.out || die "--compare: no policy columns"
	grep 'wake-up latency p99' /tmp/compare.out | sed 's/^/CLAND-INFO: compare: /' >&2
	head -c $((size - 100)) /tmp/rec.trc >/tmp/trunc.trc
	"$SIM" --replay /tmp/trunc.trc >/tmp/trunc.out 2>&1
	rc=$?
	[ $rc -eq 2 ] || die "a truncated recording: exit $rc, want 2"
	grep -q 'truncated at offset [0-9]' /tmp/trunc.out ||
		die "a truncated recording: no offset in '$(head -n 1 /tmp/trunc.out)'"
	info "truncated copy: $(head -n 1 /tmp/trunc.out)"
}

# --record-max-mb 1: recording stops at the limit, scheduling goes on.
case_record_limit() {
	local end size
	need_cland
	cland_enable --record /tmp/lim.trc --record-max-mb 1
	end=$(($(uptime_s) + 60))
	while ! grep -q 'reached the --record-max-mb limit' "$CLAND_LOG"; do
		[ "$(uptime_s)" -lt "$end" ] || die "1 MiB not reached in 60 s of hackbench"
		run_hackbench 60 -g 1 -l 100 >/dev/null || die "hackbench failed"
	done
	load_for 2
	[ "$(state)" = enabled ] || cland_gone "after the recording stopped"
	proc_running "$CLAND_PID" || cland_gone "after the recording stopped"
	cland_stop TERM 1000
	size=$(stat -c %s /tmp/lim.trc)
	[ "$size" -le 1048576 ] || die "the recording is $size bytes, over 1 MiB"
	"$SIM" --replay /tmp/lim.trc >/tmp/lim.out 2>&1 ||
		die "cland-sim --replay of the cut recording: $(tail -n 2 /tmp/lim.out | tr '\n' '|')"
	grep -q 'cut short' /tmp/lim.out || die "the replay does not say the recording was cut"
}
