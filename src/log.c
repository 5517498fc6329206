/* log.c - messages to fd 2 with one write(2) each, so lines from the
 * launcher, PID 1 and the service never interleave mid-line. */
#include "log.h"

#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

#include "sys.h"

static char prefix[80] = "hutch: ";
static size_t prefix_len = 7;
static int verbosity = LOG_INFO;

void log_setup(const char *name, int level)
{
	verbosity = level;
	if (name)
		prefix_len = fmt(prefix, sizeof prefix, "hutch[%s]: ", name);
	if (prefix_len >= sizeof prefix)
		prefix_len = sizeof prefix - 1;
}

int log_verbosity(void)
{
	return verbosity;
}

static size_t put_char(char *buf, size_t size, size_t pos, char c)
{
	if (pos + 1 < size)
		buf[pos] = c;
	return pos + 1;
}

static size_t put_str(char *buf, size_t size, size_t pos, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		pos = put_char(buf, size, pos, *s++);
	return pos;
}

static size_t put_num(char *buf, size_t size, size_t pos, unsigned long long v,
		      bool negative)
{
	char digits[24];
	int n = 0;

	if (negative)
		pos = put_char(buf, size, pos, '-');
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		pos = put_char(buf, size, pos, digits[--n]);
	return pos;
}

size_t fmt_va(char *buf, size_t size, const char *f, va_list ap)
{
	size_t pos = 0;

	for (; *f; f++) {
		unsigned long long u;
		long long v;
		int longs = 0;

		if (*f != '%') {
			pos = put_char(buf, size, pos, *f);
			continue;
		}
		while (*++f == 'l')
			longs++;
		if (*f == 'z') {
			f++;
			longs = -1;
		}
		switch (*f) {
		case 's':
			pos = put_str(buf, size, pos, va_arg(ap, const char *));
			break;
		case 'c':
			pos = put_char(buf, size, pos, (char)va_arg(ap, int));
			break;
		case 'u':
			u = longs < 0	? va_arg(ap, size_t)
			  : longs == 2 ? va_arg(ap, unsigned long long)
			  : longs == 1 ? va_arg(ap, unsigned long)
				       : va_arg(ap, unsigned int);
			pos = put_num(buf, size, pos, u, false);
			break;
		case 'd':
		case 'i':
			v = longs == 2	? va_arg(ap, long long)
			  : longs != 0 ? va_arg(ap, long)
				       : va_arg(ap, int);
			u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			pos = put_num(buf, size, pos, u, v < 0);
			break;
		case '%':
			pos = put_char(buf, size, pos, '%');
			break;
		default: /* unsupported: the format attribute catches it */
			f--;
			break;
		}
		if (!*f)
			break;
	}
	if (size)
		buf[pos < size ? pos : size - 1] = '\0';
	return pos;
}

size_t fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = fmt_va(buf, size, f, ap);
	va_end(ap);
	return n;
}

static void log_va(enum log_level level, const char *f, va_list ap)
{
	char line[512];
	size_t room = sizeof line - prefix_len - 1, n;

	if ((int)level > verbosity)
		return;
	for (n = 0; n < prefix_len; n++)
		line[n] = prefix[n];
	n = fmt_va(line + prefix_len, room + 1, f, ap);
	if (n > room) { /* cut: mark it rather than lose the newline */
		n = room;
		for (size_t i = 1; i <= 3; i++)
			line[prefix_len + n - i] = '.';
	}
	line[prefix_len + n] = '\n';
	write_all(STDERR_FILENO, line, prefix_len + n + 1);
}

void log_msg(enum log_level level, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	log_va(level, f, ap);
	va_end(ap);
}

void die(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	log_va(LOG_ERROR, f, ap);
	va_end(ap);
	_exit(EXIT_SETUP);
}
