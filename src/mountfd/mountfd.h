/* SPDX-License-Identifier: MIT */
/* mountfd.h - mount points looked up once, mounts made on descriptors:
 * PID 1's root (mounts.c, dev.c), the image roots' stage (image_mount.c)
 * and hutch check's walk of the image (preflight.c) use the same. */
#ifndef HUTCH_MOUNTFD_H
#define HUTCH_MOUNTFD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#ifndef MOUNT_ATTR_RDONLY /* glibc's sys/mount.h has them, musl's not */
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#define MOUNT_ATTR_NOATIME 0x10
#define MOUNT_ATTR_STRICTATIME 0x20
#define MOUNT_ATTR__ATIME 0x70 /* the three atime modes; relatime is 0 */
#define MOUNT_ATTR_NODIRATIME 0x80
#endif
#define PROC_MAGIC 0x9fa0
#define TMPFS_MAGIC_NR 0x01021994
#define DEVPTS_MAGIC 0x1cd1
#define SYSFS_MAGIC 0x62656572
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270

struct target {
	int fd;		  /* O_PATH: the mount point itself */
	int dir;	  /* O_PATH: the directory holding it */
	const char *path; /* for messages, relative to the root */
	char name[NAME_MAX + 1];
};

/* Opens `path` (relative) under rootfd into t, one component at a time
 * without following symlinks, creating what is missing when may_create;
 * dies on a symlink or a component of the wrong type. */
void mount_point(int rootfd, const char *path, bool is_dir, bool may_create,
		 struct target *t);
/* hutch check's: the same walk, nothing made; false after a refusal
 * reported to pf (preflight.h). */
struct preflight;
bool mount_point_check(int rootfd, const char *path, bool is_dir, bool may_create,
		       struct preflight *pf);
void target_close(struct target *t);
/* "/proc/self/fd/N" (one of four rotating buffers). */
const char *fd_path(int fd);
/* mount(2), or dies naming `shown` (relative to the root). */
void mount_at(const char *target, const char *src, const char *type,
	      unsigned long flags, const char *data, const char *shown);
/* mount(2) onto a descriptor. */
void mount_on(int fd, const char *src, const char *type, unsigned long flags,
	      const char *data, const char *shown);
/* The root of the mount just made on t: a fresh file system of `type`,
 * or with source set, a bind of that file. Dies if it is not. */
int mounted_root(const struct target *t, unsigned long type, const struct stat *source);
/* mount_setattr(2) on fd (recursive: AT_RECURSIVE or 0); -1 with errno. */
int mount_attrs(int fd, uint64_t set, uint64_t clear, unsigned recursive);
/* MOUNT_ATTR_* set on fd's mount and all below it (Linux 5.12), or on that
 * mount alone by a remount before; returns whether recursively. */
bool restrict_mount(int fd, unsigned attrs, const char *shown);

/* Removes the mount points mount_point created in the root image (die()
 * calls it while PID 1 sets up). */
void mounts_undo(void);

#endif
