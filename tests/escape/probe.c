/* SPDX-License-Identifier: MIT */
/* probe.c - the escape test suite's attacker. A static binary placed at
 * /probe in a copy of the test root; hutch runs it as the service:
 *
 *   probe ATTACK [ARG...]
 *
 * performs one attack from inside the sandbox and prints one line,
 *
 *   ATTACK: blocked (what stopped it, errno names first: EPERM: ...)
 *   ATTACK: ESCAPED (what it reached)
 *   ATTACK: setup problem (why the attack could not be tried)
 *
 * exiting 0, 1 or 2 accordingly. `probe list` names the attacks.
 *
 * Each attack runs in a child process: a seccomp filter whose action is to
 * kill still yields a line ("blocked (killed by SIGSYS ...)"), and what an
 * attack changes in its own process (a new user namespace, a chroot) dies
 * with it.
 *
 * Every attack is chosen to do no harm when a defence is missing: reboot
 * asks for LINUX_REBOOT_CMD_CAD_OFF, kexec passes invalid descriptors or too
 * many segments, module loading gets garbage, the SysRq trigger and
 * core_pattern are opened for writing and never written, settimeofday gets
 * no time, the device node is only read. What it mounts lives in the
 * sandbox's mount namespace. A test tool, so stdio is fine here. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* What musl's headers leave out (no kernel headers with musl-gcc). */
#define PROC_SUPER_MAGIC 0x9fa0
#define LINUX_REBOOT_MAGIC1 0xfee1deadU
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_CAD_OFF 0
#define KEXEC_SEGMENT_MAX 16
#define PTRACE_SEIZE_REQ 0x4206
#define PTRACE_ATTACH_REQ 16
#define PTRACE_DETACH_REQ 17
#define SYSLOG_ACTION_READ_ALL 3
#define KEYCTL_GET_KEYRING_ID 0
#define KEYCTL_DESCRIBE 6
#define KEY_SPEC_USER_KEYRING (-4)
#define BPF_MAP_CREATE 0
#define BPF_MAP_TYPE_ARRAY 2
#define PERF_TYPE_SOFTWARE 1
#define PERF_COUNT_SW_TASK_CLOCK 1
#define X32_SYSCALL_BIT 0x40000000L
#define FILEID_INO32_GEN 1
#define I386_GETPID 20
#define I386_MOUNT 21
#define I386_UNSHARE 310
#define AF_PACKET_FAMILY 17
#define ETH_P_ALL_BE 0x0300 /* htons(ETH_P_ALL) */
#ifndef SYS_clone3
#define SYS_clone3 435 /* the same on every architecture */
#endif

static const char *attack = "probe";

/* --- the verdict line ------------------------------------------------------ */

static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" },	  { ENOENT, "ENOENT" },   { ESRCH, "ESRCH" },
		{ EIO, "EIO" },		  { ENXIO, "ENXIO" },	  { E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" },	  { EBADF, "EBADF" },	  { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" },	  { EACCES, "EACCES" },   { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },	  { EEXIST, "EEXIST" },   { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" },	  { EISDIR, "EISDIR" },   { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" },	  { EROFS, "EROFS" },	  { ENOSYS, "ENOSYS" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ESTALE, "ESTALE" }, { ENOKEY, "ENOKEY" },
		{ EKEYREJECTED, "EKEYREJECTED" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].e == e)
			return names[i].name;
	return "errno";
}

/* "EPERM: Operation not permitted", in a rotating static buffer, so one
 * verdict can name several. */
static const char *err_text(int e)
{
	static char bufs[8][96];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof bufs[0], "%s: %s", errno_name(e), strerror(e));
	return b;
}

__attribute__((format(printf, 3, 4)))
static int verdict(int code, const char *what, const char *f, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, f);
	vsnprintf(msg, sizeof msg, f, ap);
	va_end(ap);
	dprintf(STDOUT_FILENO, "%s: %s (%s)\n", attack, what, msg);
	return code;
}

#define BLOCKED(...) verdict(0, "blocked", __VA_ARGS__)
#define ESCAPED(...) verdict(1, "ESCAPED", __VA_ARGS__)
#define SETUP(...) verdict(2, "setup problem", __VA_ARGS__)

/* "not permitted": what a dropped capability or a seccomp filter answers. */
static bool denied(int e)
{
	return e == EPERM || e == EACCES;
}

/* --- small helpers ------------------------------------------------------- */

/* The number after "Key:" in /proc/self/status (hex for the Cap* lines
 * when hex is set), or -1 when absent. */
static long long status_field(const char *status_path, const char *key, bool hex)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open(status_path, O_RDONLY | O_CLOEXEC);
	size_t klen = strlen(key);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoll(p + klen + 1, NULL, hex ? 16 : 10);
	return -1;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the directory dirfd lies outside the sandbox's root: walk ".."
 * up; meeting "/" means inside, reaching a top (".." is itself) that is
 * not "/" means outside. On "outside", *top gets an fd of that top. */
static bool outside_root(int dirfd, int *top)
{
	struct stat root, here, up;
	int fd = dup(dirfd);

	*top = -1;
	if (fd < 0 || stat("/", &root))
		return false;
	for (int depth = 0; depth < 4096; depth++) {
		int parent;
		if (fstat(fd, &here) || same_inode(&here, &root))
			break;
		parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || fstat(parent, &up))
			break;
		if (same_inode(&up, &here)) {
			close(parent);
			*top = fd;
			return true;
		}
		close(fd);
		fd = parent;
	}
	close(fd);
	return false;
}

/* Whether the host marker (an absolute host path) opens relative to the
 * directory fd top, taken as the host's "/". */
static bool marker_from(int top, const char *marker)
{
	int fd = openat(top, marker + strspn(marker, "/"), O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* --- the file system: chroot, /proc/PID/root, cwd and fds ------------------ */

static int chroot_escape(int argc, char **argv)
{
	struct stat root0, root1;

	if (argc < 1 || argv[0][0] != '/')
		return SETUP("usage: chroot-escape HOST-MARKER-PATH");
	if (access(argv[0], F_OK) == 0)
		return SETUP("the host marker %s is visible before any attack", argv[0]);
	if (stat("/", &root0))
		return SETUP("stat /: %s", err_text(errno));
	if (mkdir("/tmp/.probe-chroot", 0700) && errno != EEXIST)
		return SETUP("mkdir /tmp/.probe-chroot: %s", err_text(errno));
	if (chroot("/tmp/.probe-chroot"))
		return BLOCKED("chroot: %s", err_text(errno));
	/* The working directory is now outside the (new) root: climb. */
	for (int i = 0; i < 256; i++)
		if (chdir(".."))
			break;
	if (chroot("."))
		return BLOCKED("second chroot: %s", err_text(errno));
	if (access(argv[0], F_OK) == 0)
		return ESCAPED("chroot x; cd .. (x256); chroot . reached the host marker %s",
			       argv[0]);
	if (stat("/", &root1) == 0 && !same_inode(&root0, &root1))
		return ESCAPED("chroot x; cd ..; chroot . landed outside the sandbox's "
			       "root (inode %llu)", (unsigned long long)root1.st_ino);
	return BLOCKED("chroot works, but cd .. stops at the sandbox's root: the "
		       "old root is gone");
}

/* A descriptor of another process of the sandbox, reopened through
 * /proc/PID/fd/N: a directory outside the root leads to the host. */
static int others_fd(const char *pid, const char *marker)
{
	char path[600];
	struct dirent *e;
	DIR *d;
	int top;

	snprintf(path, sizeof path, "/proc/%s/fd", pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof path, "/proc/%s/fd/%s", pid, e->d_name);
		int fd = e->d_name[0] == '.' ? -1 :
			 open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && outside_root(fd, &top)) {
			closedir(d);
			return ESCAPED("%s is a directory outside the root%s", path,
				       marker_from(top, marker) ? ", the host marker "
				       "opens from its top" : "");
		}
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
	return 0;
}

static int proc1_root(int argc, char **argv)
{
	static const char *const links[] = { "root", "cwd" };
	char path[4200];
	DIR *d;
	struct dirent *e;

	if (argc < 1 || argv[0][0] != '/')
		return SETUP("usage: proc1-root HOST-MARKER-PATH");
	d = opendir("/proc");
	if (!d)
		return SETUP("opendir /proc: %s", err_text(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof path, "/proc/%s/%s%s", e->d_name, links[i],
				 argv[0]);
			if (access(path, F_OK) == 0) {
				closedir(d);
				return ESCAPED("%s opens: the host's file system", path);
			}
		}
		if (others_fd(e->d_name, argv[0])) {
			closedir(d);
			return 1;
		}
	}
	closedir(d);
	snprintf(path, sizeof path, "/proc/1/root%s", argv[0]);
	return BLOCKED("no /proc/PID/root, cwd or fd leads out (%s: %s)", path,
		       access(path, F_OK) ? err_text(errno) : "?");
}

