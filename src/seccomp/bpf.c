/* SPDX-License-Identifier: MIT */
/* bpf.c - the seccomp filters' assembler (bpf.h). */
#include "bpf.h"

unsigned bpf_emit(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (b->len < b->max)
		b->insn[b->len++] = (struct sock_filter){ code, jt, jf, k };
	else
		b->overflow = true;
	return b->len - 1;
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

/* A few answers tried one by one, then otherwise, for the numbers
 * between. The k answers of one return share it:
 *
 *   jeq NR1, k-1, 0     on a match, jump to the return; else the next
 *   ...
 *   jeq NRk, 0, 1       the last: on a match, fall into the return,
 *   ret RETURN          else step over it
 *
 * k + 1 instructions where single rules take 2k; the numbers are
 * distinct, so their order does not change an answer. */
static void leaf(struct bpf *b, const struct bpf_answer *a, unsigned n, uint32_t otherwise)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned seen = 0, k = 0, m = 0;
		for (unsigned j = 0; j < n; j++) {
			seen += j < i && a[j].ret == a[i].ret;
			k += a[j].ret == a[i].ret;
		}
		if (seen)
			continue; /* its return's answers are written already */
		for (unsigned j = i; j < n; j++)
			if (a[j].ret == a[i].ret) {
				m++;
				bpf_emit(b, BPF_JEQ_K, (uint8_t)(k - m), m == k, a[j].nr);
			}
		bpf_emit(b, BPF_RET_K, 0, 0, a[i].ret);
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
