# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the nested test cases (tests/nested/cases/*.sh, busybox sh).
# A case starts with `. "$LIB"`; it runs in $WORK (its own scratch
# directory) and exits 0 to pass, 77 to skip, anything else to fail.
# Everything it prints is shown when it fails.
#
# Environment from the rig: PINVM GUESTS LINUX_KERNEL LINUX_INITRD HOST_GEN
# HOST_KERNEL WORK CASE DTC LIB.

# Kernel command line every Linux guest gets before its own arguments.
# "quiet" keeps the boot log off the emulated UART: under nested TCG every
# character is a trap, and the full log costs about 10 s per boot.
LINUX_BASE_CMDLINE=${LINUX_BASE_CMDLINE:-console=ttyS0 panic=-1 quiet}

_lib_n=0

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "$*" >"$WORK/.skip"
	echo "SKIP: $*" >&2
	exit 77
}

# show FILE...: print the end of each file, for the failure report.
show() {
	for _f; do
		if [ -s "$_f" ]; then
			echo "---- ${_f#"$WORK"/} (last 60 lines) ----"
			tail -n 60 "$_f"
		else
			echo "---- ${_f#"$WORK"/} (empty) ----"
		fi
	done
}

# _strip_cr FILE: drop the carriage returns a guest's tty adds (ONLCR), so
# patterns can end in $.
_strip_cr() {
	if grep -q "$(printf '\r')" "$1" 2>/dev/null; then
		tr -d '\r' <"$1" >"$1.tmp" && mv "$1.tmp" "$1"
	fi
}

# expect_status N [--name NAME] [--stdin FILE] -- CMD...
# Run CMD with stdout in $WORK/NAME.out (carriage returns removed) and
# stderr in $WORK/NAME.err (NAME defaults to cmdK, K counting calls); set
# OUT, ERR and STATUS; fail unless the exit status is N.
expect_status() {
	_want=$1
	shift
	_name=
	_stdin=/dev/null
	while [ $# -gt 0 ]; do
		case $1 in
		--name) _name=$2; shift 2 ;;
		--stdin) _stdin=$2; shift 2 ;;
		--) shift; break ;;
		*) fail "expect_status: unexpected argument '$1' (missing --?)" ;;
		esac
	done
	[ $# -gt 0 ] || fail "expect_status: no command"
	_lib_n=$((_lib_n + 1))
	_name=${_name:-cmd$_lib_n}
	OUT=$WORK/$_name.out
	ERR=$WORK/$_name.err
	echo "+ $*"
	"$@" <"$_stdin" >"$OUT" 2>"$ERR"
	STATUS=$?
	_strip_cr "$OUT"
	if [ "$STATUS" -ne "$_want" ]; then
		show "$OUT" "$ERR"
		_lib_signal_report "$STATUS"
		fail "expected exit status $_want, got $STATUS from: $*"
	fi
}

# _lib_signal_report STATUS: for a status that a signal caused (SIGSEGV
# 139, SIGBUS 135, SIGABRT 134, SIGILL 132, SIGFPE 136), pinvm's own crash
# report from $ERR (src/crash.c), the core files the host kept in $WORK
# (tests/nested/init sets core_pattern and ulimit -c), and what the kernel
# logged about it (arm64: the faulting PC and registers).
_lib_signal_report() {
	case $1 in
	132|134|135|136|139)
		echo "---- killed by signal $(($1 - 128)); pinvm's crash report ----"
		grep -E '^pinvm: (internal error: |  frame |this is a pinvm bug)' "$ERR" 2>/dev/null |
			head -n 40
		echo "---- core files in $WORK ----"
		ls -l "$WORK"/core.* 2>/dev/null || echo "(none)"
		echo "---- kernel log ----"
		dmesg | grep -A 40 -E 'pinvm\[[0-9]+\]: (unhandled|segfault)' | tail -n 60
		;;
	esac
}

# assert_grep PATTERN FILE: FILE has a line matching the extended regex.
assert_grep() {
	grep -Eq -e "$1" "$2" && return 0
	show "$2"
	fail "no line matching '$1' in ${2#"$WORK"/}"
}

# assert_no_grep PATTERN FILE: no line of FILE matches.
assert_no_grep() {
	grep -Eq -e "$1" "$2" || return 0
	echo "---- matching lines ----"
	grep -E -e "$1" "$2" | head -n 20
	fail "unexpected line matching '$1' in ${2#"$WORK"/}"
}

