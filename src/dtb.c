// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device tree for the guest, written with libfdt's sequential-write API:
 * one static dtb_add_<node>() per node, called in order by dtb_build().
 * Pure: the machine description comes in a struct dtb_config and nothing
 * here talks to KVM. Helpers return libfdt's negative FDT_ERR_* codes;
 * dtb_build() turns them into -errno at its boundary. The one exception is
 * dtb_new_seeds(), which asks getrandom(2) for the boot's random seeds.
 */
#include "pinvm/dtb.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/random.h>

#include <libfdt.h>

#include "pinvm/layout.h"

/* Return the libfdt error of @expr to the caller. */
#define DTB_TRY(expr)				\
	do {					\
		int dtb_try_r = (expr);		\
		if (dtb_try_r < 0)		\
			return dtb_try_r;	\
	} while (0)

#define DTB_PHANDLE_GIC		1

/* GIC interrupt specifier: <type number flags> (bindings/interrupt-controller/arm,gic.yaml) */
#define DTB_GIC_SPI		0
#define DTB_GIC_PPI		1
#define DTB_IRQ_EDGE_RISING	1
#define DTB_IRQ_LEVEL_HIGH	4
#define DTB_IRQ_LEVEL_LOW	8
/* GICv2 only: PPI flags bits 8-15 list the CPUs the PPI is wired to */
#define DTB_GICV2_CPU_SHIFT	8
#define DTB_GICV2_MAX_CPUS	8

/* The CPU node reg: MPIDR affinity Aff3 (bits 39-32) and Aff2..Aff0 */
#define DTB_MPIDR_AFF_MASK	0xff00ffffffULL
#define DTB_MPIDR_AFF3_MASK	0xff00000000ULL

/* KVM's PSCI 0.1 function ids (KVM_PSCI_FN_BASE 0x95c1ba5e + n) */
#define DTB_PSCI_0_1_CPU_SUSPEND	0x95c1ba5eU
#define DTB_PSCI_0_1_CPU_OFF		0x95c1ba5fU
#define DTB_PSCI_0_1_CPU_ON		0x95c1ba60U
#define DTB_PSCI_0_1_MIGRATE		0x95c1ba61U

#define DTB_PSCI_MAJOR(v)	((v) >> 16)
#define DTB_PSCI_MINOR(v)	((v) & 0xffff)

#define DTB_MAX_CELLS		12

/* A string literal as a string-list property, terminating NUL included. */
#define DTB_PROP_STRLIST(fdt, name, lit)	fdt_property(fdt, name, lit, sizeof(lit))

static int dtb_prop_u32s(void *fdt, const char *name, const uint32_t *v, unsigned int n)
{
	fdt32_t cells[DTB_MAX_CELLS];
	unsigned int i;

	if (n > DTB_MAX_CELLS)
		return -FDT_ERR_BADVALUE;
	for (i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, cells, (int)(n * sizeof(cells[0])));
}

/* Pairs of 64-bit (address, size): two cells each under the root. */
static int dtb_prop_u64s(void *fdt, const char *name, const uint64_t *v, unsigned int n)
{
	fdt64_t cells[DTB_MAX_CELLS / 2];
	unsigned int i;

	if (n > DTB_MAX_CELLS / 2)
		return -FDT_ERR_BADVALUE;
	for (i = 0; i < n; i++)
		cells[i] = cpu_to_fdt64(v[i]);
	return fdt_property(fdt, name, cells, (int)(n * sizeof(cells[0])));
}

static uint64_t dtb_cpu_reg(const struct dtb_config *cfg, unsigned int i)
{
	return cfg->mpidr[i] & DTB_MPIDR_AFF_MASK;
}

static const uint8_t dtb_zero_seed[DTB_RNG_SEED_SIZE];

static int dtb_add_chosen(void *fdt, const struct dtb_config *cfg)
{
	char path[32];

	DTB_TRY(fdt_begin_node(fdt, "chosen"));
	if (cfg->bootargs && cfg->bootargs[0])
		DTB_TRY(fdt_property_string(fdt, "bootargs", cfg->bootargs));
	if (cfg->initrd_start || cfg->initrd_end) {
		DTB_TRY(fdt_property_u64(fdt, "linux,initrd-start", cfg->initrd_start));
		DTB_TRY(fdt_property_u64(fdt, "linux,initrd-end", cfg->initrd_end));
	}
	snprintf(path, sizeof(path), "/serial@%llx", (unsigned long long)cfg->uart_base);
	DTB_TRY(fdt_property_string(fdt, "stdout-path", path));
	/*
	 * Room for the boot's random seeds, zero here so that everything
	 * dtb_build() writes is deterministic; dtb_set_seeds() fills them in
	 * place on every boot (bindings: dt-schema chosen.yaml).
	 */
	DTB_TRY(fdt_property_u64(fdt, "kaslr-seed", 0));
	DTB_TRY(fdt_property(fdt, "rng-seed", dtb_zero_seed, sizeof(dtb_zero_seed)));
	return fdt_end_node(fdt);
}

