/* SPDX-License-Identifier: MIT */
/* liveness.h - liveness (HUTCH_LIVENESS): --watchdog, the service's
 * WATCHDOG=1 on the notify socket (ready.c) at least that often, and
 * --health CMD, a check PID 1 runs inside the sandbox every
 * --health-interval. A run that misses the one or fails the other
 * --health-retries times in a row is killed and restarted under
 * --restart. The timers are deadlines in PID 1's poll timeout
 * (supervise.c), armed only while a run is up: no wakeup when neither
 * option is set, none while the service stops, ends or backs off.
 * liveness.c is the pure part (tests/unit/liveness.c), liveness_run.c
 * what touches processes. Without the feature, the parser refuses the
 * options and these are stubs. */
#ifndef HUTCH_LIVENESS_H
#define HUTCH_LIVENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "runtime.h"
#include "profile.h"

enum health_state { HEALTH_STARTING, HEALTH_HEALTHY, HEALTH_UNHEALTHY };
/* Why this run was killed, for its exit's log line and hutch status. */
enum live_cause { LIVE_NONE, LIVE_WATCHDOG, LIVE_HEALTH };
/* What liveness_due found due. */
enum live_due { DUE_NONE, DUE_KILL, DUE_WATCHDOG, DUE_CHECK, DUE_CHECK_TIMEOUT };
/* health_record's code for a check killed at --health-timeout. */
#define HEALTH_TIMED_OUT (-2)

struct liveness {
	uint64_t watchdog_ms;  /* this run's timeout: --watchdog, or WATCHDOG_USEC= */
	uint64_t last_ping;    /* when the run came up or last sent WATCHDOG=1 */
	uint64_t watchdog_at;  /* CLOCK_MONOTONIC ms; 0: not armed */
	uint64_t health_at;    /* the next check, or the running one's timeout */
	uint64_t kill_at;      /* SIGKILL for a killed run still there */
	pid_t check;	       /* the running check; 0: none */
	unsigned failures;     /* failed checks in a row */
	int last_exit;	       /* the last check's code; -1: none yet */
	int health;	       /* enum health_state */
	int cause;	       /* enum live_cause of this run's kill */
};

#if HUTCH_LIVENESS
/* --- pure (liveness.c) --- */

/* The run is up (started, or ready with --ready): the watchdog counts
 * from now, the first check comes after one interval (as Docker's), the
 * health is "starting" until a check says otherwise. */
void liveness_arm(struct liveness *l, const struct config *cfg, uint64_t now);

/* No deadline armed: the run is over, stopping, or was killed. */
void liveness_disarm(struct liveness *l);

/* The earliest deadline armed, or 0. */
uint64_t liveness_next(const struct liveness *l);

/* What is due at now, the SIGKILL first; DUE_NONE if nothing is. */
enum live_due liveness_due(const struct liveness *l, uint64_t now);

/* WATCHDOG=1: the deadline moves to now + the timeout. */
void watchdog_ping(struct liveness *l, uint64_t now);

/* WATCHDOG_USEC=N from the service: this run's timeout, counted from its
 * last ping as systemd counts it; 0 ends the watchdog for this run. Only
 * with --watchdog (the caller checks). */
void watchdog_set_usec(struct liveness *l, uint64_t usec);

/* A check ended with code (its exit code, 128+N for signal N, or
 * HEALTH_TIMED_OUT); the next comes one interval from now. True when
 * this failure is the --health-retries'th in a row: restart. */
bool health_record(struct liveness *l, const struct config *cfg, int code,
		   uint64_t now);

/* "watchdog", "health check", or "" */
const char *liveness_cause_name(int cause);

/* The status file's lines for --health ("health=...\n..."), or "". */
size_t liveness_describe(const struct liveness *l, const struct config *cfg,
			 char *buf, size_t size);

/* --- PID 1 (liveness_run.c, liveness_check.c) --- */

/* Forks one check: its keeper, in a process group of its own, which runs
 * /bin/sh -c CMD as the service runs and kills all the check started
 * before it exits with the check's code; SIGTERM makes it end the check
 * at once. The keeper's pid, or -1 with errno when fork failed. */
pid_t health_check_spawn(const struct config *cfg, const struct runtime *rt, char **envp);

/* The run is over, or a stop began: deadlines off, a running check
 * ended (SIGTERM to its keeper, which kills all it started). */
void liveness_end(struct liveness *l);

/* What is due: a check started or killed at its timeout, or the
 * service killed (cause logged; SIGKILL after --stop-timeout). */
void liveness_tick(struct liveness *l, const struct config *cfg,
		   const struct runtime *rt, char **envp, pid_t service, uint64_t now);

/* A reaped child: true when it was the check (its result recorded, the
 * service killed at the last failure allowed). */
bool liveness_reaped(struct liveness *l, const struct config *cfg, pid_t pid,
		     int status, pid_t service, uint64_t now);

/* The notify socket's watchdog news (READY_NEWS_* bits of protocol.h). */
void liveness_news(struct liveness *l, const struct config *cfg, unsigned news,
		   uint64_t usec, pid_t service, uint64_t now);

/* The service's child, before exec: WATCHDOG_USEC and WATCHDOG_PID (its
 * own pid, so sd_watchdog_enabled(3) says no to its children) put in
 * envp, which has room for both (sandbox.c). */
void liveness_environment(const struct config *cfg, char **envp);
#else
static inline void liveness_arm(struct liveness *l, const struct config *cfg,
				uint64_t now)
{
	(void)l;
	(void)cfg;
	(void)now;
}

static inline uint64_t liveness_next(const struct liveness *l)
{
	(void)l;
	return 0;
}

static inline const char *liveness_cause_name(int cause)
{
	(void)cause;
	return "";
}

static inline size_t liveness_describe(const struct liveness *l,
				       const struct config *cfg, char *buf,
				       size_t size)
{
	(void)l;
	(void)cfg;
	(void)size;
	buf[0] = '\0';
	return 0;
}

static inline void liveness_end(struct liveness *l)
{
	(void)l;
}

static inline void liveness_tick(struct liveness *l, const struct config *cfg,
				 const struct runtime *rt, char **envp, pid_t service,
				 uint64_t now)
{
	(void)l;
	(void)cfg;
	(void)rt;
	(void)envp;
	(void)service;
	(void)now;
}

static inline bool liveness_reaped(struct liveness *l, const struct config *cfg,
				   pid_t pid, int status, pid_t service,
				   uint64_t now)
{
	(void)l;
	(void)cfg;
	(void)pid;
	(void)status;
	(void)service;
	(void)now;
	return false;
}

static inline void liveness_news(struct liveness *l, const struct config *cfg,
				 unsigned news, uint64_t usec, pid_t service,
				 uint64_t now)
{
	(void)l;
	(void)cfg;
	(void)news;
	(void)usec;
	(void)service;
	(void)now;
}

static inline void liveness_environment(const struct config *cfg, char **envp)
{
	(void)cfg;
	(void)envp;
}
#endif

#endif
