/* SPDX-License-Identifier: MIT */
/* help.c - `hutch --help`, generated from the option table so that it
 * cannot drift from what the parser accepts. */
#include "options_internal.h"

#include <string.h>
#include <unistd.h>

#include "sys.h"

/* The usage lines, each feature's with its feature: a profile built
 * without one does not offer its commands (each is refused in one line
 * naming the profile: feature_refuse). */
static const char usage[] =
	"Usage: hutch [OPTIONS] [--] COMMAND [ARG...]\n"
	"       hutch -f FILE [OPTIONS] [-- COMMAND [ARG...]]\n";

static const char usage_check[] =
	"       hutch check [OPTIONS]           what this kernel offers to OPTIONS\n";

static const char usage_control[] =
	"       hutch list [--state-dir DIR]    the running sandboxes\n"
	"       hutch status [--state-dir DIR] [--persist-dir DIR] NAME   its state,\n"
	"                                       host pids, restarts, last exit, usage\n"
	"       hutch status --json [--state-dir DIR] [NAME]   the same as JSON, for\n"
	"                                       NAME or every sandbox\n"
	"       hutch stop|reload [--state-dir DIR] NAME\n"
	"       hutch restart [--state-dir DIR] [--rebuild] NAME   --rebuild: the\n"
	"                                       config read again, a new sandbox\n"
	"       hutch kill [--state-dir DIR] NAME SIGNAL\n"
	"       hutch exec [--state-dir DIR] NAME [--] COMMAND [ARG...]   run COMMAND\n"
	"                                       inside the running sandbox NAME\n";

static const char usage_bootlimit[] =
	"       hutch reset [--persist-dir DIR] NAME   forget NAME's crash loops\n"
	"                                       (--boot-limit): it starts again\n";

static const char usage_oci[] =
	"       hutch oci [--root DIR] [--log FILE] [--log-format text|json]\n"
	"                 [--systemd-cgroup] create|start|state|kill|delete|exec|\n"
	"                 ps|list|features ...   the OCI runtime (as runc; also\n"
	"                                       when called runc): docs/oci.md\n";

static const char usage_end[] =
	"       hutch help                      this help\n";

/* The prose around the table: HUTCH_HELP=n leaves it to hutch(8) and docs/. */
static const char about[] =
	"\n"
	"Runs COMMAND as a supervised service in new PID, mount, UTS and IPC\n"
	"namespaces: hutch is PID 1 inside, switches to the --root file system,\n"
	"mounts /proc, a minimal /dev and /tmp, restarts the service per\n"
	"--restart and stops it cleanly on SIGTERM or SIGINT. A COMMAND given\n"
	"first, without options, is a path or follows -- (other words are\n"
	"hutch's own commands).\n"
	"\n"
	"Options (every long option is also a config file key: restart = always):\n";

static const char terse[] =
	"\nOptions (hutch(8) says what each does):\n";

static const char footer[] =
	"\n"
	"TIME is 500ms, 10s (a bare number is seconds), 1.5s, 2m or 1h; SIZE is\n"
	"bytes or 512k, 16M, 1G.\n"
	"\n"
	"Exit status: the service's own; 128+N when it died of signal N; 124 when\n"
	"--boot-limit kept it from starting; 125 when hutch could not set up; 126\n"
	"when the command cannot be executed; 127 when it is not found.\n";

/* "  -f, --config FILE" or "      --hostname NAME" into buf; its length. */
static size_t option_synopsis(const struct option_def *o, char *buf, size_t size)
{
	size_t n = o->short_name ? fmt(buf, size, "  -%c, ", o->short_name)
				 : fmt(buf, size, "      ");

	n += fmt(buf + n, size - n, o->where == OPT_FILE ? "%s =" : "--%s", o->name);
	if (option_arg(o))
		n += fmt(buf + n, size - n, " %s", option_arg(o));
	return n;
}

/* Help texts start at this column and wrap at word boundaries before 80. */
#define HELP_COLUMN 28
#define HELP_WIDTH 79

static size_t pad(char *line, size_t n, size_t to)
{
	while (n < to)
		line[n++] = ' ';
	return n;
}

/* The row's help text and its default, said once (options.def): "=1s" is
 * set by the parser, "~host" is what the zeroed config means. */
static const char *help_text(const struct option_def *o, char *buf, size_t size)
{
	const char *help = option_help(o), *dfl = option_default(o);

	if (!HUTCH_HELP || !*dfl)
		return help;
	fmt(buf, size, "%s (default: %s)", help, dfl + (*dfl == '=' || *dfl == '~'));
	return buf;
}

/* One option: its synopsis, then its help text wrapped into the column
 * (on the next line when the synopsis is too wide for it). */
static void option_lines(int fd, const struct option_def *o)
{
	char line[256], text[384];
	size_t n = option_synopsis(o, line, sizeof line);
	const char *help = option_help(o), *word = help_text(o, text, sizeof text);

	/* a terse build's rows have no text: the synopsis alone */
	if (*help && n + 2 > HELP_COLUMN) {
		line[n++] = '\n';
		write_all(fd, line, n);
		n = 0;
	}
	n = pad(line, n, *help ? HELP_COLUMN : 0);
	while (*word) {
		size_t len = until_any(word, " ");
		if (n > HELP_COLUMN && n + 1 + len > HELP_WIDTH) {
			line[n++] = '\n';
			write_all(fd, line, n);
			n = pad(line, 0, HELP_COLUMN);
		} else if (n > HELP_COLUMN) {
			line[n++] = ' ';
		}
		memcpy(line + n, word, len);
		n += len;
		word += len + (word[len] == ' ');
	}
	line[n++] = '\n';
	write_all(fd, line, n);
}

void options_help(int fd)
{
	write_all(fd, usage, sizeof usage - 1);
	if (HUTCH_CHECK)
		write_all(fd, usage_check, sizeof usage_check - 1);
	if (HUTCH_CONTROL)
		write_all(fd, usage_control, sizeof usage_control - 1);
	if (HUTCH_CONTROL && HUTCH_BOOTLIMIT) /* reset is a control command */
		write_all(fd, usage_bootlimit, sizeof usage_bootlimit - 1);
	if (HUTCH_OCI)
		write_all(fd, usage_oci, sizeof usage_oci - 1);
	write_all(fd, usage_end, sizeof usage_end - 1);
	if (HUTCH_HELP)
		write_all(fd, about, sizeof about - 1);
	else
		write_all(fd, terse, sizeof terse - 1);
	for (size_t i = 0; i < option_count; i++)
		option_lines(fd, &option_table[i]);
	if (HUTCH_HELP)
		write_all(fd, footer, sizeof footer - 1);
}
