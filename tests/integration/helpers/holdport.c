/* SPDX-License-Identifier: MIT */
/* holdport PORT MIB LINGER_MS LOG: a stand-in for a daemon's worker that
 * holds the service's listening port. It binds 127.0.0.1:PORT (with
 * SO_REUSEADDR, as daemons do), listens, then touches MIB MiB of memory and
 * appends "up PID" to LOG. On SIGTERM it lingers LINGER_MS, still holding
 * the port, then exits 0. A failed bind appends "bindfail ERRNO" and exits 1.
 *
 * The memory is what makes a restart that does not wait fail for sure: a
 * process killed with SIGKILL frees its memory (exit_mm) before it closes
 * its files (exit_files), so for as long as the kernel takes to free MIB
 * MiB, the dying process still holds the port. 3 GB being freed is what
 * the issue saw; 512 MiB takes tens of milliseconds, far longer than a
 * new start takes to reach bind(). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void note(const char *log, const char *what, long n)
{
	char line[64];
	int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
	int len = snprintf(line, sizeof line, "%s %ld\n", what, n);

	if (fd >= 0) {
		(void)!write(fd, line, (size_t)len);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int one = 1, fd, sig;
	size_t bytes;
	long linger;
	sigset_t term;
	char *mem;

	if (argc != 5) {
		fputs("usage: holdport PORT MIB LINGER_MS LOG\n", stderr);
		return 2;
	}
	bytes = (size_t)atol(argv[2]) << 20;
	linger = atol(argv[3]);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	addr.sin_port = htons((unsigned short)atoi(argv[1]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, 16)) {
		note(argv[4], "bindfail", errno);
		fprintf(stderr, "holdport: bind 127.0.0.1:%s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (mem == MAP_FAILED)
		return 3;
	memset(mem, 1, bytes);
	note(argv[4], "up", (long)getpid());
	sigwait(&term, &sig);
	struct timespec ts = { linger / 1000, linger % 1000 * 1000000L };
	nanosleep(&ts, NULL);
	return 0;
}
