#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmark runs, inside the emulated arm64 host that tests/bench/run
# boots (busybox sh; tests/bench/init calls it). Every measured run prints
#
#   PINVM-BENCH: run SCENARIO CONTENDER I WALL_US USER_US SYS_US MAXRSS_KIB STATUS OUT_BYTES MINFLT MAJFLT
#
# and a run whose status or output is not the expected one also prints
# "PINVM-BENCH: bad ..." with the end of its output. Within a scenario the
# contenders take turns: run 1 of each, then run 2 of each, and so on, so a
# slow phase of the (shared, emulated) machine hits all of them alike.
# After its timed runs each contender runs once more, counted:
#
#   PINVM-BENCH: count SCENARIO CONTENDER syscalls=N ioctls=N exits=N mmio=N
#
# tests/bench/run turns the lines into the table (docs/benchmarks.md).
#
# The psci scenario's guest also measures itself (virtual counter):
#
#   PINVM-BENCH: guest SCENARIO CONTENDER I NAME=VALUE...
#
# Environment (from /bench/config): RUNS LINUX_RUNS RESETS SCENARIOS
# (an extended regex over "launch restart smp linux psci linux-fw snapshot"), BASE (yes: also run
# /bench/bin/pinvm-base, the binary to compare with), KVMTOOL (yes: also run
# /bench/bin/lkvm, kvmtool), SECCOMP_LENS (the lengths of pinvm's filters,
# for the sandboxed floor), ATS (names of more pinvm binaries,
# /bench/bin/at-NAME, measured in the launch scenario only: tests/bench/run
# --at NAME=FILE, e.g. one per commit to find where a launch got slower).

B=/bench
M=$B/bin/measure
FLOOR=$B/bin/floor
TINY_OFF=$B/guests/tiny-off.bin
TINY_RESET=$B/guests/tiny-reset.bin
PVGUEST=$B/guests/pvguest.bin
LINUX_KERNEL=$B/linux/Image
LINUX_INITRD=$B/linux/initrd.cpio.gz
LINUX_CMDLINE="console=ttyS0 panic=-1 pinvm.action=poweroff"

RUNS=${RUNS:-7}
LINUX_RUNS=${LINUX_RUNS:-7}
RESETS=${RESETS:-20}
SCENARIOS=${SCENARIOS:-.}
BASE=${BASE:-no}
KVMTOOL=${KVMTOOL:-no}
SECCOMP_LENS=${SECCOMP_LENS:-159,61,47}
ATS=${ATS:-}
LKVM=$B/bin/lkvm
# kvmtool keeps its control sockets in $HOME/.lkvm
export HOME=/tmp
OUT=/tmp/bench.out
TR=/sys/kernel/tracing

say() {
	echo "PINVM-BENCH: $*"
}

# pinvm binaries to run: the one under test and, with BASE=yes, the old one.
pinvms() {
	echo pinvm
	[ "$BASE" = yes ] && echo pinvm-base
}

# the --at binaries, in the order given (launch scenario only)
ats() {
	for _a in $ATS; do
		echo "at-$_a"
	done
}

# counted SCENARIO CONTENDER CMD...: one more run, not timed, that counts
# in the host kernel (tracefs histograms) the command's system calls and
# its vCPUs' exits to user space: the same figures on a busy machine.
counted() {
	_s=$1 _c=$2
	shift 2
	_comm=$(basename "$1" | cut -c1-15)
	_sys=$TR/events/raw_syscalls/sys_enter/trigger
	_exit=$TR/events/kvm/kvm_userspace_exit/trigger
	_f="comm == \"$_comm\""
	# kvmtool names its threads (vCPUs, its worker pool)
	[ "$_comm" = lkvm ] && _f="$_f || comm ~ \"kvm-vcpu-*\" || comm ~ \"threadpool-*\""
	_h1="hist:keys=id:vals=hitcount if $_f"
	_h2="hist:keys=reason:vals=hitcount if $_f"
	if ! echo "$_h1" >"$_sys" 2>/dev/null || ! echo "$_h2" >"$_exit" 2>/dev/null; then
		say "count $_s $_c unavailable"
		echo "!$_h1" >"$_sys" 2>/dev/null
		return
	fi
	"$@" </dev/null >/dev/null 2>&1
	_calls=$(sed -n 's/.*hitcount: *\([0-9]*\).*/\1/p' "${_sys%trigger}hist" | awk '{ n += $1 } END { print n + 0 }')
	_ioctls=$(sed -n 's/^{ id: *29 *} hitcount: *\([0-9]*\).*/\1/p' "${_sys%trigger}hist")
	_exits=$(sed -n 's/.*hitcount: *\([0-9]*\).*/\1/p' "${_exit%trigger}hist" | awk '{ n += $1 } END { print n + 0 }')
	_mmio=$(sed -n 's/^{ reason: *6 *} hitcount: *\([0-9]*\).*/\1/p' "${_exit%trigger}hist")
	echo "!$_h1" >"$_sys"
	echo "!$_h2" >"$_exit"
	say "count $_s $_c syscalls=$_calls ioctls=${_ioctls:-0} exits=$_exits mmio=${_mmio:-0}"
}

