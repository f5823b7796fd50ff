// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO dispatch: up to 8 regions registered from the input (overlaps,
 * wrapping and zero sizes included, which must be refused), then accesses
 * of every length 0-15 at addresses near and across region edges.
 * Invariants: a registration is refused iff it is empty, wraps, overlaps
 * or is one too many; an access is handled iff it lies wholly in one region, the handler gets the offset from that region's base and the
 * access length; unmapped reads are zero-filled; an access of an invalid
 * length never touches the data; the unmapped log reports each address
 * once, at most 64 of them, then once "last".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinvm/mmio.h"

struct region {
	uint64_t base, size;
};

static struct region regs[MMIO_MAX_REGIONS];
static unsigned int nregs;
static uint64_t last_off;
static unsigned int last_len, calls;
static unsigned int logged, lasts;

static void handler(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	(void)opaque;
	(void)is_write;
	last_off = offset;
	last_len = len;
	calls++;
	if (!is_write)
		memset(data, 0x5a, len);
}

static void unmapped(void *opaque, uint64_t addr, unsigned int len, bool is_write, bool last)
{
	(void)opaque;
	(void)addr;
	(void)len;
	(void)is_write;
	if (last)
		lasts++;
	else
		logged++;
}

static uint64_t take(const uint8_t **p, const uint8_t *end, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n && *p < end; i++, (*p)++)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static int find(uint64_t addr, unsigned int len)
{
	for (unsigned int i = 0; i < nregs; i++) {
		uint64_t off = addr - regs[i].base;

		if (addr >= regs[i].base && off <= regs[i].size - 1 && len - 1 <= regs[i].size - 1 - off)
			return (int)i;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct mmio_bus bus;
	unsigned int want_regs;

	nregs = logged = lasts = 0;
	mmio_init(&bus, unmapped, NULL);
	want_regs = (unsigned int)take(&p, end, 1) % 12;
	for (unsigned int i = 0; i < want_regs && p < end; i++) {
		/* Small numbers mostly, so regions meet; sometimes the top of the space. */
		uint64_t base = take(&p, end, 2) << (take(&p, end, 1) % 64);
		uint64_t rsize = take(&p, end, 2);
		int r;

		if (rsize & 0x8000)
			rsize = 0 - base;	/* up to the top of the address space */
		bool ok = rsize != 0 && nregs < MMIO_MAX_REGIONS && base + (rsize - 1) >= base;

		for (unsigned int j = 0; ok && j < nregs; j++)
			if (base <= regs[j].base + (regs[j].size - 1) &&
			    regs[j].base <= base + (rsize - 1))
				ok = false;	/* overlap */
		r = mmio_register(&bus, base, rsize, handler, NULL);
		if ((r == 0) != ok)
			abort();
		if (r == 0) {
			regs[nregs].base = base;
			regs[nregs].size = rsize;
			nregs++;
		}
	}
	while (p < end) {
		uint8_t buf[16];
		unsigned int len = (unsigned int)take(&p, end, 1);
		int is_write = len & 0x80;
		uint64_t addr;
		int hit;
		bool r;

		len &= 15;
		if (nregs && (len & 8))	/* near a region edge */
			addr = regs[take(&p, end, 1) % nregs].base + (int8_t)take(&p, end, 1);
		else
			addr = take(&p, end, 8);
		memset(buf, 0xee, sizeof(buf));
		calls = 0;
		/* KVM reports 1, 2, 4 or 8; the bus takes any length up to 8. */
		hit = (len >= 1 && len <= 8) ? find(addr, len) : -1;
		r = mmio_dispatch(&bus, addr, buf, len, is_write);
		if (r != (hit >= 0))
			abort();
		if (hit >= 0) {
			if (calls != 1 || last_len != len || last_off != addr - regs[hit].base)
				abort();
		} else {
			if (calls)
				abort();
			if (len >= 1 && len <= 8 && !is_write)
				for (unsigned int i = 0; i < len; i++)
					if (buf[i])
						abort();
			if (len == 0 || len > 8)
				for (unsigned int i = 0; i < sizeof(buf); i++)
					if (buf[i] != 0xee)
						abort();
		}
		if (logged > MMIO_UNMAPPED_LOG_MAX || lasts > 1 || (lasts && logged != MMIO_UNMAPPED_LOG_MAX))
			abort();
	}
	mmio_destroy(&bus);
	return 0;
}
