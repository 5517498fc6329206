/* SPDX-License-Identifier: MIT */
/* sandbox.h - what the child of the launcher does: PID 1 of the sandbox. */
#ifndef HUTCH_SANDBOX_H
#define HUTCH_SANDBOX_H

#include "cgroup.h"
#include "config.h"
#include "runtime.h"

/* Descriptors the launcher hands to PID 1 (-1: none). */
struct sandbox_fds {
	int ready;  /* PID 1 writes a byte once PR_SET_PDEATHSIG is armed */
	int go;	    /* --userns: PID 1 reads a byte once its maps are written */
	int notify; /* --daemon: a byte once the service runs */
	int upstream; /* --ready under systemd: READY=1 to the launcher */
	int state;  /* the state directory's "status" file */
	int log;    /* --log kmsg|syslog */
	int tty;    /* the pty channel to the launcher (pty.c), or -1 */
	int boot;   /* --boot-limit: what PID 1 tells the launcher */
	unsigned terminals; /* which of fds 0-2 were the caller's terminal */
};

/* The service's environment (and hutch exec's command's): TERM, a PATH
 * that suits a BusyBox root, HOME=home_dir, and cfg's --env. Static
 * storage. */
/* New mount, UTS and IPC namespaces (network with --net none, lo up),
 * and the hostname. */
void sandbox_namespaces(const struct config *cfg);
/* lo up, in a new network namespace (hutch oci's too: oci_ns.c) */
void sandbox_loopback_up(void);

char **sandbox_environment(const struct config *cfg, const char *home_dir);

/* Never returns: exits with the service's code, or 125 if setup fails.
 * rt is what the launcher found and opened, cg the group it made, to
 * join. */
_Noreturn void sandbox_run(const struct config *cfg, const struct runtime *rt,
			   const struct cgroup *cg, const struct sandbox_fds *fds);

#endif
