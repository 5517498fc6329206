// SPDX-License-Identifier: MIT
/* json.c - the bounded JSON reader (json.h). One pass over the text, a
 * state machine with an explicit stack: hostile nesting costs a refusal
 * at JSON_MAX_DEPTH, never the C stack. */
#include <errno.h>
#include <string.h>

#include "json.h"

struct parser {
	struct json *j;
	const char *s;
	size_t n, pos;
	unsigned cap;
	const char *what;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex4(const char *s, unsigned *v)
{
	unsigned r = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d;
		if (is_digit(c))
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		r = r << 4 | d;
	}
	*v = r;
	return 0;
}

static int fail(struct parser *p, const char *what)
{
	p->what = what;
	return -1;
}

/* A \u escape at s (after the backslash, at the 'u'), with its low
 * surrogate when it is a high one: the code point and the bytes used. */
static int unicode_escape(const char *s, size_t avail, unsigned *cp,
			  size_t *used)
{
	unsigned hi, lo;
	if (avail < 5 || hex4(s + 1, &hi))
		return -1;
	*used = 5;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return -1; /* a low surrogate alone */
	if (hi < 0xD800 || hi > 0xDBFF) {
		*cp = hi;
		return 0;
	}
	if (avail < 11 || s[5] != '\\' || s[6] != 'u' || hex4(s + 7, &lo) ||
	    lo < 0xDC00 || lo > 0xDFFF)
		return -1; /* a high surrogate alone */
	*cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	*used = 11;
	return 0;
}

/* One UTF-8 sequence at s: its length, or 0 when it is not valid UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0], cp;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

static int scan_string(struct parser *p, struct json_tok *t)
{
	size_t i = p->pos + 1;
	t->start = (uint32_t)i;
	while (i < p->n && p->s[i] != '"') {
		unsigned char c = (unsigned char)p->s[i];
		size_t k = 1;
		unsigned cp;
		p->pos = i;
		if (c < 0x20)
			return fail(p, "control character in a string");
		if (c == '\\') {
			t->escaped = true;
			if (i + 1 >= p->n)
				return fail(p, "unterminated string");
			if (p->s[i + 1] == 'u') {
				if (unicode_escape(p->s + i + 1, p->n - i - 1,
						   &cp, &k))
					return fail(p, "bad \\u escape or lone surrogate");
				k++;
			} else if (p->s[i + 1] &&
				   strchr("\"\\/bfnrt", p->s[i + 1])) {
				k = 2;
			} else {
				return fail(p, "bad escape");
			}
		} else if (c >= 0x80) {
			k = utf8_len((const unsigned char *)p->s + i, p->n - i);
			if (!k)
				return fail(p, "invalid UTF-8");
		}
		i += k;
	}
	if (i >= p->n)
		return fail(p, "unterminated string");
	t->type = JSON_STRING;
	t->len = (uint32_t)(i - t->start);
	p->pos = i + 1;
	return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(struct parser *p, struct json_tok *t)
{
	size_t i = p->pos, digits;
	const char *s = p->s;
	t->start = (uint32_t)i;
	if (i < p->n && s[i] == '-')
		i++;
	if (i < p->n && s[i] == '0') {
		i++;
	} else {
		for (digits = 0; i < p->n && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return fail(p, "bad number");
	}
	if (i < p->n && s[i] == '.') {
		for (i++, digits = 0; i < p->n && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return fail(p, "bad number");
	}
	if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < p->n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (digits = 0; i < p->n && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return fail(p, "bad number");
	}
	if (i < p->n && (is_digit(s[i]) || s[i] == '.' || s[i] == 'e' ||
			 s[i] == 'E' || s[i] == '-' || s[i] == '+'))
		return fail(p, "bad number"); /* "01", "1.2.3" */
	t->type = JSON_NUMBER;
	t->len = (uint32_t)(i - t->start);
	p->pos = i;
	return 0;
}

static int scan_word(struct parser *p, struct json_tok *t)
{
	static const struct {
		const char *w;
		uint8_t type;
	} words[] = { { "null", JSON_NULL }, { "true", JSON_TRUE },
		      { "false", JSON_FALSE } };
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
		size_t l = strlen(words[k].w);
		if (p->n - p->pos >= l &&
		    memcmp(p->s + p->pos, words[k].w, l) == 0) {
			t->type = words[k].type;
			t->start = (uint32_t)p->pos;
			t->len = (uint32_t)l;
			p->pos += l;
			return 0;
		}
	}
	return fail(p, "unexpected character");
}