/* A descriptor that reaches the service, other than 0, 1, 2: a directory
 * outside the root is an escape, anything else a leak. */
static int check_fd(int fd, const char *marker, char *leaks, size_t size)
{
	char link[64], target[256] = "?";
	struct stat st;
	int top;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	target[n > 0 ? n : 1] = '\0';
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && outside_root(fd, &top)) {
		bool reached = marker_from(top, marker);
		close(top);
		return ESCAPED("fd %d is a directory outside the root (%s)%s", fd, target,
			       reached ? ", the host marker opens from it" : "");
	}
	size_t used = strlen(leaks);
	snprintf(leaks + used, size - used, "%sfd %d -> %s", used ? ", " : "", fd,
		 target);
	return 0;
}

static int cwd_leak(int argc, char **argv)
{
	int open_fds[1024], n = 0, top, cwd;
	char leaks[2048] = "";

	if (argc < 1 || argv[0][0] != '/')
		return SETUP("usage: cwd-leak HOST-MARKER-PATH");
	/* List the inherited descriptors before opening any of our own. */
	for (int fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			open_fds[n++] = fd;
	for (int i = 0; i < n; i++)
		if (check_fd(open_fds[i], argv[0], leaks, sizeof leaks))
			return 1;
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		return SETUP("open the working directory: %s", err_text(errno));
	if (outside_root(cwd, &top))
		return ESCAPED("the working directory is outside the root%s",
			       marker_from(top, argv[0]) ? ", the host marker opens from it"
							  : "");
	if (access("/proc/self/cwd/..", F_OK) == 0 && marker_from(cwd, argv[0]))
		return ESCAPED("the host marker opens from the working directory");
	if (*leaks)
		return ESCAPED("descriptors leaked into the sandbox: %s", leaks);
	return BLOCKED("no descriptor but 0, 1, 2 and the working directory is "
		       "inside the root");
}

/* --- mounts ----------------------------------------------------------------- */

static int do_mount(int argc, char **argv)
{
	const char *target = argc > 0 ? argv[0] : "/mnt";
	struct stat st;

	if (stat(target, &st) && mkdir(target, 0755) && stat(target, &st))
		target = "/tmp";
	if (mount("probe", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k") == 0)
		return ESCAPED("mounted a tmpfs on %s", target);
	int e = errno;
	if (mount("proc", target, "proc", 0, NULL) == 0)
		return ESCAPED("mounted a proc on %s (tmpfs: %s)", target, err_text(e));
	return BLOCKED("mount tmpfs on %s: %s", target, err_text(e));
}

static int remount_rw(int argc, char **argv)
{
	struct statvfs sv;

	(void)argc, (void)argv;
	if (statvfs("/", &sv) || !(sv.f_flag & ST_RDONLY))
		return SETUP("/ is not read-only: run hutch with --read-only");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL) == 0 ||
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV,
		  NULL) == 0) {
		int fd = open("/.probe-rw", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			return ESCAPED("remounted / read-write and created /.probe-rw "
				       "in the root image");
		return ESCAPED("remounted / read-write (creating a file then: %s)",
			       err_text(errno));
	}
	int e = errno;
	if (mkdir("/tmp/.probe-rw", 0700) && errno != EEXIST)
		return BLOCKED("remount: %s", err_text(e));
	if (mount("/", "/tmp/.probe-rw", NULL, MS_BIND, NULL) == 0 &&
	    mount(NULL, "/tmp/.probe-rw", NULL, MS_REMOUNT | MS_BIND, NULL) == 0)
		return ESCAPED("bound / again at /tmp/.probe-rw and made that read-write");
	return BLOCKED("remount / read-write: %s; bind / elsewhere: %s", err_text(e),
		       err_text(errno));
}

static int do_umount(int argc, char **argv)
{
	const char *target = argc > 0 ? argv[0] : "/proc";

	if (umount2(target, MNT_DETACH) == 0)
		return ESCAPED("unmounted %s", target);
	if (errno == EINVAL)
		return SETUP("%s is not a mount point (EINVAL)", target);
	return BLOCKED("umount2 %s: %s", target, err_text(errno));
}

/* --- cgroups ------------------------------------------------------------------ */

/* The group of this process in the v1 hierarchy of `controller` ("0::"
 * for v2 when controller is "cgroup2"), from /proc/self/cgroup. */
static bool own_group(const char *controller, char *group, size_t size)
{
	char buf[4096], *line, *save = NULL;
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		ctrls++;
		bool v2 = !strcmp(controller, "cgroup2") && !*ctrls;
		if (v2 || !strcmp(ctrls, controller)) {
			snprintf(group, size, "%s", path);
			return true;
		}
	}
	return false;
}

/* Writes every process of the sandbox into the root group's cgroup.procs
 * under dir: PID 1, the service, the probe. 0 or -errno of the first
 * failure. */
static int move_all_out(const char *dir)
{
	char path[300], pid[300];
	struct dirent *ent;
	DIR *d = opendir("/proc");
	int err = d ? 0 : -errno;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	while (d && !err && (ent = readdir(d)))
		if (ent->d_name[0] >= '1' && ent->d_name[0] <= '9') {
			snprintf(pid, sizeof pid, "%s\n", ent->d_name);
			err = write_text(path, pid);
		}
	if (d)
		closedir(d);
	return err;
}

/* With a hierarchy reachable at dir: loosen the group's pids.max, move
 * the whole sandbox out to the root group. */
