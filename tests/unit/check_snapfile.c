// SPDX-License-Identifier: GPL-2.0-only
/*
 * The snapshot file format (snapfile.h): what the writer writes the parser
 * reads back, section by section; and every bad file gets its one reason:
 * not a snapshot, another architecture, another version, truncated (at
 * every length), corrupted (every byte flipped in a small file), and
 * inconsistent contents (RAM runs out of range, missing sections). Also
 * SHA-256's test vectors (FIPS 180-4 examples) and the UART's state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "harness.h"
#include "pinvm/sha256.h"
#include "pinvm/snapfile.h"
#include "pinvm/uart.h"

static char *dir;
static struct snapfile_view view;
/* A dtb section make_snapshot() writes after the cmdline; NULL: none. */
static const void *dtb_section;
static size_t dtb_section_len;

static void setup(void)
{
	dir = harness_tmpdir();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	harness_rmtree(dir);
	free(dir);
}

/* A small valid snapshot: 2 vCPUs, 1 MiB of RAM with two runs. */
static void *make_snapshot(size_t *ret_len, bool with_ram)
{
	struct snapfile_config c = {
		.ram_size = 1 << 20, .nr_vcpus = 2, .gic_version = 3,
		.psci_version = 0x10001, .psci_impl = SNAPFILE_IMPL_KVM,
	};
	static uint8_t page[3 * 4096];
	struct snapfile_writer *w = malloc(sizeof(*w));
	char *path = harness_path(dir, "s.snap");
	uint8_t cbuf[32], digest[SHA256_DIGEST_SIZE] = { 1, 2, 3 }, name[SNAPFILE_DEVICE_NAME] = "uart";
	uint64_t bytes = 0;
	void *buf;
	size_t len;
	int fd;

	ck_assert_ptr_nonnull(w);
	memset(page, 0x5a, sizeof(page));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	snapfile_begin(w, fd);
	snapfile_config_encode(&c, cbuf);
	snapfile_section(w, SNAPFILE_CONFIG, 32);
	snapfile_put(w, cbuf, 32);
	snapfile_section(w, SNAPFILE_CMDLINE, 5);
	snapfile_put(w, "a b=c", 5);
	if (dtb_section) {
		snapfile_section(w, SNAPFILE_DTB, dtb_section_len);
		snapfile_put(w, dtb_section, dtb_section_len);
	}
	snapfile_section(w, SNAPFILE_IMAGE, 48 + 6);
	snapfile_put_u32(w, SNAPFILE_IMAGE_KERNEL);
	snapfile_put_u32(w, 6);
	snapfile_put_u64(w, 1234);
	snapfile_put(w, digest, sizeof(digest));
	snapfile_put(w, "kernel", 6);
	for (uint32_t i = 0; i < 2; i++) {
		snapfile_section(w, SNAPFILE_VCPU, 16 + 16 + 24);
		snapfile_put_u32(w, i);
		snapfile_put_u32(w, i ? 1 : 0);
		snapfile_put_u32(w, 2);
		snapfile_put_u32(w, 0);
		snapfile_put_u64(w, 0x6030000000100000ULL);	/* x0: 8 bytes */
		snapfile_put_u64(w, 0x1000 + i);
		snapfile_put_u64(w, 0x6040000000100054ULL);	/* v0: 16 bytes */
		snapfile_put(w, page, 16);
	}
	snapfile_section(w, SNAPFILE_GIC, 24);
	snapfile_put_u32(w, SNAPFILE_GIC_DIST);
	snapfile_put_u32(w, 4);
	snapfile_put_u64(w, 0x100);
	snapfile_put_u64(w, 0xff);
	snapfile_section(w, SNAPFILE_POWER, 64);
	for (uint32_t i = 0; i < 2; i++) {
		snapfile_put_u32(w, i ? 0 : 1);
		snapfile_put_u32(w, 0);
		snapfile_put_u64(w, 0);
		snapfile_put_u64(w, 0);
		snapfile_put_u64(w, i);
	}
	snapfile_section(w, SNAPFILE_DEVICE, SNAPFILE_DEVICE_NAME + 3);
	snapfile_put(w, name, sizeof(name));
	snapfile_put(w, "xyz", 3);
	if (with_ram) {
		snapfile_section(w, SNAPFILE_RAM, 16 + 4096 + 16 + 8192);
		snapfile_put_u64(w, 0);
		snapfile_put_u64(w, 4096);
		snapfile_put(w, page, 4096);
		snapfile_put_u64(w, 65536);
		snapfile_put_u64(w, 8192);
		snapfile_put(w, page, 8192);
	}
	ck_assert_int_eq(snapfile_finish(w, &bytes), 0);
	close(fd);
	free(w);
	ck_assert_int_eq(harness_read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, bytes);
	free(path);
	*ret_len = len;
	return buf;
}

