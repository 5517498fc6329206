/* SPDX-License-Identifier: MIT */
/* control.c - the control commands. They trust a state directory only
 * while its launcher runs (pid and start time both match); a stale one
 * is removed and reported. Stop and restart wait for the outcome, so a
 * script can rely on the exit code. The launcher is signalled through a
 * pidfd (Linux 5.3), checked against the recorded start time after it is
 * opened: a pid the kernel gave to another process since is never hit. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bootlimit.h"
#include "cgroup.h"
#include "control_internal.h"
#include "exec.h"
#include "kernel_calls.h"
#include "selfexec.h"
#include "log.h"
#include "rebuild.h"
#include "state.h"
#include "statedir.h"
#include "sys.h"
#include "units.h"

void control_say(const char *text)
{
	write_all(STDOUT_FILENO, text, strlen(text));
}

/* A pidfd of the launcher, or -1: errno ESRCH when it is gone; ENOSYS
 * on a kernel before 5.3, EMFILE and the like when none can be had now,
 * where only the racy kill(2) by pid is left. A pidfd stays with the
 * process it was opened for; its start time, read again after the open,
 * tells that this is the launcher and not a process that got its pid. */
static int launcher_pidfd(const struct proc_id *id)
{
	int fd = sys_pidfd_open((pid_t)id->pid, 0), known;
	struct proc_id now;

	if (fd < 0)
		return -1;
	known = proc_id_of(id->pid, &now);
	if (known == 0 && now.start == id->start)
		return fd;
	close(fd);
	/* gone, or another process with its pid; else unknown for now */
	errno = known == 0 || known == -ESRCH ? ESRCH : -known;
	return -1;
}

/* What the launcher wrote down of its configuration (state.c's
 * "launcher" file; a rebuild writes it again). */
static void read_launcher_file(struct target *t)
{
	char launcher[512], v[24];
	uint64_t n;

	read_small_file(t->dirfd, "launcher", launcher, sizeof launcher);
	t->stop_timeout_ms = parse_uint(state_value(launcher, "stop_timeout_ms", v,
						    sizeof v), UINT64_MAX, &n) ? 10000 : n;
	/* written only with --ready (0: no timeout) */
	t->ready = !parse_uint(state_value(launcher, "ready_timeout_ms", v, sizeof v),
			       UINT64_MAX, &n);
	t->ready_timeout_ms = t->ready ? n : 0;
	/* --reload-signal, which the launcher wrote down for hutch reload */
	t->reload_signal = parse_uint(state_value(launcher, "reload_signal", v,
						  sizeof v), 64, &n) || !n ? SIGHUP : (int)n;
	state_value(launcher, "persist_dir", t->launcher_persist, sizeof t->launcher_persist);
}

/* CTL_OK when NAME runs; CTL_NOT_RUNNING when there is no such sandbox;
 * CTL_FAILED when its state was stale (and is now removed). */
static int find(struct target *t)
{
	char path[300];
	struct proc_id id;

	t->pidfd = -1;
	t->dirfd = state_open(t->dir, t->name, &t->base);
	if (t->dirfd < 0)
		return CTL_NOT_RUNNING;
	state_path(t->base, t->name, path, sizeof path);
	/* Stale only when the launcher is known to be gone: a pidfd_open
	 * that fails for want of descriptors (EMFILE) or on an old kernel
	 * (ENOSYS) leaves the pid and start time check alone. A launcher
	 * holds its directory's lock from before its launcher file is
	 * written (state.c): such a directory is starting, or ending, and
	 * removing it failed that start (an agent polling hutch status
	 * --json at boot hit it). */
	if (!launcher_alive(t->dirfd, &id) ||
	    ((t->pidfd = launcher_pidfd(&id)) < 0 && errno == ESRCH)) {
		if (state_locked(t->dirfd)) {
			t->starting = true; /* the caller says so, or skips it */
			if (t->pidfd >= 0)
				close(t->pidfd);
			close(t->dirfd);
			return CTL_NOT_RUNNING;
		}
		log_error("%s: stale state (launcher %ld is gone): removed %s", t->name,
			  id.pid, path);
		state_remove(t->base, t->name, t->dirfd);
		return CTL_FAILED;
	}
	t->launcher = id.pid;
	read_launcher_file(t);
	state_read_status(t->dirfd, t->status, sizeof t->status);
	return CTL_OK;
}

