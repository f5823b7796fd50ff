// SPDX-License-Identifier: GPL-2.0-only
/*
 * The end of a run without KVM: a vCPU thread that does not end within
 * RUNLOOP_JOIN_TIMEOUT_MS is left behind and counted, and machine_close()
 * then releases nothing that thread can still use (its kvm_run mapping, the
 * vCPU table, the run state): the thread, once it moves again, reads them
 * without a fault (issue 12: a SIGSEGV after a park or join timeout). A
 * disk whose request is stuck in the host kernel at a stop is not waited
 * for past DISK_WAIT_MS, and its I/O thread is counted as left behind too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "harness.h"
#include "pinvm/disk.h"
#include "pinvm/machine.h"
#include "pinvm/runloop.h"

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A vCPU thread stuck (in KVM_RUN, say) past the join deadline, then moving on. */
struct stuck {
	struct machine *m;
	struct vcpu *vcpu;
	unsigned int ms;
	bool done;		/* atomic */
	uint32_t seen;
};

static void *stuck_thread(void *arg)
{
	struct stuck *st = arg;
	struct kvm_run *run = st->vcpu->run;	/* as vcpu_run_boot() holds it */

	sleep_ms(st->ms);
	/* Back from KVM_RUN: the exit, then the run state (runloop_op_stopping() and co.). */
	st->seen = __atomic_load_n(&run->exit_reason, __ATOMIC_RELAXED);
	pthread_mutex_lock(&st->m->lock);
	st->seen += st->m->vcpus[0].id;
	pthread_mutex_unlock(&st->m->lock);
	__atomic_store_n(&st->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* A machine with one vCPU whose kvm_run is an anonymous page: what runloop_end_threads() and machine_close() touch. */
static void fake_machine(struct machine *m, struct machine_config *cfg, struct evlog *log)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *run;

	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = 1;
	cfg->console_none = true;
	evlog_init(log);
	machine_init(m, cfg, log);
	m->vcpus = calloc(1, sizeof(*m->vcpus));
	ck_assert_ptr_nonnull(m->vcpus);
	run = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(run, MAP_FAILED);
	m->vcpus[0].fd = -1;
	m->vcpus[0].run = run;
	m->vcpus[0].run_size = page;
	m->nr_vcpus = 1;
}

START_TEST(test_left_behind_thread_keeps_its_machine)
{
	struct machine_config cfg;
	struct evlog log;
	struct machine m;
	struct stuck st;

	fake_machine(&m, &cfg, &log);
	st = (struct stuck){ .m = &m, .vcpu = &m.vcpus[0], .ms = RUNLOOP_JOIN_TIMEOUT_MS + 1500 };
	ck_assert_int_eq(pthread_create(&m.vcpus[0].thread, NULL, stuck_thread, &st), 0);
	m.vcpus[0].thread_started = true;
	m.threads = 1;

	ck_assert_uint_eq(runloop_end_threads(&m), 1);
	ck_assert_uint_eq(m.threads_left, 1);
	ck_assert(!__atomic_load_n(&st.done, __ATOMIC_ACQUIRE));

	/* Before the fix: the mapping and the table went here, and the thread faulted. */
	machine_close(&m);
	for (int i = 0; i < 100 && !__atomic_load_n(&st.done, __ATOMIC_ACQUIRE); i++)
		sleep_ms(50);
	ck_assert(__atomic_load_n(&st.done, __ATOMIC_ACQUIRE));
	ck_assert_uint_eq(st.seen, 0);
	/* As main.c would then: the process ends; here the test's own cleanup. */
	pthread_detach(m.vcpus[0].thread);
}
END_TEST

START_TEST(test_threads_that_end_are_joined)
{
	struct machine_config cfg;
	struct evlog log;
	struct machine m;
	struct stuck st;

	fake_machine(&m, &cfg, &log);
	st = (struct stuck){ .m = &m, .vcpu = &m.vcpus[0], .ms = 10 };
	ck_assert_int_eq(pthread_create(&m.vcpus[0].thread, NULL, stuck_thread, &st), 0);
	m.vcpus[0].thread_started = true;
	m.threads = 1;

	ck_assert_uint_eq(runloop_end_threads(&m), 0);
	ck_assert_uint_eq(m.threads_left, 0);
	ck_assert(__atomic_load_n(&st.done, __ATOMIC_ACQUIRE));
	ck_assert(!m.vcpus[0].thread_started);
	machine_close(&m);
	ck_assert_ptr_null(m.vcpus);
}
END_TEST

START_TEST(test_stuck_disk_request_ends_the_run)
{
	struct machine_config cfg;
	struct evlog log;
	struct machine m;
	char why[512], *dir = harness_tmpdir(), *logpath = harness_path(dir, "events.jsonl");
	char rec[1024] = "";
	struct timespec t0, t1;
	long long took_ms;
	FILE *in;

	fake_machine(&m, &cfg, &log);
	ck_assert_int_eq(evlog_open(&log, logpath), 0);
	disk_init(&m.disks[0], "vda.img", false, 0);
	disk_init(&m.disks[1], "vdb.img", true, 1);
	m.nr_disks = 2;
	/* vda's request "in flight" (as its I/O thread marks one) never comes back */
	m.disks[0].busy = true;
	ck_assert_uint_eq(m.disk_wait_ms, DISK_WAIT_MS);
	m.disk_wait_ms = 500;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(runloop_stop_disks(&m, why, sizeof(why)), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(took_ms, 500);
	ck_assert_int_lt(took_ms, 5000);
	ck_assert_str_eq(why, "disk vda (vda.img): a request to the image did not finish within 0.5 s (stuck in the host kernel): pinvm stops without it, and without syncing the image");
	ck_assert_uint_eq(m.threads_left, 1);
	ck_assert(m.disks[0].stuck && !m.disks[1].stuck);
	ck_assert_uint_eq(m.disks[0].syncs, 0);
	in = fopen(logpath, "r");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(fgets(rec, sizeof(rec), in));
	fclose(in);
	ck_assert_ptr_nonnull(strstr(rec, "\"type\":\"disk_error\",\"disk\":\"vda\",\"path\":\"vda.img\",\"error\":\"a request did not finish within 0.5 s\""));

	/* machine_close() leaves a machine with a thread left behind alone */
	machine_close(&m);
	ck_assert_ptr_nonnull(m.vcpus);
	m.disks[0].busy = false;
	evlog_close(&log);
	harness_rmtree(dir);
	free(dir);
	free(logpath);
}
END_TEST

static Suite *runloop_suite(void)
{
	Suite *s = suite_create("runloop");
	TCase *tc = tcase_create("end");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_left_behind_thread_keeps_its_machine);
	tcase_add_test(tc, test_threads_that_end_are_joined);
	tcase_add_test(tc, test_stuck_disk_request_ends_the_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(runloop_suite());
}
