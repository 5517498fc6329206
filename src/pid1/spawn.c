/* SPDX-License-Identifier: MIT */
/* spawn.c - starts the service. The child reports a failed exec through a
 * close-on-exec pipe: a successful exec closes it (read() returns 0), a
 * failure writes the step and errno. PID 1 can so tell "cannot exec" (126)
 * and "not found" (127) from a crash, and does not respawn those forever. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "liveness.h"
#include "log.h"
#include "privs.h"
#include "ready.h"
#include "seccomp.h"
#include "signals.h"
#include "sys.h"


enum step { STEP_CHDIR, STEP_EXEC, STEP_LOADER, STEP_SETUP };

struct report {
	int step;
	int error;
	const char *what; /* STEP_SETUP: a string literal, at the same
			     address in parent and child (one binary, forked) */
};

static _Noreturn void report_and_exit(int fd, enum step step, int error,
				      const char *what)
{
	struct report r = { step, error, what };

	(void)!write(fd, &r, sizeof r);
	_exit(error == ENOENT && step == STEP_EXEC ? EXIT_NOT_FOUND
						    : EXIT_CANNOT_EXEC);
}

/* In the child: the service gets a clean slate. PID 1 installs no
 * handlers, but keeps what the caller left ignored (SIG_IGN survives fork
 * and exec): dispositions back to default, then an empty signal mask,
 * which fork and exec both inherit. */
int spawn_harden(const struct config *cfg, const struct runtime *rt, const char **what)
{
	sigset_t none;
	int err;

	/* The caller's OOM score, not PID 1's -1000; written while the child
	 * still has CAP_SYS_RESOURCE, which also raises the floor back, so
	 * that the service cannot lower itself to -1000 again. */
	if (rt->oom_score_adj[0] && !cfg->userns &&
	    (err = write_knob(AT_FDCWD, "/proc/self/oom_score_adj", rt->oom_score_adj))) {
		*what = "cannot reset the service's oom_score_adj";
		return err;
	}
	err = privs_drop(cfg, rt->rootless, what);
	if (err)
		return err;
	signals_default();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Last, so that the filter judges the service's calls and hutch's
	 * exec only, not the set-up above (with "default deny", a list
	 * would otherwise have to allow hutch's own calls). */
	*what = "cannot install the seccomp filter";
	return seccomp_install();
}

_Noreturn void spawn_exec(const struct config *cfg, const struct runtime *rt,
			  char **envp, int ready_fd, int report_fd)
{
	const char *what = NULL;
	bool exists;
	int err;

	/* Its own process group, so PID 1 can signal the service and the
	 * children it forks as one. */
	setpgid(0, 0);
	/* Hand it the terminal, so an interactive shell works; SIGTTOU is
	 * still blocked here, which tcsetpgrp(3) requires from a background
	 * group. */
	if (rt->tty_foreground)
		(void)tcsetpgrp(STDIN_FILENO, getpid());
	/* --output: the pipe to the launcher, which appends to FILE. dup2
	 * clears close-on-exec on the copies only. */
	if (rt->output_fd >= 0 && (dup2(rt->output_fd, STDOUT_FILENO) < 0 ||
				   dup2(rt->output_fd, STDERR_FILENO) < 0))
		report_and_exit(report_fd, STEP_SETUP, errno,
				"cannot give the service the --output pipe");
	err = ready_give(cfg, ready_fd, &report_fd);
	if (err)
		report_and_exit(report_fd, STEP_SETUP, -err,
				"cannot give the service --ready's descriptor");
	err = chdir_within_root(cfg->workdir);
	if (err == -EXDEV)
		report_and_exit(report_fd, STEP_SETUP, EXDEV, "the working directory "
				"leads outside the sandbox (a link to a descriptor of the "
				"host's, as /proc/self/fd/N): refused");
	if (err)
		report_and_exit(report_fd, STEP_CHDIR, -err, NULL);
	liveness_environment(cfg, envp); /* --watchdog: its pid, known now */
	err = spawn_harden(cfg, rt, &what);
	if (err)
		report_and_exit(report_fd, STEP_SETUP, -err, what);
	errno = -exec_search(cfg->argv[0], cfg->argv, envp, &exists);
	/* The file is there but exec says ENOENT: its ELF interpreter (a
	 * dynamically linked binary) or its #! interpreter is missing. */
	if (errno == ENOENT && exists)
		report_and_exit(report_fd, STEP_LOADER, ENOENT, NULL);
	report_and_exit(report_fd, STEP_EXEC, errno, NULL);
}

static void describe(const struct report *r, struct spawn_failure *failure)
{
	failure->error = r->error;
	failure->exit_code = EXIT_CANNOT_EXEC;
	if (r->step == STEP_SETUP) {
		/* Not the command's fault: the sandbox could not be made as
		 * asked. Setup failure, never respawned. */
		failure->exit_code = EXIT_SETUP;
		failure->why = r->what;
	} else if (r->step == STEP_CHDIR)
		failure->why = "cannot enter its working directory";
	else if (r->step == STEP_LOADER)
		failure->why = "its interpreter is missing in the sandbox (a "
			       "dynamically linked binary needs its loader and "
			       "libraries in the root; a script needs its #! "
			       "interpreter)";
	else if (r->error == ENOENT || r->error == ENOTDIR) {
		failure->exit_code = EXIT_NOT_FOUND;
		failure->why = "not found in the sandbox";
	} else
		failure->why = "cannot be executed";
}

pid_t spawn_service(const struct config *cfg, const struct runtime *rt, char **envp,
		    int ready_fd, struct spawn_failure *failure)
{
	struct report r;
	int pipefd[2];
	ssize_t n;
	pid_t pid;

	if (pipe_cloexec(pipefd))
		return -errno;
	pid = fork_process();
	if (pid < 0) {
		int err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		spawn_exec(cfg, rt, envp, ready_fd, pipefd[1]);
	}
	/* Also here: whichever of parent and child runs first, the group
	 * exists before PID 1 may signal it. */
	setpgid(pid, pid);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &r, sizeof r);
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n != (ssize_t)sizeof r)
		return pid;
	waitpid(pid, NULL, 0);
	describe(&r, failure);
	return 0;
}
