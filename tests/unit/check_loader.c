// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader: arm64 Image header checks (every rejected field), legacy and flat
 * kernels, gzip inflation (good, corrupt, truncated, bombs against the cap),
 * whole-file reads and the kernel/initrd/DTB placement plan.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "harness.h"
#include "pinvm/layout.h"
#include "pinvm/loader.h"
#include "pinvm/sha256.h"

#define SZ_4K	0x1000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n--) {
		*p++ = v & 0xff;
		v >>= 8;
	}
}

/* A @len byte kernel with an Image header; the body is a byte pattern. */
static uint8_t *make_image(size_t len, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	uint8_t *p = malloc(len);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	if (len >= 64) {
		put_le(p + 0, 0x91005a4d, 4);	/* code0: "MZ" + add, as EFI-stub kernels */
		put_le(p + 4, 0x14000000, 4);	/* code1: b . */
		put_le(p + 8, text_offset, 8);
		put_le(p + 16, image_size, 8);
		put_le(p + 24, flags, 8);
		memset(p + 32, 0, 24);
		put_le(p + 60, 0, 4);
	}
	if (len >= 60)
		put_le(p + 56, LOADER_IMAGE_MAGIC, 4);
	return p;
}

static int parse(const void *buf, size_t len, struct loader_image *img, const char **why)
{
	*why = NULL;
	memset(img, 0xa5, sizeof(*img));
	return loader_parse_image(buf, len, img, why);
}

START_TEST(test_magic_value)
{
	/* "ARM\x64" little endian at offset 56 */
	ck_assert_uint_eq(LOADER_IMAGE_MAGIC, 'A' | 'R' << 8 | 'M' << 16 | 0x64U << 24);
}
END_TEST

START_TEST(test_image_valid)
{
	uint8_t *k = make_image(8192, 0, 0x1800000, 0x0a);
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(k, 8192, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_IMAGE);
	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.image_size, 0x1800000);
	ck_assert_uint_eq(img.flags, 0x0a);
	free(k);
}
END_TEST

START_TEST(test_image_text_offset_80000)
{
	uint8_t *k = make_image(4096, 0x80000, 0x1000000, 0x2);
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(k, 4096, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_IMAGE);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	free(k);
}
END_TEST

/* Every page-size value (bits 1-2), both placements (bit 3), reserved bits. */
START_TEST(test_image_flags_accepted)
{
	static const uint64_t flags[] = {
		0x0, 0x2, 0x4, 0x6, 0x8, 0xa, 0xc, 0xe, 0x10, 0xfffffffffffffffeULL,
	};
	uint8_t *k = make_image(4096, 0, 0x100000, flags[_i]);
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(k, 4096, &img, &why), 0);
	ck_assert_uint_eq(img.flags, flags[_i]);
	ck_assert_uint_eq(img.flags & LOADER_FLAG_BE, 0);
	free(k);
}
END_TEST

struct bad_header {
	const char *what;
	size_t len;
	uint64_t text_offset, image_size, flags;
	int ret;
};

static const struct bad_header bad_headers[] = {
	{ "big-endian", 4096, 0, 0x100000, LOADER_FLAG_BE, -EINVAL },
	{ "big-endian 64K", 4096, 0, 0x100000, LOADER_FLAG_BE | 0x6, -EINVAL },
	{ "text_offset 1", 4096, 1, 0x100000, 0, -EINVAL },
	{ "text_offset 0x80001", 4096, 0x80001, 0x100000, 0, -EINVAL },
	{ "text_offset 0x800", 4096, 0x800, 0x100000, 0, -EINVAL },
	{ "text_offset 2M", 4096, SZ_2M, 0x100000, 0, -EINVAL },
	{ "text_offset huge", 4096, 0x8000000000000000ULL, 0x100000, 0, -EINVAL },
	{ "image_size < file", 8192, 0, 8191, 0, -EINVAL },
	{ "image_size 1", 4096, 0, 1, 0, -EINVAL },
	{ "image_size > max", 4096, 0, LOADER_MAX_KERNEL + 1, 0, -EFBIG },
	{ "image_size ~0", 4096, 0, UINT64_MAX, 0, -EFBIG },
	{ "header cut at 60", 60, 0, 0, 0, -EINVAL },
	{ "header cut at 63", 63, 0, 0, 0, -EINVAL },
};

