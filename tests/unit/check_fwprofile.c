// SPDX-License-Identifier: GPL-2.0-only
/*
 * Firmware profiles: register names and decodings; the parser reads back
 * what the writer writes; every malformed file (binary, huge, duplicate
 * key, unknown register, bad number, missing version...) gives its error
 * and its line; the replay rules against a fake host (bitmaps the profile
 * lacks are zeroed, other unknown registers refused, workaround levels,
 * refused and misread values, the PSCI 1.3 refusal naming the version).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pinvm/fwprofile.h"

#define PSCI	(FWPROFILE_GROUP_FW | 0)
#define WA1	(FWPROFILE_GROUP_FW | 1)
#define WA2	(FWPROFILE_GROUP_FW | 2)
#define WA3	(FWPROFILE_GROUP_FW | 3)
#define STD	(FWPROFILE_GROUP_BMAP | 0)
#define STD_HYP	(FWPROFILE_GROUP_BMAP | 1)
#define VENDOR	(FWPROFILE_GROUP_BMAP | 2)
#define VENDOR2	(FWPROFILE_GROUP_BMAP | 3)
#define FW_NEW	(FWPROFILE_GROUP_FW | 4)	/* a future non-bitmap register */
#define BMAP_NEW	(FWPROFILE_GROUP_BMAP | 9)	/* a future bitmap */

START_TEST(test_names)
{
	static const struct {
		uint64_t id;
		const char *name;
		enum fwprofile_kind kind;
	} regs[] = {
		{ PSCI, "PSCI_VERSION", FWPROFILE_KIND_PSCI },
		{ WA1, "SMCCC_ARCH_WORKAROUND_1", FWPROFILE_KIND_WORKAROUND },
		{ WA2, "SMCCC_ARCH_WORKAROUND_2", FWPROFILE_KIND_WORKAROUND },
		{ WA3, "SMCCC_ARCH_WORKAROUND_3", FWPROFILE_KIND_WORKAROUND },
		{ STD, "STD_BMAP", FWPROFILE_KIND_BITMAP },
		{ STD_HYP, "STD_HYP_BMAP", FWPROFILE_KIND_BITMAP },
		{ VENDOR, "VENDOR_HYP_BMAP", FWPROFILE_KIND_BITMAP },
		{ VENDOR2, "VENDOR_HYP_BMAP_2", FWPROFILE_KIND_BITMAP },
	};
	char buf[32];
	uint64_t id;

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		ck_assert_str_eq(fwprofile_reg_name(regs[i].id), regs[i].name);
		ck_assert_int_eq(fwprofile_reg_kind(regs[i].id), regs[i].kind);
		ck_assert_int_eq(fwprofile_lookup_key(regs[i].name, &id), 0);
		ck_assert_uint_eq(id, regs[i].id);
		ck_assert(fwprofile_is_fw_reg(regs[i].id));
	}
	/* The uapi values the table stands for */
	ck_assert_uint_eq(PSCI, 0x6030000000140000ULL);
	ck_assert_uint_eq(VENDOR2, 0x6030000000160003ULL);

	ck_assert_ptr_null(fwprofile_reg_name(FW_NEW));
	ck_assert_int_eq(fwprofile_reg_kind(FW_NEW), FWPROFILE_KIND_OTHER);
	ck_assert_int_eq(fwprofile_reg_kind(BMAP_NEW), FWPROFILE_KIND_BITMAP);
	ck_assert_str_eq(fwprofile_reg_key(FW_NEW, buf, sizeof(buf)), "0x6030000000140004");
	ck_assert_str_eq(fwprofile_reg_key(STD, buf, sizeof(buf)), "STD_BMAP");
	ck_assert_int_eq(fwprofile_lookup_key("0x6030000000140004", &id), 0);
	ck_assert_uint_eq(id, FW_NEW);
	ck_assert_int_eq(fwprofile_lookup_key("0x6030000000160000", &id), 0);
	ck_assert_uint_eq(id, STD);
	/* Not firmware registers, or not the exact spelling */
	ck_assert_int_eq(fwprofile_lookup_key("0x6030000000100000", &id), -ENOENT);
	ck_assert_int_eq(fwprofile_lookup_key("psci_version", &id), -ENOENT);
	ck_assert_int_eq(fwprofile_lookup_key("PSCI", &id), -ENOENT);
	ck_assert_int_eq(fwprofile_lookup_key("", &id), -ENOENT);
	ck_assert(!fwprofile_is_fw_reg(0x6030000000100000ULL));
}
END_TEST