# assert_count N PATTERN FILE: exactly N lines match.
assert_count() {
	_c=$(grep -Ec -e "$2" "$3")
	[ "$_c" -eq "$1" ] && return 0
	show "$3"
	fail "expected $1 lines matching '$2' in ${3#"$WORK"/}, found $_c"
}

# assert_empty FILE
assert_empty() {
	[ -s "$1" ] || return 0
	show "$1"
	fail "${1#"$WORK"/} is not empty"
}

# assert_summary EVENT STATUS [FILE]: pinvm's one-line exit summary (see
# docs/cli-contract.md) names EVENT (extended regex) and exit STATUS.
assert_summary() {
	assert_grep "^pinvm: $1; PSCI [0-9]+\.[0-9]+( \(pinvm's firmware\))?; [0-9]+ restarts; ran [0-9.]+s; exit $2\$" "${3:-$ERR}"
}

# wait_for PATTERN FILE SECONDS: wait until FILE has a line matching PATTERN;
# false after SECONDS, or as soon as the background command of bg_start (if
# one is running) has exited without printing it.
wait_for() {
	_deadline=$(($(date +%s) + $3))
	while :; do
		tr -d '\r' <"$2" 2>/dev/null | grep -Eq -e "$1" && return 0
		if [ -n "${BG_PID:-}" ] && ! bg_alive; then
			tr -d '\r' <"$2" 2>/dev/null | grep -Eq -e "$1"
			return
		fi
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.2
	done
}

# require_guest NAME: path of a bare-metal guest payload, or fail.
require_guest() {
	[ -f "$GUESTS/$1" ] || fail "bare-metal guest $1 missing (not built into build/tests/guests/)"
	echo "$GUESTS/$1"
}

# linux_cmdline ACTION [ARG...]: the command line for the Linux test guest
# (tests/linux/init) performing ACTION (poweroff, reboot, echo, shell-demo).
linux_cmdline() {
	_action=$1
	shift
	echo "$LINUX_BASE_CMDLINE pinvm.action=$_action${*:+ $*}"
}

# hibernate_cmdline ACTION: linux_cmdline ACTION for a Linux guest that
# hibernates or resumes on this host. Debian's 6.12 guest kernel oopses
# restoring an image on a CPU with LPA2 (52-bit VAs; the emulated host's
# -cpu max has it): trans_pgd_create_copy, docs/hibernation.md. On a 6.12
# host arm64.nolva keeps it on 48-bit VAs (on both launches).
hibernate_cmdline() {
	if [ "$HOST_GEN" = 6.12 ]; then
		linux_cmdline "$1" arm64.nolva
	else
		linux_cmdline "$1"
	fi
}

# fresh_disk PATH SIZE: a new sparse, all-zero disk image of SIZE (truncate's
# sizes: 1G) at PATH, whatever was there before.
fresh_disk() {
	rm -f "$1"
	truncate -s "$2" "$1"
}

# guest_kernel GEN: the Debian kernel Image of host generation GEN (6.1,
# 6.12, 7) for a Linux guest: this host's own ($LINUX_KERNEL) for its own
# generation, else the one the rig put in because the case asks for it with
# a "# guest-kernels: GEN" line in its header; fails without it.
guest_kernel() {
	if [ "$1" = "$HOST_GEN" ]; then
		echo "$LINUX_KERNEL"
		return
	fi
	[ -f "${LINUX_KERNEL%/*}/$1/Image" ] ||
		fail "no $1 guest kernel on this host: the case needs a '# guest-kernels: $1' line"
	echo "${LINUX_KERNEL%/*}/$1/Image"
}

# stress_rounds: how many rounds a "# rounds:" case runs, $ROUNDS (1 in CI;
# the long tier's number with tests/nested/run --long, see docs/testing.md).
stress_rounds() {
	_r=${ROUNDS:-1}
	case $_r in
	'' | *[!0-9]* | 0) fail "ROUNDS must be a positive number, not '$_r'" ;;
	esac
	echo "$_r"
}

