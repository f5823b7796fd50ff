#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SIGTERM while a Linux guest boots, with pinvm's stdin on a terminal (a
# virtual console of the emulated host, /dev/tty2): pinvm puts it in raw
# mode, stops in order on SIGTERM (status 143, the summary, an event log
# of complete JSON lines ending in the exit event) and gives the terminal
# back exactly as it found it.
# timeout: 60
. "$LIB"

tty=/dev/tty2
[ -c "$tty" ] || skip "no virtual console $tty on this host to test the terminal with"
before=$(stty -g <"$tty") || skip "cannot read the settings of $tty"

log=$WORK/boot.jsonl
OUT=$WORK/boot.out
ERR=$WORK/boot.err
echo "+ $PINVM run --kernel $LINUX_KERNEL --initrd $LINUX_INITRD --cpus 2 ... <$tty &"
"$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 2 \
	--cmdline "$(linux_cmdline poweroff)" --event-log "$log" <"$tty" >"$OUT" 2>"$ERR" &
pid=$!
# The guest runs once the "start" event is logged; its kernel then boots
# quietly for several seconds here before init prints: one second in, it
# is in the middle of booting.
wait_for '"type":"start"' "$log" 30 || { show "$OUT" "$ERR"; fail "the guest did not start"; }
sleep 1
during=$(stty -a <"$tty")
kill -TERM "$pid"
_ticks=50
while [ -r "/proc/$pid/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" && [ $_ticks -gt 0 ]; do
	sleep 0.2
	_ticks=$((_ticks - 1))
done
[ $_ticks -gt 0 ] || { kill -KILL "$pid"; show "$OUT" "$ERR"; fail "still running 10 s after SIGTERM"; }
wait "$pid"
STATUS=$?
after=$(stty -g <"$tty")

[ "$STATUS" -eq 143 ] || { show "$OUT" "$ERR"; fail "exit status $STATUS, want 143"; }
assert_summary 'stopped by SIGTERM' 143
# Stopped during the boot: the guest's init never ran.
assert_no_grep 'PINVM-GUEST: init reached' "$OUT"
awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "event log is not JSON lines"; }
assert_grep '"type":"signal","signal":15,"name":"SIGTERM"\}$' "$log"
tail -n 1 "$log" | grep -q '"type":"exit","status":143,' || fail "event log does not end with the exit event"
# Raw while running (no canonical mode, no echo), restored afterwards.
echo "$during" | grep -q -- '-icanon' || { echo "$during"; fail "$tty was not in raw mode while pinvm ran"; }
echo "$during" | grep -q -- '-echo ' || { echo "$during"; fail "$tty still echoed while pinvm ran"; }
[ "$after" = "$before" ] || fail "terminal not restored: before $before, after $after"
