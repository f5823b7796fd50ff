#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guests that misuse PSCI (issue 13, point 7), under KVM's PSCI and under
# pinvm's firmware where the host has the SMCCC filter (6.12, 7.x; 6.1: KVM
# only); the guest sees the same answers from both, and pinvm neither
# crashes nor hangs:
#  - every vCPU but the last calls CPU_ON of the last at once, 20 rounds:
#    exactly one SUCCESS a round, ALREADY_ON for the others, the target
#    arrives once with the context id;
#  - CPU_ON at an entry point outside RAM, and at one not 4-byte aligned:
#    SUCCESS and ON (KVM checks no entry point), the target never arrives
#    (it takes aborts at VBAR_EL1 = 0, outside RAM, inside KVM), CPU_ON
#    again is ALREADY_ON, SYSTEM_OFF still ends the run (0); with pinvm's
#    firmware --log-psci records the bad entry point;
#  - SYSTEM_OFF while cpu1 keeps turning cpu2 on and off: exit 0;
#  - SYSTEM_SUSPEND over and over while cpu1 turns cpu2 on and off, then
#    itself off: DENIED until every other vCPU is off, then suspended and
#    resumed at its entry point with its context id.
# timeout: 300
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
impls="kvm pinvm"
[ "$HOST_GEN" = 6.1 ] && impls=kvm

for impl in $impls; do
	log=$WORK/race-$impl.jsonl
	expect_status 0 --name "race-$impl" -- "$PINVM" run --kernel "$guest" --cpus 4 \
		--psci-impl "$impl" --timeout 120 --event-log "$log" --cmdline "test=cpu-on-race rounds=20"
	assert_grep '^PVGUEST: cpu-on-race rounds 20 callers 3 target cpu3$' "$OUT"
	assert_grep '^PVGUEST: cpu-on-race done success 20 already-on 40 other 0 arrivals 20 bad-context 0$' "$OUT"
	assert_summary 'guest powered off' 0
	assert_grep '"type":"system_off","vcpu":0\}$' "$log"

	for kind in outside unaligned; do
		log=$WORK/bad-$kind-$impl.jsonl
		flags=
		[ "$impl" = pinvm ] && flags=--log-psci
		# shellcheck disable=SC2086 # $flags: nothing or one flag
		expect_status 0 --name "bad-$kind-$impl" -- "$PINVM" run --kernel "$guest" --cpus 2 \
			--psci-impl "$impl" $flags --timeout 60 --event-log "$log" \
			--cmdline "test=bad-entry kind=$kind"
		assert_grep "^PVGUEST: bad-entry $kind CPU_ON = 0\$" "$OUT"
		assert_count 2 "^PVGUEST: bad-entry $kind AFFINITY_INFO = 0\$" "$OUT"
		assert_grep "^PVGUEST: bad-entry $kind arrived no\$" "$OUT"
		assert_grep "^PVGUEST: bad-entry $kind CPU_ON again = -4\$" "$OUT"
		assert_grep '^PVGUEST: bad-entry done$' "$OUT"
		assert_summary 'guest powered off' 0
		if [ "$impl" = pinvm ]; then
			case $kind in
			outside) entry=0x1000 ;;
			*) entry='0x800[0-9a-f]*[26ae]' ;;
			esac
			assert_grep "\"type\":\"psci\",\"vcpu\":0,\"conduit\":\"hvc\",\"fid\":\"0xc4000003\",\"function\":\"CPU_ON\",\"args\":\\[\"0x1\",\"$entry\",\"0x0\"\\],\"result\":\"SUCCESS\",\"x0\":\"0x0\",\"action\":\"cpu_on\"" "$log"
		fi
	done

	log=$WORK/off-race-$impl.jsonl
	expect_status 0 --name "off-race-$impl" -- "$PINVM" run --kernel "$guest" --cpus 3 \
		--psci-impl "$impl" --timeout 120 --event-log "$log" --cmdline "test=off-race count=10"
	assert_grep '^PVGUEST: off-race SYSTEM_OFF after [0-9]+ cycles$' "$OUT"
	assert_no_grep 'system_off returned|FAILED|BAD' "$OUT"
	assert_summary 'guest powered off' 0
	assert_grep '"type":"system_off","vcpu":0\}$' "$log"

	log=$WORK/suspend-race-$impl.jsonl
	expect_status 0 --name "suspend-race-$impl" -- "$PINVM" run --kernel "$guest" --cpus 3 \
		--psci-impl "$impl" --timeout 120 --event-log "$log" --cmdline "test=suspend-race count=10"
	assert_grep '^PVGUEST: resumed context ok$' "$OUT"
	assert_grep '^PVGUEST: suspend-race resumed after [1-9][0-9]* denied, 10 cycles$' "$OUT"
	assert_grep '^PVGUEST: suspend-race cpu1 off cpu2 off$' "$OUT"
	assert_no_grep 'BAD|never suspended' "$OUT"
	assert_summary 'guest powered off' 0
	assert_grep '"type":"suspend","vcpu":0,.*"result":"denied"' "$log"
	assert_count 1 '"type":"suspend","vcpu":0,.*"result":"suspended"' "$log"
	assert_grep '"type":"wakeup","vcpu":0' "$log"
	echo "$impl: races and bad entry points as KVM answers them"
done
