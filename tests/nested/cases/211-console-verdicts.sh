#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Verdicts from the console (bare metal, about a second each):
#  - --pass-on matching a line of a guest that then hangs: exit 0 at once
#    (not the --timeout's 124), the line in the summary and a `pattern`
#    record; --console none still fills --console-log, with timestamps;
#  - --fail-on: exit 8;
#  - a --fail-on line printed just before SYSTEM_OFF while THR is a
#    coalesced zone (its bytes still in KVM's ring at the power-off exit):
#    the line decides, exit 8, not the power-off's 0;
#  - an oops line: recorded (count, line) and counted in the summary.
# timeout: 90
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# --pass-on: the hanging guest ends with 0, long before --timeout.
log=$WORK/pass.jsonl
clog=$WORK/pass.console
expect_status 0 --name pass -- "$PINVM" run --kernel "$guest" --cmdline "test=hang" --timeout 40 \
	--console none --console-log "$clog" --console-log-timestamps --event-log "$log" \
	--fail-on '^never$' --pass-on '^PVGUEST: hang$'
assert_empty "$OUT"
assert_summary '--pass-on matched line 2: "PVGUEST: hang"' 0
awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "event log is not JSON lines"; }
assert_grep '"type":"pattern","result":"pass","pattern":"\^PVGUEST: hang\$","line":"PVGUEST: hang","lineno":2\}$' "$log"
assert_grep '"type":"exit","status":0,"restarts":0\}$' "$log"
tr -d '\r' <"$clog" >"$clog.lf"
assert_grep '^\[ *[0-9]+\.[0-9]{6}\] PVGUEST: boot$' "$clog.lf"
assert_grep '^\[ *[0-9]+\.[0-9]{6}\] PVGUEST: hang$' "$clog.lf"
ran=$(sed -n 's/.*; ran \([0-9]*\)\..*/\1/p' "$ERR")
[ "$ran" -lt 30 ] || fail "ran ${ran}s: the pass line did not end the run"

# --fail-on: 8.
log=$WORK/fail.jsonl
expect_status 8 --name fail -- "$PINVM" run --kernel "$guest" --cmdline "test=hang" --timeout 40 \
	--event-log "$log" --pass-on 'never' --fail-on 'h[a]ng'
assert_grep '^PVGUEST: hang$' "$OUT"
assert_summary '--fail-on matched line 2: "PVGUEST: hang"' 8
assert_grep '"type":"pattern","result":"fail","pattern":"h\[a\]ng","line":"PVGUEST: hang","lineno":2\}$' "$log"
assert_grep '"type":"exit","status":8,' "$log"

# The last line before SYSTEM_OFF, coalesced: it still decides.
log=$WORK/flood.jsonl
expect_status 8 --name flood -- "$PINVM" run --kernel "$guest" --cmdline "test=uart-flood bytes=2048" \
	--event-log "$log" --fail-on '^PVGUEST: flood end$'
assert_grep '^PVGUEST: flood end$' "$OUT"
assert_summary '--fail-on matched line [0-9]+: "PVGUEST: flood end"' 8
assert_no_grep '"type":"system_off"' "$log"

# An oops without panic: a record, the count in the summary, the guest's own ending.
log=$WORK/oops.jsonl
expect_status 0 --name oops -- "$PINVM" run --kernel "$guest" --cmdline "test=kmsg kind=oops" \
	--event-log "$log"
assert_summary 'guest powered off, 1 oops' 0
assert_grep '"type":"oops","count":1,"line":"Internal error: Oops: 0000000096000004 \[#1\] SMP"\}$' "$log"
assert_grep '"type":"system_off"' "$log"
