/* SPDX-License-Identifier: MIT */
/* liveness.c - the watchdog's and the health check's schedule
 * (liveness.h): what is armed when, what is due first, WATCHDOG=1 and
 * WATCHDOG_USEC= moving the deadline as systemd moves it, Docker's count
 * of failures in a row, and the status file's lines. */
#include <string.h>

#include "liveness.h"
#include "tap.h"

static struct config cfg;
static struct liveness l;

static void setup(uint64_t watchdog_ms, char *health)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.watchdog_ms = watchdog_ms;
	cfg.health = health;
	cfg.health_interval_ms = 30000;
	cfg.health_timeout_ms = 5000;
	cfg.health_retries = 3;
	memset(&l, 0, sizeof l);
}

static void nothing_set(void)
{
	setup(0, NULL);
	liveness_arm(&l, &cfg, 1000);
	is_num(liveness_next(&l), 0, "neither option: no deadline (no wakeup)");
	is_num(liveness_due(&l, UINT64_MAX), DUE_NONE, "and nothing is ever due");
}

static void watchdog(void)
{
	setup(2000, NULL);
	liveness_arm(&l, &cfg, 1000);
	is_num(liveness_next(&l), 3000, "--watchdog 2s, up at 1000: due at 3000");
	is_num(liveness_due(&l, 2999), DUE_NONE, "not at 2999");
	is_num(liveness_due(&l, 3000), DUE_WATCHDOG, "at 3000");
	watchdog_ping(&l, 2500);
	is_num(liveness_next(&l), 4500, "WATCHDOG=1 at 2500: due at 4500");
	watchdog_set_usec(&l, 5000000);
	is_num(liveness_next(&l), 7500, "WATCHDOG_USEC=5000000: 5 s from the last ping");
	watchdog_set_usec(&l, 1);
	is_num(liveness_next(&l), 2501, "WATCHDOG_USEC=1: rounded up to 1 ms, not 0");
	watchdog_set_usec(&l, 0);
	is_num(liveness_next(&l), 0, "WATCHDOG_USEC=0: no watchdog for this run");
	watchdog_set_usec(&l, 3000000);
	is_num(liveness_next(&l), 0, "and a later WATCHDOG_USEC= does not bring it back");
	liveness_arm(&l, &cfg, 10000);
	is_num(liveness_next(&l), 12000, "the next run has --watchdog's 2 s again");
	liveness_disarm(&l);
	is_num(liveness_next(&l), 0, "disarmed (stopping, ending): nothing due");
	watchdog_ping(&l, 11000);
	is_num(liveness_next(&l), 0, "a ping does not arm it again");

	setup(0, NULL);
	liveness_arm(&l, &cfg, 1000);
	watchdog_set_usec(&l, 1000000);
	is_num(liveness_next(&l), 0, "no --watchdog: WATCHDOG_USEC= arms nothing");
}

static void health(void)
{
	char cmd[] = "true";

	setup(0, cmd);
	liveness_arm(&l, &cfg, 0);
	is_num(liveness_next(&l), 30000, "--health: the first check one interval after the start");
	is_num(liveness_due(&l, 30000), DUE_CHECK, "due then");
	l.check = 42; /* started */
	l.health_at = 35000;
	is_num(liveness_due(&l, 35000), DUE_CHECK_TIMEOUT, "a check still running at its timeout");
	ok(!health_record(&l, &cfg, 1, 31000), "one failure: no restart");
	is_num(l.check, 0, "the check is over");
	is_num(l.health, HEALTH_STARTING, "still starting (Docker: unhealthy only at the retries)");
	is_num(liveness_next(&l), 61000, "the next check one interval after the result");
	ok(!health_record(&l, &cfg, 0, 61000), "a success");
	is_num(l.failures, 0, "resets the count");
	is_num(l.health, HEALTH_HEALTHY, "healthy");
	ok(!health_record(&l, &cfg, 2, 91000), "failure 1 of 3");
	ok(!health_record(&l, &cfg, HEALTH_TIMED_OUT, 121000), "failure 2 of 3 (a timeout)");
	is_num(l.health, HEALTH_HEALTHY, "still healthy after 2");
	ok(health_record(&l, &cfg, 137, 151000), "failure 3 of 3: restart");
	is_num(l.health, HEALTH_UNHEALTHY, "unhealthy");
	liveness_arm(&l, &cfg, 200000);
	is_num(l.failures, 0, "a new run counts from 0");
	is_num(l.health, HEALTH_STARTING, "and starts as starting");

	cfg.health_retries = 1;
	ok(health_record(&l, &cfg, 1, 230000), "--health-retries 1: the first failure restarts");
}

static void first_due(void)
{
	char cmd[] = "true";

	setup(1000, cmd);
	liveness_arm(&l, &cfg, 0);
	cfg.health_interval_ms = 500;
	liveness_arm(&l, &cfg, 0);
	is_num(liveness_next(&l), 500, "both: the earlier deadline first");
	l.kill_at = 200;
	is_num(liveness_next(&l), 200, "the kill after the stop timeout, earlier still");
	is_num(liveness_due(&l, 2000), DUE_KILL, "all passed: the SIGKILL first");
	l.kill_at = 0;
	is_num(liveness_due(&l, 2000), DUE_WATCHDOG, "then the watchdog");
}

static void describe(void)
{
	char buf[128], cmd[] = "true";

	setup(1000, NULL);
	liveness_arm(&l, &cfg, 0);
	is_num(liveness_describe(&l, &cfg, buf, sizeof buf), 0, "no --health: no lines");
	is_str(buf, "", "empty");
	setup(0, cmd);
	liveness_arm(&l, &cfg, 0);
	liveness_describe(&l, &cfg, buf, sizeof buf);
	is_str(buf, "health=starting\nhealth_failures=0\nhealth_last=none\n", "before a check");
	health_record(&l, &cfg, HEALTH_TIMED_OUT, 1);
	liveness_describe(&l, &cfg, buf, sizeof buf);
	is_str(buf, "health=starting\nhealth_failures=1\nhealth_last=timeout\n", "after a timeout");
	health_record(&l, &cfg, 0, 2);
	liveness_describe(&l, &cfg, buf, sizeof buf);
	is_str(buf, "health=healthy\nhealth_failures=0\nhealth_last=exit 0\n", "after a success");
	is_str(liveness_cause_name(LIVE_WATCHDOG), "watchdog", "the watchdog's cause");
	is_str(liveness_cause_name(LIVE_HEALTH), "health check", "the check's cause");
	is_str(liveness_cause_name(LIVE_NONE), "", "none");
}

int main(void)
{
	nothing_set();
	watchdog();
	health();
	first_due();
	describe();
	return tap_done();
}
