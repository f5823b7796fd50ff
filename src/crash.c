// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crash reporter (include/pinvm/crash.h): one report block on stderr
 * for a fatal signal in any thread, then the signal's default action.
 */
#include "pinvm/crash.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "pinvm/layout.h"

#if !defined(__aarch64__)
#error "the report reads arm64 registers from the signal context: build pinvm for aarch64"
#endif

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

#define CRASH_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the modules, noted at install for the offsets ---- */

#define CRASH_MAX_MODULES	8

struct crash_module {
	char name[32];
	uintptr_t bias;		/* runtime address - link-time address (what addr2line takes) */
	uintptr_t lo, hi;	/* its executable segments, at runtime */
};

static struct crash_module crash_modules[CRASH_MAX_MODULES];
static unsigned int crash_nr_modules;
static crash_hook_fn crash_hook;

static int crash_note_module(struct dl_phdr_info *info, size_t size, void *data)
{
	struct crash_module *mod;
	const char *name = info->dlpi_name, *slash;
	bool first = *(bool *)data;

	(void)size;
	*(bool *)data = false;
	if (crash_nr_modules == CRASH_MAX_MODULES)
		return 1;
	mod = &crash_modules[crash_nr_modules];
	memset(mod, 0, sizeof(*mod));
	/* The first one is the program itself, whatever its name here. */
	if (first || !name || !*name)
		name = program_invocation_short_name;
	slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	strncpy(mod->name, name, sizeof(mod->name) - 1);
	mod->bias = (uintptr_t)info->dlpi_addr;
	mod->lo = UINTPTR_MAX;
	for (unsigned int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = mod->bias + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (start < mod->lo)
			mod->lo = start;
		if (start + ph->p_memsz > mod->hi)
			mod->hi = start + ph->p_memsz;
	}
	if (mod->lo < mod->hi)
		crash_nr_modules++;
	return 0;
}

static const struct crash_module *crash_module_of(uintptr_t addr)
{
	for (unsigned int i = 0; i < crash_nr_modules; i++)
		if (addr >= crash_modules[i].lo && addr < crash_modules[i].hi)
			return &crash_modules[i];
	return NULL;
}

/* ---- the text (async-signal-safe: no stdio, no allocation) ---- */

struct crash_buf {
	char *p;
	size_t size, n;
};

static void crash_puts(struct crash_buf *b, const char *s)
{
	while (*s && b->n + 1 < b->size)
		b->p[b->n++] = *s++;
}

static void crash_hex(struct crash_buf *b, uintptr_t v)
{
	char digits[2 + 2 * sizeof(v) + 1];
	int i = (int)sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	digits[--i] = 'x';
	digits[--i] = '0';
	crash_puts(b, digits + i);
}

static void crash_dec(struct crash_buf *b, unsigned long v)
{
	char digits[24];
	int i = (int)sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	crash_puts(b, digits + i);
}

/* "0xADDR (module+0xOFF)", or just "0xADDR" outside every module. */
static void crash_addr(struct crash_buf *b, uintptr_t addr)
{
	const struct crash_module *mod = crash_module_of(addr);

	crash_hex(b, addr);
	if (!mod)
		return;
	crash_puts(b, " (");
	crash_puts(b, mod->name);
	crash_puts(b, "+");
	crash_hex(b, addr - mod->bias);
	crash_puts(b, ")");
}

static const char *crash_signame(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	default: return "signal";
	}
}

