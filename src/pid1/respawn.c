/* SPDX-License-Identifier: MIT */
/* respawn.c - backoff schedule, start limit and restart policy. */
#include "respawn.h"

#include <signal.h>
#include <sys/wait.h>

uint64_t backoff_next(struct backoff *b)
{
	uint64_t delay = b->base_ms;
	unsigned doublings = b->failures ? b->failures - 1 : 0;

	if (b->failures++ == 0)
		return 0;
	while (doublings-- && delay < b->max_ms)
		delay *= 2;
	return delay < b->max_ms ? delay : b->max_ms;
}

void backoff_reset(struct backoff *b)
{
	b->failures = 0;
}

uint64_t backoff_after_run(struct backoff *b, uint64_t up_ms)
{
	if (up_ms >= b->reset_ms)
		backoff_reset(b);
	return backoff_next(b);
}

bool start_limit_hit(struct start_limit *l, uint64_t now)
{
	if (!l->burst)
		return false;
	if (l->starts == 0 || now - l->window_start >= l->interval_ms) {
		l->window_start = now;
		l->starts = 0;
	}
	return ++l->starts > l->burst;
}

bool start_limit_would_hit(const struct start_limit *l, uint64_t when)
{
	if (!l->burst || l->starts == 0 || when - l->window_start >= l->interval_ms)
		return false;
	return l->starts + 1 > l->burst;
}

static bool clean_signal(int sig)
{
	return sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE;
}

bool restart_wanted(enum restart_policy policy, int status)
{
	if (policy == RESTART_ALWAYS)
		return true;
	if (policy == RESTART_NO)
		return false;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) != 0;
	return !(WIFSIGNALED(status) && clean_signal(WTERMSIG(status)));
}
