/* SPDX-License-Identifier: MIT */
/* supervise.c - the PID-1 loop. Every signal is blocked; one poll() on a
 * signalfd (and the notify socket, --ready fd:N's pipe) takes them one at
 * a time, with the next deadline (restart backoff, stop timeout,
 * --ready-timeout, and --watchdog's and --health's while a run is up) as
 * its timeout, or none: an idle supervisor makes no wakeups.
 * What happens is an explicit state x event table, as in s6-supervise. */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h> /* AT_FDCWD */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bootlimit.h"
#include "cgroup.h"
#include "exit_cause.h"
#include "liveness.h"
#include "log.h"
#include "protocol.h"
#include "pty.h"
#include "ready.h"
#include "respawn.h"
#include "seccomp.h"
#include "signals.h"
#include "spawn.h"
#include "state.h"
#include "sys.h"

/* ENDING: the main process exited; the rest of its run is given SIGTERM
 * and --kill-grace, and the next decision waits until they are gone. */
enum state { RUNNING, ENDING, BACKOFF, STOPPING, N_STATES };
/* EV_EXITED: the main process was reaped; EV_EMPTY: PID 1 has no child
 * left. In a PID namespace every orphan is reparented to PID 1 (or to a
 * subreaper below it), so no child left means no process but PID 1. */
/* EV_READY: the service said it is up (--ready). */
enum event { EV_EXITED, EV_EMPTY, EV_DEADLINE, EV_STOP, EV_RESTART, EV_READY,
	     N_EVENTS };

struct supervisor {
	const struct config *cfg;
	const struct runtime *rt; /* the launcher's: terminal, output, OOM score */
	char **envp;
	uint64_t started_at;
	uint64_t ran_ms;     /* how long the last run lasted */
	uint64_t deadline;   /* CLOCK_MONOTONIC ms; 0: none */
	unsigned long long oom_at_start; /* the cgroup's OOM kills at this start */
	unsigned long long oom_seen; /* and at the last count, exit or start */
	struct backoff backoff;
	struct start_limit limit;
	struct supervise_io io;
	struct exit_info exit;	 /* how the last run ended, for "status" */
	struct ready ready;  /* --ready: how the service says it is up */
	struct liveness live; /* --watchdog, --health (liveness.h) */
	enum state state;
	pid_t service;	     /* 0 while not running */
	int status;	     /* wait status of the last exit */
	int stop_signal;     /* SIGTERM or SIGINT that asked us to stop */
	unsigned starts;
	enum exit_cause pending; /* what PID 1 killed this run for, if it did */
	unsigned published;  /* sequence number of the status file */
	int exit_code;
	char comm[16];	     /* a SIGSYS-killed service's name, for its audit record */
	bool restarting;     /* hutch restart: start again once it is down */
	bool is_ready;	     /* this run said so */
	bool done;
};

/* --ready is on: constant false without the feature, so what depends on
 * it folds away. */
static bool readiness(const struct supervisor *sv)
{
	return HUTCH_READY && sv->ready.mode;
}

static void finish(struct supervisor *sv, int code)
{
	sv->done = true;
	sv->exit_code = code;
}

static void schedule(struct supervisor *sv, enum state state, uint64_t in_ms)
{
	sv->state = state;
	sv->deadline = in_ms ? monotonic_ms() + in_ms : 0;
}

/* --boot-limit: one byte for the launcher, which counts crash loops
 * across reboots (bootlimit.h). The pipe never blocks; a byte it cannot
 * take costs the record, never the service. */
static void tell_launcher(const struct supervisor *sv, char what)
{
	if (HUTCH_BOOTLIMIT && sv->io.boot >= 0)
		(void)!write(sv->io.boot, &what, 1);
}

/* The exit's times: the monotonic clock for "N s ago" (a board without
 * an RTC jumps when NTP sets the clock), the wall clock for an agent. */
static void stamp(struct exit_info *e)
{
	e->at_s = (long long)(clock_ms(CLOCK_REALTIME) / 1000);
	e->at_ms = monotonic_ms();
}

