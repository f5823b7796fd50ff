// SPDX-License-Identifier: GPL-2.0-only
/* Firmware profiles: register names, the text format, and the replay policy. */
#include "pinvm/fwprofile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pinvm/log.h"
#include "pinvm/parse.h"
#include "pinvm/psci.h"

#define NR_FW_NAMED	4
#define NR_BMAP_NAMED	4

static const char *const fw_names[NR_FW_NAMED] = {
	"PSCI_VERSION", "SMCCC_ARCH_WORKAROUND_1",
	"SMCCC_ARCH_WORKAROUND_2", "SMCCC_ARCH_WORKAROUND_3",
};

/* asm/kvm.h: KVM_REG_ARM_*_BIT_* per bitmap register (kvm-psci-uapi.md §4) */
static const struct {
	const char *name;
	const char *bits[2];
} bmaps[NR_BMAP_NAMED] = {
	{ "STD_BMAP", { "TRNG_V1_0" } },
	{ "STD_HYP_BMAP", { "PV_TIME" } },
	{ "VENDOR_HYP_BMAP", { "FUNC_FEAT", "PTP" } },
	{ "VENDOR_HYP_BMAP_2", { "DISCOVER_IMPL_VER", "DISCOVER_IMPL_CPUS" } },
};

bool fwprofile_is_fw_reg(uint64_t id)
{
	uint64_t group = id & FWPROFILE_GROUP_MASK;

	return group == FWPROFILE_GROUP_FW || group == FWPROFILE_GROUP_BMAP;
}

enum fwprofile_kind fwprofile_reg_kind(uint64_t id)
{
	if ((id & FWPROFILE_GROUP_MASK) == FWPROFILE_GROUP_BMAP)
		return FWPROFILE_KIND_BITMAP;
	if (id == FWPROFILE_PSCI_VERSION)
		return FWPROFILE_KIND_PSCI;
	if (id > FWPROFILE_PSCI_VERSION && id < FWPROFILE_GROUP_FW + NR_FW_NAMED)
		return FWPROFILE_KIND_WORKAROUND;
	return FWPROFILE_KIND_OTHER;
}

const char *fwprofile_reg_name(uint64_t id)
{
	uint64_t idx = id & 0xffff;

	if ((id & FWPROFILE_GROUP_MASK) == FWPROFILE_GROUP_FW && idx < NR_FW_NAMED)
		return fw_names[idx];
	if ((id & FWPROFILE_GROUP_MASK) == FWPROFILE_GROUP_BMAP && idx < NR_BMAP_NAMED)
		return bmaps[idx].name;
	return NULL;
}

char *fwprofile_reg_key(uint64_t id, char *buf, size_t size)
{
	const char *name = fwprofile_reg_name(id);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "0x%016" PRIx64, id);
	return buf;
}

/*
 * The profile's numbers are parse_uint()'s ("0x" hex, or decimal; no sign,
 * no blanks) with two rules of the file format on top: at most 16 hex
 * digits, and no decimal that starts with 0 ("010" is neither octal nor
 * silently ten).
 */
static int fwprofile_parse_number(const char *s, uint64_t max, uint64_t *ret)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (strlen(s + 2) > 16)
			return -ERANGE;
	} else if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		return -EINVAL;
	}
	return parse_uint(s, 0, max, ret);
}

int fwprofile_lookup_key(const char *key, uint64_t *ret_id)
{
	uint64_t id;

	for (unsigned int i = 0; i < NR_FW_NAMED; i++) {
		if (!strcmp(key, fw_names[i])) {
			*ret_id = FWPROFILE_GROUP_FW | i;
			return 0;
		}
	}
	for (unsigned int i = 0; i < NR_BMAP_NAMED; i++) {
		if (!strcmp(key, bmaps[i].name)) {
			*ret_id = FWPROFILE_GROUP_BMAP | i;
			return 0;
		}
	}
	if (key[0] == '0' && key[1] == 'x' && fwprofile_parse_number(key, UINT64_MAX, &id) == 0 &&
	    fwprofile_is_fw_reg(id)) {
		*ret_id = id;
		return 0;
	}
	return -ENOENT;
}

