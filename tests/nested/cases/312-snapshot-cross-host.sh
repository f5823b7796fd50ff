#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Snapshots carried across host kernels (a chain: the rig boots 6.12, 7.x,
# 6.12 and 6.1 in turn, carrying $PERSIST from one boot to the next;
# docs/snapshot.md "Across host kernels"). The bare-metal counter guest
# (2 vCPUs) prints the PSCI version it gets on every line:
# 1. host 6.12: the guest on KVM's PSCI 1.1 counts; snapshot-stop (exit 10);
# 2. host 7.x: that snapshot restores (older -> newer): the count goes on
#    from where it stopped, no new boot, still PSCI 1.1 (not 7.x's 1.3),
#    CPU 1 still counting, power-off (0); registers 7.x's KVM does not
#    have for the guest, saved at their reset values, left out (named in a
#    note and the restore record: TCR2_EL1, PIRE0_EL1, PIR_EL1 on QEMU 7.2's
#    -cpu max); then a new guest pinned to 1.3
#    (KVM's) counts and is saved with snapshot-stop;
# 3. host 6.12: the 1.3 snapshot (newer -> older): 6.12's KVM cannot give
#    1.3 but has the SMCCC filter, so the firmware check hands PSCI to
#    pinvm's own firmware, and 6.12's KVM takes every vCPU register of
#    7.x's (found on the rig; docs/snapshot.md): the guest goes on with
#    PSCI 1.3 to its power-off (0);
# 4. host 6.1: the 1.3 snapshot is refused (1): no PSCI 1.3 in its KVM
#    (Linux 6.13) and no SMCCC filter for pinvm's firmware (Linux 6.4).
# The guest payload travels on $PERSIST (the snapshot names its path and
# hash; a restore loads it again).
# chain: 6.12 7 6.12 6.1
# timeout: 300
. "$LIB"

P=$PERSIST
[ -n "$P" ] && [ -d "$P" ] || fail "no scratch disk (\$PERSIST): run as a chain (tests/nested/run --long)"
sock=$WORK/ctl.sock
COUNT=60
full='^PVGUEST: counter [0-9]+ psci [0-9.]+ secondary [0-9]+ step [0-9]+$'

# save_counting NAME SNAP [pinvm options]: start the counter guest, let it
# count to 10, snapshot-stop it into SNAP (exit 10); its output is kept
# beside SNAP (SNAP.out), its event log in $WORK/NAME.jsonl.
save_counting() {
	_n=$1 _s=$2
	shift 2
	bg_start "$_n" -- "$PINVM" run --kernel "$P/pvguest.bin" --cpus 2 \
		--cmdline "test=counter count=$COUNT" --control "$sock" \
		--event-log "$WORK/$_n.jsonl" "$@"
	wait_for '^PVGUEST: counter 10 ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "$_n: the guest did not count"; }
	expect_status 0 --name "$_n-stop" -- "$PINVM" ctl "$sock" snapshot-stop "$_s"
	assert_grep '^ok [0-9]+ bytes, pinvm stops \(status 10\)$' "$OUT"
	OUT=$WORK/$_n.out
	ERR=$WORK/$_n.err
	bg_wait 10 30
	assert_summary 'snapshot-stop: snapshot written' 10
	assert_grep '"type":"control","command":"snapshot-stop"' "$WORK/$_n.jsonl"
	assert_grep '"type":"snapshot","bytes":[0-9]+,"seconds":[0-9.]+,"stop":true' "$WORK/$_n.jsonl"
	cp "$OUT" "$_s.out"
	cp "$ERR" "$_s.err"
}

# restored_ok NAME SNAP PSCI IMPL-RE: the restore's output ($OUT) continues
# SNAP's count 1..COUNT once each, no boot, the guest sees PSCI all along,
# no counter jump, CPU 1 went on counting; power-off, event-log records.
restored_ok() {
	_n=$1 _s=$2 _v=$3 _impl=$4
	assert_no_grep '^PVGUEST: boot' "$OUT"
	assert_no_grep 'counter BAD' "$OUT"
	cat "$_s.out" "$OUT" | grep '^PVGUEST: counter' | awk '{print $3}' >"$WORK/$_n.seq"
	seq 1 "$COUNT" | cmp -s - "$WORK/$_n.seq" ||
		{ show "$_s.out" "$OUT"; fail "$_n: the count is not 1 to $COUNT once each across the restore"; }
	_pre=$(grep -E "$full" "$_s.out" | awk '{print $5}' | sort -u)
	_post=$(grep -E "$full" "$OUT" | awk '{print $5}' | sort -u)
	[ "$_pre" = "$_v" ] && [ "$_post" = "$_v" ] ||
		fail "$_n: the guest saw PSCI '$_pre' before and '$_post' after the restore, not $_v"
	_last=$(grep -E "$full" "$_s.out" | tail -n 1 | awk '{print $3}')
	_sec=$(grep -E "$full" "$_s.out" | tail -n 1 | awk '{print $7}')
	_step=$(cat "$_s.out" "$OUT" | grep "^PVGUEST: counter $((_last + 1)) " | awk '{print $NF}')
	_sec2=$(grep "^PVGUEST: counter $COUNT " "$OUT" | awk '{print $7}')
	echo "$_n: saved at counter $_last (CPU 1 at $_sec), first step after the restore $_step ms, CPU 1 at $_sec2 at the end"
	[ "$_step" -lt 3000 ] || fail "$_n: the virtual counter jumped by $_step ms across the restore"
	[ "$_sec" -gt 0 ] && [ "$_sec2" -gt "$_sec" ] ||
		fail "$_n: CPU 1 did not go on counting ($_sec, then $_sec2)"
	assert_summary 'guest powered off' 0
	assert_grep "; PSCI $(re_quote "$_v")$_impl; " "$ERR"
	assert_grep "\"type\":\"start\",\"psci\":\"$(re_quote "$_v")\"" "$WORK/$_n.jsonl"
	assert_grep "\"type\":\"restore\",\"snapshot\":\"$(re_quote "$_s")\"" "$WORK/$_n.jsonl"
	# Saved registers this host's KVM does not have for the guest, each
	# saved as 0, left out: named in a note and in the restore record.
	if grep -q '^pinvm: note: restore: left out ' "$ERR"; then
		assert_grep '"type":"restore","snapshot":"[^"]*","dropped_regs":\["S[0-9]_[0-9]_C[0-9]+_C[0-9]+_[0-7]"' "$WORK/$_n.jsonl"
		echo "FINDING: $_n: $(grep '^pinvm: note: restore: left out ' "$ERR")"
	else
		assert_no_grep '"dropped_regs"' "$WORK/$_n.jsonl"
	fi
}

