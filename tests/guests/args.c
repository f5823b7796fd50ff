/* SPDX-License-Identifier: GPL-2.0-only */
/* key=value words of the kernel command line. */
#include "args.h"

#include "lib.h"

/* Set at run time: a pointer initialised at link time would not be position independent. */
static const char *args;

void args_init(const char *bootargs)
{
	args = bootargs;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The value of @key: its start, and its length in *ret_len. */
static const char *find(const char *key, size_t *ret_len)
{
	size_t klen = strlen(key);
	const char *p = args;

	while (p && *p) {
		size_t len = 0;

		while (is_space(*p))
			p++;
		while (p[len] && !is_space(p[len]))
			len++;
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			*ret_len = len - klen - 1;
			return p + klen + 1;
		}
		p += len;
	}
	return NULL;
}

bool args_get(const char *key, char *buf, size_t size)
{
	size_t len;
	const char *v = find(key, &len);

	if (!v || !size)
		return false;
	if (len >= size)
		len = size - 1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return true;
}

uint64_t args_u64(const char *key, uint64_t def)
{
	size_t len;
	const char *v = find(key, &len);
	uint64_t n;

	return v && str_to_u64(v, len, &n) ? n : def;
}
