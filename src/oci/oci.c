// SPDX-License-Identifier: MIT
/* oci.c - [oci] the runtime's command line, as runc's: global flags,
 * then create, start, state, kill, delete, list or features. Each
 * container is a record in ROOT/ID (state, annotations, exec.fifo while
 * it waits for start); nothing of hutch stays running beside it. */
#include "oci.h"

#include <errno.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "kernel_calls.h"
#include "log.h"
#include "oci_internal.h"
#include "oci_systemd.h"
#include "seccomp_oci.h"
#include "preflight.h"
#include "sys.h"
#include "units.h"

#define OCI_ROOT_DEFAULT "/run/hutch-oci"

const char *oci_root = OCI_ROOT_DEFAULT;
bool oci_systemd_cgroup;
static int log_file = -1;
static bool log_json;

/* --- --log FILE [--log-format json] ---------------------------------- */

/* containerd shows the caller the log's last error line: each message
 * goes there too, as logrus would write it (runc's format). */
static void log_line(int level, const char *msg)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[1400], text[1100], now[48];
	size_t n;

	oci_time_now(now, sizeof now);
	oci_json_escape(text, sizeof text, msg);
	if (log_json)
		n = fmt(line, sizeof line, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			names[level], text, now);
	else
		n = fmt(line, sizeof line, "time=\"%s\" level=%s msg=\"%s\"\n", now,
			names[level], text);
	if (n < sizeof line)
		(void)write_all(log_file, line, n);
}

/* --- arguments ----------------------------------------------------------- */

/* "--name VALUE", "--name=VALUE", "-name VALUE" (Go's flag package, which
 * runc's callers may use): the value, or NULL when argv[*i] is not it. */
const char *oci_flag_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (!a || a[0] != '-')
		return NULL;
	a += a[1] == '-' ? 2 : 1;
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

bool oci_flag(const char *a, const char *name, const char *short_name)
{
	if (!a || a[0] != '-')
		return false;
	a += a[1] == '-' ? 2 : 1;
	return !strcmp(a, name) || (short_name && !strcmp(a, short_name));
}

const char *oci_container_id(int argc, char **argv, int i, const char *cmd)
{
	const char *id;
	if (i >= argc || !argv[i][0])
		die("%s: no container id given (hutch oci %s [FLAGS] ID)", cmd, cmd);
	id = argv[i];
	if (strlen(id) > 64 || strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"
				      "PQRSTUVWXYZ0123456789._-") != strlen(id) ||
	    id[0] == '.' || id[0] == '-')
		die("%s: '%s' is not a container id hutch takes (1..64 letters, digits, "
		    "'.', '_', '-', not starting with '.' or '-')", cmd, id);
	return id;
}

/* The container's record, or death: "does not exist" as runc says it. */
int oci_open_record(const char *id, struct oci_state *st)
{
	char path[OCI_PATH_MAX];
	int dir, err;

	fmt(path, sizeof path, "%s/%s", oci_root, id);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0)
		die("container %s does not exist (%s: %s)", id, path, error_text(errno));
	memset(st, 0, sizeof *st);
	st->id = id;
	err = oci_state_read(dir, st);
	if (err)
		die("container %s: its record %s/state cannot be read: %s", id, path,
		    error_text(-err));
	return dir;
}

void oci_remove_record(const char *id, int dir)
{
	static const char *const files[] = { "state", "annotations", "hooks", "seccomp", "exec.fifo" };
	char path[OCI_PATH_MAX];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (unlinkat(dir, files[i], 0) && errno != ENOENT)
			log_error("cannot remove %s/%s/%s: %s", oci_root, id, files[i],
				  error_text(errno));
	fmt(path, sizeof path, "%s/%s", oci_root, id);
	if (rmdir(path) && errno != ENOENT)
		log_error("cannot remove %s: %s", path, error_text(errno));
}

/* --- the cgroup of a container that create made ------------------------- */

/* A group= path of the record is acted on only when it is a group a
 * container could have: absolute, no ".." part, on a cgroup file system
 * and not the root of its hierarchy (a mount's root: its ".." lies on
 * another file system). A record under --root that someone rewrote
 * must not make kill --all or ps reach the host's processes (a root's
 * cgroup.procs holds nearly all of them), exec join them or delete
 * rmdir a directory outside the cgroup file systems. */
