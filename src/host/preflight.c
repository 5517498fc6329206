/* SPDX-License-Identifier: MIT */
/* preflight.c - the refusals a start makes on the host before it changes
 * anything, and hutch check's look at the root image, both through
 * preflight_fail: a start dies at the first, a check lists them all. */
#include "preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup.h"
#include "image.h"
#include "kernel_calls.h"
#include "mounts.h"
#include "privs.h"
#include "sys.h"
#include "trust.h"

/* Judged as written (root_arg), from the working directory the parse
 * made cfg->root absolute from: the refusals name it as the user gave it. */
static void root_dir(const struct config *cfg, struct runtime *rt, struct preflight *pf)
{
	const char *root = cfg->root_arg;
	struct stat st, host_root;

	if (stat_at(AT_FDCWD, root, &st, 0))
		preflight_fail(pf, "root %s: %s", root, error_text(errno));
	else if (S_ISREG(st.st_mode))
		image_preflight(cfg, rt, pf); /* an image (image.h) */
	else if (!S_ISDIR(st.st_mode))
		preflight_fail(pf, "root %s is not a directory", root);
	else if (stat_at(AT_FDCWD, "/", &host_root, 0) == 0 &&
		 st.st_dev == host_root.st_dev && st.st_ino == host_root.st_ino)
		preflight_fail(pf, "root %s is the host's own root: leave --root out "
			       "to keep it", root);
}

/* --device: a node, whose type and numbers the allow-list needs (in
 * rt: the host's, not the options'). stat follows links:
 * /dev/serial/by-id/... names the node. */
static void devices(const struct config *cfg, struct runtime *rt, struct preflight *pf)
{
	struct stat st;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		struct dev_rule *d = &rt->devices[i];
		d->access = cfg->device_access[i];
		if (stat_at(AT_FDCWD, cfg->device_path[i], &st, 0)) {
			preflight_fail(pf, "--device %s: %s", cfg->device_path[i],
				       error_text(errno));
			continue;
		}
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			preflight_fail(pf, "--device %s is not a device node: give the "
				       "node in /dev", cfg->device_path[i]);
		d->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
		d->major = major(st.st_rdev);
		d->minor = minor(st.st_rdev);
	}
}

/* --io-max: the block device's numbers, which the throttle files take
 * (in rt, as --device's). stat follows links: /dev/disk/by-id/... names
 * the disk. */
static void io_devices(const struct config *cfg, struct runtime *rt, struct preflight *pf)
{
	struct stat st;

	for (size_t i = 0; i < cfg->n_io_max; i++) {
		const struct io_limit *io = &cfg->io_max[i];
		if (stat_at(AT_FDCWD, io->path, &st, 0)) {
			preflight_fail(pf, "--io-max %s: %s", io->path, error_text(errno));
			continue;
		}
		if (!S_ISBLK(st.st_mode))
			preflight_fail(pf, "--io-max %s is not a block device: give a "
				       "disk's node, e.g. /dev/mmcblk0 or /dev/sda", io->path);
		rt->io_dev[i].major = major(st.st_rdev);
		rt->io_dev[i].minor = minor(st.st_rdev);
	}
}

void preflight_host(const struct config *cfg, struct runtime *rt, struct preflight *pf)
{
	struct stat st;

	if (cfg->root)
		root_dir(cfg, rt, pf);
	if (cfg->root)
		overlay_preflight(cfg, rt, pf);
	/* with ".new" or ".1" added, they still fit hutch's path buffers */
	if (cfg->pidfile && strlen(cfg->pidfile) > 250)
		preflight_fail(pf, "--pidfile %s: longer than 250 characters", cfg->pidfile);
	if (cfg->output && strlen(cfg->output) > 250)
		preflight_fail(pf, "--output %s: longer than 250 characters", cfg->output);
	devices(cfg, rt, pf);
	io_devices(cfg, rt, pf);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_spec *m = &cfg->mounts[i];
		if (m->src && m->kind != MOUNT_FS && stat_at(AT_FDCWD, m->src, &st, 0))
			preflight_fail(pf, "%s %s: source %s: %s",
				       m->kind == MOUNT_BIND ? "bind" : "ro-bind", m->src,
				       m->src, error_text(errno));
	}
}

/* A CPU limit beyond the machine would be no limit at all. */
void preflight_cpus(const struct config *cfg, struct preflight *pf)
{
	unsigned cpus = cpus_online();

	if (cfg->cpu_milli > cpus * 1000ULL)
		preflight_fail(pf, "--cpu asks for %llu.%llu CPUs, but this machine has "
			       "%u CPU%s online", (unsigned long long)cfg->cpu_milli / 1000,
			       (unsigned long long)cfg->cpu_milli % 1000 / 100, cpus,
			       cpus == 1 ? "" : "s");
}

/* --- the root image, for hutch check ----------------------------------- */

#ifndef RESOLVE_IN_ROOT
#define RESOLVE_IN_ROOT 0x10
#endif

/* path of the image whose root is rootfd, as the sandbox would see it:
 * an absolute symlink in it resolves inside (openat2, Linux 5.6; before
 * it, looked up from rootfd as it is). */
