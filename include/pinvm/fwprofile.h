/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Firmware profiles: the guest's whole firmware view, i.e. KVM's firmware
 * pseudo-registers (PSCI_VERSION, the SMCCC workaround registers and the
 * hypercall service bitmaps, kvm-psci-uapi.md §3-§4), as a text file of
 * "NAME = VALUE" lines with '#' comments (docs/firmware-profiles.md).
 *
 * Pure: naming and decoding registers, parsing and writing the format, and
 * the replay policy (fwprofile_apply()) over a host given as callbacks, so
 * the rules are testable without KVM. The KVM side is fwregs.h. Never logs.
 */
#ifndef PINVM_FWPROFILE_H
#define PINVM_FWPROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FWPROFILE_MAX_REGS	32
#define FWPROFILE_MAX_SIZE	(64 * 1024)	/* a real profile is under 1 KiB */

/* Register groups: KVM_REG_ARM64 | KVM_REG_SIZE_U64 | group << 16 */
#define FWPROFILE_GROUP_MASK	0xffffffffffff0000ULL
#define FWPROFILE_GROUP_FW	0x6030000000140000ULL	/* KVM_REG_ARM_FW */
#define FWPROFILE_GROUP_BMAP	0x6030000000160000ULL	/* KVM_REG_ARM_FW_FEAT_BMAP */

#define FWPROFILE_PSCI_VERSION	(FWPROFILE_GROUP_FW | 0)

enum fwprofile_kind {
	FWPROFILE_KIND_PSCI,		/* PSCI_VERSION: written, read back */
	FWPROFILE_KIND_WORKAROUND,	/* SMCCC_ARCH_WORKAROUND_n: accepted when <= host level, not stored */
	FWPROFILE_KIND_BITMAP,		/* a hypercall service bitmap: written, read back */
	FWPROFILE_KIND_OTHER,		/* another KVM_REG_ARM_FW register: written, read back */
};

struct fwprofile_reg {
	uint64_t id;
	uint64_t value;
	unsigned int line;		/* line in the file it came from; 0: not from a file */
};

/* Registers in ascending id order (PSCI_VERSION first). */
struct fwprofile {
	struct fwprofile_reg regs[FWPROFILE_MAX_REGS];
	unsigned int nr;
};

/** fwprofile_is_fw_reg() - @id is in the firmware or firmware-bitmap group. */
bool fwprofile_is_fw_reg(uint64_t id);

/** fwprofile_reg_kind() - how a replay treats @id (a firmware register). */
enum fwprofile_kind fwprofile_reg_kind(uint64_t id);

/**
 * fwprofile_reg_name() - "PSCI_VERSION", "SMCCC_ARCH_WORKAROUND_1".."_3",
 * "STD_BMAP", "STD_HYP_BMAP", "VENDOR_HYP_BMAP", "VENDOR_HYP_BMAP_2", or NULL
 * for a register pinvm has no name for.
 */
const char *fwprofile_reg_name(uint64_t id);

/**
 * fwprofile_reg_key() - the key @id has in a profile: its name, or
 * "0x%016x" of the id for a firmware register without a name. Returns @buf.
 */
char *fwprofile_reg_key(uint64_t id, char *buf, size_t size);

/**
 * fwprofile_lookup_key() - the register a profile key names: a name from
 * fwprofile_reg_name() (exact case) or a 0x-prefixed id in one of the two groups.
 * Returns: 0; -ENOENT for anything else.
 */
int fwprofile_lookup_key(const char *key, uint64_t *ret_id);

/**
 * fwprofile_value_str() - @value as a profile writes it: "M.m" for
 * PSCI_VERSION, "0x%x" for the others. Returns @buf.
 */
char *fwprofile_value_str(uint64_t id, uint64_t value, char *buf, size_t size);

/**
 * fwprofile_decode() - @value in words: "PSCI 1.1"; "AVAIL", "NOT_REQUIRED",
 * "AVAIL ENABLED"...; the set bits' service names ("FUNC_FEAT PTP", "bit 5"
 * for an unnamed bit, "none" for 0); "" for an unnamed register. Returns @buf.
 */
char *fwprofile_decode(uint64_t id, uint64_t value, char *buf, size_t size);

/** fwprofile_find() - the entry for @id, or NULL. */
const struct fwprofile_reg *fwprofile_find(const struct fwprofile *p, uint64_t id);

/**
 * fwprofile_set() - add @id = @value, or replace its value; keeps id order.
 * Returns: 0; -EINVAL @id is not a firmware register; -ENOSPC full.
 */
int fwprofile_set(struct fwprofile *p, uint64_t id, uint64_t value);

