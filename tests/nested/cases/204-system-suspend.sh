#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SYSTEM_SUSPEND (PSCI >= 1.0 with KVM_CAP_ARM_SYSTEM_SUSPEND): PSCI_FEATURES
# advertises it (0), the guest is suspended, woken by its virtual timer, and
# resumes at its entry point with its context id in x0 (the guest checks
# both). --no-suspend leaves the cap off: PSCI_FEATURES and the call say
# NOT_SUPPORTED (-1), pinvm never sees the call. A second vCPU still on:
# DENIED (-3). Pinned to 0.2: NOT_SUPPORTED (-1).
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/suspend.jsonl
expect_status 0 --name suspend -- "$PINVM" run --kernel "$guest" --psci 1.0 \
	--cmdline "test=suspend" --event-log "$log"
assert_grep '^PVGUEST: suspend features 0$' "$OUT"
assert_grep '^PVGUEST: resumed context ok' "$OUT"
assert_no_grep '^PVGUEST: suspend returned' "$OUT"
assert_grep '"type":"suspend","vcpu":0,"entry":"0x[0-9a-f]+","context":"0x5a5a1234","result":"suspended"\}$' "$log"
assert_grep '"type":"wakeup","vcpu":0\}$' "$log"
assert_summary 'guest powered off' 0

log=$WORK/no-suspend.jsonl
expect_status 0 --name no-suspend -- "$PINVM" run --kernel "$guest" --no-suspend \
	--cmdline "test=suspend" --event-log "$log"
assert_grep '^PVGUEST: suspend features -1$' "$OUT"
assert_grep '^PVGUEST: suspend returned -1$' "$OUT"
assert_no_grep '"type":"suspend"' "$log"
assert_no_grep '"type":"wakeup"' "$log"
assert_summary 'guest powered off' 0

log=$WORK/busy.jsonl
expect_status 0 --name busy -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=suspend-busy" \
	--event-log "$log"
assert_grep '^PVGUEST: suspending with cpu1 on' "$OUT"
assert_grep '^PVGUEST: suspend returned -3' "$OUT"
assert_grep '"type":"suspend",.*"result":"denied"\}$' "$log"

expect_status 0 --name psci-0.2 -- "$PINVM" run --kernel "$guest" --psci 0.2 --cmdline "test=suspend"
assert_grep '^PVGUEST: suspend features -1$' "$OUT"
assert_grep '^PVGUEST: suspend returned -1' "$OUT"
