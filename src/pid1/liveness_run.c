/* SPDX-License-Identifier: MIT */
/* liveness_run.c - PID 1's side of --watchdog and --health (liveness.h):
 * the check's process, and the kill of a run that missed its watchdog or
 * failed its checks. */
#include "liveness.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "protocol.h"
#include "signals.h"
#include "sys.h"

/* The check is a child of PID 1, not a `hutch exec` from outside. PID 1
 * is in the sandbox's namespaces, root and cgroup already, so its child
 * is too with nothing to enter: no setns, no cgroup join, no window in
 * which the sandbox could end and its pid be reused (exec.c must check
 * for that), and no process outside the sandbox per check. That child is
 * the check's keeper (liveness_check.c): it runs the check as the
 * service runs, and at its end or at SIGTERM from here kills everything
 * the check started before it exits with the check's code. */
void liveness_end(struct liveness *l)
{
	liveness_disarm(l);
	if (l->check > 0) /* its keeper ends it, and is reaped as any orphan */
		kill(l->check, SIGTERM);
	l->check = 0;
}

/* The run failed its watchdog or its checks: sig to its process group
 * (as a stop sends its signal), SIGKILL after --stop-timeout if it is
 * still there; the exit then takes the usual way, --restart, backoff and
 * start limit, with the cause in its log line (supervise.c). */
static void kill_run(struct liveness *l, const struct config *cfg, pid_t service,
		     int cause, int sig, uint64_t now)
{
	char name[16];
	uint64_t grace = cfg->stop_timeout_ms ? cfg->stop_timeout_ms : 1;

	liveness_end(l);
	l->cause = cause;
	l->kill_at = now + grace;
	log_error("%s: killing the service: %s, SIGKILL in %llu ms",
		  liveness_cause_name(cause), signal_name(sig, name, sizeof name),
		  (unsigned long long)grace);
	kill(-service, sig);
}

static void check_result(struct liveness *l, const struct config *cfg, int code,
			 pid_t service, uint64_t now)
{
	char how[24];

	if (code == HEALTH_TIMED_OUT)
		fmt(how, sizeof how, "timed out");
	else
		fmt(how, sizeof how, "exit %d", code);
	if (!health_record(l, cfg, code, now)) {
		if (code)
			log_info("health check failed (%s), %u of %llu in a row", how,
				 l->failures, (unsigned long long)cfg->health_retries);
		return;
	}
	log_error("health check failed %u times in a row (the last: %s)",
		  l->failures, how);
	/* The signal a stop sends: the service may end cleanly; systemd's
	 * and Docker's own choice for an unhealthy container differ, and a
	 * clean end costs nothing here, SIGKILL follows anyway. */
	kill_run(l, cfg, service, LIVE_HEALTH,
		 cfg->stop_signal ? cfg->stop_signal : SIGTERM, now);
}

static void check_start(struct liveness *l, const struct config *cfg,
			const struct runtime *rt, char **envp, pid_t service, uint64_t now)
{
	pid_t pid = health_check_spawn(cfg, rt, envp);

	if (pid < 0) { /* EAGAIN at the pids limit, say: the service is not well */
		log_error("health check: cannot fork: %s", error_text(errno));
		check_result(l, cfg, EXIT_SETUP, service, now);
		return;
	}
	l->check = pid;
	l->health_at = now + cfg->health_timeout_ms;
}

void liveness_tick(struct liveness *l, const struct config *cfg,
		   const struct runtime *rt, char **envp, pid_t service, uint64_t now)
{
	switch (liveness_due(l, now)) {
	case DUE_KILL:
		l->kill_at = 0;
		log_error("the service did not end in %llu ms: SIGKILL",
			  (unsigned long long)cfg->stop_timeout_ms);
		kill(-service, SIGKILL);
		break;
	case DUE_WATCHDOG:
		log_error("watchdog: no WATCHDOG=1 from the service in %llu ms",
			  (unsigned long long)l->watchdog_ms);
		kill_run(l, cfg, service, LIVE_WATCHDOG, SIGABRT, now);
		break;
	case DUE_CHECK:
		check_start(l, cfg, rt, envp, service, now);
		break;
	case DUE_CHECK_TIMEOUT:
		/* Its keeper kills sh and whatever it started, setsid'd or
		 * not. The result counts now; the keeper is reaped as an
		 * orphan once it has left nothing. */
		kill(l->check, SIGTERM);
		check_result(l, cfg, HEALTH_TIMED_OUT, service, now);
		break;
	case DUE_NONE:
		break;
	}
}

bool liveness_reaped(struct liveness *l, const struct config *cfg, pid_t pid,
		     int status, pid_t service, uint64_t now)
{
	if (!l->check || pid != l->check)
		return false;
	if (!WIFSTOPPED(status)) /* a stopped one meets its timeout */
		check_result(l, cfg, WIFSIGNALED(status) ? 128 + WTERMSIG(status)
							 : WEXITSTATUS(status),
			     service, now);
	return true;
}

/* WATCHDOG=trigger works without --watchdog, as in systemd ("WatchdogSec=
 * does not need to be enabled", sd_notify(3)): with --ready notify alone
 * it is the service's own way to ask for a restart. WATCHDOG_USEC= needs
 * --watchdog: without it the service was told of no watchdog to change.
 * Nothing once the run is being killed. */
void liveness_news(struct liveness *l, const struct config *cfg, unsigned news,
		   uint64_t usec, pid_t service, uint64_t now)
{
	if (l->cause)
		return;
	if (news & READY_NEWS_WATCHDOG)
		watchdog_ping(l, now);
	if (news & READY_NEWS_WATCHDOG_USEC)
		watchdog_set_usec(l, usec);
	if (news & READY_NEWS_TRIGGER) {
		log_error("watchdog: the service sent WATCHDOG=trigger");
		kill_run(l, cfg, service, LIVE_WATCHDOG, SIGABRT, now);
	}
}

/* Replaces KEY's entry when it is there (an --env of the same name),
 * else appends; envp has the room (sandbox.c). */
static void env_set(char **envp, char *entry)
{
	size_t key = until_any(entry, "=") + 1, i;

	for (i = 0; envp[i]; i++)
		if (!strncmp(envp[i], entry, key)) {
			envp[i] = entry;
			return;
		}
	envp[i] = entry;
	envp[i + 1] = NULL;
}

/* As systemd: WATCHDOG_USEC in microseconds, WATCHDOG_PID the main
 * process's pid (here as the sandbox sees it, which is what getpid()
 * returns to the service). */
void liveness_environment(const struct config *cfg, char **envp)
{
	static char usec[40], pid[32];

	if (!cfg->watchdog_ms)
		return;
	fmt(usec, sizeof usec, "WATCHDOG_USEC=%llu",
	    (unsigned long long)cfg->watchdog_ms * 1000);
	fmt(pid, sizeof pid, "WATCHDOG_PID=%d", (int)getpid());
	env_set(envp, usec);
	env_set(envp, pid);
}