START_TEST(test_decode)
{
	char buf[160];

	ck_assert_str_eq(fwprofile_value_str(PSCI, 0x10001, buf, sizeof(buf)), "1.1");
	ck_assert_str_eq(fwprofile_value_str(PSCI, 0x2, buf, sizeof(buf)), "0.2");
	ck_assert_str_eq(fwprofile_value_str(STD, 0x1, buf, sizeof(buf)), "0x1");
	ck_assert_str_eq(fwprofile_decode(PSCI, 0x10003, buf, sizeof(buf)), "PSCI 1.3");
	ck_assert_str_eq(fwprofile_decode(WA1, 0, buf, sizeof(buf)), "NOT_AVAIL");
	ck_assert_str_eq(fwprofile_decode(WA1, 1, buf, sizeof(buf)), "AVAIL");
	ck_assert_str_eq(fwprofile_decode(WA3, 2, buf, sizeof(buf)), "NOT_REQUIRED");
	ck_assert_str_eq(fwprofile_decode(WA1, 3, buf, sizeof(buf)), "unknown level 3");
	ck_assert_str_eq(fwprofile_decode(WA2, 1, buf, sizeof(buf)), "UNKNOWN");
	ck_assert_str_eq(fwprofile_decode(WA2, 3, buf, sizeof(buf)), "NOT_REQUIRED");
	ck_assert_str_eq(fwprofile_decode(WA2, 0x12, buf, sizeof(buf)), "AVAIL ENABLED");
	ck_assert_str_eq(fwprofile_decode(STD, 1, buf, sizeof(buf)), "TRNG_V1_0");
	ck_assert_str_eq(fwprofile_decode(STD_HYP, 1, buf, sizeof(buf)), "PV_TIME");
	ck_assert_str_eq(fwprofile_decode(VENDOR, 3, buf, sizeof(buf)), "FUNC_FEAT PTP");
	ck_assert_str_eq(fwprofile_decode(VENDOR, 2, buf, sizeof(buf)), "PTP");
	ck_assert_str_eq(fwprofile_decode(VENDOR2, 3, buf, sizeof(buf)),
			 "DISCOVER_IMPL_VER DISCOVER_IMPL_CPUS");
	ck_assert_str_eq(fwprofile_decode(VENDOR2, 0, buf, sizeof(buf)), "none");
	ck_assert_str_eq(fwprofile_decode(STD, 0x21, buf, sizeof(buf)), "TRNG_V1_0 bit 5");
	ck_assert_str_eq(fwprofile_decode(BMAP_NEW, 0x8000000000000000ULL, buf, sizeof(buf)), "bit 63");
	ck_assert_str_eq(fwprofile_decode(FW_NEW, 7, buf, sizeof(buf)), "");
}
END_TEST

static void sample(struct fwprofile *p)
{
	memset(p, 0, sizeof(*p));
	/* Out of order on purpose: the profile keeps id order. */
	ck_assert_int_eq(fwprofile_set(p, VENDOR, 3), 0);
	ck_assert_int_eq(fwprofile_set(p, PSCI, 0x10001), 0);
	ck_assert_int_eq(fwprofile_set(p, WA2, 0x12), 0);
	ck_assert_int_eq(fwprofile_set(p, WA1, 1), 0);
	ck_assert_int_eq(fwprofile_set(p, WA3, 0), 0);
	ck_assert_int_eq(fwprofile_set(p, STD, 1), 0);
	ck_assert_int_eq(fwprofile_set(p, STD_HYP, 1), 0);
	ck_assert_int_eq(fwprofile_set(p, VENDOR2, 0), 0);
	ck_assert_int_eq(fwprofile_set(p, FW_NEW, 0xffffffffffffffffULL), 0);
	ck_assert_int_eq(fwprofile_set(p, BMAP_NEW, 0x8000000000000001ULL), 0);
}

START_TEST(test_set)
{
	struct fwprofile p;

	sample(&p);
	ck_assert_uint_eq(p.nr, 10);
	for (unsigned int i = 1; i < p.nr; i++)
		ck_assert(p.regs[i - 1].id < p.regs[i].id);
	ck_assert_uint_eq(p.regs[0].id, PSCI);
	ck_assert_int_eq(fwprofile_set(&p, STD, 0), 0);	/* replaces */
	ck_assert_uint_eq(p.nr, 10);
	ck_assert_uint_eq(fwprofile_find(&p, STD)->value, 0);
	ck_assert_int_eq(fwprofile_set(&p, 0x6030000000100000ULL, 1), -EINVAL);
	for (unsigned int i = 0; p.nr < FWPROFILE_MAX_REGS; i++)
		ck_assert_int_eq(fwprofile_set(&p, FWPROFILE_GROUP_BMAP | (100 + i), 0), 0);
	ck_assert_int_eq(fwprofile_set(&p, FWPROFILE_GROUP_BMAP | 99, 0), -ENOSPC);
}
END_TEST

