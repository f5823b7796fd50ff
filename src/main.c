// SPDX-License-Identifier: GPL-2.0-only
/*
 * pinvm's command line. The only place that reports errors to the user and
 * picks exit statuses (docs/cli-contract.md, pinvm(1)); the modules return
 * -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pinvm-config.h"
#include "pinvm/boot.h"
#include "pinvm/caps.h"
#include "pinvm/console.h"
#include "pinvm/conwatch.h"
#include "pinvm/crash.h"
#include "pinvm/ctl.h"
#include "pinvm/evlog.h"
#include "pinvm/fwprofile.h"
#include "pinvm/fwregs.h"
#include "pinvm/io.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/log.h"
#include "pinvm/machine.h"
#include "pinvm/matrix.h"
#include "pinvm/parse.h"
#include "pinvm/probe.h"
#include "pinvm/psci.h"
#include "pinvm/runloop.h"
#include "pinvm/sandbox.h"
#include "pinvm/swsusp.h"
#include "pinvm/snapfile.h"
#include "pinvm/snapshot.h"
#include "pinvm/verdict.h"

enum {
	EXIT_POWEROFF = 0,
	EXIT_START = 1,		/* could not start or run the guest */
	EXIT_USAGE = 2,
	EXIT_HIBERNATE = 3,
	EXIT_RESET = 4,
	EXIT_VENDOR_RESET = 5,
	EXIT_GUEST_FAILURE = 6,
	EXIT_PANIC = 7,		/* a guest kernel panic */
	EXIT_FAIL_PATTERN = 8,	/* a --fail-on line */
	EXIT_ALL_OFF = 9,	/* every vCPU turned itself off without SYSTEM_OFF */
	EXIT_SNAPSHOT = 10,	/* snapshot-stop: the snapshot is written, pinvm stopped */
	EXIT_TIMEOUT = 124,
	EXIT_SIGNAL_BASE = 128,
};

#define MIN_MEM		(4ULL << 20)
#define MEM_ALIGN	(64ULL << 10)	/* any host page size */

static void usage_main(FILE *out)
{
	fprintf(out,
		"Usage: pinvm run --kernel FILE [options]   boot a guest\n"
		"       pinvm matrix [options] -- RUN-OPTIONS  run the guest under every PSCI version\n"
		"       pinvm probe [--json]                 show what this host's KVM offers\n"
		"       pinvm profile show FILE              decode a firmware profile\n"
		"       pinvm profile check FILE             can this host honour it? (status 0 or 1)\n"
		"       pinvm --help | --version\n"
		"\n"
		"Run 'pinvm run --help' for the run options. Exit statuses: see pinvm(1).\n");
}

static void usage_run(FILE *out)
{
	fprintf(out,
		"Usage: pinvm run --kernel FILE [options]\n"
		"\n"
		"  -k, --kernel FILE        arm64 Image, gzip'd Image, or flat binary (required)\n"
		"  -i, --initrd FILE        initial ramdisk\n"
		"  -p, --cmdline STR        kernel command line (/chosen/bootargs)\n"
		"  -c, --cpus N             vCPUs (default 1)\n"
		"  -m, --mem SIZE           RAM, suffix K, M, G (default 256M)\n"
		"      --disk FILE[,ro]     a raw disk image as virtio-blk (repeatable: vda, vdb,\n"
		"                           ... in order); ,ro read-only; locked while in use\n"
		"      --mem-merge          let the host's KSM merge guest RAM with other\n"
		"                           processes' (off by default: a side channel)\n"
		"      --gic auto|v2|v3     interrupt controller (default auto: v3, else v2)\n"
		"      --psci VERSION       pin the guest's PSCI version: 0.1 0.2 1.0 1.1 1.2 1.3\n"
		"                           or host (default: keep KVM's, and report it)\n"
		"      --psci-impl auto|kvm|pinvm  who answers PSCI: KVM (pinned), or pinvm's own\n"
		"                           firmware behind KVM's SMCCC filter (Linux 6.4+);\n"
		"                           auto (default): KVM if it can give the version\n"
		"      --log-psci           an event-log record for every PSCI call (pinvm's firmware)\n"
		"      --fw-profile FILE    the guest's whole firmware view: record it in FILE\n"
		"                           if FILE does not exist, else replay it (refusing\n"
		"                           a host that cannot); docs/firmware-profiles.md\n"
		"      --on-reset restart|exit  guest reset: restart in-process (default) or exit 4/5\n"
		"      --max-resets N       restarts allowed before exiting 4 (default 16)\n"
		"      --no-suspend         no PSCI SYSTEM_SUSPEND (NOT_SUPPORTED)\n"
		"      --timeout SECONDS    stop the guest after SECONDS, exit 124\n"
		"      --event-log FILE     JSON lines of every event (docs/event-log.md)\n"
		"      --dump-dtb FILE      write the guest's device tree and exit without running\n"
		"      --console stdio|none guest console on stdin/stdout (default) or nowhere\n"
		"      --console-log FILE   also write the guest console to FILE, as it arrives\n"
		"      --console-log-timestamps  a timestamp at the start of each logged line\n"
		"      --on-panic exit|restart|ignore  guest kernel panic: exit 7 (default),\n"
		"                           restart in-process (counts as a reset), or ignore\n"
		"      --pass-on REGEX      exit 0 when a console line matches (POSIX ERE;\n"
		"                           repeatable)\n"
		"      --fail-on REGEX      exit 8 when a console line matches (repeatable)\n"
		"      --user NAME|UID[:GID]  as root: run as this user once the files and\n"
		"                           /dev/kvm are open (docs/security.md)\n"
		"      --control SOCKET     listen for 'pinvm ctl' on this UNIX socket (mode 0600)\n"
		"      --no-seccomp         no system call filter (debugging only)\n"
		"  -q, --quiet              no exit summary, no warnings\n"
		"  -h, --help               this text\n"
		"\n"
		"Console: Ctrl-A x quits (status 0), Ctrl-A Ctrl-A sends Ctrl-A (when stdin is a terminal).\n"
		"Exit: 0 powered off or --pass-on, 1 could not start, 2 usage, 3 hibernated,\n"
		"      4 reset, 5 vendor reset, 6 guest/vCPU failure, 7 guest kernel panic,\n"
		"      8 --fail-on, 9 every vCPU off without SYSTEM_OFF, 10 snapshot-stop,\n"
		"      124 timeout,\n"
		"      128+N signal N, 159 blocked system call (seccomp).\n");
}

/* The index of @arg in the NULL-terminated keyword list @names, or -1. */
static int keyword_index(const char *arg, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

/* Every usage error of 'run' ends with this. */
#define USAGE_HINT	" (try 'pinvm run --help')"

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s%s", msg, USAGE_HINT);
	return EXIT_USAGE;
}

enum {
	OPT_GIC = 0x100, OPT_PSCI, OPT_ON_RESET, OPT_MAX_RESETS, OPT_NO_SUSPEND,
	OPT_TIMEOUT, OPT_EVENT_LOG, OPT_DUMP_DTB, OPT_CONSOLE, OPT_FW_PROFILE,
	OPT_USER, OPT_NO_SECCOMP, OPT_PSCI_IMPL, OPT_LOG_PSCI, OPT_MEM_MERGE, OPT_CONSOLE_LOG,
	OPT_CONSOLE_LOG_TIMESTAMPS, OPT_ON_PANIC, OPT_PASS_ON, OPT_FAIL_ON, OPT_DISK,
	OPT_CONTROL,
};

/*
 * --pass-on / --fail-on: compiled here once so a bad expression is a usage
 * error with regcomp's reason; machine_open() compiles them for the run.
 */
static int add_pattern(struct conwatch_config *w, enum verdict_result kind, const char *opt,
		       const char *regex)
{
	struct verdict scratch;
	char err[256];
	int r;

	if (w->npat >= VERDICT_PATTERNS_MAX)
		return usage_error("%s: more than %d --pass-on and --fail-on patterns", opt,
				   VERDICT_PATTERNS_MAX);
	verdict_init(&scratch);
	r = verdict_add_pattern(&scratch, kind, regex, err, sizeof(err));
	verdict_destroy(&scratch);
	if (r == -ENOMEM) {
		pr_err("%s '%s': out of memory", opt, regex);
		return EXIT_START;
	}
	if (r)
		return usage_error("%s: '%s' is not a valid extended regular expression: %s", opt,
				   regex, err);
	w->pat[w->npat].kind = kind;
	w->pat[w->npat].regex = regex;
	w->npat++;
	return 0;
}

/* Hardening options (docs/security.md); main.c alone uses them. */
static const char *arg_user;
static bool arg_no_seccomp;
static const char *arg_control;		/* --control SOCKET */
static bool arg_restore;		/* pinvm restore */
static const char *arg_snapshot;	/* its FILE */

