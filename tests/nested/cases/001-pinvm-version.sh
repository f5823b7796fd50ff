#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The pinvm binary runs on the host and reports its version (exit 0).
# timeout: 10
. "$LIB"

expect_status 0 -- "$PINVM" --version
assert_grep 'pinvm.*[0-9]+\.[0-9]+' "$OUT"
expect_status 0 -- "$PINVM" --help
assert_grep 'run' "$OUT"
