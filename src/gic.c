// SPDX-License-Identifier: GPL-2.0-only
/* In-kernel vGICv3/v2 set-up. */
#include "pinvm/gic.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/layout.h"

static int gic_type(int version)
{
	return version == 3 ? KVM_DEV_TYPE_ARM_VGIC_V3 : KVM_DEV_TYPE_ARM_VGIC_V2;
}

bool gic_supported(int vm_fd, int version)
{
	struct kvm_create_device dev = {
		.type = (uint32_t)gic_type(version),
		.flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm_fd, KVM_CREATE_DEVICE, &dev) == 0;
}

static int gic_set_addr(int fd, uint64_t type, uint64_t addr)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		.attr = type,
		.addr = (uint64_t)(uintptr_t)&addr,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &attr) < 0 ? -errno : 0;
}

int gic_create(struct gic *gic, int vm_fd, enum gic_want want, unsigned int nr_vcpus)
{
	struct kvm_create_device dev;
	int version, r;

	memset(gic, 0, sizeof(*gic));
	gic->fd = -1;
	if (want == GIC_WANT_AUTO)
		version = gic_supported(vm_fd, 3) ? 3 : gic_supported(vm_fd, 2) ? 2 : 0;
	else
		version = gic_supported(vm_fd, (int)want) ? (int)want : 0;
	if (!version)
		return -ENODEV;

	memset(&dev, 0, sizeof(dev));
	dev.type = (uint32_t)gic_type(version);
	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return -errno;
	gic->fd = (int)dev.fd;
	gic->version = version;
	gic->dist_base = LAYOUT_GIC_DIST_BASE;
	gic->dist_size = LAYOUT_GIC_DIST_SIZE;

	if (version == 3) {
		/* One 128 KiB redistributor frame pair per vCPU, right below the distributor. */
		gic->redist_size = (uint64_t)nr_vcpus * LAYOUT_GIC_REDIST_SIZE;
		gic->redist_base = gic->dist_base - gic->redist_size;
		r = gic_set_addr(gic->fd, KVM_VGIC_V3_ADDR_TYPE_DIST, gic->dist_base);
		if (!r)
			r = gic_set_addr(gic->fd, KVM_VGIC_V3_ADDR_TYPE_REDIST, gic->redist_base);
	} else {
		gic->cpuif_base = LAYOUT_GIC_CPUIF_BASE;
		gic->cpuif_size = LAYOUT_GIC_CPUIF_SIZE;
		r = gic_set_addr(gic->fd, KVM_VGIC_V2_ADDR_TYPE_DIST, gic->dist_base);
		if (!r)
			r = gic_set_addr(gic->fd, KVM_VGIC_V2_ADDR_TYPE_CPU, gic->cpuif_base);
	}
	if (r) {
		gic_destroy(gic);
		return r;
	}
	return 0;
}

int gic_finalize(struct gic *gic)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		.attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	return ioctl(gic->fd, KVM_SET_DEVICE_ATTR, &attr) < 0 ? -errno : 0;
}

int gic_spi_line(int vm_fd, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = (uint32_t)level,
	};

	return ioctl(vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

void gic_destroy(struct gic *gic)
{
	if (gic->fd >= 0)
		(void)close(gic->fd);
	gic->fd = -1;
}