/*
 * --disk FILE[,ro|,rw]: the text after the last comma is the mode when
 * there is a comma at all (a file name with a comma in it takes ",rw").
 */
static int add_disk(struct machine_config *cfg, const char *arg)
{
	const char *comma = strrchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	char *path;
	bool ro = false;

	if (cfg->nr_disks == LAYOUT_MAX_DISKS)
		return usage_error("--disk: more than %d disks", LAYOUT_MAX_DISKS);
	if (comma) {
		if (!strcmp(comma + 1, "ro"))
			ro = true;
		else if (strcmp(comma + 1, "rw"))
			return usage_error("--disk %s: '%s' is not ro or rw (FILE[,ro])", arg, comma + 1);
	}
	if (!len)
		return usage_error("--disk: empty file name");
	/* The argument stays as it is: the matrix passes RUN-OPTIONS on unchanged. */
	path = strndup(arg, len);
	if (!path) {
		pr_err("out of memory");
		return EXIT_START;
	}
	cfg->disks[cfg->nr_disks].path = path;
	cfg->disks[cfg->nr_disks].ro = ro;
	cfg->nr_disks++;
	return 0;
}

static int parse_run_args(int argc, char **argv, struct machine_config *cfg,
			  const char **event_log, bool *quiet)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'p' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "mem-merge", no_argument, NULL, OPT_MEM_MERGE },
		{ "gic", required_argument, NULL, OPT_GIC },
		{ "psci", required_argument, NULL, OPT_PSCI },
		{ "on-reset", required_argument, NULL, OPT_ON_RESET },
		{ "max-resets", required_argument, NULL, OPT_MAX_RESETS },
		{ "no-suspend", no_argument, NULL, OPT_NO_SUSPEND },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "event-log", required_argument, NULL, OPT_EVENT_LOG },
		{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
		{ "console", required_argument, NULL, OPT_CONSOLE },
		{ "fw-profile", required_argument, NULL, OPT_FW_PROFILE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "psci-impl", required_argument, NULL, OPT_PSCI_IMPL },
		{ "log-psci", no_argument, NULL, OPT_LOG_PSCI },
		{ "console-log", required_argument, NULL, OPT_CONSOLE_LOG },
		{ "console-log-timestamps", no_argument, NULL, OPT_CONSOLE_LOG_TIMESTAMPS },
		{ "on-panic", required_argument, NULL, OPT_ON_PANIC },
		{ "pass-on", required_argument, NULL, OPT_PASS_ON },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, rc, longidx = -1;

	cfg->nr_cpus = 1;
	cfg->ram_size = 256ULL << 20;
	cfg->gic = GIC_WANT_AUTO;
	cfg->psci = PSCI_PIN_HOST;
	cfg->max_resets = 16;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":k:i:p:c:m:qh", opts, &longidx)) != -1) {
		/* restore: the snapshot sets the machine; only run options are taken. */
		if (arg_restore && (c == 'k' || c == 'i' || c == 'p' || c == 'c' || c == 'm' ||
				     c == OPT_MEM_MERGE || c == OPT_GIC || c == OPT_PSCI ||
				     c == OPT_PSCI_IMPL || c == OPT_FW_PROFILE || c == OPT_DUMP_DTB ||
				     c == OPT_NO_SUSPEND || c == OPT_DISK))
		{
			for (int i = 0; longidx < 0 && opts[i].name; i++)
				if (opts[i].val == c)
					longidx = i;
			return usage_error("--%s: the snapshot sets the machine; restore takes run options only",
					   opts[longidx].name);
		}
		longidx = -1;
		switch (c) {
		case 'k':
			cfg->kernel_path = optarg;
			break;
		case 'i':
			cfg->initrd_path = optarg;
			break;
		case 'p':
			cfg->cmdline = optarg;
			break;
		case 'c':
			if (parse_uint(optarg, 1, LAYOUT_MAX_VCPUS, &v))
				return usage_error("--cpus: '%s' is not a number from 1 to %d",
						   optarg, LAYOUT_MAX_VCPUS);
			cfg->nr_cpus = (unsigned int)v;
			break;
		case 'm': {
			int r = parse_size(optarg, &v);

			if (r == -ERANGE)
				return usage_error("--mem: '%s' is too large", optarg);
			if (r)
				return usage_error("--mem: '%s' is not a size (like 512M or 2G)", optarg);
			if (v < MIN_MEM)
				return usage_error("--mem: '%s' is less than the 4M minimum", optarg);
			if (v % MEM_ALIGN)
				return usage_error("--mem: '%s' is not a multiple of 64K", optarg);
			cfg->ram_size = v;
			break;
		}
		case OPT_MEM_MERGE:
			cfg->mem_merge = true;
			break;
		case OPT_GIC: {
			static const char *const names[] = { "auto", "v2", "v3", NULL };
			static const enum gic_want wants[] = { GIC_WANT_AUTO, GIC_WANT_V2, GIC_WANT_V3 };
			int i = keyword_index(optarg, names);

			if (i < 0)
				return usage_error("--gic: '%s' is not auto, v2 or v3", optarg);
			cfg->gic = wants[i];
			break;
		}
		case OPT_PSCI:
			if (psci_parse_version(optarg, &cfg->psci))
				return usage_error("--psci: '%s' is not one of 0.1 0.2 1.0 1.1 1.2 1.3 host",
						   optarg);
			cfg->psci_explicit = true;
			break;
		case OPT_PSCI_IMPL: {
			static const char *const names[] = { "auto", "kvm", "pinvm", NULL };
			static const enum psci_impl impls[] = {
				PSCI_IMPL_AUTO, PSCI_IMPL_KVM, PSCI_IMPL_PINVM,
			};
			int i = keyword_index(optarg, names);

			if (i < 0)
				return usage_error("--psci-impl: '%s' is not auto, kvm or pinvm", optarg);
			cfg->psci_impl = impls[i];
			break;
		}
		case OPT_LOG_PSCI:
			cfg->log_psci = true;
			break;
		case OPT_ON_RESET: {
			static const char *const names[] = { "restart", "exit", NULL };
			int i = keyword_index(optarg, names);

			if (i < 0)
				return usage_error("--on-reset: '%s' is not restart or exit", optarg);
			cfg->on_reset_exit = i == 1;
			break;
		}
		case OPT_MAX_RESETS:
			if (parse_uint(optarg, 0, 1000000, &v))
				return usage_error("--max-resets: '%s' is not a number from 0 to 1000000",
						   optarg);
			cfg->max_resets = (unsigned int)v;
			break;
		case OPT_NO_SUSPEND:
			cfg->no_suspend = true;
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 1, 31536000, &v))
				return usage_error("--timeout: '%s' is not a number of seconds from 1 to 31536000",
						   optarg);
			cfg->timeout = (unsigned int)v;
			break;
		case OPT_EVENT_LOG:
			if (!*optarg)
				return usage_error("--event-log: empty file name");
			*event_log = optarg;
			break;
		case OPT_DUMP_DTB:
			if (!*optarg)
				return usage_error("--dump-dtb: empty file name");
			cfg->dump_dtb = optarg;
			break;
		case OPT_CONSOLE: {
			static const char *const names[] = { "stdio", "none", NULL };
			int i = keyword_index(optarg, names);

			if (i < 0)
				return usage_error("--console: '%s' is not stdio or none", optarg);
			cfg->console_none = i == 1;
			break;
		}
		case OPT_FW_PROFILE:
			if (!*optarg)
				return usage_error("--fw-profile: empty file name");
			cfg->fw_profile_path = optarg;
			break;
		case OPT_USER:
			if (!*optarg)
				return usage_error("--user: empty user name");
			arg_user = optarg;
			break;
		case OPT_NO_SECCOMP:
			arg_no_seccomp = true;
			break;
		case OPT_CONSOLE_LOG:
			if (!*optarg)
				return usage_error("--console-log: empty file name");
			cfg->watch.log_path = optarg;
			break;
		case OPT_CONSOLE_LOG_TIMESTAMPS:
			cfg->watch.log_timestamps = true;
			break;
		case OPT_ON_PANIC: {
			static const char *const names[] = { "exit", "restart", "ignore", NULL };
			static const enum conwatch_on_panic policies[] = {
				CONWATCH_PANIC_EXIT, CONWATCH_PANIC_RESTART, CONWATCH_PANIC_IGNORE,
			};
			int i = keyword_index(optarg, names);

			if (i < 0)
				return usage_error("--on-panic: '%s' is not exit, restart or ignore",
						   optarg);
			cfg->watch.on_panic = policies[i];
			break;
		}
		case OPT_PASS_ON:
		case OPT_FAIL_ON:
			rc = add_pattern(&cfg->watch, c == OPT_PASS_ON ? VERDICT_PASS : VERDICT_FAIL,
					 c == OPT_PASS_ON ? "--pass-on" : "--fail-on", optarg);
			if (rc)
				return rc;
			break;
		case OPT_DISK:
			rc = add_disk(cfg, optarg);
			if (rc)
				return rc;
			break;
		case OPT_CONTROL:
			if (!*optarg)
				return usage_error("--control: empty socket path");
			if (strlen(optarg) >= sizeof(((struct sockaddr_un *)0)->sun_path))
				return usage_error("--control: '%s' is longer than a UNIX socket path may be (%zu bytes)",
						   optarg, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
			arg_control = optarg;
			break;
		case 'q':
			*quiet = true;
			break;
		case 'h':
			usage_run(stdout);
			exit(0);
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (arg_restore) {
		if (optind == argc)
			return usage_error("restore needs the snapshot FILE");
		if (optind + 1 < argc)
			return usage_error("unexpected argument '%s'", argv[optind + 1]);
		if (!*argv[optind])
			return usage_error("restore: empty file name");
		arg_snapshot = argv[optind];
		return 0;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!cfg->kernel_path)
		return usage_error("--kernel FILE is required");
	if (!*cfg->kernel_path)
		return usage_error("--kernel: empty file name");
	if (cfg->initrd_path && !*cfg->initrd_path)
		return usage_error("--initrd: empty file name");
	if (cfg->psci == PINVM_PSCI_0_1 && cfg->psci_impl == PSCI_IMPL_PINVM)
		return usage_error("--psci 0.1 is KVM's only: pinvm's firmware gives 0.2 to 1.3");
	if (cfg->watch.log_timestamps && !cfg->watch.log_path)
		return usage_error("--console-log-timestamps needs --console-log FILE");
	return 0;
}

