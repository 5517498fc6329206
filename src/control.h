/* control.h - hutch list | status | stop | restart | kill | reload:
 * commands for sandboxes that run, through their state directories. */
#ifndef HUTCH_CONTROL_H
#define HUTCH_CONTROL_H

#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "profile.h"

/* The signal the launcher passes to PID 1 to restart the service (the
 * sandbox stays): SIGRTMAX, 64 (127 on MIPS), the one real-time signal
 * whose number glibc and musl give the same name. SIGRTMIN+N is not: it
 * is 34+N for a glibc program and 35+N for musl (docs/design.md). */
#define SIGNAL_RESTART (_NSIG - 1)

#if HUTCH_CONTROL
/* Whether argv[1] is one of the commands. */
bool control_command(const char *word);

/* Runs it; returns the exit code (README "Controlling a running sandbox"):
 * 0 done or running, 1 failed or stale state found (and removed), 3 no such
 * sandbox running, 125 bad usage. */
int control_run(int argc, char **argv);

#else
/* Built without them, the words are still known, so that `hutch stop
 * web` is refused in one line instead of run as a command. */
static inline bool control_command(const char *word)
{
	static const char verbs[] = "list\0status\0stop\0restart\0kill\0reload\0";

	for (const char *v = verbs; v < verbs + sizeof verbs - 1; v += strlen(v) + 1)
		if (strcmp(v, word) == 0)
			return true;
	return false;
}

static inline int control_run(int argc, char **argv)
{
	(void)argc;
	return feature_refuse(argv[1], F_CONTROL);
}
#endif

#endif
