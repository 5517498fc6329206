/* check.h - `hutch check`: the kernel probe. */
#ifndef HUTCH_CHECK_H
#define HUTCH_CHECK_H

#include "config.h"

/* Prints one line per feature; returns 0 when the configuration can run
 * here, 1 when something it needs is missing. */
int check_run(struct config *cfg);

#endif
