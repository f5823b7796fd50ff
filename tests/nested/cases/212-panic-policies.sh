#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest kernel panics and --on-panic, with a bare-metal guest printing
# Linux's panic messages (pvguest test=kmsg; the real Linux panics are case
# 213): the dump ends at its end line, at the reset that follows, or after
# 2 s of silence, each giving exit 7 with the panic line in the summary and
# a `panic` record; --on-panic restart restarts in place until
# --max-resets, then 7; --on-panic ignore keeps the reset's own result.
# timeout: 90
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# run NAME KIND WANT [PINVM-OPTIONS...]: pinvm on test=kmsg kind=KIND, exit WANT.
run() {
	_n=$1 _k=$2 _w=$3
	shift 3
	log=$WORK/$_n.jsonl
	expect_status "$_w" --name "$_n" -- "$PINVM" run --kernel "$guest" \
		--cmdline "test=kmsg kind=$_k" --timeout 40 --event-log "$log" "$@"
	awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "event log is not JSON lines"; }
}

# The end line.
run end panic-end 7
assert_summary 'guest kernel panic, dump ended by its end line: "Kernel panic - not syncing: pvguest panic-end"' 7
assert_grep '"type":"panic","line":"Kernel panic - not syncing: pvguest panic-end","end":"end_line","action":"exit"\}$' "$log"
assert_grep '"type":"exit","status":7,"restarts":0\}$' "$log"

# The reset (Linux's panic=-1): 7, not a restart.
run reset panic-reset 7
assert_summary 'guest kernel panic, dump ended by a reset: "Kernel panic - not syncing: pvguest panic-reset"' 7
assert_grep '"type":"reset","vcpu":0\}$' "$log"
assert_grep '"type":"panic","line":"Kernel panic - not syncing: pvguest panic-reset","end":"reset","action":"exit"\}$' "$log"
assert_no_grep '"type":"restart"' "$log"
assert_count 1 '^PVGUEST: boot$' "$OUT"

# Silence: the quiet period ends it, well before --timeout.
run quiet panic-quiet 7
assert_summary 'guest kernel panic, dump ended by 2 s without output: "Kernel panic - not syncing: pvguest panic-quiet"' 7
assert_grep '"end":"quiet","action":"exit"\}$' "$log"
ran=$(sed -n 's/.*; ran \([0-9]*\)\..*/\1/p' "$ERR")
[ "$ran" -ge 2 ] && [ "$ran" -lt 30 ] || fail "ran ${ran}s: want the 2 s quiet period"

# --on-panic restart: restarted, counted against --max-resets; then 7.
run restart panic-reset 7 --on-panic restart --max-resets 2
assert_summary 'guest kernel panic, dump ended by a reset \(--max-resets reached\): "Kernel panic - not syncing: pvguest panic-reset"' 7
assert_count 3 '^PVGUEST: boot$' "$OUT"
assert_count 3 '"type":"panic",.*"end":"reset","action":"restart"\}$' "$log"
assert_grep '"type":"restart","count":2\}$' "$log"
assert_grep '"type":"exit","status":7,"restarts":2\}$' "$log"

# --on-panic ignore: the reset is a reset (4 with --on-reset exit); the panic is on record.
run ignore panic-reset 4 --on-panic ignore --on-reset exit
assert_summary 'guest reset' 4
assert_grep '"type":"panic",.*"end":"reset","action":"ignore"\}$' "$log"