START_TEST(test_round_trip)
{
	static const char *const comments[] = {
		"pinvm firmware profile",
		"Recorded by pinvm 0.1.0 on Linux 6.1.0-37-arm64 (aarch64), 2026-11-25T10:00:00Z.",
		NULL,
	};
	struct fwprofile p, q, r;
	char *text, *text2, why[256] = "";
	size_t len, len2;
	unsigned int line;

	sample(&p);
	ck_assert_int_eq(fwprofile_format(&p, comments, &text, &len), 0);
	ck_assert_uint_eq(strlen(text), len);
	ck_assert_ptr_nonnull(strstr(text, "# Recorded by pinvm 0.1.0 on Linux 6.1.0-37-arm64"));
	ck_assert_ptr_nonnull(strstr(text, "\nPSCI_VERSION = 1.1\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nVENDOR_HYP_BMAP = 0x3\t# FUNC_FEAT PTP\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nSMCCC_ARCH_WORKAROUND_2 = 0x12\t# AVAIL ENABLED\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n0x6030000000140004 = 0xffffffffffffffff\n"));

	ck_assert_msg(fwprofile_parse(text, len, &q, &line, why, sizeof(why)) == 0,
		      "line %u: %s\n%s", line, why, text);
	ck_assert_uint_eq(q.nr, p.nr);
	for (unsigned int i = 0; i < p.nr; i++) {
		ck_assert_uint_eq(q.regs[i].id, p.regs[i].id);
		ck_assert_uint_eq(q.regs[i].value, p.regs[i].value);
		ck_assert_uint_eq(q.regs[i].line, i + 3);	/* after the two comments */
	}
	/* Writing what was read gives the same text; without comments, too. */
	ck_assert_int_eq(fwprofile_format(&q, comments, &text2, &len2), 0);
	ck_assert_str_eq(text2, text);
	free(text2);
	ck_assert_int_eq(fwprofile_format(&q, NULL, &text2, &len2), 0);
	ck_assert_int_eq(fwprofile_parse(text2, len2, &r, &line, why, sizeof(why)), 0);
	ck_assert_uint_eq(r.nr, p.nr);
	ck_assert_uint_eq(r.regs[0].line, 1);
	free(text2);
	free(text);
}
END_TEST

START_TEST(test_accepts)
{
	static const char text[] =
		"# comment\r\n"
		"\n"
		"   \t\n"
		"\tPSCI_VERSION=0x10000   # 1.0 as a number\r\n"
		"STD_BMAP   =   1\n"
		"STD_HYP_BMAP = 0X0\n"
		"0x6030000000160002 = 18446744073709551615\n"
		"  # indented comment\n"
		"SMCCC_ARCH_WORKAROUND_1 = 0x0000000000000002";	/* no final newline */
	struct fwprofile p;
	char why[256] = "";
	unsigned int line;

	ck_assert_msg(fwprofile_parse(text, sizeof(text) - 1, &p, &line, why, sizeof(why)) == 0,
		      "line %u: %s", line, why);
	ck_assert_uint_eq(p.nr, 5);
	ck_assert_uint_eq(fwprofile_find(&p, PSCI)->value, 0x10000);
	ck_assert_uint_eq(fwprofile_find(&p, PSCI)->line, 4);
	ck_assert_uint_eq(fwprofile_find(&p, STD)->value, 1);
	ck_assert_uint_eq(fwprofile_find(&p, STD_HYP)->value, 0);
	ck_assert_uint_eq(fwprofile_find(&p, VENDOR)->value, UINT64_MAX);
	ck_assert_uint_eq(fwprofile_find(&p, WA1)->value, 2);
	ck_assert_uint_eq(fwprofile_find(&p, WA1)->line, 9);

	ck_assert_int_eq(fwprofile_parse("PSCI_VERSION = 65539", 20, &p, &line, why, sizeof(why)), 0);
	ck_assert_uint_eq(p.regs[0].value, 0x10003);
	/* The edges of the number format: 0 alone, 16 hex digits, 2^32 - 1. */
	ck_assert_int_eq(fwprofile_parse("PSCI_VERSION = 4294967295\nSTD_BMAP = 0\n"
					 "STD_HYP_BMAP = 0xFFFFFFFFFFFFFFFF\n", 73, &p, &line, why,
					 sizeof(why)), 0);
	ck_assert_uint_eq(fwprofile_find(&p, PSCI)->value, 0xffffffffU);
	ck_assert_uint_eq(fwprofile_find(&p, STD)->value, 0);
	ck_assert_uint_eq(fwprofile_find(&p, STD_HYP)->value, UINT64_MAX);
	ck_assert_int_eq(fwprofile_parse("PSCI_VERSION = 0.1\n", 19, &p, &line, why, sizeof(why)), 0);
	ck_assert_uint_eq(p.regs[0].value, 0x1);
	/* A version no host knows yet parses: the host refuses it, not the parser. */
	ck_assert_int_eq(fwprofile_parse("PSCI_VERSION = 1.10\n", 20, &p, &line, why, sizeof(why)), 0);
	ck_assert_uint_eq(p.regs[0].value, 0x1000a);
}
END_TEST