/* PID 1 ends the run for a reason of its own (--pressure-restart,
 * --ready-timeout, and the watchdog and health checks of issue 15.2):
 * the reason is the run's exit cause, whatever the signal does. */
static void kill_for(struct supervisor *sv, enum exit_cause why, int sig)
{
	sv->pending = why;
	kill(-sv->service, sig);
}

static void give_up(struct supervisor *sv)
{
	tell_launcher(sv, BOOT_GAVE_UP);
	sv->exit.cause = CAUSE_START_LIMIT;
	log_error("start limit reached: %llu starts within %llu ms; giving up "
		  "(cause: start-limit)",
		  (unsigned long long)sv->limit.burst,
		  (unsigned long long)sv->limit.interval_ms);
	finish(sv, status_to_code(sv->status));
}

/* --daemon: the service has run for --daemon-settle: the launcher tells
 * the caller, which returns 0. PID 1 lets go of the caller's stderr
 * (stdout is /dev/null in a daemon), as the launcher does. */
static void settled(struct supervisor *sv)
{
	if (sv->io.notify < 0)
		return;
	(void)!write(sv->io.notify, "R", 1);
	close(sv->io.notify);
	sv->io.notify = -1;
	dup2(STDOUT_FILENO, STDERR_FILENO);
	log_nonblocking(); /* and the copy of the caller's fd 2 (log.c) */
}

/* What the cgroup and the kernel's log held before this run is not this
 * run's: an OOM kill of an earlier one is not its cause. Read before the
 * fork: a service that dies at once is counted and logged before the
 * parent returns from it. */
static void run_begins(struct supervisor *sv)
{
	sv->oom_at_start = cgroup_oom_kills(sv->io.oom);
	if (sv->oom_at_start > sv->oom_seen) /* a leftover of the last run */
		log_error("the kernel's OOM killer killed %llu process%s in the "
			  "sandbox between two runs", sv->oom_at_start - sv->oom_seen,
			  sv->oom_at_start - sv->oom_seen == 1 ? "" : "es");
	sv->oom_seen = sv->oom_at_start;
	seccomp_audit_mark(sv->io.audit);
	sv->pending = CAUSE_NONE;
	sv->comm[0] = '\0';
}

/* A fork failure (EAGAIN under a pids limit, ENOMEM) is transient: the
 * service is not lost to it, the start is retried on the backoff schedule. */
static void start_service(struct supervisor *sv)
{
	struct spawn_failure failure;
	int ready_fd;
	pid_t pid;

	if (start_limit_hit(&sv->limit, monotonic_ms())) {
		give_up(sv);
		return;
	}
	run_begins(sv);
	ready_fd = ready_arm(&sv->ready);
	pid = ready_fd < -1 ? ready_fd : spawn_service(sv->cfg, sv->rt, sv->envp, ready_fd,
							&failure);
	ready_started(&sv->ready);
	if (pid == 0) {
		log_error("cannot run %s: %s (%s); exit %d (cause: exec)",
			  sv->cfg->argv[0], failure.why, error_text(failure.error),
			  failure.exit_code);
		sv->exit = (struct exit_info){ .cause = CAUSE_EXEC,
					       .code = failure.exit_code, .syscall = -1 };
		stamp(&sv->exit);
		finish(sv, failure.exit_code);
	} else if (pid < 0) {
		uint64_t delay = backoff_next(&sv->backoff);
		log_error("cannot fork the service: %s; retrying in %llu ms",
			  error_text((int)-pid), (unsigned long long)delay);
		schedule(sv, BACKOFF, delay ? delay : sv->cfg->restart_delay_ms);
	} else {
		sv->service = pid;
		sv->started_at = monotonic_ms();
		tell_launcher(sv, BOOT_STARTED);
		sv->starts++;
		sv->is_ready = false;
		/* --watchdog and --health count from when the start-up is
		 * complete, as systemd's WatchdogSec=: at the exec, or with
		 * --ready once the service says so (--ready-timeout guards
		 * the start). Armed, then off until then: this run's cause
		 * and health start clean either way. */
		liveness_arm(&sv->live, sv->cfg, sv->started_at);
		if (readiness(sv))
			liveness_end(&sv->live);
		/* --ready: up once it says so; --ready-timeout is then the one
		 * deadline of RUNNING. Else, --daemon: the caller returns once
		 * the service has stayed up for the settle time. */
		if (readiness(sv))
			schedule(sv, RUNNING, sv->cfg->ready_timeout_ms);
		else
			schedule(sv, RUNNING, sv->io.notify >= 0 ? sv->cfg->daemon_settle_ms : 0);
		if (!readiness(sv) && !sv->deadline)
			settled(sv);
		log_debug("service started as pid %d (start %u)", (int)pid,
			  sv->starts);
	}
}

