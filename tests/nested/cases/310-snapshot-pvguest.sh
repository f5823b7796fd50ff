#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The control socket and a snapshot round trip with the bare-metal guest
# (docs/snapshot.md): status, pause and resume answer; snapshot-stop writes
# the file and exits 10; pinvm restore continues the guest where it
# stopped (no new boot, the next counter line, the virtual counter without
# a jump, CPU 1 still counting), PSCI version unchanged, and it powers off
# (0). A plain snapshot leaves the original running, and its copy restores.
# A reset after a restore (which only opened the kernel and initrd) boots
# the snapshot's images at their places, also from a snapshot of a restored
# guest, and refuses a kernel or initrd changed since (1); a missing kernel
# is refused at the start. A machine with an idle disk restores.
# timeout: 240
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
sock=$WORK/ctl.sock

bg_start first -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=counter count=40" \
	--control "$sock" --event-log "$WORK/first.jsonl"
wait_for '^PVGUEST: counter 5 ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "guest did not count"; }
[ -S "$sock" ] || fail "no socket at $sock"
mode=$(stat -c %a "$sock")
[ "$mode" = 600 ] || fail "socket mode $mode, not 600"

expect_status 0 --name status -- "$PINVM" ctl "$sock" status
assert_grep '^ok state=running vcpus=2 psci=[0-9]\.[0-9] psci_impl=(kvm|pinvm) uptime=[0-9.]+$' "$OUT"
psci=$(sed -n 's/.* psci=\([0-9.]*\) .*/\1/p' "$OUT")
expect_status 0 --name pause -- "$PINVM" ctl "$sock" pause
assert_grep '^ok paused$' "$OUT"
expect_status 0 --name status2 -- "$PINVM" ctl "$sock" status
assert_grep '^ok state=paused ' "$OUT"
n1=$(grep -c '^PVGUEST: counter' "$WORK/first.out")
sleep 1
n2=$(grep -c '^PVGUEST: counter' "$WORK/first.out")
[ "$n1" = "$n2" ] || fail "the guest printed while paused ($n1 then $n2 lines)"
expect_status 0 --name resume -- "$PINVM" ctl "$sock" resume
assert_grep '^ok running$' "$OUT"
# An unknown command is refused by the client (the server's answer to a
# malformed message is check_ctl's).
expect_status 2 --name bad -- "$PINVM" ctl "$sock" frobnicate

# A snapshot, the guest goes on; then snapshot-stop.
OUT=$WORK/first.out
wait_for '^PVGUEST: counter 10 ' "$OUT" 60 || fail "guest did not go on after resume"
expect_status 0 --name snap -- "$PINVM" ctl "$sock" snapshot "$WORK/copy.snap"
assert_grep '^ok [0-9]+ bytes$' "$OUT"
[ -f "$WORK/copy.snap" ] && [ ! -e "$WORK/copy.snap.tmp" ] || fail "copy.snap not in place"
OUT=$WORK/first.out
wait_for '^PVGUEST: counter 15 ' "$OUT" 60 || fail "guest stopped after a plain snapshot"
expect_status 0 --name snapstop -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/stop.snap"
assert_grep '^ok [0-9]+ bytes, pinvm stops \(status 10\)$' "$OUT"
OUT=$WORK/first.out
ERR=$WORK/first.err
bg_wait 10 30
assert_summary 'snapshot-stop: snapshot written' 10
# The last whole line (the guest may have been stopped inside the next).
full='^PVGUEST: counter [0-9]+ psci [0-9.]+ secondary [0-9]+ step [0-9]+$'
last=$(grep -E "$full" "$WORK/first.out" | tail -n 1 | awk '{print $3}')
sec=$(grep -E "$full" "$WORK/first.out" | tail -n 1 | awk '{print $7}')
[ "$sec" -gt 0 ] || fail "CPU 1 did not count before the snapshot"
size=$(stat -c %s "$WORK/stop.snap")
echo "snapshot of 256 MiB guest: $size bytes"
[ "$size" -lt 8388608 ] || fail "snapshot is $size bytes: zero pages were stored"

