/* SPDX-License-Identifier: MIT */
/* signals.c - signal sets as the kernel sees them: one bit per signal,
 * signal N at bit N-1, _NSIG - 1 signals. libc's helpers leave gaps:
 * musl's sigfillset and sigaddset skip 32, 33 and 34 (glibc's 32 and 33),
 * the signals each keeps for its threads, timers and cancellation. hutch
 * uses none of those, and a signal it does not block keeps its default
 * action: kill -34 would end the launcher and leave the sandbox's state
 * behind. The sets are passed as they are: rt_sigprocmask, signalfd4 and
 * rt_sigtimedwait take whatever bits they are given. */
#include "signals.h"

#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"

/* An all-zero kernel sigaction is SIG_DFL with no flags and an empty
 * mask, whatever the architecture's layout: the system call takes it as
 * is, without the 600 bytes of musl's sigaction wrapper. */
static const unsigned long dfl[8];

static void set_default(int sig)
{
	sys_rt_sigaction(sig, dfl, NULL);
}

/* Whether the caller left sig ignored (SIG_IGN, which is 1, survives
 * exec). The kernel's struct sigaction starts with the handler, except on
 * MIPS, where sa_flags (an int, padded to a long on 64-bit) comes first. */
static bool ignored(int sig)
{
#ifdef __mips__
	enum { HANDLER = 1 };
#else
	enum { HANDLER = 0 };
#endif
	unsigned long old[8];

	return sys_rt_sigaction(sig, NULL, old) == 0 &&
	       old[HANDLER] == 1;
}

/* The signals the caller left ignored, as the kernel numbers them (bit
 * sig - 1), once supervised_signals has looked: hutch changes no other
 * disposition but SIGCHLD's, so a fork (PID 1, the service's child)
 * inherits both the dispositions and this record of them, and need not
 * ask the kernel 62 times again. */
static unsigned long left_ignored[(_NSIG + 8 * sizeof(long) - 1) / (8 * sizeof(long))];
static bool looked;

static bool has(const unsigned long *words, int sig)
{
	const unsigned bits = 8 * sizeof *words;

	return words[(unsigned)(sig - 1) / bits] >> (unsigned)(sig - 1) % bits & 1;
}

static void look(void)
{
	const unsigned bits = 8 * sizeof *left_ignored;

	/* Ignored, SIGCHLD makes the kernel reap hutch's children itself and
	 * send no SIGCHLD: the launcher would wait for PID 1 forever. */
	set_default(SIGCHLD);
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && ignored(sig))
			left_ignored[(unsigned)(sig - 1) / bits] |= 1UL << (unsigned)(sig - 1) % bits;
	looked = true;
}

void supervised_signals(sigset_t *set)
{
	/* sigset_t is an array of unsigned long in musl and glibc alike,
	 * the kernel's words first. */
	unsigned long *word = (unsigned long *)(void *)set;
	const unsigned bits = 8 * sizeof *word;

	if (!looked)
		look();
	memset(set, 0, sizeof *set);
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && !has(left_ignored, sig))
			word[(unsigned)(sig - 1) / bits] |= 1UL << (unsigned)(sig - 1) % bits;
}

void signals_block(const sigset_t *set)
{
	/* The system call: glibc's sigprocmask drops 32 and 33 from the set
	 * (the sanitizer builds are glibc's). */
	sys_rt_sigprocmask(SIG_BLOCK, set, NULL);
}

/* execve(2) sets a handled signal back to SIG_DFL itself and keeps an
 * ignored one (signal(7)): only SIG_IGN needs undoing, and hutch installs
 * no handler. Where supervised_signals has looked, the ignored ones are
 * known; elsewhere (hutch exec's child) every one is set, which costs no
 * more than asking. */
void signals_default(void)
{
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && (!looked || has(left_ignored, sig)))
			set_default(sig);
}
