// SPDX-License-Identifier: GPL-2.0-only
/* The control socket: commands, the server's non-blocking side, the client (ctl.h). */
#include "pinvm/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "pinvm/log.h"

static const char *const ctl_names[] = {
	[CTL_STATUS] = "status",
	[CTL_PAUSE] = "pause",
	[CTL_RESUME] = "resume",
	[CTL_SNAPSHOT] = "snapshot",
	[CTL_SNAPSHOT_STOP] = "snapshot-stop",
};

#define CTL_NR_CMDS	(sizeof(ctl_names) / sizeof(ctl_names[0]))

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	return (size_t)cmd < CTL_NR_CMDS ? ctl_names[cmd] : "?";
}

bool ctl_cmd_takes_fd(enum ctl_cmd cmd)
{
	return cmd == CTL_SNAPSHOT || cmd == CTL_SNAPSHOT_STOP;
}

int ctl_parse(const char *buf, size_t len, enum ctl_cmd *ret, char *why, size_t why_size)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (!len) {
		log_say(why, why_size, "empty command");
		return -EINVAL;
	}
	if (len >= CTL_CMD_MAX) {
		log_say(why, why_size, "command longer than %d bytes", CTL_CMD_MAX - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (!((ch >= 'a' && ch <= 'z') || ch == '-')) {
			log_say(why, why_size, "not a command (byte 0x%02x at %zu); commands: status pause resume snapshot snapshot-stop",
				ch, i);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < CTL_NR_CMDS; i++) {
		if (strlen(ctl_names[i]) == len && !memcmp(ctl_names[i], buf, len)) {
			*ret = (enum ctl_cmd)i;
			return 0;
		}
	}
	log_say(why, why_size, "unknown command '%.*s'; commands: status pause resume snapshot snapshot-stop",
		(int)len, buf);
	return -EINVAL;
}

int ctl_check_msg(const char *buf, size_t len, int msg_flags, int nfds, enum ctl_cmd *ret,
		  char *why, size_t why_size)
{
	enum ctl_cmd cmd;
	int r;

	if (msg_flags & MSG_TRUNC) {
		log_say(why, why_size, "command longer than %d bytes", CTL_CMD_MAX - 1);
		return -EINVAL;
	}
	if (msg_flags & MSG_CTRUNC || nfds > 1) {
		log_say(why, why_size, "more than one file descriptor");
		return -EINVAL;
	}
	r = ctl_parse(buf, len, &cmd, why, why_size);
	if (r)
		return r;
	if (ctl_cmd_takes_fd(cmd) && nfds < 1) {
		log_say(why, why_size, "%s needs the file's descriptor (SCM_RIGHTS); use pinvm ctl",
			ctl_cmd_name(cmd));
		return -EINVAL;
	}
	if (!ctl_cmd_takes_fd(cmd) && nfds > 0) {
		log_say(why, why_size, "%s takes no file descriptor", ctl_cmd_name(cmd));
		return -EINVAL;
	}
	*ret = cmd;
	return 0;
}

void ctl_init(struct ctl *c)
{
	c->listen_fd = -1;
	c->client_fd = -1;
}

static int ctl_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* A client socket connected to @path: the fd; -errno. */
static int ctl_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd, r;

	r = ctl_addr(path, &sa);
	if (r)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		(void)close(fd);
		return r;
	}
	return fd;
}

/* Is a pinvm listening at @path? Cannot tell (no socket): yes, do not remove it. */
static bool ctl_live(const char *path)
{
	int fd = ctl_connect(path);

	if (fd < 0)
		return fd != -ECONNREFUSED;
	(void)close(fd);
	return true;
}

int ctl_listen(struct ctl *c, const char *path, uid_t uid, gid_t gid)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd, r;

	r = ctl_addr(path, &sa);
	if (r)
		return r;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (ctl_live(path))
			return -EADDRINUSE;
		/* A dead pinvm's socket: nobody answers there any more. */
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* Born 0600: no moment where another user could connect. */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	/* -EADDRINUSE here: another pinvm bound it between our look and bind(). */
	if (!r && (uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0)
		r = -errno;
	if (!r && listen(fd, 4) < 0)
		r = -errno;
	if (r) {
		(void)close(fd);
		return r;
	}
	c->listen_fd = fd;
	return 0;
}

