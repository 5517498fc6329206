/* state.c - the state directory. Written by the launcher (who) and PID 1
 * (how the service is doing), read by the control commands; a launcher
 * killed with SIGKILL leaves it behind, so readers check that the launcher
 * still runs, by pid and start time, before they trust it. */
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

int state_write(int dirfd, const char *file, const char *text)
{
	char tmp[40];
	int fd, err = 0;

	fmt(tmp, sizeof tmp, ".%s.new", file);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, text, strlen(text));
	close(fd);
	if (!err && renameat(dirfd, tmp, dirfd, file))
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

bool launcher_alive(int dirfd, long *pid)
{
	char text[128], *w[4];
	uint64_t p, start;
	struct proc_id now;

	if (read_small_file(dirfd, "launcher", text, sizeof text) <= 0 ||
	    split_words(text, w, 4, '\n') < 2 || strncmp(w[0], "pid=", 4) != 0 ||
	    strncmp(w[1], "start=", 6) != 0 || parse_uint(w[0] + 4, INT32_MAX, &p) ||
	    parse_uint(w[1] + 6, UINT64_MAX, &start))
		return false;
	*pid = (long)p;
	return proc_id_of((long)p, &now) == 0 && now.start == start;
}

/* A pid file naming a launcher that is gone would have an init script
 * signal whatever process has the pid now: it goes with the state, but
 * only while it names that launcher (another may have taken it over). */
static void remove_pidfile(int dirfd)
{
	char text[400], pid[24], *path;
	size_t n;

	if (read_small_file(dirfd, "launcher", text, sizeof text) <= 0 ||
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
	if (read_small_file(AT_FDCWD, path, pid, sizeof pid) == (ssize_t)n &&
	    memcmp(pid, text + 4, n) == 0)
		unlink(path);
}

static void remove_files(int dirfd)
{
	static const char *const files[] = { "launcher", "status", ".launcher.new" };

	remove_pidfile(dirfd);

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlinkat(dirfd, files[i], 0);
}

int state_create(const struct config *cfg)
{
	const char *base = cfg->state_dir ? cfg->state_dir : STATE_DIR_DEFAULT;
	char path[300], text[400];
	const char *hint = cfg->rootless ? " (as an ordinary user: set "
					   "XDG_RUNTIME_DIR, or give --state-dir)" : "";
	struct proc_id self;
	long other;
	int dirfd;

	state_path(cfg->state_dir, cfg->name, path, sizeof path);
	if (mkdir(base, 0755) && errno != EEXIST)
		die("cannot create the state directory %s: %s%s", base,
		    error_text(errno), hint);
	bool existed = mkdir(path, 0755) != 0;

	if (existed && errno != EEXIST)
		die("cannot create %s: %s%s", path, error_text(errno), hint);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		die("cannot open %s: %s", path, error_text(errno));
	/* Only a directory that was there already can hold a launcher, alive
	 * or one that died (stale: its files go). */
	if (existed && launcher_alive(dirfd, &other))
		die("a sandbox named %s is already running (launcher pid %ld): "
		    "give this one another --name", cfg->name, other);
	if (existed)
		remove_files(dirfd);
	if (proc_id_of((long)getpid(), &self))
		die("cannot read /proc/self/stat: is /proc mounted?");
	fmt(text, sizeof text, "pid=%ld\nstart=%llu\nstop_timeout_ms=%llu\n"
	    "reload_signal=%d\n%s%s%s", self.pid, self.start,
	    (unsigned long long)cfg->stop_timeout_ms, cfg->reload_signal,
	    cfg->pidfile ? "pidfile=" : "", cfg->pidfile ? cfg->pidfile : "",
	    cfg->pidfile ? "\n" : "");
	other = state_write(dirfd, "launcher", text);
	if (other)
		die("cannot write %s/launcher: %s", path, error_text((int)-other));
	return dirfd;
}

ssize_t state_read_status(int dirfd, char *buf, size_t size)
{
	struct timespec pause = { 0, 2000000 };

	for (int tries = 0; tries < 20; tries++) {
		ssize_t n = read_small_file(dirfd, "status", buf, size);
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
	char path[300];

	if (dirfd < 0)
		return;
	remove_files(dirfd);
	close(dirfd);
	state_path(cfg->state_dir, cfg->name, path, sizeof path);
	rmdir(path);
}
