#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes bad-dtb.snap (or the path given): tiny.snap's machine with a dtb
# section that is not a flattened device tree (a restore keeps the DTB as
# its machine's: the parser takes only a whole one, docs/snapshot.md).
import struct, sys, zlib

def sec(t, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('<IIQ', t, 0, len(payload)) + payload + b'\0' * pad

out = b'PINVMSNP' + struct.pack('<IIII', 1, 0xc00000b7, 32, 0) + b'\0' * 8
out += sec(1, struct.pack('<QIIIII', 4 << 20, 1, 3, 0x10001, 1, 0) + b'\0' * 4)
out += sec(3, b'not a device tree, though long enough for its header')
out += sec(4, struct.pack('<IIQ', 0, 6, 4096) + b'\x11' * 32 + b'kernel')
out += sec(5, struct.pack('<IIII', 0, 0, 1, 0) + struct.pack('<QQ', 0x6030000000100040, 0x80080000))
out += sec(6, struct.pack('<IIQQ', 1, 4, 0, 0))
out += sec(7, struct.pack('<IIQQQ', 1, 0, 0, 0, 0))
out += sec(9, struct.pack('<QQ', 0, 4096) + b'\x5a' * 4096)
out += struct.pack('<IIQ', 0, 0, 8)
out += struct.pack('<II', zlib.crc32(out), 0)
open(sys.argv[1] if len(sys.argv) > 1 else 'bad-dtb.snap', 'wb').write(out)
