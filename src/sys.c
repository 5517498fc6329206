/* sys.c - the bottom layer: EINTR is retried here, not at call sites. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stdlib.h>

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

ssize_t read_small_file(int dirfd, const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void close_fds_above(int keep)
{
	struct rlimit lim;
	unsigned max = 65536;

	/* close_range(2) (Linux 5.9) does it in one call; older board
	 * kernels get the loop up to the descriptor limit. */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < max)
		max = (unsigned)lim.rlim_cur;
	for (unsigned fd = (unsigned)keep + 1; fd < max; fd++)
		close((int)fd);
}

int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAILURE;
}

void supervised_signals(sigset_t *set)
{
	static const int left_alone[] = { SIGKILL, SIGSTOP, SIGSEGV, SIGBUS,
					  SIGILL,  SIGFPE,  SIGTRAP, SIGABRT,
					  SIGSYS,  SIGTSTP, SIGTTIN, SIGTTOU };

	sigfillset(set);
	for (size_t i = 0; i < sizeof left_alone / sizeof left_alone[0]; i++)
		sigdelset(set, left_alone[i]);
}
