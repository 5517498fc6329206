/* SPDX-License-Identifier: MIT */
/* lowerbound - the fewest system calls that run a command the way hutch
 * does, as a floor for the start-to-exit benchmark (bench/bench.sh).
 *
 *   lowerbound [-cSDTM] [-g CGDIR [-q QUOTA] [-p PERIOD]] ROOT COMMAND [ARG...]
 *
 * In order: clone(NEWPID | NEWNS | NEWUTS | NEWIPC), which is unshare and
 * fork in one system call; in the child
 * (PID 1 of the new PID namespace): make / recursively private, bind ROOT
 * onto itself, mount proc, switch the root (pivot_root(".", ".") and a lazy
 * unmount of the old root, or with -c, chroot), exec COMMAND; the parent
 * waits and exits with the child's status. Nothing else: no /dev, no /tmp,
 * no second process (the command is PID 1 itself), no checks, no
 * capabilities dropped, no seccomp, no state, no messages beyond a failure.
 *
 * For the attribution of hutch's cost (bench/profile.sh), flags that add
 * what hutch's sandbox has beyond that floor, each done the way hutch does
 * it (src/pid1/mounts.c, src/pid1/dev.c), without hutch's own checks and state:
 *   -S  a supervisor: PID 1 forks the command and waits for it
 *   -D  hutch's /dev: a 64 KiB tmpfs, null zero full random urandom tty
 *       bound from the host onto empty files, a devpts instance, the
 *       fd/stdin/stdout/stderr/ptmx links, a tmpfs on /dev/shm
 *   -T  a tmpfs on /tmp
 *   -M  hutch's /proc masks: /dev/null over kcore, kallsyms, keys ...,
 *       an empty read-only tmpfs over acpi, scsi, asound, and sys, irq,
 *       bus, fs bound read-only
 *
 * -g CGDIR: the cgroup variant. Before the fork, mkdir CGDIR and write the
 * CPU limit (cgroup v2: cpu.max "QUOTA PERIOD"; v1: cpu.cfs_period_us, then
 * cpu.cfs_quota_us); the child joins it (writes 0 to cgroup.procs) before
 * anything else; after the wait the parent removes CGDIR, retrying while
 * the kernel still calls it busy. QUOTA and PERIOD in microseconds,
 * default 20000 and 100000 (20% of one CPU, hutch --cpu 20%).
 *
 * Static musl, like hutch: no dynamic loader to pay for at exec.
 * Exit: the command's status (128+N for signal N); 125 on a setup error,
 * 127 if the command cannot be executed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what)
{
	const char *e = strerror(errno);
	(void)!write(2, "lowerbound: ", 12);
	(void)!write(2, what, strlen(what));
	(void)!write(2, ": ", 2);
	(void)!write(2, e, strlen(e));
	(void)!write(2, "\n", 1);
	_exit(125);
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	size_t d = strlen(dir), n = strlen(name);
	if (d + 1 + n + 1 > sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, name, n + 1);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	errno = saved;
	return w == (ssize_t)strlen(text) ? 0 : -1;
}

static int exists(const char *dir, const char *name)
{
	char path[4096];
	size_t d = strlen(dir), n = strlen(name);
	if (d + 1 + n + 1 > sizeof path)
		return 0;
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, name, n + 1);
	return access(path, F_OK) == 0;
}

static int usage(void)
{
	static const char u[] =
		"usage: lowerbound [-cSDTM] [-g CGDIR [-q QUOTA] [-p PERIOD]] ROOT COMMAND [ARG...]\n";
	(void)!write(2, u, sizeof u - 1);
	return 125;
}

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static void mask_proc(void)
{
	static const char *const nulls[] = { "proc/kcore", "proc/kallsyms", "proc/keys",
		"proc/key-users", "proc/timer_list", "proc/sched_debug", "proc/kmsg",
		"proc/sysrq-trigger", "proc/latency_stats" };
	static const char *const empties[] = { "proc/acpi", "proc/scsi", "proc/asound" };
	static const char *const ro[] = { "proc/sys", "proc/irq", "proc/bus", "proc/fs" };
	struct stat st;
	for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
		if (lstat(nulls[i], &st) == 0 && mount("/dev/null", nulls[i], NULL, MS_BIND, NULL) < 0)
			fail(nulls[i]);
	for (size_t i = 0; i < sizeof empties / sizeof *empties; i++)
		if (lstat(empties[i], &st) == 0 &&
		    mount("tmpfs", empties[i], "tmpfs", MS_RDONLY | NOSUID_NODEV_NOEXEC, "size=4k,mode=0") < 0)
			fail(empties[i]);
	for (size_t i = 0; i < sizeof ro / sizeof *ro; i++) {
		if (lstat(ro[i], &st) < 0)
			continue;
		if (mount(ro[i], ro[i], NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, ro[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | NOSUID_NODEV_NOEXEC, NULL) < 0)
			fail(ro[i]);
	}
}

static void make_dev(void)
{
	static const char *const devs[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = { { "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" }, { "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" }, { "pts/ptmx", "dev/ptmx" } };
	char host[32] = "/dev/", here[32] = "dev/";
	if (mount("tmpfs", "dev", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=755,size=64k") < 0)
		fail("mount /dev");
	for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
		strcpy(host + 5, devs[i]);
		strcpy(here + 4, devs[i]);
		int fd = open(here, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			fail(here);
		close(fd);
		if (mount(host, here, NULL, MS_BIND, NULL) < 0)
			fail(here);
	}
	if (mkdir("dev/pts", 0755) < 0 ||
	    mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0)
		fail("dev/pts");
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			fail(links[i][1]);
	if (mkdir("dev/shm", 01777) < 0 ||
	    mount("tmpfs", "dev/shm", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=1777") < 0)
		fail("dev/shm");
}

static char *utoa(unsigned long v, char *end)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

int main(int argc, char **argv)
{
	int use_chroot = 0, supervise = 0, dev = 0, tmp = 0, masks = 0;
	const char *cg = NULL;
	unsigned long quota = 20000, period = 100000;
	int opt;

	while ((opt = getopt(argc, argv, "+cSDTMg:q:p:")) != -1) {
		switch (opt) {
		case 'c': use_chroot = 1; break;
		case 'S': supervise = 1; break;
		case 'D': dev = 1; break;
		case 'T': tmp = 1; break;
		case 'M': masks = 1; break;
		case 'g': cg = optarg; break;
		case 'q': quota = strtoul(optarg, NULL, 10); break;
		case 'p': period = strtoul(optarg, NULL, 10); break;
		default:
			return usage();
		}
	}
	if (argc - optind < 2) {
		return usage();
	}
	const char *root = argv[optind];
	char **cmd = argv + optind + 1;

	if (cg) {
		char qb[24], pb[24], both[48];
		char *q = utoa(quota, qb + sizeof qb), *p = utoa(period, pb + sizeof pb);
		if (mkdir(cg, 0755) < 0)
			fail("mkdir cgroup");
		if (exists(cg, "cpu.max")) {
			size_t ql = strlen(q);
			memcpy(both, q, ql);
			both[ql] = ' ';
			memcpy(both + ql + 1, p, strlen(p) + 1);
			if (write_file(cg, "cpu.max", both) < 0)
				fail("cpu.max");
		} else if (write_file(cg, "cpu.cfs_period_us", p) < 0 ||
			   write_file(cg, "cpu.cfs_quota_us", q) < 0) {
			rmdir(cg);
			fail("cpu.cfs_*_us");
		}
	}

	/* unshare + fork in one call: a clone with the namespace flags and no
	 * new stack forks into the new namespaces, leaving the parent in the
	 * host's (with unshare(CLONE_NEWNS) in the parent, the child's
	 * pivot_root would move the parent's root too). */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
				   CLONE_NEWIPC | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		fail("clone");
	if (pid == 0) {
		if (cg && write_file(cg, "cgroup.procs", "0") < 0)
			fail("cgroup.procs");
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			fail("make / private");
		if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
			fail("bind the root");
		if (chdir(root) < 0)
			fail("chdir root");
		if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			fail("mount proc");
		if (masks)
			mask_proc();
		if (dev)
			make_dev();
		if (tmp && mount("tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
			fail("mount /tmp");
		if (use_chroot) {
			if (chroot(".") < 0)
				fail("chroot");
		} else {
			if (syscall(SYS_pivot_root, ".", ".") < 0)
				fail("pivot_root");
			if (umount2(".", MNT_DETACH) < 0)
				fail("umount old root");
		}
		if (chdir("/") < 0)
			fail("chdir /");
		if (supervise) {
			pid_t svc = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
			if (svc < 0)
				fail("fork the command");
			if (svc > 0) {
				int st;
				while (waitpid(svc, &st, 0) < 0)
					if (errno != EINTR)
						fail("waitpid");
				_exit(WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
			}
		}
		execv(cmd[0], cmd);
		_exit(127);
	}

	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");

	if (cg) {
		/* The group may still count the exited task for a moment. */
		for (int i = 0; rmdir(cg) < 0; i++) {
			if (errno != EBUSY || i >= 1000)
				fail("rmdir cgroup");
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL);
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
