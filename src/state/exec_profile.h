/* SPDX-License-Identifier: MIT */
/* exec_profile.h - the state directory's "exec" file (HUTCH_CONTROL):
 * the configuration hutch exec enters a sandbox with. */
#ifndef HUTCH_EXEC_PROFILE_H
#define HUTCH_EXEC_PROFILE_H

#include "config.h"
#include "profile.h"

/* The launcher: what exec needs of the configuration, as the state
 * directory's "exec" file (mode 0600: --env values may be secrets). A
 * failure only means that hutch exec cannot enter this sandbox: it is
 * logged, and the sandbox runs. */
/* rootless: the launcher's caller is not root (runtime.h), which hutch
 * exec must know too. */
#if HUTCH_CONTROL
void exec_profile_write(int dirfd, const struct config *cfg, bool rootless);
#else
/* Built without the control commands, nobody reads it. */
static inline void exec_profile_write(int dirfd, const struct config *cfg, bool rootless)
{
	(void)dirfd;
	(void)cfg;
	(void)rootless;
}
#endif

/* hutch exec: cfg and *rootless from the profile; dies (exit 125) when
 * it is not one. */
void exec_profile_read(int dirfd, struct config *cfg, bool *rootless);

#endif
