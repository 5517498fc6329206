/* SPDX-License-Identifier: MIT */
/* sys.c - the bottom layer: EINTR is retried here, not at call sites. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "units.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_knob(int dirfd, const char *path, const char *value)
{
	size_t len = 0;
	ssize_t n;
	int fd, err = 0;

	while (value[len])
		len++;
	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

ssize_t read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t read_small_file(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_fd(fd, buf, size);
	close(fd);
	return n;
}

int each_line(const char *path, void (*fn)(char *line, void *arg), void *arg)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = each_line_fd(fd, 0, fn, arg);
	close(fd);
	return err;
}

int each_line_fd(int fd, uint64_t cap, void (*fn)(char *line, void *arg), void *arg)
{
	char buf[4096];
	size_t have = 0;
	uint64_t total = 0;
	bool skipping = false;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (uint64_t)n;
		if (cap && total > cap)
			return -EFBIG;
		have += (size_t)n;
		/* Plain loops, not memchr and memmove: nothing else in hutch
		 * needs their word-at-a-time code (200 bytes). */
		for (nl = buf; nl < buf + have; nl++) {
			if (*nl != '\n')
				continue;
			*nl = '\0';
			if (!skipping)
				fn(line, arg);
			skipping = false;
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		for (size_t i = 0; i < have; i++)
			buf[i] = line[i];
		if (have == sizeof buf - 1) { /* a line longer than the buffer */
			skipping = true;
			have = 0;
		}
	}
	return 0;
}

bool each_entry(const char *path, bool (*fn)(const char *name, void *arg),
		void *arg)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool done = false;
	long n;

	while (!done && fd >= 0 && (n = sys_getdents64(fd, buf, sizeof buf)) > 0) {
		for (long off = 0; !done && off < n;) {
			unsigned short reclen; /* after d_ino and d_off; d_type, d_name */
			memcpy(&reclen, buf + off + 16, sizeof reclen);
			done = fn(buf + off + 19, arg);
			off += reclen;
		}
	}
	if (fd >= 0)
		close(fd);
	return done;
}

/* execve, and on ENOENT whether the file is there all the same: then
 * what is missing is its ELF or #! interpreter. */
static int try_exec(const char *path, char *const argv[], char *const envp[],
		    bool *exists)
{
	execve(path, argv, envp);
	*exists |= errno == ENOENT && access(path, F_OK) == 0;
	return errno;
}

