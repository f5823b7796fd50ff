#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run pvguest under QEMU's TCG "virt" machine (no KVM needed) and check its
# console output. QEMU's map differs from pinvm's (PL011 at 0x9000000, RAM
# at 0x40000000, GICv3 at 0x8000000), which the guest reads from the DT;
# QEMU's own PSCI (1.1 over HVC) stands in for KVM's.
#
# usage: qemu-smoke.sh QEMU PVGUEST_IMG PVGUEST_BIN CASE
set -u
qemu=$1 img=$2 bin=$3 case=$4
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# run KERNEL SMP APPEND [STDIN]: console output in $out, QEMU's status in $rc
run() {
	input=${4:-}
	printf '%b' "$input" | timeout 60 "$qemu" -M virt,gic-version=3 -cpu max -m 256 \
		-smp "$2" -nodefaults -display none -serial stdio -no-reboot \
		-kernel "$1" -append "$3" >"$out" 2>&1
	rc=$?
	tr -d '\r' <"$out" >"$out.lf" && mv "$out.lf" "$out"
}

fail=0
# expect LINE: the output has exactly this line
expect() {
	if ! grep -qxF "$1" "$out"; then
		echo "missing: $1"
		fail=1
	fi
}
# count N LINE: the line appears exactly N times
count() {
	n=$(grep -cxF "$2" "$out")
	if [ "$n" != "$1" ]; then
		echo "expected $1 x '$2', got $n"
		fail=1
	fi
}

case $case in
hello)		run "$img" 1 "test=hello"; expect "PVGUEST: boot"; expect "PVGUEST: hello" ;;
hello-bin)	run "$bin" 1 "test=hello"; expect "PVGUEST: hello" ;;
psci)		run "$img" 2 "test=psci"
		expect "PVGUEST: cpu1 arrived context ok"
		expect "PVGUEST: cpu1 CPU_ON while on = -4 0xfffffffffffffffc ALREADY_ON"
		expect "PVGUEST: cpu1 AFFINITY_INFO after CPU_OFF = 1 0x0000000000000001 OFF"
		expect "PVGUEST: psci transcript end" ;;
psci-4)		run "$img" 4 "test=psci"
		for i in 1 2 3; do expect "PVGUEST: cpu$i arrived context ok"; done
		expect "PVGUEST: psci transcript end" ;;
timer)		run "$img" 1 "test=timer"; expect "PVGUEST: timer fired intid 27" ;;
# QEMU's PSCI has no SYSTEM_SUSPEND (nor SYSTEM_OFF2): NOT_SUPPORTED
suspend)	run "$img" 1 "test=suspend"; expect "PVGUEST: suspending"
		expect "PVGUEST: suspend returned -1" ;;
echo)		run "$img" 1 "test=echo" 'hello pvguest\n'
		expect "PVGUEST: echo ready"; expect "PVGUEST: echo: hello pvguest" ;;
count-cpus)	run "$img" 4 "test=count-cpus"; expect "PVGUEST: cpus online 4" ;;
uart-flood)	run "$img" 1 "test=uart-flood bytes=1000"
		expect "PVGUEST: flood end"
		n=$(sed -n '/^PVGUEST: flood start/,/^PVGUEST: flood end/p' "$out" |
		    sed '1d;$d' | tr -d '\n' | wc -c)
		# 1000 bytes, 15 of them LF (every 64th), plus the final LF added before the end line
		[ "$n" = 985 ] || { echo "flood payload: $n letters, expected 985"; fail=1; } ;;
minimal)	run "$img" 1 "test=minimal"; expect "PVGUEST: psci 0x00010001"; count 0 "PVGUEST: boot" ;;
off2)		run "$img" 1 "test=off2 type=1"; expect "PVGUEST: off2 returned -1" ;;
# -no-reboot: QEMU exits on the reset, after one boot
reset)		run "$img" 1 "test=reset"; count 1 "PVGUEST: boot" ;;
kmsg)		run "$img" 1 "test=kmsg kind=oops"
		expect "PVGUEST: [    1.000000] Internal error: Oops: 0000000096000004 [#1] SMP"
		run "$img" 1 "test=kmsg kind=panic-reset"; count 1 "PVGUEST: boot"
		expect "PVGUEST: [    1.000000] Kernel panic - not syncing: pvguest panic-reset" ;;
reset2)		run "$img" 1 "test=reset2 type=0x80000001 cookie=0x1234"; count 1 "PVGUEST: boot" ;;
undef)		run "$img" 1 "test=undef"
		grep -q '^PVGUEST: EXCEPTION esr=0x02000000 elr=0x00000000400' "$out" ||
			{ echo "missing: EXCEPTION line"; fail=1; } ;;
smp-stress)	run "$img" 2 "test=smp-stress count=500"
		grep -qE '^PVGUEST: smp-stress ipis 500 500 timers [0-9]+ [0-9]+ other 0 0 unmapped-nonzero 0$' "$out" ||
			{ echo "missing: smp-stress ipis line"; fail=1; }
		expect "PVGUEST: smp-stress done rounds 500" ;;
unknown)	run "$img" 1 "test=nonsense"; expect "PVGUEST: unknown test" ;;
*)		echo "unknown case $case"; exit 2 ;;
esac

[ "$rc" = 0 ] || { echo "qemu exited with $rc"; fail=1; }
# Lines never interleave (the flood payload is the one exception).
if [ "$case" != uart-flood ] && grep -qv '^PVGUEST: ' "$out"; then
	echo "lines without the PVGUEST: prefix (interleaved output?)"
	fail=1
fi
if [ "$fail" != 0 ]; then
	echo "--- console output ---"
	cat "$out"
fi
exit "$fail"