# Restore: the next line, no boot, no jump, the same PSCI version. A line
# the guest had begun went out before the stop: the two outputs joined are
# one unbroken count.
sleep 4
expect_status 0 --name restored -- "$PINVM" restore "$WORK/stop.snap" --event-log "$WORK/r.jsonl" --timeout 120
assert_no_grep '^PVGUEST: boot' "$OUT"
cat "$WORK/first.out" "$OUT" | grep '^PVGUEST: counter' | awk '{print $3}' >"$WORK/seq"
seq 1 40 | cmp -s - "$WORK/seq" || { show "$WORK/first.out" "$OUT"; fail "the count is not 1 to 40 once each across the restore"; }
assert_grep "^PVGUEST: counter 40 psci $(re_quote "$psci") " "$OUT"
step=$(cat "$WORK/first.out" "$OUT" | grep "^PVGUEST: counter $((last + 1)) " | awk '{print $NF}')
echo "first step after the restore: $step ms"
[ "$step" -lt 3000 ] || { show "$OUT"; fail "the virtual counter jumped by $step ms across the restore"; }
sec2=$(grep '^PVGUEST: counter 40 ' "$OUT" | awk '{print $7}')
[ "$sec2" -gt "$sec" ] || fail "CPU 1 did not go on counting after the restore ($sec, then $sec2)"
assert_summary 'guest powered off' 0
assert_grep '"type":"restore"' "$WORK/r.jsonl"

# The copy taken while the original ran restores too.
expect_status 0 --name copy -- "$PINVM" restore "$WORK/copy.snap" --timeout 120
assert_no_grep '^PVGUEST: boot' "$OUT"
assert_grep '^PVGUEST: counter 40 ' "$OUT"
assert_summary 'guest powered off' 0

# A restore only opens the kernel and initrd: a guest reset after it
# reads them for the first time, boots them at the first boot's places if
# they are the snapshot's (sha256), and refuses ones that changed since.
# A snapshot of a restored guest carries the snapshot's digests.
cp "$guest" "$WORK/k.bin"
head -c 16384 /dev/urandom >"$WORK/rd"
bg_start rs -- "$PINVM" run --kernel "$WORK/k.bin" --initrd "$WORK/rd" \
	--cmdline "test=counter count=30 reset=1" --max-resets 1 --control "$sock"
wait_for '^PVGUEST: counter 3 ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "guest did not count"; }
expect_status 0 --name rsstop -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/rs.snap"
OUT=$WORK/rs.out
ERR=$WORK/rs.err
bg_wait 10 30
# Where the DTB put the initrd and the sum of the bytes the guest found there.
rd_line=$(grep '^PVGUEST: initrd 0x' "$WORK/rs.out")
[ -n "$rd_line" ] || { show "$WORK/rs.out"; fail "the guest saw no initrd"; }
rd_line=$(re_quote "$rd_line")
# (run options, --max-resets among them, are the restore's own)
expect_status 4 --name rssame -- "$PINVM" restore "$WORK/rs.snap" --max-resets 1 --timeout 120
assert_count 1 '^PVGUEST: boot' "$OUT"
assert_count 1 "^$rd_line\$" "$OUT"
assert_summary 'reset limit reached \(--max-resets 1\)' 4
assert_no_grep 'warning' "$ERR"
# A restore of a restore: its snapshot holds the first one's digests.
bg_start rs2 -- "$PINVM" restore "$WORK/rs.snap" --control "$sock" --timeout 120
wait_for '^PVGUEST: counter [0-9]+ ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "restored guest did not count"; }
expect_status 0 --name rs2stop -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/rs2.snap"
OUT=$WORK/rs2.out
ERR=$WORK/rs2.err
bg_wait 10 30
# (stopped before its count ended: no reset yet)
grep -q '^PVGUEST: boot' "$OUT" && { show "$OUT" "$ERR"; fail "the restored guest reset before its snapshot"; }
expect_status 4 --name rs2same -- "$PINVM" restore "$WORK/rs2.snap" --max-resets 1 --timeout 120
assert_count 1 '^PVGUEST: boot' "$OUT"
assert_count 1 "^$rd_line\$" "$OUT"
# One byte of the kernel rewritten in place (same size): the restore runs,
# its reset is refused.
printf 'X' | dd of="$WORK/k.bin" bs=1 seek=200 conv=notrunc 2>/dev/null
expect_status 1 --name rschanged -- "$PINVM" restore "$WORK/rs2.snap" --max-resets 1 --timeout 120
assert_no_grep '^PVGUEST: boot' "$OUT"
assert_grep '^PVGUEST: counter 30 ' "$OUT"
assert_grep "^pinvm: error: restart: kernel $(re_quote "$WORK/k.bin") is not the one the snapshot's guest booted \(sha256 [0-9a-f]{16}\.\.\.\)$" "$ERR"
# Its size changed: said at the restore already (fstat), refused at the reset.
cp "$guest" "$WORK/k.bin"
printf 'X' >>"$WORK/k.bin"
expect_status 1 --name rsgrown -- "$PINVM" restore "$WORK/rs2.snap" --max-resets 1 --timeout 120
assert_grep "^pinvm: warning: kernel $(re_quote "$WORK/k.bin") is $(stat -c %s "$WORK/k.bin") bytes, the snapshot's guest booted $(stat -c %s "$guest"): a guest reset will not boot it$" "$ERR"
assert_grep "^pinvm: error: restart: kernel $(re_quote "$WORK/k.bin") is not the one the snapshot's guest booted " "$ERR"
# The kernel the snapshot's again, the initrd rewritten.
cp "$guest" "$WORK/k.bin"
printf 'Z' | dd of="$WORK/rd" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_status 1 --name rsrd -- "$PINVM" restore "$WORK/rs2.snap" --max-resets 1 --timeout 120
assert_grep "^pinvm: error: restart: initrd $(re_quote "$WORK/rd") is not the one the snapshot's guest booted \(sha256 [0-9a-f]{16}\.\.\.\)$" "$ERR"
# A missing kernel is refused at the start, as for run.
rm "$WORK/k.bin"
expect_status 1 --name rsgone -- "$PINVM" restore "$WORK/rs2.snap" --timeout 120
assert_grep "^pinvm: error: cannot read kernel $(re_quote "$WORK/k.bin"): No such file or directory$" "$ERR"
assert_no_grep '^PVGUEST' "$OUT"

