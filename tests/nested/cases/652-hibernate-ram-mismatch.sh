#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What a resume with another RAM size does: the guest hibernates with
# 512 MiB (exit 3); launched again with 768 MiB (pinvm notes the image at
# launch), its boot kernel finds the image, refuses it with its own message
# ("Image mismatch: memory size") and boots afresh: the marker is gone and
# so is the image (the boot kernel restored the swap signature before
# loading it), so pinvm's next launch finds plain swap.
# rounds: one hibernation at 512 MiB + a launch with 768 MiB
# Long tier only (650 is CI's round trip): '# ci-hosts: none'.
# ci-hosts: none
# timeout: 420
. "$LIB"

rounds=$(stress_rounds) || exit 1
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	disk=$WORK/swap.img
	fresh_disk "$disk" 1G
	expect_status 3 --name "hibernate-$i" -- "$PINVM" run --kernel "$LINUX_KERNEL" \
		--initrd "$LINUX_INITRD" --cpus 2 --mem 512M --psci 1.1 --disk "$disk" \
		--cmdline "$(hibernate_cmdline hibernate)"
	assert_summary 'guest hibernated \(image on vda\)' 3
	expect_status 0 --name "resume-768M-$i" -- "$PINVM" run --kernel "$LINUX_KERNEL" \
		--initrd "$LINUX_INITRD" --cpus 2 --mem 768M --psci 1.1 --disk "$disk" \
		--event-log "$WORK/ev-$i.jsonl" --cmdline "$(hibernate_cmdline resume)"
	assert_grep '^pinvm: note: disk vda holds a hibernation image' "$ERR"
	assert_grep '^PINVM-GUEST: dmesg: .*Image mismatch: memory size' "$OUT"
	assert_grep '^PINVM-GUEST: resume: no image restored$' "$OUT"
	assert_no_grep '^PINVM-GUEST: resumed:' "$OUT"
	assert_summary 'guest powered off' 0
	[ "$(dd if="$disk" bs=1 skip=4086 count=10 2>/dev/null)" = SWAPSPACE2 ] ||
		fail "round $i: the refused image is still marked on the disk"
	grep "PINVM-GUEST: dmesg: .*Image mismatch" "$OUT"
done
