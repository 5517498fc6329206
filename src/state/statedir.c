/* SPDX-License-Identifier: MIT */
/* statedir.c - choosing the state directory by what the system has. Not
 * every system has /run: OpenWrt keeps its runtime files in /var/run (on
 * the /tmp tmpfs), an initramfs or early boot may have neither. State
 * must not outlive a boot (a launcher is recognised by pid and start time,
 * which a reboot hands out again), so the places are the conventional
 * runtime directories, then a memory file system that is there anyway.
 * Every candidate passes trust.c's checks or is not used. */
#include "statedir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"
#include "trust.h"

#define RAMFS_MAGIC_NR 0x858458f6 /* an initramfs's "rootfs" may be ramfs */
#define TMPFS_MAGIC_NR 0x01021994

/* Whether what fd is on goes with the boot (tmpfs, ramfs). */
static bool memfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && ((unsigned long)sf.f_type == TMPFS_MAGIC_NR ||
					 (unsigned long)sf.f_type == RAMFS_MAGIC_NR);
}

static bool memfs_path(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool yes = fd >= 0 && memfs(fd);

	if (fd >= 0)
		close(fd);
	return yes;
}

size_t statedir_candidates(bool rootless, const char *list[STATEDIR_MAX])
{
	static char xdg[200];
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	size_t n = 0;

	if (rootless && runtime && runtime[0] == '/' &&
	    fmt(xdg, sizeof xdg, "%s/hutch", runtime) < sizeof xdg) {
		list[n++] = xdg;
		return n;
	}
	list[n++] = "/run/hutch";
	list[n++] = "/var/run/hutch";
	/* Not for an ordinary user: their /tmp/hutch would take the name
	 * from root (whose checks then skip it) and from every other user. */
	if (rootless)
		return n;
	if (memfs_path("/tmp"))
		list[n++] = "/tmp/hutch";
	if (memfs_path("/dev/shm"))
		list[n++] = "/dev/shm/hutch";
	return n;
}

bool statedir_untrusted(int err)
{
	return err == -EPERM || err == -ELOOP || err == -ENOTDIR;
}

/* name, missing in the trusted directory at: made (0755), or with PROBE
 * whether it could be (0); -errno. */
static int make(int at, const char *name, enum statedir_mode mode)
{
	if (mode == STATEDIR_OPEN)
		return -ENOENT;
	if (mode == STATEDIR_PROBE)
		/* write access to the directory itself: EROFS, EACCES */
		return faccessat(at, ".", W_OK, 0) ? -errno : 0;
	return mkdirat(at, name, 0755) && errno != EEXIST ? -errno : 0;
}

/* The parents of base, "/var" then "/var/run" for /var/run/hutch: each
 * reached through trust_parent's checked walk, and made where missing if
 * its own parent is a memory file system (mkdir -p; anything else was
 * left out on purpose by whoever built the system). 1 when PROBE found one
 * missing that could be made (those below it would be made with it). */
static int make_parents(const char *base, enum statedir_mode mode, size_t *bad)
{
	char prefix[256];
	size_t len = strlen(base);

	if (len >= sizeof prefix)
		return -ENAMETOOLONG;
	for (size_t i = 1; i < len; i++) {
		const char *name;
		struct stat st;
		int at, err = 0;

		if (base[i] != '/' || base[i - 1] == '/')
			continue;
		memcpy(prefix, base, i);
		prefix[i] = '\0';
		at = trust_parent(prefix, &name, bad);
		if (at < 0)
			return at;
		if (stat_at(at, name, &st, AT_SYMLINK_NOFOLLOW) && errno == ENOENT)
			err = memfs(at) ? make(at, name, mode) : -ENOENT;
		close(at);
		*bad = i;
		if (err)
			return err;
		if (mode == STATEDIR_PROBE && stat_at(AT_FDCWD, prefix, &st, 0))
			return 1; /* missing, and could be made */
	}
	return 0;
}

int statedir_open(const char *base, enum statedir_mode mode, bool parents,
		  size_t *bad)
{
	const char *name;
	int at, fd;

	if (parents && mode != STATEDIR_OPEN) {
		fd = make_parents(base, mode, bad);
		if (fd)
			return fd > 0 ? 0 : fd;
	}
	at = trust_parent(base, &name, bad);
	if (at < 0)
		return at;
	fd = trust_dir(at, name, mode == STATEDIR_MAKE);
	if (mode == STATEDIR_PROBE) {
		/* there: the sandbox's directory is made in it */
		int there = fd >= 0 ? make(fd, ".", mode) : fd;
		if (fd >= 0)
			close(fd);
		fd = fd == -ENOENT ? make(at, name, mode) : there;
	}
	close(at);
	*bad = strlen(base);
	return fd;
}

const char *statedir_why(const char *base, int err, size_t bad, char *buf,
			 size_t size)
{
	char shown[256];

	fmt(shown, sizeof shown, "%s", base);
	if (bad < sizeof shown)
		shown[bad] = '\0';
	if (statedir_untrusted(err))
		fmt(buf, size, "%s is not safe to use (it must be a directory, "
		    "not a symlink, owned by root or uid %u, not writable by group "
		    "or others)", shown, (unsigned)geteuid());
	else
		fmt(buf, size, "%s: %s", shown, error_text(-err));
	return buf;
}
