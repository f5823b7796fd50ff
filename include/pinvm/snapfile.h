/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The snapshot file format (docs/snapshot.md): a 32-byte header (magic
 * "PINVMSNP", format version, architecture), then sections (u32 type,
 * u32 zero, u64 length, the payload, zero padding to 8 bytes), the last one
 * END holding the CRC-32 of every byte before its payload. Little-endian.
 *
 * The writer streams to a file descriptor; the parser (pure) checks a whole
 * file held in memory and points into it. Everything the parser accepts is
 * in range: register sizes, vCPU indexes, RAM runs inside the RAM, GIC
 * attribute groups, device names.
 */
#ifndef PINVM_SNAPFILE_H
#define PINVM_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pinvm/layout.h"
#include "pinvm/sha256.h"

#define SNAPFILE_MAGIC		"PINVMSNP"
#define SNAPFILE_VERSION	1
#define SNAPFILE_ARCH_ARM64	0xc00000b7U	/* AUDIT_ARCH_AARCH64 */
#define SNAPFILE_HEADER_SIZE	32
#define SNAPFILE_PAGE		4096ULL		/* RAM runs: offsets and lengths */
#define SNAPFILE_REG_MAX	256		/* bytes of one register (no SVE) */
#define SNAPFILE_MAX_REGS	4096		/* per vCPU */
#define SNAPFILE_MAX_DEVICES	24
#define SNAPFILE_DEVICE_NAME	16		/* NUL-padded */
#define SNAPFILE_PATH_MAX	4096
#define SNAPFILE_RAM_MAX	(1ULL << 40)	/* no more RAM than 1 TiB */

enum snapfile_type {
	SNAPFILE_END = 0,
	SNAPFILE_CONFIG = 1,	/* struct snapfile_config, 32 bytes */
	SNAPFILE_CMDLINE = 2,	/* the kernel command line (no NUL) */
	SNAPFILE_DTB = 3,	/* the DTB the guest booted with */
	SNAPFILE_IMAGE = 4,	/* u32 kind, u32 path length, u64 size, sha256, path */
	SNAPFILE_VCPU = 5,	/* u32 index, u32 mp_state, u32 nr, u32 0, {u64 id, value} */
	SNAPFILE_GIC = 6,	/* {u32 group, u32 size, u64 attr, u64 value} */
	SNAPFILE_POWER = 7,	/* per vCPU: u32 state, u32 flags, u64 entry, context, mpidr */
	SNAPFILE_DEVICE = 8,	/* char name[16], the device's own state */
	SNAPFILE_RAM = 9,	/* {u64 offset, u64 length, the bytes}: non-zero pages only */
	SNAPFILE_NR_TYPES,
};

enum snapfile_image_kind {
	SNAPFILE_IMAGE_KERNEL = 0,
	SNAPFILE_IMAGE_INITRD = 1,
};

/* CONFIG flags */
#define SNAPFILE_NO_SUSPEND	(1U << 0)

#define SNAPFILE_IMPL_KVM	1
#define SNAPFILE_IMPL_PINVM	2

struct snapfile_config {
	uint64_t ram_size;
	uint32_t nr_vcpus;
	uint32_t gic_version;	/* 2 or 3 */
	uint32_t psci_version;	/* the guest's view: PSCI_VERSION(major, minor) */
	uint32_t psci_impl;	/* SNAPFILE_IMPL_* */
	uint32_t flags;
};

/* KVM register ids (uapi: KVM_REG_ARM64, KVM_REG_SIZE_MASK/SHIFT) */
/* What KVM's reset_unknown() puts in a system register with no defined reset value. */
#define SNAPFILE_REG_UNKNOWN_RESET	0x1de7ec7edbadc0deULL
#define SNAPFILE_REG_ARCH_MASK	0xff00000000000000ULL
#define SNAPFILE_REG_ARM64	0x6000000000000000ULL
#define SNAPFILE_REG_SIZE_SHIFT	52
#define SNAPFILE_REG_SIZE_MASK	0x00f0000000000000ULL

/** snapfile_reg_size() - bytes of register @id's value (KVM_REG_SIZE()). */
size_t snapfile_reg_size(uint64_t id);

/**
 * snapfile_reg_name() - register @id as text into @buf: a system register
 * as the assembler spells an encoding (`S3_0_C2_C0_3`), anything else as
 * its id in hex. Always NUL-terminated when @size > 0.
 */
void snapfile_reg_name(uint64_t id, char *buf, size_t size);

/**
 * snapfile_reg_droppable() - whether a restore may leave out register @id
 * with the saved value @val when the restoring host's KVM does not have it
 * for this guest (KVM_SET_ONE_REG: ENOENT): a system register saved at a
 * reset value, 0 or SNAPFILE_REG_UNKNOWN_RESET (what KVM's reset_unknown()
 * writes), that is, never written since the vCPU was reset. KVM lists a
 * system register only while the guest's ID registers (the snapshot's,
 * written first) give it the feature; older kernels listed some
 * regardless (Linux 6.12: TCR2_EL1 at 0, PIRE0_EL1 and PIR_EL1 at the
 * UNKNOWN value, on a CPU without FEAT_TCR2 or FEAT_S1PIE). Any other value
 * is state the guest may have set, and a core, firmware or SVE register is
 * never left out.
 */
