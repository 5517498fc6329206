/* seccomp_abi.h - for seccomp.c: the system call ABI this build of hutch
 * speaks, as the kernel names it to a filter (AUDIT_ARCH), the compat ABI
 * the same kernel may run beside it, and a SYS_ number for every name in
 * seccomp_table.h (NO where this ABI has no such call). */
#ifndef HUTCH_SECCOMP_ABI_H
#define HUTCH_SECCOMP_ABI_H

#include <sys/syscall.h>

/* <linux/audit.h>, with the EM_ numbers of <linux/elf-em.h>. */
#define AUDIT_ARCH_64BIT 0x80000000U
#define AUDIT_ARCH_LE 0x40000000U
#define AUDIT_ARCH_X86_64 (62 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE)
#define AUDIT_ARCH_I386 (3 | AUDIT_ARCH_LE)
#define AUDIT_ARCH_AARCH64 (183 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE)
#define AUDIT_ARCH_ARM (40 | AUDIT_ARCH_LE)
#define AUDIT_ARCH_MIPSEL (8 | AUDIT_ARCH_LE) /* o32, also on a 64-bit kernel */

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hutch's seccomp filter assumes a little-endian target (AUDIT_ARCH_*, OFF_ARG0_LO)"
#endif
#if defined __x86_64__ && !defined __ILP32__
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#define ARCH_COMPAT AUDIT_ARCH_I386
#define COMPAT(i386, arm) i386
/* x32 calls arrive as AUDIT_ARCH_X86_64 with this bit in the number
 * (__X32_SYSCALL_BIT, arch/x86/include/uapi/asm/unistd.h). */
#define X32_SYSCALL_BIT 0x40000000U
#elif defined __i386__
#define ARCH_NATIVE AUDIT_ARCH_I386
#elif defined __aarch64__
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#define ARCH_COMPAT AUDIT_ARCH_ARM
#define COMPAT(i386, arm) arm
#elif defined __arm__ && defined __ARM_EABI__
/* No OABI: a kernel with OABI_COMPAT has no seccomp filters at all. */
#define ARCH_NATIVE AUDIT_ARCH_ARM
#elif defined __mips__ && _MIPS_SIM == _ABIO32
#define ARCH_NATIVE AUDIT_ARCH_MIPSEL /* o32 */
#else
#error "hutch's seccomp filter knows x86_64, i386, aarch64, arm (EABI) and mipsel (o32): add this ABI's AUDIT_ARCH and check its syscall numbers"
#endif

/* Where musl has no SYS_ macro, the architecture has no such call. Its
 * 32-bit ports name two calls after the kernel's time32 versions. */
#define NO 0xffff
#if !defined SYS_settimeofday && defined SYS_settimeofday_time32
#define SYS_settimeofday SYS_settimeofday_time32
#endif
#if !defined SYS_clock_settime && defined SYS_clock_settime32
#define SYS_clock_settime SYS_clock_settime32
#endif
#ifndef SYS_kexec_file_load
#define SYS_kexec_file_load NO
#endif
#ifndef SYS_umount
#define SYS_umount NO
#endif
#ifndef SYS_settimeofday
#define SYS_settimeofday NO
#endif
#ifndef SYS_stime
#define SYS_stime NO
#endif
#ifndef SYS_clock_settime
#define SYS_clock_settime NO
#endif
#ifndef SYS_clock_settime64
#define SYS_clock_settime64 NO
#define SYS_clock_adjtime64 NO
#endif
#ifndef SYS_iopl
#define SYS_iopl NO
#define SYS_ioperm NO
#endif
#ifndef SYS_uselib
#define SYS_uselib NO
#endif
#ifndef SYS_vfork
#define SYS_vfork NO
#endif
#ifndef SYS_open /* aarch64: only the *at calls of the generic table */
#define SYS_fork NO
#define SYS_open NO
#define SYS_mkdir NO
#define SYS_rmdir NO
#define SYS_unlink NO
#define SYS_rename NO
#define SYS_link NO
#define SYS_symlink NO
#define SYS_chmod NO
#define SYS_mknod NO
#endif

#endif
