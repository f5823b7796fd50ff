#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A hostile driver (pvguest test=virtio, tests/guests/test_virtio.c) against
# pinvm's virtio-blk: requests past the end, at sector 2^64-1, of unknown
# types, of partial sectors, in the wrong direction; descriptor loops, chains
# longer than the queue, next indices out of range, buffers outside RAM or
# wrapping, indirect descriptors, readable after writable, no status byte;
# a head out of range and an avail index jump (NEEDS_RESET, healed by a
# reset); bad queue setups; a kick before DRIVER_OK; 20 resets. pinvm
# neither crashes nor hangs, every bad chain comes back, and the image
# holds only the one sector the guest wrote properly, at its size.
# CI runs it on host 7 only (the device's checks do not depend on the host kernel; the long tier runs every host).
# ci-hosts: 7
# timeout: 180
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
img=$WORK/hostile.img
dd if=/dev/zero of="$img" bs=1k count=1024 2>/dev/null
printf 'PVDISK' | dd of="$img" conv=notrunc 2>/dev/null

expect_status 0 -- "$PINVM" run --kernel "$guest" --disk "$img" --timeout 150 \
	--cmdline "test=virtio resets=20"
assert_grep '^PVGUEST: virtio: magic 0x74726976 version 2 device 2$' "$OUT"
assert_grep '^PVGUEST: virtio: capacity 2048 ' "$OUT"
assert_no_grep 'FAILED' "$OUT"
assert_grep '^PVGUEST: virtio: chain longer than the queue ok$' "$OUT"
assert_grep '^PVGUEST: virtio: avail index jump: NEEDS_RESET ok$' "$OUT"
assert_grep '^PVGUEST: virtio: 20 resets done$' "$OUT"
assert_grep '^PVGUEST: virtio: done, 0 failures$' "$OUT"
[ "$(wc -c <"$img")" -eq 1048576 ] || fail "the image changed size"
[ "$(head -c 6 "$img")" = PVDISK ] || fail "sector 0 was overwritten"
want=$(i=0; while [ $i -lt 512 ]; do printf "\\$(printf %03o $((97 + i % 26)))"; i=$((i + 1)); done | md5sum)
got=$(dd if="$img" bs=512 skip=1 count=1 2>/dev/null | md5sum)
[ "$got" = "$want" ] || fail "sector 1 does not hold what the guest wrote"
rest=$(dd if="$img" bs=512 skip=2 2>/dev/null | tr -d '\0' | wc -c)
[ "$rest" -eq 0 ] || fail "$rest bytes written beyond sector 1"
assert_summary 'guest powered off' 0
