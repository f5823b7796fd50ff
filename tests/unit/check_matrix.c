// SPDX-License-Identifier: GPL-2.0-only
/*
 * matrix: the pure parts of `pinvm matrix`. --psci and --psci-impl values;
 * the cells for hosts like 6.1 (KVM: 0.1 0.2 1.0 1.1), 6.12 and 7.x, with
 * and without pinvm's firmware's versions; each run's command line; the
 * verdict from exit status and event log; the table; XML escaping of
 * anything (markup, control characters, broken UTF-8); and the JUnit
 * document, compared with tests/unit/data/matrix-junit.xml, which the
 * junit-schema test validates against tests/junit/junit.xsd with xmllint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/matrix.h"
#include "pinvm/psci.h"

#define V(maj, min)	(((uint32_t)(maj) << 16) | (min))

static struct matrix_cell cells[MATRIX_MAX_CELLS];
static unsigned int nr;
static char why[512];

/* A host whose KVM accepts @kvm (NUL-free list ending in 0) and pinvm's firmware @pinvm. */
static struct matrix_host host_of(const uint32_t *kvm, const uint32_t *pinvm)
{
	struct matrix_host h;

	memset(&h, 0, sizeof(h));
	for (; kvm && *kvm; kvm++)
		h.kvm[h.nr_kvm++] = *kvm;
	for (; pinvm && *pinvm; pinvm++)
		h.pinvm[h.nr_pinvm++] = *pinvm;
	return h;
}

static const uint32_t kvm_6_1[] = { V(0, 1), V(0, 2), V(1, 0), V(1, 1), 0 };
static const uint32_t kvm_6_12[] = { V(0, 1), V(0, 2), V(1, 0), V(1, 1), 0 };
static const uint32_t kvm_7[] = { V(0, 1), V(0, 2), V(1, 0), V(1, 1), V(1, 2), V(1, 3), 0 };
static const uint32_t fw_all[] = { V(0, 2), V(1, 0), V(1, 1), V(1, 2), V(1, 3), 0 };

/* The cells' names, space-separated. */
static const char *names(void)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < nr; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", cells[i].name);
	return buf;
}

START_TEST(test_parse_psci)
{
	static const char *const bad[] = {
		"", ",", "0.2,", ",0.2", "1.4", "host", "0.2,host", "1.1,1.1", "0.2;1.0", "all,0.2",
		"1.10", "0.2 1.0", "0.20000000",
	};
	uint32_t v[MATRIX_MAX_VERSIONS];
	unsigned int n;
	bool all;

	ck_assert_int_eq(matrix_parse_psci("all", v, &n, &all), 0);
	ck_assert(all);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(matrix_parse_psci("1.1", v, &n, &all), 0);
	ck_assert(!all);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0], V(1, 1));
	ck_assert_int_eq(matrix_parse_psci("1.3,0.1,0.2,1.0,1.1,1.2", v, &n, &all), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(v[0], V(1, 3));
	ck_assert_uint_eq(v[1], V(0, 1));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(matrix_parse_psci(bad[i], v, &n, &all) == -EINVAL, "'%s'", bad[i]);
}
END_TEST

START_TEST(test_parse_impl)
{
	enum matrix_impl impl;

	ck_assert_int_eq(matrix_parse_impl("auto", &impl), 0);
	ck_assert_int_eq(impl, MATRIX_IMPL_AUTO);
	ck_assert_int_eq(matrix_parse_impl("kvm", &impl), 0);
	ck_assert_int_eq(impl, MATRIX_IMPL_KVM);
	ck_assert_int_eq(matrix_parse_impl("pinvm", &impl), 0);
	ck_assert_int_eq(impl, MATRIX_IMPL_PINVM);
	ck_assert_int_eq(matrix_parse_impl("both", &impl), 0);
	ck_assert_int_eq(impl, MATRIX_IMPL_BOTH);
	ck_assert_int_eq(matrix_parse_impl("KVM", &impl), -EINVAL);
	ck_assert_int_eq(matrix_parse_impl("", &impl), -EINVAL);
	ck_assert_str_eq(matrix_impl_str(MATRIX_IMPL_BOTH), "both");
}
END_TEST

