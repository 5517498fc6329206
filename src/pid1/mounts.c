/* SPDX-License-Identifier: MIT */
/* mounts.c - builds the sandbox's root and switches into it. The sequence
 * follows pivot_root(2): make / private, bind the new root onto itself (a
 * mount point, as pivot_root requires), mount inside it, pivot_root(".",
 * "."), then detach the old root so no path leads back to the host. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h> /* ST_* flags, as statfs(2) reports them */
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bootlimit.h"
#include "image.h"
#include "kernel_calls.h"
#include "log.h"
#include "profile.h"
#include "statedir.h"
#include "sys.h"

void (*mounts_before_switch)(void);

static const char *relative(const char *abs_path)
{
	while (*abs_path == '/')
		abs_path++;
	return *abs_path ? abs_path : ".";
}

/* The default size of /tmp, /dev/shm and a --tmpfs without SIZE: a tenth
 * of RAM each (tmpfs reads "%" itself), not the kernel's half: two
 * tmpfs at half could take all of it, and the OOM killer would then pick
 * among the host's processes. */
#define TMPFS_DEFAULT "size=10%"

static void add_writable(struct view *v, int fd)
{
	v->writable[v->n_writable++] = fd;
}

/* A fresh tmpfs on t (the caller's descriptor), left writable. */
static void mount_tmpfs(struct view *v, struct target *t, uint64_t size)
{
	char data[48] = "mode=1777," TMPFS_DEFAULT;

	if (size)
		fmt(data, sizeof data, "mode=1777,size=%llu", (unsigned long long)size);
	mount_on(t->fd, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, data, t->path);
	add_writable(v, mounted_root(t, TMPFS_MAGIC_NR, NULL));
	target_close(t);
}

/* hutch oci: a mount's propagation options, each in turn on the mount
 * just made (root: its descriptor), as runc sets them after the mount.
 * The namespace is private (or a slave) throughout, so a shared mount
 * here is a peer group of the container's: nothing reaches the host. */
static void set_propagation(int root, const struct mount_spec *m)
{
	for (size_t i = 0; HUTCH_OCI && i < MOUNT_MAX_PROPAGATION && m->propagation[i]; i++)
		mount_on(root, "none", NULL, m->propagation[i], NULL, relative(m->dst));
}

/* hutch oci: a bind's atime option (relatime, strictatime, noatime,
 * nodiratime), which MS_BIND cannot set: set afterwards, on the
 * submounts too, as runc's remount sets it on the bind. */
