// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stubs of the arm64/KVM-only calls the natively built threaded modules
 * make (tests/fuzz/meson.build: stress_console, check_disk): a thread's
 * crash stack and name (crash.c reads arm64 registers), its seccomp filter
 * (sandbox.c, arm64 system call numbers) and the vGIC line. They play no
 * part in the memory and locking these builds check.
 */
#include "pinvm/crash.h"
#include "pinvm/gic.h"
#include "pinvm/sandbox.h"

int crash_thread_enter(const char *role, const char *name, long index)
{
	(void)role;
	(void)name;
	(void)index;
	return 0;
}

void crash_thread_leave(void)
{
}

int crash_reserve(unsigned int n)
{
	(void)n;
	return 0;
}

int sandbox_install_thread(enum sandbox_class cls)
{
	(void)cls;
	return 0;
}

int gic_spi_line(int vm_fd, unsigned int spi, int level)
{
	(void)vm_fd;
	(void)spi;
	(void)level;
	return 0;
}
