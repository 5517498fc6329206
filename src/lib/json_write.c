// SPDX-License-Identifier: MIT
/* json_write.c - JSON text without stdio (json_write.h); json.c reads JSON. */
#include "json_write.h"

#include <string.h>

#include "log.h"

static void put(struct jsonw *j, const char *s, size_t n)
{
	if (j->len + n >= j->size) {
		j->over = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

void jsonw_init(struct jsonw *j, char *buf, size_t size)
{
	*j = (struct jsonw){ buf, size, 0, true, false };
	buf[0] = '\0';
}

/* The length of the valid UTF-8 sequence at s, 0 if there is none
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0], cp, min, more;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		more = 1, cp = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		more = 2, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		more = 3, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (unsigned i = 1; i <= more; i++) { /* the NUL ends it too */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return more + 1;
}

void jsonw_escape(struct jsonw *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);
		char esc[7] = "\\u00";

		if (!n) {
			put(j, "\\ufffd", 6);
			p++;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			esc[1] = (char)*p;
			put(j, esc, 2);
		} else if (*p < 0x20) {
			const char *short_form = strchr("\bb\ff\nn\rr\tt", *p);
			if (short_form) {
				esc[1] = short_form[1];
				put(j, esc, 2);
			} else {
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 15];
				put(j, esc, 6);
			}
		} else {
			put(j, (const char *)p, n);
		}
		p += n;
	}
}

/* The comma before a member but the first, and "key": in an object. */
static void member(struct jsonw *j, const char *key)
{
	if (!j->first)
		put(j, ",", 1);
	j->first = false;
	if (!key)
		return;
	put(j, "\"", 1);
	jsonw_escape(j, key);
	put(j, "\":", 2);
}

void jsonw_open(struct jsonw *j, const char *key, char bracket)
{
	member(j, key);
	put(j, &bracket, 1);
	j->first = true;
}

void jsonw_close(struct jsonw *j, char bracket)
{
	put(j, &bracket, 1);
	j->first = false;
}

void jsonw_str(struct jsonw *j, const char *key, const char *value)
{
	member(j, key);
	put(j, "\"", 1);
	jsonw_escape(j, value);
	put(j, "\"", 1);
}

void jsonw_num(struct jsonw *j, const char *key, long long value)
{
	char num[24];
	size_t n = fmt(num, sizeof num, "%lld", value);

	member(j, key);
	put(j, num, n);
}

void jsonw_null(struct jsonw *j, const char *key)
{
	member(j, key);
	put(j, "null", 4);
}
