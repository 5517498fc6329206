/* mounts.h - the sandbox's file system view. */
#ifndef HUTCH_MOUNTS_H
#define HUTCH_MOUNTS_H

#include <stdbool.h>

#include "config.h"

/* In PID 1, inside its new mount namespace: makes the host's mounts
 * private, builds the root (proc, /dev, /tmp, the user's mounts), switches
 * into it and applies --read-only. Dies (exit 125) on any failure; every
 * change is inside the namespace, so the host is left as it was. */
void mounts_setup(const struct config *cfg);

/* Removes the mount points mounts_setup created in the root image (die()
 * calls it while PID 1 sets up). */
void mounts_undo(void);

/* Shared with dev.c. Paths are relative to the current directory, which
 * is the root being built. */
void mount_point(const char *path, bool is_dir, bool may_create);
void mount_or_die(const char *src, const char *target, const char *type,
		  unsigned long flags, const char *data);

/* /dev: a tmpfs with the host's harmless devices bound in (dev.c). */
void dev_setup(void);

/* --device: each host node bound as /dev/NAME (dev.c). */
void dev_add(const struct config *cfg);

#endif
