// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command-line value parsers: sizes (--mem), numbers with bounds
 * (--cpus, --max-resets, --timeout), PSCI versions (--psci) and --user
 * ids. The input is one value; the first byte also picks the bounds.
 * Invariants: results are within bounds, a size round-trips through its
 * printed value, and a PSCI version accepted prints back to the same text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pinvm/caps.h"
#include "pinvm/parse.h"
#include "pinvm/psci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t bounds[][2] = {
		{ 1, 512 }, { 0, 1000000 }, { 1, 31536000 }, { 0, UINT64_MAX },
	};
	char s[64], back[32];
	uint64_t v, lo, hi;
	uint32_t ver;
	struct caps_user u;
	int r;

	if (size == 0 || size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	lo = bounds[data[0] % 4][0];
	hi = bounds[data[0] % 4][1];

	r = parse_size(s, &v);
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
	if (r == 0) {
		uint64_t again;

		snprintf(back, sizeof(back), "%" PRIu64, v);
		if (parse_size(back, &again) || again != v)
			abort();
	}

	r = parse_uint(s, lo, hi, &v);
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
	if (r == 0 && (v < lo || v > hi))
		abort();

	if (psci_parse_version(s, &ver) == 0 && ver != PSCI_PIN_HOST) {
		psci_version_str(ver, back, sizeof(back));
		if (strcmp(back, s))
			abort();
	}

	if (caps_parse_ids(s, &u) == 0 && (u.uid == (uid_t)-1 || u.gid == (gid_t)-1))
		abort();
	return 0;
}
