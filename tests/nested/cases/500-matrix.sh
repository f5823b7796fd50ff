#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pinvm matrix over --psci all with a bare-metal guest that powers off: one
# run per PSCI version this host gives from 0.2 up (6.1: 0.2 1.0 1.1, all
# KVM's; 6.12: the same by KVM, 1.2 and 1.3 by pinvm's firmware; 7.x: 0.2
# to 1.3 by KVM), each pinned to its version (event log) with its own logs,
# a table naming who answered, and a JUnit report of that shape (the
# writer's output is validated against tests/junit/junit.xsd on the build
# machine: the junit-schema test). --psci-impl both runs a version under
# each implementation (6.12, 7.x), pinvm is refused where KVM has no SMCCC
# filter (6.1). Then a matrix with one cell made to fail on purpose
# (--fail-on the PSCI_VERSION value 1.0 prints, --pass-on the others), two
# at a time: exit 1, that row FAIL with status 8, one failure in the report.
# timeout: 120
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
# VERSION:IMPLEMENTATION of each cell of --psci all
case $HOST_GEN in
6.1) cells="0.2:kvm 1.0:kvm 1.1:kvm" ;;
6.12) cells="0.2:kvm 1.0:kvm 1.1:kvm 1.2:pinvm 1.3:pinvm" ;;
*) cells="0.2:kvm 1.0:kvm 1.1:kvm 1.2:kvm 1.3:kvm" ;;
esac
versions=$(for c in $cells; do printf '%s ' "${c%:*}"; done)
n=$(echo $versions | wc -w)

out=$WORK/m
junit=$WORK/junit.xml
expect_status 0 --name all -- "$PINVM" matrix --psci all --out "$out" --junit "$junit" -- \
	--kernel "$guest" --cmdline "test=off" --timeout 30
assert_grep '^PSCI +IMPL +EXIT +RESULT +VERDICT +TIME$' "$OUT"
assert_count "$n" '^[01]\.[0-9] +(kvm|pinvm) +0 +pass +pass +[0-9]+\.[0-9]{2}s$' "$OUT"
assert_count $((n + 1)) '.' "$OUT"
assert_grep "^pinvm: matrix: $n of $n runs passed; exit 0\$" "$ERR"
for c in $cells; do
	v=${c%:*}
	impl=${c#*:}
	assert_grep "^$(re_quote "$v") +$impl +0 +pass" "$OUT"
	d=$out/psci-$v
	[ -s "$d/events.jsonl" ] || fail "no event log in $d"
	[ -f "$d/console.log" ] || fail "no console log in $d"
	assert_grep "\"type\":\"start\",\"psci\":\"$(re_quote "$v")\",\"psci_pinned\":true,\"psci_impl\":\"$impl\"," "$d/events.jsonl"
	assert_grep '"type":"exit","status":0,' "$d/events.jsonl"
	assert_summary 'guest powered off' 0 "$d/pinvm.log"
done
[ ! -e "$out/psci-0.1" ] || fail "0.1 ran without being listed"

# The JUnit report: one suite, a testcase per version, no failure.
[ -s "$junit" ] || fail "no JUnit report"
assert_count 1 '^<\?xml version="1\.0" encoding="UTF-8"\?>$' "$junit"
assert_grep "^<testsuites name=\"pinvm matrix\" tests=\"$n\" failures=\"0\" errors=\"0\" time=\"[0-9.]+\">\$" "$junit"
assert_grep "^  <testsuite name=\"pinvm-matrix\" tests=\"$n\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"[0-9.]+\" timestamp=\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\" hostname=\"[^\"]+\">\$" "$junit"
assert_grep "<property name=\"host_kernel\" value=\"$(re_quote "$HOST_KERNEL")\"/>" "$junit"
assert_count "$n" '^    <testcase name="psci-[01]\.[0-9]" classname="pinvm\.matrix" time="[0-9.]+">$' "$junit"
assert_count "$n" '^    </testcase>$' "$junit"
assert_no_grep '<failure|<error' "$junit"
# balanced elements, nothing but known lines
awk '
	/^<\?xml /		{ next }
	/^<testsuites /		{ open++; next }
	/^<\/testsuites>$/	{ open--; next }
	/^  <testsuite /	{ open++; next }
	/^  <\/testsuite>$/	{ open--; next }
	/^    <properties>$/	{ open++; next }
	/^    <\/properties>$/	{ open--; next }
	/^      <property name="[a-z_]+" value="[^"<&]*"\/>$/ { next }
	/^    <testcase .*">$/	{ open++; next }
	/^    <\/testcase>$/	{ open--; next }
	/^      <system-out>[^<]*<\/system-out>$/ { next }
	{ print "unexpected line " NR ": " $0; bad = 1 }
	END { if (open) print "unbalanced: " open; exit bad || open }' "$junit" ||
	{ show "$junit"; fail "the JUnit report is not what matrix_junit() writes"; }

# Each implementation that can give a version, or a clear refusal.
if kernel_at_least 6.4; then
	expect_status 0 --name both -- "$PINVM" matrix --psci 1.1 --psci-impl both --out "$WORK/m3" -- \
		--kernel "$guest" --cmdline "test=off" --timeout 30
	assert_grep '^1\.1 +kvm +0 +pass ' "$OUT"
	assert_grep '^1\.1 +pinvm +0 +pass ' "$OUT"
	assert_grep '"psci_impl":"pinvm"' "$WORK/m3/psci-1.1-pinvm/events.jsonl"
else
	expect_status 1 --name both -- "$PINVM" matrix --psci-impl pinvm --out "$WORK/m3" -- \
		--kernel "$guest" --cmdline "test=off"
	assert_grep "^pinvm: error: this host gives no PSCI version from 0\.2 up with --psci-impl pinvm \(KVM: 0\.1 0\.2 1\.0 1\.1; pinvm's firmware: none\)\$" "$ERR"
fi

# One cell fails on purpose: PSCI 1.0's guest prints its version 0x00010000.
out=$WORK/m2
expect_status 1 --name onefails -- "$PINVM" matrix --jobs 2 --psci 0.2,1.0,1.1 --out "$out" \
	--junit "$junit" -- --kernel "$guest" --cmdline "test=minimal" --timeout 30 \
	--fail-on '^PVGUEST: psci 0x00010000$' --pass-on '^PVGUEST: psci 0x'
assert_grep '^0\.2 +kvm +0 +pass +pass ' "$OUT"
assert_grep '^1\.0 +kvm +8 +FAIL +--fail-on matched ' "$OUT"
assert_grep '^1\.1 +kvm +0 +pass +pass ' "$OUT"
assert_grep '^pinvm: matrix: 2 of 3 runs passed; exit 1$' "$ERR"
assert_grep '"type":"pattern","result":"fail",' "$out/psci-1.0/events.jsonl"
assert_grep '"type":"pattern","result":"pass",' "$out/psci-1.1/events.jsonl"
assert_grep '^<testsuites name="pinvm matrix" tests="3" failures="1" errors="0" ' "$junit"
assert_count 1 '^      <failure message="exit 8: --fail-on matched" type="exit-8">pinvm: --fail-on matched line 1: &quot;PVGUEST: psci 0x00010000&quot;; PSCI 1\.0; ' "$junit"
