#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The table of system call names for the SIGSYS report (src/sandbox.c):
# every __NR_ macro of the target's <asm/unistd.h>, as the compiler of the
# build sees it, one "{ __NR_name, "name" }," line each (the compiler then
# resolves the numbers, aliases such as __NR3264_* included).
#
# Usage: syscall-names.sh OUTPUT CC [CC_ARGS...]
set -eu
out=$1
shift
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
"$@" -E -dM -include asm/unistd.h -x c /dev/null |
	LC_ALL=C awk '$1 == "#define" && $2 ~ /^__NR_[a-z0-9_]+$/ {
		name = substr($2, 6)
		if (name == "syscalls" || name == "arch_specific_syscall")
			next
		print "\t{ " $2 ", \"" name "\" },"
	}' | LC_ALL=C sort >"$tmp"
[ -s "$tmp" ] || { echo "syscall-names.sh: no __NR_ macros from $*" >&2; exit 1; }
mv "$tmp" "$out"
trap - EXIT
