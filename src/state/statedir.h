/* SPDX-License-Identifier: MIT */
/* statedir.h - where the state directories live when --state-dir is not
 * given: the first usable of a fixed list of places, the same list in the
 * same order for the launcher, the control commands, PID 1's mask and
 * `hutch check` (docs/design.md, "The state directory"). */
#ifndef HUTCH_STATEDIR_H
#define HUTCH_STATEDIR_H

#include <stdbool.h>
#include <stddef.h>

#define STATEDIR_MAX 4

/* The candidates, best first, into list; returns how many. Root:
 * /run/hutch, /var/run/hutch, then /tmp/hutch and /dev/shm/hutch where
 * that directory is a memory file system (state must not outlive a boot).
 * An ordinary user: $XDG_RUNTIME_DIR/hutch when set, else the first two
 * (root's, usable only where root made them the user's). */
size_t statedir_candidates(bool rootless, const char *list[STATEDIR_MAX]);

enum statedir_mode {
	STATEDIR_OPEN,	/* open it if it is there */
	STATEDIR_MAKE,	/* make it (and, with parents, its missing parents on a
			 * memory file system, as mkdir -p would) and open it */
	STATEDIR_PROBE, /* whether MAKE would work, changing nothing */
};

/* The directory base, reached one name at a time and checked (trust.h):
 * its descriptor; with STATEDIR_PROBE, 0 when it would be made; -errno,
 * with *bad the length of base's part that failed (-EPERM, -ELOOP,
 * -ENOTDIR: not safe to use). */
int statedir_open(const char *base, enum statedir_mode mode, bool parents,
		  size_t *bad);

/* Why base failed, in a few words, into buf: "not safe to use: PREFIX is
 * not root's or the caller's alone" or the error's text. */
const char *statedir_why(const char *base, int err, size_t bad, char *buf,
			 size_t size);

/* Whether err says the directory is there but not to be trusted. */
bool statedir_untrusted(int err);

#endif