# one SCENARIO CONTENDER I WANT_STATUS EXPECT_REGEX CMD...: one measured run
# (or, with I = count, one counted run).
one() {
	_s=$1 _c=$2 _i=$3 _want=$4 _expect=$5
	shift 5
	if [ "$_i" = count ]; then
		counted "$_s" "$_c" "$@"
		return
	fi
	set -- $("$M" -o "$OUT" -- "$@")
	_bytes=$(wc -c <"$OUT")
	say "run $_s $_c $_i $1 $2 $3 $4 $5 $_bytes $6 $7"
	if [ "$5" != "$_want" ]; then
		say "bad $_s $_c $_i: exit status $5, expected $_want"
	elif [ -n "$_expect" ] && ! grep -Eq -e "$_expect" "$OUT"; then
		say "bad $_s $_c $_i: no line matching '$_expect'"
	else
		return 0
	fi
	tail -n 20 "$OUT" | sed 's/^/PINVM-BENCH: #   /'
}

# runs N: the run numbers 1..N, then "count"
runs() {
	seq 1 "$1"
	[ "$1" -gt 0 ] && echo count
}

want() {
	echo "$1" | grep -Eq -e "$SCENARIOS"
}

# kvmtool as close to pinvm's defaults as it lets itself be: 256 MiB, one
# vCPU, a vGICv3, no network (its default is a user-mode virtio-net), no
# defaults (no 9p root file system, the command line as given); its 16550
# console, RTC and PCI root it always has.
LKVM_RUN="run --nodefaults -m 256 -c 1 --irqchip gicv3 --network mode=none"

# 1. launch -> SYSTEM_OFF of the 4 KiB guest: process only, floor,
# floor + vGIC, the sandboxed floor (+ filters as long as pinvm's), pinvm
# (and pinvm-base), pinvm without its seccomp filter, kvmtool.
scenario_launch() {
	for i in $(runs "$RUNS"); do
		one launch exec "$i" 0 '' "$FLOOR" --none
		one launch floor "$i" 0 '' "$FLOOR" "$TINY_OFF"
		one launch floor-gic "$i" 0 '' "$FLOOR" --gic "$TINY_OFF"
		one launch floor-sandbox "$i" 0 '' "$FLOOR" --gic --seccomp "$SECCOMP_LENS" "$TINY_OFF"
		for p in $(pinvms) $(ats); do
			one launch "$p" "$i" 0 '' "$B/bin/$p" run --kernel "$TINY_OFF"
		done
		# What the seccomp filter costs a start (it is on by default).
		one launch pinvm-noseccomp "$i" 0 '' "$B/bin/pinvm" run --no-seccomp --kernel "$TINY_OFF"
		[ "$KVMTOOL" = yes ] && one launch kvmtool "$i" 0 '' $LKVM $LKVM_RUN -k "$TINY_OFF"
	done
}

# 2. in-process restart: the reset guest with 0 and $RESETS restarts; the
# difference over $RESETS is the cost of one restart.
scenario_restart() {
	for i in $(runs "$RUNS"); do
		one restart floor-r0 "$i" 4 '' "$FLOOR" --resets 0 "$TINY_RESET"
		one restart floor-rN "$i" 4 '' "$FLOOR" --resets "$RESETS" "$TINY_RESET"
		for p in $(pinvms); do
			one restart "$p-r0" "$i" 4 '' "$B/bin/$p" run --kernel "$TINY_RESET" \
				--max-resets 0
			one restart "$p-rN" "$i" 4 "$RESETS restarts" "$B/bin/$p" run \
				--kernel "$TINY_RESET" --max-resets "$RESETS"
		done
	done
}