/* "service exited with code 3 after 12 ms (cause: exited)", "service
 * killed by signal 9 (SIGKILL) after 12 ms: OOM kill (cause: oom)": the
 * words of hutch status's "last:", and the machine word of --json. */
static void record_exit(struct supervisor *sv, uint64_t up_ms)
{
	unsigned long long now = cgroup_oom_kills(sv->io.oom), oom = now - sv->oom_at_start;
	struct exit_info *e = &sv->exit;
	int st = sv->status;
	char after[40], text[200];

	sv->oom_seen = now;
	if (oom)
		log_error("the kernel's OOM killer killed %llu process%s in the "
			  "sandbox: the memory limit of %llu bytes was reached",
			  oom, oom == 1 ? "" : "es",
			  (unsigned long long)sv->cfg->memory_max);
	/* --watchdog's or --health's kill (liveness_run.c) */
	if (sv->pending == CAUSE_NONE && HUTCH_LIVENESS && sv->live.cause)
		sv->pending = sv->live.cause == LIVE_WATCHDOG ? CAUSE_WATCHDOG : CAUSE_HEALTH;
	e->cause = exit_cause_of(st, sv->pending, oom > 0,
				 HUTCH_SECCOMP && sv->cfg->seccomp_mode != SECCOMP_OFF);
	e->code = WIFSIGNALED(st) ? -1 : status_to_code(st);
	e->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	e->syscall_name[0] = '\0';
	e->syscall = e->cause != CAUSE_SECCOMP ? -1
		     : seccomp_audit_find(sv->io.audit, sv->comm, e->syscall_name,
					  sizeof e->syscall_name);
	e->oom_kills = oom;
	stamp(e);
	fmt(after, sizeof after, " after %llu ms", (unsigned long long)up_ms);
	exit_describe(e, after, text, sizeof text);
	log_info("service %s (cause: %s)", text, exit_cause_word(e->cause));
	sv->pending = CAUSE_NONE;
}

/* The main process is gone; what it started may still run: children it
 * left, daemons that double-forked. As dumb-init does, they get SIGTERM
 * (and SIGCONT, so a stopped one sees it) and --kill-grace to finish, then
 * SIGKILL; --kill-grace 0 is the SIGKILL at once. */
static void end_leftovers(struct supervisor *sv)
{
	/* Take the terminal back, so Ctrl-C reaches hutch between runs. */
	if (sv->rt->tty_foreground)
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
	if (!sv->cfg->kill_grace_ms) {
		kill(-1, SIGKILL);
		return;
	}
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
}

/* The next run starts only once the last one's processes are all gone
 * (EV_EMPTY): a leftover still holding the service's port, a lock, or
 * memory being freed would make the new start fail, and that failure
 * would count toward the backoff and the start limit. */
static void exited_while_running(struct supervisor *sv)
{
	uint64_t up_ms = monotonic_ms() - sv->started_at;

	tell_launcher(sv, BOOT_EXITED);
	liveness_end(&sv->live);
	record_exit(sv, up_ms);
	/* With --ready a run counts as up only once it said so: one that
	 * never did was a failed start, and does not reset the backoff. */
	sv->ran_ms = readiness(sv) && !sv->is_ready ? 0 : up_ms;
	sv->is_ready = false;
	end_leftovers(sv);
	schedule(sv, ENDING, sv->cfg->kill_grace_ms);
}