START_TEST(test_host_from_probe)
{
	struct probe_result res;
	struct matrix_host h;

	memset(&res, 0, sizeof(res));
	res.psci_accepted[0] = V(0, 1);
	res.psci_accepted[1] = V(0, 2);
	res.psci_accepted[2] = V(1, 0);
	res.nr_psci_accepted = 3;
	res.smccc_filter = true;
	matrix_host_from_probe(&res, &h);
	ck_assert_uint_eq(h.nr_kvm, 3);
	ck_assert_uint_eq(h.kvm[0], V(0, 1));
	ck_assert_uint_eq(h.kvm[2], V(1, 0));
	/* pinvm's firmware: 0.2 to 1.3 behind KVM's SMCCC filter */
	ck_assert_uint_eq(h.nr_pinvm, 5);
	ck_assert_uint_eq(h.pinvm[0], V(0, 2));
	ck_assert_uint_eq(h.pinvm[4], V(1, 3));
	res.smccc_filter = false;
	matrix_host_from_probe(&res, &h);
	ck_assert_uint_eq(h.nr_pinvm, 0);
}
END_TEST

START_TEST(test_cells_all)
{
	struct matrix_host h = host_of(kvm_6_1, NULL);

	/* all: from 0.2 up, 0.1 only when listed */
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.2 psci-1.0 psci-1.1");
	ck_assert_str_eq(cells[0].impl, "");
	ck_assert_uint_eq(cells[2].psci, V(1, 1));
	ck_assert(!cells[0].ran);
	h = host_of(kvm_7, NULL);
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.2 psci-1.0 psci-1.1 psci-1.2 psci-1.3");
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_KVM, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.2-kvm psci-1.0-kvm psci-1.1-kvm psci-1.2-kvm psci-1.3-kvm");
	ck_assert_str_eq(cells[4].impl, "kvm");
	/* nothing from 0.2 up (a host before 4.17 has no version register: still 0.2) */
	h = host_of((const uint32_t[]){ V(0, 1), 0 }, NULL);
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)),
			 -ENOTSUP);
	ck_assert_uint_eq(nr, 0);
	ck_assert_msg(strstr(why, "no PSCI version from 0.2 up") && strstr(why, "KVM: 0.1"), "%s", why);
}
END_TEST

