#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A bare-metal flat binary (no Image header, loaded at RAM + 0x80000 as
# kvmtool does) reads its command line from the DT, prints over the UART and
# calls PSCI SYSTEM_OFF: pinvm exits 0.
# timeout: 30
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
expect_status 0 -- "$PINVM" run --kernel "$guest" --cmdline "test=hello"
assert_grep '^PVGUEST: hello' "$OUT"
assert_summary 'guest powered off' 0