static void leftovers_timed_out(struct supervisor *sv)
{
	log_error("the last run's processes still running %llu ms after SIGTERM: "
		  "killing them", (unsigned long long)sv->cfg->kill_grace_ms);
	kill(-1, SIGKILL);
}

/* The sandbox holds no process but PID 1: decide. */
static void run_over(struct supervisor *sv)
{
	uint64_t delay;

	if (sv->restarting) {
		sv->restarting = false;
		backoff_reset(&sv->backoff);
		start_service(sv);
		return;
	}
	/* --daemon, not settled yet: a crash loop is a failed start, not a
	 * service that runs (never 0: it did not stay up). */
	if (sv->io.notify >= 0) {
		if (readiness(sv))
			log_error("the service ended before it was ready: the "
				  "start failed");
		else
			log_error("the service did not stay up for --daemon-settle "
				  "(%llu ms): the start failed",
				  (unsigned long long)sv->cfg->daemon_settle_ms);
		finish(sv, status_to_code(sv->status) ? status_to_code(sv->status) : 1);
		return;
	}
	/* A run killed by --watchdog or --health failed, whatever signal
	 * ended it (a health kill is the stop signal, which on-failure
	 * would take for a clean stop): restarted unless --restart no, as
	 * systemd's on-failure restarts on a watchdog timeout. */
	if (!restart_wanted(sv->cfg->restart, sv->status) &&
	    !(HUTCH_LIVENESS && sv->live.cause && sv->cfg->restart != RESTART_NO)) {
		finish(sv, status_to_code(sv->status));
		return;
	}
	delay = backoff_after_run(&sv->backoff, sv->ran_ms);
	if (start_limit_would_hit(&sv->limit, monotonic_ms() + delay)) {
		give_up(sv);
		return;
	}
	if (!delay) {
		start_service(sv);
		return;
	}
	log_info("restarting in %llu ms", (unsigned long long)delay);
	schedule(sv, BACKOFF, delay);
}

/* --stop-signal if given, else the signal that asked for the stop. */
static int stop_signal_of(const struct supervisor *sv)
{
	return sv->cfg->stop_signal ? sv->cfg->stop_signal : sv->stop_signal;
}

static void stop_running(struct supervisor *sv)
{
	int sig = stop_signal_of(sv);
	char name[16];

	liveness_end(&sv->live); /* no watchdog or check while it stops */
	log_info("stopping: %s sent to the service, SIGKILL in %llu ms",
		 signal_name(sig, name, sizeof name),
		 (unsigned long long)sv->cfg->stop_timeout_ms);
	kill_for(sv, sv->restarting ? CAUSE_RESTART : CAUSE_STOP, sig);
	schedule(sv, STOPPING, sv->cfg->stop_timeout_ms ? sv->cfg->stop_timeout_ms
							: 1);
}

static void stop_idle(struct supervisor *sv)
{
	log_info("stopped while waiting to restart");
	finish(sv, sv->starts ? status_to_code(sv->status)
			      : 128 + sv->stop_signal);
}

/* A stop while the last run's processes end: no restart; they keep their
 * grace, but no longer than the stop timeout from now. */
static void stop_ending(struct supervisor *sv)
{
	uint64_t by = monotonic_ms() + sv->cfg->stop_timeout_ms;

	sv->restarting = false;
	sv->state = STOPPING;
	if (sv->deadline > by)
		sv->deadline = by;
}

/* The stop timeout keeps running from the stop; the leftovers get SIGTERM
 * as after any run, and hutch ends (or restarts) once they are gone. */
static void exited_while_stopping(struct supervisor *sv)
{
	tell_launcher(sv, BOOT_EXITED);
	record_exit(sv, monotonic_ms() - sv->started_at);
	end_leftovers(sv);
}

static void stopped(struct supervisor *sv)
{
	if (sv->restarting) {
		run_over(sv);
		return;
	}
	finish(sv, status_to_code(sv->status));
}

/* hutch restart: the service stops as on SIGTERM, then starts again at
 * once, with a fresh backoff; the sandbox stays. */
