#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# CPU_ON/CPU_OFF cycles (issue 13, point 7): cpu0 turns cpu1 and cpu2 on
# and off in turn, 200 cycles a round in one run (CI: 200; the long tier's
# 50 rounds: 10 000), each secondary checking its context id, under KVM's
# PSCI and pinvm's firmware (6.1: KVM only). No CPU_ON fails, every start
# arrives, no CPU_OFF returns, the run ends with SYSTEM_OFF (0).
# rounds: 200 cycles per round, one run per implementation
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
rounds=$(stress_rounds) || exit 1
n=$((200 * rounds))
impls="kvm pinvm"
[ "$HOST_GEN" = 6.1 ] && impls=kvm

for impl in $impls; do
	log=$WORK/cycles-$impl.jsonl
	expect_status 0 --name "cycles-$impl" -- "$PINVM" run --kernel "$guest" --cpus 3 \
		--psci-impl "$impl" --timeout $((50 * rounds)) --event-log "$log" \
		--cmdline "test=cpu-cycles count=$n"
	assert_grep "^PVGUEST: cpu-cycles done $n arrivals $n bad-context 0 off-returned 0 on-errors 0 timeouts 0\$" "$OUT"
	assert_summary 'guest powered off' 0
	assert_grep '"type":"system_off","vcpu":0\}$' "$log"
	grep '^PVGUEST: cpu-cycles us ' "$OUT" | sed "s/^/$impl: /"
	rm -f "$OUT"
done
echo "$n cycles per implementation"
