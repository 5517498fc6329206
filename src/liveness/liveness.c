/* SPDX-License-Identifier: MIT */
/* liveness.c - the watchdog's and the health check's deadlines and
 * counts (liveness.h): pure, so the schedule is unit-tested without a
 * kernel (tests/unit/liveness.c). */
#include "liveness.h"

#include "log.h"

void liveness_arm(struct liveness *l, const struct config *cfg, uint64_t now)
{
	l->watchdog_ms = cfg->watchdog_ms;
	l->last_ping = now;
	l->watchdog_at = cfg->watchdog_ms ? now + cfg->watchdog_ms : 0;
	l->health_at = cfg->health ? now + cfg->health_interval_ms : 0;
	l->kill_at = 0;
	l->failures = 0;
	l->last_exit = -1;
	l->health = HEALTH_STARTING;
	l->cause = LIVE_NONE;
}

void liveness_disarm(struct liveness *l)
{
	l->watchdog_at = l->health_at = l->kill_at = 0;
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

uint64_t liveness_next(const struct liveness *l)
{
	return earlier(earlier(l->watchdog_at, l->health_at), l->kill_at);
}

static bool passed(uint64_t at, uint64_t now)
{
	return at && now >= at;
}

enum live_due liveness_due(const struct liveness *l, uint64_t now)
{
	if (passed(l->kill_at, now))
		return DUE_KILL;
	if (passed(l->watchdog_at, now))
		return DUE_WATCHDOG;
	if (passed(l->health_at, now))
		return l->check ? DUE_CHECK_TIMEOUT : DUE_CHECK;
	return DUE_NONE;
}

void watchdog_ping(struct liveness *l, uint64_t now)
{
	l->last_ping = now;
	if (l->watchdog_at)
		l->watchdog_at = now + l->watchdog_ms;
}

/* systemd (service_override_watchdog_timeout) takes the new value from
 * the last ping's time, and a timeout of 0 stops the watchdog. Rounded
 * up to a millisecond, so 1 to 999 us is not 0. Only while armed: a run
 * being killed, or one whose watchdog a 0 ended, stays as it is. */
void watchdog_set_usec(struct liveness *l, uint64_t usec)
{
	if (!l->watchdog_at)
		return;
	l->watchdog_ms = usec / 1000 + (usec % 1000 != 0);
	l->watchdog_at = l->watchdog_ms ? l->last_ping + l->watchdog_ms : 0;
}

bool health_record(struct liveness *l, const struct config *cfg, int code,
		   uint64_t now)
{
	l->check = 0;
	l->last_exit = code;
	l->health_at = now + cfg->health_interval_ms;
	if (code == 0) {
		l->failures = 0;
		l->health = HEALTH_HEALTHY;
		return false;
	}
	/* Docker's rule: unhealthy once the failures in a row reach the
	 * retries; until then the state stays what it was. */
	if (++l->failures < cfg->health_retries)
		return false;
	l->health = HEALTH_UNHEALTHY;
	return true;
}

const char *liveness_cause_name(int cause)
{
	return cause == LIVE_WATCHDOG ? "watchdog"
	       : cause == LIVE_HEALTH ? "health check" : "";
}

size_t liveness_describe(const struct liveness *l, const struct config *cfg,
			 char *buf, size_t size)
{
	static const char *const names[] = { "starting", "healthy", "unhealthy" };
	char last[16] = "none";

	buf[0] = '\0';
	if (!cfg->health)
		return 0;
	if (l->last_exit == HEALTH_TIMED_OUT)
		fmt(last, sizeof last, "timeout");
	else if (l->last_exit >= 0)
		fmt(last, sizeof last, "exit %d", l->last_exit);
	return fmt(buf, size, "health=%s\nhealth_failures=%u\nhealth_last=%s\n",
		   names[l->health], l->failures, last);
}
