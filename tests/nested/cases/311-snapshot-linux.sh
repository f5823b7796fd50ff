#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A Debian Linux guest with 2 vCPUs counts once a second; snapshot-stop
# (exit 10), then pinvm restore: the count goes on from where it was, with
# no new boot, both CPUs online, and the guest powers off (0).
# CI runs it on host 7 only (310 covers snapshots on every host with the bare-metal guest; the long tier runs this on every host).
# ci-hosts: 7
# timeout: 600
. "$LIB"

sock=$WORK/ctl.sock
bg_start first -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 2 \
	--mem 512M --cmdline "$(linux_cmdline counter pinvm.count=30)" --control "$sock"
wait_for '^PINVM-GUEST: counter 3 ' "$OUT" 240 || { show "$OUT" "$ERR"; fail "the guest did not count"; }
assert_grep '^PINVM-GUEST: counter 3 online=0-1' "$OUT"
expect_status 0 --name snapstop -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/linux.snap"
assert_grep '^ok [0-9]+ bytes, pinvm stops \(status 10\)$' "$OUT"
OUT=$WORK/first.out
ERR=$WORK/first.err
bg_wait 10 60
assert_summary 'snapshot-stop: snapshot written' 10
echo "snapshot of a 512 MiB Linux guest: $(stat -c %s "$WORK/linux.snap") bytes"
last=$(grep -E '^PINVM-GUEST: counter [0-9]+ online=' "$WORK/first.out" | tail -n 1 | awk '{print $3}')

expect_status 0 --name restored -- "$PINVM" restore "$WORK/linux.snap" --timeout 240
assert_no_grep 'init reached|Booting Linux' "$OUT"
cat "$WORK/first.out" "$OUT" | grep '^PINVM-GUEST: counter' | awk '{print $3}' >"$WORK/seq"
seq 1 30 | cmp -s - "$WORK/seq" || { show "$WORK/first.out" "$OUT"; fail "the count is not 1 to 30 once each across the restore (last before: $last)"; }
assert_grep '^PINVM-GUEST: counter 30 online=0-1$' "$OUT"
assert_summary 'guest powered off' 0
