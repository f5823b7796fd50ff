// SPDX-License-Identifier: GPL-2.0-only
/* Dropping privileges with libcap-ng: uid/gid switch, capability sets, no_new_privs. */
#include "pinvm/caps.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/capability.h>

#include "pinvm/parse.h"

/* The largest id the kernel accepts: (uid_t)-1 means "unchanged". */
#define CAPS_MAX_ID	0xfffffffeULL

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

bool caps_none_left(void)
{
	if (capng_get_caps_process())
		return false;
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		return false;	/* effective */
	for (unsigned int c = 0; c <= CAP_LAST_CAP; c++) {
		if (capng_have_capability(CAPNG_PERMITTED, c) ||
		    capng_have_capability(CAPNG_INHERITABLE, c))
			return false;
#ifdef PR_CAP_AMBIENT
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) > 0)
			return false;
#endif
	}
	return true;
}

/* libcap-ng returns -1 (or its own step numbers); errno has the cause. */
static int caps_errno(void)
{
	return errno ? -errno : -EPERM;
}

int caps_drop(const struct caps_user *user)
{
	bool setpcap;

	if (capng_get_caps_process())
		return caps_errno();
	/* The bounding set can only shrink while CAP_SETPCAP is effective. */
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) == 1;
	if (user && (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETUID) != 1 ||
		     capng_have_capability(CAPNG_EFFECTIVE, CAP_SETGID) != 1))
		return -EPERM;

	/* 1. The bounding set, first: it needs CAP_SETPCAP. */
	if (setpcap) {
		capng_clear(CAPNG_SELECT_BOUNDS);
		errno = 0;
		if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
			return caps_errno();
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
	/* 3. Effective, permitted and inheritable sets, whatever the uid. */
	if (!caps_none_left()) {
		capng_clear(CAPNG_SELECT_CAPS);
		errno = 0;
		if (capng_apply(CAPNG_SELECT_CAPS) < 0)
			return caps_errno();
	}
#ifdef PR_CAP_AMBIENT
	/* Ambient caps: empty inheritable already clears them; be explicit (Linux 4.3+). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (!caps_none_left())
		return -EPERM;
	if (setpcap && capng_have_capabilities(CAPNG_SELECT_BOUNDS) != CAPNG_NONE)
		return -EPERM;
	return 0;
}
