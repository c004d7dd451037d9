#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prof.sh - where the CPU time goes under scx_cland: one VM boot, EEVDF and one
# or two scx_cland builds interleaved (2 rounds), each through stress-ng --cpu
# 2, reqwork, hackbench sockets and the pipe ping-pong; for each load, the kernel's BPF statistics
# (kernel.bpf_stats_enabled: run time and count of every struct_ops program),
# the CPUs' idle share and the daemon's CPU share (bench/prof/guest.sh prints
# one line per load and per program).
#
# Usage: bench/prof/prof.sh A_BINARY [B_BINARY] [--cpus N] [--kernel K]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() {
	echo "prof.sh: $*" >&2
	exit 2
}

[ $# -ge 1 ] || die "usage: bench/prof/prof.sh A_BINARY [B_BINARY] [--cpus N] [--kernel K]"
a=$1 b=
shift
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
	b=$1
	shift
fi
[ -x "$a" ] || die "$a: not an executable"
[ -z "$b" ] || [ -x "$b" ] || die "$b: not an executable"
cpus=2 kernel=7.3
while [ $# -gt 0 ]; do
	case $1 in
	--cpus | --kernel) [ $# -ge 2 ] || die "$1 needs a value" ;;&
	--cpus) cpus=$2 ;;
	--kernel) kernel=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus: '$cpus' is not a number of CPUs"
bpftool=$(command -v bpftool || true)
[ -n "$bpftool" ] || die "bpftool not found (make deps installs it)"

tools=$repo/build/bench/tools
"$repo/bench/tools/build.sh" "$tools" || die "building the guest tools failed"
add="$a=/tests/bin/cland_a $bpftool=/usr/sbin/bpftool $tools/reqwork=/tests/bin/reqwork"
add="$add $tools/pingpong=/tests/bin/pingpong"
[ -z "$b" ] || add="$add $b=/tests/bin/cland_b"
export CLAND_VM_ADD=$add
export CLAND_VM_CPUS=$cpus
exec "$repo/tests/vm/run.sh" --kernel "$kernel" --script "$here/guest.sh" --timeout 900
