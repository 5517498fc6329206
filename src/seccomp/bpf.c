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

#include <stddef.h>

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

/* Shell sort by number, then by place (so the first of a number stays
 * first), then the later answers of each number dropped: n log n-ish
 * for a profile's thousand rules, without qsort's bytes. */
unsigned bpf_answers_sort(struct bpf_answer *a, unsigned n)
{
	static unsigned place[BPF_ANSWERS_MAX];
	unsigned kept = 0;

	if (n > BPF_ANSWERS_MAX)
		return 0; /* never: both callers assert it at build time */
	for (unsigned i = 0; i < n; i++)
		place[i] = i;
	for (unsigned gap = n / 2; gap; gap = gap == 2 ? 1 : gap * 5 / 11) {
		for (unsigned i = gap; i < n; i++) {
			struct bpf_answer x = a[i];
			unsigned px = place[i], j = i;
			for (; j >= gap && (a[j - gap].nr > x.nr ||
					    (a[j - gap].nr == x.nr && place[j - gap] > px)); j -= gap) {
				a[j] = a[j - gap];
				place[j] = place[j - gap];
			}
			a[j] = x;
			place[j] = px;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (!kept || a[kept - 1].nr != a[i].nr)
			a[kept++] = a[i];
	return kept;
}

/* A few answers tried one by one: those with one return in a run each
 * (one instruction an answer), then otherwise, for the numbers between. */
static void leaf(struct bpf *b, const struct bpf_answer *a, unsigned n, uint32_t otherwise)
{
	for (unsigned i = 0; i < n; i++) {
		bool first = true;
		for (unsigned j = 0; j < i && first; j++)
			first = a[j].ret != a[i].ret;
		for (unsigned j = i; j < n && first; j++)
			if (a[j].ret == a[i].ret)
				bpf_return_if(b, a[j].nr, a[j].ret);
	}
	bpf_emit(b, BPF_RET_K, 0, 0, otherwise);
}

void bpf_search(struct bpf *b, const struct bpf_answer *a, unsigned n, uint32_t otherwise)
{
	unsigned half = n / 2, at, left;

	if (n <= BPF_LEAF_MAX) {
		leaf(b, a, n, otherwise);
		return;
	}
	/* nr >= the middle one's: jump over the left half */
	at = bpf_emit(b, BPF_JGE_K, 0, 0, a[half].nr);
	left = b->len;
	bpf_search(b, a, half, otherwise);
	if (b->overflow)
		return; /* refused whole */
	if (b->len - left > 255) {
		b->len = at;
		bpf_emit(b, BPF_JGE_K, 0, 1, a[half].nr);
		at = bpf_emit(b, BPF_JA, 0, 0, 0);
		bpf_search(b, a, half, otherwise);
		if (b->overflow)
			return;
		b->insn[at].k = b->len - at - 1;
	} else {
		b->insn[at].jt = (uint8_t)(b->len - left);
	}
	bpf_search(b, a + half, n - half, otherwise);
}
