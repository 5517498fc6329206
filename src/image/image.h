/* SPDX-License-Identifier: MIT */
/* image.h - image roots and the overlay (HUTCH_IMAGE): --root IMAGE, a
 * squashfs, erofs or ext4 file attached to a loop device and mounted
 * read-only, and --overlay tmpfs[:SIZE]|DIR, a writable overlayfs layer
 * over the root (an image or a directory). The launcher judges and opens
 * the files (image.c); PID 1 attaches and mounts them in its own mount
 * namespace, so the host never sees the mounts and the loop device,
 * attached with LO_FLAGS_AUTOCLEAR, goes with the namespace
 * (image_mount.c). Without the feature the parser refuses --overlay, a
 * --root that is a file is refused by name, and these are stubs. */
#ifndef HUTCH_IMAGE_H
#define HUTCH_IMAGE_H

#include <stdbool.h>

#include "config.h"
#include "runtime.h"
#include "profile.h"
#include "refusal.h"

/* What --root names, by the magic bytes in the file (never its name). */
enum image_type { IMAGE_DIR, IMAGE_SQUASHFS, IMAGE_EROFS, IMAGE_EXT4 };
/* What of the kernel they need: the loop driver, the three file systems
 * (by enum image_type), overlayfs. */
enum { IMAGE_PART_LOOP = 0, IMAGE_PART_OVERLAY = 4 };

#if HUTCH_IMAGE
/* --root names a regular file (st): opened through trust.h's walk (the
 * kernel parses it, and the loop device reads it while the service runs:
 * only the caller and root may be able to change it), its type told by
 * magic, its size held against its superblock's, the kernel's loop
 * driver and file system there. Sets rt->image_fd and image_type, or
 * refuses through pf (preflight.h). */
void image_preflight(const struct config *cfg, struct runtime *rt, struct preflight *pf);

/* --overlay: overlayfs in the kernel, and DIR (absolute) trusted, a
 * directory, on a file system overlayfs takes as an upper layer, not in
 * the root directory; rt->overlay_fd set. */
void overlay_preflight(const struct config *cfg, struct runtime *rt, struct preflight *pf);

/* Whether the kernel has part (the loop driver: /dev/loop-control; a
 * file system: in /proc/filesystems); its name ("squashfs") and kernel
 * option without "CONFIG_" ("SQUASHFS"), for hutch check and the refusals. */
bool image_kernel_has(int part);
const char *image_part_name(int part);
const char *image_part_config(int part);

/* The launcher, once PID 1 has them: its copies closed, the type
 * forgotten. */
void image_release(struct runtime *rt);

/* PID 1, in its private mount namespace: the root as a mount of its own
 * (the image on a loop device, with the overlay over it when asked, or
 * the overlay over a directory root), made on a tmpfs stacked over the
 * host's / (reachable only as "/.." from here, and unbindable, so no
 * --bind of a host path carries it along). Returns the root's O_PATH
 * descriptor with the working directory in it; -1 for a plain directory
 * root, which mounts.c binds as before. Dies (125) naming what is
 * missing or refused. */
int image_root(const struct config *cfg, const struct runtime *rt);
#else
static inline void image_preflight(const struct config *cfg, struct runtime *rt,
				   struct preflight *pf)
{
	(void)rt;
	preflight_fail(pf, "--root %s is a file, not a directory: image roots: "
		       NOT_BUILT_FMT, cfg->root, "image");
}
static inline void overlay_preflight(const struct config *cfg, struct runtime *rt,
				     struct preflight *pf)
{
	(void)cfg;
	(void)rt;
	(void)pf;
}
static inline bool image_kernel_has(int part)
{
	(void)part;
	return false;
}
static inline const char *image_part_name(int part)
{
	(void)part;
	return "";
}
static inline const char *image_part_config(int part)
{
	(void)part;
	return "";
}
static inline void image_release(struct runtime *rt)
{
	(void)rt;
}
static inline int image_root(const struct config *cfg, const struct runtime *rt)
{
	(void)cfg;
	(void)rt;
	return -1;
}
#endif

#endif
