#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Linux guest boots with 4 vCPUs (secondaries started through PSCI
# CPU_ON): its own /proc/cpuinfo lists 4 processors; poweroff -f gives 0.
# timeout: 300
. "$LIB"

expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--cpus 4 --cmdline "$(linux_cmdline poweroff)"
assert_grep '^PINVM-GUEST: init reached' "$OUT"
assert_grep '^PINVM-GUEST: cpus=4$' "$OUT"
assert_summary 'guest powered off' 0
