# SPDX-License-Identifier: GPL-2.0-only
# The tiny pinvm snapshot the make-*-snap.py generators share (file format:
# docs/snapshot.md): 1 vCPU, 4 MiB of RAM with one stored page. Each
# generator adds or replaces sections; write() puts the header, the end
# section and the CRC around them. Not a data file itself: tests/badinput/run
# and scripts/fuzz run the generators, which import this.
import struct, zlib

MAGIC = b'PINVMSNP'
# section types (docs/snapshot.md)
CONFIG, DTB, IMAGE, VCPU, GIC, POWER, DEVICE, RAM = 1, 3, 4, 5, 6, 7, 8, 9


def sec(t, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('<IIQ', t, 0, len(payload)) + payload + b'\0' * pad


def tiny_sections():
    """tiny.snap's sections, in file order, as (type, payload) pairs."""
    return [
        (CONFIG, struct.pack('<QIIIII', 4 << 20, 1, 3, 0x10001, 1, 0) + b'\0' * 4),
        (IMAGE, struct.pack('<IIQ', 0, 6, 4096) + b'\x11' * 32 + b'kernel'),
        (VCPU, struct.pack('<IIII', 0, 0, 1, 0) + struct.pack('<QQ', 0x6030000000100040, 0x80080000)),
        (GIC, struct.pack('<IIQQ', 1, 4, 0, 0)),
        (POWER, struct.pack('<IIQQQ', 1, 0, 0, 0, 0)),
        (RAM, struct.pack('<QQ', 0, 4096) + b'\x5a' * 4096),
    ]


def insert_before(sections, t, section):
    """sections with section put before the first one of type t."""
    i = next(n for n, (st, _) in enumerate(sections) if st == t)
    return sections[:i] + [section] + sections[i:]


def write(path, sections):
    out = MAGIC + struct.pack('<IIII', 1, 0xc00000b7, 32, 0) + b'\0' * 8
    for t, payload in sections:
        out += sec(t, payload)
    out += struct.pack('<IIQ', 0, 0, 8)
    out += struct.pack('<II', zlib.crc32(out), 0)
    with open(path, 'wb') as f:
        f.write(out)
