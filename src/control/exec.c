/* SPDX-License-Identifier: MIT */
/* exec.c - hutch exec NAME [--] CMD...: runs a command inside a running
 * sandbox as the service runs: same namespaces, root, cgroup, user and
 * groups, capabilities, no_new_privs and seccomp filter, each set by the
 * functions that set the service's (privs.c, seccomp.c, userns.c,
 * sandbox.c's environment), from the configuration the launcher wrote to
 * the state directory ("exec"): one source of truth.
 *
 * The order, and why:
 *  1. The caller makes itself non-dumpable before it forks: the child is
 *     born inside the sandbox's PID namespace (step 2) and holds the
 *     caller's full privileges until step 7, and a non-dumpable process
 *     can be neither ptraced nor read through /proc/PID/{mem,fd,environ,
 *     root} by the sandbox's processes (that needs CAP_SYS_PTRACE over
 *     it, which no service has). The id changes of step 7 reset it to
 *     fs.suid_dumpable (0 by default), so it is set again after them; only
 *     the exec of step 9 makes the command an ordinary process of the
 *     sandbox.
 *  2. setns(CLONE_NEWPID) in the caller: it moves only the children made
 *     after it (pid_for_children), so the caller stays a host process the
 *     sandbox cannot see, and its child starts as a process of the
 *     sandbox, reaped by PID 1 should the caller die.
 *  3. The child joins PID 1's cgroups while it still sees the host's
 *     /sys/fs/cgroup and is root there (one write of "0" to each
 *     hierarchy's cgroup.procs): every later instruction is limited.
 *  4. It opens what it needs of /proc/PID (the namespace files on kernels
 *     without setns on a pidfd, PID 1's root) while /proc is the host's,
 *     then checks that PID 1 still runs, so a reused pid is never entered.
 *  5. setns: the user namespace first, so that the capabilities checked
 *     for each following one are those in the sandbox's own namespace
 *     (the kernel requires CAP_SYS_ADMIN in the namespace that owns the
 *     one entered); the mount namespace last, as it changes root and
 *     working directory to that namespace's root. With a pidfd (Linux
 *     5.8) one setns enters them all at once, in the kernel's order.
 *  6. fchdir + chroot to PID 1's root: after pivot_root that is the mount
 *     namespace's root anyway, but after the MS_MOVE + chroot fallback
 *     only PID 1's root is the sandbox's.
 *  7. With --userns the ids of root of the namespace, then --user from the
 *     sandbox's own passwd and group files, the capabilities, the bounding
 *     set and no_new_privs, as PID 1 and the service child drop them.
 *  8. Every descriptor but 0, 1 and 2 closed (no host descriptor reaches
 *     the sandbox), a session of its own whose controlling terminal, when
 *     0-2 had the caller's, is a pty of the sandbox's devpts in their
 *     place (the caller relays it: its terminal never reaches the
 *     sandbox), the signal mask and dispositions reset, the seccomp
 *     filter last.
 *  9. exec. The caller waits and exits with the command's code, passing
 *     on the signals an init script or a terminal sends it. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec_profile.h"
#include "kernel_calls.h"
#include "log.h"
#include "privs.h"
#include "pty.h"
#include "sandbox.h"
#include "seccomp.h"
#include "signals.h"
#include "state.h"
#include "sys.h"
#include "units.h"
#include "userns.h"

#define EXIT_NOT_RUNNING 3 /* as the other control commands */

/* --- PID 1 and its namespaces ---------------------------------------- */

/* The namespaces entered, in the order of step 5. */
static const struct space {
	char name[8];
	int flag;
} spaces[] = {
	{ "user", CLONE_NEWUSER }, { "cgroup", CLONE_NEWCGROUP },
	{ "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET },   { "mnt", CLONE_NEWNS },
};
#define N_SPACES (sizeof spaces / sizeof spaces[0])

/* Whether PID 1's namespace of this kind is not ours. setns into one's
 * own user namespace is EINVAL, and the others are no-ops: entered only
 * when they differ. A kind the kernel lacks (no file) is not entered. */
static bool differs(long pid, const char *name)
{
	char path[48];
	struct stat mine, theirs;

	fmt(path, sizeof path, "/proc/%ld/ns/%s", pid, name);
	if (stat_at(AT_FDCWD, path, &theirs, 0)) {
		if (errno == ENOENT)
			return false;
		die("cannot read %s: %s", path, error_text(errno));
	}
	fmt(path, sizeof path, "/proc/self/ns/%s", name);
	return stat_at(AT_FDCWD, path, &mine, 0) || mine.st_ino != theirs.st_ino ||
	       mine.st_dev != theirs.st_dev;
}

/* Whether pid's parent (field 4 of its stat) is parent. */
static bool parent_is(long pid, long parent)
{
	char path[32], stat[256], *p, *w[3];
	uint64_t v;

	fmt(path, sizeof path, "/proc/%ld/stat", pid);
	return read_small_file(AT_FDCWD, path, stat, sizeof stat) > 0 &&
	       (p = strrchr(stat, ')')) && split_words(p + 2, w, 3, ' ') >= 2 &&
	       !parse_uint(w[1], INT32_MAX, &v) && (long)v == parent;
}

/* PID 1 still runs, and is the one found: the pidfd is not readable
 * (it becomes so when its process ends), and it is still the launcher's
 * child (without a pidfd, the launcher's only child is PID 1). */
static bool still_pid1(const struct exec_target *t, int pidfd)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	if (pidfd >= 0 && poll(&p, 1, 0) != 0)
		return false;
	return parent_is(t->pid1, t->launcher);
}

