#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Debian kernel (this host's own) boots under pinvm with 1 vCPU to the
# busybox init, which sees 1 CPU and powers off with `poweroff -f`: pinvm
# exits 0 and its summary says the guest powered off. The guest's GIC driver
# finds the 32 SPIs pinvm configures (LAYOUT_GIC_NR_IRQS), not KVM's 224.
# Linux found the device tree's seeds and used them: it zeroes
# /chosen/kaslr-seed after taking it for KASLR and removes rng-seed once it
# is in its entropy pool, so the guest sees a zero kaslr-seed and no rng-seed.
# timeout: 240
. "$LIB"

expect_status 0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--cpus 1 --cmdline "$(linux_cmdline poweroff)"
assert_grep '^PINVM-GUEST: init reached' "$OUT"
assert_grep '^PINVM-GUEST: cpus=1$' "$OUT"
assert_grep '^PINVM-GUEST: dmesg: .*GICv3: 32 SPIs implemented' "$OUT"
assert_grep '^PINVM-GUEST: chosen: kaslr-seed 0000000000000000$' "$OUT"
assert_grep '^PINVM-GUEST: chosen: no rng-seed$' "$OUT"
assert_grep '^PINVM-GUEST: action: poweroff' "$OUT"
assert_count 1 'PINVM-GUEST: init reached' "$OUT"
assert_summary 'guest powered off' 0
