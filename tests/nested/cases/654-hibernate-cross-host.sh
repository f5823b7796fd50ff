#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hibernation across host kernels (a chain: the rig boots 6.12, then 7.x,
# then 6.12 again, carrying $PERSIST from one boot to the next):
# 1. host 6.12: the 6.12 guest (2 vCPUs, 512 MiB) hibernates to disk A with
#    this host's firmware recorded in a profile (PSCI 1.1): plain
#    SYSTEM_OFF, pinvm finds the image, exit 3;
# 2. host 7.x: the same 6.12 guest kernel resumes from A with that profile
#    replayed (the guest still gets PSCI 1.1, not 7.x's 1.3), marker intact,
#    exit 0; then the 7.x guest, pinned to PSCI 1.3 and recorded in a second
#    profile, hibernates to disk B with SYSTEM_OFF2, exit 3;
# 3. host 6.12: the 7.x guest resumes from B with the 1.3 profile, which
#    6.12's KVM cannot give, so pinvm's own PSCI firmware answers, exit 0.
# The guest kernels travel on $PERSIST with the disks and profiles.
# chain: 6.12 7 6.12
# timeout: 600
. "$LIB"

P=$PERSIST
[ -n "$P" ] && [ -d "$P" ] || fail "no scratch disk (\$PERSIST): run as a chain (tests/nested/run --long)"

# run_guest NAME STATUS KERNEL DISK PROFILE CMDLINE-EXTRA [pinvm options]
# (the 6.12 guest gets arm64.nolva on both its launches: its resume oopses
# on a CPU with LPA2, docs/hibernation.md)
run_guest() {
	_n=$1 _st=$2 _k=$3 _d=$4 _p=$5 _x=$6
	shift 6
	expect_status "$_st" --name "$_n" -- "$PINVM" run --kernel "$_k" --initrd "$P/initrd" \
		--cpus 2 --mem 512M --fw-profile "$_p" --disk "$_d" --event-log "$WORK/$_n.jsonl" \
		--timeout 300 --cmdline "$(linux_cmdline hibernate $_x)" "$@"
}

marker_of() {
	sed -n 's/^PINVM-GUEST: hibernate: marker \([0-9a-f-]*\)$/\1/p' "$OUT"
}

echo "chain step $CHAIN_STEP/$CHAIN_STEPS on host $HOST_GEN ($HOST_KERNEL)"
case $CHAIN_STEP in
1)
	[ "$HOST_GEN" = 6.12 ] || fail "step 1 wants host 6.12"
	cp "$LINUX_KERNEL" "$P/k612.Image"
	cp "$LINUX_INITRD" "$P/initrd"
	truncate -s 1G "$P/a.img"
	run_guest a-hibernate 3 "$P/k612.Image" "$P/a.img" "$P/a.profile" arm64.nolva
	assert_summary 'guest hibernated \(image on vda\)' 3
	assert_grep '; PSCI 1\.1; ' "$ERR"
	assert_grep '"type":"hibernated","detected":"swap_signature","disk":"vda"' "$WORK/a-hibernate.jsonl"
	marker_of >"$P/a.marker"
	[ -s "$P/a.marker" ] || fail "no marker"
	grep -q '^PSCI_VERSION = 1.1$' "$P/a.profile" || fail "the 6.12 profile does not pin PSCI 1.1"
	;;
2)
	[ "$HOST_GEN" = 7 ] || fail "step 2 wants host 7"
	run_guest a-resume 0 "$P/k612.Image" "$P/a.img" "$P/a.profile" arm64.nolva
	assert_grep "^PINVM-GUEST: resumed: marker $(cat "$P/a.marker") $(cat "$P/a.marker")\$" "$OUT"
	assert_grep '^PINVM-GUEST: resumed: cpu1 offline: online=0; online again: online=0-1$' "$OUT"
	assert_summary 'guest powered off' 0
	assert_grep '; PSCI 1\.1; ' "$ERR"
	echo "6.12 guest hibernated under host 6.12, resumed under host 7 with PSCI 1.1"

	cp "$LINUX_KERNEL" "$P/k7.Image"
	truncate -s 1G "$P/b.img"
	run_guest b-hibernate 3 "$P/k7.Image" "$P/b.img" "$P/b.profile" "" --psci 1.3
	assert_summary 'guest hibernated \(SYSTEM_OFF2\)' 3
	assert_grep '; PSCI 1\.3; ' "$ERR"
	marker_of >"$P/b.marker"
	[ -s "$P/b.marker" ] || fail "no marker"
	;;
3)
	[ "$HOST_GEN" = 6.12 ] || fail "step 3 wants host 6.12"
	run_guest b-resume 0 "$P/k7.Image" "$P/b.img" "$P/b.profile" ""
	assert_grep "^PINVM-GUEST: resumed: marker $(cat "$P/b.marker") $(cat "$P/b.marker")\$" "$OUT"
	assert_grep '^PINVM-GUEST: resumed: cpu1 offline: online=0; online again: online=0-1$' "$OUT"
	assert_summary 'guest powered off' 0
	assert_grep "; PSCI 1\\.3 \\(pinvm's firmware\\); " "$ERR"
	echo "7.x guest hibernated under host 7 (PSCI 1.3, SYSTEM_OFF2), resumed under host 6.12 through pinvm's firmware"
	;;
*)
	fail "unexpected chain step '$CHAIN_STEP'"
	;;
esac
