// SPDX-License-Identifier: GPL-2.0-only
/*
 * Firmware profiles (--fw-profile): the parser on any text, and for a text
 * it accepts, the writer's output parsed back to the same registers
 * (fwprofile.h promises the round trip). Then the replay policy against a
 * host made of the same input: a register list and a KVM that accepts,
 * rejects or alters writes. Invariants: an error names a line inside the
 * text and a reason; refusals are counted as reported.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinvm/fwprofile.h"

struct fake_host {
	uint64_t vals[8];
	uint8_t mode;	/* bit 0: writes fail; bit 1: reads return the value + 1 */
};

static const uint64_t host_ids[8] = {
	0x6030000000140000ULL, 0x6030000000140001ULL, 0x6030000000140002ULL,
	0x6030000000140003ULL, 0x6030000000160000ULL, 0x6030000000160001ULL,
	0x6030000000160002ULL, 0x6030000000160003ULL,
};

static int host_idx(uint64_t id)
{
	for (int i = 0; i < 8; i++)
		if (host_ids[i] == id)
			return i;
	return -1;
}

static int fake_get(void *opaque, uint64_t id, uint64_t *ret)
{
	struct fake_host *h = opaque;
	int i = host_idx(id);

	if (i < 0)
		return -2;
	*ret = h->vals[i] + ((h->mode >> 1) & 1);
	return 0;
}

static int fake_set(void *opaque, uint64_t id, uint64_t value)
{
	struct fake_host *h = opaque;
	int i = host_idx(id);

	if (i < 0)
		return -2;
	if (h->mode & 1)
		return -22;
	h->vals[i] = value;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwprofile p, again;
	struct fwprofile_report rep;
	struct fake_host host;
	struct fwprofile_host fh;
	unsigned int line = 0, refused = 0;
	char why[256] = "";
	char *text = NULL;
	size_t text_len = 0;
	int r;

	r = fwprofile_parse((const char *)data, size, &p, &line, why, sizeof(why));
	if (r) {
		unsigned int lines = 1;

		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (line < 1 || line > lines || !why[0])
			abort();
		return 0;
	}

	/* Round trip. */
	if (fwprofile_format(&p, NULL, &text, &text_len))
		return 0;
	if (strlen(text) != text_len)
		abort();
	if (fwprofile_parse(text, text_len, &again, &line, why, sizeof(why)))
		abort();
	if (again.nr != p.nr)
		abort();
	for (unsigned int i = 0; i < p.nr; i++)
		if (again.regs[i].id != p.regs[i].id || again.regs[i].value != p.regs[i].value)
			abort();
	free(text);

	/* Replay on a host derived from the text's own bytes. */
	memset(&host, 0, sizeof(host));
	for (size_t i = 0; i < size; i++)
		((uint8_t *)host.vals)[i % sizeof(host.vals)] ^= data[i];
	host.mode = size ? data[size - 1] : 0;
	fh.ids = host_ids;
	fh.nr_ids = 1 + (size % 8);
	fh.get = fake_get;
	fh.set = fake_set;
	fh.opaque = &host;
	memset(&rep, 0, sizeof(rep));
	r = fwprofile_apply(&p, &fh, &rep);
	for (unsigned int i = 0; i < rep.nr; i++) {
		char buf[512];

		if (fwprofile_verdict_refuses(rep.issues[i].verdict))
			refused++;
		fwprofile_issue_str(&rep.issues[i], buf, sizeof(buf));
		if (!buf[0])
			abort();
	}
	if (refused != rep.nr_refused || (r == 0) != (refused == 0))
		abort();
	return 0;
}
