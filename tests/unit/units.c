/* SPDX-License-Identifier: MIT */
/* units.c - sizes, durations and plain numbers as users write them. */
#include <errno.h>
#include <stdint.h>

#include "tap.h"
#include "units.h"

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int err = parse_size(s, &v);
	ok(err == 0 && v == want, "size '%s' = %llu (got %llu, err %d)", s,
	   (unsigned long long)want, (unsigned long long)v, err);
}

static void size_bad(const char *s, int want_err)
{
	uint64_t v = 0;
	is_num(-parse_size(s, &v), want_err, "size '%s' rejected", s);
}

static void dur_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int err = parse_duration_ms(s, &v);
	ok(err == 0 && v == want, "duration '%s' = %llu ms (got %llu, err %d)", s,
	   (unsigned long long)want, (unsigned long long)v, err);
}

static void dur_bad(const char *s, int want_err)
{
	uint64_t v = 0;
	is_num(-parse_duration_ms(s, &v), want_err, "duration '%s' rejected", s);
}

int main(void)
{
	uint64_t v;

	size_ok("0", 0);
	size_ok("4096", 4096);
	size_ok("64k", 65536);
	size_ok("64K", 65536);
	size_ok("32M", 32ULL << 20);
	size_ok("32MB", 32ULL << 20);
	size_ok("32MiB", 32ULL << 20);
	size_ok("1G", 1ULL << 30);
	size_ok("2T", 2ULL << 40);
	size_ok("18446744073709551615", UINT64_MAX);
	size_bad("", EINVAL);
	size_bad("M", EINVAL);
	size_bad("-1", EINVAL);
	size_bad("+1", EINVAL);
	size_bad(" 1", EINVAL);
	size_bad("1 ", EINVAL);
	size_bad("1X", EINVAL);
	size_bad("1Mi", EINVAL);
	size_bad("1MBB", EINVAL);
	size_bad("1.5M", EINVAL);
	size_bad("0x10", EINVAL);
	size_bad("18446744073709551616", ERANGE);
	size_bad("16777216T", ERANGE);

	dur_ok("0", 0);
	dur_ok("10", 10000);
	dur_ok("10s", 10000);
	dur_ok("100ms", 100);
	dur_ok("1.5s", 1500);
	dur_ok("1.5", 1500);
	dur_ok("0.001s", 1);
	dur_ok("0.0001s", 0);
	dur_ok("2m", 120000);
	dur_ok("1h", 3600000);
	dur_ok("1.25m", 75000);
	dur_ok("0.123456789123s", 123);
	dur_bad("", EINVAL);
	dur_bad("s", EINVAL);
	dur_bad(".5s", EINVAL);
	dur_bad("1.s", EINVAL);
	dur_bad("10x", EINVAL);
	dur_bad("10 s", EINVAL);
	dur_bad("-1s", EINVAL);
	dur_bad("1d", EINVAL);
	dur_bad("10S", EINVAL);
	dur_bad("99999999999999999999", ERANGE);
	dur_bad("9999999999999999h", ERANGE);

	{
		static const struct { const char *s; uint64_t milli; } cpus[] = {
			{ "20%", 200 }, { "100%", 1000 }, { "150%", 1500 },
			{ "12.5%", 125 }, { "0.1%", 1 }, { "1.5", 1500 },
			{ "2", 2000 }, { "0.25", 250 }, { "0.0005", 0 },
		};
		for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++) {
			v = 99;
			ok(parse_cpu(cpus[i].s, &v) == 0 && v == cpus[i].milli,
			   "cpu '%s' = %llu thousandths (got %llu)", cpus[i].s,
			   (unsigned long long)cpus[i].milli, (unsigned long long)v);
		}
		static const char *const bad_cpus[] = { "", "%", "20 %", "20%%",
							"-1", "1.", ".5", "x", "20%x",
							"99999999999999999999" };
		for (size_t i = 0; i < sizeof bad_cpus / sizeof bad_cpus[0]; i++)
			ok(parse_cpu(bad_cpus[i], &v) != 0, "cpu '%s' rejected",
			   bad_cpus[i]);
	}

	{
		uint64_t mask[CPU_LIST_WORDS];
		static const char *const bad_lists[] = { "", ",", "0,", ",0", "3-2",
							 "1-", "-1", "a", "0 1",
							 "1024", "0-1024" };

		is_num(parse_cpu_list("2-3", mask, CPU_LIST_WORDS), 0, "cpu list 2-3");
		is_num(mask[0], 0xc, "cpu list 2-3 is CPUs 2 and 3");
		is_num(parse_cpu_list("0,2\n", mask, CPU_LIST_WORDS), 0,
		       "cpu list 0,2 with the kernel's newline");
		is_num(mask[0], 0x5, "cpu list 0,2 is CPUs 0 and 2");
		is_num(parse_cpu_list("0-1,64,1023", mask, CPU_LIST_WORDS), 0,
		       "cpu list across words");
		ok(mask[0] == 3 && mask[1] == 1 && mask[15] == 1ULL << 63,
		   "cpu list 0-1,64,1023 sets the bits of each word");
		for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++)
			ok(parse_cpu_list(bad_lists[i], mask, CPU_LIST_WORDS) != 0,
			   "cpu list '%s' rejected", bad_lists[i]);
	}

	is_num(parse_uint("42", 100, &v), 0, "uint 42 accepted");
	is_num(v, 42, "uint 42 value");
	is_num(-parse_uint("101", 100, &v), ERANGE, "uint above max rejected");
	is_num(-parse_uint("4x", 100, &v), EINVAL, "uint with junk rejected");
	is_num(-parse_uint("", 100, &v), EINVAL, "empty uint rejected");

	is_num(name_span("www-data:x", "._-"), 8, "name_span stops at ':'");
	is_num(name_span("Az09_", "_"), 5, "name_span: letters, digits, extra");
	is_num(name_span("a.b", "_"), 1, "name_span: '.' not in extra");
	is_num(name_span("", "._-"), 0, "name_span of an empty string");
	is_num(name_span("\xc3\xa9t\xc3\xa9", "._-"), 0, "name_span: ASCII only");
	return tap_done();
}
