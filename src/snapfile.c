// SPDX-License-Identifier: GPL-2.0-only
/* The snapshot file format: the streaming writer and the parser (snapfile.h). */
#include "pinvm/snapfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>
#include <zlib.h>

#include "pinvm/io.h"
#include "pinvm/layout.h"
#include "pinvm/log.h"

static uint32_t snapfile_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t snapfile_le64(const uint8_t *p)
{
	return (uint64_t)snapfile_le32(p) | (uint64_t)snapfile_le32(p + 4) << 32;
}

static void snapfile_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void snapfile_put64(uint8_t *p, uint64_t v)
{
	snapfile_put32(p, (uint32_t)v);
	snapfile_put32(p + 4, (uint32_t)(v >> 32));
}

size_t snapfile_reg_size(uint64_t id)
{
	return (size_t)1 << ((id & SNAPFILE_REG_SIZE_MASK) >> SNAPFILE_REG_SIZE_SHIFT);
}

/* KVM_REG_ARM_COPROC_MASK's field; KVM_REG_ARM64_SYSREG = 0x13 there */
#define SNAPFILE_REG_COPROC_MASK	0x000000000fff0000ULL
#define SNAPFILE_REG_SYSREG		0x0000000000130000ULL

void snapfile_reg_name(uint64_t id, char *buf, size_t size)
{
	unsigned int enc = (unsigned int)(id & 0xffff);

	if (!size)
		return;
	if ((id & SNAPFILE_REG_ARCH_MASK) == SNAPFILE_REG_ARM64 &&
	    (id & SNAPFILE_REG_COPROC_MASK) == SNAPFILE_REG_SYSREG)
		snprintf(buf, size, "S%u_%u_C%u_C%u_%u", enc >> 14, (enc >> 11) & 7, (enc >> 7) & 15,
			 (enc >> 3) & 15, enc & 7);
	else
		snprintf(buf, size, "0x%016" PRIx64, id);
}

bool snapfile_reg_droppable(uint64_t id, const uint8_t *val)
{
	/* KVM's reset_unknown() value, little-endian as KVM_GET_ONE_REG gives it */
	static const uint8_t unknown[8] = { 0xde, 0xc0, 0xad, 0xdb, 0x7e, 0xec, 0xe7, 0x1d };
	size_t n = snapfile_reg_size(id);

	if ((id & SNAPFILE_REG_ARCH_MASK) != SNAPFILE_REG_ARM64 ||
	    (id & SNAPFILE_REG_COPROC_MASK) != SNAPFILE_REG_SYSREG || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (val[i] != (n == 8 ? unknown[i] : 0))
			goto zero;
	return true;
zero:
	for (size_t i = 0; i < n; i++)
		if (val[i])
			return false;
	return true;
}

static uint64_t snapfile_pad(uint64_t len)
{
	return (8 - (len & 7)) & 7;
}

/* ---- writer ---- */

static void snapfile_flush(struct snapfile_writer *w)
{
	if (!w->err && w->fill) {
		w->err = io_write_all(w->fd, w->buf, w->fill);
		w->crc = (uint32_t)crc32(w->crc, w->buf, (uInt)w->fill);
		w->bytes += w->fill;
	}
	w->fill = 0;
}

static void snapfile_raw(struct snapfile_writer *w, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len && !w->err) {
		size_t n = sizeof(w->buf) - w->fill;

		if (n > len)
			n = len;
		memcpy(w->buf + w->fill, p, n);
		w->fill += n;
		p += n;
		len -= n;
		if (w->fill == sizeof(w->buf))
			snapfile_flush(w);
	}
}

void snapfile_begin(struct snapfile_writer *w, int fd)
{
	uint8_t h[SNAPFILE_HEADER_SIZE];

	w->fd = fd;
	w->err = 0;
	w->crc = (uint32_t)crc32(0, NULL, 0);
	w->bytes = 0;
	w->section_left = 0;
	w->fill = 0;
	memset(h, 0, sizeof(h));
	memcpy(h, SNAPFILE_MAGIC, 8);
	snapfile_put32(h + 8, SNAPFILE_VERSION);
	snapfile_put32(h + 12, SNAPFILE_ARCH_ARM64);
	snapfile_put32(h + 16, SNAPFILE_HEADER_SIZE);
	snapfile_raw(w, h, sizeof(h));
}

