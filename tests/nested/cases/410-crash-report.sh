#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The crash report (src/crash.c, docs/security.md) under the real seccomp
# filters: a running pinvm (2 vCPUs, 512 MiB) sent SIGSEGV, then SIGABRT,
# writes "pinvm: internal error: SIG... in <thread> at pc ... (pinvm+0x...)"
# and its last line on stderr, then dies of the signal (139, 134: not
# 159, so the handler's calls pass every filter), and the host keeps a
# core in $WORK (tests/nested/init's core_pattern) without the guest's RAM
# (MADV_DONTDUMP: the core is smaller than the RAM alone).
# The handler is the same on every host kernel: CI runs it on 7.x only.
# ci-hosts: 7
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
ram=$((512 * 1024 * 1024))
for sig in SEGV:11 ABRT:6; do
	name=${sig%:*}
	num=${sig#*:}
	rm -f "$WORK"/core.*
	bg_start "crash$name" -- "$PINVM" run --kernel "$guest" --cpus 2 --mem 512M \
		--cmdline "test=hang"
	wait_for '^PVGUEST: hang' "$OUT" 20 || { show "$OUT" "$ERR"; fail "guest did not start"; }
	kill -"$name" "$BG_PID"
	bg_wait $((128 + num)) 20
	assert_grep "^pinvm: internal error: SIG$name in (main thread|vCPU [0-9]+|console writer) at pc 0x[0-9a-f]+ \\(pinvm\\+0x[0-9a-f]+\\), sent by a process or abort\\(\\), lr 0x[0-9a-f]+.*, sp 0x[0-9a-f]+\$" "$ERR"
	assert_grep "^pinvm: this is a pinvm bug: please report these lines \\(addr2line -e pinvm 0xOFFSET names each line\\); exit status $((128 + num)), core dumped if the system keeps cores\$" "$ERR"
	assert_no_grep 'seccomp' "$ERR"
	set -- "$WORK"/core.*
	[ -f "$1" ] || { ls -l "$WORK"; fail "SIG$name: no core file in $WORK"; }
	size=$(wc -c <"$1")
	echo "SIG$name: core $1, $size bytes"
	[ "$size" -lt "$ram" ] || fail "SIG$name: the core ($size bytes) holds the guest's RAM"
done
