/* SPDX-License-Identifier: MIT */
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
#include "protocol.h" /* SIGNAL_RESTART, PRESSURE_KILL */
#include "daemon.h"
#include "exec_profile.h"
#include "image.h"
#include "log.h"
#include "output.h"
#include "preflight.h"
#include "state.h"
#include "privs.h"
#include "ready.h"
#include "pty.h"
#include "rebuild.h"
#include "sandbox.h"
#include "signals.h"
#include "sys.h"
#include "userns.h"

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

/* The sandbox the launcher runs now. A rebuild (hutch restart
 * --rebuild) replaces cfg, the group and pid1; the rest is the
 * launcher's own. */
struct launch {
	const struct config *cfg;
	struct runtime rt; /* what the start found and opened (runtime.h) */
	struct cgroup cg;
	int state_fd;		/* the state directory, or -1 */
	const char *state_base; /* the directory it is in */
	pid_t pid1;
	struct sandbox_fds fds;
	struct output out;
	struct daemon_wait daemon; /* --daemon's caller, told once the service settled */
	struct relay tty;
	int argc;
	char **argv;
	const struct config *next; /* a rebuild's, judged good, while the old PID 1 stops */
	int request;	     /* that rebuild's id, to answer; 0: none under way */
	int upstream;	     /* --ready: what PID 1 tells, for systemd's NOTIFY_SOCKET */
};

/* The one launch. At file scope: die() runs the undo steps, which take
 * no argument, and they remove its group and state directory. Zeroed
 * (.bss, no bytes in the file), its markers set by launcher_run. */
static struct launch launch;

static void rebuild_request(struct launch *l, int id);
static void rebuild_cancel(struct launch *l);
static void rebuild_start(struct launch *l);

/* sigqueue's SIGNAL_RESTART with a positive value: hutch restart
 * --rebuild (rebuild.h). kill(2)'s, SI_USER, is a plain restart. */
static bool rebuild_asked(const struct signalfd_siginfo *si)
{
	return HUTCH_CONTROL && si->ssi_signo == SIGNAL_RESTART &&
	       si->ssi_code == SI_QUEUE && si->ssi_int > 0;
}

/* PID 1 ended: its code, or -1 when a rebuild started the next one. */
static int pid1_ended(struct launch *l, int status)
{
	/* Every process of the namespace is gone with PID 1, and so is
	 * every writer: read to the end. */
	while (l->out.pipe >= 0)
		output_copy(&l->out);
	relay_finish(&l->tty);
	if (WIFSIGNALED(status)) {
		char name[16];
		log_error("the sandbox's PID 1 was killed by signal %d (%s)",
			  WTERMSIG(status), signal_name(WTERMSIG(status), name, sizeof name));
	}
	if (!HUTCH_CONTROL || !l->request)
		return status_to_code(status);
	rebuild_start(l);
	return -1;
}

/* --pressure-restart: the PSI trigger fired (at most once per window).
 * PID 1 kills the service and --restart decides; a trigger whose group
 * is gone (POLLERR) is dropped. */
