/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read-only flattened device tree walker (Devicetree Specification v0.4,
 * chapter 5 "Flattened Devicetree (DTB) Format"): find nodes by path or
 * compatible string and read their properties. The prefix is dt_, not
 * fdt_, so nobody mistakes these for libfdt's functions.
 *
 * A node is the byte offset of its FDT_BEGIN_NODE token in the structure
 * block; a negative node means "not found", and every function accepts
 * one (returning "not found" again), so lookups can be chained.
 */
#ifndef PVGUEST_DT_H
#define PVGUEST_DT_H

#include <stdbool.h>
#include <stdint.h>

/**
 * dt_init() - use the blob at @blob (checks magic, version >= 17, that the
 * blocks lie inside totalsize).
 * Returns: true; false and no tree (every lookup fails).
 */
bool dt_init(const void *blob);

/** dt_be32() - big-endian 32-bit value at any alignment. */
uint32_t dt_be32(const void *p);

/** dt_cells() - value of @n big-endian cells at @p (the low 64 bits). */
uint64_t dt_cells(const void *p, unsigned int n);

int dt_root(void);
/** dt_path() - node at an absolute path ("/", "/cpus", "/uart@1000000");
 * a component without '@' also matches a name with a unit address. */
int dt_path(const char *path);
int dt_first_child(int node);
int dt_next_sibling(int node);
int dt_parent(int node);
/** dt_find_compatible() - first node, in tree order, with @compat. */
int dt_find_compatible(const char *compat);
const char *dt_name(int node);

/** dt_prop() - value of property @name, its length in *ret_len. */
const void *dt_prop(int node, const char *name, uint32_t *ret_len);
/** dt_prop_str() - the property as a string, if it is NUL-terminated. */
const char *dt_prop_str(int node, const char *name);
uint32_t dt_prop_u32(int node, const char *name, uint32_t def);
/** dt_is_compatible() - @compat is one of the strings in "compatible". */
bool dt_is_compatible(int node, const char *compat);

/** dt_address_cells(), dt_size_cells() - of @node, for its children. */
unsigned int dt_address_cells(int node);
unsigned int dt_size_cells(int node);

/**
 * dt_reg() - entry @index of @node's "reg", sized by its parent's cells.
 * Returns: true and *ret_addr, *ret_size set; false.
 */
bool dt_reg(int node, unsigned int index, uint64_t *ret_addr, uint64_t *ret_size);

#endif
