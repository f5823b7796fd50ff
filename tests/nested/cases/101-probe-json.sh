#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `pinvm probe --json` is valid JSON with the documented keys, and its list
# of accepted PSCI versions is exactly what `run --psci --psci-impl kvm`
# accepts here, and its pinvm implementation list what `--psci-impl pinvm`
# accepts (0.2-1.3 with KVM's SMCCC filter, nothing without).
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
expect_status 0 --name probe -- "$PINVM" probe --json
awk -f "$DATA/json-check.awk" "$OUT" || { show "$OUT"; fail "probe --json is not valid JSON"; }
for key in schema host_kernel kvm_api_version max_vcpus ipa_bits vgic psci default accepted \
	system_suspend smccc_filter system_event_data firmware_registers; do
	assert_grep "\"$key\":" "$OUT"
done
assert_grep "\"host_kernel\":\"$(re_quote "$HOST_KERNEL")\"" "$OUT"
assert_grep '"kvm_api_version":12' "$OUT"
assert_grep '"name":"PSCI_VERSION"' "$OUT"
accepted=$(sed -n 's/.*"accepted":\[\([^]]*\)\].*/\1/p' "$OUT" | tr -d '"' | tr ',' ' ')
default=$(sed -n 's/.*"default":"\([0-9.]*\)".*/\1/p' "$OUT")
echo "accepted: $accepted; default: $default"
case " $accepted " in *" $default "*) ;; *) fail "default $default not among accepted";; esac

# The same versions, asked of `run` (--dump-dtb sets the VM up, pins, and stops).
runs() {
	ran=
	for v in 0.1 0.2 1.0 1.1 1.2 1.3; do
		"$PINVM" run --kernel "$guest" --psci "$v" --psci-impl "$1" --dump-dtb "$WORK/d.dtb" \
			</dev/null >"$WORK/run-$v.out" 2>"$WORK/run-$v.err"
		rc=$?
		case $rc in
		0) ran="$ran $v" ;;
		1|2) ;;
		*) show "$WORK/run-$v.err"; fail "run --psci $v --psci-impl $1 exited $rc" ;;
		esac
	done
	echo "${ran# }"
}
ran=$(runs kvm)
[ "$ran" = "$accepted" ] || fail "probe accepts '$accepted' but run --psci-impl kvm accepts '$ran'"
by_pinvm=$(sed -n 's/.*"pinvm":\[\([^]]*\)\].*/\1/p' "$OUT" | tr -d '"' | tr ',' ' ')
ran=$(runs pinvm)
[ "$ran" = "$by_pinvm" ] || fail "probe says pinvm gives '$by_pinvm' but run --psci-impl pinvm accepts '$ran'"
if grep -q '"smccc_filter":true' "$OUT"; then
	[ "$by_pinvm" = "0.2 1.0 1.1 1.2 1.3" ] || fail "with the filter, pinvm's firmware gives 0.2-1.3, not '$by_pinvm'"
else
	[ -z "$by_pinvm" ] || fail "without the filter, pinvm's firmware gives nothing, not '$by_pinvm'"
fi

# Human-readable form agrees.
expect_status 0 --name probe-text -- "$PINVM" probe
assert_grep "^PSCI accepted: +$accepted\$" "$OUT"

# The expected defaults per host generation (kvm-psci-uapi.md §3).
case $HOST_GEN in
6.1|6.12) [ "$default" = 1.1 ] || fail "a $HOST_GEN host should default to PSCI 1.1, not $default" ;;
7) [ "$default" = 1.3 ] || fail "a 7.x host should default to PSCI 1.3, not $default" ;;
esac