static int cgroup_attack_at(const char *dir, const char *group, const char *how)
{
	char path[4200];
	int max_err, move_err;

	snprintf(path, sizeof path, "%s%s/pids.max", dir, group);
	max_err = write_text(path, "max");
	move_err = move_all_out(dir);
	if (!max_err || !move_err)
		return ESCAPED("%s: %s%s%s", how,
			       max_err ? "" : "set pids.max of its own group to max",
			       !max_err && !move_err ? ", " : "",
			       move_err ? "" : "moved every process of the sandbox to the "
			       "root group");
	return ESCAPED("%s (writing pids.max: %s; cgroup.procs: %s)", how,
		       err_text(-max_err), err_text(-move_err));
}

static int cgroup_write(int argc, char **argv)
{
	const char *controller = argc > 0 ? argv[0] : "pids";
	char group[1024], dir[64], path[1200];
	bool v2 = !strcmp(controller, "cgroup2");
	int e_v1, e_v2;

	if (!own_group(controller, group, sizeof group))
		return SETUP("no %s line in /proc/self/cgroup", controller);
	if (!strcmp(group, "/"))
		group[0] = '\0';
	/* The host's usual paths: not mounted in the sandbox. */
	snprintf(dir, sizeof dir, v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/%s", controller);
	snprintf(path, sizeof path, "%s%s/cgroup.procs", dir, group);
	if (access(path, F_OK) == 0)
		return cgroup_attack_at(dir, group, "the host's cgroup tree is reachable "
					"at /sys/fs/cgroup");
	/* Mount the hierarchy ourselves: without a cgroup namespace that is
	 * the host's whole tree. */
	snprintf(dir, sizeof dir, "/tmp/.probe-cgroup");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return SETUP("mkdir %s: %s", dir, err_text(errno));
	e_v1 = v2 ? EINVAL : mount("cgroup", dir, "cgroup", 0, controller) ? errno : 0;
	if (!e_v1)
		return cgroup_attack_at(dir, group, "mounted the host's cgroup hierarchy");
	e_v2 = mount("cgroup2", dir, "cgroup2", 0, NULL) ? errno : 0;
	if (!e_v2)
		return cgroup_attack_at(dir, group, "mounted the host's cgroup2 hierarchy");
	return BLOCKED("%s not reachable (%s); mount cgroup: %s; mount cgroup2: %s", path,
		       "not mounted", err_text(e_v1), err_text(e_v2));
}

/* --- processes: the host's, PID 1 ------------------------------------------ */

/* Whether process pid's argv[0] is name (the host test starts its process
 * with exec -a NAME; hutch and the probe carry NAME only later in theirs). */
static bool argv0_is(const char *pid, const char *name)
{
	char path[300], buf[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, name) == 0;
}

static int host_proc(int argc, char **argv)
{
	char path[300];
	struct dirent *ent;
	long pid = argc > 0 ? strtol(argv[0], NULL, 10) : 0;
	DIR *d;

	if (argc < 2 || pid < 10)
		return SETUP("usage: host-proc HOST-PID NAME (a host pid above 9)");
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		return ESCAPED("kill(%ld, 0): the host process exists for the sandbox", pid);
	int e_kill = errno;
	snprintf(path, sizeof path, "/proc/%ld", pid);
	if (access(path, F_OK) == 0)
		return ESCAPED("%s exists", path);
	d = opendir("/proc");
	if (!d)
		return SETUP("opendir /proc: %s", err_text(errno));
	while ((ent = readdir(d)))
		if (ent->d_name[0] >= '1' && ent->d_name[0] <= '9' &&
		    argv0_is(ent->d_name, argv[1])) {
			snprintf(path, sizeof path, "/proc/%s", ent->d_name);
			closedir(d);
			return ESCAPED("%s is the host process %s", path, argv[1]);
		}
	closedir(d);
	return BLOCKED("kill(%ld, 0): %s; no /proc entry names %s", pid,
		       err_text(e_kill), argv[1]);
}

static int ptrace_pid1(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (syscall(SYS_ptrace, PTRACE_SEIZE_REQ, 1, 0, 0) == 0) {
		long tracer = status_field("/proc/1/status", "TracerPid", false);
		/* Detached when this process exits, a moment from now. */
		return ESCAPED("PTRACE_SEIZE of PID 1 worked (TracerPid %ld): its "
			       "memory and registers are ours", tracer);
	}
	int e_seize = errno;
	if (syscall(SYS_ptrace, PTRACE_ATTACH_REQ, 1, 0, 0) == 0) {
		waitpid(1, NULL, __WALL);
		syscall(SYS_ptrace, PTRACE_DETACH_REQ, 1, 0, 0);
		return ESCAPED("PTRACE_ATTACH to PID 1 worked (detached again)");
	}
	int e_attach = errno;
	/* Opened for writing, never written: PID 1 holds every capability. */
	int fd = open("/proc/1/mem", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return ESCAPED("/proc/1/mem opens for writing: PID 1's memory, and its "
			       "capabilities, are ours (ptrace: %s)", err_text(e_seize));
	return BLOCKED("PTRACE_SEIZE: %s; PTRACE_ATTACH: %s; /proc/1/mem: %s",
		       err_text(e_seize), err_text(e_attach), err_text(errno));
}

/* --- kernel: modules, reboot, kexec, logs, keys, bpf, perf ------------------ */

/* A syscall a device service never needs: EPERM/EACCES (capability or
 * filter) and ENOSYS (not in this kernel) stop it; anything else means the
 * kernel went on past its permission checks. */
static int kernel_call(long r, int e, const char *what, const char *reached)
{
	if (r >= 0)
		return ESCAPED("%s succeeded: %s", what, reached);
	if (denied(e))
		return BLOCKED("%s: %s", what, err_text(e));
	if (e == ENOSYS)
		return BLOCKED("%s: %s (not in this kernel, or refused by a filter that "
			       "answers ENOSYS)", what, err_text(e));
	return ESCAPED("%s: %s, past the permission checks: %s", what, err_text(e),
		       reached);
}

static int module(int argc, char **argv)
{
	static const char garbage[64] = "not a module, only garbage";
	long r;

	(void)argc, (void)argv;
	r = syscall(SYS_finit_module, -1, "", 0);
	if (r == 0 || (errno != EPERM && errno != EACCES && errno != ENOSYS))
		return kernel_call(r, errno, "finit_module(-1)", "the module loader is "
				   "reachable");
	r = syscall(SYS_init_module, garbage, sizeof garbage, "");
	return kernel_call(r, errno, "init_module(garbage)", "the module loader "
			   "parsed it");
}

static int do_reboot(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
	/* CAD_OFF only: in a PID namespace the kernel answers EINVAL once the
	 * CAP_SYS_BOOT check has passed. Never RESTART, HALT, POWER_OFF. */
	r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_CAD_OFF, NULL);
	return kernel_call(r, errno, "reboot(CAD_OFF)", "reboot() is open: RESTART "
			   "would end the sandbox");
}

static int kexec(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
	/* Flags 0 and bad descriptors: fails with EBADF once permitted, before
	 * anything is loaded or unloaded (never KEXEC_FILE_ON_CRASH, which
	 * frees a loaded crash kernel first, nor KEXEC_FILE_UNLOAD). */
	r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0UL);
	if (r == 0 || (errno != EPERM && errno != EACCES && errno != ENOSYS))
		return kernel_call(r, errno, "kexec_file_load(-1, -1)", "a new kernel "
				   "could be loaded");
	int e_file = errno;
	/* More segments than allowed: EINVAL once permitted. */
	r = syscall(SYS_kexec_load, 0UL, KEXEC_SEGMENT_MAX + 1UL, NULL, 0UL);
	if (r == 0 || errno != e_file)
		return kernel_call(r, errno, "kexec_load(17 segments)", "a new kernel "
				   "could be loaded");
	return kernel_call(r, errno, "kexec_file_load and kexec_load", "");
}

