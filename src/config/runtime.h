/* SPDX-License-Identifier: MIT */
/* runtime.h - what a start finds out and opens on the host, beside the
 * options it was given: who the caller is, its terminal and OOM score,
 * the numbers of the nodes --device and --io-max name, and the
 * descriptors PID 1 inherits. */
#ifndef HUTCH_RUNTIME_H
#define HUTCH_RUNTIME_H

#include <stdbool.h>

#include "config.h" /* struct dev_rule, the capacities */

/* The launcher owns the one instance (struct launch, host/launcher.c)
 * and hands it to what needs it; the start's checks it runs fill the
 * descriptors (the image and --overlay's DIR: image.c; the service's
 * output: output.c, daemon.c) and the nodes' numbers (preflight.c).
 * PID 1 and the service's child read it in the memory they inherit at
 * the fork. hutch check, hutch exec and hutch oci make their own (set
 * at run time, not by a static initializer, which would put its arrays'
 * zeros into the file). Not in struct config, so that a const struct config
 * is the options as parsed; not in host/, because the state directory,
 * the features and PID 1 read it, and they sit below the launcher
 * (docs/design.md, "Source layout"; tests/static/deps.t). */
struct runtime {
	bool rootless;	       /* not root: --userns maps the caller's ids */
	bool tty_foreground;   /* stdin is our terminal and we are in front */
	char oom_score_adj[8]; /* the service's: the caller's, or config.json's
				* (hutch oci); "": leave it */
	int output_fd;	       /* the service's stdout and stderr: --output's
				* pipe, --daemon's /dev/null; -1: the caller's */
	int image_fd;	       /* --root IMAGE: the file, opened by the trusted walk */
	int image_type;	       /* enum image_type (image.h); 0: a directory root */
	int overlay_fd;	       /* --overlay DIR: DIR, opened by the trusted walk */
	/* --device's and --io-max's nodes as this host numbers them (stat,
	 * preflight.c), for the group's rules: found, not given */
	struct dev_rule devices[CONFIG_MAX_DEVICES]; /* access: --device's */
	struct dev_number {
		unsigned major, minor;
	} io_dev[CONFIG_MAX_IO];
};

/* Nothing found, no descriptor opened: where every start begins. */
#define RUNTIME_INIT { .output_fd = -1, .image_fd = -1, .overlay_fd = -1 }

#endif
