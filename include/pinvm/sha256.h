/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4): the digest of the kernel and initrd files pinvm
 * loaded, so that a restart can tell the same content from a file
 * rewritten since (boot.c). Pure.
 */
#ifndef PINVM_SHA256_H
#define PINVM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64
/* Lower-case hex of a digest and its NUL. */
#define SHA256_HEX_SIZE		(2 * SHA256_DIGEST_SIZE + 1)

/* The compression function over @n whole blocks: portable, or the CPU's. */
typedef void (*sha256_blocks_fn)(uint32_t h[8], const uint8_t *p, size_t n);

struct sha256 {
	uint32_t h[8];
	sha256_blocks_fn blocks;
	uint64_t len;			/* bytes hashed so far */
	uint8_t buf[SHA256_BLOCK_SIZE];	/* a partial block: len % 64 bytes */
};

/**
 * sha256_init() - start a digest; with the SHA-256 instructions when the
 * CPU has them (arm64 HWCAP_SHA2), else the portable code.
 */
void sha256_init(struct sha256 *s);

/** sha256_init_portable() - start a digest on the portable code whatever the CPU (tests). */
void sha256_init_portable(struct sha256 *s);

/** sha256_update() - hash @len more bytes of @data (any length, any alignment). */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/** sha256_final() - pad, and write the 32-byte digest to @out; @s is spent. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE]);

/** sha256_hex() - @digest as 64 lower-case hex digits and a NUL in @out. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE]);

#endif
