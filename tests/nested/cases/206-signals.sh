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
