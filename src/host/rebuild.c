/* SPDX-License-Identifier: MIT */
/* rebuild.c - the launcher's configuration read again for `hutch restart
 * --rebuild`, and judged before the running sandbox is touched: a bad
 * line or a root that is not there leaves the service running. */
#include "rebuild.h"

#include <string.h>

#include "log.h"
#include "options.h"
#include "preflight.h"
#include "userns.h"

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* What the launcher made from these at its start (state entry, pid file,
 * cgroup path, output file, log, daemon's session, user namespace) stays
 * as it was made: a change is refused rather than half applied. */
static const char *launcher_option_changed(const struct config *next,
					   const struct config *now)
{
	return !same(next->name, now->name)		      ? "--name"
	       : !same(next->state_dir, now->state_dir)	      ? "--state-dir"
	       : !same(next->pidfile, now->pidfile)	      ? "--pidfile"
	       : !same(next->output, now->output)	      ? "--output"
	       : !same(next->cgroup_parent, now->cgroup_parent) ? "--cgroup-parent"
	       : next->log_target != now->log_target	      ? "--log"
	       : next->daemon != now->daemon		      ? "--daemon"
	       : next->userns != now->userns		      ? "--userns"
							      : NULL;
}

int rebuild_load(struct config *next, struct config_text *text, const struct config *now,
		 struct runtime *rt, int argc, char **argv, char *why, size_t size)
{
	struct preflight pf = { false, why, size };
	struct parse_error err;
	const char *refusal;

	/* relative paths from the launcher's working directory, which it
	 * never leaves: the first parse's */
	if (options_parse(next, text, argc, argv, &err, true) != PARSE_RUN) {
		fmt(why, size, "%s", err.msg[0] ? err.msg : "no sandbox to start");
		return -1;
	}
	options_complete(next);
	refusal = userns_refusal(next);
	if (refusal) {
		fmt(why, size, "%s", refusal);
		return -1;
	}
	/* the root path as written: a symlink in it is followed now, and
	 * again by PID 1's mount (nothing resolved is kept from the start) */
	preflight_host(next, rt, &pf);
	preflight_cpus(next, &pf);
	if (!pf.failed)
		preflight_image(next, &pf);
	if (pf.failed)
		return -1;
	refusal = launcher_option_changed(next, now);
	if (!refusal)
		return 0;
	fmt(why, size, "%s differs from the launcher's: it changes only with a new "
	    "start (hutch stop NAME, then start it)", refusal);
	return -1;
}
