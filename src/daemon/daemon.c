/* SPDX-License-Identifier: MIT */
/* daemon.c - hutch beside an init system that expects a daemon
 * (HUTCH_DAEMON): --log kmsg|syslog, --pidfile, and --daemon with its
 * answer to the caller once the service has settled. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename(2)'s declaration only */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "refusal.h"
#include "state.h"
#include "sys.h"

int daemon_log_open(const struct config *cfg)
{
	return preflight_log(cfg, NULL);
}

static const char *pidfile; /* the one this launcher wrote */

/* The undo step of --pidfile: removed only while it holds this
 * launcher's pid (another may have taken it over since). With a state
 * directory its removal would also remove it, by the pidfile= line of
 * the launcher record: that finds it gone. */
static void pidfile_undo(void)
{
	char pid[24];

	pidfile_remove(pidfile, pid, fmt(pid, sizeof pid, "%d\n", (int)getpid()));
}

/* --pidfile: written next to FILE and renamed over it, so a reader never
 * sees it half written. Its directory is reached through names only the
 * caller or root own (trust.h, preflight.c), and used through its
 * descriptor: an init script will signal whatever pid the file holds, so
 * nobody else may get to write it. FILE.new is made anew (O_EXCL), never
 * one found there. */
void daemon_pidfile(const struct config *cfg)
{
	char tmp[300], text[24];
	const char *name;
	int dir, fd, err = 0;

	if (!cfg->pidfile)
		return;
	dir = preflight_pidfile(cfg->pidfile, &name, NULL);
	if (dir < 0)
		die("--pidfile %s: %s", cfg->pidfile, error_text(-dir));
	fmt(tmp, sizeof tmp, "%s.new", name);
	fmt(text, sizeof text, "%d\n", (int)getpid());
	unlinkat(dir, tmp, 0);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW |
		    O_NONBLOCK, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) || close(fd) ||
	    renameat(dir, tmp, dir, name))
		err = errno;
	close(dir);
	if (err)
		die("--pidfile %s: %s", cfg->pidfile, error_text(err));
	pidfile = cfg->pidfile;
	die_push(pidfile_undo);
}

/* --daemon: the caller waits here until the launcher reports that the
 * service has run for --daemon-settle (one byte on the pipe) and exits 0;
 * if the sandbox ends before that, it exits with the launcher's code, so
 * an init script sees a setup error or a crash loop. The launcher goes on
 * in a session of its own. Returns the pipe's write end. */
int daemon_detach(const struct config *cfg, const struct runtime *rt, int log_fd)
{
	int notify[2], status;
	pid_t pid;
	char c;

	if (pipe_cloexec(notify))
		die("cannot create a pipe: %s", error_text(errno));
	pid = fork_process();
	if (pid < 0)
		die("cannot fork: %s", error_text(errno));
	if (pid > 0) {
		ssize_t n;
		close(notify[1]);
		do
			n = read(notify[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n == 1)
			_exit(0);
		waitpid(pid, &status, 0);
		_exit(status_to_code(status));
	}
	close(notify[0]);
	setsid();
	/* Let go of the caller's terminal and pipes (a caller reading them,
	 * out=$(hutch --daemon ...), would wait for the sandbox to end):
	 * stdin and stdout now (the service's output is --output's or
	 * /dev/null's); stderr when hutch logs elsewhere, else once the start
	 * is reported (daemon_settled). No other descriptor of its either,
	 * but the image and --overlay's DIR the checks opened (image.h). */
	{
		const int keep[] = { notify[1], log_fd, log_descriptor(), rt->image_fd,
				     rt->overlay_fd };
		close_fds_except(keep, sizeof keep / sizeof keep[0]);
	}
	status = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; status > STDERR_FILENO && fd <= STDERR_FILENO; fd++)
		if (fd != STDERR_FILENO || cfg->log_target != LOG_STDERR)
			dup2(status, fd);
	if (status > STDERR_FILENO)
		close(status);
	return notify[1];
}

void daemon_caller(struct daemon_wait *d, struct runtime *rt, int caller, int *notify)
{
	int fds[2];

	d->caller = caller;
	d->settled = -1;
	if (caller < 0)
		return;
	if (pipe_cloexec(fds))
		die("cannot create a pipe: %s", error_text(errno));
	d->settled = fds[0];
	*notify = fds[1];
	/* Without --output the service's stdout and stderr are /dev/null,
	 * not the caller's: a caller reading them, out=$(hutch --daemon
	 * ...) or ssh, would wait for the sandbox to end. */
	if (rt->output_fd < 0) {
		rt->output_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (rt->output_fd < 0)
			die("cannot open /dev/null: %s", error_text(errno));
	}
}

void daemon_settled(struct daemon_wait *d)
{
	char c;
	ssize_t n = read(d->settled, &c, 1);

	if (n < 0 && errno == EINTR)
		return;
	close(d->settled);
	d->settled = -1;
	if (n != 1)
		return; /* PID 1 ended first: the caller gets its code */
	(void)!write(d->caller, "R", 1);
	close(d->caller);
	d->caller = -1;
	/* The caller is answered: its stderr goes too (stdin and stdout are
	 * /dev/null since the fork). hutch's later lines reach --log only;
	 * log.c's non-blocking copy of the old fd 2 goes with it. */
	dup2(STDOUT_FILENO, STDERR_FILENO);
	log_nonblocking();
}
