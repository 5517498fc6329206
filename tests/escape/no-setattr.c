/* SPDX-License-Identifier: MIT */
/* no-setattr.c - runs a command as on a kernel before 5.12: a seccomp
 * filter answers mount_setattr(2) with ENOSYS for it and everything it
 * starts, so hutch takes its fallbacks (a remount per mount, the
 * mountinfo walk). Needs root (no no_new_privs is set).
 *
 *   no-setattr COMMAND [ARG...] */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#define NR_MOUNT_SETATTR 442 /* the same on every architecture */

int main(int argc, char **argv)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_MOUNT_SETATTR, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };

	if (argc < 2 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("no-setattr: usage: no-setattr COMMAND [ARG...]");
		return 125;
	}
	execvp(argv[1], argv + 1);
	perror("no-setattr: exec");
	return 127;
}
