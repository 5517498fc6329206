/* SPDX-License-Identifier: MIT */
/* dev.c - a minimal /dev: a small tmpfs holding only the host's harmless
 * character devices (bind-mounted, so no mknod is needed and nothing new
 * reaches the hardware), a private devpts and a /dev/shm. Everything is
 * made through the new tmpfs's own descriptor: nobody else can write in
 * it, so once it is mounted nothing in it can be redirected. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mounts.h"
#include "profile.h"
#include "sys.h"

/* NUL-separated strings rather than pointer arrays: smaller. */
static const char devices[] = "null\0zero\0full\0random\0urandom\0tty\0";

/* Pairs: the link in /dev, then what it points to. */
static const char links[] = "fd\0/proc/self/fd\0stdin\0/proc/self/fd/0\0"
			    "stdout\0/proc/self/fd/1\0stderr\0/proc/self/fd/2\0"
			    "ptmx\0pts/ptmx\0";

static const char *next_word(const char *s)
{
	return s + strlen(s) + 1;
}

/* Creates /dev/NAME (a directory, or an empty file to bind onto) in the
 * fresh tmpfs dev and opens it as a mount target. */
static void dev_entry(int dev, const char *name, bool is_dir, struct target *t)
{
	int fd = is_dir ? mkdirat(dev, name, 0755) :
			  openat(dev, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	if (fd < 0 || (!is_dir && close(fd)))
		die("cannot create /dev/%s: %s", name, error_text(errno));
	t->dir = dev;
	t->path = name;
	fmt(t->name, sizeof t->name, "%s", name);
	t->fd = openat(dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (t->fd < 0)
		die("cannot create /dev/%s: %s", name, error_text(errno));
}

/* The host's node at host (its stat in st), bound read-only as /dev/NAME:
 * the device itself stays readable and writable (a read-only mount does
 * not apply to a device's data), but chmod, chown and utimes on the
 * host's inode are refused (EROFS). The new mount must be a bind of that
 * very node (mounted_root), whatever was renamed meanwhile. */
static void bind_device(int dev, const char *name, const char *host,
			const struct stat *st)
{
	struct target t;
	int root;

	dev_entry(dev, name, false, &t);
	mount_on(t.fd, host, NULL, MS_BIND, NULL, host + 1);
	root = mounted_root(&t, 0, st);
	restrict_mount(root, MOUNT_ATTR_RDONLY, host + 1);
	close(root);
	close(t.fd);
}

static void bind_standard(int dev, const char *name)
{
	char host[32];
	struct stat st;

	fmt(host, sizeof host, "/dev/%s", name);
	if (stat_at(AT_FDCWD, host, &st, 0))
		die("the host has no %s: mount devtmpfs on /dev (kernel option "
		    "CONFIG_DEVTMPFS)", host);
	bind_device(dev, name, host, &st);
}

/* --device PATH: the host's node, bound as /dev/NAME like the standard
 * ones; the launcher checked that PATH is a device node, and the cgroup
 * allows it (cgroup_devices.c). */
static void bind_given(int dev, const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const char *path = cfg->device_path[i];
		struct stat st;

		if (stat_at(AT_FDCWD, path, &st, 0))
			die("--device %s: %s", path, error_text(errno));
		bind_device(dev, strrchr(path, '/') + 1, path, &st);
	}
}

/* A pty instance of the sandbox's own (newinstance): it sees none of the
 * host's terminals. A kernel without ptys (CONFIG_UNIX98_PTYS=n, as on
 * some routers) is no reason to refuse a service that needs none. */
static int mount_devpts(int dev)
{
	struct target t;
	int root = -1;

	dev_entry(dev, "pts", true, &t);
	if (mount("devpts", fd_path(t.fd), "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") == 0)
		root = mounted_root(&t, DEVPTS_MAGIC, NULL);
	else if (errno != ENODEV)
		die("cannot mount devpts on /dev/pts: %s", error_text(errno));
	else
		log_info("no devpts in this kernel (CONFIG_UNIX98_PTYS): the sandbox "
			 "has no ptys");
	close(t.fd);
	return root;
}

/* hutch oci's linux.devices: a node's parent directories (0755, as
 * runc's MkdirAll), made in the tmpfs dev */
static void node_parents(int dev, const char *name)
{
	char dir[128];

	for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		if ((size_t)(s - name) >= sizeof dir)
			die("cannot create /dev/%s: too long", name);
		memcpy(dir, name, (size_t)(s - name));
		dir[s - name] = 0;
		if (mkdirat(dev, dir, 0755) && errno != EEXIST)
			die("cannot create /dev/%s: %s", dir, error_text(errno));
	}
}