static int parse(const void *buf, size_t len, char *why)
{
	return snapfile_parse(buf, len, &view, why, 256);
}

START_TEST(test_round_trip)
{
	char why[256] = "";
	size_t len, pos = 0;
	void *buf = make_snapshot(&len, true);
	const uint8_t *val, *data;
	uint64_t id, off, n;
	struct snapfile_gic_attr a;

	ck_assert_msg(parse(buf, len, why) == 0, "%s", why);
	ck_assert_uint_eq(view.cfg.ram_size, 1 << 20);
	ck_assert_uint_eq(view.cfg.nr_vcpus, 2);
	ck_assert_uint_eq(view.cfg.psci_version, 0x10001);
	ck_assert_str_eq(view.cmdline, "a b=c");
	ck_assert_str_eq(view.kernel.path, "kernel");
	ck_assert_uint_eq(view.kernel.size, 1234);
	ck_assert(!view.has_initrd);
	ck_assert_uint_eq(view.vcpus[1].mp_state, 1);
	ck_assert(snapfile_reg_next(&view.vcpus[1], &pos, &id, &val));
	ck_assert_uint_eq(id, 0x6030000000100000ULL);
	ck_assert_uint_eq(val[0], 0x01);
	ck_assert(snapfile_reg_next(&view.vcpus[1], &pos, &id, &val));
	ck_assert_uint_eq(snapfile_reg_size(id), 16);
	ck_assert(!snapfile_reg_next(&view.vcpus[1], &pos, &id, &val));
	ck_assert_uint_eq(view.nr_gic, 1);
	snapfile_gic_get(&view, 0, &a);
	ck_assert_uint_eq(a.attr, 0x100);
	ck_assert_uint_eq(a.value, 0xff);
	ck_assert_uint_eq(view.power[0].state, 1);
	ck_assert_uint_eq(view.power[1].mpidr, 1);
	ck_assert_uint_eq(view.nr_devices, 1);
	ck_assert_str_eq(view.devices[0].name, "uart");
	ck_assert_uint_eq(view.devices[0].len, 3);
	ck_assert_uint_eq(view.ram_stored, 3 * 4096);
	pos = 0;
	ck_assert(snapfile_ram_next(&view, &pos, &off, &n, &data));
	ck_assert_uint_eq(off, 0);
	ck_assert(snapfile_ram_next(&view, &pos, &off, &n, &data));
	ck_assert_uint_eq(off, 65536);
	ck_assert_uint_eq(n, 8192);
	ck_assert_uint_eq(data[8191], 0x5a);
	ck_assert(!snapfile_ram_next(&view, &pos, &off, &n, &data));
	free(buf);
}
END_TEST

