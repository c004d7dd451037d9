#!/bin/bash
# test_qemu_boot.sh - host test: tests/vm/qemu.sh boots the VM again when the
# guest's init has not printed its first line (CLAND-BOOT) in CLAND_VM_BOOT_S
# (an emulator hang, before or after the kernel ran /init), 3 times at most,
# then gives up with a message and status 124; a guest whose init started is
# never booted again, and qemu's own status comes back. A
# fake qemu-system-x86_64 stands in (no VM). TAP output, counted by
# scripts/check.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/tap.sh"

# The fake: counts its boots; FAKE_MODE says what each does: "hang" (never
# reaches /init), "run-init-hang" (the kernel runs /init, which never prints),
# "init-hang" (init starts, then hangs), "ok" (init starts, the suite ends,
# exit 3); FAKE_OK_AT=N: boots before the Nth hang.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<'FAKE'
#!/bin/bash
pidfile=
while [ $# -gt 0 ]; do
	[ "$1" = -pidfile ] && pidfile=$2
	shift
done
echo $$ >"$pidfile"
echo boot >>"$FAKE_COUNT"
nr=$(wc -l <"$FAKE_COUNT")
mode=$FAKE_MODE
[ -n "${FAKE_OK_AT:-}" ] && [ "$nr" -ge "$FAKE_OK_AT" ] && mode=ok
echo "[    0.1] fake kernel, boot $nr"
case $mode in
hang) exec sleep 60 ;;
run-init-hang) echo "[    1.0] Run /init as init process"; exec sleep 60 ;;
init-hang) echo "[    1.0] Run /init as init process"; echo "CLAND-BOOT: init running"; exec sleep 60 ;;
ok) echo "[    1.0] Run /init as init process"; echo "CLAND-BOOT: init running"
	echo "CLAND-TEST: END"; exit 3 ;;
esac
FAKE
chmod +x "$tmp/bin/qemu-system-x86_64"

# boot MODE TIMEOUT_S [OK_AT]: run qemu.sh with the fake; $out, $rc, $boots.
boot() {
	: >"$tmp/count"
	out=$(PATH="$tmp/bin:$PATH" FAKE_COUNT="$tmp/count" FAKE_MODE=$1 FAKE_OK_AT=${3:-} \
		CLAND_VM_BOOT_S=1 timeout 60 "$repo/tests/vm/qemu.sh" "$tmp" "$tmp/initrd" "$tmp/res" "$2" 2>&1)
	rc=$?
	boots=$(wc -l <"$tmp/count")
}

boot hang 30
[ $rc = 124 ] && [ "$boots" = 3 ] &&
	echo "$out" | grep -q "did not start its init in 1s, 3 times: giving up" &&
	[ "$(echo "$out" | grep -c "booting again")" = 2 ]
result $? "a guest that never reaches /init: booted 3 times, then status 124 and why" \
	"rc=$rc boots=$boots
$out"

boot run-init-hang 30
[ $rc = 124 ] && [ "$boots" = 3 ] && [ "$(echo "$out" | grep -c "booting again")" = 2 ]
result $? "a kernel that runs /init but whose init never prints: booted 3 times, status 124" \
	"rc=$rc boots=$boots
$out"

boot hang 30 3
[ $rc = 3 ] && [ "$boots" = 3 ] && echo "$out" | grep -q "CLAND-TEST: END" &&
	echo "$out" | grep -q "fake kernel, boot 3"
result $? "a guest that reaches /init on the third boot: its console and qemu's status" \
	"rc=$rc boots=$boots
$out"

boot ok 30
[ $rc = 3 ] && [ "$boots" = 1 ] && ! echo "$out" | grep -q "booting again"
result $? "a guest that reaches /init at once: booted once, qemu's status" "rc=$rc boots=$boots
$out"

boot init-hang 3
[ $rc = 124 ] && [ "$boots" = 1 ] && ! echo "$out" | grep -q "booting again"
result $? "a hang after init started: never booted again, the timeout's status 124" "rc=$rc boots=$boots
$out"

echo "1..$n"