void snapfile_section(struct snapfile_writer *w, enum snapfile_type type, uint64_t len)
{
	uint8_t h[16];

	if (w->section_left && !w->err)
		w->err = -EPROTO;
	snapfile_put32(h, (uint32_t)type);
	snapfile_put32(h + 4, 0);
	snapfile_put64(h + 8, len);
	snapfile_raw(w, h, sizeof(h));
	w->section_left = len;
	w->section_len = len;
}

void snapfile_put(struct snapfile_writer *w, const void *data, size_t len)
{
	static const uint8_t zero[8];

	if (w->err)
		return;
	if (len > w->section_left) {
		w->err = -EPROTO;
		return;
	}
	snapfile_raw(w, data, len);
	w->section_left -= len;
	if (!w->section_left)
		snapfile_raw(w, zero, (size_t)snapfile_pad(w->section_len));
}

void snapfile_put_u32(struct snapfile_writer *w, uint32_t v)
{
	uint8_t b[4];

	snapfile_put32(b, v);
	snapfile_put(w, b, sizeof(b));
}

void snapfile_put_u64(struct snapfile_writer *w, uint64_t v)
{
	uint8_t b[8];

	snapfile_put64(b, v);
	snapfile_put(w, b, sizeof(b));
}

int snapfile_finish(struct snapfile_writer *w, uint64_t *ret_bytes)
{
	uint8_t end[8];

	if (w->section_left && !w->err)
		w->err = -EPROTO;
	snapfile_section(w, SNAPFILE_END, sizeof(end));
	/* The checksum covers everything up to END's payload. */
	snapfile_flush(w);
	snapfile_put32(end, w->crc);
	snapfile_put32(end + 4, 0);
	snapfile_put(w, end, sizeof(end));
	snapfile_flush(w);
	if (!w->err && fdatasync(w->fd) < 0)
		w->err = -errno;
	if (!w->err)
		*ret_bytes = w->bytes;
	return w->err;
}

void snapfile_config_encode(const struct snapfile_config *c, uint8_t out[32])
{
	memset(out, 0, 32);
	snapfile_put64(out, c->ram_size);
	snapfile_put32(out + 8, c->nr_vcpus);
	snapfile_put32(out + 12, c->gic_version);
	snapfile_put32(out + 16, c->psci_version);
	snapfile_put32(out + 20, c->psci_impl);
	snapfile_put32(out + 24, c->flags);
}

/* ---- parser ---- */

static const char *const snapfile_names[SNAPFILE_NR_TYPES] = {
	[SNAPFILE_END] = "end", [SNAPFILE_CONFIG] = "config", [SNAPFILE_CMDLINE] = "cmdline",
	[SNAPFILE_DTB] = "dtb", [SNAPFILE_IMAGE] = "image", [SNAPFILE_VCPU] = "vcpu",
	[SNAPFILE_GIC] = "gic", [SNAPFILE_POWER] = "power", [SNAPFILE_DEVICE] = "device",
	[SNAPFILE_RAM] = "ram",
};

/*
 * The section readers below return 0, -EINVAL with their own reason in @why,
 * or SNAPFILE_BAD: malformed, and snapfile_parse() says "bad NAME section".
 */
#define SNAPFILE_BAD	(-EBADMSG)

