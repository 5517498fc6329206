/* SPDX-License-Identifier: MIT */
/* exit_cause.h - why a run of the service ended, or why the sandbox did:
 * the one table of causes (docs/exit-causes.md). Each row is
 *   X(ID, word, text)
 * ID the C name (CAUSE_ID), word the machine form (hutch status --json, the
 * "cause:" of the exit log line), text the human one. Words are an
 * interface for device agents: add rows, never rename one. */
#ifndef HUTCH_EXIT_CAUSE_H
#define HUTCH_EXIT_CAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_CAUSES(X)                                                              \
	X(NONE, "none", "no run has ended yet")                                     \
	X(EXITED, "exited", "exited on its own")                                    \
	X(SIGNAL, "signal", "killed by a signal")                                   \
	X(OOM, "oom", "OOM kill")                                                   \
	X(SECCOMP, "seccomp", "seccomp kill")                                       \
	X(PRESSURE, "pressure", "memory pressure (--pressure-restart)")             \
	X(READY_TIMEOUT, "ready-timeout", "not ready within --ready-timeout")       \
	X(STOP, "stop", "stop requested")                                           \
	X(RESTART, "restart", "restart requested")                                  \
	X(EXEC, "exec", "could not be started (exec failed)")                       \
	X(START_LIMIT, "start-limit", "start limit reached")                        \
	X(BOOT_LIMIT, "boot-limit", "boot limit reached")                           \
	/* issue 15.2, set by the watchdog and health check code when merged */ \
	X(WATCHDOG, "watchdog", "watchdog timeout")                                 \
	X(HEALTH, "health", "health check failed")

enum exit_cause {
#define X(id, word, text) CAUSE_##id,
	EXIT_CAUSES(X)
#undef X
	N_CAUSES
};

/* How one run ended, for the log line and the status file. */
struct exit_info {
	enum exit_cause cause;
	int code;	     /* the exit code, or -1 when killed */
	int sig;	     /* the killing signal, or 0 */
	long syscall;	     /* CAUSE_SECCOMP: the call's number, -1 unknown */
	char syscall_name[24]; /* and its name, "" when hutch has none */
	unsigned long long oom_kills; /* OOM kills in the sandbox during the run */
	uint64_t at_ms;	     /* CLOCK_MONOTONIC ms of the exit */
	long long at_s;	     /* the wall clock's seconds (no RTC: may be 1970) */
};

const char *exit_cause_word(enum exit_cause cause);
const char *exit_cause_text(enum exit_cause cause);

/* The cause of a run's end, from its wait status. pending: what PID 1
 * killed it for (pressure, --ready-timeout, stop, restart, watchdog,
 * health), CAUSE_NONE when PID 1 did not; it wins, being a decision and
 * not a guess. oom: the cgroup counted an OOM kill during the run;
 * seccomp: the service ran under a filter that may kill. */
enum exit_cause exit_cause_of(int status, enum exit_cause pending, bool oom,
			      bool seccomp);

/* "exited with code 3", "killed by signal 9 (SIGKILL): OOM kill",
 * "killed by signal 31 (SIGSYS): seccomp kill of ptrace (system call
 * 101)"; the same words in the log line and in hutch status. mid goes
 * after the code or signal (the log line's " after 12 ms"). */
size_t exit_describe(const struct exit_info *e, const char *mid, char *buf,
		     size_t size);

#endif
