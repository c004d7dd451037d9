#!/bin/bash
# test_install.sh - host test of `make install` / `make uninstall` and of
# policies as plug-ins built out of tree: a DESTDIR install holds every file
# (binaries, headers, libcland.a, cland.pc, the systemd unit and its defaults,
# scx_cland(8) covering every option, the examples); the example policy built
# exactly as a user types it, with pkg-config on that tree, runs in cland-sim;
# plug-ins that break the contract (another ABI, a missing symbol, no
# dispatch) are refused with exit 2 by cland-sim and by scx_cland before
# anything is loaded; a program links with libcland.a; uninstall leaves no
# file behind. TAP output, counted by scripts/check.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fix=$here/fixtures/plugins
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

. "$here/tap.sh"

pc() { PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$root/usr/lib/pkgconfig pkg-config "$@"; }

# --- make install ---------------------------------------------------------
out=$(make -s -C "$repo" install DESTDIR="$root" PREFIX=/usr 2>&1)
rc=$?
missing=""
for f in usr/bin/scx_cland usr/bin/cland-sim usr/lib/libcland.a usr/lib/pkgconfig/cland.pc \
	usr/include/cland/policy.h usr/include/cland/intf.h usr/include/cland/cland.h \
	usr/include/cland/heap.h usr/lib/systemd/system/scx_cland.service etc/default/scx_cland \
	usr/share/man/man8/scx_cland.8 usr/share/scx_cland/examples/mypolicy.c \
	usr/share/scx_cland/examples/rules.json; do
	[ -f "$root/$f" ] || missing="$missing $f"
done
[ $rc -eq 0 ] && [ -z "$missing" ]
result $? "make install DESTDIR=... PREFIX=/usr installs every file" "exit $rc, missing:$missing
$out"

unit=$root/usr/lib/systemd/system/scx_cland.service
grep -qx 'ExecStart=/usr/bin/scx_cland $SCX_CLAND_FLAGS' "$unit" &&
	grep -qx 'EnvironmentFile=-/etc/default/scx_cland' "$unit" &&
	grep -qx 'Restart=on-failure' "$unit" && grep -qx 'KillSignal=SIGINT' "$unit" &&
	grep -q '^SCX_CLAND_FLAGS=' "$root/etc/default/scx_cland"
result $? "the unit: options from /etc/default/scx_cland, Restart=on-failure, SIGINT stops it" \
	"$(cat "$unit")"

# the man page renders cleanly and covers every option of --help and every ctl command
man=$root/usr/share/man/man8/scx_cland.8
warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
text=$(groff -man -Tutf8 "$man" 2>/dev/null | col -b)
undoc=""
for opt in $("$root/usr/bin/scx_cland" --help | grep -o -- '--[a-z][a-z-]*' | sort -u) \
	"ctl" "status" "policy" "slice-us" "slice-min-us" "rules reload" "latency_critical" \
	"background" "weight" "slice_us" "cpus" "comm" "cgroup" "uid" "desktop" "gaming" "server" \
	"powersave"; do
	grep -q -- "$opt" <<<"$text" || undoc="$undoc $opt"
done
[ -z "$warn" ] && [ -z "$undoc" ]
result $? "scx_cland(8) renders without warnings and covers every option, ctl command, rule key \
and profile" "warnings: $warn
missing:$undoc"

# --- the plug-in out of tree, as a user types it --------------------------
mkdir -p "$tmp/work"
cp "$root/usr/share/scx_cland/examples/mypolicy.c" "$tmp/work/"
out=$(cd "$tmp/work" && cc -shared -fPIC $(pc --cflags cland) mypolicy.c -o mypolicy.so 2>&1)
result $? "cc -shared -fPIC \$(pkg-config --cflags cland) mypolicy.c -o mypolicy.so" "$out"

