#!/bin/bash
# apt-archive.sh - print the base URI of the Debian archive this machine's apt
# uses (deb.debian.org's, a company mirror, a caching proxy...), for the
# scripts that write an apt source of their own (deps.sh, build-libbpf.sh,
# tests/vm/fetch-kernel.sh): they then go wherever apt already goes.
#
# Usage: scripts/apt-archive.sh
#
#   CLAND_DEBIAN_MIRROR=URI  printed (less a trailing /); nothing is read.
#   CLAND_APT_ETC=DIR        read DIR/sources.list and DIR/sources.list.d/
#                            instead of the files apt-config names (tests).
#
# As apt does, the sources read are sources.list (one-line format:
# "deb [options] URI SUITE COMPONENT...") then, in name order, the files of
# sources.list.d ending in .list (one-line) or .sources (deb822 stanzas:
# Types, URIs, Suites, Components, Signed-By, Enabled); other names are
# ignored, and so are comments (also the "#" lines inside a stanza). The
# archive is the URI of a line or stanza whose suites are Debian releases
# (bookworm, trixie, sid, stable...) with a main component, signed by
# Debian's keyring (or by none named) or with "debian" in its URI; security
# archives, CD-ROMs and third-party repositories (other suites, their own
# key) are skipped. When several qualify, Debian's keyring wins, then
# "debian" in the URI, then a plain release over its -updates or -backports,
# then the first read. Exits 1 with a message when there is none.
set -eu
export LC_ALL=C

if [ -n "${CLAND_DEBIAN_MIRROR:-}" ]; then
	printf '%s\n' "${CLAND_DEBIAN_MIRROR%/}"
	exit 0
fi

if [ -n "${CLAND_APT_ETC:-}" ]; then
	list=$CLAND_APT_ETC/sources.list
	parts=$CLAND_APT_ETC/sources.list.d
else
	list=/etc/apt/sources.list
	parts=/etc/apt/sources.list.d
	if command -v apt-config >/dev/null 2>&1; then
		eval "$(apt-config shell list Dir::Etc::sourcelist/f \
			parts Dir::Etc::sourceparts/d)"
	fi
fi
parts=${parts%/}

files=()
[ -f "$list" ] && files+=("$list")
if [ -d "$parts" ]; then
	for f in "$parts"/*; do
		case ${f##*/} in
		*[!A-Za-z0-9_.-]*) continue ;;
		*.list | *.sources) ;;
		*) continue ;;
		esac
		[ -f "$f" ] && files+=("$f")
	done
fi

uri=
if [ ${#files[@]} -gt 0 ]; then
	uri=$(awk '
	# rank SUITE: 2 a Debian release, 1 its -updates or -backports,
	# 0 anything else (a third-party or flat repository), -1 security.
	function rank(s, b) {
		sub(/\/+$/, "", s)
		if (s ~ /-security$/ || s ~ /\/updates$/)
			return -1
		b = s
		sub(/-(updates|backports|backports-sloppy|proposed-updates)$/, "", b)
		if (b !~ /^(jessie|stretch|buster|bullseye|bookworm|trixie|forky|duke|sid|experimental|rc-buggy|oldoldstable|oldstable|stable|testing|unstable)$/)
			return 0
		return b == s ? 2 : 1
	}

	# candidate URI SUITES COMPONENTS SIGNED_BY: score the source and keep
	# its URI if it beats the best so far (the first one wins a tie).
	# Debian suites, a main component and one of the next two are
	# required; then, in order: Debian keyring (or none given: the
	# global one), "debian" in the URI, a release over its -updates or
	# -backports. A third-party "bookworm main" signed by its own key
	# and named otherwise is no candidate, nor "bookworm stable".
	function candidate(uri, suites, comps, signed, n, i, a, r, best, score) {
		if (uri == "" || uri ~ /^cdrom:/ ||
		    uri ~ /debian-security|security\.debian\.org/)
			return
		if (comps !~ /(^|[ \t])main([ \t]|$)/)
			return
		n = split(suites, a, /[ \t]+/)
		best = 0
		for (i = 1; i <= n; i++) {
			if (a[i] == "")
				continue
			r = rank(a[i])
			if (r < 0)
				return
			if (r > best)
				best = r
		}
		if (best == 0)
			return
		score = best - 1
		if (signed ~ /^[ \t]*$/ || signed ~ /debian-archive/)
			score += 4
		if (tolower(uri) ~ /debian/)
			score += 2
		if (score < 2)
			return
		if (score > top) {
			top = score
			sub(/\/+$/, "", uri)
			found = uri
		}
	}

	# stanza: the deb822 stanza read so far, if enabled and deb/deb-src.
	function stanza(n, i, u) {
		if (tolower(f["enabled"]) !~ /^[ \t]*(no|false|0)[ \t]*$/ &&
		    f["types"] ~ /(^|[ \t])deb(-src)?([ \t]|$)/) {
			n = split(f["uris"], u, /[ \t]+/)
			for (i = 1; i <= n; i++)
				if (u[i] != "") {
					candidate(u[i], f["suites"], f["components"],
						  f["signed-by"])
					break
				}
		}
		split("", f)
		field = ""
	}

	BEGIN { top = -1; found = "" }
	FNR == 1 { stanza(); deb822 = FILENAME ~ /\.sources$/ }

	deb822 && /^[ \t]*#/ { next }
	deb822 && /^[ \t]*$/ { stanza(); next }
	deb822 && /^[ \t]/ { if (field != "") f[field] = f[field] " " $0; next }
	deb822 {
		i = index($0, ":")
		if (i == 0)
			next
		field = tolower(substr($0, 1, i - 1))
		f[field] = substr($0, i + 1)
		next
	}

	# One-line format: deb [ key=value ... ] URI SUITE COMPONENT...
	{
		sub(/#.*/, "")
		if ($1 != "deb" && $1 != "deb-src")
			next
		i = 2
		signed = ""
		if ($i ~ /^\[/) {
			for (; i <= NF; i++) {
				if ($i ~ /signed-by=/) {
					signed = $i
					sub(/.*signed-by=/, "", signed)
				}
				if ($i ~ /\]$/)
					break
			}
			i++
		}
		comps = ""
		for (j = i + 2; j <= NF; j++)
			comps = comps " " $j
		candidate($i, $(i + 1), comps, signed)
	}

	END {
		stanza()
		if (found != "")
			print found
	}
	' "${files[@]}")
fi

if [ -z "$uri" ]; then
	{
		echo "apt-archive: no Debian archive (a deb line or stanza for a Debian release, not security) in apt's sources:"
		if [ ${#files[@]} -gt 0 ]; then
			printf '  %s\n' "${files[@]}"
		else
			echo "  none of $list, $parts/*.list, $parts/*.sources exists"
		fi
		echo "apt-archive: set CLAND_DEBIAN_MIRROR to the Debian archive's base URI (what a deb line names before the suite)"
	} >&2
	exit 1
fi
printf '%s\n' "$uri"
