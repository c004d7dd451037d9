# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - the guest side of bench/prof/prof.sh: for EEVDF and each build
# added as /tests/bin/cland_a (and cland_b), 2 rounds, four loads (stress-ng
# --cpu 2 for 5 s, reqwork for 4 s, hackbench sockets once, the pipe ping-pong
# for 3 s). Around each load
# a snapshot of /proc/stat, the daemon's CPU time and every struct_ops
# program's run time (bpftool prog show, with kernel.bpf_stats_enabled);
# then one line for the load:
#   CLAND-INFO: NAME LOAD: RESULT | idle=% daemon=% bpf=% (shares of all CPUs'
#   time) ctxt_s=N intr_s=N (context switches and interrupts a second)
# and one per program, largest first:
#   CLAND-INFO: NAME LOAD: PROGRAM ms=M calls=N us_per_call=U
# Sourced by tests/vm/run.sh --script (guest/lib.sh's helpers).

# snap FILE: the CPUs' jiffies (all, idle+iowait), context switches,
# interrupts and the uptime in ms; the daemon's jiffies; then "prog ns calls" lines.
snap() {
	awk -v up="$(cut -d' ' -f1 /proc/uptime)" '
	/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; idle = $5 + $6 }
	/^ctxt / { c = $2 }
	/^intr / { n = $2 }
	END { print t, idle, c, n, up * 1000 }' /proc/stat >"$1"
	if [ -n "$CLAND_PID" ]; then
		awk '{print $14 + $15}' "/proc/$CLAND_PID/stat" >>"$1"
	else
		echo 0 >>"$1"
	fi
	bpftool prog show 2>/dev/null | awk '/struct_ops/ {
		n = ""; t = 0; c = 0
		for (i = 1; i < NF; i++) {
			if ($i == "name") n = $(i + 1)
			if ($i == "run_time_ns") t = $(i + 1)
			if ($i == "run_cnt") c = $(i + 1)
		}
		print n, t, c
	}' >>"$1"
}

# report NAME LOAD RESULT: the shares between /tmp/p0 and /tmp/p1, then the programs.
report() {
	awk -v name="$1" -v load="$2" -v res="$3" '
	FNR == 1 {
		f = FILENAME == ARGV[1]
		tot[f] = $1; idle[f] = $2; ctxt[f] = $3; intr[f] = $4; ms[f] = $5; next
	}
	FNR == 2 { dm[FILENAME == ARGV[1]] = $1; next }
	FILENAME == ARGV[1] { t0[$1] = $2; c0[$1] = $3; next }
	{ dt[$1] = $2 - t0[$1]; dc[$1] = $3 - c0[$1] }
	END {
		j = tot[0] - tot[1]; if (j <= 0) j = 1
		hz = 100; cpu_ns = j / hz * 1e9; bpf = 0
		for (p in dt) bpf += dt[p]
		s = (ms[0] - ms[1]) / 1000; if (s <= 0) s = 1
		printf "999999999999999 CLAND-INFO: %s %s: %s | idle=%.1f%% daemon=%.1f%% bpf=%.2f%% ctxt_s=%d intr_s=%d\n",
			name, load, res, 100 * (idle[0] - idle[1]) / j, 100 * (dm[0] - dm[1]) / j, 100 * bpf / cpu_ns,
			(ctxt[0] - ctxt[1]) / s, (intr[0] - intr[1]) / s
		for (p in dt) if (dt[p] > 0)
			printf "%d CLAND-INFO: %s %s: %s ms=%.1f calls=%d us_per_call=%.1f\n", dt[p], name, load, p,
				dt[p] / 1e6, dc[p], dt[p] / 1e3 / (dc[p] > 0 ? dc[p] : 1)
	}' /tmp/p0 /tmp/p1 | sort -rn -k1,1 | sed 's/^[0-9]* //' >&2
}

prof_load() {
	local name=$1 load=$2 r
	shift 2
	snap /tmp/p0
	r=$("$@" 2>&1 | tail -n 1)
	snap /tmp/p1
	report "$name" "$load" "$r"
}

sng() { stress-ng --cpu 2 --timeout 5 --metrics-brief 2>&1 | awk '/cpu /{print "bogo_ops_s=" $(NF-1)}'; }
hbs() { hackbench -g 4 -l 100 2>&1 | awk '/Time/{print "seconds=" $2}'; }

echo 1 >/proc/sys/kernel/bpf_stats_enabled || die "no kernel.bpf_stats_enabled"
ITERS=$(/tests/bin/reqwork -c | sed -n 's/^burst_iters=\([0-9]*\).*/\1/p')
[ -n "$ITERS" ] || die "reqwork -c gave no burst_iters"
builds=a
[ -x /tests/bin/cland_b ] && builds="a b"
for r in 1 2; do
	for c in eevdf $builds; do
		CLAND_PID=
		if [ "$c" != eevdf ]; then
			CLAND=/tests/bin/cland_$c start_cland
			waitstate enabled 10000 "$CLAND_PID" >/dev/null || die "$c: not enabled"
			sleep 1
		fi
		prof_load "$c" stress-ng sng
		prof_load "$c" reqwork /tests/bin/reqwork -d 4 -i "$ITERS"
		prof_load "$c" "hackbench sockets" hbs
		prof_load "$c" pingpong /tests/bin/pingpong 3
		if [ "$c" != eevdf ]; then
			kill -INT "$CLAND_PID"
			wait "$CLAND_PID"
		fi
	done
done
out "CLAND-TEST: PASS prof"
