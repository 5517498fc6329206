/* sandbox.h - what the child of the launcher does: PID 1 of the sandbox. */
#ifndef HUTCH_SANDBOX_H
#define HUTCH_SANDBOX_H

#include "cgroup.h"
#include "config.h"

/* Never returns: exits with the service's code, or 125 if setup fails.
 * ready_fd is the launcher's pipe (see launcher.c); cg the group the
 * launcher made, to join. */
_Noreturn void sandbox_run(const struct config *cfg, const struct cgroup *cg,
			   int ready_fd);

#endif