static int dmesg(int argc, char **argv)
{
	static char buf[4096];
	long r;

	(void)argc, (void)argv;
	r = syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, buf, (long)sizeof buf);
	if (r >= 0)
		return ESCAPED("read %ld bytes of the host's kernel log", r);
	return kernel_call(r, errno, "syslog(READ_ALL)", "");
}

static int keyctl(int argc, char **argv)
{
	char desc[256] = "";
	long id;

	(void)argc, (void)argv;
	id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0);
	if (id < 0)
		return kernel_call(id, errno, "keyctl(GET_KEYRING_ID, user keyring)", "");
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, desc, sizeof desc - 1);
	return ESCAPED("reached the user keyring %ld (%s): keyrings are not "
		       "namespaced, it is the host's for this uid", id, desc);
}

static int bpf(int argc, char **argv)
{
	uint32_t attr[30] = { BPF_MAP_TYPE_ARRAY, 4, 4, 1 }; /* type, key, value, entries */
	long fd;

	(void)argc, (void)argv;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, attr, sizeof attr);
	if (fd >= 0)
		return ESCAPED("created a BPF map (fd %ld): the in-kernel verifier and "
			       "JIT are reachable", fd);
	return kernel_call(fd, errno, "bpf(BPF_MAP_CREATE)", "");
}

/* io_uring needs no capability: a ring's operations run in kernel
 * workers that the seccomp filter never sees, so an open ring is a way
 * around every rule of the filter. Setting one up is enough to show it. */
static int io_uring(int argc, char **argv)
{
	uint32_t params[30] = { 0 }; /* struct io_uring_params, 120 bytes */
	long fd;

	(void)argc, (void)argv;
	fd = syscall(SYS_io_uring_setup, 1, params);
	if (fd >= 0)
		return ESCAPED("set up an io_uring (fd %ld): its operations bypass "
			       "the system call filter", fd);
	return kernel_call(fd, errno, "io_uring_setup", "");
}

static int perf_event(int argc, char **argv)
{
	/* struct perf_event_attr, version 0 (64 bytes): type, size, config,
	 * ..., flags at byte 40: disabled (bit 0), exclude_kernel (5),
	 * exclude_hv (6). */
	uint64_t attr[8] = { 0 };
	long fd;

	(void)argc, (void)argv;
	attr[0] = PERF_TYPE_SOFTWARE | (64ULL << 32);
	attr[1] = PERF_COUNT_SW_TASK_CLOCK;
	attr[5] = 1 | 1 << 5 | 1 << 6;
	fd = syscall(SYS_perf_event_open, attr, 0, -1, -1, 0UL);
	if (fd >= 0)
		return ESCAPED("perf_event_open on itself worked (fd %ld): the perf "
			       "subsystem is reachable", fd);
	int e_self = errno;
	fd = syscall(SYS_perf_event_open, attr, -1, 0, -1, 0UL);
	if (fd >= 0)
		return ESCAPED("perf_event_open system-wide on CPU 0 worked");
	return BLOCKED("perf_event_open: %s (system-wide: %s)", err_text(e_self),
		       err_text(errno));
}

static int do_swapon(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
	/* A path that does not exist: ENOENT once CAP_SYS_ADMIN has passed. */
	r = syscall(SYS_swapon, "/tmp/.probe-no-such-swap", 0);
	return kernel_call(r, errno, "swapon", "could add swap to the host");
}

static int settime(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
	/* No time and no zone: after the CAP_SYS_TIME check, nothing happens
	 * (musl's wrapper would skip the call, so the raw syscall). */
	r = syscall(SYS_settimeofday, NULL, NULL);
	return kernel_call(r, errno, "settimeofday(NULL, NULL)", "could set the host's "
			   "clock (nothing was set)");
}

static int ioperm(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
#ifdef SYS_ioperm
	/* Port 0x80, the POST diagnostic port; never read or written. */
	r = syscall(SYS_ioperm, 0x80UL, 1UL, 1);
	if (r == 0)
		syscall(SYS_ioperm, 0x80UL, 1UL, 0);
	return kernel_call(r, errno, "ioperm(0x80)", "direct access to the "
			   "machine's I/O ports");
#else
	r = -1;
	return kernel_call(r, ENOSYS, "ioperm", "");
#endif
}

/* --- devices, hostname, network ---------------------------------------------- */

static int do_mknod(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/tmp/sda";
	unsigned maj = 8, min = 0;
	char buf[512];
	int fd;

	if (argc > 1 && sscanf(argv[1], "%u:%u", &maj, &min) != 2)
		return SETUP("usage: mknod [PATH [MAJOR:MINOR]]");
	if (mknod(path, S_IFBLK | 0600, makedev(maj, min)))
		return BLOCKED("mknod %s b %u %u: %s", path, maj, min, err_text(errno));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	int e = errno;
	unlink(path);
	if (n > 0)
		return ESCAPED("created block device %s (%u:%u) and read %zd bytes of "
			       "the host's disk through it", path, maj, min, n);
	return ESCAPED("created block device %s (%u:%u); reading it: %s", path, maj,
		       min, fd < 0 || n < 0 ? err_text(e) : "0 bytes");
}

static int hostname(int argc, char **argv)
{
	char ns[64] = "", name[] = "probe-was-here";
	ssize_t n = readlink("/proc/self/ns/uts", ns, sizeof ns - 1);

	if (argc < 1 || n <= 0)
		return SETUP("usage: hostname HOST-UTS-NS (readlink /proc/self/ns/uts on "
			     "the host)");
	ns[n] = '\0';
	if (sethostname(name, strlen(name)))
		return BLOCKED("sethostname: %s", err_text(errno));
	if (!strcmp(ns, argv[0]))
		return ESCAPED("changed the hostname in the host's UTS namespace %s", ns);
	return BLOCKED("sethostname worked, in the sandbox's own UTS namespace %s "
		       "only (the host's is %s)", ns, argv[0]);
}

static int net_raw(int argc, char **argv)
{
	int fd;

	(void)argc, (void)argv;
	fd = socket(AF_PACKET_FAMILY, SOCK_RAW | SOCK_CLOEXEC, ETH_P_ALL_BE);
	if (fd >= 0)
		return ESCAPED("opened a packet socket: every frame of the network "
			       "namespace's interfaces can be read and forged");
	return kernel_call(-1, errno, "socket(AF_PACKET, SOCK_RAW)", "");
}

