/* mounts.c - builds the sandbox's root and switches into it. The sequence
 * follows pivot_root(2): make / private, bind the new root onto itself (a
 * mount point, as pivot_root requires), mount inside it, pivot_root(".",
 * "."), then detach the old root so no path leads back to the host. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h> /* ST_* flags, as statfs(2) reports them */
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"

static const char *mount_hint(int err)
{
	switch (err) {
	case ENODEV:
		return " (the kernel lacks this file system type)";
	case EPERM:
		return " (mounting needs root: CAP_SYS_ADMIN)";
	case ENOENT:
		return " (no such source)";
	case EACCES: /* only where root is not root: --userns */
		return " (with --userns, root of the sandbox is an unprivileged "
		       "host uid: it must be able to reach the path)";
	default:
		return "";
	}
}

void mount_or_die(const char *src, const char *target, const char *type,
		  unsigned long flags, const char *data)
{
	if (mount(src, target, type, flags, data) == 0)
		return;
	die("cannot mount %s on /%s: %s%s", type ? type : src,
	    target + (*target == '/'), error_text(errno), mount_hint(errno));
}

/* Mount points created in the root image, as relative paths separated by
 * NULs, newest last: a setup that fails removes them again, so a failed
 * start leaves the image as it was. */
static char created[2048];
static size_t created_len;

static void remember_created(const char *path, size_t len)
{
	if (created_len + len + 1 > sizeof created)
		die("too many mount points to create");
	memcpy(created + created_len, path, len);
	created[created_len + len] = '\0';
	created_len += len + 1;
}

void mounts_undo(void)
{
	while (created_len) {
		size_t start = created_len - 1;
		while (start && created[start - 1])
			start--;
		/* Whatever is mounted on it goes first (lazily, with what is
		 * mounted below it); then the directory or file itself. */
		umount2(created + start, MNT_DETACH);
		if (rmdir(created + start) && errno == ENOTDIR)
			unlink(created + start);
		created_len = start;
	}
}

/* Creates one missing component: a directory, or an empty file to bind a
 * file onto; `len` bytes of `path` name it from the root. */
static void create_component(int dirfd, const char *name, bool is_dir,
			     const char *path, size_t len)
{
	if (is_dir) {
		if (mkdirat(dirfd, name, 0755) == 0) {
			remember_created(path, len);
			return;
		}
	} else {
		int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0644);
		if (fd >= 0) {
			close(fd);
			remember_created(path, len);
			return;
		}
	}
	/* Under --userns, root of the sandbox is a host uid that owns
	 * nothing in the image (EACCES), or none at all yet (EOVERFLOW). */
	die("cannot create mount point /%s in the root: %s%s", path,
	    error_text(errno), errno == EACCES || errno == EOVERFLOW ?
	    " (with --userns, create it in the root image first)" : "");
}

/* Makes sure `path` (relative) exists, walking it one component at a time
 * without following symlinks: the root is not switched yet, so a symlink in
 * the image could point a mount at any host directory. Missing components
 * are created in a --root image; on the host's own root (no --root) hutch
 * changes nothing, so they must exist. */
void mount_point(const char *path, bool is_dir, bool may_create)
{
	char buf[PATH_MAX], *rest;
	int dirfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fmt(buf, sizeof buf, "%s", path) >= sizeof buf)
		die("mount point %s: path too long", path);
	for (rest = buf; dirfd >= 0 && rest && *rest;) {
		struct stat st;
		int next;
		char *name = rest;

		while (*name == '/')
			name++;
		rest = strchr(name, '/');
		if (rest)
			*rest++ = '\0';
		if (!*name)
			break;
		if (stat_at(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISLNK(st.st_mode))
				die("mount point /%s: '%s' is a symlink; hutch mounts "
				    "only on real directories and files", path, name);
		} else if (errno == ENOENT && may_create) {
			create_component(dirfd, name, is_dir || (rest && *rest), path,
					 (size_t)(name - buf) + strlen(name));
		} else {
			die("mount point /%s: %s", path, error_text(errno));
		}
		if (!rest || !*rest)
			break;
		next = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dirfd);
		dirfd = next;
	}
	if (dirfd < 0)
		die("mount point /%s: %s", path, error_text(errno));
	close(dirfd);
}

/* A bind or remount that adds MS_RDONLY must restate the flags the mount
 * already has (nosuid, nodev ...): the kernel refuses to clear flags that
 * are locked, and would otherwise drop them. */
