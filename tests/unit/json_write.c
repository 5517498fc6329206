/* SPDX-License-Identifier: MIT */
/* json.c - hutch status --json's escaper and builder (src/lib/json_write.c). */
#include <string.h>

#include "json_write.h"
#include "tap.h"

static const char *escaped(const char *in)
{
	static char buf[256];
	struct jsonw j;

	jsonw_init(&j, buf, sizeof buf);
	jsonw_escape(&j, in);
	return buf;
}

int main(void)
{
	char small[8], buf[256];
	struct jsonw j;

	is_str(escaped("plain text"), "plain text", "plain ASCII as it is");
	is_str(escaped("a\"b\\c"), "a\\\"b\\\\c", "quote and backslash escaped");
	is_str(escaped("\b\f\n\r\t"), "\\b\\f\\n\\r\\t", "the five short escapes");
	is_str(escaped("\x01\x1f\x7f"), "\\u0001\\u001f\x7f",
	       "other control characters as \\u00XX; DEL is valid JSON as it is");
	is_str(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x88"),
	       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x88",
	       "valid UTF-8 of 2, 3 and 4 bytes passed through");
	is_str(escaped("a\xff" "b"), "a\\ufffdb", "an invalid byte becomes U+FFFD");
	is_str(escaped("\x80x"), "\\ufffdx", "a stray continuation byte too");
	is_str(escaped("\xc0\xaf"), "\\ufffd\\ufffd", "an overlong '/' (C0 AF): each byte");
	is_str(escaped("\xe0\x80\xaf"), "\\ufffd\\ufffd\\ufffd", "an overlong 3-byte form");
	is_str(escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd", "a UTF-16 surrogate (U+D800)");
	is_str(escaped("\xf4\x90\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd",
	       "beyond U+10FFFF");
	is_str(escaped("ab\xe2\x82"), "ab\\ufffd\\ufffd", "a sequence cut short by the end");
	is_str(escaped("\xe2\x82" "c"), "\\ufffd\\ufffdc", "or by an ASCII byte");

	jsonw_init(&j, buf, sizeof buf);
	jsonw_open(&j, NULL, '{');
	jsonw_str(&j, "name", "web");
	jsonw_num(&j, "code", -3);
	jsonw_null(&j, "signal");
	jsonw_open(&j, "pids", '{');
	jsonw_num(&j, "pid1", 12);
	jsonw_close(&j, '}');
	jsonw_open(&j, "list", '[');
	jsonw_str(&j, NULL, "x");
	jsonw_num(&j, NULL, 1);
	jsonw_close(&j, ']');
	jsonw_close(&j, '}');
	is_str(buf, "{\"name\":\"web\",\"code\":-3,\"signal\":null,\"pids\":{\"pid1\":12},"
		    "\"list\":[\"x\",1]}", "members, nesting and commas");
	ok(!j.over, "fits");

	jsonw_init(&j, small, sizeof small);
	jsonw_str(&j, "key", "value");
	ok(j.over, "a text that does not fit is flagged");
	ok(strlen(small) < sizeof small, "and never written past the buffer");
	return tap_done();
}
