// SPDX-License-Identifier: GPL-2.0-only
/*
 * filter-len: the lengths, in classic-BPF instructions, of the seccomp
 * filters pinvm loads for a one-vCPU guest: the process filter, one vCPU
 * thread's, the console output thread's (src/sandbox.c). tests/bench/run
 * links it against the tree's pinvm-core library and gives the lengths to
 * `floor --seccomp`, the sandboxed floor. Prints "LEN,LEN,LEN".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pinvm/sandbox.h"

int main(void)
{
	static const enum sandbox_class cls[] = { SANDBOX_PROCESS, SANDBOX_VCPU, SANDBOX_CONOUT };

	for (unsigned int i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
		int fd = memfd_create("filter", MFD_CLOEXEC);
		struct stat st;

		if (fd < 0 || sandbox_export_bpf(fd, cls[i]) || fstat(fd, &st) < 0) {
			perror("filter-len");
			return 1;
		}
		printf("%s%lld", i ? "," : "", (long long)st.st_size / 8);
		close(fd);
	}
	printf("\n");
	return 0;
}
