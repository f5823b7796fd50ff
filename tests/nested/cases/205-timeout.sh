#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A hung guest with --timeout 2: exit 124 after about 2 s, a timeout event.
# timeout: 30
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/hang.jsonl
expect_status 124 -- "$PINVM" run --kernel "$guest" --cpus 2 --timeout 2 --cmdline "test=hang" \
	--event-log "$log"
assert_grep '^PVGUEST: hang' "$OUT"
assert_summary 'timeout after 2 s' 124
assert_grep '"type":"timeout","seconds":2\}$' "$log"
assert_grep '"type":"exit","status":124,' "$log"
