/* SPDX-License-Identifier: MIT */
/* no-statx.c - runs a command on which statx(2) fails with ENOSYS, as on a
 * kernel before 4.11: a seccomp filter, which fork and exec inherit, so
 * hutch's launcher, PID 1 and service all take their fallbacks (the mount
 * ids of /proc/self/fdinfo, 22-mount-id.t). Checks that the filter took
 * before it runs the command, so that a test cannot pass without it.
 * Needs root (CAP_SYS_ADMIN) instead of no_new_privs, which would change
 * what hutch does. A test tool: stdio is fine here.
 *
 *     no-statx COMMAND [ARG...] */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* <linux/filter.h> and <linux/seccomp.h>, which the musl toolchain lacks. */
struct sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sock_fprog {
	unsigned short len;
	const struct sock_filter *filter;
};
#define LD_NR 0x20	/* BPF_LD | BPF_W | BPF_ABS, seccomp_data.nr at 0 */
#define JEQ 0x15	/* BPF_JMP | BPF_JEQ | BPF_K */
#define RET 0x06	/* BPF_RET | BPF_K */
#define RET_ALLOW 0x7fff0000U
#define RET_ERRNO 0x00050000U

int main(int argc, char **argv)
{
	/* The native ABI's number only: hutch makes no compat calls. */
	const struct sock_filter prog[] = {
		{ LD_NR, 0, 0, 0 },
		{ JEQ, 0, 1, SYS_statx },
		{ RET, 0, 0, RET_ERRNO | ENOSYS },
		{ RET, 0, 0, RET_ALLOW },
	};
	const struct sock_fprog fprog = { sizeof prog / sizeof prog[0], prog };
	char st[256];

	if (argc < 2) {
		fprintf(stderr, "usage: no-statx COMMAND [ARG...]\n");
		return 125;
	}
	if (prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, &fprog, 0, 0)) {
		fprintf(stderr, "no-statx: cannot install the filter: %s (run as root)\n",
			strerror(errno));
		return 125;
	}
	if (syscall(SYS_statx, AT_FDCWD, "/", 0, 0xfffU, st) != -1 || errno != ENOSYS) {
		fprintf(stderr, "no-statx: statx still works under the filter\n");
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "no-statx: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