# 3. 1 and 8 vCPUs: launch, CPU_ON of every secondary, SYSTEM_OFF.
scenario_smp() {
	for i in $(runs "$RUNS"); do
		for p in $(pinvms); do
			for n in 1 8; do
				one smp "$p-${n}cpu" "$i" 0 "^PVGUEST: cpus online $n" \
					"$B/bin/$p" run --kernel "$PVGUEST" --cpus "$n" \
					--cmdline "test=count-cpus"
			done
		done
	done
}

# 4. the Debian kernel to `poweroff -f`: quiet, and with every kernel
# message on the 16550 console (and that with three --pass-on/--fail-on
# patterns, pinvm only).
scenario_linux() {
	for i in $(runs "$LINUX_RUNS"); do
		for p in $(pinvms); do
			one linux "$p-quiet" "$i" 0 '^PINVM-GUEST: action: poweroff' \
				"$B/bin/$p" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
				--cmdline "$LINUX_CMDLINE quiet"
			one linux "$p-verbose" "$i" 0 '^PINVM-GUEST: action: poweroff' \
				"$B/bin/$p" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
				--cmdline "$LINUX_CMDLINE ignore_loglevel"
		done
		[ "$KVMTOOL" = yes ] && one linux kvmtool-quiet "$i" 0 '^PINVM-GUEST: action: poweroff' \
			$LKVM $LKVM_RUN -k "$LINUX_KERNEL" -i "$LINUX_INITRD" -p "$LINUX_CMDLINE quiet"
		# The console verdict's cost: the verbose boot with three patterns
		# that never match (every line is tried against all three).
		one linux "pinvm-patterns" "$i" 0 '^PINVM-GUEST: action: poweroff' \
			"$B/bin/pinvm" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
			--cmdline "$LINUX_CMDLINE ignore_loglevel" \
			--fail-on '^# Totals: pass:[0-9]+ fail:[1-9]' --fail-on 'BUG: KASAN: [a-z-]+ in' \
			--pass-on '^TESTS (PASSED|OK)$'
	done
}

# 5. pinvm's PSCI firmware against KVM's (issue 13), the same pinvm binary
# taking turns: the CPU_ON round trip (cpu-cycles: CPU_ON, the secondary's
# arrival, its CPU_OFF, AFFINITY_INFO polled until OFF; 200 cycles, 2 vCPUs)
# and the 8-vCPU bring-up (bringup: CPU_ON of each secondary, each waited
# for), both timed by the guest, and their launch-to-SYSTEM_OFF wall time.
PSCI_CYCLES=200
scenario_psci() {
	for i in $(runs "$RUNS"); do
		for impl in kvm pinvm; do
			one psci "$impl-cycles" "$i" 0 "^PVGUEST: cpu-cycles done $PSCI_CYCLES arrivals $PSCI_CYCLES bad-context 0 " \
				"$B/bin/pinvm" run --kernel "$PVGUEST" --cpus 2 --psci-impl "$impl" \
				--cmdline "test=cpu-cycles count=$PSCI_CYCLES"
			[ "$i" = count ] || sed -n 's/^PVGUEST: cpu-cycles us cycle \([0-9]*\) cpu_on-to-arrival \([0-9]*\).*/\1 \2/p' "$OUT" |
				while read -r c a; do say "guest psci $impl-cycles $i cycle_us=$c arrive_us=$a"; done
			one psci "$impl-bringup" "$i" 0 '^PVGUEST: bringup cpus 8 ' \
				"$B/bin/pinvm" run --kernel "$PVGUEST" --cpus 8 --psci-impl "$impl" \
				--cmdline "test=bringup"
			[ "$i" = count ] || sed -n 's/^PVGUEST: bringup cpus 8 us \([0-9]*\).*/\1/p' "$OUT" |
				while read -r u; do say "guest psci $impl-bringup $i bringup_us=$u"; done
		done
	done
}

