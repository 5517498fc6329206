/* SPDX-License-Identifier: MIT */
/* tap.h - a minimal TAP producer for the C unit tests. Header-only, no
 * stdio (the tests link with the same musl flags as hutch). */
#ifndef HUTCH_TAP_H
#define HUTCH_TAP_H

#include <string.h>
#include <unistd.h>

#include "log.h"

static int tap_count, tap_failed;

static void tap_line(const char *s)
{
	size_t n = strlen(s);
	(void)!write(STDOUT_FILENO, s, n);
}

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)

static int tap_ok(int cond, const char *file, int line, const char *f, ...)
	HUTCH_PRINTF(4, 5);
static int tap_ok(int cond, const char *file, int line, const char *f, ...)
{
	char buf[512];
	size_t n;
	va_list ap;

	tap_count++;
	n = fmt(buf, sizeof buf, "%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, f);
	if (n < sizeof buf)
		n += fmt_va(buf + n, sizeof buf - n, f, ap);
	va_end(ap);
	if (n < sizeof buf)
		fmt(buf + n, sizeof buf - n, "\n");
	tap_line(buf);
	if (!cond) {
		tap_failed++;
		fmt(buf, sizeof buf, "#   failed at %s:%d\n", file, line);
		tap_line(buf);
	}
	return cond;
}

static void tap_diag(const char *label, const char *got)
{
	char buf[600];
	fmt(buf, sizeof buf, "#   %s: '%s'\n", label, got);
	tap_line(buf);
}

/* Strings compared, with both shown on failure. */
#define is_str(got, want, ...)                                          \
	do {                                                            \
		const char *g_ = (got), *w_ = (want);                   \
		if (!ok(g_ && w_ ? !strcmp(g_, w_) : g_ == w_, __VA_ARGS__)) { \
			tap_diag("got", g_);                            \
			tap_diag("expected", w_);                       \
		}                                                       \
	} while (0)

#define is_num(got, want, ...)                                          \
	do {                                                            \
		unsigned long long g_ = (unsigned long long)(got);      \
		unsigned long long w_ = (unsigned long long)(want);     \
		if (!ok(g_ == w_, __VA_ARGS__)) {                       \
			char b_[64];                                    \
			fmt(b_, sizeof b_, "%llu, expected %llu", g_, w_); \
			tap_diag("got", b_);                            \
		}                                                       \
	} while (0)

static int tap_done(void)
{
	char buf[32];
	fmt(buf, sizeof buf, "1..%d\n", tap_count);
	tap_line(buf);
	return tap_failed ? 1 : 0;
}

#endif
