// SPDX-License-Identifier: MIT
/* image_mount.c - PID 1's side of image roots and the overlay (image.h):
 * the image on a loop device, mounted read-only, and the overlay over
 * it or over a directory root, all in PID 1's private mount namespace.
 * Nothing is mounted in the host's: the mounts live as long as the
 * namespace, and the loop device, attached with LO_FLAGS_AUTOCLEAR, is
 * detached by the kernel when its last mount goes, with the namespace,
 * however the sandbox ends (a stop, a SIGKILL of PID 1 or the launcher). */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "log.h"
#include "mountfd.h"
#include "sys.h"

#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A /* Linux 5.8 */
#endif
#define OVERLAYFS_MAGIC 0x794c7630

/* statfs's f_type of each image's file system, by enum image_type. */
static const unsigned long fs_magic[] = { 0, 0x73717368, 0xE0F5E1E2, 0xEF53 };

/* The image on loop device fd, read-only (the image was opened so, and
 * the flag says it), cleared by the kernel at the device's last close:
 * the mount's, once the namespace is gone. LOOP_CONFIGURE does it in one
 * step (5.8); before, LOOP_SET_FD then LOOP_SET_STATUS64 for the flag,
 * with a moment between in which a SIGKILL would leave the device bound
 * (losetup -d frees it). Returns 0 or an errno. */
static int loop_configure(int fd, const struct config *cfg, int image)
{
	struct loop_config lc;
	int err;

	memset(&lc, 0, sizeof lc);
	lc.fd = (unsigned)image;
	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	fmt((char *)lc.info.lo_file_name, sizeof lc.info.lo_file_name, "%s", cfg->root);
	if (ioctl(fd, LOOP_CONFIGURE, &lc) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return errno;
	if (ioctl(fd, LOOP_SET_FD, image))
		return errno;
	if (ioctl(fd, LOOP_SET_STATUS64, &lc.info) == 0)
		return 0;
	err = errno;
	ioctl(fd, LOOP_CLR_FD, 0);
	return err;
}

/* A free loop device with the image on it; dev its path. The device
 * LOOP_CTL_GET_FREE names can be taken by another process before hutch
 * binds it (EBUSY): then it asks again. */
static int loop_attach(const struct config *cfg, int image, char *dev, size_t size)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		die("--root %s: cannot open /dev/loop-control: %s (kernel option "
		    "CONFIG_BLK_DEV_LOOP)", cfg->root, error_text(errno));
	for (int tries = 0; tries < 64; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd, err;

		if (n < 0)
			die("--root %s: no free loop device: %s", cfg->root,
			    error_text(errno));
		fmt(dev, size, "/dev/loop%d", n);
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("--root %s: cannot open %s: %s", cfg->root, dev,
			    error_text(errno));
		err = loop_configure(fd, cfg, image);
		if (!err) {
			close(ctl);
			return fd;
		}
		close(fd);
		if (err != EBUSY)
			die("--root %s: cannot attach it to %s: %s", cfg->root, dev,
			    error_text(err));
	}
	die("--root %s: no free loop device (others took them first)", cfg->root);
}