static int snapfile_config_decode(const uint8_t *p, size_t len, struct snapfile_config *c,
				  char *why, size_t why_size)
{
	if (len != 32) {
		log_say(why, why_size, "config section is %zu bytes, not 32", len);
		return -EINVAL;
	}
	c->ram_size = snapfile_le64(p);
	c->nr_vcpus = snapfile_le32(p + 8);
	c->gic_version = snapfile_le32(p + 12);
	c->psci_version = snapfile_le32(p + 16);
	c->psci_impl = snapfile_le32(p + 20);
	c->flags = snapfile_le32(p + 24);
	if (!c->ram_size || c->ram_size % SNAPFILE_PAGE || c->ram_size > SNAPFILE_RAM_MAX ||
	    !c->nr_vcpus || c->nr_vcpus > LAYOUT_MAX_VCPUS ||
	    (c->gic_version != 2 && c->gic_version != 3) ||
	    (c->psci_impl != SNAPFILE_IMPL_KVM && c->psci_impl != SNAPFILE_IMPL_PINVM) ||
	    (c->psci_version >> 16) > 1 || (c->psci_version & 0xffff) > 3 ||
	    (c->flags & ~SNAPFILE_NO_SUSPEND)) {
		log_say(why, why_size, "config section out of range (RAM %llu bytes, %u vCPUs, GICv%u, PSCI 0x%x)",
			(unsigned long long)c->ram_size, c->nr_vcpus, c->gic_version,
			c->psci_version);
		return -EINVAL;
	}
	return 0;
}

/* A whole flattened device tree of at most LAYOUT_DTB_MAX_SIZE bytes (its header checked). */
static int snapfile_dtb_check(const uint8_t *p, size_t len)
{
	uint64_t head[(sizeof(struct fdt_header) + 7) / 8];

	if (len < sizeof(struct fdt_header) || len > LAYOUT_DTB_MAX_SIZE)
		return -EINVAL;
	memcpy(head, p, sizeof(struct fdt_header));
	if (fdt_magic(head) != FDT_MAGIC || fdt_totalsize(head) != len ||
	    fdt_check_header(head))
		return -EINVAL;
	return 0;
}

static int snapfile_image_decode(const uint8_t *p, size_t len, struct snapfile_view *v,
				 char *why, size_t why_size)
{
	struct snapfile_image *img;
	uint32_t kind, plen;

	if (len < 48)
		return SNAPFILE_BAD;
	kind = snapfile_le32(p);
	plen = snapfile_le32(p + 4);
	if (kind > SNAPFILE_IMAGE_INITRD || !plen || plen >= SNAPFILE_PATH_MAX || len != 48 + plen ||
	    memchr(p + 48, '\0', plen))
		return SNAPFILE_BAD;
	img = kind == SNAPFILE_IMAGE_KERNEL ? &v->kernel : &v->initrd;
	if (img->path[0]) {
		log_say(why, why_size, "two %s image sections", kind ? "initrd" : "kernel");
		return -EINVAL;
	}
	img->kind = kind;
	img->size = snapfile_le64(p + 8);
	memcpy(img->sha256, p + 16, SHA256_DIGEST_SIZE);
	memcpy(img->path, p + 48, plen);
	img->path[plen] = '\0';
	if (kind == SNAPFILE_IMAGE_INITRD)
		v->has_initrd = true;
	return 0;
}

static int snapfile_vcpu_decode(const uint8_t *p, size_t len, struct snapfile_view *v,
				bool *seen, char *why, size_t why_size)
{
	uint32_t idx, nr;
	size_t pos = 16;

	if (len < 16)
		return SNAPFILE_BAD;
	idx = snapfile_le32(p);
	nr = snapfile_le32(p + 8);
	if (idx >= LAYOUT_MAX_VCPUS || seen[idx] || nr > SNAPFILE_MAX_REGS || snapfile_le32(p + 12))
		return SNAPFILE_BAD;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t id;
		size_t size;

		if (len - pos < 8)
			return SNAPFILE_BAD;
		id = snapfile_le64(p + pos);
		size = snapfile_reg_size(id);
		if ((id & SNAPFILE_REG_ARCH_MASK) != SNAPFILE_REG_ARM64) {
			log_say(why, why_size, "vCPU %u: register 0x%llx is not an arm64 register",
				idx, (unsigned long long)id);
			return -EINVAL;
		}
		if (size > SNAPFILE_REG_MAX || len - pos - 8 < size)
			return SNAPFILE_BAD;
		pos += 8 + size;
	}
	if (pos != len)
		return SNAPFILE_BAD;
	seen[idx] = true;
	v->vcpus[idx].mp_state = snapfile_le32(p + 4);
	v->vcpus[idx].nr_regs = nr;
	v->vcpus[idx].regs = p + 16;
	v->vcpus[idx].regs_len = len - 16;
	return 0;
}

