#!/bin/bash
# test_apt_archive.sh - host test of scripts/apt-archive.sh (the Debian archive
# taken from apt's sources) on the fixture apt configurations in
# fixtures/apt/, and of the bookworm-backports source scripts/deps.sh writes
# with it. TAP output ("1..N", "ok N - ..."), counted by scripts/check.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fix=$here/fixtures/apt
helper=$repo/scripts/apt-archive.sh
tmp=$(mktemp -d)
unset CLAND_DEBIAN_MIRROR
trap 'rm -rf "$tmp"' EXIT

n=0
nfail=0

# result OK DESCRIPTION [DETAIL...]: one TAP line (details as comments).
result() {
	local ok=$1 what=$2
	shift 2
	n=$((n + 1))
	if [ "$ok" -eq 0 ]; then
		echo "ok $n - $what"
		return
	fi
	nfail=$((nfail + 1))
	echo "not ok $n - $what"
	local d
	for d in "$@"; do
		printf '%s\n' "$d" | sed 's/^/#   /'
	done
}

# run CASE: the helper on fixture CASE with no override; sets out, err, rc.
run() {
	out=$(CLAND_APT_ETC="$fix/$1/etc" "$helper" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# finds CASE DESCRIPTION: the helper prints CASE/expected and exits 0.
finds() {
	local want
	want=$(cat "$fix/$1/expected")
	run "$1"
	[ "$rc" -eq 0 ] && [ "$out" = "$want" ]
	result $? "$2" "expected: $want (exit 0)" "got: $out (exit $rc)" "$err"
}

# fails CASE DESCRIPTION FILE...: the helper prints nothing, exits non-zero
# and its message names CLAND_DEBIAN_MIRROR and each FILE.
fails() {
	local c=$1 what=$2 f ok=0
	shift 2
	run "$c"
	[ "$rc" -ne 0 ] && [ -z "$out" ] || ok=1
	grep -q 'CLAND_DEBIAN_MIRROR' <<<"$err" || ok=1
	for f in "$@"; do
		grep -qF "$fix/$c/etc/$f" <<<"$err" || ok=1
	done
	result $ok "$what" "got: '$out' (exit $rc)" "$err"
}

echo "1..9"

finds oneline "sources.list, one-line format: comments, cdrom, security and options skipped"
finds deb822 "deb822: '#' lines inside a stanza, Enabled: no and non-.list/.sources files ignored"
finds skip "security and third-party sources (google, docker, sury, nodesource) skipped"
finds prefer-release "a release's archive preferred over a -backports source read first"

out=$(CLAND_DEBIAN_MIRROR=file:/srv/mirror/debian/ CLAND_APT_ETC="$fix/oneline/etc" \
	"$helper" 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$out" = file:/srv/mirror/debian ]
result $? "CLAND_DEBIAN_MIRROR overrides apt's sources" "got: $out (exit $rc)"

out=$(CLAND_DEBIAN_MIRROR=file:/srv/mirror/debian CLAND_APT_ETC="$fix/empty/etc" \
	"$helper" 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$out" = file:/srv/mirror/debian ]
result $? "CLAND_DEBIAN_MIRROR needs no apt source" "got: $out (exit $rc)"

fails none "only security and third-party sources: exit non-zero, message names the files and the override" \
	sources.list sources.list.d/00-google-cloud-sdk.list sources.list.d/30-nodesource.sources
fails empty "no sources at all: exit non-zero, message names the files looked for and the override" \
	sources.list sources.list.d/

# deps.sh's bookworm-backports source, written on the fixture's archive.
want=$(cat "$fix/deb822/expected")
out=$(
	# shellcheck source=SCRIPTDIR/../../scripts/deps.sh
	. "$repo/scripts/deps.sh" &&
		CLAND_APT_ETC=$fix/deb822/etc write_backports "$tmp/bpo.sources" &&
		cat "$tmp/bpo.sources"
) 2>&1
rc=$?
[ "$rc" -eq 0 ] && grep -qx "URIs: $want" <<<"$out" &&
	grep -qx 'Suites: bookworm-backports' <<<"$out"
result $? "deps.sh writes bookworm-backports on apt's archive" \
	"expected: URIs: $want" "got (exit $rc):" "$out"

[ "$nfail" -eq 0 ]
