// SPDX-License-Identifier: MIT
/* control_status.c - hutch status NAME and hutch status --json: the host's
 * view of a sandbox beside what its PID 1 published (state.c's status
 * file), the last exit and its cause (docs/exit-causes.md). */
#include <string.h>

#include "bootlimit.h"
#include "cgroup.h"
#include "control_internal.h"
#include "exit_cause.h"
#include "json_write.h"
#include "log.h"
#include "sys.h"
#include "units.h"

/* --ready: "ready: ready" or "starting", and the service's STATUS= text
 * (ready.c), when the sandbox runs with it. */
static void readiness(const struct target *t)
{
	char text[200], ready[16], note[100];

	if (!*state_value(t->status, "ready", ready, sizeof ready))
		return;
	state_value(t->status, "notify_status", note, sizeof note);
	fmt(text, sizeof text, "ready: %s\n%s%s%s", ready, *note ? "status text: " : "",
	    note, *note ? "\n" : "");
	control_say(text);
}

/* --health: "health: healthy (failures in a row: 0, last check: exit
 * 0)" (liveness.c writes the keys), when the sandbox runs with it. */
static void health(const struct target *t)
{
	char text[120], v[3][16];

	if (!*state_value(t->status, "health", v[0], sizeof v[0]))
		return;
	fmt(text, sizeof text, "health: %s (failures in a row: %s, last check: %s)\n",
	    v[0], state_value(t->status, "health_failures", v[1], sizeof v[1]),
	    state_value(t->status, "health_last", v[2], sizeof v[2]));
	control_say(text);
}

/* The host's view beside the sandbox's: PID 1 and the service by their
 * host pids (the service found as signal_service finds it), how long
 * the run is up, and what the sandbox's own groups count now. */
struct view {
	long pid1, service;
	unsigned long long up_s, starts;
	char usage[300];
};

static void view_of(const struct target *t, struct view *w)
{
	char v[24];
	uint64_t since = 0, starts = 0;

	w->pid1 = control_child_of(t->launcher, NULL);
	w->service = 0;
	parse_uint(state_value(t->status, "since_ms", v, sizeof v), UINT64_MAX, &since);
	w->up_s = since ? (monotonic_ms() - since) / 1000 : 0;
	state_value(t->status, "pid", v, sizeof v);
	if (w->pid1 && v[0] >= '1' && v[0] <= '9')
		w->service = control_child_of(w->pid1, v);
	parse_uint(state_value(t->status, "starts", v, sizeof v), UINT64_MAX, &starts);
	w->starts = starts;
	w->usage[0] = '\0';
	if (w->pid1)
		cgroup_usage(w->pid1, t->name, w->usage, sizeof w->usage);
}

/* A number of the status file; -1 when absent or negative (none). */
static long long number_of(const char *text, const char *key)
{
	char v[24];
	uint64_t n;

	if (parse_uint(state_value(text, key, v, sizeof v), INT64_MAX, &n))
		return -1;
	return (long long)n;
}

/* Seconds since the last exit, by the monotonic clock. */
static long long exit_ago_s(const char *text)
{
	long long at = number_of(text, "exit_at_ms");
	uint64_t now = monotonic_ms();

	return at < 0 || (uint64_t)at > now ? 0 : (long long)(now - (uint64_t)at) / 1000;
}

