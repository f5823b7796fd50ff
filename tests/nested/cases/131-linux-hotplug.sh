#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Linux CPU hotplug through sysfs on 4 vCPUs, under KVM's PSCI and under
# pinvm's own firmware (host 6.1, without the SMCCC filter: KVM's only):
# the guest takes cpu1, cpu2, cpu3 offline and online again, one after the
# other (Linux: CPU_OFF on the dying CPU, AFFINITY_INFO polled from another
# until it reads OFF, CPU_ON to bring it back), checks each transition
# (cpuN/online, the online mask, /proc/cpuinfo, no complaint in dmesg) and
# prints its verdict; poweroff -f then gives 0. Under pinvm's firmware the
# call log has exactly one CPU_OFF per offline and one successful CPU_ON per
# online (plus the 3 of the boot).
# rounds: hotplug rounds inside one guest boot per implementation (2 in CI)
# timeout: 900
. "$LIB"

rounds=$(stress_rounds) || exit 1
[ "$rounds" -gt 1 ] || rounds=2
impls="kvm pinvm"
kernel_at_least 6.4 || impls=kvm

for impl in $impls; do
	log=$WORK/hotplug-$impl.jsonl
	logpsci=
	[ "$impl" = pinvm ] && logpsci=--log-psci
	expect_status 0 --name "hotplug-$impl" -- "$PINVM" run --kernel "$LINUX_KERNEL" \
		--initrd "$LINUX_INITRD" --cpus 4 --psci-impl "$impl" $logpsci --event-log "$log" \
		--timeout $((200 + 60 * rounds)) \
		--cmdline "$(linux_cmdline hotplug pinvm.rounds="$rounds")"
	assert_grep '^PINVM-GUEST: online=0-3$' "$OUT"
	assert_no_grep '^PINVM-GUEST: hotplug: BAD' "$OUT"
	assert_grep "^PINVM-GUEST: hotplug: ok rounds=$rounds cpus=1 2 3 transitions=$((rounds * 6)) killed=$((rounds * 3)) online=0-3 " "$OUT"
	assert_grep "\"type\":\"start\",.*\"psci_impl\":\"$impl\"" "$log"
	assert_summary 'guest powered off' 0
	if [ "$impl" = pinvm ]; then
		assert_count $((rounds * 3)) '"type":"psci",.*"function":"CPU_OFF".*"action":"cpu_off"' "$log"
		assert_count $((rounds * 3 + 3)) '"type":"psci",.*"function":"CPU_ON".*"result":"SUCCESS"' "$log"
		assert_no_grep '"function":"CPU_ON".*"result":"(ALREADY_ON|INVALID_PARAMETERS|DENIED)"' "$log"
		assert_grep '"type":"psci",.*"function":"AFFINITY_INFO".*"x0":"0x1"' "$log"
	fi
	sed -n 's/^PINVM-GUEST: \(hotplug: ok .*\)/'"$impl"': \1/p' "$OUT"
done