static int image_open(int rootfd, const char *path, int flags)
{
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	{
		struct open_how_v0 how = { (unsigned long long)(flags | O_CLOEXEC), 0,
					   RESOLVE_IN_ROOT };
		int fd = sys_openat2(rootfd, path, &how);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	}
	return openat(rootfd, path, flags | O_CLOEXEC);
}

static bool below(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return strncmp(path, dir, len) == 0 && (path[len] == '/' || !path[len]);
}

static bool user_mount_at(const struct config *cfg, const char *path)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (strcmp(cfg->mounts[i].dst, path) == 0)
			return true;
	return false;
}

/* Whether path lies at or below one of the first n mount destinations,
 * or with --root below hutch's own proc, /dev, /tmp: what is there then
 * is the mount's, not the image's. */
static bool covered(const struct config *cfg, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (below(path, cfg->mounts[i].dst))
			return true;
	return cfg->root && (below(path, "/proc") || below(path, "/dev") ||
			     below(path, "/tmp"));
}

/* hutch's own mount points, then the user's, in the order PID 1 makes
 * them (mounts.c). One below an earlier mount is judged by that mount's
 * contents, which only the start sees. */
static void mount_points(const struct config *cfg, int rootfd, struct preflight *pf)
{
	static const char own[][8] = { "/proc", "/dev", "/tmp" };
	bool own_root = cfg->root != NULL;
	struct stat st;

	for (size_t i = 0; i < (own_root ? 3 : 1); i++)
		if (i < 2 || !user_mount_at(cfg, own[i]))
			mount_point_check(rootfd, own[i] + 1, true, own_root, pf);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_spec *m = &cfg->mounts[i];
		bool dir = !m->src || (stat_at(AT_FDCWD, m->src, &st, 0) == 0 &&
				       S_ISDIR(st.st_mode));
		/* (/tmp itself is the user's mount point when given) */
		if ((covered(cfg, i, m->dst) && strcmp(m->dst, "/tmp") != 0) ||
		    (m->src && stat_at(AT_FDCWD, m->src, &st, 0)))
			continue;
		mount_point_check(rootfd, m->dst + 1, dir, own_root, pf);
	}
}

static void workdir(const struct config *cfg, int rootfd, struct preflight *pf)
{
	int fd;

	if (covered(cfg, cfg->n_mounts, cfg->workdir))
		return;
	fd = image_open(rootfd, cfg->workdir, O_PATH | O_DIRECTORY);
	if (fd < 0)
		preflight_fail(pf, WORKDIR_MISSING, cfg->workdir, error_text(errno));
	else
		close(fd);
}

/* An executable regular file at path in the image. */
static int executable(int rootfd, const char *path)
{
	int fd = image_open(rootfd, path, O_PATH);
	struct stat st;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		err = -EACCES;
	close(fd);
	return err;
}

/* The command as spawn.c's exec_search finds it: a path as it is, a
 * name in each directory of the service's PATH. */
static void command(const struct config *cfg, int rootfd, struct preflight *pf)
{
	const char *file = cfg->argv[0], *dirs = SERVICE_PATH;
	char path[PATH_MAX];
	size_t len = strlen(file);
	int err = -ENOENT;
	bool eacces = false;

	for (size_t i = 0; i < cfg->n_env; i++)
		if (strncmp(cfg->env[i], "PATH=", 5) == 0)
			dirs = cfg->env[i] + 5;
	if (strchr(file, '/')) {
		if (covered(cfg, cfg->n_mounts, file))
			return;
		err = executable(rootfd, file);
		dirs = "";
	}
	while (*dirs && err) {
		size_t n = until_any(dirs, ":");

		/* an empty entry is the working directory: not judged here */
		if (n && n + len + 2 <= sizeof path) {
			memcpy(path, dirs, n);
			path[n] = '/';
			memcpy(path + n + 1, file, len + 1);
			if (covered(cfg, cfg->n_mounts, path))
				return;
			err = executable(rootfd, path);
			eacces |= err == -EACCES;
		}
		dirs += n + (dirs[n] == ':');
	}
	if (err == -EACCES || (err && eacces))
		preflight_fail(pf, "command %s: not an executable file in the sandbox (a "
			       "start exits 126): chmod +x it in the root image", file);
	else if (err)
		preflight_fail(pf, "command %s: not found in the sandbox (a start exits "
			       "127): install it in the root image, or give its path", file);
}

void preflight_image(const struct config *cfg, struct preflight *pf)
{
	int rootfd = open(cfg->root ? cfg->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return; /* preflight_host said why */
	mount_points(cfg, rootfd, pf);
	workdir(cfg, rootfd, pf);
	if (!covered(cfg, cfg->n_mounts, "/etc/passwd") &&
	    !covered(cfg, cfg->n_mounts, "/etc/group"))
		privs_check(cfg, rootfd, pf);
	if (cfg->argv && cfg->argv[0])
		command(cfg, rootfd, pf);
	/* --health runs /bin/sh -c CMD (liveness_run.c): without it every
	 * check fails, and the service is restarted for nothing. */
	if (HUTCH_LIVENESS && cfg->health && !covered(cfg, cfg->n_mounts, "/bin/sh") &&
	    executable(rootfd, "/bin/sh"))
		preflight_fail(pf, "--health: no /bin/sh in the sandbox to run the "
			       "check (every check would fail, exit 127): install "
			       "one in the root image");
	close(rootfd);
}
