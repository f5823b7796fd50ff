#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes tiny.snap (or the path given): the smallest well-formed pinvm snapshot (docs/snapshot.md):
# 1 vCPU, 4 MiB of RAM with one stored page, for the bad-input corpus to
# truncate, poke and relabel. tests/badinput/run and scripts/fuzz run it
# (generated, never committed).
import struct, sys, zlib

def sec(t, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('<IIQ', t, 0, len(payload)) + payload + b'\0' * pad

out = b'PINVMSNP' + struct.pack('<IIII', 1, 0xc00000b7, 32, 0) + b'\0' * 8
out += sec(1, struct.pack('<QIIIII', 4 << 20, 1, 3, 0x10001, 1, 0) + b'\0' * 4)
out += sec(4, struct.pack('<IIQ', 0, 6, 4096) + b'\x11' * 32 + b'kernel')
out += sec(5, struct.pack('<IIII', 0, 0, 1, 0) + struct.pack('<QQ', 0x6030000000100040, 0x80080000))
out += sec(6, struct.pack('<IIQQ', 1, 4, 0, 0))
out += sec(7, struct.pack('<IIQQQ', 1, 0, 0, 0, 0))
out += sec(9, struct.pack('<QQ', 0, 4096) + b'\x5a' * 4096)
out += struct.pack('<IIQ', 0, 0, 8)
out += struct.pack('<II', zlib.crc32(out), 0)
open(sys.argv[1] if len(sys.argv) > 1 else 'tiny.snap', 'wb').write(out)