static struct json_tok *new_tok(struct parser *p, unsigned parent)
{
	struct json *j = p->j;
	struct json_tok *t;
	if (j->ntok >= p->cap) {
		fail(p, "too many values");
		return NULL;
	}
	t = &j->tok[j->ntok];
	memset(t, 0, sizeof *t);
	t->parent = parent;
	t->next = ++j->ntok;
	return t;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->n && is_ws(p->s[p->pos]))
		p->pos++;
}

enum expect { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, COLON, COMMA_OR_CLOSE };

/* A value at p->pos: a scalar, or an open container pushed on stack. */
static int value(struct parser *p, unsigned *stack, unsigned *depth,
		 enum expect *e)
{
	unsigned parent = *depth ? stack[*depth - 1] : 0;
	unsigned idx = p->j->ntok;
	struct json_tok *t = new_tok(p, parent);
	char c = p->s[p->pos];
	if (!t)
		return -1;
	if (*depth)
		p->j->tok[parent].count += p->j->tok[parent].type == JSON_ARRAY;
	if (c == '{' || c == '[') {
		if (*depth >= JSON_MAX_DEPTH)
			return fail(p, "nested too deep");
		t->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		t->start = (uint32_t)p->pos++;
		stack[(*depth)++] = idx;
		*e = c == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
		return 0;
	}
	*e = COMMA_OR_CLOSE;
	if (c == '"')
		return scan_string(p, t);
	if (c == '-' || is_digit(c))
		return scan_number(p, t);
	return scan_word(p, t);
}

static void close_container(struct parser *p, unsigned *stack,
			    unsigned *depth)
{
	struct json_tok *t = &p->j->tok[stack[--*depth]];
	t->next = p->j->ntok;
	t->len = (uint32_t)(p->pos + 1 - t->start);
	p->pos++;
}

/* A member's key at p->pos, in the object top. */
static int key(struct parser *p, unsigned top, enum expect *e)
{
	char c = p->s[p->pos];
	struct json_tok *t;
	if (c != '"')
		return fail(p, *e == KEY && c == '}' ? "trailing comma"
						     : "expected a key");
	t = new_tok(p, top);
	if (!t)
		return -1;
	p->j->tok[top].count++;
	*e = COLON;
	return scan_string(p, t);
}

static int step(struct parser *p, unsigned *stack, unsigned *depth,
		enum expect *e)
{
	char c = p->s[p->pos];
	unsigned top = *depth ? stack[*depth - 1] : 0;
	bool in_object = *depth && p->j->tok[top].type == JSON_OBJECT;
	switch (*e) {
	case VALUE_OR_CLOSE:
	case KEY_OR_CLOSE:
		if (c == (*e == KEY_OR_CLOSE ? '}' : ']')) {
			close_container(p, stack, depth);
			*e = COMMA_OR_CLOSE;
			return 0;
		}
		if (*e == VALUE_OR_CLOSE)
			return value(p, stack, depth, e);
		return key(p, top, e);
	case KEY:
		return key(p, top, e);
	case COLON:
		if (c != ':')
			return fail(p, "expected ':'");
		p->pos++;
		*e = VALUE;
		return 0;
	case VALUE:
		if (*depth && c == ']' && !in_object)
			return fail(p, "trailing comma");
		return value(p, stack, depth, e);
	case COMMA_OR_CLOSE:
		if (!*depth)
			return fail(p, "text after the value");
		if (c == ',') {
			p->pos++;
			*e = in_object ? KEY : VALUE;
			return 0;
		}
		if (c != (in_object ? '}' : ']'))
			return fail(p, "expected ',' or a closing bracket");
		close_container(p, stack, depth);
		return 0;
	}
	return fail(p, "internal");
}

int json_parse(struct json *j, const char *text, size_t len,
	       struct json_tok *tok, unsigned cap, size_t *where,
	       const char **what)
{
	struct parser p = { .j = j, .s = text, .n = len, .cap = cap };
	unsigned stack[JSON_MAX_DEPTH], depth = 0;
	enum expect e = VALUE;
	j->text = text;
	j->len = len;
	j->tok = tok;
	j->ntok = 0;
	if (len > JSON_MAX_LEN) {
		*where = 0;
		*what = "text too long";
		return -1;
	}
	for (;;) {
		skip_ws(&p);
		if (p.pos >= p.n) {
			if (e == COMMA_OR_CLOSE && !depth)
				return 0;
			p.what = "unexpected end";
			break;
		}
		if (step(&p, stack, &depth, &e))
			break;
	}
	*where = p.pos;
	*what = p.what;
	return -1;
}

