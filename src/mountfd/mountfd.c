/* SPDX-License-Identifier: MIT */
/* mountfd.c - mounting onto descriptors. The root image may be writable by
 * someone else while hutch starts (its owner, another sandbox with it
 * bound in), who can swap a directory for a symlink or an empty one
 * between a check and a mount by path. So each mount point is looked up
 * once, one component at a time, never following a symlink, and the mount
 * goes onto the descriptor that lookup gave: /proc/self/fd/N as mount(2)'s
 * target names the file the descriptor holds, wherever it has been moved,
 * and is not resolved through the image again. */
#include "mountfd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h> /* ST_* flags, as statfs(2) reports them */
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "refusal.h"
#include "sys.h"

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442 /* the same on every architecture */
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static const char *mount_hint(int err)
{
	switch (err) {
	case ENODEV:
		return " (the kernel lacks this file system type)";
	case EPERM:
		return " (mounting needs root: CAP_SYS_ADMIN)";
	case ENOENT:
		return " (the source or the mount point is gone)";
	case EACCES: /* only where root is not root: --userns */
		return " (with --userns, root of the sandbox is an unprivileged "
		       "host uid: it must be able to reach the path)";
	default:
		return "";
	}
}

const char *fd_path(int fd)
{
	static char paths[4][24];
	static unsigned next;
	char *p = paths[next++ % 4];

	fmt(p, sizeof paths[0], "/proc/self/fd/%d", fd);
	return p;
}

void mount_at(const char *target, const char *src, const char *type,
	      unsigned long flags, const char *data, const char *shown)
{
	if (mount(src, target, type, flags, data) == 0)
		return;
	die("cannot mount %s on /%s: %s%s", type ? type : src, shown,
	    error_text(errno), mount_hint(errno));
}

void mount_on(int fd, const char *src, const char *type, unsigned long flags,
	      const char *data, const char *shown)
{
	mount_at(fd_path(fd), src, type, flags, data, shown);
}

/* Mount points created in the root image, newest last, each as its
 * directory's descriptor and its path from the root: a setup that fails
 * removes them again, by descriptor (a path could have been redirected
 * meanwhile), so a failed start leaves the image as it was. */
static struct {
	int dir;
	unsigned short path, name;
} made[64];
static size_t n_made;
static char made_text[2048];
static size_t made_len;

static void remember_created(int dirfd, const char *path, size_t len,
			     size_t name)
{
	if (n_made == sizeof made / sizeof made[0] ||
	    made_len + len + 1 > sizeof made_text)
		die("too many mount points to create");
	made[n_made].dir = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	made[n_made].path = (unsigned short)made_len;
	made[n_made++].name = (unsigned short)(made_len + name);
	memcpy(made_text + made_len, path, len);
	made_text[made_len + len] = '\0';
	made_len += len + 1;
}

void mounts_undo(void)
{
	while (n_made--) {
		const char *path = made_text + made[n_made].path;
		const char *name = made_text + made[n_made].name;
		/* Whatever is mounted on it goes first (lazily, with what is
		 * mounted below it: only in this dying namespace); then the
		 * directory or file itself, through its directory. */
		umount2(path, MNT_DETACH);
		if (unlinkat(made[n_made].dir, name, AT_REMOVEDIR) && errno == ENOTDIR)
			unlinkat(made[n_made].dir, name, 0);
	}
}

/* Creates one missing component: a directory, or an empty file to bind a
 * file onto; `len` bytes of `path` name it from the root, the last from
 * offset `at`. With pf (hutch check) nothing is made: whether it could be
 * (write access to its directory) is judged and a refusal reported. */
static bool create_component(int dirfd, const char *name, bool is_dir,
			     const char *path, size_t at, struct preflight *pf)
{
	int fd = pf ? (faccessat(dirfd, ".", W_OK, 0) ? -1 : 0)
	     : is_dir ? mkdirat(dirfd, name, 0755)
		      : openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			       O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (!pf && !is_dir)
			close(fd);
		if (!pf)
			remember_created(dirfd, path, at + strlen(name), at);
		return true;
	}
	/* EEXIST: someone created it meanwhile; the open that follows
	 * judges what it is. Under --userns, root of the sandbox is a host
	 * uid that owns nothing in the image (EACCES), or none at all yet
	 * (EOVERFLOW). */
	if (errno != EEXIST)
		return preflight_fail(pf, "cannot create mount point /%s in the root: %s%s",
				      path, error_text(errno),
				      errno == EACCES || errno == EOVERFLOW ?
				      " (with --userns, create it in the root image first)" :
				      errno == EROFS ? " (create it in the root image, or "
						       "mount the image writable)" : "");
	return true;
}

/* The walk: each component opened with O_PATH | O_NOFOLLOW relative to
 * the descriptor of the one before, and judged by fstat on what was
 * opened, never by a second lookup. No component is "..", which the
 * option parser refuses, so the walk cannot climb; a symlink is opened
 * as itself and refused. A single-component lookup this way is what
 * openat2's RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH gives for a whole path,
 * on every kernel. With pf, hutch check's: the same judgement, nothing
 * made, a refusal reported and false returned; t not filled in. */
