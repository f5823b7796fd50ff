#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What a running pinvm holds (docs/security.md), read from its
# /proc/<pid>/status while the guest runs:
#  - started as root: no capability in any set (CapInh/Prm/Eff/Bnd/Amb all
#    zero), NoNewPrivs 1, the seccomp filter on the process and on every
#    thread (Seccomp: 2), and a second one, its own, on each vCPU thread
#    (Seccomp_filters: 1 on the main thread, 2 on the others);
#  - --no-seccomp: no filter on any thread, capabilities still gone;
#  - --user 65534:65534: that uid/gid, no supplementary groups;
#  - as a plain user with access to /dev/kvm (no root at all): the guest
#    runs and restarts in-process under the filter;
#  - `profile check` and `probe` (no guest, no filter) hold no capability
#    either once /dev/kvm is open: read while each is blocked writing its
#    answer into a full pipe.
# Every other case runs with the filter too (it is the default), on every
# host kernel: that is the audit of the allowlist.
# timeout: 90
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# field PID NAME: the value of NAME: in /proc/PID/status (tabs squeezed).
field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' ' | sed 's/ $//'
}

# start NAME ARGS...: pinvm with the hang test in the background; PID set.
start() {
	_n=$1
	shift
	OUT=$WORK/$_n.out
	ERR=$WORK/$_n.err
	echo "+ $PINVM run $* &"
	"$PINVM" run "$@" </dev/null >"$OUT" 2>"$ERR" &
	PID=$!
	wait_for '^PVGUEST: hang' "$OUT" 20 || { show "$OUT" "$ERR"; fail "$_n: the guest did not start"; }
}

stop() {
	kill -TERM "$PID"
	wait "$PID"
	STATUS=$?
	[ "$STATUS" -eq 143 ] || { show "$OUT" "$ERR"; fail "exit status $STATUS after SIGTERM"; }
}

no_caps() {
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(field "$PID" "$c")" = 0000000000000000 ] || fail "$1: $c is $(field "$PID" "$c")"
	done
	[ "$(field "$PID" NoNewPrivs)" = 1 ] || fail "$1: NoNewPrivs is not set"
}

# held NAME CMD...: CMD in the background with its stdout into a pipe that
# is already full, so it blocks in its last step, the write(1) of its answer
# (/proc/PID/syscall: "64 0x1", write on arm64); PID set. release reads the
# pipe empty and waits for CMD: STATUS, and its answer in $WORK/NAME.out.
held() {
	_n=$1
	shift
	rm -f "$WORK/$_n.pipe"
	mkfifo "$WORK/$_n.pipe"
	exec 4<>"$WORK/$_n.pipe"
	timeout 1 cat /dev/zero >&4	# blocks once the pipe is full, then ends
	echo "+ $* >full pipe &"
	"$@" >&4 2>"$WORK/$_n.err" &
	PID=$!
	_t=0
	until [ "$(cut -d' ' -f1,2 "/proc/$PID/syscall" 2>/dev/null)" = "64 0x1" ]; do
		[ -d "/proc/$PID" ] && [ $_t -lt 200 ] || { show "$WORK/$_n.err"; fail "$_n: never blocked writing its answer"; }
		sleep 0.1
		_t=$((_t + 1))
	done
}

release() {
	timeout 2 cat <&4 | tr -d '\000' >"$WORK/$_n.out"
	wait "$PID"
	STATUS=$?
	exec 4>&-
}

[ "$(id -u)" -eq 0 ] || skip "the emulated host runs the cases as root; this one needs it"

# 1. Root, the defaults.
start root --kernel "$guest" --cpus 2 --cmdline "test=hang"
grep -E '^(Uid|Gid|Cap|NoNewPrivs|Seccomp)' "/proc/$PID/status"
no_caps root
[ "$(field "$PID" Seccomp)" = 2 ] || fail "root: Seccomp is $(field "$PID" Seccomp), want 2 (filter)"
threads=0
for t in "/proc/$PID/task"/*; do
	threads=$((threads + 1))
	s=$(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")
	[ "$s" = 2 ] || fail "root: thread ${t##*/} has Seccomp $s"
	# The process filter everywhere; each vCPU thread adds its own.
	n=$(sed -n 's/^Seccomp_filters:[[:space:]]*//p' "$t/status")
	want=2
	[ "${t##*/}" = "$PID" ] && want=1
	echo "thread ${t##*/}: Seccomp_filters $n"
	[ "$n" = "$want" ] || fail "root: thread ${t##*/} has $n seccomp filters, want $want"
