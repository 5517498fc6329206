/* help.c - `hutch --help`, generated from the option table so that it
 * cannot drift from what the parser accepts. */
#include "options_internal.h"

#include <string.h>
#include <unistd.h>

#include "sys.h"

static const char usage[] =
	"Usage: hutch [OPTIONS] [--] COMMAND [ARG...]\n"
	"       hutch -f FILE [OPTIONS] [-- COMMAND [ARG...]]\n"
	"\n"
	"Runs COMMAND as a supervised service in new PID, mount, UTS and IPC\n"
	"namespaces: hutch is PID 1 inside, switches to the --root file system,\n"
	"mounts /proc, a minimal /dev and /tmp, restarts the service per\n"
	"--restart and stops it cleanly on SIGTERM or SIGINT.\n"
	"\n"
	"Options (every long option is also a config file key: restart = always):\n";

static const char footer[] =
	"\n"
	"TIME is 500ms, 10s (a bare number is seconds), 1.5s, 2m or 1h; SIZE is\n"
	"bytes or 512k, 16M, 1G.\n"
	"\n"
	"Exit status: the service's own; 128+N when it died of signal N; 125 when\n"
	"hutch could not set up; 126 when the command cannot be executed; 127\n"
	"when it is not found.\n";

/* "  -f, --config FILE" or "      --hostname NAME" into buf; its length. */
static size_t option_synopsis(const struct option_def *o, char *buf, size_t size)
{
	size_t n = o->short_name ? fmt(buf, size, "  -%c, ", o->short_name)
				 : fmt(buf, size, "      ");

	n += fmt(buf + n, size - n, "--%s", o->name);
	if (o->arg)
		n += fmt(buf + n, size - n, " %s", o->arg);
	return n;
}

void options_help(int fd)
{
	size_t width = 0;
	char line[256];

	for (size_t i = 0; i < option_count; i++) {
		size_t n = option_synopsis(&option_table[i], line, sizeof line);
		if (n > width)
			width = n;
	}
	write_all(fd, usage, sizeof usage - 1);
	for (size_t i = 0; i < option_count; i++) {
		size_t n = option_synopsis(&option_table[i], line, sizeof line);
		while (n < width + 2 && n < sizeof line)
			line[n++] = ' ';
		n += fmt(line + n, sizeof line - n, "%s\n", option_table[i].help);
		write_all(fd, line, n < sizeof line ? n : sizeof line - 1);
	}
	write_all(fd, footer, sizeof footer - 1);
}
