/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device tree as this boot got it: "seeds" prints /chosen's rng-seed
 * and kaslr-seed, then asks for SYSTEM_RESET, so that a host test that
 * allows restarts sees one line per boot and can compare them.
 */
#include <stdint.h>

#include "dt.h"
#include "print.h"
#include "psci.h"
#include "tests.h"

#define SEEDS_MAX_RNG	64

void test_seeds(void)
{
	int chosen = dt_path("/chosen");
	uint32_t rng_len = 0, kaslr_len = 0;
	const uint8_t *rng = dt_prop(chosen, "rng-seed", &rng_len);
	const void *kaslr = dt_prop(chosen, "kaslr-seed", &kaslr_len);
	char hex[2 * SEEDS_MAX_RNG + 1] = "";
	int64_t r;

	if (!rng || !kaslr || kaslr_len != 8 || rng_len > SEEDS_MAX_RNG) {
		say("seeds missing: rng-seed %s (%u bytes), kaslr-seed %s (%u bytes)",
		    rng ? "present" : "absent", rng_len, kaslr ? "present" : "absent", kaslr_len);
		psci_system_off();
	}
	for (uint32_t i = 0; i < rng_len; i++)
		print_format(hex + 2 * i, 3, "%02x", rng[i]);
	say("seeds rng-seed %u %s kaslr-seed 0x%016llx", rng_len, hex,
	    (unsigned long long)dt_cells(kaslr, 2));
	r = psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);
	say("reset returned %ld", r);
	psci_system_off();
}
