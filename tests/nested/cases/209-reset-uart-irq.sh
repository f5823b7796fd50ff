#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# An in-place restart lowers the UART's interrupt line. Each boot of the
# guest makes the UART's SPI level-sensitive in the GIC distributor (as the
# DT says and Linux does; KVM creates SPIs edge-triggered, which keeps no
# line level), reads its pending bit (a level interrupt reads pending while
# its line is high) before it touches the UART, then raises the line (IER
# THRI: THR is always empty, so THRE is pending at once), reads it pending,
# and resets. A restart that resets the UART model without telling KVM
# leaves the line high: the next boot finds the SPI pending while IIR says
# "no interrupt", an interrupt storm for a Linux guest.
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
expect_status 4 -- "$PINVM" run --kernel "$guest" --max-resets 2 --cmdline "test=uart-irq-reset"
assert_count 3 '^PVGUEST: boot$' "$OUT"
assert_no_grep 'BAD' "$OUT"
# The check can see a high line: every boot reads it pending once raised...
assert_count 3 '^PVGUEST: uart-irq thri on pending 1$' "$OUT"
# ...and low before, the first boot and both restarts alike.
assert_count 3 '^PVGUEST: uart-irq intid 32 pending 0 iir 0x01$' "$OUT"
assert_summary 'reset limit reached \(--max-resets 2\)' 4
