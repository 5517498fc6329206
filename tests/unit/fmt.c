/* SPDX-License-Identifier: MIT */
/* fmt.c - the formatter behind every message, and wait-status codes. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>

#include "log.h"
#include "sys.h"
#include "tap.h"

int main(void)
{
	char buf[64], tiny[6];
	size_t n;

	fmt(buf, sizeof buf, "a%sb", "XY");
	is_str(buf, "aXYb", "%%s");
	fmt(buf, sizeof buf, "%d|%i|%u", -42, 7, 4000000000u);
	is_str(buf, "-42|7|4000000000", "%%d %%i %%u");
	fmt(buf, sizeof buf, "%ld|%lu", LONG_MIN, ULONG_MAX);
	ok(buf[0] == '-' && strlen(buf) > 20, "%%ld %%lu: %s", buf);
	fmt(buf, sizeof buf, "%lld|%llu", LLONG_MIN, ULLONG_MAX);
	is_str(buf, "-9223372036854775808|18446744073709551615", "%%lld %%llu extremes");
	fmt(buf, sizeof buf, "%zu|%c|%%", (size_t)12, 'z');
	is_str(buf, "12|z|%", "%%zu %%c %%%%");
	{
		const char *volatile nothing = NULL; /* hide it from -Wformat */
		fmt(buf, sizeof buf, "%s", nothing);
		is_str(buf, "(null)", "NULL string");
	}
	fmt(buf, sizeof buf, "%d", 0);
	is_str(buf, "0", "zero");

	n = fmt(tiny, sizeof tiny, "%s", "abcdefghij");
	is_num(n, 10, "returns the untruncated length");
	is_str(tiny, "abcde", "truncates and terminates");
	n = fmt(tiny, 0, "%s", "abc");
	is_num(n, 3, "size 0 writes nothing, still counts");

	is_num(status_to_code(0), 0, "exit 0");
	is_num(status_to_code(3 << 8), 3, "exit 3");
	is_num(status_to_code(255 << 8), 255, "exit 255");
	is_num(status_to_code(9), 137, "SIGKILL -> 137");
	is_num(status_to_code(11 | 0x80), 139, "SIGSEGV with core -> 139");

	is_str(signal_name(SIGKILL, buf, sizeof buf), "SIGKILL", "signal name SIGKILL");
	is_str(signal_name(SIGTERM, buf, sizeof buf), "SIGTERM", "signal name SIGTERM");
	is_str(signal_name(SIGUSR1, buf, sizeof buf), "SIGUSR1", "signal name SIGUSR1");
	is_str(signal_name(SIGSYS, buf, sizeof buf), "SIGSYS", "signal name SIGSYS");
	is_str(signal_name(SIGRTMAX - 2, buf, sizeof buf), "SIGRTMAX-2",
	       "real-time signals by their distance from SIGRTMAX");
	is_str(signal_name(SIGRTMAX, buf, sizeof buf), "SIGRTMAX", "SIGRTMAX itself");

	is_str(error_text(ENOENT), "No such file or directory", "error text ENOENT");
	is_str(error_text(EBUSY), "Resource busy", "error text EBUSY");
	is_str(error_text(EDQUOT), "Quota exceeded", "error text, last entry");
	is_str(error_text(EPERM), "Operation not permitted", "error text, first entry");
	is_str(error_text(9999), "error 9999", "unknown errno by number");
	return tap_done();
}
