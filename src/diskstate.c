// SPDX-License-Identifier: GPL-2.0-only
/* A disk's state in a snapshot: encoding and parser (diskstate.h). */
#include "pinvm/diskstate.h"

#include <errno.h>
#include <string.h>

#include "pinvm/log.h"
#include "pinvm/virtio_blk.h"

static uint8_t *diskstate_put(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		*p++ = (uint8_t)(v >> (8 * i));
	return p;
}

static uint64_t diskstate_get(const uint8_t **p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)(*p)[i] << (8 * i);
	*p += n;
	return v;
}

size_t diskstate_size(const struct diskstate *s)
{
	return DISKSTATE_FIXED + strlen(s->path) + 1;
}

int diskstate_encode(const struct diskstate *s, uint8_t *buf, size_t len)
{
	size_t plen = strlen(s->path) + 1;
	uint8_t *p = buf;

	if (len != DISKSTATE_FIXED + plen || plen > DISKSTATE_PATH_MAX)
		return -EINVAL;
	p = diskstate_put(p, DISKSTATE_VERSION, 4);
	p = diskstate_put(p, s->ro ? 1 : 0, 4);
	p = diskstate_put(p, s->size, 8);
	p = diskstate_put(p, s->status, 4);
	p = diskstate_put(p, s->isr, 4);
	p = diskstate_put(p, s->dev_feat_sel, 4);
	p = diskstate_put(p, s->drv_feat_sel, 4);
	p = diskstate_put(p, s->queue_sel, 4);
	p = diskstate_put(p, 0, 4);
	p = diskstate_put(p, s->driver_features, 8);
	p = diskstate_put(p, (s->ready ? 1U : 0U) | (s->broken ? 2U : 0U), 4);
	p = diskstate_put(p, s->qsize, 2);
	p = diskstate_put(p, s->last_avail, 2);
	p = diskstate_put(p, s->used_idx, 2);
	p = diskstate_put(p, 0, 2);
	p = diskstate_put(p, 0, 4);
	p = diskstate_put(p, s->desc, 8);
	p = diskstate_put(p, s->avail, 8);
	p = diskstate_put(p, s->used, 8);
	p = diskstate_put(p, plen, 4);
	p = diskstate_put(p, 0, 4);
	memcpy(p, s->path, plen);
	return 0;
}

int diskstate_parse(const uint8_t *buf, size_t len, struct diskstate *s, char *why,
		    size_t why_size)
{
	const uint8_t *p = buf;
	uint32_t version, flags, qflags, plen;
	uint64_t zero = 0;

	memset(s, 0, sizeof(*s));
	if (len < DISKSTATE_FIXED) {
		log_say(why, why_size, "a disk's state of %zu bytes (at least %d)", len,
			DISKSTATE_FIXED);
		return -EINVAL;
	}
	version = (uint32_t)diskstate_get(&p, 4);
	if (version != DISKSTATE_VERSION) {
		log_say(why, why_size, "a disk's state of version %u; this pinvm reads version %d",
			version, DISKSTATE_VERSION);
		return -EINVAL;
	}
	flags = (uint32_t)diskstate_get(&p, 4);
	s->ro = flags & 1;
	s->size = diskstate_get(&p, 8);
	s->status = (uint32_t)diskstate_get(&p, 4);
	s->isr = (uint32_t)diskstate_get(&p, 4);
	s->dev_feat_sel = (uint32_t)diskstate_get(&p, 4);
	s->drv_feat_sel = (uint32_t)diskstate_get(&p, 4);
	s->queue_sel = (uint32_t)diskstate_get(&p, 4);
	zero |= diskstate_get(&p, 4);
	s->driver_features = diskstate_get(&p, 8);
	qflags = (uint32_t)diskstate_get(&p, 4);
	s->ready = qflags & 1;
	s->broken = qflags & 2;
	s->qsize = (uint16_t)diskstate_get(&p, 2);
	s->last_avail = (uint16_t)diskstate_get(&p, 2);
	s->used_idx = (uint16_t)diskstate_get(&p, 2);
	zero |= diskstate_get(&p, 2);
	zero |= diskstate_get(&p, 4);
	s->desc = diskstate_get(&p, 8);
	s->avail = diskstate_get(&p, 8);
	s->used = diskstate_get(&p, 8);
	plen = (uint32_t)diskstate_get(&p, 4);
	zero |= diskstate_get(&p, 4);
	if (zero || (flags & ~1U) || (qflags & ~3U) || s->isr & ~3U || s->status > 0xff ||
	    !s->size || s->size % VIRTIO_BLK_SECTOR) {
		log_say(why, why_size, "a disk's state out of range");
		return -EINVAL;
	}
	if (plen < 2 || plen > DISKSTATE_PATH_MAX || len != DISKSTATE_FIXED + (size_t)plen ||
	    p[plen - 1] != '\0' || memchr(p, '\0', plen - 1)) {
		log_say(why, why_size, "a disk's state with a bad image path");
		return -EINVAL;
	}
	s->path = (const char *)p;
	return 0;
}
