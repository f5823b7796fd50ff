// SPDX-License-Identifier: GPL-2.0-only
/*
 * dtb: every node and property dtb_build() writes, read back through
 * libfdt's read API, for 1/2/4/512 CPUs, GICv2 and v3, with and without
 * initrd and bootargs, and every PSCI version; the error paths; the random
 * seeds of /chosen, written in place without moving any other byte; then a
 * comparison of dtc's decompiled text, seeds masked, with the golden
 * dtb/<case>.dts files (see docs/device-tree.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "harness.h"
#include "pinvm/dtb.h"
#include "pinvm/layout.h"

#define PSCI(maj, min)	(((uint32_t)(maj) << 16) | (min))
#define MiB		(1024ULL * 1024)
#define UART_CLOCK	1843200
#define BOOTARGS	"console=ttyS0 earlycon root=/dev/vda"
#define INITRD_START	0x8f000000ULL
#define INITRD_END	0x8f123457ULL
#define MAX_CPUS	LAYOUT_MAX_VCPUS

static uint64_t mpidrs[MAX_CPUS];
static uint8_t blob[LAYOUT_DTB_MAX_SIZE];

/* As KVM resets MPIDR_EL1: Aff0 = id & 0xf, Aff1 = id >> 4, bit 31 RES1. */
static uint64_t kvm_mpidr(unsigned int id)
{
	return 0x80000000ULL | (id & 0xf) | (((id >> 4) & 0xff) << 8) |
	       (((uint64_t)(id >> 12) & 0xff) << 16);
}

static void reset_mpidrs(void)
{
	unsigned int i;

	for (i = 0; i < MAX_CPUS; i++)
		mpidrs[i] = kvm_mpidr(i);
}

static struct dtb_config make_cfg(unsigned int nr_cpus, enum dtb_gic gic, uint32_t psci,
				  const char *bootargs, int initrd)
{
	struct dtb_config cfg = {
		.ram_base = LAYOUT_RAM_BASE,
		.ram_size = 256 * MiB,
		.nr_cpus = nr_cpus,
		.mpidr = mpidrs,
		.gic = gic,
		.gic_dist_base = LAYOUT_GIC_DIST_BASE,
		.gic_dist_size = LAYOUT_GIC_DIST_SIZE,
		.gic_redist_base = LAYOUT_GIC_DIST_BASE - nr_cpus * LAYOUT_GIC_REDIST_SIZE,
		.gic_redist_size = nr_cpus * LAYOUT_GIC_REDIST_SIZE,
		.gic_cpuif_base = LAYOUT_GIC_CPUIF_BASE,
		.gic_cpuif_size = LAYOUT_GIC_CPUIF_SIZE,
		.uart_base = LAYOUT_UART_BASE,
		.uart_size = LAYOUT_UART_SIZE,
		.uart_spi = LAYOUT_UART_SPI,
		.uart_clock = UART_CLOCK,
		.psci_version = psci,
		.bootargs = bootargs,
	};

	reset_mpidrs();
	if (initrd) {
		cfg.initrd_start = INITRD_START;
		cfg.initrd_end = INITRD_END;
	}
	return cfg;
}

static void build(const struct dtb_config *cfg)
{
	int r;

	memset(blob, 0xee, sizeof(blob));
	r = dtb_build(cfg, blob, sizeof(blob));
	ck_assert_msg(r == 0, "dtb_build: %d", r);
	ck_assert_int_eq(fdt_check_header(blob), 0);
	ck_assert_uint_le(fdt_totalsize(blob), sizeof(blob));
	ck_assert_uint_eq(fdt_num_mem_rsv(blob), 0);
}

/* ---- property helpers: readable failures, dtc tests/ style ---- */

static int node(const char *path)
{
	int off = fdt_path_offset(blob, path);

	ck_assert_msg(off >= 0, "%s: no such node (%s)", path, fdt_strerror(off));
	return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
	const void *p = fdt_getprop(blob, node(path), name, len);

	ck_assert_msg(p, "%s: no property %s", path, name);
	return p;
}

static void assert_absent(const char *path, const char *name)
{
	int len;

	ck_assert_msg(!fdt_getprop(blob, node(path), name, &len), "%s: unexpected %s", path, name);
}

static void assert_empty(const char *path, const char *name)
{
	int len;

	prop(path, name, &len);
	ck_assert_msg(len == 0, "%s: %s has %d bytes, want none", path, name, len);
}

