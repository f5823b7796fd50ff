# SPDX-License-Identifier: GPL-2.0-only
# The disk benchmark's guest task (tests/bench/disk.sh), sourced by the test
# guest's init with /dev/vda present: each test between two /proc/uptime
# readings.
t() {
	cut -d' ' -f1 /proc/uptime
}
a=$(t)
dd if=/dev/zero of=/dev/vda bs=1M count=256 oflag=direct 2>/dev/null || say "seq-write failed"
say "time seq-write-256M $a $(t)"
a=$(t)
dd if=/dev/vda of=/dev/null bs=1M count=256 iflag=direct 2>/dev/null || say "seq-read failed"
say "time seq-read-256M $a $(t)"
a=$(t)
i=0
while [ $i -lt 500 ]; do
	dd if=/dev/vda of=/dev/null bs=4k count=1 skip=$(((i * 7919) % 65536)) iflag=direct 2>/dev/null
	i=$((i + 1))
done
say "time rand-read-4k-x500 $a $(t)"
a=$(t)
i=0
while [ $i -lt 500 ]; do
	true
	i=$((i + 1))
done
say "time loop-x500-no-io $a $(t)"
