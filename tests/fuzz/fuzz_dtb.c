// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device tree generation from any machine description: CPU count and
 * MPIDRs, GIC version and ranges, UART, PSCI version, initrd bounds and a
 * bootargs string of any bytes, into buffers of any size. Invariants: an
 * accepted description gives a blob that libfdt's full check accepts and
 * that fits the buffer, and that takes a boot's random seeds in place; a
 * refused one is -EINVAL or -ENOSPC.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "pinvm/dtb.h"
#include "pinvm/layout.h"

static uint64_t take(const uint8_t **p, const uint8_t *end, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n && *p < end; i++, (*p)++)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t blob[LAYOUT_DTB_MAX_SIZE];
	const uint8_t *p = data, *end = data + size;
	uint64_t mpidr[LAYOUT_MAX_VCPUS + 1];
	struct dtb_config c;
	char bootargs[512];
	size_t buf_size;
	uint8_t flags;
	int r;

	memset(&c, 0, sizeof(c));
	flags = (uint8_t)take(&p, end, 1);
	c.nr_cpus = (unsigned int)take(&p, end, 2) % (LAYOUT_MAX_VCPUS + 2);
	for (unsigned int i = 0; i < c.nr_cpus && i <= LAYOUT_MAX_VCPUS; i++)
		mpidr[i] = (flags & 1) ? take(&p, end, 5) : i;	/* fuzzed or distinct */
	c.mpidr = (flags & 2) ? NULL : mpidr;
	c.ram_base = (flags & 4) ? take(&p, end, 8) : LAYOUT_RAM_BASE;
	c.ram_size = (flags & 4) ? take(&p, end, 8) : 256u << 20;
	c.gic = (flags & 8) ? (enum dtb_gic)take(&p, end, 1) : DTB_GIC_V3;
	c.gic_dist_base = LAYOUT_GIC_DIST_BASE;
	c.gic_dist_size = LAYOUT_GIC_DIST_SIZE;
	c.gic_redist_size = (uint64_t)(c.nr_cpus ? c.nr_cpus : 1) * LAYOUT_GIC_REDIST_SIZE;
	c.gic_redist_base = c.gic_dist_base - c.gic_redist_size;
	c.gic_cpuif_base = LAYOUT_GIC_CPUIF_BASE;
	c.gic_cpuif_size = LAYOUT_GIC_CPUIF_SIZE;
	if (flags & 16) {
		c.gic_dist_size = take(&p, end, 8);
		c.gic_redist_size = take(&p, end, 8);
	}
	c.uart_base = LAYOUT_UART_BASE;
	c.uart_size = LAYOUT_UART_SIZE;
	c.uart_spi = (unsigned int)take(&p, end, 2);
	c.uart_clock = (uint32_t)take(&p, end, 4);
	c.psci_version = (uint32_t)take(&p, end, 4);
	if (flags & 32) {
		c.initrd_start = take(&p, end, 8);
		c.initrd_end = take(&p, end, 8);
	}
	buf_size = (flags & 64) ? take(&p, end, 2) : sizeof(blob);
	if (buf_size > sizeof(blob))
		buf_size = sizeof(blob);
	/* The rest: the command line, any bytes but NUL (it is a C string). */
	size_t n = (size_t)(end - p) < sizeof(bootargs) - 1 ? (size_t)(end - p) : sizeof(bootargs) - 1;

	memcpy(bootargs, p, n);
	bootargs[n] = '\0';
	c.bootargs = (flags & 128) ? NULL : bootargs;

	r = dtb_build(&c, blob, buf_size);
	if (r == 0) {
		uint32_t total = fdt_totalsize(blob);

		if (fdt_check_full(blob, buf_size) != 0 || total > buf_size)
			abort();
		/* A boot's seeds go in place: same size, still a valid tree. */
		if (dtb_new_seeds(blob) != 0 || fdt_totalsize(blob) != total ||
		    fdt_check_full(blob, buf_size) != 0)
			abort();
	} else if (r != -EINVAL && r != -ENOSPC) {
		abort();
	}
	return 0;
}
