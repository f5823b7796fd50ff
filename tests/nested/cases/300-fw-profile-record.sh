#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --fw-profile FILE with no FILE records this host's whole firmware view
# before the guest runs: every firmware register `probe` lists, with the
# same values, and comments naming the kernel release, the date and pinvm's
# version; `profile show` decodes it. Replaying it on the same host changes
# nothing: the file stays as it is, `profile check` says yes with nothing to
# report, the guest sees this host's default PSCI (its golden transcript),
# also after in-process restarts. An explicit --psci must agree with it.
# timeout: 240
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
# The release as an extended regex ("6.12.118+deb13-cloud-arm64" has a '+').
kre=$(printf '%s\n' "$HOST_KERNEL" | sed 's/[.+*?(){}|^$]/\\&/g')
prof=$WORK/vm.fwprofile

# transcript NAME: the PSCI transcript from $WORK/NAME.out
transcript() {
	sed -n '/^PVGUEST: psci transcript begin/,/^PVGUEST: psci transcript end/p' \
		"$WORK/$1.out" | tr -d '\r' | grep -v '^PVGUEST: hostdep ' | host_psci >"$WORK/$1.txt"
}

expect_status 0 --name probe -- "$PINVM" probe
default=$(sed -n 's/^PSCI default: *//p' "$OUT")
# "  NAME  0xID = 0xVALUE" per firmware register
sed -n 's/^  \([A-Z0-9_]*\) *0x[0-9a-f]* = \(0x[0-9a-f]*\)$/\1 \2/p' "$OUT" >"$WORK/probe-regs.txt"
[ -s "$WORK/probe-regs.txt" ] || fail "probe lists no firmware registers"
echo "PSCI default $default; probe lists $(wc -l <"$WORK/probe-regs.txt") firmware registers"

# Record.
expect_status 0 --name record -- "$PINVM" run --kernel "$guest" --cpus 2 --fw-profile "$prof" \
	--timeout 60 --cmdline "test=psci"
[ -f "$prof" ] || fail "no profile written"
echo "---- recorded profile ----"
cat "$prof"
assert_grep "^pinvm: note: recorded this host's firmware view \(PSCI $default, [0-9]+ registers\) in $prof\$" "$ERR"
assert_summary 'guest powered off' 0
assert_grep "^# Recorded by pinvm [0-9.]+ on Linux $kre \(aarch64\), [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\.\$" "$prof"
assert_grep "^PSCI_VERSION = $default\$" "$prof"
ls -a "$WORK" | grep -q '\.tmp\.' && fail "a temp file was left behind: $(ls -a "$WORK")"
transcript record
golden_psci "$default" >"$WORK/golden.txt"
diff -u "$WORK/golden.txt" "$WORK/record.txt" || fail "recording run: transcript differs from psci-$default.txt"

# The same registers as probe, with the same values (PSCI_VERSION as M.m).
sed -n 's/^\([A-Z0-9_x]*\) = \([0-9a-fx.]*\).*/\1 \2/p' "$prof" | grep -v '^PSCI_VERSION ' |
	sort >"$WORK/prof-regs.txt"
grep -v '^PSCI_VERSION ' "$WORK/probe-regs.txt" | sort >"$WORK/probe-regs-nopsci.txt"
diff -u "$WORK/probe-regs-nopsci.txt" "$WORK/prof-regs.txt" ||
	fail "the profile's registers differ from what probe lists"
assert_count "$(($(wc -l <"$WORK/probe-regs.txt")))" '^[A-Z0-9_x]+ = ' "$prof"

expect_status 0 --name show -- "$PINVM" profile show "$prof"
assert_grep "^PSCI_VERSION +$default +PSCI $default\$" "$OUT"
assert_grep '^SMCCC_ARCH_WORKAROUND_1 +0x[0-9a-f]+ +(NOT_AVAIL|AVAIL|NOT_REQUIRED)$' "$OUT"
assert_grep '^VENDOR_HYP_BMAP +0x3 +FUNC_FEAT PTP$' "$OUT"
assert_grep '^STD_HYP_BMAP +0x1 +PV_TIME$' "$OUT"

# Replay on the same host: nothing to report, nothing rewritten.
cp "$prof" "$WORK/copy.fwprofile"
expect_status 0 --name check -- "$PINVM" profile check "$prof"
assert_grep "^$prof: this host \(Linux $kre\) can honour this firmware profile\$" "$OUT"
assert_count 1 '.' "$OUT"
expect_status 0 --name replay -- "$PINVM" run --kernel "$guest" --cpus 2 --fw-profile "$prof" \
	--timeout 60 --cmdline "test=psci" --event-log "$WORK/replay.jsonl"
assert_no_grep 'note:|error:' "$ERR"
cmp "$prof" "$WORK/copy.fwprofile" || fail "a replay rewrote the profile"
assert_grep "\"type\":\"start\",\"psci\":\"$default\",\"psci_pinned\":true" "$WORK/replay.jsonl"
transcript replay
diff -u "$WORK/golden.txt" "$WORK/replay.txt" || fail "replay: transcript differs from psci-$default.txt"

# Every restart gets the profile again.
expect_status 4 --name restarts -- "$PINVM" run --kernel "$guest" --cpus 2 --fw-profile "$prof" \
	--max-resets 2 --cmdline "test=reset"
assert_count 3 '^PVGUEST: boot' "$OUT"
assert_summary 'reset limit reached \(--max-resets 2\)' 4
assert_grep "; PSCI $default; 2 restarts;" "$ERR"

# --psci: agreeing is fine, anything else is a usage error (before KVM).
expect_status 0 --name agree -- "$PINVM" run --kernel "$guest" --fw-profile "$prof" \
	--psci "$default" --cmdline "test=off"
for v in 1.0 host; do
	expect_status 2 --name "conflict-$v" -- "$PINVM" run --kernel "$guest" --fw-profile "$prof" \
		--psci "$v" --cmdline "test=off"
	assert_grep "^pinvm: error: --psci $v disagrees with --fw-profile $prof, which pins PSCI $default \(try 'pinvm run --help'\)\$" "$ERR"
	assert_no_grep PVGUEST "$OUT"
done

# --psci picks what a new profile records; --dump-dtb records without running.
expect_status 0 --name record-1.0 -- "$PINVM" run --kernel "$guest" --fw-profile "$WORK/p10.fwprofile" \
	--psci 1.0 --dump-dtb "$WORK/p10.dtb"
assert_grep '^PSCI_VERSION = 1\.0$' "$WORK/p10.fwprofile"
expect_status 0 --name check-1.0 -- "$PINVM" profile check "$WORK/p10.fwprofile"
