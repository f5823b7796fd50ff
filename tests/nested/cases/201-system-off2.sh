#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SYSTEM_OFF2 (hibernate, PSCI 1.3, Linux >= 6.13 hosts): types 0 and 1 give
# exit 3 and a system_off2 event. Older hosts: --psci 1.3 is refused with
# exit 1, and the call itself answers NOT_SUPPORTED (-1), after which the
# guest powers off normally.
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
if kernel_at_least 6.13; then
	for type in 0 1; do
		log=$WORK/off2-$type.jsonl
		expect_status 3 --name "off2-$type" -- "$PINVM" run --kernel "$guest" --psci 1.3 \
			--cmdline "test=off2 type=$type" --event-log "$log"
		assert_summary 'guest hibernated \(SYSTEM_OFF2\)' 3
		assert_grep '"type":"system_off2","vcpu":0\}$' "$log"
		assert_grep '"type":"exit","status":3,' "$log"
		assert_no_grep '"type":"system_off"' "$log"
		assert_no_grep '^PVGUEST: off2 returned' "$OUT"
	done
	# Pinned below 1.3, the same call is not offered: the guest sees NOT_SUPPORTED.
	expect_status 0 --name off2-pinned-1.1 -- "$PINVM" run --kernel "$guest" --psci 1.1 \
		--cmdline "test=off2 type=1"
	assert_grep '^PVGUEST: off2 returned -1' "$OUT"
	assert_summary 'guest powered off' 0
else
	expect_status 1 --name refuse -- "$PINVM" run --kernel "$guest" --psci 1.3 --cmdline "test=off2 type=1"
	assert_grep "^pinvm: error: PSCI 1\.3 requested, but this host \(Linux $(re_quote "$HOST_KERNEL")\) accepts at most PSCI 1\.1; PSCI 1\.3 needs Linux 6\.13 or later\$" "$ERR"
	expect_status 0 --name off2-unsupported -- "$PINVM" run --kernel "$guest" --cmdline "test=off2 type=1"
	assert_grep '^PVGUEST: off2 returned -1' "$OUT"
	assert_summary 'guest powered off' 0
fi
