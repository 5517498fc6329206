/* SPDX-License-Identifier: MIT */
/* bench/seccomp-install.c - what installing hutch's default seccomp filter
 * costs the kernel, as each service child pays it before its exec, at
 * every start and restart. Linked with hutch's own objects (the program
 * is seccomp_build()'s, byte for byte what PID 1 builds for a service
 * without --seccomp options), beside the kernel's floor: a filter of one
 * instruction.
 *
 * Each of RUNS children sets no_new_privs and times one PR_SET_SECCOMP on
 * CLOCK_MONOTONIC; printed per program, tab-separated: name,
 * instructions, the median, 10th and 90th percentiles in microseconds.
 *
 *   seccomp-install [RUNS]   (2000 by default; as any user) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"

static int by_value(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* One child per run: its install's nanoseconds into ns[i] (shared). */
static int measure(const char *name, const struct sock_fprog *p, long *ns, int runs)
{
	for (int i = 0; i < runs; i++) {
		pid_t pid = fork();
		int status;
		if (pid < 0)
			return -1;
		if (!pid) {
			struct timespec a, b;
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
				_exit(1);
			clock_gettime(CLOCK_MONOTONIC, &a);
			if (prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, p, 0, 0))
				_exit(1);
			clock_gettime(CLOCK_MONOTONIC, &b);
			ns[i] = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || status)
			return -1;
	}
	qsort(ns, (size_t)runs, sizeof *ns, by_value);
	printf("%s\t%u\t%.1f\t%.1f\t%.1f\n", name, (unsigned)p->len, ns[runs / 2] / 1e3,
	       ns[runs / 10] / 1e3, ns[9 * runs / 10] / 1e3);
	return fflush(stdout) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct config cfg; /* hutch's defaults: the default list, EPERM */
	static struct sock_filter allow = { 0x06, 0, 0, 0x7fff0000 }; /* ret ALLOW */
	const struct sock_fprog floor = { 1, &allow };
	int runs = argc > 1 ? atoi(argv[1]) : 2000;
	long *ns = mmap(NULL, (size_t)(runs > 10 ? runs : 10) * sizeof *ns,
			PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (runs < 10 || ns == MAP_FAILED)
		return 2;
	if (measure("hutch", seccomp_build(&cfg), ns, runs) ||
	    measure("floor", &floor, ns, runs))
		return 1;
	return 0;
}
