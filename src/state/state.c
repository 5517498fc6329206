/* SPDX-License-Identifier: MIT */
/* state.c - the state directory. Written by the launcher (who) and PID 1
 * (how the service is doing), read by the control commands; a launcher
 * killed with SIGKILL leaves it behind, so readers check that the launcher
 * still runs, by pid and start time, before they trust it. Root removes
 * files and signals processes on what it says: the directories and files
 * must be the caller's (or root's) alone (trust.h), else hutch refuses. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h> /* renameat(2)'s declaration only */
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "profile.h"
#include "protocol.h"
#include "statedir.h"
#include "sys.h"
#include "trust.h"
#include "units.h"

void state_path(const char *dir, const char *name, char *buf, size_t size)
{
	fmt(buf, size, "%s/%s", dir, name);
}

int proc_id_of(long pid, struct proc_id *id)
{
	char path[32], stat[512], *p, *fields[24];
	uint64_t start;

	fmt(path, sizeof path, "/proc/%ld/stat", pid);
	errno = 0;
	if (pid <= 0 || read_small_file(AT_FDCWD, path, stat, sizeof stat) <= 0)
		/* No such file: the process is gone. Out of descriptors or
		 * memory says nothing about it, and must not make a running
		 * sandbox look stale (its record would be removed). */
		return pid > 0 && errno && errno != ENOENT && errno != ESRCH ? -errno
									 : -ESRCH;
	/* "PID (COMM) STATE PPID ...": COMM may hold blanks and ')' */
	p = strrchr(stat, ')');
	if (!p || split_words(p + 2, fields, 24, ' ') < 20 ||
	    parse_uint(fields[19], UINT64_MAX, &start) || fields[0][0] == 'Z')
		return -ESRCH;
	id->pid = pid;
	id->start = start;
	return 0;
}

int state_write_data(int dirfd, const char *file, const void *data, size_t len,
		     unsigned mode)
{
	char tmp[40];
	int fd, err = 0;

	fmt(tmp, sizeof tmp, ".%s.new", file);
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    mode);
	if (fd < 0)
		return -errno;
	err = write_all(fd, data, len);
	close(fd);
	if (!err && renameat(dirfd, tmp, dirfd, file))
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

int state_write(int dirfd, const char *file, const char *text)
{
	return state_write_data(dirfd, file, text, strlen(text), 0644);
}

/* Dies with one line: path (its first len characters) is not the
 * caller's alone, or cannot be opened. */
static _Noreturn void refuse(const char *path, size_t len, int err)
{
	char shown[300];

	fmt(shown, sizeof shown, "%s", path);
	if (len < sizeof shown)
		shown[len] = '\0';
	if (err == -EPERM || err == -ELOOP || err == -ENOTDIR)
		die("state directory %s is not safe to use: it must be a "
		    "directory or file (not a symlink) owned by the caller (uid %u) or root, "
		    "not writable by group or others: remove it, or give "
		    "--state-dir", shown, (unsigned)geteuid());
	die("state directory %s: %s", shown, error_text(-err));
}

/* FILE of the state directory, read only when it is a regular file that
 * only the caller or root can write; dies otherwise. -errno when absent. */
ssize_t state_read(int dirfd, const char *file, char *buf, size_t size)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0 && errno != ELOOP)
		return -errno;
	if (fd < 0 || stat_at(fd, "", &st, AT_EMPTY_PATH) || !S_ISREG(st.st_mode) ||
	    !trust_stat(&st, false) || (st.st_mode & 022))
		die("state file %s is not safe to use: it must be a regular file "
		    "owned by the caller (uid %u) or root, not writable by group or others: "
		    "remove the sandbox's state directory, or give --state-dir",
		    file, (unsigned)geteuid());
	n = read_fd(fd, buf, size);
	close(fd);
	return n;
}

