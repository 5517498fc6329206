// SPDX-License-Identifier: MIT
/* oci_init.c - [oci] the container's first process, forked by `create`
 * in the new PID namespace (or the host's, left out of linux.namespaces).
 * It is PID 1 there and becomes the
 * container's program itself (runc's model, which the OCI runtime spec
 * describes: the "container process" is the one the runtime started,
 * and `state` gives its pid): no hutch supervisor stays inside, since
 * containerd's shim or conmon outside already reaps and reports it.
 *
 * hutch's own set-up builds it (the cgroup, namespaces, mounts, the
 * root switch, /dev, PID 1's capabilities), then it answers `create` on
 * the sync pipe and blocks opening the exec fifo for writing, which
 * returns once `start` opens it for reading (runc's exec.fifo). Then
 * the service's own settings (user, capabilities, rlimits) and the
 * exec, by the same code that starts a hutch service. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "mounts.h"
#include "oci_internal.h"
#include "oci_walk.h"
#include "privs.h"
#include "pty.h"
#include "sandbox.h"
#include "seccomp.h"
#include "spawn.h"
#include "sys.h"
#include "userns.h"

/* linux.maskedPaths and readonlyPaths, in the new root: a directory
 * under an empty read-only tmpfs, a file under /dev/null, or a bind of
 * itself made read-only. A path the image lacks is skipped (as runc
 * does: there is nothing to hide). */
static void mask(const char *path, bool read_only)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return;
	if (fd < 0 || fstat(fd, &st))
		die("cannot mask %s: %s", path, error_text(errno));
	if (read_only) {
		int top;
		mount_on(fd, fd_path(fd), NULL, MS_BIND | MS_REC, NULL, path + 1);
		top = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (top < 0)
			die("cannot make %s read-only: %s", path, error_text(errno));
		restrict_mount(top, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, path + 1);
		close(top);
	} else if (S_ISDIR(st.st_mode)) {
		/* runc's mask, read-only and empty: an ls sees an empty
		 * directory (hutch's own /proc masks are mode 0) */
		mount_on(fd, "tmpfs", "tmpfs", MS_RDONLY, NULL, path + 1);
	} else {
		mount_on(fd, "/dev/null", NULL, MS_BIND, NULL, path + 1);
	}
	close(fd);
}

/* linux.rootfsPropagation shared or unbindable (MS_REC with the r
 * forms), set on the new root once it is "/", as runc does since 1.2.6
 * and 1.3 (Debian's 1.1.5 never does: its root stays private, and a
 * root file system whose mount is not shared fails its bind when
 * unbindable); set before the switch, it would have been set on the
 * host's copy. Last of the mounts: the masks above bind /dev/null and
 * the paths themselves, which an unbindable source refuses. The root
 * is a bind of a private mount (mounts.c), so a shared root is a peer
 * group of its own in this namespace: the container's mounts never
 * reach the host, nor the host's the container. */
static void root_propagation(unsigned long flags)
{
	if (flags & (MS_SHARED | MS_UNBINDABLE))
		mount_at("/", "none", NULL, flags, NULL, "");
}

/* With hooks: the pause before the root switch, as runc's (its init asks
 * its parent to run prestart and createRuntime there); then
 * createContainer here, in the container's namespaces, whose paths are
 * still the runtime's; the state for startContainer kept on a memfd
 * (after the switch the record is out of reach). */
static struct {
	int sync, go, created;
	bool container_hooks;
} hold = { -1, -1, -1, false };

static void before_switch(void)
{
	static struct oci_state st;
	char c;
	int dir, state;

	if (write(hold.sync, "\005", 1) != 1 || read(hold.go, &c, 1) != 1)
		_exit(EXIT_SETUP); /* create failed, and says why */
	close(hold.go);
	if (!hold.container_hooks)
		return;
	dir = oci_open_record(oci_container, &st);
	if (dir < 0 || !oci_hooks_load(dir, oci_container))
		die("cannot read the container's record for its hooks");
	/* its own pid, as runc's init gives it (1); the /proc here is still
	 * the host's, where that pid is another process: its start time
	 * too, or the state would call the container stopped */
	st.pid = getpid();
	st.start = oci_pid_start(st.pid);
	state = oci_hooks_state(dir, &st, "creating");
	hold.created = oci_hooks_state(dir, &st, "created");
	close(dir);
	if (oci_hooks_each(OCI_HOOK_CREATE_CONTAINER, state, NULL))
		die("create: a createContainer hook failed (above)");
	close(state);
}

