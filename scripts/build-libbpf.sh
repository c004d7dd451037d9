#!/bin/bash
# build-libbpf.sh OUTDIR - build libbpf >= 1.5 as a static library from
# Debian's source package and install headers + libbpf.a under OUTDIR.
#
# bpftool 7.5 generates skeletons that need libbpf 1.5; bookworm ships 1.1 and
# bookworm-backports 1.4.6, so the source comes from trixie through a private
# apt configuration (the system's apt sources are left untouched) on the
# Debian archive the system's apt uses (scripts/apt-archive.sh; the
# environment's CLAND_DEBIAN_MIRROR overrides it).
set -eu

OUT=$(realpath -m "$1")
SUITE=${LIBBPF_SUITE:-trixie}
[ -f "$OUT/lib/libbpf.a" ] && exit 0
ARCHIVE=$("$(dirname "$0")/apt-archive.sh")

WORK="$OUT/src"
APTDIR="$WORK/apt"
rm -rf "$WORK"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
echo "deb-src $ARCHIVE $SUITE main" >"$APTDIR/sources.list"
APT_OPTS="-o Dir::Etc::sourcelist=$APTDIR/sources.list -o Dir::Etc::sourceparts=-
	-o Dir::State::Lists=$APTDIR/lists -o Dir::Cache=$APTDIR/cache
	-o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root -qq"

echo "libbpf: fetching the Debian source package from $SUITE ($ARCHIVE)"
# shellcheck disable=SC2086
apt-get $APT_OPTS update
# shellcheck disable=SC2086
(cd "$WORK" && apt-get $APT_OPTS source --download-only libbpf >/dev/null)
(cd "$WORK" && dpkg-source -x --no-check ./libbpf_*.dsc libbpf >/dev/null)

ver=$(sed -n 's/^Version: //p' "$WORK"/libbpf_*.dsc)
case "$ver" in
0.* | 1.[0-4].* | 1.[0-4]-*)
	echo "libbpf: $SUITE has $ver, need >= 1.5" >&2
	exit 1
	;;
esac

echo "libbpf: building $ver (static)"
make -s -C "$WORK/libbpf/src" -j"$(nproc)" BUILD_STATIC_ONLY=1 \
	OBJDIR="$WORK/obj" DESTDIR="$OUT" PREFIX= LIBDIR=/lib INCLUDEDIR=/include \
	install >/dev/null
echo "$ver" >"$OUT/VERSION"
echo "libbpf: $ver installed in $OUT"
