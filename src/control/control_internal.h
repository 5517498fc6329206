/* SPDX-License-Identifier: MIT */
/* control_internal.h - what control.c (the commands) and control_status.c
 * (hutch status and its --json) share. */
#ifndef HUTCH_CONTROL_INTERNAL_H
#define HUTCH_CONTROL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

enum { CTL_OK = 0, CTL_FAILED = 1, CTL_NOT_RUNNING = 3, CTL_USAGE = 125 };

struct target {
	const char *dir;	/* --state-dir, or NULL: the candidates */
	const char *base;	/* where NAME was found */
	const char *name;
	int dirfd;
	int pidfd;	/* the launcher's; -1 on a kernel before 5.3 */
	long launcher;
	uint64_t stop_timeout_ms;
	bool starting;		   /* its launcher holds it, no pid recorded yet */
	bool ready;		   /* the sandbox runs with --ready */
	uint64_t ready_timeout_ms; /* --ready-timeout; 0: none */
	int reload_signal;
	const char *persist;	/* --persist-dir, or NULL */
	char status[STATE_STATUS_MAX];
	char launcher_persist[256]; /* the launcher's --boot-limit record */
};

/* text on standard output, whole */
void control_say(const char *text);

/* The first child of pid (that is nspid in the sandbox, if not NULL). */
long control_child_of(long parent, const char *nspid);

/* hutch status NAME: the text; CTL_OK. */
int control_status(struct target *t);

/* hutch status --json: NAME's object (no newline after it). */
void control_status_json(struct target *t);

/* hutch status of a sandbox that does not run: whether --boot-limit
 * keeps it from starting, said when there is a record (else false, and
 * the caller says "no such sandbox running"). */
bool control_status_not_running(const struct target *t, bool json);

#endif
