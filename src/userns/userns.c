/* SPDX-License-Identifier: MIT */
/* userns.c - --userns. The launcher clones PID 1 into a new user namespace
 * and a new PID namespace in one call: the kernel makes the user namespace
 * first, so it owns the PID namespace and every namespace PID 1 makes
 * after it, and capabilities inside (mount, hostname ...) are good there
 * only. The launcher stays in the host's namespaces: the cgroup, the state
 * directory and the pid file are the host's, and so is the id map, which
 * only a process outside may write with more than its own uid in it. */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

bool userns_rootless(void)
{
	return geteuid() != 0;
}

const char *userns_refusal(const struct config *cfg)
{
	if (!userns_rootless())
		return NULL;
	if (!cfg->userns)
		return "an ordinary user cannot make namespaces: run hutch as root, "
		       "or add --userns";
	if (cfg->userns_base)
		return "--userns-base needs root: an ordinary user can map only "
		       "their own uid, which --userns makes root inside";
	/* without a group they would be left out in silence */
	if (cfg->cpu_milli || cfg->cpu_weight || cfg->memory_max || cfg->pids_max ||
	    cfg->cpuset || cfg->memory_high || cfg->pressure_kind || cfg->io_weight ||
	    cfg->n_io_max)
		return "--cpu, --cpu-weight, --cpuset, --memory, --memory-high, "
		       "--pressure-restart, --pids and --io-* need a cgroup, which "
		       "only root may make: run hutch as root (with --userns the "
		       "service is still unprivileged), or leave them out";
	return NULL;
}

/* A sysctl's value is the given word: names the switch that refused. */
static bool sysctl_is(const char *path, const char *value)
{
	char text[16];

	return read_small_file(AT_FDCWD, path, text, sizeof text) > 0 &&
	       text[0] == value[0] && text[1] == '\n';
}

const char *userns_forbidden(void)
{
	if (sysctl_is("/proc/sys/kernel/unprivileged_userns_clone", "0"))
		return "not permitted to ordinary users (sysctl "
		       "kernel.unprivileged_userns_clone=1)";
	if (sysctl_is("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"))
		return "AppArmor forbids it to ordinary users (sysctl "
		       "kernel.apparmor_restrict_unprivileged_userns=0)";
	return NULL;
}

static _Noreturn void clone_failed(int err)
{
	static const char no_userns[] = "cannot create a user namespace: ";
	const char *why = err == EPERM ? userns_forbidden() : NULL;

	if (err == EINVAL && access("/proc/self/ns/user", F_OK))
		die("%sthe kernel lacks it (kernel option CONFIG_USER_NS)", no_userns);
	if (err == EINVAL)
		die("cannot create a PID namespace: the kernel lacks it (kernel "
		    "option CONFIG_PID_NS)");
	if (why)
		die("%s%s", no_userns, why);
	if (err == ENOSPC && sysctl_is("/proc/sys/user/max_user_namespaces", "0"))
		die("%sthey are switched off (sysctl user.max_user_namespaces, "
		    "e.g. 1000)", no_userns);
	if (err == ENOSPC || err == EUSERS)
		die("%sa limit is reached (sysctl user.max_user_namespaces, "
		    "user.max_pid_namespaces, or 32 levels of nesting)", no_userns);
	die("%s%s", no_userns, error_text(err));
}

pid_t userns_clone(void)
{
	/* No stack: fork semantics, as fork_process(). */
	long pid = clone_nostack(CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD);

	if (pid < 0)
		clone_failed(errno);
	return (pid_t)pid;
}

static int write_map(int dirfd, const char *file, unsigned long long outside,
		     unsigned count)
{
	char line[48];

	fmt(line, sizeof line, "0 %llu %u", outside, count);
	return write_knob(dirfd, file, line);
}

void userns_map(const struct config *cfg, bool rootless, pid_t child, int ready_fd,
		int go_fd)
{
	unsigned long long uid = cfg->userns_base ? cfg->userns_base
						  : USERNS_BASE_DEFAULT, gid = uid;
	unsigned count = USERNS_IDS;
	char dir[24], c;
	int dirfd, err;

	if (read(ready_fd, &c, 1) != 1)
		return; /* PID 1 is gone; the launcher reports how it ended */
	fmt(dir, sizeof dir, "/proc/%d", (int)child);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = dirfd < 0 ? -errno : 0;
	/* An unprivileged writer may map its own ids only, and the gid map
	 * only once setgroups(2) is denied for good: else a group could be
	 * dropped to get past a "deny to group" file mode on the host. */
	if (!err && rootless) {
		uid = geteuid();
		gid = getegid();
		count = 1;
		err = write_knob(dirfd, "setgroups", "deny");
	}
	if (!err)
		err = write_map(dirfd, "uid_map", uid, count);
	if (!err)
		err = write_map(dirfd, "gid_map", gid, count);
	if (dirfd >= 0)
		close(dirfd);
	if (err) {
		kill(child, SIGKILL);
		die("cannot write the id maps of the user namespace (/proc/%d): %s",
		    (int)child, error_text(-err));
	}
	if (write(go_fd, "g", 1) != 1)
		die("cannot start PID 1: %s", error_text(errno));
}

void userns_become_root(bool rootless)
{
	/* Until now the caller ran with the host's ids, unmapped here: files
	 * it made would belong to them. Root of the namespace is the mapped
	 * base. A root launcher's supplementary groups are the host's
	 * (root's own among them): gone, which setgroups may do here since
	 * the map left it allowed; an ordinary user keeps theirs, as the
	 * kernel requires once it is denied. */
	if (sys_setresgid(0, 0, 0) || (!rootless && sys_setgroups(0, NULL)) ||
	    sys_setresuid(0, 0, 0))
		die("cannot become root of the user namespace: %s", error_text(errno));
}

void userns_enter(int go_fd, bool rootless)
{
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(EXIT_SETUP); /* the launcher failed, and said why */
	close(go_fd);
	userns_become_root(rootless);
}
