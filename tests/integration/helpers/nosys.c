/* SPDX-License-Identifier: MIT */
/* nosys.c - runs a command as if the kernel were older: the system calls
 * named fail with ENOSYS, for the command and everything it starts.
 *
 *   nosys CALL[,CALL...] CMD [ARG...]
 *
 * CALL is one of the names below (calls newer kernels added, which hutch
 * uses where they exist and replaces where they do not) or a number. The
 * tests use it to run hutch's fallbacks for real on this machine's new
 * kernel: openat2 (5.6), the new mount API (5.2, mount_setattr 5.12),
 * pidfds (5.1, 5.3), clone3 (5.3), close_range (5.9), statx (4.11; its
 * STATX_MNT_ID 5.8).
 *
 * A seccomp filter is inherited across fork and exec and cannot be removed,
 * so hutch, its PID 1 and the service all see the older kernel; the filter
 * hutch installs for the service stacks on top. Run as root: with
 * CAP_SYS_ADMIN no no_new_privs is needed, which would change what hutch
 * does. Native ABI only (a test helper for the build machine). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined __x86_64__
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined __aarch64__
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined __i386__
#define NATIVE_ARCH AUDIT_ARCH_I386
#elif defined __arm__
#define NATIVE_ARCH AUDIT_ARCH_ARM
#else
#error "nosys: add this architecture's AUDIT_ARCH"
#endif

/* The numbers every architecture but alpha, ia64 and MIPS shares (the
 * unified table from 424 on). */
static const struct { const char *name; int nr; } calls[] = {
	{ "pidfd_send_signal", 424 }, { "open_tree", 428 }, { "move_mount", 429 },
	{ "fsopen", 430 },	      { "fsconfig", 431 },  { "fsmount", 432 },
	{ "fspick", 433 },	      { "pidfd_open", 434 }, { "clone3", 435 },
	{ "close_range", 436 },       { "openat2", 437 },   { "pidfd_getfd", 438 },
	{ "mount_setattr", 442 },
	/* older than the unified table: each architecture's own number */
	{ "statx", SYS_statx },
};

static int number(const char *name)
{
	char *end;
	long n;

	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (!strcmp(calls[i].name, name))
			return calls[i].nr;
	n = strtol(name, &end, 10);
	if (*name && !*end && n >= 0 && n < 4096)
		return (int)n;
	fprintf(stderr, "nosys: unknown system call '%s'\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sock_filter prog[3 + 2 * 32 + 1];
	unsigned n = 0, k = 0;
	int nrs[32];

	if (argc < 3) {
		fprintf(stderr, "usage: nosys CALL[,CALL...] CMD [ARG...]\n");
		return 2;
	}
	for (char *c = strtok(argv[1], ","); c; c = strtok(NULL, ","))
		if (k < 32)
			nrs[k++] = number(c);
	/* Another ABI (i386 on x86_64): allowed, the test runs native code. */
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						 NATIVE_ARCH, 0, (uint8_t)(2 * k + 1));
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < k; i++) {
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 (unsigned)nrs[i], 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							 SECCOMP_RET_ERRNO | ENOSYS);
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog fprog = { (unsigned short)n, prog };
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0)) {
		perror("nosys: seccomp");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("nosys: exec");
	return 127;
}