START_TEST(test_bad_header)
{
	char why[256];
	size_t len;
	uint8_t *buf = make_snapshot(&len, true);

	ck_assert_int_eq(parse("hello", 5, why), -EINVAL);
	ck_assert_str_eq(why, "not a pinvm snapshot (no PINVMSNP magic)");
	buf[12] = 0x3e;	/* AUDIT_ARCH_X86_64 is 0xc000003e */
	ck_assert_int_eq(parse(buf, len, why), -EINVAL);
	ck_assert_msg(strstr(why, "another architecture"), "%s", why);
	buf[12] = 0xb7;
	buf[8] = 2;
	ck_assert_int_eq(parse(buf, len, why), -EINVAL);
	ck_assert_str_eq(why, "format version 2; this pinvm reads version 1");
	free(buf);
}
END_TEST

START_TEST(test_truncated)
{
	char why[256];
	size_t len;
	uint8_t *buf = make_snapshot(&len, true);

	for (size_t n = 8; n < len; n++) {
		ck_assert_int_eq(parse(buf, n, why), -EINVAL);
		ck_assert_msg(strstr(why, "truncated") || strstr(why, "bad end section"),
			      "%zu bytes: %s", n, why);
	}
	free(buf);
}
END_TEST

START_TEST(test_corrupted)
{
	char why[256];
	size_t len;
	uint8_t *buf = make_snapshot(&len, true);

	/* Any flipped bit is found: by a check, or by the checksum at the end. */
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x10;
		ck_assert_msg(parse(buf, len, why) != 0, "byte %zu flipped went unnoticed", i);
		buf[i] ^= 0x10;
	}
	buf[len - 300] ^= 1;	/* inside RAM: only the checksum can tell */
	ck_assert_int_eq(parse(buf, len, why), -EINVAL);
	ck_assert_msg(!strncmp(why, "corrupted: checksum", 19), "%s", why);
	free(buf);
}
END_TEST

START_TEST(test_incomplete)
{
	char why[256];
	size_t len;
	uint8_t *buf = make_snapshot(&len, false);

	ck_assert_int_eq(parse(buf, len, why), -EINVAL);
	ck_assert_str_eq(why, "incomplete: no ram section");
	free(buf);
}
END_TEST

/* The dtb section: a whole device tree (it becomes a restored machine's), or refused. */
START_TEST(test_dtb)
{
	static uint64_t blob[64];
	char why[256] = "";
	size_t len;
	uint8_t *buf;

	ck_assert_int_eq(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_pack(blob), 0);
	dtb_section = blob;
	dtb_section_len = fdt_totalsize(blob);
	buf = make_snapshot(&len, true);
	ck_assert_msg(parse(buf, len, why) == 0, "%s", why);
	ck_assert_uint_eq(view.dtb_len, fdt_totalsize(blob));
	ck_assert_mem_eq(view.dtb, blob, view.dtb_len);
	free(buf);

	/* Cut short of its own totalsize; not a device tree at all. */
	dtb_section_len = fdt_totalsize(blob) - 8;
	buf = make_snapshot(&len, true);
	ck_assert_int_eq(parse(buf, len, why), -EINVAL);
	ck_assert_str_eq(why, "bad dtb section");
	free(buf);
	dtb_section = "not a device tree, but long enough for a header";
	dtb_section_len = 48;
	buf = make_snapshot(&len, true);
	ck_assert_int_eq(parse(buf, len, why), -EINVAL);
	ck_assert_str_eq(why, "bad dtb section");
	free(buf);
	dtb_section = NULL;
}
END_TEST

static int irq_seen = -2;

static void note_irq(void *opaque, int level)
{
	(void)opaque;
	irq_seen = level;
}

