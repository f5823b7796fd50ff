#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes bad-dtb.snap (or the path given): tiny.snap's machine with a dtb
# section that is not a flattened device tree (a restore keeps the DTB as
# its machine's: the parser takes only a whole one, docs/snapshot.md).
import os, sys
sys.dont_write_bytecode = True
# snapgen.py sits beside this script (also under python3 -P, which leaves the script's folder out)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import snapgen

dtb = (snapgen.DTB, b'not a device tree, though long enough for its header')
snapgen.write(sys.argv[1] if len(sys.argv) > 1 else 'bad-dtb.snap',
              snapgen.insert_before(snapgen.tiny_sections(), snapgen.IMAGE, dtb))
