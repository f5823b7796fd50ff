#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A profile being written when pinvm is killed is never left truncated:
# FILE is either absent or complete (the registers of an undisturbed
# recording), whatever the moment of the kill. Writes go to a temp file in
# the same directory, fsync'ed, then renamed over FILE.
# - SIGXFSZ from `ulimit -f` kills pinvm inside its write: at the first byte
#   (limit 0), and after 512 bytes when the profile is longer (limit 1);
# - SIGKILL, SIGTERM and SIGHUP at staggered moments of a recording run.
# A killed writer leaves its temp file (FILE.tmp.XXXXXX) behind; the next
# write of FILE removes it (and only what has exactly that name pattern),
# for profiles and for --dump-dtb alike.
# timeout: 90
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

expect_status 0 --name ref -- "$PINVM" run --kernel "$guest" --fw-profile "$WORK/ref.fwprofile" \
	--dump-dtb "$WORK/ref.dtb"
grep -v '^#' "$WORK/ref.fwprofile" >"$WORK/ref.regs"
size=$(wc -c <"$WORK/ref.fwprofile")
echo "a complete profile here is $size bytes"

# absent_or_complete FILE
absent_or_complete() {
	[ -e "$1" ] || return 1
	grep -v '^#' "$1" | cmp -s - "$WORK/ref.regs" || { show "$1"; fail "$1 is truncated"; }
	[ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" = 0a ] || fail "$1 does not end in a newline"
	"$PINVM" profile show "$1" >/dev/null 2>&1 || fail "$1 does not parse"
	return 0
}

for blocks in 0 1; do
	f=$WORK/fsz$blocks.fwprofile
	want=153		# 128 + SIGXFSZ
	[ "$blocks" -eq 1 ] && [ "$size" -le 512 ] && want=0
	expect_status $want --name "fsz$blocks" -- sh -c 'ulimit -f "$0" && exec "$@"' "$blocks" \
		"$PINVM" run --kernel "$guest" --fw-profile "$f" --console none --cmdline "test=off"
	if [ "$want" -eq 0 ]; then
		absent_or_complete "$f" || fail "$f is missing after a successful run"
		echo "ulimit -f $blocks: the profile fits; written completely"
		continue
	fi
	[ -e "$f" ] && { show "$f"; fail "killed inside the write, yet $f exists"; }
	# The temp file holds what was written before the kill, under its own name.
	tmp=$(ls "$WORK" | grep "^fsz$blocks\.fwprofile\.tmp\." | head -n 1)
	[ -n "$tmp" ] || fail "no temp file: was pinvm killed inside the write?"
	tsize=$(wc -c <"$WORK/$tmp")
	[ "$tsize" -eq $((blocks * 512)) ] || fail "temp file has $tsize bytes, not $((blocks * 512))"
	echo "ulimit -f $blocks: killed after $tsize of $size bytes; $(basename "$f") absent, $tmp left"
	# The next run records it completely, stale temp file or not.
	expect_status 0 --name "fsz$blocks-again" -- "$PINVM" run --kernel "$guest" --fw-profile "$f" \
		--console none --cmdline "test=off"
	absent_or_complete "$f" || fail "$f was not recorded"
	[ -e "$WORK/$tmp" ] && fail "the next write of $(basename "$f") left the stale $tmp"
	left=$(ls "$WORK" | grep "^fsz$blocks\.fwprofile\.tmp\.")
	[ -z "$left" ] || fail "temp files left after the next write: $left"
	echo "ulimit -f $blocks: the next write removed $tmp"
done

# The same for --dump-dtb: killed inside the write (SIGXFSZ at the first
# byte), then written again; next to it temp files of that name pattern
# (one as a killed run leaves it) and names that only look like one.
mkdir "$WORK/dtb"
expect_status 0 --name dtb-ref -- "$PINVM" run --kernel "$guest" --dump-dtb "$WORK/dtb-ref.dtb"
expect_status 153 --name dtb-fsz -- sh -c 'ulimit -f 0 && exec "$@"' 0 \
	"$PINVM" run --kernel "$guest" --dump-dtb "$WORK/dtb/x.dtb"
[ -e "$WORK/dtb/x.dtb" ] && fail "killed inside the DTB write, yet x.dtb exists"
killed=$(ls "$WORK/dtb" | grep '^x\.dtb\.tmp\.')
[ -n "$killed" ] || fail "no temp file: was pinvm killed inside the DTB write?"
for n in x.dtb.tmp.Ab12Cd x.dtb.tmp.zz00ZZ; do
	cp "$WORK/dtb-ref.dtb" "$WORK/dtb/$n"
done
for n in x.dtb.tmp.Ab12C x.dtb.tmp.Ab12Cd7 x.dtb.tmp.Ab12C- y.dtb.tmp.Ab12Cd x.dtb.tmpAb12Cd; do
	: >"$WORK/dtb/$n"
done
mkdir "$WORK/dtb/x.dtb.tmp.Dir000"
expect_status 0 --name dtb-again -- "$PINVM" run --kernel "$guest" --dump-dtb "$WORK/dtb/x.dtb"
# The same tree as the reference but for the random seeds of /chosen.
for f in dtb/x.dtb:new dtb-ref.dtb:ref; do
	"$DTC" -I dtb -O dts "$WORK/${f%%:*}" 2>/dev/null | grep -v -e 'rng-seed' -e 'kaslr-seed' \
		>"$WORK/dts-${f#*:}"
done
[ -s "$WORK/dts-new" ] || fail "x.dtb does not decompile"
cmp -s "$WORK/dts-new" "$WORK/dts-ref" || fail "x.dtb differs from the reference DTB"
for n in "$killed" x.dtb.tmp.Ab12Cd x.dtb.tmp.zz00ZZ; do
	[ -e "$WORK/dtb/$n" ] && { ls -la "$WORK/dtb"; fail "stale $n is still there"; }
done
for n in x.dtb.tmp.Ab12C x.dtb.tmp.Ab12Cd7 x.dtb.tmp.Ab12C- y.dtb.tmp.Ab12Cd x.dtb.tmpAb12Cd \
	x.dtb.tmp.Dir000; do
	[ -e "$WORK/dtb/$n" ] || { ls -la "$WORK/dtb"; fail "$n is not a temp file of x.dtb, yet it went"; }
done
echo "--dump-dtb: the next write removed $killed and 2 more stale temp files, kept 6 other names"

absent=0
complete=0
i=0
for delay in 0 0.01 0.02 0.03 0.05 0.07 0.1 0.13 0.16 0.2 0.25 0.3 0.4 0.5 0.7; do
	i=$((i + 1))
	# (A background job of a non-interactive shell ignores SIGINT: not used.)
	case $((i % 3)) in
	0) sig=KILL ;;
	1) sig=TERM ;;
	2) sig=HUP ;;
	esac
	f=$WORK/kill$i.fwprofile
	"$PINVM" run --kernel "$guest" --fw-profile "$f" --console none --cmdline "test=hang" \
		</dev/null >"$WORK/kill$i.out" 2>"$WORK/kill$i.err" &
	pid=$!
	sleep "$delay"
	kill -"$sig" "$pid"
	t=0
	while [ -d "/proc/$pid" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null &&
		[ $t -lt 50 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	[ $t -lt 50 ] || { kill -KILL "$pid"; wait "$pid"; show "$WORK/kill$i.err"; fail "SIG$sig after ${delay}s did not stop pinvm"; }
	wait "$pid"
	rc=$?
	if absent_or_complete "$f"; then
		complete=$((complete + 1))
		state=complete
	else
		absent=$((absent + 1))
		state=absent
	fi
	tmp=$(ls "$WORK" | grep "^kill$i\.fwprofile\.tmp\." | head -n 1)
	echo "SIG$sig after ${delay}s: exit $rc, $(basename "$f") $state${tmp:+, $tmp left}"
	if [ -n "$tmp" ]; then
		# Killed inside the write: the next recording removes the leftover.
		rm -f "$f"
		expect_status 0 --name "kill$i-again" -- "$PINVM" run --kernel "$guest" --fw-profile "$f" \
			--dump-dtb "$WORK/kill$i.dtb"
		[ -e "$WORK/$tmp" ] && fail "the next write of $(basename "$f") left the stale $tmp"
	fi
done
echo "after $i kills: $absent absent, $complete complete, none truncated"