static int dtb_add_memory(void *fdt, const struct dtb_config *cfg)
{
	const uint64_t reg[] = { cfg->ram_base, cfg->ram_size };
	char name[32];

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)cfg->ram_base);
	DTB_TRY(fdt_begin_node(fdt, name));
	DTB_TRY(fdt_property_string(fdt, "device_type", "memory"));
	DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 2));
	return fdt_end_node(fdt);
}

static int dtb_add_cpus(void *fdt, const struct dtb_config *cfg)
{
	unsigned int i, addr_cells = 1;
	char name[32];

	/* Two address cells only when some MPIDR uses Aff3. */
	for (i = 0; i < cfg->nr_cpus; i++)
		if (cfg->mpidr[i] & DTB_MPIDR_AFF3_MASK)
			addr_cells = 2;

	DTB_TRY(fdt_begin_node(fdt, "cpus"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", addr_cells));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 0));

	for (i = 0; i < cfg->nr_cpus; i++) {
		uint64_t reg = dtb_cpu_reg(cfg, i);

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)reg);
		DTB_TRY(fdt_begin_node(fdt, name));
		DTB_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		if (addr_cells == 2)
			DTB_TRY(fdt_property_u64(fdt, "reg", reg));
		else
			DTB_TRY(fdt_property_cell(fdt, "reg", (uint32_t)reg));
		/* A single CPU is never started with CPU_ON. */
		if (cfg->nr_cpus > 1)
			DTB_TRY(fdt_property_string(fdt, "enable-method", "psci"));
		DTB_TRY(fdt_end_node(fdt));
	}

	return fdt_end_node(fdt);
}

/*
 * bindings/arm/psci.yaml: "arm,psci" is PSCI 0.1 and needs the function
 * ids; "arm,psci-0.2" and "arm,psci-1.0" are found through PSCI_VERSION.
 * There is no compatible for 1.1 and later.
 */
static int dtb_add_psci(void *fdt, const struct dtb_config *cfg)
{
	uint32_t major = DTB_PSCI_MAJOR(cfg->psci_version);

	DTB_TRY(fdt_begin_node(fdt, "psci"));
	if (major >= 1)
		DTB_TRY(DTB_PROP_STRLIST(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2"));
	else if (DTB_PSCI_MINOR(cfg->psci_version) >= 2)
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,psci-0.2"));
	else
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,psci"));
	DTB_TRY(fdt_property_string(fdt, "method", "hvc"));
	if (major == 0 && DTB_PSCI_MINOR(cfg->psci_version) == 1) {
		DTB_TRY(fdt_property_cell(fdt, "cpu_suspend", DTB_PSCI_0_1_CPU_SUSPEND));
		DTB_TRY(fdt_property_cell(fdt, "cpu_off", DTB_PSCI_0_1_CPU_OFF));
		DTB_TRY(fdt_property_cell(fdt, "cpu_on", DTB_PSCI_0_1_CPU_ON));
		DTB_TRY(fdt_property_cell(fdt, "migrate", DTB_PSCI_0_1_MIGRATE));
	}
	return fdt_end_node(fdt);
}

static int dtb_add_intc(void *fdt, const struct dtb_config *cfg)
{
	int v3 = cfg->gic == DTB_GIC_V3;
	/* v3: distributor + all redistributors; v2: distributor + CPU interface */
	const uint64_t reg[] = {
		cfg->gic_dist_base, cfg->gic_dist_size,
		v3 ? cfg->gic_redist_base : cfg->gic_cpuif_base,
		v3 ? cfg->gic_redist_size : cfg->gic_cpuif_size,
	};
	char name[32];

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)cfg->gic_dist_base);
	DTB_TRY(fdt_begin_node(fdt, name));
	DTB_TRY(fdt_property_string(fdt, "compatible", v3 ? "arm,gic-v3" : "arm,cortex-a15-gic"));
	DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 4));
	DTB_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	DTB_TRY(fdt_property_cell(fdt, "#interrupt-cells", 3));
	/* No children; dtc 1.6 still wants #address-cells on an interrupt provider. */
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 0));
	DTB_TRY(fdt_property_cell(fdt, "phandle", DTB_PHANDLE_GIC));
	return fdt_end_node(fdt);
}

