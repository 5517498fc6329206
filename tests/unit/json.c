/* SPDX-License-Identifier: MIT */
/* json.c - the bounded JSON reader: what RFC 8259 allows parses, what it
 * does not is refused with a reason, the bounds hold, and the walk and
 * conversions give what config.json needs. */
#include <errno.h>
#include <stdint.h>

#include "json.h"
#include "tap.h"

static struct json_tok tok[128];
static struct json j;
static const char *what;
static size_t where;

static int parse(const char *s)
{
	return json_parse(&j, s, strlen(s), tok, 64, &where, &what);
}

/* The input as a test name: control bytes and non-ASCII as '?', so a
 * newline cannot end the TAP line. */
static const char *shown(const char *s)
{
	static char buf[128];
	char *o = buf;
	for (; *s && o < buf + sizeof buf - 1; s++) {
		unsigned char c = (unsigned char)*s;
		*o++ = c < 0x20 || c > 0x7e ? '?' : (char)c;
	}
	*o = '\0';
	return buf;
}

static void good(const char *s)
{
	if (!ok(parse(s) == 0, "accepted: %s", shown(s)))
		tap_diag("refused", what);
}

static void bad(const char *s, const char *why)
{
	int rc = parse(s);
	if (!ok(rc == -1 && what && !strcmp(what, why), "refused (%s): %s", why,
		shown(s)))
		tap_diag("got", rc ? what : "accepted");
}

static void grammar(void)
{
	good("{}");
	good("[]");
	good(" \t\r\n{ \"a\" : [ 1 , -2.5e+3 , true , false , null , \"x\" ] }\n");
	good("0");
	good("-0");
	good("\"\"");
	good("[[[[]]]]");
	good("{\"a\":{\"b\":{}}}");
	good("\"\\u00e9\\ud83d\\ude00 \xc3\xa9 \xf0\x9f\x98\x80\"");
	good("1E-7");
	bad("", "unexpected end");
	bad("   ", "unexpected end");
	bad("[1,]", "trailing comma");
	bad("{\"a\":1,}", "trailing comma");
	bad("[,1]", "unexpected character");
	bad("{,}", "expected a key");
	bad("{'a':1}", "expected a key");
	bad("{a:1}", "expected a key");
	bad("{\"a\" 1}", "expected ':'");
	bad("[1 2]", "expected ',' or a closing bracket");
	bad("[1}", "expected ',' or a closing bracket");
	bad("{\"a\":1]", "expected ',' or a closing bracket");
	bad("{} {}", "text after the value");
	bad("1 2", "text after the value");
	bad("[1", "unexpected end");
	bad("{\"a\":", "unexpected end");
	bad("\"abc", "unterminated string");
	bad("\"a\\", "unterminated string");
	bad("01", "bad number");
	bad("+1", "unexpected character");
	bad(".5", "unexpected character");
	bad("1.", "bad number");
	bad("1.e5", "bad number");
	bad("1e", "bad number");
	bad("-", "bad number");
	bad("1.2.3", "bad number");
	bad("NaN", "unexpected character");
	bad("Infinity", "unexpected character");
	bad("tru", "unexpected character");
	bad("nul", "unexpected character");
	bad("[1] // c", "text after the value");
	bad("/* c */ 1", "unexpected character");
	bad("\xef\xbb\xbf{}", "unexpected character");
	bad("\"a\tb\"", "control character in a string");
	bad("\"a\nb\"", "control character in a string");
	bad("\"\\x41\"", "bad escape");
	bad("\"\\'\"", "bad escape");
	bad("\"\\u12\"", "bad \\u escape or lone surrogate");
	bad("\"\\u12g4\"", "bad \\u escape or lone surrogate");
	bad("\"\\ud800\"", "bad \\u escape or lone surrogate");
	bad("\"\\ud800\\u0041\"", "bad \\u escape or lone surrogate");
	bad("\"\\udc00\\ud800\"", "bad \\u escape or lone surrogate");
	bad("\"\\udfff\"", "bad \\u escape or lone surrogate");
	bad("\"\xc0\xaf\"", "invalid UTF-8");      /* overlong '/' */
	bad("\"\xe0\x80\xaf\"", "invalid UTF-8");  /* overlong */
	bad("\"\xed\xa0\x80\"", "invalid UTF-8");  /* U+D800 encoded */
	bad("\"\xf4\x90\x80\x80\"", "invalid UTF-8"); /* past U+10FFFF */
	bad("\"\xff\"", "invalid UTF-8");
	bad("\"\xc3\"", "invalid UTF-8");          /* cut short */
	bad("\"\x80\"", "invalid UTF-8");          /* a lone continuation */
	/* a NUL byte in the text is a control character, not an end */
	ok(json_parse(&j, "\"a\0b\"", 5, tok, 64, &where, &what) == -1 &&
	   where == 2, "a NUL byte in a string refused at its offset");
	ok(json_parse(&j, "[1]\0", 4, tok, 64, &where, &what) == -1,
	   "a NUL byte after the value refused");
}

static void bounds(void)
{
	char deep[2 * JSON_MAX_DEPTH + 8];
	size_t n = 0;
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		deep[n++] = '[';
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		deep[n++] = ']';
	ok(json_parse(&j, deep, n, tok, 64, &where, &what) == 0,
	   "nesting of exactly JSON_MAX_DEPTH accepted");
	memmove(deep + 1, deep, n);
	deep[0] = '[';
	deep[n + 1] = ']';
	ok(json_parse(&j, deep, n + 2, tok, 80, &where, &what) == -1 &&
	   !strcmp(what, "nested too deep") && where == JSON_MAX_DEPTH,
	   "one level deeper refused at its bracket (%zu)", where);

	ok(json_parse(&j, "[1,2,3]", 7, tok, 4, &where, &what) == 0,
	   "four tokens fit four slots");
	ok(json_parse(&j, "[1,2,3,4]", 9, tok, 4, &where, &what) == -1 &&
	   !strcmp(what, "too many values") && where == 7,
	   "a fifth token refused at its offset (%zu)", where);
}