/* ---- firmware profiles (docs/firmware-profiles.md) ---- */

/*
 * --fw-profile FILE: an existing FILE is parsed and replayed, its PSCI
 * version becoming the pin; a missing one is recorded by machine_setup().
 * Returns: 0; an exit status, with the message in @why.
 */
static int fw_profile_prepare(struct machine_config *cfg, struct fwprofile *p,
			      char *why, size_t why_size)
{
	const struct fwprofile_reg *psci;
	char a[16], b[16];
	struct stat st;
	int r;

	if (stat(cfg->fw_profile_path, &st) < 0 && errno == ENOENT) {
		cfg->fw_record = true;
		return 0;
	}
	r = fwprofile_load(cfg->fw_profile_path, p, why, why_size);
	if (r)
		return EXIT_START;
	psci = fwprofile_find(p, FWPROFILE_PSCI_VERSION);
	if (cfg->psci_explicit && cfg->psci != psci->value) {
		snprintf(why, why_size, "--psci %s disagrees with --fw-profile %s, which pins PSCI %s%s",
			 cfg->psci == PSCI_PIN_HOST ? "host" :
			 psci_version_str(cfg->psci, a, sizeof(a)), cfg->fw_profile_path,
			 psci_version_str((uint32_t)psci->value, b, sizeof(b)), USAGE_HINT);
		return EXIT_USAGE;
	}
	cfg->psci = (uint32_t)psci->value;
	cfg->fw_profile = p;
	return 0;
}

/* Write the firmware view machine_setup() recorded, atomically. */
static int fw_profile_write(const struct machine_info *mi, const char *path)
{
	char when[32] = "unknown date", recorded[256];
	const char *comments[] = {
		"pinvm firmware profile: the firmware a guest sees (docs/firmware-profiles.md).",
		recorded,
		"Replay: pinvm run --fw-profile FILE ...; can a host honour it: pinvm profile check FILE.",
		"Lines: NAME = VALUE (0x hex or decimal; PSCI_VERSION as M.m); '#' starts a comment.",
		NULL,
	};
	time_t now = time(NULL);
	struct tm tm;
	size_t len;
	char *text;
	int r;

	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(recorded, sizeof(recorded), "Recorded by pinvm %s on Linux %s (%s), %s.",
		 PINVM_VERSION, mi->host_release, mi->host_machine, when);
	r = fwprofile_format(mi->fw_recorded, comments, &text, &len);
	if (r)
		return r;
	/* Stop signals are blocked (runloop_block_signals()): the write is never cut short. */
	r = io_write_file_atomic(path, text, len);
	free(text);
	return r;
}

/* A replay's refusals (as errors) and decisions (as notes) on stderr. */
static void fw_report_log(const struct fwprofile_report *rep)
{
	char line[768];

	for (unsigned int i = 0; i < rep->nr; i++) {
		const struct fwprofile_issue *is = &rep->issues[i];

		fwprofile_issue_str(is, line, sizeof(line));
		if (fwprofile_verdict_refuses(is->verdict))
			pr_err("  %s", line);
		else
			log_msg(LOG_LEVEL_WARN, "note: ", "firmware profile: %s", line);
	}
}

static int stop_status(const struct stop *s)
{
	switch (s->kind) {
	case STOP_SYSTEM_OFF:
	case STOP_ESCAPE:
		return EXIT_POWEROFF;
	case STOP_SYSTEM_OFF2:
		return EXIT_HIBERNATE;
	case STOP_RESET:
	case STOP_RESET_LIMIT:
		return EXIT_RESET;
	case STOP_RESET2:
		return psci_reset2_is_vendor(s->reset_type) ? EXIT_VENDOR_RESET : EXIT_RESET;
	case STOP_TIMEOUT:
		return EXIT_TIMEOUT;
	case STOP_SIGNAL:
		return EXIT_SIGNAL_BASE + s->signo;
	case STOP_ALL_OFF:
		return EXIT_ALL_OFF;
	case STOP_PANIC:
		return EXIT_PANIC;
	case STOP_PASS:
		return EXIT_POWEROFF;
	case STOP_FAIL:
		return EXIT_FAIL_PATTERN;
	case STOP_SNAPSHOT:
		return EXIT_SNAPSHOT;
	case STOP_FAILURE:
	case STOP_NONE:
		break;
	}
	return EXIT_GUEST_FAILURE;
}

static void stop_describe(const struct stop *s, const struct machine_config *cfg,
			  const struct machine_info *mi, char *buf, size_t size)
{
	static const char *const ends[] = {
		[STOP_PANIC_END_LINE] = "its end line",
		[STOP_PANIC_END_RESET] = "a reset",
		[STOP_PANIC_END_QUIET] = "2 s without output",
		[STOP_PANIC_END_STOP] = "the stop",
	};

	switch (s->kind) {
	case STOP_PANIC:
		snprintf(buf, size, "guest kernel panic, dump ended by %s%s: \"%s\"",
			 ends[s->panic_end],
			 cfg->watch.on_panic == CONWATCH_PANIC_RESTART &&
			 mi->restarts >= cfg->max_resets ? " (--max-resets reached)" : "", s->line);
		break;
	case STOP_PASS:
		snprintf(buf, size, "--pass-on matched line %" PRIu64 ": \"%s\"", s->lineno, s->line);
		break;
	case STOP_FAIL:
		snprintf(buf, size, "--fail-on matched line %" PRIu64 ": \"%s\"", s->lineno, s->line);
		break;
	case STOP_SYSTEM_OFF:
		snprintf(buf, size, "guest powered off");
		break;
	case STOP_SYSTEM_OFF2:
		snprintf(buf, size, "guest hibernated (SYSTEM_OFF2)");
		break;
	case STOP_RESET:
		snprintf(buf, size, "guest reset");
		break;
	case STOP_RESET2:
		if (psci_reset2_is_vendor(s->reset_type))
			snprintf(buf, size, "guest vendor reset (SYSTEM_RESET2 type 0x%" PRIx32
				 ", cookie 0x%" PRIx64 ")", s->reset_type, s->cookie);
		else
			snprintf(buf, size, "guest reset (SYSTEM_RESET2 warm, cookie 0x%" PRIx64 ")",
				 s->cookie);
		break;
	case STOP_RESET_LIMIT:
		snprintf(buf, size, "reset limit reached (--max-resets %u)", cfg->max_resets);
		break;
	case STOP_FAILURE:
		snprintf(buf, size, "guest failure: %s", s->reason);
		break;
	case STOP_ALL_OFF:
		if (s->vcpu == STOP_VCPU_UNKNOWN)	/* KVM's PSCI does not say */
			snprintf(buf, size, "every vCPU turned itself off (CPU_OFF) without SYSTEM_OFF");
		else
			snprintf(buf, size, "every vCPU turned itself off (CPU_OFF) without SYSTEM_OFF; vCPU %u was the last",
				 s->vcpu);
		break;
	case STOP_TIMEOUT:
		snprintf(buf, size, "timeout after %u s", cfg->timeout);
		break;
	case STOP_SIGNAL:
		snprintf(buf, size, "stopped by SIG%s",
			 sigabbrev_np(s->signo) ? sigabbrev_np(s->signo) : "?");
		break;
	case STOP_ESCAPE:
		snprintf(buf, size, "console escape (Ctrl-A x)");
		break;
	case STOP_SNAPSHOT:
		snprintf(buf, size, "snapshot-stop: snapshot written");
		break;
	case STOP_NONE:
		snprintf(buf, size, "stopped");
		break;
	}
}