START_TEST(test_cells_listed)
{
	uint32_t want[] = { V(1, 1), V(0, 1) };
	struct matrix_host h = host_of(kvm_6_1, NULL);

	/* oldest first, 0.1 when listed */
	ck_assert_int_eq(matrix_cells(want, 2, false, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.1 psci-1.1");
	/* a version the host cannot give: refused, with what it gives */
	want[0] = V(1, 3);
	ck_assert_int_eq(matrix_cells(want, 2, false, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)),
			 -ENOTSUP);
	ck_assert_uint_eq(nr, 0);
	ck_assert_str_eq(why, "this host cannot give PSCI 1.3 with --psci-impl auto (KVM gives 0.1 0.2 1.0 1.1; pinvm's firmware: none)");
}
END_TEST

/* The implementation dimension: what a 6.12 host gives with pinvm's firmware too. */
START_TEST(test_cells_impl)
{
	uint32_t want[] = { V(1, 3), V(1, 1) };
	struct matrix_host h = host_of(kvm_6_12, fw_all);

	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.2 psci-1.0 psci-1.1 psci-1.2 psci-1.3");
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_KVM, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.2-kvm psci-1.0-kvm psci-1.1-kvm");
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_PINVM, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.2-pinvm psci-1.0-pinvm psci-1.1-pinvm psci-1.2-pinvm psci-1.3-pinvm");
	ck_assert_int_eq(matrix_cells(want, 2, false, MATRIX_IMPL_BOTH, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-1.1-kvm psci-1.1-pinvm psci-1.3-pinvm");
	ck_assert_int_eq(matrix_cells(want, 2, false, MATRIX_IMPL_KVM, &h, cells, &nr, why, sizeof(why)),
			 -ENOTSUP);
	ck_assert_msg(strstr(why, "PSCI 1.3 with --psci-impl kvm") != NULL, "%s", why);
	/* 0.1 is KVM's alone */
	want[0] = V(0, 1);
	ck_assert_int_eq(matrix_cells(want, 1, false, MATRIX_IMPL_PINVM, &h, cells, &nr, why, sizeof(why)),
			 -ENOTSUP);
	ck_assert_int_eq(matrix_cells(want, 1, false, MATRIX_IMPL_BOTH, &h, cells, &nr, why, sizeof(why)), 0);
	ck_assert_str_eq(names(), "psci-0.1-kvm");
	ck_assert_uint_le(nr, MATRIX_MAX_CELLS);
}
END_TEST

START_TEST(test_run_argv)
{
	static char k[] = "--kernel", g[] = "guest.bin", p[] = "--pass-on", re[] = "^ok$";
	char *opts[] = { k, g, p, re };
	struct matrix_host h = host_of(kvm_7, NULL);
	const char *argv[4 + MATRIX_EXTRA_ARGS + 1];
	const char *want[] = {
		"/proc/self/exe", "run", "--kernel", "guest.bin", "--pass-on", "^ok$",
		"--psci", "1.2", "--psci-impl", "kvm", "--console", "none", "--console-log", "out/psci-1.2-kvm/console.log",
		"--event-log", "out/psci-1.2-kvm/events.jsonl", NULL,
	};
	char version[16];
	unsigned int i;

	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_KVM, &h, cells, &nr, why, sizeof(why)), 0);
	matrix_run_argv(&cells[3], "/proc/self/exe", opts, 4, "out/psci-1.2-kvm/console.log",
			"out/psci-1.2-kvm/events.jsonl", version, argv);
	for (i = 0; want[i]; i++)
		ck_assert_str_eq(argv[i], want[i]);
	ck_assert_ptr_null(argv[i]);
	ck_assert_uint_le(i, 4 + MATRIX_EXTRA_ARGS);
	/* an auto cell: run picks */
	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)), 0);
	matrix_run_argv(&cells[0], "pinvm", opts, 4, "c", "e", version, argv);
	ck_assert_str_eq(argv[6], "--psci");
	ck_assert_str_eq(argv[7], "0.2");
	ck_assert_str_eq(argv[8], "--console");
	ck_assert_ptr_null(argv[14]);
}
END_TEST

START_TEST(test_evlog_pass)
{
	static const char yes[] =
		"{\"ts\":0.1,\"type\":\"start\",\"psci\":\"1.1\"}\n"
		"{\"ts\":0.2,\"type\":\"pattern\",\"result\":\"pass\",\"pattern\":\"x\",\"line\":\"x\",\"lineno\":2}\n"
		"{\"ts\":0.3,\"type\":\"exit\",\"status\":0,\"restarts\":0}\n";
	static const char fail[] =
		"{\"ts\":0.2,\"type\":\"pattern\",\"result\":\"fail\",\"pattern\":\"x\",\"line\":\"\\\"type\\\":\\\"pattern\\\",\\\"result\\\":\\\"pass\\\"\",\"lineno\":2}\n";
	static const char cut[] = "{\"ts\":0.2,\"type\":\"pattern\",\"result\":\"pass\"";

	ck_assert(matrix_evlog_pass(yes, sizeof(yes) - 1));
	/* a console line quoting a record is escaped: not one */
	ck_assert(!matrix_evlog_pass(fail, sizeof(fail) - 1));
	/* a line cut short (a killed run) does not count */
	ck_assert(!matrix_evlog_pass(cut, sizeof(cut) - 1));
	ck_assert(!matrix_evlog_pass("", 0));
}
END_TEST

