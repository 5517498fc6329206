/* SPDX-License-Identifier: MIT */
/* json_fuzz.c - libFuzzer harness for the bounded JSON reader
 * (src/lib/json.c), built for the host (glibc) with ASan and UBSan.
 *
 * Each input is parsed with a small token array (so "too many values"
 * is reached) and a large one. Beyond crashes, the harness checks what
 * json.h promises, and aborts (a crash to libFuzzer) when one breaks:
 *   - a refusal has a reason and an offset inside the input;
 *   - on success the tokens form a tree: each subtree ends after it
 *     starts and inside its parent, counts match the walk, keys are
 *     strings, every token's text lies inside the input;
 *   - the document written out again from the walk (strings unescaped
 *     by json_string and escaped afresh) parses again, to the same
 *     number of tokens of the same types: unescaping kept the string
 *     valid UTF-8 and the walk visited everything;
 *   - json_int64/json_uint64 agree with each other where both apply. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define CAP 8192

static struct json_tok tok[CAP], tok2[CAP];
static char out[1 << 17];
static size_t olen;
static char sbuf[1 << 15];

static void require(int cond, const char *promise)
{
	if (!cond) {
		fprintf(stderr, "json_fuzz: broken promise: %s\n", promise);
		abort();
	}
}

static void emit(const char *s, size_t n)
{
	require(olen + n < sizeof out, "output fits (harness bound)");
	memcpy(out + olen, s, n);
	olen += n;
}

static void emit_string(const struct json *j, unsigned t)
{
	int n = json_string(j, t, sbuf, sizeof sbuf);
	const struct json_tok *k = &j->tok[t];
	if (n == -EINVAL) { /* \u0000 inside: the original escapes */
		require(k->escaped, "EINVAL only for an escaped string");
		emit("\"", 1);
		emit(j->text + k->start, k->len);
		emit("\"", 1);
		return;
	}
	require(n >= 0 && (size_t)n <= k->len, "unescaping never grows");
	require(strlen(sbuf) == (size_t)n, "no NUL inside an unescaped string");
	require(json_eq(j, t, sbuf), "json_eq agrees with json_string");
	emit("\"", 1);
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)sbuf[i];
		char e[8];
		if (c < 0x20 || c == '"' || c == '\\') {
			snprintf(e, sizeof e, "\\u%04x", c);
			emit(e, 6);
		} else {
			emit((const char *)&sbuf[i], 1);
		}
	}
	emit("\"", 1);
}

static void check_number(const struct json *j, unsigned t)
{
	int64_t s = 0;
	uint64_t u = 0;
	int rs = json_int64(j, t, INT64_MIN, INT64_MAX, &s);
	int ru = json_uint64(j, t, UINT64_MAX, &u);
	if (!rs && s >= 0)
		require(!ru && u == (uint64_t)s, "int64 and uint64 agree");
	if (!ru && u <= INT64_MAX)
		require(!rs && (uint64_t)s == u, "uint64 and int64 agree");
	require(rs == 0 || rs == -EINVAL || rs == -ERANGE, "int64 errors");
}

/* Depth-first without recursion would need a stack: the tree is at most
 * JSON_MAX_DEPTH deep, so recursion here is bounded by the parser. */
static void walk(const struct json *j, unsigned t)
{
	const struct json_tok *k = &j->tok[t];
	unsigned n = 0, last = t;
	require(k->next > t && k->next <= j->ntok, "subtree ends after it starts");
	require(k->start <= j->len && k->len <= j->len - k->start, "text inside");
	if (t)
		require(k->next <= j->tok[k->parent].next, "inside its parent");
	switch (k->type) {
	case JSON_NULL: emit("null", 4); return;
	case JSON_TRUE: emit("true", 4); require(json_bool(j, t) == 1, "true"); return;
	case JSON_FALSE: emit("false", 5); require(json_bool(j, t) == 0, "false"); return;
	case JSON_NUMBER:
		emit(j->text + k->start, k->len);
		check_number(j, t);
		return;
	case JSON_STRING: emit_string(j, t); return;
	default: break;
	}
	emit(k->type == JSON_ARRAY ? "[" : "{", 1);
	for (unsigned i = json_first(j, t); i; i = json_next(j, i)) {
		require(j->tok[i].parent == t && i > last, "children in order");
		if (n++)
			emit(",", 1);
		if (k->type == JSON_OBJECT) {
			require(j->tok[i].type == JSON_STRING, "keys are strings");
			emit_string(j, i);
			emit(":", 1);
			walk(j, i + 1);
		} else {
			walk(j, i);
		}
		last = i;
	}
	require(n == k->count, "count matches the walk");
	emit(k->type == JSON_ARRAY ? "]" : "}", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json j, j2;
	size_t where;
	const char *what = NULL;
	const char *text = (const char *)data;
	int rc;

	rc = json_parse(&j, text, size, tok, 16, &where, &what);
	require(rc == 0 || (what && where <= size), "small: a reason and an offset");
	rc = json_parse(&j, text, size, tok, CAP, &where, &what);
	if (rc) {
		require(what && where <= size, "a reason and an offset");
		return 0;
	}
	olen = 0;
	walk(&j, 0);
	require(json_parse(&j2, out, olen, tok2, CAP, &where, &what) == 0,
		"the document written out again parses");
	require(j2.ntok == j.ntok, "to as many tokens");
	for (unsigned i = 0; i < j.ntok; i++)
		require(tok2[i].type == tok[i].type && tok2[i].next == tok[i].next &&
			tok2[i].count == tok[i].count, "of the same shape");
	return 0;
}