static uint64_t ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ctl_accept(struct ctl *c)
{
	static const char busy[] = "error: busy: another client is connected\n";
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? 0 : -errno;
	if (c->client_fd >= 0 && ctl_now_ms() - c->client_since_ms >= CTL_IDLE_MS) {
		/* A client that connected and said nothing does not hold the socket. */
		(void)close(c->client_fd);
		c->client_fd = -1;
	}
	if (c->client_fd >= 0) {
		char drop[CTL_CMD_MAX];

		/*
		 * One client at a time: the next one is told so at once. Its
		 * message is read and dropped (no more may come after the
		 * shutdown): closing with it unread would reset the connection
		 * before the client reads the answer.
		 */
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)shutdown(fd, SHUT_RD);
		while (recv(fd, drop, sizeof(drop), MSG_DONTWAIT) > 0)
			;
		(void)close(fd);
		return 0;
	}
	c->client_fd = fd;
	c->client_since_ms = ctl_now_ms();
	return 0;
}

/* Close every descriptor an SCM_RIGHTS message brought. */
static int ctl_take_fds(struct msghdr *msg, int *ret_fd)
{
	int n = 0;

	*ret_fd = -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t off = 0; CMSG_LEN(off + sizeof(int)) <= cm->cmsg_len; off += sizeof(int)) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + off, sizeof(fd));
			if (n++ == 0)
				*ret_fd = fd;
			else
				(void)close(fd);
		}
	}
	return n;
}

int ctl_receive(struct ctl *c, enum ctl_cmd *ret, int *ret_fd, char *why, size_t why_size)
{
	char buf[CTL_CMD_MAX];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctrl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctrl.buf, .msg_controllen = sizeof(ctrl.buf),
	};
	ssize_t n;
	int fd, nfds, r;

	*ret_fd = -1;
	n = recvmsg(c->client_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;
	if (n <= 0) {
		(void)close(c->client_fd);
		c->client_fd = -1;
		return -EPIPE;
	}
	nfds = ctl_take_fds(&msg, &fd);
	r = ctl_check_msg(buf, (size_t)n, msg.msg_flags, nfds, ret, why, why_size);
	if (r) {
		if (fd >= 0)
			(void)close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

void ctl_answer(struct ctl *c, const char *line)
{
	char buf[CTL_ANSWER_MAX];
	int n;

	if (c->client_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%s\n", line);
	if (n >= (int)sizeof(buf))
		n = (int)sizeof(buf) - 1, buf[n - 1] = '\n';
	/* A client that does not read loses its answer; pinvm does not wait. */
	(void)!send(c->client_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)close(c->client_fd);
	c->client_fd = -1;
}

void ctl_close(struct ctl *c)
{
	if (c->client_fd >= 0)
		(void)close(c->client_fd);
	if (c->listen_fd >= 0)
		(void)close(c->listen_fd);
	ctl_init(c);
}

ssize_t ctl_send_msg(int s, const void *buf, size_t len, int fd, int flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctrl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(&ctrl, 0, sizeof(ctrl));
		msg.msg_control = ctrl.buf;
		msg.msg_controllen = sizeof(ctrl.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	n = sendmsg(s, &msg, flags);
	return n < 0 ? -errno : n;
}

int ctl_request(const char *path, const char *cmd, int fd, int timeout_ms,
		char *answer, size_t answer_size)
{
	struct pollfd pfd;
	ssize_t n;
	int s, r;

	s = ctl_connect(path);
	if (s < 0)
		return s;
	/* EPIPE: pinvm closed its side at once (busy); its answer is waiting. */
	n = ctl_send_msg(s, cmd, strlen(cmd), fd, MSG_NOSIGNAL);
	if (n < 0 && n != -EPIPE) {
		r = (int)n;
		goto out;
	}
	pfd = (struct pollfd){ .fd = s, .events = POLLIN };
	r = poll(&pfd, 1, timeout_ms);
	if (r == 0) {
		r = -ETIMEDOUT;
		goto out;
	}
	if (r < 0) {
		r = -errno;
		goto out;
	}
	n = recv(s, answer, answer_size - 1, 0);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	if (n == 0) {
		r = -EPIPE;
		goto out;
	}
	answer[n] = '\0';
	if (n && answer[n - 1] == '\n')
		answer[n - 1] = '\0';
	r = 0;
out:
	(void)close(s);
	return r;
}
