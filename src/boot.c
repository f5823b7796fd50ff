// SPDX-License-Identifier: GPL-2.0-only
/* Loading and boot: images read into RAM, the DTB, the power-on state, in-place restarts (boot.h). */
#include "pinvm/boot.h"

#include <errno.h>
#include <stdbool.h>
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
#include "pinvm/vcpu.h"

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

/* The gzip'd kernel's place in RAM, from its inflated header (loader_place_fn). */
struct boot_gz_place {
	struct machine *m;
	uint64_t addr;		/* 0: no place (a bad header, or no room) */
};

static uint8_t *boot_gz_place(void *ctx, const uint8_t *head, size_t head_len,
			      uint64_t *ret_room)
{
	struct boot_gz_place *gp = ctx;
	struct machine *m = gp->m;
	struct loader_image img;
	struct loader_plan plan;
	const char *why;

	/* The header as far as it goes: a bad one is reported once the whole length is known. */
	if (loader_parse_image(head, head_len, &img, &why))
		return NULL;
	img.image_size = 0;
	if (loader_plan(&img, 0, LAYOUT_RAM_BASE, m->cfg->ram_size, &plan, &why))
		return NULL;
	gp->addr = plan.kernel_addr;
	*ret_room = plan.dtb_addr - plan.kernel_addr;
	/* Only the start's 2 MiB block can be advised before it is written. */
	boot_ram_small_pages(m, plan.kernel_addr, 1);
	return vm_gpa_to_hva(&m->vm, plan.kernel_addr, *ret_room);
}

static int boot_file_changed(const struct machine *m, bool again, const char *what,
			     const char *path, char *why, size_t why_size)
{
	const struct boot_file *f = what[0] == 'k' ? &m->kernel : &m->initrd;
	char hex[SHA256_HEX_SIZE];

	if (again && m->images_from_snapshot) {
		/* Restored: the images must be the ones the snapshot's guest booted. */
		sha256_hex(f->sha256, hex);
		log_say(why, why_size, "restart: %s %s is not the one the snapshot's guest booted (sha256 %.16s...)",
			what, path, hex);
	} else if (again) {
		log_say(why, why_size, "restart: %s %s changed since the first boot loaded it (size or SHA-256 differs): not booting other content",
			what, path);
	} else {
		log_say(why, why_size, "%s %s changed while pinvm read it", what, path);
	}
	return -ESTALE;
}

/*
 * The kernel into RAM, from the file kept open: at the first boot (@again
 * false) its header decides the placement; on a restart the file must give
 * the same bytes (size and SHA-256) at the same place.
 */
static int boot_read_kernel(struct machine *m, bool again, char *why, size_t why_size)
{
	const char *path = m->cfg->kernel_path, *reason = NULL;
	struct boot_file *f = &m->kernel;
	uint8_t head[LOADER_HEADER_SIZE], digest[SHA256_DIGEST_SIZE];
	struct loader_image img;
	struct loader_plan plan;
	struct sha256 hash;
	uint64_t len;
	ssize_t n;
	int r;

	n = pread(f->fd, head, sizeof(head), 0);
	if (n < 0) {
		r = -errno;
		log_say(why, why_size, "cannot read kernel %s: %s", path, strerror(-r));
		return r;
	}
	sha256_init(&hash);
	if (loader_is_gzip(head, (size_t)n)) {
		struct boot_gz_place gp = { .m = m };

		r = loader_gunzip_fd(f->fd, LOADER_MAX_KERNEL, boot_gz_place, &gp, &hash, &len,
				     &reason);
		if (r && again)
			return boot_file_changed(m, again, "kernel", path, why, why_size);
		if (r) {
			log_say(why, why_size, "cannot decompress kernel %s: %s", path,
			    r == -EFBIG ? "it inflates to more than 512 MiB" :
			    reason ? reason : strerror(-r));
			return r;
		}
		/* Everything of a header that parsed once is in RAM now. */
		if (gp.addr)
			memcpy(head, vm_gpa_to_hva(&m->vm, gp.addr, sizeof(head)),
			       len < sizeof(head) ? (size_t)len : sizeof(head));
		r = loader_parse_image(head, (size_t)len, &img, &reason);
		if (!r)
			r = loader_plan(&img, 0, LAYOUT_RAM_BASE, m->cfg->ram_size, &plan, &reason);
		if (!r && (!gp.addr || gp.addr != plan.kernel_addr || len > plan.kernel_end - plan.kernel_addr)) {
			reason = "kernel does not fit in RAM below the device tree";
			r = -ENOSPC;
		}
		/* The end's 2 MiB block, late: the host may have given it a huge page already. */
		if (!r)
			boot_ram_small_pages(m, plan.kernel_addr, len);
	} else {
		/* A short file's header is what it has: loader_parse_image() looks at no more. */
		len = f->size;
		r = loader_parse_image(head, (size_t)len, &img, &reason);
		if (!r)
			r = loader_plan(&img, 0, LAYOUT_RAM_BASE, m->cfg->ram_size, &plan, &reason);
		if (!r) {
			void *dst = vm_gpa_to_hva(&m->vm, plan.kernel_addr, len);

			boot_ram_small_pages(m, plan.kernel_addr, len);
			r = loader_read_fd(f->fd, dst, len, &hash);
			if (r) {
				if (again || r == -ESTALE)
					return boot_file_changed(m, again, "kernel", path, why, why_size);
				log_say(why, why_size, "cannot read kernel %s: %s", path, strerror(-r));
				return r;
			}
			/* The header planned with must be the one read. */
			if (memcmp(head, dst, len < sizeof(head) ? (size_t)len : sizeof(head)))
				return boot_file_changed(m, again, "kernel", path, why, why_size);
		}
	}
	if (r) {
		if (again)
			return boot_file_changed(m, again, "kernel", path, why, why_size);
		if (r == -ENOSPC)
			log_say(why, why_size, "guest RAM (%" PRIu64 " MiB) cannot hold the images: %s",
			    m->cfg->ram_size >> 20, reason);
		else
			log_say(why, why_size, "bad kernel %s: %s", path, reason ? reason : strerror(-r));
		return r;
	}
	sha256_final(&hash, digest);
	if (again) {
		/* Restored and not read yet: only the digest is known (the snapshot's). */
		if (memcmp(digest, f->sha256, sizeof(digest)) ||
		    (m->images_loaded && (len != m->kernel_len ||
					  plan.kernel_addr != m->plan.kernel_addr)))
			return boot_file_changed(m, again, "kernel", path, why, why_size);
		if (m->images_loaded)
			return 0;
	} else {
		memcpy(f->sha256, digest, sizeof(digest));
	}
	m->kernel_len = len;
	m->img = img;
	return 0;
}