/*
 * --user: resolve it before the kernel and /dev/kvm are opened. Returns: 0
 * (*ret_user NULL without --user); an exit status, with the message in @why.
 */
static int run_resolve_user(struct caps_user *user, const struct caps_user **ret_user,
			    char *why, size_t why_size)
{
	int r;

	*ret_user = NULL;
	if (!arg_user)
		return 0;
	r = caps_lookup_user(arg_user, "/etc/passwd", user);
	if (r == -ENOENT) {
		snprintf(why, why_size, "--user: no user '%s' in /etc/passwd (or give UID:GID)%s",
			 arg_user, USAGE_HINT);
		return EXIT_USAGE;
	}
	if (r) {
		snprintf(why, why_size, "--user %s: cannot read /etc/passwd: %s", arg_user,
			 strerror(-r));
		return EXIT_START;
	}
	if (geteuid() != 0) {
		snprintf(why, why_size, "--user needs pinvm to be started as root; as a user with access to /dev/kvm, leave it out");
		return EXIT_START;
	}
	*ret_user = user;
	return 0;
}

/* Files and /dev/kvm are open: from here on pinvm needs no privilege. */
static int run_drop_privileges(const struct caps_user *user, char *why, size_t why_size)
{
	int r = caps_drop(user);

	if (r == -EPERM && user)
		snprintf(why, why_size, "--user: cannot switch to uid %u gid %u: %s",
			 (unsigned int)user->uid, (unsigned int)user->gid, strerror(-r));
	else if (r)
		snprintf(why, why_size, "cannot drop privileges: %s", strerror(-r));
	return r;
}

/*
 * Hibernation detection (docs/hibernation.md): each disk's swap header as
 * the guest finds it at launch, compared after a SYSTEM_OFF.
 */
struct hib_scans {
	struct swsusp_scan launch[LAYOUT_MAX_DISKS];
	bool ok[LAYOUT_MAX_DISKS];	/* the launch scan could read the disk */
};

/* At launch: scan every disk; a hibernation image there is noted (a resume). */
static void hib_scan_launch(const struct machine_info *mi, struct hib_scans *h)
{
	char where[48];

	for (unsigned int i = 0; i < mi->nr_disks && i < LAYOUT_MAX_DISKS; i++) {
		const struct disk *d = &mi->disks[i];
		int r = swsusp_scan(d->fd, d->size, &h->launch[i]);

		h->ok[i] = !r;
		if (r) {
			pr_warn("disk %s (%s): cannot read its swap header: %s; a hibernation to it will not be detected",
				d->name, d->path, strerror(-r));
			continue;
		}
		if (h->launch[i].state == SWSUSP_IMAGE)
			log_msg(LOG_LEVEL_WARN, "note: ", "disk %s holds a hibernation image (%s): this launch is a resume if the guest boots the same kernel with the same RAM, vCPUs, disks and command line",
				d->name, swsusp_where(&h->launch[i], where, sizeof(where)));
	}
}

/*
 * After the run: the writable disk whose header shows a hibernation image
 * that was not there at launch (or another one); -1: none.
 */
static int hib_scan_after(const struct machine_info *mi, const struct hib_scans *h,
			  struct swsusp_scan *ret_after)
{
	for (unsigned int i = 0; i < mi->nr_disks && i < LAYOUT_MAX_DISKS; i++) {
		const struct disk *d = &mi->disks[i];

		if (d->ro || !h->ok[i])
			continue;
		if (swsusp_scan(d->fd, d->size, ret_after))
			continue;
		if (swsusp_hibernated(&h->launch[i], ret_after))
			return (int)i;
	}
	return -1;
}

/* The start record's "disks" field: name, path, ro, bytes, swap header of each (none: ""). */
static void start_disks_json(const struct machine_info *mi, const struct hib_scans *h,
			     char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < mi->nr_disks && n < size; i++) {
		const struct disk *d = &mi->disks[i];
		const struct swsusp_scan *sc = &h->launch[i];
		char path[512], where[48] = "";

		if (h->ok[i] && sc->state != SWSUSP_NONE)
			snprintf(where, sizeof(where), ",\"swap_where\":\"%s\"",
				 swsusp_where(sc, path, sizeof(path)));
		n += (size_t)snprintf(buf + n, size - n, "%s{\"name\":\"%s\",\"path\":%s,\"ro\":%s,\"bytes\":%" PRIu64
				      ",\"swap\":\"%s\"%s}",
				      i ? "," : ",\"disks\":[", d->name,
				      evlog_json_str(d->path, path, sizeof(path)),
				      d->ro ? "true" : "false", d->size,
				      h->ok[i] ? swsusp_state_name(sc->state) : "unreadable", where);
	}
	if (n && n + 2 < size)
		snprintf(buf + n, size - n, "]");
}

/* The exit record of a run that could not start or go on, and the message. */
static int run_error(struct evlog *log, int status, const char *why)
{
	pr_err("%s", why);
	evlog_exit(log, status, -1, why);
	return status;
}

/*
 * pinvm restore FILE: the whole file in memory (RAM is its bulk, zero
 * pages left out), checked by snapfile_parse(). Returns: 0; an exit
 * status with the message in @why.
 */
static int restore_read(const char *path, void **ret_buf, struct snapfile_view *view,
			char *why, size_t why_size)
{
	char reason[400];
	struct stat st;
	size_t len = 0;
	uint8_t *buf;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, why_size, "cannot open snapshot %s: %s", path, strerror(errno));
		return EXIT_START;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_size, "snapshot %s is not a regular file", path);
		(void)close(fd);
		return EXIT_START;
	}
	if ((uint64_t)st.st_size > SNAPFILE_RAM_MAX + (64ULL << 20)) {
		snprintf(why, why_size, "snapshot %s: %lld bytes is more than any snapshot pinvm writes",
			 path, (long long)st.st_size);
		(void)close(fd);
		return EXIT_START;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(why, why_size, "snapshot %s: out of memory for %lld bytes", path,
			 (long long)st.st_size);
		(void)close(fd);
		return EXIT_START;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				snprintf(why, why_size, "cannot read snapshot %s: %s", path,
					 strerror(errno));
			break;
		}
		len += (size_t)n;
	}
	(void)close(fd);
	if (len < (size_t)st.st_size && why[0]) {
		free(buf);
		return EXIT_START;
	}
	r = snapfile_parse(buf, len, view, reason, sizeof(reason));
	if (r) {
		snprintf(why, why_size, "snapshot %s: %s", path, reason);
		free(buf);
		return EXIT_START;
	}
	*ret_buf = buf;
	return 0;
}

/* A kernel or initrd whose size changed since the snapshot: a reset will refuse it. */
static void restore_note_sizes(const struct snapfile_view *snap, const struct machine *m)
{
	const struct snapfile_image *saved[2] = { &snap->kernel, snap->has_initrd ? &snap->initrd : NULL };
	const struct boot_file *now[2] = { boot_kernel(m), boot_initrd(m) };

	for (int i = 0; i < 2; i++) {
		if (!saved[i] || !now[i] || saved[i]->size == now[i]->size)
			continue;
		pr_warn("%s %s is %" PRIu64 " bytes, the snapshot's guest booted %" PRIu64 ": a guest reset will not boot it",
			i ? "initrd" : "kernel", saved[i]->path, now[i]->size, saved[i]->size);
	}
}

