/* SPDX-License-Identifier: MIT */
/* launcher.h - the host side of a sandbox. */
#ifndef HUTCH_LAUNCHER_H
#define HUTCH_LAUNCHER_H

#include "config.h"

/* Checks what can be checked on the host, starts PID 1 of a new PID
 * namespace, forwards signals to it and returns its exit code. argv, as
 * parsed into cfg, is parsed again for hutch restart --rebuild. */
int launcher_run(struct config *cfg, int argc, char **argv);

/* Protects the calling process from the OOM killer (oom_score_adj -1000)
 * when cfg->oom_score_adj holds the caller's value (root only). Returns 0 or -errno. */
int oom_protect(const struct config *cfg);

#endif
