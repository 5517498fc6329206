/* SPDX-License-Identifier: MIT */
/* options.h - one table drives argv, config files and --help. */
#ifndef HUTCH_OPTIONS_H
#define HUTCH_OPTIONS_H

#include "config.h"

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

/* The names --cap-keep and --rlimit take (options_privs.c), parsing as
 * hutch oci's capability lists: "net_bind_service", "CAP_NET_BIND_SERVICE"
 * (any case) -> 10; -1 if unknown. CAP_SYS_PTRACE is the one capability
 * no service may keep (capabilities(7)). */
#define CAP_SYS_PTRACE_NUMBER 19
int capability_number(const char *name);

/* "nofile" -> RLIMIT_NOFILE (numbers differ on MIPS); -1 if unknown. */
int rlimit_number(const char *name);

/* Writes --help, generated from the table, to fd. */
void options_help(int fd);

#endif
