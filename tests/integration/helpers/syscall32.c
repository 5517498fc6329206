/* SPDX-License-Identifier: MIT */
/* syscall32.c - a probe for tests/integration/46-seccomp.t: one system call
 * made by an x86_64 process through another ABI's door, and what it
 * returned (a negative errno on failure):
 *
 *   syscall32 int80 NR [A1 [A2 [A3]]]  the i386 compat entry (int $0x80,
 *                                      i386 numbering, AUDIT_ARCH_I386)
 *   syscall32 x32 NR [A1 [A2 [A3]]]    the x32 ABI (syscall with bit 30
 *                                      of the number set, AUDIT_ARCH_X86_64)
 *   syscall32 native NR [A1 [A2 [A3]]] x86_64's own (tests/oci/90-seccomp.t:
 *                                      64-bit arguments, any number)
 *
 * Building a static i386 binary needs an i386 libc; a 64-bit process
 * reaches the same kernel entry with int $0x80, which is how a filter that
 * only knows native numbers is bypassed. Build: musl-gcc -static. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long nr, a[3] = { 0, 0, 0 }, ret;

	if (argc < 3 || (strcmp(argv[1], "int80") && strcmp(argv[1], "x32") &&
			 strcmp(argv[1], "native"))) {
		fputs("usage: syscall32 int80|x32|native NR [A1 [A2 [A3]]]\n", stderr);
		return 2;
	}
	nr = strtol(argv[2], NULL, 0);
	for (int i = 0; i < 3 && i + 3 < argc; i++)
		a[i] = (long)strtoull(argv[i + 3], NULL, 0); /* 0xffffffffffffffff too */
	if (!strcmp(argv[1], "int80"))
		/* int $0x80 takes ebx, ecx, edx; r8-r11 are not preserved on
		 * every kernel version. */
		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2])
				 : "r8", "r9", "r10", "r11", "memory");
	else
		__asm__ volatile("syscall"
				 : "=a"(ret)
				 : "a"(nr | (argv[1][0] == 'x' ? 0x40000000L : 0)),
				   "D"(a[0]), "S"(a[1]),
				   "d"(a[2])
				 : "rcx", "r11", "memory");
	printf("%d\n", (int)ret);
	return 0;
}