static int net_admin(int argc, char **argv)
{
	int one = 1, fd;

	(void)argc, (void)argv;
	/* SO_DEBUG needs CAP_NET_ADMIN (over the host's user namespace) and
	 * touches nothing but this socket. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return SETUP("socket: %s", err_text(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_DEBUG, &one, sizeof one) == 0)
		return ESCAPED("SO_DEBUG set: CAP_NET_ADMIN is held, interfaces, routes "
			       "and firewall of the network namespace can be changed");
	return BLOCKED("setsockopt(SO_DEBUG): %s", err_text(errno));
}

/* --- /proc: masked files, read-only tunables --------------------------------- */

/* Opens path (for writing when write is set, never writing); a mask (a
 * /dev/null bind, an empty tmpfs) is anything but the real proc file. */
static int proc_file(const char *path, bool write_mode)
{
	struct statfs sf;
	struct stat st;
	char buf[64];
	int fd = open(path, (write_mode ? O_WRONLY : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return BLOCKED("open %s: %s", path, err_text(errno));
	if (fstat(fd, &st) || fstatfs(fd, &sf))
		return SETUP("fstat %s: %s", path, err_text(errno));
	if (sf.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		if (umount2(path, MNT_DETACH) == 0)
			return ESCAPED("%s was masked, but unmounting the mask worked", path);
		return BLOCKED("masked: %s is not the proc file (a %s), and the mask "
			       "stays (umount: %s)", path, S_ISCHR(st.st_mode) ?
			       "character device" : "file of another file system",
			       err_text(errno));
	}
	if (write_mode)
		return ESCAPED("opened the real %s for writing (nothing written)", path);
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && denied(errno))
		return BLOCKED("reading %s: %s", path, err_text(errno));
	if (n < 0)
		return ESCAPED("the real %s opens (reading: %s)", path, err_text(errno));
	return ESCAPED("read %zd bytes of the real %s%s", n, path,
		       n >= 4 && !memcmp(buf, "\177ELF", 4) ? " (an ELF image of the "
		       "kernel's memory)" : "");
}

static int masked(int argc, char **argv)
{
	if (argc < 1)
		return SETUP("usage: masked /proc/PATH");
	return proc_file(argv[0], false);
}

static int kcore(int argc, char **argv)
{
	(void)argc, (void)argv;
	return proc_file("/proc/kcore", false);
}

static int sysrq(int argc, char **argv)
{
	(void)argc, (void)argv;
	return proc_file("/proc/sysrq-trigger", true);
}

static int proc_sys(int argc, char **argv)
{
	return proc_file(argc > 0 ? argv[0] : "/proc/sys/kernel/core_pattern", true);
}

/* --- system call filter bypasses: i386 and x32 on x86_64 --------------------- */

#ifdef __x86_64__
/* A system call through the i386 entry (int $0x80) from this 64-bit
 * process: arguments are truncated to 32 bits, so pointers must be below
 * 4 GiB (a static, non-PIE binary's strings are). */
static long int80(long nr, long a, long b, long c, long d, long e)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "r8", "r9", "r10", "r11");
	return (int)ret;
}

static bool low_address(const void *p)
{
	return (uintptr_t)p < 0x100000000ULL;
}

static int compat32(int argc, char **argv)
{
	static const char src[] = "probe", dir[] = "/tmp/.probe-compat",
			  type[] = "tmpfs", data[] = "size=16k";
	long pid, r_unshare, r_mount;

	(void)argc, (void)argv;
	if (!low_address(src) || !low_address(data))
		return SETUP("strings above 4 GiB: build the probe static and non-PIE");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return SETUP("mkdir %s: %s", dir, err_text(errno));
	pid = int80(I386_GETPID, 0, 0, 0, 0, 0);
	if (pid == -ENOSYS)
		return BLOCKED("ENOSYS: this kernel runs no i386 system calls (control "
			       "getpid through int $0x80)");
	if (pid < 0)
		return BLOCKED("i386 system calls are refused altogether (control getpid: "
			       "%s)", err_text((int)-pid));
	if (pid != getpid())
		return SETUP("int $0x80 getpid gave %ld, not %d", pid, (int)getpid());
	r_unshare = int80(I386_UNSHARE, CLONE_NEWUSER, 0, 0, 0, 0);
	r_mount = int80(I386_MOUNT, (long)(uintptr_t)src, (long)(uintptr_t)dir,
			(long)(uintptr_t)type, 0, (long)(uintptr_t)data);
	if (r_unshare == 0 || r_mount == 0)
		return ESCAPED("through int $0x80 (i386 getpid works): %s%s%s",
			       r_unshare ? "" : "unshare(CLONE_NEWUSER) succeeded",
			       !r_unshare && !r_mount ? ", " : "",
			       r_mount ? "" : "mount tmpfs succeeded");
	if (!denied((int)-r_unshare) || !denied((int)-r_mount))
		return ESCAPED("i386 unshare: %s, mount: %s: not refused as the native "
			       "calls are", err_text((int)-r_unshare),
			       err_text((int)-r_mount));
	return BLOCKED("i386 getpid works; i386 unshare(CLONE_NEWUSER): %s; i386 "
		       "mount: %s", err_text((int)-r_unshare), err_text((int)-r_mount));
}

static int x32(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
	/* unshare is 272 in the x32 table too. */
	r = syscall(X32_SYSCALL_BIT | SYS_unshare, CLONE_NEWUSER);
	if (r == 0)
		return ESCAPED("x32 unshare(CLONE_NEWUSER) succeeded: the filter "
			       "misses the x32 bit");
	if (errno == ENOSYS)
		return BLOCKED("%s: this kernel has no x32 ABI (the call was not "
			       "refused by a filter)", err_text(errno));
	return kernel_call(r, errno, "x32 unshare(CLONE_NEWUSER)", "");
}
#else
static int compat32(int argc, char **argv)
{
	(void)argc, (void)argv;
	return SETUP("compat32 is for x86_64 only");
}

static int x32(int argc, char **argv)
{
	(void)argc, (void)argv;
	return SETUP("x32 is for x86_64 only");
}
#endif

/* --- namespaces ------------------------------------------------------------- */

static int do_unshare(int argc, char **argv)
{
	static const struct { int flag; const char *name; } kinds[] = {
		{ CLONE_NEWUSER, "CLONE_NEWUSER" }, { CLONE_NEWNS, "CLONE_NEWNS" },
		{ CLONE_NEWNET, "CLONE_NEWNET" },   { CLONE_NEWPID, "CLONE_NEWPID" },
		{ CLONE_NEWUTS, "CLONE_NEWUTS" },   { CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
	};
	char errs[600] = "";

	(void)argc, (void)argv;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (unshare(kinds[i].flag) == 0) {
			long long eff = status_field("/proc/self/status", "CapEff", true);
			return ESCAPED("unshare(%s) succeeded (CapEff %llx in it)%s",
				       kinds[i].name, eff, kinds[i].flag == CLONE_NEWUSER ?
				       ": a user namespace with every capability over "
				       "its own objects, the usual first step of a kernel "
				       "exploit" : "");
		}
		size_t used = strlen(errs);
		snprintf(errs + used, sizeof errs - used, "%s%s: %s", used ? "; " : "",
			 kinds[i].name, err_text(errno));
	}
	return BLOCKED("%s", errs);
}

/* clone and clone3 with CLONE_NEWUSER: a filter must look at clone's flags
 * and, since it cannot read clone3's struct, refuse clone3 (ENOSYS makes
 * libcs fall back to clone). */
