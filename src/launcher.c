/* launcher.c - runs in the host's namespaces: validates against the host,
 * creates the PID namespace, forwards signals to PID 1 and reports how the
 * sandbox ended. It changes nothing on the system before its checks pass. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootlimit.h"
#include "cgroup.h"
#include "daemon.h"
#include "exec.h"
#include "log.h"
#include "output.h"
#include "preflight.h"
#include "state.h"
#include "privs.h"
#include "pty.h"
#include "sandbox.h"
#include "signals.h"
#include "sys.h"
#include "userns.h"

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

/* The sooner of two poll(2) timeouts, -1 being none. */
static int earliest(int a, int b)
{
	return a < 0 ? b : b < 0 || a < b ? a : b;
}

/* Signals for hutch go to PID 1, which decides (stop, or forward to the
 * service). PID 1 of a namespace only gets signals from outside for which
 * it has a handler or that it blocks; it blocks them all. The launcher
 * sleeps in poll(2) on a signalfd, with --output the service's pipe, and
 * with a terminal the pty relay's descriptors (pty.c): nothing wakes it
 * but a signal, output or a keystroke. */
static int forward_until_exit(pid_t child, const sigset_t *set,
			      struct output *out, struct relay *tty)
{
	struct pollfd fds[7] = { { signalfd(-1, set, SFD_CLOEXEC), POLLIN, 0 },
				 { -1, POLLIN, 0 }, { -1, POLLIN, 0 },
				 { -1, POLLIN, 0 } };