/* A string or string list, given with its NULs: "a\0b" with len 4. */
static void assert_strs(const char *path, const char *name, const char *want, int want_len)
{
	int len;
	const char *p = prop(path, name, &len);

	ck_assert_msg(len == want_len && memcmp(p, want, len) == 0,
		      "%s: %s is \"%.*s\" (%d bytes), want \"%s\" (%d bytes)",
		      path, name, len, p, len, want, want_len);
}

#define assert_str(path, name, lit)	assert_strs(path, name, lit, (int)sizeof(lit))

static void assert_str_dyn(const char *path, const char *name, const char *want)
{
	assert_strs(path, name, want, (int)strlen(want) + 1);
}

static void assert_cells(const char *path, const char *name, const uint32_t *want, int n)
{
	int len, i;
	const fdt32_t *p = prop(path, name, &len);

	ck_assert_msg(len == n * 4, "%s: %s has %d bytes, want %d", path, name, len, n * 4);
	for (i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i], "%s: %s cell %d is %#x, want %#x",
			      path, name, i, fdt32_to_cpu(p[i]), want[i]);
}

static void assert_cell(const char *path, const char *name, uint32_t want)
{
	assert_cells(path, name, &want, 1);
}

static void assert_u64s(const char *path, const char *name, const uint64_t *want, int n)
{
	int len, i;
	const fdt64_t *p = prop(path, name, &len);

	ck_assert_msg(len == n * 8, "%s: %s has %d bytes, want %d", path, name, len, n * 8);
	for (i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, &p[i], 8);	/* properties are only 4-byte aligned */
		v = fdt64_to_cpu(v);
		ck_assert_msg(v == want[i], "%s: %s u64 %d is %#llx, want %#llx", path, name, i,
			      (unsigned long long)v, (unsigned long long)want[i]);
	}
}

static int count_subnodes(const char *path)
{
	int n = 0, off;

	fdt_for_each_subnode(off, blob, node(path))
		n++;
	return n;
}

/* ---- per-node checks ---- */

static void check_root(unsigned int nr_virtio)
{
	uint32_t phandle = fdt_get_phandle(blob, node("/intc@3fff0000"));

	assert_str("/", "compatible", "linux,dummy-virt");
	assert_cell("/", "#address-cells", 2);
	assert_cell("/", "#size-cells", 2);
	ck_assert_uint_ne(phandle, 0);
	assert_cell("/", "interrupt-parent", phandle);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, phandle), node("/intc@3fff0000"));
	/* chosen, memory, cpus, psci, intc, timer, uart, one virtio per disk: nothing else */
	ck_assert_int_eq(count_subnodes("/"), 7 + (int)nr_virtio);
	node("/timer");
	node("/psci");
}

/* /chosen's seeds: rng-seed is DTB_RNG_SEED_SIZE bytes of @rng_byte + i * @step. */
static void check_seeds_pattern(uint8_t rng_byte, uint8_t step, uint64_t kaslr)
{
	const uint8_t *rng;
	int len, i;

	assert_u64s("/chosen", "kaslr-seed", &kaslr, 1);
	rng = prop("/chosen", "rng-seed", &len);
	ck_assert_int_eq(len, DTB_RNG_SEED_SIZE);
	for (i = 0; i < len; i++)
		ck_assert_msg(rng[i] == (uint8_t)(rng_byte + i * step), "rng-seed byte %d is %#x", i,
			      rng[i]);
}

/* As dtb_build() leaves them: zeros. */
static void check_seeds(uint8_t rng_byte, uint64_t kaslr)
{
	check_seeds_pattern(rng_byte, 0, kaslr);
}

static void check_chosen(const struct dtb_config *cfg)
{
	int len;
	const char *path;

	if (cfg->bootargs && cfg->bootargs[0])
		assert_str_dyn("/chosen", "bootargs", cfg->bootargs);
	else
		assert_absent("/chosen", "bootargs");

	if (cfg->initrd_start) {
		assert_u64s("/chosen", "linux,initrd-start", &cfg->initrd_start, 1);
		assert_u64s("/chosen", "linux,initrd-end", &cfg->initrd_end, 1);
	} else {
		assert_absent("/chosen", "linux,initrd-start");
		assert_absent("/chosen", "linux,initrd-end");
	}

	assert_str("/chosen", "stdout-path", "/serial@1000000");
	path = prop("/chosen", "stdout-path", &len);
	ck_assert_int_eq(fdt_path_offset(blob, path), node("/serial@1000000"));
	ck_assert_int_eq(count_subnodes("/chosen"), 0);
	check_seeds(0, 0);
}

