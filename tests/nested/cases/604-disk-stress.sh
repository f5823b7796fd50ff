#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Disks under load, repeated: the hostile driver of 603 with 200 device
# resets, then a Linux guest streaming O_DIRECT writes without sync that
# pinvm stops with SIGTERM after a different number of blocks each round
# (4 + 5 x round mod 30): every block the guest saw complete is in the
# image, none half-applied, the image never grows.
# rounds: both loads run $ROUNDS times (the long tier, docs/testing.md)
# Long tier only: '# ci-hosts: none'.
# ci-hosts: none
# timeout: 420
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
rounds=$(stress_rounds) || exit 1
# One round is 601 and 603 again: the CI tier has those.
[ "$rounds" -gt 1 ] || skip "long tier only (tests/nested/run --long)"
img=$WORK/stress.img
blocks=64
cat >"$WORK/task.sh" <<'TASK'
n=0
while [ $n -lt 64 ]; do
	yes "r$(cut -c1-4 /proc/sys/kernel/random/boot_id)-$(printf %05d $n)-xxx" | head -c 65536 >/tmp/b
	dd if=/tmp/b of=/dev/vda bs=64k seek=$n count=1 oflag=direct 2>/dev/null && say "wrote $n $(md5sum </tmp/b | cut -d' ' -f1)"
	n=$((n + 1))
done
sleep 1000
TASK
initrd=$(linux_task_initrd "$WORK/task.sh") || exit 1

i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	dd if=/dev/zero of="$img" bs=64k count=$blocks 2>/dev/null
	printf 'PVDISK' | dd of="$img" conv=notrunc 2>/dev/null
	expect_status 0 --name "hostile$i" -- "$PINVM" run --kernel "$guest" --disk "$img" \
		--timeout 150 --cmdline "test=virtio resets=200"
	assert_grep '^PVGUEST: virtio: done, 0 failures$' "$OUT"

	dd if=/dev/zero of="$img" bs=64k count=$blocks 2>/dev/null
	stop_at=$((4 + (5 * i) % 30))
	bg_start "stream$i" -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$initrd" \
		--disk "$img" --cmdline "$(linux_cmdline task)"
	wait_for "^PINVM-GUEST: wrote $stop_at " "$OUT" 240 || { show "$OUT"; fail "round $i: the guest did not write $stop_at blocks"; }
	kill -TERM "$BG_PID"
	bg_wait 143 30
	# Each block the guest reported, with its checksum, is in the image.
	tr -d '\r' <"$OUT" | sed -n 's/^PINVM-GUEST: wrote \([0-9]*\) \([0-9a-f]*\)$/\1 \2/p' >"$WORK/wrote"
	while read -r n sum; do
		got=$(dd if="$img" bs=64k skip="$n" count=1 2>/dev/null | md5sum | cut -d' ' -f1)
		[ "$got" = "$sum" ] || fail "round $i: block $n completed in the guest, not in the image"
	done <"$WORK/wrote"
	# Every other block: whole (one 16-byte "rXXXX-NNNNN-xxx" line throughout) or zero.
	zero=$(head -c 65536 /dev/zero | md5sum | cut -d' ' -f1)
	n=$(wc -l <"$WORK/wrote")
	while [ "$n" -lt $blocks ]; do
		sum=$(dd if="$img" bs=64k skip="$n" count=1 2>/dev/null | md5sum | cut -d' ' -f1)
		if [ "$sum" != "$zero" ]; then
			lines=$(dd if="$img" bs=64k skip="$n" count=1 2>/dev/null | sort -u | wc -l)
			[ "$lines" -eq 1 ] || fail "round $i: block $n is half-applied"
		fi
		n=$((n + 1))
	done
	[ "$(wc -c <"$img")" -eq $((blocks * 65536)) ] || fail "round $i: the image changed size"
	echo "round $i: stopped after block $stop_at, $(wc -l <"$WORK/wrote") blocks reported"
done