/* A directory of the stage, made and opened as t (mounts.h). */
static void stage_dir(int stage, const char *name, struct target *t)
{
	if (mkdirat(stage, name, 0755) && errno != EEXIST)
		die("cannot make the stage's %s: %s", name, error_text(errno));
	t->dir = fcntl(stage, F_DUPFD_CLOEXEC, 3);
	t->fd = openat(stage, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	t->path = name;
	fmt(t->name, sizeof t->name, "%s", name);
	if (t->fd < 0 || t->dir < 0)
		die("cannot open the stage's %s: %s", name, error_text(errno));
}

/* The stage: a tmpfs stacked on the host's / in this namespace. "/"
 * still names the host's root (a lookup starts at the process's root,
 * under the stack), so host paths (bind sources, /dev, /proc/self/fd)
 * are as they were; "/.." climbs from that root and the kernel then
 * follows the mounts on it: the stage, and only from here. Unbindable:
 * a recursive --bind of a host path never carries it along. */
static int stage_mount(void)
{
	struct stat host, st;
	struct statfs sf;
	int fd;

	if (stat_at(AT_FDCWD, "/", &host, 0) ||
	    mount("tmpfs", "/", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=64k"))
		die("cannot mount the stage for the root: %s", error_text(errno));
	fd = open("/..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || fstatfs(fd, &sf) || st.st_dev == host.st_dev ||
	    (unsigned long)sf.f_type != TMPFS_MAGIC_NR)
		die("cannot reach the stage for the root");
	if (mount(NULL, fd_path(fd), NULL, MS_UNBINDABLE, NULL))
		die("cannot make the stage unbindable: %s", error_text(errno));
	return fd;
}

/* The image, read-only, on the stage's dir `name`: its root's descriptor. */
static int image_mount(const struct config *cfg, const struct runtime *rt, int stage,
		       const char *name)
{
	const char *type = image_part_name(rt->image_type);
	struct target t;
	char dev[32];
	int loop = loop_attach(cfg, rt->image_fd, dev, sizeof dev), root;

	stage_dir(stage, name, &t);
	if (mount(dev, fd_path(t.fd), type, MS_RDONLY | MS_NOSUID | MS_NODEV, NULL)) {
		if (errno == ENODEV)
			die("--root %s: this kernel has no %s file system (kernel "
			    "option CONFIG_%s)", cfg->root, type,
			    image_part_config(rt->image_type));
		die("--root %s: the kernel refused the %s image on %s: %s (cut short "
		    "or corrupt? dmesg says why)", cfg->root, type, dev,
		    error_text(errno));
	}
	/* the mount holds the device now: its last user */
	close(loop);
	root = mounted_root(&t, fs_magic[rt->image_type], NULL);
	target_close(&t);
	log_debug("%s image %s mounted read-only from %s", type, cfg->root, dev);
	return root;
}

/* Where upper and work go: --overlay tmpfs's own tmpfs, at its size,
 * on the stage (not the stage itself: overlayfs clones its layers' mounts,
 * and an unbindable one cannot be cloned); or DIR, opened again in this
 * namespace (the launcher's descriptor names the host's mount, which
 * overlayfs refuses as not ours) and held to be the same directory. DIR
 * is locked for the sandbox's life (flock on the launcher's descriptor,
 * which PID 1 keeps): two overlays on one upper layer corrupt each
 * other, and the kernel only warns unless its index is on. trusted: the
 * launcher's descriptor of DIR. */
static int layers_dir(const struct config *cfg, int trusted_fd, int stage)
{
	char data[48];
	struct target t;
	struct stat st, trusted;
	int fd;

	if (cfg->overlay_dir) {
		if (flock(trusted_fd, LOCK_EX | LOCK_NB))
			die("--overlay %s: %s", cfg->overlay_dir, errno == EWOULDBLOCK ?
			    "another sandbox has it as its overlay" : error_text(errno));
		fd = open(cfg->overlay_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || fstat(trusted_fd, &trusted) ||
		    st.st_dev != trusted.st_dev || st.st_ino != trusted.st_ino)
			die("--overlay %s was replaced while hutch started", cfg->overlay_dir);
		return fd;
	}
	fmt(data, sizeof data, cfg->overlay_size ? "mode=0755,size=%llu" :
	    "mode=0755,size=10%%", (unsigned long long)cfg->overlay_size);
	stage_dir(stage, "rw", &t);
	mount_on(t.fd, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, data, "rw");
	fd = mounted_root(&t, TMPFS_MAGIC_NR, NULL);
	target_close(&t);
	return fd;
}

/* DIR/upper and DIR/work, made when missing, or the tmpfs's own. */
static void layers(const struct config *cfg, int trusted_fd, int stage, int fd[2])
{
	static const char names[][6] = { "upper", "work" };
	int at = layers_dir(cfg, trusted_fd, stage);

	for (int i = 0; i < 2; i++) {
		struct stat st;

		if (mkdirat(at, names[i], 0755) && errno != EEXIST)
			die("--overlay %s: cannot make %s: %s", cfg->overlay_dir ?
			    cfg->overlay_dir : "tmpfs", names[i], error_text(errno));
		fd[i] = openat(at, names[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd[i] < 0 || fstat(fd[i], &st) || st.st_uid)
			die("--overlay %s: %s is not a directory of root's", cfg->overlay_dir,
			    names[i]);
	}
	close(at);
}

/* The overlay on the stage's "root": lower the image's or the root
 * directory, upper and work from layers(). By descriptor, as every
 * mount of hutch's: /proc/self/fd/N in the options is resolved by the
 * kernel to what N holds. */
static int overlay_mount(const struct config *cfg, const struct runtime *rt, int stage,
			 int lower)
{
	char data[160];
	struct target t;
	int layer[2], root;

	layers(cfg, rt->overlay_fd, stage, layer);
	fmt(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", fd_path(lower),
	    fd_path(layer[0]), fd_path(layer[1]));
	stage_dir(stage, "root", &t);
	if (mount("overlay", fd_path(t.fd), "overlay", MS_NOSUID | MS_NODEV, data)) {
		int err = errno;
		if (err == ENODEV)
			die("--overlay: this kernel has no overlayfs (kernel option "
			    "CONFIG_OVERLAY_FS)");
		die("--overlay %s: the kernel refused the overlay: %s%s", cfg->overlay_dir ?
		    cfg->overlay_dir : "tmpfs", error_text(err), err == ELOOP ?
		    " (its layers overlap)" : " (dmesg says why)");
	}
	root = mounted_root(&t, OVERLAYFS_MAGIC, NULL);
	target_close(&t);
	close(layer[0]);
	close(layer[1]);
	log_debug("overlay over %s, writes in %s", cfg->root,
		  cfg->overlay_dir ? cfg->overlay_dir : "a tmpfs");
	return root;
}

int image_root(const struct config *cfg, const struct runtime *rt)
{
	bool overlay = cfg->overlay_tmpfs || cfg->overlay_dir;
	int stage, lower, root;

	if (!rt->image_type && !overlay)
		return -1;
	stage = stage_mount();
	if (rt->image_type)
		lower = image_mount(cfg, rt, stage, overlay ? "image" : "root");
	else
		lower = open(cfg->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (lower < 0)
		die("cannot enter %s: %s", cfg->root, error_text(errno));
	root = overlay ? overlay_mount(cfg, rt, stage, lower) : lower;
	if (root != lower)
		close(lower);
	close(stage);
	if (fchdir(root))
		die("cannot enter %s: %s", cfg->root, error_text(errno));
	return root;
}
