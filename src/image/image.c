// SPDX-License-Identifier: MIT
/* image.c - the launcher's side of image roots and the overlay (image.h;
 * --overlay's value is options_image.c's): what a start (and hutch check)
 * judges before anything is made: the image file, opened once through the trusted walk
 * and told by its magic bytes, the overlay's DIR, and the kernel's
 * support for each. PID 1 then uses the descriptors (image_mount.c). */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h> /* ST_RDONLY, as statfs(2) reports it */
#include <sys/vfs.h>
#include <unistd.h>

#include "sys.h"
#include "trust.h"

/* Per part (image.h): its name and its kernel option, NUL-separated. */
static const char parts[] = "loop\0BLK_DEV_LOOP\0squashfs\0SQUASHFS\0erofs\0"
			    "EROFS_FS\0ext4\0EXT4_FS\0overlay\0OVERLAY_FS";

static const char *nth(unsigned i)
{
	const char *p = parts;

	while (i--)
		p += strlen(p) + 1;
	return p;
}

const char *image_part_name(int part)
{
	return nth(2 * (unsigned)part);
}

/* "CONFIG_" is in the callers' formats */
const char *image_part_config(int part)
{
	return nth(2 * (unsigned)part + 1);
}

/* A file system in /proc/filesystems ("nodev\tproc", "\text4"). */
static void note_fs(char *entry, void *arg)
{
	const char **want = arg;
	const char *tab = strchr(entry, '\t');

	if (*want && tab && !strcmp(tab + 1, *want))
		*want = NULL;
}

bool image_kernel_has(int part)
{
	const char *want = image_part_name(part);

	if (part == IMAGE_PART_LOOP)
		return access("/dev/loop-control", F_OK) == 0;
	return each_line("/proc/filesystems", note_fs, &want) == 0 && !want;
}

static bool kernel_has(int part, const char *option, struct preflight *pf)
{
	if (image_kernel_has(part))
		return true;
	if (part == IMAGE_PART_LOOP)
		return preflight_fail(pf, "%s needs the loop driver: no /dev/loop-control "
				      "(kernel option CONFIG_%s, or modprobe loop)", option,
				      image_part_config(part));
	return preflight_fail(pf, "%s needs the %s file system: not in "
			      "/proc/filesystems (kernel option CONFIG_%s, or modprobe %s)",
			      option, image_part_name(part), image_part_config(part),
			      image_part_name(part));
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The type by magic, and the size the superblock says the file system
 * has: a shorter file is an image cut off (an interrupted copy). */
static int image_type(const unsigned char *b, uint64_t *size)
{
	const unsigned char *sb = b + 1024;

	if (!memcmp(b, "hsqs", 4)) { /* squashfs: bytes_used at 40 */
		*size = le32(b + 40) | (uint64_t)le32(b + 44) << 32;
		return IMAGE_SQUASHFS;
	}
	if (le32(sb) == 0xE0F5E1E2) { /* erofs: blocks at 36, blkszbits at 12 */
		*size = (uint64_t)le32(sb + 36) << (sb[12] & 31);
		return IMAGE_EROFS;
	}
	if (sb[56] == 0x53 && sb[57] == 0xEF) { /* ext2/3/4: s_blocks_count_lo */
		uint64_t blocks = le32(sb + 4);
		if (le32(sb + 0x60) & 0x80) /* INCOMPAT_64BIT: and _hi */
			blocks |= (uint64_t)le32(sb + 0x150) << 32;
		*size = blocks << (10 + (le32(sb + 24) & 15));
		return IMAGE_EXT4;
	}
	return IMAGE_DIR;
}

/* The image, opened through the trusted walk: the directories to it only
 * the caller's and root's, and so the file, which nobody else may be
 * able to write (O_NOFOLLOW: a symlink as the last name is followed by
 * the walk of its target, one hop at a time, if the caller or root owns
 * it). */
static int image_open(const char *path, struct preflight *pf)
{
	/* path points into cur from the second hop on, name into path: the
	 * link is read into a buffer of its own */
	char cur[512], link[512], next[512];
	const char *name;
	struct stat st;

	for (int hops = 0; hops < 8; hops++) {
		int dir = preflight_trusted_dir("--root", path, &name, pf), fd;
		ssize_t n;

		if (dir < 0)
			return dir == -EPERM ? -1 :
			       preflight_fail(pf, "--root %s: %s", path,
					      error_text(-dir)) - 1;
		fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
			    O_CLOEXEC);
		if (fd >= 0 || errno != ELOOP) {
			close(dir);
			return fd >= 0 ? fd : preflight_fail(pf, "--root %s: %s", path,
							    error_text(errno)) - 1;
		}
		n = readlinkat(dir, name, link, sizeof link - 1);
		if (n < 0 || stat_at(dir, name, &st, AT_SYMLINK_NOFOLLOW) ||
		    (st.st_uid && st.st_uid != geteuid())) {
			close(dir);
			return preflight_fail(pf, "--root %s: the symlink %s is not the "
					      "caller's or root's", path, name) - 1;
		}
		close(dir);
		link[n] = '\0';
		/* relative: from the link's directory (fmt has no %.*s) */
		n = link[0] == '/' ? 0 : name - path;
		if (n + strlen(link) >= sizeof next)
			break;
		memcpy(next, path, (size_t)n);
		memcpy(next + n, link, strlen(link) + 1);
		memcpy(cur, next, sizeof next);
		path = cur;
	}
	return preflight_fail(pf, "--root %s: too many symlinks", path) - 1;
}

