// SPDX-License-Identifier: GPL-2.0-only
/*
 * evlog_json_str(), which puts guest-influenced text (failure reasons,
 * error messages) into the event log: any bytes, any buffer size. The
 * result must be NUL-terminated within the buffer and, when the buffer
 * holds at least the two quotes, one complete JSON string: quoted, no raw
 * control character, every backslash escape valid and complete.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinvm/evlog.h"

static void check_json_string(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		abort();
	for (i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20)
			abort();
		if (c == '"')
			abort();	/* an unescaped quote inside */
		if (c != '\\')
			continue;
		if (i + 1 >= n - 1)
			abort();	/* a dangling backslash before the closing quote */
		c = (unsigned char)s[++i];
		if (c == 'u') {
			if (i + 4 >= n - 1)
				abort();
			for (int k = 1; k <= 4; k++)
				if (!strchr("0123456789abcdefABCDEF", s[i + k]) || !s[i + k])
					abort();
			i += 4;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], *out;
	size_t out_size;

	if (size < 2)
		return 0;
	out_size = data[0] | (size_t)data[1] << 8;
	out_size %= 1100;
	size -= 2;
	if (size > sizeof(in) - 1)
		size = sizeof(in) - 1;
	memcpy(in, data + 2, size);
	in[size] = '\0';

	out = malloc(out_size ? out_size : 1);
	if (!out)
		return 0;
	memset(out, 'X', out_size ? out_size : 1);
	if (evlog_json_str(in, out, out_size) != out)
		abort();
	if (out_size) {
		if (!memchr(out, '\0', out_size))
			abort();
		if (out_size >= 3)
			check_json_string(out);
	}
	free(out);
	return 0;
}
