# SPDX-License-Identifier: GPL-2.0
#
# tcg-fault.sh - tells a guest kernel killed by QEMU TCG's cross-modifying-
# code fault from a real kernel oops, on the console log (bash; sourced by
# run.sh and bench/run.sh, which boot such a guest once more, and by
# tests/scripts/test_tcg_fault.sh).

# stale_int3 LOG: the guest kernel died of TCG's cross-modifying-code fault:
# "Oops: int3" where memory no longer holds an int3. Text patching (a static
# key flipped when a sched_ext scheduler is enabled or disabled) puts an int3
# on the site, then the new bytes, then lets the int3 handler go; a vCPU
# that still ran the stale translation of the site trapped after that. The
# Code: line is read from memory at the oops, its <byte> is where the trap
# returns, so the byte before it is the int3's place: on real hardware it
# is 0xcc there, or no trap. Prints the diagnosis; status 0 iff so.
stale_int3() {
	local first oops code rip
	# the first kernel trouble on the console must be that int3
	first=$(grep -a -n -m1 -E '^\[ *[0-9.]+\] (Oops|BUG|WARNING|Kernel panic)' "$1") || return 1
	[[ "$first" =~ ^[0-9]+:\[\ *[0-9.]+\]\ Oops:\ int3 ]] || return 1
	oops=$(tail -n +"${first%%:*}" "$1" | head -n 12)
	code=$(grep -a -m1 ' Code: ' <<<"$oops")
	rip=$(grep -a -m1 ' RIP: ' <<<"$oops" | sed 's/^\[[^]]*\] *//')
	[[ "$code" =~ ([0-9a-f]{2})\ \<[0-9a-f]{2}\> ]] || return 1
	[ "${BASH_REMATCH[1]}" != cc ] || return 1
	echo "$rip, the int3's byte now ${BASH_REMATCH[1]}"
}

# stale_int3_set_aside WHO LOG RES: when LOG shows that fault, say so (as
# WHO), keep LOG and RES as LOG.attempt1 and RES.attempt1, start RES anew
# and return 0: the caller boots once more. Status 1 otherwise.
stale_int3_set_aside() {
	local why
	why=$(stale_int3 "$2") || return 1
	echo "$1: the guest kernel died of QEMU TCG's stale-int3 fault ($why);"
	echo "$1: not a scx_cland failure (no code of ours runs there): booting once more"
	mv -f "$2" "$2.attempt1"
	mv -f "$3" "$3.attempt1"
	: >"$3"
}