static void pressure_event(struct launch *l, short revents)
{
	const struct config *cfg = l->cfg;

	if (revents & (POLLERR | POLLNVAL)) {
		close(l->cg.pressure_fd);
		l->cg.pressure_fd = -1;
		return;
	}
	log_error("memory pressure reached --pressure-restart %s:%llums/%llums: "
		  "the service is killed, --restart decides what follows",
		  cfg->pressure_kind == 2 ? "full" : "some",
		  (unsigned long long)cfg->pressure_stall_ms,
		  (unsigned long long)cfg->pressure_window_ms);
	sigqueue(l->pid1, SIGNAL_RESTART, (union sigval){ .sival_int = PRESSURE_KILL });
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
static int forward_until_exit(struct launch *l, const sigset_t *set)
{
	struct pollfd fds[9] = { { signalfd(-1, set, SFD_CLOEXEC), POLLIN, 0 },
				 { -1, POLLIN, 0 }, { -1, POLLIN, 0 },
				 { -1, POLLIN, 0 }, { -1, POLLIN, 0 } };
	struct output *out = &l->out;
	struct relay *tty = &l->tty;

	if (fds[0].fd < 0)
		die("cannot create a signalfd: %s", error_text(errno));
	for (;;) {
		struct signalfd_siginfo si;
		int status, n, pause = output_pause(out);

		fds[1].fd = pause < 0 ? out->pipe : -1;
		fds[2].fd = l->daemon.settled; /* --daemon: the service is up */
		fds[3].fd = l->upstream; /* --ready: news for systemd */
		fds[4].fd = bootlimit_fd(); /* --boot-limit: PID 1's events */
		n = relay_poll_fds(tty, fds + 5);
		/* --pressure-restart: the group's trigger (a rebuild's new one) */
		fds[5 + n] = (struct pollfd){ l->cg.pressure_fd, POLLPRI, 0 };
		if (poll(fds, 6 + (nfds_t)n, earliest(pause, bootlimit_timeout())) < 0)
			continue;
		bootlimit_poll(fds[4].revents);
		relay_events(tty, fds + 5, n);
		if (HUTCH_LIMITS && fds[5 + n].revents)
			pressure_event(l, fds[5 + n].revents);
		if (fds[1].revents)
			output_copy(out);
		if (fds[2].revents)
			daemon_settled(&l->daemon);
		if (fds[3].revents)
			ready_upstream_forward(&l->upstream);
		if (!fds[0].revents || read(fds[0].fd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (waitpid(l->pid1, &status, WNOHANG) != l->pid1 ||
			    (status = pid1_ended(l, status)) < 0)
				continue;
			close(fds[0].fd);
			return status;
		}
		if (si.ssi_code == SI_USER && si.ssi_pid == (uint32_t)getpid())
			continue; /* raised by our own write to a closed pipe */
		if (rebuild_asked(&si)) {
			rebuild_request(l, si.ssi_int);
			continue;
		}
		if (HUTCH_CONTROL && (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT))
			rebuild_cancel(l); /* a stop wins */
		if (relay_signal(tty, (int)si.ssi_signo))
			continue;
		kill(l->pid1, (int)si.ssi_signo);
		relay_after_forward(tty, (int)si.ssi_signo);
	}
}

/* The undo steps (log.h) of what the launcher makes: each pushed where
 * it is made, all run by die() or at the launcher's end. */
static void group_undo(void)
{
	cgroup_remove(&launch.cg);
}

/* A rebuild keeps the name (rebuild.h): the first's and the running
 * config's are the same. */
static void state_undo(void)
{
	state_remove(launch.state_base, launch.cfg->name, launch.state_fd);
	launch.state_fd = -1;
}

/* PID 1, in its new namespaces: forked after unshare(CLONE_NEWPID), or
 * with --userns cloned into new user and PID namespaces and given its id
 * maps. Returns in the launcher only. */
static pid_t start_pid1(struct launch *l)
{
	const struct config *cfg = l->cfg;
	struct sandbox_fds *fds = &l->fds;
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
	die_push(group_undo); /* a half-made group too */
	cgroup_create(&l->cg, cfg, &l->rt);
	child = cfg->userns ? userns_clone() : fork_process();
	if (child < 0)
		die("cannot fork: %s", error_text(errno));
	if (child == 0) {
		die_forget(); /* the group and state are the launcher's */
		close(ready[0]);
		if (go[1] >= 0)
			close(go[1]);
		fds->ready = ready[1];
		fds->go = go[0];
		sandbox_run(cfg, &l->rt, &l->cg, fds);
	}
	close(ready[1]);
	image_release(&l->rt); /* PID 1 has the image and DIR now */
	if (l->rt.output_fd >= 0)
		close(l->rt.output_fd); /* PID 1's now: EOF once all of it is gone */
	if (fds->notify >= 0)
		close(fds->notify); /* PID 1 holds it now: EOF when it ends */
	if (fds->upstream >= 0)
		close(fds->upstream);
	if (fds->tty >= 0)
		close(fds->tty); /* PID 1's end of the pty channel */
	if (fds->boot >= 0)
		close(fds->boot); /* PID 1's: it alone tells */
	/* A rebuild's new PID 1 gets none: the count is the first's (the
	 * launcher's one start at boot) */
	fds->boot = -1;
	if (cfg->userns) {
		close(go[0]);
		userns_map(cfg, l->rt.rootless, child, ready[0], go[1]);
		close(go[1]);
	}
	fds->ready = ready[0]; /* open while PID 1 may still write to it */
	return child;
}

/* --- hutch restart --rebuild (rebuild.h) ------------------------------ */

/* The answer the control command waits for, in the state directory. */
static void rebuild_answer(const struct launch *l, int id, const char *error)
{
	char text[600];

	if (l->state_fd < 0)
		return;
	fmt(text, sizeof text, "request=%d\n%s=%s\n", id, error ? "error" : "result",
	    error ? error : "ok");
	state_write(l->state_fd, REBUILD_ANSWER, text);
}

/* The configuration is read again and judged before anything stops: a
 * refusal leaves the sandbox running as it was. Good, PID 1 gets SIGTERM
 * (the stop of hutch stop: stop timeout, then SIGKILL to what is left),
 * and pid1_ended starts the next sandbox. The two spare configurations
 * (each with its text arena) alternate, so neither the one running nor
 * the first (whose strings the launcher's own state points to) is parsed
 * over. */
static void rebuild_request(struct launch *l, int id)
{
	static struct config spare[2];
	static struct config_text spare_text[2];
	int i = l->cfg == &spare[0];
	struct config *next = &spare[i];
	char why[400];

	if (l->request) {
		rebuild_answer(l, id, "a rebuild is already under way");
		return;
	}
	if (l->fds.terminals)
		fmt(why, sizeof why, "not with a terminal, which is relayed for one "
		    "sandbox: stop it and start it again");
	else if (!rebuild_load(next, &spare_text[i], l->cfg, &l->rt, l->argc, l->argv,
			       why, sizeof why))
		why[0] = '\0';
	if (why[0]) {
		char answer[sizeof why + 32];
		image_release(&l->rt); /* opened by the refused start's checks */
		log_error("rebuild refused, the sandbox runs on as it was: %s", why);
		fmt(answer, sizeof answer, "it runs on as it was: %s", why);
		rebuild_answer(l, id, answer);
		return;
	}
	log_info("rebuild: stopping the sandbox, to start it again from the "
		 "configuration read anew");
	l->next = next;
	l->request = id;
	kill(l->pid1, SIGTERM);
}

static void rebuild_cancel(struct launch *l)
{
	if (!l->request)
		return;
	rebuild_answer(l, l->request, "a stop came first");
	l->request = 0;
}

/* unshare(CLONE_NEWPID) made the old sandbox's namespace the one of the
 * launcher's next children; it died with its PID 1 (fork: ENOMEM), and
 * the kernel makes a new one only below the namespace the caller is in
 * (unshare: EINVAL while they differ). setns(2) to the launcher's own
 * namespace first; with --userns, clone() made it and left ours alone. */
static void own_pid_namespace(const struct config *cfg)
{
	int fd;

	if (cfg->userns)
		return;
	fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWPID))
		die("rebuild: cannot make a new PID namespace: %s", error_text(errno));
	close(fd);
}

