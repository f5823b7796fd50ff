#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The round trip of 650 again and again, with PSCI pinned to 1.1 on every
# host (plain SYSTEM_OFF: pinvm finds the image on vda, exit 3, then the
# resume, exit 0): on a 7.x host a 7.x guest that could say SYSTEM_OFF2
# but is not offered it, on a 6.1 host a 6.1 guest (its virtio and
# virtio_ring are modules too). Each round starts from a fresh disk.
# rounds: one hibernate (3) + resume (0) round trip on a fresh 1 GiB disk
# Long tier only (650 is CI's round trip): '# ci-hosts: none'.
# ci-hosts: none
# timeout: 420
. "$LIB"

rounds=$(stress_rounds) || exit 1
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	disk=$WORK/swap.img
	rm -f "$WORK/fw.profile"
	fresh_disk "$disk" 1G
	set -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 2 --mem 512M \
		--psci 1.1 --fw-profile "$WORK/fw.profile" --disk "$disk" \
		--cmdline "$(hibernate_cmdline hibernate)"
	expect_status 3 --name "hibernate-$i" -- "$@"
	assert_summary 'guest hibernated \(image on vda\)' 3
	marker=$(sed -n 's/^PINVM-GUEST: hibernate: marker \([0-9a-f-]*\)$/\1/p' "$OUT")
	[ -n "$marker" ] || fail "round $i: the guest printed no marker"
	expect_status 0 --name "resume-$i" -- "$@"
	assert_grep "^PINVM-GUEST: resumed: marker $marker $marker\$" "$OUT"
	assert_grep '^PINVM-GUEST: resumed: cpu1 offline: online=0; online again: online=0-1$' "$OUT"
	assert_summary 'guest powered off' 0
	echo "round $i: hibernated and resumed (marker $marker)"
done