static void check_memory(const struct dtb_config *cfg)
{
	const uint64_t reg[] = { 0x80000000ULL, cfg->ram_size };

	assert_str("/memory@80000000", "device_type", "memory");
	assert_u64s("/memory@80000000", "reg", reg, 2);
}

static void check_cpus(const struct dtb_config *cfg)
{
	unsigned int i;
	char path[64];

	assert_cell("/cpus", "#address-cells", 1);
	assert_cell("/cpus", "#size-cells", 0);
	ck_assert_int_eq(count_subnodes("/cpus"), (int)cfg->nr_cpus);

	for (i = 0; i < cfg->nr_cpus; i++) {
		/* reg drops bit 31 (RES1) of MPIDR_EL1 */
		uint32_t reg = (uint32_t)(cfg->mpidr[i] & 0xffffff);

		snprintf(path, sizeof(path), "/cpus/cpu@%x", reg);
		assert_str(path, "device_type", "cpu");
		assert_str(path, "compatible", "arm,arm-v8");
		assert_cell(path, "reg", reg);
		if (cfg->nr_cpus > 1)
			assert_str(path, "enable-method", "psci");
		else
			assert_absent(path, "enable-method");
	}
}

static void check_psci(const struct dtb_config *cfg)
{
	assert_str("/psci", "method", "hvc");
	switch (cfg->psci_version) {
	case PSCI(0, 1):
		assert_str("/psci", "compatible", "arm,psci");
		assert_cell("/psci", "cpu_suspend", 0x95c1ba5e);
		assert_cell("/psci", "cpu_off", 0x95c1ba5f);
		assert_cell("/psci", "cpu_on", 0x95c1ba60);
		assert_cell("/psci", "migrate", 0x95c1ba61);
		return;
	case PSCI(0, 2):
		assert_str("/psci", "compatible", "arm,psci-0.2");
		break;
	default:
		ck_assert_uint_ge(cfg->psci_version, PSCI(1, 0));
		assert_str("/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2");
		break;
	}
	/* 0.2 and later: the OS finds the ids through PSCI_VERSION */
	assert_absent("/psci", "cpu_suspend");
	assert_absent("/psci", "cpu_off");
	assert_absent("/psci", "cpu_on");
	assert_absent("/psci", "migrate");
}

static void check_intc(const struct dtb_config *cfg)
{
	const char *p = "/intc@3fff0000";

	if (cfg->gic == DTB_GIC_V3) {
		const uint64_t reg[] = {
			0x3fff0000, 0x10000,
			0x3fff0000 - cfg->nr_cpus * 0x20000ULL, cfg->nr_cpus * 0x20000ULL,
		};

		assert_str(p, "compatible", "arm,gic-v3");
		assert_u64s(p, "reg", reg, 4);
	} else {
		const uint64_t reg[] = { 0x3fff0000, 0x10000, 0x3ffd0000, 0x2000 };

		assert_str(p, "compatible", "arm,cortex-a15-gic");
		assert_u64s(p, "reg", reg, 4);
	}
	assert_empty(p, "interrupt-controller");
	assert_cell(p, "#interrupt-cells", 3);
	ck_assert_uint_eq(fdt_get_phandle(blob, node(p)), 1);
	/* no children: no address space, but dtc 1.6 wants the property */
	assert_cell(p, "#address-cells", 0);
	assert_absent(p, "#size-cells");
	assert_absent(p, "ranges");
	ck_assert_int_eq(count_subnodes(p), 0);
}

static void check_timer(const struct dtb_config *cfg)
{
	uint32_t f = 0x8;	/* IRQ_TYPE_LEVEL_LOW */
	uint32_t want[12];

	if (cfg->gic == DTB_GIC_V2)
		f |= ((1U << (cfg->nr_cpus > 8 ? 8 : cfg->nr_cpus)) - 1) << 8;
	/* <GIC_PPI n flags>: secure 13, non-secure 14, virtual 11, hyp 10 */
	memcpy(want, (uint32_t[]){ 1, 13, f, 1, 14, f, 1, 11, f, 1, 10, f }, sizeof(want));

	assert_str("/timer", "compatible", "arm,armv8-timer");
	assert_cells("/timer", "interrupts", want, 12);
	assert_empty("/timer", "always-on");
}

