#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh - find or fetch a sched_ext kernel for the VM tests
# (usage and options: usage() below, or --help).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

mode=default
want=
cache=

usage() {
	cat <<'EOF'
fetch-kernel.sh - find or fetch a sched_ext kernel for the VM tests.

Usage: tests/vm/fetch-kernel.sh [--pinned VERSION | --sid] [CACHEDIR]

Prints on stdout the path of a directory holding `vmlinuz` and `config`
(everything else goes to stderr).

  (no option)        newest pinned kernel in $CLAND_KERNELS_DIR
                     (default: ../shared/kernels next to the repo);
                     when there is none, Debian sid's current kernel.
  --pinned VERSION   that pinned kernel (e.g. 7.2.13+deb14-amd64, or a
                     prefix such as 7.3); falls back to sid if absent.
  --sid              always Debian sid's current kernel.
  CACHEDIR           where fetched kernels go (default build/vm/kernels);
                     a fetched kernel lands in CACHEDIR/<version>/.

The sid kernel is fetched with a private apt configuration (its own
sources list, lists and cache under build/vm/apt/), so the system's apt
sources and state are never touched. The mirror is the Debian archive
the system's apt uses (scripts/apt-archive.sh); CLAND_DEBIAN_MIRROR
overrides it. The kernel's config must have
CONFIG_SCHED_CLASS_EXT=y and CONFIG_DEBUG_INFO_BTF=y.
EOF
}
die() { echo "fetch-kernel: error: $*" >&2; exit 1; }
log() { echo "fetch-kernel: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--pinned)
		[ $# -ge 2 ] || die "--pinned needs a VERSION"
		mode=pinned; want=$2; shift 2 ;;
	--pinned=*) mode=pinned; want=${1#--pinned=}; shift ;;
	--sid) mode=sid; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) cache=$1; shift ;;
	esac
done

kernels_dir=${CLAND_KERNELS_DIR:-$repo/../shared/kernels}
cache=${cache:-$repo/build/vm/kernels}

# check_config CONFIGFILE: the kernel must have sched_ext and BTF built in.
check_config() {
	local c=$1 ok=0
	grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$c" ||
		{ log "$c: CONFIG_SCHED_CLASS_EXT is not =y"; ok=1; }
	grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$c" ||
		{ log "$c: CONFIG_DEBUG_INFO_BTF is not =y"; ok=1; }
	return $ok
}

is_kdir() { [ -f "$1/vmlinuz" ] && [ -f "$1/config" ]; }

# pinned [PREFIX]: newest pinned kernel dir whose name starts with PREFIX.
pinned() {
	local prefix=${1:-} d best=
	[ -d "$kernels_dir" ] || return 1
	for d in $(ls -1 "$kernels_dir" | sort -V); do
		case "$d" in "$prefix"*) ;; *) continue ;; esac
		is_kdir "$kernels_dir/$d" && best=$d
	done
	[ -n "$best" ] || return 1
	check_config "$kernels_dir/$best/config" ||
		die "pinned kernel $best lacks sched_ext or BTF"
	(cd "$kernels_dir/$best" && pwd)
}

fetch_sid() {
	local apt=$repo/build/vm/apt
	local -a O
	local mirror
	mirror=$("$repo/scripts/apt-archive.sh") ||
		die "no Debian archive to fetch sid's kernel from"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$cache"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" \
		>"$apt/sources.list"
	O=(-o "Dir::Etc::sourcelist=$apt/sources.list"
	   -o "Dir::Etc::sourceparts=-"
	   -o "Dir::State::Lists=$apt/lists"
	   -o "Dir::Cache=$apt/cache"
	   -o "APT::Architecture=amd64"
	   -o "APT::Sandbox::User=root"
	   -o "Acquire::Languages=none")

	log "updating private apt lists for sid ($mirror)"
	apt-get -q "${O[@]}" update >&2 || die "apt-get update (sid) failed"

	# The newest version: what the linux-image-amd64 metapackage points
	# at; failing that, the highest linux-{binary,image}-<ver>-amd64.
	local ver
	ver=$(apt-cache "${O[@]}" depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' |
		sort -V | tail -n1)
	if [ -z "$ver" ]; then
		ver=$(apt-cache "${O[@]}" search --names-only \
			'^linux-(binary|image)-[0-9][^ ]*-amd64$' |
			sed -n 's/^linux-\(binary\|image\)-\([0-9][^ ]*-amd64\) .*/\2/p' |
			grep -v -e '-rt-' -e '-cloud-' | sort -uV | tail -n1)
	fi
	[ -n "$ver" ] || die "could not find a linux-binary/linux-image amd64 package in sid"
	log "sid's current kernel: $ver"

	local out=$cache/$ver
	if is_kdir "$out" && check_config "$out/config"; then
		log "cached: $out"
		echo "$out"
		return 0
	fi

	# Newer Debian: vmlinuz in linux-binary-<ver>, config in
	# linux-base-<ver>. Older: both in linux-image-<ver>.
	local pkgs=() p
	for p in "linux-binary-$ver" "linux-base-$ver"; do
		apt-cache "${O[@]}" show "$p" >/dev/null 2>&1 && pkgs+=("$p")
	done
	[ ${#pkgs[@]} -gt 0 ] || pkgs=("linux-image-$ver")

	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "${tmp:-}"' EXIT
	log "downloading ${pkgs[*]}"
	(cd "$tmp" && apt-get -q "${O[@]}" download "${pkgs[@]}" >&2) ||
		die "apt-get download ${pkgs[*]} failed"
	local deb
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
	done
	local vmlinuz config
	vmlinuz=$(find "$tmp/root" \( -path "*/modules/$ver/vmlinuz" -o -name "vmlinuz-$ver" \) -type f | head -n1)
	config=$(find "$tmp/root" \( -path "*/modules/$ver/config" -o -name "config-$ver" \) -type f | head -n1)
	[ -n "$vmlinuz" ] || die "no vmlinuz in ${pkgs[*]}"
	[ -n "$config" ] || die "no config in ${pkgs[*]}"
	check_config "$config" || die "sid kernel $ver lacks sched_ext or BTF"

	mkdir -p "$tmp/out"
	cp "$vmlinuz" "$tmp/out/vmlinuz"
	cp "$config" "$tmp/out/config"
	apt-cache "${O[@]}" show "${pkgs[@]}" |
		grep -E '^(Package|Version|Filename|SHA256):' >"$tmp/out/SOURCE"
	rm -rf "$out"
	mv "$tmp/out" "$out"
	log "fetched into $out"
	echo "$out"
}

case $mode in
default)
	pinned "" || { log "no pinned kernel in $kernels_dir, fetching sid's"; fetch_sid; } ;;
pinned)
	pinned "$want" || { log "pinned kernel $want not found in $kernels_dir, fetching sid's"; fetch_sid; } ;;
sid)
	fetch_sid ;;
esac