static int cmd_run_or_restore(int argc, char **argv)
{
	struct machine_config cfg;
	struct fwprofile profile;
	struct snapfile_view *snap = NULL;
	void *snap_buf = NULL;
	struct ctl ctl;
	struct caps_user user_ids;
	const struct caps_user *user;
	const char *event_log = NULL;
	struct machine m;
	struct machine_info mi;
	struct stop stop;
	struct evlog log;
	char why[512] = "";
	char ver[16], desc[512], name[128], drop_note[64] = "", dropped_field[48] = "";
	char oopses[32] = "";
	static char disks_field[LAYOUT_MAX_DISKS * 700];
	_Static_assert(LAYOUT_MAX_DISKS * 700 + 1024 <= EVLOG_LINE_MAX,
		       "the start record with every disk fits in one event-log line");
	static struct hib_scans hib;
	struct swsusp_scan hib_after;
	int hib_disk;
	const char *impl = "kvm";
	bool quiet = false;
	int r, status;

	/* Until pinvm exits: a stop signal is read by the run loop, never fatal. */
	(void)runloop_block_signals();
	memset(&cfg, 0, sizeof(cfg));
	r = parse_run_args(argc, argv, &cfg, &event_log, &quiet);
	if (r)
		return r;
	if (quiet)
		log_level = LOG_LEVEL_QUIET;

	/* First, so that every run from here on leaves a log ending in its exit record. */
	evlog_init(&log);
	if (event_log) {
		r = evlog_open(&log, event_log);
		if (r) {
			pr_err("cannot write event log %s: %s", event_log, strerror(-r));
			return EXIT_START;
		}
	}
	ctl_init(&ctl);
	r = run_resolve_user(&user_ids, &user, why, sizeof(why));
	if (!r && cfg.fw_profile_path)
		r = fw_profile_prepare(&cfg, &profile, why, sizeof(why));
	if (!r && arg_snapshot) {
		snap = calloc(1, sizeof(*snap));
		r = snap ? restore_read(arg_snapshot, &snap_buf, snap, why, sizeof(why)) : EXIT_START;
		if (!snap)
			snprintf(why, sizeof(why), "out of memory");
		if (!r) {
			/* The machine as saved; its firmware view replayed like --fw-profile. */
			char reason[384];

			if (snapshot_config(snap, &cfg, &profile, reason, sizeof(reason))) {
				snprintf(why, sizeof(why), "snapshot %.100s: %s", arg_snapshot, reason);
				r = EXIT_START;
			}
			cfg.fw_profile_path = arg_snapshot;
		}
	}
	if (r) {
		status = run_error(&log, r, why);
		evlog_close(&log);
		free(snap_buf);
		free(snap);
		return status;
	}

	machine_init(&m, &cfg, &log);
	r = machine_reserve_ram(&m, why, sizeof(why));
	/* RAM that cannot be reserved may lie beyond this host's guest address space: say that. */
	if (r == -ENOMEM && machine_open(&m, desc, sizeof(desc)) == -E2BIG)
		snprintf(why, sizeof(why), "%s", desc);
	/* Restored: the guest's RAM is the snapshot's, the images are read at a reset. */
	if (!r && snap)
		r = boot_open_images(&m, why, sizeof(why));
	else if (!r)
		r = boot_load(&m, why, sizeof(why));
	/* Restored: a reset boots the images only if they are what the snapshot's guest booted. */
	if (!r && snap) {
		boot_expect_images(&m, snap->kernel.sha256, snap->has_initrd ? snap->initrd.sha256 : NULL);
		restore_note_sizes(snap, &m);
	}
	if (!r)
		r = machine_open(&m, why, sizeof(why));
	if (!r && arg_control) {
		r = ctl_listen(&ctl, arg_control, user ? user->uid : (uid_t)-1,
			       user ? user->gid : (gid_t)-1);
		if (r == -EADDRINUSE)
			snprintf(why, sizeof(why), "--control %s: another pinvm is listening there",
				 arg_control);
		else if (r == -EEXIST)
			snprintf(why, sizeof(why), "--control %s: exists and is not a socket (not replaced)",
				 arg_control);
		else if (r)
			snprintf(why, sizeof(why), "--control %s: %s", arg_control, strerror(-r));
		if (!r)
			m.ctl = &ctl;
	}
	if (!r)
		r = run_drop_privileges(user, why, sizeof(why));
	if (!r)
		r = machine_setup(&m, why, sizeof(why));
	if (!r && snap) {
		char reason[384];

		r = snapshot_restore(&m, snap, reason, sizeof(reason));
		if (r)
			snprintf(why, sizeof(why), "cannot restore %.100s: %s", arg_snapshot, reason);
	}
	machine_get_info(&m, &mi);
	if (r) {
		fw_report_log(mi.fw_report);
		status = run_error(&log, EXIT_START, why);
		goto out;
	}
	/* The snapshot's RAM is in the guest now: the file's copy goes. */
	free(snap_buf);
	snap_buf = NULL;
	if (cfg.fw_record) {
		r = fw_profile_write(&mi, cfg.fw_profile_path);
		if (r) {
			snprintf(why, sizeof(why), "cannot write firmware profile %s: %s",
				 cfg.fw_profile_path, strerror(-r));
			status = run_error(&log, EXIT_START, why);
			goto out;
		}
		log_msg(LOG_LEVEL_WARN, "note: ", "recorded this host's firmware view (PSCI %s, %u registers) in %s",
			psci_version_str(mi.psci_version, ver, sizeof(ver)), mi.fw_recorded->nr,
			cfg.fw_profile_path);
	} else if (cfg.fw_profile) {
		fw_report_log(mi.fw_report);
	}

	if (cfg.dump_dtb) {
		r = io_write_file_atomic(cfg.dump_dtb, mi.dtb, mi.dtb_size);
		if (r) {
			snprintf(why, sizeof(why), "cannot write %s: %s", cfg.dump_dtb, strerror(-r));
			status = run_error(&log, EXIT_START, why);
		} else {
			status = EXIT_POWEROFF;
			evlog_exit(&log, status, -1, NULL);
		}
		goto out;
	}

	hib_scan_launch(&mi, &hib);

	/* The run phase: only the allowlisted system calls from here on. */
	if (!arg_no_seccomp) {
		r = sandbox_install(console_restore_now);
		if (r) {
			snprintf(why, sizeof(why), "cannot install the seccomp filter: %s (--no-seccomp runs without it)",
				 strerror(-r));
			status = run_error(&log, EXIT_START, why);
			goto out;
		}
	}

	psci_version_str(mi.psci_version, ver, sizeof(ver));
	impl = mi.psci_impl == PSCI_IMPL_PINVM ? "pinvm" : "kvm";
	start_disks_json(&mi, &hib, disks_field, sizeof(disks_field));
	evlog_emit(&log, "start", "\"psci\":\"%s\",\"psci_pinned\":%s,\"psci_impl\":\"%s\",\"vcpus\":%u,\"mem\":%" PRIu64
		   ",\"gic\":\"v%d\",\"host_kernel\":%s%s", ver,
		   cfg.psci == PSCI_PIN_HOST ? "false" : "true", impl, cfg.nr_cpus, cfg.ram_size,
		   mi.gic_version, evlog_json_str(mi.host_release, name, sizeof(name)), disks_field);

	if (snap && m.restore_nr_dropped) {
		char list[sizeof(m.restore_dropped) * 2 + 8];
		size_t n = 0;

		/* Names are [A-Z0-9_x]: quoting each is all the JSON they need. */
		n += snprintf(list + n, sizeof(list) - n, "[\"");
		for (const char *c = m.restore_dropped; *c && n + 4 < sizeof(list); c++)
			n += snprintf(list + n, sizeof(list) - n, *c == ',' ? "\",\"" : "%c", *c);
		snprintf(list + n, sizeof(list) - n, "\"]");
		log_msg(LOG_LEVEL_WARN, "note: ", "restore: left out %u saved register%s this host's KVM does not have for this guest, each at its reset value (never written): %s",
			m.restore_nr_dropped, m.restore_nr_dropped == 1 ? "" : "s", m.restore_dropped);
		evlog_emit(&log, "restore", "\"snapshot\":%s,\"dropped_regs\":%s",
			   evlog_json_str(arg_snapshot, name, sizeof(name)), list);
	} else if (snap) {
		evlog_emit(&log, "restore", "\"snapshot\":%s",
			   evlog_json_str(arg_snapshot, name, sizeof(name)));
	}
	r = runloop_run(&m, &stop, why, sizeof(why));
	machine_get_info(&m, &mi);
	/* Output that did not reach stdout (the console ring was full, or stdout stalled or failed). */
	if (mi.console_dropped) {
		snprintf(drop_note, sizeof(drop_note), "; %" PRIu64 " bytes of console output dropped",
			 mi.console_dropped);
		snprintf(dropped_field, sizeof(dropped_field), ",\"console_dropped\":%" PRIu64,
			 mi.console_dropped);
	}
	if (r) {
		pr_err("%s", why);
		status = EXIT_START;
		snprintf(desc, sizeof(desc), "could not run the guest");
		evlog_emit(&log, "exit", "\"status\":%d,\"restarts\":%u%s,\"error\":%s", status,
			   mi.restarts, dropped_field, evlog_json_str(why, name, sizeof(name)));
	} else {
		status = stop_status(&stop);
		stop_describe(&stop, &cfg, &mi, desc, sizeof(desc));
		/*
		 * Guests without SYSTEM_OFF2 hibernate with a plain SYSTEM_OFF:
		 * a hibernation image that appeared on a disk tells.
		 */
		hib_disk = -1;
		if (stop.kind == STOP_SYSTEM_OFF || stop.kind == STOP_SYSTEM_OFF2)
			hib_disk = hib_scan_after(&mi, &hib, &hib_after);
		if (stop.kind == STOP_SYSTEM_OFF2) {
			char where[48];

			if (hib_disk >= 0)
				evlog_emit(&log, "hibernated", "\"detected\":\"system_off2\",\"disk\":\"%s\",\"swap_where\":\"%s\"",
					   mi.disks[hib_disk].name, swsusp_where(&hib_after, where, sizeof(where)));
			else
				evlog_emit(&log, "hibernated", "\"detected\":\"system_off2\"");
		} else if (hib_disk >= 0) {
			char where[48];

			status = EXIT_HIBERNATE;
			snprintf(desc, sizeof(desc), "guest hibernated (image on %s)", mi.disks[hib_disk].name);
			evlog_emit(&log, "hibernated", "\"detected\":\"swap_signature\",\"disk\":\"%s\",\"swap_where\":\"%s\"",
				   mi.disks[hib_disk].name, swsusp_where(&hib_after, where, sizeof(where)));
		}
		if (stop.kind == STOP_FAILURE) {
			pr_err("vCPU %u: %s", stop.vcpu, stop.reason);
			pr_err("vCPU %u: PC 0x%016" PRIx64 " PSTATE 0x%08" PRIx64, stop.vcpu,
			       stop.pc, stop.pstate);
		}
		evlog_emit(&log, "exit", "\"status\":%d,\"restarts\":%u%s", status, mi.restarts,
			   dropped_field);
	}
	if (mi.console.log_error)
		pr_warn("console log %s: writing stopped after %" PRIu64 " bytes: %s",
			cfg.watch.log_path, mi.console.log_bytes, strerror(-mi.console.log_error));
	if (mi.console.dropped)
		pr_warn("%" PRIu64 " bytes of console output were not looked at for verdicts (the event loop fell behind)",
			mi.console.dropped);
	if (mi.console.oops_count)
		snprintf(oopses, sizeof(oopses), ", %u oops%s", mi.console.oops_count,
			 mi.console.oops_count == 1 ? "" : "es");
	if (!quiet)
		pr_summary("%s%s; PSCI %s%s; %u restarts; ran %.3fs%s; exit %d", desc, oopses, ver,
			   mi.psci_impl == PSCI_IMPL_PINVM ? " (pinvm's firmware)" : "", mi.restarts,
			   evlog_elapsed(&log), drop_note, status);
out:
	machine_close(&m);
	ctl_close(&ctl);
	if (m.threads_left) {
		/*
		 * A vCPU or disk I/O thread left behind still points into this
		 * frame (the machine, its config, the event log): end the process here,
		 * without returning past them (machine_close()).
		 */
		(void)fsync(log.fd);
		exit(status);
	}
	evlog_close(&log);
	free(snap_buf);
	free(snap);
	return status;
}

