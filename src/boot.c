// SPDX-License-Identifier: GPL-2.0-only
/* Loading and boot: images, the DTB, the power-on state, in-place restarts (boot.h). */
#include "pinvm/boot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libfdt.h>

#include "pinvm/dtb.h"
#include "pinvm/log.h"
#include "pinvm/machine.h"
#include "pinvm/snapshot.h"
#include "pinvm/vcpu.h"

int boot_load(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	const char *reason = NULL;
	void *buf = NULL;
	size_t len = 0;
	int r;

	r = loader_read_file(cfg->kernel_path, LOADER_MAX_KERNEL, &buf, &len);
	if (r) {
		log_say(why, why_size, "cannot read kernel %s: %s", cfg->kernel_path,
		    r == -EFBIG ? "larger than 512 MiB" :
		    r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	if (loader_is_gzip(buf, len)) {
		void *out = NULL;
		size_t out_len = 0;

		r = loader_gunzip(buf, len, LOADER_MAX_KERNEL, &out, &out_len, &reason);
		free(buf);
		if (r) {
			log_say(why, why_size, "cannot decompress kernel %s: %s", cfg->kernel_path,
			    r == -EFBIG ? "it inflates to more than 512 MiB" :
			    reason ? reason : strerror(-r));
			return r;
		}
		buf = out;
		len = out_len;
	}
	m->kernel = buf;
	m->kernel_len = len;
	r = loader_parse_image(buf, len, &m->img, &reason);
	if (r) {
		log_say(why, why_size, "bad kernel %s: %s", cfg->kernel_path,
		    reason ? reason : strerror(-r));
		return r;
	}

	if (cfg->initrd_path) {
		r = loader_read_file(cfg->initrd_path, (size_t)cfg->ram_size, &m->initrd,
				     &m->initrd_len);
		if (r) {
			log_say(why, why_size, "cannot read initrd %s: %s", cfg->initrd_path,
			    r == -EFBIG ? "larger than guest RAM" :
			    r == -EINVAL ? "not a regular file" : strerror(-r));
			return r;
		}
	}

	r = loader_plan(&m->img, m->initrd_len, LAYOUT_RAM_BASE, cfg->ram_size, &m->plan,
			&reason);
	if (r) {
		log_say(why, why_size, "guest RAM (%" PRIu64 " MiB) cannot hold the images: %s",
		    cfg->ram_size >> 20, reason ? reason : strerror(-r));
		return r;
	}
	return 0;
}

/* The DTB buffer's first size; it grows up to LAYOUT_DTB_MAX_SIZE. */
#define MACHINE_DTB_FIRST_SIZE	0x2000

int boot_build_dtb(struct machine *m, char *why, size_t why_size)
{
	uint64_t mpidr[LAYOUT_MAX_VCPUS];
	struct dtb_config dc;
	int r;

	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		mpidr[i] = m->vcpus[i].mpidr;
	memset(&dc, 0, sizeof(dc));
	dc.ram_base = m->vm.ram_base;
	dc.ram_size = m->vm.ram_size;
	dc.nr_cpus = m->nr_vcpus;
	dc.mpidr = mpidr;
	dc.gic = m->gic.version == 3 ? DTB_GIC_V3 : DTB_GIC_V2;
	dc.gic_dist_base = m->gic.dist_base;
	dc.gic_dist_size = m->gic.dist_size;
	dc.gic_redist_base = m->gic.redist_base;
	dc.gic_redist_size = m->gic.redist_size;
	dc.gic_cpuif_base = m->gic.cpuif_base;
	dc.gic_cpuif_size = m->gic.cpuif_size;
	dc.uart_base = LAYOUT_UART_BASE;
	dc.uart_size = LAYOUT_UART_SIZE;
	dc.uart_spi = LAYOUT_UART_SPI;
	dc.uart_clock = LAYOUT_UART_CLOCK_HZ;
	dc.psci_version = m->psci_version;
	dc.bootargs = m->cfg->cmdline;
	if (m->initrd_len) {
		dc.initrd_start = m->plan.initrd_addr;
		dc.initrd_end = m->plan.initrd_addr + m->plan.initrd_size;
	}
	/*
	 * libfdt zeroes the whole buffer first: start small (a few pages, most
	 * DTBs are 2-3 KiB) and double it while the blob does not fit.
	 */
	for (size_t size = MACHINE_DTB_FIRST_SIZE;; size *= 2) {
		uint8_t *buf = realloc(m->dtb, size);

		if (!buf) {
			log_say(why, why_size, "out of memory");
			return -ENOMEM;
		}
		m->dtb = buf;
		r = dtb_build(&dc, m->dtb, size);
		if (r != -ENOSPC || size >= LAYOUT_DTB_MAX_SIZE)
			break;
	}
	if (r)
		log_say(why, why_size, "cannot build the device tree: %s",
		    r == -ENOSPC ? "larger than 64 KiB (command line too long?)" : strerror(-r));
	return r;
}

size_t boot_dtb_size(const struct machine *m)
{
	return fdt_totalsize(m->dtb);
}

/*
 * Guest RAM the host would back with a transparent huge page (THP) on the
 * first write: pinvm's own copies would make the host zero and keep a whole
 * 2 MiB (4K pages; more with larger pages) for a 4 KiB guest or a DTB. The
 * huge-page blocks that [gpa, gpa + len) fills only in part get small pages;
 * the ones it fills whole (most of a Linux Image) keep THP.
 */
static void boot_ram_small_pages(struct machine *m, uint64_t gpa, uint64_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t huge = page * page / 8;	/* one last-level table: the PMD size */
	uintptr_t ram = (uintptr_t)m->vm.ram, ram_end = ram + (uintptr_t)m->vm.ram_size;
	uintptr_t start = ram + (uintptr_t)(gpa - m->vm.ram_base);
	uintptr_t ends[2] = { start, start + (uintptr_t)len }, done = 0;

	/* The advice stays with the mapping, which outlives VMs: give it once. */
	if (!len || huge <= page || m->restarts)
		return;
	for (int i = 0; i < 2; i++) {
		uintptr_t block = ends[i] & ~(huge - 1);

		/* A block that starts here, lies outside RAM or was already done. */
		if (ends[i] == block || block < ram || block + huge > ram_end || block == done)
			continue;
		(void)madvise((void *)block, huge, MADV_NOHUGEPAGE);
		done = block;
	}
}

/*
 * The power-on state around a VM that is ready (vCPUs initialised, vGIC
 * reset or new): devices, images and the DTB in RAM, vCPU 0's boot registers.
 */
int boot_power_on(struct machine *m, char *why, size_t why_size)
{
	void *dst;
	int r;

	/* Devices back to their power-on state, the interrupt line lowered. */
	uartio_reset(&m->uartio);

	/* Images: kernel, initrd, DTB (built by boot_build_dtb(), new seeds on every boot). */
	r = dtb_new_seeds(m->dtb);
	if (r) {
		log_say(why, why_size, "cannot seed the device tree (getrandom): %s", strerror(-r));
		return r;
	}
	dst = vm_gpa_to_hva(&m->vm, m->plan.kernel_addr, m->kernel_len);
	if (!dst) {
		log_say(why, why_size, "kernel does not fit in guest RAM");
		return -ENOSPC;
	}
	boot_ram_small_pages(m, m->plan.kernel_addr, m->kernel_len);
	memcpy(dst, m->kernel, m->kernel_len);
	if (m->initrd_len) {
		dst = vm_gpa_to_hva(&m->vm, m->plan.initrd_addr, m->initrd_len);
		if (!dst) {
			log_say(why, why_size, "initrd does not fit in guest RAM");
			return -ENOSPC;
		}
		boot_ram_small_pages(m, m->plan.initrd_addr, m->initrd_len);
		memcpy(dst, m->initrd, m->initrd_len);
	}
	dst = vm_gpa_to_hva(&m->vm, m->plan.dtb_addr, boot_dtb_size(m));
	if (!dst) {
		log_say(why, why_size, "device tree does not fit in guest RAM");
		return -ENOSPC;
	}
	boot_ram_small_pages(m, m->plan.dtb_addr, boot_dtb_size(m));
	memcpy(dst, m->dtb, boot_dtb_size(m));

	r = vcpu_set_boot_regs(&m->vcpus[0], m->plan.kernel_addr, m->plan.dtb_addr);
	if (r) {
		log_say(why, why_size, "cannot set boot registers: %s", strerror(-r));
		return r;
	}
	return 0;
}

/*
 * An in-place restart: the VM, its vGIC and vCPUs stay (building and
 * destroying them is most of what a restart would cost, docs/benchmarks.md)
 * and what a guest can see goes back to its power-on state. The firmware
 * view (PSCI pin, profile) belongs to the VM and stays as machine_setup()
 * set it.
 */
int boot_restart(struct machine *m, char *why, size_t why_size)
{
	uint64_t mpidr[LAYOUT_MAX_VCPUS];
	char stale[384];
	int r;

	/* Restored from a snapshot: only the images its guest booted boot again. */
	r = snapshot_check_images(m, stale, sizeof(stale));
	if (r) {
		log_say(why, why_size, "restart: %s", stale);
		return r;
	}
	/* A power cycle: RAM reads as zero again, images are reloaded. */
	(void)madvise(m->vm.ram, (size_t)m->vm.ram_size, MADV_DONTNEED);
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		/* Same target and features, POWER_OFF included (kvm-psci-uapi.md §8). */
		r = vcpu_reinit(v);
		if (r) {
			log_say(why, why_size, "restart: KVM_ARM_VCPU_INIT of vCPU %u: %s", i,
				strerror(-r));
			return r;
		}
		mpidr[i] = v->mpidr;
	}
	power_reset(&m->power);
	r = gic_reset(&m->gic, mpidr, m->nr_vcpus);
	if (r) {
		log_say(why, why_size, "restart: cannot reset the %s in place: %s",
			m->gic.version == 3 ? "vGICv3" : "vGICv2", strerror(-r));
		return r;
	}
	return boot_power_on(m, why, why_size);
}
