#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Linux guest panics (`echo c > /proc/sysrq-trigger`, init's panic
# action); its console is the test data of the verdict matcher
# (tests/unit/data/panic-*.txt, check_verdict.c). Two shapes, both quiet:
#  - panic=0: the whole dump up to "---[ end Kernel panic", then the guest
#    spins; pinvm is stopped with SIGTERM once the end line is out (143);
#  - panic=-1 (the base command line): the dump, then an immediate
#    SYSTEM_RESET, no end line (--on-reset exit: status 4).
# Each console also goes to the host console verbatim, base64 between
# "PINVM-DATA: begin NAME" and "PINVM-DATA: end NAME" lines (kept in the
# rig's log with --keep; tests/unit/data/README.md says how to extract).
# timeout: 480
. "$LIB"

# capture NAME: the raw console (carriage returns kept) onto /dev/console.
capture() {
	{
		echo "PINVM-DATA: begin $1 host=$HOST_KERNEL"
		base64 <"$WORK/$1.raw" | sed 's/^/PINVM-DATA: /'
		echo "PINVM-DATA: end $1"
	} >/dev/console
}

# finish NAME WANT: the run's status is WANT; the console (carriage returns
# kept in NAME.raw, dropped in NAME.out) is captured.
finish() {
	tr -d '\r' <"$WORK/$1.raw" >"$WORK/$1.out"
	OUT=$WORK/$1.out
	ERR=$WORK/$1.err
	capture "$1"
	if [ "$STATUS" -ne "$2" ]; then
		show "$OUT" "$ERR"
		fail "expected exit status $2, got $STATUS"
	fi
}

panic_re='^(\[ *[0-9]+\.[0-9]+\] )?Kernel panic - not syncing: sysrq triggered crash$'
end_re='^(\[ *[0-9]+\.[0-9]+\] )?---\[ end Kernel panic - not syncing: sysrq triggered crash \]---$'

# panic=0: wait for the end line (the guest spins after it), then SIGTERM.
name=panic-$HOST_GEN
echo "+ $PINVM run ... panic=0 pinvm.action=panic &"
"$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 1 --timeout 400 \
	--cmdline "$(linux_cmdline panic) panic=0" </dev/null >"$WORK/$name.raw" 2>"$WORK/$name.err" &
BG_PID=$!
wait_for "$end_re" "$WORK/$name.raw" 400 || echo "no end line"
kill -TERM "$BG_PID" 2>/dev/null
wait "$BG_PID"
STATUS=$?
BG_PID=
finish "$name" 143
assert_grep '^PINVM-GUEST: panic: now$' "$OUT"
assert_count 1 "$panic_re" "$OUT"
assert_count 1 "$end_re" "$OUT"
assert_summary 'stopped by SIGTERM' 143

# panic=-1: the dump, then SYSTEM_RESET.
name=panic-reset-$HOST_GEN
echo "+ $PINVM run ... panic=-1 pinvm.action=panic"
"$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 1 --timeout 400 \
	--on-reset exit --cmdline "$(linux_cmdline panic)" </dev/null \
	>"$WORK/$name.raw" 2>"$WORK/$name.err"
STATUS=$?
finish "$name" 4
assert_grep '^PINVM-GUEST: panic: now$' "$OUT"
assert_count 1 "$panic_re" "$OUT"
assert_no_grep 'end Kernel panic' "$OUT"
assert_summary 'guest reset' 4
