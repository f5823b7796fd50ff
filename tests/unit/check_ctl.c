// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket (ctl.h): the command words and what is refused, and a
 * message's check (flags, descriptors) without a socket; the
 * server on a real socket in a temporary directory: mode 0600, a live
 * socket refused, a dead one replaced, a non-socket left alone; one
 * message, one answer; an oversized or malformed message, a descriptor
 * where none belongs (or none where one must come) answered with an error
 * line; a second client told it is busy, unless the first has been
 * silent for CTL_IDLE_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/ctl.h"

static char *dir, *sock;

static void setup(void)
{
	dir = harness_tmpdir();
	ck_assert_ptr_nonnull(dir);
	sock = harness_path(dir, "ctl.sock");
}

static void teardown(void)
{
	harness_rmtree(dir);
	free(dir);
	free(sock);
}

START_TEST(test_parse)
{
	enum ctl_cmd c;
	char why[256];

	ck_assert_int_eq(ctl_parse("status", 6, &c, why, sizeof(why)), 0);
	ck_assert_int_eq(c, CTL_STATUS);
	ck_assert_int_eq(ctl_parse("snapshot-stop\n", 14, &c, why, sizeof(why)), 0);
	ck_assert_int_eq(c, CTL_SNAPSHOT_STOP);
	ck_assert(ctl_cmd_takes_fd(c));
	ck_assert(!ctl_cmd_takes_fd(CTL_PAUSE));
	ck_assert_int_eq(ctl_parse("", 0, &c, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "empty command");
	ck_assert_int_eq(ctl_parse("pause now", 9, &c, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "not a command"), "%s", why);
	ck_assert_int_eq(ctl_parse("snapshots", 9, &c, why, sizeof(why)), -EINVAL);
	ck_assert_msg(!strncmp(why, "unknown command 'snapshots'", 27), "%s", why);
	ck_assert_int_eq(ctl_parse("status\0", 7, &c, why, sizeof(why)), -EINVAL);
}
END_TEST

/* ctl_receive()'s decision without the socket: flags and descriptors. */
START_TEST(test_check_msg)
{
	enum ctl_cmd c = CTL_RESUME;
	char why[256];

	ck_assert_int_eq(ctl_check_msg("pause\n", 6, 0, 0, &c, why, sizeof(why)), 0);
	ck_assert_int_eq(c, CTL_PAUSE);
	ck_assert_int_eq(ctl_check_msg("snapshot", 8, 0, 1, &c, why, sizeof(why)), 0);
	ck_assert_int_eq(c, CTL_SNAPSHOT);
	ck_assert_int_eq(ctl_check_msg("status", 6, MSG_TRUNC, 0, &c, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "command longer than 63 bytes");
	ck_assert_int_eq(ctl_check_msg("snapshot", 8, MSG_CTRUNC, 1, &c, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "more than one file descriptor");
	ck_assert_int_eq(ctl_check_msg("snapshot", 8, 0, 2, &c, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "more than one file descriptor");
	ck_assert_int_eq(ctl_check_msg("resume", 6, 0, 1, &c, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "resume takes no file descriptor");
	ck_assert_int_eq(ctl_check_msg("snapshot-stop\n", 14, 0, 0, &c, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "snapshot-stop needs the file's descriptor (SCM_RIGHTS); use pinvm ctl");
	ck_assert_int_eq(ctl_check_msg("stop", 4, 0, 0, &c, why, sizeof(why)), -EINVAL);
	ck_assert_msg(!strncmp(why, "unknown command 'stop'", 22), "%s", why);
	/* A refusal leaves *ret alone; a tiny reason buffer stays terminated. */
	ck_assert_int_eq(c, CTL_SNAPSHOT);
	ck_assert_int_eq(ctl_check_msg("", 0, 0, 0, &c, why, 4), -EINVAL);
	ck_assert_str_eq(why, "emp");
}
END_TEST

/* A raw client: connect and send @len bytes, with @fd when >= 0. */
static int client_send(const void *buf, size_t len, int fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	ck_assert_int_ge(s, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	ck_assert_int_eq(connect(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(ctl_send_msg(s, buf, len, fd, 0), (ssize_t)len);
	return s;
}

static void client_expect(int s, const char *want)
{
	char buf[CTL_ANSWER_MAX + 1];
	ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);

	ck_assert_msg(n > 0, "no answer (wanted '%s...'): %s", want, n < 0 ? strerror(errno) : "EOF");
	buf[n] = '\0';
	ck_assert_msg(!strncmp(buf, want, strlen(want)), "answer '%s', wanted '%s...'", buf, want);
	close(s);
}

/* The server takes the pending connection and its message. */
static int serve(struct ctl *c, enum ctl_cmd *cmd, int *fd, char *why)
{
	ck_assert_int_eq(ctl_accept(c), 0);
	ck_assert_int_ge(c->client_fd, 0);
	return ctl_receive(c, cmd, fd, why, 256);
}

START_TEST(test_listen)
{
	struct ctl a, b;
	struct stat st;
	char *file = harness_path(dir, "plain");

	ctl_init(&a);
	ctl_init(&b);
	ck_assert_int_eq(ctl_listen(&a, sock, (uid_t)-1, (gid_t)-1), 0);
	ck_assert_int_eq(stat(sock, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	/* A live pinvm's socket is refused... */
	ck_assert_int_eq(ctl_listen(&b, sock, (uid_t)-1, (gid_t)-1), -EADDRINUSE);
	/* ... a dead one's is replaced. */
	ctl_close(&a);
	ck_assert_int_eq(stat(sock, &st), 0);
	ck_assert_int_eq(ctl_listen(&b, sock, (uid_t)-1, (gid_t)-1), 0);
	ctl_close(&b);
	/* Something else at the path stays. */
	ck_assert_int_eq(harness_write_file(file, "x", 1), 0);
	ck_assert_int_eq(ctl_listen(&b, file, (uid_t)-1, (gid_t)-1), -EEXIST);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	free(file);
}
END_TEST

START_TEST(test_messages)
{
	char why[256], big[200];
	enum ctl_cmd cmd;
	struct ctl c;
	int s, fd, devnull = open("/dev/null", O_WRONLY);

	ck_assert_int_ge(devnull, 0);
	ctl_init(&c);
	ck_assert_int_eq(ctl_listen(&c, sock, (uid_t)-1, (gid_t)-1), 0);

	s = client_send("status\n", 7, -1);
	ck_assert_int_eq(serve(&c, &cmd, &fd, why), 0);
	ck_assert_int_eq(cmd, CTL_STATUS);
	ck_assert_int_eq(fd, -1);
	ctl_answer(&c, "ok state=running");
	ck_assert_int_eq(c.client_fd, -1);
	client_expect(s, "ok state=running\n");

	s = client_send("snapshot", 8, devnull);
	ck_assert_int_eq(serve(&c, &cmd, &fd, why), 0);
	ck_assert_int_eq(cmd, CTL_SNAPSHOT);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ctl_answer(&c, "ok");
	client_expect(s, "ok");

	/* Oversized: an error, nothing to do. */
	memset(big, 'a', sizeof(big));
	s = client_send(big, sizeof(big), -1);
	ck_assert_int_eq(serve(&c, &cmd, &fd, why), -EINVAL);
	ck_assert_str_eq(why, "command longer than 63 bytes");
	ctl_answer(&c, "error: x");
	client_expect(s, "error: x");

	s = client_send("pause", 5, devnull);
	ck_assert_int_eq(serve(&c, &cmd, &fd, why), -EINVAL);
	ck_assert_str_eq(why, "pause takes no file descriptor");
	ck_assert_int_eq(fd, -1);
	ctl_answer(&c, "error");
	close(s);

	s = client_send("snapshot-stop", 13, -1);
	ck_assert_int_eq(serve(&c, &cmd, &fd, why), -EINVAL);
	ck_assert_msg(strstr(why, "needs the file's descriptor"), "%s", why);
	ctl_answer(&c, "error");
	close(s);

	/* One client at a time: the second is told so. */
	s = client_send("status", 6, -1);
	ck_assert_int_eq(ctl_accept(&c), 0);
	{
		int s2 = client_send("status", 6, -1);

		ck_assert_int_eq(ctl_accept(&c), 0);
		client_expect(s2, "error: busy");
	}
	ck_assert_int_eq(ctl_receive(&c, &cmd, &fd, why, sizeof(why)), 0);
	ctl_answer(&c, "ok");
	client_expect(s, "ok");
	/* A client that leaves without a word. */
	s = client_send("x", 1, -1);
	close(s);
	ck_assert_int_eq(ctl_accept(&c), 0);
	ck_assert_int_eq(ctl_receive(&c, &cmd, &fd, why, sizeof(why)), -EINVAL);
	ctl_answer(&c, "error");
	ctl_close(&c);
	close(devnull);
}
END_TEST

/* A client that connects and says nothing gives way after CTL_IDLE_MS. */
START_TEST(test_idle_client)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char why[256], buf[8];
	enum ctl_cmd cmd;
	struct ctl c;
	int silent, s, fd;

	ctl_init(&c);
	ck_assert_int_eq(ctl_listen(&c, sock, (uid_t)-1, (gid_t)-1), 0);
	silent = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	ck_assert_int_eq(connect(silent, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(ctl_accept(&c), 0);
	usleep((CTL_IDLE_MS + 200) * 1000);
	s = client_send("status", 6, -1);
	ck_assert_int_eq(ctl_accept(&c), 0);
	ck_assert_int_eq(ctl_receive(&c, &cmd, &fd, why, sizeof(why)), 0);
	ctl_answer(&c, "ok");
	client_expect(s, "ok");
	ck_assert_int_eq(recv(silent, buf, sizeof(buf), 0), 0);	/* dropped */
	close(silent);
	ctl_close(&c);
}
END_TEST

START_TEST(test_request)
{
	char answer[CTL_ANSWER_MAX];

	ck_assert_int_eq(ctl_request(sock, "status", -1, 1000, answer, sizeof(answer)), -ENOENT);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("socket");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);	/* test_idle_client waits CTL_IDLE_MS */
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_check_msg);
	tcase_add_test(tc, test_listen);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_idle_client);
	tcase_add_test(tc, test_request);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(ctl_suite());
}
