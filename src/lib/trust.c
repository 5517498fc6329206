/* SPDX-License-Identifier: MIT */
/* trust.c - checks on the host paths hutch trusts (see trust.h). A name
 * can only be changed by whoever may write its directory: so a directory
 * that only the caller and root can write, entered through names only they
 * own, stays what it was when checked, and the descriptor makes the check
 * hold for what is used (no later lookup by name can be swapped). */
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sys.h"

static bool trusted_owner(const struct stat *st)
{
	return st->st_uid == geteuid() || st->st_uid == 0;
}

bool trust_stat(const struct stat *st, bool sticky_ok)
{
	return trusted_owner(st) &&
	       (!S_ISDIR(st->st_mode) || !(st->st_mode & 022) ||
		(sticky_ok && (st->st_mode & S_ISVTX)));
}

/* -EPERM and fd closed unless fd is trusted. */
static int checked(int fd, bool sticky_ok)
{
	struct stat st;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (stat_at(fd, "", &st, AT_EMPTY_PATH))
		err = -errno;
	else if (!trust_stat(&st, sticky_ok))
		err = -EPERM;
	if (err)
		close(fd);
	return err ? err : fd;
}

int trust_dir(int at, const char *name, bool create)
{
	if (create && mkdirat(at, name, 0755) && errno != EEXIST)
		return -errno;
	/* a symlink is ELOOP (ENOTDIR on some kernels): not followed */
	return checked(openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC), false);
}

/* Whether only slashes are left: "/run/hutch/" names hutch. */
static bool last(const char *rest)
{
	while (*rest == '/')
		rest++;
	return !*rest;
}

int trust_parent(const char *path, const char **name, size_t *bad)
{
	const char *p = path;
	int fd = checked(open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY |
			      O_CLOEXEC), true);

	for (*bad = 1; fd >= 0;) {
		char part[256];
		struct stat st;
		size_t n;
		int next;

		while (*p == '/')
			p++;
		n = until_any(p, "/");
		if (last(p + n)) {
			*name = p;
			return fd;
		}
		*bad = (size_t)(p - path) + n;
		if (n >= sizeof part) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		p += n;
		/* the name itself: a symlink is judged by its owner (its mode
		 * is always 0777), then followed to a directory that must be
		 * trusted in its own right */
		if (stat_at(fd, part, &st, AT_SYMLINK_NOFOLLOW))
			next = -1;
		else if (!trusted_owner(&st))
			next = (errno = EPERM, -1);
		else
			next = openat(fd, part, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = checked(next, true);
	}
	return fd;
}