static int snapfile_gic_check(const uint8_t *p, size_t len)
{
	if (len % SNAPFILE_GIC_ENTRY)
		return SNAPFILE_BAD;
	for (size_t i = 0; i < len; i += SNAPFILE_GIC_ENTRY) {
		uint32_t group = snapfile_le32(p + i), size = snapfile_le32(p + i + 4);

		if ((group != SNAPFILE_GIC_DIST && group != SNAPFILE_GIC_REDIST &&
		     group != SNAPFILE_GIC_SYSREGS && group != SNAPFILE_GIC_LEVEL) ||
		    (size != 4 && size != 8))
			return SNAPFILE_BAD;
	}
	return 0;
}

static int snapfile_power_decode(const uint8_t *p, size_t len, struct snapfile_view *v)
{
	if (len != (size_t)v->cfg.nr_vcpus * SNAPFILE_POWER_ENTRY)
		return SNAPFILE_BAD;
	for (uint32_t i = 0; i < v->cfg.nr_vcpus; i++) {
		const uint8_t *e = p + i * SNAPFILE_POWER_ENTRY;
		uint32_t flags = snapfile_le32(e + 4);

		v->power[i].state = snapfile_le32(e);
		if (v->power[i].state > 3 ||
		    (flags & ~(SNAPFILE_POWER_BIG_ENDIAN | SNAPFILE_POWER_STANDBY)))
			return SNAPFILE_BAD;
		v->power[i].big_endian = flags & SNAPFILE_POWER_BIG_ENDIAN;
		v->power[i].standby = flags & SNAPFILE_POWER_STANDBY;
		v->power[i].entry = snapfile_le64(e + 8);
		v->power[i].context = snapfile_le64(e + 16);
		v->power[i].mpidr = snapfile_le64(e + 24);
	}
	return 0;
}

