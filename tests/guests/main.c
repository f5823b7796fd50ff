/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: a bare-metal arm64 guest for pinvm's tests. The boot CPU comes
 * here from _start with x0 = DTB, sets up the console, PSCI and CPU list
 * from the DT, and runs the test named by "test=NAME" on the command line
 * (/chosen bootargs); "hello" when there is none.
 */
#include "args.h"
#include "dt.h"
#include "entry.h"
#include "guest.h"
#include "lib.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "uart.h"

void primary_main(uint64_t dtb, uint64_t mark)
{
	char name[32] = "hello";
	bool have_dt;

	/* No DT (or a bad one): pinvm's fixed console, PSCI 0.2+ over HVC. */
	have_dt = dt_init((const void *)(uintptr_t)dtb);
	uart_init();
	/* Entered as booting.rst says? (A stale MMIO completion breaks both.) */
	if (!have_dt)
		say("entry BAD: no device tree at x0 0x%lx", dtb);
	if (mark != GUEST_ENTRY_MARK)
		say("entry BAD: the first instruction of _start did not run");
	suspend_check_stray_entry(dtb);
	args_init(dt_prop_str(dt_path("/chosen"), "bootargs"));
	psci_init();
	smp_init();
	args_get("test", name, sizeof(name));

	/* The benchmark guest prints exactly one line, so no boot marker. */
	if (strcmp(name, "minimal") == 0)
		test_minimal();
	/* Printed on every start, so a host test can count restarts. */
	say("boot");

	/* An if-chain, not a table of function pointers: those would be absolute addresses. */
	if (strcmp(name, "hello") == 0)
		test_hello();
	else if (strcmp(name, "psci") == 0)
		test_psci();
	else if (strcmp(name, "off") == 0)
		test_off();
	else if (strcmp(name, "off2") == 0)
		test_off2();
	else if (strcmp(name, "reset") == 0)
		test_reset();
	else if (strcmp(name, "reset2") == 0)
		test_reset2();
	else if (strcmp(name, "suspend") == 0)
		test_suspend();
	else if (strcmp(name, "timer") == 0)
		test_timer();
	else if (strcmp(name, "hang") == 0)
		test_hang();
	else if (strcmp(name, "kmsg") == 0)
		test_kmsg();
	else if (strcmp(name, "mmio-hammer") == 0)
		test_mmio_hammer();
	else if (strcmp(name, "uart-flood") == 0)
		test_uart_flood();
	else if (strcmp(name, "echo") == 0)
		test_echo();
	else if (strcmp(name, "echo-reset") == 0)
		test_echo_reset();
	else if (strcmp(name, "count-cpus") == 0)
		test_count_cpus();
	else if (strcmp(name, "undef") == 0)
		test_undef();
	else if (strcmp(name, "bad-mmio") == 0)
		test_bad_mmio();
	else if (strcmp(name, "suspend-busy") == 0)
		test_suspend_busy();
	else if (strcmp(name, "uart-irq-reset") == 0)
		test_uart_irq_reset();
	else if (strcmp(name, "reset-during-mmio") == 0)
		test_reset_during_mmio();
	else if (strcmp(name, "seeds") == 0)
		test_seeds();
	else if (strcmp(name, "smp-stress") == 0)
		test_smp_stress();
	else if (strcmp(name, "virtio") == 0)
		test_virtio();
	else if (strcmp(name, "cpu-cycles") == 0)
		test_cpu_cycles();
	else if (strcmp(name, "bringup") == 0)
		test_bringup();
	else if (strcmp(name, "cpu-on-race") == 0)
		test_cpu_on_race();
	else if (strcmp(name, "bad-entry") == 0)
		test_bad_entry();
	else if (strcmp(name, "off-race") == 0)
		test_off_race();
	else if (strcmp(name, "suspend-race") == 0)
		test_suspend_race();
	else if (strcmp(name, "all-off") == 0)
		test_all_off();
	else if (strcmp(name, "counter") == 0)
		test_counter();

	say("unknown test");
	psci_system_off();
}
