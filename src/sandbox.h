/* sandbox.h - what the child of the launcher does: PID 1 of the sandbox. */
#ifndef HUTCH_SANDBOX_H
#define HUTCH_SANDBOX_H

#include "config.h"

/* Never returns: exits with the service's code, or 125 if setup fails.
 * ready_fd is the launcher's pipe (see launcher.c). */
_Noreturn void sandbox_run(const struct config *cfg, int ready_fd);

#endif