/* The old PID 1 is gone, every process of its namespace and its mount
 * namespace with it; its cgroup goes here. Then a start as the first
 * one, from the configuration judged in rebuild_request. A failure now
 * (a cgroup limit the kernel refuses) ends the launcher as a failed
 * start does: exit 125, nothing left behind. */
static void rebuild_start(struct launch *l)
{
	int id = l->request;

	l->request = 0;
	close(l->fds.ready);
	die_pop(group_undo); /* start_pid1 makes the next one */
	cgroup_remove(&l->cg);
	l->cfg = l->next;
	cgroup_probe(&l->cg, l->cfg, &l->rt, false);
	own_pid_namespace(l->cfg);
	if (l->state_fd >= 0) {
		exec_profile_write(l->state_fd, l->cfg, l->rt.rootless);
		state_write_launcher(l->state_fd, l->cfg);
		/* empty until the new PID 1 writes it: hutch restart
		 * --rebuild waits for that */
		(void)!ftruncate(l->fds.state, 0);
	}
	l->rt.output_fd = -1;
	if (l->out.path)
		output_pipe(&l->out, &l->rt);
	/* --daemon's caller still waiting: the new PID 1 tells it */
	if (l->daemon.settled >= 0)
		close(l->daemon.settled);
	l->fds.notify = -1;
	daemon_caller(&l->daemon, &l->rt, l->daemon.caller, &l->fds.notify);
	l->pid1 = start_pid1(l);
	rebuild_answer(l, id, NULL);
	log_info("rebuilt: a new sandbox runs%s%s", l->cfg->root ? " on " : "",
		 l->cfg->root ? l->cfg->root : "");
}

