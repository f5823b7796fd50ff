// SPDX-License-Identifier: GPL-2.0-only
/* virtio-blk: features, config space, one request against the image (virtio_blk.h). */
#include "pinvm/virtio_blk.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>

#define VIRTIO_BLK_HDR_SIZE	16

void virtio_blk_init(struct virtio_blk *b, int fd, uint64_t size, bool ro, const char *serial)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->capacity = size / VIRTIO_BLK_SECTOR;
	b->ro = ro;
	/* NUL-padded, not NUL-terminated when 20 bytes long (virtio 5.2.6). */
	if (serial)
		memcpy(b->serial, serial, strnlen(serial, sizeof(b->serial)));
}

uint64_t virtio_blk_features(const struct virtio_blk *b)
{
	uint64_t f = 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_BLK_F_FLUSH |
		     1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE;

	if (b->ro)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	return f;
}

static void virtio_blk_put(uint8_t *cfg, unsigned int off, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

void virtio_blk_config_read(const struct virtio_blk *b, uint64_t offset, uint8_t *data,
			    unsigned int len)
{
	uint8_t cfg[VIRTIO_BLK_CONFIG_SIZE];

	memset(cfg, 0, sizeof(cfg));
	virtio_blk_put(cfg, 0x00, b->capacity, 8);
	virtio_blk_put(cfg, 0x0c, VIRTIO_BLK_SEG_MAX, 4);
	virtio_blk_put(cfg, 0x14, VIRTIO_BLK_SECTOR, 4);
	for (unsigned int i = 0; i < len; i++)
		data[i] = offset + i < sizeof(cfg) ? cfg[offset + i] : 0;
}

/* Copy up to @len bytes from @skip into the iovec stream @iov into @dst; returns the count. */
static size_t virtio_blk_gather(const struct iovec *iov, unsigned int n, uint64_t skip,
				void *dst, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len, take;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		take = l - skip < len - done ? l - skip : len - done;
		memcpy((uint8_t *)dst + done, (uint8_t *)iov[i].iov_base + skip, take);
		done += take;
		skip = 0;
	}
	return done;
}

/* The last @n bytes cut off a copy of the stream (@len bytes in all): @dst gets the rest. */
static unsigned int virtio_blk_trim(const struct iovec *iov, unsigned int n, uint64_t skip,
				    uint64_t len, struct iovec *dst)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		dst[k++] = (struct iovec){ (uint8_t *)iov[i].iov_base + skip, (size_t)l };
		len -= l;
		skip = 0;
	}
	return k;
}

/* Whole transfer or -EIO; retried on EINTR and short counts (a regular file gives them at EOF only). */
static int virtio_blk_rw(int fd, struct iovec *iov, unsigned int n, uint64_t off, uint64_t len,
			 bool write)
{
	while (len) {
		ssize_t r = write ? pwritev(fd, iov, (int)n, (off_t)off) :
				    preadv(fd, iov, (int)n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		len -= (uint64_t)r;
		off += (uint64_t)r;
		/* Skip what was done. */
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static bool virtio_blk_in_range(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	uint64_t n = bytes / VIRTIO_BLK_SECTOR;

	return sector <= b->capacity && n <= b->capacity - sector;
}

uint32_t virtio_blk_request(struct virtio_blk *b, const struct virtq_chain *c)
{
	struct iovec data[VIRTQ_MAX_SEGS];
	uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
	uint32_t type, used = 1;
	uint64_t sector, dlen;
	uint8_t status = VIRTIO_BLK_S_OK;
	const struct iovec *last;
	unsigned int n;

	b->nr_requests++;
	/* The status is the last device-writable byte; without one nothing can be said. */
	if (!c->in_len) {
		b->nr_errors++;
		return 0;
	}
	if (virtio_blk_gather(c->out, c->nr_out, 0, hdr, sizeof(hdr)) < sizeof(hdr)) {
		status = VIRTIO_BLK_S_IOERR;
		goto done;
	}
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);

	switch (type) {
	case VIRTIO_BLK_T_IN:
		dlen = c->in_len - 1;
		if (c->out_len != VIRTIO_BLK_HDR_SIZE || dlen % VIRTIO_BLK_SECTOR ||
		    !virtio_blk_in_range(b, sector, dlen) || dlen > UINT32_MAX - 1) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = virtio_blk_trim(c->in, c->nr_in, 0, dlen, data);
		if (dlen && virtio_blk_rw(b->fd, data, n, sector * VIRTIO_BLK_SECTOR, dlen, false))
			status = VIRTIO_BLK_S_IOERR;
		else
			used = (uint32_t)dlen + 1;
		break;
	case VIRTIO_BLK_T_OUT:
		dlen = c->out_len - VIRTIO_BLK_HDR_SIZE;
		if (b->ro || c->in_len != 1 || dlen % VIRTIO_BLK_SECTOR ||
		    !virtio_blk_in_range(b, sector, dlen)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = virtio_blk_trim(c->out, c->nr_out, VIRTIO_BLK_HDR_SIZE, dlen, data);
		if (dlen && virtio_blk_rw(b->fd, data, n, sector * VIRTIO_BLK_SECTOR, dlen, true))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_FLUSH:
		b->nr_flushes++;
		if (!b->ro && fdatasync(b->fd) < 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		uint64_t room = c->in_len - 1;

		if (room > VIRTIO_BLK_SERIAL_LEN)
			room = VIRTIO_BLK_SERIAL_LEN;
		n = virtio_blk_trim(c->in, c->nr_in, 0, room, data);
		for (unsigned int i = 0, off = 0; i < n; off += (unsigned int)data[i].iov_len, i++)
			memcpy(data[i].iov_base, b->serial + off, data[i].iov_len);
		used = (uint32_t)room + 1;
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	if (status != VIRTIO_BLK_S_OK) {
		b->nr_errors++;
		used = 1;
	}
	last = &c->in[c->nr_in - 1];
	((uint8_t *)last->iov_base)[last->iov_len - 1] = status;
	return used;
}
