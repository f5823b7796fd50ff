/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4), for the hashes of the kernel and initrd a snapshot
 * names (pure). One-shot only: the images are in memory.
 */
#ifndef PINVM_SHA256_H
#define PINVM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE	32

/** sha256() - the digest of @len bytes at @data into @out. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_SIZE]);

/** sha256_hex() - @digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_SIZE], char out[2 * SHA256_SIZE + 1]);

#endif