static int clone_newns(int argc, char **argv)
{
	/* struct clone_args: flags, pidfd, child_tid, parent_tid,
	 * exit_signal, stack, stack_size, tls */
	uint64_t args[8] = { CLONE_NEWUSER, 0, 0, 0, SIGCHLD, 0, 0, 0 };
	long r;

	(void)argc, (void)argv;
	r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0L, 0L, 0L, 0L);
	if (r == 0)
		_exit(0);
	if (r > 0) {
		waitpid((pid_t)r, NULL, 0);
		return ESCAPED("clone(CLONE_NEWUSER) made a child in a new user namespace");
	}
	int e_clone = errno;
	r = syscall(SYS_clone3, args, sizeof args);
	if (r == 0)
		_exit(0);
	if (r > 0) {
		waitpid((pid_t)r, NULL, 0);
		return ESCAPED("clone3(CLONE_NEWUSER) made a child in a new user namespace "
			       "(clone: %s)", err_text(e_clone));
	}
	return BLOCKED("clone(CLONE_NEWUSER): %s; clone3(CLONE_NEWUSER): %s",
		       err_text(e_clone), err_text(errno));
}

static int do_setns(int argc, char **argv)
{
	static const char *const kinds[] = { "mnt", "net", "uts", "ipc", "pid", "cgroup" };
	char path[64], errs[600] = "";

	(void)argc, (void)argv;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		snprintf(path, sizeof path, "/proc/1/ns/%s", kinds[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		size_t used = strlen(errs);
		if (fd < 0) {
			snprintf(errs + used, sizeof errs - used, "%sopen %s: %s",
				 used ? "; " : "", path, err_text(errno));
			continue;
		}
		if (setns(fd, 0) == 0)
			return ESCAPED("setns(%s) worked: any namespace descriptor that "
				       "reaches the sandbox can be entered", path);
		snprintf(errs + used, sizeof errs - used, "%ssetns %s: %s",
			 used ? "; " : "", kinds[i], err_text(errno));
		close(fd);
	}
	return BLOCKED("%s", errs);
}

/* --- privileges: capabilities, no_new_privs, setuid, seccomp state, handles - */

static int caps(int argc, char **argv)
{
	static const char *const sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	unsigned long long expected = argc > 0 ? strtoull(argv[0], NULL, 16) : 0;
	char all[200] = "";
	bool extra = false;

	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		long long v = status_field("/proc/self/status", sets[i], true);
		size_t used = strlen(all);
		if (v < 0)
			return SETUP("no %s in /proc/self/status", sets[i]);
		extra |= ((unsigned long long)v & ~expected) != 0;
		snprintf(all + used, sizeof all - used, "%s%s %llx", used ? ", " : "",
			 sets[i], (unsigned long long)v);
	}
	if (extra)
		return ESCAPED("capabilities beyond %llx: %s", expected, all);
	return BLOCKED("no capability beyond %llx: %s", expected, all);
}

static int nnp(int argc, char **argv)
{
	long long v = status_field("/proc/self/status", "NoNewPrivs", false);

	(void)argc, (void)argv;
	if (v < 0)
		return SETUP("no NoNewPrivs in /proc/self/status");
	if (v == 1)
		return BLOCKED("NoNewPrivs 1: exec never grants privileges");
	return ESCAPED("NoNewPrivs %lld: a setuid or file-capability binary would "
		       "grant privileges", v);
}

static int seccomp_state(int argc, char **argv)
{
	long long mode = status_field("/proc/self/status", "Seccomp", false);
	long long filters = status_field("/proc/self/status", "Seccomp_filters", false);

	(void)argc, (void)argv;
	if (mode == 2)
		return BLOCKED("Seccomp 2: a filter is installed (%lld filters)", filters);
	return ESCAPED("Seccomp %lld: no system call filter", mode);
}

/* Runs the setuid-root helper (a copy of this probe, mode 4755, owned by
 * root); the helper's own verdict is the result. */
static int setuid_exec(int argc, char **argv)
{
	char uid[16];
	struct stat st;

	if (argc < 1)
		return SETUP("usage: setuid SETUID-ROOT-COPY-OF-PROBE");
	if (stat(argv[0], &st) || st.st_uid != 0 || !(st.st_mode & S_ISUID))
		return SETUP("%s is not a setuid-root file", argv[0]);
	snprintf(uid, sizeof uid, "%d", (int)getuid());
	execl(argv[0], "probe", "setuid-child", uid, (char *)NULL);
	return SETUP("exec %s: %s", argv[0], err_text(errno));
}

static int setuid_child(int argc, char **argv)
{
	long ruid = argc > 0 ? strtol(argv[0], NULL, 10) : -1;
	long long eff = status_field("/proc/self/status", "CapEff", true);

	attack = "setuid";
	if (ruid < 0)
		return SETUP("setuid-child is run by the setuid attack");
	if (ruid != 0 && geteuid() == 0)
		return ESCAPED("uid %ld ran a setuid-root binary and got euid 0 (CapEff "
			       "%llx)", ruid, eff);
	if (eff > 0)
		return ESCAPED("uid %ld ran a setuid-root binary and got capabilities "
			       "%llx", ruid, eff);
	return BLOCKED("uid %ld, euid %d and no capabilities after exec of a "
		       "setuid-root binary", ruid, (int)geteuid());
}

static int by_handle(int argc, char **argv)
{
	struct { unsigned bytes; int type; unsigned char h[128]; } fh = { 128, 0, { 0 } };
	struct stat root, st;
	int mount_id, rootfd, fd;

	if (argc < 1 || argv[0][0] != '/')
		return SETUP("usage: open_by_handle_at HOST-MARKER-PATH");
	if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &fh, &mount_id, 0))
		return kernel_call(-1, errno, "name_to_handle_at /", "");
	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || fstat(rootfd, &root))
		return SETUP("open /: %s", err_text(errno));
	fd = (int)syscall(SYS_open_by_handle_at, rootfd, &fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kernel_call(-1, errno, "open_by_handle_at", "");
	close(fd);
	/* The shocker guess: ext2/3/4 keep the file system's root at inode 2,
	 * generation 0. */
	if (fh.type == FILEID_INO32_GEN && fh.bytes == 8) {
		uint32_t guess[2] = { 2, 0 };
		memcpy(fh.h, guess, sizeof guess);
		fd = (int)syscall(SYS_open_by_handle_at, rootfd, &fh,
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0 && !same_inode(&st, &root))
			return ESCAPED("opened inode 2 (the file system's root, outside "
				       "the sandbox) by a guessed handle%s",
				       marker_from(fd, argv[0]) ? "; the host marker opens "
				       "from it" : "");
	}
	return ESCAPED("open_by_handle_at works (handle type %d): any inode of the "
		       "root's file system opens from a guessed handle", fh.type);
}

/* --- known limits: measured, not attacked ---------------------------------------- */

/* inotify-hold: makes inotify instances until the kernel refuses, prints
 * how many ("inotify-hold: N instances") and holds them until killed. Two
 * sandboxes that share a quota share that number: docs/security.md's
 * known limit (a root launcher's sandboxes are charged to host root,
 * --userns too). */
static int inotify_hold(int argc, char **argv)
{
	int n = 0;

	(void)argc, (void)argv;
	while (syscall(SYS_inotify_init1, 0) >= 0)
		n++;
	printf("inotify-hold: %d instances (then %s)\n", n, err_text(errno));
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* abstract-connect NAME: a unix socket in the abstract namespace (@NAME)
 * belongs to a network namespace, not to a file system: on the host's
 * network, a service reaches the host daemons listening there, who see its
 * uid (0 without --userns). */
static int abstract_connect(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (argc < 1)
		return SETUP("usage: probe abstract-connect NAME");
	len = strlen(argv[0]);
	if (len + 1 > sizeof sa.sun_path)
		return SETUP("name too long");
	memcpy(sa.sun_path + 1, argv[0], len);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return SETUP("socket: %s", err_text(errno));
	if (connect(fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)))
		return BLOCKED("connect @%s: %s", argv[0], err_text(errno));
	return ESCAPED("connected to the host's abstract socket @%s as uid %d",
		       argv[0], (int)getuid());
}

