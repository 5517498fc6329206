/* SPDX-License-Identifier: MIT */
/* respawn.c - backoff schedule, start limit and restart policy. */
#include <signal.h>
#include <sys/wait.h>

#include "respawn.h"
#include "tap.h"

/* Wait statuses as the kernel encodes them (see <sys/wait.h>). */
static int exited(int code)
{
	return (code & 0xff) << 8;
}

static int signaled(int sig)
{
	return sig & 0x7f;
}

static void backoff_schedule(void)
{
	struct backoff b = { .base_ms = 100, .max_ms = 1000, .reset_ms = 10000 };
	static const uint64_t want[] = { 0, 100, 200, 400, 800, 1000, 1000, 1000 };

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		is_num(backoff_next(&b), want[i], "backoff step %zu", i);
	backoff_reset(&b);
	is_num(backoff_next(&b), 0, "after a reset the next restart is immediate");
	is_num(backoff_next(&b), 100, "then the base delay again");

	struct backoff odd = { .base_ms = 300, .max_ms = 1000 };
	backoff_next(&odd);
	backoff_next(&odd);
	backoff_next(&odd);
	is_num(backoff_next(&odd), 1000, "a doubling past the cap stops at the cap");

	struct backoff equal = { .base_ms = 500, .max_ms = 500 };
	backoff_next(&equal);
	is_num(backoff_next(&equal), 500, "base = max: constant delay");
	is_num(backoff_next(&equal), 500, "base = max: still constant");

	struct backoff many = { .base_ms = 1, .max_ms = 30000 };
	uint64_t last = 0;
	for (int i = 0; i < 100000; i++)
		last = backoff_next(&many);
	is_num(last, 30000, "100000 failures: capped, no overflow");
}

/* The reset interval: runs shorter than reset_ms back off (a crash loop),
 * a run of reset_ms or more starts the schedule over (a crash now and
 * then is restarted at once). */
static void backoff_resets(void)
{
	struct backoff loop = { .base_ms = 100, .max_ms = 1000, .reset_ms = 1000 };
	static const uint64_t want[] = { 0, 100, 200, 400, 800, 1000, 1000 };

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		is_num(backoff_after_run(&loop, 5), want[i],
		       "crash loop (5 ms runs), restart %zu", i);
	is_num(backoff_after_run(&loop, 999), 1000,
	       "a run 1 ms short of the reset interval still backs off");
	is_num(backoff_after_run(&loop, 1000), 0,
	       "a run of exactly the reset interval: immediate restart");
	is_num(backoff_after_run(&loop, 5), 100, "then a short run backs off from the base");

	struct backoff now_and_then = { .base_ms = 100, .max_ms = 30000, .reset_ms = 1000 };
	for (int i = 0; i < 5; i++)
		is_num(backoff_after_run(&now_and_then, 2000), 0,
		       "crashes 2 s apart, reset 1 s: crash %d restarted at once", i + 1);

	struct backoff old = { .base_ms = 100, .max_ms = 30000, .reset_ms = 10000 };
	static const uint64_t old_want[] = { 0, 100, 200, 400, 800 };
	for (size_t i = 0; i < sizeof old_want / sizeof old_want[0]; i++)
		is_num(backoff_after_run(&old, 2000), old_want[i],
		       "crashes 2 s apart, reset 10 s (the old fixed value): %zu backs off", i);

	struct backoff every = { .base_ms = 100, .max_ms = 30000, .reset_ms = 1 };
	backoff_after_run(&every, 0);
	is_num(backoff_after_run(&every, 0), 100, "a 0 ms run never resets, even with reset 1 ms");
	is_num(backoff_after_run(&every, 1), 0, "a 1 ms run does");

	struct backoff year = { .base_ms = 100, .max_ms = 30000,
				.reset_ms = 31536000000ULL };
	backoff_after_run(&year, UINT64_MAX);
	is_num(year.failures, 1, "the longest run resets a reset of a year: no overflow");
}

static void start_limits(void)
{
	struct start_limit none = { 0, 0, 0, 0 };
	struct start_limit l = { 3, 1000, 0, 0 };

	for (int i = 0; i < 10; i++)
		if (start_limit_hit(&none, (uint64_t)i))
			break;
	ok(!start_limit_hit(&none, 10), "burst 0 means no limit");

	ok(!start_limit_hit(&l, 5000), "start 1 allowed");
	ok(!start_limit_hit(&l, 5100), "start 2 allowed");
	ok(!start_limit_hit(&l, 5200), "start 3 allowed");
	ok(start_limit_hit(&l, 5300), "start 4 within the interval is refused");

	struct start_limit w = { 2, 1000, 0, 0 };
	ok(!start_limit_hit(&w, 100), "window: start 1");
	ok(!start_limit_hit(&w, 900), "window: start 2");
	ok(!start_limit_hit(&w, 1100), "a start after the interval opens a new window");
	ok(!start_limit_hit(&w, 1500), "second start of the new window");
	ok(start_limit_hit(&w, 1600), "third start of the new window is refused");
}

static void policies(void)
{
	ok(!restart_wanted(RESTART_NO, exited(1)), "no: not after a failure");
	ok(!restart_wanted(RESTART_NO, signaled(SIGKILL)), "no: not after SIGKILL");
	ok(restart_wanted(RESTART_ALWAYS, exited(0)), "always: after success");
	ok(restart_wanted(RESTART_ALWAYS, signaled(SIGTERM)), "always: after SIGTERM");
	ok(!restart_wanted(RESTART_ON_FAILURE, exited(0)), "on-failure: not after 0");
	ok(restart_wanted(RESTART_ON_FAILURE, exited(1)), "on-failure: after 1");
	ok(restart_wanted(RESTART_ON_FAILURE, exited(255)), "on-failure: after 255");
	ok(restart_wanted(RESTART_ON_FAILURE, signaled(SIGKILL)), "on-failure: after SIGKILL");
	ok(restart_wanted(RESTART_ON_FAILURE, signaled(SIGSEGV)), "on-failure: after SIGSEGV");
	ok(restart_wanted(RESTART_ON_FAILURE, signaled(SIGABRT)), "on-failure: after SIGABRT");
	ok(!restart_wanted(RESTART_ON_FAILURE, signaled(SIGTERM)), "on-failure: SIGTERM is clean");
	ok(!restart_wanted(RESTART_ON_FAILURE, signaled(SIGINT)), "on-failure: SIGINT is clean");
	ok(!restart_wanted(RESTART_ON_FAILURE, signaled(SIGHUP)), "on-failure: SIGHUP is clean");
	ok(!restart_wanted(RESTART_ON_FAILURE, signaled(SIGPIPE)), "on-failure: SIGPIPE is clean");
}

int main(void)
{
	backoff_schedule();
	backoff_resets();
	start_limits();
	policies();
	return tap_done();
}