START_TEST(test_image_bad_header)
{
	const struct bad_header *c = &bad_headers[_i];
	uint8_t *k = make_image(c->len, c->text_offset, c->image_size, c->flags);
	struct loader_image img, before;
	const char *why;
	int r;

	r = parse(k, c->len, &img, &why);
	memset(&before, 0xa5, sizeof(before));
	ck_assert_msg(r == c->ret, "%s: got %d, want %d", c->what, r, c->ret);
	ck_assert_msg(why && why[0], "%s: no message", c->what);
	ck_assert_msg(memcmp(&img, &before, sizeof(img)) == 0, "%s: result written", c->what);
	free(k);
}
END_TEST

START_TEST(test_image_size_equal_file)
{
	uint8_t *k = make_image(8192, 0, 8192, 0);
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(k, 8192, &img, &why), 0);
	ck_assert_uint_eq(img.image_size, 8192);
	free(k);
}
END_TEST

START_TEST(test_image_text_offset_max)
{
	uint8_t *k = make_image(4096, SZ_2M - SZ_4K, 0x100000, 0);
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(k, 4096, &img, &why), 0);
	ck_assert_uint_eq(img.text_offset, SZ_2M - SZ_4K);
	free(k);
}
END_TEST

/* Pre-3.17: image_size 0, text_offset in kernel byte order, no flags. */
START_TEST(test_image_legacy)
{
	uint8_t *k = make_image(12345, 0x0000080000000000ULL, 0, LOADER_FLAG_BE | 0x6);
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(k, 12345, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_IMAGE);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, 12345);
	ck_assert_uint_eq(img.flags, 0);
	free(k);
}
END_TEST

