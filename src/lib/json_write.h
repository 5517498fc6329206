/* SPDX-License-Identifier: MIT */
/* json_write.h - JSON text for hutch status --json, built into a buffer without
 * stdio. A text that does not fit is cut and flagged (j->over), never
 * written past the buffer. */
#ifndef HUTCH_JSON_WRITE_H
#define HUTCH_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>

struct jsonw {
	char *buf;
	size_t size, len;
	bool first; /* no member yet in the open object or array */
	bool over;  /* something did not fit */
};

void jsonw_init(struct jsonw *j, char *buf, size_t size);

/* '{' or '[' (key: NULL inside an array or at the top), and its end. */
void jsonw_open(struct jsonw *j, const char *key, char bracket);
void jsonw_close(struct jsonw *j, char bracket);

/* A member: "key":"value" with value escaped; "key":N; "key":null. */
void jsonw_str(struct jsonw *j, const char *key, const char *value);
void jsonw_num(struct jsonw *j, const char *key, long long value);
void jsonw_null(struct jsonw *j, const char *key);

/* s as the inside of a JSON string: '"' and '\' escaped, control
 * characters as \n \t \r \b \f or \u00XX, valid UTF-8 passed through as
 * it is, and each byte of an invalid UTF-8 sequence (a stray continuation
 * byte, an overlong form, a surrogate, beyond U+10FFFF, cut short) as
 * U+FFFD, \ufffd: the output is always valid JSON, and what was valid
 * text reads back the same. */
void jsonw_escape(struct jsonw *j, const char *s);

#endif