/* A signal for the launcher: through its pidfd, by pid only without. */
static int signal_launcher(const struct target *t, int sig)
{
	if (t->pidfd >= 0)
		return sys_pidfd_send_signal(t->pidfd, sig, NULL);
	return kill((pid_t)t->launcher, sig);
}

/* Polls every 50 ms until done(t), up to limit_ms (UINT64_MAX: no limit):
 * control commands are not the supervisor, and a short sleep is the
 * portable way to wait for a process that is not our child (pidfd_open
 * needs Linux 5.3). */
static bool wait_up_to(struct target *t, bool (*done)(struct target *t), uint64_t limit_ms)
{
	struct timespec ts = { 0, 50 * 1000000L };

	for (uint64_t waited = 0; waited <= limit_ms; waited += 50) {
		if (done(t))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The usual wait: the stop timeout and 5 s more. */
static bool wait_for(struct target *t, bool (*done)(struct target *t))
{
	return wait_up_to(t, done, t->stop_timeout_ms + 5000);
}

struct child_of {
	long parent, found;
	const char *nspid; /* the service's pid in the sandbox, or NULL */
};

/* Whether /proc/NAME is nspid in its innermost PID namespace: the last
 * field of its status's NSpid line (Linux 4.1+). Without that line the
 * kernel cannot tell, and the answer is yes. */
static bool is_nspid(const char *name, const char *nspid)
{
	char path[40], text[1024];

	fmt(path, sizeof path, "/proc/%s/status", name);
	if (read_small_file(AT_FDCWD, path, text, sizeof text) <= 0)
		return false;
	for (char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, "NSpid:", 6) == 0) {
			char *last = p + until_any(p, "\n");
			*last = '\0';
			while (last > p && last[-1] != '\t' && last[-1] != ' ')
				last--;
			return strcmp(last, nspid) == 0;
		}
	return true;
}

/* Whether /proc/NAME is a child of parent, from its stat's ppid (field 4),
 * and the service when c->nspid is set: after the service's main process
 * exited, PID 1's children are the leftovers of its run, and a daemon it
 * left is PID 1's child beside the service. */
static bool is_child(const char *name, void *arg)
{
	struct child_of *c = arg;
	char path[40], stat[256], *p, *w[3];
	uint64_t v;

	fmt(path, sizeof path, "/proc/%s/stat", name);
	if (name[0] < '1' || name[0] > '9' ||
	    read_small_file(AT_FDCWD, path, stat, sizeof stat) <= 0 ||
	    !(p = strrchr(stat, ')')) || split_words(p + 2, w, 3, ' ') < 2 ||
	    parse_uint(w[1], INT32_MAX, &v) || (long)v != c->parent ||
	    (c->nspid && !is_nspid(name, c->nspid)))
		return false;
	parse_uint(name, INT32_MAX, &v);
	c->found = (long)v;
	return true;
}

/* The first child of pid (that is nspid in the sandbox, if not NULL). */
long control_child_of(long parent, const char *nspid)
{
	struct child_of c = { parent, 0, nspid };

	each_entry("/proc", is_child, &c);
	return c.found;
}

/* A signal for the service: straight to its process group (its pgid is
 * its pid), found from the host as the child of PID 1 whose pid in the
 * sandbox is the one "status" names, PID 1 being the launcher's child.
 * Through the launcher, SIGKILL and SIGSTOP would hit hutch itself. */
static int signal_service(const struct target *t, int sig)
{
	char nspid[24];
	long pid1 = control_child_of(t->launcher, NULL), service = 0;

	state_value(t->status, "pid", nspid, sizeof nspid);
	if (pid1 && nspid[0] >= '1' && nspid[0] <= '9')
		service = control_child_of(pid1, nspid);
	if (!service) {
		log_error("%s: the service is not running now", t->name);
		return CTL_FAILED;
	}
	return kill((pid_t)-service, sig) ? CTL_FAILED : CTL_OK;
}

static bool launcher_gone(struct target *t)
{
	struct proc_id id;

	return proc_id_of(t->launcher, &id) == -ESRCH;
}

static int stop(struct target *t)
{
	struct pollfd exited = { t->pidfd, POLLIN, 0 };
	uint64_t wait_ms = t->stop_timeout_ms + 5000;

	if (signal_launcher(t, SIGTERM))
		return CTL_NOT_RUNNING;
	/* a pidfd becomes readable when its process ends: no polling */
	if (t->pidfd >= 0 ? poll(&exited, 1, wait_ms > INT32_MAX ? -1 : (int)wait_ms) > 0
			  : wait_for(t, launcher_gone))
		return CTL_OK;
	log_error("%s: still running %llu ms after SIGTERM", t->name,
		  (unsigned long long)wait_ms);
	return CTL_FAILED;
}

/* Whether a status is up: with --ready, once the service said it is
 * ready (a start that dies before is followed by another, which must
 * say so in turn); without, as soon as it is started. */
static bool with_ready(const char *status)
{
	char ready[16];

	return *state_value(status, "ready", ready, sizeof ready) != '\0';
}

static bool is_up(const char *status)
{
	char ready[16];

	state_value(status, "ready", ready, sizeof ready);
	return !*ready || strcmp(ready, "ready") == 0;
}

/* How long a restart may take to be up: the old service's stop, the new
 * one's --ready-timeout (none: as long as the sandbox runs), 5 s more. */
static uint64_t up_limit_ms(const struct target *t)
{
	if (!t->ready)
		return t->stop_timeout_ms + 5000;
	return t->ready_timeout_ms ? t->stop_timeout_ms + t->ready_timeout_ms + 5000
				   : UINT64_MAX;
}

/* PID 1 counted a new start in "status" (t->status holds the old one)
 * and it is up; or the sandbox ended meanwhile (the caller tells). */
static bool restarted(struct target *t)
{
	char text[STATE_STATUS_MAX], before[24], now[24];

	if (launcher_gone(t))
		return true;
	return state_read_status(t->dirfd, text, sizeof text) > 0 &&
	       strcmp(state_value(text, "starts", now, sizeof now),
		      state_value(t->status, "starts", before, sizeof before)) != 0 &&
	       is_up(text);
}

static int restart(struct target *t)
{
	if (signal_launcher(t, SIGNAL_RESTART))
		return CTL_NOT_RUNNING;
	if (wait_up_to(t, restarted, up_limit_ms(t)) && !launcher_gone(t))
		return CTL_OK;
	log_error("%s: the service did not restart%s", t->name,
		  launcher_gone(t) ? ": the sandbox ended (see its log)"
		  : with_ready(t->status) ? " and become ready in time" : "");
	return CTL_FAILED;
}

/* hutch restart --rebuild: the request travels in the signal itself,
 * SIGNAL_RESTART queued with the request's id as its value (rebuild.h),
 * so no file can be left over to turn a later plain restart into a
 * rebuild, nor a plain restart swallow this one. The id is our pid. */
static int send_rebuild(const struct target *t)
{
	siginfo_t info;

	memset(&info, 0, sizeof info);
	info.si_signo = SIGNAL_RESTART;
	info.si_code = SI_QUEUE;
	info.si_pid = getpid();
	info.si_uid = getuid();
	info.si_value.sival_int = (int)getpid();
	if (t->pidfd >= 0)
		return sys_pidfd_send_signal(t->pidfd, SIGNAL_RESTART, &info);
	return sys_rt_sigqueueinfo((pid_t)t->launcher, SIGNAL_RESTART, &info);
}

/* The launcher's answer to our request, "ok" or the refusal, in
 * t->status (which a rebuild no longer needs); or the launcher ended. */
static bool answered(struct target *t)
{
	char text[600], v[24];
	uint64_t id;

	if (launcher_gone(t))
		return true;
	if (state_read(t->dirfd, REBUILD_ANSWER, text, sizeof text) <= 0 ||
	    parse_uint(state_value(text, "request", v, sizeof v), INT32_MAX, &id) ||
	    id != (uint64_t)getpid())
		return false; /* not yet, or another command's */
	return state_value(text, "error", t->status, sizeof t->status)[0] ||
	       strcmp(state_value(text, "result", v, sizeof v), "ok") == 0;
}

/* The new PID 1 wrote its first status (the launcher emptied it) and
 * the service is up (t->status keeps it); or the sandbox ended. */
static bool status_again(struct target *t)
{
	if (launcher_gone(t))
		return true;
	return state_read_status(t->dirfd, t->status, sizeof t->status) > 0 &&
	       is_up(t->status);
}

static int rebuild(struct target *t)
{
	if (send_rebuild(t))
		return CTL_NOT_RUNNING;
	t->status[0] = '\0';
	if (!wait_for(t, answered) || launcher_gone(t)) {
		log_error("%s: the launcher %s the rebuild (see its log)", t->name,
			  launcher_gone(t) ? "ended during" : "did not answer");
		return CTL_FAILED;
	}
	if (t->status[0]) {
		log_error("%s: not rebuilt, %s", t->name, t->status);
		return CTL_FAILED;
	}
	/* the new configuration's timeouts (the launcher wrote them anew) */
	read_launcher_file(t);
	if (wait_up_to(t, status_again, up_limit_ms(t)) && !launcher_gone(t) && t->status[0])
		return CTL_OK;
	log_error("%s: rebuilt, but its service did not %s", t->name,
		  launcher_gone(t) ? "run: the sandbox ended (see its log)"
		  : with_ready(t->status) ? "become ready in time" : "start");
	return CTL_FAILED;
}

/* hutch reset NAME: NAME is a file name in the persist directory, so
 * never a path. */
static int reset(const char *dir, const char *name)
{
	if (!name[0] || name[0] == '.' || strchr(name, '/')) {
		log_error("hutch reset: '%s' is not a sandbox name", name);
		return CTL_USAGE;
	}
	return bootlimit_reset(dir, name);
}

/* hutch list, hutch status --json: each sandbox of a state directory. */
struct listing {
	const char *dir;
	bool json;
	unsigned *shown;
};

/* hutch list: "NAME STATE"; hutch status --json: its object, after a
 * comma but for the first. */
static bool list_one(const char *name, void *arg)
{
	const struct listing *l = arg;
	struct target t = { .dir = l->dir, .name = name };

	if (name[0] == '.' || find(&t) != CTL_OK)
		return false;
	if (l->json) {
		control_say(*l->shown ? ",\n" : "\n");
		control_status_json(&t);
	} else {
		char line[200], v[24];
		fmt(line, sizeof line, "%s %s\n", name,
		    state_value(t.status, "state", v, sizeof v));
		control_say(line);
	}
	++*l->shown;
	close(t.dirfd);
	if (t.pidfd >= 0)
		close(t.pidfd);
	return false;
}

/* hutch list without --state-dir: every candidate, in the launcher's
 * order, each directory once (/var/run is often a link to /run); one that
 * is not safe to use is said and skipped, as the launcher skips it. */
static void list_all(bool json, unsigned *shown)
{
	const char *list[STATEDIR_MAX];
	size_t n = statedir_candidates(geteuid() != 0, list);
	struct stat seen[STATEDIR_MAX];

	for (size_t i = 0, bad; i < n; i++) {
		int fd = statedir_open(list[i], STATEDIR_OPEN, false, &bad);
		struct listing l = { list[i], json, shown };
		bool again = false;

		if (statedir_untrusted(fd)) {
			char why[200];
			log_error("state directory %s: skipped",
				  statedir_why(list[i], fd, bad, why, sizeof why));
		}
		if (fd < 0 || stat_at(fd, "", &seen[i], AT_EMPTY_PATH)) {
			seen[i].st_ino = 0;
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		for (size_t j = 0; j < i; j++)
			again |= seen[j].st_ino == seen[i].st_ino &&
				 seen[j].st_dev == seen[i].st_dev;
		if (!again)
			each_entry(list[i], list_one, &l);
	}
}

/* hutch list, and hutch status --json without a name: a JSON array. */
static int list_sandboxes(const char *dir, bool json)
{
	unsigned shown = 0;
	struct listing l = { dir, json, &shown };

	if (json)
		control_say("[");
	if (dir)
		each_entry(dir, list_one, &l);
	else
		list_all(json, &shown);
	if (json)
		control_say(shown ? "\n]\n" : "]\n");
	return CTL_OK;
}

enum verb { LIST, STATUS, STOP, RESTART, KILL, RELOAD, EXEC, RESET };

static const char words[][8] = { CONTROL_VERBS };

static int verb_of(const char *word)
{
	for (int i = 0; i < (int)(sizeof words / sizeof words[0]); i++)
		if (strcmp(word, words[i]) == 0)
			return i;
	return -1;
}

/* hutch exec NAME [--] CMD...: the sandbox found as for the other
 * commands (exit 3 when it does not run), then PID 1, the launcher's one
 * child. */
static int exec_command(const char *dir, int argc, char **argv)
{
	struct target t = { .dir = dir };
	struct exec_target e;
	int found, shift = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;

	/* from a sealed copy, before it enters the sandbox (selfexec.c) */
	selfexec_sealed();
	if (argc - shift < 1 || !argv[shift][0]) {
		log_error("usage: hutch exec [--state-dir DIR] NAME [--] COMMAND [ARG...]");
		return CTL_USAGE;
	}
	t.name = argv[0];
	found = find(&t);
	if (found == CTL_NOT_RUNNING)
		log_error("%s: %s", t.name, t.starting ? "starting or ending: try again"
						      : "no such sandbox running");
	if (found != CTL_OK)
		return found;
	log_setup(t.name, LOG_INFO); /* from here on, "hutch[NAME]: ..." */
	e = (struct exec_target){ t.name, t.dirfd, t.pidfd, t.launcher,
				  control_child_of(t.launcher, NULL) };
	if (!e.pid1) {
		log_error("no such sandbox running (its PID 1 is gone)");
		return CTL_NOT_RUNNING;
	}
	return exec_run(&e, argv + shift);
}

bool control_command(const char *word)
{
	return verb_of(word) >= 0;
}

size_t control_verbs(char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof words / sizeof words[0] && n < size; i++)
		n += fmt(buf + n, size - n, ", %s", words[i]);
	return n;
}

int control_run(int argc, char **argv)
{
	const char *dir = NULL;
	struct target t = { 0 };
	int verb = verb_of(argv[1]), i = 2, sig = 0, found;
	bool rebuild_asked = false, json = false;

	/* --persist-dir: where status and reset find --boot-limit's record */
	for (;;) {
		if (i + 1 < argc && (strcmp(argv[i], "--state-dir") == 0 ||
				     strcmp(argv[i], "--persist-dir") == 0)) {
			if (argv[i][2] == 's')
				dir = argv[i + 1];
			else
				t.persist = argv[i + 1];
			i += 2;
		} else if (verb == RESTART && i < argc && strcmp(argv[i], "--rebuild") == 0) {
			rebuild_asked = true;
			i++;
		} else if (verb == STATUS && i < argc && strcmp(argv[i], "--json") == 0) {
			json = true;
			i++;
		} else {
			break;
		}
	}
	if ((verb == LIST || (verb == STATUS && json)) && i == argc)
		return list_sandboxes(dir, json);
	if (verb == EXEC)
		return exec_command(dir, argc - i, argv + i);
	if (i >= argc || argc - i != (verb == KILL ? 2 : 1)) {
		log_error("usage: hutch %s [--%s-dir DIR]%s NAME%s", argv[1],
			  verb == RESET ? "persist" : "state",
			  verb == RESTART ? " [--rebuild]" : verb == STATUS ? " [--json]" : "",
			  verb == KILL ? " SIGNAL" : "");
		return CTL_USAGE;
	}
	if (verb == RESET)
		return reset(t.persist, argv[i]);
	if (argc - i == 2 && (sig = signal_number(argv[i + 1])) <= 0) {
		log_error("hutch kill: '%s' is not a signal (TERM, HUP, USR1, 9 ...)",
			  argv[i + 1]);
		return CTL_USAGE;
	}
	t.dir = dir;
	t.name = argv[i];
	found = find(&t);
	if (t.starting) { /* no launcher pid to act on yet, nor any more */
		log_error("%s: starting or ending (its launcher holds it, but has no "
			  "pid recorded): try again", t.name);
		return verb == STOP ? CTL_FAILED : CTL_NOT_RUNNING;
	}
	if (found != CTL_OK) {
		if (found == CTL_NOT_RUNNING && verb != STOP &&
		    !(verb == STATUS && control_status_not_running(&t, json)))
			log_error("%s: no such sandbox running", t.name);
		return verb == STOP ? CTL_OK : found;
	}
	/* hutch list NAME: whether its service runs (signal 0). */
	if (verb == STATUS && json) {
		control_status_json(&t);
		control_say("\n");
	}
	found = verb == STATUS	? (json ? CTL_OK : control_status(&t))
	      : verb == STOP	? stop(&t)
	      : verb == RESTART ? (rebuild_asked ? rebuild(&t) : restart(&t))
	      : verb == RELOAD	? signal_service(&t, t.reload_signal)
				: signal_service(&t, sig);
	close(t.dirfd);
	if (t.pidfd >= 0)
		close(t.pidfd);
	return found;
}
