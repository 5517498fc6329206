/* SPDX-License-Identifier: MIT */
/* bpf.h - the classic BPF that seccomp filters are written in, and the
 * one assembler both of hutch's filter compilers use: hutch's own
 * (seccomp.c) and hutch oci's (seccomp_oci.c).
 *
 * Why an assembler of its own: the kernel copies, checks, converts and
 * JIT-compiles a filter each time one is installed, at every start and
 * every restart of the service, at a cost that grows with its length
 * (bench/analysis.md), and for most of that cost, with how far it goes
 * for a number (bpf_search). */
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
 * never cuts it. */
struct bpf {
	struct sock_filter *insn;
	unsigned len, max;
	bool overflow;
};

/* Appends one instruction; returns where it is, for a jump set later. */
unsigned bpf_emit(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k);

/* What the filter returns for one system call number. */
struct bpf_answer {
	uint32_t nr, ret;
};

/* Sorts a[n] by number, keeping of each number only its first answer
 * (the first rule naming a number decides); returns how many are left.
 * At most BPF_ANSWERS_MAX (hutch oci's rules) are read. */
#define BPF_ANSWERS_MAX 1024
unsigned bpf_answers_sort(struct bpf_answer *a, unsigned n);

/* The answers, sorted and one per number, as a binary search on the
 * number held in A: "jge MIDDLE" over the left half, down to leaves of at
 * most BPF_LEAF_MAX answers tried one by one, those with one return
 * sharing it, then otherwise. Why a search: since Linux
 * 5.11 the kernel runs a filter it installs once for every number of
 * each ABI (seccomp_cache_prepare, to find the calls it always allows),
 * and rules in order made each of those runs walk every rule before the
 * number's own; a search takes a handful of steps for any number. A
 * left half longer than BPF's 8-bit jt is written again behind a BPF_JA.
 * At most BPF_SEARCH_MAX(n, v) instructions for n answers with v
 * return values: a comparison each, per leaf (at least BPF_LEAF_MAX / 2
 * answers but the last) a return per value and otherwise, two a
 * branch. */
#define BPF_LEAF_MAX 8
#define BPF_LEAVES_MAX(n) ((n) / (BPF_LEAF_MAX / 2) + 1)
#define BPF_SEARCH_MAX(n, v) ((n) + ((v) + 1 + 2) * BPF_LEAVES_MAX(n))
void bpf_search(struct bpf *b, const struct bpf_answer *a, unsigned n, uint32_t otherwise);

#endif
