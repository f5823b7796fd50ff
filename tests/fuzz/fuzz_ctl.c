// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket's command check (ctl.h): ctl_check_msg(), what
 * ctl_receive() decides on a client's message, and ctl_parse(), which
 * pinvm ctl also runs on its argument. The first byte gives recvmsg()'s
 * flags (MSG_TRUNC, MSG_CTRUNC) and how many SCM_RIGHTS descriptors came
 * (0-3), the second the size of the reason buffer (0-255), the rest is
 * the message, in a buffer of its own size. Invariants: the answer is 0
 * or -EINVAL; an accepted message is one command word (its trailing
 * newline aside) that came with exactly the descriptors it takes, no flag
 * and fewer than CTL_CMD_MAX bytes, and agrees with ctl_parse(); a
 * refusal leaves the command alone and gives a terminated reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pinvm/ctl.h"

#define FUZZ_CTL_NONE	((enum ctl_cmd)0x5a5a)	/* "not written" */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ctl_cmd cmd = FUZZ_CTL_NONE, parsed = FUZZ_CTL_NONE;
	int flags = 0, nfds, r, rp;
	size_t why_size, len, word;
	char *buf, *why;

	if (size < 2 || size > 4096 + 2)
		return 0;
	if (data[0] & 1)
		flags |= MSG_TRUNC;
	if (data[0] & 2)
		flags |= MSG_CTRUNC;
	nfds = (data[0] >> 2) & 3;
	why_size = data[1];
	len = size - 2;
	buf = malloc(len ? len : 1);
	why = malloc(why_size ? why_size : 1);
	if (!buf || !why)
		abort();
	memcpy(buf, data + 2, len);
	memset(why, 'X', why_size ? why_size : 1);

	r = ctl_check_msg(buf, len, flags, nfds, &cmd, why, why_size);
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == 0) {
		/* A command word, sent the way pinvm ctl sends it. */
		if ((unsigned int)cmd > CTL_SNAPSHOT_STOP || flags || len >= CTL_CMD_MAX)
			abort();
		if (nfds != (ctl_cmd_takes_fd(cmd) ? 1 : 0))
			abort();
		word = len && buf[len - 1] == '\n' ? len - 1 : len;
		if (strlen(ctl_cmd_name(cmd)) != word || memcmp(buf, ctl_cmd_name(cmd), word))
			abort();
	} else {
		if (cmd != FUZZ_CTL_NONE)
			abort();
		if (why_size && !memchr(why, '\0', why_size))
			abort();
		if (why_size > 1 && !why[0])
			abort();
	}

	/* ctl_parse() alone: the same word, whatever came with it. */
	rp = ctl_parse(buf, len, &parsed, why, why_size);
	if (rp != 0 && rp != -EINVAL)
		abort();
	if (r == 0 && (rp != 0 || parsed != cmd))
		abort();
	if (!flags && nfds <= 1 && rp == 0 && r != 0 && nfds == (ctl_cmd_takes_fd(parsed) ? 1 : 0))
		abort();
	if (rp != 0 && parsed != FUZZ_CTL_NONE)
		abort();
	free(buf);
	free(why);
	return 0;
}