START_TEST(test_evlog_impl)
{
	static const char log[] =
		"{\"ts\":0.1,\"type\":\"start\",\"psci\":\"1.2\",\"psci_pinned\":true,\"psci_impl\":\"pinvm\",\"vcpus\":1}\n"
		"{\"ts\":0.3,\"type\":\"exit\",\"status\":0,\"restarts\":0}\n";
	static const char odd[] = "{\"ts\":0.1,\"type\":\"start\",\"psci_impl\":\"firmware-of-the-future\"}\n";
	char impl[MATRIX_IMPL_MAX];

	matrix_evlog_impl(log, sizeof(log) - 1, impl);
	ck_assert_str_eq(impl, "pinvm");
	matrix_evlog_impl(log + 80, sizeof(log) - 81, impl);
	ck_assert_str_eq(impl, "");
	matrix_evlog_impl(odd, sizeof(odd) - 1, impl);
	ck_assert_str_eq(impl, "");
	/* a start record cut short (a killed run) does not count */
	matrix_evlog_impl(log, 60, impl);
	ck_assert_str_eq(impl, "");
}
END_TEST

START_TEST(test_verdict)
{
	static const struct {
		int status;
		bool want_pass, matched, passed;
		const char *verdict;
	} cases[] = {
		{ 0, false, false, true, "pass" },
		{ 0, true, true, true, "pass" },
		{ 0, true, false, false, "no --pass-on match" },
		{ 1, false, false, false, "could not start" },
		{ 4, false, false, false, "reset" },
		{ 6, false, false, false, "guest failure" },
		{ 7, true, false, false, "kernel panic" },
		{ 8, false, false, false, "--fail-on matched" },
		{ 9, false, false, false, "every vCPU off" },
		{ 124, false, false, false, "timeout" },
		{ 143, false, false, false, "killed by a signal" },
		{ 159, false, false, false, "seccomp" },
		{ 42, false, false, false, "failed" },
	};
	struct matrix_cell c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.ran = true;
		c.status = cases[i].status;
		c.pass_matched = cases[i].matched;
		matrix_verdict(&c, cases[i].want_pass);
		ck_assert_msg(c.passed == cases[i].passed, "status %d", c.status);
		ck_assert_str_eq(c.verdict, cases[i].verdict);
	}
	memset(&c, 0, sizeof(c));
	matrix_verdict(&c, false);
	ck_assert(!c.passed);
	ck_assert_str_eq(c.verdict, "not run");
}
END_TEST

/* Three cells: passed, failed (--fail-on), not run. */
static void sample_cells(void)
{
	struct matrix_host h = host_of(kvm_6_1, NULL);

	ck_assert_int_eq(matrix_cells(NULL, 0, true, MATRIX_IMPL_AUTO, &h, cells, &nr, why, sizeof(why)), 0);
	cells[0].ran = true;
	cells[0].seconds = 1.234;
	snprintf(cells[0].ran_impl, sizeof(cells[0].ran_impl), "kvm");
	snprintf(cells[0].summary, sizeof(cells[0].summary),
		 "pinvm: guest powered off; PSCI 0.2; 0 restarts; ran 1.200s; exit 0");
	matrix_verdict(&cells[0], false);
	cells[1].ran = true;
	cells[1].status = 8;
	snprintf(cells[1].ran_impl, sizeof(cells[1].ran_impl), "pinvm");
	cells[1].seconds = 0.5;
	/* what a guest may print: markup, quotes, ESC, broken UTF-8, an umlaut */
	snprintf(cells[1].summary, sizeof(cells[1].summary),
		 "pinvm: --fail-on matched line 3: \"<b>&'x'\x1b[0m \xff\xc3\xa4\"; PSCI 1.0; exit 8");
	matrix_verdict(&cells[1], false);
}

