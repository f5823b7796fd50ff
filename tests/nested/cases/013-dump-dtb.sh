#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --dump-dtb writes the device tree the guest would get and exits 0 without
# running it; dtc decompiles it without a single warning, and it has the
# nodes the guest needs. A 30 KB command line still fits (pinvm starts with
# an 8 KiB buffer and grows it).
# timeout: 30
. "$LIB"

dtb=$WORK/guest.dtb
expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--cpus 4 --mem 512M --cmdline "$(linux_cmdline poweroff)" --dump-dtb "$dtb"
[ -s "$dtb" ] || fail "--dump-dtb wrote nothing"
expect_status 0 --name dtc -- "$DTC" -I dtb -O dts -o "$WORK/guest.dts" "$dtb"
assert_empty "$ERR"

dts=$WORK/guest.dts
assert_grep 'compatible = "linux,dummy-virt"' "$dts"
assert_grep 'compatible = "arm,psci' "$dts"
assert_grep 'method = "hvc"' "$dts"
assert_grep 'ns16550a' "$dts"
assert_grep 'stdout-path' "$dts"
assert_grep 'arm,armv8-timer' "$dts"
assert_grep 'arm,gic-v3|arm,cortex-a15-gic' "$dts"
assert_grep 'bootargs = ".*pinvm.action=poweroff' "$dts"
assert_grep 'linux,initrd-start' "$dts"
assert_grep 'linux,initrd-end' "$dts"
assert_count 4 'enable-method = "psci"' "$dts"
assert_grep 'device_type = "memory"' "$dts"

# The buffer grows: a command line of 30000 characters ends up whole.
long=$(awk 'BEGIN { while (n++ < 30000) printf "x" }')
expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --cmdline "$long" --dump-dtb "$dtb"
expect_status 0 --name dtc -- "$DTC" -I dtb -O dts -o "$WORK/long.dts" "$dtb"
assert_grep 'bootargs = "xxxxxxxx' "$WORK/long.dts"
xs=$(awk '/bootargs/ { print gsub(/x/, "") }' "$WORK/long.dts")
[ "$xs" = 30000 ] || fail "bootargs has $xs of the 30000 characters"
size=$(wc -c <"$dtb")
[ "$size" -gt 30000 ] && [ "$size" -lt 40000 ] || fail "a DTB of $size bytes for a 30000-byte command line"
