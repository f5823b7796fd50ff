#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A root file system for CI: the ext4 image scripts/mkrootfs made from a
# directory without root (tests/linux/build-rootfs) as vda; the guest's
# initramfs loads its kernel's virtio modules, mounts vda and switch_roots
# into it. Its /init reads a 256 KiB payload through ext4 (the SHA-256
# recorded at build time must match) and writes a fresh line to /written,
# which the image file holds afterwards.
# CI runs it on host 7 only (the recipe does not depend on the host kernel; the long tier runs every host).
# ci-hosts: 7
# timeout: 180
. "$LIB"

cp "$LINUX_ROOTFS" "$WORK/root.ext4"
expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--disk "$WORK/root.ext4" --cmdline "$(linux_cmdline rootfs)"
assert_grep '^PINVM-GUEST: rootfs: mounted vda, switch_root to /init$' "$OUT"
assert_grep '^PINVM-ROOTFS: init: pid 1, root /dev/vda / ext4$' "$OUT"
got=$(sed -n 's/^PINVM-ROOTFS: payload: \([0-9a-f]*\)$/\1/p' "$OUT")
want=$(sed -n 's/^PINVM-ROOTFS: expected: \([0-9a-f]*\)$/\1/p' "$OUT")
[ ${#got} -eq 64 ] || fail "no payload checksum from the guest"
[ "$got" = "$want" ] || fail "payload read through ext4: $got, built with $want"
token=$(sed -n 's/^PINVM-ROOTFS: wrote: \(written-[0-9a-f-]*\)$/\1/p' "$OUT")
[ -n "$token" ] || fail "the guest wrote nothing"
strings "$WORK/root.ext4" | grep -q -F "$token" || fail "the image does not hold the line the guest wrote ($token)"
assert_summary 'guest powered off' 0
