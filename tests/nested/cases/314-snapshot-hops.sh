#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The bare-metal counter guest (2 vCPUs) carried through a chain of
# snapshot-stop and restore in one host boot, each restore of the snapshot
# the restore before wrote (a restore of a restore of ...): across every
# hop the count goes on, each line once, no new boot, the virtual counter
# without a jump, CPU 1 counting on; the last restore counts to the end
# and powers off (0).
# rounds: one hop (snapshot-stop of the guest as restored, then its restore)
# Long tier only (310 is CI's restore of a restore): '# ci-hosts: none'.
# ci-hosts: none
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
rounds=$(stress_rounds)
sock=$WORK/ctl.sock
# Enough lines for every hop (a hop takes a few) and the last restore's end.
count=$((rounds * 25 + 30))
full='^PVGUEST: counter [0-9]+ psci [0-9.]+ secondary [0-9]+ step [0-9]+$'

bg_start hop0 -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=counter count=$count" \
	--control "$sock"
wait_for '^PVGUEST: counter 3 ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "guest did not count"; }
hop=0
while [ "$hop" -lt "$rounds" ]; do
	expect_status 0 --name "stop$hop" -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/hop$hop.snap"
	OUT=$WORK/hop$hop.out
	ERR=$WORK/hop$hop.err
	bg_wait 10 30
	assert_summary 'snapshot-stop: snapshot written' 10
	grep -q "^PVGUEST: counter $count " "$OUT" && fail "hop $hop: the count ended before its snapshot (count=$count too small)"
	[ "$hop" -eq 0 ] || assert_no_grep '^PVGUEST: boot' "$OUT"
	prev=$hop
	hop=$((hop + 1))
	bg_start "hop$hop" -- "$PINVM" restore "$WORK/hop$prev.snap" --control "$sock" --timeout 600
	# Its first whole line: the guest runs again.
	wait_for "$full" "$OUT" 60 || { show "$OUT" "$ERR"; fail "hop $hop: the restored guest did not count"; }
	rm -f "$WORK/hop$((prev - 1)).snap"
done
OUT=$WORK/hop$hop.out
ERR=$WORK/hop$hop.err
bg_wait 0 $((count / 5 + 60))
assert_no_grep '^PVGUEST: boot' "$OUT"
assert_summary 'guest powered off' 0

# Every output joined: 1 to count once each, steps without a jump, CPU 1 on.
i=0
while [ "$i" -le "$hop" ]; do
	tr -d '\r' <"$WORK/hop$i.out"
	i=$((i + 1))
done | grep '^PVGUEST: counter' >"$WORK/all"
awk '{print $3}' "$WORK/all" >"$WORK/seq"
seq 1 "$count" | cmp -s - "$WORK/seq" || { show "$WORK/all"; fail "the count is not 1 to $count once each across $rounds hops"; }
grep -Ev "$full" "$WORK/all" | head -n 5 | grep -q . && { show "$WORK/all"; fail "a counter line is not whole (or reports BAD)"; }
max_step=$(awk '$NF > m {m = $NF} END {print m + 0}' "$WORK/all")
echo "$rounds hops; the largest step of the virtual counter: $max_step ms"
[ "$max_step" -lt 3000 ] || fail "the virtual counter jumped by $max_step ms at a hop"
# CPU 1's count on each run's first whole line grows from run to run.
i=0
last=-1
while [ "$i" -le "$hop" ]; do
	sec=$(tr -d '\r' <"$WORK/hop$i.out" | grep -E "$full" | head -n 1 | awk '{print $7}')
	[ -n "$sec" ] && [ "$sec" -gt "$last" ] ||
		fail "CPU 1 did not count on at hop $i (${sec:-no line}, ${last} before)"
	last=$sec
	i=$((i + 1))
done
