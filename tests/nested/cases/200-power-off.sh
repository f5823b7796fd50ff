#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SYSTEM_OFF: exit 0, a system_off event, the summary line; the event log is
# valid JSON lines from start to exit.
# timeout: 30
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/off.jsonl
expect_status 0 -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=off" --event-log "$log"
assert_summary 'guest powered off' 0
awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "event log is not JSON lines"; }
assert_grep '^\{"ts":[0-9.]+,"type":"start","psci":"[0-9.]+","psci_pinned":false,"psci_impl":"kvm","vcpus":2,"mem":268435456,"gic":"v[23]","host_kernel":"' "$log"
assert_grep '"type":"system_off","vcpu":0\}$' "$log"
assert_grep '"type":"exit","status":0,"restarts":0\}$' "$log"
assert_count 3 '^\{"ts":' "$log"
