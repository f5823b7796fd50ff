#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A snapshot of a Linux guest with a disk while it writes: the guest writes
# 64 KiB blocks to /dev/vda (O_DIRECT, one request after another);
# snapshot-stop in the middle (exit 10), then pinvm restore reopens the
# image from the path in the snapshot: the guest's queue goes on, every
# block is written once, the guest reads each back as it wrote it, and the
# image on the host holds them all. Then a restore after the image grew is
# refused (status 1) naming the size.
# ci-hosts: 7
# rounds: the write, snapshot-stop and restore run $ROUNDS times, each on a
# fresh image (the long tier, docs/testing.md); the grown image once
# timeout: 600
. "$LIB"

img=$WORK/d.img
n=120
rounds=$(stress_rounds) || exit 1

cat >"$WORK/task.sh" <<TASK
i=1
while [ \$i -le $n ]; do
	yes "blk \$i" | head -c 65536 | dd of=/dev/vda bs=65536 seek=\$i oflag=direct 2>/dev/null ||
		say "disk: write \$i failed"
	say "disk block \$i"
	i=\$((i + 1))
	sleep 0.05
done
bad=0
i=1
while [ \$i -le $n ]; do
	a=\$(yes "blk \$i" | head -c 65536 | md5sum)
	b=\$(dd if=/dev/vda bs=65536 skip=\$i count=1 iflag=direct 2>/dev/null | md5sum)
	[ "\$a" = "\$b" ] || bad=\$((bad + 1))
	i=\$((i + 1))
done
say "disk verified: \$bad bad of $n"
TASK
initrd=$(linux_task_initrd "$WORK/task.sh") || exit 1

sock=$WORK/ctl.sock
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	dd if=/dev/zero of="$img" bs=1M count=32 2>/dev/null
	rm -f "$sock" "$WORK/disk.snap" "$WORK/disk2.snap"
	bg_start first -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$initrd" --cpus 2 \
		--mem 512M --disk "$img" --cmdline "$(linux_cmdline task)" --control "$sock"
	wait_for '^PINVM-GUEST: disk block 10' "$OUT" 300 || { show "$OUT" "$ERR"; fail "the guest did not write"; }
	expect_status 0 --name snapstop -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/disk.snap"
	assert_grep '^ok [0-9]+ bytes, pinvm stops \(status 10\)$' "$OUT"
	OUT=$WORK/first.out
	ERR=$WORK/first.err
	bg_wait 10 60
	assert_summary 'snapshot-stop: snapshot written' 10
	last=$(grep -E '^PINVM-GUEST: disk block [0-9]+' "$WORK/first.out" | tail -n 1 | awk '{print $4}' | tr -d '\r')
	echo "snapshot taken after block $last of $n"
	[ "${last:-0}" -lt $n ] || fail "the guest had written every block before the snapshot: nothing was in flight"

	cp "$WORK/disk.snap" "$WORK/disk2.snap"
	expect_status 0 --name restored -- "$PINVM" restore "$WORK/disk.snap" --timeout 400
	assert_no_grep 'init reached|Booting Linux' "$OUT"
	cat "$WORK/first.out" "$OUT" | tr -d '\r' | sed -n 's/^PINVM-GUEST: disk block \([0-9]*\)$/\1/p' >"$WORK/seq"
	if ! seq 1 $n | cmp -s - "$WORK/seq"; then
		# where the two outputs join, byte by byte, and which numbers differ
		echo "end of first.out:"
		tail -c 120 "$WORK/first.out" | od -c | sed 's/^/  /'
		echo "start of the restore's output:"
		head -c 120 "$OUT" | od -c | sed 's/^/  /'
		seq 1 $n | diff - "$WORK/seq" | head -n 20
		show "$WORK/first.out" "$OUT"
		fail "the blocks are not 1 to $n once each across the restore (last before: $last)"
	fi
	assert_no_grep 'disk: write [0-9]+ failed' "$OUT"
	assert_grep '^PINVM-GUEST: disk verified: 0 bad of '"$n"'$' "$OUT"
	assert_summary 'guest powered off' 0
	bad=0
	i=1
	while [ $i -le $n ]; do
		a=$(yes "blk $i" | head -c 65536 | md5sum)
		b=$(dd if="$img" bs=65536 skip=$i count=1 2>/dev/null | md5sum)
		[ "$a" = "$b" ] || bad=$((bad + 1))
		i=$((i + 1))
	done
	[ $bad -eq 0 ] || fail "the image holds $bad blocks the guest did not write"
	echo "round $r of $rounds passed"
done

# The image grew: the restore is refused, the guest not started.
truncate -s 33M "$img"
expect_status 1 --name grown -- "$PINVM" restore "$WORK/disk2.snap" --timeout 60
assert_grep "^pinvm: error: cannot restore .*disk2.snap: disk vda: the image .*d.img is 34603008 bytes, the snapshot's guest had 33554432 \(its size changed\)$" "$ERR"