static const struct {
	const char *what;
	const char *text;
	unsigned int line;
	const char *msg;
} bad_cases[] = {
	{ "binary", "PSCI_VERSION = 1.1\nSTD_BMAP = 1\n\x7f" "ELF\x02\x01", 3, "binary data (byte 0x7f)" },
	{ "control byte", "PSCI_VERSION = 1.1\x1b[0m\n", 1, "binary data (byte 0x1b)" },
	{ "duplicate", "PSCI_VERSION = 1.1\nSTD_BMAP = 1\n# x\nSTD_BMAP = 0\n", 4,
	  "STD_BMAP given twice (first on line 2)" },
	{ "duplicate by id", "PSCI_VERSION = 1.1\nSTD_BMAP = 1\n0x6030000000160000 = 1\n", 3,
	  "0x6030000000160000 given twice (first on line 2)" },
	{ "duplicate version", "PSCI_VERSION = 1.1\nPSCI_VERSION = 1.1\n", 2, "given twice" },
	{ "unknown register", "PSCI_VERSION = 1.1\nSTD_BMAP_3 = 1\n", 2,
	  "unknown register 'STD_BMAP_3' (expected one of PSCI_VERSION SMCCC_ARCH_WORKAROUND_1" },
	{ "wrong case", "psci_version = 1.1\n", 1, "unknown register 'psci_version'" },
	{ "core register id", "PSCI_VERSION = 1.1\n0x6030000000100000 = 1\n", 2,
	  "unknown register '0x6030000000100000'" },
	{ "no equals", "\n\nPSCI_VERSION 1.1\n", 3, "expected 'NAME = VALUE', got 'PSCI_VERSION 1.1'" },
	{ "no name", "PSCI_VERSION = 1.1\n = 1\n", 2, "expected a register name before '='" },
	{ "no value", "PSCI_VERSION = 1.1\nSTD_BMAP =   # none\n", 2, "expected a value after 'STD_BMAP ='" },
	{ "two equals", "PSCI_VERSION = 1.1\nSTD_BMAP = 1 = 2\n", 2, "expected one '=' per line" },
	{ "bad hex", "PSCI_VERSION = 1.1\nSTD_BMAP = 0xZZ\n", 2, "STD_BMAP: '0xZZ' is not a number" },
	{ "bare 0x", "PSCI_VERSION = 1.1\nSTD_BMAP = 0x\n", 2, "is not a number" },
	{ "negative", "PSCI_VERSION = 1.1\nSTD_BMAP = -1\n", 2, "STD_BMAP: '-1' is not a number" },
	{ "leading zero", "PSCI_VERSION = 1.1\nSTD_BMAP = 010\n", 2, "'010' is not a number" },
	{ "leading zero 00", "PSCI_VERSION = 1.1\nSTD_BMAP = 00\n", 2, "'00' is not a number" },
	{ "plus sign", "PSCI_VERSION = 1.1\nSTD_BMAP = +1\n", 2, "'+1' is not a number" },
	{ "hex sign", "PSCI_VERSION = 1.1\nSTD_BMAP = 0x+1\n", 2, "'0x+1' is not a number" },
	{ "two 0x", "PSCI_VERSION = 1.1\nSTD_BMAP = 0x0x1\n", 2, "'0x0x1' is not a number" },
	{ "17 hex digits", "PSCI_VERSION = 1.1\nSTD_BMAP = 0x00000000000000001\n", 2,
	  "'0x00000000000000001' is not a 64-bit number" },
	{ "version 2^32", "PSCI_VERSION = 4294967296\n", 1, "is not a version" },
	{ "two words", "PSCI_VERSION = 1.1\nSTD_BMAP = 1 2\n", 2, "'1 2' is not a number" },
	{ "decimal overflow", "PSCI_VERSION = 1.1\nSTD_BMAP = 18446744073709551616\n", 2,
	  "is not a 64-bit number" },
	{ "hex overflow", "PSCI_VERSION = 1.1\nSTD_BMAP = 0x10000000000000000\n", 2,
	  "is not a 64-bit number" },
	{ "version in a bitmap", "PSCI_VERSION = 1.1\nSTD_BMAP = 1.0\n", 2, "is not a number" },
	{ "version junk", "PSCI_VERSION = v1.1\n", 1, "PSCI_VERSION: 'v1.1' is not a version" },
	{ "version half", "PSCI_VERSION = 1.\n", 1, "'1.' is not a version" },
	{ "version minor too big", "PSCI_VERSION = 1.65536\n", 1, "is not a version" },
	{ "version leading zero", "PSCI_VERSION = 01.1\n", 1, "is not a version" },
	{ "version three parts", "PSCI_VERSION = 1.1.0\n", 1, "is not a version" },
	{ "version above 32 bits", "PSCI_VERSION = 0x100000000\n", 1, "is not a version" },
	{ "missing version", "# comment\nSTD_BMAP = 1\nVENDOR_HYP_BMAP = 3\n", 3, "no PSCI_VERSION line" },
	{ "empty", "", 1, "no PSCI_VERSION line" },
	{ "only comments", "# a\n# b\n", 2, "no PSCI_VERSION line" },
};