static bool group_dir(const char *path)
{
	struct statfs fs;
	struct stat self, up;
	bool ok = path[0] == '/';
	int fd = -1;

	/* by hand: strstr would bring musl's two-way search (1.4 KiB) */
	for (const char *p = path; ok && *p; p++)
		ok = !(p[0] == '/' && p[1] == '.' && p[2] == '.' && (p[3] == '/' || !p[3]));
	if (ok && (fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0 &&
	    errno == ENOENT)
		return false; /* gone (an older record: not made in each hierarchy) */
	ok = fd >= 0 && !fstatfs(fd, &fs) &&
	     (fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC) &&
	     !fstat(fd, &self) && !fstatat(fd, "..", &up, 0) &&
	     self.st_dev == up.st_dev && self.st_ino != up.st_ino;
	if (fd >= 0)
		close(fd);
	if (!ok)
		log_error("the record's group %s is not a container's cgroup: skipped",
			  path);
	return ok;
}

/* Its groups: the directories create made, as the record lists them;
 * for a record of an older hutch, its cgroup=PARENT/NAME below each
 * hierarchy's root. fn gets each directory's path. */
void oci_each_group(const struct oci_state *st,
		    void (*fn)(const char *path, void *arg), void *arg)
{
	static struct config probe_cfg;
	/* hutch oci runs as root only; cgroup_probe reads no more of it
	 * (zeroed: .bss, not its --device numbers' bytes in the file) */
	static struct runtime as_root;
	static struct cgroup cg;
	static char path[OCI_PATH_MAX];

	if (st->groups[0]) {
		char *g = memcpy(path, st->groups, sizeof st->groups), *next;
		for (; *g; g = next) {
			next = g + until_any(g, "\n");
			if (*next) /* the last line may lack its newline */
				*next++ = '\0';
			if (group_dir(g))
				fn(g, arg);
		}
		return;
	}
	/* none made (no controller to set, a read-only cgroup file system):
	 * nothing, never the hierarchy's root, whose cgroup.procs is every
	 * process of the host's */
	if (!st->cgroup_parent[0])
		return;
	probe_cfg.name = st->id;
	probe_cfg.cgroup_parent = st->cgroup_parent;
	cgroup_probe(&cg, &probe_cfg, &as_root, false);
	for (int c = 0; c < CG_N; c++) {
		if (!cg.mount[c][0] || (c && !strcmp(cg.mount[c], cg.mount[c - 1])))
			continue;
		fmt(path, sizeof path, "%s/%s", cg.mount[c], st->cgroup_parent);
		if (group_dir(path))
			fn(path, arg);
	}
}

static void remove_group(const char *path, void *arg)
{
	(void)arg;
	if (rmdir(path) && errno != ENOENT)
		log_error("cannot remove cgroup %s: %s", path, error_text(errno));
}

/* Each pid of the container's groups: FN on each pid listed in the
 * first group whose cgroup.procs can be read (the container's processes
 * are in each), for kill --all, ps, and delete's end of the rest. */
struct pid_walk {
	void (*fn)(pid_t pid, void *arg);
	void *arg;
	bool done;
};

static void pid_walk_line(char *line, void *arg)
{
	struct pid_walk *w = arg;
	uint64_t pid;

	if (!parse_uint(line, 1u << 30, &pid) && pid)
		w->fn((pid_t)pid, w->arg);
}

/* group_each_pid PATH FN ARG: 0, or -errno when PATH/cgroup.procs
 * cannot be read */
static int group_each_pid(const char *path, void (*fn)(pid_t pid, void *arg),
			  void *arg)
{
	struct pid_walk w = { fn, arg, false };
	char procs[OCI_PATH_MAX + 16];

	fmt(procs, sizeof procs, "%s/cgroup.procs", path);
	return each_line(procs, pid_walk_line, &w);
}

static void pid_walk_group(const char *path, void *arg)
{
	struct pid_walk *w = arg;

	if (!w->done)
		w->done = group_each_pid(path, w->fn, w->arg) == 0;
}

/* each_pid ST FN ARG: false when no group of the container was read */
static bool each_pid(const struct oci_state *st,
		     void (*fn)(pid_t pid, void *arg), void *arg)
{
	struct pid_walk w = { fn, arg, false };

	oci_each_group(st, pid_walk_group, &w);
	return w.done;
}

/* kill --all with a signal other than SIGKILL: each process of the
 * group gets it once, round after round, until a round's list holds no
 * process not signalled yet: one forked between a list and its parent's
 * signal is in the next list (one pass would miss it; runc freezes the
 * group instead). Each signalled process is held by a pidfd: its pid
 * listed again is the same process while the pidfd has not seen it
 * end, and a new one (the pid reused) once it has. A process that keeps
 * forking while it ignores the signal ends the rounds at 256. */
struct signalled {
	int sig;
	bool fresh;   /* a process was signalled in this round */
	bool done;    /* a group was read */
	size_t n;
	pid_t pid[512];
	int fd[512];
};

static bool pidfd_ended(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

static void signal_new(pid_t pid, void *arg)
{
	struct signalled *s = arg;
	size_t i = 0;
	int fd;

	while (i < s->n && s->pid[i] != pid)
		i++;
	if (i < s->n && !pidfd_ended(s->fd[i]))
		return; /* signalled already */
	if (i == sizeof s->pid / sizeof s->pid[0]) {
		kill(pid, s->sig); /* beyond what is held: one pass */
		return;
	}
	fd = sys_pidfd_open(pid, 0);
	if (fd < 0)
		return; /* it ended meanwhile */
	if (sys_pidfd_send_signal(fd, s->sig, NULL)) {
		close(fd);
		return;
	}
	if (i < s->n)
		close(s->fd[i]);
	else
		s->n++;
	s->pid[i] = pid;
	s->fd[i] = fd;
	s->fresh = true;
}

static void signal_group(const char *path, void *arg)
{
	struct signalled *s = arg;

	for (int round = 0; !s->done && round < 256; round++) {
		s->fresh = false;
		if (group_each_pid(path, signal_new, s))
			return; /* unreadable: the next group */
		if (!s->fresh)
			s->done = true;
	}
	s->done = true;
}

static bool signal_every_process(const struct oci_state *st, int sig)
{
	static struct signalled s; /* in .bss: 4 KiB */

	s.sig = sig;
	oci_each_group(st, signal_group, &s);
	for (size_t i = 0; i < s.n; i++)
		close(s.fd[i]);
	return s.done;
}

/* Every process of the container's groups ended, as runc's destroy ends
 * them where the container's PID namespace is not its own (the host's,
 * or one joined by path): there the kernel does not end the rest with
 * the first process. Each round lists the group and sends SIGKILL to
 * each process through a pidfd, then waits on the pidfds for their ends
 * (no timer); one forked meanwhile is in the next round's list, so a
 * process that keeps forking does not escape as it would one pass
 * (runc freezes the group instead). The first readable group holds
 * them all: the container's processes are in each. */
struct reap {
	int fd[128];
	size_t n;
	bool listed;
};

static void reap_pid(pid_t pid, void *arg)
{
	struct reap *r = arg;
	int fd;

	r->listed = true;
	if (r->n == sizeof r->fd / sizeof r->fd[0]) {
		kill(pid, SIGKILL); /* waited for in a later round */
		return;
	}
	fd = sys_pidfd_open(pid, 0);
	if (fd >= 0 && sys_pidfd_send_signal(fd, SIGKILL, NULL) == 0)
		r->fd[r->n++] = fd;
	else if (fd >= 0)
		close(fd); /* it ended meanwhile */
}

static void end_group(const char *path, void *arg)
{
	bool *done = arg;

	if (*done)
		return;
	for (int round = 0; round < 256; round++) {
		struct reap r = { .n = 0, .listed = false };
		if (group_each_pid(path, reap_pid, &r))
			return; /* unreadable: the next group */
		for (size_t i = 0; i < r.n; i++) {
			struct pollfd p = { r.fd[i], POLLIN, 0 };
			while (poll(&p, 1, -1) < 0 && errno == EINTR)
				;
			close(r.fd[i]);
		}
		if (!r.listed) {
			*done = true;
			return;
		}
	}
	log_error("cannot end every process of %s: they fork as fast as they are "
		  "killed", path);
	*done = true;
}

static bool end_every_process(const struct oci_state *st)
{
	bool done = false;

	oci_each_group(st, end_group, &done);
	return done;
}

/* ps --format json: the group's pids as a JSON array */
struct pids {
	char text[16384];
	size_t len;
};

static void list_pid(pid_t pid, void *arg)
{
	struct pids *p = arg;
	if (p->len + 24 < sizeof p->text)
		p->len += fmt(p->text + p->len, sizeof p->text - p->len, "%s%d",
			      p->len > 1 ? "," : "", (int)pid);
}

/* --- commands ------------------------------------------------------------ */

static int pid_fd(long pid)
{
	return sys_pidfd_open((pid_t)pid, 0);
}

static int start(int argc, char **argv)
{
	const char *id = oci_container_id(argc, argv, 1, "start");
	struct oci_state st;
	int dir = oci_open_record(id, &st), fifo;
	struct pollfd fds[2];
	char c;

	/* The pidfd before the fifo: opening the fifo lets the process go
	 * on, and one whose program exits at once (/bin/true) may be gone
	 * and reaped by its subreaper (conmon, the shim) before a pidfd
	 * opened after it: start then failed with ESRCH for a container that
	 * did start (Podman under load, 8 runs in 20). The status is judged
	 * after the pidfd is held: the process's start time still matches,
	 * so the pidfd is that process, not a reused pid's. */
	fds[1] = (struct pollfd){ pid_fd(st.pid), POLLIN, 0 };
	if (oci_status(dir, &st) != OCI_CREATED)
		die("cannot start container %s: it is %s, not created", id,
		    oci_status_name(oci_status(dir, &st)));
	fifo = openat(dir, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	fds[0] = (struct pollfd){ fifo, POLLIN, 0 };
	if (fifo < 0 || fds[1].fd < 0)
		die("cannot start container %s: %s", id, error_text(errno));
	/* its init opens the fifo for writing as soon as it is open for
	 * reading, and writes one byte; or it ended, which the pidfd says */
	while (poll(fds, 2, -1) < 0)
		if (errno != EINTR)
			die("cannot start container %s: %s", id, error_text(errno));
	if (!(fds[0].revents & POLLIN) || read(fifo, &c, 1) != 1)
		die("cannot start container %s: its process ended", id);
	unlinkat(dir, "exec.fifo", 0);
	oci_hooks_run(dir, &st, OCI_HOOK_POSTSTART, "running");
	return 0;
}

static int state(int argc, char **argv)
{
	const char *id = oci_container_id(argc, argv, 1, "state");
	struct oci_state st;
	int dir = oci_open_record(id, &st);

	oci_state_print(dir, &st);
	return 0;
}

static int kill_cmd(int argc, char **argv)
{
	struct oci_state st;
	int sig = SIGTERM;
	bool all = false;
	const char *id;
	int i = 1, dir;

	for (; i < argc && argv[i][0] == '-'; i++)
		if (oci_flag(argv[i], "all", "a"))
			all = true;
		else
			die("kill: unknown flag %s", argv[i]);
	id = oci_container_id(argc, argv, i, "kill");
	if (i + 1 < argc && !(sig = signal_number(argv[i + 1])))
		die("kill: '%s' is not a signal", argv[i + 1]);
	dir = oci_open_record(id, &st);
	if (oci_status(dir, &st) == OCI_STOPPED && !all)
		die("kill: container %s is not running", id);
	/* a forking process would escape one pass over the group */
	if (all && sig == SIGKILL && end_every_process(&st))
		return 0;
	if (all && sig != SIGKILL && signal_every_process(&st, sig))
		return 0;
	if (oci_status(dir, &st) != OCI_STOPPED && kill((pid_t)st.pid, sig))
		die("kill: container %s: %s", id, error_text(errno));
	return 0;
}

static int delete(int argc, char **argv)
{
	struct oci_state st;
	bool force = false;
	const char *id;
	int i = 1, dir;
	enum oci_status s;

	for (; i < argc && argv[i][0] == '-'; i++)
		if (oci_flag(argv[i], "force", "f"))
			force = true;
		else
			die("delete: unknown flag %s", argv[i]);
	id = oci_container_id(argc, argv, i, "delete");
	dir = oci_open_record(id, &st);
	s = oci_status(dir, &st);
	/* a created one too, as runc: its process never ran the program */
	if (s == OCI_RUNNING && !force)
		die("cannot delete container %s: it is %s (kill it first, or "
		    "delete --force)", id, oci_status_name(s));
	if (s != OCI_STOPPED) {
		/* SIGKILL, then wait for the end without a timer: the pidfd is
		 * readable once the process has exited. The rest of its PID
		 * namespace goes with it. */
		struct pollfd p = { pid_fd(st.pid), POLLIN, 0 };
		kill((pid_t)st.pid, SIGKILL);
		while (p.fd >= 0 && poll(&p, 1, -1) < 0 && errno == EINTR)
			;
	}
	/* the rest, where its PID namespace is not its own (as runc) */
	end_every_process(&st);
	/* as runc's driver: systemd stops the scope and removes its group
	 * (remove_group then finds it gone) */
	if (st.unit[0])
		oci_systemd_stop(st.unit);
	oci_hooks_run(dir, &st, OCI_HOOK_POSTSTOP, "stopped");
	oci_each_group(&st, remove_group, NULL);
	oci_remove_record(id, dir);
	return 0;
}

static int exec_cmd(int argc, char **argv)
{
	return oci_exec(argc, argv, oci_root);
}

static int ps(int argc, char **argv)
{
	static struct pids p; /* in .bss: an initializer would put 16 KiB in the file */
	struct oci_state st;
	const char *id;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *v;
		if ((v = oci_flag_value(argc, argv, &i, "format")) ||
		    (v = oci_flag_value(argc, argv, &i, "f"))) {
			if (strcmp(v, "json") != 0)
				die("ps: --format %s: hutch oci has json only", v);
		} else {
			die("ps: unknown flag %s", argv[i]);
		}
	}
	id = oci_container_id(argc, argv, i, "ps");
	close(oci_open_record(id, &st));
	p.text[0] = '[';
	p.len = 1;
	if (!each_pid(&st, list_pid, &p))
		die("ps: container %s has no cgroup to list", id);
	p.text[p.len++] = ']';
	p.text[p.len++] = '\n';
	write_all(STDOUT_FILENO, p.text, p.len);
	return 0;
}

static bool list_one(const char *name, void *arg)
{
	static char line[OCI_PATH_MAX + 200];
	struct oci_state st;
	char path[OCI_PATH_MAX];
	int dir;

	if (name[0] == '.')
		return true;
	fmt(path, sizeof path, "%s/%s", oci_root, name);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	memset(&st, 0, sizeof st);
	st.id = name;
	if (dir < 0 || oci_state_read(dir, &st)) {
		if (dir >= 0)
			close(dir);
		return true;
	}
	if (*(bool *)arg)
		write_all(STDOUT_FILENO, line, fmt(line, sizeof line, "%s\n", name));
	else
		write_all(STDOUT_FILENO, line, fmt(line, sizeof line, "%-12s %-8ld %-10s %s %s\n",
			  name, oci_status(dir, &st) == OCI_STOPPED ? 0L : st.pid,
			  oci_status_name(oci_status(dir, &st)), st.bundle, st.created));
	close(dir);
	return true;
}

static int list(int argc, char **argv)
{
	static const char head[] = "ID           PID      STATUS     BUNDLE CREATED\n";
	bool quiet = argc > 1 && oci_flag(argv[1], "quiet", "q");

	if (argc > 1 + quiet)
		die("list: only -q is supported (the table)");
	if (!quiet)
		write_all(STDOUT_FILENO, head, sizeof head - 1);
	each_entry(oci_root, list_one, &quiet);
	return 0;
}

/* features' linux.seccomp, in runc's words: what oci_seccomp.c takes
 * (SCMP_ACT_NOTIFY not), and the flags this kernel has. */
static void features_seccomp(void)
{
#if HUTCH_SECCOMP
	static const char *const flag[] = { "SECCOMP_FILTER_FLAG_TSYNC",
		"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW" };
	char buf[2048];
	size_t n = fmt(buf, sizeof buf, "{\"enabled\": true, \"actions\": ["
		"\"SCMP_ACT_ALLOW\", \"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\", "
		"\"SCMP_ACT_KILL_PROCESS\", \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", "
		"\"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"], \"operators\": [\"SCMP_CMP_EQ\", "
		"\"SCMP_CMP_GE\", \"SCMP_CMP_GT\", \"SCMP_CMP_LE\", \"SCMP_CMP_LT\", "
		"\"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"], \"archs\": [%s], "
		"\"knownFlags\": [\"%s\", \"%s\", \"%s\"], \"supportedFlags\": [",
		seccomp_oci_arch_names(), flag[0], flag[1], flag[2]);
	const char *sep = "";

	for (unsigned i = 0; i < 3 && n < sizeof buf; i++)
		if (seccomp_oci_flag_known(1u << i)) {
			n += fmt(buf + n, sizeof buf - n, "%s\"%s\"", sep, flag[i]);
			sep = ", ";
		}
	if (n < sizeof buf)
		n += fmt(buf + n, sizeof buf - n, "]}");
	write_all(STDOUT_FILENO, buf, n < sizeof buf ? n : sizeof buf - 1);
#else
	static const char off[] = "{\"enabled\": false}";
	write_all(STDOUT_FILENO, off, sizeof off - 1);
#endif
}

