#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A guest flooding the UART (16 KiB as fast as it can poll: every byte is
# two MMIO exits, about 10 s in the emulated host): every byte arrives, in
# order, and pinvm's memory stays flat. pinvm holds one 4 KiB line buffer
# and a 1 MiB output ring (src/conout.c) whose pages are touched only as far
# as the backlog reaches: with stdout a file, the ring empties as fast as
# it fills and starts over at its beginning, so the resident set must not
# grow with the flood. It is sampled from /proc/PID/smaps_rollup (a page-table walk:
# VmRSS in /proc/PID/status is batched per thread before Linux 6.2 and lags)
# while the flood runs; the largest sample may exceed the first one taken
# once the flood started by 128 KiB at most. Keeping 8 bytes or more per
# byte of output would exceed that.
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
bytes=16384
OUT=$WORK/flood.out
ERR=$WORK/flood.err
echo "+ $PINVM run --kernel $guest --cmdline test=uart-flood bytes=$bytes &"
"$PINVM" run --kernel "$guest" --cmdline "test=uart-flood bytes=$bytes" </dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for '^PVGUEST: flood start' "$OUT" 20 || { show "$OUT" "$ERR"; fail "the flood did not start"; }

first=
max=0
samples=0
while :; do
	rss=$(sed -n 's/^Rss:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/smaps_rollup" 2>/dev/null)
	[ -n "$rss" ] || break	# exited
	samples=$((samples + 1))
	[ -n "$first" ] || first=$rss
	[ "$rss" -le "$max" ] || max=$rss
	sleep 0.5
done
wait "$pid"
STATUS=$?
[ "$STATUS" -eq 0 ] || { show "$OUT" "$ERR"; fail "exit status $STATUS"; }
assert_summary 'guest powered off' 0
assert_grep '^PVGUEST: flood end' "$OUT"
# 16384 bytes = 256 lines of 63 letters and a LF.
lines=$(grep -cE '^[a-z]{63}$' "$OUT")
[ "$lines" -eq $((bytes / 64)) ] || fail "$lines payload lines, want $((bytes / 64)): bytes lost or mangled"
echo "Rss at flood start $first kB, largest $max kB, $samples samples"
[ "$samples" -ge 5 ] || fail "only $samples memory samples during the flood"
[ "$max" -le $((first + 128)) ] || fail "memory grew during the flood: $first kB -> $max kB"
