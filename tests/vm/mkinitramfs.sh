#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh - builds the initramfs of the scx_cland test VM.
#
# Usage: tests/vm/mkinitramfs.sh [OUTPUT]   (default build/vm/initramfs.cpio.gz)
#        CLAND_VM_SCRIPT=FILE adds FILE as /tests/script.sh (run.sh --script).
#        CLAND_VM_ADD="SRC=DEST ..." adds each file SRC as DEST, with the
#        shared libraries it needs (bench/run.sh: its tools, script, extras).
#
# Contents: static busybox and its applet links, /init and the guest test
# scripts (tests/vm/guest/), the static helpers built from tests/vm/tools/
# (into build/vm/tools/), build/scx_cland when it exists (a warning
# otherwise: the cases that need it then fail), stress-ng, hackbench and
# cyclictest, with every shared library ldd lists and the dynamic loader.
# Prints the output path on stdout.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
vm=$repo/build/vm
out=${1:-$vm/initramfs.cpio.gz}
tools=$vm/tools
CC=${CC:-cc}

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
log() { echo "mkinitramfs: $*" >&2; }

for t in busybox stress-ng hackbench cyclictest cpio gzip ldd; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install busybox-static stress-ng rt-tests cpio)"
done
busybox=$(command -v busybox)
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	log "warning: $busybox may not be static (install busybox-static)"

# Static helpers, rebuilt when their source (or tools/tool.h) changed.
mkdir -p "$tools"
for src in "$here"/tools/*.c; do
	bin=$tools/$(basename "$src" .c)
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$here/tools/tool.h" -nt "$bin" ]; then
		log "cc -static $(basename "$src")"
		$CC -static -O2 -Wall -Wextra -o "$bin.$$" "$src" || die "building $src failed"
		mv -f "$bin.$$" "$bin"
	fi
done

# A staging directory of our own: several runs may build at once.
root=$(mktemp -d "$vm/initramfs.XXXXXX.d")
trap 'rm -rf "$root" "$out.$$"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,var,etc,root,tests/bin}

# busybox and its applets
cp "$busybox" "$root/bin/busybox"
busybox --list-full | while read -r applet; do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
[ -e "$root/bin/sh" ] || ln -s busybox "$root/bin/sh"

# add_libs BINARY: copy the shared libraries and loader it needs.
add_libs() {
	local lib
	{ ldd "$1" 2>/dev/null || true; } | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# add_bin SRC DEST: copy an executable and its libraries.
add_bin() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
	chmod 755 "$root$2"
	add_libs "$1"
}

for t in stress-ng hackbench cyclictest; do
	add_bin "$(command -v "$t")" "/usr/bin/$t"
done

if [ -x "$repo/build/scx_cland" ]; then
	add_bin "$repo/build/scx_cland" /bin/scx_cland
	log "included build/scx_cland"
else
	log "warning: build/scx_cland missing: the cases that need it will fail"
fi
# the simulator, for the replay of a recording made in the guest
if [ -x "$repo/build/cland-sim" ]; then
	add_bin "$repo/build/cland-sim" /bin/cland-sim
fi

# the example plug-in (docs/examples/mypolicy.c) for the hot-swap case, built
# like the helpers when its source is newer
plugin=$vm/plugins/mypolicy.so
if [ ! -f "$plugin" ] || [ "$repo/docs/examples/mypolicy.c" -nt "$plugin" ] ||
	[ "$repo/lib/policy.h" -nt "$plugin" ] || [ "$repo/bpf/intf.h" -nt "$plugin" ]; then
	log "cc -shared mypolicy.c"
	mkdir -p "$(dirname "$plugin")"
	$CC -shared -fPIC -O2 -Wall -Wextra -I"$repo/lib" -I"$repo/bpf" \
		-o "$plugin.$$" "$repo/docs/examples/mypolicy.c" || die "building the plug-in failed"
	mv -f "$plugin.$$" "$plugin"
fi
mkdir -p "$root/tests/plugins"
cp "$plugin" "$root/tests/plugins/"

for bin in "$tools"/*; do
	cp "$bin" "$root/tests/bin/"
done
cp "$here/guest/init" "$root/init"
cp "$here/guest/suite.sh" "$here/guest/lib.sh" "$here/guest/cases.sh" \
	"$here/guest/hostile.sh" "$here/guest/observe.sh" "$here/guest/rules.sh" "$root/tests/"
# run.sh --script FILE: a debugging script run as the suite "script".
if [ -n "${CLAND_VM_SCRIPT:-}" ]; then
	cp "$CLAND_VM_SCRIPT" "$root/tests/script.sh"
fi
for pair in ${CLAND_VM_ADD:-}; do
	[ -f "${pair%%=*}" ] || die "CLAND_VM_ADD: ${pair%%=*} not found"
	add_bin "${pair%%=*}" "${pair#*=}"
done
chmod 755 "$root" "$root/init" "$root/tests/suite.sh" # "/" from mktemp was 0700: root only

echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$out.$$"
mv -f "$out.$$" "$out"
log "$(du -h "$out" | cut -f1) $out"
echo "$out"