/* --- the caller's terminal (tests/escape/50-terminal.t) ------------------- */

#include <sys/ioctl.h>
#include <termios.h>

#define TIOCL_GETFGCONSOLE 12

/* The terminals the service can reach: /dev/tty (its controlling
 * terminal, if it has one) and any of fds 0-2 that is a terminal. */
static int reachable_ttys(int *fds, char names[][16])
{
	int n = 0, fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0) {
		fds[n] = fd;
		snprintf(names[n++], 16, "/dev/tty");
	}
	for (int i = 0; i <= 2; i++)
		if (isatty(i)) {
			fds[n] = i;
			snprintf(names[n++], 16, "fd %d", i);
		}
	return n;
}

/* tiocsti TEXT: pushes TEXT into every terminal it can reach, as typed
 * input. Whether it lands in the caller's shell is for the test to see
 * from outside: a push into the sandbox's own pty is harmless. */
static int tiocsti(int argc, char **argv)
{
	int fds[4], pushed = 0, err = ENXIO;
	char names[4][16], where[80] = "";
	int n = reachable_ttys(fds, names);

	if (argc < 1)
		return SETUP("usage: tiocsti TEXT");
	for (int i = 0; i < n; i++) {
		bool ok = true;
		for (const char *c = argv[0]; *c && ok; c++)
			ok = ioctl(fds[i], TIOCSTI, c) == 0;
		if (!ok) {
			err = errno;
			continue;
		}
		pushed++;
		strncat(where, names[i], sizeof where - strlen(where) - 2);
		strcat(where, " ");
	}
	if (!pushed)
		return BLOCKED("no terminal took it: %s", err_text(err));
	return verdict(0, "pushed", "into %s; the test looks where it landed", where);
}

/* tioclinux: the console ioctl (a VT only; it reads the foreground
 * console number, which changes nothing). */
static int tioclinux(int argc, char **argv)
{
	int fds[4], err = ENXIO;
	char names[4][16];
	int n = reachable_ttys(fds, names);

	(void)argc, (void)argv;
	for (int i = 0; i < n; i++) {
		char sub = TIOCL_GETFGCONSOLE;
		int r = ioctl(fds[i], TIOCLINUX, &sub);
		if (r >= 0)
			return ESCAPED("TIOCLINUX on %s answered %d", names[i], r);
		err = errno;
	}
	return BLOCKED("%s", err_text(err));
}

/* tty-read READY: takes the foreground of its controlling terminal
 * (SIGTTOU ignored, so tcsetpgrp works from the background), creates
 * READY and reads the next line typed there. */
