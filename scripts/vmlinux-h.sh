#!/bin/bash
# vmlinux-h.sh - make vmlinux.h (every kernel type, for CO-RE) from the BTF of
# a sched_ext kernel.
#
# Usage: scripts/vmlinux-h.sh VMLINUZ OUT
#        scripts/vmlinux-h.sh --btf BTF OUT
#        scripts/vmlinux-h.sh --auto VERSION OUT
#
# VMLINUZ: Debian's vmlinuz is a bzImage with a zstd payload: the payload is
# found by its magic number, decompressed to an ELF vmlinux, and bpftool dumps
# the BTF of that ELF as C. BTF: a raw BTF file (the running kernel's is
# /sys/kernel/btf/vmlinux). --auto: the running kernel's BTF when it has
# sched_ext's types (every user on a sched_ext kernel: nothing is downloaded),
# else the pinned or fetched kernel VERSION (tests/vm/fetch-kernel.sh
# --pinned VERSION; CLAND_SYS_BTF names another BTF file to try first,
# CLAND_FETCH_KERNEL another fetch script, for the tests). The result must
# define struct sched_ext_ops.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	echo "usage: $0 VMLINUZ OUT | --btf BTF OUT | --auto VERSION OUT" >&2
	exit 2
}

# has_sched_ext HEADER: the dumped types define struct sched_ext_ops.
has_sched_ext() {
	grep -q '^struct sched_ext_ops {' "$1"
}

# from_btf FILE TMP: dump FILE's BTF as C into TMP/vmlinux.h.
from_btf() {
	bpftool btf dump file "$1" format c >"$2/vmlinux.h"
}

# from_vmlinuz VMLINUZ TMP: the ELF inside a Debian vmlinuz, dumped as C.
from_vmlinuz() {
	local off
	off=$(grep -abo $'\x28\xb5\x2f\xfd' "$1" | head -1 | cut -d: -f1 || true)
	[ -n "$off" ] || { echo "vmlinux-h: no zstd payload in $1" >&2; exit 1; }
	# zstd complains about the bytes that follow the payload: the ELF is whole.
	tail -c +$((off + 1)) "$1" | zstd -dcq >"$2/vmlinux" 2>/dev/null || true
	from_btf "$2/vmlinux" "$2"
}

[ $# -ge 2 ] || usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$1" in
--btf)
	[ $# -eq 3 ] || usage
	src=$2
	from_btf "$2" "$tmp"
	;;
--auto)
	[ $# -eq 3 ] || usage
	sys=${CLAND_SYS_BTF:-/sys/kernel/btf/vmlinux}
	src=""
	if [ -r "$sys" ] && from_btf "$sys" "$tmp" 2>/dev/null && has_sched_ext "$tmp/vmlinux.h"; then
		src=$sys
		echo "vmlinux-h: from the running kernel's BTF ($sys)"
	else
		echo "vmlinux-h: $sys has no sched_ext types: from the $2 kernel's image"
		fetch=${CLAND_FETCH_KERNEL:-$here/../tests/vm/fetch-kernel.sh}
		dir=$("$fetch" --pinned "$2")
		src=$dir/vmlinuz
		from_vmlinuz "$src" "$tmp"
	fi
	;;
*)
	[ $# -eq 2 ] || usage
	src=$1
	from_vmlinuz "$1" "$tmp"
	;;
esac
out=${!#}
has_sched_ext "$tmp/vmlinux.h" ||
	{ echo "vmlinux-h: $src has no sched_ext (struct sched_ext_ops)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$tmp/vmlinux.h" "$out"