START_TEST(test_empty)
{
	static const uint8_t one[1] = { 0 };
	struct loader_image img;
	const char *why;

	ck_assert_int_eq(parse(one, 0, &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(parse(NULL, 0, &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_flat)
{
	static const size_t lens[] = { 1, 59, 60, 64, 4096, 1000000 };
	size_t len = lens[_i];
	uint8_t *k = make_image(len, 0, 0, 0);
	struct loader_image img;
	const char *why;

	/* no magic: a kvmtool-style bare-metal binary */
	if (len >= 60)
		k[56] = 'X';
	ck_assert_int_eq(parse(k, len, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_FLAT);
	ck_assert_uint_eq(img.text_offset, LAYOUT_FLAT_TEXT_OFFSET);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, len);
	ck_assert_uint_eq(img.flags, 0);
	free(k);
}
END_TEST

START_TEST(test_flat_byteswapped_magic)
{
	uint8_t *k = make_image(4096, 0, 0x100000, 0);
	struct loader_image img;
	const char *why;

	memcpy(k + 56, "dMRA", 4);
	ck_assert_int_eq(parse(k, 4096, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_FLAT);
	free(k);
}
END_TEST

/* CONFIG_EFI_ZBOOT vmlinuz.efi: refused by name, not run as a flat binary */
START_TEST(test_efi_zboot)
{
	uint8_t *k = make_image(4096, 0, 0, 0);
	struct loader_image img;
	const char *why;

	memcpy(k, "MZ\0\0zimg", 8);
	k[56] = 0;	/* no arm64 magic */
	ck_assert_int_eq(parse(k, 4096, &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "zboot"));

	/* an ordinary EFI-stub Image also starts with "MZ" and is fine */
	free(k);
	k = make_image(4096, 0, 0x100000, 0);
	ck_assert_int_eq(parse(k, 4096, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_IMAGE);
	ck_assert_int_eq(memcmp(k, "MZ", 2), 0);
	free(k);
}
END_TEST

START_TEST(test_too_big)
{
	size_t len = LOADER_MAX_KERNEL + 1;
	struct loader_image img;
	const char *why;
	void *p;

	/* untouched anonymous pages: no real memory is used */
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert(p != MAP_FAILED);
	ck_assert_int_eq(parse(p, len, &img, &why), -EFBIG);
	ck_assert_ptr_nonnull(why);
	munmap(p, len);
}
END_TEST

/* ---- gzip ---- */

static void gzip_buf(const void *in, size_t len, uint8_t **ret, size_t *ret_len)
{
	z_stream zs = { 0 };
	size_t cap = deflateBound(&zs, len) + 64;
	uint8_t *out;

	ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&zs, len) + 64;
	out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*ret_len = zs.total_out;
	*ret = out;
	deflateEnd(&zs);
}

/* ---- gzip through a file, into the memory a place callback gives ---- */

struct test_place {
	uint64_t room;
	uint8_t *buf;
	size_t head_len;
	uint8_t head[LOADER_HEADER_SIZE];
	int calls;
};

static uint8_t *test_place_fn(void *ctx, const uint8_t *head, size_t head_len, uint64_t *ret_room)
{
	struct test_place *tp = ctx;

	tp->calls++;
	tp->head_len = head_len;
	memcpy(tp->head, head, head_len);
	if (tp->room == 0)
		return NULL;
	tp->buf = malloc(tp->room);
	ck_assert_ptr_nonnull(tp->buf);
	*ret_room = tp->room;
	return tp->buf;
}

/* A memfd holding @len bytes of @buf. */
static int memfd_with(const void *buf, size_t len)
{
	int fd = memfd_create("loader-test", MFD_CLOEXEC);

	const uint8_t *p = buf;

	ck_assert_int_ge(fd, 0);
	while (len) {
		ssize_t n = write(fd, p, len);

		ck_assert_int_gt(n, 0);
		p += n;
		len -= (size_t)n;
	}
	return fd;
}

static void digest(const void *buf, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, buf, len);
	sha256_final(&s, out);
}

/*
 * loader_gunzip_fd() as the buffer-to-buffer inflater the tests were
 * written for: the output lands in a @max byte buffer; *out and *out_len
 * are set on success only, and the digest is checked against the input's.
 */
static int gunzip(const void *gz, size_t gz_len, size_t max, void **out, size_t *out_len,
		  const char **why)
{
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct test_place tp = { .room = max ? max : 1 };
	struct sha256 h;
	uint64_t len = 0;
	int fd = memfd_with(gz, gz_len), r;

	*why = NULL;
	sha256_init(&h);
	r = loader_gunzip_fd(fd, max, test_place_fn, &tp, &h, &len, why);
	(void)close(fd);
	if (r) {
		ck_assert_ptr_nonnull(*why);
		free(tp.buf);
		return r;
	}
	ck_assert_int_eq(tp.calls, 1);
	ck_assert_uint_le(len, max);
	ck_assert_uint_eq(tp.head_len, len < LOADER_HEADER_SIZE ? len : LOADER_HEADER_SIZE);
	ck_assert_int_eq(memcmp(tp.head, tp.buf, tp.head_len), 0);
	sha256_final(&h, got);
	digest(gz, gz_len, want);
	ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
	*out = tp.buf;
	*out_len = (size_t)len;
	return 0;
}

START_TEST(test_is_gzip)
{
	static const uint8_t gz[] = { 0x1f, 0x8b, 0x08 };
	static const uint8_t not[] = { 0x1f, 0x8c };
	uint8_t *k = make_image(4096, 0, 0x100000, 0);

	ck_assert(loader_is_gzip(gz, 3));
	ck_assert(loader_is_gzip(gz, 2));
	ck_assert(!loader_is_gzip(gz, 1));
	ck_assert(!loader_is_gzip(gz, 0));
	ck_assert(!loader_is_gzip(NULL, 0));
	ck_assert(!loader_is_gzip(not, 2));
	ck_assert(!loader_is_gzip(k, 4096));
	free(k);
}
END_TEST

START_TEST(test_gunzip_image)
{
	uint8_t *k = make_image(300000, 0, 0x1000000, 0xa), *gz;
	struct loader_image img;
	const char *why = NULL;
	size_t gz_len, out_len = 0;
	void *out = NULL;

	gzip_buf(k, 300000, &gz, &gz_len);
	ck_assert(loader_is_gzip(gz, gz_len));
	ck_assert_int_eq(gunzip(gz, gz_len, LOADER_MAX_KERNEL, &out, &out_len, &why), 0);
	ck_assert_uint_eq(out_len, 300000);
	ck_assert_int_eq(memcmp(out, k, out_len), 0);
	ck_assert_int_eq(parse(out, out_len, &img, &why), 0);
	ck_assert_int_eq(img.kind, LOADER_KIND_IMAGE);
	ck_assert_uint_eq(img.image_size, 0x1000000);
	free(out);
	free(gz);
	free(k);
}
END_TEST

/* Tiny inputs: the output buffer grows from 4x the input. */
START_TEST(test_gunzip_small_and_empty_payload)
{
	uint8_t *gz;
	size_t gz_len, out_len = 99;
	const char *why = NULL;
	void *out = NULL;

	gzip_buf("x", 1, &gz, &gz_len);
	ck_assert_int_eq(gunzip(gz, gz_len, 16, &out, &out_len, &why), 0);
	ck_assert_uint_eq(out_len, 1);
	ck_assert_int_eq(((char *)out)[0], 'x');
	free(out);
	free(gz);

	/* a valid gzip of zero bytes inflates to an empty buffer */
	gzip_buf("", 0, &gz, &gz_len);
	out = NULL;
	ck_assert_int_eq(gunzip(gz, gz_len, 16, &out, &out_len, &why), 0);
	ck_assert_uint_eq(out_len, 0);
	free(out);
	free(gz);
}
END_TEST

START_TEST(test_gunzip_trailing_bytes_ignored)
{
	uint8_t *k = make_image(5000, 0, 0x100000, 0), *gz, *padded;
	size_t gz_len, out_len;
	const char *why;
	void *out;

	gzip_buf(k, 5000, &gz, &gz_len);
	padded = calloc(1, gz_len + 512);
	memcpy(padded, gz, gz_len);
	ck_assert_int_eq(gunzip(padded, gz_len + 512, SZ_1M, &out, &out_len, &why), 0);
	ck_assert_uint_eq(out_len, 5000);
	ck_assert_int_eq(memcmp(out, k, 5000), 0);
	free(out);
	free(padded);
	free(gz);
	free(k);
}
END_TEST

enum gz_damage {
	GZ_FLIP_BODY,		/* a bit in the deflate data */
	GZ_FLIP_CRC,		/* the CRC32 in the trailer */
	GZ_FLIP_ISIZE,		/* the length in the trailer */
	GZ_BAD_METHOD,		/* header byte 2 is not 8 (deflate) */
	GZ_CUT_TRAILER,		/* last 4 bytes missing */
	GZ_CUT_HALF,		/* half the stream */
	GZ_CUT_HEADER,		/* 5 bytes: magic and a bit of header */
	GZ_ONLY_MAGIC,		/* 1f 8b */
	GZ_DAMAGE_MAX,
};

START_TEST(test_gunzip_damaged)
{
	uint8_t *k = make_image(65536, 0, 0x100000, 0), *gz;
	size_t gz_len, len, out_len = 1234;
	const char *why = NULL;
	void *out = (void *)0x1;

	/* random-ish body so a flipped bit cannot hide in a long run */
	for (size_t i = 64; i < 65536; i++)
		k[i] = (uint8_t)((i * 2654435761U) >> 13);
	gzip_buf(k, 65536, &gz, &gz_len);
	len = gz_len;

	switch (_i) {
	case GZ_FLIP_BODY:
		gz[gz_len / 2] ^= 0x10;
		break;
	case GZ_FLIP_CRC:
		gz[gz_len - 8] ^= 0x01;
		break;
	case GZ_FLIP_ISIZE:
		gz[gz_len - 4] ^= 0x01;
		break;
	case GZ_BAD_METHOD:
		gz[2] = 7;
		break;
	case GZ_CUT_TRAILER:
		len = gz_len - 4;
		break;
	case GZ_CUT_HALF:
		len = gz_len / 2;
		break;
	case GZ_CUT_HEADER:
		len = 5;
		break;
	case GZ_ONLY_MAGIC:
		len = 2;
		break;
	}

	ck_assert_msg(gunzip(gz, len, LOADER_MAX_KERNEL, &out, &out_len, &why) == -EINVAL,
		      "damage %d not detected", _i);
	ck_assert_ptr_nonnull(why);
	ck_assert(out == (void *)0x1);
	ck_assert_uint_eq(out_len, 1234);
	free(gz);
	free(k);
}
END_TEST

START_TEST(test_gunzip_empty)
{
	const char *why = NULL;
	size_t out_len;
	void *out;

	ck_assert_int_eq(gunzip("", 0, SZ_1M, &out, &out_len, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* 64 MiB of zeros is ~64 KiB of gzip: with a 1 MiB cap it must stop. */
START_TEST(test_gunzip_bomb)
{
	size_t big = 64 * SZ_1M, gz_len, out_len = 7;
	uint8_t *zeros = calloc(1, big), *gz;
	const char *why = NULL;
	void *out = (void *)0x1;

	ck_assert_ptr_nonnull(zeros);
	gzip_buf(zeros, big, &gz, &gz_len);
	free(zeros);
	ck_assert_uint_lt(gz_len, big / 500);

	ck_assert_int_eq(gunzip(gz, gz_len, SZ_1M, &out, &out_len, &why), -EFBIG);
	ck_assert_ptr_nonnull(why);
	ck_assert(out == (void *)0x1);
	ck_assert_uint_eq(out_len, 7);

	/* the same stream under a cap that fits it */
	ck_assert_int_eq(gunzip(gz, gz_len, big, &out, &out_len, &why), 0);
	ck_assert_uint_eq(out_len, big);
	free(out);
	free(gz);
}
END_TEST

/* The cap is inclusive: exactly @max bytes is fine, @max + 1 is not. */
START_TEST(test_gunzip_cap_boundary)
{
	size_t n = 100000, gz_len, out_len;
	uint8_t *data = malloc(n), *gz;
	const char *why;
	void *out;

	memset(data, 'a', n);
	gzip_buf(data, n, &gz, &gz_len);
	ck_assert_int_eq(gunzip(gz, gz_len, n, &out, &out_len, &why), 0);
	ck_assert_uint_eq(out_len, n);
	free(out);
	ck_assert_int_eq(gunzip(gz, gz_len, n - 1, &out, &out_len, &why), -EFBIG);
	ck_assert_int_eq(gunzip(gz, gz_len, 0, &out, &out_len, &why), -EFBIG);
	free(gz);
	free(data);
}
END_TEST

/* ---- files ---- */

static char *tmp;

static void tmp_setup(void)
{
	tmp = harness_tmpdir();
	ck_assert_ptr_nonnull(tmp);
}

static void tmp_teardown(void)
{
	harness_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

START_TEST(test_read_file)
{
	char *path = harness_path(tmp, "kernel");
	uint8_t *k = make_image(70000, 0, 0x100000, 0), *buf = malloc(70001);
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct sha256 h;
	uint64_t size = 0;
	int fd = -1;

	ck_assert_int_eq(harness_write_file(path, k, 70000), 0);
	ck_assert_int_eq(loader_open_file(path, LOADER_MAX_KERNEL, &fd, &size), 0);
	ck_assert_uint_eq(size, 70000);
	sha256_init(&h);
	ck_assert_int_eq(loader_read_fd(fd, buf, size, &h), 0);
	ck_assert_int_eq(memcmp(buf, k, 70000), 0);
	sha256_final(&h, got);
	digest(k, 70000, want);
	ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);

	/* the file is one byte longer, then one shorter, than what is asked */
	sha256_init(&h);
	ck_assert_int_eq(loader_read_fd(fd, buf, 69999, &h), -ESTALE);
	sha256_init(&h);
	ck_assert_int_eq(loader_read_fd(fd, buf, 70001, &h), -ESTALE);
	(void)close(fd);

	/* exactly at the limit, and one byte over */
	ck_assert_int_eq(loader_open_file(path, 70000, &fd, &size), 0);
	(void)close(fd);
	fd = -7;
	ck_assert_int_eq(loader_open_file(path, 69999, &fd, &size), -EFBIG);
	ck_assert_int_eq(fd, -7);
	free(buf);
	free(k);
	free(path);
}
END_TEST

START_TEST(test_read_file_empty)
{
	char *path = harness_path(tmp, "empty");
	uint8_t buf[1], want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct loader_image img;
	struct sha256 h;
	uint64_t size = 99;
	const char *why;
	int fd;

	ck_assert_int_eq(harness_write_file(path, "", 0), 0);
	ck_assert_int_eq(loader_open_file(path, SZ_1M, &fd, &size), 0);
	ck_assert_uint_eq(size, 0);
	sha256_init(&h);
	ck_assert_int_eq(loader_read_fd(fd, buf, 0, &h), 0);
	sha256_final(&h, got);
	digest("", 0, want);
	ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
	(void)close(fd);
	/* and the parser refuses it */
	ck_assert_int_eq(parse(buf, 0, &img, &why), -EINVAL);
	free(path);
}
END_TEST

START_TEST(test_read_file_errors)
{
	char *missing = harness_path(tmp, "missing");
	uint64_t size;
	int fd;

	ck_assert_int_eq(loader_open_file(missing, SZ_1M, &fd, &size), -ENOENT);
	ck_assert_int_eq(loader_open_file(tmp, SZ_1M, &fd, &size), -EISDIR);
	ck_assert_int_eq(loader_open_file("/dev/null", SZ_1M, &fd, &size), -EINVAL);
	free(missing);
}
END_TEST

/* Too little room: the output is counted, not kept, and its length told. */
START_TEST(test_gunzip_no_room)
{
	uint8_t *k = make_image(300000, 0, 0x1000000, 0), *gz;
	struct test_place tp = { .room = 0 };
	const char *why = NULL;
	struct sha256 h;
	uint64_t len = 0;
	size_t gz_len;
	int fd;

	gzip_buf(k, 300000, &gz, &gz_len);
	fd = memfd_with(gz, gz_len);
	sha256_init(&h);
	ck_assert_int_eq(loader_gunzip_fd(fd, LOADER_MAX_KERNEL, test_place_fn, &tp, &h, &len, &why), 0);
	ck_assert_uint_eq(len, 300000);
	ck_assert_int_eq(tp.calls, 1);
	ck_assert_int_eq(memcmp(tp.head, k, LOADER_HEADER_SIZE), 0);

	/* a room smaller than the output: the first room bytes, the whole length */
	tp = (struct test_place){ .room = 1000 };
	sha256_init(&h);
	ck_assert_int_eq(loader_gunzip_fd(fd, LOADER_MAX_KERNEL, test_place_fn, &tp, &h, &len, &why), 0);
	ck_assert_uint_eq(len, 300000);
	ck_assert_int_eq(memcmp(tp.buf, k, 1000), 0);
	free(tp.buf);
	(void)close(fd);
	free(gz);
	free(k);
}
END_TEST

/* ---- placement ---- */

#define RAM	LAYOUT_RAM_BASE
#define M256	(256 * SZ_1M)

static const struct loader_image image_32m = {
	.kind = LOADER_KIND_IMAGE, .text_offset = 0, .image_size = 32 * SZ_1M,
};

static int plan(const struct loader_image *img, uint64_t initrd, uint64_t base, uint64_t size,
		struct loader_plan *p, const char **why)
{
	*why = NULL;
	memset(p, 0xa5, sizeof(*p));
	return loader_plan(img, initrd, base, size, p, why);
}

static void assert_untouched(const struct loader_plan *p)
{
	struct loader_plan before;

	memset(&before, 0xa5, sizeof(before));
	ck_assert_msg(memcmp(p, &before, sizeof(*p)) == 0, "plan written on failure");
}

START_TEST(test_plan_image_no_initrd)
{
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, 0, RAM, M256, &p, &why), 0);
	ck_assert_uint_eq(p.kernel_addr, 0x80000000);
	ck_assert_uint_eq(p.kernel_end, 0x82000000);
	ck_assert_uint_eq(p.initrd_addr, 0);
	ck_assert_uint_eq(p.initrd_size, 0);
	/* last 2 MiB region of 256 MiB at 2 GiB */
	ck_assert_uint_eq(p.dtb_addr, 0x8fe00000);
}
END_TEST

START_TEST(test_plan_text_offset)
{
	struct loader_image img = image_32m;
	struct loader_plan p;
	const char *why;

	img.text_offset = 0x80000;
	ck_assert_int_eq(plan(&img, 0, RAM, M256, &p, &why), 0);
	ck_assert_uint_eq(p.kernel_addr, 0x80080000);
	ck_assert_uint_eq(p.kernel_end, 0x82080000);
}
END_TEST

START_TEST(test_plan_flat)
{
	static const uint8_t bin[200] = { 0x1f, 0x20, 0x03, 0xd5 };
	struct loader_image img;
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(loader_parse_image(bin, sizeof(bin), &img, &why), 0);
	ck_assert_int_eq(plan(&img, 0, RAM, M256, &p, &why), 0);
	/* where kvmtool loads a flat binary */
	ck_assert_uint_eq(p.kernel_addr, RAM + 0x80000);
	ck_assert_uint_eq(p.kernel_end, RAM + 0x80000 + sizeof(bin));
}
END_TEST

START_TEST(test_plan_initrd)
{
	uint64_t size = 10 * SZ_1M + 1;
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, size, RAM, M256, &p, &why), 0);
	ck_assert_uint_eq(p.initrd_size, size);
	ck_assert_uint_eq(p.initrd_addr % SZ_4K, 0);
	ck_assert_uint_le(p.initrd_addr + size, p.dtb_addr);
	ck_assert_uint_gt(p.initrd_addr + size + SZ_4K, p.dtb_addr);	/* right below */
	ck_assert_uint_ge(p.initrd_addr, p.kernel_end);
	/* 10 MiB + 1 rounds the start down by one more page */
	ck_assert_uint_eq(p.initrd_addr, 0x8fe00000 - 10 * SZ_1M - SZ_4K);
	ck_assert_uint_eq(p.dtb_addr, 0x8fe00000);
}
END_TEST

/* The largest initrd fills the gap exactly; one byte more does not fit. */
START_TEST(test_plan_initrd_boundary)
{
	uint64_t gap = 0x8fe00000 - 0x82000000;
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, gap, RAM, M256, &p, &why), 0);
	ck_assert_uint_eq(p.initrd_addr, p.kernel_end);
	ck_assert_int_eq(plan(&image_32m, gap + 1, RAM, M256, &p, &why), -ENOSPC);
	ck_assert_ptr_nonnull(why);
	assert_untouched(&p);
}
END_TEST

START_TEST(test_plan_initrd_too_big)
{
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, 300 * SZ_1M, RAM, M256, &p, &why), -ENOSPC);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "initrd"));
	assert_untouched(&p);
	ck_assert_int_eq(plan(&image_32m, UINT64_MAX, RAM, M256, &p, &why), -ENOSPC);
	assert_untouched(&p);
}
END_TEST

