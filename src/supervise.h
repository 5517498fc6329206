/* supervise.h - PID 1's loop: start, reap, forward, restart, stop. */
#ifndef HUTCH_SUPERVISE_H
#define HUTCH_SUPERVISE_H

#include "config.h"

/* Runs until the service is done for good; returns hutch's exit code.
 * Expects every signal of supervised_signals() blocked. */
int supervise(const struct config *cfg, char **envp);

#endif
