/* SPDX-License-Identifier: MIT */
/* stamp - a service for the restart benchmark (bench/bench.sh).
 *
 *   stamp [FILE [CODE]]
 *
 * Appends two lines to FILE (default: stamp.log in the working directory;
 * always so when it is called "run", the way runsv and s6-supervise start
 * it, as ./run in the service directory, s6-supervise with that
 * directory's name as an argument):
 *
 *   S <ns>   CLOCK_MONOTONIC read first thing after the exec
 *   E <ns>   CLOCK_MONOTONIC read last thing before _exit
 *
 * then exits with CODE (default 1, a failure, so every supervisor restarts
 * it). CODE "pause" writes the S line only and waits for a signal: a
 * service that stays up until it is killed (bench/restart-outage.sh). The restart latency of a supervisor is the next S minus this E: from
 * the service's exit to its next exec, plus the few microseconds this
 * static program needs to reach its first instruction. CLOCK_MONOTONIC is
 * the same in every PID and mount namespace (no time namespace is used),
 * so the stamps of a sandboxed service compare with the host's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void put(int fd, char tag, long long ns)
{
	char buf[32], *p = buf + sizeof buf;
	*--p = '\n';
	do
		*--p = (char)('0' + ns % 10);
	while (ns /= 10);
	*--p = ' ';
	*--p = tag;
	(void)!write(fd, p, (size_t)(buf + sizeof buf - p));
}

int main(int argc, char **argv)
{
	long long start = now_ns();
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	int as_run = strcmp(base, "run") == 0;
	const char *file = argc > 1 && !as_run ? argv[1] : "stamp.log";
	int code = argc > 2 && !as_run ? atoi(argv[2]) : 1;
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 125;
	put(fd, 'S', start);
	if (argc > 2 && !as_run && strcmp(argv[2], "pause") == 0)
		for (;;)
			pause();
	put(fd, 'E', now_ns());
	_exit(code);
}