bool launcher_alive(int dirfd, struct proc_id *id)
{
	char text[128], *w[4];
	uint64_t p, start;
	struct proc_id now = { 0, 0 }; /* the analyser cannot see that 0 means filled */

	id->pid = 0;
	if (state_read(dirfd, "launcher", text, sizeof text) <= 0 ||
	    split_words(text, w, 4, '\n') < 2 || strncmp(w[0], "pid=", 4) != 0 ||
	    strncmp(w[1], "start=", 6) != 0 || parse_uint(w[0] + 4, INT32_MAX, &p) ||
	    parse_uint(w[1] + 6, UINT64_MAX, &start))
		return false;
	id->pid = (long)p;
	id->start = start;
	switch (proc_id_of((long)p, &now)) {
	case 0:
		return now.start == start;
	case -ESRCH:
		return false;
	default:
		return true; /* cannot tell now: never call a sandbox stale then */
	}
}

/* Each launcher holds an exclusive flock(2) on its state directory's
 * "lock" file as long as it lives (the lock goes with the last descriptor
 * of that open file description: the launcher's and PID 1's inherited
 * copy). A reader that finds a directory without a launcher file (the
 * launcher has made it but not written it yet, or is gone while its PID 1
 * ends) learns from the lock that it is not stale; and two launchers of
 * one name cannot both go on. The file is 0600: a lock on the directory
 * itself (0755) would let any local user hold it and stop a start. A
 * control command's test (state_locked) holds a shared lock for
 * microseconds: the launcher tries again for up to half a second. */
#define LOCK_FILE "lock"

/* The lock of a directory this launcher made (make_locked): held from
 * before its name appeared. Kept open for the launcher's life, as
 * lock_state's is. */
static int made_lock = -1;

/* NAME made in top with its lock already held: made under a name no
 * sandbox can have (".NAME.PID": names never start with '.'), locked,
 * then renamed into place with RENAME_NOREPLACE. A plain mkdir showed a
 * directory with neither launcher file nor lock for a moment, which a
 * control command took for a stale one and removed (hutch status polled
 * beside a start: "state directory ...: No such file or directory",
 * the start lost). true when made; false with errno EEXIST when NAME was
 * there, else with the error. Without RENAME_NOREPLACE (EINVAL), a plain
 * mkdir as before. */
static bool make_locked(int top, const char *name)
{
	char tmp[80];
	int dir, fd = -1, err;

	fmt(tmp, sizeof tmp, ".%s.%ld", name, (long)getpid());
	if (mkdirat(top, tmp, 0755))
		return false;
	dir = openat(top, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0) {
		fd = openat(dir, LOCK_FILE, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		close(dir);
	}
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    sys_renameat2(top, tmp, top, name, 1 /* RENAME_NOREPLACE */) == 0) {
		made_lock = fd;
		return true;
	}
	err = errno;
	if (fd >= 0)
		close(fd);
	dir = openat(top, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0) {
		unlinkat(dir, LOCK_FILE, 0);
		close(dir);
	}
	unlinkat(top, tmp, AT_REMOVEDIR);
	if (err == EINVAL || err == ENOSYS)
		return mkdirat(top, name, 0755) == 0;
	errno = err;
	return false;
}

static int lock_state(int dirfd)
{
	struct timespec pause = { 0, 10 * 1000000L };
	int fd;

	if (made_lock >= 0)
		return 0; /* made by make_locked, locked since */
	fd = openat(dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0; /* not lockable here: as before the lock existed */
	for (int i = 0; i < 50; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0; /* kept open, and locked, for the launcher's life */
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return 0; /* no flock on this file system: as before */
		}
		nanosleep(&pause, NULL);
	}
	close(fd);
	return -EWOULDBLOCK;
}

bool state_locked(int dirfd)
{
	int fd = openat(dirfd, LOCK_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool held;

	if (fd < 0)
		return errno == EACCES; /* another user's: cannot tell, so held */
	held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd); /* a shared lock, if it was had, goes with it */
	return held;
}

