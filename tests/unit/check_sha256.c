// SPDX-License-Identifier: GPL-2.0-only
/*
 * sha256: the FIPS 180-4 example messages (one block, two blocks, a
 * million 'a'), the empty message, every split of a message into two
 * updates (partial blocks at each offset), and lengths around the padding
 * boundary against a one-update digest; each on both compression
 * functions: sha256_init()'s (the SHA-256 instructions where the CPU has
 * them: qemu-user's default arm64 CPU does) and the portable one.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pinvm/sha256.h"

/* The loop index of a test: 0 sha256_init(), 1 sha256_init_portable(). */
static void start(struct sha256 *s, int impl)
{
	if (impl)
		sha256_init_portable(s);
	else
		sha256_init(s);
}

static int impl;

static void digest_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256 s;

	start(&s, impl);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

START_TEST(test_known)
{
	impl = _i;
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[SHA256_HEX_SIZE];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		digest_hex(v[i].msg, strlen(v[i].msg), hex);
		ck_assert_str_eq(hex, v[i].hex);
	}
}
END_TEST

/* A million 'a' in uneven pieces (FIPS 180-2, appendix B.3). */
START_TEST(test_million_a)
{
	static char a[1024];
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	struct sha256 s;
	size_t left = 1000000, n = 1;

	memset(a, 'a', sizeof(a));
	start(&s, _i);
	while (left) {
		size_t take = n < left ? n : left;

		sha256_update(&s, a, take);
		left -= take;
		n = n % 997 + 13;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Every split point of 0..200-byte messages gives the one-update digest. */
START_TEST(test_splits)
{
	uint8_t msg[200], one[SHA256_DIGEST_SIZE], two[SHA256_DIGEST_SIZE];
	struct sha256 s;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 31 + 7);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		start(&s, _i);
		sha256_update(&s, msg, len);
		sha256_final(&s, one);
		for (size_t cut = 0; cut <= len; cut++) {
			start(&s, _i);
			sha256_update(&s, msg, cut);
			sha256_update(&s, msg + cut, len - cut);
			sha256_final(&s, two);
			ck_assert_msg(memcmp(one, two, sizeof(one)) == 0, "len %zu cut %zu", len, cut);
		}
	}
}
END_TEST

/* 55, 56 and 64 bytes: the length fits in the last block, or takes one more. */
START_TEST(test_padding_boundary)
{
	char hex[SHA256_HEX_SIZE];
	char m[64];

	impl = _i;
	memset(m, 'a', sizeof(m));
	digest_hex(m, 55, hex);
	ck_assert_str_eq(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	digest_hex(m, 56, hex);
	ck_assert_str_eq(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	digest_hex(m, 64, hex);
	ck_assert_str_eq(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

/* Both compression functions agree on a long message of every byte value. */
START_TEST(test_same_digest)
{
	uint8_t a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
	static uint8_t msg[100003];
	struct sha256 s;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 131 + (i >> 8));
	sha256_init(&s);
	sha256_update(&s, msg, sizeof(msg));
	sha256_final(&s, a);
	sha256_init_portable(&s);
	sha256_update(&s, msg, sizeof(msg));
	sha256_final(&s, b);
	ck_assert_int_eq(memcmp(a, b, sizeof(a)), 0);
}
END_TEST

static Suite *sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("digest");

	tcase_add_loop_test(tc, test_known, 0, 2);
	tcase_add_loop_test(tc, test_million_a, 0, 2);
	tcase_add_loop_test(tc, test_splits, 0, 2);
	tcase_add_loop_test(tc, test_padding_boundary, 0, 2);
	tcase_add_test(tc, test_same_digest);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(sha256_suite());
}