int control_status(struct target *t)
{
	char text[1400], v[5][128];
	struct view w;

	view_of(t, &w);
	state_value(t->status, "exit_cause", v[3], sizeof v[3]);
	fmt(v[2], sizeof v[2], " (cause: %s, %lld s ago)", v[3], exit_ago_s(t->status));
	fmt(text, sizeof text, "name: %s\nstate: %s\nlauncher: %ld\npid1: %ld\n"
	    "service: %s\nservice host pid: %ld\nup: %llu s\nstarts: %llu\n"
	    "restarts: %llu\nlast: %s%s\n%s", t->name,
	    state_value(t->status, "state", v[0], sizeof v[0]), t->launcher, w.pid1,
	    state_value(t->status, "pid", v[1], sizeof v[1]), w.service, w.up_s, w.starts,
	    w.starts ? w.starts - 1 : 0, state_value(t->status, "last", v[4], sizeof v[4]),
	    v[3][0] && strcmp(v[3], "none") != 0 ? v[2] : "", w.usage);
	control_say(text);
	readiness(t);
	health(t);
	/* --boot-limit's record, when the launcher keeps one */
	if (t->persist || t->launcher_persist[0]) {
		bootlimit_describe(t->persist ? t->persist : t->launcher_persist,
				   t->name, text, sizeof text);
		control_say(text);
	}
	return CTL_OK;
}

/* A number, or null for none (-1, or 0 where 0 means none). */
static void json_maybe(struct jsonw *j, const char *key, long long n, long long none)
{
	if (n == none || n < 0)
		jsonw_null(j, key);
	else
		jsonw_num(j, key, n);
}

/* "last_exit": how the last run ended, null before any did. */
static void json_last_exit(struct jsonw *j, const char *text)
{
	char v[128];
	long long sig = number_of(text, "exit_signal");

	if (!*state_value(text, "exit_cause", v, sizeof v) || strcmp(v, "none") == 0) {
		jsonw_null(j, "last_exit");
		return;
	}
	jsonw_open(j, "last_exit", '{');
	jsonw_str(j, "cause", v);
	json_maybe(j, "code", number_of(text, "exit_code"), -1);
	json_maybe(j, "signal", sig, 0);
	if (sig > 0) {
		char name[16];
		jsonw_str(j, "signal_name", signal_name((int)sig, name, sizeof name));
	} else
		jsonw_null(j, "signal_name");
	if (*state_value(text, "exit_syscall_name", v, sizeof v))
		jsonw_str(j, "syscall", v);
	else
		jsonw_null(j, "syscall");
	json_maybe(j, "syscall_nr", number_of(text, "exit_syscall"), -1);
	jsonw_num(j, "oom_kills", number_of(text, "exit_oom_kills"));
	json_maybe(j, "at", number_of(text, "exit_at"), -1);
	jsonw_num(j, "ago_s", exit_ago_s(text));
	jsonw_str(j, "text", state_value(text, "last", v, sizeof v));
	jsonw_close(j, '}');
}

/* "health": --health's state, null without it (docs/liveness.md). */
static void json_health(struct jsonw *j, const char *text)
{
	char v[16];

	if (!*state_value(text, "health", v, sizeof v)) {
		jsonw_null(j, "health");
		return;
	}
	jsonw_open(j, "health", '{');
	jsonw_str(j, "state", v);
	jsonw_num(j, "failures", number_of(text, "health_failures"));
	jsonw_str(j, "last_check", state_value(text, "health_last", v, sizeof v));
	jsonw_close(j, '}');
}

/* "usage": status's "memory: 1.500 MiB" lines as members. */
static void json_usage(struct jsonw *j, char *usage)
{
	jsonw_open(j, "usage", '{');
	for (char *line = usage, *next; *line; line = next) {
		size_t end = until_any(line, "\n"), colon = until_any(line, ":");
		next = line + end + (line[end] != 0);
		line[end] = '\0';
		if (colon < end) {
			line[colon] = '\0';
			jsonw_str(j, line, line + colon + 1 + (line[colon + 1] == ' '));
		}
	}
	jsonw_close(j, '}');
}

/* "boot_limit": --boot-limit's record, null without one. */
static void json_boot_limit(struct jsonw *j, const char *dir, const char *name)
{
	uint64_t limit;
	unsigned count = dir ? bootlimit_record(dir, name, &limit) : 0;

	if (!count) {
		jsonw_null(j, "boot_limit");
		return;
	}
	jsonw_open(j, "boot_limit", '{');
	jsonw_num(j, "crash_loops", count);
	jsonw_num(j, "limit", (long long)limit);
	jsonw_close(j, '}');
}

