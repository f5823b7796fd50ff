#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes disk-v2.snap (or the path given): tiny.snap's machine with a disk
# (device section disk-vda, docs/snapshot.md) whose state is of version 2,
# a version this pinvm does not read; the file itself is well-formed.
# A second argument sets the version (scripts/fuzz seeds with 1 too).
import struct, sys, zlib

def sec(t, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('<IIQ', t, 0, len(payload)) + payload + b'\0' * pad

path = b'disk.img\0'
version = int(sys.argv[2]) if len(sys.argv) > 2 else 2
state = struct.pack('<IIQ', version, 0, 1 << 20) + b'\0' * 72 + struct.pack('<II', len(path), 0) + path
out = b'PINVMSNP' + struct.pack('<IIII', 1, 0xc00000b7, 32, 0) + b'\0' * 8
out += sec(1, struct.pack('<QIIIII', 4 << 20, 1, 3, 0x10001, 1, 0) + b'\0' * 4)
out += sec(4, struct.pack('<IIQ', 0, 6, 4096) + b'\x11' * 32 + b'kernel')
out += sec(5, struct.pack('<IIII', 0, 0, 1, 0) + struct.pack('<QQ', 0x6030000000100040, 0x80080000))
out += sec(6, struct.pack('<IIQQ', 1, 4, 0, 0))
out += sec(7, struct.pack('<IIQQQ', 1, 0, 0, 0, 0))
out += sec(8, b'disk-vda'.ljust(16, b'\0') + state)
out += sec(9, struct.pack('<QQ', 0, 4096) + b'\x5a' * 4096)
out += struct.pack('<IIQ', 0, 0, 8)
out += struct.pack('<II', zlib.crc32(out), 0)
open(sys.argv[1] if len(sys.argv) > 1 else 'disk-v2.snap', 'wb').write(out)
