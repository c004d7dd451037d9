# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - the TAP lines of the script tests (sourced by tests/scripts/test_*.sh;
# scripts/check.sh counts them): result, skip, and the counter n for the plan
# ("1..$n") each test prints at its end.

n=0

# result OK DESCRIPTION [DETAIL]: "ok N - DESCRIPTION" when OK is 0, else
# "not ok N - DESCRIPTION" with DETAIL as comments, its last TAP_DETAIL_LINES
# lines (15; "+1": all of it).
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n "${TAP_DETAIL_LINES:-15}" | sed 's/^/#   /'
	fi
}

# skip DESCRIPTION REASON: counted, neither passed nor failed.
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
