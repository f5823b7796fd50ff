#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SIGTERM, SIGINT and SIGHUP stop pinvm in order: exit 128+N, a signal
# event, and an event log of complete JSON lines ending in exit.
# timeout: 120
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

# A storm of SIGTERMs (one every few milliseconds until pinvm is gone): the
# ones that arrive while pinvm stops must not kill it before its summary and
# the exit record (stop signals stay blocked until the process ends). Ten
# rounds, each with a 2-vCPU guest so parking takes a moment.
for round in 1 2 3 4 5 6 7 8 9 10; do
	log=$WORK/storm$round.jsonl
	bg_start "storm$round" -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=hang" \
		--event-log "$log"
	wait_for '^PVGUEST: hang' "$OUT" 20 || fail "guest did not start (round $round)"
	while bg_alive && kill -TERM "$BG_PID" 2>/dev/null; do
		usleep 2000 2>/dev/null || sleep 0.002
	done
	bg_wait 143 20
	assert_summary 'stopped by SIGTERM' 143
	tail -n 1 "$log" | grep -q '"type":"exit","status":143,' ||
		{ show "$log"; fail "round $round: the event log does not end with the exit event"; }
done
