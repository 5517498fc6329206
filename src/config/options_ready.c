/* SPDX-License-Identifier: MIT */
/* options_ready.c - --ready and the checks across the readiness options
 * (HUTCH_READY: ready.c). */
#include "options_internal.h"

#include <string.h>

#include "units.h"

/* --ready notify|fd:N|none. N from 3: 0, 1 and 2 are the service's
 * stdin, stdout and stderr; at most 1023, under any RLIMIT_NOFILE a board
 * is likely to set. */
int set_ready(struct parse_ctx *ctx, const struct option_def *opt,
	      const char *value)
{
	static const char *const modes[] = { "none", "notify", NULL };
	struct config *cfg = ctx->cfg;
	int i = word_index(value, modes);
	uint64_t n;

	if (i >= 0) {
		cfg->ready_mode = i;
		return 0;
	}
	if (!strncmp(value, "fd:", 3) && !parse_uint(value + 3, 1023, &n) && n >= 3) {
		cfg->ready_mode = READY_FD;
		cfg->ready_fd = (int)n;
		return 0;
	}
	return parse_fail(ctx, opt, "'%s' is not a readiness protocol: use notify, "
			  "fd:N (N from 3 to 1023) or none", value);
}

int check_ready(struct parse_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	if (cfg->ready_timeout_ms && cfg->ready_mode == READY_NONE)
		return parse_fail(ctx, NULL, "--ready-timeout needs --ready notify "
				  "or fd:N: without it there is nothing to wait for");
	/* The socket is made in the sandbox's own /dev (ready.h), which a
	 * sandbox without --root does not have. */
	if (cfg->ready_mode == READY_NOTIFY && !cfg->root)
		return parse_fail(ctx, NULL, "--ready notify needs --root: its "
				  "socket is made in the sandbox's own /dev; use "
				  "--ready fd:N without --root");
	return 0;
}