static int tty_read(int argc, char **argv)
{
	char line[256];
	ssize_t len;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (argc < 1)
		return SETUP("usage: tty-read READY");
	if (fd < 0) {
		int e = errno;
		close(open(argv[0], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		return BLOCKED("/dev/tty: %s", err_text(e));
	}
	signal(SIGTTOU, SIG_IGN);
	if (tcsetpgrp(fd, getpgrp()))
		return BLOCKED("tcsetpgrp: %s", err_text(errno));
	close(open(argv[0], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	len = read(fd, line, sizeof line - 1);
	if (len <= 0)
		return BLOCKED("read: %s", len ? err_text(errno) : "end of file");
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	return ESCAPED("read the line '%s' from its terminal", line);
}

/* tcflow-stop READY: stops the output of every terminal it can reach
 * (TCOOFF), creates READY and waits to be stopped. A supervisor that logs
 * to that terminal with blocking writes hangs in the write. */
static int tcflow_stop(int argc, char **argv)
{
	int fds[4], stopped = 0;
	char names[4][16];
	int n = reachable_ttys(fds, names);

	if (argc < 1)
		return SETUP("usage: tcflow-stop READY");
	for (int i = 0; i < n; i++)
		stopped += tcflow(fds[i], TCOOFF) == 0;
	close(open(argv[0], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (;;)
		pause();
}

#define TERMINAL_ATTACKS                                                        \
	{ "tiocsti", tiocsti }, { "tioclinux", tioclinux },                     \
	{ "tty-read", tty_read }, { "tcflow-stop", tcflow_stop },
/* --- the file-system boundary (40-boundary-fs.t, 45-race.t) ----------------- */

/* A device node shipped in the image (the test made it on the host):
 * opened for reading and writing, never written. */
static int device_node(int argc, char **argv)
{
	char buf[512];
	int fd;

	if (argc < 1)
		return SETUP("usage: device-node PATH");
	fd = open(argv[0], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return BLOCKED("open %s: %s", argv[0], err_text(errno));
	if (read(fd, buf, sizeof buf) > 0)
		return ESCAPED("opened %s read-write and read the device", argv[0]);
	return ESCAPED("opened %s read-write (reading: %s)", argv[0], err_text(errno));
}

/* chmod, chown and utimes on a node: each to the value it has already, so
 * that even where it works nothing of the host's changes. */
static int node_attrs(int argc, char **argv)
{
	struct stat st;

	if (argc < 1 || stat(argv[0], &st))
		return SETUP("usage: node-attrs PATH (stat: %s)", err_text(errno));
	if (!chmod(argv[0], st.st_mode & 07777))
		return ESCAPED("chmod of %s worked (mode kept: %o)", argv[0],
			       st.st_mode & 07777);
	int e_mode = errno;
	if (!chown(argv[0], st.st_uid, st.st_gid))
		return ESCAPED("chown of %s worked", argv[0]);
	int e_own = errno;
	if (!utimensat(AT_FDCWD, argv[0], (struct timespec[]){ { 0, UTIME_NOW },
				{ 0, UTIME_OMIT } }, 0))
		return ESCAPED("utimes of %s worked", argv[0]);
	return BLOCKED("chmod: %s; chown: %s; utimes: %s", err_text(e_mode),
		       err_text(e_own), err_text(errno));
}

/* Each PATH opened for writing (an existing file: never written) or, for
 * a directory, a new file created in it (removed at once). Escaped if
 * any one works. */
static int write_paths(int argc, char **argv)
{
	char made[600], said[1200] = "";

	for (int i = 0; i < argc; i++) {
		struct stat st;
		bool dir = !stat(argv[i], &st) && S_ISDIR(st.st_mode);
		int fd;

		snprintf(made, sizeof made, "%s/.hutch-probe-%d", argv[i], getpid());
		fd = open(dir ? made : argv[i], dir ? O_WRONLY | O_CREAT | O_EXCL |
			  O_CLOEXEC : O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0) {
			if (dir)
				unlink(made);
			return ESCAPED("%s %s", dir ? "created a file in" :
				       "opened for writing", argv[i]);
		}
		snprintf(said + strlen(said), sizeof said - strlen(said), "%s%s: %s",
			 i ? "; " : "", argv[i], err_text(errno));
	}
	return BLOCKED("%s", said);
}

/* Leaves its own cgroup through the host's cgroup file system, as
 * visible without --root: writes itself into the hierarchy's root. */
static int cgroup_leave(int argc, char **argv)
{
	char group[1024], path[128];
	bool v2 = !own_group("pids", group, sizeof group);

	(void)argc, (void)argv;
	snprintf(path, sizeof path, v2 ? "/sys/fs/cgroup/cgroup.procs" :
		 "/sys/fs/cgroup/pids/cgroup.procs");
	int err = write_text(path, "0\n");
	if (!err)
		return ESCAPED("moved itself to the root group through %s", path);
	return BLOCKED("%s: %s", path, err_text(-err));
}

/* The size of the tmpfs at PATH against the RAM: over a tenth of it
 * (what hutch gives /tmp and /dev/shm) is the kernel's default of half,
 * enough with both to push the host into the OOM killer. */
static int tmpfs_size(int argc, char **argv)
{
	struct statfs sf;
	long long ram = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);

	if (argc < 1 || statfs(argv[0], &sf))
		return SETUP("usage: tmpfs-size PATH (statfs: %s)", err_text(errno));
	long long size = (long long)sf.f_blocks * sf.f_bsize;
	if (size * 10 > ram + ram / 100)
		return ESCAPED("%s holds %lld MiB, %lld%% of the RAM", argv[0],
			       size >> 20, size * 100 / ram);
	return BLOCKED("%s holds %lld MiB, %lld%% of the RAM", argv[0], size >> 20,
		       size * 100 / ram);
}

/* Fills PATH/fill with zeros until the file system says no, at most
 * MAX MiB; escaped if MAX was reached. */
static int fill(int argc, char **argv)
{
	static char zeros[1 << 16];
	char path[300];
	long long max, done = 0;
	int fd;

	if (argc < 2)
		return SETUP("usage: fill DIR MAX-MIB");
	max = atoll(argv[1]) << 20;
	snprintf(path, sizeof path, "%s/fill", argv[0]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return SETUP("open %s: %s", path, err_text(errno));
	while (done < max) {
		ssize_t n = write(fd, zeros, sizeof zeros);
		if (n <= 0) {
			int e = errno;
			unlink(path);
			return BLOCKED("%s stopped after %lld KiB: %s", argv[0], done >> 10,
				       err_text(n < 0 ? e : ENOSPC));
		}
		done += n;
	}
	unlink(path);
	return ESCAPED("wrote %lld MiB into %s", done >> 20, argv[0]);
}

/* 45-race.t, after a start raced by an image owner: whatever proc the
 * sandbox can reach at the top of its root must be masked, and no file
 * named CANARY (the --ro-bind's, from the host) may open for writing.
 * Nothing is written. */
static int race_check(int argc, char **argv)
{
	DIR *d = opendir("/");
	struct dirent *ent;
	char path[600];
	int checked = 0;

	if (argc < 1 || !d)
		return SETUP("usage: race-check CANARY (opendir /: %s)", err_text(errno));
	while ((ent = readdir(d))) {
		struct statfs sf;
		int fd;

		if (ent->d_name[0] == '.' && (!ent->d_name[1] || ent->d_name[1] == '.'))
			continue;
		snprintf(path, sizeof path, "/%s", ent->d_name);
		if (!statfs(path, &sf) && sf.f_type == PROC_SUPER_MAGIC) {
			checked++;
			snprintf(path, sizeof path, "/%s/sys/kernel/core_pattern", ent->d_name);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd >= 0 && !fstatfs(fd, &sf) && sf.f_type == PROC_SUPER_MAGIC)
				return ESCAPED("opened %s for writing (an unmasked proc)", path);
		}
		snprintf(path, sizeof path, "/%s/%s", ent->d_name, argv[0]);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0)
			return ESCAPED("opened %s, the read-only bind's file, for writing", path);
	}
	closedir(d);
	return BLOCKED("%d proc mounts at the top, all masked; no writable %s",
		       checked, argv[0]);
}

/* --- the table ----------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} attacks[] = {
	{ "chroot-escape", chroot_escape },   { "proc1-root", proc1_root },
	{ "cwd-leak", cwd_leak },	      { "mount", do_mount },
	{ "remount-rw", remount_rw },	      { "umount", do_umount },
	{ "cgroup-write", cgroup_write },     { "host-proc", host_proc },
	{ "module", module },		      { "reboot", do_reboot },
	{ "kexec", kexec },		      { "ptrace-pid1", ptrace_pid1 },
	{ "mknod", do_mknod },		      { "hostname", hostname },
	{ "kcore", kcore },		      { "sysrq", sysrq },
	{ "masked", masked },		      { "proc-sys", proc_sys },
	{ "compat32", compat32 },	      { "x32", x32 },
	{ "setuid", setuid_exec },	      { "setuid-child", setuid_child },
	{ "unshare", do_unshare },	      { "clone-newns", clone_newns },
	{ "setns", do_setns },		      { "bpf", bpf },
	{ "perf_event_open", perf_event },    { "keyctl", keyctl },
	{ "open_by_handle_at", by_handle },   { "caps", caps },
	{ "nnp", nnp },			      { "seccomp-state", seccomp_state },
	{ "dmesg", dmesg },		      { "swapon", do_swapon },
	{ "settimeofday", settime },	      { "ioperm", ioperm },
	{ "net-raw", net_raw },		      { "net-admin", net_admin },
	{ "io_uring", io_uring },		      { "inotify-hold", inotify_hold },
	{ "abstract-connect", abstract_connect },
	TERMINAL_ATTACKS
	{ "device-node", device_node },	      { "node-attrs", node_attrs },
	{ "write-paths", write_paths },	      { "cgroup-leave", cgroup_leave },
	{ "tmpfs-size", tmpfs_size },	      { "fill", fill },
	{ "race-check", race_check },
};

static int list(void)
{
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
		dprintf(STDOUT_FILENO, "%s\n", attacks[i].name);
	return 0;
}

/* The attacks are harmless by design, yet they are meant for a sandbox:
 * refuse to run where PID 1 is not hutch (on the host, by mistake). */
static bool in_hutch(void)
{
	char comm[32] = "";
	int fd = open("/proc/1/comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, comm, sizeof comm - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && !strncmp(comm, "hutch\n", 6);
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 2)
		return SETUP("usage: probe ATTACK [ARG...] (probe list names them)");
	if (!strcmp(argv[1], "list"))
		return list();
	attack = argv[1];
	/* race-check only reads, and may find /proc replaced by the racer. */
	if (!in_hutch() && strcmp(attack, "setuid-child") && strcmp(attack, "race-check"))
		return SETUP("PID 1 is not hutch: the probe attacks only from inside a "
			     "hutch sandbox");
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		if (strcmp(attacks[i].name, argv[1]))
			continue;
		/* setuid-child is the far end of an exec: no second fork. */
		if (attacks[i].run == setuid_child)
			return setuid_child(argc - 2, argv + 2);
		pid = fork();
		if (pid < 0)
			return SETUP("fork: %s", err_text(errno));
		if (pid == 0)
			_exit(attacks[i].run(argc - 2, argv + 2));
		if (waitpid(pid, &status, 0) < 0)
			return SETUP("waitpid: %s", err_text(errno));
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WTERMSIG(status) == SIGSYS)
			return BLOCKED("killed by SIGSYS: the seccomp filter");
		return SETUP("the attack died of signal %d", WTERMSIG(status));
	}
	return SETUP("unknown attack '%s' (probe list names them)", argv[1]);
}
