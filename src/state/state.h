/* SPDX-License-Identifier: MIT */
/* state.h - each sandbox's state directory, STATE_DIR/NAME (/run/hutch/web
 * where there is a /run; statedir.h chooses STATE_DIR): who runs it and
 * how the service is doing, for `hutch list|status|stop|restart|kill`.
 * Every file is replaced atomically. */
#ifndef HUTCH_STATE_H
#define HUTCH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "exit_cause.h"

/* The status file's largest text. */
#define STATE_STATUS_MAX 1024

/* A process as it was at start: pid and start time (field 22 of
 * /proc/PID/stat), so a pid reused after a crash is not mistaken for it. */
struct proc_id {
	long pid;
	unsigned long long start;
};

/* 0 and *id filled when pid runs; -ESRCH when it does not (gone, or a
 * zombie); another -errno when /proc could not be read (EMFILE, ENOMEM):
 * then nothing is known. */
int proc_id_of(long pid, struct proc_id *id);

/* Launcher: makes STATE_DIR/NAME and writes "launcher" (pid, start time,
 * stop timeout, reload signal, --boot-limit's persist directory, pid
 * file last). Both directories and every
 * file in them must be the caller's or root's, not a symlink, not
 * writable by group or others, else hutch refuses (exit 125). A sandbox of
 * that name already running is refused (exit 125); a directory left by a
 * launcher that died is cleared. Returns the directory's fd, kept open
 * (PID 1 writes "status" through it after the root switch), and *base,
 * STATE_DIR. Without --state-dir, -1 (said in one line) when no candidate
 * is usable: the sandbox then runs without state. rootless: the caller is
 * not root (its candidates, and the hints of the refusals). */
int state_create(const struct config *cfg, bool rootless, const char **base);

/* Launcher: "launcher" written again (state_create's first), with
 * cfg's stop timeout and reload signal: after a rebuild, the new
 * configuration's. 0 or -errno. */
int state_write_launcher(int dirfd, const struct config *cfg);

/* PID 1's view of the service: what the status file says. */
struct run_state {
	const char *state;	/* running, ending, backoff, stopping, done */
	long pid;		/* in the sandbox; 0 while none runs */
	unsigned long long since_ms; /* CLOCK_MONOTONIC ms of the run's start */
	unsigned starts;
	const struct exit_info *exit; /* the last run's end */
	const char *ready;	/* "ready" or "starting"; NULL without --ready */
	const char *notify_status; /* the service's STATUS= text */
	const char *health;	/* --health's key=value lines (liveness.c), or "" */
};

/* PID 1: the status file (fd, held open: no directory descriptor in the
 * sandbox) rewritten in place, "seq=N" its first line and "end=N" its
 * last, so a reader can tell a read torn by a write. This function is the
 * file's one writer; readers take its keys with state_value. */
void state_publish(int fd, unsigned seq, const struct run_state *rs);

/* The value of "key=value" in a state file's text, copied into buf; ""
 * when absent. */
const char *state_value(const char *text, const char *key, char *buf, size_t size);

/* The status file's text, when a read of it is whole (its seq and end
 * lines agree; retried a few times while PID 1 rewrites it). */
ssize_t state_read_status(int dirfd, char *buf, size_t size);

/* Control commands: STATE_DIR/NAME opened and checked as state_create
 * does (dies with one line when another user could change it), from dir
 * or else the first candidate that holds NAME (*found); -ENOENT when
 * there is none. */
int state_open(const char *dir, const char *name, const char **found);

/* Whether the launcher recorded in the directory still runs (its pid and
 * start time in *id either way, pid 0 if unreadable); true when /proc
 * cannot tell right now (a transient error never makes a record stale). */
bool launcher_alive(int dirfd, struct proc_id *id);
/* Whether a launcher holds the sandbox's state directory (starting,
 * running or ending), though its launcher file may not be written yet. */
bool state_locked(int dirfd);

/* Removes base/NAME and what is in it, and the launcher's --pidfile
 * while it still holds that launcher's pid. */
void state_remove(const char *base, const char *name, int dirfd);

/* Removes the pid file path while it holds pid (its n bytes, "PID\n"),
 * reached through trust.h's checked walk. */
void pidfile_remove(const char *path, const char *pid, size_t n);

/* Replaces FILE in the directory with text, atomically (write + rename). */
int state_write(int dirfd, const char *file, const char *text);
/* The same with len bytes of data, the file made with mode (0600 for
 * what only root may read). */
int state_write_data(int dirfd, const char *file, const void *data, size_t len,
		     unsigned mode);

/* FILE of the state directory into buf (NUL-terminated; returns its
 * length), read only when it is a regular file that only the caller or
 * root can write; dies otherwise. -errno when absent. */
ssize_t state_read(int dirfd, const char *file, char *buf, size_t size);

/* The state directory of NAME under dir into buf. */
void state_path(const char *dir, const char *name, char *buf, size_t size);

#endif
