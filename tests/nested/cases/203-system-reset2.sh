#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SYSTEM_RESET2 (PSCI >= 1.1): a warm reset (type 0) exits 4 with
# --on-reset exit; a vendor reset (type 0x80000001, cookie 0x1234) exits 5
# and the log and summary carry both values; with restart the vendor reset
# restarts the guest. reset_type is 32 bits for the SMC64 id too: with bits
# 63:32 of x1 set, KVM decides on the low half and so does pinvm's report.
# Pinned to 1.0 the call does not exist (NOT_SUPPORTED).
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/warm.jsonl
expect_status 4 --name warm -- "$PINVM" run --kernel "$guest" --psci 1.1 --on-reset exit \
	--cmdline "test=reset2 type=0 cookie=0" --event-log "$log"
assert_summary 'guest reset \(SYSTEM_RESET2 warm, cookie 0x0\)' 4
assert_grep '"type":"reset2","vcpu":0,"reset_type":"0x0","cookie":"0x0","vendor":false\}$' "$log"

log=$WORK/vendor.jsonl
expect_status 5 --name vendor -- "$PINVM" run --kernel "$guest" --psci 1.1 --on-reset exit \
	--cmdline "test=reset2 type=0x80000001 cookie=0x1234" --event-log "$log"
assert_summary 'guest vendor reset \(SYSTEM_RESET2 type 0x80000001, cookie 0x1234\)' 5
assert_grep '"type":"reset2","vcpu":0,"reset_type":"0x80000001","cookie":"0x1234","vendor":true\}$' "$log"
assert_grep '"type":"exit","status":5,' "$log"

# x1 = 0x180000001: a vendor reset 0x80000001 to KVM, and to pinvm.
log=$WORK/vendor-high.jsonl
expect_status 5 --name vendor-high -- "$PINVM" run --kernel "$guest" --psci 1.1 --on-reset exit \
	--cmdline "test=reset2 type=0x180000001 cookie=0x1234" --event-log "$log"
assert_summary 'guest vendor reset \(SYSTEM_RESET2 type 0x80000001, cookie 0x1234\)' 5
assert_grep '"type":"reset2","vcpu":0,"reset_type":"0x80000001","cookie":"0x1234","vendor":true\}$' "$log"
# x1 = 0x100000000: a warm reset (type 0) to KVM, and to pinvm.
log=$WORK/warm-high.jsonl
expect_status 4 --name warm-high -- "$PINVM" run --kernel "$guest" --psci 1.1 --on-reset exit \
	--cmdline "test=reset2 type=0x100000000 cookie=0" --event-log "$log"
assert_summary 'guest reset \(SYSTEM_RESET2 warm, cookie 0x0\)' 4
assert_grep '"type":"reset2","vcpu":0,"reset_type":"0x0","cookie":"0x0","vendor":false\}$' "$log"

log=$WORK/vendor-restart.jsonl
expect_status 4 --name vendor-restart -- "$PINVM" run --kernel "$guest" --psci 1.1 --max-resets 1 \
	--cmdline "test=reset2 type=0x80000001 cookie=0x1234" --event-log "$log"
assert_count 2 '^PVGUEST: boot' "$OUT"
assert_count 2 '"type":"reset2".*"vendor":true' "$log"
assert_grep '"type":"restart","count":1\}$' "$log"

expect_status 0 --name pinned-1.0 -- "$PINVM" run --kernel "$guest" --psci 1.0 \
	--cmdline "test=reset2 type=0x80000001 cookie=0x1234"
assert_grep '^PVGUEST: reset2 returned -1' "$OUT"
assert_summary 'guest powered off' 0