char *fwprofile_value_str(uint64_t id, uint64_t value, char *buf, size_t size)
{
	if (id == FWPROFILE_PSCI_VERSION && value <= UINT32_MAX)
		psci_version_str((uint32_t)value, buf, size);
	else
		snprintf(buf, size, "0x%" PRIx64, value);
	return buf;
}

static const char *workaround_level(uint64_t id, uint64_t level)
{
	static const char *const wa1[] = { "NOT_AVAIL", "AVAIL", "NOT_REQUIRED" };
	static const char *const wa2[] = { "NOT_AVAIL", "UNKNOWN", "AVAIL", "NOT_REQUIRED" };

	if (id == (FWPROFILE_GROUP_FW | 2))
		return level < 4 ? wa2[level] : NULL;
	return level < 3 ? wa1[level] : NULL;
}

char *fwprofile_decode(uint64_t id, uint64_t value, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	switch (fwprofile_reg_kind(id)) {
	case FWPROFILE_KIND_PSCI: {
		char v[16];

		if (value > UINT32_MAX)
			snprintf(buf, size, "not a PSCI version");
		else
			snprintf(buf, size, "PSCI %s", psci_version_str((uint32_t)value, v, sizeof(v)));
		break;
	}
	case FWPROFILE_KIND_WORKAROUND: {
		/* WORKAROUND_2 has an ENABLED flag (bit 4) next to its level. */
		bool wa2 = id == (FWPROFILE_GROUP_FW | 2);
		uint64_t level = wa2 ? value & ~(uint64_t)0x10 : value;
		const char *name = workaround_level(id, level);

		if (name)
			snprintf(buf, size, "%s%s", name, wa2 && (value & 0x10) ? " ENABLED" : "");
		else
			snprintf(buf, size, "unknown level %" PRIu64, value);
		break;
	}
	case FWPROFILE_KIND_BITMAP: {
		uint64_t idx = id & 0xffff;

		if (!value) {
			snprintf(buf, size, "none");
			break;
		}
		for (unsigned int bit = 0; bit < 64 && n < size; bit++) {
			const char *name = NULL;
			int w;

			if (!(value & (1ULL << bit)))
				continue;
			if (idx < NR_BMAP_NAMED && bit < 2)
				name = bmaps[idx].bits[bit];
			if (name)
				w = snprintf(buf + n, size - n, "%s%s", n ? " " : "", name);
			else
				w = snprintf(buf + n, size - n, "%sbit %u", n ? " " : "", bit);
			if (w < 0)
				break;
			n += (size_t)w;
		}
		break;
	}
	case FWPROFILE_KIND_OTHER:
		break;
	}
	return buf;
}

const struct fwprofile_reg *fwprofile_find(const struct fwprofile *p, uint64_t id)
{
	for (unsigned int i = 0; i < p->nr; i++)
		if (p->regs[i].id == id)
			return &p->regs[i];
	return NULL;
}

static int fwprofile_insert(struct fwprofile *p, uint64_t id, uint64_t value, unsigned int line)
{
	unsigned int i;

	if (!fwprofile_is_fw_reg(id))
		return -EINVAL;
	for (i = 0; i < p->nr && p->regs[i].id < id; i++)
		;
	if (i < p->nr && p->regs[i].id == id) {
		p->regs[i].value = value;
		p->regs[i].line = line;
		return 0;
	}
	if (p->nr == FWPROFILE_MAX_REGS)
		return -ENOSPC;
	memmove(&p->regs[i + 1], &p->regs[i], (p->nr - i) * sizeof(p->regs[0]));
	p->regs[i] = (struct fwprofile_reg){ .id = id, .value = value, .line = line };
	p->nr++;
	return 0;
}

int fwprofile_set(struct fwprofile *p, uint64_t id, uint64_t value)
{
	return fwprofile_insert(p, id, value, 0);
}