# A machine with a disk the guest does not drive: saved (the disk's path,
# size and idle transport), restored with the image reopened, counting on.
truncate -s 1M "$WORK/d.img"
bg_start dk -- "$PINVM" run --kernel "$guest" --cmdline "test=counter count=20" \
	--disk "$WORK/d.img" --control "$sock"
wait_for '^PVGUEST: counter 3 ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "guest did not count"; }
expect_status 0 --name dksnap -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/dk.snap"
OUT=$WORK/dk.out
ERR=$WORK/dk.err
bg_wait 10 60
expect_status 0 --name dkrestore -- "$PINVM" restore "$WORK/dk.snap" --timeout 120
assert_no_grep '^PVGUEST: boot' "$OUT"
assert_grep '^PVGUEST: counter 20 ' "$OUT"

# pinvm's own PSCI firmware (the SMCCC filter, Linux 6.4+) answering 1.1:
# restored with pinvm's firmware again, the same version.
kernel_at_least 6.4 || exit 0
bg_start fw -- "$PINVM" run --kernel "$guest" --cpus 2 --cmdline "test=counter count=20" \
	--psci-impl pinvm --psci 1.1 --control "$sock"
wait_for '^PVGUEST: counter 5 ' "$OUT" 60 || { show "$OUT" "$ERR"; fail "guest did not count"; }
expect_status 0 --name fwstatus -- "$PINVM" ctl "$sock" status
assert_grep '^ok state=running vcpus=2 psci=1\.1 psci_impl=pinvm ' "$OUT"
expect_status 0 --name fwstop -- "$PINVM" ctl "$sock" snapshot-stop "$WORK/fw.snap"
OUT=$WORK/fw.out
ERR=$WORK/fw.err
bg_wait 10 30
expect_status 0 --name fwrestored -- "$PINVM" restore "$WORK/fw.snap" --timeout 120
cat "$WORK/fw.out" "$OUT" | grep '^PVGUEST: counter' | awk '{print $3}' >"$WORK/fwseq"
seq 1 20 | cmp -s - "$WORK/fwseq" || { show "$WORK/fw.out" "$OUT"; fail "pinvm's firmware: the count is not 1 to 20 across the restore"; }
assert_grep '^PVGUEST: counter 20 psci 1\.1 ' "$OUT"
assert_summary "guest powered off" 0 "$ERR"
assert_grep "PSCI 1\.1 \(pinvm's firmware\)" "$ERR"
