#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Profiles recorded on each host generation (tests/nested/data/profiles/,
# written by `pinvm run --fw-profile` there) replayed on this host:
# - the 6.1 and 6.12 profiles (PSCI 1.1) run everywhere, and the guest's
#   PSCI conformance transcript is the one recorded on 6.1 (psci-1.1.txt),
#   on the 7.x host too (whose own default is 1.3); a bitmap register the
#   recording host lacked (VENDOR_HYP_BMAP_2) is written 0 and reported;
# - the 7.x profile (PSCI 1.3) runs on 7.x (psci-1.3.txt), on 6.12 through
#   pinvm's own PSCI firmware (the same transcript), and is refused on 6.1
#   with status 1, naming PSCI 1.3 and Linux 6.4, before the guest runs;
# - `profile check` agrees with `run` every time (status and verdict).
# timeout: 240
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
# The release as an extended regex ("6.12.118+deb13-cloud-arm64" has a '+').
kre=$(printf '%s\n' "$HOST_KERNEL" | sed 's/[.+*?(){}|^$]/\\&/g')

# The recording host's comments differ per file; the registers are what counts.
for gen in 6.1 6.12 7; do
	prof=$DATA/profiles/linux-$gen.fwprofile
	[ -f "$prof" ] || fail "missing test data $prof"
	want=$(sed -n 's/^PSCI_VERSION = \([0-9.]*\)$/\1/p' "$prof")
	case $gen in
	7) [ "$want" = 1.3 ] || fail "$prof should pin PSCI 1.3, not '$want'" ;;
	*) [ "$want" = 1.1 ] || fail "$prof should pin PSCI 1.1, not '$want'" ;;
	esac
	cp "$prof" "$WORK/copy-$gen.fwprofile"

	# Can this host honour it? PSCI 1.3 needs Linux 6.13 in KVM
	# (kvm-psci-uapi.md §3), or pinvm's own firmware: Linux 6.4 (the filter).
	ok=true
	by_pinvm=false
	if [ "$want" = 1.3 ] && ! kernel_at_least 6.13; then
		if kernel_at_least 6.4; then by_pinvm=true; else ok=false; fi
	fi

	if $ok; then
		expect_status 0 --name "check-$gen" -- "$PINVM" profile check "$prof"
		if $by_pinvm; then
			assert_grep "^$prof: this host \(Linux $kre\) can honour this firmware profile with pinvm's PSCI firmware \(--psci-impl pinvm; KVM's PSCI cannot give its version\)\$" "$OUT"
			impl=pinvm
		else
			assert_grep "^$prof: this host \(Linux $kre\) can honour this firmware profile\$" "$OUT"
			impl=kvm
		fi
		assert_no_grep '^  refused: ' "$OUT"
		check_out=$OUT
		expect_status 0 --name "run-$gen" -- "$PINVM" run --kernel "$guest" --cpus 2 \
			--fw-profile "$prof" --timeout 60 --cmdline "test=psci" \
			--event-log "$WORK/run-$gen.jsonl"
		assert_summary 'guest powered off' 0
		assert_grep "; PSCI $want( \(pinvm's firmware\))?; " "$ERR"
		assert_grep "\"type\":\"start\",\"psci\":\"$want\",\"psci_pinned\":true,\"psci_impl\":\"$impl\"," "$WORK/run-$gen.jsonl"
		sed -n '/^PVGUEST: psci transcript begin/,/^PVGUEST: psci transcript end/p' "$OUT" |
			tr -d '\r' | grep -v '^PVGUEST: hostdep ' | host_psci >"$WORK/transcript-$gen.txt"
		golden_psci "$want" >"$WORK/golden-$gen.txt"
		if ! diff -u "$WORK/golden-$gen.txt" "$WORK/transcript-$gen.txt"; then
			fail "the $gen profile on $HOST_KERNEL: transcript differs from psci-$want.txt"
		fi
		echo "linux-$gen.fwprofile: runs, transcript = psci-$want.txt"
		# Registers this host has and the profile lacks: bitmaps zeroed, reported by both.
		if ! grep -q '^VENDOR_HYP_BMAP_2 = ' "$prof" && kernel_at_least 6.15; then
			assert_grep '^pinvm: note: firmware profile: VENDOR_HYP_BMAP_2: wanted nothing \(not in the profile\), offered 0x[0-9a-f]+ .*: written as 0x0, so the guest sees none of these newer services$' "$ERR"
			assert_grep '^  note: VENDOR_HYP_BMAP_2: wanted nothing \(not in the profile\), .*written as 0x0' "$check_out"
		fi
		# Every note `run` printed, `check` printed too.
		sed -n 's/^pinvm: note: firmware profile: //p' "$ERR" | sort >"$WORK/run-notes-$gen.txt"
		sed -n 's/^  note: //p' "$check_out" | sort >"$WORK/check-notes-$gen.txt"
		diff -u "$WORK/check-notes-$gen.txt" "$WORK/run-notes-$gen.txt" ||
			fail "profile check and run report different decisions"
		# And once more with a restart in between.
		expect_status 4 --name "reset-$gen" -- "$PINVM" run --kernel "$guest" --cpus 2 \
			--fw-profile "$prof" --max-resets 1 --cmdline "test=reset"
		assert_count 2 '^PVGUEST: boot' "$OUT"
		assert_grep "; PSCI $want( \(pinvm's firmware\))?; 1 restarts;" "$ERR"
	else
		expect_status 1 --name "check-$gen" -- "$PINVM" profile check "$prof"
		assert_grep "^$prof: this host \(Linux $kre\) cannot honour this firmware profile:\$" "$OUT"
		assert_grep "^  refused: PSCI_VERSION \(line [0-9]+\): wanted 1\.3 \(PSCI 1\.3\), offered [0-9.]+ \(PSCI [0-9.]+\): this host refuses it \(Invalid argument\); PSCI 1\.3 needs Linux 6\.13 or later\$" "$OUT"
		refused=$(grep -c '^  refused: ' "$OUT")
		sed -n 's/^  refused: //p' "$OUT" >"$WORK/check-refused-$gen.txt"
		expect_status 1 --name "run-$gen" -- "$PINVM" run --kernel "$guest" --cpus 2 \
			--fw-profile "$prof" --timeout 60 --cmdline "test=psci"
		assert_no_grep 'PVGUEST' "$OUT"
		if [ "$refused" -eq 1 ]; then s=; else s=es; fi
		assert_grep "^pinvm: error: firmware profile $prof cannot be honoured by this host \(Linux $kre\): $refused mismatch$s \(pinvm's own PSCI firmware needs Linux 6\.4 or later\)\$" "$ERR"
		assert_grep "^pinvm: error:   PSCI_VERSION \(line [0-9]+\): wanted 1\.3 \(PSCI 1\.3\), offered .*PSCI 1\.3 needs Linux 6\.13 or later\$" "$ERR"
		# The same refusals, word for word.
		sed -n 's/^pinvm: error:   //p' "$ERR" >"$WORK/run-refused-$gen.txt"
		diff -u "$WORK/check-refused-$gen.txt" "$WORK/run-refused-$gen.txt" ||
			fail "profile check and run list different mismatches"
		echo "linux-$gen.fwprofile: refused by run and check, naming PSCI 1.3"
	fi
	cmp "$prof" "$WORK/copy-$gen.fwprofile" || fail "replaying changed $prof"
done