START_TEST(test_table)
{
	struct matrix_buf b = { 0 };

	sample_cells();
	matrix_table(cells, nr, &b);
	ck_assert_int_eq(b.err, 0);
	ck_assert_str_eq(b.p,
		"PSCI   IMPL   EXIT  RESULT   VERDICT                  TIME\n"
		"0.2    kvm    0     pass     pass                     1.23s\n"
		"1.0    pinvm  8     FAIL     --fail-on matched        0.50s\n"
		"1.1    auto   -     FAIL     not run                  -\n");
	matrix_buf_free(&b);
}
END_TEST

static void check_escape(const char *in, size_t len, const char *want)
{
	struct matrix_buf b = { 0 };

	matrix_xml_escape(&b, in, len);
	ck_assert_int_eq(b.err, 0);
	ck_assert_msg(b.len == strlen(want) && !memcmp(b.p ? b.p : "", want, b.len),
		      "escaping gave '%s', want '%s'", b.p ? b.p : "", want);
	matrix_buf_free(&b);
}

#define ESC(lit, want)	check_escape(lit, sizeof(lit) - 1, want)
#define FFFD		"\xef\xbf\xbd"

START_TEST(test_xml_escape)
{
	ESC("", "");
	ESC("plain text 1.1", "plain text 1.1");
	ESC("<a href=\"x\">&'</a>", "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
	ESC("]]>", "]]&gt;");
	ESC("t\tl\nc\r", "t&#9;l&#10;c&#13;");
	/* control characters XML 1.0 has no room for, even as references */
	ESC("\x1b[0m\x01\x7f", FFFD "[0m" FFFD "\x7f");
	ESC("nul\0x", "nul" FFFD "x");
	/* UTF-8: kept when valid */
	ESC("\xc3\xa4 \xe2\x82\xac \xf0\x9f\x90\xa7", "\xc3\xa4 \xe2\x82\xac \xf0\x9f\x90\xa7");
	/* broken: stray, cut, overlong, surrogate, beyond U+10FFFF, U+FFFE */
	ESC("\xff", FFFD);
	ESC("a\xc3", "a" FFFD);
	ESC("\xe2\x82", FFFD FFFD);
	ESC("\xc0\x80", FFFD FFFD);
	ESC("\xed\xa0\x80", FFFD FFFD FFFD);
	ESC("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	ESC("\xef\xbf\xbe", FFFD);
	ESC("\x80x", FFFD "x");
}
END_TEST

START_TEST(test_junit)
{
	struct matrix_report rep = {
		.timestamp = "2025-06-01T12:34:56",
		.hostname = "ci-runner-7",
		.host_kernel = "7.3.4+deb13-cloud-arm64",
		.run_options = "--kernel guest.bin --cmdline test=hello --fail-on '<x>'",
		.out_dir = "pinvm-matrix",
		.seconds = 2.5,
		.not_run = "matrix stopped by SIGTERM",
	};
	struct matrix_buf b = { 0 };

	sample_cells();
	matrix_junit(cells, nr, &rep, &b);
	ck_assert_int_eq(b.err, 0);
	ck_assert_int_eq(harness_golden_compare(TOP_SRCDIR "/tests/unit/data/matrix-junit.xml", b.p, b.len), 0);
	matrix_buf_free(&b);
}
END_TEST

START_TEST(test_buf)
{
	struct matrix_buf b = { 0 };
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	matrix_buf_printf(&b, "%s-%d", big, 7);
	ck_assert_uint_eq(b.len, sizeof(big) + 1);
	ck_assert_str_eq(b.p + sizeof(big) - 1, "-7");
	matrix_buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

static Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("matrix");

	tcase_add_test(tc, test_parse_psci);
	tcase_add_test(tc, test_parse_impl);
	tcase_add_test(tc, test_host_from_probe);
	tcase_add_test(tc, test_cells_all);
	tcase_add_test(tc, test_cells_listed);
	tcase_add_test(tc, test_cells_impl);
	tcase_add_test(tc, test_run_argv);
	tcase_add_test(tc, test_evlog_pass);
	tcase_add_test(tc, test_evlog_impl);
	tcase_add_test(tc, test_verdict);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_xml_escape);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_buf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(matrix_suite());
}
