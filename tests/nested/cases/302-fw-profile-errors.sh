#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Malformed firmware profiles (binary, huge, duplicate key, unknown
# register, bad number, missing or bad version) are refused by `run`,
# `profile show` and `profile check` alike: status 1, "FILE:LINE: what was
# expected", the guest never runs and the file is left alone. A profile that
# cannot be written (no directory, full file system) is status 1 and leaves
# no FILE and no temp file. Usage mistakes are status 2.
# timeout: 60
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# bad NAME LINE MESSAGE: $WORK/NAME.fwprofile gives "FILE:LINE: MESSAGE" (a regex).
bad() {
	f=$WORK/$1.fwprofile
	cp "$f" "$WORK/$1.orig"
	expect_status 1 --name "run-$1" -- "$PINVM" run --kernel "$guest" --fw-profile "$f" \
		--cmdline "test=off"
	assert_grep "^pinvm: error: $f:$2: $3" "$ERR"
	assert_count 1 '.' "$ERR"
	assert_no_grep 'PVGUEST' "$OUT"
	cmp "$f" "$WORK/$1.orig" || fail "run changed $f"
	expect_status 1 --name "show-$1" -- "$PINVM" profile show "$f"
	assert_grep "^pinvm: error: $f:$2: $3" "$ERR"
	assert_empty "$OUT"
	expect_status 1 --name "check-$1" -- "$PINVM" profile check "$f"
	assert_grep "^pinvm: error: $f:$2: $3" "$ERR"
	echo "$1: refused at line $2"
}

cp "$guest" "$WORK/binary.fwprofile"
bad binary '[0-9]+' 'binary data \(byte 0x[0-9a-f]{2}\): expected a text file of NAME = VALUE lines$'

# 32-byte comment lines: byte 65536 (one past the limit) starts line 2049.
line='# .............................'
i=0
: >"$WORK/huge.fwprofile"
while [ $i -lt 64 ]; do
	echo "$line" >>"$WORK/huge.fwprofile"
	i=$((i + 1))
done
for i in 1 2 3 4 5; do
	cat "$WORK/huge.fwprofile" "$WORK/huge.fwprofile" >"$WORK/huge.tmp"
	mv "$WORK/huge.tmp" "$WORK/huge.fwprofile"
done
echo 'PSCI_VERSION = 1.1' >>"$WORK/huge.fwprofile"
[ "$(wc -c <"$WORK/huge.fwprofile")" -gt 65536 ] || fail "huge.fwprofile is not huge"
bad huge 2049 'larger than 64 KiB: not a firmware profile$'

printf 'PSCI_VERSION = 1.1\nSTD_BMAP = 0x1\n# again:\nSTD_BMAP = 0x0\n' >"$WORK/duplicate.fwprofile"
bad duplicate 4 'STD_BMAP given twice \(first on line 2\)$'

printf '# from a newer pinvm?\nPSCI_VERSION = 1.1\nTRNG_BMAP = 0x1\n' >"$WORK/unknown.fwprofile"
bad unknown 3 "unknown register 'TRNG_BMAP' \(expected one of PSCI_VERSION SMCCC_ARCH_WORKAROUND_1 .* VENDOR_HYP_BMAP_2, or a 0x firmware register id\)\$"

printf 'PSCI_VERSION = 1.1\nVENDOR_HYP_BMAP = 0x3g\n' >"$WORK/number.fwprofile"
bad number 2 "VENDOR_HYP_BMAP: '0x3g' is not a number \(expected 0x and up to 16 hex digits, or decimal without a leading zero\)\$"

printf 'PSCI_VERSION = 1.1\nSTD_BMAP = 0x10000000000000000\n' >"$WORK/range.fwprofile"
bad range 2 "STD_BMAP: '0x10000000000000000' is not a 64-bit number"

printf '# no version\n\nSTD_BMAP = 0x1\nSTD_HYP_BMAP = 0x1\n' >"$WORK/noversion.fwprofile"
bad noversion 4 'no PSCI_VERSION line: a profile must name the PSCI version'

printf 'PSCI_VERSION = one.one\n' >"$WORK/version.fwprofile"
bad version 1 "PSCI_VERSION: 'one.one' is not a version"

printf 'PSCI_VERSION: 1.1\n' >"$WORK/syntax.fwprofile"
bad syntax 1 "expected 'NAME = VALUE', got 'PSCI_VERSION: 1.1'"

: >"$WORK/empty.fwprofile"
bad empty 1 'no PSCI_VERSION line'

# Not a file at all.
mkdir "$WORK/dir.fwprofile"
expect_status 1 --name dir -- "$PINVM" run --kernel "$guest" --fw-profile "$WORK/dir.fwprofile" \
	--cmdline "test=off"
assert_grep "^pinvm: error: firmware profile $WORK/dir.fwprofile is not a regular file\$" "$ERR"
expect_status 1 --name show-missing -- "$PINVM" profile show "$WORK/missing.fwprofile"
assert_grep "^pinvm: error: cannot read firmware profile $WORK/missing.fwprofile: No such file or directory\$" "$ERR"
expect_status 1 --name check-missing -- "$PINVM" profile check "$WORK/missing.fwprofile"

# Nowhere to write a new one: status 1 before the guest runs, nothing left behind.
expect_status 1 --name nodir -- "$PINVM" run --kernel "$guest" \
	--fw-profile "$WORK/nodir/vm.fwprofile" --cmdline "test=off"
assert_grep "^pinvm: error: cannot write firmware profile $WORK/nodir/vm.fwprofile: No such file or directory\$" "$ERR"
assert_no_grep 'PVGUEST' "$OUT"
mkdir "$WORK/full"
if mount -t tmpfs -o size=4k tmpfs "$WORK/full" 2>/dev/null; then
	dd if=/dev/zero of="$WORK/full/fill" bs=4096 count=1 2>/dev/null
	dd if=/dev/zero of="$WORK/full/fill2" bs=1 count=4096 2>/dev/null
	expect_status 1 --name full -- "$PINVM" run --kernel "$guest" \
		--fw-profile "$WORK/full/vm.fwprofile" --cmdline "test=off"
	assert_grep "^pinvm: error: cannot write firmware profile $WORK/full/vm.fwprofile: No space left on device\$" "$ERR"
	assert_no_grep 'PVGUEST' "$OUT"
	ls -a "$WORK/full" >"$WORK/full.ls"
	assert_no_grep 'vm\.fwprofile' "$WORK/full.ls"
	umount "$WORK/full"
else
	echo "no tmpfs mount here: full file system part not run"
fi

# Usage errors.
expect_status 2 --name empty-name -- "$PINVM" run --kernel "$guest" --fw-profile ''
assert_grep "^pinvm: error: --fw-profile: empty file name" "$ERR"
expect_status 2 --name no-value -- "$PINVM" run --kernel "$guest" --fw-profile
expect_status 2 --name profile-alone -- "$PINVM" profile
expect_status 2 --name profile-bad -- "$PINVM" profile load "$WORK/x"
assert_grep "^pinvm: error: unknown profile command 'load'" "$ERR"
expect_status 2 --name show-nothing -- "$PINVM" profile show
expect_status 2 --name show-two -- "$PINVM" profile show "$WORK/a" "$WORK/b"
expect_status 0 --name profile-help -- "$PINVM" profile --help
assert_grep '^Usage: pinvm profile show FILE' "$OUT"
