#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Nothing lost on any stop: pinvm's own thread fdatasyncs each writable
# image once per boot end, whatever ended it: SYSTEM_OFF, SYSTEM_OFF2,
# RESET (before each restart and at the limit), --timeout, SIGTERM,
# SIGINT, SIGHUP, a vCPU failure. Counted with the emulated host's
# syscall trace events (a read-back would not see a missing fdatasync: the
# page cache hides it); a read-only disk is never synced.
# CI runs it on host 7 only (pinvm's stop paths do not depend on the host kernel; the long tier runs every host).
# ci-hosts: 7
# timeout: 240
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
[ -d $T/events/syscalls/sys_enter_fdatasync ] || skip "no syscall trace events on this host"

rw=$WORK/rw.img
ro=$WORK/ro.img
dd if=/dev/zero of="$rw" bs=64k count=1 2>/dev/null
dd if=/dev/zero of="$ro" bs=64k count=1 2>/dev/null

trace_on() {
	echo 0 >$T/tracing_on
	echo 1 >$T/options/record-tgid
	echo >$T/trace
	echo 1 >$T/events/syscalls/sys_enter_fdatasync/enable
	echo 1 >$T/tracing_on
}

# main_syncs: fdatasync calls by a pinvm main thread (tid = tgid; the I/O
# threads' FLUSHes have their own tids). One pinvm runs at a time.
main_syncs() {
	echo 0 >$T/tracing_on
	grep 'sys_fdatasync' $T/trace | sed -n 's/^ *pinvm-\([0-9]*\) *( *\([0-9]*\)).*/\1 \2/p' |
		awk '$1 == $2' | wc -l
}

# run_stop NAME WANT-STATUS WANT-SYNCS SIGNAL|- PINVM-ARGS...
run_stop() {
	_name=$1 _status=$2 _syncs=$3 _sig=$4
	shift 4
	trace_on
	bg_start "$_name" -- "$PINVM" run --kernel "$guest" --disk "$rw" --disk "$ro,ro" "$@"
	if [ "$_sig" != - ]; then
		wait_for '^PVGUEST: hang' "$OUT" 20 || fail "$_name: guest did not start"
		kill -"$_sig" "$BG_PID"
	fi
	bg_wait "$_status" 60
	_n=$(main_syncs)
	echo "$_name: exit $STATUS, $_n fdatasync by the main thread"
	[ "$_n" -eq "$_syncs" ] || { grep fdatasync $T/trace | head; fail "$_name: $_n fdatasync calls, want $_syncs"; }
}

run_stop off 0 1 - --cmdline "test=off"
run_stop reset-limit 4 3 - --max-resets 2 --cmdline "test=reset"
run_stop reset-exit 4 1 - --on-reset exit --cmdline "test=reset"
run_stop timeout 124 1 - --timeout 2 --cmdline "test=hang"
run_stop term 143 1 TERM --cmdline "test=hang"
run_stop int 130 1 INT --cmdline "test=hang"
run_stop hup 129 1 HUP --cmdline "test=hang"
run_stop failure 6 1 - --cmdline "test=bad-mmio"
if kernel_at_least 6.13; then
	run_stop off2 3 1 - --psci 1.3 --cmdline "test=off2 type=0"
fi
echo 0 >$T/events/syscalls/sys_enter_fdatasync/enable