done
[ "$threads" -ge 3 ] || fail "root: $threads threads, want the main thread and 2 vCPU threads"
[ "$(field "$PID" Uid)" = "0 0 0 0" ] || fail "root: uid changed without --user"
stop

# 2. --no-seccomp: the filter is off, the privileges are still dropped.
start noseccomp --no-seccomp --kernel "$guest" --cpus 2 --cmdline "test=hang"
for t in "/proc/$PID/task"/*; do
	s=$(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")
	[ "$s" = 0 ] || fail "--no-seccomp: thread ${t##*/} has Seccomp $s"
done
no_caps --no-seccomp
stop

# 3. --user: the ids switch once the files are open (the event log is
# created as root before), supplementary groups go.
log=$WORK/user.jsonl
start user --user 65534:65534 --kernel "$guest" --cmdline "test=hang" --event-log "$log"
[ "$(field "$PID" Uid)" = "65534 65534 65534 65534" ] || fail "--user: Uid is $(field "$PID" Uid)"
[ "$(field "$PID" Gid)" = "65534 65534 65534 65534" ] || fail "--user: Gid is $(field "$PID" Gid)"
[ -z "$(field "$PID" Groups)" ] || fail "--user: supplementary groups left: $(field "$PID" Groups)"
no_caps --user
[ "$(field "$PID" Seccomp)" = 2 ] || fail "--user: no seccomp filter"
stop
assert_grep '"type":"exit","status":143,' "$log"

# 4. No root at all: a user (made up here, uid 4321) in the group of
# /dev/kvm. Restarts (in place) as that user under the filters.
mkdir -p /etc
grep -q '^pinvmtest:' /etc/passwd 2>/dev/null || echo 'pinvmtest:x:4321:4321::/tmp:/bin/sh' >>/etc/passwd
grep -q '^pinvmtest:' /etc/group 2>/dev/null || echo 'pinvmtest:x:4321:' >>/etc/group
kvm_owner=$(stat -c %u:%g /dev/kvm)
kvm_mode=$(stat -c %a /dev/kvm)
trap 'chown "$kvm_owner" /dev/kvm; chmod "$kvm_mode" /dev/kvm' EXIT
chgrp 4321 /dev/kvm
chmod 660 /dev/kvm
chmod 755 "$WORK"
expect_status 4 --name user-reset -- su -s /bin/sh pinvmtest -c \
	"exec $PINVM run --kernel $guest --cpus 2 --max-resets 3 --cmdline test=reset"
assert_count 4 '^PVGUEST: boot' "$OUT"
assert_summary 'reset limit reached \(--max-resets 3\)' 4
# Named --user, found in /etc/passwd, from root.
expect_status 0 --name user-name -- "$PINVM" run --user pinvmtest --kernel "$guest" --cmdline "test=hello"
assert_grep '^PVGUEST: hello' "$OUT"

# 5. profile check drops like run: the profile and /dev/kvm are open, the
# test VM is built and the answer is ready.
expect_status 0 --name record -- "$PINVM" run --kernel "$guest" --fw-profile "$WORK/p.fwprofile" \
	--dump-dtb "$WORK/p.dtb"
held check "$PINVM" profile check "$WORK/p.fwprofile"
grep -E '^(Uid|Cap|NoNewPrivs)' "/proc/$PID/status"
no_caps "profile check"
release
[ "$STATUS" -eq 0 ] || { show "$WORK/check.out" "$WORK/check.err"; fail "profile check: exit $STATUS"; }
assert_grep 'can honour this firmware profile' "$WORK/check.out"

# 6. probe, the same.
held probe "$PINVM" probe
no_caps probe
release
[ "$STATUS" -eq 0 ] || { show "$WORK/probe.out" "$WORK/probe.err"; fail "probe: exit $STATUS"; }
assert_grep 'PSCI' "$WORK/probe.out"