/* What this runtime does, for callers that ask (runtime-spec's
 * features.md); what it refuses is in docs/oci.md. */
static int features(int argc, char **argv)
{
	static const char text[] =
		"{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.1.0\",\n"
		"  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", "
		"\"startContainer\", \"poststart\", \"poststop\"],\n  \"mountOptions\": [\"ro\", \"rw\", \"nosuid\", "
		"\"suid\", \"nodev\", \"dev\", \"noexec\", \"exec\", \"relatime\", "
		"\"strictatime\", \"noatime\", \"nodiratime\", \"sync\", \"dirsync\", "
		"\"bind\", \"rbind\", \"private\", \"rprivate\", \"shared\", "
		"\"rshared\", \"slave\", \"rslave\", \"unbindable\", "
		"\"runbindable\"],\n"
		"  \"linux\": {\n    \"namespaces\": [\"pid\", \"mount\", \"ipc\", "
		"\"uts\", \"network\", \"user\"],\n    \"cgroup\": {\"v1\": true, \"v2\": true, "
		"\"systemd\": true, \"systemdUser\": false},\n"
		"    \"seccomp\": ";
	static const char tail[] = ",\n    \"apparmor\": {\"enabled\": "
		"false},\n    \"selinux\": {\"enabled\": false}\n  }\n}\n";
	(void)argc;
	(void)argv;
	write_all(STDOUT_FILENO, text, sizeof text - 1);
	features_seccomp();
	write_all(STDOUT_FILENO, tail, sizeof tail - 1);
	return 0;
}

