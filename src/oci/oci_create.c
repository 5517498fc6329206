// SPDX-License-Identifier: MIT
/* oci_create.c - [oci] `create [--bundle DIR] [--pid-file FILE]
 * [--console-socket SOCK] [--no-pivot] [--no-new-keyring] ID`: the
 * record, the cgroup, the PID namespace and the container's PID 1
 * (oci_init.c), whose set-up answers on a pipe; on a failure its lines
 * are said here and everything made is removed. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "kernel_calls.h"
#include "log.h"
#include "oci_internal.h"
#include "oci_systemd.h"
#include "preflight.h"
#include "selfexec.h"
#include "sys.h"

/* --root and every directory above it that is missing, as runc makes it
 * (MkdirAll): containerd's shim passes /run/containerd/runc/NAMESPACE,
 * which nothing has made before a namespace's first container. Only
 * create makes it; the other commands find no container without it. */
static void make_root(const char *root)
{
	char path[PATH_MAX];
	size_t n = strlen(root);

	if (n >= sizeof path)
		die("--root %s: a path of at most %zu bytes", root, sizeof path - 1);
	memcpy(path, root, n + 1);
	for (char *p = path + 1;; p++) {
		bool last = !*p;

		if (*p != '/' && !last)
			continue;
		*p = 0;
		if (mkdir(path, 0711) && errno != EEXIST)
			die("--root %s: cannot make %s: %s", root, path, error_text(errno));
		if (last)
			return;
		*p = '/';
	}
}

/* --console-socket: the caller's AF_UNIX socket, where the pty's master
 * goes (pty.c) */
int oci_console_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof a.sun_path)
		die("--console-socket %s: too long a path", path);
	memcpy(a.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a))
		die("--console-socket %s: %s", path, error_text(errno));
	return fd;
}

/* A one-way signal to the container's process: a socket pair, whose
 * send(MSG_NOSIGNAL) fails with EPIPE where a pipe's write would kill
 * create with SIGPIPE if the process has just died. */
static int go_pair(int go[2])
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go);
}

