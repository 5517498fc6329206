/* SPDX-License-Identifier: MIT */
/* json.h - a bounded, strict JSON reader (RFC 8259) for hostile input
 * (an OCI bundle's config.json, process.json). The text is checked once
 * and cut into tokens in a caller's array: no allocation, no recursion
 * (the nesting is an explicit stack of JSON_MAX_DEPTH), and every token
 * knows where its subtree ends, so a walk skips a member in one step.
 *
 * Refused, each with its offset: anything RFC 8259 does not allow
 * (trailing commas, single quotes, comments, leading zeros, "+1", ".5",
 * bare words, text after the value, a byte order mark), control
 * characters in strings, bad escapes, invalid UTF-8 (overlong forms,
 * encoded surrogates, above U+10FFFF), and a lone UTF-16 surrogate in a
 * \u escape: UTF-8 cannot carry it, and Go's encoding/json (runc's)
 * would turn it into U+FFFD silently, which for a path or an argument is
 * a different value, not the same one. A string holding \u0000 parses,
 * but json_string refuses it: a C string would end there.
 *
 * Duplicate keys parse (RFC 8259 allows them); json_get refuses a key
 * that occurs twice, since which one wins differs between readers. */
#ifndef HUTCH_JSON_H
#define HUTCH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT
};

/* start/len: the token's text (a string's without its quotes, still
 * escaped); next: the index just past its subtree; count: an array's
 * elements or an object's members; parent: the container's index (the
 * root, index 0, is its own). In an object, member i's key is a
 * JSON_STRING token and its value the token after it. */
struct json_tok {
	uint32_t start, len, next, count, parent;
	uint8_t type;
	bool escaped; /* a string with a backslash in it */
};

struct json {
	const char *text;
	size_t len;
	struct json_tok *tok;
	unsigned ntok;
};

/* The text's size limit: offsets are 32 bits. */
#define JSON_MAX_LEN (64u << 20)

/* 0, or -1 with *where the offset of the fault and *what one word on it
 * ("trailing comma", "too deep", ...). cap tokens at most. */
int json_parse(struct json *j, const char *text, size_t len,
	       struct json_tok *tok, unsigned cap, size_t *where,
	       const char **what);

/* The value of key in the object at t: its index, JSON_ABSENT, or
 * JSON_DUPLICATE (the key twice), or JSON_NOT_OBJECT. */
#define JSON_ABSENT (-1)
#define JSON_DUPLICATE (-2)
#define JSON_NOT_OBJECT (-3)
int json_get(const struct json *j, unsigned t, const char *key);

/* Iteration over the elements of an array, or over the keys of an object
 * (the value is key + 1): for (i = json_first(j, t); i; i = json_next(j, i)) */
unsigned json_first(const struct json *j, unsigned t);
unsigned json_next(const struct json *j, unsigned i);

/* A string token unescaped into buf (NUL-terminated, UTF-8): its length,
 * or -ENOSPC (too long for buf), -EINVAL (not a string, or it holds
 * U+0000). */
int json_string(const struct json *j, unsigned t, char *buf, size_t size);

/* Whether the string token at t is exactly s (after unescaping). */
bool json_eq(const struct json *j, unsigned t, const char *s);

/* Integers: only the integer form ("12", "-3"; no fraction, no exponent)
 * within [min, max]; -EINVAL (not such a number), -ERANGE (outside). */
int json_int64(const struct json *j, unsigned t, int64_t min, int64_t max,
	       int64_t *v);
int json_uint64(const struct json *j, unsigned t, uint64_t max, uint64_t *v);

/* 0 or 1 for true/false, -EINVAL for anything else. */
int json_bool(const struct json *j, unsigned t);

#endif
