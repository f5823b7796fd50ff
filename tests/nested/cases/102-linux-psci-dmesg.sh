#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The real Linux guest's own dmesg reports the pinned PSCI version for every
# version the host accepts ("PSCIvM.m detected in firmware"; for 0.1 the
# function ids come from the DT, and Linux then has no PSCI power-off, so
# the run is stopped with SIGTERM once the guest has reported).
# CI runs it on 6.1 and 7 (6.12's KVM offers the same 0.2-1.1 as 7's; 130 boots
# Linux on 6.12 for every version): '# ci-hosts: 6.1 7'.
# ci-hosts: 6.1 7
# timeout: 420
. "$LIB"

expect_status 0 --name probe -- "$PINVM" probe --json
accepted=$(sed -n 's/.*"accepted":\[\([^]]*\)\].*/\1/p' "$OUT" | tr -d '"' | tr ',' ' ')
# An empty list (probe output the pattern does not match) would test nothing.
[ -n "$accepted" ] || { show "$OUT"; fail "no accepted PSCI versions in the probe output"; }
checked=0

for v in $accepted; do
	if [ "$v" = 0.1 ]; then
		bg_start "linux-$v" -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
			--psci 0.1 --cmdline "$(linux_cmdline poweroff) quiet"
		wait_for '^PINVM-GUEST: action:' "$OUT" 300 ||
			{ kill -TERM "$BG_PID"; bg_wait 143 30; fail "0.1 guest never reached init"; }
		kill -TERM "$BG_PID"
		bg_wait 143 30
		assert_grep 'PINVM-GUEST: dmesg: .*psci: Using PSCI v0\.1 Function IDs from DT' "$OUT"
		assert_no_grep 'PINVM-GUEST: dmesg: .*detected in firmware' "$OUT"
	else
		expect_status 0 --name "linux-$v" -- "$PINVM" run --kernel "$LINUX_KERNEL" \
			--initrd "$LINUX_INITRD" --psci "$v" --cmdline "$(linux_cmdline poweroff) quiet"
		assert_grep "PINVM-GUEST: dmesg: .*psci: PSCIv$v detected in firmware\." "$OUT"
		assert_summary 'guest powered off' 0
	fi
	echo "PSCI $v: guest dmesg agrees"
	checked=$((checked + 1))
done
[ "$checked" -ge 1 ] || fail "no PSCI version was checked"
