/* SPDX-License-Identifier: MIT */
/* check.h - `hutch check`: the kernel probe. */
#ifndef HUTCH_CHECK_H
#define HUTCH_CHECK_H

#include "config.h"
#include "profile.h"

#if HUTCH_CHECK
/* Prints one line per feature; returns 0 when the configuration can run
 * here, 1 when something it needs is missing. */
int check_run(const struct config *cfg);

#else
static inline int check_run(const struct config *cfg)
{
	(void)cfg;
	return feature_refuse("check", F_CHECK);
}
#endif

#endif