static void restart_running(struct supervisor *sv)
{
	log_info("restart requested");
	sv->restarting = true;
	sv->stop_signal = SIGTERM;
	stop_running(sv);
}

static void restart_idle(struct supervisor *sv)
{
	log_info("restart requested");
	backoff_reset(&sv->backoff);
	start_service(sv);
}

/* While the last run's processes end: start at once when they are gone. */
static void restart_ending(struct supervisor *sv)
{
	log_info("restart requested");
	sv->restarting = true;
}

/* A stop during a restart wins. The signal goes on to the service as
 * the first did (a service may drain on the first SIGTERM and quit on the
 * second, as under tini and dumb-init); the stop timeout keeps running
 * from the first. */
static void stop_while_stopping(struct supervisor *sv)
{
	sv->restarting = false;
	if (sv->service) /* kill(-0) would be PID 1's own group */
		kill(-sv->service, stop_signal_of(sv));
}

static void stop_timed_out(struct supervisor *sv)
{
	log_error("the service did not stop in %llu ms: killing all in the "
		  "sandbox", (unsigned long long)sv->cfg->stop_timeout_ms);
	kill(-1, SIGKILL);
}

static void ignore(struct supervisor *sv)
{
	(void)sv;
}

/* --ready: this run is up. The timeout is over, a --daemon caller
 * returns, systemd hears READY=1 (ready_upstream.c). */
static void became_ready(struct supervisor *sv)
{
	if (sv->is_ready)
		return;
	sv->is_ready = true;
	sv->deadline = 0;
	log_info("service ready after %llu ms",
		 (unsigned long long)(monotonic_ms() - sv->started_at));
	ready_upstream_send(&sv->ready, true);
	settled(sv);
	/* Not for a run WATCHDOG=trigger is killing already: its SIGKILL
	 * and its cause stay. */
	if (!sv->live.cause)
		liveness_arm(&sv->live, sv->cfg, monotonic_ms());
}

/* --ready-timeout passed: a --daemon caller gets a failure (and the
 * sandbox ends); otherwise the run is killed, and the restart policy
 * decides, as after a crash (SIGKILL is a failure to on-failure). */
static void not_ready_in_time(struct supervisor *sv)
{
	unsigned long long ms = sv->cfg->ready_timeout_ms;

	if (sv->io.notify >= 0) {
		log_error("the service was not ready within --ready-timeout "
			  "(%llu ms): the start failed (cause: ready-timeout)", ms);
		/* it dies of the SIGKILL that ends the sandbox */
		sv->exit = (struct exit_info){ .cause = CAUSE_READY_TIMEOUT, .code = -1,
					       .sig = SIGKILL, .syscall = -1 };
		stamp(&sv->exit);
		finish(sv, 1);
		return;
	}
	log_error("the service was not ready within --ready-timeout (%llu ms): "
		  "killing it", ms);
	kill_for(sv, CAUSE_READY_TIMEOUT, SIGKILL);
}

/* RUNNING's one deadline: --ready-timeout with --ready, else
 * --daemon-settle. */
static void running_deadline(struct supervisor *sv)
{
	if (readiness(sv))
		not_ready_in_time(sv);
	else
		settled(sv);
}

static void (*const actions[N_STATES][N_EVENTS])(struct supervisor *) = {
	/*	      EXITED		     EMPTY     DEADLINE
	 *	      STOP		     RESTART	     READY */
	[RUNNING] = { exited_while_running, ignore, running_deadline,
		      stop_running, restart_running, became_ready },
	[ENDING] = { ignore, run_over, leftovers_timed_out,
		     stop_ending, restart_ending, ignore },
	[BACKOFF] = { ignore, ignore, start_service,
		      stop_idle, restart_idle, ignore },
	[STOPPING] = { exited_while_stopping, stopped, stop_timed_out,
		       stop_while_stopping, ignore, ignore },
};

/* "status" in the state directory, for hutch status and list, rewritten
 * in place after every event. PID 1 holds that file, not the directory:
 * a directory descriptor would be a way back to the host's tree. A reader
 * takes the text only when its first and last lines carry the same
 * sequence number, so a read torn by a write is retried, not trusted. */
