// SPDX-License-Identifier: GPL-2.0-only
/* Dropping privileges with libcap-ng: uid/gid switch, every capability set, no_new_privs. */
#include "pinvm/caps.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

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

#ifdef PINVM_STATIC
/*
 * libcap-ng's capng_change_id() calls getpwuid() and initgroups() for
 * CAPNG_INIT_SUPP_GRP only, which pinvm never passes (it drops the groups:
 * CAPNG_DROP_SUPP_GRP). In a static link those references alone would pull
 * glibc's NSS in (dlopen of libnss_*.so at run time, about 65 KiB, and a
 * linker warning). These definitions resolve them first; pinvm reads
 * /etc/passwd with fgetpwent() and loads no NSS module (caps.h).
 */
struct passwd *getpwuid(uid_t uid)
{
	(void)uid;
	errno = ENOSYS;
	return NULL;
}

int initgroups(const char *user, gid_t group)
{
	(void)user;
	(void)group;
	errno = ENOSYS;
	return -1;
}
#endif

/* libcap-ng returns -1 or its own step number; errno, when set, has the cause. */
static int caps_errno(void)
{
	return errno > 0 ? -errno : -EPERM;
}

/*
 * Anything in the effective, permitted, inheritable or ambient set, as
 * libcap-ng last read them (no system call). capng_have_capabilities()
 * looks at the effective set only for CAPNG_SELECT_CAPS, and has no
 * whole-set answer for the inheritable one.
 */
static bool caps_held(void)
{
	if (capng_have_capabilities(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) != CAPNG_NONE ||
	    capng_have_permitted_capabilities() != CAPNG_NONE)
		return true;
	for (unsigned int c = 0; c < 64; c++)
		if (capng_have_capability(CAPNG_INHERITABLE, c))
			return true;
	return false;
}

int caps_drop(const struct caps_user *user)
{
	bool setpcap;
	int r;

	/* capget, and the bounding and ambient sets from /proc/self/status. */
	errno = 0;
	if (capng_get_caps_process() < 0)
		return caps_errno();
	if (user && (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SETUID) ||
		     !capng_have_capability(CAPNG_EFFECTIVE, CAP_SETGID)))
		return -EPERM;
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);

	/*
	 * 1. no_new_privs. capng_lock() sets it after locking the securebits
	 * (no setuid fixup, no root privileges through execve), which needs
	 * CAP_SETPCAP: it comes before step 2 drops that. Without CAP_SETPCAP
	 * the securebits cannot change and no_new_privs alone is set, with
	 * the prctl() capng_lock() ends with.
	 */
	if (setpcap) {
		errno = 0;
		if (capng_lock())
			return caps_errno();
	} else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		return -errno;
	}
	/* A user without capabilities (the usual case): nothing more to do. */
	if (!setpcap && !caps_held())
		return 0;

	/*
	 * 2. Every set emptied in libcap-ng's state, then applied: the
	 * bounding set first (with CAP_SETPCAP; one PR_CAPBSET_DROP per
	 * capability of the running kernel), then effective, permitted and
	 * inheritable in one capset, then the ambient set. With @user,
	 * capng_change_id() keeps CAP_SETUID/SETGID/SETPCAP across the switch
	 * (PR_SET_KEEPCAPS), drops the bounding set, sets the gid, drops the
	 * supplementary groups (setgroups(0): /dev/kvm is open already, its
	 * group is no longer needed; not CAPNG_INIT_SUPP_GRP, whose
	 * initgroups() needs NSS), sets the uid and only then empties the
	 * other sets.
	 */
	capng_clear(CAPNG_SELECT_ALL);
	errno = 0;
	if (user)
		r = capng_change_id((int)user->uid, (int)user->gid,
				    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_AMBIENT |
				    (setpcap ? CAPNG_CLEAR_BOUNDING : 0));
	else
		r = capng_apply(setpcap ? CAPNG_SELECT_ALL : CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	if (r)
		return caps_errno();
	/* libcap-ng read the bounding set back from /proc after dropping it. */
	if (setpcap && capng_have_capabilities(CAPNG_SELECT_BOUNDS) != CAPNG_NONE)
		return -EPERM;
	return 0;
}
