/* SPDX-License-Identifier: MIT */
/* launcher.h - the host side of a sandbox. */
#ifndef HUTCH_LAUNCHER_H
#define HUTCH_LAUNCHER_H

#include "config.h"

/* Checks what can be checked on the host, starts PID 1 of a new PID
 * namespace, forwards signals to it and returns its exit code. argv, as
 * parsed into cfg, is parsed again for hutch restart --rebuild. */
int launcher_run(const struct config *cfg, int argc, char **argv);

#endif