static _Noreturn void gone(void)
{
	log_error("no such sandbox running (its PID 1 ended)");
	_exit(EXIT_NOT_RUNNING);
}

/* Steps 4 to 6, in the child. by_pidfd: the kernel takes a pidfd in
 * setns (the caller found that out with the PID namespace). */
static void enter(const struct exec_target *t, int pidfd, bool by_pidfd)
{
	int fds[N_SPACES], flags = 0, root;
	char path[48];

	for (size_t i = 0; i < N_SPACES; i++) {
		fds[i] = -1;
		if (!differs(t->pid1, spaces[i].name))
			continue;
		flags |= spaces[i].flag;
		fmt(path, sizeof path, "/proc/%ld/ns/%s", t->pid1, spaces[i].name);
		if (!by_pidfd && (fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			die("cannot open %s: %s", path, error_text(errno));
	}
	fmt(path, sizeof path, "/proc/%ld/root", t->pid1);
	root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die("cannot open %s: %s", path, error_text(errno));
	if (!still_pid1(t, pidfd))
		gone();
	if (by_pidfd && flags && setns(pidfd, flags))
		die("cannot enter the sandbox's namespaces: %s", error_text(errno));
	for (size_t i = 0; i < N_SPACES; i++)
		if (fds[i] >= 0 && setns(fds[i], spaces[i].flag))
			die("cannot enter the sandbox's %s namespace: %s",
			    spaces[i].name, error_text(errno));
	if (fchdir(root) || chroot("."))
		die("cannot enter the sandbox's root: %s", error_text(errno));
	close(root);
	for (size_t i = 0; i < N_SPACES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* --- cgroups: step 3 ------------------------------------------------- */

/* One line of /proc/PID/cgroup, "ID:CONTROLLERS:PATH": joins PATH in that
 * hierarchy, found where the host mounts it. */
static void join_line(char *line, void *arg)
{
	char *f[3], path[400], mount[128];
	int err;

	(void)arg;
	if (split_words(line, f, 3, ':') < 3)
		return;
	if (!cgroup_mount_of(f[1], mount, sizeof mount))
		return; /* not mounted on the host: nothing limits there */
	if (fmt(path, sizeof path, "%s%s/cgroup.procs", mount, f[2]) >= sizeof path)
		die("cgroup path too long: %s%s", mount, f[2]);
	err = write_knob(AT_FDCWD, path, "0");
	if (err)
		die("cannot join %s: %s", path, error_text(-err));
}

/* --- the child: steps 3 to 9 ----------------------------------------- */

/* Which of the caller's 0-2 are terminals: the command gets the pty's
 * slave in their place. */
static unsigned terminals;

static _Noreturn void child(const struct exec_target *t, const struct config *cfg,
			    int pidfd, bool by_pidfd, int tty, char **argv)
{
	char path[32];
	const char *home, *step = NULL;
	const int keep[] = { tty };
	sigset_t all;
	bool exists;
	int err;

	fmt(path, sizeof path, "/proc/%ld/cgroup", t->pid1);
	if (each_line(path, join_line, NULL))
		gone();
	enter(t, pidfd, by_pidfd);
	if (pidfd >= 0)
		close(pidfd);
	/* root's sandbox: exec_run refuses an ordinary user's (not rootless) */
	if (cfg->userns)
		userns_become_root(false);
	home = privs_resolve(cfg); /* the sandbox's passwd and group */
	seccomp_prepare(cfg);
	/* PID 1's bounding set first (privs_drop takes away the rest of
	 * what PID 1 kept for itself), then the service's. */
	privs_drop_pid1(cfg);
	/* the host's descriptors (the state directory's) closed before the
	 * working directory is entered: a /proc/self/fd/N link there leads
	 * nowhere, and chdir_within_root refuses one that leads out */
	close_fds_except(keep, 1);
	err = chdir_within_root(cfg->workdir);
	if (err)
		die("working directory %s: %s in the sandbox", cfg->workdir,
		    err == -EXDEV ? "leads outside the sandbox (a link to a host "
				    "descriptor, as /proc/self/fd/N)" : error_text(-err));
	/* A session of its own, whose controlling terminal is a pty of the
	 * sandbox's devpts (pty.c, as the service's): the caller's terminal
	 * never reaches the sandbox, its master goes to the caller's relay. */
	setsid();
	pty_setup(tty, terminals);
	if (tty >= 0)
		close(tty);
	err = privs_drop(cfg, false, &step);
	if (err)
		die("%s: %s", step, error_text(-err));
	/* Not dumpable still: an id change left it so only because
	 * fs.suid_dumpable is 0 by default; the caller's environment is in
	 * this memory until the exec. */
	privs_lock_self();
	signals_default();
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	err = seccomp_install();
	if (err)
		die("cannot install the seccomp filter: %s", error_text(-err));
	err = -exec_search(argv[0], argv, sandbox_environment(cfg, home), &exists);
	log_error("%s: %s in the sandbox", argv[0], err == ENOENT && !exists
		  ? "not found" : error_text(err));
	_exit(err == ENOENT && !exists ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* Step 2: into the PID namespace for the children; true when by the
 * pidfd, which then serves for the rest. */
static bool enter_pid_namespace(const struct exec_target *t, int pidfd)
{
	char path[48];
	int fd;

	if (pidfd >= 0 && setns(pidfd, CLONE_NEWPID) == 0)
		return true;
	if (pidfd >= 0 && errno == ESRCH)
		gone();
	if (pidfd >= 0 && errno != EINVAL) /* EINVAL: not a namespace fd */
		die("cannot enter the sandbox's PID namespace: %s", error_text(errno));
	fmt(path, sizeof path, "/proc/%ld/ns/pid", t->pid1);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !still_pid1(t, pidfd))
		gone();
	if (setns(fd, CLONE_NEWPID))
		die("cannot enter the sandbox's PID namespace: %s", error_text(errno));
	close(fd);
	return false;
}

/* The caller waits for the command, relaying the pty (pty.c, as the
 * launcher does for the service) and passing on its signals; a window
 * change is the relay's. */
static int wait_relaying(pid_t pid, const sigset_t *set, struct relay *tty)
{
	struct pollfd fds[4] = { { signalfd(-1, set, SFD_CLOEXEC), POLLIN, 0 } };

	if (fds[0].fd < 0)
		die("cannot create a signalfd: %s", error_text(errno));
	for (;;) {
		struct signalfd_siginfo si;
		int status, n = relay_poll_fds(tty, fds + 1), sig;

		if (poll(fds, (nfds_t)n + 1, -1) < 0)
			continue;
		relay_events(tty, fds + 1, n);
		if (!fds[0].revents || read(fds[0].fd, &si, sizeof si) != sizeof si)
			continue;
		sig = (int)si.ssi_signo;
		if (sig == SIGCHLD) {
			if (waitpid(pid, &status, WNOHANG) != pid)
				continue;
			relay_finish(tty);
			return status_to_code(status);
		}
		if (relay_signal(tty, sig))
			continue;
		kill(pid, sig);
		relay_after_forward(tty, sig);
	}
}

int exec_run(const struct exec_target *t, char **argv)
{
	static struct config cfg;
	static struct relay tty;
	sigset_t set;
	bool by_pidfd, rootless;
	int pidfd, tty_end = -1;
	pid_t pid;

	cfg.name = t->name;
	exec_profile_read(t->dirfd, &cfg, &rootless);
	/* PID 1 never execs, so its memory belongs to the host's user
	 * namespace, and it is not dumpable: its namespaces (/proc/PID/ns, a
	 * pidfd's setns) are root's to open, not the ordinary user's. */
	if (rootless)
		die("an ordinary user's sandbox (--userns without root) cannot be "
		    "entered: its PID 1's namespaces open to root only");
	/* PID 1's pidfd, checked: opened, then still the launcher's child */
	pidfd = sys_pidfd_open((pid_t)t->pid1, 0);
	if (!still_pid1(t, pidfd))
		gone();
	privs_lock_self(); /* step 1: inherited by the child */
	by_pidfd = enter_pid_namespace(t, pidfd);
	/* Blocked before the fork, so none is lost; the child unblocks. */
	sigemptyset(&set);
	for (int sig = 1; sig < SIGRTMIN; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV &&
		    sig != SIGBUS && sig != SIGILL && sig != SIGFPE)
			sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	terminals = pty_terminals();
	relay_init(&tty, terminals, &tty_end); /* pushes relay_restore */
	pid = fork_process();
	if (pid < 0)
		die("cannot fork: %s", error_text(errno));
	if (pid == 0) {
		die_forget();
		if (tty.chan >= 0)
			close(tty.chan);
		child(t, &cfg, pidfd, by_pidfd, tty_end, argv);
	}
	if (tty_end >= 0)
		close(tty_end);
	return wait_relaying(pid, &set, &tty);
}