static void remount_read_only(const char *target)
{
	static const struct { unsigned long st, ms; } keep[] = {
		{ ST_NOSUID, MS_NOSUID },     { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },     { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statfs sv;

	if (statfs(target, &sv))
		die("cannot read the flags of /%s: %s", target, error_text(errno));
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if ((unsigned long)sv.f_flags & keep[i].st)
			flags |= keep[i].ms;
	mount_or_die("none", target, NULL, flags, NULL);
}

static const char *relative(const char *abs_path)
{
	while (*abs_path == '/')
		abs_path++;
	return *abs_path ? abs_path : ".";
}

static void user_mount(const struct mount_spec *m, bool may_create)
{
	const char *dst = relative(m->dst);
	struct stat st;

	if (m->kind == MOUNT_TMPFS) {
		char data[64];
		mount_point(dst, true, may_create);
		fmt(data, sizeof data, m->size ? "mode=1777,size=%llu" : "mode=1777",
		    (unsigned long long)m->size);
		mount_or_die("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, data);
		return;
	}
	if (stat_at(AT_FDCWD, m->src, &st, 0))
		die("cannot bind %s: %s%s", m->src, error_text(errno),
		    mount_hint(errno));
	mount_point(dst, S_ISDIR(st.st_mode), may_create);
	/* --bind takes the submounts under SRC along (MS_REC); --ro-bind does
	 * not, since a remount makes only the top mount read-only and a
	 * writable submount would slip through. */
	if (mount(m->src, dst, NULL, MS_BIND | (m->kind == MOUNT_BIND ? MS_REC : 0),
		  NULL))
		die("cannot bind %s to %s: %s%s", m->src, m->dst, error_text(errno),
		    mount_hint(errno));
	if (m->kind == MOUNT_RO_BIND)
		remount_read_only(dst);
	log_debug("%s %s at %s", m->kind == MOUNT_BIND ? "bound" : "bound read-only",
		  m->src, m->dst);
}

static bool user_mounts_at(const struct config *cfg, const char *path)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (strcmp(cfg->mounts[i].dst, path) == 0)
			return true;
	return false;
}

/* A fresh proc still reaches the kernel itself, not only the sandbox's
 * processes: its memory (kcore), keys, timers, the SysRq trigger. These
 * are hidden behind /dev/null (files) or an empty read-only tmpfs
 * (directories); the kernel's tunables are made read-only. Entries this
 * kernel lacks are skipped. */
static void mask_proc(void)
{
	/* One NUL-separated string, not pointers: the hidden entries, then
	 * (from "sys") the read-only ones. */
	static const char entries[] =
		"kcore\0kallsyms\0keys\0key-users\0timer_list\0sched_debug\0kmsg\0"
		"sysrq-trigger\0latency_stats\0acpi\0scsi\0asound\0"
		"sys\0irq\0bus\0fs\0";
	const char *read_only = entries + sizeof entries - sizeof "sys\0irq\0bus\0fs\0";
	char path[24];
	struct stat st;

	for (const char *e = entries; *e; e += strlen(e) + 1) {
		fmt(path, sizeof path, "proc/%s", e);
		if (stat_at(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (e >= read_only) {
			mount_or_die(path, path, NULL, MS_BIND | MS_REC, NULL);
			remount_read_only(path);
		} else if (S_ISDIR(st.st_mode)) {
			mount_or_die("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID |
				     MS_NODEV | MS_NOEXEC, "size=4k,mode=0");
		} else {
			mount_or_die("/dev/null", path, NULL, MS_BIND, NULL);
		}
	}
}

/* proc for the new PID namespace: it shows only the sandbox's processes,
 * because a proc mount belongs to the PID namespace of whoever mounts it. */
static void mount_proc(bool may_create)
{
	mount_point("proc", true, may_create);
	mount_or_die("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mask_proc();
}

static void switch_root(const struct config *cfg)
{
	if (!cfg->force_chroot) {
		if (syscall(SYS_pivot_root, ".", ".") == 0) {
			/* The old root now sits on top of the new one, at "/" and
			 * at "."; detaching it leaves only the new root. */
			if (umount2(".", MNT_DETACH))
				die("cannot detach the old root: %s", error_text(errno));
			if (chdir("/"))
				die("cannot enter the new root: %s", error_text(errno));
			log_debug("root switched to %s with pivot_root", cfg->root);
			return;
		}
		if (errno != EINVAL)
			die("pivot_root into %s failed: %s", cfg->root, error_text(errno));
		/* EINVAL: the current root is the initramfs (rootfs), which
		 * can never be unmounted and so never pivoted away from. */
		log_info("pivot_root refused (root on initramfs?): switching root "
			 "with MS_MOVE + chroot");
	}
	/* switch_root's way: move the new root over "/" and chroot into it. */
	if (mount(".", "/", NULL, MS_MOVE, NULL))
		die("cannot move %s onto /: %s", cfg->root, error_text(errno));
	if (chroot(".") || chdir("/"))
		die("cannot chroot into %s: %s", cfg->root, error_text(errno));
	log_debug("root switched to %s with MS_MOVE + chroot", cfg->root);
}

void mounts_setup(const struct config *cfg)
{
	bool own_root = cfg->root != NULL;

	if (chdir("/"))
		die("cannot enter /: %s", error_text(errno));
	/* The new mount namespace is a copy of the host's and shares mount
	 * events with it where the host's mounts are shared (systemd makes /
	 * shared): without this, the mounts below would appear on the host. */
	mount_or_die("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (own_root) {
		mount_or_die(cfg->root, cfg->root, NULL, MS_BIND | MS_REC, NULL);
		if (chdir(cfg->root))
			die("cannot enter %s: %s", cfg->root, error_text(errno));
	}
	mount_proc(own_root);
	if (own_root) {
		dev_setup();
		dev_add(cfg);
		if (!user_mounts_at(cfg, "/tmp")) {
			mount_point("tmp", true, true);
			mount_or_die("tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV,
				     "mode=1777");
		}
	}
	for (size_t i = 0; i < cfg->n_mounts; i++)
		user_mount(&cfg->mounts[i], own_root);
	if (own_root)
		switch_root(cfg);
	if (cfg->read_only)
		remount_read_only(".");
	log_debug("%s mounted%s", own_root ? "proc, /dev and /tmp" : "proc",
		  cfg->read_only ? "; root read-only" : "");
}
