/* SPDX-License-Identifier: MIT */
/* options_liveness.c - --health and the checks across the liveness
 * options (HUTCH_LIVENESS: liveness.c, liveness_run.c). */
#include "options_internal.h"

#include "sys.h"

/* --health CMD: one shell command line, as Docker's HEALTHCHECK CMD in
 * its string form. A newline would end the config file's line anyway;
 * on the command line it is refused too, so that both read the same. */
int set_health(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *value)
{
	if (!*value || value[until_any(value, "\n")])
		return parse_fail(ctx, opt, "needs a command on one line, "
				  "e.g. 'wget -q -O /dev/null http://127.0.0.1/'");
	/* A copy of its own: the check's argv is char *, as execve wants */
	ctx->cfg->health = ctx_strdup(ctx, value);
	return ctx->cfg->health ? 0 : -1;
}

int check_liveness(struct parse_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	/* WATCHDOG=1 comes on the notify socket, which is readiness's code
	 * (ready.c); a profile may build liveness for --health alone. */
	if (cfg->watchdog_ms && !HUTCH_READY)
		return parse_fail(ctx, NULL, "--watchdog: " NOT_BUILT_FMT
				  " (its WATCHDOG=1 comes on the notify socket)",
				  feature_name(F_READY));
	/* The socket is made in the sandbox's own /dev (ready.h). */
	if (cfg->watchdog_ms && !cfg->root)
		return parse_fail(ctx, NULL, "--watchdog needs --root: its "
				  "notify socket is made in the sandbox's own /dev");
	if (!cfg->health && (cfg->health_interval_ms != HEALTH_INTERVAL_DEFAULT_MS ||
			     cfg->health_timeout_ms != HEALTH_TIMEOUT_DEFAULT_MS ||
			     cfg->health_retries != HEALTH_RETRIES_DEFAULT))
		return parse_fail(ctx, NULL, "--health-interval, --health-timeout "
				  "and --health-retries need --health CMD: without "
				  "it there is no check to time");
	if (cfg->health && (!cfg->health_interval_ms || !cfg->health_timeout_ms))
		return parse_fail(ctx, NULL, "--health-interval and --health-timeout "
				  "must be at least 1ms");
	return 0;
}
