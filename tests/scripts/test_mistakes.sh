#!/bin/bash
# test_mistakes.sh - host test: what a newcomer sees in cland-sim --check
# (issue 13). Each policy of tests/sim/mistakes/ makes one of the mistakes
# the issue lists; built as a plug-in as the tutorial builds one, it must make
# `cland-sim --policy ./X.so --workload W --check` exit 1 with the lines its
# "expect: W: TEXT" comments give, on stderr. The tutorial's policy,
# docs/examples/lottery.c, must pass --check on every workload of
# sim/workloads/ (exit 0), and make the same draws on every run (its
# host->random() is seeded) and other ones with another --seed. TAP output,
# counted by scripts/check.sh; needs build/cland-sim (make builds it).
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
sim=$repo/build/cland-sim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

TAP_DETAIL_LINES=+1 # the whole of cland-sim's stderr
. "$here/tap.sh"

# plugin SRC: build SRC as a plug-in, as the tutorial does; prints the .so
plugin() {
	local so=$tmp/$(basename "$1" .c).so
	cc -shared -fPIC -Wall -Wextra -Werror -Wno-unused-parameter -I"$repo/lib" -I"$repo/bpf" \
		-I"$repo/tests/sim/mistakes" "$1" -o "$so" 2>"$tmp/cc.err" || return 1
	echo "$so"
}

if [ ! -x "$sim" ]; then
	result 1 "build/cland-sim is built" "run make first"
	echo "1..$n"
	exit 0
fi

for src in "$repo"/tests/sim/mistakes/*.c; do
	name=$(basename "$src" .c)
	if ! so=$(plugin "$src"); then
		result 1 "$name builds as a plug-in" "$(cat "$tmp/cc.err")"
		continue
	fi
	for w in $(sed -n 's/^ \* expect: \([^:]*\):.*/\1/p' "$src" | sort -u); do
		"$sim" --policy "$so" --workload "$repo/sim/workloads/$w" --check >/dev/null 2>"$tmp/err"
		rc=$?
		ok=0
		[ $rc -eq 1 ] || ok=1
		while IFS= read -r want; do
			grep -qF -- "cland-sim: " "$tmp/err" && grep -qF -- "$want" "$tmp/err" || ok=1
		done < <(sed -n "s/^ \* expect: $w: //p" "$src")
		result $ok "$name on $w: --check exits 1 with its failures named" \
			"exit $rc; stderr:
$(cat "$tmp/err")"
	done
done

if so=$(plugin "$repo/docs/examples/lottery.c"); then
	for w in "$repo"/sim/workloads/*.json; do
		"$sim" --policy "$so" --workload "$w" --check >/dev/null 2>"$tmp/err"
		rc=$?
		result $rc "the tutorial's lottery passes --check on $(basename "$w")" "$(cat "$tmp/err")"
	done
	a=$("$sim" --policy "$so" --workload "$repo/sim/workloads/nice.json" --json)
	b=$("$sim" --policy "$so" --workload "$repo/sim/workloads/nice.json" --json)
	c=$("$sim" --policy "$so" --workload "$repo/sim/workloads/nice.json" --json --seed 7)
	ok=1
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ] && ok=0
	result $ok "the lottery's draws follow --seed (host->random): same seed, same run; another, another"
else
	result 1 "docs/examples/lottery.c builds as a plug-in" "$(cat "$tmp/cc.err")"
fi
echo "1..$n"