static bool walk(int rootfd, const char *path, bool is_dir, bool may_create,
		 struct target *t, struct preflight *pf)
{
	char buf[PATH_MAX];
	char *rest = buf;
	int dir = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);

	if (fmt(buf, sizeof buf, "%s", path) >= sizeof buf) {
		close(dir);
		return preflight_fail(pf, "mount point /%s: path too long", path);
	}
	for (;;) {
		struct stat st;
		char *name = rest;
		bool last, ok = true;
		int fd;

		while (*name == '/')
			name++;
		rest = name + until_any(name, "/");
		if (*rest)
			*rest++ = '\0';
		while (*rest == '/')
			rest++;
		last = !*rest;
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && may_create) {
			ok = create_component(dir, name, is_dir || !last, path,
					      (size_t)(name - buf), pf);
			if (pf) { /* made at start: nothing below it to judge */
				close(dir);
				return ok;
			}
			fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0 || fstat(fd, &st))
			ok = preflight_fail(pf, "mount point /%s: %s%s", path,
					    error_text(errno), may_create ? "" :
					    " (without --root, it must be there on the host)");
		else if (S_ISLNK(st.st_mode))
			ok = preflight_fail(pf, "mount point /%s: '%s' is a symlink; hutch "
					    "mounts only on real directories and files",
					    path, name);
		else if ((!last || is_dir) != !!S_ISDIR(st.st_mode))
			ok = preflight_fail(pf, "mount point /%s: '%s' is %sa directory", path,
					    name, S_ISDIR(st.st_mode) ? "" : "not ");
		if (!ok || (last && !t)) { /* t is NULL for hutch check */
			if (fd >= 0)
				close(fd);
			close(dir);
			return ok;
		}
		if (last) {
			t->fd = fd;
			t->dir = dir;
			t->path = path;
			fmt(t->name, sizeof t->name, "%s", name);
			return true;
		}
		close(dir);
		dir = fd;
	}
}

void mount_point(int rootfd, const char *path, bool is_dir, bool may_create,
		 struct target *t)
{
	walk(rootfd, path, is_dir, may_create, t, NULL);
}

bool mount_point_check(int rootfd, const char *path, bool is_dir, bool may_create,
		       struct preflight *pf)
{
	return walk(rootfd, path, is_dir, may_create, NULL, pf);
}

void target_close(struct target *t)
{
	close(t->fd);
	close(t->dir);
}

/* The root of the mount just made on t. A descriptor cannot reach it: t's
 * descriptor names the directory underneath, and so does
 * /proc/self/fd/N. So it is looked up by name once more, in t's
 * directory, and accepted only if it is that mount, by what nobody but
 * hutch can make: a fresh file system of `type` (its device differs from
 * the directory's: a rename cannot move another file system's directory
 * in, except a mount point, which cannot be renamed in the namespace
 * that has it mounted), or for a bind, the source's very file. */
int mounted_root(const struct target *t, unsigned long type, const struct stat *source)
{
	int fd = openat(t->dir, t->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st, under;
	struct statfs sf;

	if (fd < 0 || fstat(fd, &st) || fstatfs(fd, &sf) || fstat(t->fd, &under))
		die("mount point /%s: %s", t->path, error_text(errno));
	if (source ? st.st_dev != source->st_dev || st.st_ino != source->st_ino :
		     st.st_dev == under.st_dev || (unsigned long)sf.f_type != type)
		die("mount point /%s was replaced while hutch mounted on it",
		    t->path);
	return fd;
}

int mount_attrs(int fd, uint64_t set, uint64_t clear, unsigned recursive)
{
	struct mount_attr_v0 attr = { set, clear, 0, 0 };

	return sys_mount_setattr(fd, "", AT_EMPTY_PATH | recursive, &attr);
}

/* Sets MOUNT_ATTR_* bits on the mount whose root fd names, and on every
 * mount below it: mount_setattr(2) with AT_RECURSIVE, Linux 5.12. Before
 * that, a remount of that one mount: MS_REMOUNT | MS_BIND must restate the
 * flags the mount already has (the kernel refuses to clear locked ones
 * and would drop the others). Returns whether mount_setattr did it. */
bool restrict_mount(int fd, unsigned attrs, const char *shown)
{
	struct statfs sv;

	if (mount_attrs(fd, attrs, 0, AT_RECURSIVE) == 0)
		return true;
	/* statfs's ST_RDONLY, NOSUID, NODEV, NOEXEC, NOATIME, NODIRATIME
	 * are MS_'s bits, and MOUNT_ATTR_'s first four too; only relatime
	 * sits elsewhere. */
	if (errno != ENOSYS || fstatfs(fd, &sv) ||
	    mount("none", fd_path(fd), NULL, MS_REMOUNT | MS_BIND | attrs |
		  ((unsigned long)sv.f_flags & (ST_RDONLY | ST_NOSUID | ST_NODEV |
		   ST_NOEXEC | ST_NOATIME | ST_NODIRATIME)) |
		  ((sv.f_flags & ST_RELATIME) ? MS_RELATIME : 0), NULL))
		die("cannot restrict /%s: %s", shown, error_text(errno));
	return false;
}