START_TEST(test_bad)
{
	struct fwprofile p;
	char why[512] = "";
	unsigned int line = 12345;
	int r;

	r = fwprofile_parse(bad_cases[_i].text, strlen(bad_cases[_i].text), &p, &line, why,
			    sizeof(why));
	ck_assert_msg(r == -EINVAL, "%s: returned %d", bad_cases[_i].what, r);
	ck_assert_msg(line == bad_cases[_i].line, "%s: line %u, want %u (%s)",
		      bad_cases[_i].what, line, bad_cases[_i].line, why);
	ck_assert_msg(strstr(why, bad_cases[_i].msg), "%s: message '%s' lacks '%s'",
		      bad_cases[_i].what, why, bad_cases[_i].msg);
}
END_TEST

START_TEST(test_bad_nul)
{
	static const char text[] = "PSCI_VERSION = 1.1\n\nSTD_BMAP = 1\0\n";
	struct fwprofile p;
	char why[256] = "";
	unsigned int line;

	ck_assert_int_eq(fwprofile_parse(text, sizeof(text) - 1, &p, &line, why, sizeof(why)), -EINVAL);
	ck_assert_uint_eq(line, 3);
	ck_assert_ptr_nonnull(strstr(why, "binary data (byte 0x00)"));
}
END_TEST

START_TEST(test_huge)
{
	size_t len = FWPROFILE_MAX_SIZE + 100, n = 0;
	char *text = malloc(len), why[256] = "";
	unsigned int line, lines = 0;
	struct fwprofile p;

	ck_assert_ptr_nonnull(text);
	/* 100-byte comment lines: the limit falls in line 656 */
	while (n < len) {
		size_t k = len - n < 100 ? len - n : 100;

		memset(text + n, '#', k);
		text[n + k - 1] = '\n';
		n += k;
		lines++;
	}
	memcpy(text, "PSCI_VERSION = 1.1 #", 20);
	ck_assert_int_eq(fwprofile_parse(text, len, &p, &line, why, sizeof(why)), -EFBIG);
	ck_assert_uint_eq(line, FWPROFILE_MAX_SIZE / 100 + 1);
	ck_assert_ptr_nonnull(strstr(why, "larger than 64 KiB"));
	/* Exactly at the limit is still read */
	ck_assert_int_eq(fwprofile_parse(text, FWPROFILE_MAX_SIZE, &p, &line, why, sizeof(why)), 0);
	free(text);
}
END_TEST

START_TEST(test_too_many)
{
	char text[4096];
	size_t n = 0;
	struct fwprofile p;
	char why[256] = "";
	unsigned int line;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "PSCI_VERSION = 1.1\n");
	for (unsigned int i = 0; i < FWPROFILE_MAX_REGS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "0x%016llx = 0\n",
				      (unsigned long long)(FWPROFILE_GROUP_BMAP | (16 + i)));
	ck_assert_int_eq(fwprofile_parse(text, n, &p, &line, why, sizeof(why)), -EINVAL);
	ck_assert_uint_eq(line, FWPROFILE_MAX_REGS + 1);
	ck_assert_ptr_nonnull(strstr(why, "more than 32 registers"));
}
END_TEST