size_t crash_format(char *buf, size_t size, const struct crash_info *ci)
{
	struct crash_buf b = { buf, size, 0 };

	if (size < 2) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	crash_puts(&b, "pinvm: internal error: ");
	crash_puts(&b, crash_signame(ci->sig));
	crash_puts(&b, " in ");
	crash_puts(&b, ci->role && *ci->role ? ci->role : "an unnamed thread");
	crash_puts(&b, " at pc ");
	crash_addr(&b, ci->pc);
	if (ci->has_fault_addr) {
		crash_puts(&b, ", fault address ");
		crash_hex(&b, ci->fault_addr);
	} else {
		crash_puts(&b, ", sent by a process or abort()");
	}
	crash_puts(&b, ", lr ");
	crash_addr(&b, ci->lr);
	crash_puts(&b, ", sp ");
	crash_hex(&b, ci->sp);
	crash_puts(&b, "\n");
	for (unsigned int i = 0; i < ci->nr_frames && i < CRASH_MAX_FRAMES; i++) {
		crash_puts(&b, "pinvm:   frame ");
		crash_dec(&b, i);
		crash_puts(&b, ": ");
		crash_addr(&b, ci->frames[i]);
		crash_puts(&b, "\n");
	}
	crash_puts(&b, "pinvm: this is a pinvm bug: please report these lines (addr2line -e pinvm 0xOFFSET names each line); exit status ");
	crash_dec(&b, 128 + (unsigned long)ci->sig);
	crash_puts(&b, ", core dumped if the system keeps cores\n");
	/* The last newline survives truncation. */
	if (b.n > size - 2)
		b.n = size - 2;
	if (buf[b.n - 1] != '\n')
		buf[b.n++] = '\n';
	buf[b.n] = '\0';
	return b.n;
}