/**
 * fwprofile_parse() - parse a profile held in @text (@len bytes, no NUL
 * needed). Strict: a NUL or control byte anywhere (a binary file), more than
 * FWPROFILE_MAX_SIZE bytes, a line that is not "NAME = VALUE", an unknown
 * register, a register given twice, a malformed or out-of-range number and a
 * file without PSCI_VERSION are all errors.
 * Returns: 0 and *ret; -EINVAL (-EFBIG: too large) with the line in
 * *ret_line (1-based) and what was expected in @why. *ret is undefined then.
 */
int fwprofile_parse(const char *text, size_t len, struct fwprofile *ret,
		    unsigned int *ret_line, char *why, size_t why_size);

/**
 * fwprofile_load() - read @path (a regular file) and parse it.
 * Returns: 0; -errno. @why holds "PATH:LINE: what was expected" for a
 * parse error and "PATH: reason" for the others.
 */
int fwprofile_load(const char *path, struct fwprofile *ret, char *why, size_t why_size);

/**
 * fwprofile_format() - the text of @p: each of @comments (NULL-terminated,
 * may be NULL) as a "# " line, then one "NAME = VALUE" line per register,
 * with its decoding as a trailing comment. fwprofile_parse() reads it back
 * to the same registers.
 * Returns: 0 and a malloc'd NUL-terminated text in *ret_text; -ENOMEM.
 */
int fwprofile_format(const struct fwprofile *p, const char *const *comments,
		     char **ret_text, size_t *ret_len);

/* ---- replay policy ---- */

enum fwprofile_verdict {
	/* refusals */
	FWPROFILE_HOST_LACKS,		/* the host has no such register */
	FWPROFILE_REJECTED,		/* KVM_SET_ONE_REG refused the value */
	FWPROFILE_READ_BACK,		/* written, but reads back differently (or not at all) */
	FWPROFILE_NOT_IN_PROFILE,	/* a non-bitmap host register the profile lacks */
	/* decisions reported, not refusals */
	FWPROFILE_ZEROED,		/* a host bitmap the profile lacks: written 0 */
	FWPROFILE_ABSENT_EMPTY,		/* host lacks a bitmap the profile has as 0 */
	FWPROFILE_HOST_LEVEL,		/* workaround accepted; KVM reports the host's level */
};

struct fwprofile_issue {
	uint64_t id;
	enum fwprofile_verdict verdict;
	uint64_t wanted;		/* the profile's value */
	uint64_t offered;		/* the host's value before the write (HOST_LEVEL: after) */
	bool has_wanted, has_offered;
	uint64_t seen;			/* READ_BACK: the value read back */
	int err;			/* REJECTED / READ_BACK: -errno of the ioctl, or 0 */
	unsigned int line;		/* the profile's line, 0 if none */
};

struct fwprofile_report {
	struct fwprofile_issue issues[2 * FWPROFILE_MAX_REGS];
	unsigned int nr;
	unsigned int nr_refused;
	uint32_t psci_version;		/* read back after a successful apply */
};

/** fwprofile_verdict_refuses() - @v stops the guest from starting. */
bool fwprofile_verdict_refuses(enum fwprofile_verdict v);

/**
 * struct fwprofile_host - a VM's firmware registers, before its first run.
 * @ids: every firmware register the host lists (KVM_GET_REG_LIST).
 * @get, @set: KVM_GET/SET_ONE_REG; 0 or -errno.
 */
struct fwprofile_host {
	const uint64_t *ids;
	unsigned int nr_ids;
	int (*get)(void *opaque, uint64_t id, uint64_t *ret);
	int (*set)(void *opaque, uint64_t id, uint64_t value);
	void *opaque;
};

/**
 * fwprofile_apply() - make the host's firmware view the profile's: write
 * every register (PSCI_VERSION first) and read it back. A register of the
 * profile the host lacks is refused, unless it is a bitmap with no bit set
 * (the guest sees the same: none of its services). A host register the
 * profile lacks is written 0 if it is a bitmap (the guest does not see the
 * newer services) and refused otherwise. A workaround register passes when
 * KVM accepts the value (it is at most the host's level); KVM keeps
 * reporting its own level, which is noted when it differs.
 * Every refusal and decision is appended to @rep, in register order.
 * Returns: 0 honoured; -ENOTSUP refused (rep->nr_refused > 0).
 */
int fwprofile_apply(const struct fwprofile *p, const struct fwprofile_host *host,
		    struct fwprofile_report *rep);

/**
 * fwprofile_issue_str() - one line naming the register, the profile's
 * (wanted) and the host's (offered) values and the verdict, e.g.
 * "PSCI_VERSION: wanted 1.3 (PSCI 1.3), offered 1.1 (PSCI 1.1): this host
 * refuses it; PSCI 1.3 needs Linux 6.13 or later". Returns @buf.
 */
char *fwprofile_issue_str(const struct fwprofile_issue *is, char *buf, size_t size);

#endif
