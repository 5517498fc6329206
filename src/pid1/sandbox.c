/* SPDX-License-Identifier: MIT */
/* sandbox.c - PID 1 of the new PID namespace: enters the other namespaces,
 * builds the root, then supervises. Any setup failure exits 125, and since
 * everything happened inside the new namespaces, it dies with them. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "mounts.h"
#include "privs.h"
#include "pty.h"
#include "ready.h"
#include "refusal.h"
#include "seccomp.h"
#include "supervise.h"
#include "sys.h"
#include "userns.h"

static void unshare_one(int flag, const char *what, const char *option)
{
	if (unshare(flag) == 0)
		return;
	if (errno == EINVAL)
		die("cannot create a %s namespace: the kernel lacks it (kernel "
		    "option %s)", what, option);
	die("cannot create a %s namespace: %s", what, error_text(errno));
}

/* A new network namespace has only lo, and it is down: bring it up so the
 * service can still talk to itself over 127.0.0.1. */
void sandbox_loopback_up(void)
{
	struct ifreq ifr;
	int fd = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("cannot read the flags of lo: %s", error_text(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("cannot bring lo up: %s", error_text(errno));
	close(fd);
}

void sandbox_namespaces(const struct config *cfg)
{
	unshare_one(CLONE_NEWNS, "mount", "CONFIG_NAMESPACES");
	unshare_one(CLONE_NEWUTS, "UTS", "CONFIG_UTS_NS");
	unshare_one(CLONE_NEWIPC, "IPC", "CONFIG_IPC_NS");
	if (cfg->net_none) {
		unshare_one(CLONE_NEWNET, "network", "CONFIG_NET_NS");
		sandbox_loopback_up();
	}
	if (sethostname(cfg->hostname, strlen(cfg->hostname)))
		die("cannot set the hostname: %s", error_text(errno));
	log_debug("new %sPID, mount, UTS, IPC%s namespaces; hostname %s",
		  cfg->userns ? "user, " : "", cfg->net_none ? ", network" : "",
		  cfg->hostname);
}

/* Replaces KEY's entry when it is there already, else appends. */
static void env_put(char **env, size_t *n, char *entry)
{
	size_t key = until_any(entry, "=") + 1;

	for (size_t i = 0; i < *n; i++)
		if (!strncmp(env[i], entry, key)) {
			env[i] = entry;
			return;
		}
	env[(*n)++] = entry;
}

/* The service's environment: nothing of hutch's own but TERM, a PATH that
 * suits a BusyBox root, HOME, and what --env gives. */
char **sandbox_environment(const struct config *cfg, const char *home_dir)
{
	static char path[] = "PATH=" SERVICE_PATH;
	static char home[140];
	static char term[128];
	const char *host_term = getenv("TERM");
	/* PATH, HOME, TERM, --env, NOTIFY_SOCKET, and in the service's
	 * child WATCHDOG_USEC and WATCHDOG_PID (liveness.h), then NULL */
	static char *env[CONFIG_MAX_ENV + 7];
	char *notify = ready_environment(cfg);
	size_t n = 0;

	fmt(home, sizeof home, "HOME=%s", home_dir);
	env_put(env, &n, path);
	env_put(env, &n, home);
	if (host_term && fmt(term, sizeof term, "TERM=%s", host_term) < sizeof term)
		env_put(env, &n, term);
	for (size_t i = 0; i < cfg->n_env; i++)
		env_put(env, &n, cfg->env[i]);
	if (notify) /* after --env: the socket is hutch's to name */
		env_put(env, &n, notify);
	return env;
}

/* If the launcher dies, so does the sandbox: PID 1's death kills every
 * process in the namespace. Armed before the write to the ready pipe,
 * which fails (EPIPE) if the launcher is gone already. */
static void tie_to_launcher(int ready_fd)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || write(ready_fd, "r", 1) != 1)
		_exit(EXIT_SETUP);
}