void pidfile_remove(const char *path, const char *pid, size_t n)
{
	char now[24];
	const char *name;
	size_t bad;
	int at = trust_parent(path, &name, &bad), fd;

	if (at < 0)
		return;
	fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && read_fd(fd, now, sizeof now) == (ssize_t)n &&
	    memcmp(now, pid, n) == 0)
		unlinkat(at, name, 0);
	if (fd >= 0)
		close(fd);
	close(at);
}

/* A pid file naming a launcher that is gone would have an init script
 * signal whatever process has the pid now: it goes with the state, but
 * only while it names that launcher (another may have taken it over). */
static void remove_pidfile(int dirfd)
{
	char text[400], *path;

	if (state_read(dirfd, "launcher", text, sizeof text) <= 0 ||
	    strncmp(text, "pid=", 4) != 0)
		return;
	/* the last line; a loop, as strstr(3) costs 1 KiB */
	for (path = text + strlen(text); path > text && strncmp(path, "\npidfile=", 9) != 0;)
		path--;
	if (path == text)
		return;
	path += 9;
	path[until_any(path, "\n")] = '\0';
	/* "PID\n", as the pid file has it */
	pidfile_remove(path, text + 4, until_any(text + 4, "\n") + 1);
}

static void remove_files(int dirfd)
{
	static const char *const files[] = { "launcher", "status", "exec", "rebuild",
					      ".launcher.new", ".exec.new",
					      ".rebuild.new" };

	remove_pidfile(dirfd);

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlinkat(dirfd, files[i], 0);
}

int state_open(const char *dir, const char *name, const char **found)
{
	const char *list[STATEDIR_MAX];
	size_t n = dir ? 1 : statedir_candidates(geteuid() != 0, list);

	if (dir)
		list[0] = dir;
	/* the first candidate that holds NAME, in the launcher's order */
	for (size_t i = 0; i < n; i++) {
		char path[300];
		size_t bad;
		int top = statedir_open(list[i], STATEDIR_OPEN, false, &bad), fd;

		if (top < 0 && dir && top != -ENOENT)
			refuse(list[i], bad, top);
		if (statedir_untrusted(top)) { /* as the launcher skipped it */
			char why[200];
			log_error("state directory %s: skipped",
				  statedir_why(list[i], top, bad, why, sizeof why));
		}
		if (top < 0)
			continue;
		fd = trust_dir(top, name, false);
		close(top);
		state_path(list[i], name, path, sizeof path);
		if (fd < 0 && fd != -ENOENT)
			refuse(path, sizeof path, fd);
		if (fd >= 0) {
			*found = list[i];
			return fd;
		}
	}
	return -ENOENT;
}

/* --state-dir DIR: that directory or none (exit 125). */
static int given_base(const struct config *cfg, bool rootless, bool *existed)
{
	const char *hint = rootless ? " (as an ordinary user: set "
					   "XDG_RUNTIME_DIR, or give --state-dir)" : "";
	size_t bad;
	int top = statedir_open(cfg->state_dir, STATEDIR_MAKE, false, &bad);

	if (top == -EACCES || top == -EROFS || top == -ENOENT)
		die("cannot create the state directory %s: %s: give --state-dir a "
		    "directory hutch can make or use%s", cfg->state_dir,
		    error_text(-top), hint);
	if (top < 0)
		refuse(cfg->state_dir, bad, top);
	*existed = !make_locked(top, cfg->name);
	if (*existed && errno != EEXIST) {
		char path[300];
		state_path(cfg->state_dir, cfg->name, path, sizeof path);
		die("cannot create %s: %s%s", path, error_text(errno), hint);
	}
	return top;
}

/* No --state-dir: the first candidate where NAME can be made (-1 when
 * none can). One that is there but not safe to use is said and skipped;
 * where none is usable, one line says why for each, and the sandbox runs
 * without state: the control plane never keeps a service from starting. */
