#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Issue 12's first crash load (pinvm died of SIGSEGV once in eleven runs):
# two vCPUs ping-pong 500 IPIs while each reads vGIC distributor and
# redistributor registers, reads unmapped MMIO (an exit to pinvm every
# round) and takes its virtual timer every millisecond. pinvm neither
# crashes nor stalls: the guest's own "done" line, SYSTEM_OFF and exit 0;
# the 8 unmapped addresses are logged once each.
# rounds: the load runs $ROUNDS times (the long tier, docs/testing.md)
# timeout: 40
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
rounds=$(stress_rounds) || exit 1
i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	expect_status 0 --name "round$i" -- "$PINVM" run --kernel "$guest" --cpus 2 \
		--cmdline "test=smp-stress count=500"
	assert_grep '^PVGUEST: smp-stress ipis 500 500 timers [0-9]+ [0-9]+ other 0 0 unmapped-nonzero 0$' "$OUT"
	assert_grep '^PVGUEST: smp-stress done rounds 500$' "$OUT"
	assert_no_grep 'BAD|EXCEPTION' "$OUT"
	assert_count 8 '^pinvm: warning: guest read from unmapped MMIO 0x210[0-9a-f]{4} \(8 bytes\)' "$ERR"
	assert_summary 'guest powered off' 0
	rm -f "$OUT" "$ERR"
done
echo "$rounds rounds"
