#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The emulated host offers KVM: /dev/kvm is a character device that opens.
# timeout: 10
. "$LIB"

[ -e /dev/kvm ] || fail "/dev/kvm does not exist on $HOST_KERNEL"
[ -c /dev/kvm ] || fail "/dev/kvm is not a character device"
if ! (exec 3<>/dev/kvm); then
	dmesg | grep -i kvm
	fail "/dev/kvm does not open read-write"
fi
dmesg | grep -i 'kvm' | head -n 20 >"$WORK/dmesg-kvm"
assert_grep 'kvm \[[0-9]+\]: (VHE|Hyp|nVHE|hyp)' "$WORK/dmesg-kvm"
