/* SPDX-License-Identifier: MIT */
/* seccomp_abi.h - for seccomp.c: the system call ABIs this build of hutch
 * filters. The numbers and the AUDIT_ARCH values are generated from the
 * kernel's headers (seccomp_table.h, tools/gen/seccomp-tables.sh); what is
 * said here by hand is which of them a kernel running this build sees:
 *   NATIVE(...)       the table column of this build's own ABI, and
 *   ARCH_NATIVE       the AUDIT_ARCH value a filter sees for it;
 *   COMPAT1, COMPAT2  the columns of the ABIs the same kernel may run
 *   ARCH_COMPAT1/2    beside it (CONFIG_COMPAT: i386 on x86_64, ...),
 *                     which the filter must know, else they would pass
 *                     with their own numbers;
 *   CLONE_FLAGS_ARG   the argument of clone(2) that holds its flags;
 *   ARG_LO            where the low 32 bits of a 64-bit argument are.
 * Every other ABI is killed by the filter. */
#ifndef HUTCH_SECCOMP_ABI_H
#define HUTCH_SECCOMP_ABI_H

#define S(...)
#include "seccomp_table.h" /* only AUDIT_ARCH_* and COL_* */
#undef S

#if defined __x86_64__ && !defined __ILP32__
#define NATIVE(...) COL_x86_64(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#define COMPAT1(...) COL_i386(__VA_ARGS__)
#define ARCH_COMPAT1 AUDIT_ARCH_I386
/* x32 calls arrive as AUDIT_ARCH_X86_64 with this bit in the number
 * (__X32_SYSCALL_BIT, arch/x86/include/uapi/asm/unistd.h). */
#define X32_SYSCALL_BIT 0x40000000U
#elif defined __x86_64__
#error "x32 is not supported: its calls are x86_64's with __X32_SYSCALL_BIT, which hutch's filter kills; build for x86_64"
#elif defined __i386__
#define NATIVE(...) COL_i386(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_I386
#elif defined __aarch64__
/* arm64's syscall_get_arch() says AARCH64 and ARM on a big-endian kernel
 * too: no EB variant. */
#define NATIVE(...) COL_aarch64(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#define COMPAT1(...) COL_arm(__VA_ARGS__)
#define ARCH_COMPAT1 AUDIT_ARCH_ARM
#elif defined __arm__ && defined __ARM_EABI__
/* No OABI: a kernel with OABI_COMPAT has no seccomp filters at all. */
#define NATIVE(...) COL_arm(__VA_ARGS__)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARCH_NATIVE AUDIT_ARCH_ARMEB
#else
#define ARCH_NATIVE AUDIT_ARCH_ARM
#endif
#elif defined __mips__
/* One kernel runs all three MIPS ABIs (a 64-bit one, with
 * MIPS32_O32 and MIPS32_N32); a 32-bit build's kernel may be 64-bit too,
 * but o32 is then all hutch itself runs. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define MIPS_AUDIT(be, le) be
#else
#define MIPS_AUDIT(be, le) le
#endif
/* GCC defines only the _ABI* macro _MIPS_SIM names: compare numbers
 * (<sgidefs.h>: _ABIO32 1, _ABIN32 2, _ABI64 3). */