START_TEST(test_plan_kernel_too_big)
{
	struct loader_image img = image_32m;
	struct loader_plan p;
	const char *why;

	img.image_size = 300 * SZ_1M;
	ck_assert_int_eq(plan(&img, 0, RAM, M256, &p, &why), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(why, "kernel"));
	assert_untouched(&p);

	/* fits in RAM but runs into the DTB's 2 MiB region */
	img.image_size = M256 - SZ_1M;
	ck_assert_int_eq(plan(&img, 0, RAM, M256, &p, &why), -ENOSPC);
	assert_untouched(&p);

	/* flush against the DTB region is fine */
	img.image_size = M256 - SZ_2M;
	ck_assert_int_eq(plan(&img, 0, RAM, M256, &p, &why), 0);
	ck_assert_uint_eq(p.kernel_end, p.dtb_addr);
}
END_TEST

START_TEST(test_plan_tiny_ram)
{
	static const struct loader_image flat = {
		.kind = LOADER_KIND_FLAT, .text_offset = 0x80000, .image_size = 4096,
	};
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&flat, 0, RAM, 4 * SZ_1M, &p, &why), 0);
	ck_assert_uint_eq(p.dtb_addr, RAM + SZ_2M);
	/* 2 MiB: the DTB's region is the kernel's region */
	ck_assert_int_eq(plan(&flat, 0, RAM, SZ_2M, &p, &why), -ENOSPC);
	ck_assert_int_eq(plan(&flat, 0, RAM, LAYOUT_DTB_MAX_SIZE - 1, &p, &why), -ENOSPC);
	assert_untouched(&p);
}
END_TEST

