/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket (pinvm run --control PATH) and its client (pinvm ctl).
 *
 * A UNIX SOCK_SEQPACKET socket, mode 0600. One message is one command, one
 * answer comes back, then the server closes the connection. A command is a
 * word (status, pause, resume, snapshot, snapshot-stop), at most
 * CTL_CMD_MAX bytes with its optional newline. The snapshot commands carry
 * the open file to write as an SCM_RIGHTS descriptor: the client opens the
 * file, pinvm (sandboxed) never opens a client's path. The answer is one
 * line, "ok[ DETAILS]" or "error: REASON". One client at a time: a second
 * connection gets "error: busy" and is closed. docs/snapshot.md.
 *
 * The server side is non-blocking and run on the event loop's thread
 * (runloop.c polls listen_fd, and client_fd while there is one).
 */
#ifndef PINVM_CTL_H
#define PINVM_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CTL_CMD_MAX	64	/* a command, newline included */
#define CTL_ANSWER_MAX	512	/* an answer line */
#define CTL_IDLE_MS	5000	/* a client that sent nothing this long gives way to the next */

enum ctl_cmd {
	CTL_STATUS,
	CTL_PAUSE,
	CTL_RESUME,
	CTL_SNAPSHOT,		/* a file descriptor comes with it */
	CTL_SNAPSHOT_STOP,	/* the same, then pinvm exits with status 10 */
};

/**
 * ctl_parse() - the command in @buf (@len bytes, no NUL needed): one word,
 * an optional trailing "\n". Pure.
 * Returns: 0 with *ret; -EINVAL with the reason in @why.
 */
int ctl_parse(const char *buf, size_t len, enum ctl_cmd *ret, char *why, size_t why_size);

/**
 * ctl_check_msg() - one message a client sent: @len bytes at @buf, the
 * flags recvmsg() gave it (@msg_flags: MSG_TRUNC, MSG_CTRUNC) and the number
 * of SCM_RIGHTS descriptors that came with it (@nfds). Its command must
 * parse (ctl_parse()), and come with one descriptor if it takes one
 * (ctl_cmd_takes_fd()), with none otherwise. Pure: ctl_receive()'s
 * decision without the socket.
 * Returns: 0 with *ret; -EINVAL with the reason in @why (*ret untouched).
 */
int ctl_check_msg(const char *buf, size_t len, int msg_flags, int nfds, enum ctl_cmd *ret,
		  char *why, size_t why_size);

/** ctl_cmd_name() - the command's word. */
const char *ctl_cmd_name(enum ctl_cmd cmd);

/** ctl_cmd_takes_fd() - does the command need a file descriptor? */
bool ctl_cmd_takes_fd(enum ctl_cmd cmd);

struct ctl {
	int listen_fd;		/* -1: no control socket */
	int client_fd;		/* the one client being served, -1: none */
	uint64_t client_since_ms;	/* CLOCK_MONOTONIC, when it was accepted */
};

/** ctl_init() - no socket yet. */
void ctl_init(struct ctl *c);

/**
 * ctl_listen() - bind and listen on @path (mode 0600; owned by @uid:@gid
 * unless they are -1). A socket file nobody listens on (a dead pinvm's) is
 * replaced; anything else at @path is left alone.
 * Returns: 0; -EADDRINUSE a live pinvm listens there; -EEXIST @path is not
 * a socket; -ENAMETOOLONG; -errno.
 */
int ctl_listen(struct ctl *c, const char *path, uid_t uid, gid_t gid);

/**
 * ctl_accept() - listen_fd was readable: take the new connection, or, while
 * a client is served, tell it "error: busy" and close it (unless the one
 * served has sent nothing for CTL_IDLE_MS: it is dropped instead).
 * Returns: 0 (a client, or nothing after all); -errno.
 */
int ctl_accept(struct ctl *c);

/**
 * ctl_receive() - the client's message: its command, and in *ret_fd the
 * descriptor that came with it (-1: none; the caller closes it).
 * Returns: 0; -EPIPE the client left (the connection is closed);
 * -EAGAIN nothing yet; -EINVAL a bad message: @why has the error line to
 * answer (the descriptor is closed).
 */
int ctl_receive(struct ctl *c, enum ctl_cmd *ret, int *ret_fd, char *why, size_t why_size);

/** ctl_answer() - send @line (no newline needed) and close the client. */
void ctl_answer(struct ctl *c, const char *line);

/** ctl_close() - close the sockets (the socket file stays: docs/snapshot.md). */
void ctl_close(struct ctl *c);

/**
 * ctl_send_msg() - send one message of @len bytes from @buf on the connected
 * socket @s, with @fd as an SCM_RIGHTS descriptor when @fd >= 0; @flags go to
 * sendmsg() (MSG_NOSIGNAL, ...). The client's half of ctl_receive().
 * Returns: the bytes sent; -errno (-EPIPE the server closed its side).
 */
ssize_t ctl_send_msg(int s, const void *buf, size_t len, int fd, int flags);

/**
 * ctl_request() - the client: connect to @path, send @cmd (with @fd when
 * >= 0), wait for the answer line (up to @timeout_ms) into @answer.
 * Returns: 0; -ENOENT/-ECONNREFUSED nobody listens; -ETIMEDOUT; -errno.
 */
int ctl_request(const char *path, const char *cmd, int fd, int timeout_ms,
		char *answer, size_t answer_size);

#endif