static void check_uart(void)
{
	const uint64_t reg[] = { 0x1000000, 0x100 };
	const uint32_t irq[] = { 0, 0, 4 };	/* GIC_SPI 0, IRQ_TYPE_LEVEL_HIGH */

	assert_str("/serial@1000000", "compatible", "ns16550a");
	assert_u64s("/serial@1000000", "reg", reg, 2);
	assert_cells("/serial@1000000", "interrupts", irq, 3);
	assert_cell("/serial@1000000", "clock-frequency", 1843200);
}

static void check_all(const struct dtb_config *cfg)
{
	build(cfg);
	check_root(cfg->nr_virtio);
	check_chosen(cfg);
	check_memory(cfg);
	check_cpus(cfg);
	check_psci(cfg);
	check_intc(cfg);
	check_timer(cfg);
	check_uart();
}

/* ---- structure tests ---- */

static const uint32_t psci_versions[] = {
	PSCI(0, 1), PSCI(0, 2), PSCI(1, 0), PSCI(1, 1), PSCI(1, 2), PSCI(1, 3),
};

/* every PSCI version x {1, 4 CPUs} x {GICv2, v3} x {initrd+bootargs, none} */
START_TEST(test_matrix)
{
	static const unsigned int cpus[] = { 1, 4 };
	static const enum dtb_gic gics[] = { DTB_GIC_V2, DTB_GIC_V3 };
	unsigned int i = (unsigned int)_i;
	uint32_t psci = psci_versions[i % 6];
	unsigned int nr = cpus[(i / 6) % 2];
	enum dtb_gic gic = gics[(i / 12) % 2];
	int extras = (i / 24) % 2;
	struct dtb_config cfg = make_cfg(nr, gic, psci, extras ? BOOTARGS : NULL, extras);

	check_all(&cfg);
}
END_TEST

START_TEST(test_empty_bootargs)
{
	struct dtb_config cfg = make_cfg(1, DTB_GIC_V3, PSCI(1, 1), "", 0);

	check_all(&cfg);
	assert_absent("/chosen", "bootargs");
}
END_TEST

START_TEST(test_gicv2_cpu_mask)
{
	/* one bit per CPU in the timer PPI flags, at most 8 */
	static const unsigned int nr[] = { 1, 2, 8, 9, 64 };
	static const uint32_t want[] = { 0x108, 0x308, 0xff08, 0xff08, 0xff08 };
	unsigned int i;
	int len;

	for (i = 0; i < 5; i++) {
		struct dtb_config cfg = make_cfg(nr[i], DTB_GIC_V2, PSCI(1, 0), NULL, 0);
		const fdt32_t *p;

		build(&cfg);
		p = prop("/timer", "interrupts", &len);
		ck_assert_uint_eq(fdt32_to_cpu(p[2]), want[i]);
		ck_assert_uint_eq(fdt32_to_cpu(p[11]), want[i]);
	}
}
END_TEST

START_TEST(test_many_cpus)
{
	struct dtb_config cfg = make_cfg(MAX_CPUS, DTB_GIC_V3, PSCI(1, 1), BOOTARGS, 1);

	/* the largest machine still fits the DTB space the loader reserves */
	check_all(&cfg);
	/* KVM's MPIDR for vCPU 511: Aff1 0x1f, Aff0 0xf */
	assert_cell("/cpus/cpu@1f0f", "reg", 0x1f0f);
	assert_cell("/cpus/cpu@100", "reg", 0x100);
}
END_TEST

START_TEST(test_aff3)
{
	struct dtb_config cfg = make_cfg(2, DTB_GIC_V3, PSCI(1, 0), NULL, 0);
	const uint64_t reg = 0x0100000001ULL;

	mpidrs[1] = 0x80000000ULL | (1ULL << 32) | 1;
	build(&cfg);
	assert_cell("/cpus", "#address-cells", 2);
	assert_u64s("/cpus/cpu@0", "reg", (const uint64_t[]){ 0 }, 1);
	assert_u64s("/cpus/cpu@100000001", "reg", &reg, 1);
}
END_TEST

START_TEST(test_mpidr_masked)
{
	struct dtb_config cfg = make_cfg(2, DTB_GIC_V3, PSCI(1, 0), NULL, 0);

	/* MT (24), U (30), RES1 (31) and RES0 bits 40+ are not affinity */
	mpidrs[0] = 0xffffff00c1000000ULL | 0x000102;
	mpidrs[1] = 0x0000000080000203ULL;
	build(&cfg);
	assert_cell("/cpus/cpu@102", "reg", 0x102);
	assert_cell("/cpus/cpu@203", "reg", 0x203);
}
END_TEST

