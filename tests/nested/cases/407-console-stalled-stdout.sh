#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A stdout nobody reads must not wedge pinvm: a guest floods the console
# into a full pipe whose reader never reads, and SIGTERM still ends pinvm
# within a second (143), --timeout still ends it on time (124), each with
# the summary and an event log ending in its exit record, which counts the
# console bytes that never got out (console_dropped). A stdout whose reader
# has gone (EPIPE) is dropped quietly: the guest runs to its power-off (0).
# Before the console had a writer thread of its own (src/conout.c), the
# vCPU thread blocked in write(2) holding the UART lock, the event loop
# waited for that lock, and neither stop was ever acted on.
# timeout: 90
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# Without a fork (builtins only), so the polling below is fine-grained
# even in the emulated host: the time in centiseconds (/proc/uptime has
# two decimals) in NOW, and whether PID runs (not a zombie).
now_cs() {
	read -r _up _rest </proc/uptime
	NOW=${_up%.*}${_up#*.}
}
alive() {
	[ -r "/proc/$1/stat" ] && read -r _st 2>/dev/null <"/proc/$1/stat" || return 1
	case $_st in *") Z "*) return 1 ;; esac
}

# A pipe that is full and whose one reader (fd 4 of this shell) never
# reads: `yes` fills it and blocks, and is gone before pinvm starts.
fifo=$WORK/stdout.fifo
mkfifo "$fifo"
exec 4<>"$fifo"
yes 'filler filler filler' >"$fifo" &
filler=$!
sleep 1
kill "$filler"
wait "$filler" 2>/dev/null

# stalled NAME SECS PINVM-ARGS...: run pinvm (a flood that would take
# minutes) with stdout on the full pipe; wait SECS for it to end on its
# own (--timeout), else send SIGTERM once the flood runs and wait 5 s.
# Sets STATUS and TOOK (seconds from the stop to pinvm's end, as this
# shell sees it).
stalled() {
	_name=$1
	_secs=$2
	shift 2
	log=$WORK/$_name.jsonl
	ERR=$WORK/$_name.err
	echo "+ $PINVM run --kernel $guest --cmdline test=uart-flood bytes=10000000 --event-log $log $* >full-pipe &"
	"$PINVM" run --kernel "$guest" --cmdline "test=uart-flood bytes=10000000" \
		--event-log "$log" "$@" </dev/null >"$fifo" 2>"$ERR" &
	pid=$!
	wait_for '"type":"start"' "$log" 20 || { show "$ERR"; fail "$_name: the guest did not start"; }
	now_cs
	_t0=$NOW
	if [ "$_secs" -eq 0 ]; then
		sleep 2		# the flood runs into the full pipe
		alive "$pid" || { show "$ERR" "$log"; fail "$_name: pinvm ended before SIGTERM"; }
		now_cs
		_t0=$NOW
		kill -TERM "$pid"
		_secs=5
	fi
	_end=$((_t0 + _secs * 100))
	while alive "$pid" && now_cs && [ "$NOW" -lt "$_end" ]; do
		sleep 0.02
	done
	now_cs
	TOOK=$((NOW - _t0))
	TOOK=$((TOOK / 100)).$((TOOK / 10 % 10))$((TOOK % 10))
	if alive "$pid"; then
		kill -KILL "$pid"
		wait "$pid"
		show "$ERR" "$log"
		fail "$_name: pinvm still running ${TOOK}s later: a stalled stdout wedges it"
	fi
	wait "$pid"
	STATUS=$?
	echo "$_name: exit $STATUS after ${TOOK}s"
	awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "$_name: event log is not JSON lines"; }
}

# The exit record is the last line and counts the stuck bytes.
assert_exit_record() {
	tail -n 1 "$log" | grep -Eq "\"type\":\"exit\",\"status\":$1,\"restarts\":0,\"console_dropped\":[1-9][0-9]*\\}\$" ||
		{ show "$log"; fail "event log does not end with an exit record for $1 with console_dropped"; }
}

# SIGTERM: 143 within a second.
stalled sigterm 0
[ "$STATUS" -eq 143 ] || { show "$ERR" "$log"; fail "SIGTERM: exit status $STATUS, want 143"; }
awk "BEGIN { exit !($TOOK <= 1.0) }" || fail "SIGTERM: pinvm took ${TOOK}s to end, more than 1 s"
assert_grep '^pinvm: stopped by SIGTERM; PSCI [0-9.]+; 0 restarts; ran [0-9.]+s; [1-9][0-9]* bytes of console output dropped; exit 143$' "$ERR"
assert_grep '"type":"signal","signal":15,"name":"SIGTERM"\}$' "$log"
echo "sigterm: event log: $(sed -n 's/^{"ts":\([0-9.]*\),"type":"\(signal\|exit\)".*/\2 \1s/p' "$log" | tr '\n' ' ')"
assert_exit_record 143

# --timeout 3: 124, the timeout 3 s after the start and the end within a second of it.
stalled timeout 6 --timeout 3
[ "$STATUS" -eq 124 ] || { show "$ERR" "$log"; fail "--timeout: exit status $STATUS, want 124"; }
assert_grep '^pinvm: timeout after 3 s; PSCI [0-9.]+; 0 restarts; ran [0-9.]+s; [1-9][0-9]* bytes of console output dropped; exit 124$' "$ERR"
assert_grep '"type":"timeout","seconds":3\}$' "$log"
assert_exit_record 124
ts_start=$(sed -n 's/^{"ts":\([0-9.]*\),"type":"start".*/\1/p' "$log")
ts_timeout=$(sed -n 's/^{"ts":\([0-9.]*\),"type":"timeout".*/\1/p' "$log")
ts_exit=$(sed -n 's/^{"ts":\([0-9.]*\),"type":"exit".*/\1/p' "$log")
echo "timeout: start ${ts_start}s, timeout ${ts_timeout}s, exit ${ts_exit}s"
awk "BEGIN { exit !($ts_timeout - $ts_start >= 2.9 && $ts_timeout - $ts_start <= 4.0 &&
	$ts_exit - $ts_timeout <= 1.0) }" || fail "--timeout 3 not on time"

exec 4<&-

# The reader goes away (EPIPE): output is dropped quietly, the guest runs
# on to its power-off. The reader (head) leaves after one line.
ERR=$WORK/epipe.err
log=$WORK/epipe.jsonl
echo "+ { $PINVM run --kernel $guest --cmdline test=uart-flood bytes=1024 ...; } | head -n 1"
{ "$PINVM" run --kernel "$guest" --cmdline "test=uart-flood bytes=1024" --timeout 60 \
	--event-log "$log" </dev/null 2>"$ERR"; echo $? >"$WORK/epipe.status"; } | head -n 1 >"$WORK/epipe.out"
STATUS=$(cat "$WORK/epipe.status")
[ "$STATUS" -eq 0 ] || { show "$ERR" "$log"; fail "EPIPE: exit status $STATUS, want 0"; }
assert_grep '^PVGUEST: ' "$WORK/epipe.out"
assert_grep '^pinvm: guest powered off; PSCI [0-9.]+; 0 restarts; ran [0-9.]+s; [1-9][0-9]* bytes of console output dropped; exit 0$' "$ERR"
assert_no_grep 'error|warning' "$ERR"
assert_exit_record 0
