#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hung guests end with --timeout, on time: 4 vCPUs where the boot CPU
# waits forever with interrupts masked (WFI), and a guest spinning in a
# branch-to-self (no exit at all to pinvm). Both: status 124 after 2-3 s
# (not the case's limit), the summary, a timeout event.
# timeout: 40
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# elapsed CMD...: run like expect_status 124, then check the wall time.
timed_124() {
	_t0=$(date +%s)
	expect_status 124 "$@"
	_secs=$(($(date +%s) - _t0))
	[ "$_secs" -ge 2 ] && [ "$_secs" -le 8 ] || fail "took ${_secs}s for --timeout 2"
	assert_summary 'timeout after 2 s' 124
}

log=$WORK/wfi.jsonl
timed_124 --name wfi -- "$PINVM" run --kernel "$guest" --cpus 4 --timeout 2 \
	--cmdline "test=hang" --event-log "$log"
assert_grep '^PVGUEST: hang' "$OUT"
assert_grep '"type":"timeout","seconds":2\}$' "$log"

# b . (0x14000000) at the entry point: a flat binary of one instruction.
printf '\000\000\000\024' >"$WORK/spin.bin"
log=$WORK/spin.jsonl
timed_124 --name spin -- "$PINVM" run --kernel "$WORK/spin.bin" --timeout 2 --event-log "$log"
assert_grep '"type":"exit","status":124,' "$log"
awk -f "$DATA/json-check.awk" "$log" || fail "event log is not JSON lines"
