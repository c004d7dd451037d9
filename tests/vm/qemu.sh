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
# a panic or oops end the VM; TIMEOUT_S (then SIGKILL 10 s later) a hang.
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

timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 \
	-accel "${CLAND_QEMU_ACCEL:-tcg,thread=multi}" -cpu max -smp "$cpus" -m 2G \
	-nographic -no-reboot -monitor none \
	-serial stdio -serial "file:$res" \
	-kernel "$kdir/vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7${append:+ $append}" \
	</dev/null 2>&1 | sed -u 's/\r$//'
exit "${PIPESTATUS[0]}"
