#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A guest hammering unmapped MMIO: 3000 write+read pairs over 3000
# distinct addresses, widths 1/2/4/8. pinvm keeps serving (reads are 0,
# writes dropped; the guest's console still works and its SYSTEM_OFF ends
# the run with 0) and its log stays rate-limited: one warning for each of
# the first 64 addresses, one final "no longer logging" line, the summary,
# nothing else. A second vCPU does not change that.
# timeout: 40
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
expect_status 0 -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=mmio-hammer count=3000"
assert_grep '^PVGUEST: mmio-hammer done count 3000 nonzero 0 or 0x0' "$OUT"
assert_count 64 '^pinvm: warning: guest (write to|read from) unmapped MMIO 0x[0-9a-f]+ \([1248] bytes\)' "$ERR"
assert_count 1 '^pinvm: warning: guest touched more than 64 distinct unmapped MMIO addresses; no longer logging them$' "$ERR"
assert_summary 'guest powered off' 0
[ "$(wc -l <"$ERR")" -eq 66 ] || { show "$ERR"; fail "stderr has more than 64 + 1 + 1 lines"; }
# The first access to each logged address is the write.
assert_count 64 'write to unmapped MMIO' "$ERR"
