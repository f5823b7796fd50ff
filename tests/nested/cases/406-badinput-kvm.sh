#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The bad-input corpus cases that need a KVM host (tests/badinput, "needs:
# kvm" and "kvm-root"): no /dev/kvm, a /dev/kvm that is not KVM or not
# ours, --mem beyond the IPA space, an impossible vGIC, a device tree too
# large, --dump-dtb failures leaving nothing behind, --user limits. The
# others run on the build machine (meson test --suite badinput).
# timeout: 90
. "$LIB"

BADINPUT_TMP=$WORK "/pinvm/badinput/run" --needs kvm --pinvm "$PINVM" >"$WORK/tap" 2>&1
STATUS=$?
cat "$WORK/tap"
[ "$STATUS" -eq 0 ] || fail "bad-input corpus: $(grep -c '^not ok' "$WORK/tap") case(s) failed"
