#!/bin/bash
# test_build_offline.sh - host test: the simulator and the unit tests build
# without the network, libbpf or vmlinux.h (a copy of the tree built under
# `unshare -n`, where only loopback exists), and scripts/vmlinux-h.sh --auto
# takes vmlinux.h from the running kernel's BTF when it has sched_ext's types,
# fetching a kernel only when it has not (a fake bpftool and a fake fetch
# script stand in). TAP output, counted by scripts/check.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/tap.sh"

# --- vmlinux-h.sh --auto, with stand-ins ------------------------------------
mkdir -p "$tmp/bin" "$tmp/kernel"
# bpftool: "dumps" a file whose first line says whether it has sched_ext
cat >"$tmp/bin/bpftool" <<'EOF'
#!/bin/sh
[ "$1 $2 $3" = "btf dump file" ] || exit 1
echo "struct task_struct {"
grep -q sched_ext "$4" && echo "struct sched_ext_ops {"
exit 0
EOF
cat >"$tmp/fetch" <<EOF
#!/bin/sh
echo "\$@" >>"$tmp/fetched"
echo "$tmp/kernel"
EOF
chmod +x "$tmp/bin/bpftool" "$tmp/fetch"
# a "vmlinuz": zstd magic, then a zstd frame whose content says sched_ext
printf 'sched_ext kernel' | zstd -q >"$tmp/payload.zst"
{ printf 'bzImage header'; cat "$tmp/payload.zst"; } >"$tmp/kernel/vmlinuz"
echo "has sched_ext" >"$tmp/btf-scx"
echo "plain kernel" >"$tmp/btf-plain"

auto() { # BTF OUT
	rm -f "$tmp/fetched"
	PATH="$tmp/bin:$PATH" CLAND_SYS_BTF=$1 CLAND_FETCH_KERNEL=$tmp/fetch \
		"$repo/scripts/vmlinux-h.sh" --auto 7.2 "$2" >"$tmp/log" 2>&1
}

auto "$tmp/btf-scx" "$tmp/out1/vmlinux.h"
rc=$?
ok=1
[ $rc -eq 0 ] && [ ! -e "$tmp/fetched" ] && grep -q '^struct sched_ext_ops {' "$tmp/out1/vmlinux.h" &&
	grep -q "running kernel's BTF" "$tmp/log" && ok=0
result $ok "vmlinux-h --auto: the running kernel's BTF with sched_ext is used, nothing fetched" \
	"$(cat "$tmp/log")"

auto "$tmp/btf-plain" "$tmp/out2/vmlinux.h"
rc=$?
ok=1
[ $rc -eq 0 ] && [ "$(cat "$tmp/fetched" 2>/dev/null)" = "--pinned 7.2" ] &&
	grep -q '^struct sched_ext_ops {' "$tmp/out2/vmlinux.h" && ok=0
result $ok "vmlinux-h --auto: a BTF without sched_ext falls back to the pinned kernel's image" \
	"$(cat "$tmp/log")"

auto "$tmp/nonexistent" "$tmp/out3/vmlinux.h"
rc=$?
ok=1
[ $rc -eq 0 ] && [ -s "$tmp/fetched" ] && ok=0
result $ok "vmlinux-h --auto: no BTF at all falls back to the pinned kernel's image" \
	"$(cat "$tmp/log")"

# --- the simulator and the unit tests, offline ------------------------------
if ! command -v unshare >/dev/null || ! unshare -n true 2>/dev/null; then
	skip "make build/cland-sim unit with no network" "unshare -n is not permitted here"
	echo "1..$n"
	exit 0
fi
# dpkg-query that notes which packages are asked about and says the VM's and
# the BPF toolchain's are missing: a build that asked for them would try to
# install them (the network)
real_dq=$(command -v dpkg-query)
mkdir -p "$tmp/offbin"
cat >"$tmp/offbin/dpkg-query" <<EOF
#!/bin/sh
for a in "\$@"; do
	echo "\$a" >>"$tmp/asked"
	case "\$a" in qemu-system-x86|bpftool|clang-19|stress-ng) exit 1 ;; esac
done
exec $real_dq "\$@"
EOF
chmod +x "$tmp/offbin/dpkg-query"
# the tree as it is (tracked and new files), without build/
src=$tmp/tree
mkdir -p "$src"
(cd "$repo" && git ls-files -z -c -o --exclude-standard | grep -zv '^build/' |
	xargs -0 cp --parents -t "$src" 2>/dev/null)
out=$(cd "$src" && PATH="$tmp/offbin:$PATH" unshare -n make -j2 build/cland-sim unit 2>&1)
rc=$?
ok=1
[ $rc -eq 0 ] && [ -x "$src/build/cland-sim" ] && [ -x "$src/build/tests/test_fifo" ] &&
	[ ! -e "$src/build/vmlinux.h" ] && [ ! -e "$src/build/libbpf" ] &&
	! grep -qxE 'qemu-system-x86|bpftool|clang-19|stress-ng' "$tmp/asked" && ok=0
result $ok "make build/cland-sim unit, no network nor BPF/VM packages: built, no vmlinux.h nor libbpf" "$out"
out=$("$src/build/cland-sim" -p fifo -w "$src/sim/workloads/nice.json" 2>&1)
result $? "the offline build of cland-sim runs" "$out"
echo "1..$n"
