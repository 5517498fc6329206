/* SPDX-License-Identifier: MIT */
/* options.h - one table drives argv, config files and --help. */
#ifndef HUTCH_OPTIONS_H
#define HUTCH_OPTIONS_H

#include "config.h"
#include "profile.h"

enum parse_result { PARSE_RUN, PARSE_HELP, PARSE_VERSION, PARSE_ERROR };

struct parse_error {
	char msg[384];
};

/* Parses argv (options, -f FILE, then the command) into a config with
 * every default set, its strings kept in text (emptied first; see struct
 * config_text for who owns it); on PARSE_ERROR err->msg says what is
 * wrong, naming the option or FILE:LINE, and what would fix it. Touches
 * nothing but memory and the config files it reads. Without
 * command_required (hutch check) a missing command is no error;
 * cfg->argv is then NULL. */
enum parse_result options_parse(struct config *cfg, struct config_text *text,
				int argc, char **argv, struct parse_error *err,
				bool command_required);

/* The last step of every parse, after options_parse returned PARSE_RUN
 * (main, hutch check, a rebuild, hutch oci create): --root, --pidfile,
 * --output FILE and --overlay DIR made absolute from the working
 * directory, in cfg's text, so that a parsed config is final and the
 * launcher, its checks and PID 1 take it const. cfg->root_arg keeps
 * --root as written. Dies (exit 125) when the directory cannot be read
 * or the text is full. */
void options_complete(struct config *cfg);

/* --output syslog|kmsg: LOG_SYSLOG or LOG_KMSG; 0 for a FILE (or none):
 * a file named so is ./syslog (options_output.c). */
#if HUTCH_OUTPUT
int output_log_target(const char *path);
#else
static inline int output_log_target(const char *path)
{
	(void)path;
	return 0; /* --output is refused by the parser */
}
#endif

/* The names --cap-keep and --rlimit take (options_privs.c), parsing as
 * hutch oci's capability lists: "net_bind_service", "CAP_NET_BIND_SERVICE"
 * (any case) -> 10; -1 if unknown (capabilities.h has them). */
int capability_number(const char *name);

/* "nofile" -> RLIMIT_NOFILE (numbers differ on MIPS); -1 if unknown. */
int rlimit_number(const char *name);

/* Writes --help, generated from the table, to fd. */
void options_help(int fd);

#endif