/* The caller's OOM score adjustment, for the service (spawn.c); the
 * launcher and PID 1 take -1000, the OOM killer's never. An ordinary
 * user cannot lower it: nothing to restore then. */
static void caller_oom_score(struct runtime *rt)
{
	if (!rt->rootless &&
	    read_small_file(AT_FDCWD, "/proc/self/oom_score_adj", rt->oom_score_adj,
			    sizeof rt->oom_score_adj) > 0)
		rt->oom_score_adj[until_any(rt->oom_score_adj, "\n")] = '\0';
}

int launcher_run(const struct config *cfg, int argc, char **argv)
{
	struct launch *l = &launch;
	struct sandbox_fds *fds = &l->fds;
	const char *refusal;
	sigset_t set;
	int code;

	l->cfg = cfg;
	l->rt = (struct runtime)RUNTIME_INIT;
	l->state_fd = -1;
	l->argc = argc;
	l->argv = argv;
	fds->notify = fds->boot = -1;
	privs_lock_self();
	fds->log = daemon_log_open(cfg);
	log_nonblocking();
	l->rt.rootless = userns_rootless();
	refusal = userns_refusal(cfg);
	if (refusal)
		die("%s", refusal);
	/* The host paths must exist before anything starts: a mistyped
	 * path costs one line and exit 125, and no namespace was made for it. */
	preflight_host(cfg, &l->rt, NULL);
	preflight_cpus(cfg, NULL);
	caller_oom_score(&l->rt);
	cgroup_probe(&l->cg, cfg, &l->rt, false);
	/* Before daemonize: its waiting parent needs SIGCHLD too. */
	supervised_signals(&set);
	if (cfg->daemon) {
		fds->notify = daemon_detach(cfg, &l->rt, fds->log);
		log_nonblocking(); /* fd 2 may be /dev/null now */
	}
	/* Before anything is made on the system: a refusal leaves nothing
	 * behind. After --daemon's detach, which closes every descriptor
	 * but its own (the record's directory and pipe are kept from here
	 * on); its caller, still waiting, exits with our 124. */
	if (bootlimit_reached(cfg, &fds->boot))
		return EXIT_BOOT_LIMIT;
	/* Blocked before anything is made on the system (state directory,
	 * pid file, cgroup) and from here on, inherited so: a signal that
	 * comes during set-up waits, is forwarded once PID 1 runs (which takes
	 * it from its signalfd), and cannot end the launcher half way and
	 * leave stale state. Not before daemonize: the caller's side of it
	 * must still die of Ctrl-C. */
	signals_block(&set);
	l->state_fd = state_create(cfg, l->rt.rootless, &l->state_base);
	if (l->state_fd >= 0) {
		die_push(state_undo);
		exec_profile_write(l->state_fd, cfg, l->rt.rootless);
	}
	fds->state = l->state_fd < 0 ? -1 : openat(l->state_fd, "status", O_RDWR | O_CREAT |
						   O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fds->state < 0 && l->state_fd >= 0)
		die("cannot create the status file: %s", error_text(errno));
	daemon_pidfile(cfg);
	output_open(&l->out, cfg, &l->rt);
	daemon_caller(&l->daemon, &l->rt, fds->notify, &fds->notify);
	l->upstream = ready_upstream_open(cfg, &fds->upstream);
	/* A terminal on 0, 1 or 2: the service gets a pty in its place. */
	fds->terminals = pty_terminals();
	l->rt.tty_foreground = fds->terminals & 1;
	relay_init(&l->tty, fds->terminals, &fds->tty);
	l->pid1 = start_pid1(l);
	/* After the fork: PID 1 protects itself (sandbox.c) */
	code = oom_protect(&l->rt);
	if (code)
		log_debug("cannot protect hutch from the OOM killer: %s",
			  error_text(-code));
	code = forward_until_exit(l, &set);
	bootlimit_end();
	close(fds->ready);
	die_unwind();
	return code;
}
