/* SPDX-License-Identifier: MIT */
/* rebuild.h - `hutch restart --rebuild NAME`: the launcher reads its
 * configuration again (the same argv, -f FILE re-read) and, once the new
 * one passes a start's checks, stops the sandbox and starts a new one
 * from it: a changed file, or a --root symlink switched by an updater
 * (an A/B root swap), takes effect while the launcher, its pid, its pid
 * file and its state directory stay (docs/design.md, "Rebuild"). */
#ifndef HUTCH_REBUILD_H
#define HUTCH_REBUILD_H

#include <stddef.h>

#include "config.h"
#include "runtime.h"

/* The request: SIGNAL_RESTART (protocol.h) queued with sigqueue's value,
 * si_code SI_QUEUE, a positive value being the request's id (the control
 * command's pid). A plain kill(2) of the same signal (SI_USER) restarts
 * the service in the sandbox it has, as before. */
/* The launcher's answer, a file of the state directory: "request=ID\n"
 * then "result=ok\n" once the new PID 1 is started, or "error=TEXT\n"
 * when the configuration was refused (the sandbox runs on). */
#define REBUILD_ANSWER "rebuild"

/* argv parsed again into next, its strings into text (argv[0] is hutch),
 * and judged as a start judges it (host paths, CPUs, the root image's
 * mount points, workdir, user and command), nothing changed on the
 * system: 0, or -1 with one line in why. rt is the launcher's: what it
 * found at its start stays, and the next root image and --overlay's DIR
 * are opened into it (the running sandbox's went to its PID 1, and
 * image_release forgot them), the next --device and --io-max numbers
 * found into it (the running group has its own already). The launcher's own options (--name, --state-dir,
 * --pidfile, --output, --log, --daemon, --userns, --cgroup-parent) made
 * what stays; a change to one is refused. */
int rebuild_load(struct config *next, struct config_text *text, const struct config *now,
		 struct runtime *rt, int argc, char **argv, char *why, size_t size);

#endif