START_TEST(test_other_addresses)
{
	struct dtb_config cfg = make_cfg(1, DTB_GIC_V3, PSCI(1, 0), NULL, 0);

	/* node names follow the configured addresses */
	cfg.ram_base = 0x40000000;
	cfg.uart_base = 0x9000000;
	cfg.uart_spi = 33;
	build(&cfg);
	node("/memory@40000000");
	assert_str("/chosen", "stdout-path", "/serial@9000000");
	assert_cells("/serial@9000000", "interrupts", (const uint32_t[]){ 0, 33, 4 }, 3);
}
END_TEST

/* ---- the random seeds ---- */

static const uint8_t zero_seed[DTB_RNG_SEED_SIZE];

/* The seeds back to zero, as golden comparisons see the tree. */
static void mask_seeds(void *fdt)
{
	ck_assert_int_eq(dtb_set_seeds(fdt, zero_seed, 0), 0);
}

/* The offsets in @fdt of the two seed values: [*rng, +64) and [*kaslr, +8). */
static void seed_offsets(const void *fdt, size_t *rng, size_t *kaslr)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;

	ck_assert_int_ge(chosen, 0);
	*rng = (size_t)((const uint8_t *)fdt_getprop(fdt, chosen, "rng-seed", &len) -
			(const uint8_t *)fdt);
	*kaslr = (size_t)((const uint8_t *)fdt_getprop(fdt, chosen, "kaslr-seed", &len) -
			  (const uint8_t *)fdt);
}

START_TEST(test_set_seeds_in_place)
{
	struct dtb_config cfg = make_cfg(4, DTB_GIC_V3, PSCI(1, 1), BOOTARGS, 1);
	static uint8_t pristine[LAYOUT_DTB_MAX_SIZE];
	uint8_t rng[DTB_RNG_SEED_SIZE];
	size_t size, rng_off, kaslr_off, i;

	build(&cfg);
	size = fdt_totalsize(blob);
	memcpy(pristine, blob, size);
	for (i = 0; i < sizeof(rng); i++)
		rng[i] = (uint8_t)(0x80 + i * 3);
	ck_assert_int_eq(dtb_set_seeds(blob, rng, 0x0123456789abcdefULL), 0);
	check_seeds_pattern(0x80, 3, 0x0123456789abcdefULL);
	ck_assert_uint_eq(fdt_totalsize(blob), size);
	ck_assert_int_eq(fdt_check_full(blob, size), 0);

	/* Not one byte outside the two values changed... */
	seed_offsets(blob, &rng_off, &kaslr_off);
	for (i = 0; i < size; i++) {
		bool in_seed = (i >= rng_off && i < rng_off + DTB_RNG_SEED_SIZE) ||
			       (i >= kaslr_off && i < kaslr_off + 8);

		if (!in_seed)
			ck_assert_msg(blob[i] == pristine[i], "byte %zu changed", i);
	}
	/* ...so masking them gives back exactly what dtb_build() wrote. */
	mask_seeds(blob);
	ck_assert_int_eq(memcmp(blob, pristine, size), 0);
}
END_TEST

START_TEST(test_new_seeds)
{
	struct dtb_config cfg = make_cfg(1, DTB_GIC_V3, PSCI(1, 0), NULL, 0);
	static uint8_t first[LAYOUT_DTB_MAX_SIZE];
	const uint8_t *rng1, *rng2;
	uint64_t kaslr1, kaslr2;
	size_t size, rng_off, kaslr_off;

	build(&cfg);
	size = fdt_totalsize(blob);
	ck_assert_int_eq(dtb_new_seeds(blob), 0);
	memcpy(first, blob, size);
	ck_assert_int_eq(dtb_new_seeds(blob), 0);
	seed_offsets(blob, &rng_off, &kaslr_off);
	rng1 = first + rng_off;
	rng2 = blob + rng_off;
	memcpy(&kaslr1, first + kaslr_off, 8);
	memcpy(&kaslr2, blob + kaslr_off, 8);
	/* Two boots, two seeds: neither zero, nor the same (odds 2^-512, 2^-64). */
	ck_assert(memcmp(rng1, zero_seed, DTB_RNG_SEED_SIZE) != 0);
	ck_assert(memcmp(rng2, zero_seed, DTB_RNG_SEED_SIZE) != 0);
	ck_assert(memcmp(rng1, rng2, DTB_RNG_SEED_SIZE) != 0);
	ck_assert(kaslr1 != 0 && kaslr2 != 0 && kaslr1 != kaslr2);
	mask_seeds(blob);
	mask_seeds(first);
	ck_assert_int_eq(memcmp(blob, first, size), 0);
}
END_TEST