static int snapfile_device_decode(const uint8_t *p, size_t len, struct snapfile_view *v)
{
	struct snapfile_device *d;
	size_t nlen;

	if (len < SNAPFILE_DEVICE_NAME || v->nr_devices == SNAPFILE_MAX_DEVICES)
		return SNAPFILE_BAD;
	nlen = strnlen((const char *)p, SNAPFILE_DEVICE_NAME);
	if (!nlen || nlen == SNAPFILE_DEVICE_NAME)
		return SNAPFILE_BAD;
	for (size_t i = 0; i < nlen; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			return SNAPFILE_BAD;
	for (size_t i = nlen; i < SNAPFILE_DEVICE_NAME; i++)
		if (p[i])
			return SNAPFILE_BAD;
	for (unsigned int i = 0; i < v->nr_devices; i++)
		if (!strcmp(v->devices[i].name, (const char *)p))
			return SNAPFILE_BAD;
	d = &v->devices[v->nr_devices++];
	memcpy(d->name, p, SNAPFILE_DEVICE_NAME);
	d->data = p + SNAPFILE_DEVICE_NAME;
	d->len = len - SNAPFILE_DEVICE_NAME;
	return 0;
}

static int snapfile_ram_check(const uint8_t *p, size_t len, struct snapfile_view *v,
			      char *why, size_t why_size)
{
	uint64_t next = 0;
	size_t pos = 0;

	v->ram_stored = 0;
	while (pos < len) {
		uint64_t off, n;

		if (len - pos < 16)
			goto bad;
		off = snapfile_le64(p + pos);
		n = snapfile_le64(p + pos + 8);
		if (off % SNAPFILE_PAGE || !n || n % SNAPFILE_PAGE || off < next ||
		    off > v->cfg.ram_size || n > v->cfg.ram_size - off || n > len - pos - 16)
			goto bad;
		next = off + n;
		v->ram_stored += n;
		pos += 16 + n;
	}
	v->ram = p;
	v->ram_len = len;
	return 0;
bad:
	log_say(why, why_size, "bad ram section (a run at byte %zu of it is out of order or outside the %llu bytes of RAM)",
		pos, (unsigned long long)v->cfg.ram_size);
	return -EINVAL;
}

int snapfile_parse(const void *buf, size_t len, struct snapfile_view *ret, char *why,
		   size_t why_size)
{
	const uint8_t *p = buf;
	bool seen_vcpu[LAYOUT_MAX_VCPUS] = { false };
	bool seen[SNAPFILE_NR_TYPES] = { false };
	uint32_t version, arch;
	size_t pos;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (len < 8 || memcmp(p, SNAPFILE_MAGIC, 8)) {
		log_say(why, why_size, "not a pinvm snapshot (no PINVMSNP magic)");
		return -EINVAL;
	}
	if (len < SNAPFILE_HEADER_SIZE) {
		log_say(why, why_size, "truncated: %zu bytes, the header alone is %d", len,
			SNAPFILE_HEADER_SIZE);
		return -EINVAL;
	}
	version = snapfile_le32(p + 8);
	arch = snapfile_le32(p + 12);
	if (arch != SNAPFILE_ARCH_ARM64) {
		log_say(why, why_size, "made for another architecture (0x%08x), this pinvm runs arm64 guests (0x%08x)",
			arch, SNAPFILE_ARCH_ARM64);
		return -EINVAL;
	}
	if (version != SNAPFILE_VERSION) {
		log_say(why, why_size, "format version %u; this pinvm reads version %d", version,
			SNAPFILE_VERSION);
		return -EINVAL;
	}
	if (snapfile_le32(p + 16) != SNAPFILE_HEADER_SIZE || snapfile_le32(p + 20) ||
	    snapfile_le64(p + 24)) {
		log_say(why, why_size, "bad header (size %u, flags 0x%x)", snapfile_le32(p + 16),
			snapfile_le32(p + 20));
		return -EINVAL;
	}

	for (pos = SNAPFILE_HEADER_SIZE;;) {
		uint32_t type;
		uint64_t slen, padded;
		const uint8_t *d;

		if (len - pos < 16) {
			log_say(why, why_size, "truncated: the file ends at byte %zu, inside a section header (no end section)",
				len);
			return -EINVAL;
		}
		type = snapfile_le32(p + pos);
		slen = snapfile_le64(p + pos + 8);
		if (slen > len - pos - 16 || snapfile_pad(slen) > len - pos - 16 - slen) {
			log_say(why, why_size, "truncated: the %s section at byte %zu needs %llu bytes, the file ends at %zu",
				type < SNAPFILE_NR_TYPES ? snapfile_names[type] : "unknown", pos,
				(unsigned long long)slen, len);
			return -EINVAL;
		}
		if (type >= SNAPFILE_NR_TYPES || snapfile_le32(p + pos + 4)) {
			log_say(why, why_size, "unknown section type %u at byte %zu", type, pos);
			return -EINVAL;
		}
		d = p + pos + 16;
		padded = slen + snapfile_pad(slen);
		if (type == SNAPFILE_END) {
			uint32_t want, got;

			if (slen != 8 || pos + 16 + 8 != len || snapfile_le32(d + 4)) {
				log_say(why, why_size, "bad end section at byte %zu (it must be the last 24 bytes)",
					pos);
				return -EINVAL;
			}
			want = snapfile_le32(d);
			got = (uint32_t)crc32(0, NULL, 0);
			/* crc32() takes a uInt length: a big file goes in pieces. */
			for (size_t off = 0; off < pos + 16; off += 1U << 30) {
				size_t n = pos + 16 - off < (1U << 30) ? pos + 16 - off : 1U << 30;

				got = (uint32_t)crc32(got, p + off, (uInt)n);
			}
			if (want != got) {
				log_say(why, why_size, "corrupted: checksum 0x%08x, the contents give 0x%08x",
					want, got);
				return -EINVAL;
			}
			break;
		}
		if (seen[type] && type != SNAPFILE_VCPU && type != SNAPFILE_DEVICE &&
		    type != SNAPFILE_IMAGE) {
			log_say(why, why_size, "two %s sections", snapfile_names[type]);
			return -EINVAL;
		}
		if (type != SNAPFILE_CONFIG && !seen[SNAPFILE_CONFIG]) {
			log_say(why, why_size, "the %s section comes before the config section",
				snapfile_names[type]);
			return -EINVAL;
		}
		seen[type] = true;
		r = 0;
		switch (type) {
		case SNAPFILE_CONFIG:
			r = snapfile_config_decode(d, slen, &ret->cfg, why, why_size);
			break;
		case SNAPFILE_CMDLINE:
			if (slen >= sizeof(ret->cmdline) || memchr(d, '\0', slen)) {
				r = SNAPFILE_BAD;
				break;
			}
			memcpy(ret->cmdline, d, slen);
			ret->cmdline[slen] = '\0';
			ret->has_cmdline = true;
			break;
		case SNAPFILE_DTB:
			r = snapfile_dtb_check(d, slen);
			if (r) {
				log_say(why, why_size, "bad dtb section");
				break;
			}
			ret->dtb = d;
			ret->dtb_len = slen;
			break;
		case SNAPFILE_IMAGE:
			r = snapfile_image_decode(d, slen, ret, why, why_size);
			break;
		case SNAPFILE_VCPU:
			r = snapfile_vcpu_decode(d, slen, ret, seen_vcpu, why, why_size);
			break;
		case SNAPFILE_GIC:
			r = snapfile_gic_check(d, slen);
			ret->gic = d;
			ret->nr_gic = (unsigned int)(slen / SNAPFILE_GIC_ENTRY);
			break;
		case SNAPFILE_POWER:
			r = snapfile_power_decode(d, slen, ret);
			break;
		case SNAPFILE_DEVICE:
			r = snapfile_device_decode(d, slen, ret);
			break;
		case SNAPFILE_RAM:
			r = snapfile_ram_check(d, slen, ret, why, why_size);
			break;
		}
		if (r == SNAPFILE_BAD) {
			log_say(why, why_size, "bad %s section", snapfile_names[type]);
			r = -EINVAL;
		}
		if (r)
			return r;
		pos += 16 + padded;
	}

	/* Everything a restore needs, for every vCPU. */
	if (!ret->kernel.path[0] || !seen[SNAPFILE_POWER] || !seen[SNAPFILE_RAM] ||
	    !seen[SNAPFILE_GIC]) {
		log_say(why, why_size, "incomplete: no %s section",
			!ret->kernel.path[0] ? "kernel image" : !seen[SNAPFILE_POWER] ? "power" :
			!seen[SNAPFILE_RAM] ? "ram" : "gic");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < LAYOUT_MAX_VCPUS; i++) {
		if (seen_vcpu[i] != (i < ret->cfg.nr_vcpus)) {
			log_say(why, why_size, "incomplete: %s vcpu section for vCPU %u of %u",
				seen_vcpu[i] ? "an extra" : "no", i, ret->cfg.nr_vcpus);
			return -EINVAL;
		}
	}
	return 0;
}

bool snapfile_reg_next(const struct snapfile_vcpu *v, size_t *pos, uint64_t *ret_id,
		       const uint8_t **ret_val)
{
	uint64_t id;

	if (*pos >= v->regs_len)
		return false;
	id = snapfile_le64(v->regs + *pos);
	*ret_id = id;
	*ret_val = v->regs + *pos + 8;
	*pos += 8 + snapfile_reg_size(id);
	return true;
}

void snapfile_gic_get(const struct snapfile_view *view, unsigned int i, struct snapfile_gic_attr *ret)
{
	const uint8_t *e = view->gic + (size_t)i * SNAPFILE_GIC_ENTRY;

	ret->group = snapfile_le32(e);
	ret->size = snapfile_le32(e + 4);
	ret->attr = snapfile_le64(e + 8);
	ret->value = snapfile_le64(e + 16);
}

bool snapfile_ram_next(const struct snapfile_view *view, size_t *pos, uint64_t *ret_offset,
		       uint64_t *ret_len, const uint8_t **ret_data)
{
	if (*pos >= view->ram_len)
		return false;
	*ret_offset = snapfile_le64(view->ram + *pos);
	*ret_len = snapfile_le64(view->ram + *pos + 8);
	*ret_data = view->ram + *pos + 16;
	*pos += 16 + *ret_len;
	return true;
}
