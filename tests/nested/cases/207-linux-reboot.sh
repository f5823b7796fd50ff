#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The real Linux guest: `reboot -f` with reboot=warm on its command line.
# Pinned to 1.1 it calls SYSTEM_RESET2 (warm, type 0): with restart and
# --max-resets 1 it boots twice and the log shows reset2 type 0 twice.
# Pinned to 1.0 the same guest calls plain SYSTEM_RESET: with
# --on-reset exit, status 4 and a reset event. Pinning changes the path.
# The restart gets new device-tree seeds: both boots used a kaslr-seed, and
# the kernel sits at another KASLR address in the second boot.
# timeout: 240
. "$LIB"

log=$WORK/warm-1.1.jsonl
expect_status 4 --name warm-1.1 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--psci 1.1 --max-resets 1 --cmdline "$(linux_cmdline reboot) quiet reboot=warm" --event-log "$log"
assert_count 2 '^PINVM-GUEST: init reached' "$OUT"
assert_count 2 '"type":"reset2","vcpu":[0-9]+,"reset_type":"0x0","cookie":"0x0","vendor":false\}$' "$log"
assert_grep '"type":"restart","count":1\}$' "$log"
assert_no_grep '"type":"reset",' "$log"
assert_summary 'reset limit reached \(--max-resets 1\)' 4
assert_count 2 '^PINVM-GUEST: chosen: kaslr-seed 0000000000000000$' "$OUT"
assert_count 2 '^PINVM-GUEST: kaslr: [0-9a-f]{16} ' "$OUT"
addrs=$(sed -n 's/^PINVM-GUEST: kaslr: \([0-9a-f]*\) .*/\1/p' "$OUT" | sort -u | wc -l)
[ "$addrs" -eq 2 ] || fail "two boots, the kernel at $addrs different KASLR addresses"

log=$WORK/warm-1.0.jsonl
expect_status 4 --name warm-1.0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--psci 1.0 --on-reset exit --cmdline "$(linux_cmdline reboot) quiet reboot=warm" --event-log "$log"
assert_count 1 '^PINVM-GUEST: init reached' "$OUT"
assert_grep '"type":"reset","vcpu":[0-9]+\}$' "$log"
assert_no_grep '"type":"reset2"' "$log"
assert_summary 'guest reset' 4
