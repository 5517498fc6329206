/* SPDX-License-Identifier: MIT */
/* units.c - parsing of sizes and durations, with overflow checks. */
#include "units.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* Reads the leading decimal digits of *s, advancing *s. -EINVAL when there
 * is no digit at all, -ERANGE when the value would exceed max. */
static int take_digits(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(v, 10u, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v) || v > max)
			return -ERANGE;
	}
	*s = p;
	*out = v;
	return 0;
}

int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	int err = take_digits(&s, max, out);

	if (err)
		return err;
	return *s ? -EINVAL : 0;
}

int parse_cpu_list(const char *s, uint64_t *mask, size_t words)
{
	uint64_t first, last;

	memset(mask, 0, words * sizeof *mask);
	do {
		int err = take_digits(&s, words * 64 - 1, &first);
		last = first;
		if (!err && *s == '-') {
			s++;
			err = take_digits(&s, words * 64 - 1, &last);
		}
		if (err)
			return err;
		/* "3-2" is no range the kernel takes */
		if (last < first)
			return -EINVAL;
		for (uint64_t cpu = first; cpu <= last; cpu++)
			mask[cpu / 64] |= (uint64_t)1 << (cpu % 64);
	} while (*s == ',' && ++s);
	return *s && strcmp(s, "\n") != 0 ? -EINVAL : 0;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

size_t name_span(const char *s, const char *extra)
{
	size_t n = 0;

	for (; s[n]; n++) {
		int c = lower(s[n]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      strchr(extra, s[n])))
			break;
	}
	return n;
}

int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "kmgt";
	uint64_t v, mult = 1;
	int err = take_digits(&s, UINT64_MAX, &v);

	if (err)
		return err;
	if (*s) {
		size_t i;
		for (i = 0; units[i] && units[i] != lower(*s); i++)
			;
		if (!units[i])
			return -EINVAL;
		mult = (uint64_t)1 << (10 * (i + 1));
		s++;
		if (s[0] == 'i' && s[1] == 'B')
			s += 2;
		else if (s[0] == 'B')
			s++;
		if (*s)
			return -EINVAL;
	}
	if (__builtin_mul_overflow(v, mult, bytes))
		return -ERANGE;
	return 0;
}

/* The unit's length in ms for the suffix at s, or 0 if it is not a unit. */
static uint64_t duration_unit(const char *s)
{
	if (s[0] == '\0' || (s[0] == 's' && s[1] == '\0'))
		return 1000;
	if (s[0] == 'm' && s[1] == 's' && s[2] == '\0')
		return 1;
	if (s[0] == 'm' && s[1] == '\0')
		return 60000;
	if (s[0] == 'h' && s[1] == '\0')
		return 3600000;
	return 0;
}

/* digits[.digits] as thousandths, advancing *s past them. */
static int take_thousandths(const char **s, uint64_t *out)
{
	uint64_t whole, frac = 0, scale = 1;
	int err = take_digits(s, UINT64_MAX / 1000, &whole);

	if (err)
		return err;
	if (**s == '.') {
		(*s)++;
		if (**s < '0' || **s > '9')
			return -EINVAL;
		for (; **s >= '0' && **s <= '9'; (*s)++)
			if (scale < 1000) {
				frac = frac * 10 + (uint64_t)(**s - '0');
				scale *= 10;
			}
	}
	*out = whole * 1000 + frac * (1000 / scale);
	return 0;
}

int parse_cpu(const char *s, uint64_t *milli)
{
	uint64_t v;
	int err = take_thousandths(&s, &v);

	if (err)
		return err;
	if (s[0] == '%' && s[1] == '\0')
		v /= 100;
	else if (s[0])
		return -EINVAL;
	*milli = v;
	return 0;
}

int parse_duration_ms(const char *s, uint64_t *ms)
{
	uint64_t whole, frac = 0, scale = 1, unit, total;
	int err = take_digits(&s, UINT64_MAX, &whole);

	if (err)
		return err;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		/* Up to nine fraction digits matter at millisecond precision
		 * for every unit; later ones are read and dropped. */
		for (; *s >= '0' && *s <= '9'; s++) {
			if (scale < 1000000000u) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			}
		}
	}
	unit = duration_unit(s);
	if (!unit)
		return -EINVAL;
	if (__builtin_mul_overflow(whole, unit, &total) ||
	    __builtin_add_overflow(total, frac * unit / scale, &total))
		return -ERANGE;
	*ms = total;
	return 0;
}