static int chosen_base(const struct config *cfg, bool rootless, const char **base,
		       bool *existed)
{
	const char *list[STATEDIR_MAX];
	char why[600], one[200], unsafe[STATEDIR_MAX][200];
	size_t n = statedir_candidates(rootless, list), len = 0, n_unsafe = 0;

	for (size_t i = 0; i < n; i++) {
		size_t bad;
		int top = statedir_open(list[i], STATEDIR_MAKE, true, &bad), err = top;

		*existed = top >= 0 && !make_locked(top, cfg->name);
		if (*existed && errno != EEXIST) {
			err = -errno;
			bad = strlen(list[i]);
			close(top);
		} else if (top >= 0) {
			/* said only now: with none usable, the one line below
			 * says it with the rest */
			for (size_t u = 0; u < n_unsafe; u++)
				log_error("state directory %s: skipped", unsafe[u]);
			*base = list[i];
			return top;
		}
		statedir_why(list[i], err, bad, one, sizeof one);
		if (statedir_untrusted(err))
			fmt(unsafe[n_unsafe++], sizeof unsafe[0], "%s", one);
		len += fmt(why + len, sizeof why - len, "%s%s", len ? "; " : "", one);
		if (len >= sizeof why)
			len = sizeof why - 1;
	}
	log_error("no state directory is usable (%s): running without one, so hutch "
		  "list, status and stop will not see this sandbox: give --state-dir "
		  "DIR%s", why, rootless ? ", or set XDG_RUNTIME_DIR" : "");
	return -1;
}

int state_create(const struct config *cfg, bool rootless, const char **base)
{
	char path[300];
	struct proc_id self = { 0, 0 }, other;
	int top, dirfd;
	bool existed;

	/* before anything is made: a refusal leaves nothing behind */
	if (proc_id_of((long)getpid(), &self))
		die("cannot read /proc/self/stat: mount -t proc proc /proc");
	*base = cfg->state_dir;
	top = cfg->state_dir ? given_base(cfg, rootless, &existed)
			     : chosen_base(cfg, rootless, base, &existed);
	if (top < 0)
		return -1;
	state_path(*base, cfg->name, path, sizeof path);
	/* opened without following a symlink, and checked on the descriptor:
	 * from here on only the descriptor is used */
	dirfd = trust_dir(top, cfg->name, false);
	close(top);
	if (dirfd < 0)
		refuse(path, sizeof path, dirfd);
	/* Only a directory that was there already can hold a launcher, alive
	 * or one that died (stale: its files go). */
	if (existed && launcher_alive(dirfd, &other))
		die("a sandbox named %s is already running (launcher pid %ld): "
		    "give this one another --name", cfg->name, other.pid);
	if (lock_state(dirfd))
		die("a sandbox named %s is starting or ending (%s/" LOCK_FILE " is locked "
		    "by its launcher): give this one another --name", cfg->name, path);
	if (existed)
		remove_files(dirfd);
	top = state_write_launcher(dirfd, cfg);
	if (top)
		die("cannot write %s/launcher: %s", path, error_text(-top));
	return dirfd;
}

int state_write_launcher(int dirfd, const struct config *cfg)
{
	struct proc_id self = { 0, 0 };
	char text[700];
	size_t n;

	if (proc_id_of((long)getpid(), &self))
		return -ESRCH;
	n = fmt(text, sizeof text, "pid=%ld\nstart=%llu\nstop_timeout_ms=%llu\n"
		"reload_signal=%d\n", self.pid, self.start,
		(unsigned long long)cfg->stop_timeout_ms, cfg->reload_signal);
	/* with --ready, hutch restart waits until the new service is ready */
	if (HUTCH_READY && cfg->ready_mode != READY_NONE && n < sizeof text)
		n += fmt(text + n, sizeof text - n, "ready_timeout_ms=%llu\n",
			 (unsigned long long)cfg->ready_timeout_ms);
	/* where hutch status finds the crash loop record */
	if (HUTCH_BOOTLIMIT && cfg->boot_limit && n < sizeof text)
		n += fmt(text + n, sizeof text - n, "persist_dir=%s\n",
			 cfg->persist_dir ? cfg->persist_dir : PERSIST_DIR_DEFAULT);
	if (cfg->pidfile && n < sizeof text) /* last: remove_pidfile's */
		fmt(text + n, sizeof text - n, "pidfile=%s\n", cfg->pidfile);
	return state_write(dirfd, "launcher", text);
}

