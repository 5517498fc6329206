/* SPDX-License-Identifier: MIT */
/* privs.h - who the service runs as and what it may do: user and groups,
 * capabilities (bounding set included), no_new_privs, rlimits, umask. */
#ifndef HUTCH_PRIVS_H
#define HUTCH_PRIVS_H

#include "config.h"
#include "runtime.h"

/* In PID 1 once the root is switched: resolves --user in the sandbox's own
 * /etc/passwd and /etc/group (never the host's, never falling back to
 * root). Dies (exit 125) if a name is not there. Returns the home
 * directory for the service's HOME ("/" without --user). */
const char *privs_resolve(const struct config *cfg);

/* hutch check's: the same lookup in the image whose root is the
 * descriptor root, with its refusals reported to pf (preflight.h). */
struct preflight;
bool privs_check(const struct config *cfg, int root, struct preflight *pf);

/* In the service child, before exec: umask, rlimits, capability bounding
 * set, groups, gid, uid, capabilities (ambient ones for a non-root user),
 * no_new_privs. rootless: the launcher's caller is not root (runtime.h).
 * Returns 0, or -errno with *step naming what failed. */
int privs_drop(const struct config *cfg, bool rootless, const char **step);

/* PID 1 once set up: keeps only PID1_CAPS (privs.c) and the --cap-keep ones (which
 * it hands on), in its bounding set too. */
void privs_drop_pid1(const struct config *cfg);

/* PID 1 and the launcher: not dumpable, so the service cannot ptrace them
 * or reach their /proc/PID/{mem,root,fd,environ}. */
void privs_lock_self(void);

/* The launcher and PID 1: protects the calling process from the OOM
 * killer (oom_score_adj -1000) when rt->oom_score_adj holds the caller's
 * value (root only). Returns 0 or -errno. */
int oom_protect(const struct runtime *rt);

#endif
