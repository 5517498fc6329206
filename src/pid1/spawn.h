/* SPDX-License-Identifier: MIT */
/* spawn.h - one start of the service: fork, reset, exec. */
#ifndef HUTCH_SPAWN_H
#define HUTCH_SPAWN_H

#include <sys/types.h>

#include "config.h"
#include "runtime.h"

struct spawn_failure {
	int exit_code; /* 126 or 127 */
	int error;     /* errno of the failed step */
	const char *why;
};

/* Starts cfg->argv with envp in its own process group; ready_fd (or -1)
 * becomes its descriptor --ready fd:N. Returns its pid once exec has
 * succeeded; 0 when exec failed (*failure says why, the child is reaped);
 * -errno when fork itself failed (transient: retry later). */
/* In the child: the service's own settings (group, directory, user,
 * capabilities, signals, seccomp), then the exec. A failure is written
 * on report_fd (close-on-exec) and ends the process with 125, 126 or
 * 127. hutch oci calls it in the container's PID 1 itself. rt: the
 * launcher's terminal, output pipe and the caller's OOM score. */
_Noreturn void spawn_exec(const struct config *cfg, const struct runtime *rt,
			  char **envp, int ready_fd, int report_fd);

pid_t spawn_service(const struct config *cfg, const struct runtime *rt, char **envp,
		    int ready_fd, struct spawn_failure *failure);

/* In a child of PID 1 that runs as the service (the service itself, a
 * --health check), after its descriptors and working directory: the
 * caller's OOM score, --user, --rlimit, the capabilities and
 * no_new_privs, default signal dispositions and an empty mask, and the
 * seccomp filter last. 0, or -errno with *what naming the step. */
int spawn_harden(const struct config *cfg, const struct runtime *rt, const char **what);

#endif
