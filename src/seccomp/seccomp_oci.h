/* SPDX-License-Identifier: MIT */
/* seccomp_oci.h - [oci] an OCI runtime-spec seccomp profile (config.json's
 * linux.seccomp, read by oci_seccomp.c) compiled into classic BPF with
 * runc's semantics, which are libseccomp's plus runc's -ENOSYS stub:
 * the rules in the profile's order, the first match wins; the arguments
 * of one rule ANDed, as 64-bit values on a 64-bit ABI (both halves) and
 * their low 32 bits on a 32-bit one; a name an ABI lacks skipped there;
 * the native ABI always filtered, a compat ABI (seccomp_abi.h) and x32
 * only when architectures lists them, every other ABI killed, libseccomp's
 * default bad-architecture action. docs/oci.md, "Seccomp". */
#ifndef HUTCH_SECCOMP_OCI_H
#define HUTCH_SECCOMP_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp.h"

/* SCMP_CMP_*, in libseccomp's order (enum scmp_compare) */
enum { SCMP_CMP_NE = 1, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE,
       SCMP_CMP_GT, SCMP_CMP_MASKED_EQ };

/* limits of what a profile may hold: Docker's default has ~370 names */
#define SECCOMP_OCI_MAX_RULES 1024 /* a name of a syscalls[] entry each */
#define SECCOMP_OCI_MAX_ARGS 1024  /* args[] of all entries */

struct seccomp_oci_arg {
	uint64_t value, value_two; /* MASKED_EQ: mask, then the datum */
	uint8_t index, op;
};

struct seccomp_oci_rule {
	uint32_t action;   /* SECCOMP_RET_*, with its data */
	int16_t sys;	   /* seccomp_oci_syscall()'s index */
	uint16_t arg, n_args; /* args[arg ... arg + n_args) */
};

struct seccomp_oci {
	uint32_t default_action;
	bool enosys;	   /* runc's stub: calls above the profile's last -> ENOSYS */
	unsigned abis;	   /* bit k: compat ABI k listed (bit 0, native: always) */
	unsigned flags;	   /* SECCOMP_FILTER_FLAG_* */
	unsigned n_rules, n_args;
	struct seccomp_oci_rule rule[SECCOMP_OCI_MAX_RULES];
	struct seccomp_oci_arg args[SECCOMP_OCI_MAX_ARGS];
};

/* <linux/seccomp.h>: the return values an action maps to */
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#define SECCOMP_RET_KILL_THREAD 0x00000000U
#define SECCOMP_RET_TRAP 0x00030000U
#define SECCOMP_RET_ERRNO 0x00050000U
#define SECCOMP_RET_TRACE 0x7ff00000U
#define SECCOMP_RET_LOG 0x7ffc0000U
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define SECCOMP_FILTER_FLAG_TSYNC 1U
#define SECCOMP_FILTER_FLAG_LOG 2U
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW 4U

/* Every system call name any ABI has (seccomp_syscalls.h), in its
 * order: SYS_OCI_name is the index of name. */
enum {
#define S(name, ...) SYS_OCI_##name,
#include "seccomp_syscalls.h"
#undef S
	N_SYSCALLS
};

/* The index of a system call name in the table of every name, or -1: no
 * ABI has it. */
int seccomp_oci_syscall(const char *name);

/* The name of index sys, and its number on an ABI of seccomp_oci_arch()
 * (-1: that ABI has no such call). seccomp.c's own list reads them too:
 * a build with hutch oci carries one table of names and numbers. */
const char *seccomp_oci_name(int sys);
int seccomp_oci_number(int sys, int abi);

/* An SCMP_ARCH_ name: 0 the native ABI, k > 0 compat ABI k of this build
 * (on x86_64, x32 the one after the last: a bit of abis all the same),
 * -1 one this build's kernel cannot run beside it (nothing to filter),
 * -2 not a name libseccomp knows. */
int seccomp_oci_arch(const char *name);

/* The names of the ABIs this build filters, for `hutch oci features`:
 * a JSON list's contents ("SCMP_ARCH_X86_64","SCMP_ARCH_X86"). */
const char *seccomp_oci_arch_names(void);

/* Whether the kernel knows a SECCOMP_FILTER_FLAG_ (asked with no program:
 * EFAULT for a known flag, EINVAL for an unknown one). */
bool seccomp_oci_flag_known(unsigned flag);

/* p as a program in static storage; 0, or -1 with msg (too long for
 * BPF_MAXINSNS). Then seccomp_oci_use() makes seccomp_install() load it. */
int seccomp_oci_compile(const struct seccomp_oci *p, char *msg, size_t size);
const struct sock_fprog *seccomp_oci_program(void);
void seccomp_oci_use(const struct sock_filter *prog, unsigned len, unsigned flags);

#endif
