/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flattened device tree walker. The blob comes from pinvm or QEMU and is
 * trusted, but every read is still bounds checked against the header, so
 * a damaged tree ends in "not found" rather than a wild read. All reads
 * are byte-wise (Device memory with the MMU off: no unaligned accesses).
 */
#include "dt.h"

#include <stddef.h>

#include "lib.h"

/* Devicetree Specification v0.4, 5.2 (header) and 5.4.1 (tokens) */
#define FDT_MAGIC	0xd00dfeedU
#define FDT_BEGIN_NODE	1U
#define FDT_END_NODE	2U
#define FDT_PROP	3U
#define FDT_NOP		4U
#define FDT_END		9U

#define DT_MAX_DEPTH	16

static const uint8_t *structs, *strings;
static uint32_t structs_size, strings_size;

uint32_t dt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t dt_cells(const void *p, unsigned int n)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = v << 32 | dt_be32(b + 4 * i);
	return v;
}

bool dt_init(const void *blob)
{
	const uint8_t *h = blob;
	uint32_t total, off_struct, off_strings, size_struct, size_strings;

	structs = strings = NULL;
	structs_size = strings_size = 0;
	if (!h || dt_be32(h) != FDT_MAGIC || dt_be32(h + 20) < 17)
		return false;
	total = dt_be32(h + 4);
	off_struct = dt_be32(h + 8);
	off_strings = dt_be32(h + 12);
	size_strings = dt_be32(h + 32);
	size_struct = dt_be32(h + 36);
	if (off_struct > total || size_struct > total - off_struct ||
	    off_strings > total || size_strings > total - off_strings)
		return false;
	structs = h + off_struct;
	strings = h + off_strings;
	structs_size = size_struct;
	strings_size = size_strings;
	return true;
}

static uint32_t tag_at(int off)
{
	if (!structs || off < 0 || (uint64_t)off + 4 > structs_size)
		return FDT_END;
	return dt_be32(structs + off);
}

/* Length of the NUL-terminated string at @s, or -1 if none within @max. */
static int64_t bounded_strlen(const uint8_t *s, uint64_t max)
{
	for (uint64_t i = 0; i < max; i++)
		if (!s[i])
			return (int64_t)i;
	return -1;
}

/* Offset of the token after the one at @off; -1 at FDT_END or on damage. */
static int next_tag(int off)
{
	uint64_t next;
	int64_t len;

	switch (tag_at(off)) {
	case FDT_BEGIN_NODE:
		len = bounded_strlen(structs + off + 4, structs_size - (uint64_t)off - 4);
		if (len < 0)
			return -1;
		next = (uint64_t)off + 4 + (((uint64_t)len + 1 + 3) & ~3ULL);
		break;
	case FDT_PROP:
		if ((uint64_t)off + 12 > structs_size)
			return -1;
		next = (uint64_t)off + 12 + (((uint64_t)dt_be32(structs + off + 4) + 3) & ~3ULL);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
		next = (uint64_t)off + 4;
		break;
	default:
		return -1;
	}
	return next <= structs_size ? (int)next : -1;
}

/*
 * The node after @node in tree order. *depth goes up by one for a child
 * and down for every node closed on the way; when it would drop below
 * zero the walk has left the subtree it started in, and -1 is returned.
 */
static int next_node(int node, int *depth)
{
	int off = next_tag(node);

	while (off >= 0) {
		switch (tag_at(off)) {
		case FDT_BEGIN_NODE:
			(*depth)++;
			return off;
		case FDT_END_NODE:
			if (--(*depth) < 0)
				return -1;
			break;
		case FDT_END:
			return -1;
		}
		off = next_tag(off);
	}
	return -1;
}

int dt_root(void)
{
	int off = 0;

	while (tag_at(off) == FDT_NOP)
		off += 4;
	return tag_at(off) == FDT_BEGIN_NODE ? off : -1;
}

int dt_first_child(int node)
{
	int depth = 0;

	if (tag_at(node) != FDT_BEGIN_NODE)
		return -1;
	node = next_node(node, &depth);
	return depth == 1 ? node : -1;
}

int dt_next_sibling(int node)
{
	int depth = 1;

	if (tag_at(node) != FDT_BEGIN_NODE)
		return -1;
	do {
		node = next_node(node, &depth);
		if (node < 0 || depth < 1)
			return -1;
	} while (depth > 1);
	return node;
}

const char *dt_name(int node)
{
	if (tag_at(node) != FDT_BEGIN_NODE)
		return "";
	return (const char *)structs + node + 4;
}

