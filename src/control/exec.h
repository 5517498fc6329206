/* SPDX-License-Identifier: MIT */
/* exec.h - hutch exec NAME [--] CMD... (HUTCH_CONTROL): a command inside a running
 * sandbox, with everything the service has (namespaces, root, cgroup,
 * user and groups, capabilities, no_new_privs, seccomp filter). */
#ifndef HUTCH_EXEC_H
#define HUTCH_EXEC_H

#include "config.h"
#include "profile.h"

/* A running sandbox, as control.c found it: its state directory, its
 * launcher (pid and pidfd, checked against the recorded start time) and
 * the launcher's one child, PID 1 of the sandbox. */
struct exec_target {
	const char *name;
	int dirfd;
	int launcher_pidfd; /* -1 before Linux 5.3 */
	long launcher;
	long pid1;
};

/* Runs argv in the sandbox and returns its exit code (128+N for signal
 * N); 125 when it cannot be entered, 3 when PID 1 is gone meanwhile. */
int exec_run(const struct exec_target *t, char **argv);

#endif