unsigned int crash_walk(uintptr_t fp, uintptr_t lo, uintptr_t hi, uintptr_t *frames)
{
	unsigned int n = 0;

	while (n < CRASH_MAX_FRAMES && fp >= lo && fp % 16 == 0 && hi >= 16 && fp <= hi - 16) {
		const uintptr_t *rec = (const uintptr_t *)fp;
		uintptr_t ret = rec[1], next = rec[0];

		if (!ret)
			break;
		/* The call site: arm64 instructions are 4 bytes, bl is just before the return address. */
		frames[n++] = ret - 4;
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

/* ---- the threads' stacks and names ---- */

/* The main thread, the vCPUs, the console writer, the disks, with room. */
#define CRASH_MAX_STACKS	(1 + LAYOUT_MAX_VCPUS + 1 + LAYOUT_MAX_DISKS + 8)

struct crash_slot {
	void *base;
	bool used;
};

static pthread_mutex_t crash_lock = PTHREAD_MUTEX_INITIALIZER;
static struct crash_slot crash_slots[CRASH_MAX_STACKS];
static unsigned int crash_nr_slots;

static __thread char crash_role[48];
static __thread uintptr_t crash_stack_top;	/* the thread function's frame record ends here */
static __thread int crash_slot_index = -1;

static void crash_handler(int sig, siginfo_t *si, void *uctx)
{
	const ucontext_t *uc = uctx;
	struct crash_info ci;
	char text[2048];
	size_t len, off = 0;

	if (crash_hook)
		crash_hook();
	memset(&ci, 0, sizeof(ci));
	ci.sig = sig;
	ci.role = crash_role;
	ci.pc = (uintptr_t)uc->uc_mcontext.pc;
	ci.sp = (uintptr_t)uc->uc_mcontext.sp;
	ci.lr = (uintptr_t)uc->uc_mcontext.regs[30];
	ci.fp = (uintptr_t)uc->uc_mcontext.regs[29];
	/* si_code > 0: the kernel sent it for this instruction (SI_KERNEL too, no address then). */
	ci.has_fault_addr = si->si_code > 0 && sig != SIGABRT;
	ci.fault_addr = (uintptr_t)si->si_addr;
	/* Only the thread's own stack, from the faulting sp up to the thread function. */
	if (crash_stack_top)
		ci.nr_frames = crash_walk(ci.fp, ci.sp, crash_stack_top, ci.frames);
	len = crash_format(text, sizeof(text), &ci);
	while (off < len) {
		ssize_t n = write(STDERR_FILENO, text + off, len - off);

		if (n <= 0 && errno != EINTR)
			break;
		if (n > 0)
			off += (size_t)n;
	}
	/*
	 * SA_RESETHAND made the action the default one again. The signal is
	 * blocked in here: sent again, it is delivered as this handler
	 * returns, with the faulting context's registers, and ends the
	 * process with its status and a core (a fault that simply returned
	 * would fault again; abort() and kill() would not).
	 */
	syscall(SYS_tgkill, (long)getpid(), (long)gettid(), (long)sig);
}

static void crash_set_role(const char *role, const char *name, long index)
{
	struct crash_buf b = { crash_role, sizeof(crash_role), 0 };

	crash_puts(&b, role ? role : "");
	if (name && *name) {
		crash_puts(&b, " ");
		crash_puts(&b, name);
	}
	if (index >= 0) {
		crash_puts(&b, " ");
		crash_dec(&b, (unsigned long)index);
	}
	crash_role[b.n] = '\0';
}

/* Take a free stack and make it this thread's alternate stack. */
static int crash_take_stack(void)
{
	stack_t ss = { .ss_size = CRASH_STACK_SIZE };
	int slot = -1;

	pthread_mutex_lock(&crash_lock);
	for (unsigned int i = 0; i < crash_nr_slots; i++) {
		if (!crash_slots[i].used) {
			crash_slots[i].used = true;
			slot = (int)i;
			break;
		}
	}
	pthread_mutex_unlock(&crash_lock);
	if (slot < 0)
		return -ENOSPC;
	ss.ss_sp = crash_slots[slot].base;
	if (sigaltstack(&ss, NULL) < 0) {
		int r = -errno;

		pthread_mutex_lock(&crash_lock);
		crash_slots[slot].used = false;
		pthread_mutex_unlock(&crash_lock);
		return r;
	}
	crash_slot_index = slot;
	return 0;
}

static int crash_unblock(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < CRASH_ARRAY_SIZE(crash_signals); i++)
		sigaddset(&set, crash_signals[i]);
	return -pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int crash_reserve(unsigned int n)
{
	unsigned int free_slots = 0;
	int r = 0;

	pthread_mutex_lock(&crash_lock);
	for (unsigned int i = 0; i < crash_nr_slots; i++)
		free_slots += !crash_slots[i].used;
	while (free_slots < n) {
		void *p;

		if (crash_nr_slots == CRASH_MAX_STACKS) {
			r = -ENOSPC;
			break;
		}
		p = mmap(NULL, CRASH_STACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			r = -ENOMEM;
			break;
		}
		crash_slots[crash_nr_slots++] = (struct crash_slot){ .base = p };
		free_slots++;
	}
	pthread_mutex_unlock(&crash_lock);
	return r;
}

/* The caller's frame record: the first word of this function's record (frame pointers are on). */
#define crash_caller_frame()	(((const uintptr_t *)__builtin_frame_address(0))[0])

int crash_thread_enter(const char *role, const char *name, long index)
{
	int r, u;

	crash_set_role(role, name, index);
	/* The caller's frame record is the last one the walk may read. */
	crash_stack_top = crash_caller_frame() + 16;
	r = crash_take_stack();
	u = crash_unblock();
	return r ? r : u;
}

void crash_thread_leave(void)
{
	stack_t ss = { .ss_flags = SS_DISABLE };
	int slot = crash_slot_index;

	if (slot < 0)
		return;
	(void)sigaltstack(&ss, NULL);
	crash_slot_index = -1;
	pthread_mutex_lock(&crash_lock);
	crash_slots[slot].used = false;
	pthread_mutex_unlock(&crash_lock);
}

int crash_install(crash_hook_fn hook)
{
	struct sigaction sa;
	bool first = true;
	int r;

	crash_hook = hook;
	crash_nr_modules = 0;
	dl_iterate_phdr(crash_note_module, &first);
	crash_set_role("main thread", NULL, -1);
	crash_stack_top = crash_caller_frame() + 16;
	r = crash_reserve(1);
	if (!r)
		r = crash_take_stack();
	if (r)
		return r;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigfillset(&sa.sa_mask);	/* nothing interrupts the report */
	for (size_t i = 0; i < CRASH_ARRAY_SIZE(crash_signals); i++)
		if (sigaction(crash_signals[i], &sa, NULL) < 0)
			return -errno;
	return crash_unblock();
}
