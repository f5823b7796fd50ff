// SPDX-License-Identifier: GPL-2.0-only
/*
 * --user parsing (numeric ids, names from a passwd file) and caps_drop():
 * no capability and no_new_privs afterwards, whoever runs the test; as
 * root also the uid/gid switch, the empty bounding set and the locked
 * securebits. The result is read from /proc/self/status and prctl(), not
 * through libcap-ng. Check forks every test, so the drops stay in the
 * child.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <linux/securebits.h>

#include "harness.h"
#include "pinvm/caps.h"

static const struct {
	const char *in;
	int ret;
	unsigned int uid, gid;
} id_cases[] = {
	{ "1000", 0, 1000, 1000 },
	{ "1000:100", 0, 1000, 100 },
	{ "0", 0, 0, 0 },
	{ "0:0", 0, 0, 0 },
	{ "65534:65534", 0, 65534, 65534 },
	{ "4294967294", 0, 4294967294U, 4294967294U },
	{ "4294967295", -EINVAL, 0, 0 },	/* (uid_t)-1 means "unchanged" */
	{ "99999999999", -EINVAL, 0, 0 },
	{ "-1", -EINVAL, 0, 0 },
	{ "", -EINVAL, 0, 0 },
	{ ":", -EINVAL, 0, 0 },
	{ "1000:", -EINVAL, 0, 0 },
	{ ":100", -EINVAL, 0, 0 },
	{ "1:2:3", -EINVAL, 0, 0 },
	{ "0x10", -EINVAL, 0, 0 },
	{ "1 ", -EINVAL, 0, 0 },
	{ "nobody", -EINVAL, 0, 0 },
	{ "12345678901234567890123456789012345", -EINVAL, 0, 0 },
};

START_TEST(test_parse_ids)
{
	struct caps_user u = { 7, 7 };
	int r = caps_parse_ids(id_cases[_i].in, &u);

	ck_assert_msg(r == id_cases[_i].ret, "'%s': got %d want %d", id_cases[_i].in, r,
		      id_cases[_i].ret);
	if (!r) {
		ck_assert_uint_eq(u.uid, id_cases[_i].uid);
		ck_assert_uint_eq(u.gid, id_cases[_i].gid);
	} else {
		ck_assert_uint_eq(u.uid, 7);	/* untouched on failure */
	}
}
END_TEST

START_TEST(test_lookup_user)
{
	static const char passwd[] =
		"root:x:0:0:root:/root:/bin/sh\n"
		"# not a comment in passwd, just a broken line\n"
		"kvmuser:x:1234:99:KVM user:/home/kvmuser:/bin/sh\n"
		"other:x:2000:2000::/:/bin/false\n";
	char *dir = harness_tmpdir();
	char *path;
	struct caps_user u;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "passwd");
	ck_assert_int_eq(harness_write_file(path, passwd, sizeof(passwd) - 1), 0);

	ck_assert_int_eq(caps_lookup_user("kvmuser", path, &u), 0);
	ck_assert_uint_eq(u.uid, 1234);
	ck_assert_uint_eq(u.gid, 99);
	ck_assert_int_eq(caps_lookup_user("other", path, &u), 0);
	ck_assert_uint_eq(u.uid, 2000);
	ck_assert_int_eq(caps_lookup_user("nosuch", path, &u), -ENOENT);
	ck_assert_int_eq(caps_lookup_user("kvm", path, &u), -ENOENT);	/* no prefix match */
	ck_assert_int_eq(caps_lookup_user("", path, &u), -EINVAL);
	/* Numbers never reach the file. */
	ck_assert_int_eq(caps_lookup_user("42:43", "/nonexistent/passwd", &u), 0);
	ck_assert_uint_eq(u.uid, 42);
	ck_assert_uint_eq(u.gid, 43);
	ck_assert_int_eq(caps_lookup_user("someone", "/nonexistent/passwd", &u), -ENOENT);

	free(path);
	harness_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * The five "Cap*:" lines of /proc/self/status (CapInh, CapPrm, CapEff,
 * CapBnd, CapAmb) are there and zero (CapBnd only if @with_bounding).
 */
static bool status_caps_zero(bool with_bounding)
{
	char line[256];
	unsigned int seen = 0;
	bool ok = true;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char name[32];

		if (sscanf(line, "Cap%31[^:]: %llx", name, &v) != 2)
			continue;
		seen++;
		if (!strcmp(name, "Bnd") && !with_bounding)
			continue;
		if (v) {
			fprintf(stderr, "Cap%s: %016llx\n", name, v);
			ok = false;
		}
	}
	fclose(f);
	return ok && seen == 5;
}

/* capng_lock(): the securebits that keep uid 0 from regaining anything, locked. */
#define LOCKED_BITS	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | \
			 SECBIT_NO_SETUID_FIXUP_LOCKED)

START_TEST(test_drop_no_user)
{
	bool root = geteuid() == 0;

	ck_assert_int_eq(caps_drop(NULL), 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	/* Root had CAP_SETPCAP, so the bounding set went too. */
	ck_assert(status_caps_zero(root));
	if (root)
		ck_assert_int_eq(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) & LOCKED_BITS, LOCKED_BITS);
	ck_assert_uint_eq(geteuid(), root ? 0 : getuid());
	/* Idempotent. */
	ck_assert_int_eq(caps_drop(NULL), 0);
	ck_assert(status_caps_zero(root));
}
END_TEST

START_TEST(test_drop_user)
{
	const struct caps_user nobody = { 65534, 65534 };

	if (geteuid() != 0) {
		/* No CAP_SETUID: refused before anything changes. */
		ck_assert_int_eq(caps_drop(&nobody), -EPERM);
		return;
	}
	ck_assert_int_eq(caps_drop(&nobody), 0);
	ck_assert_uint_eq(getuid(), 65534);
	ck_assert_uint_eq(geteuid(), 65534);
	ck_assert_uint_eq(getgid(), 65534);
	ck_assert_uint_eq(getegid(), 65534);
	ck_assert_int_eq(getgroups(0, NULL), 0);
	ck_assert(status_caps_zero(true));
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	ck_assert_int_eq(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) & LOCKED_BITS, LOCKED_BITS);
	/* And there is no way back. */
	ck_assert_int_ne(setuid(0), 0);
}
END_TEST

static Suite *caps_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc;

	tc = tcase_create("user");
	tcase_add_loop_test(tc, test_parse_ids, 0, (int)(sizeof(id_cases) / sizeof(id_cases[0])));
	tcase_add_test(tc, test_lookup_user);
	suite_add_tcase(s, tc);

	tc = tcase_create("drop");
	tcase_add_test(tc, test_drop_no_user);
	tcase_add_test(tc, test_drop_user);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(caps_suite());
}
