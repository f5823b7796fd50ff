#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest RAM is offered to KSM (MADV_MERGEABLE, "mg" in the mapping's
# VmFlags) only with --mem-merge: pages merged across VMs are a known side
# channel. Read from /proc/PID/smaps of the running pinvm: without the
# option no mapping of pinvm's is mergeable, with it the whole guest RAM
# (64 MiB here, whatever VMAs the huge-page advice split it into) is.
# timeout: 40
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
[ -d /sys/kernel/mm/ksm ] || skip "this host kernel has no KSM"

# merged_kb NAME: kB of the background pinvm's mappings flagged "mg".
merged_kb() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { size = 0 }
	     /^Size:/ { size = $2 }
	     /^VmFlags:/ { for (i = 2; i <= NF; i++) if ($i == "mg") kb += size }
	     END { print kb + 0 }' "/proc/$BG_PID/smaps"
}

for mode in default merge; do
	opt=
	[ "$mode" = merge ] && opt=--mem-merge
	# shellcheck disable=SC2086 # $opt is one word or none
	bg_start "$mode" -- "$PINVM" run --kernel "$guest" --mem 64M $opt --cmdline "test=hang"
	wait_for '^PVGUEST: hang' "$OUT" 20 || { show "$OUT" "$ERR"; fail "$mode: the guest did not start"; }
	kb=$(merged_kb)
	kill -TERM "$BG_PID"
	bg_wait 143 20
	echo "$mode: $kb kB of mergeable mappings"
	case $mode in
	default) [ "$kb" -eq 0 ] || fail "without --mem-merge, $kb kB of pinvm's memory is MADV_MERGEABLE" ;;
	merge) [ "$kb" -eq 65536 ] || fail "with --mem-merge, $kb kB are MADV_MERGEABLE, want the 65536 kB of guest RAM" ;;
	esac
done
