#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A real hibernate -> resume round trip of the Linux guest (this host's own
# Debian kernel, 2 vCPUs, 512 MiB) on one disk image:
# - first launch: the guest finds no image on vda, makes it swap, leaves a
#   random marker in its RAM and hibernates; pinvm exits 3: on a 7.x host
#   pinned to PSCI 1.3 the guest says so with SYSTEM_OFF2, on 6.1 and 6.12
#   (PSCI 1.1, plain SYSTEM_OFF) pinvm finds the image on vda; the event
#   log says which way it was detected;
# - second launch, same disk, kernel, RAM, vCPUs, command line and firmware
#   profile (recorded by the first): pinvm notes the image at launch (start
#   summary and record), the guest resumes with the marker still in its
#   RAM, takes CPU 1 offline and online again and powers off -> 0.
# CI runs it on host 7 (SYSTEM_OFF2) and 6.1 (the swap signature); 6.12 and the other guests are the long tier's.
# ci-hosts: 7 6.1
# timeout: 540
. "$LIB"

disk=$WORK/swap.img
truncate -s 1G "$disk"
if kernel_at_least 6.13; then
	psci=1.3
	how='guest hibernated \(SYSTEM_OFF2\)'
	detected=system_off2
else
	psci=1.1
	how='guest hibernated \(image on vda\)'
	detected=swap_signature
fi
run() {
	"$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 2 --mem 512M \
		--psci "$psci" --fw-profile "$WORK/fw.profile" --disk "$disk" --timeout 240 \
		--cmdline "$(hibernate_cmdline hibernate)" "$@"
}

expect_status 3 --name hibernate -- run --event-log "$WORK/ev1.jsonl"
assert_summary "$how" 3
assert_grep '^PINVM-GUEST: resume: no image restored$' "$OUT"
marker=$(sed -n 's/^PINVM-GUEST: hibernate: marker \([0-9a-f-]*\)$/\1/p' "$OUT")
[ -n "$marker" ] || fail "the guest printed no marker"
assert_grep "\"type\":\"hibernated\",\"detected\":\"$detected\",\"disk\":\"vda\",\"swap_where\":\"whole disk\"" "$WORK/ev1.jsonl"
assert_grep '"disks":\[\{"name":"vda",[^}]*"swap":"none"\}\]' "$WORK/ev1.jsonl"
[ "$(dd if="$disk" bs=1 skip=4086 count=9 2>/dev/null)" = S1SUSPEND ] ||
	fail "no S1SUSPEND signature at 4086 on the disk after the hibernation"

expect_status 0 --name resume -- run --event-log "$WORK/ev2.jsonl"
assert_grep '^pinvm: note: disk vda holds a hibernation image \(whole disk\): this launch is a resume' "$ERR"
assert_grep '"disks":\[\{"name":"vda",[^}]*"swap":"image","swap_where":"whole disk"\}\]' "$WORK/ev2.jsonl"
assert_grep "^PINVM-GUEST: resumed: marker $marker $marker\$" "$OUT"
assert_grep '^PINVM-GUEST: resumed: cpu1 offline: online=0; online again: online=0-1$' "$OUT"
assert_grep '^PINVM-GUEST: resumed: cpus=2$' "$OUT"
assert_no_grep '^PINVM-GUEST: hibernate: marker' "$OUT"
assert_no_grep '"type":"hibernated"' "$WORK/ev2.jsonl"
assert_summary 'guest powered off' 0
