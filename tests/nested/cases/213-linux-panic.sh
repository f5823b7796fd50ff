#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A Linux guest kernel panics (`echo c > /proc/sysrq-trigger`, the test
# init's panic action) and pinvm ends with the panic verdict, 7, the panic
# line in the summary and the event log, and nothing left running:
#  - panic=0: the kernel prints its "---[ end Kernel panic" line and spins;
#    the end line ends the run;
#  - panic=1: "Rebooting in 1 seconds..", then SYSTEM_RESET; the default
#    --on-reset restart would boot it again and again (up to --max-resets),
#    the panic verdict ends it at the reset instead.
# timeout: 300
. "$LIB"

line='Kernel panic - not syncing: sysrq triggered crash'

# check NAME END: the run NAME ended with 7 after one boot, its dump ended by END.
check() {
	log=$WORK/$1.jsonl
	awk -f "$DATA/json-check.awk" "$log" || { show "$log"; fail "event log is not JSON lines"; }
	assert_grep '^PINVM-GUEST: panic: now$' "$OUT"
	assert_summary "guest kernel panic, dump ended by $2: \"$line\"" 7
	assert_count 1 "\"type\":\"panic\",\"line\":\"$line\",\"end\":\"[a-z_]+\",\"action\":\"exit\"\\}\$" "$log"
	assert_no_grep '"type":"restart"' "$log"
	assert_grep '"type":"exit","status":7,"restarts":0\}$' "$log"
	assert_count 1 '^PINVM-GUEST: init reached$' "$OUT"
	# the console log has the whole dump up to the verdict
	tr -d '\r' <"$WORK/$1.console" >"$WORK/$1.console.lf"
	assert_grep "$line\$" "$WORK/$1.console.lf"
	# nothing left running: no pinvm process, no vCPU thread
	if ps -o pid,args 2>/dev/null | grep -v grep | grep -q 'pinvm run'; then
		ps -o pid,args
		fail "a pinvm process is still running"
	fi
}

expect_status 7 --name panic0 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--timeout 250 --event-log "$WORK/panic0.jsonl" --console-log "$WORK/panic0.console" \
	--cmdline "$(linux_cmdline panic) panic=0"
check panic0 'its end line'
assert_grep '"end":"end_line"' "$WORK/panic0.jsonl"

# panic=1 comes after the base command line's panic=-1: the last one counts.
expect_status 7 --name panic1 -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--timeout 250 --event-log "$WORK/panic1.jsonl" --console-log "$WORK/panic1.console" \
	--cmdline "$(linux_cmdline panic) panic=1"
# a reset normally; the 2 s quiet period if the emulated host is slow to reboot
check panic1 '(a reset|2 s without output)'
assert_grep 'Rebooting in 1 seconds' "$WORK/panic1.console.lf"