/* "M.m", both decimal 0..65535 without leading zeros: the PSCI_VERSION encoding. */
static int parse_psci(const char *s, uint64_t *ret)
{
	char major[8], minor[8];
	const char *dot = strchr(s, '.');
	uint64_t maj, min;

	if (!dot) {
		/* A plain number is the register value itself. */
		return fwprofile_parse_number(s, UINT32_MAX, ret);
	}
	if ((size_t)(dot - s) >= sizeof(major) || strlen(dot + 1) >= sizeof(minor))
		return -EINVAL;
	memcpy(major, s, (size_t)(dot - s));
	major[dot - s] = '\0';
	snprintf(minor, sizeof(minor), "%s", dot + 1);
	if (major[0] == '0' && major[1] == 'x')
		return -EINVAL;
	if (fwprofile_parse_number(major, 0xffff, &maj) || fwprofile_parse_number(minor, 0xffff, &min))
		return -EINVAL;
	*ret = maj << 16 | min;
	return 0;
}

static void trim(char **s, char **end)
{
	while (*s < *end && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*end > *s && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

static void known_keys(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < NR_FW_NAMED + NR_BMAP_NAMED && n < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? " " : "",
				 i < NR_FW_NAMED ? fw_names[i] : bmaps[i - NR_FW_NAMED].name);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* Parse one line (no '\n'); @p gets its register, if any. */
static int parse_line(char *s, char *end, unsigned int line, struct fwprofile *p,
		      char *why, size_t why_size)
{
	char *hash, *eq, *key, *key_end, *val, *val_end;
	const struct fwprofile_reg *prev;
	char keys[256];
	uint64_t id, v;
	int r;

	if (end > s && end[-1] == '\r')
		end--;
	*end = '\0';
	hash = strchr(s, '#');
	if (hash)
		end = hash;
	trim(&s, &end);
	if (s == end)
		return 0;
	*end = '\0';

	eq = strchr(s, '=');
	if (!eq) {
		log_say(why, why_size, "expected 'NAME = VALUE', got '%.60s'", s);
		return -EINVAL;
	}
	key = s;
	key_end = eq;
	trim(&key, &key_end);
	*key_end = '\0';
	val = eq + 1;
	val_end = end;
	trim(&val, &val_end);
	*val_end = '\0';
	if (!*key) {
		log_say(why, why_size, "expected a register name before '='");
		return -EINVAL;
	}
	if (fwprofile_lookup_key(key, &id)) {
		known_keys(keys, sizeof(keys));
		log_say(why, why_size, "unknown register '%.60s' (expected one of %s, or a 0x firmware register id)",
		    key, keys);
		return -EINVAL;
	}
	prev = fwprofile_find(p, id);
	if (prev) {
		log_say(why, why_size, "%.60s given twice (first on line %u)", key, prev->line);
		return -EINVAL;
	}
	if (!*val) {
		log_say(why, why_size, "expected a value after '%.60s ='", key);
		return -EINVAL;
	}
	if (strchr(val, '=')) {
		log_say(why, why_size, "expected one '=' per line");
		return -EINVAL;
	}
	if (id == FWPROFILE_PSCI_VERSION) {
		r = parse_psci(val, &v);
		if (r) {
			log_say(why, why_size, "PSCI_VERSION: '%.60s' is not a version (expected M.m like 1.1, or a 32-bit number)",
			    val);
			return -EINVAL;
		}
	} else {
		r = fwprofile_parse_number(val, UINT64_MAX, &v);
		if (r) {
			log_say(why, why_size, "%.60s: '%.60s' is not a %s (expected 0x and up to 16 hex digits, or decimal without a leading zero)",
			    key, val, r == -ERANGE ? "64-bit number" : "number");
			return -EINVAL;
		}
	}
	r = fwprofile_insert(p, id, v, line);
	if (r == -ENOSPC) {
		log_say(why, why_size, "more than %d registers", FWPROFILE_MAX_REGS);
		return -EINVAL;
	}
	return r;
}

static unsigned int line_of(const char *text, size_t off)
{
	unsigned int line = 1;

	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int fwprofile_parse(const char *text, size_t len, struct fwprofile *ret,
		    unsigned int *ret_line, char *why, size_t why_size)
{
	char *copy, *s, *nl;
	unsigned int line = 0;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	*ret_line = 0;
	if (len > FWPROFILE_MAX_SIZE) {
		*ret_line = line_of(text, FWPROFILE_MAX_SIZE);
		log_say(why, why_size, "larger than %d KiB: not a firmware profile", FWPROFILE_MAX_SIZE / 1024);
		return -EFBIG;
	}
	/* Binary first: a kernel image must not be reported as an unknown register. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
			*ret_line = line_of(text, i);
			log_say(why, why_size, "binary data (byte 0x%02x): expected a text file of NAME = VALUE lines", c);
			return -EINVAL;
		}
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	/* No NUL inside (checked above): strchr finds every line end. */
	for (s = copy;; s = nl + 1) {
		line++;
		nl = strchr(s, '\n');
		r = parse_line(s, nl ? nl : copy + len, line, ret, why, why_size);
		if (r) {
			*ret_line = line;
			goto out;
		}
		if (!nl || nl + 1 == copy + len)
			break;
	}
	if (!fwprofile_find(ret, FWPROFILE_PSCI_VERSION)) {
		*ret_line = line ? line : 1;
		log_say(why, why_size, "no PSCI_VERSION line: a profile must name the PSCI version (e.g. PSCI_VERSION = 1.1)");
		r = -EINVAL;
	}
out:
	free(copy);
	return r;
}

int fwprofile_load(const char *path, struct fwprofile *ret, char *why, size_t why_size)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	unsigned int line;
	int fd, r = 0;

	/* O_NONBLOCK: a FIFO must not block the open; regular files ignore it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		log_say(why, why_size, "cannot read firmware profile %s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		log_say(why, why_size, "cannot read firmware profile %s: %s", path, strerror(-r));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		log_say(why, why_size, "firmware profile %s is not a regular file", path);
		goto out;
	}
	/* One byte beyond the limit tells "too large" from "exactly the limit". */
	buf = malloc(FWPROFILE_MAX_SIZE + 1);
	if (!buf) {
		r = -ENOMEM;
		log_say(why, why_size, "out of memory");
		goto out;
	}
	while (len < FWPROFILE_MAX_SIZE + 1) {
		ssize_t n = read(fd, buf + len, FWPROFILE_MAX_SIZE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			log_say(why, why_size, "cannot read firmware profile %s: %s", path, strerror(-r));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	r = fwprofile_parse(buf, len, ret, &line, why, why_size);
	if (r) {
		char msg[384];

		snprintf(msg, sizeof(msg), "%s", why);
		log_say(why, why_size, "%s:%u: %s", path, line, msg);
	}
out:
	free(buf);
	(void)close(fd);
	return r;
}

int fwprofile_format(const struct fwprofile *p, const char *const *comments,
		     char **ret_text, size_t *ret_len)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	for (unsigned int i = 0; comments && comments[i]; i++)
		fprintf(f, "# %s\n", comments[i]);
	for (unsigned int i = 0; i < p->nr; i++) {
		const struct fwprofile_reg *r = &p->regs[i];
		char key[24], val[24], what[160];

		fwprofile_reg_key(r->id, key, sizeof(key));
		fwprofile_value_str(r->id, r->value, val, sizeof(val));
		fwprofile_decode(r->id, r->value, what, sizeof(what));
		if (what[0] && r->id != FWPROFILE_PSCI_VERSION)
			fprintf(f, "%s = %s\t# %s\n", key, val, what);
		else
			fprintf(f, "%s = %s\n", key, val);
	}
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	*ret_len = len;
	return 0;
}

/* ---- replay ---- */

bool fwprofile_verdict_refuses(enum fwprofile_verdict v)
{
	switch (v) {
	case FWPROFILE_HOST_LACKS:
	case FWPROFILE_REJECTED:
	case FWPROFILE_READ_BACK:
	case FWPROFILE_NOT_IN_PROFILE:
		return true;
	case FWPROFILE_ZEROED:
	case FWPROFILE_ABSENT_EMPTY:
	case FWPROFILE_HOST_LEVEL:
		break;
	}
	return false;
}

static void report_add(struct fwprofile_report *rep, const struct fwprofile_issue *is)
{
	if (rep->nr < sizeof(rep->issues) / sizeof(rep->issues[0]))
		rep->issues[rep->nr++] = *is;
	if (fwprofile_verdict_refuses(is->verdict))
		rep->nr_refused++;
}

static bool host_lists(const struct fwprofile_host *host, uint64_t id)
{
	for (unsigned int i = 0; i < host->nr_ids; i++)
		if (host->ids[i] == id)
			return true;
	return false;
}

static void apply_one(const struct fwprofile_reg *reg, const struct fwprofile_host *host,
		      struct fwprofile_report *rep)
{
	enum fwprofile_kind kind = fwprofile_reg_kind(reg->id);
	struct fwprofile_issue is = {
		.id = reg->id, .wanted = reg->value, .has_wanted = true, .line = reg->line,
	};
	uint64_t seen = 0;
	int r;

	if (!host_lists(host, reg->id)) {
		is.verdict = kind == FWPROFILE_KIND_BITMAP && reg->value == 0 ?
			     FWPROFILE_ABSENT_EMPTY : FWPROFILE_HOST_LACKS;
		report_add(rep, &is);
		return;
	}
	is.has_offered = host->get(host->opaque, reg->id, &is.offered) == 0;
	r = host->set(host->opaque, reg->id, reg->value);
	if (r) {
		is.verdict = FWPROFILE_REJECTED;
		is.err = r;
		report_add(rep, &is);
		return;
	}
	r = host->get(host->opaque, reg->id, &seen);
	if (kind == FWPROFILE_KIND_WORKAROUND && !r) {
		/* KVM stores nothing: accepting the write is the check (a level <= the host's). */
		if (seen != reg->value) {
			is.verdict = FWPROFILE_HOST_LEVEL;
			is.offered = seen;
			is.has_offered = true;
			report_add(rep, &is);
		}
		return;
	}
	if (r || seen != reg->value) {
		is.verdict = FWPROFILE_READ_BACK;
		is.err = r;
		is.seen = seen;
		report_add(rep, &is);
	}
}

int fwprofile_apply(const struct fwprofile *p, const struct fwprofile_host *host,
		    struct fwprofile_report *rep)
{
	const struct fwprofile_reg *psci = fwprofile_find(p, FWPROFILE_PSCI_VERSION);
	uint64_t v;

	memset(rep, 0, sizeof(*rep));
	/* PSCI_VERSION first: the version the rest of the view belongs to. */
	if (psci)
		apply_one(psci, host, rep);
	for (unsigned int i = 0; i < p->nr; i++)
		if (&p->regs[i] != psci)
			apply_one(&p->regs[i], host, rep);

	/* Registers of this host the profile has never heard of. */
	for (unsigned int i = 0; i < host->nr_ids; i++) {
		uint64_t id = host->ids[i];
		struct fwprofile_issue is = { .id = id };
		int r;

		if (!fwprofile_is_fw_reg(id) || fwprofile_find(p, id))
			continue;
		is.has_offered = host->get(host->opaque, id, &is.offered) == 0;
		if (fwprofile_reg_kind(id) != FWPROFILE_KIND_BITMAP) {
			is.verdict = FWPROFILE_NOT_IN_PROFILE;
			report_add(rep, &is);
			continue;
		}
		/* A newer service set: hide all of it, as the recording host did. */
		r = host->set(host->opaque, id, 0);
		if (r) {
			is.verdict = FWPROFILE_REJECTED;
			is.err = r;
		} else {
			r = host->get(host->opaque, id, &is.seen);
			is.verdict = r || is.seen ? FWPROFILE_READ_BACK : FWPROFILE_ZEROED;
			is.err = r;
		}
		report_add(rep, &is);
	}
	if (rep->nr_refused)
		return -ENOTSUP;
	if (host->get(host->opaque, FWPROFILE_PSCI_VERSION, &v) == 0)
		rep->psci_version = (uint32_t)v;
	return 0;
}

/* Append to @buf at *@n, truncating quietly. */
static void cat(char *buf, size_t size, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cat(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= size)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n += (size_t)w;
}

/* "0x3 (FUNC_FEAT PTP)", "1.1 (PSCI 1.1)", "0x5" */
static void cat_value(char *buf, size_t size, size_t *n, uint64_t id, uint64_t value)
{
	char v[24], d[160];

	fwprofile_value_str(id, value, v, sizeof(v));
	fwprofile_decode(id, value, d, sizeof(d));
	if (d[0])
		cat(buf, size, n, "%s (%s)", v, d);
	else
		cat(buf, size, n, "%s", v);
}

char *fwprofile_issue_str(const struct fwprofile_issue *is, char *buf, size_t size)
{
	const char *min_kernel = NULL;
	char key[24];
	size_t n = 0;

	buf[0] = '\0';
	cat(buf, size, &n, "%s", fwprofile_reg_key(is->id, key, sizeof(key)));
	if (is->line)
		cat(buf, size, &n, " (line %u)", is->line);
	cat(buf, size, &n, ": wanted ");
	if (is->has_wanted)
		cat_value(buf, size, &n, is->id, is->wanted);
	else
		cat(buf, size, &n, "nothing (not in the profile)");
	cat(buf, size, &n, is->verdict == FWPROFILE_HOST_LEVEL ? ", this host reports " : ", offered ");
	if (is->verdict == FWPROFILE_HOST_LACKS || is->verdict == FWPROFILE_ABSENT_EMPTY)
		cat(buf, size, &n, "nothing");
	else if (is->has_offered)
		cat_value(buf, size, &n, is->id, is->offered);
	else
		cat(buf, size, &n, "an unreadable value");
	cat(buf, size, &n, ": ");

	switch (is->verdict) {
	case FWPROFILE_HOST_LACKS:
		cat(buf, size, &n, "this host has no such register");
		break;
	case FWPROFILE_REJECTED:
		cat(buf, size, &n, "this host refuses it (%s)", strerror(-is->err));
		if (is->id == FWPROFILE_PSCI_VERSION && is->wanted <= UINT32_MAX)
			min_kernel = psci_version_min_kernel((uint32_t)is->wanted);
		if (min_kernel) {
			char v[16];

			cat(buf, size, &n, "; PSCI %s needs Linux %s or later",
			    psci_version_str((uint32_t)is->wanted, v, sizeof(v)), min_kernel);
		}
		break;
	case FWPROFILE_READ_BACK:
		if (is->err == -EIO) {
			cat(buf, size, &n, "written, but the vCPUs read back different values");
		} else if (is->err) {
			cat(buf, size, &n, "written, but cannot be read back (%s)", strerror(-is->err));
		} else {
			cat(buf, size, &n, "written, but reads back ");
			cat_value(buf, size, &n, is->id, is->seen);
		}
		break;
	case FWPROFILE_NOT_IN_PROFILE:
		cat(buf, size, &n, "pinvm cannot hide a register that is not a service bitmap");
		break;
	case FWPROFILE_ZEROED:
		cat(buf, size, &n, "written as 0x0, so the guest sees none of these newer services");
		break;
	case FWPROFILE_ABSENT_EMPTY:
		cat(buf, size, &n, "this host lacks the register, and the guest sees none of its services either way");
		break;
	case FWPROFILE_HOST_LEVEL:
		cat(buf, size, &n, "accepted (KVM keeps reporting the host's level, which is at least the profile's)");
		break;
	}
	return buf;
}