	if (fds[0].fd < 0)
		die("cannot create a signalfd: %s", error_text(errno));
	for (;;) {
		struct signalfd_siginfo si;
		int status, n, pause = output_pause(out);

		fds[1].fd = pause < 0 ? out->pipe : -1;
		fds[2].fd = out->settled; /* --daemon: the service is up */
		fds[3].fd = bootlimit_fd();
		n = relay_poll_fds(tty, fds + 4);
		if (poll(fds, 4 + (nfds_t)n, earliest(pause, bootlimit_timeout())) < 0)
			continue;
		bootlimit_poll(fds[3].revents);
		relay_events(tty, fds + 4, n);
		if (fds[1].revents)
			output_copy(out);
		if (fds[2].revents)
			daemon_settled(out);
		if (!fds[0].revents || read(fds[0].fd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (waitpid(child, &status, WNOHANG) != child)
				continue;
			/* Every process of the namespace is gone with PID 1,
			 * and so is every writer: read to the end. */
			while (out->pipe >= 0)
				output_copy(out);
			relay_finish(tty);
			if (WIFSIGNALED(status)) {
				char name[16];
				log_error("the sandbox's PID 1 was killed by signal "
					  "%d (%s)", WTERMSIG(status),
					  signal_name(WTERMSIG(status), name,
						      sizeof name));
			}
			close(fds[0].fd);
			return status_to_code(status);
		}
		if (si.ssi_code == SI_USER && si.ssi_pid == (uint32_t)getpid())
			continue; /* raised by our own write to a closed pipe */
		if (relay_signal(tty, (int)si.ssi_signo))
			continue;
		kill(child, (int)si.ssi_signo);
		relay_after_forward(tty, (int)si.ssi_signo);
	}
}

/* -1000: the OOM killer never picks this process, which a full /tmp or a
 * service's leak would otherwise make a candidate (the launcher must live
 * to clean up). Writing it with CAP_SYS_RESOURCE also sets the floor
 * below which the process may later lower it without that capability:
 * inherited on fork, which is why the service writes the caller's value
 * back (spawn.c) while it still has the capability. A container may
 * deny it (no CAP_SYS_RESOURCE in its bounding set): then the sandbox
 * runs unprotected, as before, and -v says so. */
int oom_protect(const struct config *cfg)
{
	if (!cfg->oom_score_adj[0])
		return 0;
	return write_knob(AT_FDCWD, "/proc/self/oom_score_adj", "-1000");
}

/* What die() removes: the cgroup, the state directory, the pid file. */
static struct cgroup cg;
static int state_fd = -1;
static const char *state_base;
static const struct config *active;

static void clean_up(void)
{
	relay_restore();
	cgroup_remove(&cg);
	/* and the pid file, if ours; without a state directory that says
	 * whose it is, by this launcher's pid in it */
	if (state_fd < 0 && active->pidfile) {
		char pid[24];
		pidfile_remove(active->pidfile, pid, fmt(pid, sizeof pid, "%d\n",
							 (int)getpid()));
	}
	state_remove(state_base, active->name, state_fd);
	state_fd = -1;
}

/* PID 1, in its new namespaces: forked after unshare(CLONE_NEWPID), or
 * with --userns cloned into new user and PID namespaces and given its id
 * maps. Returns in the launcher only. */
static pid_t start_pid1(struct config *cfg, struct sandbox_fds *fds)
{
	int ready[2], go[2] = { -1, -1 };
	pid_t child;

	/* PID 1 writes one byte once it has PR_SET_PDEATHSIG armed; if we
	 * died before that, its write fails and it exits at once. With
	 * --userns it then waits for a byte on go: its maps are written. */
	if (pipe_cloexec(ready) || (cfg->userns && pipe_cloexec(go)))
		die("cannot create a pipe: %s", error_text(errno));
	/* unshare+fork, not clone() with a hand-made stack: no stack to size,
	 * and qemu-user rejects clone() with namespace flags. */
	if (!cfg->userns)
		new_pid_namespace();
	cgroup_create(&cg, cfg);
	child = cfg->userns ? userns_clone() : fork_process();
	if (child < 0)
		die("cannot fork: %s", error_text(errno));
	if (child == 0) {
		die_cleanup(NULL); /* the group and state are the launcher's */
		close(ready[0]);
		if (go[1] >= 0)
			close(go[1]);
		fds->ready = ready[1];
		fds->go = go[0];
		sandbox_run(cfg, &cg, fds);
	}
	close(ready[1]);
	if (cfg->output_fd >= 0)
		close(cfg->output_fd); /* PID 1's now: EOF once all of it is gone */
	if (fds->notify >= 0)
		close(fds->notify); /* PID 1 holds it now: EOF when it ends */
	if (fds->tty >= 0)
		close(fds->tty); /* PID 1's end of the pty channel */
	if (fds->boot >= 0)
		close(fds->boot); /* PID 1's: it alone tells */
	if (cfg->userns) {
		close(go[0]);
		userns_map(cfg, child, ready[0], go[1]);
		close(go[1]);
	}
	fds->ready = ready[0]; /* open while PID 1 may still write to it */
	return child;
}

int launcher_run(struct config *cfg)
{
	struct sandbox_fds fds = { .notify = -1, .log = -1, .boot = -1 };
	static struct relay tty;
	struct output out;
	const char *refusal;
	sigset_t set;
	pid_t child;
	int code;

	privs_lock_self();
	fds.log = daemon_log_open(cfg);
	log_nonblocking();
	cfg->rootless = userns_rootless();
	refusal = userns_refusal(cfg);
	if (refusal)
		die("%s", refusal);
	/* The host paths must exist before anything starts: a mistyped
	 * path costs one line and exit 125, and no namespace was made for it. */
	preflight_host(cfg, NULL);
	check_cpus(cfg);
	/* The caller's OOM score adjustment, for the service (spawn.c); the
	 * launcher and PID 1 take -1000, the OOM killer's never. An ordinary
	 * user cannot lower it: nothing to restore then. */
	if (!cfg->rootless &&
	    read_small_file(AT_FDCWD, "/proc/self/oom_score_adj", cfg->oom_score_adj,
			    sizeof cfg->oom_score_adj) > 0)
		cfg->oom_score_adj[until_any(cfg->oom_score_adj, "\n")] = '\0';
	cgroup_probe(&cg, cfg, false);
	/* Before daemonize: its waiting parent needs SIGCHLD too. */
	supervised_signals(&set);
	if (cfg->daemon) {
		fds.notify = daemon_detach(cfg, fds.log);
		log_nonblocking(); /* fd 2 may be /dev/null now */
	}
	/* Before anything is made on the system: a refusal leaves nothing
	 * behind. After --daemon's detach, which closes every descriptor
	 * but its own (the record's directory and pipe are kept from here
	 * on); its caller, still waiting, exits with our 124. */
	if (bootlimit_reached(cfg, &fds.boot))
		return EXIT_BOOT_LIMIT;
	/* Blocked before anything is made on the system (state directory,
	 * pid file, cgroup) and from here on, inherited so: a signal that
	 * comes during set-up waits, is forwarded once PID 1 runs (which takes
	 * it with sigtimedwait), and cannot end the launcher half way and
	 * leave stale state. Not before daemonize: the caller's side of it
	 * must still die of Ctrl-C. */
	signals_block(&set);
	active = cfg;
	die_cleanup(clean_up);
	state_fd = state_create(cfg, &state_base);
	if (state_fd >= 0)
		exec_profile_write(state_fd, cfg);
	fds.state = state_fd < 0 ? -1 : openat(state_fd, "status", O_RDWR | O_CREAT |
					       O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fds.state < 0 && state_fd >= 0)
		die("cannot create the status file: %s", error_text(errno));
	daemon_pidfile(cfg);
	output_open(&out, cfg);
	daemon_caller(&out, cfg, fds.notify, &fds.notify);
	/* A terminal on 0, 1 or 2: the service gets a pty in its place. */
	fds.terminals = pty_terminals();
	cfg->tty_foreground = fds.terminals & 1;
	relay_init(&tty, fds.terminals, &fds.tty);
	child = start_pid1(cfg, &fds);
	/* After the fork: PID 1 protects itself (sandbox.c) */
	code = oom_protect(cfg);
	if (code)
		log_debug("cannot protect hutch from the OOM killer: %s",
			  error_text(-code));
	code = forward_until_exit(child, &set, &out, &tty);
	bootlimit_end();
	close(fds.ready);
	clean_up();
	return code;
}