static void publish(struct supervisor *sv)
{
	static const char *const names[] = { "running", "ending", "backoff",
					     "stopping" };
	char health[96];
	struct run_state rs = {
		.state = sv->done ? "done" : names[sv->state],
		.pid = sv->service,
		.since_ms = sv->started_at,
		.starts = sv->starts,
		.exit = &sv->exit,
		.ready = !readiness(sv) ? NULL : sv->is_ready ? "ready" : "starting",
		.notify_status = sv->ready.status,
		.health = health,
	};

	if (sv->io.state < 0)
		return;
	liveness_describe(&sv->live, sv->cfg, health, sizeof health);
	state_publish(sv->io.state, ++sv->published, &rs);
}

static void dispatch(struct supervisor *sv, enum event ev)
{
	actions[sv->state][ev](sv);
	publish(sv);
}

/* A service the filter may have killed: its name, read while it is a
 * zombie (WNOWAIT leaves it so), is what finds its audit record. */
static void peek_sigsys(struct supervisor *sv)
{
	siginfo_t si;
	char path[32];

	memset(&si, 0, sizeof si);
	if (sv->io.audit < 0 || !sv->service ||
	    waitid(P_PID, (id_t)sv->service, &si, WEXITED | WNOHANG | WNOWAIT) ||
	    si.si_pid != sv->service || si.si_code == CLD_EXITED || si.si_status != SIGSYS)
		return;
	fmt(path, sizeof path, "/proc/%d/comm", (int)sv->service);
	if (read_small_file(AT_FDCWD, path, sv->comm, sizeof sv->comm) <= 0)
		sv->comm[0] = '\0';
	sv->comm[until_any(sv->comm, "\n")] = '\0';
}

/* Reaps every child: the service, and orphans reparented to PID 1; then
 * tells when none is left (ECHILD). */
static void reap(struct supervisor *sv)
{
	int status;
	pid_t pid;

	peek_sigsys(sv);

	while (!sv->done && (pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) != 0) {
		/* the notify socket's closer, or a slot for one (ready.c);
		 * a stopped closer has not ended */
		if (pid < 0 || !WIFSTOPPED(status))
			ready_reaped(&sv->ready, pid);
		if (pid < 0) {
			dispatch(sv, EV_EMPTY);
			return;
		}
		if (pid != sv->service) { /* an orphan, or --health's check */
			if (liveness_reaped(&sv->live, sv->cfg, pid, status,
					    sv->service, monotonic_ms()))
				publish(sv);
			continue;
		}
		if (WIFSTOPPED(status)) { /* Ctrl-Z on the pty, say */
			pty_service_stopped(WSTOPSIG(status));
			continue;
		}
		sv->service = 0;
		sv->status = status;
		dispatch(sv, EV_EXITED);
	}
}

/* --pressure-restart fired (the launcher polls the trigger): the
 * service is killed as the OOM killer would, but before it must, and the
 * exit takes the usual way: --restart, backoff and the start limit. */
static void pressure_kill(struct supervisor *sv)
{
	if (sv->state != RUNNING || !sv->service)
		return;
	log_error("killing the service: it stalled on memory beyond "
		  "--pressure-restart");
	kill_for(sv, CAUSE_PRESSURE, SIGKILL);
}

static void on_signal(struct supervisor *sv, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	pty_forwarded(sig);
	if (sig == SIGCHLD) {
		reap(sv);
	} else if (si->ssi_code == SI_USER && si->ssi_pid == (uint32_t)getpid()) {
		return; /* raised by our own write to a closed pipe, say */
	} else if (sig == SIGTERM || sig == SIGINT) {
		sv->stop_signal = sig;
		dispatch(sv, EV_STOP);
	} else if (HUTCH_LIMITS && sig == SIGNAL_RESTART && si->ssi_code == SI_QUEUE &&
		   si->ssi_int == PRESSURE_KILL) {
		pressure_kill(sv);
	} else if (sig == SIGNAL_RESTART) {
		dispatch(sv, EV_RESTART);
	} else if (sv->service) {
		kill(-sv->service, sig);
	}
}