START_TEST(test_load)
{
	char *dir = harness_tmpdir(), *path, why[512] = "";
	struct fwprofile p;
	char *big;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "vm.fwprofile");
	ck_assert_int_eq(fwprofile_load(path, &p, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "cannot read firmware profile"));

	ck_assert_int_eq(harness_write_file(path, "PSCI_VERSION = 1.1\nBOGUS = 1\n", 29), 0);
	ck_assert_int_eq(fwprofile_load(path, &p, why, sizeof(why)), -EINVAL);
	ck_assert_msg(!strncmp(why, path, strlen(path)) &&
		      !strncmp(why + strlen(path), ":2: unknown register 'BOGUS'", 28), "%s", why);

	ck_assert_int_eq(harness_write_file(path, "PSCI_VERSION = 1.1\n", 19), 0);
	ck_assert_int_eq(fwprofile_load(path, &p, why, sizeof(why)), 0);
	ck_assert_uint_eq(p.nr, 1);

	big = calloc(1, 1 << 20);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(harness_write_file(path, big, 1 << 20), 0);
	ck_assert_int_eq(fwprofile_load(path, &p, why, sizeof(why)), -EFBIG);
	ck_assert_msg(strstr(why, ":1: larger than 64 KiB"), "%s", why);
	free(big);

	ck_assert_int_eq(fwprofile_load(dir, &p, why, sizeof(why)), -EISDIR);
	ck_assert_ptr_nonnull(strstr(why, "is not a regular file"));
	free(path);
	harness_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- replay against a fake host ---- */

struct fake_reg {
	uint64_t id;
	uint64_t value;		/* current (a workaround: the host's level) */
	uint64_t accept;	/* bitmap: the bits the host supports; PSCI: highest version */
	bool ignore_writes;	/* a broken host: accepts and forgets */
};

struct fake_host {
	struct fake_reg regs[16];
	unsigned int nr;
	uint64_t ids[16];
	unsigned int sets;
};

static struct fake_reg *fake_find(struct fake_host *h, uint64_t id)
{
	for (unsigned int i = 0; i < h->nr; i++)
		if (h->regs[i].id == id)
			return &h->regs[i];
	return NULL;
}

static int fake_get(void *opaque, uint64_t id, uint64_t *ret)
{
	struct fake_reg *r = fake_find(opaque, id);

	if (!r)
		return -ENOENT;
	*ret = r->value;
	return 0;
}

/* KVM's rules (kvm-psci-uapi.md §3-§4) */
static int fake_set(void *opaque, uint64_t id, uint64_t value)
{
	struct fake_host *h = opaque;
	struct fake_reg *r = fake_find(h, id);

	h->sets++;
	if (!r)
		return -ENOENT;
	switch (fwprofile_reg_kind(id)) {
	case FWPROFILE_KIND_PSCI:
		if (value > r->accept || (value != 0x2 && value < 0x10000))
			return -EINVAL;
		break;
	case FWPROFILE_KIND_WORKAROUND:
		return value <= r->value ? 0 : -EINVAL;	/* nothing stored */
	case FWPROFILE_KIND_BITMAP:
		if (value & ~r->accept)
			return -EINVAL;
		break;
	case FWPROFILE_KIND_OTHER:
		break;
	}
	if (!r->ignore_writes)
		r->value = value;
	return 0;
}

static void fake_add(struct fake_host *h, uint64_t id, uint64_t value, uint64_t accept)
{
	h->regs[h->nr] = (struct fake_reg){ .id = id, .value = value, .accept = accept };
	h->ids[h->nr] = id;
	h->nr++;
}

/* Debian 12's Linux 6.1 under QEMU -cpu max: PSCI 1.1, three bitmaps. */
static void fake_linux_6_1(struct fake_host *h)
{
	memset(h, 0, sizeof(*h));
	fake_add(h, PSCI, 0x10001, 0x10001);
	fake_add(h, WA1, 1, 0);
	fake_add(h, WA2, 1, 0);
	fake_add(h, WA3, 1, 0);
	fake_add(h, STD, 1, 1);
	fake_add(h, STD_HYP, 1, 1);
	fake_add(h, VENDOR, 3, 3);
}

/* 7.x: PSCI 1.3, and VENDOR_HYP_BMAP_2 (resets to 0). */
static void fake_linux_7(struct fake_host *h)
{
	fake_linux_6_1(h);
	h->regs[0].value = h->regs[0].accept = 0x10003;
	fake_add(h, VENDOR2, 0, 3);
}

