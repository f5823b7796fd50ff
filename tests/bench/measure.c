// SPDX-License-Identifier: GPL-2.0-only
/*
 * measure: run one command and print what it cost, for tests/bench.
 *
 *   measure [-o FILE] -- CMD [ARG...]
 *
 * CMD gets stdin from /dev/null and stdout + stderr into FILE (default
 * /dev/null). One line goes to our stdout when it has exited:
 *
 *   <wall_us> <user_us> <sys_us> <maxrss_kib> <status> <minflt> <majflt>
 *
 * wall: CLOCK_MONOTONIC from before fork() to after wait4(), so process
 * creation and teardown count. user, sys, maxrss: the child's rusage from
 * wait4() (all its threads). status: the exit status, or 128 + signal.
 * minflt, majflt: the child's page faults (rusage): minor ones are served
 * from memory (page cache, zero pages: the loader's and the program's own
 * first touches), major ones needed I/O. Like maxrss they include the
 * forked copy of this program before exec (the process-only row's ~29).
 *
 * Linux records the high-water RSS of the forked copy of this program at
 * exec time too (signal->maxrss), so maxrss is never below our own RSS
 * (~100 KiB, static); `floor --none` shows that floor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	struct rusage ru;
	long long t0, t1;
	int i = 1, status, in_fd, out_fd;
	pid_t pid;

	if (i + 1 < argc && !strcmp(argv[i], "-o")) {
		out = argv[i + 1];
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: measure [-o FILE] -- CMD [ARG...]\n");
		return 2;
	}
	/* Opened before the clock starts: not part of the command's cost. */
	in_fd = open("/dev/null", O_RDONLY);
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in_fd < 0 || out_fd < 0) {
		fprintf(stderr, "measure: %s: %s\n", out, strerror(errno));
		return 2;
	}

	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(in_fd, 0);
		dup2(out_fd, 1);
		dup2(out_fd, 2);
		close(in_fd);
		close(out_fd);
		execv(argv[i], argv + i);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("measure: wait4");
		return 2;
	}
	t1 = now_us();

	printf("%lld %lld %lld %ld %d %ld %ld\n", t1 - t0, tv_us(&ru.ru_utime), tv_us(&ru.ru_stime),
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       ru.ru_minflt, ru.ru_majflt);
	return 0;
}
