/* SPDX-License-Identifier: MIT */
/* bpf.c - the seccomp filters' assembler (bpf.h).
 *
 * A run of n rules sharing one action is laid out as
 *
 *   jeq NR1, n-1, 0     on a match, jump to the return; else the next
 *   ...
 *   jeq NRn, 0, 1       the last: on a match, fall into the return,
 *   ret ACTION          else step over it
 *
 * n + 1 instructions where single rules take 2n, with the same answers
 * in the same order: a rule is still tried only when every rule before
 * it has failed, and the first that matches decides. The first rule's
 * jump is the run's longest, n - 1: BPF's jt is 8 bits, so a run ends at
 * 256 rules and the next begins. */
#include "bpf.h"

#define RUN_MAX 256 /* jt of the run's first rule: RUN_MAX - 1 <= 255 */

static void put(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (b->len < b->max)
		b->insn[b->len++] = (struct sock_filter){ code, jt, jf, k };
	else
		b->overflow = true;
}

void bpf_end_run(struct bpf *b)
{
	unsigned n = b->run_n;

	if (!n)
		return;
	b->run_n = 0;
	if (b->overflow)
		return; /* refused whole: its jumps do not matter */
	for (unsigned i = 0; i < n; i++)
		b->insn[b->run_at + i].jt = (uint8_t)(n - 1 - i);
	b->insn[b->run_at + n - 1].jf = 1;
	put(b, BPF_RET_K, 0, 0, b->run_action);
}

unsigned bpf_emit(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	bpf_end_run(b);
	put(b, code, jt, jf, k);
	return b->len - 1;
}

void bpf_return_if(struct bpf *b, uint32_t nr, uint32_t action)
{
	if (b->run_n && (b->run_action != action || b->run_n == RUN_MAX))
		bpf_end_run(b);
	if (!b->run_n) {
		b->run_at = b->len;
		b->run_action = action;
	}
	put(b, BPF_JEQ_K, 0, 0, nr); /* jt and jf set by bpf_end_run */
	b->run_n++;
}
