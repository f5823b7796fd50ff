// SPDX-License-Identifier: GPL-2.0-only
/* Dropping privileges: uid/gid switch, capability sets, no_new_privs (raw capget/capset/prctl). */
#include "pinvm/caps.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "pinvm/parse.h"

/* The largest id the kernel accepts: (uid_t)-1 means "unchanged". */
#define CAPS_MAX_ID	0xfffffffeULL

#define CAPS_BIT(c)	(UINT64_C(1) << (c))

int caps_parse_ids(const char *spec, struct caps_user *ret)
{
	char buf[32];
	const char *colon;
	uint64_t uid, gid;

	if (!spec || !*spec || strlen(spec) >= sizeof(buf))
		return -EINVAL;
	/* parse_uint() also takes 0x hex; ids are decimal only. */
	for (const char *p = spec; *p; p++)
		if ((*p < '0' || *p > '9') && *p != ':')
			return -EINVAL;
	colon = strchr(spec, ':');
	if (!colon) {
		if (parse_uint(spec, 0, CAPS_MAX_ID, &uid))
			return -EINVAL;
		gid = uid;
	} else {
		memcpy(buf, spec, (size_t)(colon - spec));
		buf[colon - spec] = '\0';
		if (parse_uint(buf, 0, CAPS_MAX_ID, &uid) ||
		    parse_uint(colon + 1, 0, CAPS_MAX_ID, &gid))
			return -EINVAL;
	}
	ret->uid = (uid_t)uid;
	ret->gid = (gid_t)gid;
	return 0;
}

int caps_lookup_user(const char *spec, const char *passwd_path, struct caps_user *ret)
{
	struct passwd *pw;
	FILE *f;
	int r = -ENOENT;

	if (!spec || !*spec)
		return -EINVAL;
	if (caps_parse_ids(spec, ret) == 0)
		return 0;
	f = fopen(passwd_path, "re");
	if (!f)
		return -errno;
	while ((pw = fgetpwent(f))) {
		if (!strcmp(pw->pw_name, spec)) {
			ret->uid = pw->pw_uid;
			ret->gid = pw->pw_gid;
			r = 0;
			break;
		}
	}
	(void)fclose(f);
	return r;
}

/*
 * capget(2) or capset(2) of the effective, permitted and inheritable sets
 * at once. glibc has no wrapper; version 3 carries 64 capabilities in two
 * words.
 */
static int caps_sets(long nr, struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(nr, &hdr, data) < 0 ? -errno : 0;
}

static int caps_get(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int r;

	memset(data, 0, sizeof(data));
	r = caps_sets(SYS_capget, data);
	if (r)
		return r;
	*eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	*perm = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	*inh = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
	return 0;
}

/* Effective, permitted and inheritable all empty. */
static int caps_clear(void)
{
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	return caps_sets(SYS_capset, data);
}

/*
 * The ambient set needs no look of its own: the kernel keeps it inside
 * permitted AND inheritable (capabilities(7)), so it is empty when those are.
 */
bool caps_none_left(void)
{
	uint64_t eff, perm, inh;

	return caps_get(&eff, &perm, &inh) == 0 && !eff && !perm && !inh;
}

/*
 * Every capability out of the bounding set, up to the kernel's last one:
 * PR_CAPBSET_DROP fails with EINVAL past it (this kernel may know more
 * than our headers' CAP_LAST_CAP). One prctl() per capability is all the
 * interface offers.
 */
static int caps_drop_bounding(void)
{
	for (unsigned int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL && c > 0)
			return 0;
		return -errno;
	}
	return 0;
}

int caps_drop(const struct caps_user *user)
{
	uint64_t eff, perm, inh;
	int r;

	r = caps_get(&eff, &perm, &inh);
	if (r)
		return r;
	if (user && (!(eff & CAPS_BIT(CAP_SETUID)) || !(eff & CAPS_BIT(CAP_SETGID))))
		return -EPERM;

	/* 1. The bounding set, first: shrinking it needs CAP_SETPCAP. */
	if (eff & CAPS_BIT(CAP_SETPCAP)) {
		r = caps_drop_bounding();
		if (r)
			return r;
	}
	/*
	 * 2. The ids: no supplementary groups (/dev/kvm is open already, its
	 * group is no longer needed), then gid, then uid. Leaving uid 0 makes
	 * the kernel clear the permitted and effective sets (no KEEPCAPS).
	 */
	if (user) {
		if (setgroups(0, NULL) < 0 ||
		    setresgid(user->gid, user->gid, user->gid) < 0 ||
		    setresuid(user->uid, user->uid, user->uid) < 0)
			return -errno;
	}
	/* 3. Effective, permitted and inheritable (and so ambient), whatever the uid. */
	if (eff || perm || inh) {
		r = caps_clear();
		if (r)
			return r;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if ((eff || perm || inh) && !caps_none_left())
		return -EPERM;
	return 0;
}