unsigned json_first(const struct json *j, unsigned t)
{
	const struct json_tok *c = &j->tok[t];
	if ((c->type != JSON_ARRAY && c->type != JSON_OBJECT) || !c->count)
		return 0;
	return t + 1;
}

unsigned json_next(const struct json *j, unsigned i)
{
	const struct json_tok *parent = &j->tok[j->tok[i].parent];
	unsigned n = parent->type == JSON_OBJECT ? j->tok[i + 1].next
						 : j->tok[i].next;
	return n < parent->next ? n : 0;
}

int json_get(const struct json *j, unsigned t, const char *key)
{
	int found = JSON_ABSENT;
	if (j->tok[t].type != JSON_OBJECT)
		return JSON_NOT_OBJECT;
	for (unsigned k = json_first(j, t); k; k = json_next(j, k)) {
		if (!json_eq(j, k, key))
			continue;
		if (found != JSON_ABSENT)
			return JSON_DUPLICATE;
		found = (int)k + 1;
	}
	return found;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* One unit of a checked string at s: its bytes into out (at most 4). */
static size_t unescape_one(const char *s, size_t avail, char *out, size_t *used)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned cp = 0;
	if (s[0] != '\\') {
		out[0] = s[0];
		*used = 1;
		return 1;
	}
	if (s[1] != 'u') {
		out[0] = to[strchr(from, s[1]) - from];
		*used = 2;
		return 1;
	}
	/* checked by the parse: a valid escape, a pair where needed */
	*used = 5;
	(void)unicode_escape(s + 1, avail - 1, &cp, used);
	++*used;
	if (!cp)
		return 0;
	return put_utf8(out, cp);
}

int json_string(const struct json *j, unsigned t, char *buf, size_t size)
{
	const struct json_tok *tk = &j->tok[t];
	const char *s = j->text + tk->start;
	size_t i = 0, o = 0;
	if (tk->type != JSON_STRING || !size)
		return -EINVAL;
	while (i < tk->len) {
		char u[4];
		size_t used, k = unescape_one(s + i, tk->len - i, u, &used);
		if (!k)
			return -EINVAL; /* \u0000 */
		if (o + k >= size)
			return -ENOSPC;
		memcpy(buf + o, u, k);
		o += k;
		i += used;
	}
	buf[o] = '\0';
	return (int)o;
}

bool json_eq(const struct json *j, unsigned t, const char *s)
{
	const struct json_tok *tk = &j->tok[t];
	const char *p = j->text + tk->start;
	size_t i = 0, n = strlen(s), o = 0;
	if (tk->type != JSON_STRING)
		return false;
	if (!tk->escaped)
		return tk->len == n && memcmp(p, s, n) == 0;
	while (i < tk->len) {
		char u[4];
		size_t used, k = unescape_one(p + i, tk->len - i, u, &used);
		if (!k || o + k > n || memcmp(s + o, u, k) != 0)
			return false;
		o += k;
		i += used;
	}
	return o == n;
}

/* The magnitude of an integer token and its sign; -EINVAL for a fraction
 * or an exponent, -ERANGE past 2^64 - 1. */
static int magnitude(const struct json *j, unsigned t, uint64_t *m, bool *neg)
{
	const struct json_tok *tk = &j->tok[t];
	const char *s = j->text + tk->start;
	size_t i = 0;
	uint64_t v = 0;
	if (tk->type != JSON_NUMBER)
		return -EINVAL;
	*neg = s[0] == '-';
	for (i = *neg; i < tk->len; i++) {
		unsigned d;
		if (!is_digit(s[i]))
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*m = v;
	return 0;
}

int json_uint64(const struct json *j, unsigned t, uint64_t max, uint64_t *v)
{
	uint64_t m;
	bool neg;
	int err = magnitude(j, t, &m, &neg);
	if (err)
		return err;
	if ((neg && m) || m > max)
		return -ERANGE;
	*v = m;
	return 0;
}

int json_int64(const struct json *j, unsigned t, int64_t min, int64_t max,
	       int64_t *v)
{
	uint64_t m;
	bool neg;
	int64_t r;
	int err = magnitude(j, t, &m, &neg);
	if (err)
		return err;
	if (neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		r = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > (uint64_t)INT64_MAX)
			return -ERANGE;
		r = (int64_t)m;
	}
	if (r < min || r > max)
		return -ERANGE;
	*v = r;
	return 0;
}

int json_bool(const struct json *j, unsigned t)
{
	uint8_t type = j->tok[t].type;
	if (type == JSON_TRUE)
		return 1;
	return type == JSON_FALSE ? 0 : -EINVAL;
}
