/* SPDX-License-Identifier: MIT */
/* trust.h - the host paths hutch trusts: the state directory and what is
 * in it, --output and --pidfile. Root acts on them; a path that another
 * user can change would let that user choose what root writes, removes or
 * signals. So each is reached one name at a time, checked on the opened
 * descriptor (fstat, never a second lookup by name), and then used only
 * through descriptors (openat, renameat, unlinkat). */
#ifndef HUTCH_TRUST_H
#define HUTCH_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Whether only the caller and root can change st: owned by one of them
 * and, when a directory, not writable by group or others, unless sticky
 * and sticky_ok (/tmp: others can add names there, but neither replace nor
 * remove the caller's or root's). */
bool trust_stat(const struct stat *st, bool sticky_ok);

/* Opens the directory name in at without following a symlink (O_NOFOLLOW |
 * O_DIRECTORY), and checks it with trust_stat (no sticky): the descriptor,
 * -errno, or -EPERM when another user could change it. With create, makes
 * it first (0755) when it is not there. */
int trust_dir(int at, const char *name, bool create);

/* The directory that holds path, reached from / (from the working
 * directory when path is relative) one name at a time: each name owned by
 * the caller or root, each directory passed trusted (sticky allowed), a
 * symlink followed only when the caller or root owns it. Returns an
 * O_PATH descriptor of it and *name, path's last name (trailing slashes
 * stay on it); -errno, or -EPERM with *bad the length of the prefix that
 * failed. */
int trust_parent(const char *path, const char **name, size_t *bad);

#endif
