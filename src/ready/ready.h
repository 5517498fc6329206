/* SPDX-License-Identifier: MIT */
/* ready.h - readiness (HUTCH_READY): the service says it is up, the
 * sd_notify way (--ready notify: READY=1 on the datagram socket named by
 * NOTIFY_SOCKET) or the s6 way (--ready fd:N: a newline on descriptor N).
 * PID 1 receives it (ready.c); the supervisor counts a run as up from
 * then on (--daemon returns, hutch status says "ready"), and the launcher
 * tells systemd when hutch runs in a Type=notify unit (ready_upstream.c).
 * Without the feature the parser refuses --ready, and these are stubs. */
#ifndef HUTCH_READY_H
#define HUTCH_READY_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "profile.h"
#include "protocol.h"

/* The socket's path inside the sandbox: in hutch's own tmpfs /dev, which
 * nothing but PID 1 writes before the service runs (dev.c), as /dev/log
 * is syslog's. Not an abstract name: in the host's network namespace
 * every process of the machine could reach that one. */
#define READY_SOCKET_PATH "/dev/hutch-notify"
#define READY_STATUS_MAX 96 /* STATUS= text kept, with its NUL */

struct ready {
	int mode;	  /* enum ready_mode; READY_NONE: nothing below is used */
	int socket;	  /* notify: the socket, bound once for every run */
	int pipe;	  /* fd:N: this run's read end; -1 once it closed it */
	int service_end;  /* fd:N: the write end for the start under way */
	int upstream;	  /* the launcher's channel to systemd, or -1 */
	pid_t closer;	  /* the child taking a datagram with descriptors
			   * (ready.c), READY_CLOSER_RETRY after its fork
			   * failed; 0: none, the socket is read */
	char status[READY_STATUS_MAX]; /* the last STATUS= text, printable */
	uint64_t watchdog_usec;	/* the last WATCHDOG_USEC= (liveness.h) */
};

/* r->closer after a failed fork (EAGAIN at --pids): tried again once a
 * process has ended (ready_reaped) or at the next start. */
#define READY_CLOSER_RETRY ((pid_t)-1)

/* The notify socket is made for --ready notify, and for --watchdog with
 * any --ready (as systemd gives WatchdogSec= services one whatever their
 * Type=): false without a config that asks for it. */
static inline bool ready_socket_wanted(const struct config *cfg)
{
	return cfg->ready_mode == READY_NOTIFY || cfg->watchdog_ms;
}

#if HUTCH_READY
/* The socket to poll: none while a datagram carrying descriptors waits
 * for its closer (ready.c), so that PID 1 neither spins on it nor forks
 * a second closer for the same datagram. */
static inline int ready_polled(const struct ready *r)
{
	return r->closer ? -1 : r->socket;
}

/* PID 1 reaped pid (-1: no child is left): the closer's end, or after a
 * failed fork a process slot freed, lets the socket be read again. */
static inline void ready_reaped(struct ready *r, pid_t pid)
{
	if (r->closer == pid || r->closer == READY_CLOSER_RETRY)
		r->closer = 0;
}

/* PID 1, after the root switch: the notify socket bound at
 * READY_SOCKET_PATH (ready_socket_wanted); else -1. Dies when it cannot. */
int ready_socket_open(const struct config *cfg);

/* PID 1, before each start: what the last run sent is dropped, and for
 * fd:N this run's pipe is made. Returns the descriptor the service gets
 * as N (spawn.c), -1 for none, or -errno (below -1: pipe(2) fails with
 * EMFILE or ENFILE, never EPERM). */
int ready_arm(struct ready *r);

/* After the fork: PID 1 lets go of the service's end of the pipe. */
void ready_started(struct ready *r);

/* Takes what came (a bounded number of messages: a flood must not keep
 * PID 1 from its signals); returns READY_NEWS_* bits (protocol.h). */
unsigned ready_receive(struct ready *r);

/* One datagram's lines (sd_notify's "KEY=VALUE\n..."): READY_NEWS_*
 * bits; STATUS='s text kept in r->status, WATCHDOG_USEC='s number in
 * r->watchdog_usec. Pure: tests/unit/ready.c. */
unsigned ready_parse(struct ready *r, const char *text, size_t len);

/* The service's child: fd becomes descriptor N; *report_fd moves away
 * first if it is N. 0 or -errno. */
int ready_give(const struct config *cfg, int fd, int *report_fd);

/* "NOTIFY_SOCKET=..." for the service's environment, or NULL. */
char *ready_environment(const struct config *cfg);

/* PID 1: tells the launcher, when it forwards to systemd, that the
 * service is ready (with its STATUS= text), or its new text. */
void ready_upstream_send(const struct ready *r, bool ready);

/* Launcher: with --ready and NOTIFY_SOCKET in hutch's own environment (a
 * Type=notify unit), a socket pair: *pid1_end is PID 1's, the launcher's
 * is returned. -1 (and *pid1_end -1) otherwise. */
int ready_upstream_open(const struct config *cfg, int *pid1_end);

/* Launcher: one message from PID 1, sent on to NOTIFY_SOCKET; *fd is
 * closed and -1 once PID 1 is gone. */
void ready_upstream_forward(int *fd);
#else
static inline int ready_polled(const struct ready *r)
{
	(void)r;
	return -1;
}

static inline void ready_reaped(struct ready *r, pid_t pid)
{
	(void)r;
	(void)pid;
}

static inline int ready_socket_open(const struct config *cfg)
{
	(void)cfg;
	return -1;
}

static inline int ready_arm(struct ready *r)
{
	(void)r;
	return -1;
}

static inline void ready_started(struct ready *r)
{
	(void)r;
}

static inline unsigned ready_receive(struct ready *r)
{
	(void)r;
	return 0;
}

static inline int ready_give(const struct config *cfg, int fd, int *report_fd)
{
	(void)cfg;
	(void)fd;
	(void)report_fd;
	return 0;
}

static inline char *ready_environment(const struct config *cfg)
{
	(void)cfg;
	return 0;
}

static inline void ready_upstream_send(const struct ready *r, bool ready)
{
	(void)r;
	(void)ready;
}

static inline int ready_upstream_open(const struct config *cfg, int *pid1_end)
{
	(void)cfg;
	*pid1_end = -1;
	return -1;
}

static inline void ready_upstream_forward(int *fd)
{
	*fd = -1;
}
#endif

#endif
