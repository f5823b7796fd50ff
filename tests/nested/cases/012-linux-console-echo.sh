#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Console input: once the guest is reading its console, a line written to
# pinvm's stdin reaches it through the UART's receive path and comes back.
# timeout: 240
. "$LIB"

line="pinvm-echo-$$-ok"
bg_start echo -- "$PINVM" run --kernel "$LINUX_KERNEL" --initrd "$LINUX_INITRD" \
	--cmdline "$(linux_cmdline echo)"
if ! wait_for '^PINVM-GUEST: echo: ready' "$OUT" 200; then
	kill -KILL "$BG_PID" 2>/dev/null
	show "$OUT" "$ERR"
	fail "guest never got ready to read its console"
fi
bg_send "$line"
bg_wait 0 60
assert_grep "^PINVM-GUEST: echo: $line\$" "$OUT"
assert_summary 'guest powered off' 0
