#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ab.sh - two scx_cland builds and EEVDF in one VM boot, interleaved: the way
# to tell whether a change moved a figure, when the VM's speed varies from one
# run to the next more than most changes do (make bench compares schedulers
# of one build; this compares builds). The loads and what is printed:
# bench/ab/guest.sh.
#
# Usage: bench/ab/ab.sh A_BINARY B_BINARY [--cpus N] [--rounds N] [--kernel K]
#                       [--policy NAME]
#   e.g. git stash; make; cp build/scx_cland /tmp/a; git stash pop; make;
#        bench/ab/ab.sh /tmp/a build/scx_cland
# --policy: both builds run that policy (scx_cland -p NAME); default: theirs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() {
	echo "ab.sh: $*" >&2
	exit 2
}

[ $# -ge 2 ] || die "usage: bench/ab/ab.sh A_BINARY B_BINARY [--cpus N] [--rounds N] [--kernel K] [--policy NAME]"
a=$1 b=$2
shift 2
[ -x "$a" ] || die "$a: not an executable"
[ -x "$b" ] || die "$b: not an executable"
cpus=2 rounds=2 kernel=7.3 policy=
while [ $# -gt 0 ]; do
	case $1 in
	--cpus | --rounds | --kernel | --policy) [ $# -ge 2 ] || die "$1 needs a value" ;;&
	--cpus) cpus=$2 ;;
	--rounds) rounds=$2 ;;
	--kernel) kernel=$2 ;;
	--policy) policy=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus: '$cpus' is not a number of CPUs"
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds: '$rounds' is not a number of rounds"
[[ -z $policy || $policy =~ ^[a-z][a-z0-9_-]*$ ]] || die "--policy: '$policy' is not a policy name"
for bin in "$a" "$b"; do
	[ -n "$policy" ] || break
	# the list first, then the match: grep -q in a pipe may leave the binary a SIGPIPE
	list=$("$bin" --list-policies) || die "--policy: $bin cannot list its policies"
	grep -q "^$policy " <<<"$list" || die "--policy: $bin has no policy '$policy'"
done

tools=$repo/build/bench/tools
"$repo/bench/tools/build.sh" "$tools" || die "building the guest tools failed"
# the guest's parameters: a file in the initramfs (the guest has no host environment)
mkdir -p "$repo/build/ab"
printf 'AB_ROUNDS=%s\nAB_POLICY=%s\n' "$rounds" "$policy" >"$repo/build/ab/ab.env"
export CLAND_VM_ADD="$a=/tests/bin/cland_a $b=/tests/bin/cland_b $tools/reqwork=/tests/bin/reqwork $tools/pingpong=/tests/bin/pingpong $repo/build/ab/ab.env=/tests/ab.env"
export CLAND_VM_CPUS=$cpus
exec "$repo/tests/vm/run.sh" --kernel "$kernel" --script "$here/guest.sh" \
	--timeout $((600 * rounds))