# refused NAME SNAP: the restore ran no guest; its event log has no start
# or restore record, only the exit with status 1 and the reason.
refused() {
	assert_no_grep 'PVGUEST' "$OUT"
	assert_no_grep '"type":"(start|restore)"' "$WORK/$1.jsonl"
	assert_grep '"type":"exit","status":1,("restarts":[0-9]+,)?"error":"' "$WORK/$1.jsonl"
	[ -f "$2" ] || fail "the refused restore removed $2"
}

echo "chain step $CHAIN_STEP/$CHAIN_STEPS on host $HOST_GEN ($HOST_KERNEL)"
kre=$(re_quote "$HOST_KERNEL")
case $CHAIN_STEP in
1)
	[ "$HOST_GEN" = 6.12 ] || fail "step 1 wants host 6.12"
	cp "$(require_guest pvguest.bin)" "$P/pvguest.bin"
	save_counting a "$P/a.snap"
	assert_grep '^PVGUEST: counter 1 psci 1\.1 ' "$P/a.snap.out"
	assert_grep '; PSCI 1\.1; ' "$P/a.snap.err"
	assert_grep '"type":"start","psci":"1.1","psci_pinned":false,"psci_impl":"kvm"' "$WORK/a.jsonl"
	echo "saved under host 6.12 (KVM's PSCI 1.1): $(stat -c %s "$P/a.snap") bytes"
	;;
2)
	[ "$HOST_GEN" = 7 ] || fail "step 2 wants host 7"
	expect_status 0 --name a-restore -- "$PINVM" restore "$P/a.snap" \
		--event-log "$WORK/a-restore.jsonl" --timeout 120
	restored_ok a-restore "$P/a.snap" 1.1 ''
	echo "6.12's snapshot (PSCI 1.1) restored under host 7: the guest still gets 1.1"

	save_counting b "$P/b.snap" --psci 1.3
	assert_grep '^PVGUEST: counter 1 psci 1\.3 ' "$P/b.snap.out"
	assert_grep '"type":"start","psci":"1.3","psci_pinned":true,"psci_impl":"kvm"' "$WORK/b.jsonl"
	echo "saved under host 7 pinned to KVM's PSCI 1.3: $(stat -c %s "$P/b.snap") bytes"
	;;
3)
	[ "$HOST_GEN" = 6.12 ] || fail "step 3 wants host 6.12"
	# Found 2026-11-28 (docs/snapshot.md): 6.12's KVM takes every register
	# of 7.x's snapshot, and the firmware check hands PSCI 1.3 to pinvm's
	# firmware (6.12 has the SMCCC filter).
	expect_status 0 --name b-restore -- "$PINVM" restore "$P/b.snap" \
		--event-log "$WORK/b-restore.jsonl" --timeout 120
	restored_ok b-restore "$P/b.snap" 1.3 " \\(pinvm's firmware\\)"
	assert_grep '"type":"start","psci":"1.3","psci_pinned":true,"psci_impl":"pinvm"' "$WORK/b-restore.jsonl"
	echo "7.x's PSCI 1.3 snapshot restored under host 6.12: PSCI 1.3 from pinvm's firmware"
	;;
4)
	[ "$HOST_GEN" = 6.1 ] || fail "step 4 wants host 6.1"
	expect_status 1 --name b-restore61 -- "$PINVM" restore "$P/b.snap" \
		--event-log "$WORK/b-restore61.jsonl" --timeout 60
	show "$ERR"
	refused b-restore61 "$P/b.snap"
	assert_grep "^pinvm: error: firmware profile $(re_quote "$P/b.snap") cannot be honoured by this host \\(Linux $kre\\): [0-9]+ mismatch(es)? \\(pinvm's own PSCI firmware needs Linux 6\\.4 or later\\)\$" "$ERR"
	assert_grep "^pinvm: error:   PSCI_VERSION.*: wanted 1\\.3 \\(PSCI 1\\.3\\), offered .*PSCI 1\\.3 needs Linux 6\\.13 or later\$" "$ERR"
	echo "7.x's PSCI 1.3 snapshot refused under host 6.1 (no 1.3 in KVM, no SMCCC filter)"
	;;
*)
	fail "unexpected chain step '$CHAIN_STEP'"
	;;
esac