/* RAM not a multiple of 2 MiB: the DTB region still lies inside RAM. */
START_TEST(test_plan_odd_ram_size)
{
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, 0, RAM, M256 + SZ_1M, &p, &why), 0);
	ck_assert_uint_eq(p.dtb_addr, 0x90000000 - 0);
	ck_assert_uint_le(p.dtb_addr + LAYOUT_DTB_MAX_SIZE, RAM + M256 + SZ_1M);
	ck_assert_uint_eq(p.dtb_addr % SZ_2M, 0);

	ck_assert_int_eq(plan(&image_32m, 0, RAM, M256 + LAYOUT_DTB_MAX_SIZE - 1, &p, &why), 0);
	ck_assert_uint_eq(p.dtb_addr, 0x8fe00000);
}
END_TEST

/* booting.rst: initrd within a 1 GiB aligned 32 GiB window over the kernel. */
START_TEST(test_plan_initrd_32g_window)
{
	uint64_t ram = 64 * SZ_1G;
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, 16 * SZ_1M, RAM, ram, &p, &why), 0);
	ck_assert_uint_eq(p.dtb_addr, RAM + ram - SZ_2M);
	/* the kernel is at 2 GiB, so the window is [2 GiB, 34 GiB) */
	ck_assert_uint_le(p.initrd_addr + 16 * SZ_1M, 34 * SZ_1G);
	ck_assert_uint_eq(p.initrd_addr, 34 * SZ_1G - 16 * SZ_1M);
}
END_TEST