void sandbox_run(const struct config *cfg, const struct runtime *rt,
		 const struct cgroup *cg, const struct sandbox_fds *fds)
{
	/* Every descriptor but 0, 1, 2 and these is closed before the service
	 * runs; these are close-on-exec, so the service never sees them. */
	struct supervise_io io = { .oom = cg->events_fd, .state = fds->state,
				   .notify = fds->notify, .ready_socket = -1,
				   .upstream = fds->upstream, .boot = fds->boot,
				   .audit = -1 };
	/* What PID 1 keeps open; the slots filled later are named below
	 * (--overlay DIR's descriptor holds its lock: image_mount.c). */
	enum { KEEP_TTY = 5, KEEP_LOG, KEEP_READY, KEEP_AUDIT = 11 };
	int keep[] = { io.oom, io.state, io.notify, fds->log, rt->output_fd,
		       -1 /* KEEP_TTY */, -1 /* KEEP_LOG */, -1 /* KEEP_READY */,
		       io.upstream, io.boot, rt->overlay_fd, -1 /* KEEP_AUDIT */ };
	const char *home;
	char **envp;

	/* An ordinary user's launcher opens /proc/PID/uid_map of PID 1,
	 * which is root's while PID 1 is not dumpable (as the launcher made
	 * it): dumpable again until the maps are written, a moment in which
	 * only the same user could trace it, who owns the launcher anyway. */
	if (rt->rootless)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	tie_to_launcher(fds->ready);
	/* First: the service and everything PID 1 forks are in the group.
	 * With --userns, still with the host's root ids: a kernel before
	 * 5.16 checks the writer's ids, not the opener's. An image root
	 * (never with --userns) comes from a loop device, which the group's
	 * device list (v1 devices, v2's BPF program) denies to its members,
	 * PID 1 too: then PID 1 joins once the root is built, having forked
	 * nothing before. */
	/* For a seccomp kill's audit record: /dev/kmsg of the host's /dev,
	 * before the group's device allow-list (which has no kmsg) applies to
	 * PID 1 and while it still has CAP_SYSLOG (dmesg_restrict). */
	io.audit = seccomp_audit_open(cfg);
	if (!rt->image_type)
		cgroup_join(cg);
	/* New ids clear the death signal: armed again, and checked again. */
	if (cfg->userns) {
		userns_enter(fds->go, rt->rootless);
		tie_to_launcher(fds->ready);
	}
	close(fds->ready);
	/* Not in a user namespace: there PID 1 lacks CAP_SYS_RESOURCE in the
	 * host's, and the service could not raise the floor again. */
	if (!cfg->userns)
		(void)oom_protect(rt); /* the launcher's -v names a failure */
	privs_lock_self();
	/* Signal dispositions stay as the launcher had them: what the caller
	 * left ignored is discarded by the kernel for PID 1 too (signals.c);
	 * each service child sets them back to default before its exec. */
	/* A session of its own, always: the caller's terminal is never the
	 * sandbox's controlling terminal (/dev/tty inside fails with ENXIO
	 * unless pty.c gives it the pty), and a signal to the caller's
	 * process group reaches the launcher only, which forwards it once.
	 * Terminal job control signals are blocked like all others (the
	 * launcher blocked them before the fork): tcsetpgrp(3) from a
	 * background group needs SIGTTOU blocked, and a supervisor must never
	 * be stopped. */
	setsid();
	sandbox_namespaces(cfg);
	die_push(mounts_undo);
	mounts_setup(cfg, rt);
	if (rt->image_type)
		cgroup_join(cg);
	io.ready_socket = ready_socket_open(cfg); /* in the new root's /dev */
	seccomp_prepare(cfg); /* once, for every start of the service */
	if (chdir(cfg->workdir) || chdir("/"))
		die(WORKDIR_MISSING, cfg->workdir, error_text(errno));
	home = privs_resolve(cfg);
	die_pop(mounts_undo); /* set up: from here on nothing is undone */
	privs_drop_pid1(cfg);
	envp = sandbox_environment(cfg, home);
	pty_setup(fds->tty, fds->terminals);
	log_nonblocking(); /* fd 2 may be the pty now */
	keep[KEEP_TTY] = fds->tty;
	keep[KEEP_LOG] = log_descriptor();
	keep[KEEP_READY] = io.ready_socket;
	keep[KEEP_AUDIT] = io.audit;
	close_fds_except(keep, sizeof keep / sizeof keep[0]);
	_exit(supervise(cfg, rt, envp, &io));
}