static int cmd_run(int argc, char **argv)
{
	arg_restore = false;
	return cmd_run_or_restore(argc, argv);
}

static int cmd_restore(int argc, char **argv)
{
	arg_restore = true;
	return cmd_run_or_restore(argc, argv);
}

static void usage_ctl(FILE *out)
{
	fprintf(out,
		"Usage: pinvm ctl SOCKET COMMAND [FILE]\n"
		"\n"
		"Send one command to the pinvm listening on SOCKET (pinvm run --control SOCKET)\n"
		"and print its answer:\n"
		"  status               running or paused, vCPUs, PSCI version and implementation, uptime\n"
		"  pause | resume       hold every vCPU / let them go\n"
		"  snapshot FILE        save the guest in FILE; it keeps running\n"
		"  snapshot-stop FILE   save it, then pinvm exits with status 10\n"
		"FILE is written as FILE.tmp and renamed when pinvm reports success.\n"
		"Exit: 0 answered ok, 1 an error (answered or not), 2 usage.\n");
}

static int cmd_ctl(int argc, char **argv)
{
	char answer[CTL_ANSWER_MAX], why[256], tmp[PATH_MAX];
	const char *sock, *cmd, *file = NULL;
	enum ctl_cmd kind;
	int fd = -1, r;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_ctl(stdout);
		return 0;
	}
	if (argc < 3) {
		pr_err("ctl needs SOCKET and COMMAND (try 'pinvm ctl --help')");
		return EXIT_USAGE;
	}
	sock = argv[1];
	cmd = argv[2];
	if (ctl_parse(cmd, strlen(cmd), &kind, why, sizeof(why))) {
		pr_err("ctl: %s (try 'pinvm ctl --help')", why);
		return EXIT_USAGE;
	}
	if (ctl_cmd_takes_fd(kind)) {
		if (argc != 4 || !*argv[3]) {
			pr_err("ctl %s needs the FILE to write (try 'pinvm ctl --help')", cmd);
			return EXIT_USAGE;
		}
		file = argv[3];
		if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp)) {
			pr_err("ctl %s: file name too long", cmd);
			return EXIT_USAGE;
		}
		/* pinvm writes into what this process opened: it opens no path itself. */
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			pr_err("cannot create %s: %s", tmp, strerror(errno));
			return EXIT_START;
		}
	} else if (argc != 3) {
		pr_err("unexpected argument '%s' (try 'pinvm ctl --help')", argv[3]);
		return EXIT_USAGE;
	}
	/* A snapshot of a big guest takes a while on a slow host. */
	r = ctl_request(sock, cmd, fd, fd >= 0 ? 600000 : 30000, answer, sizeof(answer));
	if (fd >= 0)
		(void)close(fd);
	if (r) {
		if (r == -ENOENT || r == -ECONNREFUSED)
			pr_err("no pinvm is listening on %s", sock);
		else if (r == -ETIMEDOUT)
			pr_err("%s: no answer in time", sock);
		else
			pr_err("%s: %s", sock, strerror(-r));
		if (file)
			(void)unlink(tmp);
		return EXIT_START;
	}
	if (strncmp(answer, "ok", 2) || (answer[2] && answer[2] != ' ')) {
		if (file)
			(void)unlink(tmp);
		pr_err("%s", !strncmp(answer, "error: ", 7) ? answer + 7 : answer);
		return EXIT_START;
	}
	if (file && rename(tmp, file) < 0) {
		pr_err("cannot rename %s to %s: %s", tmp, file, strerror(errno));
		(void)unlink(tmp);
		return EXIT_START;
	}
	printf("%s\n", answer);
	return 0;
}

static int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_result res;
	struct vm_host host;
	const char *step = "";
	bool json = false;
	char why[512];
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: pinvm probe [--json]\n\nWhat this host's KVM offers (docs/probe.md).\n");
			return 0;
		default:
			pr_err("unknown option '%s' (try 'pinvm probe --help')", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (try 'pinvm probe --help')", argv[optind]);
		return EXIT_USAGE;
	}
	host.kvm_fd = -1;
	r = machine_open_host(&host, why, sizeof(why));
	if (r) {
		pr_err("%s", why);
		return EXIT_START;
	}
	r = caps_drop(NULL);
	if (r) {
		pr_err("cannot drop privileges: %s", strerror(-r));
		vm_host_close(&host);
		return EXIT_START;
	}
	r = probe_run(&host, &res, &step);
	vm_host_close(&host);
	if (r) {
		pr_err("probe failed %s: %s", step, strerror(-r));
		return EXIT_START;
	}
	if (json)
		probe_print_json(&res, stdout);
	else
		probe_print_text(&res, stdout);
	return fflush(stdout) == 0 ? 0 : EXIT_START;
}

/* ---- pinvm matrix (docs/ci.md) ---- */

/* argv[0], for the runs when /proc/self/exe cannot be executed */
static const char *prog_name = "pinvm";