START_TEST(test_plan_bad_ram)
{
	struct loader_plan p;
	const char *why;

	ck_assert_int_eq(plan(&image_32m, 0, RAM + SZ_1M, M256, &p, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(plan(&image_32m, 0, RAM, 0, &p, &why), -EINVAL);
	ck_assert_int_eq(plan(&image_32m, 0, UINT64_MAX - SZ_2M + 1, 4 * SZ_2M, &p, &why),
			 -EINVAL);
	assert_untouched(&p);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc;

	tc = tcase_create("image");
	tcase_add_test(tc, test_magic_value);
	tcase_add_test(tc, test_image_valid);
	tcase_add_test(tc, test_image_text_offset_80000);
	tcase_add_loop_test(tc, test_image_flags_accepted, 0, 10);
	tcase_add_loop_test(tc, test_image_bad_header, 0, N(bad_headers));
	tcase_add_test(tc, test_image_size_equal_file);
	tcase_add_test(tc, test_image_text_offset_max);
	tcase_add_test(tc, test_image_legacy);
	tcase_add_test(tc, test_empty);
	tcase_add_loop_test(tc, test_flat, 0, 6);
	tcase_add_test(tc, test_flat_byteswapped_magic);
	tcase_add_test(tc, test_efi_zboot);
	tcase_add_test(tc, test_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("gzip");
	tcase_add_test(tc, test_is_gzip);
	tcase_add_test(tc, test_gunzip_image);
	tcase_add_test(tc, test_gunzip_small_and_empty_payload);
	tcase_add_test(tc, test_gunzip_trailing_bytes_ignored);
	tcase_add_loop_test(tc, test_gunzip_damaged, 0, GZ_DAMAGE_MAX);
	tcase_add_test(tc, test_gunzip_empty);
	tcase_add_test(tc, test_gunzip_bomb);
	tcase_add_test(tc, test_gunzip_cap_boundary);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_file_empty);
	tcase_add_test(tc, test_read_file_errors);
	tcase_add_test(tc, test_gunzip_no_room);
	suite_add_tcase(s, tc);

	tc = tcase_create("plan");
	tcase_add_test(tc, test_plan_image_no_initrd);
	tcase_add_test(tc, test_plan_text_offset);
	tcase_add_test(tc, test_plan_flat);
	tcase_add_test(tc, test_plan_initrd);
	tcase_add_test(tc, test_plan_initrd_boundary);
	tcase_add_test(tc, test_plan_initrd_too_big);
	tcase_add_test(tc, test_plan_kernel_too_big);
	tcase_add_test(tc, test_plan_tiny_ram);
	tcase_add_test(tc, test_plan_odd_ram_size);
	tcase_add_test(tc, test_plan_initrd_32g_window);
	tcase_add_test(tc, test_plan_bad_ram);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return harness_run(loader_suite());
}
