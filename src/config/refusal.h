/* SPDX-License-Identifier: MIT */
/* refusal.h - how a start and `hutch check` refuse a configuration on
 * this host (preflight.h says why one function serves both), and the
 * checks of host paths that the features, PID 1 and the launcher share.
 * Below them all (config/): a feature reports through it without
 * depending on the launcher. */
#ifndef HUTCH_REFUSAL_H
#define HUTCH_REFUSAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "log.h"

/* The service's PATH unless --env gives one: what a BusyBox root has. */
#define SERVICE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* PID 1's refusal of a --workdir (path, error), said by check alike. */
#define WORKDIR_MISSING "--workdir %s: %s in the sandbox: create it in the root " \
			"image, or give another --workdir"

struct preflight {
	bool failed; /* a refusal was reported */
	char *first; /* a rebuild's: the first refusal's text, not printed */
	size_t size;
};

/* pf NULL: die() with the text. Else "missing  TEXT" on stdout (with
 * pf->first, only the first TEXT, into it), and pf->failed. Returns
 * false, for `return preflight_fail(...)`. */
bool preflight_fail(struct preflight *pf, const char *fmt, ...) HUTCH_PRINTF(2, 3);

/* --log kmsg|syslog: the start's descriptor (log_open), check's connect
 * only; -1 for stderr; -errno after a refusal. */
int preflight_log(const struct config *cfg, struct preflight *pf);

/* The directory of a host path hutch writes as root (--pidfile,
 * --output), reached through trust.h's checked walk: its O_PATH
 * descriptor and *name, or -errno after a refusal naming option. */
int preflight_trusted_dir(const char *option, const char *path, const char **name,
			  struct preflight *pf);

/* --pidfile's directory, as preflight_trusted_dir, and -EEXIST after a
 * refusal when something else than a regular file has the name. */
int preflight_pidfile(const char *path, const char **name, struct preflight *pf);

#endif
