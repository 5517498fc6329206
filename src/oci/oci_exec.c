// SPDX-License-Identifier: MIT
/* oci_exec.c - [oci] `exec --process FILE [--detach] [--pid-file F]
 * [--console-socket S] ID`: a new process in a running container, as
 * containerd's shim runs `kubectl exec` and exec probes. The order, as
 * hutch exec's (exec.c) and for the same reasons:
 *  1. the caller makes itself non-dumpable, checks the record's pid is
 *     still the container's (its start time), and enters its PID
 *     namespace (setns moves only the children made after it);
 *  2. the child joins the container's groups while it still sees the
 *     host's /sys/fs/cgroup, then its IPC, UTS, network and mount
 *     namespaces (mount last: it changes root), and chroots to the
 *     process's root (MS_MOVE + chroot leaves only that one right);
 *  3. the pty, if asked, from the container's own devpts;
 *  4. process.json's user, capabilities, rlimits and the exec, by the
 *     code that starts a hutch service (spawn_exec), which reports a
 *     failure on a close-on-exec pipe.
 * Without --detach the caller waits and exits with the process's
 * status; with it, the caller returns once the exec has happened. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci_internal.h"
#include "privs.h"
#include "pty.h"
#include "seccomp.h"
#include "selfexec.h"
#include "spawn.h"
#include "sys.h"
#include "userns.h"

static const char *const spaces[] = { "ipc", "uts", "net", "mnt" };
static const int space_flags[] = { CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
				   CLONE_NEWNS };

static void join_group(const char *path, void *arg)
{
	char procs[OCI_PATH_MAX + 16];
	int err;

	(void)arg;
	fmt(procs, sizeof procs, "%s/cgroup.procs", path);
	err = write_knob(AT_FDCWD, procs, "0");
	if (err && err != -ENOENT)
		die("cannot join %s: %s", path, error_text(-err));
}

/* The container's user namespace when it has one of its own (55-userns.t):
 * entered first, since it owns the others, which the joiner may enter
 * only with rights in it; -1 when it is create's own. */
static int user_ns(const struct oci_state *st)
{
	char path[48];
	struct stat a, b;
	int fd;

	fmt(path, sizeof path, "/proc/%ld/ns/user", st->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &a) || stat("/proc/self/ns/user", &b))
		die("cannot open %s: %s", path, error_text(errno));
	if (a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
		close(fd);
		return -1;
	}
	return fd;
}

static _Noreturn void child(const struct config *cfg, const struct runtime *rt,
			    const struct oci_state *st, int console, int report)
{
	int fds[4], root, user, err;
	char path[48];
	const char *home;

	oci_each_group(st, join_group, NULL);
	for (size_t i = 0; i < 4; i++) {
		fmt(path, sizeof path, "/proc/%ld/ns/%s", st->pid, spaces[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			die("cannot open %s: %s", path, error_text(errno));
	}
	user = user_ns(st);
	fmt(path, sizeof path, "/proc/%ld/root", st->pid);
	root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || oci_pid_start(st->pid) != st->start)
		die("container %s: its process ended", st->id);
	if (user >= 0) {
		if (setns(user, CLONE_NEWUSER))
			die("cannot enter the container's user namespace: %s",
			    error_text(errno));
		userns_become_root(false);
	}
	for (size_t i = 0; i < 4; i++)
		if (setns(fds[i], space_flags[i]))
			die("cannot enter the container's %s namespace: %s", spaces[i],
			    error_text(errno));
	if (fchdir(root) || chroot("."))
		die("cannot enter the container's root: %s", error_text(errno));
	setsid();
	if (console >= 0)
		pty_console(console);
	home = privs_resolve(cfg);
	seccomp_prepare(cfg);
	/* the container's filter (oci_seccomp_load), loaded as oci_init.c
	 * does: before the capabilities go without no_new_privs */
	err = cfg->oci_privs ? seccomp_install() : 0;
	if (err)
		die("cannot load linux.seccomp's filter: %s", error_text(-err));
	privs_drop_pid1(cfg);
	spawn_exec(cfg, rt, oci_environment(cfg, home), -1, report);
}

int oci_exec(int argc, char **argv, const char *root)
{
	static struct config cfg;
	static struct runtime rt; /* process.oomScoreAdj's score */
	static struct oci_state st;
	const char *process = NULL, *pid_file = NULL, *console_path = NULL, *v;
	bool detach = false, tty = false;
	int i, dir, console = -1, report[2], status, pidns;
	char path[48], buf[64];
	ssize_t n;
	pid_t pid;

	(void)root;
	selfexec_sealed(); /* before it enters: selfexec.c */
	rt = (struct runtime)RUNTIME_INIT; /* not an initializer: .bss, as oci_create's */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = oci_flag_value(argc, argv, &i, "process")) ||
		    (v = oci_flag_value(argc, argv, &i, "p")))
			process = v;
		else if ((v = oci_flag_value(argc, argv, &i, "pid-file")))
			pid_file = v;
		else if ((v = oci_flag_value(argc, argv, &i, "console-socket")))
			console_path = v;
		else if (oci_flag(argv[i], "detach", "d"))
			detach = true;
		else if (oci_flag(argv[i], "tty", "t"))
			; /* Podman's conmon adds it; as runc, process.json's
			   * terminal decides once --process is given */
		else
			die("exec: flag %s is not supported by hutch oci (--process, "
			    "--detach, --pid-file, --console-socket, --tty)", argv[i]);
	}
	st.id = oci_container_id(argc, argv, i, "exec");
	if (!process)
		die("exec: --process FILE is required by hutch oci");
	if (i + 1 < argc)
		die("exec: arguments after the id: hutch oci takes them from "
		    "--process only");
	dir = oci_open_record(st.id, &st);
	if (oci_status(dir, &st) != OCI_RUNNING)
		die("exec: container %s is %s, not running", st.id,
		    oci_status_name(oci_status(dir, &st)));
	oci_load_process(process, st.id, &cfg, &rt, &tty);
	oci_seccomp_load(dir);
	log_setup(st.id, cfg.verbosity);
	if (tty != !!console_path)
		die(tty ? "exec: process.terminal is true: --console-socket needed"
		    : "exec: --console-socket given, but process.terminal is false");
	if (console_path)
		console = oci_console_connect(console_path);
	privs_lock_self();
	fmt(path, sizeof path, "/proc/%ld/ns/pid", st.pid);
	pidns = open(path, O_RDONLY | O_CLOEXEC);
	if (pidns < 0 || setns(pidns, CLONE_NEWPID))
		die("cannot enter the container's PID namespace: %s", error_text(errno));
	if (pipe_cloexec(report))
		die("cannot create a pipe: %s", error_text(errno));
	pid = fork_process();
	if (pid < 0)
		die("cannot fork: %s", error_text(errno));
	if (pid == 0) {
		close(report[0]);
		child(&cfg, &rt, &st, console, report[1]);
	}
	close(report[1]);
	if (console >= 0)
		close(console);
	/* EOF with nothing: the exec happened (the pipe was close-on-exec) */
	do
		n = read(report[0], buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		waitpid(pid, &status, 0);
		die("exec: the process could not be started (exit %d)",
		    status_to_code(status));
	}
	if (pid_file) {
		int fd = open(pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write_all(fd, buf, fmt(buf, sizeof buf, "%d", (int)pid)))
			die("--pid-file %s: %s", pid_file, error_text(errno));
		close(fd);
	}
	if (detach)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("exec: cannot wait: %s", error_text(errno));
	return status_to_code(status);
}