START_TEST(test_set_seeds_errors)
{
	static uint8_t other[4096];

	ck_assert_int_eq(dtb_set_seeds(NULL, zero_seed, 0), -EINVAL);
	ck_assert_int_eq(dtb_new_seeds(NULL), -EINVAL);
	/* Not a tree, a tree without /chosen, a /chosen without room for the seeds. */
	memset(other, 0, sizeof(other));
	ck_assert_int_eq(dtb_set_seeds(other, zero_seed, 0), -EINVAL);
	ck_assert_int_eq(fdt_create_empty_tree(other, sizeof(other)), 0);
	ck_assert_int_eq(dtb_set_seeds(other, zero_seed, 0), -EINVAL);
	ck_assert_int_ge(fdt_add_subnode(other, 0, "chosen"), 0);
	ck_assert_int_eq(dtb_set_seeds(other, zero_seed, 0), -EINVAL);
	ck_assert_int_eq(fdt_setprop(other, fdt_path_offset(other, "/chosen"), "rng-seed",
				     zero_seed, 32), 0);
	ck_assert_int_eq(fdt_setprop_u64(other, fdt_path_offset(other, "/chosen"), "kaslr-seed",
					 0), 0);
	ck_assert_int_eq(dtb_set_seeds(other, zero_seed, 0), -EINVAL);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_nospace)
{
	struct dtb_config cfg = make_cfg(4, DTB_GIC_V3, PSCI(1, 1), BOOTARGS, 1);
	static uint8_t small[LAYOUT_DTB_MAX_SIZE];
	uint32_t need;

	build(&cfg);
	need = fdt_totalsize(blob);

	ck_assert_int_eq(dtb_build(&cfg, small, 0), -ENOSPC);
	ck_assert_int_eq(dtb_build(&cfg, small, 16), -ENOSPC);
	ck_assert_int_eq(dtb_build(&cfg, small, need / 2), -ENOSPC);
	ck_assert_int_eq(dtb_build(&cfg, small, need - 1), -ENOSPC);
	/* exactly the packed size is enough, and gives the same bytes */
	ck_assert_int_eq(dtb_build(&cfg, small, need), 0);
	ck_assert_int_eq(memcmp(small, blob, need), 0);
}
END_TEST

START_TEST(test_einval)
{
	struct dtb_config good = make_cfg(2, DTB_GIC_V3, PSCI(1, 0), NULL, 0), cfg;

	ck_assert_int_eq(dtb_build(NULL, blob, sizeof(blob)), -EINVAL);
	ck_assert_int_eq(dtb_build(&good, NULL, sizeof(blob)), -EINVAL);

#define BAD(stmt)							\
	do {								\
		cfg = good;						\
		reset_mpidrs();						\
		stmt;							\
		ck_assert_msg(dtb_build(&cfg, blob, sizeof(blob)) == -EINVAL,	\
			      "accepted: " #stmt);			\
	} while (0)

	BAD(cfg.nr_cpus = 0);
	BAD(cfg.nr_cpus = LAYOUT_MAX_VCPUS + 1);
	BAD(cfg.mpidr = NULL);
	BAD(mpidrs[1] = mpidrs[0]);
	BAD(mpidrs[1] = mpidrs[0] | (1ULL << 30));	/* same affinity */
	BAD(cfg.gic = 4);
	BAD(cfg.gic = 0);
	BAD(cfg.psci_version = 0);
	BAD(cfg.psci_version = PSCI(0, 3));
	BAD(cfg.psci_version = PSCI(2, 0));
	BAD(cfg.ram_size = 0);
	BAD(cfg.ram_base = UINT64_MAX - 0xfff);
	BAD(cfg.uart_size = 0);
	BAD(cfg.uart_spi = 988);
	BAD(cfg.gic_dist_size = 0);
	BAD(cfg.gic_redist_size = 0);
	BAD((cfg.gic = DTB_GIC_V2, cfg.gic_cpuif_size = 0));
	BAD((cfg.initrd_start = 0x90000000, cfg.initrd_end = 0x8f000000));
	BAD((cfg.initrd_start = 0x90000000, cfg.initrd_end = 0x90000000));
	BAD(cfg.initrd_end = 0x90000000);
	BAD((cfg.initrd_start = 0x7ffff000, cfg.initrd_end = 0x80001000));
	BAD((cfg.initrd_start = 0x8ffff000, cfg.initrd_end = 0x90000001));
#undef BAD

	/* a v2 config does not need redistributors, nor v3 a CPU interface */
	reset_mpidrs();
	cfg = good;
	cfg.gic_cpuif_size = 0;
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), 0);
	cfg.gic = DTB_GIC_V2;
	cfg.gic_cpuif_size = LAYOUT_GIC_CPUIF_SIZE;
	cfg.gic_redist_size = 0;
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), 0);
	/* an initrd that ends exactly at the top of RAM */
	cfg.initrd_start = 0x8ffff000;
	cfg.initrd_end = 0x90000000;
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), 0);
	/* PSCI 1.x beyond 1.3 is still "arm,psci-1.0" */
	cfg.psci_version = PSCI(1, 4);
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), 0);
	assert_str("/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2");
}
END_TEST

