#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes disk-v2.snap (or the path given): tiny.snap's machine with a disk
# (device section disk-vda, docs/snapshot.md) whose state is of version 2,
# a version this pinvm does not read; the file itself is well-formed.
# A second argument sets the version (scripts/fuzz seeds with 1 too).
import os, struct, sys
sys.dont_write_bytecode = True
# snapgen.py sits beside this script (also under python3 -P, which leaves the script's folder out)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import snapgen

path = b'disk.img\0'
version = int(sys.argv[2]) if len(sys.argv) > 2 else 2
state = struct.pack('<IIQ', version, 0, 1 << 20) + b'\0' * 72 + struct.pack('<II', len(path), 0) + path
disk = (snapgen.DEVICE, b'disk-vda'.ljust(16, b'\0') + state)
snapgen.write(sys.argv[1] if len(sys.argv) > 1 else 'disk-v2.snap',
              snapgen.insert_before(snapgen.tiny_sections(), snapgen.RAM, disk))