# 5. (issue 13) KVM's PSCI against pinvm's own firmware: the Debian kernel
# with 4 vCPUs to `poweroff -f`, quiet, the same PSCI version (the host's)
# from both; the order flips every run (kvm first in odd runs, pinvm first
# in even ones), so neither always runs after the other.
scenario_linux_fw() {
	for i in $(runs "$LINUX_RUNS"); do
		case $i in
		*[13579]) order="kvm pinvm" ;;
		*) order="pinvm kvm" ;;
		esac
		for impl in $order; do
			one linux-fw "fw-$impl" "$i" 0 '^PINVM-GUEST: online=0-3' \
				"$B/bin/pinvm" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
				--cpus 4 --psci-impl "$impl" --cmdline "$LINUX_CMDLINE quiet"
		done
	done
}

# 7. (issue 17) snapshot and restore: the 512 MiB Debian guest with 2 vCPUs
# (the Linux test guest's pinvm.action=counter, a line a second) boots to
# its 3rd counter line; `pinvm ctl snapshot-stop` there (exit 10); `pinvm
# restore` of that file to the guest's next counter line, then SIGTERM
# (143). One run is three processes, so it is timed from this shell
# (/proc/uptime, 10 ms steps), not through measure, plus the figures pinvm
# logs itself (the snapshot record's seconds with the vCPUs held, the
# restore record's time since start). Each run prints
#
#   PINVM-BENCH: snap snapshot CONTENDER I boot_ms=.. save_ms=.. held_ms=.. bytes=..
#                restore_state_ms=.. restore_line_ms=.. saved_at=N next=N
#
# (one line). The fresh boot to counter 3 against the restore to the next
# line is issue 17's "restore at least 10x faster than a fresh boot to the
# same point" (the restore's figure includes up to 1 s of the guest's own
# sleep); the file against the guest's non-zero pages is in the snapshot's
# ram section (docs/snapshot.md).
SNAP_CMDLINE="console=ttyS0 panic=-1 quiet pinvm.action=counter pinvm.count=100000"
SNAP_DIR=/tmp/snap