static void bind_atime(int root, unsigned long flags, const char *shown)
{
	uint64_t mode = (flags & MS_NOATIME) ? MOUNT_ATTR_NOATIME :
			(flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME : 0;

	if (!HUTCH_OCI)
		return; /* only hutch oci's binds have these */
	if ((flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) &&
	    mount_attrs(root, mode, MOUNT_ATTR__ATIME, AT_RECURSIVE))
		die("cannot set the atime option of /%s: %s (mount_setattr, "
		    "Linux 5.12)", shown, error_text(errno));
	if ((flags & MS_NODIRATIME) &&
	    mount_attrs(root, MOUNT_ATTR_NODIRATIME, 0, AT_RECURSIVE))
		die("cannot set nodiratime on /%s: %s (mount_setattr, Linux 5.12)",
		    shown, error_text(errno));
}

/* --bind and --ro-bind: nosuid and nodev always (a setuid file or a
 * device node in the bound directory gives nothing). A bind of sysfs or
 * a cgroup file system is made read-only later, with every other
 * (mounts_view.c). */
/* MOUNT_FS (hutch oci): config.json's type, flags and data as given;
 * left writable in the view unless mounted read-only. */
static void fs_mount(int rootfd, const struct mount_spec *m, bool may_create,
		     struct view *v)
{
	struct target t;
	struct statfs sf;
	int root;

	mount_point(rootfd, relative(m->dst), true, may_create, &t);
	mount_on(t.fd, m->src, m->type, m->flags, m->data, t.path);
	root = openat(t.dir, t.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0 || fstatfs(root, &sf))
		die("mount point %s: %s", m->dst, error_text(errno));
	target_close(&t);
	set_propagation(root, m);
	if (!(sf.f_flags & ST_RDONLY))
		add_writable(v, root);
	else
		close(root);
}

static void user_mount(int rootfd, const struct mount_spec *m, bool may_create,
		       struct view *v)
{
	unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	struct target t;
	struct stat st;
	struct statfs sf;
	int root;
	/* --bind takes the submounts under SRC along (MS_REC); --ro-bind does
	 * not, so that no writable submount slips in on kernels where only
	 * the top mount can be made read-only. config.json's binds (hutch
	 * oci) say it themselves: their flags have MS_BIND, MS_REC for
	 * rbind, and MS_NOEXEC, which the bind cannot set: restrict_mount
	 * adds it afterwards, as runc's remount does. */
	bool rec = (m->flags & MS_BIND) ? (m->flags & MS_REC) != 0 : m->kind == MOUNT_BIND;

	if (m->kind == MOUNT_FS) {
		fs_mount(rootfd, m, may_create, v);
		return;
	}
	if (m->kind == MOUNT_TMPFS) {
		mount_point(rootfd, relative(m->dst), true, may_create, &t);
		mount_tmpfs(v, &t, m->size);
		return;
	}
	if (stat_at(AT_FDCWD, m->src, &st, 0))
		die("cannot bind %s: %s", m->src, error_text(errno));
	mount_point(rootfd, relative(m->dst), S_ISDIR(st.st_mode), may_create, &t);
	mount_on(t.fd, m->src, NULL, MS_BIND | (rec ? MS_REC : 0), NULL, t.path);
	root = mounted_root(&t, 0, &st);
	target_close(&t);
	set_propagation(root, m);
	if (m->kind == MOUNT_RO_BIND)
		attrs |= MOUNT_ATTR_RDONLY;
	if (m->flags & MS_NOEXEC)
		attrs |= MOUNT_ATTR_NOEXEC;
	restrict_mount(root, attrs, relative(m->dst));
	bind_atime(root, m->flags, relative(m->dst));
	/* Writable only if it is: a bind of a read-only mount stays so. */
	if (!fstatfs(root, &sf) && !(sf.f_flags & ST_RDONLY))
		add_writable(v, root);
	else
		close(root);
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
 * (directories); the kernel's tunables are made read-only. One
 * NUL-separated string: the hidden entries, then (from "sys") the
 * read-only ones. A '?' marks an entry a kernel may lack (a config
 * option, an architecture); whether it does is judged in the fresh proc
 * itself, which nobody but the kernel writes, so a missing entry cannot
 * be faked. The others every kernel has: missing, they are an error. */
static const char proc_masks[] =
	"?kcore\0?kallsyms\0?keys\0?key-users\0?timer_list\0?sched_debug\0"
	"?kmsg\0?sysrq-trigger\0?latency_stats\0?acpi\0?scsi\0?asound\0"
	"sys\0?irq\0bus\0fs\0";
#define PROC_READ_ONLY (proc_masks + sizeof proc_masks - sizeof "sys\0?irq\0bus\0fs\0")

static const char *next_mask(const char *e)
{
	return e + strlen(e) + 1;
}

static void mask_proc(int proc)
{
	for (const char *e = proc_masks; *e; e = next_mask(e)) {
		const char *name = e + (*e == '?');
		char shown[32];
		struct target t = { -1, proc, shown, "" };
		struct stat st;

		fmt(shown, sizeof shown, "proc/%s", name);
		fmt(t.name, sizeof t.name, "%s", name);
		t.fd = openat(proc, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (t.fd < 0 && errno == ENOENT && *e == '?')
			continue;
		/* The tunables are directories; anything else is not them. */
		if (t.fd >= 0 && !fstat(t.fd, &st) && e >= PROC_READ_ONLY &&
		    !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			t.fd = -1;
		}
		if (t.fd < 0 || fstat(t.fd, &st))
			die("cannot mask /proc/%s: %s", name, error_text(errno));
		if (e >= PROC_READ_ONLY) {
			int root;
			mount_on(t.fd, fd_path(t.fd), NULL, MS_BIND | MS_REC, NULL, shown);
			root = mounted_root(&t, 0, &st);
			restrict_mount(root, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, shown);
			close(root);
		} else if (S_ISDIR(st.st_mode)) {
			mount_on(t.fd, "tmpfs", "tmpfs", MS_RDONLY | MS_NOSUID |
				 MS_NODEV | MS_NOEXEC, "size=4k,mode=0", shown);
		} else {
			mount_on(t.fd, "/dev/null", NULL, MS_BIND, NULL, shown);
		}
		close(t.fd);
	}
}

/* proc for the new PID namespace: it shows only the sandbox's processes,
 * because a proc mount belongs to the PID namespace of whoever mounts it.
 * Masked through the new mount's own descriptor: nothing in the image
 * can redirect a mask once proc is there. */
static int mount_proc(int rootfd, bool may_create, struct view *v)
{
	struct target t;
	int proc;

	mount_point(rootfd, "proc", true, may_create, &t);
	mount_on(t.fd, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
		 "proc");
	proc = mounted_root(&t, PROC_MAGIC, NULL);
	target_close(&t);
	mask_proc(proc);
	add_writable(v, proc);
	return proc;
}

/* After the switch, from inside: /proc is the proc hutch mounted and
 * every entry it has is masked or read-only. */
static void verify_proc(int proc)
{
	struct stat here, ours;

	if (stat_at(AT_FDCWD, "/proc", &here, AT_SYMLINK_NOFOLLOW) ||
	    fstat(proc, &ours) || here.st_dev != ours.st_dev)
		die("check failed: /proc is not the sandbox's proc");
	for (const char *e = proc_masks; *e; e = next_mask(e)) {
		const char *name = e + (*e == '?');
		char path[32];
		struct statfs sf;

		fmt(path, sizeof path, "/proc/%s", name);
		if (stat_at(proc, name, &here, AT_SYMLINK_NOFOLLOW))
			continue; /* absent in this proc (checked at mask time) */
		if (statfs(path, &sf) || (e >= PROC_READ_ONLY ?
					  !(sf.f_flags & ST_RDONLY) :
					  sf.f_type == PROC_MAGIC))
			die("check failed: %s is not %s", path, e >= PROC_READ_ONLY ?
			    "read-only" : "masked");
	}
}

/* The state directories are never visible inside: an empty read-only
 * tmpfs covers each in this namespace before anything is bound, so the
 * host's view (no --root) and a recursive --bind of /run show that
 * instead, and no service reads or forges a state file. Every candidate
 * that is there, not only this sandbox's: the others' are no business of
 * this service either. PID 1 writes its own through the directory's
 * descriptor, which the cover does not reach. The candidates are the
 * host's, as the launcher saw them: inside a user namespace geteuid()
 * would say 0, so the launcher's rootless decides. --boot-limit's records too (the
 * default directory and --persist-dir): a service as uid 0, which owns
 * them, must not clear its own count or forge another's. */
static void mask_state_dirs(const struct config *cfg, bool rootless)
{
	const char *list[STATEDIR_MAX + 3];
	size_t n = statedir_candidates(rootless, list);
	struct stat st[STATEDIR_MAX + 3];

	if (cfg->state_dir)
		list[n++] = cfg->state_dir;
	if (HUTCH_BOOTLIMIT)
		list[n++] = PERSIST_DIR_DEFAULT;
	if (HUTCH_BOOTLIMIT && cfg->persist_dir)
		list[n++] = cfg->persist_dir;
	/* all looked up first: once one is covered, a second name of it
	 * (/var/run/hutch through /var/run -> /run) would look different */
	for (size_t i = 0; i < n; i++)
		if (stat_at(AT_FDCWD, list[i], &st[i], 0) || !S_ISDIR(st[i].st_mode))
			st[i].st_ino = 0; /* not there, or no directory to cover */
	for (size_t i = 0; i < n; i++) {
		bool again = !st[i].st_ino;
		struct stat now;
		for (size_t j = 0; j < i; j++)
			again |= st[j].st_ino == st[i].st_ino && st[j].st_dev == st[i].st_dev;
		/* one below an earlier cover (a --persist-dir inside the state
		 * directory) is gone from this view already */
		if (!again && stat_at(AT_FDCWD, list[i], &now, 0) == 0)
			mount_at(list[i], "tmpfs", "tmpfs", MS_RDONLY | MS_NOSUID |
				 MS_NODEV | MS_NOEXEC, "size=4k,mode=0", list[i] + 1);
	}
}

/* staged: the root is a mount on image.h's stage, a tmpfs stacked on the
 * old root's top, which pivot_root brings along: detached first. */
static void switch_root(const struct config *cfg, bool staged)
{
	if (!cfg->force_chroot) {
		if (sys_pivot_root(".", ".") == 0) {
			/* The old root now sits on top of the new one, at "/" and
			 * at "."; detaching it leaves only the new root. */
			if ((staged && umount2(".", MNT_DETACH)) || umount2(".", MNT_DETACH))
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

void mounts_setup(const struct config *cfg, const struct runtime *rt)
{
	static struct view v;
	bool own_root = cfg->root != NULL, staged;
	int rootfd, proc;

	if (chdir("/"))
		die("cannot enter /: %s", error_text(errno));
	/* The new mount namespace is a copy of the host's and shares mount
	 * events with it where the host's mounts are shared (systemd makes /
	 * shared): without this, the mounts below would appear on the host.
	 * hutch oci's rootfsPropagation slave or rslave: every mount a slave
	 * instead, which receives the host's mount events and sends none
	 * (runc's rslave; its slave leaves the host's submounts shared) */
	mount_at("/", "none", NULL, MS_REC | ((HUTCH_OCI && (cfg->root_propagation & MS_SLAVE)) ?
					      MS_SLAVE : MS_PRIVATE), NULL, "");
	mask_state_dirs(cfg, rt->rootless);
	/* An image, or an overlay: the root is a mount of its own (image.h) */
	rootfd = own_root ? image_root(cfg, rt) : -1;
	staged = rootfd >= 0;
	if (own_root && rootfd < 0) {
		/* DIR itself is the caller's path, taken as given (the
		 * directories above it are the host's); what is inside it is
		 * looked up through descriptors from here on. */
		mount_at(cfg->root, cfg->root, NULL, MS_BIND | MS_REC, NULL, cfg->root + 1);
		if (chdir(cfg->root))
			die("cannot enter %s: %s", cfg->root, error_text(errno));
	}
	if (rootfd < 0)
		rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die("cannot enter %s: %s", cfg->root, error_text(errno));
	/* A device node or setuid file shipped in the image does nothing;
	 * the host's own root (no --root) keeps its devices. */
	if (own_root)
		restrict_mount(rootfd, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, ".");
	proc = mount_proc(rootfd, own_root, &v);
	if (own_root) {
		dev_setup(cfg, rootfd, v.writable + v.n_writable);
		v.n_writable += 3;
		if (!cfg->oci && !user_mounts_at(cfg, "/tmp")) {
			struct target t;
			mount_point(rootfd, "tmp", true, true, &t);
			mount_tmpfs(&v, &t, 0);
		}
	}
	for (size_t i = 0; i < cfg->n_mounts; i++)
		user_mount(rootfd, &cfg->mounts[i], own_root, &v);
	close(rootfd);
	if (own_root && mounts_before_switch)
		mounts_before_switch();
	if (own_root)
		switch_root(cfg, staged);
	/* Without --root the view is the host's: read-only, always. */
	v.read_only = cfg->read_only || !own_root;
	view_read_only(&v);
	verify_proc(proc);
	for (size_t i = 0; i < v.n_writable; i++)
		if (v.writable[i] >= 0)
			close(v.writable[i]);
	log_debug("%s mounted%s", own_root ? "proc, /dev and /tmp" : "proc",
		  v.read_only ? "; the view read-only" : "");
}
