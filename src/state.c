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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"
#include "trust.h"
#include "units.h"

const char *state_dir_default(void)
{
	static char dir[200];
	const char *runtime = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 || !runtime || runtime[0] != '/' ||
	    fmt(dir, sizeof dir, "%s/hutch", runtime) >= sizeof dir)
		return "/run/hutch";
	return dir;
}

void state_path(const char *dir, const char *name, char *buf, size_t size)
{
	fmt(buf, size, "%s/%s", dir ? dir : STATE_DIR_DEFAULT, name);
}

int proc_id_of(long pid, struct proc_id *id)
{
	char path[32], stat[512], *p, *fields[24];
	uint64_t start;

	fmt(path, sizeof path, "/proc/%ld/stat", pid);
	if (pid <= 0 || read_small_file(AT_FDCWD, path, stat, sizeof stat) <= 0)
		return -1;
	/* "PID (COMM) STATE PPID ...": COMM may hold blanks and ')' */
	p = strrchr(stat, ')');
	if (!p || split_words(p + 2, fields, 24, ' ') < 20 ||
	    parse_uint(fields[19], UINT64_MAX, &start) || fields[0][0] == 'Z')
		return -1;
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
	struct proc_id now;

	id->pid = 0;
	if (state_read(dirfd, "launcher", text, sizeof text) <= 0 ||
	    split_words(text, w, 4, '\n') < 2 || strncmp(w[0], "pid=", 4) != 0 ||
	    strncmp(w[1], "start=", 6) != 0 || parse_uint(w[0] + 4, INT32_MAX, &p) ||
	    parse_uint(w[1] + 6, UINT64_MAX, &start))
		return false;
	id->pid = (long)p;
	id->start = start;
	return proc_id_of((long)p, &now) == 0 && now.start == start;
}

/* A pid file naming a launcher that is gone would have an init script
 * signal whatever process has the pid now: it goes with the state, but
 * only while it names that launcher (another may have taken it over), and
 * only through the checked walk to its directory (trust.h). */
static void remove_pidfile(int dirfd)
{
	char text[400], pid[24], *path;
	const char *name;
	size_t n, bad;
	int at, fd;

	if (state_read(dirfd, "launcher", text, sizeof text) <= 0 ||
	    strncmp(text, "pid=", 4) != 0)
		return;
	/* the last line; a loop, as strstr(3) costs 1 KiB */
	for (path = text + strlen(text); path > text && strncmp(path, "\npidfile=", 9) != 0;)
		path--;
	if (path == text)
		return;
	n = until_any(text + 4, "\n") + 1; /* "PID\n", as the pid file has it */
	path += 9;
	path[until_any(path, "\n")] = '\0';
	at = trust_parent(path, &name, &bad);
	if (at < 0)
		return;
	fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && read_fd(fd, pid, sizeof pid) == (ssize_t)n &&
	    memcmp(pid, text + 4, n) == 0)
		unlinkat(at, name, 0);
	if (fd >= 0)
		close(fd);
	close(at);
}

static void remove_files(int dirfd)
{
	static const char *const files[] = { "launcher", "status", "exec",
					      ".launcher.new", ".exec.new" };

	remove_pidfile(dirfd);

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlinkat(dirfd, files[i], 0);
}

/* The top state directory, checked (trust.h): its descriptor, or -errno
 * with *bad the length of the part of base that failed. */
static int open_base(const char *base, bool create, size_t *bad)
{
	const char *name;
	int at = trust_parent(base, &name, bad), fd;

	if (at < 0)
		return at;
	fd = trust_dir(at, name, create);
	close(at);
	*bad = strlen(base);
	return fd;
}

int state_open(const char *dir, const char *name)
{
	const char *base = dir ? dir : STATE_DIR_DEFAULT;
	size_t bad;
	int top = open_base(base, false, &bad), fd;

	if (top == -ENOENT)
		return -ENOENT;
	if (top < 0)
		refuse(base, bad, top);
	fd = trust_dir(top, name, false);
	close(top);
	if (fd < 0 && fd != -ENOENT) {
		char path[300];
		state_path(dir, name, path, sizeof path);
		refuse(path, sizeof path, fd);
	}
	return fd;
}

int state_create(const struct config *cfg)
{
	const char *base = cfg->state_dir ? cfg->state_dir : STATE_DIR_DEFAULT;
	char path[300], text[400];
	const char *hint = cfg->rootless ? " (as an ordinary user: set "
					   "XDG_RUNTIME_DIR, or give --state-dir)" : "";
	struct proc_id self, other;
	size_t bad;
	int top, dirfd;

	state_path(cfg->state_dir, cfg->name, path, sizeof path);
	top = open_base(base, true, &bad);
	if (top == -EACCES || top == -EROFS || top == -ENOENT)
		die("cannot create the state directory %s: %s%s", base,
		    error_text(-top), hint);
	if (top < 0)
		refuse(base, bad, top);
	bool existed = mkdirat(top, cfg->name, 0755) != 0;

	if (existed && errno != EEXIST)
		die("cannot create %s: %s%s", path, error_text(errno), hint);
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
	if (existed)
		remove_files(dirfd);
	if (proc_id_of((long)getpid(), &self))
		die("cannot read /proc/self/stat: is /proc mounted?");
	fmt(text, sizeof text, "pid=%ld\nstart=%llu\nstop_timeout_ms=%llu\n"
	    "reload_signal=%d\n%s%s%s", self.pid, self.start,
	    (unsigned long long)cfg->stop_timeout_ms, cfg->reload_signal,
	    cfg->pidfile ? "pidfile=" : "", cfg->pidfile ? cfg->pidfile : "",
	    cfg->pidfile ? "\n" : "");
	top = state_write(dirfd, "launcher", text);
	if (top)
		die("cannot write %s/launcher: %s", path, error_text(-top));
	return dirfd;
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

void state_remove(const struct config *cfg, int dirfd)
{
	size_t bad;
	int top;

	if (dirfd < 0)
		return;
	remove_files(dirfd);
	close(dirfd);
	/* the name again, in the top directory checked again */
	top = open_base(cfg->state_dir ? cfg->state_dir : STATE_DIR_DEFAULT, false, &bad);
	if (top >= 0) {
		unlinkat(top, cfg->name, AT_REMOVEDIR);
		close(top);
	}
}
