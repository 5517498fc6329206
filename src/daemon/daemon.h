/* SPDX-License-Identifier: MIT */
/* daemon.h - --log kmsg|syslog, --pidfile and --daemon (HUTCH_DAEMON):
 * what an init system that expects a daemon needs. Without the feature
 * the parser refuses them, and these are stubs. */
#ifndef HUTCH_DAEMON_H
#define HUTCH_DAEMON_H

#include "config.h"
#include "runtime.h"
#include "profile.h"

/* --daemon's pipes in the launcher, which its loop polls; -1 when not in
 * use (and always without the feature). */
struct daemon_wait {
	int settled; /* PID 1 writes a byte once the service settled */
	int caller;  /* the waiting caller: a byte, then closed */
};

#if HUTCH_DAEMON
/* --log kmsg|syslog opened (before the root switch: /dev/log and
 * /dev/kmsg are the host's), its descriptor; -1 for stderr. Dies when the
 * target cannot be opened. */
int daemon_log_open(const struct config *cfg);

/* --pidfile: the launcher's pid, written next to FILE and renamed over
 * it, through a directory only the caller or root own (trust.h). */
void daemon_pidfile(const struct config *cfg);

/* --daemon: the caller waits in this call (and exits there) until the
 * launcher reports that the service has settled; the launcher goes on in
 * a session of its own, keeping of the caller's descriptors log_fd and
 * those the checks opened into rt. Returns the pipe to report on. */
int daemon_detach(const struct config *cfg, const struct runtime *rt, int log_fd);

/* In the launcher: caller is the pipe the caller waits on (-1: none; d's
 * pipes are then -1, and always without the feature). Sets *notify
 * to the pipe for PID 1 (a byte once the service has run for
 * --daemon-settle) and, without --output, gives the service /dev/null
 * (rt->output_fd): nothing of the sandbox keeps the caller's descriptors. */
void daemon_caller(struct daemon_wait *d, struct runtime *rt, int caller, int *notify);

/* d->settled is readable: the service settled (the caller is told, and
 * the launcher lets go of the caller's stderr), or PID 1 ended first (the
 * caller gets the exit code when the launcher exits). */
void daemon_settled(struct daemon_wait *d);
#else
static inline int daemon_log_open(const struct config *cfg)
{
	(void)cfg;
	return -1;
}

static inline void daemon_pidfile(const struct config *cfg)
{
	(void)cfg;
}

static inline int daemon_detach(const struct config *cfg, const struct runtime *rt,
				int log_fd)
{
	(void)cfg;
	(void)rt;
	(void)log_fd;
	return -1;
}

static inline void daemon_caller(struct daemon_wait *d, struct runtime *rt, int caller,
				 int *notify)
{
	d->settled = d->caller = -1;
	(void)rt;
	(void)caller;
	(void)notify;
}

static inline void daemon_settled(struct daemon_wait *d)
{
	(void)d;
}
#endif

#endif
