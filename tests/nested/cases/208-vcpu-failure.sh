#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A vCPU failure: the guest does a load pair from unmapped MMIO, which KVM
# cannot emulate (no valid syndrome) and fails KVM_RUN. pinvm exits 6 with
# the reason and a register dump (PC, PSTATE) on stderr and a failure event.
# timeout: 30
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/fail.jsonl
expect_status 6 -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=bad-mmio" --event-log "$log"
assert_grep '^PVGUEST: bad-mmio ldp' "$OUT"
assert_no_grep '^PVGUEST: bad-mmio returned' "$OUT"
assert_grep '^pinvm: error: vCPU 0: KVM_RUN: guest access to a device address that KVM cannot emulate' "$ERR"
assert_grep '^pinvm: error: vCPU 0: PC 0x00000000800[0-9a-f]{5} PSTATE 0x[0-9a-f]{8}$' "$ERR"
assert_summary 'guest failure: KVM_RUN: .*' 6
assert_grep '"type":"failure","reason":"KVM_RUN: guest access to a device address that KVM cannot emulate.*","vcpu":0,"pc":"0x800[0-9a-f]{5}","pstate":"0x[0-9a-f]+"\}$' "$log"
assert_grep '"type":"exit","status":6,' "$log"