static void walk(void)
{
	static const char doc[] =
		"{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\",\"-c\","
		"\"echo \\\"hi\\\"\"],\"user\":{\"uid\":0,\"gid\":1000},"
		"\"terminal\":false},\"hostname\":\"h\\u00e9\","
		"\"mounts\":[{\"destination\":\"/proc\"},{\"destination\":\"/dev\"}],"
		"\"empty\":[],\"dup\":1,\"d\\u0075p\":2,\"nul\":\"a\\u0000b\"}";
	char buf[64] = "";
	unsigned i, n;
	int p, a;

	ok(parse(doc) == 0, "a config.json-like document parses");
	is_num(j.tok[0].count, 8, "eight members at the top");
	p = json_get(&j, 0, "process");
	ok(p > 0 && j.tok[p].type == JSON_OBJECT, "process is an object");
	a = json_get(&j, (unsigned)p, "args");
	ok(a > 0 && j.tok[a].count == 3, "args has three elements");
	n = 0;
	for (i = json_first(&j, (unsigned)a); i; i = json_next(&j, i)) {
		json_string(&j, i, buf, sizeof buf);
		n++;
	}
	is_num(n, 3, "iterating args visits three");
	is_str(buf, "echo \"hi\"", "the last argument unescaped");
	is_num(json_string(&j, (unsigned)json_get(&j, 0, "hostname"), buf,
			   sizeof buf), 3, "hostname: 3 bytes of UTF-8");
	is_str(buf, "h\xc3\xa9", "\\u00e9 is U+00E9 in UTF-8");
	is_num(-json_string(&j, (unsigned)json_get(&j, 0, "hostname"), buf, 3),
	       ENOSPC, "a buffer without room for the NUL: ENOSPC");
	is_num(-json_string(&j, (unsigned)json_get(&j, 0, "nul"), buf,
			    sizeof buf), EINVAL, "\\u0000 refused as a C string");
	ok(json_get(&j, 0, "dup") == JSON_DUPLICATE,
	   "a key twice (once escaped) is refused by json_get");
	ok(json_get(&j, 0, "missing") == JSON_ABSENT, "a missing key");
	ok(json_get(&j, (unsigned)a, "x") == JSON_NOT_OBJECT, "json_get on an array");
	ok(json_first(&j, (unsigned)json_get(&j, 0, "empty")) == 0,
	   "an empty array has no first element");
	n = 0;
	for (i = json_first(&j, 0); i; i = json_next(&j, i))
		n++;
	is_num(n, 8, "iterating the top object visits eight keys");
	i = json_first(&j, (unsigned)json_get(&j, 0, "mounts"));
	i = json_next(&j, i);
	ok(i && json_eq(&j, (unsigned)json_get(&j, i, "destination"), "/dev"),
	   "the second mount's destination");
	ok(json_next(&j, i) == 0, "and no third");
	ok(json_bool(&j, (unsigned)json_get(&j, (unsigned)p, "terminal")) == 0,
	   "terminal is false");
	ok(json_bool(&j, (unsigned)a) == -EINVAL, "an array is not a bool");
}

static void num(const char *s, int64_t min, int64_t max, int want, int64_t v)
{
	int64_t got = 0;
	int rc;
	parse(s);
	rc = json_int64(&j, 0, min, max, &got);
	ok(rc == want && (rc || got == v), "int64 %s -> %d", s, want);
}

static void unum(const char *s, uint64_t max, int want, uint64_t v)
{
	uint64_t got = 0;
	int rc;
	parse(s);
	rc = json_uint64(&j, 0, max, &got);
	ok(rc == want && (rc || got == v), "uint64 %s -> %d", s, want);
}

static void numbers(void)
{
	num("0", INT64_MIN, INT64_MAX, 0, 0);
	num("-0", INT64_MIN, INT64_MAX, 0, 0);
	num("9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX);
	num("-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN);
	num("9223372036854775808", INT64_MIN, INT64_MAX, -ERANGE, 0);
	num("-9223372036854775809", INT64_MIN, INT64_MAX, -ERANGE, 0);
	num("99999999999999999999999", INT64_MIN, INT64_MAX, -ERANGE, 0);
	num("-1000", -999, 1000, -ERANGE, 0);
	num("1000", -999, 1000, 0, 1000);
	num("1.0", INT64_MIN, INT64_MAX, -EINVAL, 0);
	num("1e3", INT64_MIN, INT64_MAX, -EINVAL, 0);
	num("\"1\"", INT64_MIN, INT64_MAX, -EINVAL, 0);
	unum("18446744073709551615", UINT64_MAX, 0, UINT64_MAX);
	unum("18446744073709551616", UINT64_MAX, -ERANGE, 0);
	unum("-1", UINT64_MAX, -ERANGE, 0);
	unum("-0", UINT64_MAX, 0, 0);
	unum("4294967296", UINT32_MAX, -ERANGE, 0);
	unum("4294967295", UINT32_MAX, 0, UINT32_MAX);
}

int main(void)
{
	grammar();
	bounds();
	walk();
	numbers();
	return tap_done();
}