# kernel_at_least X.Y: the host kernel release is X.Y or newer.
kernel_at_least() {
	_have=$(echo "$HOST_KERNEL" | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
	_want=$(echo "$1" | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
	# shellcheck disable=SC2086 # split into the four numbers
	set -- $_have $_want
	[ "$1" -gt "$3" ] || { [ "$1" -eq "$3" ] && [ "$2" -ge "$4" ]; }
}

# bg_start NAME -- CMD...: start CMD in the background with stdin from a
# fifo (write to it with bg_send), stdout in $WORK/NAME.out and stderr in
# $WORK/NAME.err; sets BG_PID, OUT and ERR. One at a time.
bg_start() {
	_name=$1
	shift
	[ "$1" = -- ] && shift
	OUT=$WORK/$_name.out
	ERR=$WORK/$_name.err
	rm -f "$WORK/$_name.in"
	mkfifo "$WORK/$_name.in"
	echo "+ $* &"
	"$@" <"$WORK/$_name.in" >"$OUT" 2>"$ERR" &
	BG_PID=$!
	# Opening the writer end completes the command's open of the reader.
	exec 3>"$WORK/$_name.in"
}

# bg_send TEXT: one line on the background command's stdin.
bg_send() {
	printf '%s\n' "$*" >&3
}

# bg_alive: the background command has not exited yet.
bg_alive() {
	[ -r "/proc/$BG_PID/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$BG_PID/stat"
}

# bg_wait N [SECONDS]: wait (default 120 s) for the background command to
# exit; set STATUS; fail unless it is N. Closes its stdin afterwards.
bg_wait() {
	_deadline=$(($(date +%s) + ${2:-120}))
	while bg_alive && [ "$(date +%s)" -lt "$_deadline" ]; do
		sleep 0.2
	done
	if bg_alive; then
		kill -KILL "$BG_PID" 2>/dev/null
		wait "$BG_PID"
		BG_PID=
		exec 3>&-
		show "$OUT" "$ERR"
		fail "background command still running after ${2:-120}s"
	fi
	wait "$BG_PID"
	STATUS=$?
	BG_PID=
	exec 3>&-
	_strip_cr "$OUT"
	if [ "$STATUS" -ne "$1" ]; then
		show "$OUT" "$ERR"
		_lib_signal_report "$STATUS"
		fail "expected exit status $1, got $STATUS"
	fi
}

# re_quote STRING: STRING with extended-regex metacharacters escaped
# (kernel releases like 6.12.118+deb13 contain '+' and '.').
# golden_psci V: the golden conformance transcript psci-V.txt as this host's
# KVM answers it: without the "smc" lines on 6.1, whose KVM (before Linux
# 6.4) answers every SMC with -1 (case 100 asserts exactly that there).
golden_psci() {
	if [ "$HOST_GEN" = 6.1 ]; then
		grep -v '^PVGUEST: smc ' "$DATA/psci-$1.txt"
	else
		cat "$DATA/psci-$1.txt"
	fi
}

# host_psci: a transcript (stdin) cut the same way as golden_psci's.
host_psci() {
	if [ "$HOST_GEN" = 6.1 ]; then
		grep -v '^PVGUEST: smc '
	else
		cat
	fi
}

re_quote() {
	printf '%s' "$1" | sed 's#[]$*+?(){}|\\/.^[]#\\&#g'
}

# linux_task_initrd SCRIPT [OUT]: the Linux test guest's initramfs with
# SCRIPT appended as /task.sh (a second cpio archive, which the kernel
# unpacks over the first); boot it with `linux_cmdline task`. The script is
# sourced by the guest's init after the disk modules are loaded and
# /dev/vda is there (when the device tree has a virtio node), and may use
# `say TEXT` to print "PINVM-GUEST: TEXT". Prints the path (default
# $WORK/task-initrd.cpio.gz).
linux_task_initrd() {
	_out=${2:-$WORK/task-initrd.cpio.gz}
	_stage=$WORK/.task-stage
	rm -rf "$_stage"
	mkdir -p "$_stage"
	cp "$1" "$_stage/task.sh" || fail "linux_task_initrd: cannot read $1"
	(cd "$_stage" && echo task.sh | cpio -o -H newc -R 0:0 2>/dev/null | gzip) >"$_out.part" ||
		fail "linux_task_initrd: cpio failed"
	cat "$LINUX_INITRD" "$_out.part" >"$_out" || fail "linux_task_initrd: cannot write $_out"
	rm -rf "$_stage" "$_out.part"
	echo "$_out"
}