/* @n virtio-mmio windows where pinvm puts them (--disk). */
static void set_virtio(struct dtb_config *cfg, unsigned int n)
{
	cfg->nr_virtio = n;
	cfg->virtio_base = LAYOUT_VIRTIO_BASE;
	cfg->virtio_size = LAYOUT_VIRTIO_SIZE;
	cfg->virtio_spi = LAYOUT_VIRTIO_SPI;
}

START_TEST(test_virtio)
{
	struct dtb_config cfg = make_cfg(2, DTB_GIC_V3, PSCI(1, 1), BOOTARGS, 1);
	char path[64];

	set_virtio(&cfg, LAYOUT_MAX_DISKS);
	build(&cfg);
	for (unsigned int i = 0; i < LAYOUT_MAX_DISKS; i++) {
		uint64_t base = LAYOUT_VIRTIO_BASE + i * LAYOUT_VIRTIO_SIZE;
		const fdt32_t *irq;
		const fdt64_t *reg;
		int len;

		snprintf(path, sizeof(path), "/virtio@%llx", (unsigned long long)base);
		assert_str(path, "compatible", "virtio,mmio");
		reg = prop(path, "reg", &len);
		ck_assert_int_eq(len, 16);
		ck_assert_uint_eq(fdt64_to_cpu(reg[0]), base);
		ck_assert_uint_eq(fdt64_to_cpu(reg[1]), LAYOUT_VIRTIO_SIZE);
		irq = prop(path, "interrupts", &len);
		ck_assert_int_eq(len, 12);
		ck_assert_uint_eq(fdt32_to_cpu(irq[0]), 0);		/* SPI */
		ck_assert_uint_eq(fdt32_to_cpu(irq[1]), LAYOUT_VIRTIO_SPI + i);
		ck_assert_uint_eq(fdt32_to_cpu(irq[2]), 1);		/* edge rising */
		assert_empty(path, "dma-coherent");
	}
	/* in --disk order after the UART: vda is the first virtio node */
	ck_assert_int_gt(fdt_path_offset(blob, "/virtio@3000000"), fdt_path_offset(blob, "/serial@1000000"));
	ck_assert_int_gt(fdt_path_offset(blob, "/virtio@3000200"), fdt_path_offset(blob, "/virtio@3000000"));
	/* none without disks */
	set_virtio(&cfg, 0);
	build(&cfg);
	ck_assert_int_lt(fdt_path_offset(blob, "/virtio@3000000"), 0);
	/* refused: too many, a wrapping range, an SPI beyond 1019 */
	set_virtio(&cfg, 33);
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), -EINVAL);
	set_virtio(&cfg, 2);
	cfg.virtio_base = UINT64_MAX - LAYOUT_VIRTIO_SIZE;
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), -EINVAL);
	set_virtio(&cfg, 2);
	cfg.virtio_spi = 1019 - 32;
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), -EINVAL);
	cfg.virtio_size = 0;
	ck_assert_int_eq(dtb_build(&cfg, blob, sizeof(blob)), -EINVAL);
}
END_TEST

/* ---- golden files ---- */

struct golden {
	const char *name;
	unsigned int nr_cpus;
	enum dtb_gic gic;
	uint32_t psci;
	const char *bootargs;
	int initrd;
	unsigned int disks;
};