# ms: this host's uptime in milliseconds
ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# alive PID: the background process has not exited (a zombie counts as exited)
alive() {
	[ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"
}

# wait_line RE FILE SECONDS PID: true once FILE has a line matching RE;
# false after SECONDS, or when PID exited without printing it.
wait_line() {
	_end=$(($(ms) + $3 * 1000))
	while ! grep -Eq -e "$1" "$2" 2>/dev/null; do
		if [ "$(ms)" -ge "$_end" ] || ! alive "$4"; then
			grep -Eq -e "$1" "$2" 2>/dev/null
			return
		fi
		sleep 0.05
	done
}

# snap_bad CONTENDER I WHY FILE: a run that did not go as it should
snap_bad() {
	say "bad snapshot $1 $2: $3"
	tail -n 20 "$4" 2>/dev/null | sed 's/^/PINVM-BENCH: #   /'
}

# snap_kill PID: end a background pinvm that is stuck
snap_kill() {
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

snapshot_run() {
	_p=$1 _i=$2 _d=$SNAP_DIR
	rm -rf "$_d"
	mkdir -p "$_d"
	_t0=$(ms)
	"$B/bin/$_p" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" --cpus 2 --mem 512M \
		--cmdline "$SNAP_CMDLINE" --control "$_d/ctl.sock" --event-log "$_d/a.jsonl" \
		</dev/null >"$_d/a.out" 2>"$_d/a.err" &
	_pid=$!
	if ! wait_line '^PINVM-GUEST: counter 3 ' "$_d/a.out" 900 "$_pid"; then
		snap_kill "$_pid"
		snap_bad "$_p" "$_i" "no 3rd counter line from the fresh boot" "$_d/a.out"
		return
	fi
	_t1=$(ms)
	"$B/bin/$_p" ctl "$_d/ctl.sock" snapshot-stop "$_d/s.snap" >"$_d/ctl.out" 2>&1
	_ctl=$?
	_t2=$(ms)
	_end=$(($(ms) + 60000))
	while alive "$_pid" && [ "$(ms)" -lt "$_end" ]; do
		sleep 0.05
	done
	alive "$_pid" && snap_kill "$_pid"
	wait "$_pid"
	_st=$?
	if [ "$_ctl" -ne 0 ] || [ "$_st" -ne 10 ] || [ ! -f "$_d/s.snap" ]; then
		cat "$_d/ctl.out" >>"$_d/a.err"
		snap_bad "$_p" "$_i" "snapshot-stop: ctl status $_ctl, pinvm status $_st (expected 0 and 10)" "$_d/a.err"
		return
	fi
	_bytes=$(wc -c <"$_d/s.snap")
	_held=$(sed -n 's/.*"type":"snapshot".*"seconds":\([0-9.]*\).*/\1/p' "$_d/a.jsonl" |
		awk '{ printf "%d\n", $1 * 1000 }')
	_last=$(sed -n 's/^PINVM-GUEST: counter \([0-9]*\) online.*/\1/p' "$_d/a.out" | tail -n 1)

	_t3=$(ms)
	"$B/bin/$_p" restore "$_d/s.snap" --event-log "$_d/b.jsonl" \
		</dev/null >"$_d/b.out" 2>"$_d/b.err" &
	_pid=$!
	if ! wait_line '^PINVM-GUEST: counter [0-9]+ online' "$_d/b.out" 600 "$_pid"; then
		snap_kill "$_pid"
		cat "$_d/b.out" >>"$_d/b.err"
		snap_bad "$_p" "$_i" "no counter line after the restore" "$_d/b.err"
		return
	fi
	_t4=$(ms)
	kill -TERM "$_pid"
	wait "$_pid"
	_st=$?
	_state=$(sed -n 's/^{"ts":\([0-9.]*\),"type":"restore".*/\1/p' "$_d/b.jsonl" |
		awk '{ printf "%d\n", $1 * 1000 }')
	_next=$(sed -n 's/^PINVM-GUEST: counter \([0-9]*\) online.*/\1/p' "$_d/b.out" | head -n 1)
	say "snap snapshot $_p $_i boot_ms=$((_t1 - _t0)) save_ms=$((_t2 - _t1)) held_ms=${_held:-0}" \
		"bytes=$_bytes restore_state_ms=${_state:-0} restore_line_ms=$((_t4 - _t3))" \
		"saved_at=${_last:-0} next=${_next:-0}"
	if [ "$_st" -ne 143 ]; then
		snap_bad "$_p" "$_i" "the restored pinvm ended with status $_st on SIGTERM, not 143" "$_d/b.err"
	elif [ "${_next:-0}" -ne $((${_last:-0} + 1)) ]; then
		snap_bad "$_p" "$_i" "saved at counter ${_last:-?}, the restored guest went on with ${_next:-?}" "$_d/b.out"
	fi
	rm -rf "$_d"
}

scenario_snapshot() {
	[ "$LINUX_RUNS" -gt 0 ] || return 0
	for i in $(seq 1 "$LINUX_RUNS"); do
		for p in $(pinvms); do
			snapshot_run "$p" "$i"
		done
	done
}

_ats=$(echo $ATS | tr ' ' ,)
say "config runs=$RUNS linux_runs=$LINUX_RUNS resets=$RESETS scenarios=$SCENARIOS base=$BASE kvmtool=$KVMTOOL seccomp=$SECCOMP_LENS ats=${_ats:--}"
for p in $(pinvms) $(ats); do
	say "binary $p $(wc -c <"$B/bin/$p") bytes"
done
[ "$KVMTOOL" = yes ] && say "binary kvmtool $(wc -c <"$LKVM") bytes"
# One unmeasured run of each binary first: page cache and KVM warm.
for p in $(pinvms) $(ats); do
	"$B/bin/$p" run --kernel "$TINY_OFF" >/dev/null 2>&1
done
"$FLOOR" "$TINY_OFF"
[ "$KVMTOOL" = yes ] && $LKVM $LKVM_RUN -k "$TINY_OFF" >/dev/null 2>&1

for s in launch restart smp linux psci; do
	want "$s" || continue
	say "scenario $s begin $(date +%s)"
	"scenario_$s"
	say "scenario $s end $(date +%s)"
done
# Issue 13's Linux comparison, a block of its own.
for s in linux-fw; do
	want "$s" || continue
	say "scenario $s begin $(date +%s)"
	scenario_linux_fw
	say "scenario $s end $(date +%s)"
done
# Issue 17's snapshot and restore (named "snapshot" in SCENARIOS).
for s in snapshot; do
	want "$s" || continue
	say "scenario $s begin $(date +%s)"
	scenario_snapshot
	say "scenario $s end $(date +%s)"
done
say "done"
