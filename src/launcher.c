/* launcher.c - runs in the host's namespaces: validates against the host,
 * creates the PID namespace, forwards signals to PID 1 and reports how the
 * sandbox ended. It changes nothing on the system before its checks pass. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "privs.h"
#include "sandbox.h"
#include "sys.h"

/* The host paths must exist before anything starts: a mistyped path costs
 * one line and exit 125, and no namespace was made for it. */
/* The root as an absolute path: PID 1 changes directory before it mounts.
 * Symlinks in it are the host's own and are followed. */
static void absolute_root(struct config *cfg)
{
	char cwd[PATH_MAX], *abs;
	size_t len;

	if (cfg->root[0] == '/')
		return;
	/* The system call, not getcwd(3): musl's pulls in malloc. */
	if (syscall(SYS_getcwd, cwd, sizeof cwd) < 0)
		die("cannot read the current directory: %s", error_text(errno));
	len = strlen(cwd) + strlen(cfg->root) + 2;
	abs = config_alloc(cfg, len);
	if (!abs)
		die("root %s: path too long", cfg->root);
	fmt(abs, len, "%s/%s", cwd, cfg->root);
	cfg->root = abs;
}

/* The host paths must exist before anything starts: a mistyped path costs
 * one line and exit 125, and no namespace was made for it. */
static void check_host(struct config *cfg)
{
	struct stat st, host_root;

	if (cfg->root) {
		if (stat(cfg->root, &st))
			die("root %s: %s", cfg->root, error_text(errno));
		if (!S_ISDIR(st.st_mode))
			die("root %s is not a directory", cfg->root);
		if (stat("/", &host_root) == 0 && st.st_dev == host_root.st_dev &&
		    st.st_ino == host_root.st_ino)
			die("root %s is the host's own root: leave --root out to keep "
			    "it", cfg->root);
		absolute_root(cfg);
	}
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_spec *m = &cfg->mounts[i];
		if (m->src && stat(m->src, &st))
			die("%s %s: source %s: %s",
			    m->kind == MOUNT_BIND ? "bind" : "ro-bind", m->src,
			    m->src, error_text(errno));
	}
}

/* A CPU limit beyond the machine would be no limit at all. */
static void check_cpus(const struct config *cfg)
{
	unsigned cpus = cpus_online();

	if (cfg->cpu_milli > cpus * 1000ULL)
		die("--cpu asks for %llu.%llu CPUs, but this machine has %u CPU%s "
		    "online", (unsigned long long)cfg->cpu_milli / 1000,
		    (unsigned long long)cfg->cpu_milli % 1000 / 100, cpus,
		    cpus == 1 ? "" : "s");
}

static void new_pid_namespace(void)
{
	if (unshare(CLONE_NEWPID) == 0)
		return;
	if (errno == EINVAL)
		die("cannot create a PID namespace: the kernel lacks it (kernel "
		    "option CONFIG_PID_NS)");
	if (errno == EPERM)
		die("cannot create a PID namespace: not permitted (run hutch as "
		    "root)");
	if (errno == ENOSPC)
		die("cannot create a PID namespace: the limit is reached (sysctl "
		    "user.max_pid_namespaces)");
	die("cannot create a PID namespace: %s", error_text(errno));
}

/* Signals for hutch go to PID 1, which decides (stop, or forward to the
 * service). PID 1 of a namespace only gets signals from outside for which
 * it has a handler or that it blocks; it blocks them all. */
static int forward_until_exit(pid_t child, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int status, sig = sigwaitinfo(set, &si);

		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			if (waitpid(child, &status, WNOHANG) != child)
				continue;
			if (WIFSIGNALED(status)) {
				char name[16];
				log_error("the sandbox's PID 1 was killed by signal "
					  "%d (%s)", WTERMSIG(status),
					  signal_name(WTERMSIG(status), name,
						      sizeof name));
			}
			return status_to_code(status);
		}
		if (si.si_code == SI_USER && si.si_pid == getpid())
			continue; /* raised by our own write to a closed pipe */
		kill(child, sig);
	}
}

int launcher_run(struct config *cfg)
{
	static struct cgroup cg;
	sigset_t set;
	int ready[2], code;
	pid_t child;

	privs_lock_self();
	check_host(cfg);
	check_cpus(cfg);
	cgroup_probe(&cg, cfg);
	cfg->tty_foreground = isatty(STDIN_FILENO) &&
			      tcgetpgrp(STDIN_FILENO) == getpgrp();
	/* Blocked from here on, and inherited so: PID 1 takes them with
	 * sigtimedwait and nothing is lost between fork and its loop. */
	supervised_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* PID 1 writes one byte once it has PR_SET_PDEATHSIG armed; if we
	 * died before that, its write fails and it exits at once. */
	if (pipe2(ready, O_CLOEXEC))
		die("cannot create a pipe: %s", error_text(errno));
	/* unshare+fork, not clone() with a hand-made stack: no stack to size,
	 * and qemu-user rejects clone() with namespace flags. */
	new_pid_namespace();
	/* From here on die() removes the group again. */
	cgroup_create(&cg, cfg);
	child = fork_process();
	if (child < 0)
		die("cannot fork: %s", error_text(errno));
	if (child == 0) {
		die_cleanup(NULL); /* the group is the launcher's to remove */
		close(ready[0]);
		sandbox_run(cfg, &cg, ready[1]);
	}
	close(ready[1]);
	code = forward_until_exit(child, &set);
	close(ready[0]);
	cgroup_remove(&cg);
	return code;
}
