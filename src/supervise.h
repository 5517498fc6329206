/* supervise.h - PID 1's loop: start, reap, forward, restart, stop. */
#ifndef HUTCH_SUPERVISE_H
#define HUTCH_SUPERVISE_H

#include "config.h"

/* Runs until the service is done for good; returns hutch's exit code.
 * Expects every signal of supervised_signals() blocked. oom_fd (or -1) is
 * the cgroup's OOM event file, to tell an OOM kill from others. */
int supervise(const struct config *cfg, char **envp, int oom_fd);

#endif