/* Level-low, plus on GICv2 the mask of CPUs the timer PPIs reach. */
static uint32_t dtb_timer_flags(const struct dtb_config *cfg)
{
	unsigned int n = cfg->nr_cpus;

	if (cfg->gic != DTB_GIC_V2)
		return DTB_IRQ_LEVEL_LOW;
	if (n > DTB_GICV2_MAX_CPUS)
		n = DTB_GICV2_MAX_CPUS;
	return (((1U << n) - 1) << DTB_GICV2_CPU_SHIFT) | DTB_IRQ_LEVEL_LOW;
}

static int dtb_add_timer(void *fdt, const struct dtb_config *cfg)
{
	uint32_t flags = dtb_timer_flags(cfg);
	/* bindings/timer/arm,arch_timer.yaml order: secure, non-secure, virtual, hyp */
	const uint32_t irqs[] = {
		DTB_GIC_PPI, LAYOUT_TIMER_PPI_SEC, flags,
		DTB_GIC_PPI, LAYOUT_TIMER_PPI_NS, flags,
		DTB_GIC_PPI, LAYOUT_TIMER_PPI_VIRT, flags,
		DTB_GIC_PPI, LAYOUT_TIMER_PPI_HYP, flags,
	};

	DTB_TRY(fdt_begin_node(fdt, "timer"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	DTB_TRY(dtb_prop_u32s(fdt, "interrupts", irqs, 12));
	DTB_TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

static int dtb_add_uart(void *fdt, const struct dtb_config *cfg)
{
	const uint64_t reg[] = { cfg->uart_base, cfg->uart_size };
	const uint32_t irq[] = { DTB_GIC_SPI, cfg->uart_spi, DTB_IRQ_LEVEL_HIGH };
	char name[32];

	/* The generic name for a UART (Devicetree Specification 2.2.2). */
	snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)cfg->uart_base);
	DTB_TRY(fdt_begin_node(fdt, name));
	DTB_TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 2));
	DTB_TRY(dtb_prop_u32s(fdt, "interrupts", irq, 3));
	DTB_TRY(fdt_property_cell(fdt, "clock-frequency", cfg->uart_clock));
	return fdt_end_node(fdt);
}

/*
 * bindings/virtio/mmio.yaml. Edge rising, as kvmtool and Firecracker
 * declare it: KVM's irqfd pulses the line, and the driver's handler reads
 * InterruptStatus. DMA is cache-coherent: the device is pinvm reading RAM.
 */
static int dtb_add_virtio(void *fdt, const struct dtb_config *cfg, unsigned int n)
{
	uint64_t base = cfg->virtio_base + n * cfg->virtio_size;
	const uint64_t reg[] = { base, cfg->virtio_size };
	const uint32_t irq[] = { DTB_GIC_SPI, cfg->virtio_spi + n, DTB_IRQ_EDGE_RISING };
	char name[32];

	snprintf(name, sizeof(name), "virtio@%llx", (unsigned long long)base);
	DTB_TRY(fdt_begin_node(fdt, name));
	DTB_TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 2));
	DTB_TRY(dtb_prop_u32s(fdt, "interrupts", irq, 3));
	DTB_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

static int dtb_add_root(void *fdt, const struct dtb_config *cfg)
{
	DTB_TRY(fdt_begin_node(fdt, ""));
	DTB_TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "interrupt-parent", DTB_PHANDLE_GIC));

	DTB_TRY(dtb_add_chosen(fdt, cfg));
	DTB_TRY(dtb_add_memory(fdt, cfg));
	DTB_TRY(dtb_add_cpus(fdt, cfg));
	DTB_TRY(dtb_add_psci(fdt, cfg));
	DTB_TRY(dtb_add_intc(fdt, cfg));
	DTB_TRY(dtb_add_timer(fdt, cfg));
	DTB_TRY(dtb_add_uart(fdt, cfg));
	for (unsigned int n = 0; n < cfg->nr_virtio; n++)
		DTB_TRY(dtb_add_virtio(fdt, cfg, n));

	return fdt_end_node(fdt);
}

static int dtb_range_ok(uint64_t base, uint64_t size)
{
	return size && base + size - 1 >= base;
}

