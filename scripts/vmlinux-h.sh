#!/bin/bash
# vmlinux-h.sh - make vmlinux.h (every kernel type, for CO-RE) from the BTF of
# a sched_ext kernel image.
#
# Usage: scripts/vmlinux-h.sh VMLINUZ OUT
#
# Debian's vmlinuz is a bzImage with a zstd payload: the payload is found by
# its magic number, decompressed to an ELF vmlinux, and bpftool dumps the
# BTF of that ELF as C. The result must define struct sched_ext_ops.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 VMLINUZ OUT" >&2; exit 2; }
vmlinuz=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

off=$(grep -abo $'\x28\xb5\x2f\xfd' "$vmlinuz" | head -1 | cut -d: -f1 || true)
[ -n "$off" ] || { echo "vmlinux-h: no zstd payload in $vmlinuz" >&2; exit 1; }
# zstd complains about the bytes that follow the payload: the ELF is whole.
tail -c +$((off + 1)) "$vmlinuz" | zstd -dcq >"$tmp/vmlinux" 2>/dev/null || true
bpftool btf dump file "$tmp/vmlinux" format c >"$tmp/vmlinux.h"
grep -q '^struct sched_ext_ops {' "$tmp/vmlinux.h" ||
	{ echo "vmlinux-h: $vmlinuz has no sched_ext (struct sched_ext_ops)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$tmp/vmlinux.h" "$out"