/* The state word for an agent: a run not yet ready is "starting", one
 * that said so "ready"; "done" is "stopped" (docs/exit-causes.md). */
static const char *json_state(const char *text, char *buf, size_t size)
{
	char ready[16];

	state_value(text, "state", buf, size);
	if (strcmp(buf, "running") == 0 && *state_value(text, "ready", ready, sizeof ready))
		fmt(buf, size, "%s", ready);
	else if (strcmp(buf, "done") == 0)
		fmt(buf, size, "stopped");
	return buf;
}

/* hutch status --json: one object per sandbox, each written whole. */
void control_status_json(struct target *t)
{
	char text[4096], v[128];
	const char *persist = t->persist ? t->persist
			    : t->launcher_persist[0] ? t->launcher_persist : NULL;
	struct jsonw j;
	struct view w;

	view_of(t, &w);
	jsonw_init(&j, text, sizeof text);
	jsonw_open(&j, NULL, '{');
	jsonw_str(&j, "name", t->name);
	jsonw_str(&j, "state", json_state(t->status, v, sizeof v));
	jsonw_open(&j, "pids", '{');
	jsonw_num(&j, "launcher", t->launcher);
	json_maybe(&j, "pid1", w.pid1, 0);
	json_maybe(&j, "service", w.service, 0);
	json_maybe(&j, "service_in_sandbox", number_of(t->status, "pid"), 0);
	jsonw_close(&j, '}');
	json_maybe(&j, "up_s", number_of(t->status, "pid") > 0 ? (long long)w.up_s : -1, -1);
	jsonw_num(&j, "starts", (long long)w.starts);
	jsonw_num(&j, "restarts", (long long)(w.starts ? w.starts - 1 : 0));
	if (*state_value(t->status, "ready", v, sizeof v))
		jsonw_str(&j, "status_text", state_value(t->status, "notify_status", v,
							sizeof v));
	else
		jsonw_null(&j, "status_text");
	json_health(&j, t->status);
	json_last_exit(&j, t->status);
	json_usage(&j, w.usage);
	json_boot_limit(&j, persist, t->name);
	jsonw_close(&j, '}');
	if (j.over)
		log_error("%s: status too long for --json", t->name);
	else
		control_say(text);
}

/* hutch status of a sandbox that does not run: whether --boot-limit
 * keeps it from starting, when there is a record (else false, and the
 * caller says "no such sandbox running"). */
bool control_status_not_running(const struct target *t, bool json)
{
	char text[600], record[300];
	bool reached = bootlimit_describe(t->persist, t->name, record, sizeof record);
	struct jsonw j;

	if (!record[0])
		return false;
	if (!json) {
		fmt(text, sizeof text, "name: %s\nstate: not running\n%s", t->name, record);
		control_say(text);
		return true;
	}
	jsonw_init(&j, text, sizeof text);
	jsonw_open(&j, NULL, '{');
	jsonw_str(&j, "name", t->name);
	jsonw_str(&j, "state", reached ? "refused" : "not running");
	jsonw_null(&j, "pids");
	if (reached) { /* the launcher's exit 124: no run, so no code */
		jsonw_open(&j, "last_exit", '{');
		jsonw_str(&j, "cause", exit_cause_word(CAUSE_BOOT_LIMIT));
		jsonw_str(&j, "text", exit_cause_text(CAUSE_BOOT_LIMIT));
		jsonw_close(&j, '}');
	} else {
		jsonw_null(&j, "last_exit");
	}
	json_boot_limit(&j, t->persist ? t->persist : PERSIST_DIR_DEFAULT, t->name);
	jsonw_close(&j, '}');
	control_say(text);
	control_say("\n");
	return true;
}