ssize_t state_read_status(int dirfd, char *buf, size_t size)
{
	struct timespec pause = { 0, 2000000 };

	for (int tries = 0; tries < 20; tries++) {
		ssize_t n = state_read(dirfd, "status", buf, size);
		const char *end = NULL;

		/* the last line, "end=N", must repeat the first, "seq=N" */
		for (ssize_t i = n - 2; i > 0 && !end; i--)
			if (buf[i] == '\n')
				end = buf + i + 1;
		if (n > 8 && end && memcmp(buf, "seq=", 4) == 0 &&
		    memcmp(end, "end=", 4) == 0) {
			size_t seq = until_any(buf + 4, "\n"), fin = until_any(end + 4, "\n");
			if (seq == fin && memcmp(buf + 4, end + 4, seq) == 0)
				return n;
		}
		nanosleep(&pause, NULL);
	}
	buf[0] = '\0';
	return -1;
}

void state_remove(const char *base, const char *name, int dirfd)
{
	size_t bad;
	int top;

	if (dirfd < 0)
		return;
	remove_files(dirfd);
	unlinkat(dirfd, LOCK_FILE, 0); /* last: held to the end */
	close(dirfd);
	/* the name again, in the top directory checked again */
	top = statedir_open(base, STATEDIR_OPEN, false, &bad);
	if (top >= 0) {
		unlinkat(top, name, AT_REMOVEDIR);
		close(top);
	}
}

/* Keys are an interface (docs/exit-causes.md): add, never rename. */
void state_publish(int fd, unsigned seq, const struct run_state *rs)
{
	const struct exit_info *e = rs->exit;
	char text[STATE_STATUS_MAX], last[128];
	size_t n;

	if (fd < 0)
		return;
	exit_describe(e, "", last, sizeof last);
	n = fmt(text, sizeof text, "seq=%u\nstate=%s\npid=%ld\nsince_ms=%llu\n"
		"starts=%u\nlast=%s\nexit_cause=%s\nexit_code=%d\nexit_signal=%d\n"
		"exit_syscall=%ld\nexit_syscall_name=%s\nexit_oom_kills=%llu\n"
		"exit_at_ms=%llu\nexit_at=%lld\n", seq, rs->state, rs->pid,
		rs->since_ms, rs->starts, last, exit_cause_word(e->cause), e->code,
		e->sig, e->syscall, e->syscall_name, e->oom_kills,
		(unsigned long long)e->at_ms, e->at_s);
	if (rs->ready && n < sizeof text)
		n += fmt(text + n, sizeof text - n, "ready=%s\nnotify_status=%s\n",
			 rs->ready, rs->notify_status);
	if (rs->health && n < sizeof text)
		n += fmt(text + n, sizeof text - n, "%s", rs->health);
	if (n < sizeof text)
		n += fmt(text + n, sizeof text - n, "end=%u\n", seq);
	if (n < sizeof text && pwrite(fd, text, n, 0) == (ssize_t)n)
		(void)!ftruncate(fd, (off_t)n);
}

const char *state_value(const char *text, const char *key, char *buf, size_t size)
{
	size_t len = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, len) == 0 && p[len] == '=') {
			fmt(buf, size, "%s", p + len + 1);
			buf[until_any(buf, "\n")] = '\0';
			return buf;
		}
	buf[0] = '\0';
	return buf;
}