/* Each node of linux.devices, made by mknodat(2) with its owner, then
 * its mode set exactly (the umask would take bits off, runc's is 0; a
 * chown after would clear set-id bits). The tmpfs is nodev, where a
 * device node opens nothing: a device is bound onto itself and that
 * mount's nodev cleared, as hutch's own nodes are mounts of their own.
 * Whether it opens is the cgroup device list's to say, as under runc. */
static void make_nodes(int dev, const struct config *cfg)
{
	for (size_t i = 0; HUTCH_OCI && i < cfg->n_dev_nodes; i++) {
		const struct dev_node *d = &cfg->dev_nodes[i];
		int fd, top;

		node_parents(dev, d->name);
		if (mknodat(dev, d->name, d->mode, makedev(d->major, d->minor)) ||
		    fchownat(dev, d->name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) ||
		    fchmodat(dev, d->name, d->mode & 07777, 0))
			die("cannot create /dev/%s: %s", d->name, error_text(errno));
		if (S_ISFIFO(d->mode))
			continue;
		fd = openat(dev, d->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			die("cannot open /dev/%s: %s", d->name, error_text(errno));
		mount_on(fd, fd_path(fd), NULL, MS_BIND, NULL, d->name);
		top = openat(dev, d->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (top < 0 || mount_attrs(top, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
					   MOUNT_ATTR_NODEV, 0))
			die("cannot make /dev/%s a device: %s (mount_setattr, Linux "
			    "5.12)", d->name, error_text(errno));
		close(top);
		close(fd);
	}
}

static bool shm_given(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (!strcmp(cfg->mounts[i].dst, "/dev/shm"))
			return true;
	return false;
}

void dev_setup(const struct config *cfg, int rootfd, int writable[3])
{
	struct target t;
	int dev;

	mount_point(rootfd, "dev", true, true, &t);
	/* nodev on the tmpfs itself: a node created in it later (mknod needs
	 * CAP_MKNOD anyway) opens nothing; the bound devices are mounts of
	 * their own and keep working. */
	mount_on(t.fd, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		 "mode=755,size=64k", "dev");
	dev = mounted_root(&t, TMPFS_MAGIC_NR, NULL);
	target_close(&t);
	for (const char *d = devices; *d; d = next_word(d))
		bind_standard(dev, d);
	bind_given(dev, cfg);
	make_nodes(dev, cfg);
	writable[1] = mount_devpts(dev);
	for (const char *l = links; *l; l = next_word(next_word(l)))
		if (symlinkat(next_word(l), dev, l))
			die("cannot create /dev/%s: %s", l, error_text(errno));
	/* The same default size as /tmp (mounts.c); a mount the
	 * configuration puts there (Podman's bind of its own shm) takes
	 * its place rather than hiding it. */
	dev_entry(dev, "shm", true, &t);
	writable[0] = -1;
	if (!shm_given(cfg)) {
		mount_on(t.fd, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			 "mode=1777,size=10%", "dev/shm");
		writable[0] = mounted_root(&t, TMPFS_MAGIC_NR, NULL);
	}
	close(t.fd);
	/* Writable under --read-only too, as before: a service may make its
	 * socket there (/dev/log); it is 64 KiB, nodev and noexec. */
	writable[2] = dev;
	log_debug("/dev: null zero full random urandom tty, pts, shm");
}