bool snapfile_reg_droppable(uint64_t id, const uint8_t *val);

/* GIC attribute groups (KVM_DEV_ARM_VGIC_GRP_*) a snapshot may carry */
#define SNAPFILE_GIC_DIST	1
#define SNAPFILE_GIC_REDIST	5
#define SNAPFILE_GIC_SYSREGS	6
#define SNAPFILE_GIC_LEVEL	7
#define SNAPFILE_GIC_ENTRY	24

struct snapfile_gic_attr {
	uint32_t group, size;
	uint64_t attr, value;
};

#define SNAPFILE_POWER_ENTRY	32
#define SNAPFILE_POWER_BIG_ENDIAN	(1U << 0)	/* CPU_ON's caller was big-endian */
#define SNAPFILE_POWER_STANDBY		(1U << 1)	/* in CPU_SUSPEND's standby (pinvm's firmware) */

struct snapfile_power {
	uint32_t state;		/* enum power_state */
	bool big_endian;
	bool standby;
	uint64_t entry, context, mpidr;
};

struct snapfile_image {
	uint32_t kind;
	uint64_t size;
	uint8_t sha256[SHA256_DIGEST_SIZE];
	char path[SNAPFILE_PATH_MAX];
};

struct snapfile_vcpu {
	uint32_t mp_state;
	uint32_t nr_regs;
	const uint8_t *regs;	/* nr_regs of {u64 id, value} */
	size_t regs_len;
};

struct snapfile_device {
	char name[SNAPFILE_DEVICE_NAME];
	const uint8_t *data;
	size_t len;
};

/* A parsed snapshot: pointers into the buffer given to snapfile_parse(). */
struct snapfile_view {
	struct snapfile_config cfg;
	bool has_cmdline;
	char cmdline[2048];
	const uint8_t *dtb;
	size_t dtb_len;
	struct snapfile_image kernel, initrd;
	bool has_initrd;
	struct snapfile_vcpu vcpus[LAYOUT_MAX_VCPUS];
	const uint8_t *gic;		/* nr_gic entries */
	unsigned int nr_gic;
	struct snapfile_power power[LAYOUT_MAX_VCPUS];
	struct snapfile_device devices[SNAPFILE_MAX_DEVICES];
	unsigned int nr_devices;
	const uint8_t *ram;		/* runs */
	size_t ram_len;
	uint64_t ram_stored;		/* bytes of RAM in the file */
};

/**
 * snapfile_parse() - check and decode the snapshot in @buf (@len bytes).
 * Pure. Returns: 0 with *ret; -EINVAL with one line in @why: not a
 * snapshot, another architecture, another format version, truncated,
 * corrupted (checksum), or inconsistent.
 */
int snapfile_parse(const void *buf, size_t len, struct snapfile_view *ret, char *why,
		   size_t why_size);

/** snapfile_reg_next() - the next register of a vCPU's list; @pos starts at 0. false: no more. */
bool snapfile_reg_next(const struct snapfile_vcpu *v, size_t *pos, uint64_t *ret_id,
		       const uint8_t **ret_val);

/** snapfile_gic_get() - GIC attribute @i (below view->nr_gic). */
void snapfile_gic_get(const struct snapfile_view *view, unsigned int i, struct snapfile_gic_attr *ret);

/** snapfile_ram_next() - the next RAM run; @pos starts at 0. false: no more. */
bool snapfile_ram_next(const struct snapfile_view *view, size_t *pos, uint64_t *ret_offset,
		       uint64_t *ret_len, const uint8_t **ret_data);

/* ---- writing ---- */

struct snapfile_writer {
	int fd;
	int err;		/* the first error, -errno; later calls do nothing */
	uint32_t crc;
	uint64_t bytes;		/* written so far */
	uint64_t section_left;	/* payload bytes the open section still expects */
	uint64_t section_len;	/* its whole payload, for the padding */
	size_t fill;
	uint8_t buf[64 * 1024];
};

/** snapfile_begin() - the header, to @fd (written from its current offset). */
void snapfile_begin(struct snapfile_writer *w, int fd);

/** snapfile_section() - open a section of @type whose payload is @len bytes. */
void snapfile_section(struct snapfile_writer *w, enum snapfile_type type, uint64_t len);

/** snapfile_put() - payload bytes of the open section. */
void snapfile_put(struct snapfile_writer *w, const void *data, size_t len);
void snapfile_put_u32(struct snapfile_writer *w, uint32_t v);
void snapfile_put_u64(struct snapfile_writer *w, uint64_t v);

/**
 * snapfile_finish() - the END section with the checksum, then fdatasync.
 * Returns: 0 and *ret_bytes; the first -errno of any step (-EPROTO: a
 * section's payload did not have its announced length).
 */
int snapfile_finish(struct snapfile_writer *w, uint64_t *ret_bytes);

/** snapfile_config_encode() - CONFIG's 32 bytes. */
void snapfile_config_encode(const struct snapfile_config *c, uint8_t out[32]);

#endif
