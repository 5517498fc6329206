/* SPDX-License-Identifier: MIT */
/* control.h - hutch list | status | stop | restart | kill | reload | exec:
 * commands for sandboxes that run, through their state directories;
 * hutch reset, for the crash loop record of --boot-limit (bootlimit.h). */
#ifndef HUTCH_CONTROL_H
#define HUTCH_CONTROL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "profile.h"
#include "log.h"
#include "protocol.h" /* SIGNAL_RESTART, which the verbs send */

/* The command words, in control.c's enum verb order; known in every
 * profile. */
#define CONTROL_VERBS "list", "status", "stop", "restart", "kill", "reload", "exec", \
	"reset"

#if HUTCH_CONTROL
/* Whether argv[1] is one of the commands. */
bool control_command(const char *word);

/* ", list, status, ..." into buf (for the line that refuses a mistyped
 * command); its length. */
size_t control_verbs(char *buf, size_t size);

/* Runs it; returns the exit code (docs/control.md):
 * 0 done or running, 1 failed or stale state found (and removed), 3 no such
 * sandbox running, 125 bad usage. */
int control_run(int argc, char **argv);

#else
/* Built without them, the words are still known, so that `hutch stop
 * web` is refused in one line instead of run as a command. */
static const char control_words[][8] = { CONTROL_VERBS };

static inline bool control_command(const char *word)
{
	for (size_t i = 0; i < sizeof control_words / sizeof control_words[0]; i++)
		if (strcmp(control_words[i], word) == 0)
			return true;
	return false;
}

static inline size_t control_verbs(char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof control_words / sizeof control_words[0] && n < size; i++)
		n += fmt(buf + n, size - n, ", %s", control_words[i]);
	return n;
}

static inline int control_run(int argc, char **argv)
{
	(void)argc;
	return feature_refuse(argv[1], F_CONTROL);
}
#endif

#endif