/* The initrd into RAM at its planned place; on a restart the same bytes. */
static int boot_read_initrd(struct machine *m, bool again, char *why, size_t why_size)
{
	const char *path = m->cfg->initrd_path;
	struct boot_file *f = &m->initrd;
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256 hash;
	int r;

	sha256_init(&hash);
	boot_ram_small_pages(m, m->plan.initrd_addr, f->size);
	r = loader_read_fd(f->fd, vm_gpa_to_hva(&m->vm, m->plan.initrd_addr, f->size), f->size,
			   &hash);
	if (r == -ESTALE || (r && again))
		return boot_file_changed(m, again, "initrd", path, why, why_size);
	if (r) {
		log_say(why, why_size, "cannot read initrd %s: %s", path, strerror(-r));
		return r;
	}
	sha256_final(&hash, digest);
	if (!again)
		memcpy(f->sha256, digest, sizeof(digest));
	else if (memcmp(digest, f->sha256, sizeof(digest)))
		return boot_file_changed(m, again, "initrd", path, why, why_size);
	return 0;
}

void boot_expect_images(struct machine *m, const uint8_t kernel[SHA256_DIGEST_SIZE],
			const uint8_t *initrd)
{
	/* What the next restart's reading is checked against (boot_read_kernel/initrd). */
	/*
	 * Only the digests: the sizes stay the files' (what a restart reads and
	 * where it fits); other bytes give another digest.
	 */
	memcpy(m->kernel.sha256, kernel, sizeof(m->kernel.sha256));
	if (initrd && m->initrd.fd >= 0)
		memcpy(m->initrd.sha256, initrd, sizeof(m->initrd.sha256));
	m->images_from_snapshot = true;
}

static int boot_open_kernel(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	int r;

	r = loader_open_file(cfg->kernel_path, LOADER_MAX_KERNEL, &m->kernel.fd, &m->kernel.size);
	if (r)
		log_say(why, why_size, "cannot read kernel %s: %s", cfg->kernel_path,
		    r == -EFBIG ? "larger than 512 MiB" :
		    r == -EINVAL ? "not a regular file" : strerror(-r));
	return r;
}

static int boot_open_initrd(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	int r;

	if (!cfg->initrd_path)
		return 0;
	r = loader_open_file(cfg->initrd_path, cfg->ram_size, &m->initrd.fd, &m->initrd.size);
	if (r)
		log_say(why, why_size, "cannot read initrd %s: %s", cfg->initrd_path,
		    r == -EFBIG ? "larger than guest RAM" :
		    r == -EINVAL ? "not a regular file" : strerror(-r));
	return r;
}