#if _MIPS_SIM == 1
#define NATIVE(...) COL_mips_o32(__VA_ARGS__)
#define ARCH_NATIVE MIPS_AUDIT(AUDIT_ARCH_MIPS, AUDIT_ARCH_MIPSEL)
#elif _MIPS_SIM == 3
#define NATIVE(...) COL_mips_n64(__VA_ARGS__)
#define ARCH_NATIVE MIPS_AUDIT(AUDIT_ARCH_MIPS64, AUDIT_ARCH_MIPSEL64)
#define COMPAT1(...) COL_mips_o32(__VA_ARGS__)
#define ARCH_COMPAT1 MIPS_AUDIT(AUDIT_ARCH_MIPS, AUDIT_ARCH_MIPSEL)
#define COMPAT2(...) COL_mips_n32(__VA_ARGS__)
#define ARCH_COMPAT2 MIPS_AUDIT(AUDIT_ARCH_MIPS64N32, AUDIT_ARCH_MIPSEL64N32)
#else /* n32 */
#define NATIVE(...) COL_mips_n32(__VA_ARGS__)
#define ARCH_NATIVE MIPS_AUDIT(AUDIT_ARCH_MIPS64N32, AUDIT_ARCH_MIPSEL64N32)
#define COMPAT1(...) COL_mips_o32(__VA_ARGS__)
#define ARCH_COMPAT1 MIPS_AUDIT(AUDIT_ARCH_MIPS, AUDIT_ARCH_MIPSEL)
#define COMPAT2(...) COL_mips_n64(__VA_ARGS__)
#define ARCH_COMPAT2 MIPS_AUDIT(AUDIT_ARCH_MIPS64, AUDIT_ARCH_MIPSEL64)
#endif
#elif defined __powerpc64__
/* A 32-bit process is AUDIT_ARCH_PPC on either endianness (powerpc's
 * syscall_get_arch(); audit has no PPCLE). */
#define NATIVE(...) COL_ppc64(__VA_ARGS__)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARCH_NATIVE AUDIT_ARCH_PPC64
#else
#define ARCH_NATIVE AUDIT_ARCH_PPC64LE
#endif
#define COMPAT1(...) COL_ppc(__VA_ARGS__)
#define ARCH_COMPAT1 AUDIT_ARCH_PPC
#elif defined __powerpc__ && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NATIVE(...) COL_ppc(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_PPC
#elif defined __s390x__
/* s390's clone is CLONE_BACKWARDS2: (stack, flags, ...), the 31-bit
 * compat ABI's too. */
#define NATIVE(...) COL_s390x(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_S390X
#define COMPAT1(...) COL_s390(__VA_ARGS__)
#define ARCH_COMPAT1 AUDIT_ARCH_S390
#define CLONE_FLAGS_ARG 1
#elif defined __riscv && __riscv_xlen == 64
#define NATIVE(...) COL_riscv64(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_RISCV64
#define COMPAT1(...) COL_riscv32(__VA_ARGS__) /* COMPAT, Linux 5.19+ */
#define ARCH_COMPAT1 AUDIT_ARCH_RISCV32
#elif defined __riscv && __riscv_xlen == 32
#define NATIVE(...) COL_riscv32(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_RISCV32
#elif defined __loongarch__ && __loongarch_grlen == 64
#define NATIVE(...) COL_loongarch64(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_LOONGARCH64
#elif defined __m68k__
#define NATIVE(...) COL_m68k(__VA_ARGS__)
#define ARCH_NATIVE AUDIT_ARCH_M68K
#elif defined __sh__
#define NATIVE(...) COL_sh(__VA_ARGS__)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARCH_NATIVE AUDIT_ARCH_SH
#else
#define ARCH_NATIVE AUDIT_ARCH_SHEL
#endif
#elif defined __microblaze__ || defined __or1k__
#error "the kernel has no seccomp filter for microblaze or or1k (no HAVE_ARCH_SECCOMP_FILTER), which hutch's sandbox relies on"
#else
#error "an architecture the kernel's seccomp tables do not cover here: add its ABI to tools/gen/seccomp-tables.sh and seccomp_abi.h"
#endif

#ifndef CLONE_FLAGS_ARG
#define CLONE_FLAGS_ARG 0 /* flags first: CLONE_BACKWARDS or the generic order */
#endif
/* struct seccomp_data's args are __u64 in the kernel's byte order: the
 * low half is the second word on a big-endian machine. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG_LO 4
#else
#define ARG_LO 0
#endif

#ifdef ARCH_COMPAT2
#define N_ABIS 3
#elif defined ARCH_COMPAT1
#define N_ABIS 2
#else
#define N_ABIS 1
#endif

#define NO 0xffff /* not on that ABI (seccomp_table.h) */

#endif
