#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A reset that finds a vCPU inside an MMIO exit: vCPU 0 reads the UART's
# LSR in a tight loop (every read an exit to pinvm) while vCPU 1 calls
# SYSTEM_RESET, so the stop usually catches vCPU 0 between an MMIO exit
# and the KVM_RUN that completes it. pinvm must let KVM complete it before
# the restart re-initialises the vCPU: otherwise the next KVM_RUN writes
# the stale read (LSR 0x60) into the fresh vCPU's x0, where the DTB
# address should be, and skips its first instruction. Every boot must
# enter cleanly (pvguest prints "entry BAD" otherwise), 201 times: a reset
# catches vCPU 0 that way in only 2 to 10% of the restarts (KVM stops
# vCPU 0 in the kernel at the reset, so it takes vCPU 0 in user space
# until pinvm's stop flag is set), and without the fix the run ends at the
# first such restart.
# timeout: 180
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/mmio.jsonl
expect_status 4 -- "$PINVM" run --kernel "$guest" --cpus 2 --max-resets 200 \
	--cmdline "test=reset-during-mmio" --event-log "$log"
assert_no_grep 'BAD' "$OUT"
assert_count 201 '^PVGUEST: boot$' "$OUT"
assert_count 201 '"type":"reset","vcpu":1\}$' "$log"
assert_summary 'reset limit reached \(--max-resets 200\)' 4
