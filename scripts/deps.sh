#!/bin/bash
# deps.sh - install every Debian package scx_cland needs to build, test and
# benchmark (idempotent: does nothing when all are present).
#
#   scripts/deps.sh          every package (make deps)
#   scripts/deps.sh --host   only what the simulator and the unit tests build
#                            with (make build/cland-sim, make unit): no BPF
#                            toolchain, no kernel, no QEMU; with them present it
#                            asks nothing of the network
#
# bookworm's bpftool (7.1) and QEMU (7.2) are too old: bpftool 7.5 and QEMU 10
# come from bookworm-backports, which this script adds to apt's sources when
# it is missing, on the Debian archive apt already uses (scripts/apt-archive.sh:
# the machine's mirror or proxy; CLAND_DEBIAN_MIRROR overrides it). Nothing is
# fetched from anywhere but that archive.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# package[:minimum version][@suite]
PKGS="
clang-19
llvm-19
libelf-dev
zlib1g-dev
pkg-config
make
gcc
libcmocka-dev
libjson-c-dev
libmicrohttpd-dev
clang-format
dpkg-dev
busybox-static
stress-ng
rt-tests
gnuplot-nox
cpio
zstd
gzip
bpftool:7.5@bookworm-backports
qemu-system-x86:1:10@bookworm-backports
"

# The host build's subset (--host): a compiler and the libraries the simulator
# and the unit tests link.
HOST_PKGS="
make
gcc
pkg-config
libcmocka-dev
libjson-c-dev
libmicrohttpd-dev
"

BACKPORTS_LIST=/etc/apt/sources.list.d/cland-bookworm-backports.sources

installed_ok() { # name minver
	local v
	v=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null) || return 1
	case "$v" in "install ok installed "*) ;; *) return 1 ;; esac
	[ -z "$2" ] && return 0
	dpkg --compare-versions "${v##* }" ge "$2"
}

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

# write_backports FILE: a deb822 source for bookworm-backports on the archive
# apt uses.
write_backports() {
	local archive
	archive=$("$here/apt-archive.sh") || return 1
	cat >"$1" <<EOF
Types: deb
URIs: $archive
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

add_backports() {
	have_backports && return 0
	echo "deps: adding bookworm-backports to apt's sources ($BACKPORTS_LIST)"
	write_backports "$BACKPORTS_LIST"
}

main() {
	local plain="" bpo="" p name min suite pkgs=$PKGS
	[ "${1:-}" = --host ] && pkgs=$HOST_PKGS
	for p in $pkgs; do
		suite=""
		case "$p" in *@*) suite=${p#*@}; p=${p%@*} ;; esac
		name=${p%%:*}
		min=""
		[ "$name" != "$p" ] && min=${p#*:}
		installed_ok "$name" "$min" && continue
		if [ -n "$suite" ]; then bpo="$bpo $name"; else plain="$plain $name"; fi
	done
	if [ -z "$plain$bpo" ]; then
		echo "deps: all packages present"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$plain$bpo; run 'make deps' as root" >&2
		return 1
	fi
	[ -n "$bpo" ] && add_backports
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	[ -n "$plain" ] && apt-get install -y -qq --no-install-recommends $plain
	[ -n "$bpo" ] && apt-get install -y -qq --no-install-recommends -t bookworm-backports $bpo
	echo "deps: installed$plain$bpo"
}

# Sourced (tests/scripts/test_apt_archive.sh): the functions only. (Not
# "[ ] || main": set -e would not apply inside main.)
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
