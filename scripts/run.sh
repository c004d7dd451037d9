#!/bin/bash
# run.sh - `make run`: run scx_cland for real when this kernel has sched_ext
# (as root, until Ctrl-C); otherwise boot the test VM and show scx_cland
# scheduling a demo workload there, with its counters.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
if [ -d /sys/kernel/sched_ext ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "make run: scx_cland must run as root: sudo make run" >&2
		exit 1
	fi
	echo "make run: this kernel has sched_ext: running scx_cland (Ctrl-C stops it)"
	exec "$here/build/scx_cland" -v "$@"
fi
echo "make run: this kernel ($(uname -r)) has no sched_ext: showing scx_cland in a VM"
exec "$here/tests/vm/run.sh" --suite demo
