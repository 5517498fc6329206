/* SPDX-License-Identifier: MIT */
/* mounts_view.c - after the root switch: the view made read-only where it
 * must be, and checked from inside before the service runs. Mounts are
 * told apart by their mount id (mountinfo's first field; a descriptor's
 * by statx, or in /proc/self/fdinfo), never by a path someone could have
 * renamed. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"
#include "units.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* The id of the mount fd is on, as mountinfo's first field gives it, by
 * statx (STATX_MNT_ID, Linux 5.8): one system call. */
static uint64_t mount_id_statx(int fd)
{
	struct statx_v0 st;

	if (sys_statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC_V0, STATX_MNT_ID_V0, &st) ||
	    !(st.mask & STATX_MNT_ID_V0))
		return 0;
	return st.mnt_id;
}

/* Before 5.8 (ENOSYS, or a mask without the bit): "mnt_id:" in
 * /proc/self/fdinfo/N (Linux 3.15), an open, a read and a close. */
static uint64_t mount_id_fdinfo(int fd)
{
	char path[32], buf[256], *p;
	uint64_t id = 0;

	fmt(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	if (read_small_file(AT_FDCWD, path, buf, sizeof buf) <= 0)
		return 0;
	for (p = buf; *p && strncmp(p, "\nmnt_id:", 8) != 0; p++)
		;
	if (*p) {
		p += 8;
		while (*p == '\t' || *p == ' ')
			p++;
		p[until_any(p, "\n")] = '\0';
		parse_uint(p, UINT64_MAX, &id);
	}
	return id;
}

/* 0: not known (the caller then finds no mount with that id). */
static uint64_t mount_id(int fd)
{
	uint64_t id = mount_id_statx(fd);

	return id ? id : mount_id_fdinfo(fd);
}

struct walk {
	const struct view *v;
	uint64_t ids[CONFIG_MAX_MOUNTS + 8];
	bool enforce;
	size_t n_seen;
	size_t n_writable_seen; /* mounts the first pass found writable and
				 * meant read-only, covered ones included */
	struct { uint64_t id, parent; uint32_t point; } seen[512];
};

static uint32_t hash(const char *s)
{
	uint32_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* A mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS] -
 * TYPE SOURCE SUPER", split into f[]. Whether the mount is writable
 * where it must not be: sysfs and cgroup mounts always (a --bind can
 * bring them in), every other one under --read-only but the writable
 * ones the view names. Its id in *id. */
static bool writable_but_must_not(const struct walk *w, char **f, size_t n, uint64_t *id)
{
	size_t dash = 6;

	while (dash < n && strcmp(f[dash], "-") != 0)
		dash++;
	if (dash + 1 >= n || parse_uint(f[0], UINT64_MAX, id) ||
	    strncmp(f[5], "rw", 2) != 0)
		return false;
	if (!strcmp(f[dash + 1], "sysfs") || !strncmp(f[dash + 1], "cgroup", 6))
		return true;
	if (!w->v->read_only)
		return false;
	for (size_t i = 0; i < w->v->n_writable; i++)
		if (w->ids[i] == *id)
			return false;
	return true;
}

/* The first pass: each mount's id, parent and mount point, to tell a
 * mount that another covers (mounted on its root at the same path, as
 * the sandbox's /proc covers the host's without --root) from one a
 * rename moved: the first the service can never reach. And how many
 * mounts are writable that must not be: none (the usual case, once
 * mount_setattr made the view read-only) spares the second pass, each
 * pass being the kernel formatting the whole mount table again. */
static void note_mount(char *line, void *arg)
{
	struct walk *w = arg;
	char *f[24];
	size_t n = split_words(line, f, 24, ' ');
	uint64_t id;

	if (n < 6)
		return;
	if (w->n_seen < sizeof w->seen / sizeof w->seen[0] &&
	    !parse_uint(f[0], UINT64_MAX, &w->seen[w->n_seen].id) &&
	    !parse_uint(f[1], UINT64_MAX, &w->seen[w->n_seen].parent))
		w->seen[w->n_seen++].point = hash(f[4]);
	if (writable_but_must_not(w, f, n, &id))
		w->n_writable_seen++;
}

static bool covered(const struct walk *w, uint64_t id, const char *point)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (w->seen[i].parent == id && w->seen[i].point == hash(point))
			return true;
	return false;
}

/* The second pass, one mountinfo line: a mount that must be read-only
 * and is not is remounted (enforce), or ends the start (the check). */
static void each_mount(char *line, void *arg)
{
	struct walk *w = arg;
	char *f[24];
	size_t n = split_words(line, f, 24, ' ');
	uint64_t id = 0;
	int fd;

	if (n < 6 || !writable_but_must_not(w, f, n, &id) || covered(w, id, f[4]))
		return;
	if (!w->enforce)
		die("check failed: %s is writable in the sandbox", f[4]);
	/* The path is mountinfo's, escaped (\040 for a blank): one that
	 * does not open, or opens another mount, ends the start. */
	fd = open(f[4], O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || mount_id(fd) != id)
		die("cannot restrict %s: %s", f[4], fd < 0 ?
		    error_text(errno) : "it moved");
	restrict_mount(fd, MOUNT_ATTR_RDONLY, f[4] + 1);
	close(fd);
}

/* Returns how many mounts the first pass found writable that must not be
 * (covered ones included). */
static size_t walk_mounts(const struct view *v, bool enforce)
{
	static struct walk w;

	w.v = v;
	w.enforce = enforce;
	w.n_seen = w.n_writable_seen = 0;
	/* The ids only matter under read_only (writable_but_must_not). */
	for (size_t i = 0; i < v->n_writable; i++)
		w.ids[i] = !v->read_only || v->writable[i] < 0 ? 0 : mount_id(v->writable[i]);
	if (each_line("/proc/self/mountinfo", note_mount, &w) ||
	    (w.n_writable_seen && each_line("/proc/self/mountinfo", each_mount, &w)))
		die("cannot read /proc/self/mountinfo: %s", error_text(errno));
	return w.n_writable_seen;
}

/* Read-only recursively: mount_setattr(AT_RECURSIVE) on / (Linux 5.12),
 * then the writable mounts made writable again, each alone (a --bind's
 * own submounts stay read-only). Before 5.12, and for sysfs and cgroup
 * mounts brought in by a --bind, a walk of mountinfo remounts each mount
 * that must be read-only. */
static void make_read_only(const struct view *v)
{
	int top = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	errno = 0;
	if (!mount_attrs(top, MOUNT_ATTR_RDONLY, 0, AT_RECURSIVE)) {
		for (size_t i = 0; i < v->n_writable; i++)
			if (v->writable[i] >= 0 &&
			    mount_attrs(v->writable[i], 0, MOUNT_ATTR_RDONLY, 0))
				break;
	}
	if (errno && errno != ENOSYS)
		die("cannot restrict /%s: %s", "", error_text(errno));
	close(top);
}

/* The check from inside is a walk that restricts nothing and dies at what
 * it would restrict. The first walk's table was read after every change
 * to the view: where it found nothing to remount, it was that check
 * already, and the kernel need not format the table again (each read is
 * the whole table, about 0.2 ms). Where it remounted, the check reads
 * again and sees whether each remount took. */
void view_read_only(const struct view *v)
{
	if (v->read_only)
		make_read_only(v);
	if (walk_mounts(v, true))
		walk_mounts(v, false);
}