/* @name (@len bytes, no '@') also matches "name@unit-address". */
static bool name_matches(const char *node_name, const char *name, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		if (name[i] == '@')
			has_unit = true;
	if (strncmp(node_name, name, len) != 0)
		return false;
	return node_name[len] == '\0' || (node_name[len] == '@' && !has_unit);
}

int dt_path(const char *path)
{
	int node = dt_root();

	if (!path || path[0] != '/')
		return -1;
	while (node >= 0) {
		size_t len = 0;
		int child;

		while (*path == '/')
			path++;
		if (!*path)
			return node;
		while (path[len] && path[len] != '/')
			len++;
		for (child = dt_first_child(node); child >= 0; child = dt_next_sibling(child))
			if (name_matches(dt_name(child), path, len))
				break;
		node = child;
		path += len;
	}
	return -1;
}

int dt_parent(int node)
{
	int stack[DT_MAX_DEPTH];
	int depth = 0, off = dt_root();

	if (node < 0 || off < 0 || off == node)
		return -1;
	stack[0] = off;
	for (;;) {
		off = next_node(off, &depth);
		if (off < 0 || depth >= DT_MAX_DEPTH)
			return -1;
		stack[depth] = off;
		if (off == node)
			return stack[depth - 1];
	}
}

const void *dt_prop(int node, const char *name, uint32_t *ret_len)
{
	int off;

	if (tag_at(node) != FDT_BEGIN_NODE)
		return NULL;
	/* Properties come first in a node, before any child (spec 5.4.2). */
	for (off = next_tag(node); off >= 0; off = next_tag(off)) {
		uint32_t tag = tag_at(off), len, nameoff;
		int64_t nlen;

		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP || (uint64_t)off + 12 > structs_size)
			return NULL;
		len = dt_be32(structs + off + 4);
		nameoff = dt_be32(structs + off + 8);
		if (nameoff >= strings_size || (uint64_t)off + 12 + len > structs_size)
			return NULL;
		nlen = bounded_strlen(strings + nameoff, strings_size - nameoff);
		if (nlen >= 0 && strcmp((const char *)strings + nameoff, name) == 0) {
			if (ret_len)
				*ret_len = len;
			return structs + off + 12;
		}
	}
	return NULL;
}

const char *dt_prop_str(int node, const char *name)
{
	uint32_t len;
	const char *s = dt_prop(node, name, &len);

	if (!s || !len || s[len - 1] != '\0')
		return NULL;
	return s;
}

uint32_t dt_prop_u32(int node, const char *name, uint32_t def)
{
	uint32_t len;
	const void *p = dt_prop(node, name, &len);

	return p && len == 4 ? dt_be32(p) : def;
}

bool dt_is_compatible(int node, const char *compat)
{
	uint32_t len, i = 0;
	const char *list = dt_prop(node, "compatible", &len);

	if (!list)
		return false;
	/* A string list: NUL-terminated strings back to back (spec 2.2.4). */
	while (i < len) {
		int64_t n = bounded_strlen((const uint8_t *)list + i, len - i);

		if (n < 0)
			return false;
		if (strcmp(list + i, compat) == 0)
			return true;
		i += (uint32_t)n + 1;
	}
	return false;
}

int dt_find_compatible(const char *compat)
{
	int depth = 0, node = dt_root();

	while (node >= 0) {
		if (dt_is_compatible(node, compat))
			return node;
		node = next_node(node, &depth);
	}
	return -1;
}

/* Defaults from the Devicetree Specification 2.3.5 */
unsigned int dt_address_cells(int node)
{
	return dt_prop_u32(node, "#address-cells", 2);
}

unsigned int dt_size_cells(int node)
{
	return dt_prop_u32(node, "#size-cells", 1);
}

bool dt_reg(int node, unsigned int index, uint64_t *ret_addr, uint64_t *ret_size)
{
	int parent = dt_parent(node);
	unsigned int ac = dt_address_cells(parent), sc = dt_size_cells(parent);
	uint64_t entry = 4ULL * (ac + sc);
	uint32_t len;
	const uint8_t *reg = dt_prop(node, "reg", &len);

	if (!reg || parent < 0 || ac > 4 || sc > 4 || !entry || (index + 1) * entry > len)
		return false;
	reg += index * entry;
	*ret_addr = dt_cells(reg, ac);
	*ret_size = dt_cells(reg + 4 * ac, sc);
	return true;
}
