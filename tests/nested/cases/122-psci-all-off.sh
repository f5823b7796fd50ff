#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Exit status 9: the last vCPU turns itself off (CPU_OFF) without
# SYSTEM_OFF. With pinvm's firmware pinvm sees that CPU_OFF; with KVM's
# PSCI every vCPU then sleeps in KVM_RUN (KVM_MP_STATE_STOPPED) and pinvm
# finds it by looking (runloop.c, within a second). Both end the run with
# 9, the summary line and an all_off record (pinvm's firmware also names
# the last vCPU); one vCPU and three (secondaries off first). 6.1: KVM only.
# timeout: 120
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
impls="kvm pinvm"
[ "$HOST_GEN" = 6.1 ] && impls=kvm

for impl in $impls; do
	for cpus in 1 3; do
		log=$WORK/all-off-$impl-$cpus.jsonl
		expect_status 9 --name "all-off-$impl-$cpus" -- "$PINVM" run --kernel "$guest" \
			--cpus "$cpus" --psci-impl "$impl" --timeout 60 --event-log "$log" \
			--cmdline "test=all-off"
		assert_grep "^PVGUEST: all-off cpu0 calling CPU_OFF, $((cpus - 1)) cpus off\$" "$OUT"
		assert_no_grep 'CPU_OFF returned|did not' "$OUT"
		if [ "$impl" = pinvm ]; then
			assert_summary 'every vCPU turned itself off \(CPU_OFF\) without SYSTEM_OFF; vCPU 0 was the last' 9
			assert_grep '"type":"all_off","vcpu":0\}$' "$log"
		else
			assert_summary 'every vCPU turned itself off \(CPU_OFF\) without SYSTEM_OFF' 9
			assert_grep '"type":"all_off"\}$' "$log"
		fi
		assert_grep '"type":"exit","status":9,' "$log"
		assert_no_grep '"type":"(system_off|timeout|failure)"' "$log"
	done
	echo "$impl: status 9 with 1 and 3 vCPUs"
done