static int dtb_check_config(const struct dtb_config *cfg)
{
	uint32_t major = DTB_PSCI_MAJOR(cfg->psci_version);
	uint32_t minor = DTB_PSCI_MINOR(cfg->psci_version);
	unsigned int i, j;

	if (cfg->nr_cpus == 0 || cfg->nr_cpus > LAYOUT_MAX_VCPUS || !cfg->mpidr)
		return -EINVAL;
	/* Unit addresses must be unique. */
	for (i = 0; i < cfg->nr_cpus; i++)
		for (j = i + 1; j < cfg->nr_cpus; j++)
			if (dtb_cpu_reg(cfg, i) == dtb_cpu_reg(cfg, j))
				return -EINVAL;

	/* PSCI 0.1, 0.2 and 1.x exist; 0.0, 0.3+ and 2.0+ do not (yet). */
	if (!(major == 1 || (major == 0 && (minor == 1 || minor == 2))))
		return -EINVAL;

	if (!dtb_range_ok(cfg->ram_base, cfg->ram_size) ||
	    !dtb_range_ok(cfg->uart_base, cfg->uart_size) ||
	    !dtb_range_ok(cfg->gic_dist_base, cfg->gic_dist_size))
		return -EINVAL;
	if (cfg->gic == DTB_GIC_V3) {
		if (!dtb_range_ok(cfg->gic_redist_base, cfg->gic_redist_size))
			return -EINVAL;
	} else if (cfg->gic == DTB_GIC_V2) {
		if (!dtb_range_ok(cfg->gic_cpuif_base, cfg->gic_cpuif_size))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	/* SPIs are INTIDs 32..1019 */
	if (cfg->uart_spi > 1019 - 32)
		return -EINVAL;
	if (cfg->nr_virtio) {
		if (cfg->nr_virtio > 32 || !cfg->virtio_size ||
		    cfg->virtio_size > UINT64_MAX / cfg->nr_virtio ||
		    !dtb_range_ok(cfg->virtio_base, cfg->nr_virtio * cfg->virtio_size) ||
		    cfg->virtio_spi > 1019 - 32 - (cfg->nr_virtio - 1))
			return -EINVAL;
	}

	/* An initrd, if any, is non-empty and lies in RAM. */
	if ((cfg->initrd_start || cfg->initrd_end) &&
	    (cfg->initrd_end <= cfg->initrd_start || cfg->initrd_start < cfg->ram_base ||
	     cfg->initrd_end - cfg->ram_base > cfg->ram_size))
		return -EINVAL;

	return 0;
}

static int dtb_write(const struct dtb_config *cfg, void *buf, int size)
{
	DTB_TRY(fdt_create(buf, size));
	DTB_TRY(fdt_finish_reservemap(buf));
	DTB_TRY(dtb_add_root(buf, cfg));
	/* fdt_finish() sets totalsize to the bytes used: the blob is packed. */
	return fdt_finish(buf);
}

int dtb_build(const struct dtb_config *cfg, void *buf, size_t size)
{
	int r;

	if (!cfg || !buf)
		return -EINVAL;
	r = dtb_check_config(cfg);
	if (r < 0)
		return r;

	r = dtb_write(cfg, buf, size > INT_MAX ? INT_MAX : (int)size);
	if (r == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	if (r < 0)
		return -EINVAL;
	return 0;
}

int dtb_set_seeds(void *blob, const uint8_t *rng_seed, uint64_t kaslr_seed)
{
	int chosen;

	if (!blob || !rng_seed || fdt_check_header(blob))
		return -EINVAL;
	chosen = fdt_path_offset(blob, "/chosen");
	if (chosen < 0)
		return -EINVAL;
	/* In place: the same size, so not one other byte of the blob moves. */
	if (fdt_setprop_inplace(blob, chosen, "rng-seed", rng_seed, DTB_RNG_SEED_SIZE) ||
	    fdt_setprop_inplace_u64(blob, chosen, "kaslr-seed", kaslr_seed))
		return -EINVAL;
	return 0;
}

int dtb_new_seeds(void *blob)
{
	uint8_t buf[DTB_RNG_SEED_SIZE + sizeof(uint64_t)];
	uint64_t kaslr = 0;
	size_t got = 0;

	/* Blocks only until the host's pool is first initialised. */
	while (got < sizeof(buf)) {
		ssize_t n = getrandom(buf + got, sizeof(buf) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(kaslr); i++)
		kaslr = kaslr << 8 | buf[DTB_RNG_SEED_SIZE + i];
	return dtb_set_seeds(blob, buf, kaslr);
}