static int go_send(int fd)
{
	return send(fd, "g", 1, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* The container's process: forked in the PID namespace made (or
 * joined) for create's children, or with a user namespace cloned into
 * new user and PID namespaces at once, its id maps written from here
 * before it goes on (oci_userns.c). -1 when it could not be made or
 * mapped (said; it is gone). */
static pid_t start_init(struct config *cfg, const struct runtime *rt,
			struct oci_spec *spec, const struct cgroup *cg, int sync[2], int fifo,
			int console)
{
	int go[2] = { -1, -1 }, err = 0;
	pid_t pid;

	if (spec->userns && go_pair(go))
		return -1;
	spec->userns_go = go[0];
	pid = (pid_t)clone_nostack((spec->userns ? CLONE_NEWUSER | CLONE_NEWPID : 0) |
				   SIGCHLD);
	if (pid == 0) {
		close(sync[0]);
		close(go[1]);
		/* create's end: the process must see it closed if create ends */
		if (spec->hooks_go[1] >= 0)
			close(spec->hooks_go[1]);
		oci_init(cfg, rt, spec, cg, sync[1], fifo, console);
	}
	close(sync[1]);
	if (pid < 0)
		log_error("cannot create the container's process%s: %s", spec->userns ?
			  " in a new user namespace" : "", error_text(errno));
	if (pid > 0 && spec->userns && (err = oci_userns_map(spec, pid)) == 0)
		err = go_send(go[1]);
	if (err) {
		log_error("cannot write the user namespace's id maps (/proc/%d/uid_map, "
			  "gid_map): %s", (int)pid, error_text(-err));
		kill(pid, SIGKILL);
	}
	if (spec->userns) {
		close(go[0]);
		close(go[1]);
	}
	return pid;
}

/* The container's set-up on the sync pipe: its messages, up to the byte
 * that says it waits before its root switch (\005, with hooks) or is
 * set up (\006), or up to its end. */
static ssize_t read_sync(int fd, char *reply, ssize_t got, size_t size)
{
	ssize_t n;

	while (!(got && (reply[got - 1] == '\005' || reply[got - 1] == '\006')) &&
	       (n = read(fd, reply + got, size - 1 - (size_t)got)) != 0)
		if (n > 0)
			got += n;
		else if (errno != EINTR)
			break;
	return got;
}

/* The groups cgroup_create made (not the parents it found or made,
 * which stay, as runc leaves them): where the kernel says each is, for
 * kill --all, ps, exec and delete. */
static int record_groups(struct oci_state *st, const struct cgroup *cg)
{
	char fd[32], path[OCI_PATH_MAX];

	for (int c = 0; c < CG_N; c++) {
		ssize_t n;
		if (cg->parent[c] < 0)
			continue;
		fmt(fd, sizeof fd, "/proc/self/fd/%d", cg->dir[c]);
		n = readlink(fd, path, sizeof path - 1);
		path[n > 0 ? n : 0] = '\0';
		if (n <= 0 || !oci_group_add(st, path)) {
			log_error("create: the record cannot keep the %s group %s",
				  cgroup_ctrl_name(cg->version, (enum cg_ctrl)c), path);
			return -1;
		}
	}
	return 0;
}

/* The record, then prestart and createRuntime: -1 when one failed
 * (said). st's id, bundle and rootfs are set. */
static int record_and_hooks(int dir, struct oci_state *st, const struct oci_spec *spec,
			    const struct cgroup *cg, pid_t pid)
{
	st->pid = pid;
	st->start = oci_pid_start(pid);
	oci_time_now(st->created, sizeof st->created);
	fmt(st->version, sizeof st->version, "%s", spec->version);
	return record_groups(st, cg) || oci_state_write(dir, st) ||
	       (spec->annotations && oci_record_file(dir, "annotations", spec->annotations,
						     spec->annotations_len)) ||
	       (spec->hooks && oci_record_file(dir, "hooks", spec->hooks, spec->hooks_len)) ||
	       oci_seccomp_save(dir) ||
	       oci_hooks_run(dir, st, OCI_HOOK_PRESTART, "creating") ||
	       oci_hooks_run(dir, st, OCI_HOOK_CREATE_RUNTIME, "creating") ? -1 : 0;
}

/* What a die() of create's set-up would leave behind: the process, the
 * group (a half-made one too: cgroup_remove takes what exists) and the
 * record. The steps are create's: the container's process forgets them
 * (oci_init.c). */
static struct cgroup cg;
static const char *made_id, *made_unit;
static int made_dir;
static pid_t made_pid;

/* The group, and first the scope systemd made of it: systemd stops it
 * and removes the group itself (a group removed under it, systemd
 * would never see the scope empty, and the unit would stay, active,
 * for the next create of that name). */
static void remove_groups(void)
{
	if (made_unit)
		oci_systemd_stop(made_unit);
	cgroup_remove(&cg);
}

static void made_undo(void)
{
	int status;

	if (made_pid > 0 && !kill(made_pid, SIGKILL))
		waitpid(made_pid, &status, 0);
	remove_groups();
	oci_remove_record(made_id, made_dir);
}

/* --systemd-cgroup where systemd runs: systemd makes the scope with the
 * container's process in it, as runc's driver has it made once the
 * process exists (its group is the one hutch made, which systemd takes
 * as the scope's); then hutch's limits over systemd's defaults. Dies
 * (create's undo steps remove the rest; a scope emptied systemd stops). */
static void systemd_scope(int bus, const struct oci_spec *spec, const struct config *cfg,
			  const struct runtime *rt, pid_t pid, struct oci_state *st)
{
	static char what[160];
	static struct sdbus_dev dev[SDBUS_MAX_DEVICES];
	struct sdbus_unit u = {
		.name = spec->sd_unit, .slice = spec->sd_slice, .pid = (uint32_t)pid,
		.description = what, .v1 = cg.version == 1,
		.memory_max = cfg->memory_max,
		.memory_low = cgroup_exact.memory_reservation,
		.memory_swap_max = cfg->memory_swap_set ? cfg->memory_swap_max : 0,
		.tasks_max = spec->pids_unlimited ? UINT64_MAX : cfg->pids_max,
		.cpu_weight = !spec->cpu_shares ? 0 : cg.version == 1 ? spec->cpu_shares
					: cfg->cpu_weight,
		.cpu_quota_us = spec->cpu_quota, .cpu_period_us = spec->cpu_period,
	};

	fmt(what, sizeof what, "hutch container %s", spec->sd_name);
	if (u.v1) {
		u.n_dev = oci_systemd_devices(cfg, rt, dev, &u.dev_all);
		u.dev = dev;
	}
	if (oci_systemd_start(bus, &u)) {
		die_unwind(); /* said in one line there; the rest undone as by die */
		exit(EXIT_SETUP);
	}
	close(bus);
	fmt(st->unit, sizeof st->unit, "%s", spec->sd_unit);
	made_unit = st->unit;
	cgroup_rewrite_limits(&cg, cfg, rt);
}

int oci_create(int argc, char **argv)
{
	static struct config cfg;
	static struct runtime rt; /* what the launcher's would hold */
	static struct oci_spec spec;
	static struct oci_state st;
	static char bundle[OCI_PATH_MAX], reply[4096], host[65];
	const char *bundle_arg = ".", *pid_file = NULL, *console_path = NULL, *id, *v;
	int console = -1, go[2] = { -1, -1 }, bus = -1;
	bool no_pivot = false, recorded = false;
	int i, dir, fifo, sync[2], status;
	ssize_t got = 0;
	pid_t pid;

	/* its init enters the container and waits there for start: from a
	 * copy no process of the container can write (selfexec.c) */
	selfexec_sealed();
	/* set here, not by an initializer: zeroed it is .bss, no bytes in the file */
	rt = (struct runtime)RUNTIME_INIT;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = oci_flag_value(argc, argv, &i, "bundle")) ||
		    (v = oci_flag_value(argc, argv, &i, "b")))
			bundle_arg = v;
		else if ((v = oci_flag_value(argc, argv, &i, "pid-file")))
			pid_file = v;
		else if ((v = oci_flag_value(argc, argv, &i, "console-socket")))
			console_path = v;
		else if ((v = oci_flag_value(argc, argv, &i, "preserve-fds"))) {
			if (strcmp(v, "0") != 0)
				die("create: --preserve-fds: not supported by hutch oci");
		} else if (oci_flag(argv[i], "no-pivot", NULL))
			no_pivot = true;
		else if (!oci_flag(argv[i], "no-new-keyring", NULL))
			die("create: unknown flag %s", argv[i]);
	}
	id = oci_container_id(argc, argv, i, "create");
	if (bundle_arg[0] == '/')
		fmt(bundle, sizeof bundle, "%s", bundle_arg);
	/* the system call: musl's getcwd brings strdup and malloc along */
	else if (sys_getcwd(bundle, sizeof bundle - 1 - strlen(bundle_arg)) <= 0 ||
		 fmt(bundle + strlen(bundle), sizeof bundle - strlen(bundle), "/%s",
		     bundle_arg) >= sizeof bundle)
		die("create: --bundle %s: cannot make it absolute", bundle_arg);
	oci_load(bundle, id, &cfg, &rt, &spec);
	log_setup(id, cfg.verbosity);
	/* the record is key=value lines: a path with a control character in
	 * it could add a line (a pid, a cgroup) to it; and refused before
	 * any other check, which would say the path, its newline with it */
	for (const char *const *p = (const char *const[]){ bundle, cfg.root, NULL }; *p; p++)
		if (!oci_one_line(*p))
			die("%s: a control character in the path: refused",
			    *p == bundle ? "--bundle" : "root.path");
	cfg.force_chroot = no_pivot;
	if (spec.host_hostname) {
		if (gethostname(host, sizeof host - 1))
			die("cannot read the hostname: %s", error_text(errno));
		cfg.hostname = host;
	}
	preflight_host(&cfg, &rt, NULL);
	preflight_cpus(&cfg, NULL);
	if (spec.terminal != !!console_path)
		die(spec.terminal ? "process.terminal is true: create needs "
		    "--console-socket" : "--console-socket given, but process.terminal "
		    "is false");
	if (console_path)
		console = oci_console_connect(console_path);

	/* before anything is made: a refusal leaves nothing behind */
	if (spec.sd_unit)
		bus = oci_systemd_connect();
	make_root(oci_root);
	fmt(st.bundle, sizeof st.bundle, "%s", bundle);
	fmt(st.rootfs, sizeof st.rootfs, "%s", cfg.root);
	fmt(reply, sizeof reply, "%s/%s", oci_root, id);
	if (mkdir(reply, 0711))
		die("container %s: cannot make %s: %s", id, reply, errno == EEXIST ?
		    "it exists already" : error_text(errno));
	dir = open(reply, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0 || mkfifoat(dir, "exec.fifo", 0600) ||
	    (fifo = openat(dir, "exec.fifo", O_PATH | O_CLOEXEC)) < 0) {
		int err = errno;
		if (dir >= 0)
			oci_remove_record(id, dir);
		die("cannot make %s/exec.fifo: %s", reply, error_text(err));
	}
	/* the container's root opens it to wait for start: as runc, its own */
	if (spec.userns && fchownat(dir, "exec.fifo", spec.userns_root[0],
				    spec.userns_root[1], AT_SYMLINK_NOFOLLOW)) {
		int err = errno;
		oci_remove_record(id, dir);
		die("cannot give %s/exec.fifo to the container's root: %s", reply,
		    error_text(err));
	}
	cgroup_probe(&cg, &cfg, &rt, false);
	if (pipe_cloexec(sync) || oci_ns_pid(&spec)) {
		int err = errno;
		oci_remove_record(id, dir);
		die("cannot %s the PID namespace: %s", spec.join[OCI_NS_PID] ? "join" :
		    "create", error_text(err));
	}
	made_id = id;
	made_dir = dir;
	die_push(made_undo); /* a write the kernel refuses dies in cgroup_create */
	cgroup_create(&cg, &cfg, &rt);
	/* with hooks, its process waits before its root switch for
	 * prestart and createRuntime (oci_init.c) */
	if (spec.hooks && go_pair(go))
		die("cannot make a socket pair: %s", error_text(errno));
	spec.hooks_go[0] = go[0];
	spec.hooks_go[1] = go[1];
	pid = start_init(&cfg, &rt, &spec, &cg, sync, fifo, console);
	made_pid = pid;
	st.id = id;
	if (pid > 0 && bus >= 0)
		systemd_scope(bus, &spec, &cfg, &rt, pid, &st);
	made_pid = 0;
	die_pop(made_undo); /* from here each failure removes them itself */
	if (go[0] >= 0)
		close(go[0]);
	oci_ns_pid_back();
	if (console >= 0)
		close(console);
	got = pid > 0 ? read_sync(sync[0], reply, 0, sizeof reply) : 0;
	if (got && reply[got - 1] == '\005') {
		got--;
		if (record_and_hooks(dir, &st, &spec, &cg, pid)) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			remove_groups();
			oci_remove_record(id, dir);
			die("create: container %s: its record or a hook failed (above)", id);
		}
		recorded = true;
		if (go_send(go[1]))
			log_error("create: cannot let the container go on: %s", error_text(errno));
		got = read_sync(sync[0], reply, got, sizeof reply);
	}
	if (go[1] >= 0)
		close(go[1]);
	if (pid < 0 || got == 0 || reply[got - 1] != '\006') {
		reply[got] = '\0';
		if (pid > 0)
			waitpid(pid, &status, 0);
		remove_groups();
		oci_remove_record(id, dir);
		/* the container's own lines: each one, to the --log file too */
		for (char *line = reply, *end; *line; line = end) {
			end = line + until_any(line, "\n");
			if (*end)
				*end++ = '\0';
			log_error("%s", line + (strncmp(line, "hutch[", 6) ? 0 :
						until_any(line, " ") + 1));
		}
		if (pid < 0 || got == 0)
			log_error("create: the container's process ended before it was "
				  "set up");
		return 1;
	}
	if (!recorded && record_and_hooks(dir, &st, &spec, &cg, pid)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		remove_groups();
		oci_remove_record(id, dir);
		die("create: container %s: its record or a hook failed (above)", id);
	}
	if (pid_file) {
		char text[24];
		int fd = open(pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write_all(fd, text, fmt(text, sizeof text, "%d", (int)pid))) {
			log_error("--pid-file %s: %s", pid_file, error_text(errno));
			kill(pid, SIGKILL);
			return 1;
		}
		close(fd);
	}
	return 0;
}
