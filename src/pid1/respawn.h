/* SPDX-License-Identifier: MIT */
/* respawn.h - when and how soon to start the service again. Pure logic, so
 * the schedule is unit-tested on every architecture without a kernel. */
#ifndef HUTCH_RESPAWN_H
#define HUTCH_RESPAWN_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct backoff {
	uint64_t base_ms, max_ms;
	uint64_t reset_ms; /* a run at least this long resets the schedule */
	unsigned failures; /* exits since the service was last stable */
};

/* The delay before the next start: 0 for the first restart, then base,
 * 2*base, 4*base ... capped at max. */
uint64_t backoff_next(struct backoff *b);
void backoff_reset(struct backoff *b);

/* The delay before the start that follows a run of up_ms: backoff_next,
 * after a reset when the run lasted reset_ms or more. A crash loop (runs
 * shorter than reset_ms) backs off; a service that crashes now and then
 * is started again at once after each crash. */
uint64_t backoff_after_run(struct backoff *b, uint64_t up_ms);

/* At most `burst` starts within any `interval_ms` window (burst 0: no
 * limit); the window restarts when it is over, as systemd's does. */
struct start_limit {
	uint64_t burst, interval_ms;
	uint64_t window_start, starts;
};

/* Counts a start at `now`; true when that start would exceed the limit. */
bool start_limit_hit(struct start_limit *l, uint64_t now);

/* Whether a start at `when` would exceed the limit, counting nothing: the
 * supervisor gives up at once rather than after a backoff delay. */
bool start_limit_would_hit(const struct start_limit *l, uint64_t when);

/* Whether policy asks for another start after an exit with wait status
 * `status`. "on-failure" restarts on a non-zero code or a signal, except
 * SIGHUP, SIGINT, SIGTERM and SIGPIPE, which count as a clean stop (the
 * systemd convention), so Ctrl-C or kill(1) ends the sandbox. */
bool restart_wanted(enum restart_policy policy, int status);

#endif