static void usage_matrix(FILE *out)
{
	fprintf(out,
		"Usage: pinvm matrix [options] -- RUN-OPTIONS\n"
		"\n"
		"Runs 'pinvm run RUN-OPTIONS' once per PSCI version this host can give\n"
		"(docs/ci.md), prints a table and can write a JUnit XML report.\n"
		"\n"
		"      --psci LIST|all      versions, comma-separated (0.1 0.2 1.0 1.1 1.2 1.3),\n"
		"                           or all: each from 0.2 up the host gives (default)\n"
		"      --psci-impl auto|kvm|pinvm|both  whose PSCI: auto (default: run picks),\n"
		"                           KVM's, pinvm's own firmware, or each that can\n"
		"      --jobs N             runs at once (default 1)\n"
		"      --out DIR            each run's logs in DIR/psci-V/ (default ./%s)\n"
		"      --junit FILE         write a JUnit XML report\n"
		"  -q, --quiet              no progress lines\n"
		"  -h, --help               this text\n"
		"\n"
		"RUN-OPTIONS are run's (pinvm run --help), without --psci, --event-log,\n"
		"--console-log, --dump-dtb and --fw-profile: the matrix sets those.\n"
		"A run passes when it exits 0 and, with --pass-on, a pass line matched.\n"
		"Exit: 0 every run passed, 1 a run failed or the matrix could not run,\n"
		"      2 usage, 128+N stopped by signal N.\n", MATRIX_DEFAULT_OUT);
}

static int matrix_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int matrix_usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s (try 'pinvm matrix --help')", msg);
	return EXIT_USAGE;
}

/*
 * RUN-OPTIONS are checked as run checks them, once, here: a bad option is
 * one usage error, not one per cell. The options the matrix sets itself
 * are refused; *ret_want_pass tells whether --pass-on is among them.
 * Returns: 0; an exit status.
 */
static int matrix_check_run_opts(int argc, char **argv, unsigned int jobs, bool *ret_want_pass)
{
	/* the matrix's --console-log first: RUN-OPTIONS' own would replace it */
	static char console_log[] = "matrix";
	struct machine_config cfg;
	const char *event_log = NULL;
	bool quiet = false;
	char **copy;
	int r;

	copy = calloc((size_t)argc + 4, sizeof(*copy));
	if (!copy) {
		pr_err("out of memory");
		return EXIT_START;
	}
	copy[0] = (char *)"run";
	copy[1] = (char *)"--console-log";
	copy[2] = console_log;
	for (int i = 0; i < argc; i++)
		copy[i + 3] = argv[i];
	memset(&cfg, 0, sizeof(cfg));
	r = parse_run_args(argc + 3, copy, &cfg, &event_log, &quiet);
	free(copy);
	arg_user = NULL;
	arg_no_seccomp = false;
	if (r)
		return r;
	if (cfg.psci_explicit)
		return matrix_usage_error("--psci in RUN-OPTIONS: the matrix pins each run's version (pinvm matrix --psci LIST)");
	if (event_log || cfg.watch.log_path != console_log)
		return matrix_usage_error("%s in RUN-OPTIONS: the matrix writes each run's logs into --out DIR",
					  event_log ? "--event-log" : "--console-log");
	if (cfg.dump_dtb)
		return matrix_usage_error("--dump-dtb in RUN-OPTIONS: the matrix runs the guest");
	if (cfg.fw_profile_path)
		return matrix_usage_error("--fw-profile in RUN-OPTIONS: a firmware profile pins the PSCI version the matrix varies");
	/* Runs at once would find each other's lock on a writable image. */
	for (unsigned int i = 0; i < cfg.nr_disks && jobs > 1; i++)
		if (!cfg.disks[i].ro)
			return matrix_usage_error("--disk %s in RUN-OPTIONS with --jobs %u: the runs would share a writable image (add ,ro, or --jobs 1)",
						  cfg.disks[i].path, jobs);
	*ret_want_pass = false;
	for (unsigned int i = 0; i < cfg.watch.npat; i++)
		if (cfg.watch.pat[i].kind == VERDICT_PASS)
			*ret_want_pass = true;
	return 0;
}

/*
 * What this host's KVM gives, probed in a child process that drops its
 * privileges as `pinvm probe` does (the matrix itself keeps them: its runs
 * may be started as root for --user). Returns: 0; an exit status (the
 * child said why).
 */
static int matrix_probe(struct probe_result *res)
{
	int pipefd[2], ws;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		pr_err("cannot probe the host: pipe: %s", strerror(errno));
		return EXIT_START;
	}
	pid = fork();
	if (pid < 0) {
		pr_err("cannot probe the host: fork: %s", strerror(errno));
		(void)close(pipefd[0]);
		(void)close(pipefd[1]);
		return EXIT_START;
	}
	if (pid == 0) {
		struct vm_host host = { .kvm_fd = -1 };
		const char *step = "";
		char why[512];
		int r;

		(void)close(pipefd[0]);
		r = machine_open_host(&host, why, sizeof(why));
		if (r) {
			pr_err("%s", why);
			_exit(EXIT_START);
		}
		r = caps_drop(NULL);
		if (r) {
			pr_err("cannot drop privileges: %s", strerror(-r));
			_exit(EXIT_START);
		}
		r = probe_run(&host, res, &step);
		if (r) {
			pr_err("probe failed %s: %s", step, strerror(-r));
			_exit(EXIT_START);
		}
		_exit(io_write_all(pipefd[1], res, sizeof(*res)) ? EXIT_START : 0);
	}
	(void)close(pipefd[1]);
	n = read(pipefd[0], res, sizeof(*res));
	(void)close(pipefd[0]);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*res) || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return EXIT_START;	/* the child said why */
	return 0;
}

/* --out DIR: made if missing. Returns: 0; an exit status. */
static int matrix_out_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	pr_err("--out %s: %s", dir, errno == EEXIST ? "exists and is not a directory" : strerror(errno));
	return EXIT_START;
}

static void matrix_progress(const struct matrix_cell *c, void *ctx)
{
	log_msg(LOG_LEVEL_WARN, "matrix: ", "%s: exit %d, %s, %.2fs", c->name, c->status,
		c->passed ? "pass" : c->verdict, c->seconds);
}

static int cmd_matrix(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "psci", required_argument, NULL, 'P' },
		{ "psci-impl", required_argument, NULL, 'I' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "junit", required_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct matrix_cell cells[MATRIX_MAX_CELLS];
	struct matrix_job job = { .exe = "/proc/self/exe", .jobs = 1, .done = matrix_progress };
	struct matrix_report rep = { 0 };
	struct matrix_buf text = { 0 };
	struct matrix_host host;
	struct probe_result res;
	enum matrix_impl impl = MATRIX_IMPL_AUTO;
	uint32_t want[MATRIX_MAX_VERSIONS];
	unsigned int nr_want = 0, nr_cells, failed = 0;
	const char *out = MATRIX_DEFAULT_OUT, *junit = NULL;
	char why[512], stamp[32] = "1970-01-01T00:00:00", hostname[256] = "", notrun[64];
	struct timespec t0, t1;
	bool all = true, quiet = false;
	uint64_t v;
	time_t now;
	struct tm tm;
	int c, r, w, sig, status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			if (matrix_parse_psci(optarg, want, &nr_want, &all))
				return matrix_usage_error("--psci: '%s' is not 'all' or a comma-separated list of 0.1 0.2 1.0 1.1 1.2 1.3, each once",
							  optarg);
			break;
		case 'I':
			if (matrix_parse_impl(optarg, &impl))
				return matrix_usage_error("--psci-impl: '%s' is not auto, kvm, pinvm or both",
							  optarg);
			break;
		case 'j':
			if (parse_uint(optarg, 1, MATRIX_MAX_JOBS, &v))
				return matrix_usage_error("--jobs: '%s' is not a number from 1 to %d", optarg,
							  MATRIX_MAX_JOBS);
			job.jobs = (unsigned int)v;
			break;
		case 'o':
			if (!*optarg)
				return matrix_usage_error("--out: empty directory name");
			out = optarg;
			break;
		case 'J':
			if (!*optarg)
				return matrix_usage_error("--junit: empty file name");
			junit = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage_matrix(stdout);
			return 0;
		case ':':
			return matrix_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return matrix_usage_error("unknown option '%s' (RUN-OPTIONS go after '--')",
						  argv[optind - 1]);
		}
	}
	if (optind < 2 || strcmp(argv[optind - 1], "--")) {
		if (optind < argc)
			return matrix_usage_error("unexpected argument '%s': RUN-OPTIONS go after '--'",
						  argv[optind]);
		return matrix_usage_error("RUN-OPTIONS missing: pinvm matrix [options] -- --kernel FILE ...");
	}
	job.opts = argv + optind;
	job.nr_opts = (unsigned int)(argc - optind);
	r = matrix_check_run_opts(argc - optind, argv + optind, job.jobs, &job.want_pass);
	if (r)
		return r;
	if (quiet)
		log_level = LOG_LEVEL_QUIET;

	r = matrix_probe(&res);
	if (r)
		return r;
	matrix_host_from_probe(&res, &host);
	if (matrix_cells(want, nr_want, all, impl, &host, cells, &nr_cells, why, sizeof(why))) {
		pr_err("%s", why);
		return EXIT_START;
	}
	r = matrix_out_dir(out);
	if (r)
		return r;
	job.out_dir = out;
	job.exe_fallback = prog_name;

	r = matrix_run(&job, cells, nr_cells, &sig, why, sizeof(why));
	if (r)
		pr_err("%s", why);
	for (unsigned int i = 0; i < nr_cells; i++) {
		if (!cells[i].ran)
			matrix_verdict(&cells[i], job.want_pass);
		if (!cells[i].passed)
			failed++;
	}
	matrix_table(cells, nr_cells, &text);
	w = text.err ? text.err : io_write_all(STDOUT_FILENO, text.p, text.len);
	if (w) {
		pr_err("cannot print the table: %s", strerror(-w));
		r = r ? r : w;
	}
	matrix_buf_free(&text);

	if (junit) {
		char *opts_str = NULL;
		size_t opts_len = 0;
		FILE *f = open_memstream(&opts_str, &opts_len);

		for (unsigned int i = 0; f && i < job.nr_opts; i++)
			fprintf(f, "%s%s", i ? " " : "", job.opts[i]);
		if (f)
			fclose(f);
		now = time(NULL);
		if (gmtime_r(&now, &tm))
			strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		(void)gethostname(hostname, sizeof(hostname) - 1);
		snprintf(notrun, sizeof(notrun), "matrix stopped by SIG%s",
			 sig && sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		rep.timestamp = stamp;
		rep.hostname = hostname;
		rep.host_kernel = res.release;
		rep.run_options = opts_str ? opts_str : "";
		rep.out_dir = out;
		rep.not_run = sig ? notrun : "the matrix could not go on";
		clock_gettime(CLOCK_MONOTONIC, &t1);
		rep.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		matrix_junit(cells, nr_cells, &rep, &text);
		free(opts_str);
		if (text.err) {
			pr_err("cannot write %s: %s", junit, strerror(-text.err));
			r = r ? r : text.err;
		} else {
			w = io_write_file_atomic(junit, text.p, text.len);
			if (w) {
				pr_err("cannot write %s: %s", junit, strerror(-w));
				r = r ? r : w;
			}
		}
		matrix_buf_free(&text);
	}
	if (sig)
		status = EXIT_SIGNAL_BASE + sig;
	else
		status = r || failed ? EXIT_START : 0;
	if (!quiet)
		pr_summary("matrix: %u of %u runs passed; exit %d", nr_cells - failed, nr_cells, status);
	return status;
}

