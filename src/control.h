/* control.h - hutch list | status | stop | restart | kill | reload:
 * commands for sandboxes that run, through their state directories. */
#ifndef HUTCH_CONTROL_H
#define HUTCH_CONTROL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* The signal the launcher passes to PID 1 to restart the service (the
 * sandbox stays): SIGRTMAX, 64 (127 on MIPS), the one real-time signal
 * whose number glibc and musl give the same name. SIGRTMIN+N is not: it
 * is 34+N for a glibc program and 35+N for musl (docs/design.md). */
#define SIGNAL_RESTART (_NSIG - 1)

/* Whether argv[1] is one of the commands. */
bool control_command(const char *word);

/* ", list, status, ..." into buf (for the line that refuses a mistyped
 * command); its length. */
size_t control_verbs(char *buf, size_t size);

/* Runs it; returns the exit code (README "Controlling a running sandbox"):
 * 0 done or running, 1 failed or stale state found (and removed), 3 no such
 * sandbox running, 125 bad usage. */
int control_run(int argc, char **argv);

#endif
