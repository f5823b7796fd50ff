#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes tiny.snap (or the path given): the smallest well-formed pinvm snapshot (docs/snapshot.md):
# 1 vCPU, 4 MiB of RAM with one stored page, for the bad-input corpus to
# truncate, poke and relabel. tests/badinput/run and scripts/fuzz run it
# (generated, never committed).
import os, sys
sys.dont_write_bytecode = True
# snapgen.py sits beside this script (also under python3 -P, which leaves the script's folder out)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import snapgen

snapgen.write(sys.argv[1] if len(sys.argv) > 1 else 'tiny.snap', snapgen.tiny_sections())