static int global_flags(int argc, char **argv)
{
	int i;
	const char *v, *log_path = NULL;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = oci_flag_value(argc, argv, &i, "root")))
			oci_root = v;
		else if ((v = oci_flag_value(argc, argv, &i, "log")))
			log_path = v;
		else if ((v = oci_flag_value(argc, argv, &i, "log-format"))) {
			if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
				die("--log-format %s: text or json", v);
			log_json = v[0] == 'j';
		} else if ((v = oci_flag_value(argc, argv, &i, "rootless"))) {
			if (strcmp(v, "false") != 0 && strcmp(v, "auto") != 0)
				die("--rootless %s: hutch oci runs as root only", v);
		} else if (oci_flag(argv[i], "systemd-cgroup", NULL) ||
			   oci_flag(argv[i], "systemd-cgroup=true", NULL))
			oci_systemd_cgroup = true;
		else if (oci_flag(argv[i], "systemd-cgroup=false", NULL))
			oci_systemd_cgroup = false; /* runc's flags take =true and =false */
		else if (!oci_flag(argv[i], "debug", NULL))
			die("unknown global flag %s (hutch oci [--root DIR] [--log FILE] "
			    "[--log-format text|json] [--systemd-cgroup] COMMAND ...)", argv[i]);
	}
	if (oci_root[0] != '/')
		die("--root %s: an absolute path", oci_root);
	if (log_path) {
		log_file = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
				O_NOCTTY, 0644);
		if (log_file < 0)
			die("--log %s: %s", log_path, error_text(errno));
		log_also(log_line);
	}
	return i;
}

int oci_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = { { "create", oci_create }, { "start", start }, { "state", state },
			 { "kill", kill_cmd }, { "delete", delete }, { "list", list },
			 { "features", features }, { "ps", ps },
			 { "exec", exec_cmd } };
	int i = global_flags(argc, argv);

	if (i >= argc)
		die("no command (hutch oci [GLOBAL FLAGS] create|start|state|kill|"
		    "delete|list|ps|exec|features ...; docs/oci.md)");
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	die("%s: not a command hutch oci has (create, start, state, kill, delete, "
	    "list, ps, exec, features; docs/oci.md)", argv[i]);
}