static void usage_profile(FILE *out)
{
	fprintf(out,
		"Usage: pinvm profile show FILE    the firmware profile decoded: versions as M.m,\n"
		"                                  bitmaps as the services they offer\n"
		"       pinvm profile check FILE   can this host honour it? Uses /dev/kvm (a test\n"
		"                                  VM, no guest). Exit 0 yes, 1 no or an error\n"
		"\n"
		"Profiles are written by 'pinvm run --fw-profile FILE' (docs/firmware-profiles.md).\n");
}

static int profile_show(const char *path)
{
	struct fwprofile p;
	char why[512];
	int r;

	r = fwprofile_load(path, &p, why, sizeof(why));
	if (r) {
		pr_err("%s", why);
		return EXIT_START;
	}
	for (unsigned int i = 0; i < p.nr; i++) {
		char key[24], val[24], what[160];

		fwprofile_reg_key(p.regs[i].id, key, sizeof(key));
		fwprofile_value_str(p.regs[i].id, p.regs[i].value, val, sizeof(val));
		fwprofile_decode(p.regs[i].id, p.regs[i].value, what, sizeof(what));
		if (what[0])
			printf("%-24s %-10s %s\n", key, val, what);
		else
			printf("%-24s %s\n", key, val);
	}
	return fflush(stdout) == 0 ? 0 : EXIT_START;
}

/* What `run --fw-profile` would do before the first KVM_RUN, on a test VM. */
static int profile_check(const char *path)
{
	struct fwprofile_report rep;
	struct vm_host host;
	struct fwprofile p;
	char why[512], line[768];
	const char *impl = "";
	bool filter;
	int vm, vcpu, r;

	r = fwprofile_load(path, &p, why, sizeof(why));
	if (r) {
		pr_err("%s", why);
		return EXIT_START;
	}
	host.kvm_fd = -1;
	r = machine_open_host(&host, why, sizeof(why));
	if (r) {
		pr_err("%s", why);
		return EXIT_START;
	}
	/* The profile and /dev/kvm are open: like run, no privilege from here on. */
	r = caps_drop(NULL);
	if (r) {
		pr_err("cannot drop privileges: %s", strerror(-r));
		vm_host_close(&host);
		return EXIT_START;
	}
	r = probe_vm(&host, fwprofile_find(&p, FWPROFILE_PSCI_VERSION)->value == PINVM_PSCI_0_1,
		     &vm, &vcpu);
	if (r) {
		pr_err("cannot create a test VM: %s", strerror(-r));
		vm_host_close(&host);
		return EXIT_START;
	}
	r = fwregs_apply(&vcpu, 1, &p, &rep);
	/*
	 * As run decides (--psci-impl auto): what KVM's PSCI cannot give,
	 * pinvm's own firmware can where KVM has the SMCCC filter; KVM then
	 * keeps the rest of the view.
	 */
	filter = vm_has_smccc_filter(vm);
	if (r == -ENOTSUP && filter && fwprofile_find(&p, FWPROFILE_PSCI_VERSION) &&
	    fwprofile_find(&p, FWPROFILE_PSCI_VERSION)->value != PINVM_PSCI_0_1) {
		struct fwprofile rest = p;
		struct fwprofile_report rest_rep;
		uint64_t kvm_psci;

		/* KVM keeps its own PSCI_VERSION register, which the guest never sees answer. */
		if (fwregs_get(vcpu, FWPROFILE_PSCI_VERSION, &kvm_psci) == 0 &&
		    fwprofile_set(&rest, FWPROFILE_PSCI_VERSION, kvm_psci) == 0 &&
		    fwregs_apply(&vcpu, 1, &rest, &rest_rep) == 0) {
			r = 0;
			rep = rest_rep;
			impl = " with pinvm's PSCI firmware (--psci-impl pinvm; KVM's PSCI cannot give its version)";
		}
	}
	(void)close(vcpu);
	(void)close(vm);
	if (r && !rep.nr_refused) {
		pr_err("cannot list the firmware registers (KVM_GET_REG_LIST): %s", strerror(-r));
		vm_host_close(&host);
		return EXIT_START;
	}
	printf("%s: this host (Linux %s) %s%s\n", path, host.release,
	       r ? "cannot honour this firmware profile:" : "can honour this firmware profile", impl);
	for (unsigned int i = 0; i < rep.nr; i++) {
		fwprofile_issue_str(&rep.issues[i], line, sizeof(line));
		printf("  %s: %s\n", fwprofile_verdict_refuses(rep.issues[i].verdict) ?
		       "refused" : "note", line);
	}
	if (r && !filter)
		printf("  (pinvm's own PSCI firmware needs Linux 6.4 or later)\n");
	vm_host_close(&host);
	if (fflush(stdout) != 0)
		return EXIT_START;
	return r ? EXIT_START : 0;
}

static int cmd_profile(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_profile(stdout);
		return 0;
	}
	if (argc < 2) {
		usage_profile(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "show") && strcmp(argv[1], "check")) {
		pr_err("unknown profile command '%s' (try 'pinvm profile --help')", argv[1]);
		return EXIT_USAGE;
	}
	if (argc != 3 || !*argv[2] || argv[2][0] == '-') {
		if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			usage_profile(stdout);
			return 0;
		}
		pr_err("pinvm profile %s needs exactly one FILE (try 'pinvm profile --help')", argv[1]);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "show"))
		return profile_show(argv[2]);
	return profile_check(argv[2]);
}

int main(int argc, char **argv)
{
	int r;

	if (argc > 0 && argv[0][0])
		prog_name = argv[0];
	/* A fatal signal in any thread is reported, then kills as usual (docs/security.md). */
	r = crash_install(console_restore_now);
	if (r)
		pr_warn("no crash report: %s", strerror(-r));
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_main(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("pinvm %s\n", PINVM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "restore"))
		return cmd_restore(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ctl"))
		return cmd_ctl(argc - 1, argv + 1);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(argv[1], "matrix"))
		return cmd_matrix(argc - 1, argv + 1);
	if (!strcmp(argv[1], "profile"))
		return cmd_profile(argc - 1, argv + 1);
	pr_err("unknown command '%s' (try 'pinvm --help')", argv[1]);
	return EXIT_USAGE;
}
