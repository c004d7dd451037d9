#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh - boots the sched_ext test VM once: N vCPUs under TCG (software
# emulation; KVM is not usable here), 2 GiB, the kernel's console on stdout
# (carriage returns removed), the second serial port into a file. Shared by
# tests/vm/run.sh and bench/run.sh.
#
# Usage: tests/vm/qemu.sh KERNEL_DIR INITRD RESULTS_FILE TIMEOUT_S [APPEND]
#
# APPEND is added to the kernel command line. panic=-1 and -no-reboot make
# a panic or oops end the VM; TIMEOUT_S (then SIGKILL 10 s later) a hang; a
# boot that never starts the guest's init is retried (below).
# CLAND_QEMU_ACCEL overrides the accelerator (default tcg,thread=multi);
# CLAND_VM_CPUS is N, the vCPU count (1 to 64, default 2; exit 2 otherwise).
# Exit: qemu's status (124 or 137 when the timeout killed it).

set -uo pipefail

[ $# -ge 4 ] || { echo "usage: qemu.sh KERNEL_DIR INITRD RESULTS_FILE TIMEOUT_S [APPEND]" >&2; exit 2; }
kdir=$1 initrd=$2 res=$3 timeout=$4 append=${5:-}
cpus=${CLAND_VM_CPUS:-2}
case "$cpus" in ''|*[!0-9]*|0*) cpus=bad ;; esac
[ "$cpus" != bad ] && [ "$cpus" -le 64 ] ||
	{ echo "qemu.sh: CLAND_VM_CPUS='${CLAND_VM_CPUS}': want a whole number of vCPUs, 1 to 64" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "qemu.sh: qemu-system-x86_64 not found" >&2; exit 2; }

# A boot whose init (tests/vm/guest/init) has not printed its first line,
# "CLAND-BOOT: init running", within CLAND_VM_BOOT_S (default 60 s; 4 s
# normally) is the emulator's hang, before any of our code runs (seen under
# TCG: the guest kernel silent after "hpet0: 3 comparators" for 600 s; at 4
# vCPUs, RCU stalls right after "Run /init as init process", a halted vCPU
# whose timer never fired, init never running): the VM is killed and booted
# again, at most BOOT_TRIES times. A hang after that line is the test's to
# report, never retried.
boot_s=${CLAND_VM_BOOT_S:-60}
BOOT_TRIES=3
tmp=$(mktemp -d) || exit 2
qpid=
# Killed or interrupted: the VM goes too.
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null && [ -s "$tmp/pid" ]; then
		kill -KILL "$(cat "$tmp/pid")" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# boot_once: one VM run; its console streams to stdout while it is copied
# to $tmp/console; returns qemu's status, or 200 when it was killed for not
# starting the guest's init.
boot_once() {
	local tpid waited=0
	: >"$tmp/console"
	rm -f "$tmp/pid" "$tmp/rc"
	(
		timeout --foreground -k 10 "$timeout" \
			qemu-system-x86_64 \
			-accel "${CLAND_QEMU_ACCEL:-tcg,thread=multi}" -cpu max -smp "$cpus" -m 2G \
			-nographic -no-reboot -monitor none -pidfile "$tmp/pid" \
			-serial stdio -serial "file:$res" \
			-kernel "$kdir/vmlinuz" -initrd "$initrd" \
			-append "console=ttyS0 panic=-1 oops=panic loglevel=7${append:+ $append}" \
			</dev/null 2>&1 | sed -u 's/\r$//' >"$tmp/console"
		echo "${PIPESTATUS[0]}" >"$tmp/rc"
	) 2>/dev/null &
	qpid=$!
	tail -n +1 -f --pid="$qpid" "$tmp/console" &
	tpid=$!
	while kill -0 "$qpid" 2>/dev/null && ! grep -aq 'CLAND-BOOT: init running' "$tmp/console"; do
		if [ "$waited" -ge "$boot_s" ]; then
			[ -s "$tmp/pid" ] && kill -KILL "$(cat "$tmp/pid")" 2>/dev/null
			wait "$qpid" "$tpid"
			return 200
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$qpid" "$tpid"
	return "$(cat "$tmp/rc" 2>/dev/null || echo 1)"
}

try=1
while :; do
	boot_once
	rc=$?
	[ $rc = 200 ] || exit $rc
	if [ $try -ge $BOOT_TRIES ]; then
		printf '\nqemu.sh: the guest did not start its init in %ss, %s times: giving up\n' "$boot_s" "$BOOT_TRIES"
		exit 124
	fi
	printf '\nqemu.sh: the guest did not start its init in %ss (an emulator hang): booting again\n' "$boot_s"
	try=$((try + 1))
done
