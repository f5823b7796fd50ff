#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# PSCI pinning, seen from the guest: for every version this host accepts,
# the bare-metal conformance guest's transcript (PSCI_VERSION, PSCI_FEATURES
# of every function, SMCCC, CPU_ON/AFFINITY_INFO/CPU_OFF on 2 vCPUs, error
# cases, the other functions, CPU_ON's argument checks, AFFINITY_INFO at
# levels 0-4, SMC32 narrowing, x1-x3 after a call, the SMC conduit) equals
# the golden transcript for that version, the same file on every host
# kernel; on 6.1 but for the "smc" lines: KVM before Linux 6.4 answers every
# SMC -1 and leaves x1-x3 alone, which is asserted instead. For every version KVM on this host lacks: with
# --psci-impl kvm, exit 1 before the guest runs, naming the version, the
# newest the host accepts and the kernel release needed; with the default
# (auto), pinvm's own firmware gives it where KVM's SMCCC filter exists
# (6.12: 1.2, 1.3; case 110 compares its transcripts), and without the
# filter (6.1) the refusal names both ways out.
# timeout: 420
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1
expect_status 0 --name probe -- "$PINVM" probe --json
accepted=$(sed -n 's/.*"accepted":\[\([^]]*\)\].*/\1/p' "$OUT" | tr -d '"' | tr ',' ' ')
[ -n "$accepted" ] || fail "no accepted PSCI versions in probe output"
newest=${accepted##* }
echo "host accepts: $accepted (newest $newest)"

# ended WHAT [NOTE]: the PSCI 0.1 run is over before its SIGTERM: fail with its status.
ended() {
	wait "$BG_PID"
	_st=$?
	show "$OUT" "$ERR"
	fail "PSCI 0.1: $1 (status $_st${2:+; $2})"
}

for v in 0.1 0.2 1.0 1.1 1.2 1.3; do
	case " $accepted " in
	*" $v "*)
		if [ "$v" = 0.1 ]; then
			# 0.1 cannot SYSTEM_OFF (KVM implements only CPU_ON/CPU_OFF
			# there): the guest halts after its transcript. Still running
			# a second later, the run is ended with SIGTERM (not by a
			# --timeout, which would cost its whole length on every host).
			bg_start "psci-$v" -- "$PINVM" run --kernel "$guest" --cpus 2 --psci "$v" \
				--event-log "$WORK/psci-$v.jsonl" --cmdline "test=psci"
			if ! wait_for '^PVGUEST: psci transcript end' "$OUT" 90; then
				bg_alive && kill -KILL "$BG_PID"
				ended "no transcript end" "137: killed, still running after 90 s"
			fi
			sleep 1
			bg_alive || ended "the run ended by itself after the transcript"
			kill -TERM "$BG_PID"
			bg_wait 143 30
			assert_summary 'stopped by SIGTERM' 143
		else
			expect_status 0 --name "psci-$v" -- "$PINVM" run --kernel "$guest" --cpus 2 \
				--psci "$v" --timeout 90 --event-log "$WORK/psci-$v.jsonl" \
				--cmdline "test=psci"
		fi
		assert_grep "^PVGUEST: psci transcript end" "$OUT"
		assert_grep "\"type\":\"start\",\"psci\":\"$v\",\"psci_pinned\":true,\"psci_impl\":\"kvm\"" "$WORK/psci-$v.jsonl"
		assert_grep "; PSCI $v; " "$ERR"
		sed -n '/^PVGUEST: psci transcript begin/,/^PVGUEST: psci transcript end/p' "$OUT" |
			tr -d '\r' | grep -v '^PVGUEST: hostdep ' >"$WORK/transcript-$v.txt"
		if [ "$v" != 0.1 ]; then
			maj=${v%.*}
			min=${v#*.}
			hex=$(printf '0x%016x' $((maj * 65536 + min)))
			assert_grep "^PVGUEST: PSCI_VERSION = [0-9]+ $hex " "$WORK/transcript-$v.txt"
		fi
		golden=$DATA/psci-$v.txt
		if [ "$HOST_GEN" = 6.1 ]; then
			# No SMC conduit before Linux 6.4 (handle_smc(): x0 = -1, PC + 4).
			grep '^PVGUEST: smc ' "$WORK/transcript-$v.txt" >"$WORK/smc-$v.txt"
			assert_grep '^PVGUEST: smc PSCI_VERSION = -1 0xffffffffffffffff NOT_SUPPORTED$' "$WORK/smc-$v.txt"
			assert_grep '^PVGUEST: smc x1-x3 after PSCI_VERSION = 0x1111 0x2222 0x3333$' "$WORK/smc-$v.txt"
			grep -v '^PVGUEST: smc x1-x3 ' "$WORK/smc-$v.txt" >"$WORK/smc-calls-$v.txt"
			assert_grep '^PVGUEST: smc cpu1 CPU_ON context 0xc0ffee01 = -1 ' "$WORK/smc-calls-$v.txt"
			assert_no_grep '^PVGUEST: smc .* = ([^-]|-[^1]|-1 0xffffffffffffffff [^N])' "$WORK/smc-calls-$v.txt"
			grep -v '^PVGUEST: smc ' "$golden" >"$WORK/golden-$v.txt"
			grep -v '^PVGUEST: smc ' "$WORK/transcript-$v.txt" >"$WORK/transcript-$v.nosmc"
			mv "$WORK/transcript-$v.nosmc" "$WORK/transcript-$v.txt"
			golden=$WORK/golden-$v.txt
		fi
		if ! diff -u "$golden" "$WORK/transcript-$v.txt" >"$WORK/diff-$v.txt"; then
			cat "$WORK/diff-$v.txt"
			fail "PSCI $v transcript differs from psci-$v.txt on $HOST_KERNEL"
		fi
		echo "PSCI $v: transcript matches psci-$v.txt"
		;;
	*)
		kvm_says="PSCI $v requested, but this host \(Linux $(re_quote "$HOST_KERNEL")\) accepts at most PSCI $newest; PSCI $v needs Linux 6\.13 or later"
		expect_status 1 --name "refuse-$v" -- "$PINVM" run --kernel "$guest" --psci "$v" \
			--psci-impl kvm --cmdline "test=hello"
		assert_grep "^pinvm: error: $kvm_says\$" "$ERR"
		assert_no_grep "PVGUEST" "$OUT"
		if [ "$HOST_GEN" = 6.1 ]; then
			expect_status 1 --name "auto-$v" -- "$PINVM" run --kernel "$guest" --psci "$v" \
				--cmdline "test=hello"
			assert_grep "^pinvm: error: $kvm_says, or Linux 6\.4 or later for pinvm's own PSCI firmware \(--psci-impl pinvm\)\$" "$ERR"
			assert_no_grep "PVGUEST" "$OUT"
			echo "PSCI $v: refused as expected"
		else
			expect_status 0 --name "auto-$v" -- "$PINVM" run --kernel "$guest" --psci "$v" \
				--event-log "$WORK/auto-$v.jsonl" --cmdline "test=hello"
			assert_grep "\"type\":\"start\",\"psci\":\"$v\",\"psci_pinned\":true,\"psci_impl\":\"pinvm\"" "$WORK/auto-$v.jsonl"
			echo "PSCI $v: KVM refuses, auto runs it on pinvm's firmware"
		fi
		;;
	esac
done