static struct fwprofile_host as_host(struct fake_host *h)
{
	return (struct fwprofile_host){
		.ids = h->ids, .nr_ids = h->nr, .get = fake_get, .set = fake_set, .opaque = h,
	};
}

static void record(struct fake_host *h, struct fwprofile *p)
{
	memset(p, 0, sizeof(*p));
	for (unsigned int i = 0; i < h->nr; i++)
		ck_assert_int_eq(fwprofile_set(p, h->regs[i].id, h->regs[i].value), 0);
}

static const char *issue(const struct fwprofile_report *rep, unsigned int i)
{
	static char buf[768];

	ck_assert_uint_lt(i, rep->nr);
	return fwprofile_issue_str(&rep->issues[i], buf, sizeof(buf));
}

START_TEST(test_apply_same_host)
{
	struct fake_host h;
	struct fwprofile p;
	struct fwprofile_report rep;
	struct fwprofile_host host;

	fake_linux_6_1(&h);
	record(&h, &p);
	host = as_host(&h);
	ck_assert_int_eq(fwprofile_apply(&p, &host, &rep), 0);
	ck_assert_uint_eq(rep.nr, 0);
	ck_assert_uint_eq(rep.psci_version, 0x10001);
	ck_assert_uint_eq(h.sets, 7);
}
END_TEST

START_TEST(test_apply_old_on_new)
{
	struct fake_host h;
	struct fwprofile p;
	struct fwprofile_report rep;
	struct fwprofile_host host;

	fake_linux_6_1(&h);
	record(&h, &p);
	fake_linux_7(&h);
	/* Pretend the newer host offers DISCOVER_IMPL_VER by default. */
	fake_find(&h, VENDOR2)->value = 1;
	host = as_host(&h);
	ck_assert_int_eq(fwprofile_apply(&p, &host, &rep), 0);
	ck_assert_uint_eq(rep.psci_version, 0x10001);
	ck_assert_uint_eq(fake_find(&h, PSCI)->value, 0x10001);
	ck_assert_uint_eq(fake_find(&h, VENDOR2)->value, 0);
	ck_assert_uint_eq(rep.nr, 1);
	ck_assert_uint_eq(rep.nr_refused, 0);
	ck_assert_int_eq(rep.issues[0].verdict, FWPROFILE_ZEROED);
	ck_assert_str_eq(issue(&rep, 0),
			 "VENDOR_HYP_BMAP_2: wanted nothing (not in the profile), offered 0x1 (DISCOVER_IMPL_VER): "
			 "written as 0x0, so the guest sees none of these newer services");
}
END_TEST

START_TEST(test_apply_new_on_old)
{
	struct fake_host h;
	struct fwprofile p;
	struct fwprofile_report rep;
	struct fwprofile_host host;

	fake_linux_7(&h);
	record(&h, &p);
	p.regs[0].line = 4;
	fake_linux_6_1(&h);
	host = as_host(&h);
	ck_assert_int_eq(fwprofile_apply(&p, &host, &rep), -ENOTSUP);
	ck_assert_uint_eq(rep.nr_refused, 1);
	ck_assert_uint_eq(rep.nr, 2);
	ck_assert_int_eq(rep.issues[0].verdict, FWPROFILE_REJECTED);
	ck_assert_str_eq(issue(&rep, 0),
			 "PSCI_VERSION (line 4): wanted 1.3 (PSCI 1.3), offered 1.1 (PSCI 1.1): this host "
			 "refuses it (Invalid argument); PSCI 1.3 needs Linux 6.13 or later");
	/* BMAP_2 = 0 on a host without it: the guest's view is the same. */
	ck_assert_int_eq(rep.issues[1].verdict, FWPROFILE_ABSENT_EMPTY);
	ck_assert_ptr_nonnull(strstr(issue(&rep, 1), "VENDOR_HYP_BMAP_2: wanted 0x0 (none), offered nothing"));
}
END_TEST

