// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256 as FIPS 180-4 defines it (sections 4.1.2, 4.2.2, 5.1.1, 6.2).
 * Written here rather than linked: the build has no crypto library, and a
 * digest of files is all pinvm needs. A Linux Image is tens of MB, hashed
 * at every boot: on an arm64 CPU with the SHA-256 instructions (FEAT_SHA256,
 * HWCAP_SHA2) the compression function uses them, four rounds an
 * instruction pair; elsewhere the portable code does (under QEMU's TCG the
 * portable code is ~10x slower than the instructions, which it runs as one
 * helper each).
 */
#include "pinvm/sha256.h"

#include <string.h>

#if defined(__aarch64__)
#include <arm_neon.h>
#include <sys/auxv.h>
#include <asm/hwcap.h>
#endif

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The compression function over @n whole 64-byte blocks. */
static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	uint32_t w[64];

	while (n--) {
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
		uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];

		for (int t = 0; t < 16; t++)
			w[t] = get_be32(p + 4 * t);
		for (int t = 16; t < 64; t++) {
			uint32_t s0 = ror32(w[t - 15], 7) ^ ror32(w[t - 15], 18) ^ (w[t - 15] >> 3);
			uint32_t s1 = ror32(w[t - 2], 17) ^ ror32(w[t - 2], 19) ^ (w[t - 2] >> 10);

			w[t] = w[t - 16] + s0 + w[t - 7] + s1;
		}
		for (int t = 0; t < 64; t++) {
			uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
				      ((e & f) ^ (~e & g)) + sha256_k[t] + w[t];
			uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
				      ((a & b) ^ (a & c) ^ (b & c));

			hh = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
		p += SHA256_BLOCK_SIZE;
	}
}

#if defined(__aarch64__)
/* The same function with SHA256H/H2 (4 rounds each), SU0/SU1 (the schedule). */
__attribute__((target("+crypto")))
static void sha256_blocks_ce(uint32_t h[8], const uint8_t *p, size_t n)
{
	uint32x4_t abcd = vld1q_u32(h), efgh = vld1q_u32(h + 4);

	while (n--) {
		uint32x4_t abcd0 = abcd, efgh0 = efgh;
		uint32x4_t w[4];

		for (int i = 0; i < 4; i++)
			w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
		for (int i = 0; i < 16; i++) {
			uint32x4_t wk = vaddq_u32(w[0], vld1q_u32(&sha256_k[4 * i]));
			uint32x4_t prev = abcd;
			uint32x4_t next = w[0];

			abcd = vsha256hq_u32(abcd, efgh, wk);
			efgh = vsha256h2q_u32(efgh, prev, wk);
			if (i < 12)
				next = vsha256su1q_u32(vsha256su0q_u32(w[0], w[1]), w[2], w[3]);
			w[0] = w[1];
			w[1] = w[2];
			w[2] = w[3];
			w[3] = next;
		}
		abcd = vaddq_u32(abcd, abcd0);
		efgh = vaddq_u32(efgh, efgh0);
		p += SHA256_BLOCK_SIZE;
	}
	vst1q_u32(h, abcd);
	vst1q_u32(h + 4, efgh);
}
#endif

static void sha256_start(struct sha256 *s, sha256_blocks_fn blocks)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->blocks = blocks;
}

void sha256_init(struct sha256 *s)
{
#if defined(__aarch64__)
	if (getauxval(AT_HWCAP) & HWCAP_SHA2) {
		sha256_start(s, sha256_blocks_ce);
		return;
	}
#endif
	sha256_start(s, sha256_blocks);
}

void sha256_init_portable(struct sha256 *s)
{
	sha256_start(s, sha256_blocks);
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = (size_t)(s->len % SHA256_BLOCK_SIZE);

	s->len += len;
	if (have) {
		size_t take = SHA256_BLOCK_SIZE - have < len ? SHA256_BLOCK_SIZE - have : len;

		memcpy(s->buf + have, p, take);
		p += take;
		len -= take;
		if (have + take < SHA256_BLOCK_SIZE)
			return;
		s->blocks(s->h, s->buf, 1);
	}
	s->blocks(s->h, p, len / SHA256_BLOCK_SIZE);
	p += len - len % SHA256_BLOCK_SIZE;
	memcpy(s->buf, p, len % SHA256_BLOCK_SIZE);
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE])
{
	size_t have = (size_t)(s->len % SHA256_BLOCK_SIZE);
	uint64_t bits = s->len * 8;

	/* 0x80, zeros up to 56 bytes of a block, the length in bits (5.1.1). */
	s->buf[have++] = 0x80;
	if (have > SHA256_BLOCK_SIZE - 8) {
		memset(s->buf + have, 0, SHA256_BLOCK_SIZE - have);
		s->blocks(s->h, s->buf, 1);
		have = 0;
	}
	memset(s->buf + have, 0, SHA256_BLOCK_SIZE - 8 - have);
	put_be32(s->buf + 56, (uint32_t)(bits >> 32));
	put_be32(s->buf + 60, (uint32_t)bits);
	s->blocks(s->h, s->buf, 1);
	for (int i = 0; i < 8; i++)
		put_be32(out + 4 * i, s->h[i]);
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[2 * SHA256_DIGEST_SIZE] = '\0';
}
