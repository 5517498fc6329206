/* SPDX-License-Identifier: MIT */
/* userns.h - --userns: PID 1 and the service in a user namespace of their
 * own, so that root inside is an unprivileged uid outside. */
#ifndef HUTCH_USERNS_H
#define HUTCH_USERNS_H

#include <stdbool.h>
#include <sys/types.h>
#include <unistd.h>

#include "config.h"
#include "profile.h"

/* How many ids a root launcher maps, from --userns-base: 0..65535 inside,
 * enough for every uid and gid a BusyBox root file system knows. */
#define USERNS_IDS 65536
/* The first host id of that range when --userns-base is not given: shared
 * by every sandbox that does not give its own (hutch check says so). */
#define USERNS_BASE_DEFAULT 100000

#if HUTCH_USERNS
/* hutch runs without root: only a user namespace makes a sandbox then,
 * with one id (the caller's own) to map. */
bool userns_rootless(void);

/* What an ordinary user's configuration asks that only root may do (no
 * --userns, --userns-base, cgroup limits): the line saying so and what to
 * do, or NULL. For root, always NULL. */
const char *userns_refusal(const struct config *cfg);

/* Why this kernel refuses user namespaces to ordinary users (the sysctl
 * to change), or NULL when nothing says so before trying. */
const char *userns_forbidden(void);

/* In the launcher: fork PID 1 into new user and PID namespaces at once, so
 * the PID namespace (and every one PID 1 makes) belongs to the new user
 * namespace. Dies naming the missing kernel option or sysctl. */
pid_t userns_clone(void);

/* In the launcher: once PID 1 has said it is ready (one byte on
 * ready_fd), write its uid and gid maps (rootless: the caller's own ids
 * only), then one byte to go_fd. */
void userns_map(const struct config *cfg, bool rootless, pid_t child, int ready_fd,
		int go_fd);

/* In PID 1 and hutch exec, once in the namespace: uid and gid 0 of it
 * and, unless rootless, no supplementary groups of the host. Dies if the
 * kernel refuses. */
void userns_become_root(bool rootless);

/* In PID 1: wait for the maps (go_fd), then take uid and gid 0 of the
 * namespace and, unless rootless, no supplementary groups of the host. */
void userns_enter(int go_fd, bool rootless);

#else
/* Built without user namespaces: root runs every sandbox, and an
 * ordinary user is told so; --userns itself is refused by the parser. */
static inline bool userns_rootless(void)
{
	return geteuid() != 0;
}

static inline const char *userns_refusal(const struct config *cfg)
{
	(void)cfg;
	return userns_rootless() ? "an ordinary user cannot make namespaces: "
				   "run hutch as root" : NULL;
}

static inline const char *userns_forbidden(void)
{
	return NULL;
}

static inline pid_t userns_clone(void)
{
	return -1;
}

static inline void userns_map(const struct config *cfg, bool rootless, pid_t child,
			      int ready_fd, int go_fd)
{
	(void)cfg;
	(void)rootless;
	(void)child;
	(void)ready_fd;
	(void)go_fd;
}

static inline void userns_enter(int go_fd, bool rootless)
{
	(void)go_fd;
	(void)rootless;
}

static inline void userns_become_root(bool rootless)
{
	(void)rootless;
}
#endif

#endif
