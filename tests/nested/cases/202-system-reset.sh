#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SYSTEM_RESET: with --on-reset exit, status 4; with restart (the default)
# the guest starts over in-process (it prints "PVGUEST: boot" on every start)
# until --max-resets, then status 4; the log has a reset and a restart per
# round. --max-resets 0 exits at the first reset.
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/exit.jsonl
expect_status 4 --name exit -- "$PINVM" run --kernel "$guest" --cpus 2 --on-reset exit \
	--cmdline "test=reset" --event-log "$log"
assert_count 1 '^PVGUEST: boot' "$OUT"
assert_summary 'guest reset' 4
assert_grep '"type":"reset","vcpu":0\}$' "$log"
assert_no_grep '"type":"restart"' "$log"

log=$WORK/restart.jsonl
expect_status 4 --name restart -- "$PINVM" run --kernel "$guest" --cpus 2 --max-resets 3 \
	--cmdline "test=reset" --event-log "$log"
assert_count 4 '^PVGUEST: boot' "$OUT"
assert_summary 'reset limit reached \(--max-resets 3\)' 4
assert_count 4 '"type":"reset"' "$log"
assert_count 3 '"type":"restart"' "$log"
assert_grep '"type":"restart","count":3\}$' "$log"
assert_grep '"type":"exit","status":4,"restarts":3\}$' "$log"
awk -f "$DATA/json-check.awk" "$log" || fail "event log is not JSON lines"

expect_status 4 --name max0 -- "$PINVM" run --kernel "$guest" --max-resets 0 --cmdline "test=reset"
assert_count 1 '^PVGUEST: boot' "$OUT"
assert_summary 'reset limit reached \(--max-resets 0\)' 4
