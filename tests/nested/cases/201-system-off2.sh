#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SYSTEM_OFF2 (hibernate, PSCI 1.3, Linux >= 6.13 hosts): types 0 and 1 give
# exit 3 and a system_off2 event. Older hosts with KVM's SMCCC filter
# (6.12): KVM refuses 1.3 (--psci-impl kvm), and the default runs it on
# pinvm's own firmware: the same exit 3 and event. Without the filter
# (6.1): refused, naming both ways out. Unpinned, the call answers
# NOT_SUPPORTED (-1) below 1.3 and the guest powers off normally.
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
	kvm_says="PSCI 1\.3 requested, but this host \(Linux $(re_quote "$HOST_KERNEL")\) accepts at most PSCI 1\.1; PSCI 1\.3 needs Linux 6\.13 or later"
	expect_status 1 --name refuse -- "$PINVM" run --kernel "$guest" --psci 1.3 --psci-impl kvm \
		--cmdline "test=off2 type=1"
	assert_grep "^pinvm: error: $kvm_says\$" "$ERR"
	if kernel_at_least 6.4; then
		log=$WORK/off2-pinvm.jsonl
		expect_status 3 --name off2-pinvm -- "$PINVM" run --kernel "$guest" --psci 1.3 \
			--cmdline "test=off2 type=1" --event-log "$log"
		assert_grep '"type":"start","psci":"1.3","psci_pinned":true,"psci_impl":"pinvm"' "$log"
		assert_summary 'guest hibernated \(SYSTEM_OFF2\)' 3
		assert_grep '"type":"system_off2","vcpu":0\}$' "$log"
	else
		expect_status 1 --name refuse-auto -- "$PINVM" run --kernel "$guest" --psci 1.3 \
			--cmdline "test=off2 type=1"
		assert_grep "^pinvm: error: $kvm_says, or Linux 6\.4 or later for pinvm's own PSCI firmware \(--psci-impl pinvm\)\$" "$ERR"
	fi
	expect_status 0 --name off2-unsupported -- "$PINVM" run --kernel "$guest" --cmdline "test=off2 type=1"
	assert_grep '^PVGUEST: off2 returned -1' "$OUT"
	assert_summary 'guest powered off' 0
fi
