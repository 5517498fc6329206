/* SPDX-License-Identifier: MIT */
/* mounts.h - the sandbox's file system view. */
#ifndef HUTCH_MOUNTS_H
#define HUTCH_MOUNTS_H

#include <stdbool.h>

#include "config.h"
#include "runtime.h"
#include "mountfd.h"

/* In PID 1, inside its new mount namespace: makes the host's mounts
 * private, builds the root (proc, /dev, /tmp, the user's mounts), switches
 * into it, makes the view read-only where it must be and checks from
 * inside that every mask and read-only mount holds. Dies (exit 125) on
 * any failure; every change is inside the namespace, so the host is left
 * as it was. rt: the image and overlay the launcher opened, and whether
 * its caller is root (which state directories to mask). */
void mounts_setup(const struct config *cfg, const struct runtime *rt);

/* hutch oci: called by mounts_setup once the root is built, just before
 * the switch into it (the runtime's hooks run there, as runc runs them) */
extern void (*mounts_before_switch)(void);

/* /dev: a tmpfs with the host's harmless devices and each --device
 * bound in (dev.c); returns the descriptors of the mounts of /dev/shm,
 * /dev/pts (-1 if none) and /dev itself, which stay writable. */
void dev_setup(const struct config *cfg, int rootfd, int writable[3]);

/* mounts_view.c: after the root switch. */
struct view {
	bool read_only;		/* everything but `writable` read-only */
	int writable[CONFIG_MAX_MOUNTS + 8]; /* mount roots left writable */
	size_t n_writable;
};
/* Makes the view read-only (recursively) where it must be: everything but
 * the writable mounts under --read-only (and without --root), sysfs and
 * the cgroup file systems always. Then dies unless every mount that must
 * be read-only is: a check from inside, by mountinfo, before the service
 * runs. */
void view_read_only(const struct view *v);

#endif