int exec_search(const char *file, char *const argv[], char *const envp[],
		bool *exists)
{
	const char *dirs = NULL;
	char path[PATH_MAX];
	size_t len = strlen(file);
	int err = ENOENT;
	bool eacces = false;

	*exists = false;
	if (!*file)
		return -ENOENT;
	if (strchr(file, '/'))
		return -try_exec(file, argv, envp, exists);
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	for (char *const *e = envp; *e && !dirs; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			dirs = *e + 5;
	for (dirs = dirs ? dirs : "/usr/local/bin:/bin:/usr/bin";; dirs++) {
		size_t n = until_any(dirs, ":");
		if (n + len + 2 <= sizeof path) {
			memcpy(path, dirs, n);
			path[n] = '/';
			memcpy(path + n + (n > 0), file, len + 1);
			err = try_exec(path, argv, envp, exists);
			eacces |= err == EACCES;
			if (err != EACCES && err != ENOENT && err != ENOTDIR)
				return -err;
		}
		dirs += n;
		if (!*dirs)
			break;
	}
	return eacces ? -EACCES : -err;
}

size_t until_any(const char *s, const char *stop)
{
	const char *p = s;

	while (*p && !strchr(stop, *p))
		p++;
	return (size_t)(p - s);
}

int stat_at(int dirfd, const char *path, struct stat *st, int flags)
{
	return sys_fstatat(dirfd, path, st, flags);
}

int pipe_cloexec(int fds[2])
{
	return sys_pipe2(fds, O_CLOEXEC);
}

int nul_list_index(const char *s, const char *list)
{
	for (int i = 0; *list; i++, list += strlen(list) + 1)
		if (!strcmp(s, list))
			return i;
	return -1;
}

const char *nul_list_at(const char *list, size_t i)
{
	while (i--)
		list += strlen(list) + 1;
	return list;
}

size_t split_words(char *s, char **words, size_t max, char sep)
{
	size_t n = 0;

	while (*s && n < max) {
		while (*s == sep)
			*s++ = '\0';
		if (!*s)
			break;
		words[n++] = s;
		while (*s && *s != sep)
			s++;
	}
	return n;
}

uint64_t monotonic_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

uint64_t clock_ms(int clock)
{
	/* The bare call (kernel_calls.h: its timespec, its 32-bit range),
	 * made a few times per service exit. */
	struct kernel_timespec ts = { 0, 0 };

	sys_clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

long clone_nostack(unsigned long flags)
{
	return sys_clone(flags);
}

pid_t fork_process(void)
{
	/* clone(SIGCHLD) with no stack is fork on every Linux architecture. */
	return (pid_t)clone_nostack(SIGCHLD);
}

int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAILURE;
}

#define SIG_ENTRY(name) { SIG##name, "SIG" #name }
static const struct { unsigned char num; char name[10]; } names[] = {
		SIG_ENTRY(HUP),  SIG_ENTRY(INT),  SIG_ENTRY(QUIT), SIG_ENTRY(ILL),
		SIG_ENTRY(TRAP), SIG_ENTRY(ABRT), SIG_ENTRY(BUS),  SIG_ENTRY(FPE),
		SIG_ENTRY(KILL), SIG_ENTRY(USR1), SIG_ENTRY(SEGV), SIG_ENTRY(USR2),
		SIG_ENTRY(PIPE), SIG_ENTRY(ALRM), SIG_ENTRY(TERM), SIG_ENTRY(CHLD),
		SIG_ENTRY(CONT), SIG_ENTRY(STOP), SIG_ENTRY(TSTP), SIG_ENTRY(TTIN),
		SIG_ENTRY(TTOU), SIG_ENTRY(URG),  SIG_ENTRY(XCPU), SIG_ENTRY(XFSZ),
		SIG_ENTRY(VTALRM), SIG_ENTRY(PROF), SIG_ENTRY(WINCH), SIG_ENTRY(IO),
		SIG_ENTRY(PWR),  SIG_ENTRY(SYS),
};
#undef SIG_ENTRY

const char *signal_name(int sig, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].num == sig)
			return names[i].name;
	/* Real-time signals from SIGRTMAX down: SIGRTMIN is 34 in glibc and
	 * 35 in musl, SIGRTMAX the same in both (and the kernel's last). */
	if (sig == _NSIG - 1)
		return "SIGRTMAX";
	fmt(buf, size, "SIGRTMAX-%d", _NSIG - 1 - sig);
	return buf;
}

int signal_number(const char *name)
{
	uint64_t n;

	if (parse_uint(name, 64, &n) == 0)
		return n > 0 && n < (uint64_t)_NSIG ? (int)n : 0;
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].name + 3, name) == 0)
			return names[i].num;
	return 0;
}

/* One range at a time: close_range(2) where the kernel has it (5.9+). */
static void close_range_of(unsigned first, unsigned last)
{
	if (first > last)
		return;
	if (sys_close_range(first, last) == 0)
		return;
	if (last > 65535) {
		/* prlimit64 itself: musl's getrlimit wraps it in fallbacks for
		 * kernels older than any hutch runs on. */
		struct rlimit lim;
		last = sys_prlimit64(0, RLIMIT_NOFILE, NULL, &lim) == 0 &&
				       lim.rlim_cur < 65536
			       ? (unsigned)lim.rlim_cur : 65536;
	}
	for (unsigned fd = first; fd <= last; fd++)
		close((int)fd);
}

void close_fds_except(const int *keep, size_t n)
{
	unsigned next = 3;

	/* In increasing order; a handful of entries at most. */
	for (;;) {
		unsigned low = ~0U;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)next && (unsigned)keep[i] < low)
				low = (unsigned)keep[i];
		if (low == ~0U)
			break;
		close_range_of(next, low - 1);
		next = low + 1;
	}
	close_range_of(next, ~0U);
}

int chdir_within_root(const char *dir)
{
	char cwd[4096];

	if (chdir(dir))
		return -errno;
	/* the system call itself: a libc may hide "(unreachable)" behind
	 * ENOENT, or not; a directory deeper than the buffer is refused */
	if (sys_getcwd(cwd, sizeof cwd) < 0)
		return -errno;
	return cwd[0] == '/' ? 0 : -EXDEV;
}
