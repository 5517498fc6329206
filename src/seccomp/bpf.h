/* SPDX-License-Identifier: MIT */
/* bpf.h - the classic BPF that seccomp filters are written in, and the
 * one assembler both of hutch's filter compilers use: hutch's own
 * (seccomp.c) and hutch oci's (seccomp_oci.c).
 *
 * Why an assembler of its own: the kernel copies, checks, converts and
 * JIT-compiles a filter each time one is installed, at every start and
 * every restart of the service, at a cost that grows with its length
 * (bench/analysis.md). The commonest rule, "number == N: return ACTION",
 * is two instructions alone; consecutive rules with one action share one
 * return, one instruction each (bpf_return_if). A list of deny rules, the
 * default list or a profile's allow list, so takes about half. */
#ifndef HUTCH_BPF_H
#define HUTCH_BPF_H

#include <stdbool.h>
#include <stdint.h>

/* struct sock_filter and struct sock_fprog of <linux/filter.h>: that
 * header is not on musl's include path on every cross route, and the
 * layout is kernel ABI, fixed since Linux 2.2. */
struct sock_filter {
	uint16_t code;
	uint8_t jt, jf; /* forward jumps when true / false */
	uint32_t k;
};

struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};

/* <linux/bpf_common.h>: the instructions used, class | size | mode or
 * class | operation | source. */
#define BPF_MAXINSNS 4096 /* the kernel's limit on a program's length */
#define BPF_LD_ABS 0x20	  /* BPF_LD | BPF_W | BPF_ABS: A = the data's word at k */
#define BPF_AND_K 0x54	  /* BPF_ALU | BPF_AND | BPF_K: A &= k */
#define BPF_JA 0x05	  /* BPF_JMP | BPF_JA: jump by k (32 bits) */
#define BPF_JEQ_K 0x15	  /* BPF_JMP | BPF_JEQ | BPF_K: A == k ? jt : jf */
#define BPF_JGT_K 0x25	  /* A > k */
#define BPF_JGE_K 0x35	  /* A >= k */
#define BPF_JSET_K 0x45	  /* A & k */
#define BPF_RET_K 0x06	  /* BPF_RET | BPF_K: the filter's answer is k */

/* struct seccomp_data, <linux/seccomp.h>: int nr; __u32 arch; __u64
 * instruction_pointer; __u64 args[6], in the kernel's byte order (ARG_LO,
 * seccomp_abi.h, is where the low half is). */
#define SECCOMP_DATA_NR 0
#define SECCOMP_DATA_ARCH 4
#define SECCOMP_DATA_ARG_LO(n) (16u + 8u * (unsigned)(n) + ARG_LO)
#define SECCOMP_DATA_ARG_HI(n) (16u + 8u * (unsigned)(n) + (4u - ARG_LO))

/* A program being written into insn[max]. Past max nothing more is
 * written and overflow is set: the caller refuses the program then,
 * never cuts it. run_n rules "A == k: return run_action" are open at
 * run_at, waiting for their shared return. */
struct bpf {
	struct sock_filter *insn;
	unsigned len, max;
	bool overflow;
	unsigned run_at, run_n;
	uint32_t run_action;
};

/* Appends one instruction, after the return of an open run; returns
 * where it is, for a jump set later. */
unsigned bpf_emit(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k);

/* "If A == nr, return action", A holding the system call's number: one
 * instruction, joined to the open run if it has this action, the run's
 * return written when something else comes. */
void bpf_return_if(struct bpf *b, uint32_t nr, uint32_t action);

/* Writes the open run's return, if any: before a jump is measured. */
void bpf_end_run(struct bpf *b);

#endif
