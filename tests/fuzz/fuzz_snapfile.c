// SPDX-License-Identifier: GPL-2.0-only
/*
 * The snapshot parser (snapfile.h) on any bytes. The input is taken as is
 * and, so that mutations get past the checksum, once more with its END
 * section's CRC-32 recomputed. Invariants: a refusal says why; an
 * accepted file's iterators stay inside the buffer and agree with the
 * parser (RAM runs inside the RAM, in order, adding up to ram_stored;
 * every register of every vCPU as counted); a restore's UART state is
 * either taken or refused whole; a disk's state ("disk-" devices) taken
 * is encoded again into the same bytes, its path inside the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pinvm/diskstate.h"
#include "pinvm/snapfile.h"
#include "pinvm/uart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snapfile_view view;

static void check(const uint8_t *buf, size_t size)
{
	char why[256] = "";
	uint64_t stored = 0, next = 0, off, len, id;
	const uint8_t *p, *end = buf + size;
	size_t pos = 0;

	if (snapfile_parse(buf, size, &view, why, sizeof(why))) {
		if (!why[0])
			abort();
		return;
	}
	while (snapfile_ram_next(&view, &pos, &off, &len, &p)) {
		if (off < next || off + len > view.cfg.ram_size || p < buf || p + len > end)
			abort();
		next = off + len;
		stored += len;
	}
	if (stored != view.ram_stored)
		abort();
	for (uint32_t i = 0; i < view.cfg.nr_vcpus; i++) {
		uint32_t n = 0;

		pos = 0;
		while (snapfile_reg_next(&view.vcpus[i], &pos, &id, &p)) {
			if (p < buf || p + snapfile_reg_size(id) > end)
				abort();
			n++;
		}
		if (n != view.vcpus[i].nr_regs)
			abort();
	}
	for (unsigned int i = 0; i < view.nr_gic; i++) {
		struct snapfile_gic_attr a;

		snapfile_gic_get(&view, i, &a);
		if (a.size != 4 && a.size != 8)
			abort();
	}
	for (unsigned int i = 0; i < view.nr_devices; i++) {
		struct uart u;

		if (view.devices[i].data < buf || view.devices[i].data + view.devices[i].len > end)
			abort();
		if (!strncmp(view.devices[i].name, "disk-", 5)) {
			const struct snapfile_device *dv = &view.devices[i];
			struct diskstate ds;
			char dwhy[256] = "";
			uint8_t *again;

			if (diskstate_parse(dv->data, dv->len, &ds, dwhy, sizeof(dwhy))) {
				if (!dwhy[0])
					abort();
				continue;
			}
			if ((const uint8_t *)ds.path < dv->data ||
			    (const uint8_t *)ds.path + strlen(ds.path) + 1 > dv->data + dv->len ||
			    diskstate_size(&ds) != dv->len)
				abort();
			again = malloc(dv->len);
			if (!again)
				abort();
			if (diskstate_encode(&ds, again, dv->len) || memcmp(again, dv->data, dv->len))
				abort();
			free(again);
			continue;
		}
		uart_init(&u, NULL, NULL, NULL);
		if (uart_load(&u, view.devices[i].data, view.devices[i].len) == 0) {
			uint8_t again[UART_STATE_SIZE];

			uart_save(&u, again);
			if (memcmp(again, view.devices[i].data, UART_STATE_SIZE))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	check(data, size);
	/* The same bytes with a checksum that fits, when they end like a file. */
	if (size < 32 + 24)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	{
		uint32_t crc = (uint32_t)crc32(0, copy, (uInt)(size - 8));

		for (int i = 0; i < 4; i++)
			copy[size - 8 + i] = (uint8_t)(crc >> (8 * i));
	}
	check(copy, size);
	free(copy);
	return 0;
}
