#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SIGTERM, SIGINT and SIGHUP stop pinvm in order: exit 128+N, a signal
# event, and an event log of complete JSON lines ending in exit.
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
for sig in TERM:15 INT:2 HUP:1; do
	name=${sig%:*}
	num=${sig#*:}
	log=$WORK/$name.jsonl
	bg_start "sig$name" -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=hang" \
		--event-log "$log"
	wait_for '^PVGUEST: hang' "$OUT" 20 || fail "guest did not start"
	kill -"$name" "$BG_PID"
	bg_wait $((128 + num)) 20
	assert_summary "stopped by SIG$name" $((128 + num))
	awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "event log is not JSON lines"; }
	assert_grep "\"type\":\"signal\",\"signal\":$num,\"name\":\"SIG$name\"\\}\$" "$log"
	tail -n 1 "$log" | grep -q "\"type\":\"exit\",\"status\":$((128 + num))," ||
		fail "event log does not end with the exit event"
done

# Two stop signals at once: pinvm is frozen (SIGSTOP) while SIGHUP and
# SIGTERM arrive, so both are pending when it goes on. The first one read
# (SIGHUP, the lower number) stops the guest; the second must not kill pinvm
# before its summary and exit record: stop signals stay blocked until the
# process ends, so the status is SIGHUP's, 129, not a death by SIGTERM (143).
log=$WORK/two.jsonl
bg_start two -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=hang" --event-log "$log"
wait_for '^PVGUEST: hang' "$OUT" 20 || fail "guest did not start"
kill -STOP "$BG_PID"
kill -HUP "$BG_PID"
kill -TERM "$BG_PID"
kill -CONT "$BG_PID"
bg_wait 129 20
assert_summary 'stopped by SIGHUP' 129
tail -n 1 "$log" | grep -q '"type":"exit","status":129,' ||
	{ show "$log"; fail "the event log does not end with the exit event"; }
