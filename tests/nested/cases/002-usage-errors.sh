#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Malformed command lines are usage errors: exit 2 and one
# "pinvm: error: ..." line (docs/cli-contract.md), before touching KVM.
# timeout: 20
. "$LIB"

usage_error() {
	expect_status 2 -- "$PINVM" "$@"
	assert_grep '^pinvm: error: ' "$ERR"
}

usage_error --no-such-option
usage_error run --no-such-option --kernel "$LINUX_KERNEL"
usage_error run
usage_error run --kernel "$LINUX_KERNEL" --cpus abc
usage_error run --kernel "$LINUX_KERNEL" --cpus 0
usage_error run --kernel "$LINUX_KERNEL" --mem 12Q
usage_error run --kernel "$LINUX_KERNEL" --gic v4
usage_error run --kernel "$LINUX_KERNEL" --console tty9
usage_error no-such-command