/* How long poll may sleep (ms); -1: until a signal or a message comes. */
static int timeout(const struct supervisor *sv, uint64_t now)
{
	uint64_t left, live = liveness_next(&sv->live);
	uint64_t at = !sv->deadline || (live && live < sv->deadline) ? live : sv->deadline;

	if (!at)
		return -1;
	left = at > now ? at - now : 0;
	return left > 86400000 ? 86400000 : (int)left;
}

/* What the service sent on --ready's socket or pipe. STATUS= text is
 * published (and told to systemd) as it comes; READY=1 is an event. */
static void on_ready_news(struct supervisor *sv)
{
	unsigned news = ready_receive(&sv->ready);

	if (news & READY_NEWS_STATUS) { /* "loading ..." shows while it starts */
		publish(sv);
		ready_upstream_send(&sv->ready, false);
	}
	if (news & READY_NEWS_READY)
		dispatch(sv, EV_READY);
	/* The watchdog's keys count from a run that is up, not from one
	 * that ends or stops (its deadlines are off then anyway). */
	if (news & (READY_NEWS_WATCHDOG | READY_NEWS_TRIGGER | READY_NEWS_WATCHDOG_USEC) &&
	    sv->state == RUNNING && sv->service)
		liveness_news(&sv->live, sv->cfg, news, sv->ready.watchdog_usec,
			      sv->service, monotonic_ms());
}

/* --watchdog's or --health's deadline passed. Armed only while a run is
 * up; anything else left armed is cleared, never spun on. */
static void liveness_due_now(struct supervisor *sv, uint64_t now)
{
	if (sv->state == RUNNING && sv->service)
		liveness_tick(&sv->live, sv->cfg, sv->rt, sv->envp, sv->service, now);
	else
		liveness_end(&sv->live);
	publish(sv);
}

int supervise(const struct config *cfg, const struct runtime *rt, char **envp,
	      const struct supervise_io *io)
{
	struct supervisor sv = {
		.cfg = cfg,
		.rt = rt,
		.envp = envp,
		.io = *io,
		.exit = { .cause = CAUSE_NONE, .code = -1, .syscall = -1 },
		.oom_seen = cgroup_oom_kills(io->oom),
		.backoff = { cfg->restart_delay_ms, cfg->restart_max_delay_ms,
			     cfg->restart_reset_ms, 0 },
		.limit = { cfg->start_limit_burst, cfg->start_limit_interval_ms, 0, 0 },
		.ready = { .mode = cfg->ready_mode, .socket = io->ready_socket, .pipe = -1,
			   .service_end = -1, .upstream = io->upstream },
	};
	struct pollfd fds[3] = { { -1, POLLIN, 0 }, { io->ready_socket, POLLIN, 0 },
				 { -1, POLLIN, 0 } };
	sigset_t set;

	supervised_signals(&set);
	fds[0].fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fds[0].fd < 0)
		die("cannot create a signalfd: %s", error_text(errno));
	start_service(&sv);
	publish(&sv);
	while (!sv.done) {
		uint64_t now = monotonic_ms();
		struct signalfd_siginfo si;

		uint64_t live = liveness_next(&sv.live);

		if (sv.deadline && now >= sv.deadline) {
			sv.deadline = 0;
			dispatch(&sv, EV_DEADLINE);
			continue;
		}
		if (live && now >= live) {
			liveness_due_now(&sv, now);
			continue;
		}
		fds[1].fd = ready_polled(&sv.ready);
		fds[2].fd = sv.ready.pipe; /* --ready fd:N: this run's */
		if (poll(fds, 3, timeout(&sv, now)) <= 0)
			continue;
		/* Signals first: a service flooding --ready's socket must not
		 * keep PID 1 from a stop or from reaping. */
		if (read(fds[0].fd, &si, sizeof si) == sizeof si)
			on_signal(&sv, &si);
		else if ((fds[1].revents || fds[2].revents) && !sv.done)
			on_ready_news(&sv);
	}
	kill(-1, SIGKILL);
	return sv.exit_code;
}
