/* SPDX-License-Identifier: MIT */
/* exec-racer.c - the attacker of 75-exec.t, run as a sandbox's service:
 * root of the sandbox without capabilities, no seccomp filter. For
 * SECONDS it walks /proc again and again, and for every other process
 * tries what a process of the sandbox could do to a hutch exec child
 * that has entered the sandbox but not yet dropped its privileges: read
 * its environment (where the caller's MARKER is, until the exec) and its
 * descriptors, and ptrace-attach to it while its name is still "hutch".
 * Prints "WIN ..." for each success at once, "CONTROL" the first time it
 * reads CONTROL_T75= (a dumpable exec'd command of the same uid: the
 * attack is real), and "done" at the end. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int seen_control;

static void environ_of(int pid, const char *marker)
{
	char path[64], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/environ", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n > 0 && memmem(buf, (size_t)n, marker, strlen(marker)))
		printf("WIN environ of %d holds the caller's marker\n", pid);
	if (n > 0 && !seen_control && memmem(buf, (size_t)n, "CONTROL_T75=", 12)) {
		seen_control = 1;
		printf("CONTROL\n");
	}
	snprintf(path, sizeof path, "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	if (d) {
		/* readable only with ptrace access: the exec'd command's own,
		 * after its exec, is; the hutch child's before it is not */
		char comm[32] = "";
		snprintf(path, sizeof path, "/proc/%d/comm", pid);
		fd = open(path, O_RDONLY);
		if (fd >= 0 && read(fd, comm, sizeof comm - 1) > 0 && !strncmp(comm, "hutch", 5))
			printf("WIN fds of %d (still hutch) readable\n", pid);
		if (fd >= 0)
			close(fd);
		closedir(d);
	}
}

static void attach(int pid)
{
	char path[64], comm[32] = "";
	int fd;

	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	if (read(fd, comm, sizeof comm - 1) <= 0 || strncmp(comm, "hutch", 5)) {
		close(fd);
		return;
	}
	close(fd);
	/* Its name was read before the attach: once attached and stopped,
	 * read again, as it may have reached its exec meanwhile (then it is
	 * an ordinary process of the sandbox, and attaching to it is fine). */
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0)
			waitpid(pid, NULL, __WALL);
		fd = open(path, O_RDONLY);
		memset(comm, 0, sizeof comm);
		if (fd >= 0 && read(fd, comm, sizeof comm - 1) > 0 && !strncmp(comm, "hutch", 5))
			printf("WIN ptrace-attached to %d, still hutch\n", pid);
		if (fd >= 0)
			close(fd);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
}

int main(int argc, char **argv)
{
	time_t end;

	if (argc < 3)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			int pid = atoi(e->d_name);
			if (pid <= 1 || pid == getpid())
				continue;
			environ_of(pid, argv[1]);
			attach(pid);
		}
		if (d)
			closedir(d);
	}
	printf("done\n");
	return 0;
}
