#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Nothing lost: the Linux guest writes 128 KiB blocks to /dev/vda with
# O_DIRECT and no sync, numbered, saying after each one that it completed;
# pinvm gets SIGTERM in mid-stream. Afterwards every block the guest saw
# complete is in the image, and every block is either wholly written or
# wholly untouched (none half-applied); the image did not grow.
# CI runs it on host 7 only (the device path does not depend on the host kernel; the long tier runs every host).
# ci-hosts: 7
# timeout: 300
. "$LIB"

img=$WORK/stream.img
blocks=128
dd if=/dev/zero of="$img" bs=128k count=$blocks 2>/dev/null

# Block N: 8192 lines "blk-NNNNN-xxxxx" (16 bytes with the newline) = 128 KiB.
cat >"$WORK/task.sh" <<'TASK'
n=0
while [ $n -lt 128 ]; do
	yes "blk-$(printf %05d $n)-xxxxx" | head -c 131072 >/tmp/b
	if dd if=/tmp/b of=/dev/vda bs=128k seek=$n count=1 oflag=direct 2>/tmp/err; then
		say "wrote $n"
	else
		say "write $n failed: $(cat /tmp/err)"
	fi
	n=$((n + 1))
done
say "all written"
sleep 1000
TASK
initrd=$(linux_task_initrd "$WORK/task.sh") || exit 1

bg_start stream -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$initrd" --disk "$img" \
	--cmdline "$(linux_cmdline task)"
wait_for '^PINVM-GUEST: wrote 20$' "$OUT" 200 || { show "$OUT"; fail "the guest did not write 20 blocks"; }
kill -TERM "$BG_PID"
bg_wait 143 30
assert_no_grep 'write [0-9]* failed' "$OUT"
last=$(tr -d '\r' <"$OUT" | sed -n 's/^PINVM-GUEST: wrote \([0-9]*\)$/\1/p' | tail -n 1)
echo "the guest saw blocks 0-$last complete"
zero=$(head -c 131072 /dev/zero | md5sum)
n=0
written=0
while [ $n -lt $blocks ]; do
	want=$(yes "blk-$(printf %05d $n)-xxxxx" | head -c 131072 | md5sum)
	got=$(dd if="$img" bs=128k skip=$n count=1 2>/dev/null | md5sum)
	if [ "$got" = "$want" ]; then
		written=$((written + 1))
	elif [ $n -le "$last" ]; then
		fail "block $n: the guest saw it complete, the image does not hold it"
	elif [ "$got" != "$zero" ]; then
		fail "block $n is half-applied"
	fi
	n=$((n + 1))
done
echo "$written blocks in the image"
[ $written -gt "$last" ] || fail "fewer blocks in the image ($written) than the guest saw complete"
[ "$(wc -c <"$img")" -eq $((blocks * 131072)) ] || fail "the image changed size"
