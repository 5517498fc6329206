/* SPDX-License-Identifier: MIT */
/* supervise.h - PID 1's loop: start, reap, forward, restart, stop. */
#ifndef HUTCH_SUPERVISE_H
#define HUTCH_SUPERVISE_H

#include "config.h"
#include "runtime.h"

/* Runs until the service is done for good; returns hutch's exit code.
 * Expects every signal of supervised_signals() blocked. Each descriptor of
 * io may be -1. */
struct supervise_io {
	int oom;    /* the cgroup's OOM event file, to tell an OOM kill */
	int state;  /* the state directory's "status" file */
	int notify; /* --daemon: one byte after the first exec, then closed */
	int ready_socket; /* --ready notify: the socket in the sandbox's /dev */
	int upstream;	  /* --ready under systemd: the launcher forwards */
	int boot;   /* --boot-limit: starts, exits and giving up (bootlimit.h) */
	int audit;  /* /dev/kmsg, for a seccomp kill's system call (seccomp.h) */
};

int supervise(const struct config *cfg, const struct runtime *rt, char **envp,
	      const struct supervise_io *io);

#endif
