#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pinvm's own PSCI firmware (--psci-impl pinvm, behind KVM's SMCCC filter,
# Linux 6.4+): for every version 0.2-1.3 the conformance guest's transcript
# equals the golden transcript recorded under KVM's PSCI, on every host with
# the filter (so 6.12 gets 1.2 and 1.3), the SMC conduit and SMC32
# narrowing included. The start record and the summary
# name the implementation; --log-psci records the calls. Without the filter
# (6.1): a clear refusal naming Linux 6.4.
# timeout: 600
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
if [ "$HOST_GEN" = 6.1 ]; then
	expect_status 1 --name refuse -- "$PINVM" run --kernel "$guest" --psci 1.0 --psci-impl pinvm \
		--cmdline "test=hello"
	assert_grep "^pinvm: error: --psci-impl pinvm needs KVM's SMCCC filter \(Linux 6\.4 or later\); this host runs Linux $(re_quote "$HOST_KERNEL")\$" "$ERR"
	assert_no_grep "PVGUEST" "$OUT"
	exit 0
fi

for v in 0.2 1.0 1.1 1.2 1.3; do
	log=$WORK/psci-$v.jsonl
	expect_status 0 --name "pinvm-$v" -- "$PINVM" run --kernel "$guest" --cpus 2 --psci "$v" \
		--psci-impl pinvm --log-psci --timeout 90 --event-log "$log" --cmdline "test=psci"
	assert_grep "\"type\":\"start\",\"psci\":\"$v\",\"psci_pinned\":true,\"psci_impl\":\"pinvm\"" "$log"
	assert_grep "; PSCI $v \(pinvm's firmware\); " "$ERR"
	assert_grep '"type":"psci","vcpu":0,"conduit":"hvc","fid":"0x84000000","function":"PSCI_VERSION"' "$log"
	assert_grep '"type":"psci","vcpu":0,.*"function":"SYSTEM_OFF".*"action":"stop"' "$log"
	# smc #0 reaches the firmware too; SMC32 CPU_ON's arguments arrive whole (narrowed there)
	assert_grep '"type":"psci","vcpu":0,"conduit":"smc","fid":"0x84000000","function":"PSCI_VERSION"' "$log"
	assert_grep '"type":"psci","vcpu":0,"conduit":"hvc","fid":"0x84000003","function":"CPU_ON","args":\["0xdeadbeef00000001",' "$log"
	sed -n '/^PVGUEST: psci transcript begin/,/^PVGUEST: psci transcript end/p' "$OUT" |
		tr -d '\r' | grep -v '^PVGUEST: hostdep ' >"$WORK/transcript-$v.txt"
	if ! diff -u "$DATA/psci-$v.txt" "$WORK/transcript-$v.txt" >"$WORK/diff-$v.txt"; then
		cat "$WORK/diff-$v.txt"
		fail "PSCI $v under pinvm's firmware differs from psci-$v.txt (KVM's) on $HOST_KERNEL"
	fi
	echo "PSCI $v: pinvm's firmware gives KVM's transcript"
done
