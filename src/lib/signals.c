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

void supervised_signals(sigset_t *set)
{
	/* sigset_t is an array of unsigned long in musl and glibc alike,
	 * the kernel's words first. */
	unsigned long *word = (unsigned long *)(void *)set;
	const unsigned bits = 8 * sizeof *word;

	/* Ignored, SIGCHLD makes the kernel reap hutch's children itself and
	 * send no SIGCHLD: the launcher would wait for PID 1 forever. */
	set_default(SIGCHLD);
	memset(set, 0, sizeof *set);
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && !ignored(sig))
			word[(unsigned)(sig - 1) / bits] |= 1UL << (unsigned)(sig - 1) % bits;
}

void signals_block(const sigset_t *set)
{
	/* The system call: glibc's sigprocmask drops 32 and 33 from the set
	 * (the sanitizer builds are glibc's). */
	sys_rt_sigprocmask(SIG_BLOCK, set, NULL);
}

void signals_default(void)
{
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			set_default(sig);
}
