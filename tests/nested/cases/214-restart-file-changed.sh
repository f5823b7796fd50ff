#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A restart reads the kernel and initrd again from the files pinvm opened
# at the start and boots them only if they are what the first boot loaded
# (size and SHA-256): a file rewritten in place between two restarts ends
# the run with status 1, the reason on stderr and in the event log's exit
# record. pvguest's echo-reset waits for a console line at every boot, so
# the case picks the moment: boot, restart (unchanged), rewrite, restart.
# Flat kernel, gzip'd kernel, initrd; and a file replaced by a new one
# (rename) restarts from the file pinvm holds open: the same content.
# timeout: 240
. "$LIB"

guest=$(require_guest pvguest.bin) || exit 1

# wait_ready N: the guest's Nth "echo ready" (boot N waits for its line).
wait_ready() {
	_deadline=$(($(date +%s) + 60))
	while [ "$(tr -d '\r' <"$OUT" | grep -c '^PVGUEST: echo ready')" -lt "$1" ]; do
		if ! bg_alive || [ "$(date +%s)" -ge "$_deadline" ]; then
			kill -KILL "$BG_PID" 2>/dev/null
			show "$OUT" "$ERR"
			fail "boot $1 never got ready to read its console"
		fi
		sleep 0.2
	done
}

# changed NAME WHAT CHANGE ARGS...: boot, restart once, run CHANGE (a
# function), send the line that resets again: the restart is refused.
changed() {
	_name=$1 _what=$2 _change=$3
	shift 3
	log=$WORK/$_name.jsonl
	bg_start "$_name" -- "$PINVM" run --cmdline "test=echo-reset" --max-resets 5 \
		--event-log "$log" "$@"
	wait_ready 1
	bg_send one
	wait_ready 2
	$_change
	bg_send two
	bg_wait 1 60
	assert_count 2 '^PVGUEST: echo ready' "$OUT"
	assert_grep "^pinvm: error: restart: $_what .* changed since the first boot loaded it \(size or SHA-256 differs\): not booting other content\$" "$ERR"
	assert_summary 'could not run the guest' 1
	assert_count 1 '"type":"restart"' "$log"
	assert_grep "\"type\":\"exit\",\"status\":1,\"restarts\":2,\"error\":\"restart: $_what .* changed since the first boot" "$log"
	awk -f "$DATA/json-check.awk" "$log" || fail "event log is not JSON lines"
}

# One byte of the image rewritten in place (same inode, same size).
poke_kernel() {
	printf 'X' | dd of="$WORK/k.bin" bs=1 seek=200 conv=notrunc 2>/dev/null
}
cp "$guest" "$WORK/k.bin"
changed flat kernel poke_kernel --kernel "$WORK/k.bin"

# A gzip'd kernel rewritten with other content (truncated and written again).
regzip_kernel() {
	gzip -c "$WORK/k.bin" >"$WORK/k.gz"
}
cp "$guest" "$WORK/k.bin"
printf 'Y' | dd of="$WORK/k.bin" bs=1 seek=300 conv=notrunc 2>/dev/null
gzip -c "$guest" >"$WORK/k.gz"
changed gzip kernel regzip_kernel --kernel "$WORK/k.gz"

# The initrd: one byte rewritten in place.
poke_initrd() {
	printf 'Z' | dd of="$WORK/initrd" bs=1 seek=5000 conv=notrunc 2>/dev/null
}
dd if=/dev/zero of="$WORK/initrd" bs=1024 count=64 2>/dev/null
changed initrd initrd poke_initrd --kernel "$guest" --initrd "$WORK/initrd"

# Replaced by a new file (a rename, as an editor or a build does): pinvm
# reads the file it opened, the first boot's content, and restarts.
cp "$guest" "$WORK/k.bin"
log=$WORK/renamed.jsonl
bg_start renamed -- "$PINVM" run --kernel "$WORK/k.bin" --cmdline "test=echo-reset" \
	--max-resets 2 --event-log "$log"
wait_ready 1
bg_send one
wait_ready 2
cp "$guest" "$WORK/k.new"
printf 'X' | dd of="$WORK/k.new" bs=1 seek=200 conv=notrunc 2>/dev/null
mv "$WORK/k.new" "$WORK/k.bin"
bg_send two
wait_ready 3
bg_send three
bg_wait 4 60
assert_count 3 '^PVGUEST: echo ready' "$OUT"
assert_summary 'reset limit reached \(--max-resets 2\)' 4
assert_count 2 '"type":"restart"' "$log"
