#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-blk (--disk): the Linux guest finds vda (read-write) and vdb
# (,ro) in --disk order with the images' sizes and serials (GET_ID), reads
# what the host put there, writes 1 MiB with O_DIRECT and a FLUSH, and
# cannot write the read-only disk. Afterwards the image holds exactly what
# the guest wrote where it wrote it, neither image changed size, the
# read-only one is unchanged, and the start record lists both disks.
# timeout: 300
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
assert_grep '"disks":\[\{"name":"vda","path":"[^"]*alpha.img","ro":false,"bytes":16777216\},\{"name":"vdb","path":"[^"]*beta.img","ro":true,"bytes":2097152\}\]' "$WORK/ev.jsonl"
assert_summary 'guest powered off' 0
