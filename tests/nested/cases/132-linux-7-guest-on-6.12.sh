#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A 7.x Linux guest pinned to PSCI 1.3 on a 6.12 host, whose KVM offers at
# most 1.1: --psci-impl auto puts it on pinvm's own firmware. With 2 vCPUs
# it boots (PSCIv1.3 detected, both CPUs online) and poweroff -f gives 0;
# `reboot -f` restarts it in place (SYSTEM_RESET, restart record) and the
# second boot is the same 7.x kernel on PSCI 1.3 with both CPUs again (the
# power table was reset to vCPU 0 on, the filter kept); at --max-resets 1
# the second reboot ends the run with 4. Only host 6.12 is the case: 7.x
# gives 1.3 itself, 6.1 has no SMCCC filter (110-psci-impl, 301).
# guest-kernels: 7
# CI runs it on host 6.12, the only host it is about.
# ci-hosts: 6.12
# timeout: 900
. "$LIB"

[ "$HOST_GEN" = 6.12 ] || skip "a 7.x guest on pinvm's PSCI 1.3 is the 6.12 host's case (this is $HOST_GEN)"
kernel=$(guest_kernel 7) || exit 1
release=$(cat "${kernel%/*}/release")

log=$WORK/off.jsonl
expect_status 0 --name off -- "$PINVM" run --kernel "$kernel" --initrd "$LINUX_INITRD" \
	--cpus 2 --psci 1.3 --timeout 300 --event-log "$log" --cmdline "$(linux_cmdline poweroff)"
assert_grep "^PINVM-GUEST: kernel: $(re_quote "$release")\$" "$OUT"
assert_grep 'PINVM-GUEST: dmesg: .*psci: PSCIv1\.3 detected in firmware\.' "$OUT"
assert_grep '^PINVM-GUEST: online=0-1$' "$OUT"
assert_grep '"type":"start","psci":"1\.3","psci_pinned":true,"psci_impl":"pinvm"' "$log"
assert_grep '"type":"system_off","vcpu":[0-9]+\}$' "$log"
assert_grep "; PSCI 1\.3 \(pinvm's firmware\); " "$ERR"
assert_summary 'guest powered off' 0

log=$WORK/reboot.jsonl
expect_status 4 --name reboot -- "$PINVM" run --kernel "$kernel" --initrd "$LINUX_INITRD" \
	--cpus 2 --psci 1.3 --max-resets 1 --timeout 500 --event-log "$log" \
	--cmdline "$(linux_cmdline reboot)"
assert_count 2 '^PINVM-GUEST: init reached' "$OUT"
assert_count 2 "^PINVM-GUEST: kernel: $(re_quote "$release")\$" "$OUT"
assert_count 2 'PINVM-GUEST: dmesg: .*psci: PSCIv1\.3 detected in firmware\.' "$OUT"
assert_count 2 '^PINVM-GUEST: online=0-1$' "$OUT"
assert_count 2 '^PINVM-GUEST: action: reboot' "$OUT"
assert_count 1 '"type":"start",' "$log"
assert_grep '"type":"start","psci":"1\.3","psci_pinned":true,"psci_impl":"pinvm"' "$log"
assert_count 2 '"type":"reset","vcpu":[0-9]+\}$' "$log"
assert_count 1 '"type":"restart","count":1\}$' "$log"
assert_summary 'reset limit reached \(--max-resets 1\)' 4
