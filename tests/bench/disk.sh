#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The disk benchmark (issue 14), inside the emulated host of tests/bench/run
# (tests/bench/disk starts it): a Linux guest with 512 MiB and one 288 MiB
# raw --disk writes and reads 256 MiB sequentially (dd bs=1M, O_DIRECT) and
# makes 4 KiB O_DIRECT reads at scattered offsets (one dd each), timing each
# with /proc/uptime; the host kernel counts, for the whole run, pinvm's
# exits to user space (by reason), all its vCPU exits to the hypervisor
# (kvm_exit) and its preadv/pwritev calls (one per request). Prints
#   PINVM-BENCH: disk CONTENDER TEST SECONDS
#   PINVM-BENCH: disk-count CONTENDER userspace_exits=N mmio=N kvm_exits=N requests=N
# A contender is pinvm, and kvmtool when /bench/extra/lkvm exists.
B=/bench
TR=/sys/kernel/tracing
IMG=/tmp/disk.img
say() {
	echo "PINVM-BENCH: $*"
}

# bench_one CONTENDER FILTER CMD...: FILTER selects the contender's threads
# by name (ftrace filter syntax).
bench_one() {
	_c=$1 _f=$2
	shift 2
	dd if=/dev/zero of=$IMG bs=1M count=288 2>/dev/null
	_hs="hist:keys=id:vals=hitcount if $_f"
	_hu="hist:keys=reason:vals=hitcount if $_f"
	_hk="hist:keys=common_pid:vals=hitcount if $_f"
	echo "$_hs" >$TR/events/raw_syscalls/sys_enter/trigger
	echo "$_hu" >$TR/events/kvm/kvm_userspace_exit/trigger
	echo "$_hk" >$TR/events/kvm/kvm_exit/trigger 2>/dev/null
	"$@" </dev/null >/tmp/disk.out 2>&1
	echo "$_c: exit $?" >>/tmp/disk.out
	tr -d '\r' </tmp/disk.out | sed -n 's/^PINVM-GUEST: time \([A-Za-z0-9-]*\) \([0-9.]*\) \([0-9.]*\)$/\1 \2 \3/p' |
		while read -r t a b; do
			say "disk $_c $t $(echo "$a $b" | awk '{ printf "%.2f", $2 - $1 }')"
		done
	# pread64, pwrite64, preadv, pwritev: pinvm makes one preadv/pwritev per request
	_req=$(sed -n 's/^{ id: *\(67\|68\|69\|70\) *} hitcount: *\([0-9]*\).*/\2/p' $TR/events/raw_syscalls/sys_enter/hist |
		awk '{ n += $1 } END { print n + 0 }')
	_ue=$(sed -n 's/.*hitcount: *\([0-9]*\).*/\1/p' $TR/events/kvm/kvm_userspace_exit/hist | awk '{ n += $1 } END { print n + 0 }')
	_mmio=$(sed -n 's/^{ reason: *6 *} hitcount: *\([0-9]*\).*/\1/p' $TR/events/kvm/kvm_userspace_exit/hist)
	_ke=$(sed -n 's/.*hitcount: *\([0-9]*\).*/\1/p' $TR/events/kvm/kvm_exit/hist 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
	echo "!$_hs" >$TR/events/raw_syscalls/sys_enter/trigger
	echo "!$_hu" >$TR/events/kvm/kvm_userspace_exit/trigger
	echo "!$_hk" >$TR/events/kvm/kvm_exit/trigger 2>/dev/null
	say "disk-count $_c userspace_exits=$_ue mmio=${_mmio:-0} kvm_exits=$_ke requests=$_req"
	grep -E 'PINVM-GUEST|exit [0-9]' /tmp/disk.out | sed 's/^/PINVM-BENCH: #   /'
}

initrd=$B/extra/task-initrd.cpio.gz
cmdline="console=ttyS0 panic=-1 quiet pinvm.action=task"
run_pinvm() {
	bench_one pinvm 'comm == "pinvm"' $B/bin/pinvm run --kernel $B/linux/Image --initrd $initrd \
		--mem 512M --disk $IMG --cmdline "$cmdline"
}
# One vCPU as pinvm's, and virtio-mmio (the guest loads virtio_mmio, not
# virtio_pci; kvmtool's arm64 default is PCI). Threads: lkvm, kvm-vcpu-N,
# virtio-blk-io (kvmtool names them).
run_kvmtool() {
	[ -x $B/extra/lkvm ] || return 0
	bench_one kvmtool 'comm == "lkvm" || comm ~ "kvm-vcpu-*" || comm == "virtio-blk-io"' \
		$B/extra/lkvm run --kernel $B/linux/Image --initrd $initrd -c 1 \
		--mem 512 --virtio-transport mmio --disk $IMG --params "$cmdline"
}
# Rounds of pinvm, kvmtool, then kvmtool, pinvm (ABBA): neither always
# first. PINVM_DISK_ROUNDS in the emulated host's environment: not passed,
# so 2 (two runs each).
# A first pinvm run, not counted: the first run of a boot pays the emulated
# host's first touch of its memory and tmpfs (seen as up to 2x slower).
bench_one warmup 'comm == "pinvm"' $B/bin/pinvm run --kernel $B/linux/Image --initrd $initrd \
	--mem 512M --disk $IMG --cmdline "$cmdline" >/dev/null
i=0
while [ $i -lt ${PINVM_DISK_ROUNDS:-2} ]; do
	if [ $((i % 2)) = 0 ]; then run_pinvm; run_kvmtool; else run_kvmtool; run_pinvm; fi
	i=$((i + 1))
done
say done