out=$(cd "$tmp/work" && "$root/usr/bin/cland-sim" --policy ./mypolicy.so \
	--workload "$repo/sim/workloads/example.json" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q '^cland-sim: policy rr3,' <<<"$out" &&
	grep -q '^at the end: 0 tasks wait for a decision, the policy holds 0' <<<"$out"
result $? "the plug-in runs in cland-sim (policy rr3), no task left waiting" "exit $rc
$out"

# the same plug-in with rules: the latency-critical group is served first
ui_p99() { # the ui group's p99 wake-up latency, in the column the header names
	awk '$1 == "group" { for (i = 1; i <= NF; i++) if ($i == "lat_p99_us") c = i }
	     $1 == "ui" && c { print $c }'
}
sim_ui() { (cd "$tmp/work" && "$root/usr/bin/cland-sim" --policy ./mypolicy.so \
	--workload "$repo/sim/workloads/interactive.json" "$@" 2>&1); }
out=$(sim_ui)
before=$(ui_p99 <<<"$out")
out=$(sim_ui --rules "$repo/tests/scripts/fixtures/rules/ui-first.json")
after=$(ui_p99 <<<"$out")
[ -n "$before" ] && [ -n "$after" ] && awk -v a="$after" -v b="$before" 'BEGIN { exit !(a * 10 < b) }' &&
	grep -q 'group ui: rule 1 (ui-first): latency_critical' <<<"$out"
result $? "the plug-in honours the rules' verdict (ui p99 $before us, $after us with a \
latency_critical rule)" "$out"

# --- plug-ins that break the contract -------------------------------------
refused() { # FIXTURE WANT DESCRIPTION
	local so=$tmp/work/$1.so o1 o2 r1 r2
	cc -shared -fPIC $(pc --cflags cland) "$fix/$1.c" -o "$so" 2>"$tmp/cc.err" || {
		result 1 "$3" "$(cat "$tmp/cc.err")"
		return
	}
	o1=$("$root/usr/bin/cland-sim" --policy "$so" -w "$repo/sim/workloads/example.json" 2>&1)
	r1=$?
	o2=$("$root/usr/bin/scx_cland" -p "$so" 2>&1)
	r2=$?
	[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && grep -q "$so: .*$2" <<<"$o1" && grep -q "$so: .*$2" <<<"$o2"
	result $? "$3" "cland-sim: exit $r1: $o1
scx_cland: exit $r2: $o2"
}
refused oldabi "built for policy ABI [0-9]* (task .*), its host has ABI [0-9]* (task" \
	"a plug-in of another ABI: exit 2, named, in cland-sim and in scx_cland (before the kernel)"
refused nosym "no symbol cland_plugin_abi" "a plug-in without cland_plugin_abi: exit 2, named"
refused nodispatch "has no dispatch()" "a plug-in whose policy has no dispatch(): exit 2, named"

# --- libcland.a --------------------------------------------------------------
cat >"$tmp/work/prog.c" <<'EOF'
#include <stdio.h>
#include <cland.h>
#include <heap.h>

int main(void)
{
	const struct cland_policy *p = cland_policy_find("fifo");
	struct cland_heap h;

	if (!p || cland_heap_init(&h, 16))
		return 1;
	printf("%s\n", p->name);
	cland_heap_free(&h);
	return 0;
}
EOF
out=$(cd "$tmp/work" && cc $(pc --cflags cland) prog.c -o prog $(pc --static --libs cland) 2>&1 &&
	./prog 2>&1)
[ "$out" = fifo ]
result $? "a program builds with \$(pkg-config --cflags --static --libs cland) and runs" "$out"

# --- make uninstall ----------------------------------------------------------
echo 'SCX_CLAND_FLAGS="--profile desktop"' >"$root/etc/default/scx_cland.mine"
out=$(make -s -C "$repo" uninstall DESTDIR="$root" PREFIX=/usr 2>&1)
rc=$?
left=$(cd "$root" && find . -type f ! -name scx_cland.mine)
[ $rc -eq 0 ] && [ -z "$left" ]
result $? "make uninstall leaves no installed file" "exit $rc, left: $left
$out"

# a configuration the user changed survives reinstall and uninstall
make -s -C "$repo" install DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
echo 'SCX_CLAND_FLAGS="--profile desktop"' >"$root/etc/default/scx_cland"
make -s -C "$repo" install DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
make -s -C "$repo" uninstall DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
grep -q 'profile desktop' "$root/etc/default/scx_cland" 2>/dev/null
result $? "/etc/default/scx_cland, once changed, is neither overwritten nor removed"

echo "1..$n"
