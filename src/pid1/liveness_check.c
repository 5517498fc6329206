/* SPDX-License-Identifier: MIT */
/* liveness_check.c - the processes of one --health check: a keeper, PID
 * 1's child, and the check it runs. The keeper is a child subreaper
 * (PR_SET_CHILD_SUBREAPER, Linux 3.4): every process the check starts,
 * setsid'd, double-forked or not, is reparented to it rather than to
 * PID 1 when its parent ends, so it stays the keeper's descendant until
 * the keeper kills it. When the check ends, or PID 1 says its time is up
 * (SIGTERM), the keeper kills its children until it has none, and only
 * then exits with the check's code: PID 1 gets a result after nothing of
 * the check is left. Why not a PID namespace per check (whose init's end
 * would kill the rest): creating one needs CAP_SYS_ADMIN, which PID 1
 * does not keep, and a check in its own namespace could not `kill -0` the
 * service's pid from a pid file. */
#include "liveness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "sys.h"
#include "units.h"

/* /bin/sh -c CMD, as Docker's HEALTHCHECK CMD in its string form, as the
 * service runs: the function the service's child calls (spawn_harden)
 * gives it the user, capabilities, no_new_privs and seccomp filter. Its
 * stdout goes to /dev/null (a check's "OK" every 30 seconds would fill
 * the log); its stderr is the service's, so a failing check can say why. */
static _Noreturn void check_exec(const struct config *cfg, const struct runtime *rt,
				 char **envp)
{
	const char *what = "cannot open /dev/null";
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), err;

	err = null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
			      (rt->output_fd >= 0 && dup2(rt->output_fd, STDERR_FILENO) < 0)
		      ? -errno : 0;
	if (!err && (err = chdir_within_root(cfg->workdir)))
		what = err == -EXDEV ? "the working directory leads outside the sandbox"
				     : "cannot enter the working directory";
	if (!err)
		err = spawn_harden(cfg, rt, &what);
	if (!err) {
		static char sh[] = "sh", dash_c[] = "-c";
		char *argv[] = { sh, dash_c, cfg->health, NULL };

		execve("/bin/sh", argv, envp);
		err = -errno;
		what = "cannot run /bin/sh in the sandbox";
	}
	log_error("health check: %s: %s", what, error_text(-err));
	_exit(err == -ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* each_entry's callback over /proc: SIGKILL to each child of the keeper.
 * The pid cannot be reused meanwhile: a child stays until its parent,
 * the keeper, reaps it. */
static bool kill_child(const char *name, void *arg)
{
	char path[32], stat[320], *end;
	uint64_t pid, ppid;
	size_t n;

	if (parse_uint(name, INT32_MAX, &pid))
		return false; /* ".", "self", ... */
	fmt(path, sizeof path, "/proc/%s/stat", name);
	/* "pid (comm) S ppid ...": comm may hold anything, ')' too */
	if (read_small_file(AT_FDCWD, path, stat, sizeof stat) <= 0 ||
	    !(end = strrchr(stat, ')')) || strlen(end) < 5)
		return false;
	end += 4;
	n = until_any(end, " ");
	end[n] = '\0';
	if (!parse_uint(end, INT32_MAX, &ppid) && ppid == *(const uint64_t *)arg)
		kill((pid_t)pid, SIGKILL);
	return false;
}

/* Kills and reaps the keeper's children until there are none (ECHILD):
 * each one reaped may hand its own children to the keeper, which the
 * next walk of /proc finds. A killed process cannot fork any more. */
static int kill_all(pid_t check, int status)
{
	uint64_t self = (uint64_t)getpid();
	int st;
	pid_t pid;

	for (;;) {
		each_entry("/proc", kill_child, &self);
		pid = waitpid(-1, &st, 0);
		if (pid < 0)
			return status;
		if (pid == check)
			status = st;
	}
}

/* The keeper: forks the check, waits for its end or PID 1's SIGTERM (its
 * --health-timeout, or the run's end), then leaves nothing. Signals are
 * blocked as in PID 1 (the fork keeps its mask), so it takes them with
 * sigwaitinfo; a SIGTERM from anyone but PID 1 is ignored. */
static _Noreturn void keeper(const struct config *cfg, const struct runtime *rt,
			     char **envp)
{
	sigset_t set;
	siginfo_t si;
	int status = 0, st;
	pid_t check, pid;

	prctl(PR_SET_NAME, (unsigned long)"health-check", 0, 0, 0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		log_error("health check: cannot become a subreaper (Linux 3.4+): %s",
			  error_text(errno));
		_exit(EXIT_SETUP);
	}
	check = fork_process();
	if (check == 0)
		check_exec(cfg, rt, envp);
	if (check < 0) { /* EAGAIN at the pids limit, say: not well */
		log_error("health check: cannot fork: %s", error_text(errno));
		_exit(EXIT_SETUP);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	for (;;) {
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0 && pid != check)
			; /* an orphan of the check's, reparented here */
		if (pid == check) {
			status = st;
			break;
		}
		if (sigwaitinfo(&set, &si) == SIGTERM && si.si_pid == getppid())
			break;
	}
	_exit(status_to_code(kill_all(check, status)));
}

pid_t health_check_spawn(const struct config *cfg, const struct runtime *rt, char **envp)
{
	pid_t pid = fork_process();

	if (pid == 0) {
		setpgid(0, 0);
		keeper(cfg, rt, envp);
	}
	if (pid > 0) /* here too: the group exists before a kill */
		setpgid(pid, pid);
	return pid;
}
