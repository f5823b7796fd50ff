/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Privileges: pinvm needs none beyond an open /dev/kvm. caps_drop() runs
 * once the kernel, initrd, event log and /dev/kvm are open and before the
 * VM is built: it optionally switches to another uid/gid (--user, root
 * only), clears every capability set (effective, permitted, inheritable,
 * ambient and, when CAP_SETPCAP allows it, the bounding set) and sets
 * no_new_privs, all through libcap-ng (capng_lock(), capng_change_id(),
 * capng_apply()). docs/security.md has the whole story.
 */
#ifndef PINVM_CAPS_H
#define PINVM_CAPS_H

#include <sys/types.h>

struct caps_user {
	uid_t uid;
	gid_t gid;
};

/**
 * caps_parse_ids() - "UID" or "UID:GID", decimal, each below 4294967295
 * (-1 is "no change" to the kernel). "UID" alone means GID = UID.
 * Returns: 0 and *ret; -EINVAL anything else (names included).
 */
int caps_parse_ids(const char *spec, struct caps_user *ret);

/**
 * caps_lookup_user() - resolve --user: numeric ids (caps_parse_ids()) or a
 * NAME looked up in @passwd_path (normally "/etc/passwd") with fgetpwent():
 * pinvm is linked statically and loads no NSS modules.
 * Returns: 0 and *ret (the user's uid and primary gid); -ENOENT no such
 * user; -EINVAL empty name; -errno opening @passwd_path.
 */
int caps_lookup_user(const char *spec, const char *passwd_path, struct caps_user *ret);

/**
 * caps_drop() - give up every privilege for the rest of the run.
 * @user: switch uid and gid to these (supplementary groups dropped) before
 *        clearing the capabilities; NULL to keep the ids.
 *
 * With CAP_SETPCAP (root) the securebits are locked too (capng_lock():
 * no setuid fixup, no privileges for uid 0 through execve) and the
 * bounding set is emptied. Idempotent. Without @user and without
 * capabilities (the normal case for a user in the kvm group) it only sets
 * no_new_privs.
 * Returns: 0; -EPERM @user given without CAP_SETUID/CAP_SETGID (not root),
 * or a capability survived the drop; -errno of a failed system call
 * (-EPERM when libcap-ng failed without one).
 */
int caps_drop(const struct caps_user *user);

#endif