START_TEST(test_uart_state)
{
	struct uart a, b;
	uint8_t st[UART_STATE_SIZE], st2[UART_STATE_SIZE];
	const uint8_t in[] = "hello";

	uart_init(&a, NULL, NULL, NULL);
	uart_write(&a, UART_IER, UART_IER_RDI);
	uart_write(&a, UART_SCR, 0x42);
	ck_assert_uint_eq(uart_rx_push(&a, in, 5), 5);
	(void)uart_read(&a, UART_RX);	/* the FIFO's head moves */
	uart_save(&a, st);
	uart_init(&b, NULL, note_irq, NULL);
	irq_seen = -2;
	ck_assert_int_eq(uart_load(&b, st, sizeof(st)), 0);
	ck_assert_int_eq(irq_seen, 1);	/* data waiting, RDI on: the line is raised */
	uart_save(&b, st2);
	ck_assert_mem_eq(st, st2, sizeof(st));
	ck_assert_uint_eq(uart_read(&b, UART_RX), 'e');
	ck_assert_uint_eq(uart_read(&b, UART_SCR), 0x42);
	st[9 + UART_FIFO_SIZE] = UART_FIFO_SIZE + 1;
	ck_assert_int_eq(uart_load(&b, st, sizeof(st)), -EINVAL);
	ck_assert_int_eq(uart_load(&b, st, sizeof(st) - 1), -EINVAL);
}
END_TEST

/* A register left out of a restore: system registers saved as 0 only; names as the assembler spells them. */
START_TEST(test_reg_droppable)
{
	const uint8_t zero[8] = { 0 }, one[8] = { 1 }, high[8] = { 0, 0, 0, 0, 0, 0, 0, 0x80 };
	char name[32];

	snapfile_reg_name(0x603000000013c103ULL, name, sizeof(name));	/* TCR2_EL1 */
	ck_assert_str_eq(name, "S3_0_C2_C0_3");
	snapfile_reg_name(0x603000000013df1aULL, name, sizeof(name));	/* KVM_REG_ARM_TIMER_CNT (encoded as CNTV_CVAL_EL0) */
	ck_assert_str_eq(name, "S3_3_C14_C3_2");
	snapfile_reg_name(0x6030000000100000ULL, name, sizeof(name));	/* x0 */
	ck_assert_str_eq(name, "0x6030000000100000");
	snapfile_reg_name(0x603000000013c103ULL, name, 4);
	ck_assert_str_eq(name, "S3_");

	ck_assert(snapfile_reg_droppable(0x603000000013c103ULL, zero));
	ck_assert(!snapfile_reg_droppable(0x603000000013c103ULL, one));
	ck_assert(!snapfile_reg_droppable(0x603000000013c103ULL, high));
	{
		uint64_t u = SNAPFILE_REG_UNKNOWN_RESET;
		uint8_t v[8];

		memcpy(v, &u, 8);	/* the test runs little-endian, as KVM's values are */
		ck_assert(snapfile_reg_droppable(0x603000000013c512ULL, v));	/* PIRE0_EL1 */
		v[7] ^= 1;
		ck_assert(!snapfile_reg_droppable(0x603000000013c512ULL, v));
		/* a 32-bit register: 0 only */
		ck_assert(snapfile_reg_droppable(0x602000000013c103ULL, zero));
		ck_assert(!snapfile_reg_droppable(0x602000000013c103ULL, one));
	}
	ck_assert(!snapfile_reg_droppable(0x6030000000100000ULL, zero));	/* core */
	ck_assert(!snapfile_reg_droppable(0x6030000000140000ULL, zero));	/* firmware: PSCI version */
	ck_assert(!snapfile_reg_droppable(0x6080000000150000ULL, zero));	/* SVE Z0 (2048 bits) */
	ck_assert(!snapfile_reg_droppable(0x403000000013c103ULL, zero));	/* another architecture */
}
END_TEST

static Suite *snapfile_suite(void)
{
	Suite *s = suite_create("snapfile");
	TCase *tc = tcase_create("format");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_bad_header);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_corrupted);
	tcase_add_test(tc, test_incomplete);
	tcase_add_test(tc, test_dtb);
	tcase_add_test(tc, test_uart_state);
	tcase_add_test(tc, test_reg_droppable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(snapfile_suite());
}