/* process.env as given, and HOME when it does not set one (runc's
 * rule: the user's home from the image's /etc/passwd, else /). */
char **oci_environment(const struct config *cfg, const char *home)
{
	static char *env[CONFIG_MAX_ENV + 2];
	static char home_var[160];
	size_t n = 0;
	bool has_home = false;

	for (size_t i = 0; i < cfg->n_env; i++) {
		env[n++] = cfg->env[i];
		has_home |= strncmp(cfg->env[i], "HOME=", 5) == 0;
	}
	if (!has_home && fmt(home_var, sizeof home_var, "HOME=%s", home) <
	    sizeof home_var)
		env[n++] = home_var;
	env[n] = NULL;
	return env;
}

/* The wait for `start`: open(2) of a fifo for writing blocks until a
 * reader opens it. By /proc/self/fd: the fifo itself is outside the new
 * root, reached through the descriptor opened before the switch. */
static void wait_for_start(int fifo)
{
	char path[32];
	int fd;

	fmt(path, sizeof path, "/proc/self/fd/%d", fifo);
	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0 || write(fd, "0", 1) != 1)
		die("cannot wait for start on the exec fifo: %s", error_text(errno));
	close(fd);
	close(fifo);
}

void oci_init(struct config *cfg, const struct runtime *rt, const struct oci_spec *spec,
	      const struct cgroup *cg, int sync, int fifo, int console)
{
	int keep[] = { sync, fifo, -1 };
	const char *home;
	char **envp;
	int err;

	die_forget(); /* the group and the record are create's */
	log_to_fd(sync); /* create says it, then exits */
	privs_lock_self();
	/* still as the host's root: a process of a user namespace whose
	 * uid is not root outside may not move itself (cgroup v1) */
	cgroup_join(cg);
	if (spec->userns)
		userns_enter(spec->userns_go, false);
	/* a session of its own, as runc's init: the caller's terminal is
	 * never the container's controlling terminal */
	setsid();
	oci_ns_enter(cfg, spec);
	oci_cgroup_mounts(cfg);
	if (spec->hooks) {
		hold.sync = sync;
		hold.go = spec->hooks_go[0];
		hold.container_hooks = spec->container_hooks;
		mounts_before_switch = before_switch;
	}
	die_push(mounts_undo);
	mounts_setup(cfg, rt);
	keep[2] = hold.created;
	for (size_t i = 0; i < spec->n_masked; i++)
		mask(spec->masked[i], false);
	for (size_t i = 0; i < spec->n_readonly; i++)
		mask(spec->readonly[i], true);
	root_propagation(cfg->root_propagation);
	/* in the container's own devpts, after the root switch */
	if (console >= 0)
		pty_console(console);
	seccomp_prepare(cfg);
	if (chdir(cfg->workdir))
		die("process.cwd %s: %s", cfg->workdir, error_text(errno));
	home = privs_resolve(cfg);
	die_pop(mounts_undo); /* set up: from here on nothing is undone */
	/* linux.seccomp without process.noNewPrivileges: loading a filter
	 * then takes CAP_SYS_ADMIN, so it goes in now, before any
	 * capability is dropped and before the wait, where runc's init
	 * loads it too (standard_init_linux.go); with no_new_privs, last,
	 * just before the exec (spawn_harden), as runc does. */
	if (cfg->oci_privs && (err = seccomp_install()))
		die("cannot load linux.seccomp's filter: %s", error_text(-err));
	/* before the wait, as runc: only PID 1's few capabilities beside
	 * the container's own while it waits */
	privs_drop_pid1(cfg);
	envp = oci_environment(cfg, home);
	close_fds_except(keep, sizeof keep / sizeof keep[0]);
	if (write(sync, "\006", 1) != 1)
		_exit(EXIT_SETUP); /* create is gone: nobody would start it */
	close(sync);
	log_to_fd(STDERR_FILENO);
	wait_for_start(fifo);
	if (hold.created >= 0 && oci_hooks_each(OCI_HOOK_START_CONTAINER, hold.created, NULL))
		die("start: a startContainer hook failed (above)");
	if (hold.created >= 0)
		close(hold.created);
	spawn_exec(cfg, rt, envp, -1, -1);
}