/* Keep in sync with docs/device-tree.md. */
static const struct golden goldens[] = {
	{ "psci-0.1", 2, DTB_GIC_V3, PSCI(0, 1), BOOTARGS, 1, 0 },
	{ "psci-0.2", 2, DTB_GIC_V3, PSCI(0, 2), BOOTARGS, 1, 0 },
	{ "psci-1.0", 2, DTB_GIC_V3, PSCI(1, 0), BOOTARGS, 1, 0 },
	{ "psci-1.1", 2, DTB_GIC_V3, PSCI(1, 1), BOOTARGS, 1, 0 },
	{ "psci-1.2", 2, DTB_GIC_V3, PSCI(1, 2), BOOTARGS, 1, 0 },
	{ "psci-1.3", 2, DTB_GIC_V3, PSCI(1, 3), BOOTARGS, 1, 0 },
	{ "gicv2-1cpu", 1, DTB_GIC_V2, PSCI(1, 1), NULL, 0, 0 },
	{ "gicv3-4cpu", 4, DTB_GIC_V3, PSCI(1, 1), "console=ttyS0", 0, 0 },
	{ "disks-2", 2, DTB_GIC_V3, PSCI(1, 3), BOOTARGS, 1, 2 },
};

/*
 * Decompile @fdt with the build machine's dtc (DTC_PATH, found by meson).
 * dtc must not warn. Returns the .dts text with our SPDX line on top
 * (malloc'd), as the golden .dts files carry it.
 */
static char *decompile(const void *fdt, const char *name)
{
	char *dir = harness_tmpdir(), *in, *out, *err, *cmd, *text, *errs, *res;
	size_t len, elen;
	int r;

	ck_assert_ptr_nonnull(dir);
	in = harness_path(dir, "in.dtb");
	out = harness_path(dir, "out.dts");
	err = harness_path(dir, "dtc.err");
	ck_assert_int_eq(harness_write_file(in, fdt, fdt_totalsize(fdt)), 0);
	ck_assert(asprintf(&cmd, "'%s' -I dtb -O dts -o '%s' '%s' 2>'%s'", DTC_PATH, out, in, err) > 0);
	r = system(cmd);
	ck_assert_msg(r == 0, "%s: '%s' failed (%d); is device-tree-compiler installed?", name, cmd, r);
	ck_assert_int_eq(harness_read_file(err, (void **)&errs, &elen), 0);
	ck_assert_msg(elen == 0, "%s: dtc warns: %s", name, errs);
	ck_assert_int_eq(harness_read_file(out, (void **)&text, &len), 0);
	ck_assert(asprintf(&res, "// SPDX-License-Identifier: GPL-2.0-only\n%s", text) > 0);
	free(text);
	free(errs);
	free(cmd);
	free(in);
	free(out);
	free(err);
	harness_rmtree(dir);
	free(dir);
	return res;
}

START_TEST(test_golden)
{
	const struct golden *g = &goldens[_i];
	struct dtb_config cfg = make_cfg(g->nr_cpus, g->gic, g->psci, g->bootargs, g->initrd);
	char name[64];

	set_virtio(&cfg, g->disks);
	char *path, *dts;
	int r;

	/* structure first: a golden file must never bless a wrong tree */
	check_all(&cfg);
	/* a boot's seeds, masked again: the golden text shows zeros */
	ck_assert_int_eq(dtb_new_seeds(blob), 0);
	mask_seeds(blob);

	/* then the whole tree, as dtc shows it, against the reviewed dtb/<case>.dts */
	snprintf(name, sizeof(name), "%s.dts", g->name);
	dts = decompile(blob, name);
	path = harness_path(TOP_SRCDIR "/dtb", name);
	r = harness_golden_compare(path, dts, strlen(dts));
	ck_assert_msg(r == 0, "%s: %s (see docs/device-tree.md to update)", path,
		      r == 1 ? "differs" : "cannot be read");
	free(dts);
	free(path);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *dtb_suite(void)
{
	Suite *s = suite_create("dtb");
	TCase *tc;

	tc = tcase_create("structure");
	tcase_add_loop_test(tc, test_matrix, 0, 48);
	tcase_add_test(tc, test_empty_bootargs);
	tcase_add_test(tc, test_gicv2_cpu_mask);
	tcase_add_test(tc, test_many_cpus);
	tcase_add_test(tc, test_aff3);
	tcase_add_test(tc, test_mpidr_masked);
	tcase_add_test(tc, test_other_addresses);
	tcase_add_test(tc, test_virtio);
	suite_add_tcase(s, tc);

	tc = tcase_create("seeds");
	tcase_add_test(tc, test_set_seeds_in_place);
	tcase_add_test(tc, test_new_seeds);
	tcase_add_test(tc, test_set_seeds_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_nospace);
	tcase_add_test(tc, test_einval);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_loop_test(tc, test_golden, 0, N(goldens));
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return harness_run(dtb_suite());
}
