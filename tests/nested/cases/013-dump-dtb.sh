#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --dump-dtb writes the device tree the guest would get and exits 0 without
# running it; dtc decompiles it without a single warning, and it has the
# nodes the guest needs. A 30 KB command line still fits (pinvm starts with
# an 8 KiB buffer and grows it). /chosen has a random rng-seed (64 bytes)
# and kaslr-seed: two dumps differ in those two lines only. Every boot gets
# new ones, in-process restarts included (the bare-metal guest prints them).
# timeout: 60
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
assert_grep '^	serial@1000000 \{$' "$dts"
assert_grep 'stdout-path = "/serial@1000000";' "$dts"
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

# The seeds: random, and the only difference between two dumps.
expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--cpus 4 --mem 512M --cmdline "$(linux_cmdline poweroff)" --dump-dtb "$WORK/again.dtb"
expect_status 0 --name dtc -- "$DTC" -I dtb -O dts -o "$WORK/again.dts" "$WORK/again.dtb"
for f in "$dts" "$WORK/again.dts"; do
	assert_count 1 '^		rng-seed = <(0x[0-9a-f]+ ){15}0x[0-9a-f]+>;$' "$f"
	assert_count 1 '^		kaslr-seed = <0x[0-9a-f]+ 0x[0-9a-f]+>;$' "$f"
	assert_no_grep 'rng-seed = <(0x00 ){15}0x00>|kaslr-seed = <0x00 0x00>' "$f"
	sed 's/^\(		rng-seed = \|		kaslr-seed = \).*/\1MASKED;/' "$f" >"$f.masked"
done
cmp -s "$dts.masked" "$WORK/again.dts.masked" || { diff "$dts.masked" "$WORK/again.dts.masked"; fail "two dumps differ beyond the seeds"; }
cmp -s "$dts" "$WORK/again.dts" && fail "two dumps have the same seeds"
for seed in rng-seed kaslr-seed; do
	[ "$(grep "$seed" "$dts")" != "$(grep "$seed" "$WORK/again.dts")" ] || fail "two dumps have the same $seed"
done

# Every boot gets new seeds: three boots (two in-process restarts).
guest=$(require_guest pvguest.bin) || exit 1
expect_status 4 --name seeds -- "$PINVM" run --kernel "$guest" --max-resets 2 --cmdline "test=seeds"
assert_count 3 '^PVGUEST: seeds rng-seed 64 [0-9a-f]{128} kaslr-seed 0x[0-9a-f]{16}$' "$OUT"
assert_no_grep 'rng-seed 64 0{128} |kaslr-seed 0x0{16}$' "$OUT"
for seed in 'rng-seed 64 [0-9a-f]*' 'kaslr-seed 0x[0-9a-f]*'; do
	n=$(grep -o "$seed" "$OUT" | sort -u | wc -l)
	[ "$n" -eq 3 ] || fail "3 boots, $n different '${seed%% *}' values"
done