/* The placement for the kernel read (m->img) and the initrd's size. */
static int boot_plan(struct machine *m, char *why, size_t why_size)
{
	const char *reason = NULL;
	int r;

	r = loader_plan(&m->img, m->initrd.size, LAYOUT_RAM_BASE, m->cfg->ram_size, &m->plan,
			&reason);
	if (r)
		log_say(why, why_size, "guest RAM (%" PRIu64 " MiB) cannot hold the images: %s",
		    m->cfg->ram_size >> 20, reason ? reason : strerror(-r));
	return r;
}

int boot_load(struct machine *m, char *why, size_t why_size)
{
	int r;

	r = boot_open_kernel(m, why, why_size);
	if (!r)
		r = boot_read_kernel(m, false, why, why_size);
	if (!r)
		r = boot_open_initrd(m, why, why_size);
	if (!r)
		r = boot_plan(m, why, why_size);
	if (!r && m->initrd.size)
		r = boot_read_initrd(m, false, why, why_size);
	if (!r)
		m->images_loaded = true;
	return r;
}

int boot_open_images(struct machine *m, char *why, size_t why_size)
{
	int r;

	/* As boot_load() opens them: the same refusals, in the same order. */
	r = boot_open_kernel(m, why, why_size);
	if (!r)
		r = boot_open_initrd(m, why, why_size);
	return r;
}

int boot_use_dtb(struct machine *m, const void *blob, size_t len, char *why, size_t why_size)
{
	uint8_t *buf;

	if (len > LAYOUT_DTB_MAX_SIZE || len < sizeof(struct fdt_header)) {
		log_say(why, why_size, "the snapshot's device tree is not a valid one");
		return -EINVAL;
	}
	buf = malloc(len);
	if (!buf) {
		log_say(why, why_size, "out of memory");
		return -ENOMEM;
	}
	/* Checked in the copy: aligned as libfdt reads it. */
	memcpy(buf, blob, len);
	if (fdt_check_header(buf) || fdt_totalsize(buf) != len) {
		free(buf);
		log_say(why, why_size, "the snapshot's device tree is not a valid one");
		return -EINVAL;
	}
	free(m->dtb);
	m->dtb = buf;
	return 0;
}

const struct boot_file *boot_kernel(const struct machine *m)
{
	return &m->kernel;
}

const struct boot_file *boot_initrd(const struct machine *m)
{
	return m->initrd.fd >= 0 ? &m->initrd : NULL;
}

void boot_close(struct machine *m)
{
	if (m->kernel.fd >= 0)
		(void)close(m->kernel.fd);
	if (m->initrd.fd >= 0)
		(void)close(m->initrd.fd);
	m->kernel.fd = m->initrd.fd = -1;
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
	dc.nr_virtio = m->nr_disks;
	dc.virtio_base = LAYOUT_VIRTIO_BASE;
	dc.virtio_size = LAYOUT_VIRTIO_SIZE;
	dc.virtio_spi = LAYOUT_VIRTIO_SPI;
	dc.psci_version = m->psci_version;
	dc.bootargs = m->cfg->cmdline;
	if (m->plan.initrd_size) {
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
 * The power-on state around a VM that is ready (vCPUs initialised, vGIC
 * reset or new) with the images in RAM: devices, the DTB, vCPU 0's boot
 * registers.
 */
int boot_power_on(struct machine *m, char *why, size_t why_size)
{
	void *dst;
	int r;

	/* Devices back to their power-on state, the interrupt line lowered. */
	uartio_reset(&m->uartio);
	for (unsigned int i = 0; i < m->nr_disks; i++)
		disk_reset(&m->disks[i]);

	/* The DTB (built by boot_build_dtb(), new seeds on every boot); the images are in RAM. */
	r = dtb_new_seeds(m->dtb);
	if (r) {
		log_say(why, why_size, "cannot seed the device tree (getrandom): %s", strerror(-r));
		return r;
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
	int r;

	/* A power cycle: RAM reads as zero again, images are read again (below). */
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
	r = boot_read_kernel(m, true, why, why_size);
	if (!r && !m->images_loaded) {
		/*
		 * Restored: the images are read for the first time now, placed
		 * as a first boot places them (the snapshot's digests make them
		 * the ones its guest booted), and the DTB built for that.
		 */
		r = boot_plan(m, why, why_size);
		/* The snapshot's kernel fitted with the snapshot's initrd. */
		if (r && m->cfg->initrd_path)
			return boot_file_changed(m, true, "initrd", m->cfg->initrd_path, why,
						 why_size);
		if (!r && m->initrd.size)
			r = boot_read_initrd(m, true, why, why_size);
		if (!r)
			r = boot_build_dtb(m, why, why_size);
		if (!r)
			m->images_loaded = true;
	} else if (!r && m->initrd.size) {
		r = boot_read_initrd(m, true, why, why_size);
	}
	if (r)
		return r;
	return boot_power_on(m, why, why_size);
}