void image_preflight(const struct config *cfg, struct runtime *rt, struct preflight *pf)
{
	unsigned char head[2048] = { 0 };
	struct stat st;
	uint64_t size = 0;
	int fd, type;

	if (cfg->userns)
		return (void)preflight_fail(pf, "--root %s is an image: not with "
					    "--userns (a disk's file system mounts in "
					    "the host's user namespace only)", cfg->root);
	fd = image_open(cfg->root, pf);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || pread(fd, head, sizeof head, 0) < 0) {
		preflight_fail(pf, "--root %s: %s", cfg->root, error_text(errno));
	} else if (!S_ISREG(st.st_mode) || (st.st_uid && st.st_uid != geteuid()) ||
		   (st.st_mode & 022)) {
		preflight_fail(pf, "--root %s: an image must be a regular file that "
			       "only its owner (the caller, uid %u, or root) can write",
			       cfg->root, (unsigned)geteuid());
	} else if (!(type = image_type(head, &size))) {
		preflight_fail(pf, "--root %s is neither a directory nor a squashfs, "
			       "erofs or ext4 image (no magic bytes of one)", cfg->root);
	} else if ((uint64_t)st.st_size < size) {
		preflight_fail(pf, "--root %s: %s image cut short: its superblock says "
			       "%llu bytes, the file has %llu", cfg->root,
			       image_part_name(type), (unsigned long long)size,
			       (unsigned long long)st.st_size);
	} else if (kernel_has(IMAGE_PART_LOOP, "--root IMAGE", pf) &&
		   kernel_has(type, "--root IMAGE", pf)) {
		rt->image_fd = fd;
		rt->image_type = type;
		return;
	}
	close(fd);
}

/* statfs's f_type of the file systems overlayfs refuses as an upper
 * layer, with their names: overlayfs itself (no d_type whiteouts of its
 * own: "not supported as upperdir"), and those without xattrs, d_type or
 * RENAME_WHITEOUT (Documentation/filesystems/overlayfs.rst). */
static const char *upper_refused(unsigned long type)
{
	switch (type) {
	case 0x794c7630: return "overlayfs";
	case 0x4d44: return "vfat";
	case 0x6969: return "nfs";
	case 0x9660: return "iso9660";
	case 0x73717368: return "squashfs";
	case 0xE0F5E1E2: return "erofs";
	default: return NULL;
	}
}

/* path at or below dir */
static bool inside(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

void overlay_preflight(const struct config *cfg, struct runtime *rt, struct preflight *pf)
{
	const char *dir = cfg->overlay_dir, *name, *bad;
	struct statfs sf;
	struct stat st;
	int parent, fd;

	if (!cfg->overlay_tmpfs && !dir)
		return;
	if (!kernel_has(IMAGE_PART_OVERLAY, "--overlay", pf) || !dir)
		return;
	/* Overlapping layers (overlayfs.rst): upper in lower the kernel
	 * takes (5.12+), but the service would see its own upper layer in
	 * its root; lower in upper it refuses (ELOOP). Both said here by
	 * path; what a symlink hides, the kernel still refuses. */
	if (!rt->image_type && (inside(dir, cfg->root) || inside(cfg->root, dir)))
		return (void)preflight_fail(pf, "--overlay %s and --root %s overlap: "
					    "give a directory outside the root, and "
					    "the root outside it", dir, cfg->root);
	parent = preflight_trusted_dir("--overlay", dir, &name, pf);
	if (parent < 0) {
		if (parent != -EPERM)
			preflight_fail(pf, "--overlay %s: %s", dir, error_text(-parent));
		return;
	}
	fd = trust_dir(parent, name, false);
	close(parent);
	if (fd < 0) {
		preflight_fail(pf, "--overlay %s: %s", dir, fd == -EPERM ?
			       "not the caller's or root's, or writable by others" :
			       error_text(-fd));
		return;
	}
	/* DIR/upper is the service's root, written with its ids: as root
	 * (without --userns) a setuid-root file it makes there is one on the
	 * host too, for any user who can reach it. Only root may enter DIR
	 * (that also keeps others from holding its lock). */
	if (!fstat(fd, &st) && (st.st_mode & 077)) {
		char mode[4] = { (char)('0' + (st.st_mode >> 6 & 7)),
				 (char)('0' + (st.st_mode >> 3 & 7)),
				 (char)('0' + (st.st_mode & 7)), '\0' };
		preflight_fail(pf, "--overlay %s is open to other users (mode %s): "
			       "what the service writes there, setuid files too, would "
			       "be theirs to run: chmod 700 %s", dir, mode, dir);
		close(fd);
		return;
	}
	bad = fstatfs(fd, &sf) ? error_text(errno) :
	      (sf.f_flags & ST_RDONLY) ? "a read-only mount" :
	      upper_refused((unsigned long)sf.f_type);
	if (bad) {
		preflight_fail(pf, "--overlay %s is on %s, which overlayfs does not "
			       "take as an upper layer: give a directory on ext4, f2fs, "
			       "btrfs, xfs, ubifs or tmpfs", dir, bad);
		close(fd);
		return;
	}
	rt->overlay_fd = fd;
}

void image_release(struct runtime *rt)
{
	if (rt->image_fd >= 0)
		close(rt->image_fd);
	if (rt->overlay_fd >= 0)
		close(rt->overlay_fd);
	rt->image_fd = rt->overlay_fd = -1;
	/* and forgotten: a rebuild's checks find out the next root's type */
	rt->image_type = IMAGE_DIR;
}
