#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-blk (--disk): the Linux guest finds vda (read-write) and vdb
# (,ro) in --disk order with the images' sizes and serials (GET_ID), reads
# what the host put there, writes 1 MiB with O_DIRECT and a FLUSH, and
# cannot write the read-only disk. Afterwards the image holds exactly what
# the guest wrote where it wrote it, neither image changed size, the
# read-only one is unchanged, and the start record lists both disks.
# Then a guest that reboots (an in-process restart resets the device): its
# second boot finds on vda what its first boot wrote there, and works on.
# timeout: 400
. "$LIB"

a=$WORK/alpha.img
b=$WORK/beta.img
dd if=/dev/zero of="$a" bs=1M count=16 2>/dev/null
dd if=/dev/zero of="$b" bs=1M count=2 2>/dev/null
printf 'PINVM-DISK-A' | dd of="$a" conv=notrunc 2>/dev/null
printf 'PINVM-DISK-B' | dd of="$b" conv=notrunc 2>/dev/null
b_sum=$(md5sum <"$b")

cat >"$WORK/task.sh" <<'TASK'
n=0
while [ ! -e /sys/block/vdb/dev ] && [ $n -lt 100 ]; do n=$((n + 1)); sleep 0.1; done
for d in vda vdb; do
	[ -b /dev/$d ] || mknod /dev/$d b "$(cut -d: -f1 /sys/block/$d/dev)" "$(cut -d: -f2 /sys/block/$d/dev)"
	say "$d: size=$(cat /sys/block/$d/size) ro=$(cat /sys/block/$d/ro) serial=$(cat /sys/block/$d/serial 2>/dev/null)"
	say "$d: head=$(dd if=/dev/$d bs=12 count=1 2>/dev/null)"
done
dd if=/dev/urandom of=/tmp/r bs=1M count=1 2>/dev/null
if dd if=/tmp/r of=/dev/vda bs=1M seek=3 count=1 oflag=direct conv=fsync 2>/tmp/err; then
	say "vda: wrote $(md5sum </tmp/r | cut -d' ' -f1)"
else
	say "vda: write failed: $(cat /tmp/err)"
fi
if dd if=/tmp/r of=/dev/vdb bs=4096 count=1 oflag=direct 2>/dev/null; then
	say "vdb: write succeeded"
else
	say "vdb: write refused"
fi
dmesg | grep -E 'virtio_blk|vd[ab]' | while IFS= read -r line; do say "dmesg: $line"; done
TASK
initrd=$(linux_task_initrd "$WORK/task.sh") || exit 1

expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$initrd" --cpus 2 \
	--disk "$a" --disk "$b,ro" --event-log "$WORK/ev.jsonl" --cmdline "$(linux_cmdline task)"
assert_grep '^PINVM-GUEST: vda: size=32768 ro=0 serial=alpha.img$' "$OUT"
assert_grep '^PINVM-GUEST: vdb: size=4096 ro=1 serial=beta.img$' "$OUT"
assert_grep '^PINVM-GUEST: vda: head=PINVM-DISK-A$' "$OUT"
assert_grep '^PINVM-GUEST: vdb: head=PINVM-DISK-B$' "$OUT"
assert_grep '^PINVM-GUEST: vdb: write refused$' "$OUT"
want=$(tr -d '\r' <"$OUT" | sed -n 's/^PINVM-GUEST: vda: wrote \([0-9a-f]*\)$/\1/p')
[ -n "$want" ] || fail "the guest did not write vda"
got=$(dd if="$a" bs=1M skip=3 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "vda holds $got at 3 MiB, the guest wrote $want"
[ "$(wc -c <"$a")" -eq $((16 << 20)) ] || fail "alpha.img changed size"
[ "$(md5sum <"$b")" = "$b_sum" ] || fail "the read-only beta.img changed"
assert_grep '"disks":\[\{"name":"vda","path":"[^"]*alpha.img","ro":false,"bytes":16777216,"swap":"none"\},\{"name":"vdb","path":"[^"]*beta.img","ro":true,"bytes":2097152,"swap":"none"\}\]' "$WORK/ev.jsonl"
assert_summary 'guest powered off' 0

# An in-process restart: the first boot writes a marker and reboots, the
# second finds it (the disk survived the restart and works after its reset).
c=$WORK/gamma.img
dd if=/dev/zero of="$c" bs=1M count=4 2>/dev/null
cat >"$WORK/task2.sh" <<'TASK'
if [ "$(dd if=/dev/vda bs=1 count=5 skip=4096 2>/dev/null)" = BOOT1 ]; then
	say "second boot: marker found"
	printf BOOT2 | dd of=/dev/vda bs=1 seek=8192 conv=fsync 2>/dev/null && say "second boot: wrote"
else
	printf BOOT1 | dd of=/dev/vda bs=1 seek=4096 conv=fsync 2>/dev/null && say "first boot: wrote"
	reboot -f
fi
TASK
initrd2=$(linux_task_initrd "$WORK/task2.sh" "$WORK/task2-initrd.cpio.gz") || exit 1
expect_status 0 --name restart -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$initrd2" \
	--disk "$c" --event-log "$WORK/ev2.jsonl" --cmdline "$(linux_cmdline task)"
assert_grep '^PINVM-GUEST: first boot: wrote$' "$OUT"
assert_grep '^PINVM-GUEST: second boot: marker found$' "$OUT"
assert_grep '^PINVM-GUEST: second boot: wrote$' "$OUT"
assert_grep '"type":"restart","count":1' "$WORK/ev2.jsonl"
[ "$(dd if="$c" bs=1 skip=8192 count=5 2>/dev/null)" = BOOT2 ] || fail "the second boot's write is not in the image"
