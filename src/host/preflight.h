/* SPDX-License-Identifier: MIT */
/* preflight.h - the launcher's refusals of a start (refusal.h has the
 * report and the checks the features share), each one function that the
 * start and `hutch check` both call: the start with no report (the first
 * refusal dies: one line, exit 125), check with one (every refusal is a
 * "missing" line and the check fails). One source of truth: check cannot
 * pass what a start would refuse. */
#ifndef HUTCH_PREFLIGHT_H
#define HUTCH_PREFLIGHT_H

#include "config.h"
#include "runtime.h"
#include "refusal.h" /* struct preflight, preflight_fail */

/* The host's side, before anything is made: --root, the bind sources,
 * the --device and --io-max nodes (their numbers into rt), --pidfile
 * and --output not too long (absolute since options_complete). A root image and --overlay's DIR are
 * opened into rt (image.h). */
void preflight_host(const struct config *cfg, struct runtime *rt, struct preflight *pf);

/* --cpu within the CPUs online. */
void preflight_cpus(const struct config *cfg, struct preflight *pf);

/* check only: what PID 1 would refuse in the root image (the mount
 * points, --workdir, --user, the command, --health's /bin/sh), judged from the host without
 * mounting or making anything. */
void preflight_image(const struct config *cfg, struct preflight *pf);

#endif