START_TEST(test_apply_refusals)
{
	struct fake_host h;
	struct fwprofile p;
	struct fwprofile_report rep;
	struct fwprofile_host host;

	fake_linux_7(&h);
	record(&h, &p);
	fwprofile_set(&p, STD, 3);		/* a bit the host does not know */
	fwprofile_set(&p, VENDOR2, 0);
	fwprofile_set(&p, WA1, 2);		/* stronger than the host's AVAIL */
	fwprofile_set(&p, STD_HYP, 0);		/* written, then still reads 1 */
	fake_linux_6_1(&h);
	fake_find(&h, STD_HYP)->ignore_writes = true;
	h.nr--;					/* no VENDOR_HYP_BMAP either */
	fake_add(&h, FW_NEW, 5, 0);		/* a register the profile never heard of */
	fwprofile_set(&p, PSCI, 0x10001);
	fwprofile_set(&p, VENDOR2, 1);		/* wants a service the host lacks */
	host = as_host(&h);

	ck_assert_int_eq(fwprofile_apply(&p, &host, &rep), -ENOTSUP);
	ck_assert_uint_eq(rep.nr_refused, 6);
	ck_assert_uint_eq(rep.nr, 6);
	ck_assert_str_eq(issue(&rep, 0),
			 "SMCCC_ARCH_WORKAROUND_1: wanted 0x2 (NOT_REQUIRED), offered 0x1 (AVAIL): "
			 "this host refuses it (Invalid argument)");
	ck_assert_str_eq(issue(&rep, 1),
			 "STD_BMAP: wanted 0x3 (TRNG_V1_0 bit 1), offered 0x1 (TRNG_V1_0): "
			 "this host refuses it (Invalid argument)");
	ck_assert_str_eq(issue(&rep, 2),
			 "STD_HYP_BMAP: wanted 0x0 (none), offered 0x1 (PV_TIME): written, but reads back 0x1 (PV_TIME)");
	ck_assert_str_eq(issue(&rep, 3),
			 "VENDOR_HYP_BMAP: wanted 0x3 (FUNC_FEAT PTP), offered nothing: this host has no such register");
	ck_assert_int_eq(rep.issues[4].verdict, FWPROFILE_HOST_LACKS);
	ck_assert_uint_eq(rep.issues[4].id, VENDOR2);
	ck_assert_str_eq(issue(&rep, 5),
			 "0x6030000000140004: wanted nothing (not in the profile), offered 0x5: "
			 "pinvm cannot hide a register that is not a service bitmap");
}
END_TEST

START_TEST(test_apply_workaround_level)
{
	struct fake_host h;
	struct fwprofile p;
	struct fwprofile_report rep;
	struct fwprofile_host host;

	fake_linux_6_1(&h);
	record(&h, &p);
	fwprofile_set(&p, WA2, 0);		/* recorded on a weaker host */
	host = as_host(&h);
	ck_assert_int_eq(fwprofile_apply(&p, &host, &rep), 0);
	ck_assert_uint_eq(rep.nr, 1);
	ck_assert_int_eq(rep.issues[0].verdict, FWPROFILE_HOST_LEVEL);
	ck_assert(!fwprofile_verdict_refuses(rep.issues[0].verdict));
	ck_assert_str_eq(issue(&rep, 0),
			 "SMCCC_ARCH_WORKAROUND_2: wanted 0x0 (NOT_AVAIL), this host reports 0x1 (UNKNOWN): "
			 "accepted (KVM keeps reporting the host's level, which is at least the profile's)");
}
END_TEST

START_TEST(test_apply_psci_first)
{
	struct fake_host h;
	struct fwprofile p;
	struct fwprofile_report rep;
	struct fwprofile_host host;

	/* A 6.1 host without PSCI_VERSION at all (before 4.17): refused, named. */
	fake_linux_6_1(&h);
	record(&h, &p);
	h.regs[0] = h.regs[--h.nr];
	h.ids[0] = h.ids[h.nr];
	host = as_host(&h);
	ck_assert_int_eq(fwprofile_apply(&p, &host, &rep), -ENOTSUP);
	ck_assert_uint_eq(rep.nr, 1);
	ck_assert_str_eq(issue(&rep, 0),
			 "PSCI_VERSION: wanted 1.1 (PSCI 1.1), offered nothing: this host has no such register");
}
END_TEST

static Suite *fwprofile_suite(void)
{
	Suite *s = suite_create("fwprofile");
	TCase *tc = tcase_create("format");
	TCase *ta = tcase_create("apply");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_accepts);
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_bad_nul);
	tcase_add_test(tc, test_huge);
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	tcase_add_test(ta, test_apply_same_host);
	tcase_add_test(ta, test_apply_old_on_new);
	tcase_add_test(ta, test_apply_new_on_old);
	tcase_add_test(ta, test_apply_refusals);
	tcase_add_test(ta, test_apply_workaround_level);
	tcase_add_test(ta, test_apply_psci_first);
	suite_add_tcase(s, ta);
	return s;
}

int main(void)
{
	return harness_run(fwprofile_suite());
}
