#!/bin/bash
# measure.sh - how fast the whole simulator runs: decisions per second of wall
# time on the busy-server workloads (sim/workloads/busy-*.json), best of N runs.
# Works with any build of cland-sim (it only reads the text report), so that
# two versions can be compared.
#
# Usage: sim/measure.sh [CLAND_SIM [RUNS [POLICY]]]
#   defaults: build/cland-sim, 5 runs, deadline
set -eu

here=$(cd "$(dirname "$0")" && pwd)
sim=${1:-build/cland-sim}
runs=${2:-5}
policy=${3:-deadline}

printf '%-22s %10s %12s %14s\n' workload decisions best_wall_s decisions/s
for w in "$here"/workloads/busy-*.json; do
	best=
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		out=$("$sim" -p "$policy" -w "$w")
		t1=$(date +%s%N)
		ns=$((t1 - t0))
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then
			best=$ns
		fi
	done
	dec=$(sed -n 's/^decisions: \([0-9]*\).*/\1/p' <<<"$out")
	awk -v w="$(basename "$w" .json)" -v d="$dec" -v ns="$best" \
		'BEGIN { printf "%-22s %10d %12.3f %14.0f\n", w, d, ns / 1e9, d / (ns / 1e9) }'
done
