#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A reset storm: a 2-vCPU guest that resets as soon as it boots. Each reset
# restarts it in place (vCPUs re-initialised, vGIC reset: under the seccomp
# filters) until --max-resets 200, then status 4. While it storms, pinvm is
# sampled: the open fds and memory mappings of the last third of the run
# must not outnumber those of the first third (a leaked vCPU fd, kvm_run
# mapping or thread stack per restart would), and the resident set
# (smaps_rollup, exact; it swings by a few huge pages as each boot touches
# guest RAM again) must not climb by more than 1 MiB between them.
# timeout: 150
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
log=$WORK/storm.jsonl
OUT=$WORK/storm.out
ERR=$WORK/storm.err
echo "+ $PINVM run --kernel $guest --cpus 2 --max-resets 200 --cmdline test=reset --event-log $log &"
"$PINVM" run --kernel "$guest" --cpus 2 --max-resets 200 --cmdline "test=reset" \
	--event-log "$log" </dev/null >"$OUT" 2>"$ERR" &
pid=$!
# Samples from the first boot on (before it, the shell's fork is measured).
wait_for '^PVGUEST: boot' "$OUT" 20 || { show "$OUT" "$ERR"; fail "the guest did not boot"; }

: >"$WORK/samples"
while :; do
	rss=$(sed -n 's/^Rss:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/smaps_rollup" 2>/dev/null)
	fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
	maps=$({ wc -l <"/proc/$pid/maps"; } 2>/dev/null)
	[ -n "$rss" ] && [ "$fds" -gt 0 ] && [ -n "$maps" ] || break
	# As fast as the shell can: a storm takes a few seconds.
	echo "$rss $fds $maps" >>"$WORK/samples"
done
wait "$pid"
STATUS=$?
[ "$STATUS" -eq 4 ] || { show "$OUT" "$ERR"; fail "exit status $STATUS, want 4"; }
assert_summary 'reset limit reached \(--max-resets 200\)' 4
assert_count 201 '^PVGUEST: boot' "$OUT"
assert_count 200 '"type":"restart"' "$log"
assert_grep '"type":"exit","status":4,"restarts":200\}$' "$log"
awk -f "$DATA/json-check.awk" "$log" || fail "event log is not JSON lines"

# The last sample may catch the exit path; leave it out.
n=$(($(wc -l <"$WORK/samples") - 1))
[ "$n" -ge 6 ] || fail "only $n samples"
head -n "$n" "$WORK/samples" | awk -v n="$n" '
	# Each of Rss, fds and mappings: the largest value of the first and of
	# the last third of the samples (single samples may catch a restart
	# half done).
	{ v[NR, 1] = $1; v[NR, 2] = $2; v[NR, 3] = $3 }
	END {
		third = int(n / 3)
		for (k = 1; k <= 3; k++) {
			early[k] = 0; late[k] = 0
			for (i = 1; i <= n; i++) {
				if (i <= third && v[i, k] > early[k]) early[k] = v[i, k]
				if (i > n - third && v[i, k] > late[k]) late[k] = v[i, k]
			}
		}
		printf "%d samples; first/last third: Rss %d/%d kB, fds %d/%d, mappings %d/%d\n",
			n, early[1], late[1], early[2], late[2], early[3], late[3]
		bad = 0
		if (late[2] > early[2]) { print "FAIL: open fds grew"; bad = 1 }
		if (late[3] > early[3]) { print "FAIL: memory mappings grew"; bad = 1 }
		if (late[1] > early[1] + 1024) { print "FAIL: Rss climbed by more than 1 MiB"; bad = 1 }
		exit bad
	}' || fail "a restart leaks"
